"""Unit tests of kamae.sensors.space_ir: early-warning reports and the tracking layer on
synthetic trajectories (fixed seeds)."""

from __future__ import annotations

import numpy as np
import pytest

from kamae import geo
from kamae.sensors import orbits, space_ir

EARLY_WARNING = dict(
    cloud_top_altitude_m=10_000.0,
    reporting_delay_s=30.0,
    launch_point_sigma_m=2_000.0,
    launch_time_sigma_s=2.0,
    heading_sigma=float(np.radians(3.0)),
)
"""The catalog's defaults for an early-warning layer (space_ir entries), in SI."""
TRACKING = dict(
    limb_altitude_m=20_000.0,
    max_range_m=5_000_000.0,
    revisit_s=10.0,
    pd_per_revisit=0.9,
    position_sigma_m=1_000.0,
    min_satellites=1,
)
"""The catalog's defaults for a tracking layer, in SI."""


def _flyout(
    count: int,
    lat_deg: float = 39.0,
    lon_deg: float = 125.7,
    heading_deg: float = 100.0,
    climb_mps: float = 400.0,
    ground_mps: float = 1_000.0,
    burn_s: float = 120.0,
    launch_s: float = 20.0,
    steps: int = 400,
) -> dict[str, np.ndarray]:
    """N identical missiles: straight climb and ground run along a geodesic from launch."""
    times = np.arange(steps, dtype=float)
    tau = np.clip(times - launch_s, 0.0, None)
    flying = times >= launch_s
    ones = np.ones_like(tau)
    lat2, lon2 = geo.geodesic_direct_deg(
        lat_deg * ones, lon_deg * ones, heading_deg * ones, ground_mps * tau
    )
    alt = climb_mps * tau
    pos = geo.geodetic_to_ecef(np.radians(lat2), np.radians(lon2), alt)
    vel = np.gradient(pos, times, axis=0)
    pos = np.where(flying[:, None], pos, np.nan)
    vel = np.where(flying[:, None], vel, np.nan)
    alt = np.where(flying, alt, np.nan)
    burning = flying & (tau <= burn_s)

    def rep(x: np.ndarray) -> np.ndarray:
        return np.repeat(x[None], count, axis=0)

    return dict(
        times=times,
        position=rep(pos),
        velocity=rep(vel),
        altitude=rep(alt),
        burning=rep(burning),
        in_flight=rep(flying),
        launch_time=np.full(count, launch_s),
    )


def test_layer_rejects_bad_values() -> None:
    el = orbits.geostationary([0.0])
    with pytest.raises(ValueError, match="reporting_delay_s"):
        space_ir.EarlyWarningLayer(el, **{**EARLY_WARNING, "reporting_delay_s": -1.0})
    with pytest.raises(ValueError, match="revisit_s"):
        space_ir.TrackingLayer(el, **{**TRACKING, "revisit_s": 0.0})
    with pytest.raises(ValueError, match="pd_per_revisit"):
        space_ir.TrackingLayer(el, **{**TRACKING, "pd_per_revisit": 1.2})
    with pytest.raises(ValueError, match="min_satellites"):
        space_ir.TrackingLayer(el, **{**TRACKING, "min_satellites": 0})
    with pytest.raises(ValueError, match="revisit_s"):
        space_ir.revisit_looks(np.arange(5.0), 0.0)


def test_launch_report_timing_and_error_statistics() -> None:
    """The first sample above the 10 km cloud tops is at 25 s after launch (400 m/s climb),
    i.e. t = 45 s; the report follows 30 s later. Errors over 4000 missiles have the stated
    standard deviations (5 standard errors)."""
    n = 4000
    f = _flyout(n)
    layer = space_ir.sbirs_like_layer(**EARLY_WARNING)
    vis = space_ir.early_warning_visibility(
        layer, f["times"], f["position"], f["altitude"], f["burning"]
    )
    assert vis.any(axis=1).all()
    rng = np.random.default_rng(5)
    rep = space_ir.launch_reports(
        layer, f["times"], vis, f["position"], f["velocity"], f["in_flight"], f["launch_time"], rng
    )
    assert rep.detected.all()
    np.testing.assert_allclose(rep.first_seen_s, 45.0)
    np.testing.assert_allclose(rep.report_time_s, 75.0)
    np.testing.assert_allclose(rep.true_heading, np.radians(100.0), atol=np.radians(0.5))
    # Launch point error: east/north components with σ = 2 km.
    site = geo.geodetic_to_ecef(np.radians(39.0), np.radians(125.7), 0.0)
    rot = geo.enu_rotation(np.radians(39.0), np.radians(125.7))
    err = (geo.geodetic_to_ecef(rep.launch_lat, rep.launch_lon, 0.0) - site) @ rot.T
    se = 2_000.0 / np.sqrt(n)
    assert np.all(np.abs(err[:, :2].mean(axis=0)) < 5 * se)
    np.testing.assert_allclose(err[:, :2].std(axis=0), 2_000.0, rtol=5 / np.sqrt(2 * n))
    assert np.std(rep.launch_time_s - 20.0) == pytest.approx(2.0, rel=5 / np.sqrt(2 * n))
    dh = np.angle(np.exp(1j * (rep.heading - rep.true_heading)))
    assert np.std(dh) == pytest.approx(np.radians(3.0), rel=5 / np.sqrt(2 * n))


