"""Each campaign step's engagement: the engine itself, or a fast path calibrated against it.

- `EngineDefense`: the step's salvo (missiles per force, spread over the force's template
  raids in proportion to their counts) and the stocks left (each interceptor type's stock
  spread over its fire units in proportion to their initial inventories) are written into a
  copy of the scenario, whose world is built and run by the Monte Carlo engine, one engine
  replication per campaign replication. Replications in the same state share one world.
- `FastDefense`: per force and per defensive layer (in the doctrine's order), the layered
  leakage model of Wilkening (Science & Global Security 8(2), 2000;
  `kamae.analytic.leakage`), P_kill,layer = Pd·[1 − (1 − SSPK)^n], with Pd (share of the
  threats reaching the layer that it engages), n (shots per engaged threat) and the
  effective SSPK fitted to engine runs. The threats reaching a layer are kept in two pools,
  because the doctrine's `max_shots_per_threat` counts the shots of every layer: *fresh*
  threats, which no earlier layer engaged (parameters fitted to the force's raids against
  that layer alone, ample stocks), and *worked* threats, which an earlier layer engaged and
  did not kill (parameters fitted, over those threats, to a run of that layer with every
  earlier one, ample stocks: a threat the upper tier has shot at up to the cap draws no
  lower-tier shot). Stocks limit a layer: when the shots it needs exceed what is left of a
  type, the engaged threats of both pools are thinned by the share available. The
  stochastic version draws binomial counts and rounds shots stochastically (unbiased); the
  expected version is the difference equation. Neglected: changes of geometry with salvo
  size (saturation of launchers and sensors), and, when a layer is thinned, the engine's
  giving first salvos to more threats rather than full shoot-look-shoot to fewer (measured
  in docs/campaign.md), which the agreement tests against the engine bound.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from kamae.analytic.leakage import layered_leakage
from kamae.arrays import FloatArray, IntArray
from kamae.campaign.plan import CampaignPlan
from kamae.engine import ReplicationResult
from kamae.runners import Runner, Seeds, replicate, replicate_worlds, using
from kamae.runners.local import InProcess
from kamae.scenario.loader import LoadedScenario
from kamae.streams import calibration_seeds
from kamae.world import World, build_world

AMPLE_STOCK = 100_000
"""Inventory of every fire unit in a calibration run (stocks never limit it)."""


class StepDefense(Protocol):
    """Engages one step's missiles of every replication."""

    def engage(
        self,
        missiles: FloatArray,
        stock: FloatArray,
        seeds: Sequence[np.random.SeedSequence] | None,
    ) -> tuple[FloatArray, FloatArray]:
        """missiles (R, forces), stock (R, types) → leakers (R,), interceptors fired (R, types).

        `seeds` None asks for expected values (the deterministic difference equations)."""
        ...


def largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    """Whole shares of `total` proportional to `weights` (Hamilton's method; ties to the
    first); equal shares when every weight is 0."""
    w = np.asarray(weights, dtype=float)
    if w.sum() <= 0:
        w = np.ones_like(w)
    exact = total * w / w.sum()
    base = np.floor(exact + 1e-9).astype(int)
    left = total - int(base.sum())
    order = np.argsort(-(exact - base), kind="stable")
    base[order[:left]] += 1
    return [int(x) for x in base]


def step_scenario(
    plan: CampaignPlan, missiles: Sequence[int], stock: Sequence[int]
) -> LoadedScenario | None:
    """A copy of the scenario holding one step's salvo and stocks (None: no missiles)."""
    s = plan.loaded.scenario
    raids = {r.id: r for r in s.raids}
    counts: dict[str, int] = {}
    for force, m in zip(plan.forces, missiles, strict=True):
        shares = largest_remainder(int(m), [raids[r].count for r in force.raids])
        for rid, n in zip(force.raids, shares, strict=True):
            counts[rid] = counts.get(rid, 0) + n
    new_raids = [r.model_copy(update={"count": counts[r.id]}) for r in s.raids if counts.get(r.id)]
    if not new_raids:
        return None
    inventory: dict[str, int] = {}
    for t, amount in zip(plan.types, stock, strict=True):
        units = [u for u in s.fire_units if u.interceptor == t]
        for u, n in zip(
            units, largest_remainder(int(amount), [u.inventory for u in units]), strict=True
        ):
            inventory[u.id] = n
    units = [u.model_copy(update={"inventory": inventory[u.id]}) for u in s.fire_units]
    scenario = s.model_copy(update={"raids": new_raids, "fire_units": units, "campaign": None})
    return dataclasses.replace(plan.loaded, scenario=scenario)


