"""Local runner: replications in this process or in a pool of worker processes.

The deterministic world is built once in the calling process and sent with each chunk of
(index, seed) replications; results come back tagged with their index, so the outcome does
not depend on the number of workers or the order in which chunks finish.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

import numpy as np

from kamae.engine import ReplicationResult, simulate_many
from kamae.world import World

Seeds = list[tuple[int, np.random.SeedSequence]]
Results = list[tuple[int, ReplicationResult]]


CHUNK_REPLICATIONS = 16
"""Replications per task (one engine batch). Fixed, so that which replications share a batch
never depends on the number of workers."""


def run_local(
    world: World,
    seeds: Seeds,
    workers: int,
    progress: Callable[[int], None] | None = None,
) -> Results:
    """Run the replications; `progress` is told how many finished after each chunk."""
    size = CHUNK_REPLICATIONS
    chunks = [seeds[i : i + size] for i in range(0, len(seeds), size)]
    results: Results = []
    if workers <= 1:
        for part in chunks:
            results.extend(simulate_many(world, part))
            if progress:
                progress(len(part))
        return results
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        running: dict[Future[Results], int] = {
            pool.submit(simulate_many, world, part): len(part) for part in chunks
        }
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                results.extend(fut.result())
                if progress:
                    progress(running[fut])
                del running[fut]
    return results
