"""Noise jamming against the self-screening and stand-off jamming equations.

References (independent of the reference-range form the engine uses):
- Adamy, EW 101: A First Course in Electronic Warfare (Artech House, 2001), ch. 9, in dB with
  ranges in km and ERPs in one unit: self-protection J/S = 71 + ERP_J - ERP_S + 20·log R -
  10·log σ; remote (stand-off) J/S = 71 + ERP_J - ERP_S + 40·log R_T - 20·log R_J + G_RJ -
  G_M - 10·log σ (G_RJ the radar's gain toward the jammer, G_M its main lobe); burn-through
  20·log R_BT = ERP_S - ERP_J - 71 + 10·log σ + J/S_required. The 71 dB is 10·log10(4π·10⁶)
  = 70.99 dB rounded (0.1% in a burn-through range).
- The same ratios in the NAWCWPNS TP 8347 Electronic Warfare and Radar Systems Engineering
  Handbook (1999), section 4-8, J/S = P_j·G_j·4π·R²/(P_t·G_t·σ) for self-protection.
A radar is given by its explicit radar equation (`detection.RadarEquation`: power, gain,
wavelength, noise temperature, pulse width τ = 1/B); its catalog form (a reference range at
the threshold SNR) is derived from it, and kamae's J/N and S/N then give J/S, the jammed
detection range and the burn-through range, which must equal the textbook's.
"""

from __future__ import annotations

import numpy as np
import pytest

from kamae.geo import enu_to_ecef, geodetic_to_ecef
from kamae.sensors import detection as det
from kamae.sensors.jamming import (
    NoiseJammer,
    jamming_at_looks,
    jamming_to_noise,
    self_screening_detection_range,
    stand_off_range_factor,
)
from kamae.sensors.radar import Radar, radar_view
from kamae.sensors.rf import RadarRF

PT, GAIN_DB, FREQ, TS, BW = 1e6, 40.0, 3e9, 500.0, 1e6
SIGMA = 1.0
PD_REF, PFA = 0.9, 1e-6
LAT, LON, H = np.radians(30.0), np.radians(130.0), 20.0


def _explicit() -> det.RadarEquation:
    return det.RadarEquation(
        peak_power_w=PT,
        gain_tx=10 ** (GAIN_DB / 10),
        wavelength_m=det.SPEED_OF_LIGHT / FREQ,
        system_noise_temperature_k=TS,
        pulse_width_s=1.0 / BW,
    )


def _snr_required() -> float:
    return float(det.required_snr(PD_REF, PFA, 1, 1))


def _radar() -> tuple[Radar, RadarRF]:
    reference = float(_explicit().range_for_snr(_snr_required(), SIGMA))
    radar = Radar(
        lat=LAT, lon=LON, height_m=H, reference_range_m=reference, reference_rcs_m2=SIGMA,
        max_range_m=5e6, boresight_azimuth=0.0, azimuth_width=2 * np.pi,
        min_elevation=np.radians(-2.0), max_elevation=np.radians(90.0), revisit_s=1.0,
        pd_per_look=1.0, range_sigma_m=10.0, angle_sigma=1e-3, detection="swerling1",
        reference_pd=PD_REF, pfa=PFA, noncoherent_pulses=1, search_revisit_s=None,
        track_dwell_s=None, min_search_fraction=0.2, false_alarms_per_scan=0.0,
        confirm_hits=2, confirm_looks=3, delete_after_misses=3,
    )  # fmt: skip
    rf = RadarRF(
        frequency_hz=FREQ, gain=10 ** (GAIN_DB / 10), beamwidth=np.radians(2.0),
        sidelobe_level=10 ** (-30 / 10), noise_temperature_k=TS, bandwidth_hz=BW,
        discrimination_bandwidth_hz=None, discrimination_energy=1.0, clutter_improvement=1.0,
        polarization="H", search_fence=None, sea_state=None,
    )  # fmt: skip
    return radar, rf


def _jammer(power_w: float, gain_db: float) -> NoiseJammer:
    # A spot jammer exactly filling the receiver's band, as the textbook ratios assume.
    return NoiseJammer(
        id="j", power_w=power_w, gain=10 ** (gain_db / 10), band_low_hz=FREQ - BW / 2,
        band_high_hz=FREQ + BW / 2, losses=1.0, start_s=0.0, end_s=np.inf, sensors=(),
    )  # fmt: skip


def _dbm(watts: float) -> float:
    return 10 * np.log10(watts * 1e3)


def test_self_protection_js_is_adamys() -> None:
    _, rf = _radar()
    eq = _explicit()
    jam = _jammer(100.0, 10.0)
    for r in (20e3, 100e3, 400e3):
        js = float(jamming_to_noise(jam, rf, r, 1.0)) / float(eq.snr(r, SIGMA))
        adamy = 71 + _dbm(100.0 * 10) - _dbm(PT * 10 ** (GAIN_DB / 10)) + 20 * np.log10(r / 1e3)
        adamy -= 10 * np.log10(SIGMA)
        assert 10 * np.log10(js) == pytest.approx(adamy, abs=0.01)
        handbook = 100.0 * 10 * 4 * np.pi * r**2 / (PT * 10 ** (GAIN_DB / 10) * SIGMA)
        assert js == pytest.approx(handbook, rel=1e-9)


