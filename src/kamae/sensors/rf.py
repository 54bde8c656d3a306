"""A radar's radio-frequency parameters and antenna pattern, for the models that need more
than its reference range: noise jamming (`jamming`), sea clutter (`sea_clutter`), the search
fence (`search`) and wideband discrimination (`discrimination`).

Antenna pattern: a Gaussian main lobe G(θ) = G0·exp(-4 ln2·θ²/θ_B²) (θ off the beam axis,
θ_B the half-power beamwidth) floored at an average sidelobe level G0·SLL; a common
approximation of a pencil beam's pattern (Barton, Radar System Analysis and Modeling, Artech
House 2005, ch. 6), which neglects the sidelobes' structure and the pattern's dependence on
the scan angle of a phased array.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray, cross3

LIGHT_SPEED = 299_792_458.0
"""m/s."""
BOLTZMANN = 1.380649e-23
"""J/K."""


@dataclass(frozen=True)
class RadarRF:
    """A radar's carrier, antenna and receiver in SI (`kamae.world.si.radar_rf`); None where the
    catalog does not state a value (the models needing it then refuse the scenario)."""

    frequency_hz: float | None
    gain: float | None
    """Main-lobe gain, linear."""
    beamwidth: float | None
    """Half-power beamwidth, rad."""
    sidelobe_level: float
    """Average sidelobe gain over the main-lobe gain, linear."""
    noise_temperature_k: float | None
    bandwidth_hz: float | None
    """Search and track waveform bandwidth, Hz."""
    discrimination_bandwidth_hz: float | None
    """Wideband discrimination waveform's bandwidth, Hz (None: no discrimination)."""
    discrimination_energy: float
    """SNR of a discrimination look over a track look's (its dwell over the track dwell)."""
    clutter_improvement: float
    """Doppler improvement factor against clutter, linear."""
    polarization: str
    search_fence: float | None
    """Elevation extent of the unaided search fence, rad (None: none)."""
    sea_state: int | None
    """Douglas sea state around the radar (None: no sea clutter)."""

    @property
    def wavelength_m(self) -> float:
        if self.frequency_hz is None:
            raise ValueError("the radar's frequency is not stated")
        return LIGHT_SPEED / self.frequency_hz


def pattern_gain(off_axis: npt.ArrayLike, beamwidth: float, sidelobe_level: float) -> FloatArray:
    """One-way gain relative to the main lobe's peak at angles off the beam axis (rad)."""
    theta = np.asarray(off_axis, dtype=float)
    main = np.exp(-4.0 * np.log(2.0) * (theta / beamwidth) ** 2)
    return np.asarray(np.maximum(main, sidelobe_level), dtype=float)


def angle_between(u: FloatArray, v: FloatArray) -> FloatArray:
    """Angle (rad) between direction vectors (..., 3), robust near 0."""
    cross = np.linalg.norm(cross3(u, v), axis=-1)
    dot = np.sum(u * v, axis=-1)
    return np.asarray(np.arctan2(cross, dot), dtype=float)
