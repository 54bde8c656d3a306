"""Replications: sense, track, evaluate, decide, engage and resolve, step by step.

Time-stepped at the scenario's step (1 s by default). In each step, in this order: interceptors
arriving now resolve (independent Bernoulli kills with the interceptor's single-shot kill
probability against the threat's class); threats reaching their impact point alive leak;
radars whose look falls in this step detect visible live threats with their per-look Pd and
update the threat's system track; the battle manager engages firm, fire-control-quality
tracks whose predicted impact threatens a defended asset.

Battle management (the skeleton's rule set, stated in docs/models.md): threats in order of
the threatened asset's value, then time to go; layers in the doctrine's order, a lower layer
engaging a threat only once no unit of a higher layer has an opportunity left (or, without
shoot-look-shoot, once the higher layer has fired its salvo); within a layer the unit with the
earliest intercept; a salvo of `shots_per_salvo` launched when that unit's launch time comes;
no further salvo until kill assessment (perfect) at intercept time + `kill_assessment_s`.
Destroyed threats are no longer detected (debris is not modeled).

A batch of replications runs side by side as arrays (replication × threat), so the cost of
each step's array operations is shared. Each replication draws its random numbers only from
its own generator, in an order fixed by the scenario (look phases, kill draws, then one block
of detection and noise draws per `BLOCK_STEPS` steps), so its outcome never depends on which
replications share its batch.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kamae.engagement.threat_evaluation import assess_threats
from kamae.sensors.radar import measure
from kamae.tracking.converted import BallisticTrackBank
from kamae.world import World

INITIAL_VELOCITY_SIGMA_MPS = 3000.0
"""Velocity prior of a new track: of the order of a ballistic missile's speed."""

BLOCK_STEPS = 64
"""Steps whose detection and noise draws a replication makes in one call."""

EVENT_KINDS = ("detection", "track", "launch", "intercept", "kill", "leak")

IntArray = npt.NDArray[np.int64]


@dataclass
class EventLog:
    """The replication's events in columns (one list per field)."""

    time_s: list[float] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    threat: list[str | None] = field(default_factory=list)
    sensor: list[str | None] = field(default_factory=list)
    fire_unit: list[str | None] = field(default_factory=list)
    interceptor: list[str | None] = field(default_factory=list)
    detail: list[str | None] = field(default_factory=list)

    def add(
        self,
        time_s: float,
        kind: str,
        threat: str | None = None,
        sensor: str | None = None,
        fire_unit: str | None = None,
        interceptor: str | None = None,
        detail: str | None = None,
    ) -> None:
        self.time_s.append(float(time_s))
        self.kind.append(kind)
        self.threat.append(threat)
        self.sensor.append(sensor)
        self.fire_unit.append(fire_unit)
        self.interceptor.append(interceptor)
        self.detail.append(detail)

    def __len__(self) -> int:
        return len(self.time_s)


@dataclass(frozen=True)
class ReplicationResult:
    """Metrics (plain numbers) and the event log of one replication."""

    metrics: dict[str, float]
    events: EventLog


@dataclass(frozen=True)
class _LookTable:
    """For each sensor and step, the threats inside its coverage (world geometry, CSR form).

    Replication random draws are laid out over these (step, sensor, threat) triples in
    step-major order; `offset[k, s]` is where step k, sensor s starts.
    """

    visible: list[list[IntArray]]
    offset: IntArray

    @classmethod
    def of(cls, world: World) -> _LookTable:
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


def simulate_many(
    world: World, seeds: Sequence[tuple[int, np.random.SeedSequence]]
) -> list[tuple[int, ReplicationResult]]:
    """Run the given (index, seed sequence) replications of one world as one batch."""
    results = simulate_batch(world, [np.random.default_rng(ss) for _, ss in seeds])
    return [(i, r) for (i, _), r in zip(seeds, results, strict=True)]


