"""A budget study's campaign mode: the scenario's campaign against each fiscal year's force.

Each (path, year) force (`force_for_year`: delivered interceptors added to the fire units,
delivered stand-off missiles as the inventory of the counterstrike platforms named) runs
the scenario's campaign through `kamae.campaign.run_campaign` and is totalled per
replication by `kamae.compare.campaign_totals`, as `kamae compare --campaign` does. Every run
uses the same seed and replication count, so step k of replication r draws from the same
`campaign_step_seeds(seed, k, n)` child in every path and year: paired random numbers.

The fast defense's calibration (engine runs of each layer with ample stocks,
`kamae.campaign.defense.calibrate`) does not depend on the stocks, so it is computed once per
set of fire units and interceptor types and reused by every run with that set (the same
result a fresh calibration with the same seed gives); the attack-confirmation source likewise.

Cost per avoided leaker against the reference path (the study's first):

    extra(FY)   = money spent on the study's orders to FY, path − reference    (M USD)
    avoided(FY) = mean over replications of (leakers_ref − leakers_path)      (paired)
    cost per avoided leaker = extra / avoided, its interval extra / [avoided's 95% interval]

defined when the avoided leakers' interval lies above zero (else `null` with the reason).
Orders to FY include rounds not yet delivered; sustainment and operating costs are out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from kamae.arrays import FloatArray
from kamae.budget.chain import ProcurementChain
from kamae.budget.procurement import Force
from kamae.campaign.confirmation import AttackConfirmation, scenario_confirmation
from kamae.campaign.defense import LayerCalibration, calibrate
from kamae.campaign.plan import build_plan
from kamae.campaign.run import run_campaign
from kamae.compare import campaign_totals
from kamae.montecarlo import fired_at, interceptor_cost, threat_costs
from kamae.results.cost_exchange import cost_range, ratio_of_totals
from kamae.results.statistics import Interval, mean_interval
from kamae.scenario.loader import LoadedScenario, load_scenario_text
from kamae.scenario.safe_yaml import dump_yaml

__all__ = ["CAMPAIGN_METRICS", "CampaignYears", "cost_per_avoided_leaker"]

CAMPAIGN_METRICS = (
    "leakers",
    "missiles_launched",
    "interceptors_fired",
    "launchers_destroyed",
    "strike_missiles_fired",
)
"""Totals over the campaign per replication, reported with intervals and paired differences."""


@dataclass
class CampaignYears:
    """Runs the campaign of each (path, year) force with one seed and replication count."""

    replications: int
    seed: int
    _calibrations: dict[tuple[Any, ...], LayerCalibration] = field(default_factory=dict)
    _confirmation: AttackConfirmation | None = None

    def row(
        self, name: str, chain: ProcurementChain, built: Force, definition: str
    ) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """One (path, year) row and its per-replication totals."""
        fy = built.fiscal_year
        text = dump_yaml(built.scenario, sort_keys=False).encode()
        loaded = load_scenario_text(text, f"(budget study {name} FY{fy})")
        plan = build_plan(loaded)
        key = (
            tuple(plan.types),
            tuple((u.id, u.interceptor) for u in loaded.scenario.fire_units),
        )
        cal = None
        if plan.campaign.defense == "fast":
            if key not in self._calibrations:
                reps = plan.campaign.calibration_replications
                self._calibrations[key] = calibrate(plan, self.seed, reps)
            cal = self._calibrations[key]
        if plan.counterstrike_allowed and self._confirmation is None:
            self._confirmation = scenario_confirmation(loaded, self.seed)
        result = run_campaign(
            loaded,
            replications=self.replications,
            seed=self.seed,
            plan=plan,
            calibration=cal,
            confirmation=self._confirmation,
        )
        totals = campaign_totals(result.table)
        exchange = campaign_cost_exchange(loaded, totals)
        per_rep = {
            k: np.asarray(totals.column(k).to_numpy(), dtype=float) for k in CAMPAIGN_METRICS
        }
        records = {y.item: y for y in chain.years if y.fiscal_year == fy}
        row: dict[str, Any] = {
            "path": name,
            "definition": definition,
            "fiscal_year": fy,
            "mode": "campaign",
            "delivered_to_date": built.delivered,
            "on_order": built.on_order,
            "standoff_missiles": built.standoff_missiles,
            "adversary": built.adversary,
            "platform_inventory": dict(
                zip(plan.platforms, plan.platform_inventory.tolist(), strict=True)
            ),
            "interceptor_stock": dict(zip(plan.types, plan.initial_stock.tolist(), strict=True)),
            "binding": {item: rec.binding for item, rec in sorted(records.items())},
            "spent_to_date_musd": sum(o.cost_musd for o in chain.orders if o.fiscal_year <= fy),
            **{k: mean_interval(v, support=(0.0, np.inf)).as_dict() for k, v in per_rep.items()},
            "cost_exchange": exchange,
            "campaign": {
                "steps": plan.steps,
                "step_h": plan.step_h,
                "defense": result.defense,
                "confirmation": result.confirmation,
            },
        }
        return row, per_rep


CAMPAIGN_EXCHANGE_DEFINITION = (
    "sum over replications of the interceptors fired over the campaign x their unit cost, over "
    "the sum of the unit costs of the missiles launched (each force's missiles priced as its "
    "raids' threat types, in proportion to the raids' counts)"
)


def force_threat_shares(loaded: LoadedScenario) -> dict[str, dict[str, float]]:
    """Per campaign force, the share of its missiles of each threat type: its raids' types in
    proportion to the raids' counts (as the campaign spreads its salvos)."""
    raids = {r.id: r for r in loaded.scenario.raids}
    campaign = loaded.scenario.campaign
    assert campaign is not None
    out: dict[str, dict[str, float]] = {}
    for force in campaign.forces:
        total = sum(raids[k].count for k in force.raids)
        shares: dict[str, float] = {}
        for k in force.raids:
            shares[raids[k].threat] = shares.get(raids[k].threat, 0.0) + raids[k].count / total
        out[force.id] = shares
    return out


