"""Ballistic trajectories: the engine contract, shapes, boost, rotation and drag."""

from __future__ import annotations

import numpy as np
import pytest

from kamae.kinematics.ballistic import (
    ballistic_trajectory,
    minimum_energy_trajectory,
    plan_ballistic,
    predicted_impact,
)
from kamae.kinematics.feasibility import InfeasibleThreat
from kamae.kinematics.frames import eci_to_ecef
from kamae.kinematics.kepler import solve_kepler, state_at_eccentric
from kamae.kinematics.trajectory import (
    PHASE_BOOST,
    PHASE_MIDCOURSE,
    PHASE_NONE,
    PHASE_TERMINAL,
)

TIMES = np.arange(0.0, 1500.0, 1.0)


def test_minimum_energy_contract(korea_to_japan) -> None:
    pad, aim = korea_to_japan
    tr = minimum_energy_trajectory(pad, aim, np.array([0.0, 30.0]), TIMES)
    assert tr.position.shape == (2, TIMES.size, 3) and tr.velocity.shape == (2, TIMES.size, 3)
    assert tr.altitude.shape == (2, TIMES.size) and tr.phase.dtype == np.int8
    for i in range(2):
        f = tr.in_flight[i]
        t = TIMES[f]
        assert t[0] >= tr.launch_time[i] and t[-1] <= tr.impact_time[i]
        assert tr.impact_time[i] - t[-1] < 1.0
        assert np.all(np.isnan(tr.position[i][~f])) and not np.any(np.isnan(tr.position[i][f]))
        assert np.all(tr.phase[i][~f] == PHASE_NONE)
        assert set(np.unique(tr.phase[i][f])) == {PHASE_MIDCOURSE, PHASE_TERMINAL}
        # Terminal only when descending below 100 km.
        term = f & (tr.phase[i] == PHASE_TERMINAL)
        assert np.all(tr.altitude[i][term] < 100e3)
        radial = np.sum(tr.position[i][term] * tr.velocity[i][term], axis=-1)
        assert np.all(radial < 0.0)
    np.testing.assert_allclose(tr.impact_position, aim)
    np.testing.assert_allclose(tr.position[0, 0], pad[0], atol=1e-3)  # launch at t = 0


def test_predicted_impact_from_midcourse_state(korea_to_japan) -> None:
    pad, aim = korea_to_japan
    tr = minimum_energy_trajectory(pad, aim, np.zeros(2), TIMES)
    k = 200
    hit, ttg = predicted_impact(tr.position[:, k], tr.velocity[:, k], np.linalg.norm(aim, axis=1))
    np.testing.assert_allclose(hit, aim, atol=1e-3)
    np.testing.assert_allclose(ttg, tr.impact_time - TIMES[k], atol=1e-6)


@pytest.mark.parametrize("apogee_km", [60.0, 150.0, 1200.0])
def test_apogee_is_the_requested_one(korea_to_japan, apogee_km: float) -> None:
    pad, aim = korea_to_japan
    tr = ballistic_trajectory(
        pad, aim, np.zeros(2), np.arange(0.0, 2500.0, 0.5), apogee_m=apogee_km * 1e3
    )
    # Apogee height is set above the mean of the two surface radii; the geodetic peak differs
    # from it by the ellipsoid's shape (a few km at most here).
    peak = np.nanmax(tr.altitude, axis=1) / 1e3
    np.testing.assert_allclose(peak, apogee_km, atol=3.0)


def test_lofted_depressed_and_angle(korea_to_japan) -> None:
    pad, aim = korea_to_japan
    base = minimum_energy_trajectory(pad, aim, np.zeros(2), TIMES)
    low = ballistic_trajectory(pad, aim, np.zeros(2), TIMES, burnout_angle_rad=np.radians(15.0))
    high = ballistic_trajectory(pad, aim, np.zeros(2), TIMES, burnout_angle_rad=np.radians(70.0))
    assert np.all(low.impact_time < base.impact_time) and np.all(
        high.impact_time > base.impact_time
    )
    assert np.all(np.nanmax(low.altitude, 1) < np.nanmax(base.altitude, 1))
    # Launch flight-path angle: velocity against the local vertical at the pad.
    v = high.velocity[:, 0]
    up = pad / np.linalg.norm(pad, axis=1, keepdims=True)
    gam = np.degrees(np.arcsin(np.sum(v * up, 1) / np.linalg.norm(v, axis=1)))
    np.testing.assert_allclose(gam, 70.0, atol=0.2)  # geocentric vs geodetic vertical
    with pytest.raises(InfeasibleThreat, match="burnout_angle"):
        ballistic_trajectory(pad, aim, np.zeros(2), TIMES, burnout_angle_rad=np.radians(95.0))


