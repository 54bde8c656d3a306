"""Cruise missiles: timing, height profiles, phases, consistency of velocity."""

from __future__ import annotations

import numpy as np
import pytest

from kamae.kinematics.cruise import cruise_trajectory, route_length_m
from kamae.kinematics.feasibility import InfeasibleThreat
from kamae.kinematics.trajectory import PHASE_BOOST, PHASE_CRUISE, PHASE_TERMINAL

ROUTE = np.array([[39.0, 125.0], [37.0, 131.0], [35.7, 139.7]])
SHORT = np.array([[30.0, 122.0], [31.0, 124.0]])


def test_timing_and_phases() -> None:
    times = np.arange(0.0, 7000.0, 1.0)
    tr = cruise_trajectory(
        [ROUTE, SHORT],
        [0.0, 50.0],
        times,
        speed_mps=[240.0, 750.0],
        altitude_m=[30.0, 15.0],
        terminal_range_m=[20e3, 10e3],
        boost_time_s=5.0,
    )
    lengths = np.array([route_length_m(ROUTE), route_length_m(SHORT)])
    np.testing.assert_allclose(tr.impact_time, tr.launch_time + lengths / [240.0, 750.0])
    for i in range(2):
        f = tr.in_flight[i]
        ph = tr.phase[i][f]
        assert ph[0] == PHASE_BOOST and ph[-1] == PHASE_TERMINAL
        assert set(np.unique(ph)) == {PHASE_BOOST, PHASE_CRUISE, PHASE_TERMINAL}
        assert np.sum(ph == PHASE_BOOST) == 5
    # Sea-skimming: level at 30 m except the climb out and the dive onto the target.
    alt0 = tr.altitude[0][tr.in_flight[0]]
    assert np.median(alt0) == pytest.approx(30.0, abs=1e-6)
    assert alt0.max() <= 30.0 + 1e-6 and alt0[-1] < 1.0


def test_velocity_is_the_derivative_of_position_between_waypoints() -> None:
    dt = 0.5
    times = np.arange(0.0, 2000.0, dt)
    tr = cruise_trajectory(
        [SHORT],
        [0.0],
        times,
        speed_mps=[750.0],
        altitude_m=[8000.0],
        terminal_range_m=[40e3],
        terminal_mode="popup",
        popup_altitude_m=[12000.0],
    )
    f = tr.in_flight[0]
    p, v = tr.position[0][f], tr.velocity[0][f]
    fd = (p[2:] - p[:-2]) / (2 * dt)
    err = np.linalg.norm(fd - v[1:-1], axis=1) / np.linalg.norm(v[1:-1], axis=1)
    # C¹ height profile: the central difference only errs where h'' jumps (profile joins).
    assert np.median(err) < 1e-5 and np.quantile(err, 0.95) < 1e-3 and err.max() < 2e-2
    assert np.linalg.norm(v[len(v) // 2]) == pytest.approx(750.0 * (1 + 8000.0 / 6.37e6), rel=2e-3)
    assert tr.altitude[0][f].max() == pytest.approx(12000.0, abs=5.0)


def test_level_terminal_mode_hits_at_cruise_height() -> None:
    tr = cruise_trajectory(
        [SHORT],
        [0.0],
        np.arange(0.0, 1500.0, 1.0),
        speed_mps=250.0,
        altitude_m=10.0,
        terminal_range_m=15e3,
        terminal_mode="level",
    )
    assert tr.altitude[0][tr.in_flight[0]][-1] == pytest.approx(10.0, abs=1e-6)


def test_refusals() -> None:
    times = np.arange(0.0, 100.0)
    with pytest.raises(InfeasibleThreat, match="waypoints"):
        cruise_trajectory([SHORT[:1]], [0.0], times, speed_mps=250.0, altitude_m=30.0)
    with pytest.raises(InfeasibleThreat, match="speed_mps"):
        cruise_trajectory([SHORT], [0.0], times, speed_mps=-250.0, altitude_m=30.0)
    with pytest.raises(InfeasibleThreat, match="terminal_mode"):
        cruise_trajectory(
            [SHORT], [0.0], times, speed_mps=250.0, altitude_m=30.0, terminal_mode="loop"
        )
