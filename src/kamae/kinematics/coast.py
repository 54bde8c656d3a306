"""Free-flight prediction from an estimated state: where a tracked ballistic object will be.

Closed-form Kepler propagation of the state (see `kamae.kinematics.kepler`) to future sample
times, stopped at the ellipsoid (the descending crossing of the local surface radius). Used by
the battle manager to place predicted intercept points from a track. Same neglects as the
Kepler model: Earth rotation, J2, drag.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kamae.geo import geocentric_radius, geodetic_height, geodetic_latitude
from kamae.kinematics.kepler import (
    descending_true_anomaly_at_radius,
    eccentric_from_true,
    mean_from_eccentric,
    orbit_from_state,
    solve_kepler,
    state_at_eccentric,
    true_anomaly,
)
from kamae.kinematics.trajectory import PHASE_MIDCOURSE, PHASE_NONE, Trajectory


def coast_trajectory(
    position: npt.ArrayLike,
    velocity: npt.ArrayLike,
    t0: float,
    times: npt.ArrayLike,
    *,
    separately: bool = False,
) -> Trajectory:
    """Predicted free flight of N states (N, 3) given at time t0, sampled at `times` (T,).

    Samples before t0 or after the predicted impact are out of flight (NaN positions).
    Raises ValueError for a state that is not on an elliptic orbit. ``separately``: Kepler's
    equation is solved state by state (its Newton iteration stops when all of a solve's
    elements have converged), so that each state gets the floats it would get alone.
    """
    r = np.atleast_2d(np.asarray(position, dtype=float))
    v = np.atleast_2d(np.asarray(velocity, dtype=float))
    grid = np.asarray(times, dtype=float)
    orbit = orbit_from_state(r, v)
    m0 = mean_from_eccentric(eccentric_from_true(true_anomaly(orbit, r), orbit.e), orbit.e)
    # Surface radius at the impact latitude: start from the current one, refine twice (the
    # third pass's crossing is the impact: its latitude is not needed).
    lat = geodetic_latitude(r)
    for refine in range(3):
        nu_hit = descending_true_anomaly_at_radius(orbit, geocentric_radius(lat))
        e_hit = eccentric_from_true(np.nan_to_num(nu_hit), orbit.e)
        hit, _ = state_at_eccentric(orbit, e_hit)
        if refine < 2:
            lat = np.where(np.isnan(nu_hit), lat, geodetic_latitude(hit))
    m_hit = mean_from_eccentric(e_hit, orbit.e)
    time_to_go = np.where(np.isnan(nu_hit), np.inf, np.mod(m_hit - m0, 2.0 * np.pi) / orbit.n)
    elapsed = grid[None, :] - t0
    in_flight = (elapsed >= 0.0) & (elapsed <= time_to_go[:, None])
    mean = m0[:, None] + orbit.n[:, None] * np.maximum(elapsed, 0.0)
    big_e = solve_kepler(mean, orbit.e[:, None], by_row=separately)
    # States and heights only at the samples some state is in flight at (the others are NaN);
    # the Kepler solve above keeps the whole grid (its iteration count depends on all of it).
    flying = np.flatnonzero(in_flight.any(axis=0))
    pos = np.full((r.shape[0], grid.size, 3), np.nan)
    vel = np.full((r.shape[0], grid.size, 3), np.nan)
    pos[:, flying], vel[:, flying] = state_at_eccentric(orbit, big_e[:, flying])
    pos[~in_flight] = np.nan
    vel[~in_flight] = np.nan
    alt = np.full(in_flight.shape, np.nan)
    alt[:, flying] = geodetic_height(pos[:, flying])
    phase = np.where(in_flight, PHASE_MIDCOURSE, PHASE_NONE).astype(np.int8)
    hit_time = t0 + time_to_go
    return Trajectory(
        times=grid,
        position=pos,
        velocity=vel,
        altitude=alt,
        in_flight=in_flight,
        launch_time=np.full(r.shape[0], float(t0)),
        impact_time=hit_time,
        impact_position=hit,
        phase=phase,
    )
