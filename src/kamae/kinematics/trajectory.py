"""A batch of threat trajectories sampled on the engine's common time grid."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kamae.arrays import BoolArray, FloatArray, IntArray


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
    """(N, T) flight phase code: 0 not flying, 1 boost, 2 midcourse, 3 terminal (< 100 km),
    4 glide, 5 cruise (see PHASE_NAMES)."""
    burnout_time: FloatArray | None = None
    """(N,) s: end of the powered phase (launch time when no boost is modelled)."""

    @property
    def count(self) -> int:
        return int(self.position.shape[0])

    @property
    def steps(self) -> int:
        return int(self.times.shape[0])

    def rows(self, start: int, stop: int) -> Trajectory:
        """Missiles start..stop - 1 (views of this batch's arrays)."""
        return Trajectory(
            times=self.times,
            position=self.position[start:stop],
            velocity=self.velocity[start:stop],
            altitude=self.altitude[start:stop],
            in_flight=self.in_flight[start:stop],
            launch_time=self.launch_time[start:stop],
            impact_time=self.impact_time[start:stop],
            impact_position=self.impact_position[start:stop],
            phase=self.phase[start:stop],
            burnout_time=None if self.burnout_time is None else self.burnout_time[start:stop],
        )


PHASE_NONE = 0
PHASE_BOOST = 1
PHASE_MIDCOURSE = 2
PHASE_TERMINAL = 3
PHASE_GLIDE = 4
"""Hypersonic glide inside the atmosphere (tens of km)."""
PHASE_CRUISE = 5
"""Air-breathing cruise at constant altitude."""
PHASE_NAMES = {
    PHASE_NONE: "none",
    PHASE_BOOST: "boost",
    PHASE_MIDCOURSE: "midcourse",
    PHASE_TERMINAL: "terminal",
    PHASE_GLIDE: "glide",
    PHASE_CRUISE: "cruise",
}
TERMINAL_ALTITUDE_M = 100_000.0
"""Altitude below which a descending missile is said to be in its terminal phase."""


def concatenate(parts: Sequence[Trajectory]) -> Trajectory:
    """One batch from several batches sampled on the same time grid (missiles stacked)."""
    if not parts:
        raise ValueError("nothing to concatenate")
    times = parts[0].times
    for p in parts[1:]:
        if p.times.shape != times.shape or not np.array_equal(p.times, times):
            raise ValueError("trajectories must share the same time grid")

    def cat(name: str) -> Any:
        return np.concatenate([getattr(p, name) for p in parts], axis=0)

    burnout = np.concatenate(
        [p.launch_time if p.burnout_time is None else p.burnout_time for p in parts]
    )
    return Trajectory(
        times=times,
        position=cat("position"),
        velocity=cat("velocity"),
        altitude=cat("altitude"),
        in_flight=cat("in_flight"),
        launch_time=cat("launch_time"),
        impact_time=cat("impact_time"),
        impact_position=cat("impact_position"),
        phase=cat("phase"),
        burnout_time=burnout,
    )


def samples_between(
    times: FloatArray, t_start: FloatArray, t_end: FloatArray, closed_end: bool
) -> tuple[IntArray, IntArray]:
    """Row and column indices of the grid samples with t_start <= t < t_end (or <= t_end)."""
    lo = np.searchsorted(times, t_start, side="left")
    hi = np.searchsorted(times, t_end, side="right" if closed_end else "left")
    counts = np.maximum(hi - lo, 0)
    rows = np.repeat(np.arange(counts.shape[0], dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    cols = lo[rows] + (np.arange(rows.shape[0]) - starts[rows])
    return rows, cols.astype(np.int64)
