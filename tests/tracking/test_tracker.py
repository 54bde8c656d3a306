"""The engine's multi-target tracker (`SystemTracker`) through its public API: SIAP in clutter,
consistency of its threat tracks, identities through a crossing, the false tracks' M-of-N
life cycle, divergence deletion, and independence of the replications of a batch."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import solve_discrete_are
from scipy.special import gamma
from scipy.stats import chi2

from kamae.errors import KamaeError
from kamae.tracking.initiation import MOfN, TrackStatus
from kamae.tracking.metrics import assign_tracks_to_truths, siap, siap_scan
from kamae.tracking.motion import cv_matrices
from kamae.tracking.tracker import Plots, SystemTracker

SIGMA, Q = 50.0, 1.0
HALF = 5e4
ORIGIN = np.array([6378137.0, 0.0, 0.0])
"""ECEF of the scenes' local box (on the equator): false tracks are predicted with gravity."""


def _tracker(reps: int, threats: int, logic: MOfN, velocity_sigma: float) -> SystemTracker:
    """One sensor looking every scan; every threat slot in level flight (the CV model of the
    scenes' targets); false tracks keep the ballistic model, as in the engine."""
    return SystemTracker(
        reps, threats, Q, velocity_sigma, [logic], np.array([1.0]), level=np.ones(threats, bool)
    )


def _plots(rep: np.ndarray, origin: np.ndarray, z: np.ndarray, sigma: float = SIGMA) -> Plots:
    """Plots at local positions z (M, 3), placed in ECEF at ORIGIN."""
    cov = np.tile(sigma**2 * np.eye(3), (rep.size, 1, 1))
    return Plots(rep, origin, z + ORIGIN, cov, np.zeros(rep.size, dtype=np.int64))


def _truth(rng: np.random.Generator, reps: int, threats: int, speed: float) -> np.ndarray:
    """(reps, threats, 6): DCWNA targets in a 100 x 100 x 20 km box."""
    x = np.concatenate(
        [
            rng.uniform(-HALF / 2, HALF / 2, (reps, threats, 3)),
            rng.normal(0, speed, (reps, threats, 3)),
        ],
        axis=2,
    )
    x[..., 2] = rng.uniform(3e3, 1e4, (reps, threats))
    x[..., 5] = rng.normal(0, 5, (reps, threats))
    return x


def _scan_plots(
    rng: np.random.Generator, x: np.ndarray, pd: float, clutter: float
) -> tuple[Plots, Plots]:
    """Threat plots (detected with probability pd) and Poisson clutter per replication."""
    reps, threats = x.shape[:2]
    seen = rng.random((reps, threats)) < pd
    r_idx, n_idx = np.nonzero(seen)
    z = x[r_idx, n_idx, :3] + rng.normal(0, SIGMA, (r_idx.size, 3))
    counts = rng.poisson(clutter, reps)
    c_rep = np.repeat(np.arange(reps), counts)
    c_z = rng.uniform(-HALF, HALF, (c_rep.size, 3))
    c_z[:, 2] = rng.uniform(0, 2e4, c_rep.size)
    return _plots(r_idx, n_idx, z), _plots(c_rep, np.full(c_rep.size, -1), c_z)


def _steady_state_mean_errors() -> tuple[float, float]:
    """Mean 3-D position and velocity error norms of the steady-state CV filter (Riccati
    solution per axis; mean of a chi(3) variable is 2 sqrt(2/pi) sigma)."""
    f = np.array([[1.0, 1.0], [0.0, 1.0]])
    qm = Q * np.array([[1 / 3, 1 / 2], [1 / 2, 1.0]])
    prior = solve_discrete_are(f.T, np.array([[1.0], [0.0]]), qm, np.array([[SIGMA**2]]))
    post = prior - np.outer(prior[:, 0], prior[0]) / (prior[0, 0] + SIGMA**2)
    chi3 = np.sqrt(2.0) * gamma(2.0) / gamma(1.5)
    return chi3 * np.sqrt(post[0, 0]), chi3 * np.sqrt(post[1, 1])


