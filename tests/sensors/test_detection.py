"""Unit tests of kamae.sensors.detection: input checks, invariants and hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamae import geo
from kamae.sensors import detection as det

RADAR = dict(
    peak_power_w=1e6,
    gain_tx=1e4,
    wavelength_m=0.1,
    system_noise_temperature_k=580.0,
    pulse_width_s=1e-6,
)


# ---------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("peak_power_w", -1.0),
        ("peak_power_w", 0.0),
        ("gain_tx", -3.0),
        ("wavelength_m", np.nan),
        ("system_noise_temperature_k", 0.0),
        ("pulse_width_s", -1e-6),
        ("loss", 0.5),
        ("coherent_pulses", 0),
        ("coherent_pulses", 2.5),
    ],
)
def test_radar_equation_rejects_bad_values(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        det.RadarEquation(**{**RADAR, field: value})


def test_catalog_form_rejects_bad_values() -> None:
    kw = dict(peak_power_kw=100, gain_db=40, frequency_ghz=3, noise_figure_db=3)
    with pytest.raises(ValueError, match="pulse_width_us or bandwidth_mhz"):
        det.RadarEquation.from_catalog(**kw)
    # A compressed pulse: energy from the 100 µs pulse, not from 1/B.
    long = det.RadarEquation.from_catalog(**kw, pulse_width_us=100, bandwidth_mhz=10)
    short = det.RadarEquation.from_catalog(**kw, bandwidth_mhz=10)
    assert float(long.constant) == pytest.approx(1000 * float(short.constant), rel=1e-12)
    with pytest.raises(ValueError, match="peak_power_kw"):
        det.RadarEquation.from_catalog(**{**kw, "peak_power_kw": -5}, pulse_width_us=1)
    with pytest.raises(ValueError, match="noise_figure_db"):
        det.RadarEquation.from_catalog(**{**kw, "noise_figure_db": -1}, pulse_width_us=1)
    with pytest.raises(ValueError, match="losses_db"):
        det.RadarEquation.from_catalog(**kw, pulse_width_us=1, losses_db=-2)


@pytest.mark.parametrize("pfa", [0.0, 1.0, -1e-6, 1.5])
def test_pfa_outside_open_unit_interval(pfa: float) -> None:
    with pytest.raises(ValueError, match="pfa"):
        det.detection_probability(10.0, pfa)
    with pytest.raises(ValueError, match="pfa"):
        det.required_snr_albersheim(0.9, pfa)
    with pytest.raises(ValueError, match="pfa"):
        det.detection_threshold(pfa)


def test_other_bad_detection_inputs() -> None:
    with pytest.raises(ValueError, match="swerling"):
        det.detection_probability(10.0, 1e-6, 1, 5)
    with pytest.raises(ValueError, match="n_pulses"):
        det.detection_probability(10.0, 1e-6, 0)
    with pytest.raises(ValueError, match="snr"):
        det.detection_probability(-1.0, 1e-6)
    with pytest.raises(ValueError, match="pd must exceed pfa"):
        det.required_snr(1e-7, 1e-6)
    with pytest.raises(ValueError, match="0.1, 0.99"):
        det.required_snr_shnidman(0.995, 1e-6)
    with pytest.raises(ValueError, match="aperture_efficiency"):
        det.gain_from_aperture(9.2, 0.03, 1.2)


def test_field_of_regard_wider_than_360_degrees() -> None:
    with pytest.raises(ValueError, match="azimuth width"):
        det.check_field_of_regard(np.radians(361.0), 0.0, 1.0)
    with pytest.raises(ValueError, match="azimuth width"):
        det.in_field_of_regard(0.0, 0.1, 0.0, 0.0, 0.0, 1.0)
    with pytest.raises(ValueError, match="elevation"):
        det.check_field_of_regard(1.0, 0.5, 0.2)
    det.check_field_of_regard(2 * np.pi, 0.0, np.pi / 2)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("track_revisit_s", 0.0),
        ("search_revisit_s", 0.0),
        ("track_dwell_s", -0.01),
        ("search_frame_s", 0.0),
        ("min_search_fraction", 1.0),
    ],
)
def test_budget_rejects_zero_revisit_and_friends(field: str, value: float) -> None:
    kw = dict(track_dwell_s=0.01, track_revisit_s=1.0, search_frame_s=2.0, search_revisit_s=4.0)
    with pytest.raises(ValueError, match=field):
        det.revisit_under_load(10, **{**kw, field: value})


# --------------------------------------------------------------------------- radar equation


def test_gain_from_aperture_hand_value() -> None:
    """G = 4π·A/λ²: 9.2 m² at 3 cm gives 4π·9.2/9e-4 = 128 456 (51.1 dB)."""
    g = float(det.gain_from_aperture(9.2, 0.03))
    assert g == pytest.approx(4 * np.pi * 9.2 / 9e-4, rel=1e-12)
    assert float(det.linear_to_db(g)) == pytest.approx(51.09, abs=0.01)


def test_bistatic_gain_and_loss_enter_linearly() -> None:
    mono = det.RadarEquation(**RADAR)
    split = det.RadarEquation(**{**RADAR, "gain_rx": 2e3, "loss": 2.0})
    assert float(split.constant) == pytest.approx(float(mono.constant) * 0.2 / 2.0, rel=1e-12)


def test_batched_over_sensors() -> None:
    """Fields shaped (S, 1) give SNR (S, N) for N targets' ranges."""
    eq = det.RadarEquation(**{**RADAR, "peak_power_w": np.array([[1e6], [4e6]])})
    snr = eq.snr(np.array([1e5, 2e5, 4e5]), 1.0)
    assert snr.shape == (2, 3)
    np.testing.assert_allclose(snr[1] / snr[0], 4.0)
    np.testing.assert_allclose(snr[0, :-1] / snr[0, 1:], 16.0)


