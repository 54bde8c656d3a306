"""Yearly defense budget from a GDP path and a share-of-GDP path, in nominal and constant
prices, in yen and in US dollars; every year names its definition and whether it is actual.

    actual years (FY <= actual_through): budget(FY) = the shipped series of the definition
    path years:   budget(FY) = share(FY) / 100 * GDP(denominator of FY)        (nominal, yen)
    constant(FY) = budget(FY) / (1 + inflation)^(FY - price base year)     (yen of the base year)
    USD = yen / (yen per USD)                                               (one stated rate)

A named path (data/japan-budget.yaml) declares its definition (`core`, `wider`, `nato-core`,
`nato-total`), its denominator (each fiscal year's GDP, or one fixed year's GDP on one base,
as the 2% target's FY2022 GDP), the last actual year, and its points. After the last actual
year the share runs linearly from the last actual share to the points, and beyond the last
point it holds its share of the denominator (`hold-share`) or grows with nominal GDP
(`grow-with-gdp`). GDP: the shipped fiscal-year series of one benchmark base (2015 or 2020,
never mixed), extended past its last year at a stated growth rate. Growth, inflation and the
exchange rate are user assumptions. Neglected: budget (appropriation) versus outlays;
supplementary budgets; a defense-specific deflator; exchange-rate movements along the path.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from kamae.budget.series import Definition, GdpBase, shipped_budget_data
from kamae.errors import KamaeError

__all__ = [
    "BudgetPath",
    "BudgetYear",
    "GdpPath",
    "SharePath",
    "budget_path",
    "programme_path",
    "share_path",
]


def _finite(field: str, value: float, low: float, high: float, what: str) -> float:
    v = float(value)
    if not (math.isfinite(v) and low <= v <= high):
        raise KamaeError(f"{field}: expected {what}, got {value!r}")
    return v


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
            hint = "; use the 2015 base for earlier years" if self.base == "2020" else ""
            raise KamaeError(
                f"fiscal year: FY{fiscal_year} is before the {self.base}-base GDP series "
                f"(FY{first}-FY{last}){hint}"
            )
        growth = (
            data.assumptions.nominal_growth_pct.value
            if self.growth_pct is None
            else _finite("growth", self.growth_pct, -50.0, 100.0, "a growth rate in %")
        )
        return series[last] * (1.0 + growth / 100.0) ** (fiscal_year - last)


@dataclass(frozen=True)
class _Year:
    nominal_bn_yen: float
    gdp_bn_yen: float
    gdp_fiscal_year: int
    gdp_base: GdpBase
    actual: bool
    flags: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class SharePath:
    """Spending of one definition as a share of a declared GDP, by fiscal year (see the module
    doc). A user path has no actual years: the share of each fiscal year's GDP."""

    name: str
    points: tuple[tuple[int, float], ...]
    definition: Definition = "user"
    notional: bool = True
    source: str = "user assumption"
    denominator_fiscal_year: int | None = None
    """The fixed fiscal year whose GDP the share is of (None: each fiscal year's own GDP)."""
    denominator_base: GdpBase | None = None
    """The fixed denominator's GDP base (None: the path's base)."""
    actual_through: int | None = None
    """Last fiscal year taken from the shipped series of the definition (None: none)."""
    beyond: Literal["hold-share", "grow-with-gdp"] = "hold-share"
    amounts: tuple[tuple[int, float], ...] = ()
    """A programme path's nominal billion yen of its path years (then `points` is empty and
    the last amount's share of each year's GDP holds beyond)."""
    programme: str | None = None
    """What a programme path spends, in words (None: a share path)."""

    @property
    def actual_series(self) -> Literal["core", "wider"] | None:
        """The shipped series of the actual years (`wider` stands in for the NATO targets)."""
        if self.actual_through is None:
            return None
        return "core" if self.definition == "core" else "wider"

    @property
    def denominator(self) -> str:
        """The GDP the share is of, in words."""
        if self.programme is not None:
            return self.programme
        if self.denominator_fiscal_year is None:
            return "each fiscal year's GDP"
        return f"FY{self.denominator_fiscal_year} GDP ({self.denominator_base} base)"

    def _denominator(self, fiscal_year: int, gdp: GdpPath) -> tuple[float, int, GdpBase]:
        if self.denominator_fiscal_year is None:
            return gdp.gdp_bn_yen(fiscal_year), fiscal_year, gdp.base
        base = self.denominator_base or gdp.base
        fy = self.denominator_fiscal_year
        return GdpPath(base, gdp.growth_pct).gdp_bn_yen(fy), fy, base

    def _actual(self, fiscal_year: int, gdp: GdpPath) -> _Year:
        series = self.actual_series
        assert series is not None
        data = shipped_budget_data()
        a = data.actual(series, fiscal_year)
        if a is None:
            first, last = data.series_years(series)
            raise KamaeError(
                f"fiscal year: FY{fiscal_year} is an actual year of path {self.name} (through "
                f"FY{self.actual_through}) but the {series} series (FY{first}-FY{last}) has no "
                f"figure for it"
            )
        g, fy, base = self._denominator(fiscal_year, gdp)
        return _Year(a.bn_yen, g, fy, base, True, a.flags, a.source)

    def _share_on_points(self, fiscal_year: int, gdp: GdpPath) -> float:
        points = list(self.points)
        if self.actual_through is not None:
            last = self._actual(self.actual_through, gdp)
            points.insert(0, (self.actual_through, 100.0 * last.nominal_bn_yen / last.gdp_bn_yen))
        if fiscal_year <= points[0][0]:
            return points[0][1]
        if fiscal_year >= points[-1][0]:
            return points[-1][1]
        for (y0, s0), (y1, s1) in zip(points, points[1:], strict=False):
            if y0 <= fiscal_year <= y1:
                return s0 + (s1 - s0) * (fiscal_year - y0) / (y1 - y0)
        raise AssertionError("unreachable")

    def year(self, fiscal_year: int, gdp: GdpPath) -> _Year:
        """The spending of a fiscal year, nominal billion yen, with its denominator."""
        if self.actual_through is not None and fiscal_year <= self.actual_through:
            return self._actual(fiscal_year, gdp)
        g, fy, base = self._denominator(fiscal_year, gdp)
        if self.amounts:
            return _Year(self._amount(fiscal_year, gdp), g, fy, base, False, (), self.source)
        last_point = self.points[-1][0]
        if self.beyond == "grow-with-gdp" and fiscal_year > last_point:
            at_last = self.year(last_point, gdp).nominal_bn_yen
            nominal = at_last * gdp.gdp_bn_yen(fiscal_year) / gdp.gdp_bn_yen(last_point)
        else:
            nominal = self._share_on_points(fiscal_year, gdp) / 100.0 * g
        return _Year(nominal, g, fy, base, False, (), self.source)

    def _amount(self, fiscal_year: int, gdp: GdpPath) -> float:
        """A programme path's year: its amount, or beyond the last its share of GDP held."""
        amounts = dict(self.amounts)
        if fiscal_year in amounts:
            return amounts[fiscal_year]
        last = max(amounts)
        if fiscal_year < last:
            raise KamaeError(f"fiscal year: FY{fiscal_year} has no amount in path {self.name}")
        return amounts[last] * gdp.gdp_bn_yen(fiscal_year) / gdp.gdp_bn_yen(last)