def test_stand_off_js_is_adamys() -> None:
    _, rf = _radar()
    eq = _explicit()
    jam = _jammer(1000.0, 20.0)
    r_t, r_j = 150e3, 300e3
    sidelobe_db = -30.0
    js = float(jamming_to_noise(jam, rf, r_j, 10 ** (sidelobe_db / 10))) / float(eq.snr(r_t, SIGMA))
    adamy = 71 + _dbm(1000.0 * 100) - _dbm(PT * 10 ** (GAIN_DB / 10))
    adamy += 40 * np.log10(r_t / 1e3) - 20 * np.log10(r_j / 1e3)
    adamy += (GAIN_DB + sidelobe_db) - GAIN_DB - 10 * np.log10(SIGMA)
    assert 10 * np.log10(js) == pytest.approx(adamy, abs=0.01)


def _radial(
    radar: Radar, ranges: np.ndarray, elevation_deg: float, azimuth_deg: float
) -> np.ndarray:
    """ECEF points (1, T, 3) at the given slant ranges along one direction from the radar."""
    az, el = np.radians(azimuth_deg), np.radians(elevation_deg)
    enu = np.stack(
        [ranges * np.cos(el) * np.sin(az), ranges * np.cos(el) * np.cos(az),
         ranges * np.sin(el)], axis=-1,
    )  # fmt: skip
    return enu_to_ecef(enu, radar.lat, radar.lon, radar.height_m)[None]


def _crossing(ranges: np.ndarray, pd: np.ndarray) -> float:
    """Range at which Pd (decreasing with range) falls through PD_REF, by interpolation."""
    i = int(np.flatnonzero(pd < PD_REF)[0])
    return float(np.interp(PD_REF, [pd[i], pd[i - 1]], [ranges[i], ranges[i - 1]]))


def test_stand_off_jamming_cuts_the_detection_range_by_the_fourth_root() -> None:
    radar, rf = _radar()
    ranges = np.linspace(20e3, 1.2 * radar.reference_range_m, 4000)
    target = _radial(radar, ranges, 20.0, 0.0)
    jammer_at = geodetic_to_ecef(np.radians(29.0), np.radians(131.5), 10e3)
    source = np.broadcast_to(jammer_at, (ranges.size, 3))
    # A weak jammer (tens of mW through -30 dB sidelobes at ~180 km): J/N of a few, so the
    # jammed range stays inside the sampled ranges.
    jam = _jammer(0.05, 15.0)
    jn = jamming_at_looks(jam, rf, radar.ecef, source, target, np.zeros(ranges.size))
    assert np.all(jn > 0) and np.ptp(jn) < 1e-9 * jn.max()  # constant: sidelobes, fixed range
    view = radar_view(radar, target, np.full(1, SIGMA), interference=jn)
    jammed = _crossing(ranges, view.pd[0])
    clear = _crossing(ranges, radar_view(radar, target, np.full(1, SIGMA)).pd[0])
    assert clear == pytest.approx(radar.reference_range_m, rel=1e-3)
    factor = float(stand_off_range_factor(jn[0, 0]))
    assert 0.3 < factor < 0.9
    assert jammed == pytest.approx(radar.reference_range_m * factor, rel=1e-3)


def test_self_screening_jamming_burns_through_where_the_textbook_says() -> None:
    radar, rf = _radar()
    eq = _explicit()
    ranges = np.linspace(300.0, radar.reference_range_m, 40000)
    target = _radial(radar, ranges, 15.0, 45.0)
    for power in (1e-5, 1e-2):  # J/N comparable to the noise near burn-through, then ≫ 1
        jam = _jammer(power, 10.0)
        jn = jamming_at_looks(jam, rf, radar.ecef, target[0], target, np.zeros(ranges.size))
        view = radar_view(radar, target, np.full(1, SIGMA), interference=jn)
        detected = _crossing(ranges, view.pd[0])
        closed = float(self_screening_detection_range(radar.reference_range_m, jn[0, 0],
                                                      float(ranges[0])))  # fmt: skip
        assert detected == pytest.approx(closed, rel=2e-3)
        # Adamy's burn-through (noise neglected): S/J reaches the threshold SNR.
        erp_j, erp_s = _dbm(power * 10.0), _dbm(PT * 10 ** (GAIN_DB / 10))
        js_req = -10 * np.log10(_snr_required())
        burn = 10 ** ((erp_s - erp_j - 71 + 10 * np.log10(SIGMA) + js_req) / 20) * 1e3
        noise_free = float(np.sqrt(float(eq.snr(1.0, SIGMA)) / _snr_required()
                                   / float(jamming_to_noise(jam, rf, 1.0, 1.0))))  # fmt: skip
        assert noise_free == pytest.approx(burn, rel=2e-3)  # Adamy's 71 is 70.99 dB rounded
        assert detected <= burn * (1 + 1e-3)
        if power >= 1e-2:
            assert detected == pytest.approx(burn, rel=0.01)
