"""A manoeuvring reentry vehicle's terminal weave, and what it asks of an interceptor.

Below `start_altitude_m` on its descent the vehicle weaves across its ballistic path: a
horizontal displacement y(τ) = A·sin(ωτ) perpendicular to its velocity at the manoeuvre's
start, τ the time since then, with a whole number m of half-periods over the remaining flight
T (ω = mπ/T, m the nearest to 2T/period, at least 1) so that it still reaches its aim point,
and A = a/ω² so that the peak lateral acceleration is the stated a. The velocity gains
ẏ = Aω·cos(ωτ) along the same direction. This is the kinematics of a weave, not a guidance
law; the aerodynamics that produce it are not modelled.

Against it, an interceptor flying proportional navigation with effective navigation ratio
N' needs a lateral acceleration of N'/(N'-2) times the target's (the zero-lag closed-form
solution against a step target manoeuvre: Zarchan, Tactical and Strategic Missile Guidance,
6th ed., AIAA 2012, ch. 2); with N' = 3, three times. `manoeuvre_kill_factor` is 1 when the
interceptor's stated limit meets that, 0 when it does not and the intercept falls inside the
manoeuvre (the interceptor saturates and misses). Neglected: guidance lags (they raise the
requirement), the weave's frequency (Zarchan ch. 20 treats weaving targets) and any smooth
degradation of the kill probability near the limit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray, IntArray, cross3
from kamae.kinematics.frames import ellipsoid_height, local_axes
from kamae.kinematics.trajectory import Trajectory

STANDARD_GRAVITY = 9.80665
"""m/s² per g."""
NAVIGATION_RATIO = 3.0
"""Effective navigation ratio N' of the interceptor's proportional navigation."""


@dataclass(frozen=True)
class Manoeuvre:
    """A MaRV's terminal weave in SI (`kamae.world.si.manoeuvre`)."""

    start_altitude_m: float
    acceleration_mps2: float
    period_s: float


def required_acceleration(target_acceleration: npt.ArrayLike) -> FloatArray:
    """N'/(N'-2) times the target's lateral acceleration (PN against a step manoeuvre)."""
    n = NAVIGATION_RATIO
    return np.asarray(target_acceleration, dtype=float) * n / (n - 2.0)


def manoeuvre_kill_factor(
    interceptor_limit_mps2: float,
    target_acceleration_mps2: float,
    intercept_time_s: float,
    manoeuvre_start_s: float,
) -> float:
    """1 unless the intercept falls inside the target's manoeuvre and the interceptor's limit
    is below the PN requirement (then 0); an unlimited interceptor (inf) always gets 1."""
    if target_acceleration_mps2 <= 0.0 or intercept_time_s < manoeuvre_start_s:
        return 1.0
    need = float(required_acceleration(target_acceleration_mps2))
    return 1.0 if interceptor_limit_mps2 >= need else 0.0


def weave(
    trajectory: Trajectory, rows: IntArray, manoeuvres: list[Manoeuvre]
) -> tuple[Trajectory, FloatArray]:
    """The trajectory with the listed rows weaving, and each row's manoeuvre start time (NaN:
    none, for every other row and for a row that never descends below its start height)."""
    pos, vel = trajectory.position.copy(), trajectory.velocity.copy()
    start = np.full(trajectory.count, np.nan)
    times = trajectory.times
    for n, m in zip(rows.tolist(), manoeuvres, strict=True):
        alt = trajectory.altitude[n]
        k_apogee = int(np.nanargmax(np.where(trajectory.in_flight[n], alt, -np.inf)))
        below = np.flatnonzero(
            trajectory.in_flight[n, k_apogee:] & (alt[k_apogee:] <= m.start_altitude_m)
        )
        if below.size == 0:
            continue
        k0 = k_apogee + int(below[0])
        t0, t_end = float(times[k0]), float(trajectory.impact_time[n])
        span = t_end - t0
        if span <= 0.0:
            continue
        halves = max(1, round(2.0 * span / m.period_s))
        omega = halves * np.pi / span
        amplitude = m.acceleration_mps2 / omega**2
        _, east, north, up = local_axes(pos[n, k0])
        v0 = vel[n, k0]
        side = cross3(v0, up)
        side = side / max(float(np.linalg.norm(side)), 1e-9)
        ks = np.flatnonzero(trajectory.in_flight[n] & (times >= t0))
        tau = times[ks] - t0
        pos[n, ks] += (amplitude * np.sin(omega * tau))[:, None] * side
        vel[n, ks] += (amplitude * omega * np.cos(omega * tau))[:, None] * side
        start[n] = t0
    altitude = np.where(trajectory.in_flight, ellipsoid_height(pos), trajectory.altitude)
    return replace(trajectory, position=pos, velocity=vel, altitude=altitude), start
