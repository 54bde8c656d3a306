"""The defense's level-flight predictor and threat evaluation for cruise missiles and glide
vehicles, against pyproj geodesics (independent reference)."""

from __future__ import annotations

import numpy as np
import pytest

from kamae.engagement.threat_evaluation import assess_level_threats
from kamae.geo import ecef_to_geodetic, geodesic_direct_deg, geodesic_inverse_deg, geodetic_to_ecef
from kamae.kinematics.level_flight import level_flight_trajectory


def _state(lat: float, lon: float, h: float, azimuth_deg: float, speed: float):  # noqa: ANN202
    """ECEF position and a horizontal velocity along the given azimuth."""
    p = geodetic_to_ecef(np.radians([lat]), np.radians([lon]), np.array([h]))
    lat2, lon2 = geodesic_direct_deg(lat, lon, azimuth_deg, 1.0)[:2]
    q = geodetic_to_ecef(np.radians([lat2]), np.radians([lon2]), np.array([h]))
    d = (q - p) / np.linalg.norm(q - p)
    return p, d * speed


def test_level_flight_holds_height_and_covers_speed_times_time() -> None:
    p, v = _state(36.0, 133.0, 50.0, 60.0, 220.0)
    times = np.arange(0.0, 601.0, 60.0)
    traj = level_flight_trajectory(p, v, 0.0, times)
    _, _, h = ecef_to_geodetic(traj.position[0])
    assert np.allclose(h, 50.0, atol=1e-3)
    lat, lon, _ = ecef_to_geodetic(traj.position[0])
    dist, _, _ = geodesic_inverse_deg(36.0, 133.0, np.degrees(lat[-1]), np.degrees(lon[-1]))
    # 600 s at 220 m/s along the great circle: 132 km on the ground (sphere vs ellipsoid and
    # the 50 m height: well inside 0.5 %).
    assert float(dist) == pytest.approx(220.0 * 600.0, rel=5e-3)


def test_a_glide_prediction_ends_in_its_terminal_dive() -> None:
    p, v = _state(30.0, 125.0, 60e3, 90.0, 3000.0)
    tgo = 100.0  # 300 km to go at 3 km/s
    angle = np.radians(45.0)
    times = np.arange(0.0, 101.0, 1.0)
    traj = level_flight_trajectory(p, v, 0.0, times, np.array([tgo]), np.array([angle]))
    alt = traj.altitude[0]
    remaining = 3000.0 * (tgo - times)
    expected = np.minimum(60e3, remaining * np.tan(angle))
    assert np.allclose(alt, expected, atol=1e-6)
    assert alt[0] == pytest.approx(60e3) and alt[-1] == pytest.approx(0.0, abs=1e-6)
    assert traj.in_flight[0].all()


def test_level_threat_evaluation_ahead_behind_and_cross_track() -> None:
    p, v = _state(35.0, 130.0, 50.0, 90.0, 250.0)
    ahead = geodesic_direct_deg(35.0, 130.0, 90.0, 200e3)
    behind = geodesic_direct_deg(35.0, 130.0, 270.0, 100e3)
    off = geodesic_direct_deg(*geodesic_direct_deg(35.0, 130.0, 90.0, 100e3)[:2], 0.0, 50e3)
    assets = geodetic_to_ecef(
        np.radians([ahead[0], behind[0], off[0]]), np.radians([ahead[1], behind[1], off[1]]), 0.0
    )
    wide = assess_level_threats(p, v, assets[[0]], np.array([10.0]), 30e3)
    assert wide.asset[0] == 0 and wide.value[0] == 10.0
    assert wide.time_to_go_s[0] == pytest.approx(200e3 / 250.0, rel=5e-3)
    assert wide.miss_distance_m[0] < 1e3
    assert assess_level_threats(p, v, assets[[1]], np.array([10.0]), 30e3).asset[0] == -1
    assert assess_level_threats(p, v, assets[[2]], np.array([10.0]), 30e3).asset[0] == -1
    near = assess_level_threats(p, v, assets[[2]], np.array([10.0]), 60e3)
    assert near.asset[0] == 0 and near.miss_distance_m[0] == pytest.approx(50e3, rel=0.01)
