"""The multi-target tracker the engine runs, batched over replications: threat-indexed system
tracks and tracks started on false plots, all held as arrays.

Plots carry the replication they belong to, the sensor that made them and their origin (the
threat index, or -1 for a false plot). System tracks of true threats stay indexed by threat
(`tracks`, a `BallisticTrackBank` with one slot per replication × threat): that is what a
battle manager engages. One scan (`SystemTracker.scan`), for the plots of one step of every
replication:

1. Plots of one threat in one step (several sensors) are fused in information form
   (`kamae.tracking.fusion`).
2. Every plot is gated (chi-square, 3 dof, `GATE_PROBABILITY`) against every track of its
   replication: the threat slots that hold a track, predicted to the scan, and the live false
   tracks. A threat's own slot always admits its own plot (cost capped at the gate), so
   without contest association is by origin. The exact d2 (a 3×3 solve) is computed only
   for pairs that the trace bound (`association.outside_gate_bound`) cannot rule out, and
   only the pairs within that bound's reach along one axis are formed (a window on the
   plots sorted per replication, `association.same_unit_pairs`).
3. Where a track gates several plots or a plot falls in several gates, global nearest
   neighbour decides (`association.gnn_assign_pairs`: exact per connected component, an
   unassigned track costing the gate); a false plot or another threat's plot may then take a
   slot's update (counted, `misassociated`) and the displaced plot is dropped.
4. Slots and false tracks are updated; an unassociated plot of a threat without a track
   starts its slot; an unassociated false plot starts a tentative false track.
5. A track whose state is not finite or whose covariance is not positive definite is deleted
   on the scan it is found and counted (`diverged`); a threat slot starts again from its next
   plot.
6. False tracks due for a look by their sensor (every `revisit_steps` of that sensor) take one
   M-of-N step (`initiation.MOfN`, the sensor's logic): confirmed on M hits of N looks,
   deleted after consecutive misses; deleted rows are compacted.

Blackman & Popoli, Design and Analysis of Modern Tracking Systems, Artech House 1999, ch. 3
and 6; Bar-Shalom, Li & Kirubarajan 2001, §5.4. Neglected: JPDA/MHT (one hypothesis per
scan), clutter-density track scores (SPRT), deletion of threat slots on missed looks (they
coast until dropped by their user).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray, f64
from kamae.errors import KamaeError
from kamae.tracking.association import (
    GATE_BOUND_MARGIN,
    chi2_gate,
    gate_window,
    gnn_assign_pairs,
    positive_definite_3x3,
    same_unit_pairs,
    trace_3x3,
)
from kamae.tracking.converted import BallisticTrackBank
from kamae.tracking.ekf import PolarMeasurements
from kamae.tracking.filter_bank import FilterBank, Manoeuvre
from kamae.tracking.fusion import fuse_measurements
from kamae.tracking.initiation import MOfN, TrackBook, TrackStatus
from kamae.tracking.kalman import covariance_diverged
from kamae.tracking.kernels import gate_pairs

GATE_PROBABILITY = 0.9999
"""Probability that a track's own plot falls inside its chi-square gate (3 dof)."""


@dataclass(frozen=True)
class Plots:
    """One scan's plots of a batch of replications, row-aligned arrays."""

    rep: IntArray
    """(M,) replication of each plot."""
    origin: IntArray
    """(M,) threat index of the plot's origin, -1 for a false plot."""
    z: FloatArray
    """(M, 3) ECEF position, m."""
    cov: FloatArray
    """(M, 3, 3) its covariance, m²."""
    sensor: IntArray
    """(M,) index of the sensor that made it; -1 after fusion."""
    warhead_declared: BoolArray = field(default_factory=lambda: np.ones(0, dtype=bool))
    """(M,) the look's discrimination declaration: True where the plot's object is declared
    a warhead (every plot, and the default, when no discrimination applies)."""
    polar: PolarMeasurements | None = None
    """The plots in their sensor's measurement space (range, azimuth, elevation, their
    sigmas, the sensor's site and frame), what an EKF updates on; None: every plot is
    Cartesian only (a NaN row: that plot is)."""

    def __post_init__(self) -> None:
        if self.warhead_declared.size == 0 and self.rep.size:
            object.__setattr__(self, "warhead_declared", np.ones(self.rep.shape, dtype=bool))
        elif self.warhead_declared.shape != self.rep.shape:
            raise KamaeError("warhead_declared must have one entry per plot")

    @classmethod
    def empty(cls) -> Plots:
        """No plots."""
        none = np.zeros(0, dtype=np.int64)
        return cls(none, none.copy(), np.zeros((0, 3)), np.zeros((0, 3, 3)), none.copy())

    def take(self, index: IntArray | BoolArray) -> Plots:
        """The selected plots."""
        polar = None if self.polar is None else self.polar.take(index)
        return Plots(
            self.rep[index], self.origin[index], self.z[index], self.cov[index],
            self.sensor[index], self.warhead_declared[index], polar,
        )  # fmt: skip

    @classmethod
    def concatenate(cls, parts: Sequence[Plots]) -> Plots:
        """The plots of all parts, in order."""
        parts = [p for p in parts if p.rep.size]
        if not parts:
            return cls.empty()
        if len(parts) == 1:
            return parts[0]
        polar = None
        if any(p.polar is not None for p in parts):
            polar = PolarMeasurements.concatenate(
                [PolarMeasurements.none(p.rep.size) if p.polar is None else p.polar for p in parts]
            )
        return cls(
            np.concatenate([p.rep for p in parts]),
            np.concatenate([p.origin for p in parts]),
            np.concatenate([p.z for p in parts]),
            np.concatenate([p.cov for p in parts]),
            np.concatenate([p.sensor for p in parts]),
            np.concatenate([p.warhead_declared for p in parts]),
            polar,
        )


