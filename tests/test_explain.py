"""`kamae explain RUN [--threat ID]` (issue 17): why threats leaked and fire units held
fire, from a run folder's why-not records; summary.json counts them by reason."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml
from conftest import one_layer_scenario
from typer.testing import CliRunner

from kamae.cli import app
from kamae.runs import run_scenario
from kamae.scenario import load_scenario_text

runner = CliRunner()


@pytest.fixture(scope="module")
def short_stock_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six threats, one salvo of two rounds: five threats leak for want of rounds."""
    doc = one_layer_scenario(count=6, shots=2, sspk=0.7, replications=6, seed=3)
    doc["fire_units"][0]["inventory"] = 2
    loaded = load_scenario_text(yaml.safe_dump(doc).encode(), "short.yaml")
    out = run_scenario(loaded, out=tmp_path_factory.mktemp("explain"))
    assert out.folder is not None
    return out.folder


def test_explain_a_run(short_stock_run: Path) -> None:
    result = runner.invoke(app, ["explain", str(short_stock_run)])
    assert result.exit_code == 0, result.output
    assert "no_rounds" in result.output and "per leaking threat:" in result.output
    assert "it had no rounds left" in result.output


def test_explain_one_threat_and_a_replication(short_stock_run: Path) -> None:
    result = runner.invoke(
        app, ["explain", str(short_stock_run), "--threat", "raid#6", "--replication", "0"]
    )
    assert result.exit_code == 0, result.output
    assert "raid#6 leaked in 6 replications" in result.output
    assert "ship: no_rounds 6" in result.output
    listed = [line for line in result.output.splitlines() if line.strip().startswith("t=")]
    assert any("leaker" in line and "rounds_left=0" in line for line in listed)


def test_explain_json_matches_the_summary(short_stock_run: Path) -> None:
    result = runner.invoke(app, ["explain", str(short_stock_run), "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    summary = json.loads((short_stock_run / "summary.json").read_text())
    totals = summary["why_not"]["leakers"]["total"]
    assert doc["reasons"] == totals and sum(totals.values()) == sum(
        x["replications_leaked"] for x in doc["leakers"].values()
    )
    leaked = pq.read_table(short_stock_run / "replications.parquet").column("threats_leaked")
    assert sum(totals.values()) == sum(leaked.to_pylist())
    per = summary["why_not"]["leakers"]["per_replication"]["no_rounds"]
    assert per["mean"] == pytest.approx(totals["no_rounds"] / 6)


def test_bad_input_is_one_line(short_stock_run: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["explain", str(short_stock_run), "--threat", "nope#1"])
    assert result.exit_code == 2 and "no threat 'nope#1'" in result.output
    result = runner.invoke(app, ["explain", str(tmp_path)])
    assert result.exit_code == 2 and "not a run folder" in result.output
    events = pq.read_table(short_stock_run / "events.parquet").drop(["reason"])
    (tmp_path / "events.parquet").write_bytes(b"")
    pq.write_table(events, tmp_path / "events.parquet")
    result = runner.invoke(app, ["explain", str(tmp_path)])
    assert result.exit_code == 2 and "before why-not records existed" in result.output
