"""Replications of a world, time-stepped: look, plots, report, track, evaluate, engage, resolve.

Time-stepped at the scenario's step (1 s by default). Each step starts by resolving what
arrives at its time (interceptors launched in earlier steps meet their threats; threats
reaching their aim point alive leak: `battle.Battle.resolve`); then the sensors look and
make plots (`looks.Looks.step`), the plots are reported over the allied network
(`pictures.Pictures.observe`), the tracker folds them into the system tracks
(`kamae.tracking.SystemTracker.scan`), the fire units' pictures take in the reports that
have arrived (`pictures.Pictures.advance`), the picture is measured against the truth
(`measures.PictureMeasures.sample`), and the battle manager evaluates threats, decides and
launches (`battle.Battle.engage`).

A batch of replications runs side by side as arrays (replication × threat), so the cost of
each step's array operations is shared. Each replication draws its random numbers only from
its own generator, in the order fixed once in `kamae.engine.draws`, so its outcome never
depends on which replications share its batch.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kamae.engine.battle import Battle
from kamae.engine.draws import Draws
from kamae.engine.looks import Looks
from kamae.engine.measures import PictureMeasures
from kamae.engine.pictures import Pictures
from kamae.engine.records import EventLog, ReplicationResult
from kamae.results.metrics import ReplicationMetrics
from kamae.tracking.initiation import MOfN
from kamae.tracking.tracker import SystemTracker
from kamae.world import World

INITIAL_VELOCITY_SIGMA_MPS = 3000.0
"""Velocity prior of a new track: of the order of a ballistic missile's speed."""


def simulate_many(
    world: World, seeds: Sequence[tuple[int, np.random.SeedSequence]]
) -> list[tuple[int, ReplicationResult]]:
    """Run the given (index, seed sequence) replications of one world as one batch."""
    results = simulate_batch(world, [np.random.default_rng(ss) for _, ss in seeds])
    return [(i, r) for (i, _), r in zip(seeds, results, strict=True)]


def simulate(world: World, generator: np.random.Generator) -> ReplicationResult:
    """Run one replication of the world with the given random generator."""
    return simulate_batch(world, [generator])[0]


def system_tracker(world: World, reps: int) -> SystemTracker:
    """The tracker of a batch: the doctrine's process noise, each radar's M-of-N logic for
    the false tracks it starts, looked at every track revisit."""
    radars = world.radars
    return SystemTracker(
        reps,
        world.trajectory.count,
        world.doctrine.tracker_process_noise,
        INITIAL_VELOCITY_SIGMA_MPS,
        [MOfN(r.confirm_hits, r.confirm_looks, r.delete_after_misses) for r in radars],
        np.array([r.revisit_s / world.dt for r in radars], dtype=float),
        level=world.threat_level_flight,
    )


def simulate_batch(
    world: World, generators: Sequence[np.random.Generator]
) -> list[ReplicationResult]:
    """Run one replication per generator, side by side."""
    logs = [EventLog() for _ in generators]
    draws = Draws(world, generators)
    looks = Looks(world, draws)
    tracker = system_tracker(world, len(generators))
    measures = PictureMeasures(world, len(generators))
    battle = Battle(world, draws)
    looks.radar_alive = battle.radar_alive  # a destroyed radar looks at nothing
    pictures = Pictures(world, draws.network, tracker.tracks)
    for k, t in enumerate(world.times.tolist()):
        battle.resolve(k, t, pictures, logs)
        plots, false_plots = looks.step(k, t, draws.block(k), battle.alive, tracker.held, logs)
        pictures.observe(t, plots)
        tracker.scan(k, t, plots, false_plots)
        measures.sample(k, t, battle.alive, tracker)
        pictures.advance(t)
        battle.engage(k, t, pictures, logs)
    pictures.confirm_attack(logs)
    battle.finish(logs)
    return [
        ReplicationResult(
            metrics=ReplicationMetrics(
                battle.metrics(r),
                measures.counts(r, looks, tracker),
                pictures.metrics(r),
                battle.countermeasures(r),
            ).columns(),
            events=logs[r],
        )
        for r in range(len(logs))
    ]
