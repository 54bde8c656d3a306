"""From yen to stocks: a budget path's money to orders, deliveries and stocks per programme and
fiscal year, naming the constraint that binds (issue 18).

For item i with unit cost c, lag L and money m(t) = budget(t) * fraction * share_i (+ carry):

    affordable(t) = floor(m(t) / c)                                   money
    slots(t)      = available(t + L)    (production available to Japan) production
    room(t)       = max_quantity - ordered before t                    stocks (the ceiling)
    ordered(t)    = min(affordable, slots, room); delivered(t + L) = ordered(t)
    stock(t)      = initial stock + deliveries up to t

The order binding is the smallest limit; money binds only when it is strictly the smallest
(one more unit of money would buy one more delivery), ties go to stocks, then production. A
year's deliveries are bound by what bound the order that delivers in it, or `lag` when no
order of the path can have arrived yet. Money kept unspent by production or the ceiling is
reported (`unspent_musd`) and not carried; only the remainder below one unit cost carries.
Neglected: payment profiles (an order is paid when placed), reallocation of unspent money
between programmes, learning curves, attrition.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from kamae.budget.paths import BudgetPath
from kamae.budget.procurement import (
    Order,
    ProcurementItem,
    affordable,
    check_shares,
    deliveries,
)
from kamae.budget.series import Definition
from kamae.errors import KamaeError

__all__ = [
    "Binding",
    "DeliveryComparison",
    "ProcurementChain",
    "ProgrammeYear",
    "binding_summary",
    "chain_from_money",
    "compare_chains",
    "procurement_chain",
]

Binding = Literal["money", "production", "stocks", "lag"]


@dataclass(frozen=True)
class ProgrammeYear:
    """One programme in one fiscal year: its order (money, limits, what bound it) and its
    deliveries and stock (what bound them). `definition` is the budget path's."""

    item: str
    fiscal_year: int
    definition: Definition
    budget_actual: bool | None
    """From the shipped series (True) or the path (False); None: after the path, deliveries only."""
    money_musd: float
    affordable: int
    slots: int | None
    room: int | None
    ordered: int
    order_cost_musd: float
    order_binding: Binding | None
    unspent_musd: float
    carry_musd: float
    available: int | None
    delivered: int
    binding: Binding
    stock: int
    on_order: int


@dataclass(frozen=True)
class ProcurementChain:
    """The yearly records of every programme, and the orders placed (for `force_for_year`)."""

    definition: Definition
    budget: str
    years: tuple[ProgrammeYear, ...]
    orders: tuple[Order, ...]

    def item(self, name: str) -> tuple[ProgrammeYear, ...]:
        return tuple(y for y in self.years if y.item == name)

    def delivered(self, name: str) -> dict[int, int]:
        return {y.fiscal_year: y.delivered for y in self.item(name)}

    def stock(self, name: str) -> dict[int, int]:
        return {y.fiscal_year: y.stock for y in self.item(name)}


def _order_binding(afford: int, slots: int | None, room: int | None) -> tuple[int, Binding]:
    limits: list[tuple[int, Binding]] = []
    if room is not None:
        limits.append((room, "stocks"))
    if slots is not None:
        limits.append((slots, "production"))
    quantity = min([afford, *(q for q, _ in limits)])
    for q, name in limits:
        if q == quantity:
            return quantity, name
    return quantity, "money"


