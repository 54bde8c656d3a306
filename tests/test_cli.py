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
        "report.html",
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
    # Cost-exchange in every run: every bundled threat class has a cost range.
    ratio, span = summary["cost_exchange"]["ratio"], summary["cost_exchange_range"]["ratio_range"]
    assert ratio > 0 and span[0] < ratio < span[1]
    assert "cost-exchange" in result.output and "over the cost ranges" in result.output
    assert "cost-exchange" in (folder / "report.html").read_text()


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


def test_calc_leakage_layers_json() -> None:
    result = runner.invoke(
        app, ["calc", "leakage", "--threats", "10", "--layers", "0.7:2,0.5:1:0.9", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    p_leak = (1 - (1 - 0.3**2)) * (1 - 0.9 * 0.5)
    assert doc["p_leak_per_threat"] == pytest.approx(p_leak)
    assert doc["p_no_leakers"] == pytest.approx((1 - p_leak) ** 10)


def test_calc_interceptors_reproduces_wilkening() -> None:
    """Wilkening (2000), as reported by Yusufov (2026): 20 warheads, P_track 0.99, SSPK 0.7,
    P0 0.8 -> 113 interceptors in a barrage; with 10 undiscriminated decoys and 10 warheads,
    73."""
    base = ["calc", "interceptors", "--p-no-leak", "0.8", "--sspk", "0.7", "--p-track", "0.99"]
    doc = json.loads(runner.invoke(app, [*base, "--threats", "20", "--json"]).output)
    assert doc["interceptors_rounded"] == 113
    doc = json.loads(
        runner.invoke(app, [*base, "--threats", "10", "--decoys", "10", "--json"]).output
    )
    assert doc["interceptors_rounded"] == 73
    sls = json.loads(
        runner.invoke(app, [*base, "--threats", "20", "--doctrine", "sls", "--json"]).output
    )
    assert sls["expected_interceptors"] < doc["interceptors"] < 113


def test_calc_wta_json(tmp_path: Path) -> None:
    path = tmp_path / "wta.json"
    path.write_text(json.dumps({"values": [10, 1], "p": [[0.9, 0.5]], "counts": [1]}))
    doc = json.loads(runner.invoke(app, ["calc", "wta", str(path), "--json"]).output)
    assert doc["assignment"] == [{"weapon_type": 0, "target": 0, "weapons": 1}]
    assert doc["objective"] == pytest.approx(10 * 0.1 + 1) and doc["optimal"]
    # A proven optimum certifies itself: its bound is the objective, the gap zero.
    assert doc["lower_bound"] == pytest.approx(doc["objective"]) and doc["gap"] == 0.0


def test_calc_bad_input_is_one_line() -> None:
    result = runner.invoke(
        app, ["calc", "leakage", "--threats", "3", "--shots", "2", "--sspk", "1.5"]
    )
    assert result.exit_code == 2
    assert "sspk" in result.output and "Traceback" not in result.output
    result = runner.invoke(app, ["calc", "interceptors", "--threats", "3", "--p-no-leak", "0.9",
                                 "--sspk", "0.7", "--doctrine", "both"])  # fmt: skip
    assert result.exit_code == 2 and "--doctrine" in result.output
