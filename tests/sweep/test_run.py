"""Sweeps end to end on the tiny scenario: identical results whatever the backend and worker
count, points equal to `kamae run` of their files, invalid points skipped, corrupt or partial
chunks run again, failures reported, SQL over the folder."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from conftest import write_scenario
from sweep_fixtures import SETTINGS, tiny_scenario, tiny_scenario_doc  # noqa: F401

from kamae.runners import Runner
from kamae.runs import run_scenario
from kamae.sweep import (
    DaskBackend,
    LocalBackend,
    SweepError,
    plan_sweep,
    query,
    query_table,
    query_text,
    run_sweep,
)
from kamae.sweep.progress import RichProgress
from kamae.sweep.store import SweepStore

R, SEED = 40, 3  # chunks of 16, 16 and 8 replications


def sweep(scenario: Path, out: Path, **options: Any):
    options = {"replications": R, "seed": SEED, "workers": 1, **options}
    return run_sweep(scenario, options.pop("settings", SETTINGS), out=out, **options)


def files(folder: Path) -> dict[str, bytes]:
    """What must be identical between two runs of the same sweep."""
    journal = sorted((folder / "chunks.journal").read_text().splitlines())
    return {
        "summary.json": (folder / "summary.json").read_bytes(),
        "summary.parquet": (folder / "summary.parquet").read_bytes(),
        "points.parquet": (folder / "points.parquet").read_bytes(),
        "journal": "\n".join(journal).encode(),
    }


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2 × 2 grid, run once on one local worker."""
    root = tmp_path_factory.mktemp("reference")
    scenario = write_scenario(root, tiny_scenario_doc(), "tiny.yaml")
    result = sweep(scenario, root / "out")
    assert result.complete and result.finished == 4 and result.chunks_run == 12
    return root


def copy_of(reference: Path, tmp_path: Path) -> tuple[Path, Path]:
    shutil.copytree(reference, tmp_path / "ref")
    return tmp_path / "ref" / "tiny.yaml", tmp_path / "ref" / "out"


def test_identical_with_one_and_two_local_workers_and_dask(reference: Path, tmp_path) -> None:
    pytest.importorskip("distributed")
    scenario = reference / "tiny.yaml"
    two = sweep(scenario, tmp_path / "two", workers=2)
    dask = sweep(scenario, tmp_path / "dask", backend=DaskBackend(workers=2, processes=False))
    assert two.complete and dask.complete
    expected = files(reference / "out")
    assert files(tmp_path / "two") == expected
    assert files(tmp_path / "dask") == expected


def test_a_point_equals_kamae_run_of_its_scenario_file(reference: Path) -> None:
    doc = json.loads((reference / "out" / "summary.json").read_text())
    assert doc["seeding"] == "common"
    point = doc["points"][2]
    assert point["settings"] == {
        "doctrine.shots_per_salvo": 2,
        "catalog.interceptors.test-upper.sspk.mrbm": 0.5,
    }
    run = run_scenario(reference / "out" / "points" / "000002.yaml", replications=R, seed=SEED)
    # A point keeps the per-replication metrics; the sections read from the event log
    # (kill probability at launch, why-not counts, the cost-exchange range) are the run's only.
    event_sections = {"kill_probability_at_launch", "why_not", "cost_exchange_range"}
    assert point["summary"] == {k: v for k, v in run.summary.items() if k not in event_sections}


def test_common_random_numbers_or_independent_streams(tiny_scenario: Path, tmp_path) -> None:  # noqa: F811
    same = ["catalog.interceptors.test-upper.sspk.mrbm=0.5,0.5"]
    crn = sweep(tiny_scenario, tmp_path / "crn", settings=same, replications=32)
    ind = sweep(
        tiny_scenario,
        tmp_path / "ind",
        settings=same,
        replications=32,
        common_random_numbers=False,
    )
    assert crn.complete and ind.complete

    def point_table(folder: Path, p: int):
        return pq.read_table(folder / "chunks" / f"{p:06d}" / "000000.parquet").drop(["point"])

    assert point_table(tmp_path / "crn", 0).equals(point_table(tmp_path / "crn", 1))
    assert not point_table(tmp_path / "ind", 0).equals(point_table(tmp_path / "ind", 1))


def test_invalid_points_are_reported_and_skipped(tiny_scenario: Path, tmp_path) -> None:  # noqa: F811
    result = sweep(
        tiny_scenario, tmp_path / "out", settings=["doctrine.shots_per_salvo=1,6"], replications=16
    )
    assert result.finished == 1 and result.complete
    (problem,) = result.invalid
    assert problem.point == 1 and problem.settings == "doctrine.shots_per_salvo=6"
    assert "points/000001.yaml:" in problem.error
    assert "shots_per_salvo must not exceed max_shots_per_threat" in problem.error
    assert "\n" not in str(problem)
    assert any(line.startswith("invalid: point 1 (") for line in result.report())
    statuses = result.summary.column("status").to_pylist()
    assert statuses == ["finished", "invalid"]