def test_siap_on_a_cluttered_scene() -> None:
    """Three replications of 12 targets for 60 scans, Pd = 0.9, Poisson clutter of mean 5 per
    scan, sigma = 50 m, 3-of-4 confirmation of false tracks; SIAP (Votruba 2001) of the firm
    threat tracks (3 updates) and the confirmed false tracks after a 10-scan warm-up:
    completeness >= 0.97, ambiguity <= 1.01, spuriousness <= 0.01 (clutter rarely falls in a
    tentative track's gate 3 times in 4), and mean position and velocity errors between 0.9x
    and 1.25x (1.3x for velocity) of the steady-state Kalman filter's (missed detections raise
    them above the Pd = 1 value)."""
    rng = np.random.default_rng(1)
    reps, threats = 3, 12
    tracker = _tracker(reps, threats, MOfN(3, 4, delete_after=3), 300.0)
    f, qm = cv_matrices(1.0, Q)
    lq = np.linalg.cholesky(qm)
    x = _truth(rng, reps, threats, 150.0)
    counts = []
    for k in range(60):
        x = x @ f.T + rng.normal(size=(reps, threats, 6)) @ lq.T
        threat_plots, clutter = _scan_plots(rng, x, 0.9, 5.0)
        tracker.scan(k, float(k), threat_plots, clutter)
        if k < 10:
            continue
        firm = (tracker.tracks.updates >= 3).reshape(reps, threats)
        ft = tracker.false
        for r in range(reps):
            slots = r * threats + np.flatnonzero(firm[r])
            xs, _ = tracker.tracks.predicted(slots, float(k))
            xf, _ = ft.bank.predicted(np.flatnonzero(ft.book.confirmed & (ft.rep == r)), float(k))
            est = np.concatenate([xs, xf])
            est[:, :3] -= ORIGIN
            a = assign_tracks_to_truths(est[:, :3], x[r, :, :3], threshold=300.0)
            counts.append(siap_scan(est[:, :3], x[r, :, :3], a, est[:, 3:], x[r, :, 3:]))
    s = siap(counts)
    pos_ss, vel_ss = _steady_state_mean_errors()
    assert s.completeness >= 0.97
    assert s.ambiguity <= 1.01
    assert s.spuriousness <= 0.01
    assert 0.9 * pos_ss <= s.positional_accuracy <= 1.25 * pos_ss
    assert 0.9 * vel_ss <= s.velocity_accuracy <= 1.3 * vel_ss
    assert tracker.false_tracks.sum() > 0  # the clutter did start tentative tracks


def test_threat_tracks_stay_consistent_in_clutter() -> None:
    """NEES of the tracker's threat slots (Bar-Shalom 2001, 5.4.2) with association running:
    300 replications of 2 targets, Pd = 1, clutter of mean 2 per scan in the box, 40 scans,
    started on each target's first plot with a velocity prior equal to the truth's spread.
    The run-averaged NEES (6 dof) stays inside the Bonferroni-corrected chi-square bounds
    (family-wise 95 %) on every scan after the first, and the grand mean within 3 standard
    errors of 6: gating, GNN and false tracks leave the filter consistent."""
    rng = np.random.default_rng(20250)
    reps, threats, scans = 300, 2, 40
    tracker = _tracker(reps, threats, MOfN(2, 3, delete_after=2), 150.0)
    f, qm = cv_matrices(1.0, Q)
    lq = np.linalg.cholesky(qm)
    x = _truth(rng, reps, threats, 150.0)
    x[..., 5] = rng.normal(0, 150.0, (reps, threats))
    nees = np.empty((scans, reps * threats))
    for k in range(scans):
        if k:
            x = x @ f.T + rng.normal(size=(reps, threats, 6)) @ lq.T
        threat_plots, clutter = _scan_plots(rng, x, 1.0, 2.0)
        tracker.scan(k, float(k), threat_plots, clutter)
        e = tracker.tracks.state - x.reshape(-1, 6)
        e[:, :3] -= ORIGIN
        p = tracker.tracks.covariance
        nees[k] = np.einsum("ni,ni->n", e, np.linalg.solve(p, e[..., None])[..., 0])
    runs = reps * threats
    alpha = 0.05 / (scans - 1)
    lo, hi = chi2.ppf([alpha / 2, 1 - alpha / 2], 6 * runs) / runs
    mean = nees[1:].mean(axis=1)
    assert np.all((mean >= lo) & (mean <= hi))
    per_run = nees[1:].mean(axis=0)
    assert abs(per_run.mean() - 6.0) < 3.0 * per_run.std(ddof=1) / np.sqrt(runs)
    assert tracker.misassociated.sum() <= 0.001 * runs * scans


def test_crossing_targets_keep_their_identities() -> None:
    """Two targets at 200 m/s crossing at 60 degrees, sigma 30 m, dt 1 s, 200 replications in
    one batch: a plot goes to the other target's track (GNN across the contested gates) on
    at most 1 % of the track updates, and each track ends on its own target in at least 95 %
    of the replications."""
    rng = np.random.default_rng(31)
    reps, scans, sigma, speed = 200, 40, 30.0, 200.0
    tracker = _tracker(reps, 2, MOfN(2, 3, delete_after=2), 400.0)
    half = np.deg2rad(30.0)
    v = speed * np.array([[np.cos(half), np.sin(half), 0.0], [np.cos(half), -np.sin(half), 0.0]])
    t_cross = rng.uniform(15.0, 25.0, reps)
    start = -v[None, :, :] * t_cross[:, None, None]  # both at the origin at t_cross
    rep = np.repeat(np.arange(reps), 2)
    origin = np.tile(np.arange(2), reps)
    for k in range(scans + 1):
        z = (start + v[None] * k).reshape(-1, 3) + rng.normal(size=(2 * reps, 3)) * sigma
        tracker.scan(k, float(k), _plots(rep, origin, z, sigma), Plots.empty())
    end = (start + v[None] * scans).reshape(reps, 2, 3)
    est = (tracker.tracks.state[:, :3] - ORIGIN).reshape(reps, 2, 3)
    same = np.linalg.norm(est - end, axis=2).max(axis=1)
    swapped = np.linalg.norm(est - end[:, ::-1], axis=2).max(axis=1)
    assert np.mean(swapped < same) <= 0.05
    assert tracker.misassociated.sum() <= 0.01 * 2 * reps * scans


