"""The Dask runner keeps the local runners' contract: same replications, same results."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import yaml
from conftest import one_layer_scenario

from kamae.errors import KamaeError
from kamae.runners import DaskBackend, LocalBackend, replicate
from kamae.runners.dask import dask_client
from kamae.scenario import load_scenario_text
from kamae.world import build_world


def test_dask_gives_the_local_runners_results() -> None:
    pytest.importorskip("distributed")
    doc = one_layer_scenario(count=1)
    doc["time"] = {"step_s": 20}
    world = build_world(load_scenario_text(yaml.safe_dump(doc).encode(), "tiny"))
    seeds = list(enumerate(np.random.SeedSequence(9).spawn(40)))
    told: list[int] = []
    with DaskBackend(workers=2, processes=False).open() as runner:
        dask = replicate(world, seeds, runner, told.append)
    with LocalBackend(1).open() as runner:
        local = replicate(world, seeds, runner)
    assert sorted(told) == [8, 16, 16]
    assert [i for i, _ in dask] == list(range(40))
    for (_, a), (_, b) in zip(dask, local, strict=True):
        assert a.metrics == b.metrics
        assert a.events == b.events


def test_without_distributed_the_error_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(KamaeError, match=r"pip install 'kamae\[dask\]'"), dask_client():
        pass
