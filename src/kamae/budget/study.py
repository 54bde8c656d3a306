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
scenario). `mode: raid` (default) runs the scenario's raid against each year's force;
`mode: campaign` runs the scenario's campaign instead (`kamae.budget.campaign_years`): the
delivered stand-off missiles become the inventories of the counterstrike platforms named in
`placements` (`add_platforms` adds platforms, e.g. a glide-projectile battery), and each row
gives leakers, interceptors fired and launchers destroyed over the campaign, with paired
differences and the cost per avoided leaker against the first path.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, model_validator

from kamae.budget.campaign_years import CampaignYears, cost_per_avoided_leaker
from kamae.budget.chain import ProcurementChain, procurement_chain
from kamae.budget.force import add_sensors, grown
from kamae.budget.paths import budget_path
from kamae.budget.procurement import (
    Force,
    Placement,
    force_for_year,
    procurement_catalog,
    unit_cost_musd,
)
from kamae.budget.yaml_file import field_error, read_text, validated
from kamae.errors import KamaeError
from kamae.montecarlo import run_montecarlo
from kamae.results.statistics import Interval, paired_difference
from kamae.scenario.base import Identifier, Strict
from kamae.scenario.loader import load_scenario, load_scenario_text, parse_yaml
from kamae.scenario.safe_yaml import dump_yaml
from kamae.workload import check_workload, estimate


class PlacementSpec(Strict):
    """Where a programme's deliveries go in the scenario: interceptors to these fire units,
    stand-off missiles (campaign mode) to these counterstrike platforms, split evenly; each
    launcher or ship delivered as a copy of fire unit `like` (its own radar copied with it)
    holding `inventory` rounds; each radar delivered as the scenario sensor entry `sensor`."""

    fire_units: list[Identifier] = Field(
        default_factory=list, description="Fire units that get the delivered rounds"
    )
    platforms: list[Identifier] = Field(
        default_factory=list,
        description="Campaign counterstrike platforms whose inventory is the missiles delivered",
    )
    like: Identifier | None = Field(
        default=None,
        description="A launcher or ship: the fire unit each delivery copies (place, launchers, "
        "interceptor, and its own radar where a sensor has the same id)",
    )
    inventory: int | None = Field(
        default=None, ge=0, description="Rounds each copied fire unit holds (none: the original's)"
    )
    sensor: dict[str, Any] | None = Field(
        default=None,
        description="A radar: the scenario sensor entry (type, lat_deg, lon_deg, ...) each "
        "delivery adds, its id suffixed; checked by the scenario loader",
    )

    @model_validator(mode="after")
    def _one_kind(self) -> PlacementSpec:
        given = [bool(self.fire_units), bool(self.platforms), self.like is not None,
                 self.sensor is not None]  # fmt: skip
        if sum(given) != 1:
            raise ValueError(
                "give one of fire_units (interceptors), platforms (stand-off missiles), "
                "like (launchers, ships) or sensor (radars)"
            )
        if self.inventory is not None and self.like is None:
            raise ValueError("inventory: only with like (the rounds of each copied fire unit)")
        return self


class GrowthSpec(Strict):
    """Compound yearly growth of one adversary force or raid from the base fiscal year."""

    pct_per_year: float = Field(
        ge=-100, le=1000, description="Percent growth a year (negative: shrinking)"
    )


