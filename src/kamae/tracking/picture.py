"""Track pictures that associate what reaches them, without true identities: the fire units'
(or C2 nodes') pictures over a network, batched over pictures × replications.

A picture receives reports: plots (a sensor's measurement of a position, with its
measurement-space form) and shared tracks (a sensor's track estimate, position and velocity).
Each call to `PictureTracks.take` folds a batch of reports into the pictures, measurement
time by measurement time (ascending). At one time:

1. **Gating.** Every report is gated (chi-square, 3 degrees of freedom on position,
   `GATE_PROBABILITY`) against every track of its picture and replication, the track
   predicted to the report's time (forward with the motion model's noise; back, for a
   report older than the track, without it), with the trace pre-filter of the system tracker
   (`association.gated_costs`). Association never looks at a report's origin.
2. **Assignment.** Global nearest neighbour (`association.gnn_assign_pairs`), one problem per
   sensor scan: a sensor's reports of one time are one scan, in which a track takes at most
   one report; reports of other sensors may update the same track (parallel sensors). Firm
   tracks (`confirm_updates`) are served first, tentative ones from what is left, so that a
   new track's wide gate never takes an established track's report.
3. **Update.** A plot updates its track (KF, EKF or IMM: `filter_bank.FilterBank`); a plot
   older than the track's newest data by at most `late_window_s` is folded in by
   retrodiction (out-of-sequence measurement), an older one is dropped and counted. A shared
   track is fused by covariance intersection. Several reports of one track go in time order.
4. **New tracks.** Unassigned reports of one time gate against each other (reports of one
   object by several sensors) and each cluster starts one track. Storage: the track goes
   to the slot of its first report's origin when that slot is free and the track is believed,
   else it is held aside (`extra`: duplicates of a held track, tracks on false reports, and,
   under the corroboration rule, tracks that no organic report and only one source node
   supports). Slot tracks are what a battle manager engages; held-aside tracks are counted
   (SIAP ambiguity and spuriousness) and never engaged.

After the reports: a held-aside track moves into its storage slot when the slot is free and
the track is believed (corroborated by a second source, or by an organic report); a firm one
supersedes the slot's track when that has had no report for `SUPERSEDE_S` longer than it
(the picture's reports moved to it: a real tracker would have dropped the old one after so
many missed updates), and a firm one of the unit's own radars supersedes a slot track that no
own plot supports (own data outrank remote data they contradict); a firm held-aside track
that gates with its slot's track (6-dof, Bar-Shalom 1981) is merged into it by covariance
intersection (a duplicate from another nation merged); one without a report for
`EXTRA_COAST_S` is deleted, and so is a slot track without one for `SLOT_COAST_S` (a track the
reports have left; until issue 15 a slot coasted until its user dropped it).

`follows[slot]` is the true object whose reports last updated the slot (-1: none), kept for
resolution (which object an interceptor meets) and metrics, never for a decision; a report of
no object (a false or injected track) never changes it.

Blackman & Popoli, Design and Analysis of Modern Tracking Systems, 1999, ch. 6 and 15
(multisensor, track-to-track association); Bar-Shalom, Willett & Tian, Tracking and Data
Fusion, 2011 (out-of-sequence measurements, track-to-track fusion). Neglected: JPDA/MHT (one
hypothesis per scan), track-to-track association between two held-aside tracks, and the
fusion of several shared tracks of one object at once (they are fused one at a time).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray, f64
from kamae.errors import KamaeError
from kamae.tracking.association import (
    GATE_BOUND_MARGIN,
    chi2_gate,
    gated_costs,
    gnn_assign_pairs,
    mahalanobis_pairs,
    positive_definite_3x3,
    same_unit_pairs,
    trace_3x3,
)
from kamae.tracking.filter_bank import IMM, FilterBank, Manoeuvre
from kamae.tracking.initiation import popcount
from kamae.tracking.kernels import gate_predicted_pairs
from kamae.tracking.motion import coast_or_level_mean
from kamae.tracking.reports import Reports

GATE_PROBABILITY = 0.9999
"""Probability that a track's own report falls inside its chi-square gate (3 dof)."""

EXTRA_COAST_S = 30.0
"""A held-aside track without a report for this long is deleted, s."""