def _fired_by_type(plan: CampaignPlan, result: ReplicationResult) -> list[float]:
    return [float(result.metrics.get(f"fired.{t}", 0.0)) for t in plan.types]


@dataclass
class EngineDefense:
    """Each step through the engine (one engine replication per campaign replication); the
    worlds of a step's distinct states run side by side on the runner."""

    plan: CampaignPlan
    runner: Runner = dataclasses.field(default_factory=InProcess)

    def engage(
        self,
        missiles: FloatArray,
        stock: FloatArray,
        seeds: Sequence[np.random.SeedSequence] | None,
    ) -> tuple[FloatArray, FloatArray]:
        if seeds is None:
            raise ValueError("the engine defense is stochastic: give seeds")
        n = missiles.shape[0]
        leaked = np.zeros(n)
        fired = np.zeros((n, len(self.plan.types)))
        groups: dict[tuple[tuple[int, ...], tuple[int, ...]], list[int]] = {}
        for r in range(n):
            key = (tuple(int(x) for x in missiles[r]), tuple(int(x) for x in stock[r]))
            groups.setdefault(key, []).append(r)

        def worlds() -> Iterator[tuple[Hashable, World, Seeds]]:
            for (m, st), reps in groups.items():
                loaded = step_scenario(self.plan, m, st)
                if loaded is not None:
                    yield (m, st), build_world(loaded), [(r, seeds[r]) for r in reps]

        for _, results in replicate_worlds(self.runner, worlds()):
            for r, result in results:
                leaked[r] = result.metrics["threats_leaked"]
                fired[r] = _fired_by_type(self.plan, result)
        return leaked, fired


@dataclass(frozen=True)
class LayerCalibration:
    """Per force and layer, the layered-leakage parameters fitted to the engine: for fresh
    threats (no earlier layer engaged them) and for worked ones (an earlier layer engaged
    them and they survived)."""

    layers: list[str]
    p_engage: FloatArray
    """(forces, layers) Pd: share of the fresh threats reaching the layer that it engages."""
    shots: FloatArray
    """(forces, layers) n: interceptors per engaged fresh threat."""
    sspk: FloatArray
    """(forces, layers) effective single-shot kill probability against fresh threats."""
    type_share: FloatArray
    """(forces, layers, types): share of the layer's shots at fresh threats of each type."""
    threats: IntArray
    """(forces,) threats per calibration replication."""
    replications: int
    worked_p_engage: FloatArray
    """(forces, layers) Pd for threats an earlier layer engaged and did not kill (the fresh
    value where the calibration saw no such threat, and for the first layer)."""
    worked_shots: FloatArray
    """(forces, layers) n for worked threats."""
    worked_sspk: FloatArray
    """(forces, layers) effective SSPK against worked threats."""
    worked_type_share: FloatArray
    """(forces, layers, types) type shares of the shots at worked threats."""
    worked_seen: IntArray
    """(forces, layers) worked threats that reached the layer in its calibration run."""

    def layer_kill(self, f: int, layer: int, worked: bool = False) -> float:
        """Kill probability of a layer for a threat reaching it (Wilkening's relation)."""
        sspk, shots, pd = (
            (self.worked_sspk, self.worked_shots, self.worked_p_engage)
            if worked
            else (self.sspk, self.shots, self.p_engage)
        )
        return layered_leakage(sspk[f, layer], shots[f, layer], pd[f, layer]).layer_kill[0]


@dataclass
class _Tally:
    """One pool's counts in a calibration run, for one layer."""

    reached: int = 0
    engaged: int = 0
    kills: int = 0
    fired: FloatArray = dataclasses.field(default_factory=lambda: np.zeros(0))

    def fit(self) -> tuple[float, float, float, FloatArray] | None:
        """(Pd, n, effective SSPK, type shares), None when no threat reached the layer."""
        if self.reached == 0:
            return None
        pd = self.engaged / self.reached
        if self.engaged == 0 or self.fired.sum() <= 0:
            return pd, 0.0, 0.0, np.zeros_like(self.fired)
        n = float(self.fired.sum()) / self.engaged
        k = min(self.kills / self.engaged, 1.0)
        sspk = 1.0 if k >= 1.0 else 1.0 - (1.0 - k) ** (1.0 / n)
        return pd, n, sspk, self.fired / self.fired.sum()


