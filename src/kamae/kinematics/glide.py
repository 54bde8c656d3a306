"""Hypersonic boost-glide vehicles: boost to a glide start, equilibrium glide, terminal dive.

The glider leaves the booster level at `glide_altitude_m` with `glide_speed_mps` (boost:
`boost.py`), then flies the planar point-mass equations over a spherical, non-rotating Earth
(Vinh, Busemann & Culp, Hypersonic and Planetary Entry Flight Mechanics, 1980, ch. 2):
    ẋ = v·cos γ·(R/r)/sqrt(1 + ℓ'²),  ḣ = v·sin γ,
    v̇ = -L/(m·(L/D)) - g·sin γ,      γ̇ = (L_v/m - (g - v²/r)·cos γ)/v,
with g = mu/r², r = R + h and a constant lift-to-drag ratio L/D. Guidance holds the
equilibrium glide, L_v/m = (g - v²/r)·cos γ + v·k_γ·(γ_cmd - γ), where γ_cmd follows the height
at which a constant lift coefficient balances gravity less centrifugal relief in an exponential
atmosphere: ρ(h) ∝ (g - v²/r)/v², i.e. h_eq(v) = h0 + H·ln[v²(g - v0²/r)/(v0²(g - v²/r))], so
the glider sinks slowly as it slows (or holds its height with `constant_altitude`). An optional
cross-range manoeuvre bends the path sideways by ℓ(x) = A·sin²(π·x/S) over the glide; its
lateral acceleration v²·ℓ'' is paid for in drag (total lift sqrt(L_v² + (m·v²ℓ'')²), same L/D).

Reference range (the equilibrium glide at constant height, γ ≈ 0, ground range R/r of the path):
R_glide = (L/D)/2 · R_E · ln[(1 - v_end²/v_c²)/(1 - v0²/v_c²)], v_c² = mu/r (Eggers, Allen &
Neice, NACA TR 1382, 1958; used for boost-glide weapons by J. M. Acton, "Hypersonic Boost-Glide
Weapons", Science & Global Security 23, 2015 — secondary here, see docs/kinematics.md). The
glide ends where a dive at `dive_angle_rad` from the current height reaches the target
(`dive.py`). Neglected: Earth rotation, heating, ablation, L/D varying with Mach, bank dynamics.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray, IntArray
from kamae.kinematics.boost import boost_ground_distance, boost_state
from kamae.kinematics.dive import dive_state, plan_dive
from kamae.kinematics.feasibility import END_OF_GLIDE_SPEED_MPS, InfeasibleThreat, check_glide
from kamae.kinematics.frames import ellipsoid_height
from kamae.kinematics.integrate import Derivative, rk4_to_grid
from kamae.kinematics.kepler import MU_EARTH
from kamae.kinematics.reentry import ExponentialAtmosphere
from kamae.kinematics.track import Track
from kamae.kinematics.trajectory import (
    PHASE_BOOST,
    PHASE_GLIDE,
    PHASE_TERMINAL,
    Trajectory,
    samples_between,
)

GAMMA_GAIN = 0.2
"""k_γ, 1/s: how fast lift modulation pulls the flight-path angle onto its command."""
HEIGHT_GAIN = 0.02
"""1/s: sink-rate correction per metre of height error, per metre per second of speed."""
GLIDE_STEP_S = 0.5


@dataclass(frozen=True)
class GlideParameters:
    """Per-missile glide parameters, (N,) arrays in SI units."""

    v0: FloatArray
    h0: FloatArray
    lift_to_drag: FloatArray
    cross_range: FloatArray
    x_start: FloatArray
    """Ground distance of the glide start from the launch point, m."""
    span: FloatArray
    """Planned glide ground length S for the cross-range bulge, m."""
    radius: FloatArray
    """Surface radius of the track, m."""
    constant_altitude: bool
    scale_height: float
    mu: float


def _lateral(
    p: GlideParameters, rows: IntArray, x: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Lateral offset ℓ = A·sin²(πu), ℓ' and ℓ'' over ground distance x, u = (x - x0)/S."""
    span = p.span[rows]
    u = np.clip((x - p.x_start[rows]) / span, 0.0, 1.0)
    inside = (u > 0.0) & (u < 1.0)
    a, k = p.cross_range[rows], np.pi / span
    ell = a * np.sin(np.pi * u) ** 2
    d1 = np.where(inside, a * k * np.sin(2.0 * np.pi * u), 0.0)
    d2 = np.where(inside, 2.0 * a * k * k * np.cos(2.0 * np.pi * u), 0.0)
    return ell, d1, d2


