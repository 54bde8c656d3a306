"""Where the sensors look each step and what they see, for a batch of replications.

Per step, in this order:

1. Space-based early-warning reports whose time has come cue the radars: a cued threat is
   looked at at the track revisit from then on instead of waiting for a search scan (the report
   gives a small volume to search; its errors are logged, not propagated).
2. Radar looks. A threat with a system track (or cued) gets a track look every track revisit;
   other threats in the field of regard are looked at by the radar's search scan every search
   revisit. With a time budget (`track_dwell_s`) the revisits stretch with the number of tracks
   the radar holds (`kamae.sensors.detection.TimeBudget`). Each look detects with the
   Pd per look of the radar's view (fixed, or from the SNR: `kamae.sensors.radar.radar_view`),
   and measures with noise that grows as 1/sqrt(SNR) below the reference SNR.
3. Space tracking-layer looks (fixed Pd per revisit, isotropic position error).
4. Each search scan brings Poisson(`false_alarms_per_scan`) false plots, uniform in range and
   solid angle over the field of regard, reported with the accuracy of a reference-RCS target
   at their range.

A sensor's first detection of a threat is logged (`detection` events). The random numbers
come from the step's `DrawBlock` (`kamae.engine.draws`). Short hooks for the threats of
docs/threats.md: a radar destroyed by a warhead aimed at it looks at nothing
(`radar_alive`, set by the battle); an unaided search look of a fence has the fence's energy
(`RadarView.search_pd`); decoys and debris are looked at like warheads, with their own draws;
every plot carries its object's discrimination declaration (`discrimination.Declarations`).
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import NamedTuple

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IndexArray
from kamae.engine.discrimination import Declarations
from kamae.engine.draws import DrawBlock, Draws, LookTable
from kamae.engine.records import EventLog
from kamae.sensors.detection import TimeBudget, false_plot_positions
from kamae.sensors.radar import measure
from kamae.sensors.space_ir import LaunchReports, SpaceLayerView, revisit_looks
from kamae.tracking.ekf import PolarMeasurements
from kamae.tracking.tracker import Plots
from kamae.world import World


class Detections(NamedTuple):
    """Radar detections of a step before their measurement (`Looks._plots`), row-aligned."""

    rep: IndexArray
    origin: IndexArray
    """Object seen, -1 for a false plot."""
    sensor: IndexArray
    rae: FloatArray
    """(M, 3) true range, azimuth and elevation."""
    sigma: FloatArray
    """(M, 3) their error standard deviations."""
    noise: FloatArray
    """(M, 3) standard normals of the errors."""


class Looks:
    """The sensors' look schedules and detections of a batch of replications."""

    def __init__(self, world: World, draws: Draws) -> None:
        self.world = world
        self.table = draws.looks
        self.object_table = draws.object_looks
        self.reports = draws.launch_reports
        self.reps = reps = len(draws.generators)
        self.threats = n = world.trajectory.count
        self.radars = s_count = len(world.radars)
        radars, dt = world.radars, world.dt
        self.track_period = np.array([r.revisit_s / dt for r in radars], dtype=float)
        """Per radar: track revisit, steps."""
        self.search_period = np.array([r.search_period_s / dt for r in radars], dtype=float)
        self.dwell_s = np.array([r.track_dwell_s or 0.0 for r in radars], dtype=float)
        self.budget = self.dwell_s > 0
        self._budget_radars = cols = np.flatnonzero(self.budget)
        self._time_budget = TimeBudget.of(
            track_dwell_s=self.dwell_s[cols],
            track_revisit_s=self.track_period[cols] * dt,
            search_frame_s=self.search_period[cols] * dt,
            search_revisit_s=self.search_period[cols] * dt,
            min_search_fraction=np.array([radars[s].min_search_fraction for s in cols]),
        )
        """The budgeted radars' (`_budget_radars`) time budget."""
        self.search_next = draws.search_phase
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
        views = world.views
        self.geometry_range = np.stack([v.range_m for v in views]) if radars else empty
        self.geometry_azimuth = np.stack([v.azimuth for v in views]) if radars else empty
        self.geometry_elevation = np.stack([v.elevation for v in views]) if radars else empty
        self.pd = np.stack([v.pd for v in views]) if radars else empty
        self.noise_scale = np.stack([v.noise_scale for v in views]) if radars else empty
        fence = any(v.search_pd is not None for v in views)
        self.search_pd = (
            np.stack([v.pd if v.search_pd is None else v.search_pd for v in views])
            if fence
            else None
        )
        """(radars, N, T) Pd of unaided search looks (None: as track looks)."""
        self.radar_alive = np.ones((reps, s_count), dtype=bool)
        """(reps, radars) False once a radar is destroyed (shared with the battle)."""
        self.declarations = Declarations(world, reps)
        self.ew_layers = [x for x in world.space_layers if x.role == "early_warning"]
        self.cue_step = np.full((reps, n), np.inf)
        """Step from which a threat is cued by an early-warning report."""
        w = draws.warheads
        for r in range(reps):
            for rep in self.reports[r]:
                with np.errstate(invalid="ignore"):
                    step = np.ceil(rep.report_time_s / dt - 1e-9)
                cue = np.where(rep.detected, step, np.inf)
                self.cue_step[r, :w] = np.fmin(self.cue_step[r, :w], cue)
        # Decoys and debris lie inside their warhead's cued volume once released.
        self.cue_step[:, w:] = self.cue_step[:, world.object_parent[w:]]
        self.tracking_layers = [
            (i, x) for i, x in enumerate(world.space_layers) if x.role == "tracking"
        ]
        self.tl_looks = [
            revisit_looks(world.times, x.layer.revisit_s)  # type: ignore[union-attr]
            for _, x in self.tracking_layers
        ]
        self.false_plots = np.zeros(reps, dtype=np.int64)
        """Per replication: false plots reported."""
        self._flat_tables = [
            (t, self._flat_table(t)) for t in (self.table, self.object_table) if t is not None
        ]
        """The warheads' and the decoys' and debris' look tables, each with `_flat_table`."""
        self._visible_at: tuple[int, tuple[IndexArray, IndexArray, int]] | None = None
        """The last step's `_visible`."""

    def early_warning_reports(self, r: int) -> int:
        """Replication r's launch reports (threats detected, over the early-warning layers)."""
        return sum(int(rep.detected.sum()) for rep in self.reports[r])

    def step(
        self,
        k: int,
        t: float,
        block: DrawBlock,
        alive: BoolArray,
        held: BoolArray,
        logs: list[EventLog],
    ) -> tuple[Plots, Plots]:
        """Step k's plots: the threats' (radars, then tracking layers; one per sensor) and the
        false plots of its search scans. ``alive`` (reps × threats) are the threats still
        flying; ``held`` the threats with a system track (their radars look at the track
        revisit)."""
        self._log_cues(k, t, logs)
        held = held | (self.cue_step <= k)
        track_period, search_period = self.revisits(k, held)
        search_now = k >= self.search_next - 1e-9
        self.search_next = np.where(search_now, k + search_period, self.search_next)
        radar = self._radar_looks(k, t, block, alive, held, track_period, search_now, logs)
        radar_plots, false_plots = self._plots([radar, self._false_looks(k, block, search_now)])
        plots = [radar_plots, *self._tracking_layer_plots(k, t, block, alive, logs)]
        return self.declared(t, Plots.concatenate(plots)), false_plots

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
                    f"launch_report launch_time_s={round(float(rep.launch_time_s[n]))} "
                    f"heading_deg={round(float(np.degrees(rep.heading[n])))}"  # never "-0"
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

    def revisits(self, k: int, held: BoolArray) -> tuple[FloatArray, FloatArray]:
        """Track and search revisit (steps) per (replication, radar) under the time budget,
        with the threats in ``held`` (reps × threats) taking track dwells."""
        shape = (self.reps, self.radars)
        track = np.broadcast_to(self.track_period, shape).copy()
        search = np.broadcast_to(self.search_period, shape).copy()
        if not np.any(self.budget):
            return track, search
        cols = self._budget_radars
        objects, radar, _ = self._visible(k)
        # Held objects per (replication, radar): counts of 0/1, exact in any summation order.
        in_radar = radar[:, None] == cols[None, :]
        n_tracks = held[:, objects].astype(float) @ in_radar.astype(float)
        sched = self._time_budget.schedule(n_tracks)
        dt = self.world.dt
        track[:, cols] = sched.track_revisit_s / dt
        search[:, cols] = sched.search_revisit_s / dt
        return track, search

    def _radar_looks(
        self,
        k: int,
        t: float,
        block: DrawBlock,
        alive: BoolArray,
        held: BoolArray,
        track_period: FloatArray,
        search_now: BoolArray,
        logs: list[EventLog],
    ) -> Detections | None:
        """Every radar's looks of step k at once, its detections radar-major and, within a
        radar, replication-major in the order of its visible objects (None: none)."""
        candidates, sensor, detect, noise, disc = self._candidates(block, k)
        if candidates.size == 0:
            return None
        tracked = held[:, candidates]
        due = k >= self.track_next[:, sensor, candidates] - 1e-9
        look = np.where(tracked, due, search_now[:, sensor])
        rows, cols = np.nonzero(look & tracked)
        self.track_next[rows, sensor[cols], candidates[cols]] = k + track_period[rows, sensor[cols]]
        pd = self.pd[sensor, candidates, k]
        if self.search_pd is not None:
            pd = np.where(tracked, pd, self.search_pd[sensor, candidates, k])
        hit = look & alive[:, candidates] & (detect < pd) & self.radar_alive[:, sensor]
        rep, cols = np.nonzero(hit)
        if rep.size == 0:
            return None
        # Radar-major; the stable sort keeps each radar's hits in replication, column order.
        order = np.argsort(sensor[cols], kind="stable")
        rep, cols = rep[order], cols[order]
        threat, sensor = candidates[cols], sensor[cols]
        self._log_radar_detections(k, t, rep, sensor, threat, logs)
        # A threat first held now gets its next track look one revisit later, on every radar
        # (the same steps whichever radar saw it).
        first = ~held[rep, threat]
        self.track_next[rep[first], :, threat[first]] = k + track_period[rep[first], :]
        if disc is not None:
            self.declarations.look(t, k, rep, threat, sensor, disc[rep, cols])
        scale = self.noise_scale[sensor, threat, k]
        rae = np.stack(
            [
                self.geometry_range[sensor, threat, k],
                self.geometry_azimuth[sensor, threat, k],
                self.geometry_elevation[sensor, threat, k],
            ],
            axis=1,
        )
        sigma = np.stack(
            [self.range_sigma[sensor] * scale] + [self.angle_sigma[sensor] * scale] * 2, axis=1
        )
        return Detections(rep, threat, sensor, rae, sigma, noise[rep, cols])

    def _log_radar_detections(
        self,
        k: int,
        t: float,
        rep: IndexArray,
        sensor: IndexArray,
        threat: IndexArray,
        logs: list[EventLog],
    ) -> None:
        """Log each radar's first detection of a threat among step k's hits (in their order)."""
        new = self._first_seen(rep, sensor, threat)
        if not new.any():
            return
        world = self.world
        rep, sensor, threat = rep[new], sensor[new], threat[new]
        range_km = self.geometry_range[sensor, threat, k] / 1e3
        for r, s, n, d in zip(
            rep.tolist(), sensor.tolist(), threat.tolist(), range_km.tolist(), strict=True
        ):
            logs[r].add(
                t, "detection", world.threat_ids[n], world.sensor_ids[s], detail=f"range_km={d:.0f}"
            )

    def _plots(self, groups: list[Detections | None]) -> list[Plots]:
        """Each group's radar plots (empty for None), all measured in one `measure` call: the
        true range, azimuth and elevation with errors sigma × noise, converted to ECEF, with
        the measured range, azimuth and elevation kept for an EKF (the same numbers)."""
        parts = [g for g in groups if g is not None]
        if not parts:
            return [Plots.empty() for _ in groups]
        if len(parts) == 1:
            _, _, sensor, rae, sigma, noise = parts[0]
        else:
            sensor, rae, sigma, noise = (
                np.concatenate([getattr(g, f) for g in parts])
                for f in ("sensor", "rae", "sigma", "noise")
            )
        site, rotation = self.site_ecef[sensor], self.site_rotation[sensor]
        z, cov = measure(
            site, rotation, sigma[:, 0], sigma[:, 1], rae[:, 0], rae[:, 1], rae[:, 2], noise
        )
        measured = rae + sigma * noise  # what `measure` converts
        out, a = [], 0
        for g in groups:
            if g is None:
                out.append(Plots.empty())
                continue
            rows = slice(a, a + g.rep.size)
            a = rows.stop
            polar = PolarMeasurements(measured[rows], sigma[rows], site[rows], rotation[rows])
            out.append(Plots(g.rep, g.origin, z[rows], cov[rows], g.sensor, polar=polar))
        return out

    def _visible(self, k: int) -> tuple[IndexArray, IndexArray, int]:
        """Every radar's visible objects at step k: the warheads radar by radar, then the
        decoys and debris radar by radar (object, radar), and how many are warheads."""
        if self._visible_at is not None and self._visible_at[0] == k:
            return self._visible_at[1]
        parts = []
        for table, (objects, radar) in self._flat_tables:
            start, end = table.offset[k * self.radars], table.offset[(k + 1) * self.radars]
            parts.append((objects[start:end], radar[start:end]))
        objects, radar = parts[0]
        warheads = objects.size
        if len(parts) > 1:
            objects = np.concatenate([p[0] for p in parts])
            radar = np.concatenate([p[1] for p in parts])
        out = (objects, radar, warheads)
        self._visible_at = (k, out)
        return out

    def _flat_table(self, table: LookTable) -> tuple[IndexArray, IndexArray]:
        """A look table's visible objects in its (step, radar) order in one array (`offset`
        indexes it), with each one's radar."""
        steps = self.world.times.shape[0]
        parts = [table.visible[s][k] for k in range(steps) for s in range(self.radars)]
        objects = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        radar = np.repeat(np.tile(np.arange(self.radars), steps), np.diff(table.offset))
        return objects, radar

    def _candidates(
        self, block: DrawBlock, k: int
    ) -> tuple[IndexArray, IndexArray, FloatArray, FloatArray, FloatArray | None]:
        """The radars' visible objects at step k (`_visible`; the decoys and debris only with
        their draws) and their radars, with the detection uniforms (reps, C), noise normals
        (reps, C, 3) and discrimination normals (reps, C) or None: the warheads' from the
        block, then the decoys' and debris' from the objects stream."""
        candidates, sensor, warheads = self._visible(k)
        base = int(self.table.offset[k * self.radars]) - block.start
        span = slice(base, base + warheads)
        detect, noise = block.detect[:, span], block.noise[:, span]
        disc = None if block.discrimination is None else block.discrimination[:, span]
        objects, table = block.objects, self.object_table
        if objects is None or table is None or candidates.size == warheads:
            return candidates[:warheads], sensor[:warheads], detect, noise, disc
        base = int(table.offset[k * self.radars]) - objects.start
        span = slice(base, base + candidates.size - warheads)
        if disc is not None and objects.discrimination is not None:
            disc = np.concatenate([disc, objects.discrimination[:, span]], axis=1)
        return (
            candidates,
            sensor,
            np.concatenate([detect, objects.detect[:, span]], axis=1),
            np.concatenate([noise, objects.noise[:, span]], axis=1),
            disc,
        )

    def _first_seen(
        self, reps: IndexArray, column: int | IndexArray, threats: IndexArray
    ) -> BoolArray:
        """Mark the (replication, threat) pairs as seen by the sensor (column, one or one per
        pair); True where this is its first detection of the threat."""
        new = ~self.seen[reps, column, threats]
        self.seen[reps, column, threats] = True
        return new

    def _tracking_layer_plots(
        self, k: int, t: float, block: DrawBlock, alive: BoolArray, logs: list[EventLog]
    ) -> list[Plots]:
        out = []
        world = self.world
        j = k - block.k0
        layers = len(self.tracking_layers)
        for i, ((index, layer), looks) in enumerate(
            zip(self.tracking_layers, self.tl_looks, strict=True)
        ):
            if not looks[k]:
                continue
            seen = layer.visible[:, k]
            if not seen.any():
                continue
            tl = layer.layer
            pd = tl.pd_per_revisit if layer.pd is None else layer.pd[:, k]  # type: ignore[union-attr]
            draws = range(i, self.reps * layers, layers)  # replication r's: r · layers + i
            u = np.stack([block.layer_uniform[d][:, j] for d in draws])
            reps, threats = np.nonzero(seen & alive & (u < pd))
            if reps.size == 0:
                continue
            noise = np.stack([block.layer_normal[d][:, j] for d in draws])[reps, threats]
            sigma = tl.position_sigma_m  # type: ignore[union-attr]
            z = world.trajectory.position[threats, k] + sigma * noise
            cov = np.broadcast_to(sigma**2 * np.eye(3), (reps.size, 3, 3)).copy()
            column = self.radars + index
            new = self._first_seen(reps, column, threats)
            for r, n in zip(reps[new], threats[new], strict=True):
                logs[r].add(t, "detection", world.threat_ids[n], layer.id, detail="space_track")
            out.append(Plots(reps, threats, z, cov, np.full(reps.size, column)))
        return out

    def declared(self, t: float, plots: Plots) -> Plots:
        """The plots with each object's discrimination declaration at time t."""
        if not self.declarations.active or plots.rep.size == 0:
            return plots
        return replace(plots, warhead_declared=self.declarations.of(t, plots.rep, plots.origin))

    @functools.cached_property
    def _radar_fov(self) -> FloatArray:
        """Per radar (columns): maximum range, boresight azimuth, azimuth width, minimum and
        maximum elevation (rows)."""
        fields = ("max_range_m", "boresight_azimuth", "azimuth_width", "min_elevation",
                  "max_elevation")  # fmt: skip
        radars = self.world.radars
        return np.array([[getattr(r, f) for r in radars] for f in fields], dtype=float)

    def _false_looks(self, k: int, block: DrawBlock, search_now: BoolArray) -> Detections | None:
        """The false plots of step k's search scans (None: none)."""
        if block.false_counts is None:
            return None
        j = k - block.k0
        counts = block.false_counts[:, j]
        r_idx, s_idx = np.nonzero((counts > 0) & search_now)
        if r_idx.size == 0:
            return None
        m = counts[r_idx, s_idx]
        start = block.false_start[r_idx, j * self.radars + s_idx]
        first = np.cumsum(m) - m
        rows = np.repeat(start - first, m) + np.arange(int(m.sum()))
        rep, sensor = np.repeat(r_idx, m), np.repeat(s_idx, m)
        u = block.false_uniform[rows]
        max_range, bore, width, min_el, max_el = self._radar_fov[:, sensor]
        rng, az, el = false_plot_positions(u, 0.0, max_range, bore, width, min_el, max_el)
        # Reported with the accuracy of a reference-RCS target at that range.
        scale = np.where(
            self.fa_scaled[sensor], np.maximum(1.0, (rng / self.ref_range[sensor]) ** 2), 1.0
        )
        sigma = np.stack(
            [self.range_sigma[sensor] * scale] + [self.angle_sigma[sensor] * scale] * 2, axis=1
        )
        self.false_plots += np.bincount(rep, minlength=self.reps)
        return Detections(
            rep, np.full(rep.size, -1), sensor, np.stack([rng, az, el], axis=1), sigma,
            np.zeros((rep.size, 3)),
        )  # fmt: skip
