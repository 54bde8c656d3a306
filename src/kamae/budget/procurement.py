"""Procurement: money to orders, orders to deliveries, deliveries to a scenario's force.

    quantity ordered in FY = floor((money for the item in FY + carry) / unit cost)
        (kamae.budget.chain also caps it by production and the programme ceiling)
    available(FY) = production_per_year(FY) + floor(share_of_line * line_per_year(FY))
    delivery: an order of FY arrives from FY + delivery lag, at most available(year) a
    fiscal year for the item (orders served first come, first served)
    force in FY = the base scenario + everything delivered by the end of FY

Unit costs are million USD (an interceptor's defaults to the scenario catalog's
`unit_cost_musd`); the shipped catalog (data/procurement.yaml) names each placeholder in
`unverified` with the reason. Neglected: price changes with quantity (learning curves),
sustainment costs, multi-year payment profiles (an order is paid in the year it is placed),
attrition.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from kamae.budget.force import add_fire_units, add_rounds, add_sensors, set_platform_inventory
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
    "schedule_value",
    "unit_cost_musd",
]

ItemKind = Literal["interceptor", "launcher", "radar", "ship", "standoff-missile"]
Schedule = dict[int, int]
"""Quantities by fiscal year, linear between the years given and flat beyond."""


def schedule_value(schedule: int | Schedule, fiscal_year: int) -> int:
    """A schedule's whole value in a fiscal year (linear between points, flat beyond)."""
    if isinstance(schedule, int):
        return schedule
    points = sorted(schedule.items())
    if fiscal_year <= points[0][0]:
        return points[0][1]
    if fiscal_year >= points[-1][0]:
        return points[-1][1]
    for (y0, q0), (y1, q1) in zip(points, points[1:], strict=False):
        if y0 <= fiscal_year <= y1:
            return math.floor(q0 + (q1 - q0) * (fiscal_year - y0) / (y1 - y0) + 1e-9)
    raise AssertionError("unreachable")


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
    production_per_year: int | dict[int, Annotated[int, Field(ge=0)]] | None = Field(
        default=None,
        description="Japan's own or dedicated supply a fiscal year (a number or {FY: number})",
    )
    line_per_year: dict[int, Annotated[int, Field(ge=0)]] | None = Field(
        default=None, description="The supplier's whole output a fiscal year, {FY: number}"
    )
    share_of_line: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Part of the supplier's line Japan gets"
    )
    max_quantity: int | None = Field(
        default=None, ge=0, description="Most the programme orders in all (authorised total)"
    )
    notional: bool = Field(description="True where the figures are estimates")
    unverified: dict[str, str] = Field(
        default_factory=dict, description="Placeholder fields, each with the reason"
    )
    source: str = Field(min_length=1, description="Public source of the figures")

    @model_validator(mode="after")
    def _cost_known(self) -> ProcurementItem:
        if self.kind == "interceptor" and self.interceptor is None:
            raise ValueError("an interceptor item needs `interceptor` (a catalog name)")
        if self.kind != "interceptor" and self.unit_cost_musd is None:
            raise ValueError("give unit_cost_musd")
        if isinstance(self.production_per_year, int) and self.production_per_year < 1:
            raise ValueError("production_per_year: expected at least 1 a year")
        if self.share_of_line > 0 and self.line_per_year is None:
            raise ValueError("share_of_line needs line_per_year")
        for name, reason in self.unverified.items():
            if name not in type(self).model_fields:
                raise ValueError(f"unverified.{name}: not a field of the item")
            if not reason.strip():
                raise ValueError(f"unverified.{name}: give the reason")
        return self

    @property
    def production_limited(self) -> bool:
        return self.production_per_year is not None or self.line_per_year is not None

    def last_schedule_year(self) -> int:
        """The last fiscal year a production schedule changes (flat after it)."""
        years = [0]
        for sched in (self.production_per_year, self.line_per_year):
            if isinstance(sched, dict) and sched:
                years.append(max(sched))
        return max(years)

    def available(self, fiscal_year: int) -> int | None:
        """Deliveries available to Japan in a fiscal year (None: unlimited)."""
        if not self.production_limited:
            return None
        own = 0 if self.production_per_year is None else self.production_per_year
        line = 0 if self.line_per_year is None else schedule_value(self.line_per_year, fiscal_year)
        return schedule_value(own, fiscal_year) + math.floor(self.share_of_line * line + 1e-9)


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


def check_shares(shares: Mapping[str, float], procurement_fraction: float) -> None:
    """Refuse a procurement fraction outside [0, 1] or shares not summing to at most 1."""
    if not 0.0 <= procurement_fraction <= 1.0:
        raise KamaeError(f"procurement_fraction: expected [0, 1], got {procurement_fraction!r}")
    if any(s < 0 for s in shares.values()) or sum(shares.values()) > 1.0 + 1e-12:
        raise KamaeError("shares: expected fractions >= 0 summing to at most 1")


def affordable(money_musd: float, cost_musd: float, name: str) -> int:
    """Whole units `money_musd` buys at `cost_musd` each (the one rounding rule)."""
    if not cost_musd > 0:
        raise KamaeError(f"{name}.unit_cost_musd: expected > 0, got {cost_musd!r}")
    return max(0, math.floor(money_musd / cost_musd + 1e-9))


def orders_from_budget(
    budget: BudgetPath,
    shares: Mapping[str, float],
    costs_musd: Mapping[str, float],
    *,
    procurement_fraction: float = 1.0,
) -> list[Order]:
    """Orders bought each fiscal year with `procurement_fraction` of the budget split by
    `shares` (fractions of that money per item, summing to at most 1); unspent money of an
    item carries over to its next year. Money only: `kamae.budget.chain.procurement_chain`
    also limits orders by production and the programme ceiling and names what binds."""
    check_shares(shares, procurement_fraction)
    orders = []
    carry = dict.fromkeys(shares, 0.0)
    for year in budget.years:
        money = year.nominal_musd * procurement_fraction
        for name, share in shares.items():
            cost = costs_musd[name]
            available = carry[name] + money * share
            quantity = affordable(available, cost, name)
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
            cap = item.available(year)
            made = waiting if cap is None else min(waiting, cap)
            if cap == 0 and i == len(queue) and year >= item.last_schedule_year():
                raise KamaeError(
                    f"{name}: {waiting} ordered but no production is available from FY{year} on"
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
    platforms: tuple[str, ...] = ()
    """Stand-off missiles: the campaign's counterstrike platforms that hold them (their
    inventory becomes the rounds delivered, split evenly)."""
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
    """Stand-off missiles in stock: counted, and held by the campaign's counterstrike
    platforms where their placement names `platforms`."""
    adversary: dict[str, int] | None = None
    """The adversary's sizes this year where the study grows it (launchers per campaign
    force, or missiles per raid); None: the scenario's adversary."""


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
    for name, place in sorted(placements.items()):
        if place.platforms and catalog[name].kind == "standoff-missile":
            doc = set_platform_inventory(doc, place.platforms, name, delivered.get(name, 0))
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
