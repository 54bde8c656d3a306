"""A batch of threat trajectories sampled on the engine's common time grid."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Trajectory:
    """N missiles on T common time samples; positions and velocities in ECEF (m, m/s).

    Samples outside a missile's flight (before launch or after impact) hold NaN and have
    `in_flight` False. The last in-flight sample is at or before the impact time.
    """

    times: FloatArray
    """Sample times (T,), s from scenario start."""
    position: FloatArray
    """ECEF positions (N, T, 3)."""
    velocity: FloatArray
    """ECEF velocities (N, T, 3)."""
    altitude: FloatArray
    """Height above the WGS84 ellipsoid (N, T), m."""
    in_flight: BoolArray
    """(N, T) True between launch and impact."""
    launch_time: FloatArray
    """(N,) s."""
    impact_time: FloatArray
    """(N,) s."""
    impact_position: FloatArray
    """(N, 3) ECEF."""
    phase: npt.NDArray[np.int8]
    """(N, T) flight phase code: 0 not flying, 1 boost, 2 midcourse, 3 terminal (< 100 km)."""

    @property
    def count(self) -> int:
        return int(self.position.shape[0])

    @property
    def steps(self) -> int:
        return int(self.times.shape[0])


PHASE_NONE = 0
PHASE_BOOST = 1
PHASE_MIDCOURSE = 2
PHASE_TERMINAL = 3
TERMINAL_ALTITUDE_M = 100_000.0
"""Altitude below which a descending missile is said to be in its terminal phase."""
