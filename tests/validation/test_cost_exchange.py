"""Validation: the cost-exchange ratio against a hand computation.

Reference: the ratio of totals R = ΣX/ΣY and its delta-method variance
var(R) ≈ var(X − R·Y) / (n·mean(Y)²) (Cochran, Sampling Techniques, 3rd ed., 1977, §6.3),
worked by hand for three replications; and a two-type raid whose rounds fired and threats
engaged are fixed by construction (one salvo of 2 rounds at every threat), priced by hand at
the low, central and high unit costs of each type.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import one_layer_scenario, write_scenario

from kamae.results.cost_exchange import ratio_of_totals
from kamae.runs import run_scenario


def test_ratio_of_totals_and_its_interval_by_hand() -> None:
    # X = 1, 2, 3 and Y = 1, 1, 2: R = 6/4 = 1.5; X - R Y = -0.5, 0.5, 0 has s = 0.5;
    # half-width 1.96 * 0.5 / (sqrt(3) * 4/3) = 0.42435.
    ratio, ci = ratio_of_totals(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 2.0]))
    assert ratio == 1.5
    half = 1.959963984540054 * 0.5 / (math.sqrt(3) * 4 / 3)
    assert ci == pytest.approx([1.5 - half, 1.5 + half], rel=1e-12)
    assert half == pytest.approx(0.42435, abs=1e-5)


def _typed(costs: tuple[float, float, float]) -> dict:
    low, central, high = costs
    return {
        "kind": "ballistic", "threat_class": "mrbm", "max_range_km": 1300, "rcs_m2": 0.1,
        "unit_cost_low_musd": low, "unit_cost_musd": central, "unit_cost_high_musd": high,
        "cost_basis": "flyaway", "source": "test", "notional": True,
    }  # fmt: skip


def test_two_type_raid_against_a_hand_computation(tmp_path) -> None:
    doc = one_layer_scenario(count=3, shots=2, replications=4)
    doc["catalog"]["threats"] = {"type-x": _typed((1, 2, 4)), "type-y": _typed((5, 6, 9))}
    doc["raids"][0]["threat"] = "type-x"
    doc["raids"].append({**doc["raids"][0], "id": "raid-y", "threat": "type-y", "count": 2})
    doc["fire_units"][0]["inventory"] = 100
    out = run_scenario(str(write_scenario(tmp_path, doc)), out=None)
    ce = out.summary["cost_exchange"]
    # 5 threats x 2 rounds x 10 M USD = 100 M fired in every replication.
    assert ce["interceptor_cost_fired_musd"]["mean"] == pytest.approx(100.0)
    # Central: 3 x 2 + 2 x 6 = 18 M; high costs: 3 x 4 + 2 x 9 = 30 M; low: 3 x 1 + 2 x 5 = 13 M.
    assert ce["threat_cost_engaged_musd"]["mean"] == pytest.approx(18.0)
    assert ce["ratio"] == pytest.approx(100 / 18)
    ce = out.summary["cost_exchange_range"]
    assert ce["ratio_range"] == pytest.approx([100 / 30, 100 / 13])
    assert ce["ratio_range_ci95"] == pytest.approx([100 / 30, 100 / 13])  # no spread by design
    assert ce["threat_unit_costs_musd"]["type-y"]["high_musd"] == 9
    assert ce["threat_unit_costs_musd"]["type-y"]["basis"] == "flyaway"
    assert ce["interceptor_unit_costs_musd"] == {
        "test-upper": {
            "unit_cost_musd": 10, "low_musd": 10, "high_musd": 10, "basis": "flyaway",
            "verified": False,
        }
    }  # fmt: skip


def test_the_range_prices_interceptors_and_threats_at_both_ends(tmp_path) -> None:
    """Both cost ranges: the same two-type raid (10 rounds fired in every replication) with
    the interceptor at USD 8 / 10 / 15 M. By hand: the low end is 10 x 8 = 80 M against the
    threats' high 30 M, the high end 10 x 15 = 150 M against their low 13 M; the central
    ratio stays 100 / 18."""
    doc = one_layer_scenario(count=3, shots=2, replications=4)
    doc["catalog"]["threats"] = {"type-x": _typed((1, 2, 4)), "type-y": _typed((5, 6, 9))}
    doc["catalog"]["interceptors"]["test-upper"].update(
        unit_cost_low_musd=8, unit_cost_musd=10, unit_cost_high_musd=15, cost_verified=True
    )
    doc["raids"][0]["threat"] = "type-x"
    doc["raids"].append({**doc["raids"][0], "id": "raid-y", "threat": "type-y", "count": 2})
    doc["fire_units"][0]["inventory"] = 100
    out = run_scenario(str(write_scenario(tmp_path, doc)), out=None)
    assert out.summary["cost_exchange"]["ratio"] == pytest.approx(100 / 18)
    ce = out.summary["cost_exchange_range"]
    assert ce["ratio_range"] == pytest.approx([80 / 30, 150 / 13])
    assert ce["ratio_range_ci95"] == pytest.approx([80 / 30, 150 / 13])
    cost = ce["interceptor_unit_costs_musd"]["test-upper"]
    assert (cost["low_musd"], cost["unit_cost_musd"], cost["high_musd"]) == (8, 10, 15)
    assert cost["verified"] is True


def test_every_catalog_interceptor_has_a_sourced_cost_range() -> None:
    from kamae.scenario.loader import load_scenario

    for name, t in load_scenario("japan-2027").interceptors.items():
        assert t.unit_cost_low_musd is not None and t.unit_cost_high_musd is not None, name
        assert t.unit_cost_low_musd <= t.unit_cost_musd <= t.unit_cost_high_musd
        assert "Cost USD" in t.source or "cost USD" in t.source, name


def test_cost_range_counts_the_warheads_the_engine_counts() -> None:
    # A raid with decoys and debris: the range's per-type counts come from the launch events
    # (warheads only); priced at the central costs they give the engine's own threat cost.
    from kamae.results.cost_exchange import engaged_by_type

    out = run_scenario("decoy-mrbm-raid", replications=3, out=None)
    mc = out.result
    ids = mc.replications.column("replication").to_pylist()
    engaged = engaged_by_type(mc.events, mc.warhead_types, ids)
    central = sum(v * mc.threat_costs[name].central_musd for name, v in engaged.items())
    engine = np.asarray(mc.replications.column("threat_cost_engaged_musd").to_numpy())
    assert engine.sum() > 0
    np.testing.assert_allclose(central, engine)
