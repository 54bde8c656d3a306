"""Ballistic missiles: boost, drag-free Kepler flight, optional drag reentry, on the time grid.

Free flight is the two-body conic through the burnout point r1 and the aim point r2 (central
angle Δν), fixed by one shape choice per missile:
- minimum energy: least semi-major axis, p = r1·r2·(1 - cos Δν)/c with c the chord;
- a burnout flight-path angle γ: p = r1·r2·(1 - cos Δν)/(r1 - r2·cos Δν + r2·tan γ·sin Δν);
- an apogee height (lofted above, depressed below the minimum-energy apogee): γ by bisection;
and the burnout velocity follows from the Lagrange coefficients, v1 = (r2 - f·r1)/g with
f = 1 - (r2/p)(1 - cos Δν) and g = r1·r2·sin Δν/sqrt(mu·p) (Bate, Mueller & White 1971,
sections 5.2-5.3 and 6.2). For r1 = r2 = R the minimum-energy case is the textbook Q = v²R/mu =
2s/(1+s), flight-path angle 45° - Ψ/4, s = sin(Ψ/2).

Options: a boost phase (kinematic, `boost.py`) from the pad to a burnout point at the burnout
height and the constant-acceleration ground distance; Earth rotation (the conic is inertial,
aimed at where the target will be at impact, found by fixed-point iteration on the flight
time); reentry with drag below 100 km (`reentry.py`), with the aim point moved by the drag
shortfall until the impact lands on the target (three predictor-corrector passes, as a
guidance system would). Launch and aim points sit on or above the WGS84 ellipsoid.
Neglected: J2, drag on the way up and above 100 km, winds, thrust dynamics (see boost.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray
from kamae.errors import InfeasibleThreat
from kamae.geo import ecef_to_geodetic, geodetic_to_ecef
from kamae.kinematics.boost import boost_ground_distance, boost_state
from kamae.kinematics.frames import ecef_to_eci, eci_to_ecef, ellipsoid_height
from kamae.kinematics.integrate import GridSolution
from kamae.kinematics.kepler import (
    MU_EARTH,
    Orbit,
    descending_true_anomaly_at_radius,
    eccentric_from_true,
    flight_time,
    mean_anomaly,
    mean_from_eccentric,
    orbit_from_state,
    solve_kepler,
    state_at_eccentric,
    true_anomaly,
)
from kamae.kinematics.kepler_grid import (
    columns_at_or_after,
    sample_kepler,
    window_indices,
    window_mask,
)
from kamae.kinematics.range_equation import (
    angle_for_apogee,
    conic_parameter,
    lowest_angle,
    minimum_energy_parameter,
)
from kamae.kinematics.reentry import INTERFACE_ALTITUDE_M, ExponentialAtmosphere, fly_reentry
from kamae.kinematics.track import Track
from kamae.kinematics.trajectory import (
    PHASE_BOOST,
    PHASE_MIDCOURSE,
    TERMINAL_ALTITUDE_M,
    Trajectory,
    samples_between,
)

_TARGETING_PASSES = 8
_DRAG_PASSES = 3


def free_flight_velocity(
    burnout: npt.ArrayLike,
    aim: npt.ArrayLike,
    *,
    apogee_radius: npt.ArrayLike | None = None,
    burnout_angle: npt.ArrayLike | None = None,
    mu: float = MU_EARTH,
) -> FloatArray:
    """Burnout velocity (N, 3) of the conic from burnout points to aim points (inertial frame).

    Per missile: apogee_radius (m from the Earth's centre) if finite, else burnout_angle (rad)
    if finite, else minimum energy. Short way round (0 < Δν < π).
    """
    r1 = np.atleast_2d(np.asarray(burnout, dtype=float))
    r2 = np.atleast_2d(np.asarray(aim, dtype=float))
    n = r1.shape[0]
    r1n = np.linalg.norm(r1, axis=-1)
    r2n = np.linalg.norm(r2, axis=-1)
    cos_dnu = np.clip(np.sum(r1 * r2, axis=-1) / (r1n * r2n), -1.0, 1.0)
    sin_dnu = np.sqrt(1.0 - cos_dnu**2)
    if np.any(sin_dnu < 1e-9):
        raise ValueError("launch and aim points must be distinct and not antipodal")
    dnu = np.arccos(cos_dnu)
    p = minimum_energy_parameter(r1n, r2n, dnu)
    ra = _per_missile(apogee_radius, n)
    gam = _per_missile(burnout_angle, n)
    use_ra = np.isfinite(ra)
    use_gam = np.isfinite(gam) & ~use_ra
    if np.any(use_ra):
        g = angle_for_apogee(r1n[use_ra], r2n[use_ra], dnu[use_ra], ra[use_ra], mu)
        p[use_ra] = conic_parameter(r1n[use_ra], r2n[use_ra], dnu[use_ra], g)
    if np.any(use_gam):
        g_lo = lowest_angle(r1n[use_gam], r2n[use_gam], dnu[use_gam])
        g = gam[use_gam]
        if np.any((g <= g_lo) | (g >= 0.5 * np.pi)):
            raise InfeasibleThreat(
                "burnout_angle_rad", "is too shallow or steep to reach the aim point", None
            )
        p[use_gam] = conic_parameter(r1n[use_gam], r2n[use_gam], dnu[use_gam], g)
    f = 1.0 - (r2n / p) * (1.0 - cos_dnu)
    g_lag = r1n * r2n * sin_dnu / np.sqrt(mu * p)
    v1 = (r2 - f[:, None] * r1) / g_lag[:, None]
    if np.any(0.5 * np.sum(v1 * v1, axis=-1) >= mu / r1n):
        raise InfeasibleThreat(
            "apogee_m" if np.any(use_ra) else "burnout_angle_rad",
            "asks for escape speed at this range",
            None,
        )
    return v1


def _per_missile(value: npt.ArrayLike | None, n: int) -> FloatArray:
    if value is None:
        return np.full(n, np.nan)
    return np.broadcast_to(np.asarray(value, dtype=float), (n,)).astype(float)


def _mean_anomaly_at(orbit: Orbit, r: npt.ArrayLike) -> FloatArray:
    return mean_anomaly(true_anomaly(orbit, r), orbit.e)


def apogee_height(orbit: Orbit, reference_radius: npt.ArrayLike) -> FloatArray:
    """Apogee radius a(1+e) minus a reference radius (m)."""
    return orbit.a * (1.0 + orbit.e) - np.asarray(reference_radius, dtype=float)


@dataclass(frozen=True)
class BallisticPlan:
    """Everything that fixes N ballistic flights, before sampling on a time grid."""

    pad: FloatArray
    """Launch points (N, 3) ECEF."""
    launch_time: FloatArray
    burnout_time: FloatArray
    burnout_position: FloatArray
    """(N, 3) ECEF."""
    burnout_velocity: FloatArray
    """(N, 3) ECEF (Earth-relative)."""
    orbit: Orbit
    """Free-flight conic, inertial (ECEF frozen at t = 0 when rotating)."""
    burnout_mean_anomaly: FloatArray
    kepler_end_time: FloatArray
    """End of the drag-free arc: impact, or the start of drag integration."""
    apogee_time: FloatArray
    impact_time: FloatArray
    impact_position: FloatArray
    """(N, 3) ECEF."""
    rotating: bool
    ballistic_coefficient: FloatArray
    """(N,) kg/m²; inf when drag is not modelled."""
    ground_height: FloatArray
    """(N,) ellipsoid height of the aim points, m."""
    atmosphere: ExponentialAtmosphere
    reentry_grid: FloatArray | None = None
    """Grid on which `reentry_samples` were taken, if any."""
    reentry_samples: GridSolution | None = None
    """Drag integration of the final pass sampled on `reentry_grid`."""


def plan_ballistic(
    launch_ecef: npt.ArrayLike,
    aim_ecef: npt.ArrayLike,
    launch_time: npt.ArrayLike,
    *,
    apogee_m: npt.ArrayLike | None = None,
    burnout_angle_rad: npt.ArrayLike | None = None,
    burn_time_s: npt.ArrayLike = 0.0,
    burnout_altitude_m: npt.ArrayLike = 0.0,
    earth_rotation: bool = False,
    ballistic_coefficient_kg_m2: npt.ArrayLike | None = None,
    atmosphere: ExponentialAtmosphere | None = None,
    mu: float = MU_EARTH,
    times: npt.ArrayLike | None = None,
) -> BallisticPlan:
    """Target N ballistic missiles; per-missile arrays broadcast to (N,).

    apogee_m: apogee height above the mean surface radius of launch and aim (NaN: unset);
    burnout_angle_rad: flight-path angle at burnout (NaN: unset); neither: minimum energy.
    ballistic_coefficient_kg_m2: m/(C_D·A); None or inf: drag-free to the ground.
    times: the grid `render` will be called with; the last drag integration then keeps its
    samples for it (saves one integration).
    """
    pad = np.atleast_2d(np.asarray(launch_ecef, dtype=float))
    aim = np.atleast_2d(np.asarray(aim_ecef, dtype=float))
    n = pad.shape[0]
    t0 = _per_missile(launch_time, n)
    t_burn = _per_missile(burn_time_s, n)
    h_bo = _per_missile(burnout_altitude_m, n)
    beta = _per_missile(
        np.inf if ballistic_coefficient_kg_m2 is None else ballistic_coefficient_kg_m2, n
    )
    if np.any(t_burn < 0.0) or np.any(h_bo < 0.0):
        raise InfeasibleThreat("burn_time_s", "burn time and burnout altitude must be >= 0", None)
    if np.any((h_bo > 0.0) & (t_burn <= 0.0)):
        raise InfeasibleThreat("burn_time_s", "must be positive when {burnout_altitude_m} > 0")
    if np.any(beta <= 0.0):
        raise InfeasibleThreat("ballistic_coefficient_kg_m2", "must be positive", None)
    atm = atmosphere or ExponentialAtmosphere()
    track = Track.between(pad, aim)
    rows = np.arange(n)
    ground = ellipsoid_height(aim)
    ra = _per_missile(apogee_m, n) + 0.5 * (track.r_launch + track.r_aim)
    gam = _per_missile(burnout_angle_rad, n)
    drag = np.isfinite(beta)
    t_b = t0 + t_burn
    target = aim.copy()
    speed = np.sqrt(mu / track.r_launch)  # first guess of the burnout speed (circular)
    t_imp = t_b + 600.0
    boosted = bool(np.any(t_burn > 0.0))
    passes = _TARGETING_PASSES if earth_rotation or boosted else 1
    grid = None if times is None else np.asarray(times, dtype=float)
    sol = None
    n_pass = _DRAG_PASSES if np.any(drag) else 1
    for i_pass in range(n_pass):
        for _ in range(passes):
            if boosted:
                x_b = boost_ground_distance(speed, t_burn, h_bo, strict=False)
                burnout_e = track.point(rows, x_b / track.r_launch, h_bo)
            else:
                burnout_e = pad
            r1 = ecef_to_eci(burnout_e, None, t_b)[0] if earth_rotation else burnout_e
            r2 = ecef_to_eci(target, None, t_imp)[0] if earth_rotation else target
            v1 = free_flight_velocity(r1, r2, apogee_radius=ra, burnout_angle=gam, mu=mu)
            orbit = orbit_from_state(r1, v1, mu)
            t_imp = t_b + flight_time(
                orbit.n, orbit.e, true_anomaly(orbit, r1), true_anomaly(orbit, r2)
            )
            v_e = eci_to_ecef(r1, v1, t_b)[1] if earth_rotation else v1
            speed = np.linalg.norm(v_e, axis=-1)
        boost_ground_distance(speed, t_burn, h_bo)  # refuse a boost too short for its climb
        m_b = _mean_anomaly_at(orbit, r1)
        t_apo = t_b + np.where(m_b < np.pi, (np.pi - m_b) / orbit.n, 0.0)
        t_kep_end = t_imp.copy()
        impact = aim.copy()
        if np.any(drag):
            t_if = _interface_time(
                orbit, m_b, t_b, t_apo, t_imp, track.r_aim + INTERFACE_ALTITUDE_M
            )
            t_kep_end = np.where(drag, t_if, t_imp)
            last = i_pass == n_pass - 1
            sol = _reentry(
                orbit,
                m_b,
                t_b,
                t_kep_end,
                drag,
                beta,
                ground,
                atm,
                earth_rotation,
                mu,
                grid if last else None,
            )
            idx = np.nonzero(drag)[0]
            t_imp[idx] = sol.t_stop
            impact[idx] = sol.y_stop[:, :3]
            target[idx] = _shift_on_surface(target[idx], impact[idx] - aim[idx], ground[idx])
    return BallisticPlan(
        pad=pad,
        launch_time=t0,
        burnout_time=t_b,
        burnout_position=burnout_e,
        burnout_velocity=v_e,
        orbit=orbit,
        burnout_mean_anomaly=m_b,
        kepler_end_time=t_kep_end,
        apogee_time=t_apo,
        impact_time=t_imp,
        impact_position=impact,
        rotating=earth_rotation,
        ballistic_coefficient=beta,
        ground_height=ground,
        atmosphere=atm,
        reentry_grid=grid if sol is not None else None,
        reentry_samples=sol if grid is not None else None,
    )


def _interface_time(
    orbit: Orbit,
    m_b: FloatArray,
    t_b: FloatArray,
    t_apo: FloatArray,
    t_imp: FloatArray,
    r_if: FloatArray,
) -> FloatArray:
    """Time of the descending crossing of radius r_if; the apogee time if the arc stays below."""
    nu = descending_true_anomaly_at_radius(orbit, r_if)
    m_if = mean_from_eccentric(eccentric_from_true(np.nan_to_num(nu), orbit.e), orbit.e)
    t_if = t_b + np.mod(m_if - m_b, 2.0 * np.pi) / orbit.n
    ok = np.isfinite(nu) & (t_if > t_apo) & (t_if < t_imp)
    return np.where(ok, t_if, np.minimum(t_apo, t_imp))


def _kepler_state(
    orbit: Orbit, m_b: FloatArray, t_b: FloatArray, t: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Inertial state on the orbits at times t (N,), mean anomaly m_b at t_b."""
    big_e = solve_kepler(m_b + orbit.n * (t - t_b), orbit.e)
    return state_at_eccentric(orbit, big_e)


def _reentry(
    orbit: Orbit,
    m_b: FloatArray,
    t_b: FloatArray,
    t_start: FloatArray,
    drag: npt.NDArray[np.bool_],
    beta: FloatArray,
    ground: FloatArray,
    atm: ExponentialAtmosphere,
    rotating: bool,
    mu: float,
    times: FloatArray | None,
) -> GridSolution:
    idx = np.nonzero(drag)[0]
    sub = Orbit(orbit.a[idx], orbit.e[idx], orbit.p_hat[idx], orbit.q_hat[idx], orbit.n[idx], mu)
    r, v = _kepler_state(sub, m_b[idx], t_b[idx], t_start[idx])
    if rotating:
        r, v = eci_to_ecef(r, v, t_start[idx])
    return fly_reentry(
        r, v, t_start[idx], beta[idx], ground[idx], times, atmosphere=atm, rotating=rotating, mu=mu
    )


def _shift_on_surface(target: FloatArray, miss: FloatArray, height: FloatArray) -> FloatArray:
    """Move aim points against the miss vector and put them back at the target's height."""
    lat, lon, _ = ecef_to_geodetic(target - miss)
    return geodetic_to_ecef(lat, lon, height)


def render(plan: BallisticPlan, times: npt.ArrayLike) -> Trajectory:
    """Sample a planned batch on the time grid: boost, Kepler arc, drag reentry."""
    grid = np.asarray(times, dtype=float)
    k_lo, k_hi = window_indices(grid, plan.burnout_time, plan.kepler_end_time)
    pos, vel, alt = sample_kepler(
        plan.orbit,
        plan.burnout_mean_anomaly,
        plan.burnout_time,
        grid,
        k_lo,
        k_hi,
        rotating=plan.rotating,
    )
    b_rows, b_cols = samples_between(grid, plan.launch_time, plan.burnout_time, closed_end=False)
    if b_rows.size:
        p, v = boost_state(
            plan.pad[b_rows],
            plan.burnout_position[b_rows],
            plan.burnout_velocity[b_rows],
            plan.launch_time[b_rows],
            plan.burnout_time[b_rows],
            grid[b_cols],
        )
        pos[b_rows, b_cols], vel[b_rows, b_cols], alt[b_rows, b_cols] = p, v, ellipsoid_height(p)
    drag = np.isfinite(plan.ballistic_coefficient)
    reuse = plan.reentry_grid is not None and np.array_equal(plan.reentry_grid, grid)
    if np.any(drag) and reuse and plan.reentry_samples is not None:
        sol = plan.reentry_samples
    elif np.any(drag):
        sol = _reentry(
            plan.orbit,
            plan.burnout_mean_anomaly,
            plan.burnout_time,
            plan.kepler_end_time,
            drag,
            plan.ballistic_coefficient,
            plan.ground_height,
            plan.atmosphere,
            plan.rotating,
            plan.orbit.mu,
            grid,
        )
    if np.any(drag):
        rows = np.nonzero(drag)[0][sol.rows]
        pos[rows, sol.cols] = sol.y[:, :3]
        vel[rows, sol.cols] = sol.y[:, 3:]
        alt[rows, sol.cols] = ellipsoid_height(sol.y[:, :3])
    f_lo, f_hi = window_indices(grid, plan.launch_time, plan.impact_time)
    in_flight = window_mask(grid.shape[0], f_lo, f_hi)
    phase = phases(grid, in_flight, alt, plan.apogee_time)
    phase[b_rows, b_cols] = PHASE_BOOST
    return Trajectory(
        times=grid,
        position=pos,
        velocity=vel,
        altitude=alt,
        in_flight=in_flight,
        launch_time=plan.launch_time.copy(),
        impact_time=plan.impact_time.copy(),
        impact_position=plan.impact_position.copy(),
        phase=phase,
        burnout_time=plan.burnout_time.copy(),
    )


def phases(
    grid: FloatArray, in_flight: npt.NDArray[np.bool_], alt: FloatArray, descent_start: FloatArray
) -> npt.NDArray[np.int8]:
    """MIDCOURSE in flight; TERMINAL once descending (after descent_start) below 100 km.

    Heights are NaN outside the flight, so the height test also keeps to the flight.
    """
    phase = in_flight.view(np.int8) * np.int8(PHASE_MIDCOURSE)
    low = alt < TERMINAL_ALTITUDE_M
    k_desc = np.searchsorted(grid, descent_start, side="left")
    low &= columns_at_or_after(grid.shape[0], k_desc)
    phase += low.view(np.int8)
    return phase


def ballistic_trajectory(
    launch_ecef: npt.ArrayLike,
    aim_ecef: npt.ArrayLike,
    launch_time: npt.ArrayLike,
    times: npt.ArrayLike,
    *,
    apogee_m: npt.ArrayLike | None = None,
    burnout_angle_rad: npt.ArrayLike | None = None,
    burn_time_s: npt.ArrayLike = 0.0,
    burnout_altitude_m: npt.ArrayLike = 0.0,
    earth_rotation: bool = False,
    ballistic_coefficient_kg_m2: npt.ArrayLike | None = None,
    atmosphere: ExponentialAtmosphere | None = None,
    mu: float = MU_EARTH,
) -> Trajectory:
    """Plan (see `plan_ballistic` for the options) and sample N ballistic flights."""
    plan = plan_ballistic(
        launch_ecef,
        aim_ecef,
        launch_time,
        apogee_m=apogee_m,
        burnout_angle_rad=burnout_angle_rad,
        burn_time_s=burn_time_s,
        burnout_altitude_m=burnout_altitude_m,
        earth_rotation=earth_rotation,
        ballistic_coefficient_kg_m2=ballistic_coefficient_kg_m2,
        atmosphere=atmosphere,
        mu=mu,
        times=times,
    )
    return render(plan, times)


def minimum_energy_trajectory(
    launch_ecef: npt.ArrayLike,
    aim_ecef: npt.ArrayLike,
    launch_time: npt.ArrayLike,
    times: npt.ArrayLike,
    mu: float = MU_EARTH,
) -> Trajectory:
    """Sample N minimum-energy ballistic flights on a common time grid (batched).

    launch_ecef, aim_ecef: (N, 3) points on the ellipsoid; launch_time: (N,) s; times: (T,) s.
    Burnout at the launch point (no boost), drag-free, non-rotating Earth.
    """
    return render(plan_ballistic(launch_ecef, aim_ecef, launch_time, mu=mu), times)


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
