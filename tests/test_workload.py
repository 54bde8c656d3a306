"""The work a scenario implies, estimated at load time (issue 23): what the tester found runs
for hours or asks for 9 GiB is refused in one line with the estimate, before anything big is
built; `--force` runs past the work limit; the machine's memory is checked."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import one_layer_scenario, write_scenario

from kamae.runs import run_scenario
from kamae.scenario import load_scenario
from kamae.workload import (
    BASE_BYTES,
    MAX_OBJECT_STEPS,
    WORLD_BYTES_PER_OBJECT_STEP,
    WORLD_BYTES_PER_OBJECT_STEP_SENSOR,
    Workload,
    WorkloadError,
    available_memory,
    check_workload,
    combined,
    estimate,
    most_in_flight,
)

PLENTY = (1e15, 1e15)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kamae.cli", *args], capture_output=True, text=True, timeout=300
    )


def _loaded(tmp_path: Path, change=None):  # type: ignore[no-untyped-def]
    doc = copy.deepcopy(one_layer_scenario(count=4, replications=8))
    if change is not None:
        change(doc)
    return load_scenario(write_scenario(tmp_path, doc))


def test_the_estimate_counts_steps_objects_and_replications(tmp_path: Path) -> None:
    loaded = _loaded(tmp_path)
    work = estimate(loaded)
    from kamae.world import build_world

    world = build_world(loaded)
    assert work.objects == len(world.threat_ids) == 4
    # The grid of the nominal span (drag-free flight times) bounds the world's, which is
    # trimmed to the last impact, from above, within 10 %.
    assert len(world.times) <= work.steps <= 1.1 * len(world.times)
    assert work.replications == 8 and work.in_flight == 4
    assert work.object_steps == 4 * work.steps * 8
    assert work.sensors == 1


def test_most_in_flight_counts_overlaps() -> None:
    import numpy as np

    starts = np.array([0.0, 1.0, 2.0, 10.0])
    ends = np.array([3.0, 2.0, 4.0, 11.0])  # [1, 2) ends as [2, 4) starts: not together
    assert most_in_flight(starts, ends) == 2
    assert most_in_flight(np.array([]), np.array([])) == 0


def test_a_tiny_time_step_is_refused_before_anything_is_built(tmp_path: Path) -> None:
    loaded = _loaded(tmp_path, lambda d: d.update(time={"step_s": 1e-6}))
    work = estimate(loaded)
    assert work.steps > 1e8
    with pytest.raises(WorkloadError) as info:
        run_scenario(loaded, out=tmp_path / "out")
    line = str(info.value)
    assert "\n" not in line and "steps" in line and "memory" in line
    assert not (tmp_path / "out").exists()  # refused before the output was touched


def test_missiles_a_day_apart_ask_for_force(tmp_path: Path) -> None:
    def change(doc: dict) -> None:
        doc["raids"][0].update(count=20, interval_s=86400)
        doc["replications"] = 200

    loaded = _loaded(tmp_path, change)
    work = estimate(loaded)
    assert work.steps > 19 * 86400 and work.in_flight == 1
    assert work.object_steps > MAX_OBJECT_STEPS
    with pytest.raises(WorkloadError, match="--force"):
        check_workload(work, "f", memory=PLENTY)
    check_workload(work, "f", force=True, memory=PLENTY)


def test_memory_is_checked_against_the_machine() -> None:
    work = Workload(objects=10_000, steps=2000, in_flight=10_000, sensors=11, replications=1)
    assert work.memory_bytes > 12 * 2**30  # the 12 GB for 10,000 threats, at least
    with pytest.raises(WorkloadError, match="available"):
        check_workload(work, "f", memory=(8 * 2**30, 1e15))
    check_workload(work, "f", force=True, memory=(8 * 2**30, 1e15))
    with pytest.raises(WorkloadError, match="more than this machine"):
        check_workload(work, "f", force=True, memory=(8 * 2**30, 16 * 2**30))


def test_more_workers_hold_more_worlds() -> None:
    one = Workload(objects=100, steps=1000, in_flight=50, sensors=4, replications=32)
    four = Workload(objects=100, steps=1000, in_flight=50, sensors=4, replications=32, workers=4)
    assert four.memory_bytes > 3 * one.memory_bytes


def test_the_machine_memory_is_read() -> None:
    available, total = available_memory()
    assert 0 < available <= total


def test_cli_refuses_then_runs_with_force(tmp_path: Path) -> None:
    def change(doc: dict) -> None:
        doc["raids"][0].update(count=2)
        doc["replications"] = 10_000_000

    path = write_scenario(tmp_path, _doc(change))
    refused = _cli("run", str(path), "--out", str(tmp_path / "out"))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    (line,) = refused.stderr.strip().splitlines()
    assert line.startswith("error: ") and "--force" in line and "object-steps" in line
    assert not (tmp_path / "out").exists()
    ok = _cli("validate", str(path))
    assert ok.returncode == 0 and "object-steps" in ok.stdout


def _doc(change) -> dict:  # type: ignore[no-untyped-def]
    doc = copy.deepcopy(one_layer_scenario(count=4, replications=8))
    change(doc)
    return doc


def test_a_batch_s_memory_follows_the_run_s_batch() -> None:
    # The per-batch figures were measured at 16 replications (BATCH); a run's batch is an
    # equal share per task slot (1 in this process, 2 per pool worker) from 16 to 256.
    def work(replications: int, workers: int = 1) -> Workload:
        return Workload(100, 1000, 50, 4, replications, workers=workers)

    batches = [work(8).batch, work(40).batch, work(200, 2).batch, work(1000).batch]
    assert batches == [16, 40, 50, 256]
    world = 100 * 1000 * (WORLD_BYTES_PER_OBJECT_STEP + WORLD_BYTES_PER_OBJECT_STEP_SENSOR * 4)
    base = work(16).memory_bytes - BASE_BYTES - world  # one batch of 16
    assert work(64).memory_bytes - work(16).memory_bytes == pytest.approx(3 * base)
    assert work(1000).memory_bytes == work(256).memory_bytes  # flat past the largest batch


def test_campaign_work_counts_its_salvos() -> None:
    loaded = load_scenario("japan-2027-campaign")
    work = estimate(loaded, campaign=True)
    assert work.replications == 0 and work.extra_object_steps > 0
    c = loaded.scenario.campaign
    assert c is not None
    engine = estimate(loaded, campaign=True, campaign_defense="engine")
    more = estimate(
        loaded, campaign=True, campaign_defense="engine", campaign_replications=10 * c.replications
    )
    fast = estimate(loaded, campaign=True, campaign_defense="fast")
    assert more.object_steps > engine.object_steps > fast.object_steps > 0
    assert "campaign" in work.describe()
    # Its batches are cut from its largest run of one world (here its replications).
    assert work.batch_of == max(c.replications, c.calibration_replications)
    assert more.batch == 256  # 400 replications in one process: at most MAX_BATCH


def test_a_trade_study_checks_its_monte_carlo_first() -> None:
    """`kamae trade` runs its candidates' confirmations only after their work is estimated:
    3 candidates x 200,000 replications of japan-2027 (~3,000x its default run) ask for
    --force before any search or run."""
    from kamae.budget import trade_study

    options = Path(__file__).resolve().parents[1] / "examples" / "trade-options.yaml"
    with pytest.raises(WorkloadError, match="--force"):
        trade_study("japan-2027", options, replications=200_000, candidates=3)


def test_a_sensitivity_study_checks_its_design_first(tmp_path: Path) -> None:
    """`kamae sensitivity` checks its design's work (points x replications) before the folder
    is touched: 200,000 replications per point of japan-2027 ask for --force."""
    from kamae.uncertainty.study import run_sensitivity

    out = tmp_path / "study"
    with pytest.raises(WorkloadError, match="--force"):
        run_sensitivity(
            "japan-2027", out=out, inputs="japan-2027-inputs", method="morris", samples=2,
            replications=200_000, workers=1,
        )  # fmt: skip
    assert not out.exists()


def test_runs_combined_take_the_largest_memory_and_every_object_step() -> None:
    small = Workload(objects=10, steps=100, in_flight=5, sensors=2, replications=4)
    large = Workload(objects=50, steps=100, in_flight=40, sensors=2, replications=4)
    work = combined([small, large, small])
    assert work.memory_bytes == large.memory_bytes
    assert work.object_steps == 2 * small.object_steps + large.object_steps
    assert combined([]).object_steps == 0
