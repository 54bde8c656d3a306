"""The analytic model a trade study searches with: expected leakers, P(no leakers) and days
of stock of a scenario's force plus a purchase, derived from the scenario.

Per threat (grouped by raid and coverage) and per layer in the doctrine's order:
  shots: salvos of `shots_per_salvo` (one per layer, or `salvos_per_layer` with
    shoot-look-shoot), within `max_shots_per_threat` over all layers;
  kill by unit j when engaged: K_j = 1 - (1 - SSPK_j,class)^n (Wilkening 1999/2000);
  demand on the layer: d_g = N_g s_g r_g u_g, N_g threats launched (after counterstrike,
    survival s_g), r_g the probability of reaching the layer alive, u_g the expected
    interceptors per engaged threat (shoot-look-shoot: salvos fired at threats not seen dead);
  competing demand D_g = sum of d_h over groups h sharing a fire unit with g;
  stock coverage: the units that reach g, best K first, cover c_k = min(1, stock_1..k / D_g)
    of the demand, so the layer kills P_kill,g = Pd_g sum_k (c_k - c_(k-1)) K_k;
  r_g <- r_g (1 - P_kill,g).
Expected leakers sum N_g s_g r_g; P(no leakers) prod (1 - s_g r_g)^N_g (independent
threats); days of stock min over layers of usable stock / demand. Pd_g is 1 when a radar of
the force sees the threat (geometry) and 0 otherwise. With one unit per layer and ample stock,
this is Wilkening's layered leakage exactly (kamae.analytic.layered_leakage).
Neglected (docs/budget.md): timing and launcher rates, tracking quality, correlated layers,
demand from threats no radar sees (counted, so stock is planned for them), and the engine's
value-ordered assignment (stock is shared in proportion, not by priority).
Every quantity above is monotone: more stock, coverage or counterstrike never raises expected
leakers, which makes branch-and-bound exact (kamae.budget.search).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from kamae.analytic.wilkening import kill_probability
from kamae.arrays import FloatArray
from kamae.budget.force import add_fire_units, add_rounds, add_sensors, remove_threats, split_evenly
from kamae.budget.options import (
    CounterstrikeOption,
    FireUnitOption,
    InterceptorsOption,
    SensorOption,
    TradeOptions,
)
from kamae.geo import geodesic_inverse_deg
from kamae.scenario.loader import LoadedScenario, load_scenario_text, parse_yaml
from kamae.scenario.model import ThreatClass
from kamae.scenario.safe_yaml import dump_yaml
from kamae.world import THREAT_CLASSES, build_world

__all__ = ["Effect", "TradeModel", "apply_allocation", "build_trade_model", "option_costs"]

Allocation = tuple[int, ...]


def option_costs(options: TradeOptions, loaded: LoadedScenario) -> list[float]:
    """Cost of one purchase step of each option, million USD."""
    units = {u.id: u for u in loaded.scenario.fire_units}
    costs = []
    for opt in options.options:
        if isinstance(opt, InterceptorsOption):
            each = opt.unit_cost_musd or loaded.interceptors[opt.interceptor].unit_cost_musd
            costs.append(opt.batch * each)
        elif isinstance(opt, FireUnitOption):
            like = units[opt.like]
            rounds = like.inventory if opt.inventory is None else opt.inventory
            costs.append(
                opt.unit_cost_musd + rounds * loaded.interceptors[like.interceptor].unit_cost_musd
            )
        elif isinstance(opt, SensorOption):
            costs.append(opt.unit_cost_musd)
        else:
            costs.append(opt.batch * opt.unit_cost_musd)
    return costs


def _target_units(opt: InterceptorsOption, loaded: LoadedScenario) -> list[str]:
    return opt.fire_units or [
        u.id for u in loaded.scenario.fire_units if u.interceptor == opt.interceptor
    ]


def _removed(opt: CounterstrikeOption, loaded: LoadedScenario, missiles: int) -> dict[str, float]:
    """Expected threats removed per raid by `missiles`, spread in proportion to raid size."""
    raids = [r for r in loaded.scenario.raids if not opt.raids or r.id in opt.raids]
    total = sum(r.count for r in raids)
    return {r.id: missiles * opt.threats_removed_per_missile * r.count / total for r in raids}


def apply_allocation(
    loaded: LoadedScenario, options: TradeOptions, allocation: Sequence[int]
) -> dict[str, Any]:
    """The scenario document with `allocation[i]` purchase steps of option i."""
    doc: dict[str, Any] = parse_yaml(loaded.text, loaded.file)[0]
    removed: dict[str, float] = {}
    for opt, q in zip(options.options, allocation, strict=True):
        if isinstance(opt, InterceptorsOption):
            doc = add_rounds(doc, _target_units(opt, loaded), q * opt.batch)
        elif isinstance(opt, FireUnitOption):
            doc = add_fire_units(doc, opt.like, q, opt.inventory, opt.name)
        elif isinstance(opt, SensorOption):
            doc = add_sensors(doc, {"id": opt.name, **opt.sensor}, q, opt.name)
        else:
            for raid, n in _removed(opt, loaded, q * opt.batch).items():
                removed[raid] = removed.get(raid, 0.0) + n
    return remove_threats(doc, removed) if removed else doc


@dataclass(frozen=True)
class Effect:
    """The analytic model's outcome for one allocation."""

    expected_leakers: float
    p_no_leakers: float
    days_of_stock: float
    threats: float
    """Expected threats launched (after counterstrike)."""


