"""A sweep killed with SIGKILL (as by a power loss) resumes to exactly the results of an
uninterrupted run: nothing lost, nothing counted twice."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import write_scenario
from sweep_fixtures import SETTINGS, tiny_scenario_doc

from kamae.results.files import is_temporary
from kamae.sweep import query_table, run_sweep

R, SEED = 64, 3  # 4 chunks per point, 16 in all
SCRIPT = """
import sys
from pathlib import Path
from kamae.sweep import run_sweep

if __name__ == "__main__":
    scenario, out = sys.argv[1], Path(sys.argv[2])
    settings = sys.argv[3:]
    run_sweep(scenario, settings, replications={R}, seed={SEED}, workers=1, out=out)
"""


def journal_lines(out: Path) -> int:
    path = out / "chunks.journal"
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_killed_sweep_resumes_to_the_same_results(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path, tiny_scenario_doc(), "tiny.yaml")
    script = tmp_path / "sweep_script.py"
    script.write_text(SCRIPT.format(R=R, SEED=SEED))
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, str(script), str(scenario), str(out), *SETTINGS],
        start_new_session=True,  # its own process group, killed whole
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    try:
        while journal_lines(out) < 3:
            if proc.poll() is not None:
                pytest.fail(f"the sweep ended before it was killed: {proc.stderr.read()!r}")
            if time.monotonic() > deadline:
                pytest.fail("no chunk finished within 60 s")
            time.sleep(0.002)
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
        proc.stderr.close()
    finished_before = journal_lines(out)
    assert 3 <= finished_before < 16
    assert not (out / "summary.json").exists()

    resumed = run_sweep(
        scenario, SETTINGS, replications=R, seed=SEED, workers=1, out=out, resume=True
    )
    assert resumed.complete and not resumed.repaired
    assert resumed.chunks_reused >= 3 and resumed.chunks_run + resumed.chunks_reused == 16

    whole = run_sweep(
        scenario, SETTINGS, replications=R, seed=SEED, workers=1, out=tmp_path / "whole"
    )
    assert whole.complete and whole.summary.equals(resumed.summary)
    for name in ("summary.json", "summary.parquet", "points.parquet"):
        assert (out / name).read_bytes() == (whole.folder / name).read_bytes(), name
    journals = [
        sorted((f / "chunks.journal").read_text().splitlines()) for f in (out, whole.folder)
    ]
    assert journals[0] == journals[1]
    counts = query_table(
        out,
        "SELECT point, count(*) AS n, count(DISTINCT replication) AS d "
        "FROM replications GROUP BY 1 ORDER BY 1",
    )
    assert counts.column("n").to_pylist() == [R] * 4
    assert counts.column("d").to_pylist() == [R] * 4
    assert len(list((out / "chunks").rglob("*.parquet"))) == 16
    assert not list(out.rglob("*.tmp-*"))


@pytest.mark.parametrize("kills", [2, pytest.param(12, marks=pytest.mark.slow)], ids=["2", "12"])
def test_a_sweep_killed_at_random_points_resumes_to_the_same_results(
    tmp_path: Path, kills: int
) -> None:
    """Killed again and again at random moments (starting, planning, mid-chunk, between a
    chunk's file and its journal line, writing the summary), then resumed to the end: the
    same files as an uninterrupted sweep, every chunk once, no temporary left (issue 23)."""
    scenario = write_scenario(tmp_path, tiny_scenario_doc(), "tiny.yaml")
    script = tmp_path / "sweep_script.py"
    script.write_text(SCRIPT.format(R=R, SEED=SEED).replace("out=out)", "out=out, resume=True)"))
    out = tmp_path / "killed"
    command = [sys.executable, str(script), str(scenario), str(out), *SETTINGS]
    clock = time.monotonic()
    subprocess.run(command, check=True, capture_output=True, timeout=600, cwd=tmp_path)
    whole_s = time.monotonic() - clock
    whole = tmp_path / "whole"
    out.rename(whole)
    rng = random.Random(2323)
    for _ in range(kills):
        proc = subprocess.Popen(
            command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.0, whole_s))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    resumed = run_sweep(
        scenario, SETTINGS, replications=R, seed=SEED, workers=1, out=out, resume=True
    )
    assert resumed.complete
    for name in ("summary.json", "summary.parquet", "points.parquet"):
        assert (out / name).read_bytes() == (whole / name).read_bytes(), name
    lines = (out / "chunks.journal").read_text().splitlines()
    assert len(lines) == len(set(lines)) == 16
    assert sorted(lines) == sorted((whole / "chunks.journal").read_text().splitlines())
    assert len(list((out / "chunks").rglob("*.parquet"))) == 16
    assert not [p for p in out.rglob("*") if is_temporary(p)]
