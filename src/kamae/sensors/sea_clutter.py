"""Sea clutter against targets near the surface: what a sea-skimming missile hides in.

- Reflectivity σ0 (m²/m²) of the NRL empirical model, a fit to Nathanson's tables over
  0.5-35 GHz, sea states 0-6 and grazing angles 0.1-60°:
  σ0[dB] = c1 + c2·log10(sin ψ) + (27.5 + c3·ψ)·log10(f)/(1 + 0.95ψ) + c4·(1 + SS)^(1/(2 +
  0.085ψ + 0.033·SS)) + c5·ψ², ψ in degrees, f in GHz, coefficients per polarisation
  (V. Gregers-Hansen and R. Mital, "An Improved Empirical Model for Radar Sea Clutter
  Reflectivity", NRL/MR/5310--12-9346, 2012; IEEE Trans. AES 48(4), 2012).
- Grazing angle at ground range R from an antenna at height h over the 4/3 Earth,
  sin ψ ≈ h/R - R/(2·k·a) (Skolnik 2001, ch. 7 and 8), no clutter beyond the horizon (ψ ≤ 0).
- Clutter cross-section of the pulse-limited cell at range R, σ_c = σ0·R·θ_B·(c/2B)·sec ψ
  (Skolnik 2001, ch. 7), seen through the two-way pattern at the angle between the beam (on the
  target) and the surface below it (`rf.pattern_gain`, squared).
- Clutter-to-noise by the radar equation by reference, like the echo, divided by the radar's
  Doppler improvement factor; the detection then uses S/(N + C/I) as for noise.
Neglected: the clutter's spikiness (K-distribution), multipath and the propagation factor near
the surface, ducting, and land clutter.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray
from kamae.geo import EARTH_MEAN_RADIUS, EFFECTIVE_EARTH_FACTOR
from kamae.sensors.rf import LIGHT_SPEED

NRL_COEFFICIENTS = {
    "H": (-73.0, 20.781, 7.351, 25.65, 0.0054),
    "V": (-50.796, 25.93, 0.7093, 21.588, 0.00211),
}
"""(c1, c2, c3, c4, c5) of the NRL model per polarisation (Gregers-Hansen & Mital 2012)."""
MIN_GRAZING_DEG = 0.1
"""The NRL fit's lowest grazing angle; lower angles are evaluated there (a bound above)."""


def nrl_reflectivity_db(
    frequency_ghz: float, sea_state: float, grazing_deg: npt.ArrayLike, polarization: str = "H"
) -> FloatArray:
    """σ0 in dB (m²/m²) of the NRL sea clutter model."""
    c1, c2, c3, c4, c5 = NRL_COEFFICIENTS[polarization]
    psi = np.maximum(np.asarray(grazing_deg, dtype=float), MIN_GRAZING_DEG)
    ss = float(sea_state)
    return np.asarray(
        c1
        + c2 * np.log10(np.sin(np.radians(psi)))
        + (27.5 + c3 * psi) * np.log10(frequency_ghz) / (1.0 + 0.95 * psi)
        + c4 * (1.0 + ss) ** (1.0 / (2.0 + 0.085 * psi + 0.033 * ss))
        + c5 * psi**2,
        dtype=float,
    )


def grazing_angle(
    antenna_height_m: float, ground_range_m: npt.ArrayLike, k: float = EFFECTIVE_EARTH_FACTOR
) -> FloatArray:
    """Grazing angle (rad) of the sea surface at a range, 4/3 Earth; ≤ 0 beyond the horizon."""
    r = np.maximum(np.asarray(ground_range_m, dtype=float), 1.0)
    s = antenna_height_m / r - r / (2.0 * k * EARTH_MEAN_RADIUS)
    return np.asarray(np.arcsin(np.clip(s, -1.0, 1.0)), dtype=float)


def clutter_cross_section(
    reflectivity: npt.ArrayLike,
    range_m: npt.ArrayLike,
    beamwidth: float,
    bandwidth_hz: float,
    grazing: npt.ArrayLike,
) -> FloatArray:
    """σ_c = σ0·R·θ_B·(c/2B)·sec ψ of the pulse-limited cell, m²."""
    cell = np.asarray(range_m, dtype=float) * beamwidth * LIGHT_SPEED / (2.0 * bandwidth_hz)
    return np.asarray(
        np.asarray(reflectivity, dtype=float) * cell / np.cos(np.asarray(grazing, dtype=float)),
        dtype=float,
    )
