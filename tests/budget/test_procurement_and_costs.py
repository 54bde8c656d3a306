"""Procurement (orders, lags, production limits, the force of a year) and the cost-exchange
ratio in a run's summary."""

from __future__ import annotations

import pytest
from conftest import one_layer_scenario, write_scenario

from kamae.budget import (
    Order,
    Placement,
    budget_path,
    deliveries,
    force_for_year,
    orders_from_budget,
    procurement_catalog,
)
from kamae.runs import run_scenario


def test_delivery_lag_and_production_limit() -> None:
    catalog = procurement_catalog()
    # The mechanics on a fixed limit (the shipped PAC-3 limit now follows the sourced line).
    catalog["pac-3-mse"] = catalog["pac-3-mse"].model_copy(
        update={"production_per_year": 30, "line_per_year": None, "share_of_line": 0.0}
    )  # lag 2 years, 30 a year
    orders = [Order("pac-3-mse", 50, 2023, 250.0), Order("pac-3-mse", 20, 2024, 100.0)]
    got = deliveries(orders, catalog)["pac-3-mse"]
    assert got == {2025: 30, 2026: 30, 2027: 10}
    assert sum(got.values()) == 70


def test_orders_from_budget_spend_no_more_than_the_money() -> None:
    path = budget_path(1.0, 2023, 2025, gdp_base="2015")
    orders = orders_from_budget(path, {"tomahawk": 0.001}, {"tomahawk": 5.9})
    spent = sum(o.cost_musd for o in orders)
    money = path.total_nominal_musd() * 0.001
    assert money - 5.9 < spent <= money
    assert all(o.quantity == round(o.cost_musd / 5.9) for o in orders)


def test_force_for_year_adds_what_is_delivered_by_then() -> None:
    doc = one_layer_scenario(count=4)
    catalog = procurement_catalog()
    catalog["test-upper"] = catalog["sm-3-block-iia"].model_copy(
        update={"interceptor": "test-upper"}
    )  # lag 3 years, 12 a year
    orders = [Order("test-upper", 20, 2023, 0.0), Order("tomahawk", 100, 2023, 590.0)]
    place = {"test-upper": Placement(fire_units=("ship",))}
    before = force_for_year(doc, orders, catalog, place, 2025)
    assert before.scenario["fire_units"][0]["inventory"] == doc["fire_units"][0]["inventory"]
    after = force_for_year(doc, orders, catalog, place, 2026)
    assert after.scenario["fire_units"][0]["inventory"] == doc["fire_units"][0]["inventory"] + 12
    assert after.on_order == {"test-upper": 8, "tomahawk": 0}
    assert after.standoff_missiles == {"tomahawk": 100}


def _run(tmp_path, threat_cost):
    doc = one_layer_scenario(count=5, shots=2, replications=6)
    doc["catalog"]["threats"] = {
        "priced-mrbm": {
            "kind": "ballistic", "threat_class": "mrbm", "max_range_km": 1300,
            "rcs_m2": 0.1, "unit_cost_musd": threat_cost, "source": "test",
            "notional": True,
        }
    }  # fmt: skip
    doc["raids"][0]["threat"] = "priced-mrbm"
    return run_scenario(str(write_scenario(tmp_path, doc)), out=None)


def test_cost_exchange_ratio_with_an_assumed_threat_cost(tmp_path) -> None:
    out = _run(tmp_path, 4.0)
    table = out.result.replications.to_pydict()
    # Every threat gets one salvo of 2 rounds at 10 M USD: 100 M fired against 5 x 4 M.
    assert table["interceptor_cost_musd"] == [100.0] * 6
    assert table["threat_cost_engaged_musd"] == [20.0] * 6
    ce = out.summary["cost_exchange"]
    assert ce["ratio"] == pytest.approx(5.0)
    assert ce["reason"] is None
    span = out.summary["cost_exchange_range"]["ratio_range"]
    assert span == pytest.approx([5.0, 5.0])  # no range given: the central cost


def test_cost_exchange_is_null_with_the_reason_without_threat_costs(tmp_path) -> None:
    summary = _run(tmp_path, None).summary
    ce = summary["cost_exchange"]
    assert ce["ratio"] is None
    assert summary["cost_exchange_range"]["ratio_range"] is None
    assert "priced-mrbm" in ce["reason"]
    assert ce["interceptor_cost_fired_musd"]["mean"] == pytest.approx(100.0)