def chain_from_money(
    money_musd: Mapping[str, Mapping[int, float]],
    catalog: Mapping[str, ProcurementItem],
    costs_musd: Mapping[str, float],
    *,
    definition: Definition = "user",
    actual_years: Mapping[int, bool] | None = None,
    initial_stock: Mapping[str, int] | None = None,
    ordered_before: Mapping[str, int] | None = None,
    budget: str = "money given per year",
) -> ProcurementChain:
    """The chain for money given per item and fiscal year, million USD (see the module doc).
    `ordered_before` counts toward an item's ceiling (e.g. an earlier case)."""
    stock0 = dict(initial_stock or {})
    before = dict(ordered_before or {})
    records: list[ProgrammeYear] = []
    orders: list[Order] = []
    for name in money_musd:
        if name not in catalog:
            raise KamaeError(f"shares: unknown procurement item {name!r}")
        if name not in costs_musd:
            raise KamaeError(f"{name}.unit_cost_musd: no cost given")
        item, cost = catalog[name], costs_musd[name]
        lag = item.delivery_lag_years
        schedule = dict(sorted(money_musd[name].items()))
        if not schedule:
            continue
        first, last = min(schedule), max(schedule)
        if sorted(schedule) != list(range(first, last + 1)):
            raise KamaeError(f"{name}: money must be given for consecutive fiscal years")
        ordered_total = int(before.get(name, 0))
        carry = 0.0
        placed: dict[int, tuple[int, Binding]] = {}
        side: dict[int, tuple[float, int, int | None, int | None, int, Binding, float, float]] = {}
        for fy, money in schedule.items():
            if money < 0:
                raise KamaeError(f"{name}: money in FY{fy} is negative ({money!r})")
            m = carry + money
            afford = affordable(m, cost, name)
            slots = item.available(fy + lag)
            room = None if item.max_quantity is None else max(0, item.max_quantity - ordered_total)
            quantity, why = _order_binding(afford, slots, room)
            spent = quantity * cost
            carry = m - spent if why == "money" else 0.0
            unspent = 0.0 if why == "money" else m - spent
            ordered_total += quantity
            placed[fy] = (quantity, why)
            side[fy] = (m, afford, slots, room, quantity, why, unspent, carry)
            if quantity:
                orders.append(Order(name, quantity, fy, spent))
        got = deliveries([o for o in orders if o.item == name], catalog).get(name, {})
        stock = int(stock0.get(name, 0))
        on_order = 0
        for fy in range(first, last + lag + 1):
            delivered = got.get(fy, 0)
            stock += delivered
            in_path = fy in side
            if in_path:
                m, afford, slots, room, quantity, why, unspent, carry_out = side[fy]
                on_order += quantity
            else:
                m, afford, slots, room, quantity, unspent, carry_out = 0.0, 0, None, None, 0, 0, 0
            on_order -= delivered
            source_year = fy - lag
            binding: Binding = placed[source_year][1] if source_year in placed else "lag"
            records.append(
                ProgrammeYear(
                    item=name,
                    fiscal_year=fy,
                    definition=definition,
                    budget_actual=(actual_years or {}).get(fy) if in_path else None,
                    money_musd=m,
                    affordable=afford,
                    slots=slots,
                    room=room,
                    ordered=quantity,
                    order_cost_musd=quantity * cost,
                    order_binding=side[fy][5] if in_path else None,
                    unspent_musd=unspent,
                    carry_musd=carry_out,
                    available=item.available(fy),
                    delivered=delivered,
                    binding=binding,
                    stock=stock,
                    on_order=on_order,
                )
            )
    return ProcurementChain(definition, budget, tuple(records), tuple(orders))


def procurement_chain(
    budget: BudgetPath,
    shares: Mapping[str, float],
    catalog: Mapping[str, ProcurementItem],
    costs_musd: Mapping[str, float],
    *,
    procurement_fraction: float = 1.0,
    initial_stock: Mapping[str, int] | None = None,
    ordered_before: Mapping[str, int] | None = None,
) -> ProcurementChain:
    """The chain of a budget path: item i gets `nominal_musd * procurement_fraction *
    shares[i]` each fiscal year (see the module doc); records name the path's definition."""
    check_shares(shares, procurement_fraction)
    money = {
        name: {y.fiscal_year: y.nominal_musd * procurement_fraction * s for y in budget.years}
        for name, s in shares.items()
    }
    return chain_from_money(
        money,
        catalog,
        costs_musd,
        definition=budget.definition,
        actual_years={y.fiscal_year: y.actual for y in budget.years},
        initial_stock=initial_stock,
        ordered_before=ordered_before,
        budget=budget.describe(),
    )


@dataclass(frozen=True)
class DeliveryComparison:
    """One programme and year under two chains: deliveries and what bound them."""

    item: str
    fiscal_year: int
    delivered_a: int
    delivered_b: int
    binding_a: Binding
    binding_b: Binding


def compare_chains(a: ProcurementChain, b: ProcurementChain) -> list[DeliveryComparison]:
    """Deliveries of the programmes and years both chains have, side by side."""
    other = {(y.item, y.fiscal_year): y for y in b.years}
    out: list[DeliveryComparison] = []
    for y in a.years:
        z = other.get((y.item, y.fiscal_year))
        if z is not None:
            out.append(
                DeliveryComparison(
                    y.item, y.fiscal_year, y.delivered, z.delivered, y.binding, z.binding
                )
            )
    return out


def binding_summary(records: Sequence[ProgrammeYear]) -> dict[str, dict[Binding, list[int]]]:
    """Per programme, the fiscal years of its deliveries by binding constraint."""
    out: dict[str, dict[Binding, list[int]]] = {}
    for y in records:
        out.setdefault(y.item, {}).setdefault(y.binding, []).append(y.fiscal_year)
    return out
