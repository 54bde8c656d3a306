"""A campaign over steps (days or hours): salvos, defense, counterstrike, resupply.

Each step, in this order:
1. Salvo: each force's surviving launchers fire its scheduled salvos (limited by reload),
   `rounds_per_salvo` each, capped by the rounds each launcher has left.
2. Defense: the step's missiles are engaged with the interceptor stocks left (the engine or
   its calibrated fast path, `kamae.campaign.defense`); stocks fall by the interceptors fired.
3. Counterstrike, when the rules allow: only after the attack is confirmed (first launch +
   the confirmation delay: the scenario's fixed `confirmation_delay_h`, or the mean delay of
   the allied network's attack confirmation run in the engine,
   `kamae.campaign.confirmation`) and the decision delay; a step in which authorisation falls
   keeps only the launches of its remaining part. Launchers destroyed, with the rounds they
   held, no longer fire (`kamae.campaign.strike`).
4. Resupply: interceptors produced or delivered in the step are added to the stocks.

The state of a replication is whole numbers (launchers alive, rounds per launcher, stocks,
strike inventories); conservation holds by construction and is checked every step. The
expected version replaces every random count by its mean: the deterministic difference
equations the stochastic campaign implies.

Randomness (`kamae.streams.campaign_step_seeds`): `SeedSequence(seed)` is spawned once per
step, and each step's child once per replication; a replication's child is spawned in two,
one for the defense and one for the counterstrike, so results depend only on (seed, step,
replication), never on workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from kamae.arrays import FloatArray
from kamae.campaign.confirmation import (
    AttackConfirmation,
    confirmation_summary,
    scenario_confirmation,
)
from kamae.campaign.defense import (
    EngineDefense,
    FastDefense,
    LayerCalibration,
    StepDefense,
    calibrate,
)
from kamae.campaign.plan import CampaignPlan, build_plan
from kamae.campaign.reconnaissance import (
    ReconnaissanceFeed,
    locate_probability,
    reconnaissance_feed,
    reconnaissance_summary,
)
from kamae.campaign.reconstitution import reconstitute
from kamae.campaign.strike import StrikeOutcome, strike_step
from kamae.errors import KamaeError
from kamae.results.statistics import mean_interval
from kamae.runners import Runner, using
from kamae.scenario.loader import LoadedScenario
from kamae.streams import campaign_step_seeds


@dataclass(frozen=True)
class CampaignResult:
    """All steps of all replications (or the one expected trajectory)."""

    scenario: str
    seed: int
    replications: int
    expected: bool
    defense: str
    table: pa.Table
    """One row per (replication, step)."""
    plan: CampaignPlan
    calibration: LayerCalibration | None
    confirmation: dict[str, object] = field(default_factory=dict)
    """The attack-confirmation source and delay used (`confirmation_summary`)."""
    feed: ReconnaissanceFeed = field(default_factory=ReconnaissanceFeed)
    """Whose reconnaissance finds reached the striker (`reconnaissance_feed`)."""

    def step_means(self) -> pa.Table:
        """Per step: the mean over replications of every column (charts, expected tables)."""
        return step_means(self.table)

    def summary(self) -> dict[str, object]:
        return summarise(self)


def run_campaign(
    loaded: LoadedScenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    defense: str | None = None,
    expected: bool = False,
    workers: int = 1,
    confirmation: AttackConfirmation | None = None,
    locate_scale: float = 1.0,
    stock_scale: float = 1.0,
    plan: CampaignPlan | None = None,
    calibration: LayerCalibration | None = None,
    runner: Runner | None = None,
) -> CampaignResult:
    """Run a scenario's campaign.

    `defense` is `engine` or `fast` (default: the scenario's); `expected` runs the
    deterministic difference equations (fast path, expected values). `locate_scale` scales
    every force's p_locate and `stock_scale` the initial interceptor stocks (sensitivity).
    `confirmation` replaces the source the scenario's rules ask for
    (`kamae.campaign.confirmation.scenario_confirmation`: a fixed delay, or the network's
    attack confirmation run in the engine); pass it to run that engine study only once.
    Engine replications run on `runner`, else on `workers` local processes.
    """
    plan = plan or build_plan(loaded)
    c = plan.campaign
    s = loaded.scenario
    seed = s.seed if seed is None else seed
    mode = defense or c.defense
    if mode not in ("engine", "fast"):
        raise KamaeError(f"campaign defense: expected engine or fast, got {mode!r}")
    if expected:
        mode = "fast"
    n = 1 if expected else (c.replications if replications is None else replications)
    if n < 1:
        raise KamaeError("campaign replications: expected at least 1")
    with using(runner, workers) as chosen:
        if mode == "fast" and calibration is None:
            calibration = calibrate(plan, seed, c.calibration_replications, runner=chosen)
        step_defense: StepDefense = (
            EngineDefense(plan, chosen) if mode == "engine" else FastDefense(plan, calibration)  # type: ignore[arg-type]
        )
        if confirmation is None and plan.counterstrike_allowed:
            confirmation = scenario_confirmation(plan.loaded, seed, runner=chosen)
        feed = reconnaissance_feed(s, confirmation)
        campaign = _Campaign(
            plan, n, seed, expected, step_defense, confirmation, locate_scale, feed
        )
        table = campaign.run(stock_scale)
    return CampaignResult(
        scenario=s.name,
        seed=seed,
        replications=n,
        expected=expected,
        defense=mode,
        table=table,
        plan=plan,
        calibration=calibration if mode == "fast" else None,
        confirmation=(
            confirmation_summary(confirmation)
            if plan.counterstrike_allowed and confirmation is not None
            else {"source": "unused"}
        ),
        feed=feed,
    )


@dataclass
class _Step:
    """What happened in one step, per replication (rows of the campaign table)."""

    salvos: FloatArray
    launched: FloatArray
    leaked: FloatArray
    fired: FloatArray
    killed: FloatArray
    located: FloatArray
    strike_fired: FloatArray
    authorised: FloatArray
    missiles: FloatArray | None = None
    """(replications, forces): missiles each force launched."""
    extra: dict[str, FloatArray] = field(default_factory=dict)
    """Columns of the optional realism, present only when it is on (wrecks struck,
    launchers returned, locate probability)."""


@dataclass
class _Campaign:
    """The replications' state (whole numbers, as floats) stepped through the campaign."""

    plan: CampaignPlan
    n: int
    seed: int
    expected: bool
    defense: StepDefense
    confirm: AttackConfirmation | None
    locate_scale: float
    feed: ReconnaissanceFeed
    rows: dict[str, list[float]] = field(default_factory=dict)
    alive: FloatArray = field(init=False)
    """(R, forces) launchers alive."""
    rounds: FloatArray = field(init=False)
    """(R, forces) rounds left per launcher."""
    stock: FloatArray = field(init=False)
    """(R, types) interceptors held."""
    strike_inv: FloatArray = field(init=False)
    """(R, platforms) strike missiles held."""
    first_launch: FloatArray = field(init=False)
    """(R,) time of the first launch, h (nan until then)."""
    salvos_fired: FloatArray = field(init=False)
    """(R, forces) salvos each launcher fired this step (reconnaissance exposure)."""
    wrecks: FloatArray = field(init=False)
    """(R, forces) destroyed launchers not assessed destroyed (still on the target list)."""
    in_repair: FloatArray = field(init=False)
    """(R, forces) destroyed launchers under repair."""
    extra: dict[str, FloatArray] = field(default_factory=dict)
    """This step's columns of the optional realism."""

    def run(self, stock_scale: float) -> pa.Table:
        """Every step in turn; the table of (replication, step) rows."""
        plan, n = self.plan, self.n
        self.alive = np.tile([float(f.launchers) for f in plan.forces], (n, 1))
        self.rounds = np.tile([float(f.missiles_per_launcher) for f in plan.forces], (n, 1))
        self.stock = np.tile(np.floor(plan.initial_stock * stock_scale + 1e-9), (n, 1))
        self.strike_inv = np.tile(plan.platform_inventory.astype(float), (n, 1))
        self.first_launch = np.full(n, np.nan)
        self.wrecks = np.zeros((n, len(plan.forces)))
        self.in_repair = np.zeros((n, len(plan.forces)))
        for k in range(plan.steps):
            self._record(k, self._step(k))
        return pa.table(
            {
                name: pa.array(
                    values, pa.int64() if name in ("replication", "step") else pa.float64()
                )
                for name, values in self.rows.items()
            }
        ).sort_by([("replication", "ascending"), ("step", "ascending")])

    def _step(self, k: int) -> _Step:
        plan, n = self.plan, self.n
        if self.expected:
            defense_seeds = None
            strike_rngs: list[np.random.Generator | None] = [None]
        else:
            defense_seeds, strike_seeds = campaign_step_seeds(self.seed, k, n)
            strike_rngs = [np.random.default_rng(ss) for ss in strike_seeds]
        # 1. salvos
        per_launcher = np.minimum(
            plan.salvos[k][None, :] * np.array([f.rounds_per_salvo for f in plan.forces]),
            self.rounds,
        )
        missiles = self.alive * per_launcher
        # A force with no launcher left keeps its rounds per launcher (no output depends on
        # them then, except the load of launchers it reconstitutes).
        self.rounds = self.rounds - np.where(self.alive > 0.0, per_launcher, 0.0)
        rps = np.array([float(f.rounds_per_salvo) for f in plan.forces])
        self.salvos_fired = np.ceil(per_launcher / rps[None, :] - 1e-9)
        salvos = ((missiles > 0) * plan.salvos[k][None, :]).sum(axis=1)
        launched = missiles.sum(axis=1)
        self.first_launch = np.where(
            np.isnan(self.first_launch) & (launched > 0), k * plan.step_h, self.first_launch
        )
        # 2. defense
        if launched.any():
            leaked, fired = self.defense.engage(missiles, self.stock, defense_seeds)
        else:
            leaked, fired = np.zeros(n), np.zeros((n, len(plan.types)))
        if np.any(fired > self.stock + 1e-9) or np.any(leaked > launched + 1e-9):
            raise AssertionError("conservation: more interceptors fired than held")
        self.stock = self.stock - fired
        # 3. counterstrike
        self.extra = {}
        step = _Step(salvos, launched, leaked, fired, *self._counterstrike(k, strike_rngs))
        step.extra = self.extra
        step.missiles = missiles
        self.alive = self.alive - step.killed
        self.strike_inv = self.strike_inv - step.strike_fired
        if np.any(self.alive < -1e-9) or np.any(self.strike_inv < -1e-9):
            raise AssertionError("conservation: launchers or strike missiles below zero")
        if plan.replacements is not None:
            self._reconstitute(k, step, strike_rngs)
        # 4. resupply
        self.stock = self.stock + plan.resupply[k][None, :]
        return step

    def _counterstrike(
        self, k: int, rngs: list[np.random.Generator | None]
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Launchers killed and located per force, strike missiles fired per platform, and
        the time counterstrike is authorised, per replication."""
        plan, n = self.plan, self.n
        killed = np.zeros((n, len(plan.forces)))
        located = np.zeros((n, len(plan.forces)))
        strike_fired = np.zeros((n, len(plan.platforms)))
        authorised = np.full(n, np.inf)
        if not plan.counterstrike_allowed:
            return killed, located, strike_fired, authorised
        p_locate = self._p_locate(k)
        wrecks_struck = np.zeros(n)
        for r in range(n):
            if np.isnan(self.first_launch[r]):
                continue
            assert self.confirm is not None
            authorised[r] = self.confirm.confirmed_at_h(float(self.first_launch[r])) + (
                plan.decision_delay_h
            )
            end = (k + 1) * plan.step_h
            window = min(1.0, max(0.0, (end - authorised[r]) / plan.step_h))
            out = strike_step(
                plan,
                self.alive[r],
                self.strike_inv[r],
                window,
                rngs[r],
                self.locate_scale,
                p_locate=None if p_locate is None else p_locate[r],
                wrecks=self.wrecks[r] if plan.p_bda < 1.0 else None,
            )
            killed[r], located[r], strike_fired[r] = out.killed, out.located, out.fired
            wrecks_struck[r] = self._assess(r, out)
        if plan.p_bda < 1.0:
            self.extra["wrecks_struck"] = wrecks_struck
            self.extra["wrecks_on_target_list"] = self.wrecks.sum(axis=1)
        return killed, located, strike_fired, authorised

    def _p_locate(self, k: int) -> FloatArray | None:
        """(R, forces) step k's locate probability (None: the forces' own p_locate, no
        reconnaissance in the campaign); recorded per watched force."""
        plan = self.plan
        if not any(plan.watched):
            return None
        p = np.stack(
            [
                locate_probability(plan.campaign, f, self.salvos_fired[:, j], self.feed, k)
                for j, f in enumerate(plan.forces)
            ],
            axis=1,
        )
        for j, f in enumerate(plan.forces):
            if plan.watched[j]:
                self.extra[f"p_locate.{f.id}"] = p[:, j]
        return p

    def _assess(self, r: int, out: StrikeOutcome) -> float:
        """Battle-damage assessment: wrecks added to and cleared from the target list;
        returns the wrecks struck."""
        if out.wrecks_added is None or out.wrecks_cleared is None or out.wrecks_struck is None:
            return 0.0
        self.wrecks[r] = self.wrecks[r] + out.wrecks_added - out.wrecks_cleared
        return float(out.wrecks_struck.sum())

    def _reconstitute(self, k: int, step: _Step, rngs: list[np.random.Generator | None]) -> None:
        """Repair and replacement after the step's strikes (`kamae.campaign.reconstitution`),
        drawn from each replication's counterstrike stream after its strikes."""
        returned = np.zeros_like(self.alive)
        for r in range(self.n):
            out = reconstitute(self.plan, k, self.in_repair[r], step.killed[r], rngs[r])
            returned[r] = out.returned + out.added
            self.in_repair[r] = out.in_repair
        self.alive = self.alive + returned
        step.extra["launchers_returned"] = returned.sum(axis=1)
        step.extra["launchers_in_repair"] = self.in_repair.sum(axis=1)

    def _add(self, name: str, values: npt.ArrayLike) -> None:
        self.rows.setdefault(name, []).extend(np.asarray(values, dtype=float).tolist())

    def _record(self, k: int, step: _Step) -> None:
        plan, n, add = self.plan, self.n, self._add
        add("replication", np.arange(n))
        add("step", np.full(n, k))
        add("day", np.full(n, (k + 1) * plan.step_h / 24.0))
        add("salvos", step.salvos)
        add("missiles_launched", step.launched)
        add("leakers", step.leaked)
        add("intercepted", step.launched - step.leaked)
        add("interceptors_fired", step.fired.sum(axis=1))
        add("launchers_alive", self.alive.sum(axis=1))
        add("launchers_destroyed", step.killed.sum(axis=1))
        add("launchers_located", step.located.sum(axis=1))
        add("strike_missiles_fired", step.strike_fired.sum(axis=1))
        add("counterstrike_authorised", (step.authorised <= (k + 1) * plan.step_h).astype(float))
        for j, f in enumerate(plan.forces):
            add(f"launchers.{f.id}", self.alive[:, j])
            if step.missiles is not None:
                add(f"launched.{f.id}", step.missiles[:, j])
            add(f"missiles_left.{f.id}", self.alive[:, j] * self.rounds[:, j])
        for t, name in enumerate(plan.types):
            add(f"fired.{name}", step.fired[:, t])
            add(f"stock.{name}", self.stock[:, t])
        for j, p in enumerate(plan.platforms):
            add(f"strike_fired.{p}", step.strike_fired[:, j])
            add(f"strike_inventory.{p}", self.strike_inv[:, j])
        for name, values in step.extra.items():
            add(name, values)


def step_means(table: pa.Table) -> pa.Table:
    """Mean of every column over replications, per step (first column: day)."""
    steps = np.asarray(table.column("step").to_numpy())
    names = [c for c in table.column_names if c not in ("replication", "step")]
    uniq = np.unique(steps)
    out = {}
    for name in names:
        v = np.asarray(table.column(name).to_numpy(), dtype=float)
        out[name] = [float(v[steps == k].mean()) for k in uniq]
    return pa.table(out)


def runs_out_day(result: CampaignResult) -> dict[str, dict[str, object]]:
    """Per interceptor type: the share of replications whose stock ran out (reached 0 at the
    end of a step's engagement, before that step's resupply) and the mean day it did."""
    t = result.table
    reps = np.asarray(t.column("replication").to_numpy())
    day = np.asarray(t.column("day").to_numpy(), dtype=float)
    out: dict[str, dict[str, object]] = {}
    for k, name in enumerate(result.plan.types):
        stock = np.asarray(t.column(f"stock.{name}").to_numpy(), dtype=float)
        resupplied = result.plan.resupply[:, k][np.asarray(t.column("step").to_numpy())]
        empty = (stock - resupplied) <= 1e-9
        days = []
        for r in np.unique(reps):
            hit = np.flatnonzero(empty & (reps == r))
            if hit.size:
                days.append(float(day[hit[0]]))
        entry: dict[str, object] = {"share_of_replications": len(days) / len(np.unique(reps))}
        entry["day"] = mean_interval(days).as_dict() if days else None
        out[name] = entry
    return out


def summarise(result: CampaignResult) -> dict[str, object]:
    """summary.json of a campaign: totals and end states with 95% intervals."""
    t = result.table
    reps = np.asarray(t.column("replication").to_numpy())
    steps = np.asarray(t.column("step").to_numpy())
    last = steps == steps.max()

    def total(name: str) -> dict[str, object]:
        v = np.asarray(t.column(name).to_numpy(), dtype=float)
        per = np.bincount(reps, weights=v)
        return mean_interval(per, support=(0.0, np.inf)).as_dict()  # counts

    def final(name: str) -> dict[str, object]:
        v = np.asarray(t.column(name).to_numpy(), dtype=float)[last]
        return mean_interval(v, support=(0.0, np.inf)).as_dict()  # stocks, launchers

    plan = result.plan
    realism: dict[str, object] = {}
    if any(plan.watched):
        realism["reconnaissance"] = reconnaissance_summary(plan.campaign, result.feed)
    for name in ("wrecks_struck", "launchers_returned"):
        if name in t.column_names:
            realism[name] = total(name)
    return {
        "scenario": result.scenario,
        "seed": result.seed,
        "replications": result.replications,
        "expected_values": result.expected,
        "defense": result.defense,
        "steps": plan.steps,
        "step_h": plan.step_h,
        "missiles_launched": total("missiles_launched"),
        "leakers": total("leakers"),
        "interceptors_fired": total("interceptors_fired"),
        "launchers_destroyed": total("launchers_destroyed"),
        "strike_missiles_fired": total("strike_missiles_fired"),
        "launchers_alive_at_end": final("launchers_alive"),
        "stock_at_end": {name: final(f"stock.{name}") for name in plan.types},
        "stock_runs_out": runs_out_day(result),
        "confirmation": result.confirmation,
        **realism,
    }
