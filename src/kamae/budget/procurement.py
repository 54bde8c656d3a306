"""Procurement: money to orders, orders to deliveries, deliveries to a scenario's force.

    quantity ordered in FY = floor((money for the item in FY + carry) / unit cost)
    delivery: an order of FY arrives from FY + delivery lag, at most `production_per_year`
    a fiscal year for the item (orders served first come, first served)
    force in FY = the base scenario + everything delivered by the end of FY

Unit costs are million USD (an interceptor's defaults to the scenario catalog's
`unit_cost_musd`); the shipped catalog (data/procurement.yaml) marks its placeholders
`unverified`. Neglected: price changes with quantity (learning curves), sustainment costs,
multi-year payment profiles (an order is paid in the year it is placed), attrition.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from kamae.budget.force import add_fire_units, add_rounds, add_sensors
from kamae.budget.paths import BudgetPath
from kamae.budget.yaml_file import read_text, validated
from kamae.errors import KamaeError
from kamae.scenario.model import InterceptorType

__all__ = [
    "Force",
    "Order",
    "Placement",
    "ProcurementItem",
    "deliveries",
    "force_for_year",
    "orders_from_budget",
    "procurement_catalog",
    "unit_cost_musd",
]

ItemKind = Literal["interceptor", "launcher", "radar", "ship", "standoff-missile"]


class ProcurementItem(BaseModel):
    """Something that can be bought, with its cost, delivery lag and production limit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ItemKind = Field(description="What the item is")
    interceptor: str | None = Field(
        default=None, description="Interceptor catalog name (kind: interceptor)"
    )
    unit_cost_musd: float | None = Field(
        default=None, gt=0, description="Unit cost, million USD (interceptors: catalog default)"
    )
    delivery_lag_years: int = Field(ge=0, le=20, description="Fiscal years from order to delivery")
    production_per_year: int | None = Field(
        default=None, ge=1, description="Deliveries a fiscal year at most (none: unlimited)"
    )
    notional: bool = Field(description="True where the figures are estimates")
    unverified: list[str] = Field(default_factory=list, description="Placeholder fields")
    source: str = Field(min_length=1, description="Public source of the figures")

    @model_validator(mode="after")
    def _cost_known(self) -> ProcurementItem:
        if self.kind == "interceptor" and self.interceptor is None:
            raise ValueError("an interceptor item needs `interceptor` (a catalog name)")
        if self.kind != "interceptor" and self.unit_cost_musd is None:
            raise ValueError("give unit_cost_musd")
        return self


class _Catalog(RootModel[dict[str, ProcurementItem]]):
    pass


def procurement_catalog(path: str | Path | None = None) -> dict[str, ProcurementItem]:
    """The shipped procurement catalog, with a user file's entries added or replacing."""
    entry = resources.files("kamae.budget") / "data" / "procurement.yaml"
    shipped, _ = validated(_Catalog, entry.read_text(encoding="utf-8"), str(entry))
    items = dict(shipped.root)
    if path is not None:
        extra, _ = validated(_Catalog, read_text(path), str(path))
        items.update(extra.root)
    return items


def unit_cost_musd(
    name: str, item: ProcurementItem, interceptors: Mapping[str, InterceptorType]
) -> float:
    """The item's unit cost, million USD (an interceptor's from the catalog unless given)."""
    if item.unit_cost_musd is not None:
        return item.unit_cost_musd
    assert item.interceptor is not None
    if item.interceptor not in interceptors:
        raise KamaeError(
            f"{name}.interceptor: unknown interceptor {item.interceptor!r}; expected one of "
            f"{', '.join(sorted(interceptors))}"
        )
    return interceptors[item.interceptor].unit_cost_musd


@dataclass(frozen=True)
class Order:
    item: str
    quantity: int
    fiscal_year: int
    cost_musd: float


