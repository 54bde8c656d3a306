"""From yen to stocks (issue 18): the chain against a hand-computed table, the binding
constraint per programme and year, and 2% against 3.5% of GDP: deliveries differ where money
binds and are equal where production or the programme ceiling binds."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kamae.budget import (
    budget_path,
    chain_from_money,
    compare_chains,
    procurement_catalog,
    procurement_chain,
)
from kamae.budget.procurement import ProcurementItem, unit_cost_musd
from kamae.errors import KamaeError
from kamae.scenario.loader import builtin_catalog


def _item(**kw) -> ProcurementItem:
    return ProcurementItem(kind="standoff-missile", notional=True, source="test", **kw)


SMALL = {
    # a: 10 M each, 1 year lag, 6 a year; b: 10 M each, 2 years lag, 20 a year, at most 25.
    "a": _item(unit_cost_musd=10, delivery_lag_years=1, production_per_year=6),
    "b": _item(unit_cost_musd=10, delivery_lag_years=2, production_per_year=20, max_quantity=25),
}

# Hand-computed (docs/budget.md, "what binds"): money a year, then per fiscal year
# (ordered, order binding, delivered, delivery binding, stock). b starts with 4 in stock.
HAND = {
    1: {
        "a": [(6, "production", 0, "lag", 0), (6, "production", 6, "production", 6),
              (6, "production", 6, "production", 12), (6, "production", 6, "production", 18),
              (0, None, 6, "production", 24)],
        "b": [(9, "money", 0, "lag", 4), (10, "money", 0, "lag", 4),
              (6, "stocks", 9, "money", 13), (0, "stocks", 10, "money", 23),
              (0, None, 6, "stocks", 29), (0, None, 0, "stocks", 29)],
    },
    2: {
        "a": [(6, "production", 0, "lag", 0), (6, "production", 6, "production", 6),
              (6, "production", 6, "production", 12), (6, "production", 6, "production", 18),
              (0, None, 6, "production", 24)],
        "b": [(19, "money", 0, "lag", 4), (6, "stocks", 0, "lag", 4),
              (0, "stocks", 19, "money", 23), (0, "stocks", 6, "stocks", 29),
              (0, None, 0, "stocks", 29), (0, None, 0, "stocks", 29)],
    },
}  # fmt: skip


@pytest.mark.parametrize("scale", [1, 2])
def test_chain_against_a_hand_computed_table(scale) -> None:
    # a: 100 M a year buys 10, the line gives 6: production binds, 40 M a year unspent.
    # b: 95 M a year buys 9 (5 M carried), then 10; the ceiling of 25 binds in FY2025.
    money = {"a": dict.fromkeys(range(2023, 2027), 100.0 * scale),
             "b": dict.fromkeys(range(2023, 2027), 95.0 * scale)}  # fmt: skip
    chain = chain_from_money(money, SMALL, {"a": 10.0, "b": 10.0}, initial_stock={"b": 4})
    for name, rows in HAND[scale].items():
        got = [
            (y.ordered, y.order_binding, y.delivered, y.binding, y.stock) for y in chain.item(name)
        ]
        assert got == rows, name
    a = chain.item("a")
    assert [y.unspent_musd for y in a[:4]] == [40.0 * scale + 60.0 * (scale - 1)] * 4
    if scale == 1:
        b = chain.item("b")
        assert [y.carry_musd for y in b[:2]] == [pytest.approx(5.0), pytest.approx(0.0)]
        assert b[2].unspent_musd == pytest.approx(35.0)  # 95 M for 6 units of room


def test_twice_the_money_changes_only_what_money_binds() -> None:
    money = {"a": dict.fromkeys(range(2023, 2027), 100.0),
             "b": dict.fromkeys(range(2023, 2027), 95.0)}  # fmt: skip
    rich = {k: {y: 2 * m for y, m in v.items()} for k, v in money.items()}
    costs = {"a": 10.0, "b": 10.0}
    low = chain_from_money(money, SMALL, costs, initial_stock={"b": 4})
    high = chain_from_money(rich, SMALL, costs, initial_stock={"b": 4})
    for c in compare_chains(low, high):
        if c.binding_a in ("production", "lag") and c.binding_b == c.binding_a:
            assert c.delivered_a == c.delivered_b
    assert low.delivered("a") == high.delivered("a")  # production binds throughout
    assert low.delivered("b")[2025] == 9 and high.delivered("b")[2025] == 19  # money binds
    assert low.stock("b")[2028] == high.stock("b")[2028] == 29  # the ceiling, in the end


def test_budget_path_to_money_and_the_definition_in_every_record() -> None:
    path = budget_path("2pct-fy2027", 2023, 2027)
    catalog = {"t": _item(unit_cost_musd=5.9, delivery_lag_years=2)}
    chain = procurement_chain(path, {"t": 0.001}, catalog, {"t": 5.9}, procurement_fraction=0.5)
    assert chain.definition == "wider" and "2pct-fy2027" in chain.budget
    carry = 0.0
    for year, rec in zip(path.years, chain.item("t"), strict=False):
        money = year.nominal_musd * 0.5 * 0.001 + carry
        assert rec.money_musd == pytest.approx(money)
        assert rec.ordered == int(money // 5.9) and rec.order_binding == "money"
        assert rec.definition == "wider" and rec.budget_actual == year.actual
        carry = money - rec.ordered * 5.9
    assert [y.binding for y in chain.item("t")][:2] == ["lag", "lag"]


# Illustrative allocation of each year's budget (docs/budget.md, "what binds"): not data.
SHARES = {
    "pac-3-mse": 0.01,
    "sm-3-block-iia": 0.01,
    "sm-6": 0.005,
    "tomahawk": 0.025,
    "type-12-upgraded": 0.01,
}


def _chains() -> dict[str, object]:
    catalog = procurement_catalog()
    interceptors = builtin_catalog().interceptors
    costs = {n: unit_cost_musd(n, catalog[n], interceptors) for n in SHARES}
    return {
        p: procurement_chain(budget_path(p, 2023, 2035), SHARES, catalog, costs)
        for p in ("2pct-fy2027", "3.5pct")
    }


def test_two_against_three_and_a_half_percent_what_binds() -> None:
    chains = _chains()
    two, nato = chains["2pct-fy2027"], chains["3.5pct"]
    rows = compare_chains(two, nato)
    for c in rows:
        if c.fiscal_year <= 2025 + 2:  # orders of the shared actual years FY2023-2025
            assert c.delivered_a == c.delivered_b, c
        if c.binding_a in ("production", "stocks"):  # binds at 2%: binds at 3.5% too
            assert c.binding_b == c.binding_a and c.delivered_a == c.delivered_b, c
        if c.binding_a == "money":
            assert c.delivered_b >= c.delivered_a, c
    # Production binds: SM-3 IIA (12 a year, placeholder), SM-6 (10% of RTX's line), Type-12.
    for name, per_year in (("sm-3-block-iia", 12), ("type-12-upgraded", 50)):
        got = {y: q for y, q in two.delivered(name).items() if q}
        assert set(got.values()) == {per_year}
        assert two.delivered(name) == nato.delivered(name)
    assert two.delivered("sm-6") == nato.delivered("sm-6")
    # Stocks bind: Tomahawk's 400 (the 2024 case) arrive 134, 134, 132 in FY2025-27.
    assert [two.delivered("tomahawk")[y] for y in (2025, 2026, 2027, 2028)] == [134, 134, 132, 0]
    assert two.delivered("tomahawk") == nato.delivered("tomahawk")
    assert {y.binding for y in two.item("tomahawk") if y.fiscal_year >= 2027} == {"stocks"}
    # Money binds: PAC-3 MSE from the FY2026 orders on; 3.5% buys more, until the line binds.
    pac2, pac35 = two.delivered("pac-3-mse"), nato.delivered("pac-3-mse")
    assert (pac2[2028], pac35[2028]) == (141, 154)
    assert (pac2[2030], pac35[2030]) == (155, 201)
    assert (pac2[2035], pac35[2035]) == (176, 230)
    by = {(y.item, y.fiscal_year): y.binding for y in nato.years}
    assert by["pac-3-mse", 2031] == "money" and by["pac-3-mse", 2032] == "production"
    assert {y.binding for y in two.item("pac-3-mse") if y.fiscal_year >= 2026} == {"money"}
    assert two.stock("pac-3-mse")[2035] == 1626 and nato.stock("pac-3-mse")[2035] == 2020


def test_bad_input_is_refused_naming_the_field() -> None:
    with pytest.raises(KamaeError, match=r"^shares: unknown procurement item 'nope'"):
        chain_from_money({"nope": {2023: 1.0}}, SMALL, {"nope": 1.0})
    with pytest.raises(KamaeError, match=r"^a: money in FY2023 is negative"):
        chain_from_money({"a": {2023: -1.0}}, SMALL, {"a": 10.0})
    with pytest.raises(KamaeError, match=r"^a.unit_cost_musd: expected > 0"):
        chain_from_money({"a": {2023: 1.0}}, SMALL, {"a": 0.0})
    with pytest.raises(KamaeError, match=r"^procurement_fraction: expected \[0, 1\]"):
        procurement_chain(budget_path(1.0, 2023, 2023), {"a": 1.0}, SMALL, {"a": 1.0},
                          procurement_fraction=2.0)  # fmt: skip
    with pytest.raises(ValidationError, match="unverified.production_per_year: give the reason"):
        _item(unit_cost_musd=1, delivery_lag_years=1, production_per_year=2,
              unverified={"production_per_year": " "})  # fmt: skip
    with pytest.raises(ValidationError, match="share_of_line needs line_per_year"):
        _item(unit_cost_musd=1, delivery_lag_years=1, share_of_line=0.5)


def test_shipped_catalog_flags_every_placeholder_with_a_reason() -> None:
    catalog = procurement_catalog()
    for name, item in catalog.items():
        assert item.source.strip(), name
        assert all(r.strip() for r in item.unverified.values()), name
    pac = catalog["pac-3-mse"]
    # MHI's ~30 a year plus 10% of the US line: 620 in 2025, 2,000 from 2030 (linear between).
    assert [pac.available(y) for y in (2025, 2027, 2030, 2035)] == [92, 147, 230, 230]
    assert "share_of_line" in pac.unverified
    assert catalog["tomahawk"].max_quantity == 400 and not catalog["tomahawk"].unverified