def test_a_sweep_with_no_valid_point_says_why(tiny_scenario: Path, tmp_path) -> None:  # noqa: F811
    with pytest.raises(SweepError) as info:
        sweep(tiny_scenario, tmp_path / "out", settings=["doctrine.shots_per_salvo=6,7"])
    lines = str(info.value).splitlines()
    assert lines[0] == "no point of the sweep is a valid scenario:"
    assert len(lines) == 3 and lines[1].startswith("point 0 (doctrine.shots_per_salvo=6): ")


def test_the_folder_must_hold_the_same_sweep(reference: Path, tmp_path) -> None:
    scenario, out = copy_of(reference, tmp_path)
    with pytest.raises(SweepError, match="holds a sweep already; pass --resume"):
        sweep(scenario, out)
    with pytest.raises(SweepError, match=r"holds a different sweep \(replications: 40 there"):
        sweep(scenario, out, replications=50, resume=True)
    with pytest.raises(SweepError, match=r"holds a different sweep \(seed"):
        sweep(scenario, out, seed=4, resume=True)
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    with pytest.raises(SweepError, match="is not empty and holds no sweep"):
        sweep(scenario, tmp_path / "busy", resume=True)
    again = sweep(scenario, out, resume=True)
    assert again.chunks_run == 0 and again.chunks_reused == 12
    assert files(out) == files(reference / "out")


