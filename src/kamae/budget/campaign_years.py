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

from kamae.budget.chain import ProcurementChain
from kamae.budget.procurement import Force
from kamae.campaign.confirmation import AttackConfirmation, scenario_confirmation
from kamae.campaign.defense import LayerCalibration, calibrate
from kamae.campaign.plan import build_plan
from kamae.campaign.run import run_campaign
from kamae.compare import campaign_totals
from kamae.results.statistics import Interval, mean_interval
from kamae.scenario.loader import load_scenario_text
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
            "campaign": {
                "steps": plan.steps,
                "step_h": plan.step_h,
                "defense": result.defense,
                "confirmation": result.confirmation,
            },
        }
        return row, per_rep


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
