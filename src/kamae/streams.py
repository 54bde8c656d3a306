"""Named random streams: every seed sequence kamae derives from a master seed, in one place.

A stream is `numpy.random.SeedSequence(seed, spawn_key=KEY)`: the master seed's entropy and a
key naming what draws from it. `SeedSequence(seed).spawn(n)[i]` is the stream with key `(i,)`,
so a key can be written down, computed directly, and never depends on what else was spawned
or in which order (DESIGN.md: Mesa's lesson; results never depend on the workers).

| stream | spawn key | used by |
|---|---|---|
| replication i | `(i,)` | `kamae run`, compare, trade, a sweep with common random numbers |
| point p, replication i | `(p, i)` | a sweep with independent streams |
| campaign step k, replication r | `(k, r, 0)` defense, `(k, r, 1)` counterstrike | campaign |
| Latin hypercube sample | `(SAMPLE_SPAWN_KEY,)` | sweep points |
| fast-path calibration | `(CALIBRATION_SPAWN_KEY, force, layer[, 1], i)` | campaign |
| network confirmation | `(CONFIRMATION_SPAWN_KEY, i)` | campaign |
| epistemic input sample | `(EPISTEMIC_SPAWN_KEY,)` | `kamae sensitivity` (its design) |
| bootstrap of its indices | `(EPISTEMIC_SPAWN_KEY, 1)` | `kamae sensitivity` |
| a replication's network | its own key + `(NETWORK_SPAWN_KEY,)` | engine (track messages) |
| a replication's objects | its own key + `(OBJECTS_SPAWN_KEY,)` | engine (decoys, debris) |
| its discrimination | its own key + `(DISCRIMINATION_SPAWN_KEY,)` | engine (features) |

The words `2**32 - 1`, `- 2`, `- 3`, `- 4` are the largest spawn-key words (32 bits), far above any
count of steps, points or replications, so these streams never coincide with a replication's.
Streams of different studies may share keys (a campaign's step k, replication r and a sweep's
point k, replication r): they are never drawn in the same run. Not here: the weapon-target
assignment heuristic's own `seed` argument (`engagement.wta.solve_heuristic`), which seeds its
local search only.

Imports nothing of ours: the bottom of the layers, usable by every layer.
"""

from __future__ import annotations

import numpy as np

SAMPLE_SPAWN_KEY = 2**32 - 1
"""Spawn-key word of a sweep's Latin hypercube sample (`sample_generator`)."""

CALIBRATION_SPAWN_KEY = 2**32 - 2
"""Spawn-key word of the campaign fast path's calibration runs (`calibration_seeds`)."""

CONFIRMATION_SPAWN_KEY = 2**32 - 3
"""Spawn-key word of the campaign's network-confirmation runs (`confirmation_seeds`)."""

EPISTEMIC_SPAWN_KEY = 2**32 - 4
"""Spawn-key word of the sample of a study's uncertain (epistemic) inputs
(`epistemic_generator`): never a replication's stream, so the engine replications at every
input sample keep their common random numbers."""

NETWORK_SPAWN_KEY = 0x6E6574
"""Spawn-key word ("net") appended to a replication's key for its network draws
(`network_generator`): far from the small integers that `SeedSequence.spawn` uses for
children, so it never collides with a replication's seeds."""


OBJECTS_SPAWN_KEY = 0x6F626A
"""Spawn-key word ("obj") of a replication's draws for decoys and debris
(`objects_generator`)."""

DISCRIMINATION_SPAWN_KEY = 0x646973
"""Spawn-key word ("dis") of a replication's discrimination features
(`discrimination_generator`)."""


