"""The trade study: for a budget, the allocation across options that optimises the objective.

The analytic trade model (kamae.budget.trade_model) scores allocations; the search is
enumeration when the allocations within budget are few (<= ENUMERATION_LIMIT), else
branch-and-bound (exact for the model's monotone scores), or greedy marginal value on request.
The best few allocations are then run in the Monte Carlo engine with common random numbers:
every candidate uses the same master seed, so replication i of each candidate draws from the
same `replication_seeds(seed, n)[i]`, and paired differences are reported against the
analytic optimum. The Pareto front of cost against the analytic score comes with the answer
(exact from enumeration; the greedy path otherwise, labelled so).

With `out`, the study is written to a new folder `out/<scenario>-trade-<UTC timestamp>/`
(claimed before the work starts, filled atomically: `kamae.results.files`): trade.json (the
answer, as `TradeResult.as_dict`), manifest.json (`kamae.provenance`, with the options file's
SHA-256), scenario.yaml and options.yaml (the files as read).
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from kamae.budget.options import LoadedOptions, TradeOptions, load_options_text
from kamae.budget.paths import budget_path
from kamae.budget.search import (
    Candidate,
    branch_and_bound,
    enumerate_allocations,
    greedy,
    pareto_front,
)
from kamae.budget.trade_model import Effect, TradeModel, apply_allocation, build_trade_model
from kamae.budget.yaml_file import read_text
from kamae.errors import KamaeError
from kamae.montecarlo import run_montecarlo
from kamae.provenance import build_manifest
from kamae.results.files import RunFolderClaim, claim_run_folder
from kamae.results.statistics import mean_interval, wilson_interval
from kamae.scenario.loader import LoadedScenario, load_scenario, load_scenario_text
from kamae.scenario.safe_yaml import dump_yaml
from kamae.workload import check_workload, combined, estimate

__all__ = ["ENUMERATION_LIMIT", "TradeResult", "parse_budget", "trade_study"]

ENUMERATION_LIMIT = 20_000
_BUDGET = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*([a-z-]*)\s*$")
_UNITS = {"": 1.0, "musd": 1.0, "busd": 1e3, "myen": None, "byen": None, "tnyen": None}
_YEN = {"myen": 1e6, "byen": 1e9, "tnyen": 1e12}


def parse_budget(text: str, yen_per_usd: float = 150.0) -> float:
    """A budget in million USD from `1200`, `1200musd`, `1.2busd`, `180byen`, `0.2tnyen`."""
    m = _BUDGET.match(text.lower())
    if not m or m.group(2) not in _UNITS:
        raise KamaeError(
            f"--budget: expected a number with an optional unit (musd, busd, myen, byen, "
            f"tnyen), got {text!r}"
        )
    value = float(m.group(1))
    if not value > 0:
        raise KamaeError(f"--budget: expected a budget > 0, got {text!r}")
    unit = m.group(2)
    if unit in _YEN:
        return value * _YEN[unit] / yen_per_usd / 1e6
    factor = _UNITS[unit]
    assert factor is not None
    return value * factor


def _score(effect: Effect, objective: str) -> float:
    """Lower is better."""
    if objective == "expected_leakers":
        return effect.expected_leakers
    if objective == "p_no_leakers":
        return -effect.p_no_leakers
    return -effect.days_of_stock


@dataclass
class TradeResult:
    """What a trade study found."""

    scenario: str
    objective: str
    budget_musd: float
    budget_source: str
    method: str
    evaluated: int
    options: list[dict[str, Any]]
    best: dict[str, Any]
    front: list[dict[str, Any]]
    front_method: str
    confirmed: list[dict[str, Any]] = field(default_factory=list)
    seed: int | None = None
    replications: int = 0
    folder: Path | None = None
    """The study's folder (None: not written)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "objective": self.objective,
            "budget_musd": self.budget_musd,
            "budget_source": self.budget_source,
            "search": {"method": self.method, "scores_computed": self.evaluated},
            "options": self.options,
            "best": self.best,
            "pareto_front": {"method": self.front_method, "points": self.front},
            "monte_carlo": {
                "seed": self.seed,
                "replications": self.replications,
                "common_random_numbers": True,
                "candidates": self.confirmed,
            },
        }


def _describe(model: TradeModel, cand: Candidate, objective: str) -> dict[str, Any]:
    effect = model.evaluate(cand.allocation)
    return {
        "allocation": {
            o.name: q for o, q in zip(model.options.options, cand.allocation, strict=True)
        },
        "cost_musd": cand.cost,
        "analytic": {
            "expected_leakers": effect.expected_leakers,
            "p_no_leakers": effect.p_no_leakers,
            "days_of_stock": None if math.isinf(effect.days_of_stock) else effect.days_of_stock,
            "threats": effect.threats,
        },
    }


