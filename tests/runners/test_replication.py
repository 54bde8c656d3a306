"""The one replication loop: chunks in order (of 16 here; a run's size from `batch_size`), at
most `slots` in flight, each world shared once and released after its last chunk, a failing
chunk stops only its own world."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from contextlib import closing
from typing import Any

import pytest

from kamae.runners import Work, run_chunks
from kamae.runners.base import (
    CHUNK_REPLICATIONS,
    MAX_BATCH,
    Seeds,
    batch_size,
    chunk_range,
    chunked,
)
from kamae.runners.local import InProcess


class Recording(InProcess):
    """Runs each task here at once, and writes down what it was asked; `outstanding` counts
    the chunks submitted and not yet handed back (the consumer counts them down)."""

    def __init__(self, slots: int) -> None:
        self.slots = slots  # type: ignore[misc]
        self.log: list[tuple[str, Any]] = []
        self.outstanding = 0

    def share(self, world: Any) -> Any:
        self.log.append(("share", world))
        return world

    def release(self, handle: Any) -> None:
        self.log.append(("release", handle))

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        assert self.outstanding < self.slots
        self.outstanding += 1
        self.log.append(("submit", (args[0], args[1][0][0] // CHUNK_REPLICATIONS)))
        return super().submit(function, *args)


def task(world: str, seeds: Seeds) -> tuple[str, int]:
    """Fails on the second chunk of the world called `bad`."""
    if world == "bad" and seeds[0][0] == CHUNK_REPLICATIONS:
        raise RuntimeError("engine fault")
    return world, seeds[0][0]


def work(world: str, replications: int) -> Work:
    seeds: Seeds = [(i, None) for i in range(replications)]  # type: ignore[misc]
    return Work(world, world, list(enumerate(chunked(seeds))), task=task)  # type: ignore[arg-type]


def test_chunks_are_cut_by_sixteen_in_order() -> None:
    seeds: Seeds = [(i, None) for i in range(40)]  # type: ignore[misc]
    assert [len(c) for c in chunked(seeds)] == [16, 16, 8]
    assert [c[0][0] for c in chunked(seeds)] == [0, 16, 32]
    assert chunk_range(2, 40) == range(32, 40)


def test_a_run_gives_each_slot_an_equal_share_between_16_and_256() -> None:
    assert (CHUNK_REPLICATIONS, MAX_BATCH) == (16, 256)
    assert batch_size(100, 4) == 25  # 2 local workers: 4 chunks of 25
    assert batch_size(100, 2) == 50
    assert batch_size(1000, 4) == 250
    assert batch_size(2000, 4) == 256  # at most MAX_BATCH
    assert batch_size(20, 4) == 16  # at least CHUNK_REPLICATIONS
    assert batch_size(0, 1) == 16
    seeds: Seeds = [(i, None) for i in range(300)]  # type: ignore[misc]
    assert [len(c) for c in chunked(seeds, batch_size(300, 1))] == [256, 44]


def test_a_failing_chunk_stops_its_world_only_and_every_world_is_released() -> None:
    runner = Recording(slots=2)
    with closing(run_chunks(runner, [work("bad", 64), work("good", 40)])) as finished:
        done = []
        for chunk in finished:
            runner.outstanding -= 1
            done.append(chunk)
    bad = {f.chunk: f for f in done if f.key == "bad"}
    good = {f.chunk: f for f in done if f.key == "good"}
    assert isinstance(bad[1].error, RuntimeError) and bad[0].value == ("bad", 0)
    assert sorted(bad) == [0, 1]  # chunks 2 and 3 of the failed world never ran
    assert {c: f.value for c, f in good.items()} == {
        0: ("good", 0),
        1: ("good", 16),
        2: ("good", 32),
    }
    assert good[2].replications == 8
    kinds = [(kind, h) for kind, h in runner.log if kind != "submit"]
    assert kinds == [("share", "bad"), ("release", "bad"), ("share", "good"), ("release", "good")]


@pytest.mark.parametrize("slots", [1, 2, 5])
def test_every_chunk_comes_back_whatever_the_slots(slots: int) -> None:
    runner = Recording(slots)
    with closing(run_chunks(runner, [work("a", 48), work("b", 20)])) as finished:
        got = []
        for chunk in finished:
            runner.outstanding -= 1
            got.append((chunk.key, chunk.chunk, chunk.value))
    assert sorted(got) == [
        ("a", 0, ("a", 0)),
        ("a", 1, ("a", 16)),
        ("a", 2, ("a", 32)),
        ("b", 0, ("b", 0)),
        ("b", 1, ("b", 16)),
    ]
