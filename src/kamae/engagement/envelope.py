"""Interceptor engagement envelopes and fly-out: where and when a fire unit can intercept.

An intercept at sample k of a threat's trajectory is feasible for a fire unit when the point
is inside the interceptor's envelope (altitude between its minimum and maximum, slant range
from the launcher at most its maximum range). The interceptor flies straight to that point at
its mean fly-out speed (a constant-speed fly-out, the simplest of the fly-out models in the
open literature, e.g. Wilkening 1999's timeline analysis), so it must launch at
t_launch = t_k - range / speed. A fire unit launching at time t therefore reaches the earliest
feasible point whose launch time is not yet past.

Neglected (stated in docs/models.md): the interceptor's boost and its curved, decelerating
path, minimum range, maximum target speed, and the error of the predicted intercept point
(engagement geometry uses the threat's true trajectory; the track gates the decision).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.kinematics.trajectory import Trajectory

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class EngagementWindows:
    """Intercept opportunities of F fire units against N threats over T samples."""

    feasible: BoolArray
    """(N, F, T) an intercept at this sample is inside the envelope."""
    launch_time: FloatArray
    """(N, F, T) the launch time that intercept needs, s (NaN where infeasible)."""
    times: FloatArray
    """(T,) sample times, s."""

    def next_opportunity(self, threats: IntArray, now: float) -> tuple[IntArray, FloatArray]:
        """Earliest intercept sample (M, F) reachable by launching at or after `now`.

        Returns the sample index (-1 where none remains) and the launch time it needs.
        """
        feasible = self.feasible[threats]
        launch = self.launch_time[threats]
        with np.errstate(invalid="ignore"):
            mask = feasible & (launch >= now - 1e-9)
        any_left = mask.any(axis=-1)
        first = np.argmax(mask, axis=-1)
        k = np.where(any_left, first, -1)
        lt = np.take_along_axis(launch, np.maximum(first, 0)[..., None], axis=-1)[..., 0]
        return k, np.where(any_left, lt, np.nan)


def engagement_windows(
    trajectory: Trajectory,
    unit_ecef: FloatArray,
    *,
    min_altitude_m: FloatArray,
    max_altitude_m: FloatArray,
    max_range_m: FloatArray,
    mean_speed_mps: FloatArray,
) -> EngagementWindows:
    """Feasible intercept samples and launch times of F fire units against a trajectory batch."""
    pos = trajectory.position  # (N, T, 3)
    alt = trajectory.altitude  # (N, T)
    n, t = alt.shape
    f = unit_ecef.shape[0]
    feasible = np.zeros((n, f, t), dtype=bool)
    launch = np.full((n, f, t), np.nan)
    for j in range(f):
        slant = np.linalg.norm(pos - unit_ecef[j], axis=-1)
        with np.errstate(invalid="ignore"):
            ok = (
                trajectory.in_flight
                & (alt >= min_altitude_m[j])
                & (alt <= max_altitude_m[j])
                & (slant <= max_range_m[j])
            )
            lt = trajectory.times[None, :] - slant / mean_speed_mps[j]
            ok &= lt >= trajectory.launch_time[:, None]
        feasible[:, j, :] = ok
        launch[:, j, :] = np.where(ok, lt, np.nan)
    return EngagementWindows(feasible=feasible, launch_time=launch, times=trajectory.times)
