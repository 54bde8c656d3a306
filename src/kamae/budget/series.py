"""The shipped budget data of Japan: defense budget series, GDP, the Defense Buildup Program
and named share-of-GDP paths, each figure with its source (data/japan-budget.yaml).

Definitions are kept apart: `core` (the Ministry of Defense's initial budget), `wider` (the 2%
target's defense plus complementary spending), `sipri` (SIPRI military expenditure, calendar
years); GDP on the 2015 and on the 2020 benchmark base, never mixed.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kamae.budget.yaml_file import validated

__all__ = [
    "BudgetData",
    "BuildupProgram",
    "SharePathSpec",
    "shipped_budget_data",
]

Share = float  # percent of GDP


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


class WiderSeries(_Strict):
    definition: str
    unit: str
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
    bases: dict[Literal["2015", "2020"], dict[int, float]]


class Amount(_Strict):
    item: str | None = None
    area: str | None = None
    tn_yen: float = Field(gt=0)
    unverified: bool = False
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


class SharePathSpec(_Strict):
    """A named path of defense spending as a share of GDP (percent; linear between points)."""

    points: dict[int, float] = Field(min_length=1)
    definition: str
    notional: bool
    source: str = Field(min_length=1)


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


@cache
def shipped_budget_data() -> BudgetData:
    """The budget data shipped with kamae (validated once)."""
    entry = resources.files("kamae.budget") / "data" / "japan-budget.yaml"
    data, _ = validated(BudgetData, entry.read_text(encoding="utf-8"), str(entry))
    return data
