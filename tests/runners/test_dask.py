"""The Dask runner keeps the local runners' contract: same replications, same results."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import one_layer_scenario, write_scenario
from typer.testing import CliRunner

from kamae.cli import app
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


def test_kamae_run_on_a_dask_scheduler_gives_the_local_summary(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    doc = one_layer_scenario(count=2)
    doc["time"] = {"step_s": 20}
    scenario = str(write_scenario(tmp_path, doc, "tiny.yaml"))
    cli = CliRunner()
    options = ["-n", "20", "--seed", "4", "--json"]

    def run(*extra: str) -> tuple[dict, Path]:
        out = tmp_path / f"out{len(extra)}"
        result = cli.invoke(app, ["run", scenario, *options, "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
        (folder,) = out.iterdir()
        return json.loads(result.stdout), folder

    local, _ = run()
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        on_dask, folder = run("--dask", cluster.scheduler_address)
    assert on_dask == local
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["backend"] == "dask"
    assert manifest["backend_settings"]["address"] == cluster.scheduler_address
    refused = cli.invoke(app, ["run", scenario, "--dask", "tcp://x:1", "--workers", "2"])
    assert refused.exit_code == 2
    assert "--workers counts local processes" in refused.output