@dataclass
class FalseTracks:
    """Tracks started on false plots (all replications), row-aligned arrays."""

    bank: BallisticTrackBank
    rep: IntArray
    sensor: IntArray
    """Sensor whose false plot started the track: it looks at it and runs its M-of-N."""
    book: TrackBook
    next_look: FloatArray
    """Scan of the track's next look by its sensor."""
    hit: BoolArray
    """A plot was associated since the last look."""


class SystemTracker:
    """Threat-indexed system tracks and false tracks of `reps` replications × `threats`.

    ``logic`` and ``revisit_steps`` are per sensor (the M-of-N of the false tracks a sensor
    starts, and how many scans apart it looks at them); ``level`` (threats,) marks threats
    held up by lift, predicted without the gravity input. Counts per replication:
    ``diverged``, ``false_tracks``, ``false_confirmed``, ``misassociated``.
    """

    def __init__(
        self,
        reps: int,
        threats: int,
        process_noise: float,
        initial_velocity_sigma_mps: float,
        logic: Sequence[MOfN],
        revisit_steps: FloatArray,
        level: BoolArray | None = None,
        gate_probability: float = GATE_PROBABILITY,
        kind: IntArray | None = None,
        manoeuvre: Manoeuvre | None = None,
    ) -> None:
        if reps < 0 or threats < 0:
            raise KamaeError(f"reps and threats must be >= 0, got {reps} and {threats}")
        sigma = initial_velocity_sigma_mps
        if not (np.isfinite(sigma) and sigma > 0):
            raise KamaeError(f"initial velocity sigma must be finite and > 0 m/s, got {sigma}")
        steps = np.asarray(revisit_steps, dtype=float)
        if steps.shape != (len(logic),) or not np.all(steps > 0):
            raise KamaeError(
                f"revisit_steps must be > 0, one per sensor's logic ({len(logic)}), got {steps}"
            )
        self.reps, self.threats = reps, threats
        flat = np.zeros(threats, dtype=bool) if level is None else np.asarray(level, bool)
        filters = np.zeros(threats, dtype=np.int8) if kind is None else np.asarray(kind, np.int8)
        self.tracks = FilterBank(
            reps * threats,
            process_noise,
            initial_velocity_sigma_mps,
            level=np.tile(flat, reps),
            kind=np.tile(filters, reps),
            manoeuvre=manoeuvre,
        )
        """Slot r·threats + n: replication r's system track of threat n (its filter:
        ``kind[n]``, `kamae.tracking.filter_bank`)."""
        self._members: tuple[Plots, IntArray] | None = None
        self.false = FalseTracks(
            bank=BallisticTrackBank(0, process_noise, initial_velocity_sigma_mps),
            rep=np.zeros(0, dtype=np.int64),
            sensor=np.zeros(0, dtype=np.int64),
            book=TrackBook.new(0),
            next_look=np.zeros(0),
            hit=np.zeros(0, dtype=bool),
        )
        self.logic = list(logic)
        self.revisit_steps = steps
        self.gate = chi2_gate(3, gate_probability)
        self.diverged = np.zeros(reps, dtype=np.int64)
        self.false_tracks = np.zeros(reps, dtype=np.int64)
        self.false_confirmed = np.zeros(reps, dtype=np.int64)
        self.misassociated = np.zeros(reps, dtype=np.int64)

    @property
    def held(self) -> BoolArray:
        """(reps, threats): the threat slots that hold a track."""
        return self.tracks.initialised.reshape(self.reps, self.threats)

    def scan(self, step: int, t: float, threat_plots: Plots, false_plots: Plots) -> None:
        """One scan at time t (scan index `step`): fuse, gate, assign, update, start, delete,
        then the M-of-N looks of the false tracks due now."""
        true = threat_plots
        self._members = None
        if true.rep.size:
            key = true.rep * self.threats + true.origin
            slots, z, cov = fuse_measurements(key, true.z, true.cov)
            if not self.tracks.simple:
                self._members = (threat_plots, np.searchsorted(slots, key))
            true = Plots(
                slots // self.threats, slots % self.threats, z, cov, np.full(slots.size, -1)
            )
        everything = Plots.concatenate([true, false_plots])
        if everything.rep.size:
            self._associate(step, t, everything)
        self._false_track_looks(step)

    def _associate(self, step: int, t: float, plots: Plots) -> None:
        bank, ft = self.tracks, self.false
        reps_with = np.unique(plots.rep)
        # Tracks of those replications: threat slots with a track, then live false tracks.
        r_idx, n_idx = np.nonzero(self.held[reps_with])
        true_rep = reps_with[r_idx]
        true_slot = true_rep * self.threats + n_idx
        bank.predict(true_slot, t)
        has_plots = np.zeros(self.reps, dtype=bool)
        has_plots[reps_with] = True
        live = np.flatnonzero(ft.book.alive & has_plots[ft.rep])
        if live.size:
            ft.bank.predict(live, t)
        t_rep = np.concatenate([true_rep, ft.rep[live]])
        t_own = np.concatenate([n_idx, np.full(live.size, -1)])
        t2m, m2t = self._assign(plots, t_rep, t_own, true_slot, live)
        n_true = true_slot.size
        # Updates of threat slots (their own plot, or a contested plot that won them).
        took = np.flatnonzero(t2m[:n_true] >= 0)
        m_true = t2m[took]
        wrong = plots.origin[m_true] != n_idx[took]
        np.add.at(self.misassociated, true_rep[took][wrong], 1)
        self._update_slots(true_slot[took], m_true, plots, t)
        # New threat slots: an unassociated plot of a threat that has no track yet.
        free = m2t < 0
        start = free & (plots.origin >= 0)
        own = np.flatnonzero(start)
        start[own] = ~bank.initialised[plots.rep[own] * self.threats + plots.origin[own]]
        idx = np.flatnonzero(start)
        new_slots = plots.rep[idx] * self.threats + plots.origin[idx]
        bank.update(new_slots, plots.z[idx], plots.cov[idx], t)
        self.delete_diverged(np.concatenate([true_slot[took], new_slots]))
        # False tracks: updates, then new ones from unassociated false plots.
        f_took = np.flatnonzero(t2m[n_true:] >= 0)
        if f_took.size:
            rows = live[f_took]
            m_f = t2m[n_true + f_took]
            ft.bank.update(rows, plots.z[m_f], plots.cov[m_f], t, predicted=True)
            ft.hit[rows] = True
        births = np.flatnonzero(free & (plots.origin < 0))
        if births.size:
            self._start_false_tracks(step, t, plots, births)
        self._delete_diverged_false()

    def _update_slots(self, slots: IntArray, m: IntArray, plots: Plots, t: float) -> None:
        """Update threat slots with their assigned plots m: the (fused) converted plot for
        KF slots; for EKF and IMM slots each sensor's plot in its measurement space, one after
        the other (a fused plot's members, `scan`). The slots are already predicted to t."""
        bank = self.tracks
        members = self._members
        if members is None:
            polar = None if bank.simple or plots.polar is None else plots.polar.take(m)
            bank.update(slots, plots.z[m], plots.cov[m], t, polar, predicted=True)
            return
        raw, fused_of = members
        n_fused = int(fused_of.max()) + 1
        kf = (bank.kind[slots] == 0) | (m >= n_fused)  # false plots are their own member
        if np.any(kf):
            mk = m[kf]
            bank.update(
                slots[kf], plots.z[mk], plots.cov[mk], t, plots.take(mk).polar, predicted=True
            )
        if np.all(kf):
            return
        slot_of_fused = np.full(n_fused, -1, dtype=np.int64)
        slot_of_fused[m[~kf]] = slots[~kf]
        rows = np.flatnonzero(slot_of_fused[fused_of] >= 0)
        target = slot_of_fused[fused_of[rows]]
        order = np.argsort(target, kind="stable")
        rows, target = rows[order], target[order]
        first = np.flatnonzero(np.r_[True, target[1:] != target[:-1]])
        rank = np.arange(rows.size) - np.repeat(first, np.diff(np.r_[first, rows.size]))
        for k in range(int(rank.max()) + 1):
            at = rows[rank == k]
            sub = raw.take(at)
            bank.update(target[rank == k], sub.z, sub.cov, t, sub.polar, predicted=True)

    def _assign(
        self, plots: Plots, t_rep: IntArray, t_own: IntArray, true_slot: IntArray, live: IntArray
    ) -> tuple[IntArray, IntArray]:
        """Track-to-plot and plot-to-track assignment (-1: none) of one scan."""
        bank, ft = self.tracks, self.false
        n_tracks, n_plots = t_rep.size, plots.rep.size
        t2m = np.full(n_tracks, -1, dtype=np.int64)
        m2t = np.full(n_plots, -1, dtype=np.int64)
        if not n_tracks:
            return t2m, m2t
        t_pos = np.concatenate([bank.state[true_slot, :3], ft.bank.state[live, :3]])
        t_cov = np.concatenate(
            [bank.covariance[true_slot, :3, :3], ft.bank.covariance[live, :3, :3]]
        )
        pt, pm, cost = self._gated_pairs(plots, t_rep, t_own, t_pos, t_cov)
        contested = (np.bincount(pt, minlength=n_tracks).max(initial=0) > 1) or (
            np.bincount(pm, minlength=n_plots).max(initial=0) > 1
        )
        if not contested:
            t2m[pt] = pm
            m2t[pm] = pt
        else:
            assignment = gnn_assign_pairs(pt, pm, cost, n_tracks, n_plots, self.gate)
            t2m[:] = assignment.track_to_measurement
            m2t[:] = assignment.measurement_to_track
        return t2m, m2t

    def _gated_pairs(
        self,
        plots: Plots,
        t_rep: IntArray,
        t_own: IntArray,
        t_pos: FloatArray,
        t_cov: FloatArray,
    ) -> tuple[IntArray, IntArray, FloatArray]:
        """The admissible (track, plot) pairs of the same replication and their GNN costs.

        A pair is admissible when the plot is the track's own threat's, or when its d2 is
        within the gate; an own pair costs min(d2, gate). The exact d2 (a 3×3 solve) is
        computed only for the pairs that the trace bound (`outside_gate_bound`) cannot rule
        out; a ruled-out pair has d2 > gate, so leaving its d2 at inf changes no admissibility
        and no cost. Pairs with a track or plot covariance not certified positive definite are
        never ruled out. Only the pairs inside the window of `_gate_window` (a superset of
        the own pairs and of those the bound keeps) are formed at all, so the result is that
        of pairing every track with every plot, but for the order of the pairs (each pair's
        d2 depends on that pair alone, and `_assign` does not depend on their order).
        """
        # Pre-filter: trace(S) = trace(P_track) + trace(R_plot), both positive definite.
        t_trace = np.where(positive_definite_3x3(t_cov), trace_3x3(t_cov), np.nan)
        m_trace = np.where(positive_definite_3x3(plots.cov), trace_3x3(plots.cov), np.nan)
        pt, pm = same_unit_pairs(
            t_rep,
            plots.rep,
            self.reps,
            self._gate_window(plots, t_rep, t_own, t_pos, t_trace, m_trace),
        )
        own = (t_own[pt] == plots.origin[pm]) & (plots.origin[pm] >= 0)
        # `gated_costs` pair by pair, compiled (`kernels.gate_pairs`).
        admissible, cost = gate_pairs(
            pt, pm, f64(t_pos), f64(t_cov), f64(t_trace), f64(plots.z), f64(plots.cov),
            f64(m_trace), own, self.gate, GATE_BOUND_MARGIN * self.gate,
        )  # fmt: skip
        return pt[admissible], pm[admissible], cost[admissible]

    def _gate_window(
        self,
        plots: Plots,
        t_rep: IntArray,
        t_own: IntArray,
        t_pos: FloatArray,
        t_trace: FloatArray,
        m_trace: FloatArray,
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """The `same_unit_pairs` window of `_gated_pairs`: the trace bound's
        (`gate_window`), each track's widened to reach its own threat's plot (an own pair is
        admissible whatever its d2)."""
        t_x, half, m_x = gate_window(
            t_rep, t_pos, t_trace, plots.rep, plots.z, m_trace, self.reps, self.gate
        )
        track_of = np.full(self.reps * self.threats, -1, dtype=np.int64)
        mine = np.flatnonzero(t_own >= 0)
        track_of[t_rep[mine] * self.threats + t_own[mine]] = mine
        of = np.flatnonzero(plots.origin >= 0)
        owner = track_of[plots.rep[of] * self.threats + plots.origin[of]]
        has = owner >= 0
        of, owner = of[has], owner[has]
        np.fmax.at(half, owner, np.abs(m_x[of] - t_x[owner]))
        return t_x, half, m_x

    def _start_false_tracks(self, step: int, t: float, plots: Plots, births: IntArray) -> None:
        ft = self.false
        rows = ft.bank.extend(births.size)
        ft.bank.update(rows, plots.z[births], plots.cov[births], t)
        sensor = plots.sensor[births]
        ft.rep = np.concatenate([ft.rep, plots.rep[births]])
        ft.sensor = np.concatenate([ft.sensor, sensor])
        ft.book = ft.book.concatenate(TrackBook.new(births.size))
        ft.next_look = np.concatenate([ft.next_look, step + self.revisit_steps[sensor]])
        ft.hit = np.concatenate([ft.hit, np.zeros(births.size, dtype=bool)])
        np.add.at(self.false_tracks, plots.rep[births], 1)
        # An M = 1 logic confirms on the initiating plot.
        m_one = self._confirms_at_once[sensor]
        np.add.at(self.false_confirmed, plots.rep[births][m_one], 1)
        ft.book.status[rows[m_one]] = TrackStatus.CONFIRMED

    def delete_diverged(self, slots: IntArray) -> None:
        """Delete, and count, the listed threat slots whose estimate diverged (state not
        finite, or covariance not positive definite)."""
        if slots.size == 0:
            return
        bank = self.tracks
        bad = covariance_diverged(bank.state[slots], bank.covariance[slots])
        if np.any(bad):
            gone = slots[bad]
            np.add.at(self.diverged, gone // self.threats, 1)
            bank.drop(gone)

    def _delete_diverged_false(self) -> None:
        ft = self.false
        live = np.flatnonzero(ft.book.alive)
        if live.size == 0:
            return
        bad = live[covariance_diverged(ft.bank.state[live], ft.bank.covariance[live])]
        if bad.size:
            np.add.at(self.diverged, ft.rep[bad], 1)
            ft.book.status[bad] = TrackStatus.DELETED

    @functools.cached_property
    def _logics(self) -> list[MOfN]:
        """The distinct M-of-N logics of the sensors (in order of first use)."""
        return list(dict.fromkeys(self.logic))

    @functools.cached_property
    def _confirms_at_once(self) -> BoolArray:
        """Per sensor: its logic confirms on the initiating plot (M = 1)."""
        return np.array([x.m == 1 for x in self.logic], dtype=bool)

    @functools.cached_property
    def _logic_group(self) -> IntArray:
        """Per sensor: index of its logic in `_logics`."""
        logics = self._logics
        return np.array([logics.index(x) for x in self.logic], dtype=np.int64)

    def _false_track_looks(self, step: int) -> None:
        """M-of-N on the false tracks whose sensor looks at them now; compact the deleted."""
        ft = self.false
        if ft.rep.size == 0:
            return
        due = ft.book.alive & (step >= ft.next_look - 1e-9)
        if np.any(due):
            # One M-of-N step per distinct logic (sensors sharing one are stepped together:
            # the logic is row by row, so the grouping changes nothing).
            group = self._logic_group[ft.sensor]
            for g in np.unique(group[due]):
                rows = np.flatnonzero(due & (group == g))
                sub = ft.book.take(rows)
                was = sub.confirmed
                out = self._logics[g].step(sub, ft.hit[rows])
                newly = out.book.confirmed & ~was
                np.add.at(self.false_confirmed, ft.rep[rows[newly]], 1)
                ft.book.status[rows] = out.book.status
                ft.book.hits[rows] = out.book.hits
                ft.book.age[rows] = out.book.age
                ft.book.misses[rows] = out.book.misses
                ft.hit[rows] = False
                ft.next_look[rows] = step + self.revisit_steps[ft.sensor[rows]]
        keep = ft.book.alive
        if not np.all(keep):
            ft.bank.keep(keep)
            ft.rep, ft.sensor = ft.rep[keep], ft.sensor[keep]
            ft.book = ft.book.take(keep)
            ft.next_look, ft.hit = ft.next_look[keep], ft.hit[keep]