def campaign_cost_exchange(loaded: LoadedScenario, totals: pa.Table) -> dict[str, Any]:
    """The campaign's cost-exchange ratio (`CAMPAIGN_EXCHANGE_DEFINITION`) from its totals per
    replication (`fired.<type>`, `launched.<force>`), with the delta-method interval and the
    range over both cost ranges (`kamae.results.cost_exchange`, as a run's): the raid's
    definition with the missiles launched in place of those engaged (a campaign's defense
    does not record which missiles it engaged). `ratio` null with `reason` when a threat type
    launched has no cost or nothing was launched."""
    fired_types = [c.removeprefix("fired.") for c in totals.column_names if c.startswith("fired.")]
    interceptors = {name: interceptor_cost(loaded, name) for name in fired_types}
    costs = threat_costs(loaded)
    fired = fired_at(totals, interceptors, "unit_cost_musd")
    n = totals.num_rows
    launched: dict[str, FloatArray] = {}
    for force, shares in force_threat_shares(loaded).items():
        column = f"launched.{force}"
        values = np.asarray(totals.column(column).to_numpy(), dtype=float)
        for threat, share in shares.items():
            launched[threat] = launched.get(threat, np.zeros(n)) + share * values
    doc: dict[str, Any] = {
        "ratio": None,
        "ratio_ci95": None,
        "definition": CAMPAIGN_EXCHANGE_DEFINITION,
    }
    used = {k: v for k, v in launched.items() if v.sum() > 0}
    missing = sorted(k for k in used if k not in costs)
    if not used or missing:
        doc["reason"] = (
            f"no unit_cost_musd for threat type(s) {', '.join(missing)}" if missing
            else "no missile launched"
        )  # fmt: skip
        return doc
    central = sum(v * costs[k].central_musd for k, v in used.items())
    assert isinstance(central, np.ndarray)
    doc["ratio"], doc["ratio_ci95"] = ratio_of_totals(fired, central)
    ends = (fired_at(totals, interceptors, "low_musd"), fired_at(totals, interceptors, "high_musd"))
    span = cost_range(fired, used, costs, ends)
    doc["ratio_range"], doc["ratio_range_ci95"] = span["ratio_range"], span["ratio_range_ci95"]
    return doc


def cost_per_avoided_leaker(extra_musd: float, avoided: Interval) -> dict[str, Any]:
    """Extra money over leakers avoided (module doc); `ratio` None with `reason` when the
    avoided leakers' 95% interval does not lie above zero."""
    out: dict[str, Any] = {
        "extra_spent_musd": extra_musd,
        "leakers_avoided": avoided.as_dict(),
        "ratio_musd": None,
        "ratio_ci95": None,
    }
    if avoided.low > 0:
        out["ratio_musd"] = extra_musd / avoided.estimate
        out["ratio_ci95"] = sorted([extra_musd / avoided.high, extra_musd / avoided.low])
    else:
        out["reason"] = "no leakers avoided at 95% (the interval of avoided leakers reaches 0)"
    return out
