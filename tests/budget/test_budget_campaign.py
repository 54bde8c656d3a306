"""`kamae study budget` in campaign mode (issue 18): each year's stand-off purchases become the
counterstrike platforms' inventories of the scenario's campaign.

A constructed case with a known sign and size: one launcher force of 4 launchers, every
probability 1 (located, reliable, killed), one battery firing up to 4 Tomahawks a step. In
FY2023 no Tomahawk has arrived (the LOA's lag of 2 fiscal years): the battery holds 0 and
destroys 0 launchers; by FY2025 134 have arrived and the battery destroys all 4 once the
attack is confirmed (1 h + 0 h decision, within the first day). Paths that deliver the same
(2% and 3.5% share the actual years FY2023-2025) give paired differences of exactly 0."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from conftest import write_scenario

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "campaign"))
from campaign_scenarios import campaign_doc  # noqa: E402

from kamae.budget.study import budget_study, load_study_file, study_table  # noqa: E402
from kamae.errors import ScenarioError  # noqa: E402
from kamae.scenario import load_scenario_text  # noqa: E402

TOMAHAWK = {  # the built-in entry with every probability 1 (a test weapon, not data)
    "range_km": 1600,
    "basing": ["ship", "ground"],
    "reliability": 1.0,
    "p_kill": 1.0,
    "source": "test",
    "notional": True,
}


def _study(tmp_path, **extra):  # noqa: ANN003, ANN202
    doc = campaign_doc(count=4, inventory=10, launchers=4, missiles_per_launcher=3, steps=3)
    doc["campaign"]["strike_weapons"] = {"tomahawk": TOMAHAWK}
    doc["campaign"]["counterstrike"]["platforms"][0]["weapon"] = "tomahawk"
    write_scenario(tmp_path, doc)
    study = {
        "version": 1,
        "scenario": "scenario.yaml",  # relative to the study file, not the cwd
        "mode": "campaign",
        "paths": ["2pct-fy2027", "3.5pct"],
        "first_fiscal_year": 2023,
        "last_fiscal_year": 2025,
        "years": [2023, 2025],
        "shares_pct": {"tomahawk": 2.5},
        "placements": {"tomahawk": {"platforms": ["battery"]}},
        "replications": 8,
        **extra,
    }
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    return path


def test_standoff_deliveries_feed_the_campaign_counterstrike(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path.parent)  # the scenario is found next to the study file
    study = budget_study(_study(tmp_path))
    rows = {(r["path"], r["fiscal_year"]): r for r in study.rows}
    for path in ("2pct-fy2027", "3.5pct"):
        early, late = rows[(path, 2023)], rows[(path, 2025)]
        assert early["platform_inventory"] == {"battery": 0}
        assert late["platform_inventory"] == {"battery": 134}  # production-bound, lag 2
        assert early["launchers_destroyed"]["mean"] == 0.0
        assert early["strike_missiles_fired"]["mean"] == 0.0
        assert late["launchers_destroyed"]["mean"] == 4.0
        assert late["strike_missiles_fired"]["mean"] == 4.0
        # Fewer launchers left: fewer missiles launched, no more leakers than in FY2023.
        assert late["missiles_launched"]["mean"] < early["missiles_launched"]["mean"]
        assert late["leakers"]["mean"] <= early["leakers"]["mean"]
        # Interceptors at 10 M USD each over the missiles launched at the threat's cost.
        cost = load_scenario_text((tmp_path / "scenario.yaml").read_bytes(), "s")
        threat = cost.threats["mrbm-nodong-class"].unit_cost_musd
        for row in (early, late):
            hand = (
                10 * row["interceptors_fired"]["mean"] / (row["missiles_launched"]["mean"] * threat)
            )
            assert row["cost_exchange"]["ratio"] == pytest.approx(hand, rel=1e-12)
    for fy in (2023, 2025):
        other = rows[("3.5pct", fy)]
        for key in ("leakers", "launchers_destroyed", "interceptors_fired"):
            d = other[f"{key}_minus_reference"]
            assert d["mean"] == 0.0 and d["ci95"] == [0.0, 0.0]
        cpl = other["cost_per_avoided_leaker"]
        assert cpl["ratio_musd"] is None and "reason" in cpl
        assert rows[("2pct-fy2027", fy)]["cost_per_avoided_leaker"] is None
    assert study.mode == "campaign" and len(study_table(study)) == 4


def test_a_placement_naming_an_unknown_fire_unit_or_platform_is_one_line(tmp_path) -> None:
    path = _study(tmp_path, placements={"tomahawk": {"platforms": ["batery"]}})
    with pytest.raises(ScenarioError) as err:
        load_study_file(path)
    text = str(err.value)
    assert "study.yaml:" in text and "placements.tomahawk.platforms[0]" in text
    assert "no counterstrike platform 'batery'" in text and "\n" not in text
    path = _study(
        tmp_path,
        shares_pct={"pac-3-mse": 1.0},
        placements={"pac-3-mse": {"fire_units": ["patriot-nowhere"]}},
    )
    with pytest.raises(ScenarioError) as err:
        load_study_file(path)
    text = str(err.value)
    assert "placements.pac-3-mse.fire_units[0]" in text and "no fire unit" in text
    assert "\n" not in text


def test_cost_per_avoided_leaker_by_hand() -> None:
    from kamae.budget.campaign_years import cost_per_avoided_leaker
    from kamae.results.statistics import Interval

    # 100 M USD more for 2 [1, 3] leakers avoided: 50 M USD each, [100/3, 100/1].
    out = cost_per_avoided_leaker(100.0, Interval(2.0, 1.0, 3.0, "paired student-t"))
    assert out["ratio_musd"] == 50.0
    assert out["ratio_ci95"] == pytest.approx([100 / 3, 100.0])
    # An interval reaching 0: no ratio, with the reason.
    out = cost_per_avoided_leaker(100.0, Interval(0.5, -0.2, 1.2, "paired student-t"))
    assert out["ratio_musd"] is None and "reaches 0" in out["reason"]


def test_campaign_cost_exchange_by_hand(tmp_path) -> None:
    """Two replications: 4 and 6 interceptors (10 M USD, no range) against 8 and 12 missiles
    launched by the one force: ratio 100 / (20 c), c the threat's central cost; its range
    over the threat's cost range [100 / (20 high), 100 / (20 low)]."""
    import pyarrow as pa

    from kamae.budget.campaign_years import campaign_cost_exchange

    doc = campaign_doc(count=4)
    loaded = load_scenario_text(yaml.safe_dump(doc).encode(), "s")
    t = loaded.threats["mrbm-nodong-class"]
    totals = pa.table({"replication": [0, 1], "fired.test-upper": [4.0, 6.0],
                       "launched.force": [8.0, 12.0]})  # fmt: skip
    doc = campaign_cost_exchange(loaded, totals)
    assert doc["ratio"] == pytest.approx(100 / (20 * t.unit_cost_musd), rel=1e-12)
    low, high = t.unit_cost_low_musd or t.unit_cost_musd, t.unit_cost_high_musd or t.unit_cost_musd
    assert doc["ratio_range"] == pytest.approx([100 / (20 * high), 100 / (20 * low)], rel=1e-12)
    lo, hi = doc["ratio_ci95"]
    assert lo <= doc["ratio"] <= hi
    none = campaign_cost_exchange(
        loaded, totals.set_column(2, "launched.force", pa.array([0.0, 0.0]))
    )
    assert none["ratio"] is None and none["reason"] == "no missile launched"
