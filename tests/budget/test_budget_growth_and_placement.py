"""`kamae study budget` (issue 18): fire units and radars bought by the study, and an adversary
that grows year by year. Constructed cases with known answers:

- Fire units: each Patriot fire unit bought is a copy of the scenario's unit with 4 rounds;
  5% of the budget buys more than the 2 a year produced, so production binds and the orders
  of FY2023-24 arrive in FY2026-27 (lag 3). FY2025: 4 rounds engage 2 of 5 threats (SSPK 0.7
  twice): 3 + 2 x 0.09 = 3.18 expected leakers; FY2027: 4 + 4 x 4 rounds engage all 5:
  5 x 0.09 = 0.45.
- Raids: 5 missiles growing 100% a year from FY2025: 5 and 10 missiles, every one engaged,
  so 0.45 and 0.90 expected leakers.
- The compound rounding by hand (`grown_count`).
"""

from __future__ import annotations

import pytest
import yaml
from conftest import one_layer_scenario, write_scenario

from kamae.budget.force import grown, grown_count
from kamae.budget.study import budget_study, load_study_file
from kamae.errors import ScenarioError


def _study(tmp_path, inventory: int, **extra):  # noqa: ANN003, ANN202
    doc = one_layer_scenario(count=5, shots=2, replications=20)
    entry = doc["catalog"]["interceptors"].pop("test-upper")
    entry.update(unit_cost_low_musd=None, unit_cost_high_musd=None)
    doc["catalog"]["interceptors"]["sm-3-block-iia"] = entry
    unit = doc["fire_units"][0]
    unit["interceptor"], unit["inventory"] = "sm-3-block-iia", inventory
    scenario = write_scenario(tmp_path, doc)
    study = {
        "version": 1,
        "scenario": str(scenario),
        "paths": ["2pct-fy2027"],
        "first_fiscal_year": 2023,
        "last_fiscal_year": 2027,
        "years": [2025, 2027],
        "shares_pct": {"patriot-fire-unit": 5.0},
        "placements": {"patriot-fire-unit": {"like": "ship", "inventory": 4}},
        "replications": 20,
        **extra,
    }
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    return path


def test_fire_units_bought_join_the_defense_and_cut_leakers(tmp_path) -> None:
    study = budget_study(_study(tmp_path, inventory=4))
    rows = {r["fiscal_year"]: r for r in study.rows}
    assert [rows[fy]["delivered_to_date"].get("patriot-fire-unit", 0) for fy in (2025, 2027)] == [
        0,
        4,
    ]
    assert rows[2027]["binding"]["patriot-fire-unit"] == "production"
    early, late = rows[2025]["expected_leakers"], rows[2027]["expected_leakers"]
    assert early["ci95"][0] <= 3.18 <= early["ci95"][1]
    assert late["ci95"][0] <= 0.45 <= late["ci95"][1]
    assert early["ci95"][0] > late["ci95"][1]
    assert rows[2027]["adversary"] is None


def test_a_growing_raid_is_the_adversary_of_each_year(tmp_path) -> None:
    growth = {"base_fiscal_year": 2025, "source": "test: doubling a year",
              "raids": {"raid": {"pct_per_year": 100.0}}}  # fmt: skip
    study = budget_study(_study(tmp_path, inventory=200, adversary_growth=growth))
    rows = {r["fiscal_year"]: r for r in study.rows}
    assert rows[2025]["adversary"] == {"raid": 5} and rows[2027]["adversary"] == {"raid": 20}
    a, b = rows[2025]["expected_leakers"], rows[2027]["expected_leakers"]
    assert a["ci95"][0] <= 0.45 <= a["ci95"][1]
    assert b["ci95"][0] <= 20 * 0.09 <= b["ci95"][1]
    assert b["ci95"][0] > a["ci95"][1]


def test_compound_growth_by_hand() -> None:
    # 16 launchers at 10% a year: 16, 17.6, 19.36, 21.296, 23.4256 -> 16, 18, 19, 21, 23.
    assert [grown_count(16, 10.0, k) for k in range(5)] == [16, 18, 19, 21, 23]
    assert grown_count(10, 5.0, 1) == 11  # 10.5: halves up
    assert grown_count(7, -100.0, 1) == 0 and grown_count(7, -50.0, 1) == 4  # 3.5 -> 4
    assert grown_count(7, 30.0, 0) == 7
    doc = {"campaign": {"forces": [{"id": "a", "launchers": 16}, {"id": "b", "launchers": 6}]},
           "raids": [{"id": "r", "count": 3}, {"id": "s", "count": 2}]}  # fmt: skip
    out = grown(doc, "forces", {"a": 10.0}, 4)
    assert [f["launchers"] for f in out["campaign"]["forces"]] == [23, 6]
    assert doc["campaign"]["forces"][0]["launchers"] == 16  # the input is not changed
    assert grown(doc, "raids", {"r": -100.0}, 1)["raids"] == [{"id": "s", "count": 2}]


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"placements": {"patriot-fire-unit": {"like": "nowhere"}}},
         "placements.patriot-fire-unit.like", "no fire unit 'nowhere'"),
        ({"placements": {"patriot-fire-unit": {"fire_units": ["ship"]}}},
         "placements.patriot-fire-unit", "a launcher goes to like"),
        ({"shares_pct": {"an-tpy-2": 1.0}, "placements": {}},
         "shares_pct.an-tpy-2", "give placements.an-tpy-2.sensor"),
        ({"shares_pct": {"an-tpy-2": 1.0},
          "placements": {"an-tpy-2": {"sensor": {"id": "x", "type": "no-such-radar",
                                                 "lat_deg": 35.0, "lon_deg": 135.0}}}},
         "placements.an-tpy-2.sensor", "no-such-radar"),
        ({"adversary_growth": {"base_fiscal_year": 2025, "source": "t",
                               "raids": {"nope": {"pct_per_year": 5.0}}}},
         "adversary_growth.raids.nope", "no raid 'nope'"),
    ],
)  # fmt: skip
def test_bad_placements_and_growth_are_one_line_naming_the_field(
    tmp_path, extra, field, words
) -> None:
    with pytest.raises(ScenarioError) as err:
        load_study_file(_study(tmp_path, inventory=4, **extra))
    text = str(err.value)
    assert "study.yaml" in text and field in text and words in text and "\n" not in text


def test_growth_of_campaign_forces_needs_campaign_mode(tmp_path) -> None:
    growth = {"base_fiscal_year": 2025, "source": "t", "forces": {"f": {"pct_per_year": 5.0}}}
    with pytest.raises(ScenarioError) as err:
        load_study_file(_study(tmp_path, inventory=4, adversary_growth=growth))
    assert "only with mode: campaign" in str(err.value) and "\n" not in str(err.value)


def test_a_radar_bought_is_added_where_the_study_places_it(tmp_path) -> None:
    sensor = {"id": "xband", "type": "test-radar", "lat_deg": 36.0, "lon_deg": 136.0}
    path = _study(tmp_path, inventory=4, shares_pct={"an-tpy-2": 2.0},
                  placements={"an-tpy-2": {"sensor": sensor}})  # fmt: skip
    load_study_file(path)  # accepted
    study = budget_study(path, replications=2)
    rows = {r["fiscal_year"]: r for r in study.rows}
    # 1 a year produced, lag 3: FY2023-24's orders arrive in FY2026-27.
    assert rows[2027]["delivered_to_date"]["an-tpy-2"] == 2
