"""Where replications run: in this process, a local process pool, or a Dask cluster, all
driven by one loop (`replicate`, `run_chunks`); see `kamae.runners.base`."""

from kamae.runners.base import CHUNK_REPLICATIONS, Backend, Results, Runner, Seeds
from kamae.runners.dask import DaskBackend
from kamae.runners.local import LocalBackend
from kamae.runners.replication import (
    Finished,
    Progress,
    Work,
    replicate,
    replicate_worlds,
    run_chunks,
    using,
)

__all__ = [
    "CHUNK_REPLICATIONS",
    "Backend",
    "DaskBackend",
    "Finished",
    "LocalBackend",
    "Progress",
    "Results",
    "Runner",
    "Seeds",
    "Work",
    "replicate",
    "replicate_worlds",
    "run_chunks",
    "using",
]
