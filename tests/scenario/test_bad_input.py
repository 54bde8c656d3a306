"""Every class of bad scenario input: one clear line per problem, exit code 2, no traceback,
naming the file, the line, the field path, the value and what is expected."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import one_layer_scenario, write_scenario

from kamae.errors import ScenarioError, ScenarioErrors
from kamae.world import validate_scenario


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kamae.cli", *args], capture_output=True, text=True, timeout=120
    )


def _errors(path: Path) -> list[ScenarioError]:
    with pytest.raises((ScenarioError, ScenarioErrors)) as info:
        validate_scenario(str(path))
    exc = info.value
    return exc.errors if isinstance(exc, ScenarioErrors) else [exc]


def _mutated(tmp_path: Path, change) -> Path:
    doc = copy.deepcopy(one_layer_scenario())
    change(doc)
    return write_scenario(tmp_path, doc)


def test_malformed_yaml_names_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\nname: x\nraids: [\n  {id: a\n", encoding="utf-8")
    (err,) = _errors(path)
    assert err.file == str(path) and err.line is not None and err.line >= 4
    assert "malformed YAML" in str(err)


def test_missing_field(tmp_path: Path) -> None:
    path = _mutated(tmp_path, lambda d: d["raids"][0].pop("count"))
    (err,) = _errors(path)
    assert err.field == "raids[0].count"
    assert "missing" in err.problem
    assert err.line == _line_of(path, "- id: raid")


def test_wrong_type(tmp_path: Path) -> None:
    path = _mutated(tmp_path, lambda d: d["fire_units"][0].update(inventory="lots"))
    (err,) = _errors(path)
    assert err.field == "fire_units[0].inventory"
    assert "integer" in err.problem and "'lots'" in str(err)
    assert err.line == _line_of(path, "inventory: lots")


def test_latitude_out_of_range(tmp_path: Path) -> None:
    path = _mutated(tmp_path, lambda d: d["assets"][0].update(lat_deg=95))
    (err,) = _errors(path)
    assert err.field == "assets[0].lat_deg"
    assert "less than or equal to 90" in err.problem and "95" in str(err)


def test_negative_range(tmp_path: Path) -> None:
    path = _mutated(
        tmp_path, lambda d: d["catalog"]["interceptors"]["test-upper"].update(max_range_km=-5)
    )
    (err,) = _errors(path)
    assert err.field == "catalog.interceptors.test-upper.max_range_km"
    assert "greater than 0" in err.problem


def test_impossible_envelope(tmp_path: Path) -> None:
    path = _mutated(
        tmp_path, lambda d: d["catalog"]["interceptors"]["test-upper"].update(min_altitude_km=2000)
    )
    (err,) = _errors(path)
    assert err.field == "catalog.interceptors.test-upper"
    assert "min_altitude_km must be below max_altitude_km" in err.problem


def test_unknown_catalog_name(tmp_path: Path) -> None:
    path = _mutated(tmp_path, lambda d: d["raids"][0].update(threat="mrbm-unobtainium"))
    (err,) = _errors(path)
    assert err.field == "raids[0].threat"
    assert "unknown threat type" in err.problem and "mrbm-nodong-class" in err.problem
    assert err.value == "mrbm-unobtainium"


def test_duplicate_id(tmp_path: Path) -> None:
    def dup(d: dict) -> None:
        d["fire_units"].append(copy.deepcopy(d["fire_units"][0]))

    path = _mutated(tmp_path, dup)
    (err,) = _errors(path)
    assert err.field == "fire_units[1].id" and "duplicate id" in err.problem


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(
        yaml.safe_dump(one_layer_scenario(), sort_keys=False) + "seed: 3\n", encoding="utf-8"
    )
    (err,) = _errors(path)
    assert err.field == "seed" and "duplicate key" in err.problem


def test_unknown_field_is_refused(tmp_path: Path) -> None:
    path = _mutated(tmp_path, lambda d: d["doctrine"].update(shots_per_salvoo=3))
    (err,) = _errors(path)
    assert err.field == "doctrine.shots_per_salvoo" and "unknown field" in err.problem


def test_target_out_of_missile_range(tmp_path: Path) -> None:
    path = _mutated(tmp_path, lambda d: d["raids"][0].update(threat="srbm-scud-er-class"))
    (err,) = _errors(path)
    assert err.field == "raids[0].launch" and "beyond the 1000 km range" in err.problem


def test_salvo_larger_than_launchers(tmp_path: Path) -> None:
    def change(d: dict) -> None:
        d["doctrine"].update(shots_per_salvo=4, max_shots_per_threat=4)
        d["fire_units"][0].update(launchers=2)

    path = _mutated(tmp_path, change)
    (err,) = _errors(path)
    assert err.field == "doctrine.shots_per_salvo" and "exceeds the 2 launchers" in err.problem


def test_several_problems_reported_together(tmp_path: Path) -> None:
    def change(d: dict) -> None:
        d["assets"][0]["lat_deg"] = 95
        d["raids"][0]["count"] = 0

    errs = _errors(_mutated(tmp_path, change))
    assert {e.field for e in errs} == {"assets[0].lat_deg", "raids[0].count"}


@pytest.mark.parametrize("command", [("validate",), ("run", "--replications", "2", "--out", "OUT")])
def test_cli_one_line_exit_2_no_traceback(tmp_path: Path, command: tuple[str, ...]) -> None:
    path = _mutated(tmp_path, lambda d: d["assets"][0].update(lat_deg=95))
    args = [a.replace("OUT", str(tmp_path / "out")) for a in command]
    proc = _cli(args[0], str(path), *args[1:])
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}:") and "assets[0].lat_deg" in lines[0]
    assert not (tmp_path / "out").exists()


def test_cli_missing_file(tmp_path: Path) -> None:
    proc = _cli("validate", str(tmp_path / "nope.yaml"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "no such file or bundled scenario" in proc.stderr


def _line_of(path: Path, text: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(text)