def replication_seeds(seed: int, replications: int) -> list[np.random.SeedSequence]:
    """The streams of replications 0 .. replications - 1 of a run: key `(i,)`."""
    return np.random.SeedSequence(seed).spawn(replications)


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The stream of replication `replication` of a run (key `(replication,)`): the same as
    `replication_seeds(seed, n)[replication]` for any n above it."""
    return np.random.SeedSequence(seed, spawn_key=(replication,))


def sweep_seed(
    seed: int, point: int, replication: int, *, common: bool = True
) -> np.random.SeedSequence:
    """Replication `replication` of sweep point `point`: key `(replication,)` with common
    random numbers (the same streams at every point, those of `kamae run`), else
    `(point, replication)`, i.e. `SeedSequence(seed).spawn(P)[point].spawn(R)[replication]`."""
    key = (replication,) if common else (point, replication)
    return np.random.SeedSequence(seed, spawn_key=key)


def sample_generator(seed: int) -> np.random.Generator:
    """The generator of a sweep's Latin hypercube sample: key `(SAMPLE_SPAWN_KEY,)`, so the
    same seed gives the same points."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(SAMPLE_SPAWN_KEY,)))


def epistemic_generator(seed: int) -> np.random.Generator:
    """The generator of a study's sample of its uncertain inputs (the Sobol' scramble, the
    Morris trajectories, a Latin hypercube): key
    `(EPISTEMIC_SPAWN_KEY,)`, so the same seed gives the same input samples."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(EPISTEMIC_SPAWN_KEY,)))


def bootstrap_seed(seed: int) -> int:
    """The seed SALib's bootstrap of a study's indices draws from: key
    `(EPISTEMIC_SPAWN_KEY, 1)`, apart from the design's own stream."""
    state = np.random.SeedSequence(seed, spawn_key=(EPISTEMIC_SPAWN_KEY, 1)).generate_state(1)
    return int(state[0]) | 1  # SALib ignores a seed of 0


def calibration_seeds(
    seed: int, key: tuple[int, ...], replications: int
) -> list[np.random.SeedSequence]:
    """The engine replications of one calibration run of the campaign's fast path: key
    `(CALIBRATION_SPAWN_KEY, *key, i)`, `key` naming the run (force, layer[, 1 for the run
    with the earlier layers]); never shared with a campaign step's streams."""
    base = np.random.SeedSequence(seed, spawn_key=(CALIBRATION_SPAWN_KEY, *key))
    return base.spawn(replications)


def confirmation_seeds(seed: int, replications: int) -> list[np.random.SeedSequence]:
    """The engine replications of the campaign's network attack confirmation: key
    `(CONFIRMATION_SPAWN_KEY, i)`, a stream of its own, so that choosing the `network`
    source changes no other draw."""
    base = np.random.SeedSequence(seed, spawn_key=(CONFIRMATION_SPAWN_KEY,))
    return base.spawn(replications)


def campaign_step_seeds(
    seed: int, step: int, replications: int
) -> tuple[list[np.random.SeedSequence], list[np.random.SeedSequence]]:
    """One campaign step's streams per replication r: (defense, counterstrike), keys
    `(step, r, 0)` and `(step, r, 1)`, so a replication's draws depend only on (seed, step,
    r)."""
    children = np.random.SeedSequence(seed, spawn_key=(step,)).spawn(replications)
    pairs = [child.spawn(2) for child in children]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def network_generator(generator: np.random.Generator) -> np.random.Generator:
    """A replication's network stream: its own generator's key + `(NETWORK_SPAWN_KEY,)`,
    derived by key, so it does not depend on how many children that sequence has spawned
    (unlike `Generator.spawn`) and leaves the replication's other draws untouched."""
    return _keyed(generator, NETWORK_SPAWN_KEY)


def objects_generator(generator: np.random.Generator) -> np.random.Generator:
    """A replication's stream for its decoys and debris (their detections, measurement noise,
    kills and kill assessments): key + `(OBJECTS_SPAWN_KEY,)`, so that releasing objects
    leaves the warheads' draws untouched (common random numbers with and without decoys)."""
    return _keyed(generator, OBJECTS_SPAWN_KEY)


def discrimination_generator(generator: np.random.Generator) -> np.random.Generator:
    """A replication's stream of discrimination features: key + `(DISCRIMINATION_SPAWN_KEY,)`."""
    return _keyed(generator, DISCRIMINATION_SPAWN_KEY)


def _keyed(generator: np.random.Generator, word: int) -> np.random.Generator:
    ss = generator.bit_generator.seed_seq
    if not isinstance(ss, np.random.SeedSequence):
        raise ValueError("replication generators must be seeded from a SeedSequence")
    key = np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, word))
    return np.random.default_rng(key)
