"""Sensitivity of a campaign to counterstrike effectiveness and interceptor stocks.

A full grid of (counterstrike effectiveness, stock scale): effectiveness scales every force's
probability of locating a launcher (0: no launcher is ever found), the stock scale the
initial interceptor stocks. Each point is one campaign run with the same seed (common random
numbers across points) on the fast path calibrated once; the table holds the mean total
leakers with its 95% interval, launchers left, stocks left and the share of replications in
which some interceptor type ran out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

import numpy as np
import pyarrow as pa

from kamae.campaign.confirmation import AttackConfirmation, scenario_confirmation
from kamae.campaign.defense import LayerCalibration, calibrate
from kamae.campaign.plan import CampaignPlan, build_plan
from kamae.campaign.run import run_campaign, runs_out_day
from kamae.results.statistics import mean_interval
from kamae.runners import Runner, using
from kamae.scenario.loader import LoadedScenario

DEFAULT_EFFECTIVENESS = (0.0, 0.25, 0.5, 1.0)
DEFAULT_STOCK_SCALES = (0.5, 1.0, 2.0)


def campaign_sensitivity(
    loaded: LoadedScenario,
    *,
    effectiveness: Sequence[float] = DEFAULT_EFFECTIVENESS,
    stock_scales: Sequence[float] = DEFAULT_STOCK_SCALES,
    replications: int | None = None,
    seed: int | None = None,
    expected: bool = False,
    workers: int = 1,
    plan: CampaignPlan | None = None,
    calibration: LayerCalibration | None = None,
    confirmation: AttackConfirmation | None = None,
    runner: Runner | None = None,
) -> pa.Table:
    """One row per (effectiveness, stock scale); `confirmation` as in `run_campaign` (the
    scenario's source, derived once here when not given). Engine runs (calibration, network
    confirmation) on `runner`, else on `workers` local processes."""
    plan = plan or build_plan(loaded)
    seed = loaded.scenario.seed if seed is None else seed
    with using(runner, workers) as chosen:
        cal = calibration or calibrate(
            plan, seed, plan.campaign.calibration_replications, runner=chosen
        )
        if confirmation is None and plan.counterstrike_allowed:
            confirmation = scenario_confirmation(loaded, seed, runner=chosen)
    rows: dict[str, list[float]] = {}
    for scale in stock_scales:
        for eff in effectiveness:
            r = run_campaign(
                loaded,
                replications=replications,
                seed=seed,
                defense="fast",
                expected=expected,
                locate_scale=eff,
                stock_scale=scale,
                plan=plan,
                calibration=cal,
                confirmation=confirmation,
            )
            t = r.table
            reps = np.asarray(t.column("replication").to_numpy())
            last = np.asarray(t.column("step").to_numpy()) == plan.steps - 1
            leak = np.bincount(reps, weights=np.asarray(t.column("leakers").to_numpy()))
            iv = mean_interval(leak)
            out = runs_out_day(r)
            values = {
                "counterstrike_effectiveness": eff,
                "stock_scale": scale,
                "leakers": iv.estimate,
                "leakers_low": iv.low,
                "leakers_high": iv.high,
                "launchers_alive_at_end": float(
                    np.asarray(t.column("launchers_alive").to_numpy())[last].mean()
                ),
                "stock_left_at_end": float(
                    sum(
                        np.asarray(t.column(f"stock.{n}").to_numpy())[last].mean()
                        for n in plan.types
                    )
                ),
                "share_runs_out": max(
                    (float(cast(float, v["share_of_replications"])) for v in out.values()),
                    default=0.0,
                ),
            }
            for k, v in values.items():
                rows.setdefault(k, []).append(float(v))
    return pa.table(rows)
