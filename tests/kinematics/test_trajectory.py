"""Trajectory helpers."""

from __future__ import annotations

import numpy as np
import pytest

from kamae.kinematics.ballistic import minimum_energy_trajectory
from kamae.kinematics.trajectory import concatenate, samples_between


def test_samples_between() -> None:
    times = np.arange(10.0)
    rows, cols = samples_between(
        times, np.array([2.0, 2.5, 9.5]), np.array([4.0, 3.0, 20.0]), closed_end=False
    )
    got = {(r, c) for r, c in zip(rows.tolist(), cols.tolist(), strict=True)}
    assert got == {(0, 2), (0, 3)}
    rows, cols = samples_between(times, np.array([2.0]), np.array([4.0]), closed_end=True)
    assert cols.tolist() == [2, 3, 4]


def test_concatenate(korea_to_japan) -> None:
    pad, aim = korea_to_japan
    times = np.arange(0.0, 900.0, 2.0)
    a = minimum_energy_trajectory(pad[:1], aim[:1], np.zeros(1), times)
    b = minimum_energy_trajectory(pad[1:], aim[1:], np.zeros(1), times)
    both = concatenate([a, b])
    assert both.count == 2 and both.steps == times.size
    np.testing.assert_array_equal(both.position[1], b.position[0])
    with pytest.raises(ValueError):
        concatenate([a, minimum_energy_trajectory(pad[:1], aim[:1], np.zeros(1), times[:-1])])
