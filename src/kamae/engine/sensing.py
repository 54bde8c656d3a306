"""Sense and track, for a batch of replications: radar looks, space-based infrared, detections,
false plots, association and the system tracks they update.

Per step, in this order:

1. Space-based early-warning reports whose time has come cue the radars: a cued threat is
   looked at at the track revisit from then on instead of waiting for a search scan (the report
   gives a small volume to search; its errors are logged, not propagated).
2. Radar looks. A threat with a system track (or cued) gets a track look every track revisit;
   other threats in the field of regard are looked at by the radar's search scan every search
   revisit. With a time budget (`track_dwell_s`) the revisits stretch with the number of tracks
   the radar holds (`kamae.sensors.detection.revisit_under_load`). Each look detects with the
   Pd per look of the radar's view (fixed, or from the SNR: `kamae.sensors.radar.radar_view`),
   and measures with noise that grows as 1/sqrt(SNR) below the reference SNR.
3. Space tracking-layer looks (fixed Pd per revisit, isotropic position error).
4. Each search scan brings Poisson(`false_alarms_per_scan`) false plots, uniform in range and
   solid angle over the field of regard, reported with the accuracy of a reference-RCS target
   at their range.
5. Association: plots of the same threat in one step are fused (information form); every plot
   is then gated (chi-square, `GATE_PROBABILITY`) against every track of its replication, and
   where a plot falls in several gates or a track gates several plots, global nearest neighbour
   (`kamae.tracking.association.gnn_assign`, scipy's `linear_sum_assignment`) decides. A true
   threat's own track always admits its own plot (the engine keeps the battle manager's tracks
   indexed by threat), so in uncontested cases association is by origin; when contested, a
   false plot or another threat's plot can take a track's update, and the displaced plot is
   dropped. Unassociated false plots start tentative false tracks, confirmed M-of-N and deleted
   after consecutive missed looks (the radar's `confirm_hits`/`confirm_looks`/
   `delete_after_misses`).
6. A track whose covariance is not positive definite or whose state is not finite is deleted
   on the step it is found and counted (`tracks_diverged`); a true threat's slot then starts
   again from its next plot.

False tracks are counted, enter the SIAP and GOSPA measures, and are never engaged: the battle
manager engages only the threat-indexed tracks (a decision stated in docs/tracking.md).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from kamae.engine.records import EventLog
from kamae.results.metrics import TrackingCounts
from kamae.sensors.detection import revisit_under_load
from kamae.sensors.radar import measure
from kamae.sensors.space_ir import LaunchReports, launch_reports, revisit_looks
from kamae.tracking.initiation import MOfN
from kamae.tracking.metrics import assign_tracks_to_truths, gospa, siap, siap_scan
from kamae.tracking.tracker import Plots, SystemTracker
from kamae.world import SpaceLayerView, World

if TYPE_CHECKING:
    from kamae.engine.pictures import Pictures

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

INITIAL_VELOCITY_SIGMA_MPS = 3000.0
"""Velocity prior of a new track: of the order of a ballistic missile's speed."""

BLOCK_STEPS = 64
"""Steps whose detection and noise draws a replication makes in one call."""

METRICS_EVERY_STEPS = 10
"""SIAP and GOSPA are sampled every this many steps."""

SIAP_ASSOCIATION_M = 10_000.0
"""SIAP: a track counts on a truth when within this distance of it (nearest truth)."""

GOSPA_CUTOFF_M = 10_000.0
"""GOSPA cut-off c (α = 2, p = 2)."""

GOSPA_ORDER = 2.0


