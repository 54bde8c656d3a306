"""Run folders under hostile conditions (issue 23): the name is claimed atomically (two
writers never share one), the output is checked before the Monte Carlo, and a run killed
with SIGKILL at any point leaves either a whole run folder or nothing that the next run does
not clean up."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pytest
from conftest import one_layer_scenario, write_scenario

from kamae.errors import KamaeError
from kamae.results.files import (
    claim_run_folder,
    is_temporary,
    remove_stale_temporaries,
    staged,
    write_run_folder,
)
from kamae.runs import run_scenario

RUN_FILES = {"summary.json", "manifest.json", "replications.parquet", "events.parquet"}


def test_writers_racing_for_one_name_each_get_their_own(tmp_path: Path) -> None:
    writers = 24
    start = threading.Barrier(writers)
    table = pa.table({"a": [1]})

    def write(k: int) -> Path:
        start.wait()
        return write_run_folder(tmp_path, "run", {"x.json": {"writer": k}}, {"t.parquet": table})

    with ThreadPoolExecutor(writers) as pool:
        folders = list(pool.map(write, range(writers)))
    assert len(set(folders)) == writers
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f.name for f in folders)
    owners = sorted(json.loads((f / "x.json").read_text())["writer"] for f in folders)
    assert owners == list(range(writers))  # nobody's results lost


def test_a_path_below_a_file_fails_before_the_monte_carlo(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    calls: list[int] = []
    path = write_scenario(tmp_path, one_layer_scenario(count=2, replications=4))
    with pytest.raises(KamaeError, match="cannot create the output folder"):
        run_scenario(path, out=blocker / "sub", progress=calls.append)
    assert calls == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_fails_before_the_monte_carlo(tmp_path: Path) -> None:
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    calls: list[int] = []
    path = write_scenario(tmp_path, one_layer_scenario(count=2, replications=4))
    try:
        with pytest.raises(KamaeError, match="cannot write"):
            run_scenario(path, out=out, progress=calls.append)
    finally:
        out.chmod(0o755)
    assert calls == [] and list(out.iterdir()) == []


def test_a_failed_run_gives_its_claimed_name_back(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, one_layer_scenario(count=2, replications=4))

    def boom(n: int) -> None:
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        run_scenario(path, out=tmp_path / "out", progress=boom)
    assert list((tmp_path / "out").iterdir()) == []


def test_a_live_writers_staging_is_never_removed_a_dead_ones_is(tmp_path: Path) -> None:
    live = claim_run_folder(tmp_path, "run")
    dead = claim_run_folder(tmp_path, "run")
    assert dead.final.name == "run-2"
    dead._unlock()  # as a killed process's lock is let go
    with staged(tmp_path / "file.txt") as tmp:
        tmp.write_text("half")
        assert sorted(p.name for p in remove_stale_temporaries(tmp_path)) == sorted(
            [dead.staging.name, "run-2"]
        )
        assert tmp.exists() and live.staging.exists() and live.final.is_dir()
    assert not dead.staging.exists() and not dead.final.exists()
    folder = live.write({"x.json": {}}, {})
    assert (folder / "x.json").exists() and (tmp_path / "file.txt").read_text() == "half"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt", "run"]


RUN_SCRIPT = """
import os, signal, sys
from pathlib import Path
import kamae.results.files as files
from kamae.runs import run_scenario

scenario, out, where = sys.argv[1], Path(sys.argv[2]), sys.argv[3]


def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


if where == "before-rename":  # every file written, the folder not yet in place
    files._rename = die
elif where == "mid-write":  # killed while writing the Parquet files
    import pyarrow.parquet as pq
    files.pq = type("pq", (), {"write_table": staticmethod(die)})
run_scenario(scenario, out=out)
"""


def _killed_runs(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    doc = one_layer_scenario(count=2, replications=32, seed=11)
    doc["time"] = {"step_s": 10}
    scenario = write_scenario(tmp_path, doc)
    script = tmp_path / "run_script.py"
    script.write_text(RUN_SCRIPT)
    out = tmp_path / "out"
    return scenario, out, [sys.executable, str(script), str(scenario), str(out)]


def _check_folders(out: Path, reference: dict[str, object]) -> int:
    """Every run folder whole and equal to the reference; nothing else but temporaries and
    the empty names killed runs claimed. Returns the number of whole folders."""
    whole = 0
    for entry in out.iterdir():
        if is_temporary(entry):
            continue
        files = {p.name for p in entry.iterdir()}
        if not files:
            continue  # a killed run's claim
        assert RUN_FILES | {"scenario.yaml"} <= files, files
        summary = json.loads((entry / "summary.json").read_text())
        assert summary == reference
        whole += 1
    return whole


@pytest.mark.parametrize(
    "random_kills", [2, pytest.param(20, marks=pytest.mark.slow)], ids=["2", "20"]
)
def test_a_run_killed_at_any_point_leaves_whole_folders_or_nothing(
    tmp_path: Path, random_kills: int
) -> None:
    scenario, out, command = _killed_runs(tmp_path)
    reference = run_scenario(scenario, out=tmp_path / "reference").summary
    reference = json.loads(json.dumps(reference))
    for where in ("before-rename", "mid-write"):  # killed at the two critical points
        clock = time.monotonic()
        done = subprocess.run([*command, where], capture_output=True, timeout=300)
        assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
        # It left its staging folder and its empty claim (an earlier one's were removed).
        (staging,) = [p for p in out.iterdir() if is_temporary(p)]
        assert staging.is_dir() and not any((out / staging.name[1:].split(".tmp-")[0]).iterdir())
    whole_run_s = time.monotonic() - clock
    rng = random.Random(23)
    for _ in range(random_kills):  # and at random times from start to finish
        proc = subprocess.Popen(
            [*command, "none"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.0, 1.2 * whole_run_s))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    before = _check_folders(out, reference)
    # The next run cleans up after the killed ones and writes its own folder.
    run_scenario(scenario, out=out)
    assert [p for p in out.iterdir() if is_temporary(p)] == []
    assert all(any(p.iterdir()) for p in out.iterdir())  # no empty claim left
    assert _check_folders(out, reference) == before + 1