class AdversaryGrowthSpec(Strict):
    """The adversary each fiscal year: named campaign forces' launchers (mode: campaign) or
    raids' missile counts (mode: raid) grown at compound yearly rates from the year the
    scenario stands for; the rate is an assumption the study states with its source."""

    base_fiscal_year: int = Field(
        ge=2000, le=2100, description="The fiscal year the scenario's adversary stands for"
    )
    source: str = Field(min_length=1, description="Where the growth rates come from")
    forces: dict[Identifier, GrowthSpec] = Field(
        default_factory=dict, description="Campaign forces whose launchers grow (mode: campaign)"
    )
    raids: dict[Identifier, GrowthSpec] = Field(
        default_factory=dict, description="Raids whose missile counts grow (mode: raid)"
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
    mode: Literal["raid", "campaign"] = Field(
        default="raid",
        description="raid: the scenario's raid against each year's force; campaign: the "
        "scenario's campaign (stocks drawn down, counterstrike with the stand-off missiles "
        "delivered)",
    )
    add_platforms: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Counterstrike platforms added to the scenario's campaign (campaign mode), "
        "e.g. a glide-projectile battery; checked by the scenario loader",
    )
    adversary_growth: AdversaryGrowthSpec | None = Field(
        default=None,
        description="The adversary growing year by year (none: the scenario's adversary in "
        "every year)",
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
        if self.add_platforms and self.mode != "campaign":
            raise ValueError("add_platforms: only with mode: campaign")
        return self


@dataclass(frozen=True)
class BudgetStudy:
    """A study's rows (one per path and year) and the chains they came from."""

    rows: list[dict[str, Any]]
    chains: dict[str, ProcurementChain]
    describe: dict[str, str]
    mode: str = "raid"

    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "paths": self.describe, "rows": self.rows}


def bundled_study_path(name_or_path: str | Path) -> Path:
    """A bundled study by name (`budget-study`, `budget-campaign-study`), or the given path."""
    if str(name_or_path) in BUNDLED_STUDIES:
        return Path(str(resources.files("kamae.budget") / "data" / f"{name_or_path}.yaml"))
    return Path(name_or_path)


BUNDLED_STUDIES = ("budget-study", "budget-campaign-study")


def load_study_file(path: str | Path) -> BudgetStudyFile:
    """A study file (or the bundled `budget-study`) validated, with cross-checks naming
    file:line and field. A scenario given as a path (it has a `/` or ends in .yaml/.yml) is
    relative to the study file's folder; the result holds it resolved."""
    label = str(path)
    path = bundled_study_path(path)
    text = read_text(path)
    study, lines = validated(BudgetStudyFile, text, label)
    scenario = study.scenario
    if ("/" in scenario or scenario.endswith((".yaml", ".yml"))) and not Path(
        scenario
    ).is_absolute():
        study = study.model_copy(update={"scenario": str(path.parent / scenario)})
    catalog = procurement_catalog()
    for name in study.shares_pct:
        where = ("shares_pct", name)
        if name not in catalog:
            known = ", ".join(sorted(catalog))
            raise field_error(label, lines, where, f"unknown procurement item (known: {known})")
        kind = catalog[name].kind
        if kind != "standoff-missile" and name not in study.placements:
            field = PLACEMENT_FIELD[kind]
            problem = f"give placements.{name}.{field} (where its deliveries go)"
            raise field_error(label, lines, where, problem)
    _check_placements(study, label, lines, catalog)
    _check_growth(study, label, lines)
    return study


PLACEMENT_FIELD = {
    "interceptor": "fire_units",
    "standoff-missile": "platforms",
    "launcher": "like",
    "ship": "like",
    "radar": "sensor",
}
"""The placement field each kind of procurement item is placed by."""


