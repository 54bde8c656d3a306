"""Time-on-target coordination: launch times solved so that impacts fall at chosen times.

A raid given impact times T_i (a salvo's first impact and the spacing between impacts) needs
launch times t_i with t_i + τ(t_i) = T_i, τ the flight time of its kind's model along its
route (flown by the same generator the engine uses, so the solved impacts are the flown
ones). Solved by the fixed-point iteration t ← t + (T - impact(t)), which converges in one
step when τ does not depend on the launch time (as on the non-rotating Earth the flights
use) and keeps iterating otherwise, to `TOT_TOLERANCE_S`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from kamae.arrays import FloatArray

TOT_TOLERANCE_S = 1e-3
"""Largest difference between a solved missile's flown impact time and its target time, s."""
TOT_ITERATIONS = 20


def solve_launch_times(
    impact_time: Callable[[FloatArray], FloatArray],
    target_impacts_s: FloatArray,
    tolerance_s: float = TOT_TOLERANCE_S,
    iterations: int = TOT_ITERATIONS,
) -> FloatArray:
    """Launch times (M,) whose flown impacts (`impact_time(launches)`, (M,) s) fall within
    `tolerance_s` of `target_impacts_s` (M,); raises RuntimeError if it does not converge."""
    target = np.asarray(target_impacts_s, dtype=float)
    launch = np.zeros_like(target)
    for _ in range(iterations):
        error = target - impact_time(launch)
        if np.all(np.abs(error) <= tolerance_s):
            return launch
        launch = launch + error
    raise RuntimeError(f"time-on-target launch times did not converge to {tolerance_s} s")
