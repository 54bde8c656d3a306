"""`kamae sweep` and `kamae query` on the command line: a thin layer over run_sweep/query."""

from __future__ import annotations

import json
from pathlib import Path

from sweep_fixtures import tiny_scenario  # noqa: F401
from typer.testing import CliRunner

from kamae.cli import app

runner = CliRunner()


def test_sweep_then_query_from_the_command_line(tiny_scenario: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "sweep"
    result = runner.invoke(
        app,
        [
            "sweep",
            str(tiny_scenario),
            "--out",
            str(out),
            "--set",
            "doctrine.shots_per_salvo=1,2",
            "-n",
            "16",
            "--seed",
            "3",
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "2 points × 16 replications, seed 3: 2 finished, 0 invalid, 0 failed" in result.output
    rows = runner.invoke(
        app,
        [
            "query",
            str(out),
            "SELECT point, count(*) AS n, sum(interceptors_fired) AS fired "
            "FROM replications GROUP BY point ORDER BY point",
            "--format",
            "json",
        ],
    )
    assert rows.exit_code == 0, rows.output
    table = [json.loads(line) for line in rows.output.splitlines()]
    assert [r["n"] for r in table] == [16, 16]
    # Two interceptors per salvo fire at least as many as one, replication by replication.
    assert table[1]["fired"] >= table[0]["fired"] > 0


def test_sweep_user_errors_are_one_line(tiny_scenario: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "sweep"
    result = runner.invoke(
        app, ["sweep", str(tiny_scenario), "--out", str(out), "--set", "doctrine.nope=1,2"]
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "doctrine.nope" in lines[0]
    bad_format = runner.invoke(app, ["query", str(out), "SELECT 1", "--format", "xml"])
    assert bad_format.exit_code == 2


def test_a_sweep_with_an_invalid_point_exits_1(tiny_scenario: Path, tmp_path: Path) -> None:  # noqa: F811
    result = runner.invoke(
        app,
        [
            "sweep",
            str(tiny_scenario),
            "--out",
            str(tmp_path / "s"),
            "--set",
            "doctrine.shots_per_salvo=1,6",
            "-n",
            "16",
        ],
    )
    assert result.exit_code == 1, result.output
    assert "invalid: " in result.output and "1 finished, 1 invalid" in result.output
