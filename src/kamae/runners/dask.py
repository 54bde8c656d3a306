"""Dask distributed runner: chunks of replications as tasks on a Dask cluster.

Same contract as `runners.local`: the world is built once in the calling process; it is sent
to the cluster once (scattered) and shared by the tasks, each task is one engine batch of
`CHUNK_REPLICATIONS` (index, seed) replications, and results come back tagged by index, so
the outcome depends neither on the number or kind of workers nor on the order of completion.

With a scheduler address, the tasks run on that cluster (started by `dask scheduler` and
`dask worker`, dask-jobqueue on SLURM/PBS, or the Dask Helm chart or dask-kubernetes; see
docs/sweeps.md); without one, on a LocalCluster here, one single-threaded worker per core.
Needs the `dask[distributed]` package (`pip install 'kamae[dask]'`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from kamae.engine import simulate_many
from kamae.errors import KamaeError
from kamae.runners.local import CHUNK_REPLICATIONS, Results, Seeds
from kamae.world import World

if TYPE_CHECKING:
    from distributed import Client


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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


def run_dask(
    world: World,
    seeds: Seeds,
    progress: Callable[[int], None] | None = None,
    *,
    address: str | None = None,
    workers: int | None = None,
    processes: bool = True,
) -> Results:
    """Run the replications on Dask; `progress` is told how many finished after each chunk."""
    size = CHUNK_REPLICATIONS
    chunks = [seeds[i : i + size] for i in range(0, len(seeds), size)]
    results: Results = []
    with dask_client(address, workers, processes) as client:
        runner = DaskRunner(client)
        shared = runner.share(world)
        running = {runner.submit(simulate_many, shared, part): len(part) for part in chunks}
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in done:
                results.extend(fut.result())
                finished = running.pop(fut)
                if progress:
                    progress(finished)
        runner.release(shared)
    return results
