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
  effective SSPK fitted to engine runs of that force's raids against that layer alone with
  ample stocks (layers independent, as in Wilkening's model). Stocks
  limit a layer: when the shots it needs exceed what is left of a type, the engaged threats
  are thinned by the share available. The stochastic version draws binomial counts and
  rounds shots stochastically (unbiased); the expected version is the difference equation.
  Neglected: changes of geometry with salvo size (saturation of launchers and sensors),
  which the agreement test against the engine bounds.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from kamae.analytic.leakage import layered_leakage
from kamae.campaign.plan import CampaignPlan
from kamae.engine import ReplicationResult
from kamae.runners.local import run_local
from kamae.scenario.loader import LoadedScenario
from kamae.world import build_world

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CALIBRATION_SPAWN_KEY = 2**32 - 2
"""Spawn key of the calibration's seeds, `SeedSequence(seed, spawn_key=(KEY, force))`:
never shared with a campaign step's streams."""
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
    """Each step through the engine (one engine replication per campaign replication)."""

    plan: CampaignPlan
    workers: int = 1

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
        for (m, st), reps in groups.items():
            loaded = step_scenario(self.plan, m, st)
            if loaded is None:
                continue
            results = run_local(build_world(loaded), [(r, seeds[r]) for r in reps], self.workers)
            for r, result in results:
                leaked[r] = result.metrics["threats_leaked"]
                fired[r] = _fired_by_type(self.plan, result)
        return leaked, fired


@dataclass(frozen=True)
class LayerCalibration:
    """Per force and layer, the layered-leakage parameters fitted to the engine."""

    layers: list[str]
    p_engage: FloatArray
    """(forces, layers) Pd: share of the threats reaching the layer that it engages."""
    shots: FloatArray
    """(forces, layers) n: interceptors per engaged threat."""
    sspk: FloatArray
    """(forces, layers) effective single-shot kill probability."""
    type_share: FloatArray
    """(forces, layers, types): share of the layer's shots of each interceptor type."""
    threats: IntArray
    """(forces,) threats per calibration replication."""
    replications: int

    def layer_kill(self, f: int, layer: int) -> float:
        """Kill probability of a layer for a threat reaching it (Wilkening's relation)."""
        return layered_leakage(
            self.sspk[f, layer], self.shots[f, layer], self.p_engage[f, layer]
        ).layer_kill[0]


def calibrate(
    plan: CampaignPlan, seed: int, replications: int, workers: int = 1
) -> LayerCalibration:
    """Fit the fast path's per-layer parameters to engine runs: one per force and layer, each
    with the force's template raids at their scenario counts, that layer's fire units with
    ample stocks and every other layer's empty (layers calibrated alone, as Wilkening's
    model treats them as independent)."""
    loaded = plan.loaded
    layers = list(loaded.scenario.doctrine.layer_order)
    tier = {t: loaded.interceptors[t].tier for t in plan.types}
    n_f, n_l, n_t = len(plan.forces), len(layers), len(plan.types)
    pd, shots, sspk = np.zeros((n_f, n_l)), np.zeros((n_f, n_l)), np.zeros((n_f, n_l))
    share = np.zeros((n_f, n_l, n_t))
    threats = np.zeros(n_f, dtype=np.int64)
    raids = {r.id: r for r in loaded.scenario.raids}
    for f, force in enumerate(plan.forces):
        missiles = [0] * n_f
        missiles[f] = sum(raids[r].count for r in force.raids)
        threats[f] = missiles[f]
        for lay, name in enumerate(layers):
            stock = [AMPLE_STOCK if tier[t] == name else 0 for t in plan.types]
            if not any(stock):
                continue
            scenario = step_scenario(plan, missiles, stock)
            assert scenario is not None
            base = np.random.SeedSequence(seed, spawn_key=(CALIBRATION_SPAWN_KEY, f, lay))
            seeds = list(enumerate(base.spawn(replications)))
            results = run_local(build_world(scenario), seeds, workers)
            engaged = kills = 0
            fired = np.zeros(n_t)
            for _, result in results:
                log = result.events
                shot_at: set[str] = set()
                for kind, threat, interceptor in zip(
                    log.kind, log.threat, log.interceptor, strict=True
                ):
                    if kind == "launch" and interceptor in tier and threat is not None:
                        shot_at.add(threat)
                        fired[plan.types.index(interceptor)] += 1
                    elif kind == "kill":
                        kills += 1
                engaged += len(shot_at)
            reached = missiles[f] * len(results)
            pd[f, lay] = engaged / reached
            if engaged > 0:
                n = fired.sum() / engaged
                k = min(kills / engaged, 1.0)
                shots[f, lay] = n
                sspk[f, lay] = 1.0 if k >= 1.0 else 1.0 - (1.0 - k) ** (1.0 / n)
                share[f, lay] = fired / fired.sum()
    return LayerCalibration(
        layers=layers,
        p_engage=pd,
        shots=shots,
        sspk=sspk,
        type_share=share,
        threats=threats,
        replications=replications,
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
        """One replication's step: leakers and interceptors fired per type."""
        cal = self.calibration
        reached = np.asarray(missiles, dtype=float).copy()
        left = np.asarray(stock, dtype=float).copy()
        fired = np.zeros(left.size)
        for lay in range(len(cal.layers)):
            pd, shots, share = cal.p_engage[:, lay], cal.shots[:, lay], cal.type_share[:, lay]
            if rng is None:
                wanted = reached * pd
            else:
                wanted = np.array(
                    [float(rng.binomial(int(m), p)) for m, p in zip(reached, pd, strict=True)]
                )
            demand = (wanted * shots) @ share
            avail = np.where(demand > 0, np.minimum(1.0, left / np.maximum(demand, 1e-300)), 1.0)
            force_avail = share @ avail
            for f in range(reached.size):
                if wanted[f] <= 0 or shots[f] <= 0:
                    continue
                engaged = _round(wanted[f] * force_avail[f], rng)
                k = cal.layer_kill(f, lay) / pd[f] if pd[f] > 0 else 0.0
                killed = engaged * k if rng is None else float(rng.binomial(int(engaged), k))
                if force_avail[f] > 0:
                    use = share[f] * avail / force_avail[f] * engaged * shots[f]
                    for t in np.flatnonzero(use > 0):
                        got = min(left[t], _round(float(use[t]), rng))
                        left[t] -= got
                        fired[t] += got
                reached[f] -= killed
        return float(reached.sum()), fired
