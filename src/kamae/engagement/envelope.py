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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.kinematics.trajectory import Trajectory


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


@dataclass(frozen=True)
class Flyout:
    """How fast an interceptor flies out: a constant mean speed, or a speed profile
    (constant acceleration to its burnout speed over its burn time, then that speed)."""

    mean_speed_mps: float | None
    burnout_speed_mps: float | None
    burn_time_s: float | None

    def __post_init__(self) -> None:
        profile = self.burnout_speed_mps is not None and self.burn_time_s is not None
        if (self.mean_speed_mps is not None) == profile:
            raise ValueError("need mean_speed_mps or both burnout_speed_mps and burn_time_s")


def flyout_time(distance_m: npt.ArrayLike, flyout: Flyout) -> FloatArray:
    """Time for an interceptor to fly a straight distance, s.

    Mean speed: d / v. Speed profile: constant acceleration a = v_bo / t_b while burning, so
    t = sqrt(2d / a) for d <= v_bo·t_b / 2, else t = t_b + (d - v_bo·t_b / 2) / v_bo.
    """
    d = np.asarray(distance_m, dtype=float)
    if flyout.mean_speed_mps is not None:
        return d / flyout.mean_speed_mps
    burnout_speed_mps, burn_time_s = flyout.burnout_speed_mps, flyout.burn_time_s
    assert burnout_speed_mps is not None and burn_time_s is not None  # __post_init__
    boost_distance = 0.5 * burnout_speed_mps * burn_time_s
    accel = burnout_speed_mps / burn_time_s
    with np.errstate(invalid="ignore"):
        boosting = np.sqrt(2.0 * np.maximum(d, 0.0) / accel)
    coasting = burn_time_s + (d - boost_distance) / burnout_speed_mps
    return np.where(d <= boost_distance, boosting, coasting)


@dataclass(frozen=True)
class Interceptor:
    """A class of interceptor in SI: its layer, envelope, fly-out, kill probabilities and
    cost (the scenario's catalog entry, converted by `kamae.world.si.interceptor`)."""

    tier: str
    """Defensive layer ("upper" or "lower")."""
    min_altitude_m: float
    max_altitude_m: float
    max_range_m: float
    """Largest slant range to an intercept, m."""
    max_target_speed_mps: float
    """Fastest target it can engage, m/s (inf: any)."""
    flyout: Flyout
    sspk: Mapping[str, float]
    """Single-shot kill probability per threat class (absent: cannot kill it)."""
    handover_basket_m: float | None
    """Prediction error it can still correct, m (None: prediction taken as perfect)."""
    in_flight_updates: bool
    """Guided to handover on the firing unit's track (in-flight target updates): the
    prediction error at handover is that track's at the intercept time; False: the
    launch-time prediction over the whole flight."""
    unit_cost_musd: float


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
    return p * special.chdtr(3, (basket_m / sigma) ** 2)  # what stats.chi2.cdf calls


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
    flyout: list[Flyout]
    """Per unit, its interceptor's fly-out."""

    @classmethod
    def of(cls, unit_ecef: FloatArray, interceptors: Sequence[Interceptor]) -> Envelopes:
        """The envelopes of F fire units at `unit_ecef` (F, 3) firing these interceptors."""
        return cls(
            unit_ecef=unit_ecef,
            min_altitude_m=np.array([i.min_altitude_m for i in interceptors], dtype=float),
            max_altitude_m=np.array([i.max_altitude_m for i in interceptors], dtype=float),
            max_range_m=np.array([i.max_range_m for i in interceptors], dtype=float),
            max_target_speed_mps=np.array(
                [i.max_target_speed_mps for i in interceptors], dtype=float
            ),
            flyout=[i.flyout for i in interceptors],
        )

    def windows(self, trajectory: Trajectory, units: IntArray | None = None) -> EngagementWindows:
        """Feasible intercept samples and launch times against a trajectory batch."""
        chosen = np.arange(self.unit_ecef.shape[0]) if units is None else np.asarray(units)
        n, t = trajectory.altitude.shape
        # Only the samples some object is in flight at can be feasible.
        flying = np.flatnonzero(trajectory.in_flight.any(axis=0))
        pos = trajectory.position[:, flying]  # (N, T', 3)
        alt = trajectory.altitude[:, flying]  # (N, T')
        in_flight = trajectory.in_flight[:, flying]
        times = trajectory.times[flying]
        speed = np.linalg.norm(trajectory.velocity[:, flying], axis=-1)
        feasible = np.zeros((n, chosen.size, t), dtype=bool)
        launch = np.full((n, chosen.size, t), np.nan)
        for col, j in enumerate(chosen):
            slant = np.linalg.norm(pos - self.unit_ecef[j], axis=-1)
            with np.errstate(invalid="ignore"):
                ok = (
                    in_flight
                    & (alt >= self.min_altitude_m[j])
                    & (alt <= self.max_altitude_m[j])
                    & (slant <= self.max_range_m[j])
                    & (speed <= self.max_target_speed_mps[j])
                )
                lt = times[None, :] - flyout_time(slant, self.flyout[j])
                ok &= lt >= trajectory.launch_time[:, None]
            feasible[:, col, flying] = ok
            launch[:, col, flying] = np.where(ok, lt, np.nan)
        return EngagementWindows(feasible=feasible, launch_time=launch, times=trajectory.times)
