"""Local runners: replications in this process, or in a pool of worker processes.

`LocalBackend(workers)`: one worker runs each task at once in this process, with no pool;
more run a pool of `spawn`ed processes (workers import kamae afresh, as on any platform),
each task pickled with its world (small next to a chunk's work).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from kamae.runners.base import Runner
from kamae.world import World


def available_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class LocalBackend:
    """A pool of `workers` processes on this machine (all cores when None); one worker runs
    the tasks in this process, with no pool."""

    workers: int | None = None
    name: str = "local"

    def open(self) -> AbstractContextManager[Runner]:
        n = self.workers or available_cores()
        return _in_process() if n <= 1 else _process_pool(n)


class InProcess:
    """Runs each task at once, here (one slot: a task is finished when `submit` returns)."""

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


class ProcessPool:
    """A process pool, two tasks in flight per worker so that none waits for work."""

    def __init__(self, pool: ProcessPoolExecutor, workers: int) -> None:
        self._pool = pool
        self.slots = 2 * workers

    def share(self, world: World) -> Any:
        return world  # pickled with each task

    def release(self, handle: Any) -> None:
        pass

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        return self._pool.submit(function, *args)


@contextmanager
def _in_process() -> Iterator[Runner]:
    yield InProcess()


@contextmanager
def _process_pool(workers: int) -> Iterator[Runner]:
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield ProcessPool(pool, workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
