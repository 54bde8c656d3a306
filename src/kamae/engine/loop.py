"""Replications of a world, time-stepped: resolve, sense and track, decide and engage.

Time-stepped at the scenario's step (1 s by default). In each step, in this order:
interceptors arriving now resolve and threats reaching their aim point alive leak
(`battle.Battle.resolve`); radars look, detect and update tracks (`sensing.Sensing.step`);
the battle manager decides and launches (`battle.Battle.engage`).

A batch of replications runs side by side as arrays (replication × threat), so the cost of
each step's array operations is shared. Each replication draws its random numbers only from
its own generator, in an order fixed by the scenario (radar search phases, early-warning
report errors, kill draws, then one block of detection, noise, false-plot and tracking-layer
draws per `sensing.BLOCK_STEPS` steps; the full order is in `sensing.Sensing`), so its
outcome never depends on which replications share its batch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kamae.engine.battle import Battle
from kamae.engine.pictures import Pictures
from kamae.engine.records import EventLog, ReplicationResult
from kamae.engine.sensing import Sensing
from kamae.results.metrics import ReplicationMetrics
from kamae.world import World


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
    logs = [EventLog() for _ in generators]
    sensing = Sensing(world, generators)
    battle = Battle(world, generators)
    pictures = Pictures(world, generators, sensing.tracks)
    if pictures.networked:
        sensing.pictures = pictures
    for k, t in enumerate(world.times.tolist()):
        battle.resolve(k, t, pictures, logs)
        sensing.step(k, t, battle.alive, logs)
        pictures.advance(t)
        battle.engage(k, t, pictures, logs)
    pictures.confirm_attack(logs)
    return [
        ReplicationResult(
            metrics=ReplicationMetrics(
                battle.metrics(r), sensing.metrics(r), pictures.metrics(r)
            ).columns(),
            events=logs[r],
        )
        for r in range(len(logs))
    ]
