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

from kamae.arrays import BoolArray
from kamae.engine.looks import Looks
from kamae.results.metrics import TrackingCounts
from kamae.tracking.metrics import SiapCounts, assign_tracks_to_truths, gospa, siap, siap_scan
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
        self.siap_counts: list[list[SiapCounts]] = [[] for _ in range(reps)]
        self.gospa_sum = np.zeros(reps)
        self.gospa_samples = np.zeros(reps, dtype=np.int64)

    def sample(self, k: int, t: float, alive: BoolArray, tracker: SystemTracker) -> None:
        """At a sampling step, the tracker's picture against the live threats in flight."""
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
        slot_rep = slots // threats
        for r in range(self.reps):
            truth = np.flatnonzero(alive[r] & flying)
            est = np.concatenate([x[slot_rep == r], fx[ft.rep[f_conf] == r]])
            if truth.size == 0 and est.shape[0] == 0:
                continue
            truth_pos = traj.position[truth, k]
            truth_vel = traj.velocity[truth, k]
            assigned = assign_tracks_to_truths(est[:, :3], truth_pos, SIAP_ASSOCIATION_M)
            self.siap_counts[r].append(
                siap_scan(est[:, :3], truth_pos, assigned, est[:, 3:], truth_vel)
            )
            g = gospa(est[:, :3], truth_pos, GOSPA_CUTOFF_M, GOSPA_ORDER)
            self.gospa_sum[r] += g.distance
            self.gospa_samples[r] += 1

    def counts(self, r: int, looks: Looks, tracker: SystemTracker) -> TrackingCounts:
        """Replication r's sensing and tracking counts with its picture measures."""
        measures = siap(self.siap_counts[r])
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