def test_false_track_life_cycle() -> None:
    """A false-plot sequence seen on 3 of 4 looks is confirmed by 3-of-4 logic on the fourth
    look and counted once; with no more plots it coasts and is deleted after 3 missed looks,
    then compacted away."""
    tracker = _tracker(1, 0, MOfN(3, 4, delete_after=3), 100.0)
    truth = np.array([[1000.0, 2000.0, 3000.0]])
    vel = np.array([[100.0, 0.0, 0.0]])
    seen = [True, False, True, True, False, False, False]
    confirmed_on, rows = None, []
    for k, s in enumerate(seen):
        z = truth + vel * k if s else np.empty((0, 3))
        n = z.shape[0]
        plots = _plots(np.zeros(n, np.int64), np.full(n, -1), z, 5.0)
        tracker.scan(k, float(k), Plots.empty(), plots)
        if confirmed_on is None and tracker.false_confirmed[0]:
            confirmed_on = k
        rows.append(tracker.false.rep.size)
    assert confirmed_on == 3
    assert tracker.false_tracks.tolist() == [1]
    assert tracker.false_confirmed.tolist() == [1]
    assert rows == [1, 1, 1, 1, 1, 1, 0]


def test_diverged_tracks_are_deleted_counted_and_restarted() -> None:
    """A threat slot whose covariance is not positive definite, or whose state is not finite,
    is deleted and counted, and starts again on its next plot; a false track whose covariance
    turns NaN is deleted on the next scan of its replication."""
    tracker = _tracker(1, 2, MOfN(2, 3, delete_after=2), 100.0)
    z = np.array([[0.0, 0.0, 5e3], [5e4, 0.0, 5e3]])
    threat_plots = _plots(np.zeros(2, np.int64), np.arange(2), z)
    tracker.scan(0, 0.0, threat_plots, _plots(np.zeros(1, np.int64), np.full(1, -1), -z[:1]))
    tracker.tracks.covariance[1, 0, 0] = -1.0
    tracker.delete_diverged(np.arange(2))
    assert tracker.held.tolist() == [[True, False]]
    tracker.tracks.state[0, 2] = np.nan
    tracker.delete_diverged(np.arange(1))
    assert tracker.diverged.tolist() == [2]
    tracker.false.bank.covariance[0, 1, 1] = np.nan
    tracker.scan(1, 1.0, threat_plots, Plots.empty())
    assert tracker.held.tolist() == [[True, True]]
    assert tracker.tracks.updates.tolist() == [1, 1]
    assert tracker.diverged.tolist() == [3]
    assert tracker.false.rep.size == 0


def test_a_replication_alone_equals_the_same_replication_in_a_batch() -> None:
    """Gating and GNN only pair tracks and plots of one replication: replication 1 of a
    batch of 3 tracks exactly as it does alone."""
    rng = np.random.default_rng(4)
    scenes = [_scan_plots(rng, _truth(rng, 3, 4, 150.0), 0.9, 6.0) for _ in range(6)]
    batch = _tracker(3, 4, MOfN(2, 3, delete_after=2), 300.0)
    alone = _tracker(1, 4, MOfN(2, 3, delete_after=2), 300.0)

    def only(p: Plots, r: int) -> Plots:
        m = p.rep == r
        return Plots(p.rep[m] * 0, p.origin[m], p.z[m], p.cov[m], p.sensor[m])

    for k, (threat_plots, clutter) in enumerate(scenes):
        batch.scan(k, float(k), threat_plots, clutter)
        alone.scan(k, float(k), only(threat_plots, 1), only(clutter, 1))
    np.testing.assert_array_equal(batch.tracks.state[4:8], alone.tracks.state)
    np.testing.assert_array_equal(batch.tracks.covariance[4:8], alone.tracks.covariance)
    mine = batch.false.rep == 1
    np.testing.assert_array_equal(batch.false.bank.state[mine], alone.false.bank.state)
    assert batch.false.book.status[mine].tolist() == alone.false.book.status.tolist()
    assert np.any(batch.false.book.status[mine] != TrackStatus.DELETED)


def test_tracker_inputs_are_validated() -> None:
    with pytest.raises(KamaeError):
        SystemTracker(1, 1, Q, 0.0, [MOfN(2, 3, 2)], np.array([1.0]))
    with pytest.raises(KamaeError):
        SystemTracker(1, 1, Q, 100.0, [MOfN(2, 3, 2)], np.array([1.0, 2.0]))
    with pytest.raises(KamaeError):
        SystemTracker(1, 1, Q, 100.0, [MOfN(2, 3, 2)], np.array([0.0]))
    with pytest.raises(KamaeError):
        SystemTracker(1, 1, -1.0, 100.0, [MOfN(2, 3, 2)], np.array([1.0]))
