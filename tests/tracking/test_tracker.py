"""The GNN multi-target tracker on a cluttered scene, judged by SIAP and track life cycle."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import solve_discrete_are
from scipy.special import gamma

from kamae.errors import KamaeError
from kamae.tracking.initiation import MOfN
from kamae.tracking.metrics import assign_tracks_to_truths, siap, siap_scan
from kamae.tracking.motion import cv_matrices
from kamae.tracking.tracker import GnnTracker, TrackTable

SIGMA, Q = 50.0, 1.0


def _steady_state_mean_errors() -> tuple[float, float]:
    """Mean 3-D position and velocity error norms of the steady-state CV filter (Riccati
    solution per axis; mean of a chi(3) variable is 2 sqrt(2/pi) sigma)."""
    f = np.array([[1.0, 1.0], [0.0, 1.0]])
    qm = Q * np.array([[1 / 3, 1 / 2], [1 / 2, 1.0]])
    prior = solve_discrete_are(f.T, np.array([[1.0], [0.0]]), qm, np.array([[SIGMA**2]]))
    post = prior - np.outer(prior[:, 0], prior[0]) / (prior[0, 0] + SIGMA**2)
    chi3 = np.sqrt(2.0) * gamma(2.0) / gamma(1.5)
    return chi3 * np.sqrt(post[0, 0]), chi3 * np.sqrt(post[1, 1])


def _scene(seed: int, scans: int = 60, targets: int = 12) -> list:
    """Per-scan SIAP tallies of confirmed tracks after a 10-scan warm-up: DCWNA targets in a
    100 x 100 x 20 km box, Pd = 0.9, Poisson clutter of mean 5 per scan, sigma = 50 m."""
    rng = np.random.default_rng(seed)
    f, qm = cv_matrices(1.0, Q)
    lq = np.linalg.cholesky(qm)
    half = 5e4
    x = np.concatenate(
        [rng.uniform(-half / 2, half / 2, (targets, 3)), rng.normal(0, 150, (targets, 3))], 1
    )
    x[:, 2] = rng.uniform(3e3, 1e4, targets)
    x[:, 5] = rng.normal(0, 5, targets)
    tracker = GnnTracker(Q, MOfN(3, 4, delete_after=3), initial_velocity_var=300.0**2)
    table = TrackTable.empty()
    counts = []
    for k in range(scans):
        x = x @ f.T + rng.normal(size=(targets, 6)) @ lq.T
        seen = rng.random(targets) < 0.9
        z = x[seen, :3] + rng.normal(0, SIGMA, (int(seen.sum()), 3))
        n_clutter = rng.poisson(5.0)
        clutter = rng.uniform(-half, half, (n_clutter, 3))
        clutter[:, 2] = rng.uniform(0, 2e4, n_clutter)
        meas = np.vstack([z, clutter])[rng.permutation(z.shape[0] + n_clutter)]
        table = tracker.step(table, 1.0, meas, SIGMA**2).table
        conf = table.book.confirmed
        if k >= 10:
            pos = table.tracks.position[conf]
            a = assign_tracks_to_truths(pos, x[:, :3], threshold=300.0)
            counts.append(siap_scan(pos, x[:, :3], a, table.tracks.velocity[conf], x[:, 3:]))
    return counts


def test_tracker_siap_on_a_cluttered_scene() -> None:
    """Three independent 60-scan runs (SIAP, Votruba 2001): completeness >= 0.97 (a
    confirmed track needs 3 consecutive misses, p = 1e-3, to be lost), ambiguity <= 1.01,
    spuriousness <= 0.01 (clutter rarely falls in a tentative track's gates 3 times in 4),
    and mean position and velocity errors between 0.9x and 1.25x (1.3x for velocity) of the
    steady-state Kalman filter's (missed detections raise them above the Pd = 1 value)."""
    counts = _scene(1) + _scene(2) + _scene(3)
    s = siap(counts)
    pos_ss, vel_ss = _steady_state_mean_errors()
    assert s.completeness >= 0.97
    assert s.ambiguity <= 1.01
    assert s.spuriousness <= 0.01
    assert 0.9 * pos_ss <= s.positional_accuracy <= 1.25 * pos_ss
    assert 0.9 * vel_ss <= s.velocity_accuracy <= 1.3 * vel_ss


def test_life_cycle_ids_and_coasting() -> None:
    """A target seen on 3 of 4 scans is confirmed (3/4) and keeps its id; with no
    measurements it coasts and is deleted after 3 missed scans; ids are never reused."""
    tracker = GnnTracker(1.0, MOfN(3, 4, delete_after=3), initial_velocity_var=100.0**2)
    table = TrackTable.empty()
    truth = np.array([[1000.0, 2000.0, 3000.0]])
    vel = np.array([[100.0, 0.0, 0.0]])
    seen = [True, False, True, True, False, False, False]
    confirmed_on, deleted_on = None, None
    for k, s in enumerate(seen):
        z = truth + vel * k if s else np.empty((0, 3))
        res = tracker.step(table, 1.0, z, 25.0)
        table = res.table
        if res.confirmed_ids.size:
            confirmed_on = (k, res.confirmed_ids.tolist())
        if res.deleted_ids.size:
            deleted_on = (k, res.deleted_ids.tolist())
    assert confirmed_on == (3, [0])
    assert deleted_on == (6, [0])
    assert table.n == 0 and table.next_id == 1


def test_diverged_track_is_deleted_counted_and_restarted() -> None:
    """A track whose covariance turns NaN is deleted on the next scan, reported as diverged,
    and its target's next measurement starts a new tentative track with a new id."""
    tracker = GnnTracker(1.0, MOfN(1, 1, delete_after=3), initial_velocity_var=100.0**2)
    table = TrackTable.empty()
    z = np.array([[0.0, 0.0, 0.0], [5e4, 0.0, 0.0]])
    for _ in range(3):
        table = tracker.step(table, 1.0, z, 25.0).table
    assert table.ids.tolist() == [0, 1]
    table.tracks.p[0, 0, 1] = np.nan
    res = tracker.step(table, 1.0, z, 25.0)
    assert res.diverged_ids.tolist() == [1]
    assert res.deleted_ids.tolist() == [1]
    assert res.initiated_ids.tolist() == [2]
    assert sorted(res.table.ids.tolist()) == [0, 2]
    assert not res.table.tracks.diverged().any()


def test_tracker_inputs_are_validated() -> None:
    with pytest.raises(KamaeError):
        GnnTracker(1.0, MOfN(2, 3, 2), initial_velocity_var=0.0)
    tracker = GnnTracker(1.0, MOfN(2, 3, 2), initial_velocity_var=1.0)
    with pytest.raises(KamaeError):
        tracker.step(TrackTable.empty(), 1.0, np.zeros((2, 3)), np.ones(3))
