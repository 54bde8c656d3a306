"""`kamae query` is read-only (issue 23): DuckDB without external access, no extension
autoinstall or autoload, its configuration locked, the sweep's tables only, one query."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_scenario
from sweep_fixtures import tiny_scenario, tiny_scenario_doc  # noqa: F401  (fixture)

from kamae.sweep import SweepError, query_table, run_sweep
from kamae.sweep.query import connect


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("readonly")
    scenario = write_scenario(tmp, tiny_scenario_doc(), "tiny.yaml")
    result = run_sweep(
        scenario, ["doctrine.shots_per_salvo=1,2"], replications=16, workers=1, out=tmp / "s"
    )
    assert result.complete
    return result.folder


def test_a_query_reads_the_sweeps_tables(sweep: Path) -> None:
    sql = "SELECT point, count(*) AS n FROM replications GROUP BY 1 ORDER BY 1"
    table = query_table(sweep, sql)
    assert table.column("n").to_pylist() == [16, 16]
    assert query_table(sweep, "FROM points").num_rows == 2
    assert query_table(sweep, "SUMMARIZE replications").num_rows > 2


@pytest.mark.parametrize(
    ("sql", "refusal"),
    [
        ("COPY (SELECT 1) TO '{out}/copied.csv'", "not COPY"),
        ("COPY replications TO '{out}/copied.parquet'", "not COPY"),
        ("SELECT * FROM read_text('/etc/passwd')", "disabled"),
        ("SELECT * FROM read_csv('/etc/passwd')", "disabled"),
        ("SELECT * FROM read_parquet('{out}/*.parquet')", "disabled"),
        ("SELECT * FROM glob('/etc/*')", "disabled"),
        ("ATTACH '{out}/other.duckdb'", "not ATTACH"),
        ("INSTALL httpfs", "not LOAD"),
        ("LOAD httpfs", "not LOAD"),
        ("SET enable_external_access = true", "not SET"),
        ("SELECT current_setting('enable_external_access')", None),
        ("CREATE TABLE t AS SELECT 1", "not CREATE"),
        ("DROP VIEW replications", "not DROP"),
        ("EXPORT DATABASE '{out}/export'", "not EXPORT"),
        ("SELECT 1; COPY (SELECT 1) TO '{out}/x.csv'", "one SQL statement"),
        ("PRAGMA show_tables", "not PRAGMA"),
    ],
)
def test_nothing_but_queries_of_the_sweep(
    sweep: Path, tmp_path: Path, sql: str, refusal: str | None
) -> None:
    out = tmp_path / "outside"
    out.mkdir()
    text = sql.format(out=out)
    if refusal is None:
        assert query_table(sweep, text).column(0).to_pylist() == [False]
        return
    with pytest.raises(SweepError) as info:
        query_table(sweep, text)
    line = str(info.value)
    assert "\n" not in line and line.startswith("query:") and refusal in line, line
    assert list(out.iterdir()) == []


def test_the_connection_cannot_be_reconfigured(sweep: Path) -> None:
    import duckdb

    con = connect(sweep)
    try:
        with pytest.raises(duckdb.Error):
            con.execute("SET enable_external_access = true")
        with pytest.raises(duckdb.Error):
            con.execute("SET autoinstall_known_extensions = true")
        with pytest.raises(duckdb.Error):
            con.execute("SELECT * FROM read_text('/etc/hostname')")
    finally:
        con.close()


def test_query_output_is_terminal_safe(tiny_scenario: Path, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "s"
    run_sweep(tiny_scenario, ["description=a,b"], replications=16, workers=1, out=out)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kamae.cli",
            "query",
            str(out),
            "SELECT chr(27) || '[31mred' || chr(13) || '[/bold]' AS x FROM points",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\r" not in done.stdout
    assert "\\x1b[31mred\\x0d[/bold]" in done.stdout