# ---------------------------------------------------------------------- detection invariants


@settings(max_examples=60, deadline=None)
@given(
    case=st.sampled_from(det.SWERLING_CASES),
    n=st.integers(1, 64),
    log_pfa=st.floats(-10.0, -1.0),
    snr_db=st.floats(-20.0, 30.0),
)
def test_pd_increases_with_snr_and_starts_at_pfa(
    case: int, n: int, log_pfa: float, snr_db: float
) -> None:
    pfa = 10.0**log_pfa
    s = det.db_to_linear(np.array([snr_db, snr_db + 0.5]))
    pd = det.detection_probability(s, pfa, n, case)
    assert np.all((pd >= 0) & (pd <= 1))
    assert pd[1] >= pd[0] - 1e-12
    assert pd[0] >= pfa * (1 - 1e-6)
    assert float(det.detection_probability(0.0, pfa, n, case)) == pytest.approx(pfa, rel=1e-5)


def test_fluctuation_loss_at_high_pd() -> None:
    """At Pd = 0.9 a fluctuating target needs more SNR than a steady one; Swerling 1 needs
    the most, and pulse-to-pulse decorrelation (2, 4) recovers most of it with 10 pulses."""
    snr = {c: float(det.required_snr(0.9, 1e-6, 10, c)) for c in det.SWERLING_CASES}
    assert snr[1] > snr[3] > snr[0]
    assert snr[1] > snr[2] > snr[0]
    assert snr[3] > snr[4] > snr[0]


def test_mixed_swerling_cases_in_one_call() -> None:
    snr = np.array([3.0, 10.0, 30.0, 5.0, 8.0])
    cases = np.array([0, 1, 2, 3, 4])
    mixed = det.detection_probability(snr, 1e-4, 4, cases)
    single = [
        float(det.detection_probability(s, 1e-4, 4, c)) for s, c in zip(snr, cases, strict=True)
    ]
    np.testing.assert_allclose(mixed, single, rtol=1e-12)


def test_reference_range_parametrisation() -> None:
    """SNR_ref = required SNR for the reference Pd: at the reference range the reference RCS
    is detected with exactly that Pd; closer it is higher, farther lower."""
    pfa, n, case, pd_ref = 1e-6, 4, 1, 0.9
    snr_ref = det.required_snr(pd_ref, pfa, n, case)
    r_ref, s_ref = 1_000e3, 0.1
    ranges = np.array([800e3, 1_000e3, 1_200e3])
    pd = det.detection_probability(det.scaled_snr(ranges, s_ref, snr_ref, r_ref, s_ref), pfa, n, 1)
    assert pd[1] == pytest.approx(pd_ref, abs=1e-6)
    assert pd[0] > pd_ref > pd[2]
    # Explicit radar built for that reference gives the same reference range.
    eq = det.RadarEquation(**RADAR)
    r = float(eq.range_for_snr(snr_ref, s_ref))
    assert float(eq.snr(r, s_ref)) == pytest.approx(float(snr_ref), rel=1e-12)


