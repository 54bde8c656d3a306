"""Yearly defense budget from a GDP path and a share-of-GDP path, in nominal and constant
prices, in yen and in US dollars.

    budget(FY) = share(FY) / 100 * GDP(FY)                               (nominal, yen)
    constant(FY) = budget(FY) / (1 + inflation)^(FY - price base year)  (yen of the base year)
    USD = yen / (yen per USD)                                            (one stated rate)

GDP: the shipped fiscal-year nominal series of one benchmark base (2015 or 2020, never mixed),
extended past its last year at a stated nominal growth rate. Share paths are linear between
their points and flat beyond them. Growth, inflation and the exchange rate are user
assumptions (defaults in data/japan-budget.yaml, each with the reason for its value).
Neglected: the difference between budget (appropriation) and outlays; supplementary budgets;
a deflator specific to defense goods; exchange-rate movements within the path.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from kamae.budget.series import shipped_budget_data
from kamae.errors import KamaeError

__all__ = ["BudgetPath", "BudgetYear", "GdpPath", "SharePath", "budget_path", "share_path"]

GdpBase = Literal["2015", "2020"]


def _finite(field: str, value: float, low: float, high: float, what: str) -> float:
    v = float(value)
    if not (math.isfinite(v) and low <= v <= high):
        raise KamaeError(f"{field}: expected {what}, got {value!r}")
    return v


@dataclass(frozen=True)
class SharePath:
    """Defense spending as a share of GDP, percent, by fiscal year."""

    name: str
    points: tuple[tuple[int, float], ...]
    definition: str = "user"
    notional: bool = True
    source: str = "user assumption"

    def share_pct(self, fiscal_year: int) -> float:
        years = [y for y, _ in self.points]
        shares = [s for _, s in self.points]
        if fiscal_year <= years[0]:
            return shares[0]
        if fiscal_year >= years[-1]:
            return shares[-1]
        for (y0, s0), (y1, s1) in zip(self.points, self.points[1:], strict=False):
            if y0 <= fiscal_year <= y1:
                return s0 + (s1 - s0) * (fiscal_year - y0) / (y1 - y0)
        raise AssertionError("unreachable")


def share_path(spec: str | float | Mapping[int, float], field: str = "share") -> SharePath:
    """A named path (`1pct`, `2pct-fy2027`, `3pct`, `3.5pct`, `5pct`), a constant share, or
    {fiscal year: percent} points. Shares outside [0, 100] % are refused naming `field`."""
    data = shipped_budget_data()
    if isinstance(spec, str) and spec in data.share_paths:
        named = data.share_paths[spec]
        points = tuple(sorted(named.points.items()))
        return SharePath(spec, points, named.definition, named.notional, named.source)
    if isinstance(spec, str):
        try:
            spec = float(spec)
        except ValueError:
            names = ", ".join(data.share_paths)
            raise KamaeError(
                f"{field}: expected a named path ({names}), a percentage or year:percent "
                f"points, got {spec!r}"
            ) from None
    if isinstance(spec, int | float):
        pct = _finite(field, spec, 0.0, 100.0, "a share of GDP in [0, 100] %")
        return SharePath(f"{pct:g}%", ((0, pct),))
    points = []
    for year, pct in sorted(spec.items()):
        points.append((int(year), _finite(f"{field}.{year}", pct, 0, 100, "a share in [0, 100] %")))
    if not points:
        raise KamaeError(f"{field}: expected at least one year:percent point")
    return SharePath("user", tuple(points))


@dataclass(frozen=True)
class GdpPath:
    """Nominal GDP by fiscal year, billion yen: shipped series of one base, then growth."""

    base: GdpBase = "2020"
    growth_pct: float | None = None
    """Nominal growth past the series' last year, percent a year (None: the shipped default)."""

    def gdp_bn_yen(self, fiscal_year: int) -> float:
        data = shipped_budget_data()
        if self.base not in data.gdp.bases:
            raise KamaeError(f"gdp base: expected 2015 or 2020, got {self.base!r}")
        series = data.gdp.bases[self.base]
        if fiscal_year in series:
            return series[fiscal_year]
        first, last = min(series), max(series)
        if fiscal_year < first:
            raise KamaeError(
                f"fiscal year: FY{fiscal_year} is before the {self.base}-base GDP series "
                f"(FY{first}-FY{last}); use the 2015 base for earlier years"
            )
        growth = (
            data.assumptions.nominal_growth_pct.value
            if self.growth_pct is None
            else _finite("growth", self.growth_pct, -50.0, 100.0, "a growth rate in %")
        )
        return series[last] * (1.0 + growth / 100.0) ** (fiscal_year - last)


@dataclass(frozen=True)
class BudgetYear:
    fiscal_year: int
    gdp_bn_yen: float
    share_pct: float
    nominal_bn_yen: float
    constant_bn_yen: float
    nominal_musd: float
    constant_musd: float


@dataclass(frozen=True)
class BudgetPath:
    """A budget path and the assumptions it was computed with."""

    share: SharePath
    gdp_base: GdpBase
    growth_pct: float
    inflation_pct: float
    price_base_year: int
    yen_per_usd: float
    years: tuple[BudgetYear, ...]

    def total_nominal_bn_yen(self) -> float:
        return sum(y.nominal_bn_yen for y in self.years)

    def total_nominal_musd(self) -> float:
        return sum(y.nominal_musd for y in self.years)

    def total_constant_musd(self) -> float:
        return sum(y.constant_musd for y in self.years)


def budget_path(
    share: str | float | Mapping[int, float] | SharePath,
    first_fiscal_year: int,
    last_fiscal_year: int,
    *,
    gdp_base: GdpBase = "2020",
    growth_pct: float | None = None,
    inflation_pct: float | None = None,
    price_base_year: int | None = None,
    yen_per_usd: float | None = None,
) -> BudgetPath:
    """The yearly budget FY first..last (inclusive) of a share path (see the module doc)."""
    if last_fiscal_year < first_fiscal_year:
        raise KamaeError(
            f"fiscal years: the last (FY{last_fiscal_year}) is before the first "
            f"(FY{first_fiscal_year})"
        )
    a = shipped_budget_data().assumptions
    path = share if isinstance(share, SharePath) else share_path(share)
    rate = a.yen_per_usd.value if yen_per_usd is None else yen_per_usd
    rate = _finite("yen_per_usd", rate, 1e-9, 1e6, "a positive exchange rate, yen per USD")
    inflation = a.inflation_pct.value if inflation_pct is None else inflation_pct
    inflation = _finite("inflation", inflation, -50.0, 100.0, "an inflation rate in %")
    base_year = first_fiscal_year if price_base_year is None else price_base_year
    gdp = GdpPath(gdp_base, growth_pct)
    years = []
    for fy in range(first_fiscal_year, last_fiscal_year + 1):
        g = gdp.gdp_bn_yen(fy)
        pct = path.share_pct(fy)
        nominal = pct / 100.0 * g
        constant = nominal / (1.0 + inflation / 100.0) ** (fy - base_year)
        years.append(
            BudgetYear(fy, g, pct, nominal, constant, nominal * 1e3 / rate, constant * 1e3 / rate)
        )
    growth = a.nominal_growth_pct.value if growth_pct is None else float(growth_pct)
    return BudgetPath(path, gdp_base, growth, inflation, base_year, rate, tuple(years))