def _equilibrium(
    p: GlideParameters, rows: IntArray, v: FloatArray, r: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Equilibrium-glide height h_eq(v) (constant C_L) and dh_eq/dv."""
    h0, v0 = p.h0[rows], p.v0[rows]
    if p.constant_altitude:
        return h0, np.zeros_like(v)
    r0 = p.radius[rows] + h0
    g0 = p.mu / r0**2
    g = p.mu / r**2
    lift0 = g0 - v0 * v0 / r0
    lift = np.maximum(g - v * v / r, 1e-6)
    big_h = p.scale_height
    h_eq = h0 + big_h * np.log(v * v * lift0 / (v0 * v0 * lift))
    dh_dv = big_h * (2.0 / v + (2.0 * v / r) / lift)
    return h_eq, dh_dv


def _deriv(p: GlideParameters) -> Derivative:
    """Right-hand side of the glide equations over the state [x, h, v, γ]."""

    def f(t: FloatArray, y: FloatArray, rows: IntArray) -> FloatArray:
        x, h, v, gam = y[:, 0], y[:, 1], y[:, 2], y[:, 3]
        big_r = p.radius[rows]
        r = big_r + h
        g = p.mu / (r * r)
        relief = g - v * v / r
        _, d1, d2 = _lateral(p, rows, x)
        ld = p.lift_to_drag[rows]
        h_eq, dh_dv = _equilibrium(p, rows, v, r)
        sink = dh_dv * (-relief / ld) + HEIGHT_GAIN * (h_eq - h)
        gam_cmd = np.arcsin(np.clip(sink / v, -0.3, 0.3))
        lift_v = relief * np.cos(gam) + v * GAMMA_GAIN * (gam_cmd - gam)
        lat = (v * np.cos(gam)) ** 2 * d2
        lift = np.hypot(lift_v, lat)
        dy = np.empty_like(y)
        dy[:, 0] = v * np.cos(gam) * (big_r / r) / np.sqrt(1.0 + d1 * d1)
        dy[:, 1] = v * np.sin(gam)
        dy[:, 2] = -lift / ld - g * np.sin(gam)
        dy[:, 3] = (lift_v - relief * np.cos(gam)) / v
        return dy

    return f


def simulate_glide_range(
    glide_speed_mps: npt.ArrayLike,
    glide_altitude_m: npt.ArrayLike,
    lift_to_drag: npt.ArrayLike,
    end_speed_mps: npt.ArrayLike,
    *,
    constant_altitude: bool = False,
    surface_radius_m: float = 6_371_000.0,
    atmosphere: ExponentialAtmosphere | None = None,
    mu: float = MU_EARTH,
    step_s: float = GLIDE_STEP_S,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Ground range (m), duration (s) and final height (m) of glides flown down to end_speed.

    Integrates the equations above (no cross-range, no target) with RK4; for validation
    against the closed-form glide range and for sizing catalog entries.
    """
    v0, h0, ld, v_end = np.broadcast_arrays(
        *(
            np.atleast_1d(np.asarray(x, dtype=float))
            for x in (glide_speed_mps, glide_altitude_m, lift_to_drag, end_speed_mps)
        )
    )
    n = v0.shape[0]
    atm = atmosphere or ExponentialAtmosphere()
    p = GlideParameters(
        v0=v0,
        h0=h0,
        lift_to_drag=ld,
        cross_range=np.zeros(n),
        x_start=np.zeros(n),
        span=np.ones(n),
        radius=np.full(n, surface_radius_m),
        constant_altitude=constant_altitude,
        scale_height=atm.scale_height_m,
        mu=mu,
    )
    y0 = np.stack([np.zeros(n), h0, v0, np.zeros(n)], axis=1)

    def stop(y: FloatArray, rows: IntArray) -> FloatArray:
        return y[:, 2] - v_end[rows]

    sol = rk4_to_grid(_deriv(p), y0, np.zeros(n), step_s, None, stop)
    return sol.y_stop[:, 0], sol.t_stop, sol.y_stop[:, 1]


def glide_trajectory(
    launch_ecef: npt.ArrayLike,
    aim_ecef: npt.ArrayLike,
    launch_time: npt.ArrayLike,
    times: npt.ArrayLike,
    *,
    glide_speed_mps: npt.ArrayLike,
    glide_altitude_m: npt.ArrayLike,
    lift_to_drag: npt.ArrayLike,
    burn_time_s: npt.ArrayLike,
    boost_range_m: npt.ArrayLike | None = None,
    cross_range_m: npt.ArrayLike = 0.0,
    dive_angle_rad: npt.ArrayLike,
    terminal_speed_mps: npt.ArrayLike | None = None,
    min_glide_speed_mps: float = END_OF_GLIDE_SPEED_MPS,
    constant_altitude: bool = False,
    atmosphere: ExponentialAtmosphere | None = None,
    mu: float = MU_EARTH,
    step_s: float = GLIDE_STEP_S,
) -> Trajectory:
    """Sample N boost-glide flights. boost_range_m defaults to the constant-acceleration
    distance sqrt((v·T/2)² - h²); the terminal speed to the speed at the dive start."""
    pad = np.atleast_2d(np.asarray(launch_ecef, dtype=float))
    aim = np.atleast_2d(np.asarray(aim_ecef, dtype=float))
    n = pad.shape[0]
    grid = np.asarray(times, dtype=float)

    def per(x: npt.ArrayLike) -> FloatArray:
        return np.broadcast_to(np.asarray(x, dtype=float), (n,)).astype(float)

    t0, v0, h0, ld = (
        per(launch_time),
        per(glide_speed_mps),
        per(glide_altitude_m),
        per(lift_to_drag),
    )
    t_burn, cross, dive = per(burn_time_s), per(cross_range_m), per(dive_angle_rad)
    track = Track.between(pad, aim)
    total = track.ground_distance()
    rows = np.arange(n)
    x_b = boost_ground_distance(v0, t_burn, h0) if boost_range_m is None else per(boost_range_m)
    for i in range(n):
        check_glide(
            float(total[i]),
            glide_speed_mps=float(v0[i]),
            glide_altitude_m=float(h0[i]),
            lift_to_drag=float(ld[i]),
            burn_time_s=float(t_burn[i]),
            boost_range_m=float(x_b[i]),
            min_glide_speed_mps=min_glide_speed_mps,
            dive_angle_rad=float(dive[i]),
        )
    radius = 0.5 * (track.r_launch + track.r_aim)
    h_aim = ellipsoid_height(aim)
    atm = atmosphere or ExponentialAtmosphere()
    span = total - x_b - 2.0 * (h0 - h_aim) / np.tan(dive)
    p = GlideParameters(
        v0=v0,
        h0=h0,
        lift_to_drag=ld,
        cross_range=cross,
        x_start=x_b,
        span=span,
        radius=radius,
        constant_altitude=constant_altitude,
        scale_height=atm.scale_height_m,
        mu=mu,
    )
    t_g = t0 + t_burn

    def stop(y: FloatArray, r: IntArray) -> FloatArray:
        go = total[r] - y[:, 0] - 2.0 * (y[:, 1] - h_aim[r]) / np.tan(dive[r])
        return np.minimum(go, y[:, 2] - min_glide_speed_mps + 1.0)

    y0 = np.stack([x_b, h0, v0, np.zeros(n)], axis=1)
    sol = rk4_to_grid(_deriv(p), y0, t_g, step_s, grid, stop)
    x_d, h_d, v_d, g_d = sol.y_stop.T
    if np.any(v_d <= min_glide_speed_mps + 1e-6):
        raise InfeasibleThreat(
            "range_m", "is beyond the glide: the vehicle slowed to min_glide_speed_mps first"
        )
    position = np.full((n, grid.shape[0], 3), np.nan)
    velocity = np.full_like(position, np.nan)
    phase = np.zeros((n, grid.shape[0]), dtype=np.int8)
    # Boost: Hermite from the pad to the glide start, level at speed v0.
    theta_g = x_b / radius
    g_pos, g_vel = track.state(
        rows, theta_g, v0 / (track.surface_radius(rows, theta_g)[0] + h0), h0, np.zeros(n)
    )
    b_rows, b_cols = samples_between(grid, t0, t_g, closed_end=False)
    bp, bv = boost_state(
        pad[b_rows], g_pos[b_rows], g_vel[b_rows], t0[b_rows], t_g[b_rows], grid[b_cols]
    )
    position[b_rows, b_cols], velocity[b_rows, b_cols] = bp, bv
    phase[b_rows, b_cols] = PHASE_BOOST
    # Glide samples from the integration (the start sample at t_g included).
    g_rows, g_cols = samples_between(grid, t_g, t_g, closed_end=True)
    first = np.stack([x_b, h0, v0, np.zeros(n)], axis=1)[g_rows]
    first_dot = _deriv(p)(grid[g_cols], first, g_rows)
    rows_all = np.concatenate([g_rows, sol.rows])
    cols_all = np.concatenate([g_cols, sol.cols])
    y_all = np.concatenate([first, sol.y])
    yd_all = np.concatenate([first_dot, sol.y_dot])
    ell, d1, _ = _lateral(p, rows_all, y_all[:, 0])
    rad = radius[rows_all]
    gp, gv = track.state(
        rows_all,
        y_all[:, 0] / rad,
        yd_all[:, 0] / rad,
        y_all[:, 1],
        yd_all[:, 1],
        ell / rad,
        d1 * yd_all[:, 0] / rad,
    )
    position[rows_all, cols_all], velocity[rows_all, cols_all] = gp, gv
    phase[rows_all, cols_all] = PHASE_GLIDE
    # Terminal dive from the glide's end state.
    slope0 = np.tan(g_d) * (1.0 + h_d / radius)
    v1 = v_d if terminal_speed_mps is None else per(terminal_speed_mps)
    path = plan_dive(
        track, rows, x_d / radius, total - x_d, h_d, slope0, h_aim, dive, v_d, v1, sol.t_stop
    )
    d_rows, d_cols = samples_between(grid, path.t_start, path.t_end, closed_end=True)
    keep = grid[d_cols] > path.t_start[d_rows]
    d_rows, d_cols = d_rows[keep], d_cols[keep]
    dp, dv, _ = dive_state(path, track, d_rows, grid[d_cols])
    position[d_rows, d_cols], velocity[d_rows, d_cols] = dp, dv
    phase[d_rows, d_cols] = PHASE_TERMINAL
    in_flight = phase > 0
    altitude = np.full((n, grid.shape[0]), np.nan)
    altitude[in_flight] = ellipsoid_height(position[in_flight])
    return Trajectory(
        times=grid,
        position=position,
        velocity=velocity,
        altitude=altitude,
        in_flight=in_flight,
        launch_time=t0,
        impact_time=path.t_end,
        impact_position=aim.copy(),
        phase=phase,
        burnout_time=t_g,
    )
