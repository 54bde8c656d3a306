"""Sense and track, for a batch of replications: radar looks, detections, measurements and the
system tracks they update.

Radars whose look falls in a step detect visible live threats with their per-look Pd; each
detection is measured (see `kamae.sensors.radar.measure`) and folded into the threat's system
track. Measurements of one track in the same step are first combined in information form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.engine.records import EventLog
from kamae.sensors.radar import measure
from kamae.tracking.converted import BallisticTrackBank
from kamae.world import World

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

INITIAL_VELOCITY_SIGMA_MPS = 3000.0
"""Velocity prior of a new track: of the order of a ballistic missile's speed."""

BLOCK_STEPS = 64
"""Steps whose detection and noise draws a replication makes in one call."""


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

    Construction draws each replication's radar look phases (the first draws of its
    generator); detection and noise draws follow in blocks of `BLOCK_STEPS` steps.
    """

    def __init__(self, world: World, generators: Sequence[np.random.Generator]) -> None:
        doctrine = world.loaded.scenario.doctrine
        self.world = world
        self.generators = generators
        self.reps = len(generators)
        self.threats = world.trajectory.count
        self.sensors = len(world.radars)
        self.looks = LookTable.of(world)
        self.revisit = np.array(
            [max(1, round(r.revisit_s / world.dt)) for r in world.radars], dtype=np.int64
        )
        self.look_offset = np.array(
            [[int(g.integers(0, n)) for n in self.revisit] for g in generators], dtype=np.int64
        ).reshape(self.reps, self.sensors)
        self.seen = np.zeros((self.reps, self.sensors, self.threats), dtype=bool)
        self.tracks = BallisticTrackBank(
            self.reps * self.threats, doctrine.tracker_process_noise, INITIAL_VELOCITY_SIGMA_MPS
        )
        radars = world.radars
        self.site_ecef = np.array([r.ecef for r in radars]).reshape(self.sensors, 3)
        self.site_rotation = np.array([r.enu_rotation for r in radars]).reshape(self.sensors, 3, 3)
        self.range_sigma = np.array([r.range_sigma_m for r in radars], dtype=float)
        self.angle_sigma = np.array([r.angle_sigma for r in radars], dtype=float)
        steps = world.times.shape[0]
        empty = np.zeros((0, self.threats, steps))
        self.geometry_range = np.stack([v.range_m for v in world.views]) if radars else empty
        self.geometry_azimuth = np.stack([v.azimuth for v in world.views]) if radars else empty
        self.geometry_elevation = np.stack([v.elevation for v in world.views]) if radars else empty
        self._uniform = np.zeros((self.reps, 0))
        self._normal = np.zeros((self.reps, 0, 3))
        self._block_start = 0

    def _draw_block(self, k: int) -> None:
        steps = self.world.times.shape[0]
        lo, hi = self.looks.span(k, min(k + BLOCK_STEPS, steps), self.sensors)
        self._uniform = np.stack([g.random(hi - lo) for g in self.generators])
        self._normal = np.stack([g.standard_normal((hi - lo, 3)) for g in self.generators])
        self._block_start = lo

    def step(self, k: int, t: float, alive: BoolArray, logs: list[EventLog]) -> None:
        """Looks, detections and track updates of step k for live threats (reps × threats)."""
        if k % BLOCK_STEPS == 0:
            self._draw_block(k)
        world = self.world
        det_sensor: list[IntArray] = []
        det_rep: list[IntArray] = []
        det_threat: list[IntArray] = []
        det_draw: list[IntArray] = []
        for s, radar in enumerate(world.radars):
            candidates = self.looks.visible[s][k]
            if candidates.size == 0:
                continue
            base = int(self.looks.offset[k * self.sensors + s]) - self._block_start
            looking = (k + self.look_offset[:, s]) % self.revisit[s] == 0
            draws = self._uniform[:, base : base + candidates.size]
            hit = looking[:, None] & alive[:, candidates] & (draws < radar.pd_per_look)
            reps, cols = np.nonzero(hit)
            if reps.size == 0:
                continue
            threats = candidates[cols]
            det_sensor.append(np.full(reps.size, s))
            det_rep.append(reps)
            det_threat.append(threats)
            det_draw.append(base + cols)
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
        if not det_rep:
            return
        sensor = np.concatenate(det_sensor)
        rep = np.concatenate(det_rep)
        threat = np.concatenate(det_threat)
        z, cov = measure(
            self.site_ecef[sensor],
            self.site_rotation[sensor],
            self.range_sigma[sensor],
            self.angle_sigma[sensor],
            self.geometry_range[sensor, threat, k],
            self.geometry_azimuth[sensor, threat, k],
            self.geometry_elevation[sensor, threat, k],
            self._normal[rep, np.concatenate(det_draw)],
        )
        slots, z, cov = fuse_same_time(rep * self.threats + threat, z, cov)
        self.tracks.update(slots, z, cov, t)


def fuse_same_time(
    slots: IntArray, z: np.ndarray, cov: np.ndarray
) -> tuple[IntArray, np.ndarray, np.ndarray]:
    """Combine measurements of the same track taken at the same time into one.

    For position measurements of one state, z = R·Σ R_i⁻¹ z_i with R = (Σ R_i⁻¹)⁻¹ is the
    information-form combination, algebraically identical to updating with each in turn
    (Bar-Shalom, Li & Kirubarajan 2001, section 7.4: the information filter).
    """
    unique, inverse = np.unique(slots, return_inverse=True)
    if unique.size == slots.size:
        return slots, z, cov
    info = np.linalg.inv(cov)
    info_sum = np.zeros((unique.size, 3, 3))
    np.add.at(info_sum, inverse, info)
    info_z = np.zeros((unique.size, 3))
    np.add.at(info_z, inverse, np.einsum("mij,mj->mi", info, z))
    fused_cov = np.linalg.inv(info_sum)
    fused_z = np.einsum("mij,mj->mi", fused_cov, info_z)
    return unique, fused_z, 0.5 * (fused_cov + fused_cov.transpose(0, 2, 1))