def programme_path() -> SharePath:
    """The Defense Buildup Program as a path (`dbp-fy2023-2027`): the core series to
    `actual_through`, the rest of the 43 tn yen equally over the remaining programme years,
    then FY2027's share of each year's GDP (data/japan-budget.yaml `buildup_program.path`)."""
    data = shipped_budget_data()
    dbp = data.buildup_program
    spec = dbp.path
    spent = 0.0
    for fy in range(dbp.first_fiscal_year, spec.actual_through + 1):
        actual = data.actual("core", fy)
        if actual is None:
            raise KamaeError(f"{spec.name}: FY{fy} is not in the core series")
        spent += actual.bn_yen
    rest = range(spec.actual_through + 1, dbp.last_fiscal_year + 1)
    each = (dbp.total_tn_yen * 1e3 - spent) / len(rest)
    what = (
        f"{dbp.total_tn_yen:g} tn yen over FY{dbp.first_fiscal_year}-FY{dbp.last_fiscal_year} "
        f"(the rest after FY{spec.actual_through} equally), then FY{dbp.last_fiscal_year}'s "
        "share of each fiscal year's GDP"
    )
    return SharePath(
        spec.name,
        (),
        spec.definition,
        notional=False,
        source=spec.source,
        actual_through=spec.actual_through,
        beyond=spec.beyond,
        amounts=tuple((fy, each) for fy in rest),
        programme=what,
    )