def simulate(world: World, generator: np.random.Generator) -> ReplicationResult:
    """Run one replication of the world with the given random generator."""
    return simulate_batch(world, [generator])[0]


def simulate_batch(
    world: World, generators: Sequence[np.random.Generator]
) -> list[ReplicationResult]:
    """Run one replication per generator, side by side."""
    doctrine = world.loaded.scenario.doctrine
    traj = world.trajectory
    times = world.times
    dt = world.dt
    n_reps = len(generators)
    n_threats = traj.count
    n_sensors = len(world.radars)
    fu = world.fire_units
    n_units = len(fu.ids)
    tiers = list(doctrine.layer_order)
    logs = [EventLog() for _ in range(n_reps)]
    looks = _LookTable.of(world)

    # Random draws fixed at the start of each replication.
    revisit = np.array([max(1, round(r.revisit_s / dt)) for r in world.radars], dtype=np.int64)
    look_offset = np.array(
        [[int(g.integers(0, n)) for n in revisit] for g in generators], dtype=np.int64
    ).reshape(n_reps, n_sensors)
    kill_draws = np.stack(
        [g.random((n_threats, doctrine.max_shots_per_threat)) for g in generators]
    )

    impact_step = np.searchsorted(times, traj.impact_time - 1e-9, side="left")
    alive = np.ones((n_reps, n_threats), dtype=bool)
    leaked = np.zeros((n_reps, n_threats), dtype=bool)
    shots = np.zeros((n_reps, n_threats), dtype=np.int64)
    salvos = np.zeros((n_reps, n_threats, len(tiers)), dtype=np.int64)
    busy_until = np.full((n_reps, n_threats), -np.inf)
    quality_reported = np.zeros((n_reps, n_threats), dtype=bool)
    seen = np.zeros((n_reps, n_sensors, n_threats), dtype=bool)
    inventory = np.tile(fu.inventory, (n_reps, 1))
    max_launchers = int(fu.launchers.max()) if n_units else 0
    launcher_free = np.full((n_reps, n_units, max_launchers), np.inf)
    for j in range(n_units):
        launcher_free[:, j, : fu.launchers[j]] = 0.0
    fired = np.zeros((n_reps, n_units), dtype=np.int64)
    unit_tier = np.array([tiers.index(t) if t in tiers else -1 for t in fu.tier], dtype=np.int64)
    # (intercept step, sequence, replication, threat, unit, index of first shot, shots)
    pending: list[tuple[int, int, int, int, int, int, int]] = []
    seq = 0
    tracks = BallisticTrackBank(
        n_reps * n_threats, doctrine.tracker_process_noise, INITIAL_VELOCITY_SIGMA_MPS
    )

    site_ecef = np.array([r.ecef for r in world.radars]).reshape(n_sensors, 3)
    site_rotation = np.array([r.enu_rotation for r in world.radars]).reshape(n_sensors, 3, 3)
    range_sigma = np.array([r.range_sigma_m for r in world.radars], dtype=float)
    angle_sigma = np.array([r.angle_sigma for r in world.radars], dtype=float)
    if n_sensors:
        geometry_range = np.stack([v.range_m for v in world.views])
        geometry_azimuth = np.stack([v.azimuth for v in world.views])
        geometry_elevation = np.stack([v.elevation for v in world.views])

    uniform = normal = np.zeros((n_reps, 0))
    block_start = 0
    for k in range(times.shape[0]):
        t = float(times[k])
        if k % BLOCK_STEPS == 0:
            lo, hi = looks.span(k, min(k + BLOCK_STEPS, times.shape[0]), n_sensors)
            uniform = np.stack([g.random(hi - lo) for g in generators])
            normal = np.stack([g.standard_normal((hi - lo, 3)) for g in generators])
            block_start = lo

        # Resolve: interceptors arriving now.
        while pending and pending[0][0] <= k:
            _, _, r, n, j, first, count = heapq.heappop(pending)
            if not alive[r, n]:
                continue
            p_kill = fu.sspk[j, world.threat_class[n]]
            hits = kill_draws[r, n, first : first + count] < p_kill
            for h in hits:
                logs[r].add(
                    t,
                    "intercept",
                    world.threat_ids[n],
                    None,
                    fu.ids[j],
                    fu.interceptor[j],
                    "hit" if h else "miss",
                )
            if hits.any():
                alive[r, n] = False
                tracks.drop(np.array([r * n_threats + n]))
                logs[r].add(t, "kill", world.threat_ids[n], None, fu.ids[j], fu.interceptor[j])

        # Leak: threats reaching their aim point alive.
        landing = np.flatnonzero(impact_step == k)
        if landing.size:
            reps, which = np.nonzero(alive[:, landing])
            for r, n in zip(reps, landing[which], strict=True):
                logs[r].add(float(traj.impact_time[n]), "leak", world.threat_ids[n])
            leaked[reps, landing[which]] = True
            alive[:, landing] = False
            tracks.drop((np.arange(n_reps)[:, None] * n_threats + landing[None, :]).ravel())

        # Sense and track.
        det_sensor: list[IntArray] = []
        det_rep: list[IntArray] = []
        det_threat: list[IntArray] = []
        det_draw: list[IntArray] = []
        for s, radar in enumerate(world.radars):
            candidates = looks.visible[s][k]
            if candidates.size == 0:
                continue
            base = int(looks.offset[k * n_sensors + s]) - block_start
            looking = (k + look_offset[:, s]) % revisit[s] == 0
            draws = uniform[:, base : base + candidates.size]
            hit = looking[:, None] & alive[:, candidates] & (draws < radar.pd_per_look)
            reps, cols = np.nonzero(hit)
            if reps.size == 0:
                continue
            threats = candidates[cols]
            det_sensor.append(np.full(reps.size, s))
            det_rep.append(reps)
            det_threat.append(threats)
            det_draw.append(base + cols)
            new = ~seen[reps, s, threats]
            for r, n in zip(reps[new], threats[new], strict=True):
                logs[r].add(
                    t,
                    "detection",
                    world.threat_ids[n],
                    world.sensor_ids[s],
                    detail=f"range_km={world.views[s].range_m[n, k] / 1e3:.0f}",
                )
            seen[reps, s, threats] = True
        if det_rep:
            sensor = np.concatenate(det_sensor)
            rep = np.concatenate(det_rep)
            threat = np.concatenate(det_threat)
            z, cov = measure(
                site_ecef[sensor],
                site_rotation[sensor],
                range_sigma[sensor],
                angle_sigma[sensor],
                geometry_range[sensor, threat, k],
                geometry_azimuth[sensor, threat, k],
                geometry_elevation[sensor, threat, k],
                normal[rep, np.concatenate(det_draw)],
            )
            slots, z, cov = _fuse_same_time(rep * n_threats + threat, z, cov)
            tracks.update(slots, z, cov, t)

        # Decide and engage.
        if n_units == 0:
            continue
        updates = tracks.updates.reshape(n_reps, n_threats)
        firm = (updates >= doctrine.track_confirm_updates) & alive
        if not firm.any():
            continue
        with np.errstate(invalid="ignore"):
            quality = (
                firm
                & (
                    tracks.position_sigma().reshape(n_reps, n_threats)
                    <= doctrine.fire_control_position_sigma_m
                )
                & (
                    tracks.velocity_sigma().reshape(n_reps, n_threats)
                    <= doctrine.fire_control_velocity_sigma_mps
                )
            )
        for r, n in zip(*np.nonzero(quality & ~quality_reported), strict=True):
            logs[r].add(t, "track", world.threat_ids[n], detail="fire_control_quality")
        quality_reported |= quality
        ready = quality & (busy_until <= t) & (shots < doctrine.max_shots_per_threat)
        if not ready.any():
            continue
        # Only threats that some stocked unit could fire at in this step need a decision.
        ready_threats = np.flatnonzero(ready.any(axis=0))
        steps_all = np.full((n_threats, n_units), -1, dtype=np.int64)
        launch_all = np.full((n_threats, n_units), np.nan)
        steps_all[ready_threats], launch_all[ready_threats] = world.windows.next_opportunity(
            ready_threats, t
        )
        with np.errstate(invalid="ignore"):
            opening = (steps_all >= 0) & (launch_all < t + dt)  # (N, F)
        fire_now = ready & np.any(opening[None, :, :] & (inventory > 0)[:, None, :], axis=2)
        reps, threats = np.nonzero(fire_now)
        if reps.size == 0:
            continue
        slots = reps * n_threats + threats
        tracks.predict(slots, t)
        assessed = assess_threats(
            tracks.state[slots, :3],
            tracks.state[slots, 3:],
            world.asset_ecef,
            world.asset_value,
            doctrine.engage_radius_km * 1e3,
        )
        threatening = assessed.asset >= 0
        if not np.any(threatening):
            continue
        order = np.lexsort(
            (assessed.time_to_go_s[threatening], -assessed.value[threatening], reps[threatening])
        )
        for r, n in zip(reps[threatening][order], threats[threatening][order], strict=True):
            steps_n = steps_all[n]
            for tier_index in range(len(tiers)):
                if not doctrine.shoot_look_shoot and salvos[r, n, tier_index] >= 1:
                    continue
                units = np.flatnonzero(
                    (unit_tier == tier_index) & (inventory[r] > 0) & (steps_n >= 0)
                )
                if units.size == 0:
                    continue  # no opportunity left in this layer: the next layer may engage
                units = units[np.argsort(steps_n[units], kind="stable")]
                for j in units:
                    if launch_all[n, j] >= t + dt:
                        break  # this layer's next opportunity is later: wait for it
                    free = np.flatnonzero(launcher_free[r, j] <= t + 1e-9)
                    count = int(
                        min(
                            doctrine.shots_per_salvo,
                            inventory[r, j],
                            free.size,
                            doctrine.max_shots_per_threat - shots[r, n],
                        )
                    )
                    if count <= 0:
                        continue
                    launcher_free[r, j, free[:count]] = t + fu.launch_interval_s[j]
                    inventory[r, j] -= count
                    fired[r, j] += count
                    salvos[r, n, tier_index] += 1
                    intercept_step = max(int(steps_n[j]), k + 1)
                    busy_until[r, n] = times[intercept_step] + doctrine.kill_assessment_s
                    heapq.heappush(
                        pending,
                        (intercept_step, seq, int(r), int(n), int(j), int(shots[r, n]), count),
                    )
                    shots[r, n] += count
                    seq += 1
                    for _ in range(count):
                        logs[r].add(
                            t,
                            "launch",
                            world.threat_ids[n],
                            None,
                            fu.ids[j],
                            fu.interceptor[j],
                            f"intercept_at_s={times[intercept_step]:.0f}",
                        )
                    break
                break  # this layer holds the threat (fired or waiting)

    results = []
    type_names = sorted(set(fu.interceptor))
    for r in range(n_reps):
        n_leaked = int(leaked[r].sum())
        metrics: dict[str, float] = {
            "threats_launched": float(n_threats),
            "threats_intercepted": float(n_threats - n_leaked - int(alive[r].sum())),
            "threats_leaked": float(n_leaked),
            "no_leak": float(n_leaked == 0),
            "interceptors_fired": float(fired[r].sum()),
        }
        for name in type_names:
            metrics[f"fired.{name}"] = float(fired[r, [i == name for i in fu.interceptor]].sum())
        results.append(ReplicationResult(metrics=metrics, events=logs[r]))
    return results


def _fuse_same_time(
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