def _budget(options: TradeOptions, budget: str | float | None) -> tuple[float, str]:
    if budget is not None:
        value = budget if isinstance(budget, float | int) else parse_budget(str(budget))
        if not value > 0:
            raise KamaeError(f"--budget: expected a budget > 0, got {budget!r}")
        return float(value), "given"
    if options.budget_musd is not None:
        return options.budget_musd, "options file budget_musd"
    if options.budget is not None:
        b = options.budget
        share = b.share
        if isinstance(share, dict):
            share = {int(k): v for k, v in share.items()}
        path = budget_path(
            share,
            b.first_fiscal_year,
            b.last_fiscal_year,
            gdp_base=b.gdp_base,
            yen_per_usd=b.yen_per_usd,
        )
        value = path.total_nominal_musd() * b.fraction_pct / 100.0
        return value, (
            f"{b.fraction_pct:g}% of the {path.share.name} path FY{b.first_fiscal_year}-"
            f"FY{b.last_fiscal_year} ({path.definition} definition; nominal, "
            f"{path.yen_per_usd:g} yen/USD)"
        )
    raise KamaeError("budget: give --budget, or budget_musd or budget in the options file")


def _mc_days(loaded: LoadedScenario, table: dict[str, list[float]], n: int) -> float | None:
    """Days of stock from the Monte Carlo: per layer, usable stock over mean rounds fired."""
    by_tier: dict[str, list[float]] = {}
    d = loaded.scenario.doctrine
    for u in loaded.scenario.fire_units:
        tier = loaded.interceptors[u.interceptor].tier
        stock, fired = by_tier.setdefault(tier, [0.0, 0.0])
        by_tier[tier][0] = stock + u.inventory - math.floor(d.reserve_fraction * u.inventory)
    for name, values in table.items():
        if name.startswith("fired."):
            tier = loaded.interceptors[name.removeprefix("fired.")].tier
            by_tier[tier][1] += sum(values) / n
    days = [s / f for s, f in by_tier.values() if f > 0]
    return min(days) if days else None


