"""Predicted level flight from an estimated state: where a tracked cruise missile or glide
vehicle will be if it holds its course, speed and height.

The state's horizontal velocity defines a great circle through its position; the prediction
moves along it at constant ground speed, at the state's height above the ellipsoid. This is
the defense's predictor for threats held up by lift (cruise missiles, glide vehicles), in place
of the ballistic coast (`kamae.kinematics.coast`), which would bring them down in seconds.
Neglected: turns (waypoints, cross-range manoeuvres) and a glide's speed decay: prediction
errors the tracker then corrects. A glide vehicle's terminal dive is predicted when its dive
angle is given (the defense is taken to know the class's dive). The great circle is computed on the
sphere through the state's geocentric direction, the height restored on the ellipsoid.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray
from kamae.geo import ecef_to_geodetic, geodetic_height, geodetic_to_ecef
from kamae.kinematics.trajectory import PHASE_CRUISE, PHASE_NONE, Trajectory


def great_circle_frame(
    position: FloatArray, velocity: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Unit radial u (N,3), unit along-track e (N,3), ground speed (N,) and radius (N,)."""
    r = np.linalg.norm(position, axis=-1)
    u = position / r[..., None]
    vh = velocity - np.sum(velocity * u, axis=-1, keepdims=True) * u
    speed = np.linalg.norm(vh, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        e = vh / speed[..., None]
    return u, e, speed, r


def level_flight_trajectory(
    position: npt.ArrayLike,
    velocity: npt.ArrayLike,
    t0: float,
    times: npt.ArrayLike,
    time_to_go: npt.ArrayLike | None = None,
    dive_angle: npt.ArrayLike | None = None,
) -> Trajectory:
    """Predicted level flight of N states (N, 3) at time t0, sampled at `times` (T,).

    Samples before t0, or after `time_to_go` (N,) when given, are out of flight (NaN). With a
    `dive_angle` (N,) (radians below the horizon, 0 or NaN for none) and a time to go, the
    prediction ends in a straight terminal dive onto the end of the course: level until the
    remaining ground distance is height / tan(angle), then descending at that angle with the
    ground speed kept (the glide vehicle's terminal dive, docs/models.md).
    """
    p = np.atleast_2d(np.asarray(position, dtype=float))
    v = np.atleast_2d(np.asarray(velocity, dtype=float))
    grid = np.asarray(times, dtype=float)
    n = p.shape[0]
    u, e, speed, r = great_circle_frame(p, v)
    height = geodetic_height(p)
    tgo = np.full(n, np.inf) if time_to_go is None else np.asarray(time_to_go, dtype=float)
    elapsed = grid[None, :] - t0
    in_flight = (elapsed >= 0.0) & (elapsed <= tgo[:, None]) & (speed[:, None] > 0.0)
    theta = (speed / r)[:, None] * np.maximum(elapsed, 0.0)  # (N, T)
    c, s = np.cos(theta)[..., None], np.sin(theta)[..., None]
    direction = u[:, None, :] * c + e[:, None, :] * s
    lat, lon, _ = ecef_to_geodetic(direction * r[:, None, None])
    alt = np.broadcast_to(height[:, None], lat.shape).copy()
    vel = speed[:, None, None] * (-u[:, None, :] * s + e[:, None, :] * c)
    if dive_angle is not None and time_to_go is not None:
        tan = np.tan(np.nan_to_num(np.asarray(dive_angle, dtype=float)))  # (N,)
        remaining = speed[:, None] * (tgo[:, None] - np.maximum(elapsed, 0.0))  # ground, m
        diving = (tan[:, None] > 0.0) & (remaining * tan[:, None] < height[:, None])
        alt = np.where(diving, np.maximum(remaining, 0.0) * tan[:, None], alt)
        up = direction  # local vertical on the sphere, good enough for the sink rate
        vel = vel - np.where(diving, speed[:, None] * tan[:, None], 0.0)[..., None] * up
    pos = geodetic_to_ecef(lat, lon, alt)
    pos[~in_flight] = np.nan
    vel[~in_flight] = np.nan
    alt = np.where(in_flight, alt, np.nan)
    hit = t0 + tgo
    last = np.where(np.isfinite(tgo), hit, grid[-1] if grid.size else t0)
    impact = np.full((n, 3), np.nan)
    return Trajectory(
        times=grid,
        position=pos,
        velocity=vel,
        altitude=alt,
        in_flight=in_flight,
        launch_time=np.full(n, float(t0)),
        impact_time=last,
        impact_position=impact,
        phase=np.where(in_flight, PHASE_CRUISE, PHASE_NONE).astype(np.int8),
        burnout_time=np.full(n, float(t0)),
    )