def _check_placements(
    study: BudgetStudyFile,
    label: str,
    lines: dict[Any, int],
    catalog: dict[str, Any],
) -> None:
    """Every placement names an item of the catalog, by the field its kind is placed by, and
    fire units, platforms or a sensor entry the scenario takes (one line naming file:line and
    the field)."""
    doc = study_scenario_document(study)
    units = {str(u.get("id")) for u in doc.get("fire_units", [])}
    platforms = {
        str(p.get("id")): str(p.get("weapon"))
        for p in ((doc.get("campaign") or {}).get("counterstrike") or {}).get("platforms", [])
    }
    for name, place in study.placements.items():
        if name not in catalog:
            known = ", ".join(sorted(catalog))
            raise field_error(
                label, lines, ("placements", name), f"unknown procurement item (known: {known})"
            )
        kind = catalog[name].kind
        field = PLACEMENT_FIELD[kind]
        given: list[str] = {
            "fire_units": place.fire_units,
            "platforms": place.platforms,
            "like": [place.like] if place.like else [],
            "sensor": ["sensor"] if place.sensor else [],
        }[field]
        if not given or (kind == "standoff-missile" and study.mode != "campaign"):
            problem = f"a {kind} goes to {field}" + (
                " (stand-off missiles are placed in mode: campaign)" if field == "platforms" else ""
            )
            raise field_error(label, lines, ("placements", name), problem)
        if field == "sensor":
            _check_sensor(study, doc, name, place.sensor or {}, label, lines)
            continue
        known_ids = set(platforms) if field == "platforms" else units
        for i, ident in enumerate(given):
            where: tuple[Any, ...] = ("placements", name, field)
            if field != "like":
                where = (*where, i)
            if ident not in known_ids:
                section = "counterstrike platform" if field == "platforms" else "fire unit"
                problem = (
                    f"no {section} {ident!r} in {study.scenario} (known: "
                    + (", ".join(sorted(known_ids)) or "none")
                    + ")"
                )
                raise field_error(label, lines, where, problem)
            if kind == "standoff-missile" and platforms[ident] != name:
                problem = f"platform {ident} fires {platforms[ident]}, not {name}"
                raise field_error(label, lines, where, problem)


def _check_sensor(
    study: BudgetStudyFile,
    doc: dict[str, Any],
    name: str,
    sensor: dict[str, Any],
    label: str,
    lines: dict[Any, int],
) -> None:
    """A radar placement's sensor entry, added once to the scenario, passes the loader."""
    trial = add_sensors(doc, sensor, 1, name)
    try:
        load_scenario_text(dump_yaml(trial, sort_keys=False).encode(), "(placement)")
    except KamaeError as exc:
        problem = str(exc).removeprefix("(placement)").lstrip(": ")
        raise field_error(label, lines, ("placements", name, "sensor"), problem) from None


def _check_growth(study: BudgetStudyFile, label: str, lines: dict[Any, int]) -> None:
    """Every grown force or raid is one of the scenario's."""
    growth = study.adversary_growth
    if growth is None:
        return
    doc = study_scenario_document(study)
    known = {
        "forces": {str(f.get("id")) for f in (doc.get("campaign") or {}).get("forces", [])},
        "raids": {str(r.get("id")) for r in doc.get("raids", [])},
    }
    for section, named in (("forces", growth.forces), ("raids", growth.raids)):
        mode = "campaign" if section == "forces" else "raid"
        if named and study.mode != mode:
            other = "raids" if section == "forces" else "forces"
            problem = f"only with mode: {mode} (in mode: {study.mode}, give {other})"
            raise field_error(label, lines, ("adversary_growth", section), problem)
        for ident in named:
            if ident not in known[section]:
                problem = (
                    f"no {section[:-1]} {ident!r} in {study.scenario} (known: "
                    + (", ".join(sorted(known[section])) or "none")
                    + ")"
                )
                raise field_error(label, lines, ("adversary_growth", section, ident), problem)


def study_scenario_document(study: BudgetStudyFile) -> dict[str, Any]:
    """The scenario document the study builds each year's force on: the scenario file,
    with the study's `add_platforms` appended to its campaign's counterstrike platforms."""
    loaded = load_scenario(study.scenario)
    doc: dict[str, Any] = parse_yaml(loaded.text, loaded.file)[0]
    if study.mode == "campaign":
        if not isinstance(doc.get("campaign"), dict):
            raise KamaeError(
                f"{study.scenario}: campaign: mode: campaign needs a scenario with a campaign "
                "section (bundled: japan-2027-campaign)"
            )
        if study.add_platforms:
            doc = copy.deepcopy(doc)
            strike = doc["campaign"].setdefault("counterstrike", {})
            strike.setdefault("platforms", []).extend(copy.deepcopy(study.add_platforms))
    return doc


