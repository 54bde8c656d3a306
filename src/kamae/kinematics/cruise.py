"""Cruise missiles: constant speed along WGS84 geodesic legs at a set height, with a terminal phase.

The ground track follows the geodesics between consecutive waypoints (pyproj's Geod, Karney
2013, "Algorithms for geodesics", J. Geodesy 87), the first waypoint being the launch point and
the last the target. Ground distance grows at the constant `speed_mps` (subsonic or
supersonic alike); the horizontal velocity at height h is scaled by (ρ + h)/ρ, ρ the radius of
curvature of the ellipsoid along the heading (Euler's formula), so positions and velocities
are consistent. The height profile over ground distance is C¹: a smoothstep climb from the
launch height to the cruise height over `climb_range_m`, level cruise, then over the last
`terminal_range_m` either a dive to the target ('dive'), a pop-up to `popup_altitude_m` then a
dive ('popup'), or level flight into the target ('level', sea-skimming anti-ship profile).
Heights are above the ellipsoid (the geoid, ±100 m, is neglected); turns at waypoints are
instantaneous; wind, terrain following and fuel are not modelled.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from pyproj import Geod

from kamae.arrays import FloatArray
from kamae.geo import geodetic_to_ecef
from kamae.kinematics.feasibility import InfeasibleThreat, check_cruise
from kamae.kinematics.frames import curvature_radii
from kamae.kinematics.trajectory import (
    PHASE_BOOST,
    PHASE_CRUISE,
    PHASE_TERMINAL,
    Trajectory,
    samples_between,
)

_GEOD = Geod(ellps="WGS84")
TERMINAL_MODES = ("dive", "popup", "level")


def _smoothstep(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x), 6.0 * x * (1.0 - x)


def height_profile(
    s: FloatArray,
    length: FloatArray,
    *,
    launch_height: FloatArray,
    cruise_height: FloatArray,
    target_height: FloatArray,
    climb_range: FloatArray,
    terminal_range: FloatArray,
    mode: str,
    popup_height: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """Height (m) and dh/ds at ground distances s (all arrays per sample)."""
    h = cruise_height.copy()
    dh = np.zeros_like(s)
    climb = s < climb_range
    if np.any(climb):
        c = np.where(climb_range > 0.0, climb_range, 1.0)
        sm, dsm = _smoothstep(s / c)
        h = np.where(climb, launch_height + (cruise_height - launch_height) * sm, h)
        dh = np.where(climb, (cruise_height - launch_height) * dsm / c, dh)
    start = length - terminal_range
    term = (s > start) & (terminal_range > 0.0)
    if mode == "level" or not np.any(term):
        return h, dh
    d = np.where(terminal_range > 0.0, terminal_range, 1.0)
    u = (s - start) / d
    if mode == "dive":
        sm, dsm = _smoothstep(u)
        ht = cruise_height + (target_height - cruise_height) * sm
        dht = (target_height - cruise_height) * dsm / d
    else:
        up = u < 0.5
        sm1, dsm1 = _smoothstep(2.0 * u)
        sm2, dsm2 = _smoothstep(2.0 * u - 1.0)
        ht = np.where(
            up,
            cruise_height + (popup_height - cruise_height) * sm1,
            popup_height + (target_height - popup_height) * sm2,
        )
        dht = np.where(
            up,
            (popup_height - cruise_height) * 2.0 * dsm1 / d,
            (target_height - popup_height) * 2.0 * dsm2 / d,
        )
    return np.where(term, ht, h), np.where(term, dht, dh)


def cruise_trajectory(
    waypoints_deg: Sequence[npt.ArrayLike],
    launch_time: npt.ArrayLike,
    times: npt.ArrayLike,
    *,
    speed_mps: npt.ArrayLike,
    altitude_m: npt.ArrayLike,
    terminal_range_m: npt.ArrayLike = 0.0,
    terminal_mode: str = "dive",
    popup_altitude_m: npt.ArrayLike | None = None,
    climb_range_m: npt.ArrayLike | None = None,
    boost_time_s: npt.ArrayLike = 0.0,
    launch_height_m: npt.ArrayLike = 0.0,
    target_height_m: npt.ArrayLike = 0.0,
) -> Trajectory:
    """Sample N cruise missiles; waypoints_deg[i] is (W_i, 2) [lat_deg, lon_deg], W_i >= 2.

    climb_range_m defaults to 20 times the height change (a 1:20 climb, at least 1 km).
    """
    if terminal_mode not in TERMINAL_MODES:
        raise InfeasibleThreat("terminal_mode", f"must be one of {TERMINAL_MODES}", terminal_mode)
    n = len(waypoints_deg)
    grid = np.asarray(times, dtype=float)

    def per(x: npt.ArrayLike) -> FloatArray:
        return np.broadcast_to(np.asarray(x, dtype=float), (n,)).astype(float)

    t0, v, h_c = per(launch_time), per(speed_mps), per(altitude_m)
    d_term, h_l, h_t = per(terminal_range_m), per(launch_height_m), per(target_height_m)
    h_pop = h_c if popup_altitude_m is None else per(popup_altitude_m)
    climb = (
        np.maximum(20.0 * np.abs(h_c - h_l), 1000.0)
        if climb_range_m is None
        else per(climb_range_m)
    )
    boost = per(boost_time_s)
    if terminal_mode == "level":
        h_t = h_c.copy()
    # Legs: flattened over all missiles; key = missile offset + distance flown.
    lat0, lon0, az0, leg_len, owner = [], [], [], [], []
    length = np.empty(n)
    for i, wp in enumerate(waypoints_deg):
        pts = np.asarray(wp, dtype=float)
        length[i] = check_cruise(
            pts, speed_mps=v[i], altitude_m=h_c[i], terminal_range_m=d_term[i], climb_range_m=0.0
        )
        az, _, dist = _GEOD.inv(pts[:-1, 1], pts[:-1, 0], pts[1:, 1], pts[1:, 0])
        lat0.append(pts[:-1, 0])
        lon0.append(pts[:-1, 1])
        az0.append(np.atleast_1d(az))
        leg_len.append(np.atleast_1d(dist))
        owner.append(np.full(pts.shape[0] - 1, i))
    if np.any(climb + d_term > length):
        raise InfeasibleThreat(
            "climb_range_m", "plus terminal_range_m exceeds the route length", None
        )
    if terminal_mode == "popup" and np.any(h_pop < h_c):
        raise InfeasibleThreat("popup_altitude_m", "must be at or above altitude_m", None)
    leg_lat, leg_lon, leg_az = np.concatenate(lat0), np.concatenate(lon0), np.concatenate(az0)
    np.concatenate(leg_len)
    leg_owner = np.concatenate(owner)
    offset = np.concatenate([[0.0], np.cumsum(length + 1.0)[:-1]])
    leg_start = np.concatenate([np.cumsum(x) - x for x in leg_len]) + offset[leg_owner]

    t_end = t0 + length / v
    rows, cols = samples_between(grid, t0, t_end, closed_end=True)
    s = np.clip(v[rows] * (grid[cols] - t0[rows]), 0.0, length[rows])
    leg = np.searchsorted(leg_start, offset[rows] + s, side="right") - 1
    along = s - (leg_start[leg] - offset[rows])
    lon, lat, back = _GEOD.fwd(leg_lon[leg], leg_lat[leg], leg_az[leg], along)
    lat, lon = np.radians(np.asarray(lat)), np.radians(np.asarray(lon))
    heading = np.radians(np.asarray(back) + 180.0)
    h, dh = height_profile(
        s,
        length[rows],
        launch_height=h_l[rows],
        cruise_height=h_c[rows],
        target_height=h_t[rows],
        climb_range=climb[rows],
        terminal_range=d_term[rows],
        mode=terminal_mode,
        popup_height=h_pop[rows],
    )
    pos = geodetic_to_ecef(lat, lon, h)
    m_rad, n_rad = curvature_radii(np.sin(lat))
    rho = 1.0 / (np.cos(heading) ** 2 / m_rad + np.sin(heading) ** 2 / n_rad)
    v_h = v[rows] * (rho + h) / rho
    sl, cl, so, co = np.sin(lat), np.cos(lat), np.sin(lon), np.cos(lon)
    east = np.stack([-so, co, np.zeros_like(so)], axis=-1)
    north = np.stack([-sl * co, -sl * so, cl], axis=-1)
    up = np.stack([cl * co, cl * so, sl], axis=-1)
    vel = (v_h * np.sin(heading))[:, None] * east + (v_h * np.cos(heading))[:, None] * north
    vel += (v[rows] * dh)[:, None] * up

    n_t = grid.shape[0]
    position = np.full((n, n_t, 3), np.nan)
    velocity = np.full((n, n_t, 3), np.nan)
    altitude = np.full((n, n_t), np.nan)
    in_flight = np.zeros((n, n_t), dtype=bool)
    phase = np.zeros((n, n_t), dtype=np.int8)
    position[rows, cols], velocity[rows, cols], altitude[rows, cols] = pos, vel, h
    in_flight[rows, cols] = True
    flag = np.full(rows.shape[0], PHASE_CRUISE, dtype=np.int8)
    flag[s >= length[rows] - d_term[rows]] = PHASE_TERMINAL
    flag[grid[cols] < t0[rows] + boost[rows]] = PHASE_BOOST
    phase[rows, cols] = flag
    last = np.array([np.asarray(w, dtype=float)[-1] for w in waypoints_deg])
    h_end, _ = height_profile(
        length,
        length,
        launch_height=h_l,
        cruise_height=h_c,
        target_height=h_t,
        climb_range=climb,
        terminal_range=d_term,
        mode=terminal_mode,
        popup_height=h_pop,
    )
    impact = geodetic_to_ecef(np.radians(last[:, 0]), np.radians(last[:, 1]), h_end)
    return Trajectory(
        times=grid,
        position=position,
        velocity=velocity,
        altitude=altitude,
        in_flight=in_flight,
        launch_time=t0,
        impact_time=t_end,
        impact_position=impact,
        phase=phase,
        burnout_time=t0 + boost,
    )


def route_length_m(waypoints_deg: npt.ArrayLike) -> float:
    """Ground length (m) of a route along WGS84 geodesic legs."""
    pts = np.asarray(waypoints_deg, dtype=float)
    _, _, dist = _GEOD.inv(pts[:-1, 1], pts[:-1, 0], pts[1:, 1], pts[1:, 0])
    return float(np.sum(dist))
