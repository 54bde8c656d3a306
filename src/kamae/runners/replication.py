"""The one replication loop: chunks of replications of one or many worlds, on any runner.

`replicate(world, seeds, runner)` runs (index, seed) replications of one world and returns
their results in index order (`kamae run`, compare, trade, the campaign's calibration and
network confirmation); `replicate_worlds` does the same for many worlds at once (the
campaign's engine defense, one world per state of its replications). `run_chunks(runner,
work)` is the loop beneath both, and the sweep's (a task of its own per chunk): it keeps at
most `runner.slots` tasks in flight, shares each world with the workers when its first chunk
is submitted and releases it after its last one finishes, and yields each chunk as it
finishes. A chunk that raises stops its world's remaining chunks; the
other worlds go on.

Seeds come from `kamae.streams`; chunks from `kamae.runners.base.chunked` (of
`batch_size(replications, slots)`); results depend only on the seeds, never on the runner, its
number of workers, the chunk size or the order of completion.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Hashable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import AbstractContextManager, closing, nullcontext
from dataclasses import dataclass
from typing import Any

from kamae.engine import simulate_many
from kamae.runners.base import Results, Runner, Seeds, batch_size, chunked
from kamae.runners.local import LocalBackend
from kamae.world import World

Progress = Callable[[int], None]
"""Called with the number of replications just finished."""


@dataclass(frozen=True)
class Work:
    """Chunks of replications of one world, each a task `task(world, seeds, *args)`."""

    key: Hashable
    """What the caller calls this world (a sweep's point number)."""
    world: World
    chunks: Sequence[tuple[int, Seeds]]
    """(chunk number, its replications), submitted in this order."""
    task: Callable[..., Any] = simulate_many
    """Runs one chunk on a worker; the default returns its (index, result) pairs."""
    args: tuple[Any, ...] = ()
    """Passed to `task` after the world and the chunk's seeds."""


@dataclass(frozen=True)
class Finished:
    """One chunk that finished: its value, or the exception its task raised."""

    key: Hashable
    chunk: int
    replications: int
    value: Any = None
    error: BaseException | None = None


class _Shared:
    """A world on the workers while its chunks run (the driver keeps only its handle)."""

    def __init__(self, runner: Runner, work: Work) -> None:
        self.key, self.task, self.args = work.key, work.task, work.args
        self.handle: Any = runner.share(work.world)
        self.chunks = iter(list(work.chunks))
        self.in_flight = 0
        self.failed = False

    def next_chunk(self) -> tuple[int, Seeds] | None:
        """The next chunk to submit; None when all are submitted or a chunk failed."""
        return None if self.failed else next(self.chunks, None)


def run_chunks(runner: Runner, work: Iterable[Work]) -> Generator[Finished, None, None]:
    """Run every chunk of every world (taken from `work` only when a slot is free, so a lazy
    iterable builds its worlds as they are needed), yielding each chunk as it finishes."""
    pending = iter(work)
    running: dict[Future[Any], tuple[_Shared, int, int]] = {}
    current: _Shared | None = None
    try:
        while True:
            slots = runner.slots
            while len(running) < slots:
                if current is None:
                    item = next(pending, None)
                    if item is None:
                        break
                    current, item = _Shared(runner, item), None
                chunk = current.next_chunk()
                if chunk is None:
                    _release_if_done(runner, current, submitted=True)
                    current = None
                    continue
                number, seeds = chunk
                future = runner.submit(current.task, current.handle, seeds, *current.args)
                running[future] = (current, number, len(seeds))
                current.in_flight += 1
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                shared, number, size = running.pop(future)
                shared.in_flight -= 1
                key = shared.key
                try:
                    value = future.result()
                except Exception as exc:
                    shared.failed = True
                    yield Finished(key, number, size, error=exc)
                else:
                    yield Finished(key, number, size, value=value)
                _release_if_done(runner, shared, submitted=shared is not current)
    finally:
        for future in running:
            future.cancel()


def _release_if_done(runner: Runner, shared: _Shared, *, submitted: bool) -> None:
    """Release a world once all its chunks are submitted (or it failed) and none runs."""
    if submitted and shared.in_flight == 0 and shared.handle is not None:
        runner.release(shared.handle)
        shared.handle = None


def replicate_worlds(
    runner: Runner,
    worlds: Iterable[tuple[Hashable, World, Seeds]],
    progress: Progress | None = None,
) -> Iterator[tuple[Hashable, Results]]:
    """Run (index, seed) replications of many worlds, the chunks of all of them sharing the
    runner's slots; yield (key, results of one chunk) as chunks finish, and raise the first
    error a chunk raised. `worlds` is read only as slots free up (a generator may build each
    world when it is needed)."""
    work = (
        Work(key, world, list(enumerate(chunked(seeds, batch_size(len(seeds), runner.slots)))))
        for key, world, seeds in worlds
    )
    with closing(run_chunks(runner, work)) as finished:
        for chunk in finished:
            if chunk.error is not None:
                raise chunk.error
            yield chunk.key, chunk.value
            if progress is not None:
                progress(chunk.replications)


def replicate(
    world: World,
    seeds: Seeds,
    runner: Runner,
    progress: Progress | None = None,
) -> Results:
    """Run (index, seed) replications of a world on a runner, in chunks of one engine batch
    (`batch_size`); their results in index order. `progress` is told how many finished after
    each chunk."""
    results: Results = []
    for _, chunk in replicate_worlds(runner, [(None, world, seeds)], progress):
        results.extend(chunk)
    results.sort(key=lambda item: item[0])
    return results


def using(runner: Runner | None, workers: int = 1) -> AbstractContextManager[Runner]:
    """The given runner (left open), or local processes for the time of a `with` block."""
    if runner is not None:
        return nullcontext(runner)
    return LocalBackend(workers).open()
