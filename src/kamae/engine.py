"""One replication: sense, track, evaluate, decide, engage and resolve, step by step.

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

The replication's random generator is passed in; nothing else is random.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kamae.engagement.threat_evaluation import assess_threats
from kamae.sensors.radar import measure
from kamae.tracking.converted import BallisticTrackBank
from kamae.world import World

INITIAL_VELOCITY_SIGMA_MPS = 3000.0
"""Velocity prior of a new track: of the order of a ballistic missile's speed."""

EVENT_KINDS = ("detection", "track", "launch", "intercept", "kill", "leak")


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


def simulate_many(
    world: World, seeds: Iterable[tuple[int, np.random.SeedSequence]]
) -> list[tuple[int, ReplicationResult]]:
    """Run the given (index, seed sequence) replications of one world, in order."""
    return [(i, simulate(world, np.random.default_rng(ss))) for i, ss in seeds]


def simulate(world: World, generator: np.random.Generator) -> ReplicationResult:
    """Run one replication of the world with the given random generator."""
    scenario = world.loaded.scenario
    doctrine = scenario.doctrine
    traj = world.trajectory
    times = world.times
    dt = world.dt
    n_threats = traj.count
    fu = world.fire_units
    n_units = len(fu.ids)
    log = EventLog()

    impact_step = np.searchsorted(times, traj.impact_time - 1e-9, side="left")
    alive = np.ones(n_threats, dtype=bool)
    leaked = np.zeros(n_threats, dtype=bool)
    shots = np.zeros(n_threats, dtype=np.int64)
    tiers = list(doctrine.layer_order)
    salvos = np.zeros((n_threats, len(tiers)), dtype=np.int64)
    busy_until = np.full(n_threats, -np.inf)
    firm_reported = np.zeros(n_threats, dtype=bool)
    inventory = fu.inventory.copy()
    launcher_free = [np.zeros(int(n)) for n in fu.launchers]
    fired = np.zeros(n_units, dtype=np.int64)
    unit_tier = np.array([tiers.index(t) if t in tiers else -1 for t in fu.tier], dtype=np.int64)
    pending: list[tuple[int, int, int, int, int]] = []  # (step, seq, threat, unit, count)
    seq = 0

    tracks = BallisticTrackBank(
        n_threats, doctrine.tracker_process_noise, INITIAL_VELOCITY_SIGMA_MPS
    )
    revisit_steps = [max(1, round(r.revisit_s / dt)) for r in world.radars]
    look_offset = [int(generator.integers(0, n)) for n in revisit_steps]
    seen = np.zeros((len(world.radars), n_threats), dtype=bool)

    for k in range(times.shape[0]):
        t = float(times[k])

        # Resolve: interceptors arriving now.
        while pending and pending[0][0] <= k:
            _, _, n, j, count = heapq.heappop(pending)
            if not alive[n]:
                continue
            p_kill = fu.sspk[j, world.threat_class[n]]
            hits = generator.random(count) < p_kill
            for h in hits:
                log.add(
                    t,
                    "intercept",
                    world.threat_ids[n],
                    None,
                    fu.ids[j],
                    fu.interceptor[j],
                    "hit" if h else "miss",
                )
            if hits.any():
                alive[n] = False
                tracks.drop(np.array([n]))
                log.add(t, "kill", world.threat_ids[n], None, fu.ids[j], fu.interceptor[j])

        # Leak: threats reaching their aim point alive.
        landing = np.flatnonzero(alive & (impact_step == k))
        for n in landing:
            alive[n] = False
            leaked[n] = True
            log.add(float(traj.impact_time[n]), "leak", world.threat_ids[n])
        if landing.size:
            tracks.drop(landing)

        # Sense and track.
        looked: list[npt.NDArray[np.int64]] = []
        measured: list[tuple[np.ndarray, np.ndarray]] = []
        for s, radar in enumerate(world.radars):
            if (k + look_offset[s]) % revisit_steps[s]:
                continue
            view = world.views[s]
            visible = np.flatnonzero(view.visible[:, k] & alive)
            if visible.size == 0:
                continue
            detected = visible[generator.random(visible.size) < radar.pd_per_look]
            if detected.size == 0:
                continue
            measured.append(
                measure(
                    radar,
                    view.range_m[detected, k],
                    view.azimuth[detected, k],
                    view.elevation[detected, k],
                    generator,
                )
            )
            looked.append(detected)
            for n in detected[~seen[s, detected]]:
                log.add(
                    t,
                    "detection",
                    world.threat_ids[n],
                    world.sensor_ids[s],
                    detail=f"range_km={view.range_m[n, k] / 1e3:.0f}",
                )
            seen[s, detected] = True
        if looked:
            _update_tracks(tracks, looked, measured, t)

        # Decide and engage.
        if n_units == 0 or not np.any(inventory > 0):
            continue
        firm = (tracks.updates >= doctrine.track_confirm_updates) & alive
        with np.errstate(invalid="ignore"):
            quality = (
                firm
                & (tracks.position_sigma() <= doctrine.fire_control_position_sigma_m)
                & (tracks.velocity_sigma() <= doctrine.fire_control_velocity_sigma_mps)
            )
        for n in np.flatnonzero(quality & ~firm_reported):
            log.add(t, "track", world.threat_ids[n], detail="fire_control_quality")
        firm_reported |= quality
        ready = np.flatnonzero(
            quality & (busy_until <= t) & (shots < doctrine.max_shots_per_threat)
        )
        if ready.size == 0:
            continue
        # Only threats that some stocked unit could fire at in this step need a decision.
        steps, launch_times = world.windows.next_opportunity(ready, t)
        with np.errstate(invalid="ignore"):
            now = (steps >= 0) & (launch_times < t + dt) & (inventory > 0)[None, :]
        ready = ready[now.any(axis=1)]
        if ready.size == 0:
            continue
        tracks.predict(ready, t)
        assessed = assess_threats(
            tracks.state[ready, :3],
            tracks.state[ready, 3:],
            world.asset_ecef,
            world.asset_value,
            doctrine.engage_radius_km * 1e3,
        )
        threatening = assessed.asset >= 0
        if not np.any(threatening):
            continue
        order = np.lexsort((assessed.time_to_go_s[threatening], -assessed.value[threatening]))
        candidates = ready[threatening][order]
        steps, launch_times = world.windows.next_opportunity(candidates, t)
        for row, n in enumerate(candidates):
            for tier_index in range(len(tiers)):
                if not doctrine.shoot_look_shoot and salvos[n, tier_index] >= 1:
                    continue
                units = np.flatnonzero(
                    (unit_tier == tier_index) & (inventory > 0) & (steps[row] >= 0)
                )
                if units.size == 0:
                    continue  # no opportunity left in this layer: the next layer may engage
                units = units[np.argsort(steps[row, units], kind="stable")]
                for j in units:
                    if launch_times[row, j] >= t + dt:
                        break  # this layer's next opportunity is later: wait for it
                    free = np.flatnonzero(launcher_free[j] <= t + 1e-9)
                    count = int(
                        min(
                            doctrine.shots_per_salvo,
                            inventory[j],
                            free.size,
                            doctrine.max_shots_per_threat - shots[n],
                        )
                    )
                    if count <= 0:
                        continue
                    launcher_free[j][free[:count]] = t + fu.launch_interval_s[j]
                    inventory[j] -= count
                    fired[j] += count
                    shots[n] += count
                    salvos[n, tier_index] += 1
                    intercept_step = max(int(steps[row, j]), k + 1)
                    busy_until[n] = times[intercept_step] + doctrine.kill_assessment_s
                    heapq.heappush(pending, (intercept_step, seq, int(n), int(j), count))
                    seq += 1
                    for _ in range(count):
                        log.add(
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

    metrics: dict[str, float] = {
        "threats_launched": float(n_threats),
        "threats_intercepted": float(n_threats - leaked.sum() - alive.sum()),
        "threats_leaked": float(leaked.sum()),
        "no_leak": float(leaked.sum() == 0),
        "interceptors_fired": float(fired.sum()),
    }
    for name in sorted(set(fu.interceptor)):
        metrics[f"fired.{name}"] = float(fired[[i == name for i in fu.interceptor]].sum())
    return ReplicationResult(metrics=metrics, events=log)


def _update_tracks(
    tracks: BallisticTrackBank,
    looked: list[npt.NDArray[np.int64]],
    measured: list[tuple[np.ndarray, np.ndarray]],
    t: float,
) -> None:
    """Fold all of a step's detections into the tracks, one batched update per pass.

    A threat seen by several radars in the same step gets their measurements in successive
    passes (in sensor order), which is the sequential form of the multi-sensor update.
    """
    index = np.concatenate(looked)
    z = np.concatenate([m[0] for m in measured])
    cov = np.concatenate([m[1] for m in measured])
    remaining = np.arange(index.size)
    while remaining.size:
        _, first = np.unique(index[remaining], return_index=True)
        first.sort()
        take = remaining[first]
        tracks.update(index[take], z[take], cov[take], t)
        remaining = np.delete(remaining, first)
