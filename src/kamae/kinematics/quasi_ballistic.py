"""Quasi-ballistic missiles (KN-23 type): depressed ballistic arc, then a terminal pull-up and dive.

The missile boosts (`boost.py`), flies a depressed drag-free Kepler arc of the given apogee
(`ballistic.py`) to a pull-up point `pullup_range_m` short of the target at
`pullup_altitude_m`, then follows the kinematic pull-up and dive path of `dive.py` onto the
target at `dive_angle_rad`. This reproduces what public reporting says defenders see: an
apogee of ~50 km, below exo-atmospheric interceptors, and a terminal manoeuvre that moves the
impact well beyond the point a ballistic extrapolation of the track predicts (South Korean JCS
statements on the 2019 tests; CSIS Missile Threat, KN-23 entry, 2021). The arc neglects drag
although it flies inside the atmosphere, and Earth rotation is not modelled (the pull-up is
guided onto the target); the manoeuvre's aerodynamics are not modelled either.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray
from kamae.errors import InfeasibleThreat
from kamae.kinematics.ballistic import BallisticPlan, _kepler_state, plan_ballistic, render
from kamae.kinematics.dive import dive_state, plan_dive
from kamae.kinematics.frames import ellipsoid_height, local_axes
from kamae.kinematics.track import Track
from kamae.kinematics.trajectory import PHASE_TERMINAL, Trajectory, samples_between


def quasi_ballistic_trajectory(
    launch_ecef: npt.ArrayLike,
    aim_ecef: npt.ArrayLike,
    launch_time: npt.ArrayLike,
    times: npt.ArrayLike,
    *,
    apogee_m: npt.ArrayLike,
    burn_time_s: npt.ArrayLike,
    burnout_altitude_m: npt.ArrayLike,
    pullup_altitude_m: npt.ArrayLike,
    pullup_range_m: npt.ArrayLike,
    dive_angle_rad: npt.ArrayLike,
    terminal_speed_mps: npt.ArrayLike | None = None,
) -> Trajectory:
    """Sample N quasi-ballistic flights; terminal speed defaults to the speed at pull-up."""
    pad = np.atleast_2d(np.asarray(launch_ecef, dtype=float))
    aim = np.atleast_2d(np.asarray(aim_ecef, dtype=float))
    n = pad.shape[0]
    grid = np.asarray(times, dtype=float)

    def per(x: npt.ArrayLike) -> FloatArray:
        return np.broadcast_to(np.asarray(x, dtype=float), (n,)).astype(float)

    h_pu, d_pu, dive = per(pullup_altitude_m), per(pullup_range_m), per(dive_angle_rad)
    apogee = per(apogee_m)
    if np.any(h_pu <= 0.0) or np.any(d_pu <= 0.0):
        raise InfeasibleThreat(
            "pullup_altitude_m", "pull-up height and range must be positive", None
        )
    if np.any((dive <= 0.0) | (dive >= 0.5 * np.pi)):
        raise InfeasibleThreat("dive_angle_rad", "must lie strictly between 0 and 90 degrees")
    if np.any(apogee < h_pu):
        raise InfeasibleThreat("apogee_m", "must be at or above the pull-up altitude")
    track = Track.between(pad, aim)
    rows = np.arange(n)
    radius = 0.5 * (track.r_launch + track.r_aim)
    if np.any(d_pu >= track.ground_distance()):
        raise InfeasibleThreat("pullup_range_m", "must be shorter than the range", None)
    theta_pu = track.angle - d_pu / radius
    pullup = track.point(rows, theta_pu, h_pu)
    plan = plan_ballistic(
        pad,
        pullup,
        launch_time,
        apogee_m=apogee,
        burn_time_s=burn_time_s,
        burnout_altitude_m=burnout_altitude_m,
    )
    arc = render(plan, grid)
    # Arrival state at the pull-up point: slope dh/dx over ground distance.
    r_p, v_p = _arrival(plan)
    _, _, north, up = local_axes(r_p)
    v_up = np.sum(v_p * up, axis=-1)
    v_hor = np.linalg.norm(v_p - v_up[:, None] * up, axis=-1)
    r_s, _ = track.surface_radius(rows, theta_pu)
    slope0 = v_up * (1.0 + h_pu / r_s) / v_hor
    v0 = np.linalg.norm(v_p, axis=-1)
    v1 = v0 if terminal_speed_mps is None else per(terminal_speed_mps)
    if np.any(v1 <= 0.0):
        raise InfeasibleThreat("terminal_speed_mps", "must be positive", None)
    path = plan_dive(
        track,
        rows,
        theta_pu,
        d_pu,
        h_pu,
        slope0,
        ellipsoid_height(aim),
        dive,
        v0,
        v1,
        plan.impact_time,
    )
    s_rows, s_cols = samples_between(grid, path.t_start, path.t_end, closed_end=True)
    keep = grid[s_cols] > path.t_start[s_rows]
    s_rows, s_cols = s_rows[keep], s_cols[keep]
    pos, vel, _ = dive_state(path, track, s_rows, grid[s_cols])
    position, velocity, altitude = arc.position, arc.velocity, arc.altitude
    position[s_rows, s_cols], velocity[s_rows, s_cols] = pos, vel
    altitude[s_rows, s_cols] = ellipsoid_height(pos)
    in_flight, phase = arc.in_flight, arc.phase
    in_flight[s_rows, s_cols] = True
    phase[s_rows, s_cols] = PHASE_TERMINAL
    return Trajectory(
        times=grid,
        position=position,
        velocity=velocity,
        altitude=altitude,
        in_flight=in_flight,
        launch_time=arc.launch_time,
        impact_time=path.t_end,
        impact_position=aim.copy(),
        phase=phase,
        burnout_time=arc.burnout_time,
    )


def _arrival(plan: BallisticPlan) -> tuple[FloatArray, FloatArray]:
    """State at the end of the Kepler arc of a non-rotating, drag-free plan."""
    return _kepler_state(plan.orbit, plan.burnout_mean_anomaly, plan.burnout_time, plan.impact_time)
