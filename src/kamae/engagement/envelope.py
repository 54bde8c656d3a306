"""Interceptor engagement envelopes and fly-out: where and when a fire unit can intercept.

An intercept at sample k of a threat's trajectory is feasible for a fire unit when the point
is inside the interceptor's envelope: altitude between its minimum and maximum (which is what
makes an interceptor exo- or endo-atmospheric), slant range from the launcher at most its
maximum range, and the threat no faster than the interceptor's maximum target speed. The
interceptor flies straight to that point, either at a constant mean speed or on a two-phase
speed profile (constant acceleration to its burnout speed over its burn time, then constant
speed), so it must launch at t_launch = t_k - t_flyout(range). A fire unit launching at time t
therefore reaches the earliest feasible point whose launch time is not yet past.

The same envelope applies to a true trajectory (precomputed windows that pre-select
candidates) and to a track's predicted path (the launch decision). Neglected (stated in
docs/models.md): the curved path and deceleration after burnout, gravity loss and minimum
range; the error of the predicted intercept point enters the kill probability, see
`kill_probability_with_prediction_error`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

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


def flyout_time(
    distance_m: npt.ArrayLike,
    *,
    mean_speed_mps: float | None = None,
    burnout_speed_mps: float | None = None,
    burn_time_s: float | None = None,
) -> FloatArray:
    """Time for an interceptor to fly a straight distance, s.

    Mean speed: d / v. Speed profile: constant acceleration a = v_bo / t_b while burning, so
    t = sqrt(2d / a) for d <= v_bo·t_b / 2, else t = t_b + (d - v_bo·t_b / 2) / v_bo.
    """
    d = np.asarray(distance_m, dtype=float)
    if mean_speed_mps is not None:
        return d / mean_speed_mps
    if burnout_speed_mps is None or burn_time_s is None:
        raise ValueError("need mean_speed_mps or both burnout_speed_mps and burn_time_s")
    boost_distance = 0.5 * burnout_speed_mps * burn_time_s
    accel = burnout_speed_mps / burn_time_s
    with np.errstate(invalid="ignore"):
        boosting = np.sqrt(2.0 * np.maximum(d, 0.0) / accel)
    coasting = burn_time_s + (d - boost_distance) / burnout_speed_mps
    return np.where(d <= boost_distance, boosting, coasting)


def kill_probability_with_prediction_error(
    sspk: npt.ArrayLike, position_sigma_m: npt.ArrayLike, basket_m: float | None
) -> FloatArray:
    """Single-shot kill probability degraded by the error of the predicted intercept point.

    The interceptor corrects any prediction error within its handover basket of radius b and
    misses beyond it; with an isotropic Gaussian error of per-axis standard deviation σ the
    chance of landing in the basket is the chi-square (3 degrees of freedom) probability
    P(|e| <= b) = F_chi2_3(b²/σ²) (the Maxwell distribution of |e|). Pk = SSPK·P. Without a
    basket the prediction is taken as perfect.
    """
    p = np.asarray(sspk, dtype=float)
    if basket_m is None:
        return p
    sigma = np.maximum(np.asarray(position_sigma_m, dtype=float), 1e-9)
    return p * stats.chi2.cdf((basket_m / sigma) ** 2, 3)


@dataclass(frozen=True)
class Envelopes:
    """Engagement envelopes and fly-out models of F fire units (SI units)."""

    unit_ecef: FloatArray
    """(F, 3) launcher positions."""
    min_altitude_m: FloatArray
    max_altitude_m: FloatArray
    max_range_m: FloatArray
    max_target_speed_mps: FloatArray
    """+inf where a unit has no target-speed limit."""
    flyout: list[dict[str, float | None]]
    """Per unit, the keyword arguments of `flyout_time`."""

    def windows(self, trajectory: Trajectory, units: IntArray | None = None) -> EngagementWindows:
        """Feasible intercept samples and launch times against a trajectory batch."""
        chosen = np.arange(self.unit_ecef.shape[0]) if units is None else np.asarray(units)
        pos = trajectory.position  # (N, T, 3)
        alt = trajectory.altitude  # (N, T)
        speed = np.linalg.norm(trajectory.velocity, axis=-1)
        n, t = alt.shape
        feasible = np.zeros((n, chosen.size, t), dtype=bool)
        launch = np.full((n, chosen.size, t), np.nan)
        for col, j in enumerate(chosen):
            slant = np.linalg.norm(pos - self.unit_ecef[j], axis=-1)
            with np.errstate(invalid="ignore"):
                ok = (
                    trajectory.in_flight
                    & (alt >= self.min_altitude_m[j])
                    & (alt <= self.max_altitude_m[j])
                    & (slant <= self.max_range_m[j])
                    & (speed <= self.max_target_speed_mps[j])
                )
                lt = trajectory.times[None, :] - flyout_time(slant, **self.flyout[j])
                ok &= lt >= trajectory.launch_time[:, None]
            feasible[:, col, :] = ok
            launch[:, col, :] = np.where(ok, lt, np.nan)
        return EngagementWindows(feasible=feasible, launch_time=launch, times=trajectory.times)