def test_boost_phase_is_continuous_and_marked(korea_to_japan) -> None:
    pad, aim = korea_to_japan
    times = np.arange(0.0, 1500.0, 0.25)
    tr = ballistic_trajectory(
        pad, aim, np.array([0.0, 10.0]), times, burn_time_s=70.0, burnout_altitude_m=60e3
    )
    for i in range(2):
        boost = tr.phase[i] == PHASE_BOOST
        t_b = times[boost]
        assert t_b[0] == pytest.approx(tr.launch_time[i]) and t_b[-1] < tr.burnout_time[i]
        assert tr.burnout_time[i] - t_b[-1] <= 0.25
        k = np.flatnonzero(boost)[-1]
        # Continuity across burnout: a 0.25 s step moves < 0.25 s × speed and speeds agree.
        step = np.linalg.norm(tr.position[i, k + 1] - tr.position[i, k])
        speed = np.linalg.norm(tr.velocity[i, k + 1])
        assert step < 0.26 * speed
        assert abs(np.linalg.norm(tr.velocity[i, k]) - speed) < 0.02 * speed
        assert abs(tr.altitude[i, k + 1] - 60e3) < 400.0
        assert (
            np.linalg.norm(tr.velocity[i, np.flatnonzero(boost)[0]]) < 1.0
        )  # leaves the pad at rest
    np.testing.assert_allclose(tr.impact_position, aim)


def test_earth_rotation_still_hits_the_aim_point(korea_to_japan) -> None:
    pad, aim = korea_to_japan
    plan = plan_ballistic(
        pad,
        aim,
        np.array([0.0, 100.0]),
        earth_rotation=True,
        burn_time_s=60.0,
        burnout_altitude_m=40e3,
    )
    big_e = solve_kepler(
        plan.burnout_mean_anomaly + plan.orbit.n * (plan.impact_time - plan.burnout_time),
        plan.orbit.e,
    )
    r_i, v_i = state_at_eccentric(plan.orbit, big_e)
    r_e, _ = eci_to_ecef(r_i, v_i, plan.impact_time)
    np.testing.assert_allclose(r_e, aim, atol=1.0)
    still = plan_ballistic(
        pad, aim, np.array([0.0, 100.0]), burn_time_s=60.0, burnout_altitude_m=40e3
    )
    assert np.all(np.abs(plan.impact_time - still.impact_time) > 1.0)  # rotation matters


def test_drag_reentry_lands_on_target_and_is_slower(korea_to_japan) -> None:
    pad, aim = korea_to_japan
    times = np.arange(0.0, 1500.0, 0.5)
    free = ballistic_trajectory(pad, aim, np.zeros(2), times)
    drag = ballistic_trajectory(pad, aim, np.zeros(2), times, ballistic_coefficient_kg_m2=3000.0)
    np.testing.assert_allclose(drag.impact_position, aim, atol=1.0)
    assert np.all(drag.impact_time > free.impact_time)
    for i in range(2):
        f = drag.in_flight[i]
        v_end = np.linalg.norm(drag.velocity[i][f][-1])
        v_free = np.linalg.norm(free.velocity[i][free.in_flight[i]][-1])
        assert v_end < 0.9 * v_free  # the warhead has lost speed in the dense layers
        assert drag.altitude[i][f][-1] < 2000.0


def test_infeasible_boost_is_refused(korea_to_japan) -> None:
    pad, aim = korea_to_japan
    with pytest.raises(InfeasibleThreat, match="burn_time_s"):
        ballistic_trajectory(pad, aim, np.zeros(2), TIMES, burnout_altitude_m=50e3)
    with pytest.raises(InfeasibleThreat, match="burn_time_s"):
        ballistic_trajectory(pad, aim, np.zeros(2), TIMES, burn_time_s=5.0, burnout_altitude_m=50e3)
