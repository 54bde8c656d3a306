"""`kamae study budget` (issue 18, first slice): from a budget path to leakers, year by year.

For each budget path (a named share path, `data/japan-budget.yaml`) and each fiscal year
evaluated, the chain runs as `kamae.budget.chain` states it:

    budget(FY) -> money per programme (shares of the year's budget) -> orders (money,
    production, ceiling) -> deliveries after the lag -> the force in service at the end of FY
    (`force_for_year`: rounds added to the named fire units) -> the scenario's Monte Carlo

and each row gives the leakers, P(no leaker), interceptors fired and the cost-exchange ratio
with their 95% intervals, the stocks delivered per programme and what bound them, and the
money spent on orders so far. Every run of every (path, year) uses the same seed and
replications, so replication i of each draws the same random numbers (common random numbers,
as `kamae compare`); each row's `leakers_minus_reference` is the paired difference from the
first path in the same year (paired t interval). The base scenario's inventories are taken as
the force before the first fiscal year (an assumption the study file states by its choice of
scenario). Not yet linked: stand-off missiles are counted (`standoff_missiles`) but do not feed
a campaign's counterstrike; the threat is the scenario's raid in every year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from kamae.budget.chain import ProcurementChain, procurement_chain
from kamae.budget.paths import budget_path
from kamae.budget.procurement import (
    Force,
    Placement,
    force_for_year,
    procurement_catalog,
    unit_cost_musd,
)
from kamae.budget.yaml_file import field_error, read_text, validated
from kamae.montecarlo import run_montecarlo
from kamae.results.statistics import paired_difference
from kamae.scenario.base import Identifier, Strict
from kamae.scenario.loader import load_scenario, load_scenario_text, parse_yaml
from kamae.scenario.safe_yaml import dump_yaml
from kamae.workload import check_workload, estimate


class PlacementSpec(Strict):
    """Where a programme's deliveries go in the scenario (interceptors: these fire units,
    split evenly)."""

    fire_units: list[Identifier] = Field(
        min_length=1, description="Fire units that get the delivered rounds"
    )


class BudgetStudyFile(Strict):
    """A budget study: paths, years, the allocation of each year's budget, placements."""

    version: Literal[1] = Field(description="Study file format version")
    scenario: str = Field(
        description="Bundled scenario name or scenario file (the force before the first "
        "fiscal year)"
    )
    paths: list[str] = Field(
        min_length=1,
        description="Named share paths (data/japan-budget.yaml); the first is "
        "the reference of the paired differences",
    )
    first_fiscal_year: int = Field(ge=2000, le=2100, description="First budget year")
    last_fiscal_year: int = Field(ge=2000, le=2100, description="Last budget year")
    years: list[int] | None = Field(
        default=None, description="Fiscal years evaluated (none: first to last)"
    )
    shares_pct: dict[str, float] = Field(
        min_length=1,
        description="Percent of each year's budget bought of each procurement item (an "
        "allocation assumption, not data); the items' sum at most 100",
    )
    placements: dict[str, PlacementSpec] = Field(
        default_factory=dict, description="Where each interceptor item's deliveries go"
    )
    replications: int = Field(default=100, ge=2, le=100_000, description="Monte Carlo replications")
    seed: int | None = Field(
        default=None, ge=0, le=2**63 - 1, description="Master seed (none: the scenario's)"
    )

    @model_validator(mode="after")
    def _order(self) -> BudgetStudyFile:
        if self.last_fiscal_year < self.first_fiscal_year:
            raise ValueError("last_fiscal_year must not be before first_fiscal_year")
        for fy in self.years or ():
            if not self.first_fiscal_year <= fy <= self.last_fiscal_year + 10:
                raise ValueError(f"years: FY{fy} is outside the budget years (+10 for lags)")
        if any(s < 0 for s in self.shares_pct.values()) or sum(self.shares_pct.values()) > 100:
            raise ValueError("shares_pct: expected percentages >= 0 summing to at most 100")
        return self


@dataclass(frozen=True)
class BudgetStudy:
    """A study's rows (one per path and year) and the chains they came from."""

    rows: list[dict[str, Any]]
    chains: dict[str, ProcurementChain]
    describe: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return {"paths": self.describe, "rows": self.rows}


def bundled_study_path(name_or_path: str | Path) -> Path:
    """The bundled study `budget-study` by name, or the given path."""
    if str(name_or_path) == "budget-study":
        return Path(str(resources.files("kamae.budget") / "data" / "budget-study.yaml"))
    return Path(name_or_path)


def load_study_file(path: str | Path) -> BudgetStudyFile:
    """A study file (or the bundled `budget-study`) validated, with cross-checks naming
    file:line and field."""
    label = str(path)
    path = bundled_study_path(path)
    text = read_text(path)
    study, lines = validated(BudgetStudyFile, text, label)
    catalog = procurement_catalog()
    for name in study.shares_pct:
        where = ("shares_pct", name)
        if name not in catalog:
            known = ", ".join(sorted(catalog))
            raise field_error(label, lines, where, f"unknown procurement item (known: {known})")
        kind = catalog[name].kind
        if kind == "interceptor" and name not in study.placements:
            problem = f"give placements.{name}.fire_units (where its rounds go)"
            raise field_error(label, lines, where, problem)
        if kind not in ("interceptor", "standoff-missile"):
            raise field_error(label, lines, where, f"a {kind} item is not yet placed by the study")
    return study


