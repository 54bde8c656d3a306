"""The shipped budget data of Japan: defense budget series, GDP, the Defense Buildup Program
and named share-of-GDP paths, each figure with its source (data/japan-budget.yaml).

Definitions are kept apart: `core` (the Ministry of Defense's initial budget), `wider` (the 2%
target's defense plus complementary spending, a share of FY2022 GDP), `sipri` (SIPRI military
expenditure, calendar years), and the targets' `nato-core` / `nato-total` (The Hague 2025);
GDP on the 2015 and on the 2020 benchmark base, never mixed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kamae.budget.yaml_file import validated

__all__ = [
    "DEFINITIONS",
    "BudgetData",
    "BuildupProgram",
    "Definition",
    "ProgrammePathSpec",
    "SharePathSpec",
    "shipped_budget_data",
]

Share = float  # percent of GDP
GdpBase = Literal["2015", "2020"]
Definition = Literal["core", "wider", "nato-core", "nato-total", "user"]
DEFINITIONS: tuple[Definition, ...] = ("core", "wider", "nato-core", "nato-total", "user")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CoreYear(_Strict):
    """One fiscal year of the core defense budget, 100 million yen."""

    fiscal_year: int = Field(ge=1950, le=2100)
    excl: int | None = Field(default=None, gt=0, description="Without SACO and US realignment")
    incl: int | None = Field(default=None, gt=0, description="With them (the headline figure)")
    incl_approximate: bool = Field(default=False, description="incl is a rounded headline")
    excl_basis: Literal["plan"] | None = Field(
        default=None, description="excl on the Buildup Program's basis, not comparable"
    )
    status: Literal["draft"] | None = Field(default=None, description="Draft budget")
    source: str = Field(min_length=1)


class CoreSeries(_Strict):
    definition: str
    unit: str
    years: list[CoreYear]


class WiderYear(_Strict):
    fiscal_year: int = Field(ge=1950, le=2100)
    share_pct: float = Field(ge=0, le=100)
    amount_tn_yen: float | None = Field(default=None, gt=0)
    approximate: bool = False
    source: str = Field(min_length=1)


class Denominator(_Strict):
    """A fixed GDP a share is taken of: one fiscal year on one benchmark base."""

    fiscal_year: int = Field(ge=1950, le=2100)
    gdp_base: GdpBase


class WiderSeries(_Strict):
    definition: str
    unit: str
    denominator: Denominator = Field(description="The GDP the published shares are of")
    years: list[WiderYear]


class SipriSeries(_Strict):
    definition: str
    unit: str
    source: str = Field(min_length=1)
    years: dict[int, float]


class GdpSeries(_Strict):
    definition: str
    unit: str
    source: str = Field(min_length=1)
    bases: dict[GdpBase, dict[int, float]]


class Amount(_Strict):
    """One row of the Buildup Program's tables, trillion yen."""

    item: str | None = None
    area: str | None = None
    tn_yen: float = Field(gt=0)
    unverified: bool = False
    reason: str | None = Field(default=None, description="Why a row is unverified")
    remainder: bool = Field(default=False, description="The total less the itemised rows")
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _reason_given(self) -> Amount:
        if self.unverified and not self.reason:
            raise ValueError("an unverified row needs `reason`")
        return self


class ProgrammePathSpec(_Strict):
    """The Buildup Program as a budget path: the actual years from a shipped series up to
    `actual_through`, the rest of the total spread equally over the programme's remaining
    years, then the last year's share of each year's GDP (`hold-share`)."""

    name: str = Field(min_length=1)
    definition: Literal["core"]
    actual_through: int = Field(ge=1950, le=2100)
    beyond: Literal["hold-share"] = "hold-share"
    source: str = Field(min_length=1)


class BuildupProgram(_Strict):
    """The Defense Buildup Program FY2023-2027 as published (unverified rows flagged)."""

    name: str
    first_fiscal_year: int
    last_fiscal_year: int
    total_tn_yen: float = Field(gt=0)
    previous_total_tn_yen: float = Field(gt=0)
    previous_name: str
    source: str
    composition: list[Amount]
    fy2027_budget_tn_yen: float = Field(gt=0)
    new_contracts_tn_yen: float = Field(gt=0)
    areas: list[Amount]
    path: ProgrammePathSpec

    @property
    def years(self) -> int:
        return self.last_fiscal_year - self.first_fiscal_year + 1

    @property
    def ratio_to_previous(self) -> float:
        return self.total_tn_yen / self.previous_total_tn_yen

    def composition_total_tn_yen(self) -> float:
        return sum(a.tn_yen for a in self.composition)

    def areas_total_tn_yen(self, *, verified_only: bool = False) -> float:
        return sum(a.tn_yen for a in self.areas if not (verified_only and a.unverified))

    def itemised_tn_yen(self) -> float:
        """The areas with a figure in some public source (all rows but the remainder)."""
        return sum(a.tn_yen for a in self.areas if not a.remainder)

    @model_validator(mode="after")
    def _tables_add_up(self) -> BuildupProgram:
        for name, total in (
            ("composition", self.composition_total_tn_yen()),
            ("areas", self.areas_total_tn_yen()),
        ):
            if abs(total - self.total_tn_yen) > 1e-9:
                raise ValueError(f"{name} add to {total:g} tn, not the total {self.total_tn_yen:g}")
        if not self.first_fiscal_year <= self.path.actual_through < self.last_fiscal_year:
            raise ValueError(
                "path.actual_through: expected a year of the programme before its last"
            )
        return self


