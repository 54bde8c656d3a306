"""Fly-out time and the kill probability degraded by prediction error."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kamae.engagement.envelope import (
    Flyout,
    flyout_time,
    kill_probability_with_prediction_error,
)


def test_flyout_mean_speed() -> None:
    assert flyout_time([0.0, 3000.0], Flyout(1500.0, None, None)).tolist() == [0.0, 2.0]


def test_flyout_profile_matches_kinematics() -> None:
    # Constant acceleration a = v/tb: d(t) = a t²/2 while burning, then v (t - tb) + v tb / 2.
    v, tb = 3000.0, 40.0
    for t in (5.0, 20.0, 40.0, 100.0, 300.0):
        d = 0.5 * (v / tb) * t**2 if t <= tb else 0.5 * v * tb + v * (t - tb)
        assert float(flyout_time(d, Flyout(None, v, tb))) == pytest.approx(t)


def test_prediction_error_follows_the_maxwell_distribution() -> None:
    """P(|e| <= b) for an isotropic 3-D Gaussian error is the Maxwell CDF
    erf(x/√2) - sqrt(2/π)·x·exp(-x²/2), x = b/σ (Papoulis & Pillai, Probability, Random
    Variables and Stochastic Processes, 4th ed., 2002, section 4.4)."""
    for sigma, basket in ((100.0, 100.0), (1000.0, 500.0), (50.0, 400.0)):
        x = basket / sigma
        maxwell = math.erf(x / math.sqrt(2)) - math.sqrt(2 / math.pi) * x * math.exp(-x * x / 2)
        got = float(kill_probability_with_prediction_error(0.8, sigma, basket))
        assert got == pytest.approx(0.8 * maxwell, rel=1e-9)
    # Monte Carlo cross-check with a fixed seed: 200,000 draws, 5-sigma binomial bound.
    rng = np.random.default_rng(3)
    e = rng.normal(0, 300.0, (200_000, 3))
    frac = np.mean(np.linalg.norm(e, axis=1) <= 400.0)
    p = float(kill_probability_with_prediction_error(1.0, 300.0, 400.0))
    assert abs(frac - p) < 5 * math.sqrt(p * (1 - p) / 200_000)
    # No basket: perfect prediction.
    assert float(kill_probability_with_prediction_error(0.7, 1e6, None)) == 0.7


def test_windows_of_a_batch_are_each_predictions_own() -> None:
    """Every (prediction, unit) pair of a batch's windows is the one that prediction alone
    gives for that unit (the battle manager windows a step's coast predictions together)."""
    from kamae.kinematics.coast import coast_trajectory
    from kamae.world import load_world

    world = load_world("japan-2027")
    traj, k = world.trajectory, 120
    flying = np.flatnonzero(traj.in_flight[:, k])[:6]
    times = world.times[k + 1 :]
    batch = coast_trajectory(
        traj.position[flying, k], traj.velocity[flying, k], float(world.times[k]), times,
        separately=True,
    )  # fmt: skip
    whole = world.envelopes.windows(batch)
    assert whole.feasible.any()  # some unit can reach some prediction
    for i in range(flying.size):
        for j in range(whole.feasible.shape[1]):
            alone = world.envelopes.windows(batch.rows(i, i + 1), units=np.array([j]))
            assert np.array_equal(alone.feasible[0, 0], whole.feasible[i, j])
            assert np.array_equal(alone.launch_time[0, 0], whole.launch_time[i, j], equal_nan=True)
