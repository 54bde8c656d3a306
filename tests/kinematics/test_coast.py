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