def _tally(
    results: Sequence[tuple[int, ReplicationResult]],
    plan: CampaignPlan,
    layer_of: dict[str, int],
    lay: int,
    threats: int,
) -> tuple[_Tally, _Tally]:
    """Counts for layer `lay` over fresh threats (no earlier layer fired at them) and worked
    ones (an earlier layer fired at them and none of its interceptors killed them)."""
    n_t = len(plan.types)
    fresh, worked = _Tally(fired=np.zeros(n_t)), _Tally(fired=np.zeros(n_t))
    for _, result in results:
        log = result.events
        earlier: set[str] = set()
        killed_earlier: set[str] = set()
        shots: dict[str, FloatArray] = {}
        killed: set[str] = set()
        for kind, threat, interceptor in zip(log.kind, log.threat, log.interceptor, strict=True):
            if threat is None or interceptor not in layer_of:
                continue
            layer = layer_of[interceptor]
            if kind == "launch":
                if layer < lay:
                    earlier.add(threat)
                elif layer == lay:
                    shots.setdefault(threat, np.zeros(n_t))[plan.types.index(interceptor)] += 1
            elif kind == "kill" and layer < lay:
                killed_earlier.add(threat)
            elif kind == "kill" and layer == lay:
                killed.add(threat)
        worked_threats = earlier - killed_earlier
        fresh.reached += threats - len(earlier)
        worked.reached += len(worked_threats)
        for threat, fired in shots.items():
            pool = worked if threat in worked_threats else None if threat in earlier else fresh
            if pool is None:
                continue  # shot at after an earlier layer's kill: not a threat reaching it
            pool.engaged += 1
            pool.fired += fired
            pool.kills += threat in killed
    return fresh, worked


def calibrate(
    plan: CampaignPlan,
    seed: int,
    replications: int,
    workers: int = 1,
    *,
    runner: Runner | None = None,
) -> LayerCalibration:
    """Fit the fast path's per-layer parameters to engine runs, per force (its template raids
    at their scenario counts) and layer: for fresh threats, a run of that layer's fire units
    alone with ample stocks (every other layer empty); for worked threats, a run of that
    layer with every earlier layer, ample stocks, counting only the threats an earlier layer
    engaged and did not kill (the shots they drew count against `max_shots_per_threat`).
    Runs on `runner`, else on `workers` local processes; seeds: `streams.calibration_seeds`."""
    with using(runner, workers) as chosen:
        return _calibrate(plan, seed, replications, chosen)


def _calibrate(
    plan: CampaignPlan, seed: int, replications: int, runner: Runner
) -> LayerCalibration:
    loaded = plan.loaded
    layers: list[str] = list(loaded.scenario.doctrine.layer_order)
    tier = {t: loaded.interceptors[t].tier for t in plan.types}
    layer_of = {t: layers.index(tier[t]) for t in plan.types if tier[t] in layers}
    n_f, n_l, n_t = len(plan.forces), len(layers), len(plan.types)
    fits = {
        name: np.zeros((n_f, n_l)) for name in ("pd", "shots", "sspk", "w_pd", "w_shots", "w_sspk")
    }
    share, w_share = np.zeros((n_f, n_l, n_t)), np.zeros((n_f, n_l, n_t))
    seen = np.zeros((n_f, n_l), dtype=np.int64)
    threats = np.zeros(n_f, dtype=np.int64)
    raids = {r.id: r for r in loaded.scenario.raids}

    def run(
        missiles: list[int], stock: list[int], key: tuple[int, ...]
    ) -> list[tuple[int, ReplicationResult]]:
        scenario = step_scenario(plan, missiles, stock)
        assert scenario is not None
        seeds = list(enumerate(calibration_seeds(seed, key, replications)))
        return replicate(build_world(scenario), seeds, runner)

    for f, force in enumerate(plan.forces):
        missiles = [0] * n_f
        missiles[f] = sum(raids[r].count for r in force.raids)
        threats[f] = missiles[f]
        for lay, name in enumerate(layers):
            stock = [AMPLE_STOCK if tier[t] == name else 0 for t in plan.types]
            if not any(stock):
                continue
            fresh, _ = _tally(run(missiles, stock, (f, lay)), plan, layer_of, lay, missiles[f])
            fit = fresh.fit()
            assert fit is not None
            fits["pd"][f, lay], fits["shots"][f, lay], fits["sspk"][f, lay], share[f, lay] = fit
            worked_fit = None
            joint = [AMPLE_STOCK if layer_of.get(t, n_l) <= lay else 0 for t in plan.types]
            if any(layer_of.get(t, n_l) < lay for t in plan.types):
                results = run(missiles, joint, (f, lay, 1))
                _, worked = _tally(results, plan, layer_of, lay, missiles[f])
                seen[f, lay] = worked.reached
                worked_fit = worked.fit()
            w = worked_fit or fit
            fits["w_pd"][f, lay], fits["w_shots"][f, lay], fits["w_sspk"][f, lay] = w[:3]
            w_share[f, lay] = w[3]
    return LayerCalibration(
        layers=layers,
        p_engage=fits["pd"],
        shots=fits["shots"],
        sspk=fits["sspk"],
        type_share=share,
        threats=threats,
        replications=replications,
        worked_p_engage=fits["w_pd"],
        worked_shots=fits["w_shots"],
        worked_sspk=fits["w_sspk"],
        worked_type_share=w_share,
        worked_seen=seen,
    )