@dataclass(frozen=True)
class LookTable:
    """For each sensor and step, the threats inside its coverage (world geometry).

    Replication random draws are laid out over these (step, sensor, threat) triples in
    step-major order; `offset[k * sensors + s]` is where step k, sensor s starts.
    """

    visible: list[list[IntArray]]
    offset: IntArray

    @classmethod
    def of(cls, world: World) -> LookTable:
        steps = world.times.shape[0]
        visible = [
            [np.flatnonzero(view.visible[:, k]) for k in range(steps)] for view in world.views
        ]
        counts = np.array(
            [[visible[s][k].size for s in range(len(world.views))] for k in range(steps)],
            dtype=np.int64,
        ).reshape(steps, len(world.views))
        offset = np.concatenate([[0], np.cumsum(counts.ravel())]).astype(np.int64)
        return cls(visible=visible, offset=offset)

    def span(self, k0: int, k1: int, sensors: int) -> tuple[int, int]:
        """Index range of the draws for steps [k0, k1)."""
        return int(self.offset[k0 * sensors]), int(self.offset[k1 * sensors])


class Sensing:
    """The sensing and tracking state of a batch of replications.

    Random draws of each replication, in this fixed order (see docs/architecture.md):
    construction draws the radars' search phases (one integer per radar, in scenario order),
    then 4·N normals per early-warning layer (`launch_reports`, in scenario order); the
    battle layer then draws its kill and assessment draws; each block of `BLOCK_STEPS` steps
    then draws uniforms over the visible (step, radar, threat) triples, normals for them (×3),
    and, when a radar has false plots, Poisson counts per (step, radar) and three uniforms per
    false plot, then per tracking layer uniforms (N, steps) and normals (N, steps, 3).
    """

    def __init__(self, world: World, generators: Sequence[np.random.Generator]) -> None:
        doctrine = world.doctrine
        self.world = world
        self.generators = generators
        self.reps = reps = len(generators)
        self.threats = n = world.trajectory.count
        self.sensors = s_count = len(world.radars)
        self.confirm_updates = doctrine.track_confirm_updates
        self.looks = LookTable.of(world)
        radars = world.radars
        dt = world.dt
        self.track_period = np.array([r.revisit_s / dt for r in radars], dtype=float)
        self.search_period = np.array([r.search_period_s / dt for r in radars], dtype=float)
        self.dwell_s = np.array([r.track_dwell_s or 0.0 for r in radars], dtype=float)
        self.budget = self.dwell_s > 0
        self.fa_rate = np.array([r.false_alarms_per_scan for r in radars], dtype=float)
        search_steps = [max(1, round(p)) for p in self.search_period]
        phase = np.array(
            [[int(g.integers(0, m)) for m in search_steps] for g in generators], dtype=float
        ).reshape(reps, s_count)
        self.search_next = phase
        self.track_next = np.full((reps, s_count, n), -np.inf)
        self.seen = np.zeros((reps, s_count + len(world.space_layers), n), dtype=bool)
        self.site_ecef = np.array([r.ecef for r in radars]).reshape(s_count, 3)
        self.site_rotation = np.array([r.enu_rotation for r in radars]).reshape(s_count, 3, 3)
        self.range_sigma = np.array([r.range_sigma_m for r in radars], dtype=float)
        self.angle_sigma = np.array([r.angle_sigma for r in radars], dtype=float)
        self.ref_range = np.array([r.reference_range_m for r in radars], dtype=float)
        self.fa_scaled = np.array([r.swerling is not None for r in radars], dtype=bool)
        steps = world.times.shape[0]
        empty = np.zeros((0, n, steps))
        self.geometry_range = np.stack([v.range_m for v in world.views]) if radars else empty
        self.geometry_azimuth = np.stack([v.azimuth for v in world.views]) if radars else empty
        self.geometry_elevation = np.stack([v.elevation for v in world.views]) if radars else empty
        self.pd = np.stack([v.pd for v in world.views]) if radars else empty
        self.noise_scale = np.stack([v.noise_scale for v in world.views]) if radars else empty
        # Space layers: early-warning reports (drawn now) and tracking-layer look schedules.
        traj = world.trajectory
        self.cue_step = np.full((reps, n), np.inf)
        self.reports: list[list[LaunchReports]] = [[] for _ in range(reps)]
        self.ew_layers = [x for x in world.space_layers if x.role == "early_warning"]
        self.tracking_layers = [
            (i, x) for i, x in enumerate(world.space_layers) if x.role == "tracking"
        ]
        for r, g in enumerate(generators):
            for layer in self.ew_layers:
                rep = launch_reports(
                    layer.layer,  # type: ignore[arg-type]
                    world.times,
                    layer.visible,
                    traj.position,
                    traj.velocity,
                    traj.in_flight,
                    traj.launch_time,
                    g,
                )
                self.reports[r].append(rep)
                with np.errstate(invalid="ignore"):
                    step = np.ceil(rep.report_time_s / dt - 1e-9)
                self.cue_step[r] = np.fmin(self.cue_step[r], np.where(rep.detected, step, np.inf))
        self.tl_looks = [
            revisit_looks(world.times, x.layer.revisit_s)  # type: ignore[union-attr]
            for _, x in self.tracking_layers
        ]
        # The tracker: threat slots and false tracks, M-of-N logic of each radar.
        self.tracker = SystemTracker(
            reps,
            n,
            doctrine.tracker_process_noise,
            INITIAL_VELOCITY_SIGMA_MPS,
            [MOfN(r.confirm_hits, r.confirm_looks, r.delete_after_misses) for r in radars],
            self.track_period,
            level=world.threat_level_flight,
        )
        self.tracks = self.tracker.tracks
        self.pictures: Pictures | None = None
        """Set by the loop: receives each step's threat plots per sensor (pictures)."""
        self.n_false_plots = np.zeros(reps, dtype=np.int64)
        self.siap_counts: list[list] = [[] for _ in range(reps)]
        self.gospa_sum = np.zeros(reps)
        self.gospa_samples = np.zeros(reps, dtype=np.int64)
        # Block draws.
        self._uniform = np.zeros((reps, 0))
        self._normal = np.zeros((reps, 0, 3))
        self._block_start = 0
        self._block_k0 = 0
        self._fa_counts: list[IntArray] = []
        self._fa_offset: list[IntArray] = []
        self._fa_uniform: list[FloatArray] = []
        self._tl_uniform: list[FloatArray] = []
        self._tl_normal: list[FloatArray] = []

    # ----------------------------------------------------------------------------------------
    # Random draws

    def _draw_block(self, k: int) -> None:
        steps = self.world.times.shape[0]
        k1 = min(k + BLOCK_STEPS, steps)
        lo, hi = self.looks.span(k, k1, self.sensors)
        self._block_start, self._block_k0 = lo, k
        uniform, normal = [], []
        self._fa_counts, self._fa_offset, self._fa_uniform = [], [], []
        self._tl_uniform, self._tl_normal = [], []
        any_fa = bool(np.any(self.fa_rate > 0))
        for g in self.generators:
            uniform.append(g.random(hi - lo))
            normal.append(g.standard_normal((hi - lo, 3)))
            if any_fa:
                counts = g.poisson(self.fa_rate, size=(k1 - k, self.sensors)).astype(np.int64)
                self._fa_counts.append(counts)
                self._fa_offset.append(np.concatenate([[0], np.cumsum(counts.ravel())]))
                self._fa_uniform.append(g.random((int(counts.sum()), 3)))
            for _ in self.tracking_layers:
                self._tl_uniform.append(g.random((self.threats, k1 - k)))
                self._tl_normal.append(g.standard_normal((self.threats, k1 - k, 3)))
        self._uniform = np.stack(uniform)
        self._normal = np.stack(normal)
        if any_fa:
            # The false-plot draws of all replications side by side: counts (reps, steps,
            # radars) and, per (replication, step, radar), where its uniforms start.
            self._fa_all_counts = np.stack(self._fa_counts)
            self._fa_all_uniform = np.concatenate(self._fa_uniform)
            base = np.cumsum([0] + [u.shape[0] for u in self._fa_uniform[:-1]])
            self._fa_all_start = np.stack(
                [b + o[:-1] for b, o in zip(base, self._fa_offset, strict=True)]
            ).astype(np.int64)

    # ----------------------------------------------------------------------------------------
    # One step

    def step(self, k: int, t: float, alive: BoolArray, logs: list[EventLog]) -> None:
        """Cues, looks, detections, association and track updates of step k (live threats:
        alive (reps × threats))."""
        if k % BLOCK_STEPS == 0:
            self._draw_block(k)
        self._log_cues(k, t, logs)
        held = self.tracks.initialised.reshape(self.reps, self.threats) | (self.cue_step <= k)
        track_period, search_period = self._periods(k, held)
        search_now = k >= self.search_next - 1e-9
        self.search_next = np.where(search_now, k + search_period, self.search_next)
        plots = [self._radar_plots(k, t, alive, held, track_period, search_now, logs)]
        plots += self._tracking_layer_plots(k, t, alive, logs)
        true = Plots.concatenate(plots)
        if self.pictures is not None:  # the network's fire-unit pictures (engine/pictures.py)
            self.pictures.observe(t, true.rep, true.origin, true.sensor, true.z, true.cov)
        self.tracker.scan(k, t, true, self._false_plots(k, search_now))
        if k % METRICS_EVERY_STEPS == 0:
            self._sample_metrics(k, t, alive)

    def _log_cues(self, k: int, t: float, logs: list[EventLog]) -> None:
        if not self.ew_layers:
            return
        world = self.world
        for r, layer, rep, n in self._cues_by_step.get(k, ()):
            logs[r].add(
                t,
                "detection",
                world.threat_ids[n],
                layer.id,
                detail=(
                    f"launch_report launch_time_s={rep.launch_time_s[n]:.0f} "
                    f"heading_deg={np.degrees(rep.heading[n]):.0f}"
                ),
            )

    @functools.cached_property
    def _cues_by_step(self) -> dict[int, list[tuple[int, SpaceLayerView, LaunchReports, int]]]:
        """Early-warning reports by the step they arrive: (replication, layer, reports,
        threat), in replication, layer, threat order (the reports are drawn at construction)."""
        out: dict[int, list[tuple[int, SpaceLayerView, LaunchReports, int]]] = {}
        for r in range(self.reps):
            for layer, rep in zip(self.ew_layers, self.reports[r], strict=True):
                with np.errstate(invalid="ignore"):
                    step = np.ceil(rep.report_time_s / self.world.dt - 1e-9)
                for n in np.flatnonzero(rep.detected & np.isfinite(step)):
                    out.setdefault(int(step[n]), []).append((r, layer, rep, int(n)))
        return out

    def _periods(self, k: int, held: BoolArray) -> tuple[FloatArray, FloatArray]:
        """Track and search revisit (steps) per (replication, radar) under the time budget."""
        shape = (self.reps, self.sensors)
        track = np.broadcast_to(self.track_period, shape).copy()
        search = np.broadcast_to(self.search_period, shape).copy()
        if not np.any(self.budget):
            return track, search
        cols = np.flatnonzero(self.budget)
        n_tracks = np.zeros((self.reps, cols.size))
        for c, s in enumerate(cols):
            n_tracks[:, c] = held[:, self.looks.visible[s][k]].sum(axis=1)
        dt = self.world.dt
        radars = [self.world.radars[s] for s in cols]
        sched = revisit_under_load(
            n_tracks,
            track_dwell_s=self.dwell_s[cols],
            track_revisit_s=self.track_period[cols] * dt,
            search_frame_s=self.search_period[cols] * dt,
            search_revisit_s=self.search_period[cols] * dt,
            min_search_fraction=np.array([r.min_search_fraction for r in radars]),
        )
        track[:, cols] = sched.track_revisit_s / dt
        search[:, cols] = sched.search_revisit_s / dt
        return track, search

    def _radar_plots(
        self,
        k: int,
        t: float,
        alive: BoolArray,
        held: BoolArray,
        track_period: FloatArray,
        search_now: BoolArray,
        logs: list[EventLog],
    ) -> Plots:
        world = self.world
        rep_l, threat_l, sensor_l, draw_l = [], [], [], []
        for s in range(self.sensors):
            candidates = self.looks.visible[s][k]
            if candidates.size == 0:
                continue
            base = int(self.looks.offset[k * self.sensors + s]) - self._block_start
            tracked = held[:, candidates]
            due = k >= self.track_next[:, s, candidates] - 1e-9
            look = np.where(tracked, due, search_now[:, s, None])
            rows, cols = np.nonzero(look & tracked)
            self.track_next[rows, s, candidates[cols]] = k + track_period[rows, s]
            draws = self._uniform[:, base : base + candidates.size]
            hit = look & alive[:, candidates] & (draws < self.pd[s, candidates, k])
            reps, cols = np.nonzero(hit)
            if reps.size == 0:
                continue
            threats = candidates[cols]
            rep_l.append(reps)
            threat_l.append(threats)
            sensor_l.append(np.full(reps.size, s))
            draw_l.append(base + cols)
            new = ~self.seen[reps, s, threats]
            for r, n in zip(reps[new], threats[new], strict=True):
                logs[r].add(
                    t,
                    "detection",
                    world.threat_ids[n],
                    world.sensor_ids[s],
                    detail=f"range_km={world.views[s].range_m[n, k] / 1e3:.0f}",
                )
            self.seen[reps, s, threats] = True
            # A threat first held now gets its next track look one revisit later.
            first = ~held[reps, threats]
            self.track_next[reps[first], :, threats[first]] = k + track_period[reps[first], :]
        if not rep_l:
            return Plots.empty()
        sensor = np.concatenate(sensor_l)
        rep = np.concatenate(rep_l)
        threat = np.concatenate(threat_l)
        scale = self.noise_scale[sensor, threat, k]
        z, cov = measure(
            self.site_ecef[sensor],
            self.site_rotation[sensor],
            self.range_sigma[sensor] * scale,
            self.angle_sigma[sensor] * scale,
            self.geometry_range[sensor, threat, k],
            self.geometry_azimuth[sensor, threat, k],
            self.geometry_elevation[sensor, threat, k],
            self._normal[rep, np.concatenate(draw_l)],
        )
        return Plots(rep, threat, z, cov, sensor)

    def _tracking_layer_plots(
        self, k: int, t: float, alive: BoolArray, logs: list[EventLog]
    ) -> list[Plots]:
        out = []
        world = self.world
        j = k - self._block_k0
        for i, ((index, layer), looks) in enumerate(
            zip(self.tracking_layers, self.tl_looks, strict=True)
        ):
            if not looks[k]:
                continue
            seen = layer.visible[:, k]
            if not seen.any():
                continue
            tl = layer.layer
            rows = []
            for r in range(self.reps):
                u = self._tl_uniform[r * len(self.tracking_layers) + i][:, j]
                rows.append(seen & alive[r] & (u < tl.pd_per_revisit))  # type: ignore[union-attr]
            reps, threats = np.nonzero(np.stack(rows))
            if reps.size == 0:
                continue
            noise = np.stack(
                [
                    self._tl_normal[r * len(self.tracking_layers) + i][n, j]
                    for r, n in zip(reps.tolist(), threats.tolist(), strict=True)
                ]
            )
            sigma = tl.position_sigma_m  # type: ignore[union-attr]
            z = world.trajectory.position[threats, k] + sigma * noise
            cov = np.broadcast_to(sigma**2 * np.eye(3), (reps.size, 3, 3)).copy()
            column = self.sensors + index
            new = ~self.seen[reps, column, threats]
            for r, n in zip(reps[new], threats[new], strict=True):
                logs[r].add(t, "detection", world.threat_ids[n], layer.id, detail="space_track")
            self.seen[reps, column, threats] = True
            out.append(Plots(reps, threats, z, cov, np.full(reps.size, column)))
        return out

    @functools.cached_property
    def _radar_fov(self) -> FloatArray:
        """Per radar (columns): maximum range, boresight azimuth, azimuth width, minimum and
        maximum elevation (rows)."""
        fields = ("max_range_m", "boresight_azimuth", "azimuth_width")
        fields += ("min_elevation", "max_elevation")
        radars = self.world.radars
        return np.array([[getattr(r, f) for r in radars] for f in fields], dtype=float)

    def _false_plots(self, k: int, search_now: BoolArray) -> Plots:
        if not self._fa_counts:
            return Plots.empty()
        j = k - self._block_k0
        counts = self._fa_all_counts[:, j]
        r_idx, s_idx = np.nonzero((counts > 0) & search_now)
        if r_idx.size == 0:
            return Plots.empty()
        m = counts[r_idx, s_idx]
        start = self._fa_all_start[r_idx, j * self.sensors + s_idx]
        first = np.cumsum(m) - m
        rows = np.repeat(start - first, m) + np.arange(int(m.sum()))
        rep, sensor = np.repeat(r_idx, m), np.repeat(s_idx, m)
        u = self._fa_all_uniform[rows]
        fov = self._radar_fov
        rng = fov[0][sensor] * u[:, 0]
        bore, width = fov[1][sensor], fov[2][sensor]
        s0, s1 = np.sin(fov[3][sensor]), np.sin(fov[4][sensor])
        az = np.mod(bore + width * (u[:, 1] - 0.5), 2.0 * np.pi)
        el = np.arcsin(s0 + (s1 - s0) * u[:, 2])
        # Reported with the accuracy of a reference-RCS target at that range.
        scale = np.where(
            self.fa_scaled[sensor], np.maximum(1.0, (rng / self.ref_range[sensor]) ** 2), 1.0
        )
        z, cov = measure(
            self.site_ecef[sensor],
            self.site_rotation[sensor],
            self.range_sigma[sensor] * scale,
            self.angle_sigma[sensor] * scale,
            rng,
            az,
            el,
            np.zeros((rep.size, 3)),
        )
        np.add.at(self.n_false_plots, rep, 1)
        return Plots(rep, np.full(rep.size, -1), z, cov, sensor)

    # ----------------------------------------------------------------------------------------
    # Multi-target tracking measures

    def _sample_metrics(self, k: int, t: float, alive: BoolArray) -> None:
        """SIAP tallies and GOSPA of firm threat tracks and confirmed false tracks against the
        live threats in flight (positions predicted to t)."""
        traj = self.world.trajectory
        flying = traj.in_flight[:, k]
        bank = self.tracks
        firm = (bank.updates >= self.confirm_updates).reshape(self.reps, self.threats)
        ft = self.tracker.false
        f_conf = np.flatnonzero(ft.book.confirmed)
        if not (np.any(alive[:, flying]) or firm.any() or f_conf.size):
            return
        slots = np.flatnonzero(firm.ravel())
        x, _ = bank.predicted(slots, t)
        fx, _ = ft.bank.predicted(f_conf, t)
        slot_rep = slots // self.threats
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

    def metrics(self, r: int) -> TrackingCounts:
        """Replication r's sensing and tracking counts and measures."""
        measures = siap(self.siap_counts[r])
        samples = int(self.gospa_samples[r])
        return TrackingCounts(
            tracks_diverged=float(self.tracker.diverged[r]),
            false_plots=float(self.n_false_plots[r]),
            false_tracks=float(self.tracker.false_tracks[r]),
            false_tracks_confirmed=float(self.tracker.false_confirmed[r]),
            plots_misassociated=float(self.tracker.misassociated[r]),
            early_warning_reports=float(sum(int(rep.detected.sum()) for rep in self.reports[r])),
            siap_completeness=measures.completeness,
            siap_ambiguity=measures.ambiguity,
            siap_spuriousness=measures.spuriousness,
            siap_position_error_m=measures.positional_accuracy,
            gospa_m=float(self.gospa_sum[r] / samples) if samples else 0.0,
        )
