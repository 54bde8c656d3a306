"""Catalog overrides: one field of a built-in entry changed, the rest kept (deep merge); an
override of no built-in entry, or of the wrong type, refused in one line."""

from __future__ import annotations

import pytest
from conftest import one_layer_scenario, write_scenario

from kamae.errors import ScenarioErrors
from kamae.scenario import builtin_catalog, load_scenario
from kamae.scenario.overrides import deep_merge


def _load(tmp_path, catalog: dict):  # noqa: ANN202
    doc = one_layer_scenario(count=2)
    for kind, entries in catalog.items():
        doc["catalog"].setdefault(kind, {}).update(entries)
    return load_scenario(write_scenario(tmp_path, doc))


def test_one_field_of_a_builtin_threat_is_changed_and_the_rest_kept(tmp_path) -> None:
    loaded = _load(tmp_path, {"threats": {"mrbm-nodong-class": {"unit_cost_musd": 2.5}}})
    base = builtin_catalog().threats["mrbm-nodong-class"]
    got = loaded.threats["mrbm-nodong-class"]
    assert got.unit_cost_musd == 2.5
    assert got.model_copy(update={"unit_cost_musd": base.unit_cost_musd}) == base


def test_nested_fields_merge_key_by_key(tmp_path) -> None:
    loaded = _load(tmp_path, {"interceptors": {"pac-3-mse": {"sspk": {"mrbm": 0.5}}}})
    base = builtin_catalog().interceptors["pac-3-mse"].sspk
    assert loaded.interceptors["pac-3-mse"].sspk == {**base, "mrbm": 0.5}
    cm = {"countermeasures": {"decoys": 2}}
    loaded = _load(tmp_path, {"threats": {"mrbm-nodong-penaid-class": cm}})
    got = loaded.threats["mrbm-nodong-penaid-class"].countermeasures
    assert got is not None and got.decoys == 2 and got.debris == 1


def test_an_override_of_no_builtin_entry_is_one_line(tmp_path) -> None:
    with pytest.raises(ScenarioErrors) as err:
        _load(tmp_path, {"threats": {"mrbm-nodong-clas": {"unit_cost_musd": 2.5}}})
    text = str(err.value)
    assert len(err.value.errors) == 1 and "\n" not in text
    assert "scenario.yaml" in text and "catalog.threats.mrbm-nodong-clas" in text
    assert "no built-in threats entry" in text and "closest: mrbm-nodong-class" in text


def test_an_override_of_the_wrong_type_names_file_field_and_expectation(tmp_path) -> None:
    with pytest.raises(ScenarioErrors) as err:
        _load(tmp_path, {"threats": {"mrbm-nodong-class": {"unit_cost_musd": "cheap"}}})
    assert len(err.value.errors) == 1
    text = str(err.value)
    assert "scenario.yaml" in text and "catalog.threats.mrbm-nodong-class.unit_cost_musd" in text
    assert "valid number" in text
    with pytest.raises(ScenarioErrors, match="expected a mapping"):
        _load(tmp_path, {"threats": {"mrbm-nodong-class": 3}})


def test_a_cost_range_out_of_order_is_refused(tmp_path) -> None:
    bad = {"mrbm-nodong-class": {"unit_cost_low_musd": 5.0}}  # central 1.2 below it
    with pytest.raises(ScenarioErrors, match="unit_cost_low_musd <= unit_cost_musd"):
        _load(tmp_path, {"threats": bad})


def test_deep_merge_replaces_lists_and_scalars() -> None:
    base = {"a": {"b": 1, "c": [1, 2]}, "d": 1}
    assert deep_merge(base, {"a": {"c": [3]}, "d": 2}) == {"a": {"b": 1, "c": [3]}, "d": 2}
    assert base == {"a": {"b": 1, "c": [1, 2]}, "d": 1}


def test_a_new_kind_replaces_the_entry_whole(tmp_path) -> None:
    cruise = {
        "kind": "cruise", "threat_class": "cruise", "max_range_km": 1500, "rcs_m2": 0.1,
        "speed_mps": 220, "altitude_m": 50, "source": "test", "notional": True,
    }  # fmt: skip
    doc = one_layer_scenario(count=2)
    doc["catalog"]["interceptors"]["test-upper"]["sspk"]["cruise"] = 0.5
    doc["catalog"]["threats"] = {"mrbm-nodong-class": cruise}
    loaded = load_scenario(write_scenario(tmp_path, doc))
    assert loaded.threats["mrbm-nodong-class"].kind == "cruise"
    assert loaded.threats["mrbm-nodong-class"].unit_cost_musd is None


def test_every_builtin_threat_has_a_sourced_cost_range() -> None:
    for name, t in builtin_catalog().threats.items():
        assert t.unit_cost_musd is not None, name
        assert t.unit_cost_low_musd is not None and t.unit_cost_high_musd is not None, name
        assert t.unit_cost_low_musd <= t.unit_cost_musd <= t.unit_cost_high_musd, name
        assert "Cost" in t.source, name
        assert t.cost_verified or "UNVERIFIED" in t.source, name
