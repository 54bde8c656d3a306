"""Sweep points: `--set` paths and values checked on the schema, grids, Latin hypercubes."""

from __future__ import annotations

import math

import pytest
import yaml
from sweep_fixtures import tiny_scenario_doc

from kamae.scenario import load_scenario, load_scenario_text
from kamae.sweep import SweepError
from kamae.sweep.points import ItemId, parse_path, plan_points, split_values


@pytest.fixture(scope="module")
def japan() -> dict:
    return yaml.safe_load(load_scenario("japan-2027").text)


def test_paths_parse_keys_indexes_ids_and_quoted_keys() -> None:
    assert parse_path("fire_units[0].inventory") == ("fire_units", 0, "inventory")
    assert parse_path("fire_units[patriot-tokyo].launchers") == (
        "fire_units",
        ItemId("patriot-tokyo"),
        "launchers",
    )
    assert parse_path('catalog.interceptors["a.b"].sspk.mrbm') == (
        "catalog",
        "interceptors",
        "a.b",
        "sspk",
        "mrbm",
    )
    assert split_values("[upper],[upper, lower],'a,b'", "x") == [
        "[upper]",
        "[upper, lower]",
        "'a,b'",
    ]


def test_grid_is_the_full_product_last_setting_fastest(japan: dict) -> None:
    points = plan_points(
        japan, ["fire_units[0].inventory=8,16,32", "doctrine.shots_per_salvo=1,2"], None, 0
    )
    assert len(points) == 6
    assert points.values == ((8, 1), (8, 2), (16, 1), (16, 2), (32, 1), (32, 2))
    assert points.label(3) == "fire_units[0].inventory=16, doctrine.shots_per_salvo=2"
    doc = points.document(3)
    assert doc["fire_units"][0]["inventory"] == 16
    assert doc["doctrine"]["shots_per_salvo"] == 2
    assert japan["fire_units"][0]["inventory"] == 8, "the base document is left alone"


def test_no_settings_is_one_point_the_scenario_itself(japan: dict) -> None:
    points = plan_points(japan, [], None, 0)
    assert len(points) == 1
    assert points.document(0) == japan


def test_builtin_catalog_entry_is_copied_before_a_field_is_set(japan: dict) -> None:
    points = plan_points(japan, ["catalog.interceptors.sm-3-block-ib.sspk.mrbm=0.5,0.7"], None, 0)
    doc = points.document(0)
    entry = doc["catalog"]["interceptors"]["sm-3-block-ib"]
    assert entry["sspk"] == {"srbm": 0.7, "mrbm": 0.5, "irbm": 0.6, "cruise": 0, "hgv": 0}
    assert entry["max_range_km"] == 700 and entry["source"]
    loaded = load_scenario_text(points.text(0), "point")
    assert loaded.interceptors["sm-3-block-ib"].sspk["mrbm"] == 0.5
    assert loaded.interceptors["sm-3-block-iia"].sspk["mrbm"] == 0.75
    assert "catalog" not in japan


def test_list_item_by_id_and_fields_left_at_their_default(japan: dict) -> None:
    points = plan_points(
        japan, ["fire_units[patriot-tokyo].inventory=4", "doctrine.reserve_fraction=0.25"], None, 0
    )
    doc = points.document(0)
    tokyo = next(u for u in doc["fire_units"] if u["id"] == "patriot-tokyo")
    assert tokyo["inventory"] == 4
    assert doc["doctrine"]["reserve_fraction"] == 0.25


