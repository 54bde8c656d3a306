"""Where a sweep's chunks run: this process, a local process pool, or a Dask cluster.

A backend opens a chunk executor: `share(world)` hands a world to the workers once and returns
what tasks receive in its place, `submit(function, handle, ...)` runs one task and returns a
`concurrent.futures.Future`, `release(handle)` lets the workers forget the world, and `slots`
says how many tasks to keep in flight. The sweep itself keeps at most `slots` tasks and the
worlds of the points they belong to in memory.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from kamae.runners.dask import DaskRunner, available_cores, dask_client
from kamae.sweep.errors import SweepError
from kamae.world import World


class ChunkExecutor(Protocol):
    """Runs chunk tasks; see the module's docstring."""

    @property
    def slots(self) -> int: ...

    def share(self, world: World) -> Any: ...

    def release(self, handle: Any) -> None: ...

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]: ...


class Backend(Protocol):
    """A kind of place to run chunks, with its settings."""

    @property
    def name(self) -> str: ...

    def open(self) -> AbstractContextManager[ChunkExecutor]: ...


@dataclass(frozen=True)
class LocalBackend:
    """A pool of `workers` processes on this machine (all cores by default); one worker runs
    the chunks in this process, with no pool."""

    workers: int | None = None
    name: str = "local"

    def open(self) -> AbstractContextManager[ChunkExecutor]:
        n = self.workers or available_cores()
        return _in_process() if n == 1 else _process_pool(n)


@dataclass(frozen=True)
class DaskBackend:
    """A Dask cluster: the scheduler at `address`, or a LocalCluster of `workers` workers
    (processes, or threads of this process with processes=False)."""

    address: str | None = None
    workers: int | None = None
    processes: bool = True
    name: str = "dask"

    def open(self) -> AbstractContextManager[ChunkExecutor]:
        return _dask(self)


def make_backend(backend: str | Backend, address: str | None, workers: int | None) -> Backend:
    """A backend from its name (`local`, `dask`), or the given one."""
    if not isinstance(backend, str):
        return backend
    if workers is not None and workers < 1:
        raise SweepError(f"--workers {workers}: give at least 1")
    if backend == "local":
        if address is not None:
            raise SweepError("--address needs --backend dask")
        return LocalBackend(workers)
    if backend == "dask":
        return DaskBackend(address, workers)
    raise SweepError(f"--backend {backend}: expected local or dask")


class _InProcess:
    """Runs each task at once, here."""

    slots = 1

    def share(self, world: World) -> Any:
        return world

    def release(self, handle: Any) -> None:
        pass

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(function(*args))
        except Exception as exc:
            future.set_exception(exc)
        return future


class _Pool:
    """A process pool (spawn: workers import kamae afresh, as on any platform)."""

    def __init__(self, pool: ProcessPoolExecutor, workers: int) -> None:
        self._pool = pool
        self.slots = 2 * workers

    def share(self, world: World) -> Any:
        return world  # pickled with each task; a world is small next to a chunk's work

    def release(self, handle: Any) -> None:
        pass

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        return self._pool.submit(function, *args)


@contextmanager
def _in_process() -> Iterator[ChunkExecutor]:
    yield _InProcess()


@contextmanager
def _process_pool(workers: int) -> Iterator[ChunkExecutor]:
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield _Pool(pool, workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _dask(backend: DaskBackend) -> Iterator[ChunkExecutor]:
    with dask_client(backend.address, backend.workers, backend.processes) as client:
        yield DaskRunner(client)
