"""Ballistic missiles: drag-free Kepler flight from burnout to impact.

The minimum-energy trajectory between a burnout point r1 and an aim point r2 is the ellipse of
least semi-major axis through both, a = (r1 + r2 + c) / 4 with c the chord; its semi-latus
rectum is p = r1·r2·(1 - cos Δν) / c and the burnout velocity follows from the Lagrange
coefficients, v1 = (r2 - f·r1) / g with f = 1 - (r2/p)(1 - cos Δν) and
g = r1·r2·sin Δν / sqrt(mu·p) (Bate, Mueller & White 1971, sections 5.2-5.3 and 6.2). For
r1 = r2 = R this is the textbook case Q = v²R/mu = 2s/(1+s), flight-path angle 45° - Ψ/4,
a = R(1+s)/2, e = cos(Ψ/2)/(1+s), s = sin(Ψ/2).

Launch and aim points sit on the WGS84 ellipsoid; the flight itself is two-body Kepler motion
in the Earth-fixed frame treated as inertial. Neglected (and stated in docs/models.md): Earth
rotation, J2, drag and reentry heating, and the boost phase (burnout is placed at the launch
point at zero height, so the powered flight takes no time and no distance).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kamae.geo import ecef_to_geodetic
from kamae.kinematics.kepler import (
    MU_EARTH,
    Orbit,
    eccentric_from_true,
    mean_from_eccentric,
    orbit_from_state,
    solve_kepler,
    state_at_eccentric,
    true_anomaly,
)
from kamae.kinematics.trajectory import (
    PHASE_MIDCOURSE,
    PHASE_NONE,
    PHASE_TERMINAL,
    TERMINAL_ALTITUDE_M,
    Trajectory,
)

FloatArray = npt.NDArray[np.float64]


def minimum_energy_velocity(
    burnout: npt.ArrayLike, aim: npt.ArrayLike, mu: float = MU_EARTH
) -> FloatArray:
    """Burnout velocity (N, 3) of the minimum-energy ellipse from burnout points to aim points."""
    r1 = np.atleast_2d(np.asarray(burnout, dtype=float))
    r2 = np.atleast_2d(np.asarray(aim, dtype=float))
    r1n = np.linalg.norm(r1, axis=-1)
    r2n = np.linalg.norm(r2, axis=-1)
    cos_dnu = np.clip(np.sum(r1 * r2, axis=-1) / (r1n * r2n), -1.0, 1.0)
    sin_dnu = np.sqrt(1.0 - cos_dnu**2)  # short way round: 0 < Δν < π
    if np.any(sin_dnu < 1e-9):
        raise ValueError("launch and aim points must be distinct and not antipodal")
    c = np.linalg.norm(r2 - r1, axis=-1)
    p = r1n * r2n * (1.0 - cos_dnu) / c
    f = 1.0 - (r2n / p) * (1.0 - cos_dnu)
    g = r1n * r2n * sin_dnu / np.sqrt(mu * p)
    return (r2 - f[:, None] * r1) / g[:, None]


def flight_time(orbit: Orbit, burnout: npt.ArrayLike, aim: npt.ArrayLike) -> FloatArray:
    """Time of free flight (s) from burnout to the aim point along the orbit (Kepler)."""
    m1 = _mean_anomaly_at(orbit, burnout)
    m2 = _mean_anomaly_at(orbit, aim)
    return np.mod(m2 - m1, 2.0 * np.pi) / orbit.n


def _mean_anomaly_at(orbit: Orbit, r: npt.ArrayLike) -> FloatArray:
    nu = true_anomaly(orbit, r)
    return mean_from_eccentric(eccentric_from_true(nu, orbit.e), orbit.e)


def apogee_height(orbit: Orbit, reference_radius: npt.ArrayLike) -> FloatArray:
    """Apogee radius a(1+e) minus a reference radius (m)."""
    return orbit.a * (1.0 + orbit.e) - np.asarray(reference_radius, dtype=float)


def minimum_energy_trajectory(
    launch_ecef: npt.ArrayLike,
    aim_ecef: npt.ArrayLike,
    launch_time: npt.ArrayLike,
    times: npt.ArrayLike,
    mu: float = MU_EARTH,
) -> Trajectory:
    """Sample N minimum-energy ballistic flights on a common time grid (batched).

    launch_ecef, aim_ecef: (N, 3) points on the ellipsoid; launch_time: (N,) s; times: (T,) s.
    """
    r1 = np.atleast_2d(np.asarray(launch_ecef, dtype=float))
    r2 = np.atleast_2d(np.asarray(aim_ecef, dtype=float))
    t0 = np.broadcast_to(np.asarray(launch_time, dtype=float), (r1.shape[0],)).copy()
    grid = np.asarray(times, dtype=float)
    v1 = minimum_energy_velocity(r1, r2, mu)
    orbit = orbit_from_state(r1, v1, mu)
    m1 = _mean_anomaly_at(orbit, r1)
    tof = flight_time(orbit, r1, r2)

    elapsed = grid[None, :] - t0[:, None]
    in_flight = (elapsed >= 0.0) & (elapsed <= tof[:, None])
    mean_anom = m1[:, None] + orbit.n[:, None] * np.clip(elapsed, 0.0, tof[:, None])
    big_e = solve_kepler(mean_anom, orbit.e[:, None])
    pos, vel = state_at_eccentric(orbit, big_e)
    pos[~in_flight] = np.nan
    vel[~in_flight] = np.nan
    _, _, alt = ecef_to_geodetic(pos)

    descending = np.sum(pos * vel, axis=-1) < 0.0
    phase = np.full(in_flight.shape, PHASE_NONE, dtype=np.int8)
    phase[in_flight] = PHASE_MIDCOURSE
    phase[in_flight & descending & (alt < TERMINAL_ALTITUDE_M)] = PHASE_TERMINAL
    return Trajectory(
        times=grid,
        position=pos,
        velocity=vel,
        altitude=alt,
        in_flight=in_flight,
        launch_time=t0,
        impact_time=t0 + tof,
        impact_position=r2.copy(),
        phase=phase,
    )


def predicted_impact(
    position: npt.ArrayLike,
    velocity: npt.ArrayLike,
    surface_radius: npt.ArrayLike,
    mu: float = MU_EARTH,
) -> tuple[FloatArray, FloatArray]:
    """Impact point (N, 3) and time to impact (N,) of free-flight states (ECEF, m and m/s).

    Closed form: the descending crossing of the given surface radius on the Kepler orbit
    through the state. NaN where the orbit does not reach that radius.
    """
    from kamae.kinematics.kepler import descending_true_anomaly_at_radius

    r = np.atleast_2d(np.asarray(position, dtype=float))
    v = np.atleast_2d(np.asarray(velocity, dtype=float))
    orbit = orbit_from_state(r, v, mu)
    nu_hit = descending_true_anomaly_at_radius(orbit, surface_radius)
    e_hit = eccentric_from_true(np.nan_to_num(nu_hit), orbit.e)
    m_hit = mean_from_eccentric(e_hit, orbit.e)
    m_now = _mean_anomaly_at(orbit, r)
    time_to_go = np.mod(m_hit - m_now, 2.0 * np.pi) / orbit.n
    hit, _ = state_at_eccentric(orbit, e_hit)
    bad = np.isnan(nu_hit)
    hit[bad] = np.nan
    time_to_go[bad] = np.nan
    return hit, time_to_go