def test_a_list_valued_field_takes_bracketed_values(japan: dict) -> None:
    points = plan_points(japan, ["doctrine.layer_order=[upper],[upper, lower]"], None, 0)
    assert points.values == ((["upper"],), (["upper", "lower"],))
    assert points.label(1) == "doctrine.layer_order=[upper, lower]"


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("doctrine.shots_per_salvoo=1,2", "doctrine has no field 'shots_per_salvoo'"),
        ("fire_units[12].inventory=8", "index 12 is out of range (fire_units has 9 items)"),
        ("fire_units[nowhere].inventory=8", "no item with id 'nowhere' in fire_units"),
        ("fire_units.inventory=8", "fire_units is a list; choose an item"),
        ("doctrine.shots_per_salvo.x=1", "doctrine.shots_per_salvo is a single value"),
        ("catalog.interceptors.sm-99.sspk.mrbm=0.5", "no interceptors entry 'sm-99'"),
        ("catalog.interceptors.sm-6.sspk.icbm=0.5", "no key 'icbm' (expected one of srbm"),
        ("fire_units[0].inventory=8,lots", "lots: Input should be a valid integer"),
        ("fire_units[0].inventory=-1", "-1: Input should be greater than or equal to 0"),
        ("catalog.interceptors.sm-6.sspk.mrbm=1.5", "1.5: Input should be less than or equal"),
        ("doctrine.layer_order=[middle]", "Input should be 'upper' or 'lower'"),
        ("doctrine.kill_assessment_s=5:20", "a range needs --sample latin-hypercube:N"),
        ("doctrine.shots_per_salvo=1,,2", "empty value"),
        ("doctrine.shots_per_salvo", "expected path=value"),
        ("seed=1,2", "give the sweep's seed with --seed"),
        ("replications=10", "--replications"),
        ("doctrine.layer_order=[upper", "unbalanced"),
    ],
)
def test_bad_path_or_value_is_one_line_naming_it(japan: dict, setting: str, message: str) -> None:
    with pytest.raises(SweepError) as info:
        plan_points(japan, [setting], None, 0)
    text = str(info.value)
    assert "\n" not in text
    assert text.startswith(f"--set {setting.partition('=')[0]}")
    assert message in text


@pytest.mark.parametrize(
    ("setting", "sample", "message"),
    [
        ("doctrine.kill_assessment_s=20:5", "latin-hypercube:4", "low end must be below"),
        ("fire_units[0].inventory=4.5:9", "latin-hypercube:4", "give integer bounds"),
        ("doctrine.shoot_look_shoot=0:1", "latin-hypercube:4", "needs a numeric field"),
        ("doctrine.reserve_fraction=0:1", "latin-hypercube:4", "1.0: Input should be less than 1"),
        ("doctrine.kill_assessment_s=5:20", "latin-hypercube", "expected latin-hypercube:N"),
        ("doctrine.kill_assessment_s=5:20", "sobol:8", "expected latin-hypercube:N"),
    ],
)
def test_bad_range_or_sample_is_one_line(
    japan: dict, setting: str, sample: str, message: str
) -> None:
    with pytest.raises(SweepError, match=message):
        plan_points(japan, [setting], sample, 0)


def test_the_same_path_twice_is_refused(japan: dict) -> None:
    with pytest.raises(SweepError, match="given twice"):
        plan_points(japan, ["doctrine.shots_per_salvo=1", "doctrine.shots_per_salvo=2"], None, 0)


def test_latin_hypercube_uses_each_stratum_once_per_dimension(japan: dict) -> None:
    n = 20
    settings = [
        "doctrine.kill_assessment_s=5:20",
        "fire_units[0].inventory=0:39",
        "doctrine.shots_per_salvo=1,2",
        "doctrine.shoot_look_shoot=true",
    ]
    points = plan_points(japan, settings, f"latin-hypercube:{n}", 11)
    assert len(points) == n
    kill = [v[0] for v in points.values]
    strata = sorted(math.floor((k - 5.0) / 15.0 * n) for k in kill)
    assert strata == list(range(n))
    stock = [v[1] for v in points.values]
    assert all(isinstance(s, int) for s in stock)
    assert sorted(s // 2 for s in stock) == list(range(n))  # 40 integers in 20 strata of 2
    salvo = [v[2] for v in points.values]
    assert salvo.count(1) == salvo.count(2) == n // 2
    assert {v[3] for v in points.values} == {True}
    again = plan_points(japan, settings, f"latin-hypercube:{n}", 11)
    assert again.values == points.values
    other = plan_points(japan, settings, f"latin-hypercube:{n}", 12)
    assert other.values != points.values


def test_tiny_scenario_points_are_valid_scenario_files() -> None:
    base = tiny_scenario_doc()
    points = plan_points(base, ["fire_units[ship].launchers=2,4"], None, 0)
    for p in range(len(points)):
        loaded = load_scenario_text(points.text(p), f"point {p}")
        assert loaded.scenario.fire_units[0].launchers == (2, 4)[p]
