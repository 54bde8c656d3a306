"""The command line: run, validate, scenarios, schema and the calculators."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from kamae.cli import app
from kamae.scenario import bundled_scenarios

runner = CliRunner()


def test_run_writes_the_results_folder(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["run", "--replications", "3", "--seed", "5", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    (folder,) = list(tmp_path.iterdir())
    assert folder.name.startswith("japan-2027-") and folder.name.endswith("Z")
    assert {p.name for p in folder.iterdir()} == {
        "summary.json",
        "replications.parquet",
        "events.parquet",
        "manifest.json",
        "scenario.yaml",
    }
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["replications"] == 3 and summary["seed"] == 5
    assert summary["threats_launched"]["mean"] == 20
    lo, hi = summary["p_no_leak"]["ci95"]
    assert 0.0 <= lo <= summary["p_no_leak"]["mean"] <= hi <= 1.0
    assert summary["p_no_leak"]["method"] == "wilson"
    reps = pq.read_table(folder / "replications.parquet")
    assert reps.num_rows == 3
    events = pq.read_table(folder / "events.parquet")
    assert set(events.column("kind").to_pylist()) >= {"detection", "launch", "intercept"}
    assert set(events.column_names) >= {"replication", "time_s", "threat", "sensor", "fire_unit"}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert len(manifest["scenario_sha256"]) == 64 and manifest["seed"] == 5
    assert "numpy" in manifest["libraries"]
    assert "threats leaked" in result.output


def test_run_json_prints_only_the_summary(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "kamae.cli", "run", "-n", "2", "--json", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    (folder,) = list(tmp_path.iterdir())
    assert doc == json.loads((folder / "summary.json").read_text())


def test_validate_ok() -> None:
    result = runner.invoke(app, ["validate", "japan-2027"])
    assert result.exit_code == 0
    first, summary = result.output.strip().splitlines()
    assert first == "ok" and "20 missiles" in summary


def test_scenarios_lists_bundled() -> None:
    result = runner.invoke(app, ["scenarios"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert len(lines) == len(bundled_scenarios())
    assert any(line.startswith("japan-2027: ") for line in lines)


def test_schema_validates_the_bundled_scenarios() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    for path in bundled_scenarios().values():
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": 1, "name": "x"}, schema)  # no raids


def test_calc_horizon_json() -> None:
    result = runner.invoke(
        app, ["calc", "horizon", "--radar-height-m", "25", "--target-altitude-km", "1", "--json"]
    )
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert doc["horizon_range_km"] == pytest.approx(4.12 * (5 + 1000**0.5), rel=2e-3)


def test_calc_distance_negative_coordinates() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kamae.cli",
            "calc",
            "distance",
            "-33.9",
            "18.4",
            "35.68",
            "139.77",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    from pyproj import Geod

    _, _, d = Geod(ellps="WGS84").inv(18.4, -33.9, 139.77, 35.68)
    assert doc["distance_km"] == pytest.approx(d / 1e3, abs=1e-6)


def test_calc_rejects_bad_values() -> None:
    result = runner.invoke(app, ["calc", "distance", "95", "0", "0", "0"])
    assert result.exit_code == 2
