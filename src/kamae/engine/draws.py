"""Every random draw a replication makes, in the order it makes them (written once, here).

Each replication draws only from its own generator (`SeedSequence(seed).spawn(n)[i]`), in an
order fixed by the scenario, so its numbers never depend on which replications share its
batch. In order:

At construction (`Draws`):

1. Radar search phases: one integer per radar (scenario order), uniform over its search
   revisit in steps.
2. Early-warning launch reports: 4·N standard normals per early-warning layer (scenario
   order; `kamae.sensors.space_ir.launch_reports`), whatever is detected.
3. Kill draws: N × `max_shots_per_threat` uniforms (one per threat and possible shot).
4. Kill-assessment draws: the same shape.
5. Impact dispersion: an (east, north) pair of standard normals per threat, only when some
   threat has a CEP (scenarios without one keep their stream).

Then per block of `BLOCK_STEPS` steps (`Draws.block`, drawn when the loop reaches the block's
first step):

6. Detection uniforms, one per visible (step, radar, threat) triple, step-major
   (`LookTable`).
7. Measurement noise: three standard normals per triple.
8. When any radar has false plots: Poisson counts per (step, radar), then three uniforms
   per false plot (range, azimuth, sin elevation).
9. Per space tracking layer (scenario order): uniforms (N, steps), then standard normals
   (N, steps, 3).

Items 2-9 are drawn for the warhead rows only (the first `World.warheads` rows). The
network draws from a stream of its own (`kamae.streams.network_generator`, keyed off
the replication's seed sequence), so that a network leaves the streams above untouched: per
step, each message (in replication, sensor, group order) draws `Network.draws_per_message`
uniforms; after the run, attack confirmation draws its own (`kamae.engine.pictures`).

Decoys and debris (rows from `World.warheads` on) draw from the objects stream
(`kamae.streams.objects_generator`), in the same order: at construction their kill and
kill-assessment uniforms (objects × shots each), then per block their detection uniforms and
noise normals (×3) over their visible triples, and per tracking layer uniforms (objects,
steps) and normals (objects, steps, 3). When some object belongs to a threat complex, the
discrimination stream (`kamae.streams.discrimination_generator`) draws, per block, one
standard normal per visible (step, radar, warhead) triple, then one per visible object
triple (the feature's noise of a look). So releasing decoys leaves the warheads' draws as
they were: common random numbers with and without them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kamae.arrays import FloatArray, IntArray
from kamae.sensors.space_ir import LaunchReports, launch_reports
from kamae.streams import discrimination_generator, network_generator, objects_generator
from kamae.world import World

BLOCK_STEPS = 64
"""Steps whose detection, noise and false-plot draws a replication makes in one call."""


@dataclass(frozen=True)
class LookTable:
    """For each radar and step, the threats inside its coverage (world geometry).

    Replication random draws are laid out over these (step, radar, threat) triples in
    step-major order; `offset[k * radars + s]` is where step k, radar s starts.
    """

    visible: list[list[IntArray]]
    offset: IntArray

    @classmethod
    def of(cls, world: World, first: int = 0, last: int | None = None) -> LookTable:
        """The table of rows [first, last) (row indices kept; default: every row)."""
        steps = world.times.shape[0]
        visible = [
            [first + np.flatnonzero(view.visible[first:last, k]) for k in range(steps)]
            for view in world.views
        ]
        counts = np.array(
            [[visible[s][k].size for s in range(len(world.views))] for k in range(steps)],
            dtype=np.int64,
        ).reshape(steps, len(world.views))
        offset = np.concatenate([[0], np.cumsum(counts.ravel())]).astype(np.int64)
        return cls(visible=visible, offset=offset)

    def span(self, k0: int, k1: int, radars: int) -> tuple[int, int]:
        """Index range of the draws for steps [k0, k1)."""
        return int(self.offset[k0 * radars]), int(self.offset[k1 * radars])


@dataclass(frozen=True)
class DrawBlock:
    """The draws of steps [k0, k1) of every replication (items 6-9 of the module's order)."""

    k0: int
    start: int
    """Index (in `LookTable` order) of the block's first (step, radar, threat) triple."""
    detect: FloatArray
    """(reps, triples) detection uniforms."""
    noise: FloatArray
    """(reps, triples, 3) measurement noise."""
    false_counts: IntArray | None
    """(reps, steps, radars) false plots per search scan; None when no radar has any."""
    false_uniform: FloatArray
    """(all false plots, 3): every replication's false-plot uniforms side by side."""
    false_start: IntArray
    """(reps, steps · radars): row of `false_uniform` where each (step, radar) starts."""
    layer_uniform: list[FloatArray]
    """Per (replication, tracking layer), index r · layers + i: uniforms (N, steps)."""
    layer_normal: list[FloatArray]
    """Per (replication, tracking layer): normals (N, steps, 3)."""
    objects: ObjectBlock | None = None
    """The decoys' and debris' detection and noise draws (objects stream); None: none."""
    discrimination: FloatArray | None = None
    """(reps, triples) feature normals of the warheads' visible triples; None: no complex."""


@dataclass(frozen=True)
class ObjectBlock:
    """The objects stream's draws of a block over the objects' `LookTable`."""

    start: int
    detect: FloatArray
    noise: FloatArray
    discrimination: FloatArray | None


class Draws:
    """The random draws of a batch of replications: construction draws, then blocks."""

    def __init__(self, world: World, generators: Sequence[np.random.Generator]) -> None:
        self.world = world
        self.generators = generators
        self.warheads = threats = world.warheads
        self.rows = traj_rows = world.trajectory.count
        self.looks = LookTable.of(world, 0, threats)
        self.object_looks = LookTable.of(world, threats) if traj_rows > threats else None
        """The decoys' and debris' table (None: none)."""
        radars, dt, traj = world.radars, world.dt, world.trajectory
        search_period = np.array([r.search_period_s / dt for r in radars], dtype=float)
        search_steps = [max(1, round(p)) for p in search_period]
        self.search_phase = np.array(
            [[int(g.integers(0, m)) for m in search_steps] for g in generators], dtype=float
        ).reshape(len(generators), len(radars))
        """(reps, radars) step of each radar's first search scan."""
        layers = [x for x in world.space_layers if x.role == "early_warning"]
        self.launch_reports: list[list[LaunchReports]] = [
            [
                launch_reports(
                    layer.layer,  # type: ignore[arg-type]
                    world.times,
                    layer.visible[:threats],
                    traj.position[:threats],
                    traj.velocity[:threats],
                    traj.in_flight[:threats],
                    traj.launch_time[:threats],
                    g,
                )
                for layer in layers
            ]
            for g in generators
        ]
        """Per replication, per early-warning layer: its launch reports."""
        shots = world.doctrine.max_shots_per_threat
        self.kill = np.stack([g.random((threats, shots)) for g in generators])
        """(reps, threats, shots) uniforms: a shot kills when below its Pk."""
        self.assessment = np.stack([g.random((threats, shots)) for g in generators])
        """(reps, threats, shots) uniforms: a kill is recognised when below the doctrine's
        kill-assessment probability."""
        self.impact_offset: FloatArray | None = None
        """(reps, threats, 2) standard normals of the impact point (east, north), or None."""
        if np.any(world.threat_cep_m > 0.0):
            self.impact_offset = np.stack([g.standard_normal((threats, 2)) for g in generators])
        self.network = [network_generator(g) for g in generators]
        """Per replication: the network's own stream."""
        self.object_streams = (
            [objects_generator(g) for g in generators] if self.object_looks else []
        )
        """Per replication: the decoys' and debris' stream (empty: none)."""
        if self.object_streams:
            extra = traj_rows - threats
            self.kill = np.concatenate(
                [self.kill, np.stack([g.random((extra, shots)) for g in self.object_streams])],
                axis=1,
            )
            self.assessment = np.concatenate(
                [
                    self.assessment,
                    np.stack([g.random((extra, shots)) for g in self.object_streams]),
                ],
                axis=1,
            )
            if self.impact_offset is not None:
                pad = np.zeros((len(generators), extra, 2))
                self.impact_offset = np.concatenate([self.impact_offset, pad], axis=1)
        self.discrimination_streams = (
            [discrimination_generator(g) for g in generators] if world.discriminates else []
        )
        """Per replication: the discrimination features' stream (empty: no complex)."""
        self.false_rate = np.array([r.false_alarms_per_scan for r in radars], dtype=float)
        self.tracking_layers = sum(1 for x in world.space_layers if x.role == "tracking")
        self._block: DrawBlock | None = None

    def block(self, k: int) -> DrawBlock:
        """The block holding step k's draws (drawn when k starts a block; steps in order)."""
        if k % BLOCK_STEPS == 0 or self._block is None:
            self._block = self._draw_block(k)
        return self._block

    def _draw_block(self, k: int) -> DrawBlock:
        steps = self.world.times.shape[0]
        radars = len(self.world.radars)
        threats = self.warheads
        k1 = min(k + BLOCK_STEPS, steps)
        lo, hi = self.looks.span(k, k1, radars)
        detect, noise = [], []
        counts_l, offset_l, uniform_l = [], [], []
        layer_uniform, layer_normal = [], []
        any_false = bool(np.any(self.false_rate > 0))
        for g in self.generators:
            detect.append(g.random(hi - lo))
            noise.append(g.standard_normal((hi - lo, 3)))
            if any_false:
                counts = g.poisson(self.false_rate, size=(k1 - k, radars)).astype(np.int64)
                counts_l.append(counts)
                offset_l.append(np.concatenate([[0], np.cumsum(counts.ravel())]))
                uniform_l.append(g.random((int(counts.sum()), 3)))
            for _ in range(self.tracking_layers):
                layer_uniform.append(g.random((threats, k1 - k)))
                layer_normal.append(g.standard_normal((threats, k1 - k, 3)))
        false_counts, false_uniform = None, np.zeros((0, 3))
        false_start = np.zeros((len(self.generators), 0), dtype=np.int64)
        if any_false:
            # The false-plot draws of all replications side by side: counts (reps, steps,
            # radars) and, per (replication, step, radar), where its uniforms start.
            false_counts = np.stack(counts_l)
            false_uniform = np.concatenate(uniform_l)
            base = np.cumsum([0] + [u.shape[0] for u in uniform_l[:-1]])
            false_start = np.stack(
                [b + o[:-1] for b, o in zip(base, offset_l, strict=True)]
            ).astype(np.int64)
        disc = None
        if self.discrimination_streams:
            disc = np.stack([g.standard_normal(hi - lo) for g in self.discrimination_streams])
        objects = self._object_block(k, k1, layer_uniform, layer_normal)
        return DrawBlock(
            k0=k,
            start=lo,
            detect=np.stack(detect),
            noise=np.stack(noise),
            false_counts=false_counts,
            false_uniform=false_uniform,
            false_start=false_start,
            layer_uniform=layer_uniform,
            layer_normal=layer_normal,
            objects=objects,
            discrimination=disc,
        )

    def _object_block(
        self, k: int, k1: int, layer_uniform: list[FloatArray], layer_normal: list[FloatArray]
    ) -> ObjectBlock | None:
        """The objects stream's draws of steps [k, k1); the tracking layers' draws of the
        objects are appended below the warheads' rows (in place)."""
        table = self.object_looks
        if table is None:
            return None
        lo, hi = table.span(k, k1, len(self.world.radars))
        extra = self.rows - self.warheads
        layers = self.tracking_layers
        detect, noise = [], []
        for r, g in enumerate(self.object_streams):
            detect.append(g.random(hi - lo))
            noise.append(g.standard_normal((hi - lo, 3)))
            for i in range(layers):
                j = r * layers + i
                layer_uniform[j] = np.concatenate([layer_uniform[j], g.random((extra, k1 - k))])
                layer_normal[j] = np.concatenate(
                    [layer_normal[j], g.standard_normal((extra, k1 - k, 3))]
                )
        disc = None
        if self.discrimination_streams:
            disc = np.stack([g.standard_normal(hi - lo) for g in self.discrimination_streams])
        return ObjectBlock(lo, np.stack(detect), np.stack(noise), disc)
