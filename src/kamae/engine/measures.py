"""Measures of the track picture against the truth, for a batch of replications.

Sampled every `METRICS_EVERY_STEPS` steps, tracks predicted to the sample time. Truths: the
live threats in flight. Tracks: firm threat slots (`track_confirm_updates` updates; coasting
ones on destroyed threats included) and confirmed false tracks. SIAP completeness,
ambiguity, spuriousness and positional accuracy (a track counts on its nearest truth within
`SIAP_ASSOCIATION_M`, Votruba 2001) and the mean GOSPA distance (c = `GOSPA_CUTOFF_M`,
p = 2, α = 2; Rahmathullah, García-Fernández & Svensson 2017).
"""

from __future__ import annotations

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.engine.looks import Looks
from kamae.results.metrics import TrackingCounts
from kamae.tracking.association import gnn_assign_pairs
from kamae.tracking.kernels import segment_sums
from kamae.tracking.metrics import Siap, SiapCounts, distances, siap
from kamae.tracking.tracker import SystemTracker
from kamae.world import World

METRICS_EVERY_STEPS = 10
"""SIAP and GOSPA are sampled every this many steps."""

SIAP_ASSOCIATION_M = 10_000.0
"""SIAP: a track counts on a truth when within this distance of it (nearest truth)."""

GOSPA_CUTOFF_M = 10_000.0
"""GOSPA cut-off c (α = 2, p = 2)."""

GOSPA_ORDER = 2.0


