"""What a runner is: a place where chunks of replications run, and how they are cut.

A `Backend` describes a kind of place with its settings (`LocalBackend(workers)`,
`DaskBackend(address)`); `open()` gives a `Runner` for the time of a `with` block. A runner
shares a world with its workers once (`share`, then `release`), runs one task at a time per
`submit` and returns a `concurrent.futures.Future`, and says how many tasks to keep in flight
(`slots`). `kamae.runners.replication` is the one loop that drives it.

Replications run in chunks (one engine batch, one task), cut from the replication list in its
order. A replication's result depends only on its own seed, never on the replications that
share its batch (the engine's batch-independence tests), so the chunk size is free to follow
the run: `batch_size` gives each task slot an equal share, from `CHUNK_REPLICATIONS` up to
`MAX_BATCH` (a bigger batch spreads the engine's per-step Python work over more replications:
docs/performance.md). A sweep keeps chunks of `CHUNK_REPLICATIONS`, its unit of storage and
resumption.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager
from typing import Any, Protocol

import numpy as np

from kamae.batching import CHUNK_REPLICATIONS as CHUNK_REPLICATIONS
from kamae.batching import MAX_BATCH as MAX_BATCH
from kamae.batching import batch_size as batch_size
from kamae.engine import ReplicationResult
from kamae.world import World

Seeds = list[tuple[int, np.random.SeedSequence]]
"""(replication index, its seed sequence) pairs."""
Results = list[tuple[int, ReplicationResult]]
"""(replication index, its result) pairs."""


def chunked(seeds: Seeds, size: int = CHUNK_REPLICATIONS) -> list[Seeds]:
    """The chunks of `size` replications of a list of replications, in its order (the last
    one may be short)."""
    return [seeds[i : i + size] for i in range(0, len(seeds), size)]


def chunk_range(chunk: int, replications: int) -> range:
    """Replication indices of chunk `chunk` of replications 0 .. replications - 1."""
    lo = chunk * CHUNK_REPLICATIONS
    return range(lo, min(lo + CHUNK_REPLICATIONS, replications))


class Runner(Protocol):
    """An open place to run tasks; see the module's docstring."""

    @property
    def slots(self) -> int:
        """Tasks to keep in flight."""
        ...

    def share(self, world: World) -> Any:
        """Hand a world to the workers once; tasks receive the returned handle in its place."""
        ...

    def release(self, handle: Any) -> None:
        """Let the workers forget a shared world."""
        ...

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        """Run `function(*args)` on a worker; shared handles among args become their worlds."""
        ...


class Backend(Protocol):
    """A kind of place to run replications, with its settings."""

    @property
    def name(self) -> str: ...

    def open(self) -> AbstractContextManager[Runner]:
        """A runner for the time of a `with` block (workers started, then stopped)."""
        ...