def budget_study(
    study: BudgetStudyFile | str | Path, *, replications: int | None = None, force: bool = False
) -> BudgetStudy:
    """Run the study (see the module doc); `replications` overrides the file's."""
    spec = study if isinstance(study, BudgetStudyFile) else load_study_file(study)
    loaded = load_scenario(spec.scenario)
    n = spec.replications if replications is None else replications
    seed = loaded.scenario.seed if spec.seed is None else spec.seed
    years = spec.years or list(range(spec.first_fiscal_year, spec.last_fiscal_year + 1))
    runs = len(years) * len(spec.paths)
    if spec.mode == "campaign":
        work = estimate(loaded, campaign=True, campaign_replications=n * runs)
    else:
        work = estimate(loaded, replications=n * runs)
    check_workload(work, loaded.file, force=force)
    catalog = procurement_catalog()
    costs = {k: unit_cost_musd(k, catalog[k], loaded.interceptors) for k in spec.shares_pct}
    shares = {k: v / 100.0 for k, v in spec.shares_pct.items()}
    place = {
        k: Placement(
            fire_units=tuple(p.fire_units),
            platforms=tuple(p.platforms),
            like=p.like,
            inventory=p.inventory,
            sensor=p.sensor,
        )
        for k, p in spec.placements.items()
    }
    base = study_scenario_document(spec)
    runner = CampaignYears(n, seed) if spec.mode == "campaign" else None
    rows: list[dict[str, Any]] = []
    chains: dict[str, ProcurementChain] = {}
    describe: dict[str, str] = {}
    reference: dict[int, tuple[dict[str, Any], dict[str, np.ndarray]]] = {}
    for name in spec.paths:
        path = budget_path(name, spec.first_fiscal_year, spec.last_fiscal_year)
        chain = procurement_chain(path, shares, catalog, costs)
        chains[name], describe[name] = chain, f"{path.describe()}; {path.definition_text()}"
        for fy in years:
            built = force_for_year(base, chain.orders, catalog, place, fy)
            if spec.adversary_growth is not None:
                built = grow_adversary(built, spec.adversary_growth, fy)
            if runner is None:
                row, per_rep = _year_row(name, chain, built, n, seed, path.definition)
            else:
                row, per_rep = runner.row(name, chain, built, path.definition)
            row["budget_musd"] = next(
                (y.nominal_musd for y in path.years if y.fiscal_year == fy), None
            )
            if fy in reference:
                paired_rows(row, per_rep, *reference[fy])
            else:
                reference[fy] = (row, per_rep)
                paired_rows(row, per_rep, None, None)
            rows.append(row)
    return BudgetStudy(rows, chains, describe, spec.mode)


def grow_adversary(built: Force, growth: AdversaryGrowthSpec, fiscal_year: int) -> Force:
    """The year's force facing the adversary grown from the base year (`force.grown`); the
    sizes used are recorded in `adversary` (launchers per force, or missiles per raid)."""
    years = fiscal_year - growth.base_fiscal_year
    doc = built.scenario
    sizes: dict[str, int] = {}
    if growth.forces:
        rates = {k: g.pct_per_year for k, g in growth.forces.items()}
        doc = grown(doc, "forces", rates, years)
        sizes.update({str(f["id"]): int(f["launchers"]) for f in doc["campaign"]["forces"]})
        sizes.update({k: 0 for k in rates if k not in sizes})
    if growth.raids:
        rates = {k: g.pct_per_year for k, g in growth.raids.items()}
        doc = grown(doc, "raids", rates, years)
        sizes.update({str(r["id"]): int(r["count"]) for r in doc["raids"]})
        sizes.update({k: 0 for k in rates if k not in sizes})
    return dataclasses.replace(built, scenario=doc, adversary=sizes)


def _year_row(
    name: str,
    chain: ProcurementChain,
    built: Force,
    n: int,
    seed: int,
    definition: str,
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
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
        "mode": "raid",
        "delivered_to_date": built.delivered,
        "on_order": built.on_order,
        "standoff_missiles": built.standoff_missiles,
        "adversary": built.adversary,
        "binding": {item: rec.binding for item, rec in sorted(records.items())},
        "spent_to_date_musd": sum(o.cost_musd for o in chain.orders if o.fiscal_year <= fy),
        "expected_leakers": summary["expected_leakers"],
        "p_no_leak": summary["p_no_leak"],
        "interceptors_fired": summary["interceptors_fired"],
        "cost_exchange": _exchange(summary),
    }
    return row, {"leakers": leaked}