def share_path(spec: str | float | Mapping[int, float], field: str = "share") -> SharePath:
    """A named path (`1pct`, `2pct-fy2027`, `3pct`, `3.5pct`, `5pct`; the programme
    `dbp-fy2023-2027`, `programme_path`), a constant share of each
    year's GDP, or {fiscal year: percent} points. Shares outside [0, 100] % are refused naming
    `field`."""
    data = shipped_budget_data()
    if isinstance(spec, str) and spec == data.buildup_program.path.name:
        return programme_path()
    if isinstance(spec, str) and spec in data.share_paths:
        named = data.share_paths[spec]
        fixed = None if named.denominator == "year" else named.denominator
        return SharePath(
            spec,
            tuple(sorted(named.points.items())),
            named.definition,
            named.notional,
            named.source,
            denominator_fiscal_year=None if fixed is None else fixed.fiscal_year,
            denominator_base=None if fixed is None else fixed.gdp_base,
            actual_through=named.actual_through,
            beyond=named.beyond,
        )
    if isinstance(spec, str):
        try:
            spec = float(spec)
        except ValueError:
            names = ", ".join([*data.share_paths, data.buildup_program.path.name])
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
class BudgetYear:
    """One fiscal year of a budget path. `share_pct` is of `gdp_bn_yen`, the path's
    denominator (FY`gdp_fiscal_year`, `gdp_base` base); `share_of_year_gdp_pct` is of the
    year's own GDP on the path's base. `actual`: from the shipped `series`, not the path."""

    fiscal_year: int
    definition: Definition
    actual: bool
    gdp_bn_yen: float
    gdp_fiscal_year: int
    gdp_base: GdpBase
    share_pct: float
    year_gdp_bn_yen: float
    share_of_year_gdp_pct: float
    nominal_bn_yen: float
    constant_bn_yen: float
    nominal_musd: float
    constant_musd: float
    series: Literal["core", "wider"] | None
    flags: tuple[str, ...]
    source: str


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

    @property
    def definition(self) -> Definition:
        return self.share.definition

    def definition_text(self) -> str:
        """What the path's definition counts (data/japan-budget.yaml `definitions`)."""
        return shipped_budget_data().definitions[self.share.definition]

    def describe(self) -> str:
        """One line: the path, its definition, denominator, and actual versus path years."""
        actual = [y.fiscal_year for y in self.years if y.actual]
        path = [y.fiscal_year for y in self.years if not y.actual]
        parts = [
            f"{self.share.name}: {self.share.definition} definition, "
            + ("" if self.share.programme else "share of ")
            + self.share.denominator,
            f"actual FY{actual[0]}-FY{actual[-1]} ({self.share.actual_series} series)"
            if actual
            else "no actual years",
        ]
        if path:
            parts.append(f"path FY{path[0]}-FY{path[-1]}")
        parts.append(f"{self.gdp_base}-base GDP")
        return "; ".join(parts)

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
        y = path.year(fy, gdp)
        own = gdp.gdp_bn_yen(fy)
        nominal = y.nominal_bn_yen
        constant = nominal / (1.0 + inflation / 100.0) ** (fy - base_year)
        years.append(
            BudgetYear(
                fiscal_year=fy,
                definition=path.definition,
                actual=y.actual,
                gdp_bn_yen=y.gdp_bn_yen,
                gdp_fiscal_year=y.gdp_fiscal_year,
                gdp_base=y.gdp_base,
                share_pct=100.0 * nominal / y.gdp_bn_yen,
                year_gdp_bn_yen=own,
                share_of_year_gdp_pct=100.0 * nominal / own,
                nominal_bn_yen=nominal,
                constant_bn_yen=constant,
                nominal_musd=nominal * 1e3 / rate,
                constant_musd=constant * 1e3 / rate,
                series=path.actual_series if y.actual else None,
                flags=y.flags,
                source=y.source,
            )
        )
    growth = a.nominal_growth_pct.value if growth_pct is None else float(growth_pct)
    return BudgetPath(path, gdp_base, growth, inflation, base_year, rate, tuple(years))
