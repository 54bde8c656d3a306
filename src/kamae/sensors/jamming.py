"""Noise jamming with geometry: stand-off and self-screening jammers against a radar.

Jamming-to-noise ratio at the radar's receiver from a barrage noise jammer of power P_j,
antenna gain G_j and band B_j at range R_j, received through the radar's antenna gain G_r(θ)
in the jammer's direction (θ off the beam, `rf.pattern_gain`):

    J/N = P_j·G_j·G_r(θ)·λ² / ((4π)²·R_j²·k·T_s·B_j·L_j)

(the one-way link equation over the receiver noise kT_sB_r, of which a fraction B_r/B_j of
the jammer's power falls in the receiver band, so B_r cancels; Skolnik, Introduction to Radar
Systems, 3rd ed., 2001, the jamming form of the radar equation; NAWCWPNS TP 8347, Electronic
Warfare and Radar Systems Engineering Handbook, 1999, section 4-8). The echo's SNR at track
energy is the radar's own (by reference, `radar.scaled_snr`), so the radar detects with
SNR/(1 + J/N): a stand-off jammer (constant J/N in a direction) cuts the detection range by
(1 + J/N)^(-1/4); a self-screening jammer (on the target, main lobe, J/N ∝ 1/R²) leaves the
radar a burn-through range where S/(N + J) reaches the detection threshold
(`self_screening_detection_range`; for J ≫ N it is R_BT = sqrt(P_t·G_t·σ·(S/J)_req /
(4π·P_j·G_j)) with B_r/B_j, the handbook's burn-through range). A jammer out of the radar's
line of sight (4/3 Earth) or band, or outside its time window, adds nothing. Neglected:
deceptive jamming, sidelobe cancellers and blanking, frequency agility, the jammer's own
antenna pattern (its gain is toward every radar it jams), polarisation mismatch beyond
`losses_db`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray
from kamae.geo import line_of_sight_clear
from kamae.sensors.rf import BOLTZMANN, RadarRF, angle_between, pattern_gain


@dataclass(frozen=True)
class NoiseJammer:
    """A barrage noise jammer in SI (`kamae.world.si.jammer`)."""

    id: str
    power_w: float
    gain: float
    """Antenna gain toward the radars, linear."""
    band_low_hz: float
    band_high_hz: float
    losses: float
    """Transmit and polarisation losses, linear (≥ 1)."""
    start_s: float
    end_s: float
    sensors: tuple[int, ...]
    """Radar indices it jams (empty: every radar in its band)."""

    @property
    def bandwidth_hz(self) -> float:
        return self.band_high_hz - self.band_low_hz

    def jams(self, radar: int, rf: RadarRF) -> bool:
        """Whether it jams this radar: listed (or none listed) and its carrier in band."""
        if self.sensors and radar not in self.sensors:
            return False
        f = rf.frequency_hz
        return f is not None and self.band_low_hz <= f <= self.band_high_hz


def jamming_to_noise(
    jammer: NoiseJammer, rf: RadarRF, range_m: npt.ArrayLike, relative_gain: npt.ArrayLike
) -> FloatArray:
    """J/N (linear) at jammer ranges (m) through the radar's gain relative to its main lobe."""
    if rf.gain is None or rf.noise_temperature_k is None or rf.frequency_hz is None:
        raise ValueError("jamming needs the radar's frequency, gain and noise temperature")
    lam = rf.wavelength_m
    r = np.asarray(range_m, dtype=float)
    num = jammer.power_w * jammer.gain * rf.gain * np.asarray(relative_gain, dtype=float) * lam**2
    den = (4.0 * np.pi) ** 2 * r**2 * BOLTZMANN * rf.noise_temperature_k * jammer.bandwidth_hz
    return np.asarray(num / (den * jammer.losses), dtype=float)


def jamming_at_looks(
    jammer: NoiseJammer,
    rf: RadarRF,
    site_ecef: FloatArray,
    source_ecef: FloatArray,
    target_ecef: FloatArray,
    times: FloatArray,
) -> FloatArray:
    """J/N (N, T) of one jammer at `source_ecef` (T, 3) (NaN where it is not there: a
    self-screening jammer's carrier before launch or after impact) in the radar's looks at N
    targets (N, T, 3): each look's beam points at its target, so the jammer is received at
    the angle between the target's and the jammer's directions."""
    if rf.beamwidth is None:
        raise ValueError("jamming needs the radar's beamwidth")
    on = (times >= jammer.start_s) & (times < jammer.end_s)
    on &= np.all(np.isfinite(source_ecef), axis=-1)
    if np.any(on):
        clear = np.zeros(on.shape, dtype=bool)
        clear[on] = line_of_sight_clear(site_ecef, source_ecef[on])
        on &= clear
    out = np.zeros(target_ecef.shape[:2])
    if not np.any(on):
        return out
    to_jammer = source_ecef[on] - site_ecef
    r_j = np.linalg.norm(to_jammer, axis=-1)
    theta = angle_between(target_ecef[:, on] - site_ecef, to_jammer[None, :, :])
    gain = pattern_gain(theta, rf.beamwidth, rf.sidelobe_level)
    jn = jamming_to_noise(jammer, rf, r_j[None, :], gain)
    out[:, on] = np.nan_to_num(jn, nan=0.0)
    return out


def stand_off_range_factor(jamming_to_noise_ratio: npt.ArrayLike) -> FloatArray:
    """Detection range under a constant J/N over the unjammed one, (1 + J/N)^(-1/4)."""
    return np.asarray((1.0 + np.asarray(jamming_to_noise_ratio, dtype=float)) ** -0.25)


def self_screening_detection_range(
    unjammed_range_m: npt.ArrayLike, jamming_to_noise_at: npt.ArrayLike, reference_m: float
) -> FloatArray:
    """Detection range against a target carrying its own jammer, m.

    The echo gives the threshold SNR at the unjammed range R_d (S/N = (R_d/R)⁴ of it); the
    jammer gives J/N = J0·(R0/R)² (J0 at `reference_m` = R0). Detection where
    (R_d/R)⁴ ≥ 1 + J0·(R0/R)², i.e. with x = R²: x² + J0·R0²·x - R_d⁴ = 0.
    """
    rd = np.asarray(unjammed_range_m, dtype=float)
    b = np.asarray(jamming_to_noise_at, dtype=float) * reference_m**2
    x = 0.5 * (-b + np.sqrt(b * b + 4.0 * rd**4))
    return np.asarray(np.sqrt(x), dtype=float)