def budget_study(
    study: BudgetStudyFile | str | Path, *, replications: int | None = None, force: bool = False
) -> BudgetStudy:
    """Run the study (see the module doc); `replications` overrides the file's."""
    spec = study if isinstance(study, BudgetStudyFile) else load_study_file(study)
    loaded = load_scenario(spec.scenario)
    n = spec.replications if replications is None else replications
    seed = loaded.scenario.seed if spec.seed is None else spec.seed
    years = spec.years or list(range(spec.first_fiscal_year, spec.last_fiscal_year + 1))
    work = estimate(loaded, replications=n * len(years) * len(spec.paths))
    check_workload(work, loaded.file, force=force)
    catalog = procurement_catalog()
    costs = {k: unit_cost_musd(k, catalog[k], loaded.interceptors) for k in spec.shares_pct}
    shares = {k: v / 100.0 for k, v in spec.shares_pct.items()}
    place = {k: Placement(fire_units=tuple(p.fire_units)) for k, p in spec.placements.items()}
    base: dict[str, Any] = parse_yaml(loaded.text, loaded.file)[0]
    rows: list[dict[str, Any]] = []
    chains: dict[str, ProcurementChain] = {}
    describe: dict[str, str] = {}
    reference: dict[int, np.ndarray] = {}
    for name in spec.paths:
        path = budget_path(name, spec.first_fiscal_year, spec.last_fiscal_year)
        chain = procurement_chain(path, shares, catalog, costs)
        chains[name], describe[name] = chain, f"{path.describe()}; {path.definition_text()}"
        for fy in years:
            built = force_for_year(base, chain.orders, catalog, place, fy)
            row, leaked = _year_row(name, chain, built, n, seed, path.definition)
            row["budget_musd"] = next(
                (y.nominal_musd for y in path.years if y.fiscal_year == fy), None
            )
            if fy in reference:
                row["leakers_minus_reference"] = paired_difference(leaked, reference[fy]).as_dict()
            else:
                reference[fy] = leaked
                row["leakers_minus_reference"] = None
            rows.append(row)
    return BudgetStudy(rows, chains, describe)


def _year_row(
    name: str,
    chain: ProcurementChain,
    built: Force,
    n: int,
    seed: int,
    definition: str,
) -> tuple[dict[str, Any], np.ndarray]:
    """One (path, year) row: the Monte Carlo of the year's force and its procurement."""
    fy = built.fiscal_year
    text = dump_yaml(built.scenario, sort_keys=False).encode()
    one = load_scenario_text(text, f"(budget study {name} FY{fy})")
    result = run_montecarlo(one, n, seed)
    summary = result.summary()
    leaked = np.asarray(result.replications.column("threats_leaked").to_numpy(), dtype=float)
    records = {y.item: y for y in chain.years if y.fiscal_year == fy}
    row: dict[str, Any] = {
        "path": name,
        "definition": definition,
        "fiscal_year": fy,
        "delivered_to_date": built.delivered,
        "on_order": built.on_order,
        "standoff_missiles": built.standoff_missiles,
        "binding": {item: rec.binding for item, rec in sorted(records.items())},
        "spent_to_date_musd": sum(o.cost_musd for o in chain.orders if o.fiscal_year <= fy),
        "expected_leakers": summary["expected_leakers"],
        "p_no_leak": summary["p_no_leak"],
        "interceptors_fired": summary["interceptors_fired"],
        "cost_exchange": _exchange(summary),
    }
    return row, leaked


def _exchange(summary: dict[str, Any]) -> dict[str, Any] | None:
    doc, extra = summary.get("cost_exchange"), summary.get("cost_exchange_range") or {}
    if not isinstance(doc, dict):
        return None
    return {
        "ratio": doc.get("ratio"),
        "ratio_ci95": doc.get("ratio_ci95"),
        "ratio_range": extra.get("ratio_range"),
        "ratio_range_ci95": extra.get("ratio_range_ci95"),
    }


def study_table(study: BudgetStudy) -> list[tuple[str, ...]]:
    """Lines of the terminal table: path, FY, budget, spent, leakers with interval, paired
    difference from the reference path, cost-exchange, what bound each programme."""
    out: list[tuple[str, ...]] = []
    for r in study.rows:
        lk = r["expected_leakers"]
        d = r["leakers_minus_reference"]
        ce = r["cost_exchange"] or {}
        ratio = ce.get("ratio")
        out.append(
            (
                r["path"],
                str(r["fiscal_year"]),
                "" if r["budget_musd"] is None else f"{r['budget_musd'] / 1e3:.1f}",
                f"{r['spent_to_date_musd'] / 1e3:.2f}",
                f"{lk['mean']:.2f} [{lk['ci95'][0]:.2f}, {lk['ci95'][1]:.2f}]",
                "ref"
                if d is None
                else f"{d['mean']:+.2f} [{d['ci95'][0]:+.2f}, {d['ci95'][1]:+.2f}]",
                "n/a" if not isinstance(ratio, float) or math.isnan(ratio) else f"{ratio:.2f}",
                ", ".join(f"{k} {v}" for k, v in r["binding"].items()),
            )
        )
    return out


def _signed(d: dict[str, Any]) -> str:
    lo, hi = d["ci95"]
    return f"{d['mean']:+.2f} [{lo:+.2f}, {hi:+.2f}]"


__all__ = ["BudgetStudy", "BudgetStudyFile", "budget_study", "load_study_file", "study_table"]