def _round(x: float, rng: np.random.Generator | None) -> float:
    """Stochastic rounding: floor(x) + Bernoulli(x − floor(x)), whose mean is x; x itself
    in the expected version."""
    if rng is None:
        return x
    lo = math.floor(x + 1e-9)
    frac = x - lo
    return float(lo + (1 if frac > 1e-9 and rng.random() < frac else 0))


@dataclass
class FastDefense:
    """Each step through the calibrated layered-leakage model."""

    plan: CampaignPlan
    calibration: LayerCalibration

    def engage(
        self,
        missiles: FloatArray,
        stock: FloatArray,
        seeds: Sequence[np.random.SeedSequence] | None,
    ) -> tuple[FloatArray, FloatArray]:
        n = missiles.shape[0]
        leaked = np.zeros(n)
        fired = np.zeros((n, len(self.plan.types)))
        for r in range(n):
            rng = None if seeds is None else np.random.default_rng(seeds[r])
            leaked[r], fired[r] = self.engage_one(missiles[r], stock[r], rng)
        return leaked, fired

    def engage_one(
        self, missiles: FloatArray, stock: FloatArray, rng: np.random.Generator | None
    ) -> tuple[float, FloatArray]:
        """One replication's step: leakers and interceptors fired per type. Threats reaching a
        layer are fresh (no earlier layer engaged them) or worked (engaged, survived)."""
        cal = self.calibration
        fresh = np.asarray(missiles, dtype=float).copy()
        worked = np.zeros_like(fresh)
        left = np.asarray(stock, dtype=float).copy()
        fired = np.zeros(left.size)
        for lay in range(len(cal.layers)):
            pools = [
                (fresh, cal.p_engage[:, lay], cal.shots[:, lay], cal.type_share[:, lay], False),
                (
                    worked,
                    cal.worked_p_engage[:, lay],
                    cal.worked_shots[:, lay],
                    cal.worked_type_share[:, lay],
                    True,
                ),
            ]
            wanted = []
            for count, pd, _, _, _ in pools:
                if rng is None:
                    wanted.append(count * pd)
                else:
                    wanted.append(
                        np.array(
                            [float(rng.binomial(int(m), p)) for m, p in zip(count, pd, strict=True)]
                        )
                    )
            demand = sum(
                (w * shots) @ share
                for w, (_, _, shots, share, _) in zip(wanted, pools, strict=True)
            )
            avail = np.where(demand > 0, np.minimum(1.0, left / np.maximum(demand, 1e-300)), 1.0)
            newly_worked = np.zeros_like(fresh)
            for want, (count, pd, shots, share, is_worked) in zip(wanted, pools, strict=True):
                force_avail = share @ avail
                for f in range(count.size):
                    if want[f] <= 0 or shots[f] <= 0:
                        continue
                    engaged = _round(want[f] * force_avail[f], rng)
                    k = cal.layer_kill(f, lay, is_worked) / pd[f] if pd[f] > 0 else 0.0
                    killed = engaged * k if rng is None else float(rng.binomial(int(engaged), k))
                    if force_avail[f] > 0:
                        use = share[f] * avail / force_avail[f] * engaged * shots[f]
                        for t in np.flatnonzero(use > 0):
                            got = min(left[t], _round(float(use[t]), rng))
                            left[t] -= got
                            fired[t] += got
                    count[f] -= killed if is_worked else engaged
                    if not is_worked:
                        newly_worked[f] += engaged - killed
            worked += newly_worked
        return float(fresh.sum() + worked.sum()), fired