def orders_from_budget(
    budget: BudgetPath,
    shares: Mapping[str, float],
    costs_musd: Mapping[str, float],
    *,
    procurement_fraction: float = 1.0,
) -> list[Order]:
    """Orders bought each fiscal year with `procurement_fraction` of the budget split by
    `shares` (fractions of that money per item, summing to at most 1); unspent money of an
    item carries over to its next year."""
    if not 0.0 <= procurement_fraction <= 1.0:
        raise KamaeError(f"procurement_fraction: expected [0, 1], got {procurement_fraction!r}")
    if any(s < 0 for s in shares.values()) or sum(shares.values()) > 1.0 + 1e-12:
        raise KamaeError("shares: expected fractions >= 0 summing to at most 1")
    orders = []
    carry = dict.fromkeys(shares, 0.0)
    for year in budget.years:
        money = year.nominal_musd * procurement_fraction
        for name, share in shares.items():
            cost = costs_musd[name]
            if not cost > 0:
                raise KamaeError(f"{name}.unit_cost_musd: expected > 0, got {cost!r}")
            available = carry[name] + money * share
            quantity = math.floor(available / cost + 1e-9)
            carry[name] = available - quantity * cost
            if quantity:
                orders.append(Order(name, quantity, year.fiscal_year, quantity * cost))
    return orders


def deliveries(
    orders: Sequence[Order], catalog: Mapping[str, ProcurementItem]
) -> dict[str, dict[int, int]]:
    """Per item, the quantity delivered in each fiscal year (lags and production limits)."""
    out: dict[str, dict[int, int]] = {}
    for name in sorted({o.item for o in orders}):
        if name not in catalog:
            raise KamaeError(f"order item: unknown procurement item {name!r}")
        item = catalog[name]
        queue = sorted(
            (o.fiscal_year + item.delivery_lag_years, o.quantity) for o in orders if o.item == name
        )
        per_year: dict[int, int] = {}
        year = queue[0][0]
        waiting = 0
        i = 0
        while i < len(queue) or waiting:
            while i < len(queue) and queue[i][0] <= year:
                waiting += queue[i][1]
                i += 1
            if not waiting:
                year = queue[i][0]
                continue
            made = (
                waiting
                if item.production_per_year is None
                else min(waiting, item.production_per_year)
            )
            per_year[year] = made
            waiting -= made
            year += 1
        out[name] = per_year
    return out


@dataclass(frozen=True)
class Placement:
    """Where delivered items go in the scenario: interceptors to fire units (split evenly);
    a launcher or ship as a copy of fire unit `like` holding `inventory` rounds; a radar as a
    copy of `sensor` (a scenario sensor entry)."""

    fire_units: tuple[str, ...] = ()
    like: str | None = None
    inventory: int | None = None
    sensor: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Force:
    """A scenario's force in one fiscal year, and what procurement has delivered by then."""

    fiscal_year: int
    scenario: dict[str, Any]
    delivered: dict[str, int]
    on_order: dict[str, int]
    standoff_missiles: dict[str, int] = field(default_factory=dict)
    """Stand-off missiles in stock (counterstrike is not part of the engagement scenario)."""


def force_for_year(
    base: Mapping[str, Any],
    orders: Sequence[Order],
    catalog: Mapping[str, ProcurementItem],
    placements: Mapping[str, Placement],
    fiscal_year: int,
) -> Force:
    """The base scenario document with everything delivered by the end of `fiscal_year`."""
    doc: dict[str, Any] = dict(base)
    per_item = deliveries(orders, catalog)
    delivered = {k: sum(q for y, q in v.items() if y <= fiscal_year) for k, v in per_item.items()}
    ordered = {k: sum(o.quantity for o in orders if o.item == k) for k in per_item}
    standoff = {}
    for name, quantity in delivered.items():
        item = catalog[name]
        place = placements.get(name, Placement())
        if quantity == 0:
            continue
        if item.kind == "standoff-missile":
            standoff[name] = quantity
        elif item.kind == "interceptor":
            if not place.fire_units:
                raise KamaeError(f"placement.{name}.fire_units: name the units that get the rounds")
            doc = add_rounds(doc, place.fire_units, quantity)
        elif item.kind == "radar":
            if place.sensor is None:
                raise KamaeError(f"placement.{name}.sensor: give where the radar goes")
            doc = add_sensors(doc, place.sensor, quantity, name)
        else:
            if place.like is None:
                raise KamaeError(f"placement.{name}.like: name the fire unit it copies")
            doc = add_fire_units(doc, place.like, quantity, place.inventory, name)
    return Force(
        fiscal_year=fiscal_year,
        scenario=doc,
        delivered=delivered,
        on_order={k: ordered[k] - delivered[k] for k in per_item},
        standoff_missiles=standoff,
    )
