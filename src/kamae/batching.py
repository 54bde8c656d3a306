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
MAX_BATCH = 256
"""Most replications per engine batch: the CPU per replication still falls from 64 to 256
(the engine's per-step Python work spread wider) while a batch's memory grows slowly with
it (docs/performance.md, "Batch size"); a run's memory is flat past it."""


def batch_size(replications: int, slots: int) -> int:
    """Replications per chunk of a run of `replications` on a runner with `slots` tasks in
    flight: an equal share per slot, at least `CHUNK_REPLICATIONS` and at most `MAX_BATCH`."""
    share = -(-max(replications, 1) // max(slots, 1))
    return max(CHUNK_REPLICATIONS, min(MAX_BATCH, share))
