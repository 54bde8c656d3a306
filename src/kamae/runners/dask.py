"""Dask distributed runner: chunks of replications as tasks on a Dask cluster.

Same contract as the local runners (`kamae.runners.base`): each world is sent to the cluster
once (scattered) and shared by its tasks, each task is one engine batch of replications, and
results come back tagged by replication index, so the outcome depends neither on the number or
kind of workers nor on the order of completion.

`DaskBackend(address)` runs the tasks on the cluster of the scheduler at `address` (started by
`dask scheduler` and `dask worker`, dask-jobqueue on SLURM/PBS, or the Dask Helm chart or
dask-kubernetes; see docs/sweeps.md); without an address, on a LocalCluster here, one
single-threaded worker per core. Needs the `dask[distributed]` package
(`pip install 'kamae[dask]'`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kamae.errors import KamaeError
from kamae.runners.base import Runner
from kamae.runners.local import available_cores
from kamae.world import World

if TYPE_CHECKING:
    from distributed import Client


@dataclass(frozen=True)
class DaskBackend:
    """A Dask cluster: the scheduler at `address`, or a LocalCluster of `workers` workers
    (processes, or threads of this process with processes=False)."""

    address: str | None = None
    workers: int | None = None
    processes: bool = True
    name: str = "dask"

    def open(self) -> AbstractContextManager[Runner]:
        return _dask(self)


@contextmanager
def dask_client(
    address: str | None = None, workers: int | None = None, processes: bool = True
) -> Iterator[Client]:
    """A client of the scheduler at `address`, or of a LocalCluster of `workers`
    single-threaded workers (processes, or threads of this process with processes=False)."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise KamaeError(
            "the Dask backend needs dask[distributed]: pip install 'kamae[dask]'"
        ) from None
    if address is not None:
        try:
            client = Client(address, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise KamaeError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        try:
            yield client
        finally:
            client.close()
        return
    n = workers or available_cores()
    with (
        dask.config.set({"distributed.nanny.pre-spawn-environ": _worker_environment()}),
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=processes,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _worker_environment() -> dict[str, object]:
    """The environment Dask's nanny gives new worker processes, less its default
    MALLOC_TRIM_THRESHOLD_=65536: with it, glibc hands freed memory back to the system so
    eagerly that the engine's many short-lived arrays run 10-25% slower (measured by
    bench/bench_sweep.py). A value set by the user is kept."""
    import dask

    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", default={}))
    if str(environ.get("MALLOC_TRIM_THRESHOLD_")) == "65536":
        del environ["MALLOC_TRIM_THRESHOLD_"]
    return environ


class DaskRunner:
    """Submit chunk tasks to a Dask client through the `concurrent.futures` interface."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self._executor = client.get_executor(pure=False)

    @property
    def slots(self) -> int:
        """Tasks to keep in flight: two per worker thread, so that none waits for work."""
        return max(2, 2 * sum(self.client.nthreads().values()))

    def share(self, world: World) -> Any:
        """Send a world to the cluster once; tasks given the returned handle use that copy."""
        return self.client.scatter(world, hash=False)

    def release(self, handle: Any) -> None:
        """Let the cluster forget a shared world."""
        handle.release()

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        """Run `function(*args)` on a worker; shared handles among args become their values."""
        future: Future[Any] = self._executor.submit(function, *args)
        return future


@contextmanager
def _dask(backend: DaskBackend) -> Iterator[Runner]:
    with dask_client(backend.address, backend.workers, backend.processes) as client:
        yield DaskRunner(client)
