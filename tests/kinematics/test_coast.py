"""Predicted free flight from a state reproduces the true drag-free trajectory and impact."""

from __future__ import annotations

import numpy as np
import pytest

from kamae.geo import geodetic_to_ecef
from kamae.kinematics.ballistic import minimum_energy_trajectory
from kamae.kinematics.coast import coast_trajectory


def test_coast_from_a_true_state_follows_the_truth() -> None:
    launch = geodetic_to_ecef(np.radians(40.0), np.radians(128.0), 0.0)
    aim = geodetic_to_ecef(np.radians(35.68), np.radians(139.77), 0.0)
    times = np.arange(0.0, 700.0, 1.0)
    truth = minimum_energy_trajectory(launch[None], aim[None], [0.0], times)
    k = 150
    pred = coast_trajectory(truth.position[0, k], truth.velocity[0, k], times[k], times)
    both = truth.in_flight[0] & pred.in_flight[0]
    assert not pred.in_flight[0, :k].any()
    np.testing.assert_allclose(pred.position[0, both], truth.position[0, both], atol=1e-3)
    # The predicted impact is the aim point (the ellipsoid radius there), within metres.
    assert pred.impact_time[0] == pytest.approx(truth.impact_time[0], abs=0.5)
    assert np.linalg.norm(pred.impact_position[0] - aim) < 2_000.0


def test_coast_refuses_an_unbound_state() -> None:
    with pytest.raises(ValueError, match="elliptic"):
        coast_trajectory([7e6, 0.0, 0.0], [0.0, 20_000.0, 0.0], 0.0, np.arange(10.0))


def test_coast_of_states_solved_separately_is_each_state_alone() -> None:
    """`separately`: a batch of states predicts each one to the same floats as predicting it
    alone (positions, velocities, heights, impact), whatever its batch mates."""
    launch = geodetic_to_ecef(np.radians(40.0), np.radians(128.0), 0.0)
    aims = geodetic_to_ecef(
        np.radians([35.68, 33.6, 26.2]), np.radians([139.77, 130.4, 127.7]), 0.0
    )
    times = np.arange(0.0, 900.0, 1.0)
    truth = minimum_energy_trajectory(np.repeat(launch[None], 3, axis=0), aims, [0.0] * 3, times)
    k = np.array([120, 200, 260])
    x, v = truth.position[np.arange(3), k], truth.velocity[np.arange(3), k]
    batch = coast_trajectory(x, v, 300.0, times[301:], separately=True)
    for i in range(3):
        alone = coast_trajectory(x[i], v[i], 300.0, times[301:])
        row = batch.rows(i, i + 1)
        for name in ("position", "velocity", "altitude", "impact_time", "impact_position"):
            a, b = getattr(alone, name), getattr(row, name)
            assert a.tobytes() == b.tobytes(), name
        assert np.array_equal(alone.in_flight, row.in_flight)