def test_reports_are_deterministic_per_seed() -> None:
    f = _flyout(3)
    layer = space_ir.sbirs_like_layer(**EARLY_WARNING)
    vis = space_ir.early_warning_visibility(
        layer, f["times"], f["position"], f["altitude"], f["burning"]
    )
    args = (layer, f["times"], vis, f["position"], f["velocity"], f["in_flight"], f["launch_time"])
    a = space_ir.launch_reports(*args, np.random.default_rng(9))
    b = space_ir.launch_reports(*args, np.random.default_rng(9))
    np.testing.assert_array_equal(a.launch_lat, b.launch_lat)
    np.testing.assert_array_equal(a.heading, b.heading)


def test_no_report_below_clouds_or_behind_the_earth() -> None:
    """A motor that burns out at 8 km (below 10 km cloud tops) is never reported; a layer
    whose only satellite is over the antipode (-54.3°E) sees nothing."""
    low = _flyout(2, burn_s=20.0)  # 20 s at 400 m/s = 8 km
    layer = space_ir.sbirs_like_layer(**EARLY_WARNING)
    vis = space_ir.early_warning_visibility(
        layer, low["times"], low["position"], low["altitude"], low["burning"]
    )
    assert not vis.any()
    rep = space_ir.launch_reports(
        layer,
        low["times"],
        vis,
        low["position"],
        low["velocity"],
        low["in_flight"],
        low["launch_time"],
        np.random.default_rng(1),
    )
    assert not rep.detected.any()
    assert np.isnan(rep.report_time_s).all() and np.isnan(rep.launch_lat).all()
    f = _flyout(1)
    far = space_ir.EarlyWarningLayer(orbits.geostationary(np.radians([-54.3])), **EARLY_WARNING)
    vis_far = space_ir.early_warning_visibility(
        far, f["times"], f["position"], f["altitude"], f["burning"]
    )
    assert not vis_far.any()


def test_geo_over_the_launch_area_sees_the_whole_burn_above_clouds() -> None:
    f = _flyout(1)
    layer = space_ir.EarlyWarningLayer(orbits.geostationary(np.radians([125.0])), **EARLY_WARNING)
    vis = space_ir.early_warning_visibility(
        layer, f["times"], f["position"], f["altitude"], f["burning"]
    )
    expected = f["burning"] & (np.nan_to_num(f["altitude"]) >= 10e3)
    np.testing.assert_array_equal(vis, expected)


def test_tracking_layer_follows_a_midcourse_object() -> None:
    """Object at ~300-600 km altitude over the Sea of Japan: viewed by the Walker layer; looks
    every 10 s; detections a fraction ≈ Pd of the viewed looks; errors with σ = 1 km."""
    n = 200
    f = _flyout(n, climb_mps=20.0, launch_s=0.0, steps=600)
    f["position"] = f["position"] * ((geo.WGS84_A + 300e3) / geo.WGS84_A)
    layer = space_ir.tracking_layer_walker(**TRACKING)
    trackable = f["in_flight"]
    vis = space_ir.tracking_layer_visibility(layer, f["times"], f["position"], trackable)
    assert vis.any()
    rng = np.random.default_rng(21)
    det, meas = space_ir.tracking_layer_detections(layer, f["times"], vis, f["position"], rng)
    looks = space_ir.revisit_looks(f["times"], layer.revisit_s)
    assert looks.sum() == 60 and looks[0] and looks[10] and not looks[5]
    assert not det[:, ~looks].any()
    assert not (det & ~vis).any()
    viewed_looks = vis & looks[None, :]
    frac = det.sum() / viewed_looks.sum()
    se = np.sqrt(0.9 * 0.1 / viewed_looks.sum())
    assert abs(frac - 0.9) < 5 * se
    err = (meas - f["position"])[det]
    np.testing.assert_allclose(err.std(axis=0), 1_000.0, rtol=0.1)
    assert np.isnan(meas[~det]).all()


def test_stereo_requirement_and_range_limit_reduce_coverage() -> None:
    """Over 3000 s at 300 km above the Sea of Japan the 28/4/1 layer always has 2-5
    satellites within 5000 km; within 3000 km it has 0-2, and two at once only part of
    the time (counts from this geometry, fixed)."""
    f = _flyout(1, climb_mps=20.0, launch_s=0.0, steps=3000)
    f["position"] = f["position"] * ((geo.WGS84_A + 300e3) / geo.WGS84_A)
    args = (f["times"], f["position"], f["in_flight"])
    wide = space_ir.tracking_layer_visibility(
        space_ir.tracking_layer_walker(**{**TRACKING, "min_satellites": 2}), *args
    )
    assert wide.all()
    one = space_ir.tracking_layer_walker(**{**TRACKING, "max_range_m": 3_000e3})
    two = space_ir.tracking_layer_walker(
        **{**TRACKING, "min_satellites": 2, "max_range_m": 3_000e3}
    )
    v1 = space_ir.tracking_layer_visibility(one, *args)
    v2 = space_ir.tracking_layer_visibility(two, *args)
    assert not (v2 & ~v1).any()
    assert 0 < v2.sum() < v1.sum() < v1.size
