"""Uncertain inputs in the scenario file: the loader's pre-validation pass
(`kamae.scenario.uncertain.central_values`) and the inputs files over a scenario."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import one_layer_scenario
from uncertain_scenarios import UPPER, two_layer_doc, uniform, write

from kamae.errors import KamaeError, ScenarioErrors
from kamae.scenario import load_scenario, load_scenario_text
from kamae.uncertainty.inputs import (
    bundled_inputs,
    central_document,
    study_inputs,
    with_inputs_file,
)


def _load(doc: dict) -> object:
    return load_scenario_text(yaml.safe_dump(doc, sort_keys=False).encode(), "u.yaml")


def test_a_distribution_is_validated_and_run_at_its_central_value() -> None:
    loaded = _load(two_layer_doc())
    assert [u.path for u in loaded.uncertain] == [
        UPPER,
        ("catalog", "interceptors", "test-lower", "sspk", "mrbm"),
    ]
    upper = loaded.scenario.catalog.interceptors["test-upper"].sspk["mrbm"]
    assert upper == pytest.approx(0.6)  # (0.3 + 0.9) / 2
    assert loaded.interceptors["test-lower"].sspk["mrbm"] == pytest.approx(0.5)
    # the file as read keeps the distributions (run folders keep them with the results)
    assert "distribution: uniform" in loaded.text
    doc = central_document(loaded)
    assert doc["catalog"]["interceptors"]["test-upper"]["sspk"]["mrbm"] == pytest.approx(0.6)


@pytest.mark.parametrize(
    ("dist", "central"),
    [
        ({"distribution": "triangular", "low": 0.2, "mode": 0.7, "high": 0.8}, 0.7),
        ({"distribution": "three_point", "low": 0.5, "central": 0.6, "high": 0.9}, 0.6),
        (
            {"distribution": "truncated_normal", "mean": 0.5, "sd": 0.2, "low": 0.1, "high": 0.9},
            0.5,
        ),
        ({"distribution": "lognormal", "median": 0.05, "sigma": 0.3}, 0.05),
    ],
)
def test_every_kind_has_its_central_value(dist: dict, central: float) -> None:
    doc = one_layer_scenario()
    doc["catalog"]["interceptors"]["test-upper"]["sspk"]["mrbm"] = {**dist, "source": "test"}
    loaded = _load(doc)
    assert loaded.scenario.catalog.interceptors["test-upper"].sspk["mrbm"] == pytest.approx(central)
    assert loaded.uncertain[0].distribution.central == pytest.approx(central)


def test_an_integer_field_takes_the_rounded_central_value() -> None:
    doc = one_layer_scenario()
    doc["fire_units"][0]["inventory"] = uniform(3, 6)  # central 4.5
    loaded = _load(doc)
    assert loaded.scenario.fire_units[0].inventory == 4  # round half to even
    (u,) = loaded.uncertain
    assert u.integer and u.central == 4


@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        (("doctrine", "shoot_look_shoot"), uniform(0, 1), "allowed only in a numeric field"),
        (("name",), uniform(0, 1), "allowed only in a numeric field"),
        (("seed",), uniform(1, 9), "seed is a run setting"),
        (
            ("doctrine", "kill_assessment_probability"),
            uniform(0.5, 1.5),
            "reaches 1.5, outside the field's range",
        ),
        (
            ("doctrine", "kill_assessment_probability"),
            {"distribution": "lognormal", "median": 0.5, "sigma": 0.5, "source": "x"},
            "outside the field's range",
        ),
        (("doctrine", "kill_assessment_s"), uniform(9, 3), "low must be below high"),
        (
            ("doctrine", "kill_assessment_s"),
            {"distribution": "uniform", "low": 1, "high": 2},
            "source: distribution: required field is missing",
        ),
        (
            ("doctrine", "kill_assessment_s"),
            {"distribution": "uniform", "low": 1, "high": 2, "mode": 1, "source": "x"},
            "unknown field of a distribution",
        ),
    ],
)
def test_a_bad_distribution_is_one_line_with_its_line(
    where: tuple, value: dict, message: str
) -> None:
    doc = one_layer_scenario()
    node = doc
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = value
    with pytest.raises(ScenarioErrors) as info:
        _load(doc)
    (error,) = info.value.errors
    assert message in str(error) and error.line is not None, str(error)
    assert "\n" not in str(error)


def test_the_loader_pass_changes_nothing_without_distributions() -> None:
    plain = load_scenario("japan-2027")
    assert plain.uncertain == ()


def test_an_inputs_file_adds_distributions_over_a_bundled_scenario(tmp_path: Path) -> None:
    path = tmp_path / "inputs.yaml"
    path.write_text(
        "description: test\n"
        "inputs:\n"
        "  catalog.interceptors.sm-3-block-ib.sspk.mrbm:\n"
        "    {distribution: uniform, low: 0.6, high: 0.8, source: test}\n"
        "  fire_units[patriot-tokyo].inventory:\n"
        "    {distribution: uniform, low: 8, high: 24, source: test}\n",
        encoding="utf-8",
    )
    base = load_scenario("japan-2027")
    loaded = with_inputs_file(base, path)
    names = [i.name for i in study_inputs(loaded)]
    assert names == [
        "fire_units[patriot-tokyo].inventory",
        "catalog.interceptors.sm-3-block-ib.sspk.mrbm",
    ]
    # at the central values the scenario is the bundled one (0.7 and 16 are its values)
    assert loaded.interceptors["sm-3-block-ib"] == base.interceptors["sm-3-block-ib"]
    assert loaded.scenario.fire_units == base.scenario.fire_units


def test_a_bad_inputs_file_names_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "inputs.yaml"
    path.write_text(
        "inputs:\n"
        "  doctrine.shots_per_salvoo: {distribution: uniform, low: 1, high: 2, source: x}\n"
        "  doctrine.kill_assessment_probability:\n"
        "    {distribution: uniform, low: 0.5, high: 2, source: x}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioErrors) as info:
        with_inputs_file(load_scenario("japan-2027"), path)
    (error,) = info.value.errors
    assert (
        error.file == str(path) and error.line == 2 and "no field 'shots_per_salvoo'" in str(error)
    )
    path.write_text(
        "inputs:\n  doctrine.kill_assessment_probability:\n"
        "    {distribution: uniform, low: 0.5, high: 2, source: x}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioErrors) as info:
        with_inputs_file(load_scenario("japan-2027"), path)
    (error,) = info.value.errors
    assert error.line in (2, 3) and "outside the field's range" in str(error)
    with pytest.raises(KamaeError, match="no such inputs file"):
        with_inputs_file(load_scenario("japan-2027"), tmp_path / "missing.yaml")


def test_the_bundled_inputs_load_over_their_scenario() -> None:
    assert "japan-2027-inputs" in bundled_inputs()
    base = load_scenario("japan-2027")
    loaded = with_inputs_file(base, "japan-2027-inputs")
    inputs = study_inputs(loaded)
    assert len(inputs) == 8
    for i in inputs:  # every range is sourced, and centred on the scenario's own value
        assert i.distribution.source.strip()
    assert loaded.interceptors == base.interceptors
    assert loaded.sensors == base.sensors and loaded.threats == base.threats
    assert loaded.scenario.doctrine == base.scenario.doctrine


def test_a_scenario_file_with_distributions_is_written_and_read(tmp_path: Path) -> None:
    path = write(tmp_path, two_layer_doc())
    assert len(load_scenario(str(path)).uncertain) == 2