def test_corrupt_and_partial_chunks_are_found_and_run_again(reference: Path, tmp_path) -> None:
    scenario, out = copy_of(reference, tmp_path)
    truncated = out / "chunks" / "000001" / "000001.parquet"
    truncated.write_bytes(truncated.read_bytes()[:100])
    flipped = out / "chunks" / "000003" / "000002.parquet"
    data = bytearray(flipped.read_bytes())
    data[len(data) // 2] ^= 0xFF
    flipped.write_bytes(bytes(data))
    result = sweep(scenario, out, resume=True)
    assert sorted(result.repaired) == [
        "chunks/000001/000001.parquet: checksum mismatch (corrupt or partial)",
        "chunks/000003/000002.parquet: checksum mismatch (corrupt or partial)",
    ]
    assert result.chunks_run == 2 and result.chunks_reused == 10
    assert files(out) == files(reference / "out")
    assert len((out / "chunks.journal").read_text().splitlines()) == 12


def test_unrecorded_files_temporaries_and_a_torn_journal_line(reference: Path, tmp_path) -> None:
    scenario, out = copy_of(reference, tmp_path)
    journal = out / "chunks.journal"
    lines = journal.read_text().splitlines(keepends=True)
    kept = [line for line in lines if '"point":2,"chunk":0,' not in line]
    journal.write_text("".join(kept) + '{"point":0,"chu')  # a crash during an append
    (out / "chunks" / "000000" / ".000001.parquet.tmp-12345678").write_bytes(b"PAR1 half")
    result = sweep(scenario, out, resume=True)
    assert result.chunks_run == 1 and result.chunks_reused == 11 and not result.repaired
    assert not list(out.rglob("*.tmp-*"))
    assert files(out) == files(reference / "out")


class FailingBackend:
    """The in-process backend, except that tasks of one point raise."""

    name = "failing"

    def __init__(self, point: int) -> None:
        self.point = point

    @contextmanager
    def open(self) -> Iterator[Runner]:
        with LocalBackend(1).open() as inner:
            yield _Failing(inner, self.point)


class _Failing:
    def __init__(self, inner: Runner, point: int) -> None:
        self.inner, self.point, self.slots = inner, point, inner.slots

    def share(self, world: Any) -> Any:
        return self.inner.share(world)

    def release(self, handle: Any) -> None:
        self.inner.release(handle)

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        if args[-1] == self.point:
            future: Future[Any] = Future()
            future.set_exception(RuntimeError("engine fault"))
            return future
        return self.inner.submit(function, *args)


def test_a_failing_point_is_reported_and_retried_on_resume(reference: Path, tmp_path) -> None:
    scenario = reference / "tiny.yaml"
    out = tmp_path / "out"
    result = sweep(scenario, out, backend=FailingBackend(point=1))
    assert not result.complete and result.finished == 3
    (failure,) = result.failed
    assert str(failure) == (
        "point 1 (doctrine.shots_per_salvo=1, catalog.interceptors.test-upper.sspk.mrbm=0.8): "
        "chunk 0: RuntimeError: engine fault"
    )
    assert "run the sweep again with --resume to retry the failed points" in result.report()
    assert result.summary.column("status").to_pylist()[1] == "failed"
    again = sweep(scenario, out, resume=True)
    assert again.complete and again.chunks_run == 3
    assert files(out) == files(reference / "out")


def test_sql_over_replications_points_and_summary(reference: Path) -> None:
    out = reference / "out"
    table = query_table(
        out,
        "SELECT point, count(*) AS n, count(DISTINCT replication) AS d, "
        "avg(threats_leaked) AS leaked FROM replications GROUP BY 1 ORDER BY 1",
    )
    assert table.column("n").to_pylist() == [R] * 4
    assert table.column("d").to_pylist() == [R] * 4
    summary = query_table(
        out,
        'SELECT point, threats_leaked_mean, "doctrine.shots_per_salvo" AS salvo '
        "FROM summary ORDER BY point",
    )
    assert summary.column("threats_leaked_mean").to_pylist() == pytest.approx(
        table.column("leaked").to_pylist()
    )
    assert summary.column("salvo").to_pylist() == [1, 1, 2, 2]
    joined = query_table(
        out,
        'SELECT p."catalog.interceptors.test-upper.sspk.mrbm" AS sspk, '
        "avg(r.no_leak) AS p FROM replications r JOIN points p USING (point) "
        "GROUP BY 1 ORDER BY 1",
    )
    low, high = joined.column("p").to_pylist()
    assert joined.column("sspk").to_pylist() == [0.5, 0.8] and low < high
    text = query_text(out, "SELECT point, status FROM points ORDER BY point", "csv")
    assert text.splitlines()[:2] == ['"point","status"', '0,"valid"']


def test_sql_errors_are_one_line(reference: Path, tmp_path) -> None:
    with pytest.raises(SweepError) as info:
        query(reference / "out", "SELECT nothing FROM replications")
    assert str(info.value).startswith("query: ") and "\n" not in str(info.value)
    with pytest.raises(SweepError, match="not a sweep folder"):
        query(tmp_path, "SELECT 1")


def test_one_process_at_a_time_writes_a_sweep_folder(reference: Path, tmp_path) -> None:
    scenario, out = copy_of(reference, tmp_path)
    definition = json.loads((out / "sweep.json").read_text())
    text = (out / "scenario.yaml").read_bytes()
    with (
        SweepStore.open(out, definition, text, resume=True),
        pytest.raises(SweepError, match="another process is running this sweep"),
    ):
        sweep(scenario, out, resume=True)
    assert sweep(scenario, out, resume=True).complete


class Recorder:
    def __init__(self) -> None:
        self.total = self.done = self.advanced = 0
        self.told: list[tuple[str, int, int]] = []

    def start(self, total: int, done: int) -> None:
        self.total, self.done = total, done
        self.told.append(("start", total, done))

    def worlds(self, built: int, total: int) -> None:
        self.told.append(("worlds", built, total))

    def advance(self, replications: int) -> None:
        self.advanced += replications


def test_progress_counts_replications_and_what_a_resume_reuses(reference: Path, tmp_path) -> None:
    scenario, out = copy_of(reference, tmp_path)
    (out / "chunks" / "000000" / "000002.parquet").unlink()
    bar = Recorder()
    sweep(scenario, out, resume=True, progress=bar)
    assert (bar.total, bar.done, bar.advanced) == (4 * R, 4 * R - 8, 8)
    # One world to build (the only point with a chunk to run), told as it begins and ends.
    worlds = [t for t in bar.told if t[0] == "worlds"]
    assert bar.told[0][0] == "start" and worlds == [("worlds", 0, 1), ("worlds", 1, 1)]


def test_plan_checks_every_point_and_runs_nothing(tiny_scenario: Path) -> None:  # noqa: F811
    plan = plan_sweep(tiny_scenario, ["doctrine.shots_per_salvo=1,2,6"], replications=8)
    assert (len(plan.points), plan.replications, plan.seed) == (3, 8, 5)
    (problem,) = plan.invalid
    assert problem.point == 2 and "shots_per_salvo" in problem.error
    assert not (tiny_scenario.parent / "points").exists()


def test_rich_progress_bar_draws_rate_and_time_left(reference: Path, tmp_path) -> None:
    from rich.console import Console

    scenario, out = copy_of(reference, tmp_path)
    (out / "chunks" / "000000" / "000001.parquet").unlink()
    console = Console(file=io.StringIO(), force_terminal=False, width=120)
    with RichProgress("tiny", console=console, keep=True) as bar:
        sweep(scenario, out, resume=True, progress=bar)
    text = console.file.getvalue()
    assert "tiny" in text and f"{4 * R}/{4 * R}" in text and "rep/s" in text
    assert "building the worlds" in text and "1/1" in text