class SharePathSpec(_Strict):
    """A named path of spending as a share of GDP: the actual years from a shipped series up
    to `actual_through`, then linear from the last actual share to the points, flat beyond."""

    points: dict[int, float] = Field(min_length=1)
    definition: Definition
    denominator: Literal["year"] | Denominator = Field(
        description="`year`: each fiscal year's GDP; or one fixed fiscal year's GDP"
    )
    actual_through: int = Field(ge=1950, le=2100, description="Last year from the series")
    beyond: Literal["hold-share", "grow-with-gdp"] = Field(
        default="hold-share",
        description="After the last point: hold the share of the denominator, or grow with GDP",
    )
    notional: bool
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _points_after_actual(self) -> SharePathSpec:
        if min(self.points) <= self.actual_through:
            raise ValueError(
                f"points must be after actual_through (FY{self.actual_through}), got "
                f"FY{min(self.points)}"
            )
        return self


class Assumption(_Strict):
    value: float
    source: str


class Assumptions(_Strict):
    yen_per_usd: Assumption
    inflation_pct: Assumption
    nominal_growth_pct: Assumption


class BudgetData(_Strict):
    """The whole shipped file."""

    core: CoreSeries
    wider: WiderSeries
    sipri: SipriSeries
    gdp: GdpSeries
    buildup_program: BuildupProgram
    share_paths: dict[str, SharePathSpec]
    definitions: dict[Definition, str]
    assumptions: Assumptions

    def core_budget_100m_yen(self, fiscal_year: int, *, incl: bool = True) -> int:
        """A fiscal year's core budget as published (KeyError if not shipped)."""
        for y in self.core.years:
            if y.fiscal_year == fiscal_year:
                value = y.incl if incl else y.excl
                if value is None:
                    raise KeyError(f"FY{fiscal_year} has no {'incl' if incl else 'excl'} figure")
                return value
        raise KeyError(f"FY{fiscal_year} is not in the core series")

    def actual(self, series: Literal["core", "wider"], fiscal_year: int) -> ActualYear | None:
        """A fiscal year of a shipped series in billion yen (None if not shipped). Core: the
        headline (incl.) figure; wider: the published amount, else its share of the series'
        FY2022 GDP (`derived`)."""
        if series == "core":
            for c in self.core.years:
                if c.fiscal_year == fiscal_year and c.incl is not None:
                    flags = ["approximate"] * c.incl_approximate + ["draft"] * (c.status == "draft")
                    return ActualYear(c.incl / 10.0, tuple(flags), c.source)
            return None
        for w in self.wider.years:
            if w.fiscal_year == fiscal_year:
                flags = ["approximate"] * w.approximate
                if w.amount_tn_yen is not None:
                    return ActualYear(w.amount_tn_yen * 1e3, tuple(flags), w.source)
                d = self.wider.denominator
                gdp = self.gdp.bases[d.gdp_base][d.fiscal_year]
                return ActualYear(w.share_pct / 100.0 * gdp, (*flags, "derived"), w.source)
        return None

    def series_years(self, series: Literal["core", "wider"]) -> tuple[int, int]:
        """First and last fiscal year of a shipped series."""
        years = [y.fiscal_year for y in (self.core.years if series == "core" else self.wider.years)]
        return min(years), max(years)

    @model_validator(mode="after")
    def _paths_match_series(self) -> BudgetData:
        missing = set(DEFINITIONS) - set(self.definitions)
        if missing:
            raise ValueError(f"definitions: missing {sorted(missing)}")
        d = self.wider.denominator
        if d.fiscal_year not in self.gdp.bases[d.gdp_base]:
            raise ValueError(f"wider.denominator: FY{d.fiscal_year} not in the {d.gdp_base} base")
        return self


@dataclass(frozen=True)
class ActualYear:
    """A shipped figure in billion yen, its flags (approximate, derived, draft) and source."""

    bn_yen: float
    flags: tuple[str, ...]
    source: str


@cache
def shipped_budget_data() -> BudgetData:
    """The budget data shipped with kamae (validated once)."""
    entry = resources.files("kamae.budget") / "data" / "japan-budget.yaml"
    data, _ = validated(BudgetData, entry.read_text(encoding="utf-8"), str(entry))
    return data