def paired_rows(
    row: dict[str, Any],
    per_rep: dict[str, np.ndarray],
    reference: dict[str, Any] | None,
    reference_reps: dict[str, np.ndarray] | None,
) -> None:
    """A row's paired differences from the reference path's row of the same year (None:
    the row is the reference): every per-replication metric `<name>_minus_reference`, and in
    campaign mode the cost per avoided leaker."""
    for key in per_rep:
        name = f"{key}_minus_reference"
        if reference_reps is None:
            row[name] = None
        else:
            row[name] = paired_difference(per_rep[key], reference_reps[key]).as_dict()
    if row.get("mode") != "campaign":
        return
    if reference is None or reference_reps is None:
        row["cost_per_avoided_leaker"] = None
        return
    d = paired_difference(per_rep["leakers"], reference_reps["leakers"])
    avoided = Interval(0.0 - d.estimate, 0.0 - d.high, 0.0 - d.low, d.method)
    extra = row["spent_to_date_musd"] - reference["spent_to_date_musd"]
    row["cost_per_avoided_leaker"] = cost_per_avoided_leaker(extra, avoided)


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


def study_columns(study: BudgetStudy) -> tuple[str, ...]:
    """The headers of `study_table`'s columns (all but the last, the bindings)."""
    head = ("path", "FY", "budget bn USD", "spent bn USD")
    if study.mode == "campaign":
        return (
            *head, "leakers (campaign)", "minus first path", "interceptors fired",
            "launchers destroyed", "M USD per avoided leaker", "cost-exchange",
        )  # fmt: skip
    return (*head, "expected leakers", "minus first path", "cost-exchange")


def study_table(study: BudgetStudy) -> list[tuple[str, ...]]:
    """Lines of the terminal table (`study_columns`), then what bound each programme."""
    out: list[tuple[str, ...]] = []
    for r in study.rows:
        d = r["leakers_minus_reference"]
        cells = [
            r["path"],
            str(r["fiscal_year"]),
            "" if r["budget_musd"] is None else f"{r['budget_musd'] / 1e3:.1f}",
            f"{r['spent_to_date_musd'] / 1e3:.2f}",
        ]
        if r["mode"] == "campaign":
            cpl = r["cost_per_avoided_leaker"]
            ratio = None if cpl is None else cpl["ratio_musd"]
            cells += [
                _mean(r["leakers"]),
                "ref" if d is None else _signed(d),
                _mean(r["interceptors_fired"]),
                _mean(r["launchers_destroyed"]),
                "ref" if cpl is None else ("n/a" if ratio is None else _ratio(cpl)),
                _exchange_cell((r.get("cost_exchange") or {}).get("ratio")),
            ]
        else:
            ce = r["cost_exchange"] or {}
            ce_ratio = ce.get("ratio")
            cells += [
                _mean(r["expected_leakers"]),
                "ref" if d is None else _signed(d),
                _exchange_cell(ce_ratio),
            ]
        cells.append(", ".join(f"{k} {v}" for k, v in r["binding"].items()))
        out.append(tuple(cells))
    return out


def _exchange_cell(ratio: object) -> str:
    return "n/a" if not isinstance(ratio, float) or math.isnan(ratio) else f"{ratio:.2f}"


def _mean(m: dict[str, Any]) -> str:
    return f"{m['mean']:.2f} [{m['ci95'][0]:.2f}, {m['ci95'][1]:.2f}]"


def _ratio(cpl: dict[str, Any]) -> str:
    lo, hi = cpl["ratio_ci95"]
    return f"{cpl['ratio_musd']:.0f} [{lo:.0f}, {hi:.0f}]"


def _signed(d: dict[str, Any]) -> str:
    lo, hi = d["ci95"]
    return f"{d['mean']:+.2f} [{lo:+.2f}, {hi:+.2f}]"


__all__ = [
    "BudgetStudy",
    "BudgetStudyFile",
    "budget_study",
    "load_study_file",
    "study_columns",
    "study_table",
]
