"""Replications of a world, time-stepped: look, plots, report, track, evaluate, engage, resolve.

Time-stepped at the scenario's step (1 s by default). Each step starts by resolving what
arrives at its time (interceptors launched in earlier steps meet their threats; threats
reaching their aim point alive leak: `battle.Battle.resolve`); then the sensors look and
make plots (`looks.Looks.step`), the plots are reported over the allied network
(`pictures.Pictures.observe`), the tracker folds them into the system tracks
(`kamae.tracking.SystemTracker.scan`), the fire units' pictures take in the reports that
have arrived (`pictures.Pictures.advance`), the picture is measured against the truth
(`measures.PictureMeasures.sample`), and the battle manager evaluates threats, decides and
offers the salvos that can launch now (`battle.Battle.engage`); a chooser (the built-in
doctrine, or an agent through `kamae.gym`) picks from each offer and the chosen salvos launch
(`battle.Battle.commit`). `Simulation` is that loop as a stepper.

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
from kamae.engine.offers import Choice, Offer
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
    """The tracker of a batch: the doctrine's process noise and filter per threat (the IMM for
    glide and quasi-ballistic threats by default), each radar's M-of-N logic for the false
    tracks it starts, looked at every track revisit."""
    radars = world.radars
    return SystemTracker(
        reps,
        world.trajectory.count,
        world.doctrine.tracker_process_noise,
        INITIAL_VELOCITY_SIGMA_MPS,
        [MOfN(r.confirm_hits, r.confirm_looks, r.delete_after_misses) for r in radars],
        np.array([r.revisit_s / world.dt for r in radars], dtype=float),
        level=world.threat_level_flight,
        kind=world.tracker.kinds(world.threat_kind),
        manoeuvre=world.tracker.manoeuvre,
    )


class Simulation:
    """A batch of replications, stepped one decision at a time.

    `advance` runs steps until the battle manager of some replication has candidate salvos
    (`kamae.engine.offers.Offer`, one per such replication, pending until `commit`), or to
    the end of the run ([]); `commit` launches the salvos chosen from each pending offer
    and ends that step. `simulate_batch` commits the built-in doctrine's choices
    (`doctrine_choice`); `kamae.gym` lets an agent choose instead.
    """

    def __init__(self, world: World, generators: Sequence[np.random.Generator]) -> None:
        self.world = world
        self.logs = [EventLog() for _ in generators]
        draws = Draws(world, generators)
        self.looks = Looks(world, draws)
        self.tracker = system_tracker(world, len(generators))
        self.measures = PictureMeasures(world, len(generators))
        self.battle = Battle(world, draws)
        self.looks.radar_alive = self.battle.radar_alive  # a destroyed radar looks at nothing
        self.pictures = Pictures(world, draws.network, self.tracker.tracks)
        self.draws = draws
        self.times: list[float] = world.times.tolist()
        self.k = 0
        """The step in progress (or next to run)."""
        self.offers: list[Offer] = []
        """The pending offers of step k."""
        self.done = False

    def advance(self) -> list[Offer]:
        """Run on until a step has offers (returned, pending until `commit`) or to the end."""
        if self.offers:
            raise RuntimeError("the pending offers must be committed first")
        while self.k < len(self.times):
            self.offers = self._run_step(self.k, self.times[self.k])
            if self.offers:
                return self.offers
            self.battle.close(self.times[self.k])
            self.k += 1
        if not self.done:
            self.pictures.confirm_attack(self.logs)
            self.battle.finish(self.logs)
            self.done = True
        return []

    def _run_step(self, k: int, t: float) -> list[Offer]:
        """Step k up to the battle manager's offers."""
        battle, looks, pictures, tracker, logs = (
            self.battle, self.looks, self.pictures, self.tracker, self.logs,
        )  # fmt: skip
        battle.resolve(k, t, pictures, logs)
        plots, false_plots = looks.step(k, t, self.draws.block(k), battle.alive, tracker.held, logs)
        pictures.observe(t, plots)
        tracker.scan(k, t, plots, false_plots)
        self.measures.sample(k, t, battle.alive, tracker)
        pictures.advance(t)
        pictures.measure(k, battle.alive)
        return battle.engage(k, t, pictures, logs)

    def doctrine_choice(self, offer: Offer) -> Choice:
        """The built-in doctrine's salvos from a pending offer."""
        return self.battle.doctrine_choice(offer, self.pictures)

    def commit(self, choices: Sequence[Choice]) -> None:
        """Launch the salvos chosen from each pending offer (in their order) and end the step."""
        if len(choices) != len(self.offers):
            raise ValueError(f"{len(self.offers)} choices expected, one per pending offer")
        for offer, chosen in zip(self.offers, choices, strict=True):
            self.battle.commit(offer, chosen, self.pictures, self.logs[offer.r])
        self.battle.close(self.times[self.k])
        self.offers = []
        self.k += 1

    def results(self) -> list[ReplicationResult]:
        """Each replication's metrics and events (once `advance` has reached the end)."""
        if not self.done:
            raise RuntimeError("the replications have not reached their end")
        battle = self.battle
        return [
            ReplicationResult(
                metrics=ReplicationMetrics(
                    battle.metrics(r),
                    self.measures.counts(r, self.looks, self.tracker),
                    self.pictures.metrics(r),
                    battle.countermeasures(r),
                ).columns(),
                events=self.logs[r],
            )
            for r in range(len(self.logs))
        ]


def simulate_batch(
    world: World, generators: Sequence[np.random.Generator]
) -> list[ReplicationResult]:
    """Run one replication per generator, side by side, the built-in doctrine deciding."""
    simulation = Simulation(world, generators)
    while offers := simulation.advance():
        simulation.commit([simulation.doctrine_choice(offer) for offer in offers])
    return simulation.results()