class PictureMeasures:
    """SIAP tallies and GOSPA sums per replication."""

    def __init__(self, world: World, reps: int) -> None:
        self.world = world
        self.reps = reps
        self.confirm_updates = world.doctrine.track_confirm_updates
        self.siap_sums = np.zeros((reps, 4), dtype=np.int64)
        """Per replication, summed over its scans: truths J, truths tracked J_T, tracks N,
        tracks assigned N_A (`SiapCounts`)."""
        self.siap_errors = np.zeros((reps, 2))
        """Per replication, summed over its scans: position and velocity errors."""
        self.gospa_sum = np.zeros(reps)
        self.gospa_samples = np.zeros(reps, dtype=np.int64)

    def sample(self, k: int, t: float, alive: BoolArray, tracker: SystemTracker) -> None:
        """At a sampling step, the tracker's picture against the live threats in flight.

        Every replication at once: each estimate against the truths of its own replication,
        the same floats as `siap_scan` and `gospa` on that replication alone (its estimates
        in the same order, its sums by `segment_sums`, GOSPA's optimal assignment by the
        GNN, `_gospa`)."""
        if k % METRICS_EVERY_STEPS:
            return
        traj = self.world.trajectory
        flying = traj.in_flight[:, k]
        bank, ft, threats = tracker.tracks, tracker.false, tracker.threats
        firm = (bank.updates >= self.confirm_updates).reshape(self.reps, threats)
        f_conf = np.flatnonzero(ft.book.confirmed)
        if not (np.any(alive[:, flying]) or firm.any() or f_conf.size):
            return
        slots = np.flatnonzero(firm.ravel())
        x, _ = bank.predicted(slots, t)
        fx, _ = ft.bank.predicted(f_conf, t)
        # Each replication's estimates as its own scan lists them: slots, then false tracks.
        est_rep = np.concatenate([slots // threats, ft.rep[f_conf]])
        order = np.argsort(est_rep, kind="stable")
        est, est_rep = np.concatenate([x, fx])[order], est_rep[order]
        truth = alive & flying[None, :]
        n_est = np.bincount(est_rep, minlength=self.reps)
        n_tru = truth.sum(axis=1)
        scanned = (n_est > 0) | (n_tru > 0)
        dist = np.where(truth[est_rep], distances(est[:, :3], traj.position[:, k]), np.inf)
        self._siap(k, est, est_rep, dist, n_est, n_tru)
        g = self._gospa(dist, est_rep, n_est, n_tru)
        self.gospa_sum[scanned] += g[scanned]
        self.gospa_samples[scanned] += 1

    def _siap(
        self,
        k: int,
        est: FloatArray,
        est_rep: IntArray,
        dist: FloatArray,
        n_est: IntArray,
        n_tru: IntArray,
    ) -> None:
        """One scan's SIAP tallies (`assign_tracks_to_truths`, `siap_scan`) of every
        replication: each estimate on its nearest truth within `SIAP_ASSOCIATION_M`."""
        traj = self.world.trajectory
        best = np.argmin(dist, axis=1)
        on = np.flatnonzero(dist[np.arange(est.shape[0]), best] <= SIAP_ASSOCIATION_M)
        rep_on, truth_on = est_rep[on], best[on]
        n_on = np.bincount(rep_on, minlength=self.reps)
        objects = dist.shape[1]
        tracked = np.unique(rep_on * objects + truth_on) // objects
        pos = np.linalg.norm(est[on, :3] - traj.position[truth_on, k], axis=1)
        vel = np.linalg.norm(est[on, 3:] - traj.velocity[truth_on, k], axis=1)
        self.siap_sums += np.stack(
            [n_tru, np.bincount(tracked, minlength=self.reps), n_est, n_on], axis=1
        )
        self.siap_errors[:, 0] += segment_sums(pos, n_on)
        self.siap_errors[:, 1] += segment_sums(vel, n_on)

    def _gospa(
        self, dist: FloatArray, est_rep: IntArray, n_est: IntArray, n_tru: IntArray
    ) -> FloatArray:
        """One scan's GOSPA distance of every replication (`gospa`, c = `GOSPA_CUTOFF_M`,
        α = 2): its optimal assignment is the GNN of the pairs closer than c with a track
        left unassigned at c^p (`gnn_assign_pairs`, truths as tracks: the same objective,
        Σ d^p - c^p·pairs), every replication's at once (their pairs never meet), and its
        pairs' d^p summed in truth order, as `gospa` sums them."""
        c, p = GOSPA_CUTOFF_M, GOSPA_ORDER
        objects = dist.shape[1]
        e, j = np.nonzero(dist < c)
        cost = dist[e, j] ** p
        pair = gnn_assign_pairs(
            est_rep[e] * objects + j, e, cost, self.reps * objects, est_rep.size, c**p
        )
        truth = np.flatnonzero(pair.track_to_measurement >= 0)  # rep-major, truth order
        assigned = pair.track_to_measurement[truth]
        n_pairs = np.bincount(truth // objects, minlength=self.reps)
        local = segment_sums(dist[assigned, truth % objects] ** p, n_pairs)
        half = c**p / 2.0
        total = local + half * (n_tru - n_pairs) + half * (n_est - n_pairs)
        return np.array([v ** (1.0 / p) for v in total.tolist()])

    def siap(self, r: int) -> Siap:
        """Replication r's SIAP measures over its scans (`siap` of their summed tallies)."""
        j, jt, n, na = self.siap_sums[r].tolist()
        pos, vel = self.siap_errors[r].tolist()
        return siap([SiapCounts(j, jt, n, na, pos, vel)])

    def counts(self, r: int, looks: Looks, tracker: SystemTracker) -> TrackingCounts:
        """Replication r's sensing and tracking counts with its picture measures."""
        measures = self.siap(r)
        samples = int(self.gospa_samples[r])
        return TrackingCounts(
            tracks_diverged=float(tracker.diverged[r]),
            false_plots=float(looks.false_plots[r]),
            false_tracks=float(tracker.false_tracks[r]),
            false_tracks_confirmed=float(tracker.false_confirmed[r]),
            plots_misassociated=float(tracker.misassociated[r]),
            early_warning_reports=float(looks.early_warning_reports(r)),
            siap_completeness=measures.completeness,
            siap_ambiguity=measures.ambiguity,
            siap_spuriousness=measures.spuriousness,
            siap_position_error_m=measures.positional_accuracy,
            gospa_m=float(self.gospa_sum[r] / samples) if samples else 0.0,
        )