def test_nan_snr_passes_through() -> None:
    """Targets not in flight carry NaN: their Pd is NaN, the others are unaffected."""
    for case in det.SWERLING_CASES:
        pd = det.detection_probability(np.array([np.nan, 20.0]), 1e-6, 4, case)
        assert np.isnan(pd[0]) and 0.5 < pd[1] <= 1.0


def test_many_pulse_swerling1_has_no_overflow() -> None:
    """Low SNR with many pulses (the (1 + 1/nS)^(n-1) factor is huge) stays finite."""
    pd = det.pd_swerling1(np.array([1e-9, 1e-4, 1e-2]), 1e-8, 500)
    assert np.all(np.isfinite(pd))
    assert pd[0] == pytest.approx(1e-8, rel=1e-3)
    assert pd[0] <= pd[1] <= pd[2]


# ----------------------------------------------------------------------------- noise models


def test_noise_sigma_hand_values() -> None:
    """B = 1 MHz: ΔR = 149.9 m; at SNR = 50 (17 dB) σ_R = 149.9/10 = 14.99 m; with a 10 m
    floor sqrt(14.99² + 10²) = 18.02 m. θ = 1° at SNR 50: θ/(1.6·10) = 0.0625°."""
    dr = float(det.range_resolution(1e6))
    assert dr == pytest.approx(149.896, abs=1e-3)
    assert float(det.range_noise_sigma(50.0, dr)) == pytest.approx(14.9896, abs=1e-3)
    assert float(det.range_noise_sigma(50.0, dr, 10.0)) == pytest.approx(18.019, abs=1e-3)
    sigma = float(det.angle_noise_sigma(50.0, np.radians(1.0)))
    assert np.degrees(sigma) == pytest.approx(0.0625, rel=1e-12)
    s = det.range_noise_sigma(np.array([1.0, 10.0, 1e3, 1e9]), dr, 5.0)
    assert np.all(np.diff(s) < 0)
    assert s[-1] == pytest.approx(5.0, rel=1e-6)


# --------------------------------------------------------------- field of regard, false alarms


def test_in_field_of_regard_across_sensors() -> None:
    """Sector centred on 350° with 40° width spans 330°..10° (wraps through north)."""
    az = np.radians(np.array([[335.0, 5.0, 15.0, 180.0]]))
    el = np.radians(np.array([[1.0, 1.0, 1.0, 1.0]]))
    bore = np.radians(np.array([[350.0], [0.0]]))
    width = np.radians(np.array([[40.0], [360.0]]))
    inside = det.in_field_of_regard(az, el, bore, width, np.radians(0.5), np.radians(80.0))
    np.testing.assert_array_equal(inside, [[True, True, False, False], [True, True, True, True]])
    low = det.in_field_of_regard(0.0, np.radians(0.2), 0.0, 2 * np.pi, np.radians(0.5), 1.0)
    assert not bool(low)


def test_resolution_cells_hand_value() -> None:
    """10–1010 km at ΔR = 150 m: 6666 range cells; 120° × (sin 60° − sin 0°) over a 1° beam:
    2.0944·0.8660/3.0462e-4 = 5954 beams; 6666·5954 cells."""
    cells = float(
        det.resolution_cells(
            10e3, 1010e3, 150.0, np.radians(120.0), 0.0, np.radians(60.0), np.radians(1.0)
        )
    )
    assert cells == 6666 * 5954