@dataclass(frozen=True)
class _Layer:
    units: npt.NDArray[np.int64]
    """Fire-unit indices of the layer."""
    reach: npt.NDArray[np.bool_]
    """(G, Fl) the unit can engage the group."""
    kill_sorted: FloatArray
    """(G, Fl) kill per engagement, each row sorted best first."""
    order: npt.NDArray[np.int64]
    """(G, Fl) the sort of each row."""
    use: FloatArray
    """(G,) expected interceptors per engaged threat."""


@dataclass(frozen=True)
class TradeModel:
    """The deterministic structure of a trade: groups of threats, layers, coverage."""

    options: TradeOptions
    costs: tuple[float, ...]
    max_steps: tuple[int, ...]
    count: FloatArray
    """(G,) threats per group."""
    group_raid: npt.NDArray[np.int64]
    raid_count: FloatArray
    layers: tuple[_Layer, ...]
    base_inventory: FloatArray
    reserve_fraction: float
    unit_owner: npt.NDArray[np.int64]
    """(F,) option index that adds the unit, -1 for the scenario's own."""
    unit_copy: npt.NDArray[np.int64]
    seen: npt.NDArray[np.bool_]
    """(G, S) a sensor sees the group."""
    sensor_owner: npt.NDArray[np.int64]
    sensor_copy: npt.NDArray[np.int64]
    rounds_to: tuple[tuple[int, ...], ...]
    """Per option, the fire-unit indices its rounds go to (interceptor options)."""
    removal: FloatArray
    """(options, raids) expected threats removed per purchase step."""

    def evaluate(self, allocation: Sequence[int]) -> Effect:
        """The analytic outcome of buying allocation[i] steps of each option."""
        q = np.asarray(allocation, dtype=np.int64)
        present = (self.unit_owner < 0) | (self.unit_copy < q[np.maximum(self.unit_owner, 0)])
        inventory = self.base_inventory.copy()
        for i, units in enumerate(self.rounds_to):
            if units and q[i]:
                opt = self.options.options[i]
                assert isinstance(opt, InterceptorsOption)
                inventory[list(units)] += split_evenly(int(q[i]) * opt.batch, len(units))
        usable = inventory - np.floor(self.reserve_fraction * inventory)
        usable = np.where(present, usable, 0.0)
        if self.options.coverage == "all":
            pd = np.ones(self.count.size)
        else:
            on = (self.sensor_owner < 0) | (self.sensor_copy < q[np.maximum(self.sensor_owner, 0)])
            pd = (self.seen & on[None, :]).any(axis=1).astype(float)
        removed = q.astype(float) @ self.removal
        survive = np.clip(1.0 - removed / self.raid_count, 0.0, 1.0)[self.group_raid]
        launched = self.count * survive
        r = np.ones(self.count.size)
        days = math.inf
        for layer in self.layers:
            m = layer.reach & present[layer.units][None, :]
            has = m.any(axis=1)
            d = launched * r * layer.use * has
            mf = m.astype(float)
            demand = ((mf @ mf.T) > 0).astype(float) @ d
            stock = (usable[layer.units][None, :] * mf)[np.arange(m.shape[0])[:, None], layer.order]
            cum = np.cumsum(stock, axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                cover = np.where(
                    demand[:, None] > 0,
                    np.minimum(1.0, cum / demand[:, None]),
                    (cum > 0).astype(float),
                )
            shares = np.diff(cover, axis=1, prepend=0.0)
            kill = pd * np.sum(shares * layer.kill_sorted, axis=1)
            r = r * (1.0 - kill)
            total_demand = float(d.sum())
            if total_demand > 0:
                days = min(days, float(usable[layer.units].sum()) / total_demand)
        leak = survive * r
        with np.errstate(divide="ignore"):
            log_p0 = float(np.sum(self.count * np.log1p(-np.minimum(leak, 1.0))))
        return Effect(
            expected_leakers=float(np.sum(launched * r)),
            p_no_leakers=math.exp(log_p0) if log_p0 > -math.inf else 0.0,
            days_of_stock=days,
            threats=float(launched.sum()),
        )


def _threatened(loaded: LoadedScenario) -> list[bool]:
    """Per raid: aimed at an asset, or at a point within the engage radius of one."""
    s = loaded.scenario
    out = []
    for raid in s.raids:
        if raid.target is not None or raid.aim is None:
            out.append(True)
            continue
        radius = s.doctrine.engage_radius_km * 1e3
        out.append(
            any(
                float(
                    geodesic_inverse_deg(raid.aim.lat_deg, raid.aim.lon_deg, a.lat_deg, a.lon_deg)[
                        0
                    ]
                )
                <= radius
                for a in s.assets
            )
        )
    return out


def build_trade_model(loaded: LoadedScenario, options: TradeOptions) -> TradeModel:
    """Build the model: one world holding every unit and sensor the options could add."""
    s = loaded.scenario
    doc = parse_yaml(loaded.text, loaded.file)[0]
    owner_u = [-1] * len(s.fire_units)
    copy_u = [0] * len(s.fire_units)
    owner_s = [-1] * len(s.sensors)
    copy_s = [0] * len(s.sensors)
    for i, opt in enumerate(options.options):
        if isinstance(opt, FireUnitOption):
            had = len(doc.get("sensors", []))
            doc = add_fire_units(doc, opt.like, opt.max_batches, opt.inventory, opt.name)
            owner_u += [i] * opt.max_batches
            copy_u += list(range(opt.max_batches))
            extra = len(doc.get("sensors", [])) - had
            owner_s += [i] * extra
            copy_s += list(range(extra))
        elif isinstance(opt, SensorOption):
            doc = add_sensors(doc, {"id": opt.name, **opt.sensor}, opt.max_batches, opt.name)
            owner_s += [i] * opt.max_batches
            copy_s += list(range(opt.max_batches))
    full = load_scenario_text(dump_yaml(doc, sort_keys=False).encode(), "(trade: every option)")
    world = build_world(full)
    fs = full.scenario
    raid_index = {r.id: k for k, r in enumerate(s.raids)}
    threat_raid = [raid_index[t.rsplit("#", 1)[0]] for t in world.threat_ids]
    threatened = _threatened(loaded)
    n_units = len(fs.fire_units)
    if options.coverage == "geometry":
        reach = world.windows.feasible.any(axis=2)
        seen = (
            np.stack([v.visible.any(axis=1) for v in world.views], axis=1)
            if world.views
            else np.zeros((len(threat_raid), 0), dtype=bool)
        )
    else:
        reach = np.ones((len(threat_raid), n_units), dtype=bool)
        seen = np.ones((len(threat_raid), len(fs.sensors)), dtype=bool)
    reach = reach & np.array([threatened[k] for k in threat_raid])[:, None]
    # Group identical threats: same raid, reach and view.
    keys: dict[tuple[int, bytes, bytes], int] = {}
    members: list[int] = []
    counts: list[int] = []
    for n, raid in enumerate(threat_raid):
        key = (raid, reach[n].tobytes(), seen[n].tobytes())
        if key not in keys:
            keys[key] = len(members)
            members.append(n)
            counts.append(0)
        counts[keys[key]] += 1
    rep = np.array(members, dtype=np.int64)
    cls = world.threat_class[rep]
    reach_g, seen_g = reach[rep], seen[rep]
    d = s.doctrine
    salvos = options.salvos_per_layer if d.shoot_look_shoot else 1
    sspk = np.array(
        [
            [
                full.interceptors[u.interceptor].sspk.get(cast(ThreatClass, c), 0.0)
                for c in THREAT_CLASSES
            ]
            for u in fs.fire_units
        ]
    ).reshape(n_units, len(THREAT_CLASSES))
    tiers = [full.interceptors[u.interceptor].tier for u in fs.fire_units]
    used = np.zeros(rep.size, dtype=np.int64)
    layers = []
    for tier in d.layer_order:
        units = np.array([j for j, t in enumerate(tiers) if t == tier], dtype=np.int64)
        if units.size == 0:
            continue
        lr = reach_g[:, units]
        kills = np.zeros(lr.shape)
        use = np.zeros(rep.size)
        for g in range(rep.size):
            if not lr[g].any():
                continue
            sizes = []
            left = d.max_shots_per_threat - int(used[g])
            for _ in range(salvos):
                if left <= 0:
                    break
                sizes.append(min(d.shots_per_salvo, left))
                left -= sizes[-1]
            shots = sum(sizes)
            used[g] += shots
            p = sspk[units, cls[g]]
            kills[g] = [kill_probability(float(x), shots) for x in p]
            best = float(p[lr[g]].max())
            fired, before = 0.0, 0
            for size in sizes:
                alive = (1.0 - best) ** before
                fired += size * (alive + (1.0 - alive) * (1.0 - d.kill_assessment_probability))
                before += size
            use[g] = fired
        kills = np.where(lr, kills, 0.0)
        order = np.argsort(-kills, axis=1, kind="stable")
        layers.append(_Layer(units, lr, np.take_along_axis(kills, order, axis=1), order, use))
    raid_count = np.array([r.count for r in s.raids], dtype=float)
    removal = np.zeros((len(options.options), len(s.raids)))
    rounds_to = []
    unit_index = {u.id: j for j, u in enumerate(fs.fire_units)}
    for i, opt in enumerate(options.options):
        rounds_to.append(
            tuple(unit_index[u] for u in _target_units(opt, loaded))
            if isinstance(opt, InterceptorsOption)
            else ()
        )
        if isinstance(opt, CounterstrikeOption):
            for raid_id, removed in _removed(opt, loaded, opt.batch).items():
                removal[i, raid_index[raid_id]] = removed
    return TradeModel(
        options=options,
        costs=tuple(option_costs(options, loaded)),
        max_steps=tuple(o.max_batches for o in options.options),
        count=np.array(counts, dtype=float),
        group_raid=np.array([threat_raid[n] for n in members], dtype=np.int64),
        raid_count=raid_count,
        layers=tuple(layers),
        base_inventory=np.array([u.inventory for u in fs.fire_units], dtype=float),
        reserve_fraction=d.reserve_fraction,
        unit_owner=np.array(owner_u, dtype=np.int64),
        unit_copy=np.array(copy_u, dtype=np.int64),
        seen=seen_g,
        sensor_owner=np.array(owner_s, dtype=np.int64),
        sensor_copy=np.array(copy_s, dtype=np.int64),
        rounds_to=tuple(rounds_to),
        removal=removal,
    )


def copy_options(options: TradeOptions, **changes: Any) -> TradeOptions:
    """The options with some top-level fields changed (e.g. the budget)."""
    return options.model_copy(update=copy.deepcopy(changes))
