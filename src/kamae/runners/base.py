"""What a runner is: a place where chunks of replications run, and how they are cut.

A `Backend` describes a kind of place with its settings (`LocalBackend(workers)`,
`DaskBackend(address)`); `open()` gives a `Runner` for the time of a `with` block. A runner
shares a world with its workers once (`share`, then `release`), runs one task at a time per
`submit` and returns a `concurrent.futures.Future`, and says how many tasks to keep in flight
(`slots`). `kamae.runners.replication` is the one loop that drives it.

Replications run in chunks of `CHUNK_REPLICATIONS` (one engine batch, one task), cut from the
replication list in its order and never from the number of workers, so which replications
share a batch, and therefore every result, never depends on where they ran.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager
from typing import Any, Protocol

import numpy as np

from kamae.engine import ReplicationResult
from kamae.world import World

Seeds = list[tuple[int, np.random.SeedSequence]]
"""(replication index, its seed sequence) pairs."""
Results = list[tuple[int, ReplicationResult]]
"""(replication index, its result) pairs."""

CHUNK_REPLICATIONS = 16
"""Replications per task (one engine batch). Fixed, so that which replications share a batch
never depends on the number of workers."""


def chunked(seeds: Seeds) -> list[Seeds]:
    """The chunks of a list of replications, in its order (the last one may be short)."""
    size = CHUNK_REPLICATIONS
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