def test_false_alarms_count_and_placement() -> None:
    """Mean count Pfa·cells per scan (binomial, fixed seed), inside the field of regard."""
    rng = np.random.default_rng(11)
    lat, lon, h = np.radians([35.0, 40.0]), np.radians([135.0, 140.0]), np.array([50.0, 20.0])
    site = geo.geodetic_to_ecef(lat, lon, h)
    rot = geo.enu_rotation(lat, lon)
    cells = np.array([2e7, 5e6])
    pfa = 1e-6
    bore, width = np.radians([270.0, 0.0]), np.radians([120.0, 360.0])
    el0, el1 = np.radians([0.5, 1.0]), np.radians([60.0, 85.0])
    r0, r1 = np.array([5e3, 1e3]), np.array([1500e3, 400e3])
    counts = np.zeros(2)
    scans = 200
    for _ in range(scans):
        fa = det.draw_false_alarms(rng, pfa, cells, site, rot, r0, r1, bore, width, el0, el1)
        counts += np.bincount(fa.sensor, minlength=2)
        s = fa.sensor
        assert np.all((fa.range_m >= r0[s]) & (fa.range_m <= r1[s]))
        assert np.all(
            det.in_field_of_regard(fa.azimuth, fa.elevation, bore[s], width[s], el0[s], el1[s])
        )
        back = np.linalg.norm(fa.ecef - site[s], axis=-1)
        np.testing.assert_allclose(back, fa.range_m, rtol=1e-9)
        enu = np.einsum("mij,mj->mi", rot[s], fa.ecef - site[s])
        _, az, el = geo.enu_to_range_azimuth_elevation(enu)
        np.testing.assert_allclose(el, fa.elevation, atol=1e-9)
    mean = pfa * cells
    assert np.all(np.abs(counts / scans - mean) < 5 * np.sqrt(mean / scans))


def test_false_plot_positions_span_the_field_of_regard() -> None:
    """Uniforms 0 and 1 map to the range and elevation limits; azimuth spans the width around
    the boresight (wrapped to [0, 2 pi)); the middle uniform is the boresight."""
    u = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [0.5, 0.5, 0.5]])
    bore, width = np.radians(350.0), np.radians(40.0)
    rng, az, el = det.false_plot_positions(u, 1e3, 5e5, bore, width, 0.1, 1.0)
    np.testing.assert_allclose(rng, [1e3, 5e5, 0.5 * (1e3 + 5e5)])
    np.testing.assert_allclose(np.degrees(az), [330.0, 10.0, 350.0])
    np.testing.assert_allclose(el[:2], [0.1, 1.0])
    assert el[2] == pytest.approx(np.arcsin(0.5 * (np.sin(0.1) + np.sin(1.0))))


# ----------------------------------------------------------------------------- time budget


def test_budget_light_and_heavy_load() -> None:
    """Dwell 20 ms, track revisit 1 s, search frame 3 s, nominal search revisit 5 s,
    f_min = 0.2. 10 tracks: u = 0.2, search max(5, 3/0.8 = 3.75) = 5 s. 30 tracks: u = 0.6,
    search 3/0.4 = 7.5 s. 60 tracks: wanted 1.2 > 0.8, track revisit 60·0.02/0.8 = 1.5 s,
    search 3/0.2 = 15 s."""
    sched = det.revisit_under_load(
        np.array([10, 30, 60]),
        track_dwell_s=0.02,
        track_revisit_s=1.0,
        search_frame_s=3.0,
        search_revisit_s=5.0,
        min_search_fraction=0.2,
    )
    np.testing.assert_allclose(sched.track_revisit_s, [1.0, 1.0, 1.5])
    np.testing.assert_allclose(sched.search_revisit_s, [5.0, 7.5, 15.0])
    np.testing.assert_allclose(sched.track_occupancy, [0.2, 0.6, 0.8])
    np.testing.assert_array_equal(sched.overloaded, [False, False, True])


def test_time_budget_checked_once_schedules_as_revisit_under_load() -> None:
    """A `TimeBudget` built once gives `revisit_under_load`'s schedule for each load, bit for
    bit, and refuses a negative number of tracks."""
    kw = dict(
        track_dwell_s=np.array([0.02, 0.05]),
        track_revisit_s=np.array([1.0, 2.0]),
        search_frame_s=np.array([3.0, 4.0]),
        search_revisit_s=np.array([5.0, 4.0]),
        min_search_fraction=np.array([0.2, 0.3]),
    )
    budget = det.TimeBudget.of(**kw)
    for n in (np.zeros((3, 2)), np.array([[10.0, 30.0], [60.0, 1.0], [7.0, 200.0]])):
        a, b = budget.schedule(n), det.revisit_under_load(n, **kw)
        for field in ("track_revisit_s", "search_revisit_s", "track_occupancy", "overloaded"):
            assert np.array_equal(getattr(a, field), getattr(b, field))
    with pytest.raises(ValueError, match="n_tracks"):
        budget.schedule(np.array([[-1.0, 0.0]]))
    with pytest.raises(ValueError, match="min_search_fraction"):
        det.TimeBudget.of(**{**kw, "min_search_fraction": 0.0})
