"""How a run's replications are cut into engine batches (`kamae.runners` cuts them; the work
estimate of `kamae.workload` sizes a batch's memory with the same cut).

A replication's result depends only on its own seed, never on the replications that share its
batch (the engine's batch-independence tests), so the batch size is free to follow the run:
a bigger batch spreads the engine's per-step Python work over more replications
(docs/performance.md). Imports nothing of ours.
"""

from __future__ import annotations

CHUNK_REPLICATIONS = 16
"""Replications per task of a sweep (its stored chunk), and the smallest batch of a run."""
MAX_BATCH = 64
"""Most replications per engine batch: past 64 the CPU per replication levels off while a
batch's memory keeps growing with it (docs/performance.md)."""


def batch_size(replications: int, slots: int) -> int:
    """Replications per chunk of a run of `replications` on a runner with `slots` tasks in
    flight: an equal share per slot, at least `CHUNK_REPLICATIONS` and at most `MAX_BATCH`."""
    share = -(-max(replications, 1) // max(slots, 1))
    return max(CHUNK_REPLICATIONS, min(MAX_BATCH, share))