SLOT_COAST_S = 60.0
"""A slot track without a report for this long is deleted, s (the track a picture's reports
have left: misassociated, or lost and restarted elsewhere)."""

SUPERSEDE_S = 5.0
"""A firm held-aside track takes over its slot when the slot's track has had no report for
this much longer than it, s (a few revisits: the reports have moved to the new track)."""

START_ANY, START_CORROBORATED = "any", "corroborated"
"""Rules for believing a track started on remote reports (`PictureTracks.start_rule`)."""


@dataclass
class HeldAside:
    """Tracks a picture holds but does not engage (duplicates, false, uncorroborated)."""

    bank: FilterBank
    picture: IntArray
    rep: IntArray
    store: IntArray
    """Storage slot's object (the origin of its first report; -1: none)."""
    follows: IntArray
    sources: IntArray
    """Bit mask of the source nodes whose reports it holds."""
    organic: BoolArray
    born: FloatArray
    """Time of its first report."""
    last: FloatArray
    """Time of its newest report."""


class PictureTracks:
    """`pictures` track pictures of `reps` replications × `objects` slots, with the reports
    they hold aside; slot (g, r, n) is index (g·reps + r)·objects + n of `bank`."""

    def __init__(
        self,
        pictures: int,
        reps: int,
        objects: int,
        process_noise: float,
        initial_velocity_sigma_mps: float,
        level: BoolArray,
        kind: IntArray,
        manoeuvre: Manoeuvre,
        start_rule: str = START_ANY,
        late_window_s: float = 10.0,
        confirm_updates: int = 3,
    ) -> None:
        """``level`` (objects,) and ``kind`` (pictures, objects): each slot's motion model and
        filter."""
        if start_rule not in (START_ANY, START_CORROBORATED):
            raise KamaeError(f"start rule must be {START_ANY} or {START_CORROBORATED}")
        self.pictures, self.reps, self.objects = pictures, reps, objects
        self.units = pictures * reps
        size = self.units * objects
        self.level = np.asarray(level, dtype=bool)
        self.kind = np.asarray(kind, dtype=np.int8).reshape(pictures, objects)
        slot_kind = np.repeat(self.kind, reps, axis=0).ravel().astype(np.int64)
        self.bank = FilterBank(
            size, process_noise, initial_velocity_sigma_mps, level=np.tile(self.level, self.units),
            joseph=False, kind=slot_kind, manoeuvre=manoeuvre,
        )  # fmt: skip
        """Slot tracks (what a battle manager engages), standard-form KF updates."""
        self.follows = np.full(size, -1, dtype=np.int64)
        self.sources = np.zeros(size, dtype=np.int64)
        self.own = np.zeros(size, dtype=bool)
        """Per slot: its track holds a report of the picture's own (organic) sensors."""
        self.last = np.full(size, -np.inf)
        """Per slot: measurement time of its newest report (the state's own time moves
        with every prediction)."""
        none = np.zeros(0, dtype=np.int64)
        self.extra = HeldAside(
            FilterBank(0, process_noise, initial_velocity_sigma_mps, joseph=False,
                       kind=none, manoeuvre=manoeuvre),
            none, none.copy(), none.copy(), none.copy(), none.copy(), np.zeros(0, dtype=bool),
            np.zeros(0), np.zeros(0),
        )  # fmt: skip
        self.start_rule = start_rule
        self.late_window_s = float(late_window_s)
        self.confirm_updates = int(confirm_updates)
        self.gate = chi2_gate(3, GATE_PROBABILITY)
        self.track_gate = chi2_gate(6, GATE_PROBABILITY)
        self.q_manoeuvre = manoeuvre.process_noise
        zeros = {name: np.zeros(reps, dtype=np.int64) for name in COUNTS}
        self.counts = zeros
        """Per replication: `COUNTS`."""

    # -- the slots' protocol ------------------------------------------------------------------

    def drop(self, slot: IntArray) -> None:
        """Delete slot tracks (the object destroyed and recognised, or impacted)."""
        self.bank.drop(slot)
        self.follows[slot] = -1
        self.sources[slot] = 0
        self.own[slot] = False
        self.last[slot] = -np.inf

    # -- reports ----------------------------------------------------------------------------------

    def take(self, reports: Reports, t: float) -> None:
        """Fold reports into the pictures (module docstring), then promote, merge and expire
        held-aside tracks at time t."""
        if reports.rep.size:
            # By measurement time (stable: each time's reports keep their order), each time's
            # reports a window of the sorted ones.
            ordered = reports.take(np.argsort(reports.time, kind="stable"))
            taus = np.unique(ordered.time)
            taus = taus[~np.isnan(taus)]
            start = np.searchsorted(ordered.time, taus, side="left").tolist()
            stop = np.searchsorted(ordered.time, taus, side="right").tolist()
            for tau, a, b in zip(taus.tolist(), start, stop, strict=True):
                self._at(ordered.window(a, b), float(tau))
        if self.extra.rep.size:
            self._promote()
            self._merge(t)
            self._expire(t)
        quiet = np.flatnonzero(self.bank.initialised & (self.last < t - SLOT_COAST_S))
        if quiet.size:
            np.add.at(self.counts["coasted"], (quiet // self.objects) % self.reps, 1)
            self.drop(quiet)

    def _candidates(self, units: IntArray) -> tuple[IntArray, IntArray, BoolArray]:
        """Tracks of the given units: (unit, index, is_extra), slot tracks first."""
        held = self.bank.initialised.reshape(self.units, self.objects)[units]
        u, n = np.nonzero(held)
        slot_unit = units[u]
        slot = slot_unit * self.objects + n
        ex = self.extra
        ex_unit = ex.picture * self.reps + ex.rep
        rows = np.flatnonzero(np.isin(ex_unit, units))
        unit = np.concatenate([slot_unit, ex_unit[rows]])
        index = np.concatenate([slot, rows])
        return unit, index, np.r_[np.zeros(slot.size, bool), np.ones(rows.size, bool)]

    def _estimates(
        self, index: IntArray, extra: BoolArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray, FloatArray]:
        """State, covariance, time, level and gating noise of candidate tracks."""
        banks = (self.bank, self.extra.bank) if np.any(extra) else (self.bank,)
        rows = (index[~extra], index[extra])

        def gather(name: str) -> np.ndarray:
            parts = [getattr(b, name)[i] for b, i in zip(banks, rows, strict=False)]
            return parts[0] if len(parts) == 1 else np.concatenate(parts)

        x, p, t, level = gather("state"), gather("covariance"), gather("time"), gather("level")
        kind, mu = gather("kind"), gather("mode_probability")
        q = np.where(kind == IMM, mu[:, 0] * self.bank.q + mu[:, 1] * self.q_manoeuvre, self.bank.q)
        return x, p, t, level, q

    def _at(self, r: Reports, tau: float) -> None:
        """The reports of one time: gate, assign per scan (firm tracks first), update, start
        new tracks."""
        units_of = r.picture * self.reps + r.rep
        units = np.unique(units_of)
        t_unit, t_index, t_extra = self._candidates(units)
        updates = np.empty(t_index.size, dtype=np.int64)
        updates[~t_extra] = self.bank.updates[t_index[~t_extra]]
        updates[t_extra] = self.extra.bank.updates[t_index[t_extra]]
        firm = updates >= self.confirm_updates
        assigned = np.full(r.rep.size, -1, dtype=np.int64)
        # Every report gated once against every candidate track of its unit; then reports go
        # first to firm tracks, then what is left to tentative ones (assignment priority of
        # confirmed tracks, Blackman & Popoli 1999, section 6.6): a new track's wide gate (its
        # velocity prior) never takes an established track's report.
        pairs = self._pairs(r, units_of, tau, t_unit, t_index, t_extra)
        if pairs is not None:
            pt, pm, cost = pairs
            scan = np.unique(units_of * (int(r.sensor.max()) + 1) + r.sensor, return_inverse=True)
            for stage in (firm, ~firm):
                now = stage[pt] & (assigned[pm] < 0)
                if np.any(now):
                    self._assign(pt[now], pm[now], cost[now], scan[1], assigned)
        hit = np.flatnonzero(assigned >= 0)
        if hit.size:
            self._update(r.take(hit), t_index[assigned[hit]], t_extra[assigned[hit]], tau)
        free = np.flatnonzero(assigned < 0)
        if free.size:
            self._start(r.take(free), units_of[free], tau)

    def _assign(
        self, pt: IntArray, pm: IntArray, cost: FloatArray, scan: IntArray, assigned: IntArray
    ) -> None:
        """Assign the still unassigned reports among admissible (track, report) pairs (pt, pm,
        cost) to candidate tracks (``assigned``, -1: none), GNN per sensor scan (``scan``:
        each report's scan, ordered by unit then sensor): a track takes at most one report
        of a scan. The GNN numbers the unassigned reports in order and each (track, scan)
        node in order of track, then scan."""
        n_scans = int(scan.max()) + 1
        nodes, node_index = np.unique(pt * n_scans + scan[pm], return_inverse=True)
        contested = np.bincount(node_index).max() > 1 or np.bincount(pm).max() > 1
        if not contested:
            assigned[pm] = pt
            return
        left = np.flatnonzero(assigned < 0)
        local = np.empty(assigned.size, dtype=np.int64)
        local[left] = np.arange(left.size)
        a = gnn_assign_pairs(node_index, local[pm], cost, nodes.size, left.size, self.gate)
        has = a.measurement_to_track >= 0
        assigned[left[has]] = nodes[a.measurement_to_track[has]] // n_scans

    def _pairs(
        self,
        r: Reports,
        units_of: IntArray,
        tau: float,
        t_unit: IntArray,
        t_index: IntArray,
        t_extra: BoolArray,
    ) -> tuple[IntArray, IntArray, FloatArray] | None:
        """Admissible (track, report) pairs of one time and their costs."""
        if t_unit.size == 0:
            return None
        pt, pm = same_unit_pairs(t_unit, units_of, self.units)
        if pt.size == 0:
            return None
        x, p, t0, level, q = self._estimates(t_index, t_extra)
        # Each track predicted to tau once (mean, the process noise's position variance and
        # the trace of its position covariance), then paired with the reports of its unit.
        d = tau - t0
        xm = coast_or_level_mean(x, d, level)
        a, b, c = p[:, :3, :3], p[:, :3, 3:], p[:, 3:, 3:]
        tr_a = trace_3x3(a)
        tr_b = trace_3x3(b)
        tr_c = trace_3x3(c)
        noise = np.where(d > 0, q * d**3 / 3.0, 0.0)
        t_ok = positive_definite_3x3(a) & positive_definite_3x3(c)
        m_ok = positive_definite_3x3(r.cov)
        t_trace = np.where(t_ok, tr_a + 2 * d * tr_b + d * d * tr_c + 3 * noise, np.nan)
        m_trace = np.where(m_ok, trace_3x3(r.cov), np.nan)
        # `gated_costs` of S = A + d (B + B^T) + d² C + noise I + R, pair by pair, compiled.
        admissible, cost = gate_predicted_pairs(
            pt, pm, f64(xm[:, :3]), f64(p), f64(d), f64(noise), t_trace, f64(r.z),
            f64(r.cov), m_trace, self.gate, GATE_BOUND_MARGIN * self.gate,
        )  # fmt: skip
        return pt[admissible], pm[admissible], cost[admissible]

    def _update(self, r: Reports, index: IntArray, extra: BoolArray, tau: float) -> None:
        """Fold assigned reports into their tracks, one report per track per round."""
        key = np.where(extra, -1 - index, index)
        order = np.lexsort((r.sensor, key))
        key_sorted = key[order]
        first = np.flatnonzero(np.r_[True, key_sorted[1:] != key_sorted[:-1]])
        rank = np.empty(order.size, dtype=np.int64)
        rank[order] = np.arange(order.size) - np.repeat(first, np.diff(np.r_[first, order.size]))
        for k in range(int(rank.max()) + 1):
            at = np.flatnonzero(rank == k)
            for held_aside in (False, True):
                sel = at[extra[at] == held_aside]
                if sel.size:
                    self._fold(r.take(sel), index[sel], held_aside, tau)

    def _fold(self, r: Reports, index: IntArray, held_aside: bool, tau: float) -> None:
        """One round of updates of distinct tracks of one kind (slot or held aside)."""
        bank = self.extra.bank if held_aside else self.bank
        is_track = r.track
        late = bank.time[index] > tau + 1e-9
        stale = late & ~is_track & (bank.time[index] - tau > self.late_window_s)
        np.add.at(self.counts["plots_stale"], r.rep[stale], 1)
        np.add.at(self.counts["plots_late"], r.rep[late & ~stale & ~is_track], 1)
        plots = np.flatnonzero(~is_track & ~late)
        if plots.size:
            sub = r.take(plots)
            bank.update(index[plots], sub.z, sub.cov, tau, sub.polar)
        olds = np.flatnonzero(~is_track & late & ~stale)
        if olds.size:
            sub = r.take(olds)
            bank.update_late(index[olds], sub.z, sub.cov, np.full(olds.size, tau), sub.polar)
        tracks = np.flatnonzero(is_track)
        if tracks.size:
            bank.fuse(index[tracks], r.state[tracks], r.state_cov[tracks], r.time[tracks])
        used = ~stale
        self._note(r, index, held_aside, used)
        bad = ~np.all(np.isfinite(bank.state[index]), axis=1)
        if np.any(bad):  # a diverged track is deleted, never kept
            np.add.at(self.counts["diverged"], r.rep[bad], 1)
            if held_aside:
                self.extra.born[index[bad]] = -np.inf  # expired at the next sweep
            else:
                self.drop(index[bad])

    def _note(self, r: Reports, index: IntArray, held_aside: bool, used: BoolArray) -> None:
        """Bookkeeping of used reports: sources, follows, deception counts."""
        bits = np.left_shift(np.int64(1), r.source.astype(np.int64))
        real = used & (r.origin >= 0)
        deceptive = used & r.deceptive
        when = np.where(used, r.time, -np.inf)
        if held_aside:
            ex = self.extra
            np.maximum.at(ex.last, index, when)
            np.bitwise_or.at(ex.sources, index[used], bits[used])
            ex.organic[index[used & r.organic]] = True
            ex.follows[index[real]] = r.origin[real]
            np.add.at(self.counts["deceptive_rejected"], r.rep[deceptive], 1)
        else:
            np.maximum.at(self.last, index, when)
            self.own[index[used & r.organic]] = True
            np.bitwise_or.at(self.sources, index[used], bits[used])
            self.follows[index[real]] = r.origin[real]
            np.add.at(self.counts["deceptive_believed"], r.rep[deceptive], 1)

    def _start(self, r: Reports, units_of: IntArray, tau: float) -> None:
        """New tracks from the unassigned reports of one time: one per cluster of reports that
        gate with each other (per picture and replication)."""
        lead, member_of = self._clusters(r, units_of)
        believed = np.zeros(r.rep.size, dtype=bool)
        if self.start_rule == START_ANY:
            believed[:] = True
        else:
            nodes = np.zeros(r.rep.size, dtype=np.int64)
            np.bitwise_or.at(nodes, member_of, np.left_shift(np.int64(1), r.source))
            organic = np.zeros(r.rep.size, dtype=bool)
            np.logical_or.at(organic, member_of, r.organic)
            believed = organic | (_bit_count(nodes) >= 2)
        slot = units_of * self.objects + np.maximum(r.origin, 0)
        to_slot = (r.origin >= 0) & believed & ~self.bank.initialised[slot] & lead
        # Two leads for one free slot (two clusters of one object): the first takes it.
        s_rows = np.flatnonzero(to_slot)
        _, first = np.unique(slot[s_rows], return_index=True)
        keep = np.zeros(r.rep.size, dtype=bool)
        keep[s_rows[first]] = True
        to_slot &= keep
        dup = lead & ~to_slot & (r.origin >= 0) & self.bank.initialised[slot]
        np.add.at(self.counts["duplicates"], r.rep[dup], 1)
        np.add.at(self.counts["unbelieved"], r.rep[lead & ~believed], 1)
        track_of = np.full(r.rep.size, -1, dtype=np.int64)
        aside = np.zeros(r.rep.size, dtype=bool)
        rows = np.flatnonzero(to_slot)
        if rows.size:
            sub = r.take(rows)
            self._start_rows(self.bank, slot[rows], sub, tau)
            track_of[rows] = slot[rows]
            self._note(sub, slot[rows], False, np.ones(rows.size, bool))
        rows = np.flatnonzero(lead & ~to_slot)
        if rows.size:
            sub = r.take(rows)
            new = self._new_extra(sub, units_of[rows], tau)
            track_of[rows], aside[rows] = new, True
            self._note(sub, new, True, np.ones(rows.size, bool))
        others = np.flatnonzero(~lead)
        if others.size:
            target = member_of[others]
            self._update(r.take(others), track_of[target], aside[target], tau)

    def _clusters(self, r: Reports, units_of: IntArray) -> tuple[BoolArray, IntArray]:
        """Clusters of reports of one time that gate with each other, per picture and
        replication (connected components): whether each report leads its cluster (first
        in order: organic first, then by sensor) and the lead of each report's cluster."""
        m = r.rep.size
        order = np.lexsort((r.sensor, ~r.organic, units_of))
        member_of = order.copy()
        lead = np.zeros(m, dtype=bool)
        pt, pm = same_unit_pairs(units_of, units_of, self.units)
        off = pt < pm
        pt, pm = pt[off], pm[off]
        if pt.size:
            y = r.z[pm] - r.z[pt]
            trace = trace_3x3(r.cov)
            ok, _ = gated_costs(
                y, trace[pt] + trace[pm], lambda i: r.cov[pt[i]] + r.cov[pm[i]], self.gate
            )
            pt, pm = pt[ok], pm[ok]
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components

        graph = coo_matrix((np.ones(pt.size), (pt, pm)), shape=(m, m))
        _, label = connected_components(graph, directed=False)
        rank = np.empty(m, dtype=np.int64)
        rank[order] = np.arange(m)
        best = np.full(label.max() + 1, m, dtype=np.int64)
        np.minimum.at(best, label, rank)
        member_of = order[best[label]]
        lead[member_of] = True
        return lead, member_of

    def _start_rows(self, bank: FilterBank, index: IntArray, r: Reports, tau: float) -> None:
        """Start tracks: from a shared track's estimate, or a plot with the velocity prior."""
        is_track = r.track
        if np.any(is_track):
            i = np.flatnonzero(is_track)
            bank.start(index[i], r.state[i], r.state_cov[i], r.time[i])
        if np.any(~is_track):
            i = np.flatnonzero(~is_track)
            bank.update(index[i], r.z[i], r.cov[i], tau)

    def _new_extra(self, r: Reports, units_of: IntArray, tau: float) -> IntArray:
        ex = self.extra
        picture = units_of // self.reps
        kind = np.where(r.origin >= 0, self.kind[picture, np.maximum(r.origin, 0)], 0)
        rows = ex.bank.extend(r.rep.size)
        ex.bank.kind[rows] = kind
        ex.bank.level[rows] = np.where(r.origin >= 0, self.level[np.maximum(r.origin, 0)], False)
        ex.picture = np.concatenate([ex.picture, picture])
        ex.rep = np.concatenate([ex.rep, r.rep])
        ex.store = np.concatenate([ex.store, r.origin])
        ex.follows = np.concatenate([ex.follows, r.origin])
        ex.sources = np.concatenate([ex.sources, np.zeros(r.rep.size, dtype=np.int64)])
        ex.organic = np.concatenate([ex.organic, np.zeros(r.rep.size, dtype=bool)])
        ex.born = np.concatenate([ex.born, np.full(r.rep.size, tau)])
        ex.last = np.concatenate([ex.last, np.full(r.rep.size, tau)])
        self._start_rows(ex.bank, rows, r, tau)
        return rows

    # -- held-aside tracks --------------------------------------------------------------------

    def _slot_of_extra(self, rows: IntArray) -> IntArray:
        ex = self.extra
        unit = ex.picture[rows] * self.reps + ex.rep[rows]
        return unit * self.objects + np.maximum(ex.store[rows], 0)

    def _believed(self, rows: IntArray) -> BoolArray:
        ex = self.extra
        if self.start_rule == START_ANY:
            return np.ones(rows.size, dtype=bool)
        return ex.organic[rows] | (_bit_count(ex.sources[rows]) >= 2)

    def _promote(self) -> None:
        """Move believed held-aside tracks into free storage slots; let a firm one supersede
        a slot track that has had no report since it started."""
        ex = self.extra
        rows = np.flatnonzero((ex.store >= 0) & (ex.bank.updates > 0))
        if rows.size == 0:
            return
        slot = self._slot_of_extra(rows)
        held = self.bank.initialised[slot]
        firm = ex.bank.updates[rows] >= self.confirm_updates
        stale = held & firm & (self.last[slot] < ex.last[rows] - SUPERSEDE_S)
        # The unit's own radars outrank remote data: a firm track of its own plots takes the
        # slot of a track that no own plot supports and that contradicts it.
        outranked = held & firm & ex.organic[rows] & ~self.own[slot]
        go = self._believed(rows) & (~held | stale | outranked)
        rows, slot = rows[go], slot[go]
        if rows.size == 0:
            return
        # One per slot: the one with the most updates.
        order = np.lexsort((-ex.bank.updates[rows], slot))
        _, first = np.unique(slot[order], return_index=True)
        rows, slot = rows[order[first]], slot[order[first]]
        np.add.at(self.counts["promoted"], ex.rep[rows], 1)
        self.bank.copy_from(slot, ex.bank, rows)
        self.follows[slot] = ex.follows[rows]
        self.sources[slot] = ex.sources[rows]
        self.own[slot] = ex.organic[rows]
        self.last[slot] = ex.last[rows]
        self._remove(rows)

    def _merge(self, t: float) -> None:
        """Merge firm held-aside tracks that gate (6-dof) with their storage slot's track."""
        ex = self.extra
        rows = np.flatnonzero((ex.store >= 0) & (ex.bank.updates >= self.confirm_updates))
        if rows.size == 0:
            return
        slot = self._slot_of_extra(rows)
        rows, slot = rows[self.bank.initialised[slot]], slot[self.bank.initialised[slot]]
        if rows.size == 0:
            return
        common = np.maximum(ex.bank.time[rows], self.bank.time[slot])
        xa, pa = self.bank.predicted(slot, common)
        xb, pb = ex.bank.predicted(rows, common)
        near = mahalanobis_pairs(xb - xa, pa + pb) <= self.track_gate
        if not np.any(near):
            return
        rows, slot = rows[near], slot[near]
        self.bank.fuse(slot, xb[near], pb[near], common[near])
        self.sources[slot] |= ex.sources[rows]
        self.own[slot] |= ex.organic[rows]
        self.last[slot] = np.maximum(self.last[slot], ex.last[rows])
        np.add.at(self.counts["merged"], ex.rep[rows], 1)
        self._remove(rows)

    def _expire(self, t: float) -> None:
        ex = self.extra
        last = ex.last
        gone = np.flatnonzero(
            (t - np.maximum(last, ex.born) > EXTRA_COAST_S) | (ex.born == -np.inf)
        )
        if gone.size:
            self._remove(gone)

    def _remove(self, rows: IntArray) -> None:
        ex = self.extra
        keep = np.ones(ex.rep.size, dtype=bool)
        keep[rows] = False
        ex.bank.keep(keep)
        for name in ("picture", "rep", "store", "follows", "sources", "organic", "born", "last"):
            setattr(ex, name, getattr(ex, name)[keep])

    # -- measures -------------------------------------------------------------------------------

    def held_aside_positions(self, picture: int, rep: int) -> FloatArray:
        """(K, 3) positions of a picture's held-aside tracks of replication `rep`."""
        ex = self.extra
        rows = np.flatnonzero((ex.picture == picture) & (ex.rep == rep) & (ex.bank.updates > 0))
        return ex.bank.state[rows, :3]


def _bit_count(v: IntArray) -> IntArray:
    """Set bits of non-negative int64 masks (two 32-bit `popcount`s)."""
    u = np.asarray(v, dtype=np.int64)
    low = (u & 0xFFFFFFFF).astype(np.uint32)
    high = (u >> 32).astype(np.uint32)
    return (popcount(low) + popcount(high)).astype(np.int64)


COUNTS = (
    "plots_late",
    "plots_stale",
    "duplicates",
    "merged",
    "promoted",
    "unbelieved",
    "diverged",
    "coasted",
    "deceptive_believed",
    "deceptive_rejected",
)
"""Per-replication counts of `PictureTracks`: late plots retrodicted, plots beyond the late
window dropped, duplicate tracks held aside, duplicates merged, held-aside tracks promoted,
tracks not believed (uncorroborated), diverged tracks deleted, slot tracks deleted after
`SLOT_COAST_S` without a report, deceptive reports believed
(updated a slot track or started one) and rejected (held aside)."""