def _confirm(
    loaded: LoadedScenario,
    options: TradeOptions,
    chosen: list[Candidate],
    replications: int,
    seed: int,
    workers: int,
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    reference: np.ndarray | None = None
    for cand in chosen:
        doc = apply_allocation(loaded, options, cand.allocation)
        entry: dict[str, Any] = {"allocation": list(cand.allocation), "cost_musd": cand.cost}
        if not doc["raids"]:
            leaked = np.zeros(replications)
            entry.update(
                expected_leakers=mean_interval(leaked, support=(0.0, math.inf)).as_dict(),
                p_no_leak=wilson_interval(replications, replications).as_dict(),
                note="counterstrike removes every threat: nothing to simulate",
            )
        else:
            text = dump_yaml(doc, sort_keys=False).encode()
            one = load_scenario_text(text, f"(trade candidate {list(cand.allocation)})")
            result = run_montecarlo(one, replications, seed, workers=workers)
            table = result.replications.to_pydict()
            leaked = np.asarray(table["threats_leaked"], dtype=float)
            summary = result.summary()
            entry.update(
                expected_leakers=summary["expected_leakers"],
                p_no_leak=summary["p_no_leak"],
                interceptors_fired=summary["interceptors_fired"],
                days_of_stock=_mc_days(one, table, replications),
                cost_exchange=summary.get("cost_exchange"),
            )
        if reference is None:
            reference = leaked
        else:
            entry["leakers_minus_first"] = mean_interval(leaked - reference).as_dict()
        out.append(entry)
    return out


def trade_study(
    scenario: str | Path | LoadedScenario,
    options: str | Path | LoadedOptions,
    *,
    budget: str | float | None = None,
    objective: str | None = None,
    search: str | None = None,
    replications: int | None = None,
    candidates: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    force: bool = False,
    out: Path | None = None,
) -> TradeResult:
    """Find the best allocation of a budget across the options, and confirm it by Monte Carlo.

    Arguments left None take the options file's values (seed: the scenario's). The Monte
    Carlo confirmation's work (candidates × replications of the scenario) is checked first
    (`kamae.workload.check_workload`; `force` as there), and with `out` the study's folder
    name claimed (module docstring), so that neither fails after the Monte Carlo.
    """
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    if isinstance(options, LoadedOptions):
        lo, text = options, dump_yaml(options.options.model_dump(mode="json"), sort_keys=False)
    else:
        text = read_text(options)
        lo = load_options_text(text, str(options), loaded)
    opts = lo.options
    n_confirm = opts.confirm.candidates if candidates is None else candidates
    reps = opts.confirm.replications if replications is None else replications
    if n_confirm > 0:
        work = estimate(loaded, replications=reps, workers=workers)
        check_workload(combined([work] * n_confirm), loaded.file, force=force)
    started = datetime.now(UTC)
    claim = None
    if out is not None:
        name = f"{loaded.scenario.name}-trade-{started.strftime('%Y%m%dT%H%M%SZ')}"
        claim = claim_run_folder(Path(out), name)
    with claim or contextlib.nullcontext():
        clock = time.perf_counter()
        result = _study(loaded, opts, budget, objective, search, reps, n_confirm, seed, workers)
        if claim is not None:
            result.folder = _write(claim, result, loaded, lo, text, workers, started, clock)
    return result


def _write(
    claim: RunFolderClaim,
    result: TradeResult,
    loaded: LoadedScenario,
    options: LoadedOptions,
    options_text: str,
    workers: int,
    started: datetime,
    clock: float,
) -> Path:
    """Fill the claimed folder: trade.json, manifest.json, scenario.yaml, options.yaml."""
    elapsed = time.perf_counter() - clock
    seed = loaded.scenario.seed if result.seed is None else result.seed
    manifest = build_manifest(loaded, result.replications, seed, workers, started, elapsed)
    manifest.update(
        kind="trade",
        options_file=options.label,
        options_sha256=hashlib.sha256(options_text.encode("utf-8")).hexdigest(),
        candidates_confirmed=len(result.confirmed),
    )
    return claim.write(
        {"trade.json": result.as_dict(), "manifest.json": manifest},
        {},
        {"scenario.yaml": loaded.text, "options.yaml": options_text},
    )


def _study(
    loaded: LoadedScenario,
    opts: TradeOptions,
    budget: str | float | None,
    objective: str | None,
    search: str | None,
    reps: int,
    n_confirm: int,
    seed: int | None,
    workers: int,
) -> TradeResult:
    """The search and the Monte Carlo check of its best `n_confirm` allocations."""
    if objective is not None:
        if objective not in ("expected_leakers", "p_no_leakers", "days_of_stock"):
            raise KamaeError(
                "--objective: expected expected_leakers, p_no_leakers or days_of_stock, "
                f"got {objective!r}"
            )
        opts = opts.model_copy(update={"objective": objective})
    if search is not None:
        if search not in ("auto", "enumerate", "branch-and-bound", "greedy"):
            raise KamaeError(
                f"--search: expected auto, enumerate, branch-and-bound or greedy, got {search!r}"
            )
        opts = opts.model_copy(update={"search": search})
    money, source = _budget(opts, budget)
    model = build_trade_model(loaded, opts)

    def score(q: tuple[int, ...]) -> float:
        return _score(model.evaluate(q), opts.objective)

    costs, steps = model.costs, model.max_steps
    size = math.prod(m + 1 for m in steps)
    method = opts.search
    if method == "auto":
        method = "enumerate" if size <= ENUMERATION_LIMIT else "branch-and-bound"
    path = greedy(costs, steps, money, score)
    if method == "enumerate":
        if size > 10 * ENUMERATION_LIMIT:
            raise KamaeError(
                f"search: {size} allocations are too many to enumerate; use branch-and-bound"
            )
        ranked = enumerate_allocations(costs, steps, money, score)
        best, evaluated = ranked[0], len(ranked)
        front, front_method = pareto_front(ranked), "exact (every allocation within budget)"
        distinct = ranked
    elif method == "branch-and-bound":
        best, evaluated = branch_and_bound(costs, steps, money, score)
        front, front_method = pareto_front([*path, best]), "greedy path and the optimum"
        distinct = sorted({c.allocation: c for c in [best, *path]}.values(), key=lambda c: c.score)
    else:
        best, evaluated = path[-1], len(path) * len(costs)
        front, front_method = pareto_front(path), "greedy path"
        distinct = sorted(path, key=lambda c: (c.score, c.cost))
    chosen = [best, *[c for c in distinct if c.allocation != best.allocation]][:n_confirm]
    mc_seed = loaded.scenario.seed if seed is None else seed
    confirmed = _confirm(loaded, opts, chosen, reps, mc_seed, workers) if chosen else []
    return TradeResult(
        scenario=loaded.scenario.name,
        objective=opts.objective,
        budget_musd=money,
        budget_source=source,
        method=method,
        evaluated=evaluated,
        options=[
            {"name": o.name, "kind": o.kind, "step_cost_musd": c, "max_steps": m}
            for o, c, m in zip(opts.options, costs, steps, strict=True)
        ],
        best=_describe(model, best, opts.objective),
        front=[_describe(model, c, opts.objective) for c in front],
        front_method=front_method,
        confirmed=confirmed,
        seed=mc_seed if chosen else None,
        replications=reps if chosen else 0,
    )
