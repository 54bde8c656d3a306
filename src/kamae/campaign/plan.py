"""A campaign made ready to run: forces, stocks, resupply and strike platforms as arrays.

Built once from a loaded scenario with a `campaign:` section. Interceptor stocks are kept
per interceptor type (the fire units' inventories summed); resupply is turned into whole
interceptors delivered at the end of each step (production per month accumulated, each
step delivering the whole interceptors completed by its end).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.campaign.coverage import Site, part_means, reach_signatures
from kamae.errors import KamaeError
from kamae.scenario.campaign import (
    DAYS_PER_MONTH,
    Campaign,
    LauncherForce,
    salvos_in_step,
    strike_weapons,
    watched,
)
from kamae.scenario.loader import LoadedScenario


@dataclass(frozen=True)
class StrikeGeometry:
    """Which platforms reach a force's launchers: the force's area split into parts."""

    masks: BoolArray
    """(parts, platforms): the platforms that reach each part."""
    fractions: FloatArray
    """(parts,): each part's share of the area."""


@dataclass(frozen=True)
class CampaignPlan:
    """Everything deterministic about a campaign."""

    loaded: LoadedScenario
    campaign: Campaign
    steps: int
    step_h: float
    forces: list[LauncherForce]
    salvos: IntArray
    """(steps, forces): salvos scheduled (and allowed by reload) per step."""
    types: list[str]
    """Interceptor types held by the fire units, sorted."""
    initial_stock: IntArray
    """(types,)"""
    resupply: IntArray
    """(steps, types): whole interceptors delivered at the end of each step."""
    platforms: list[str]
    platform_inventory: IntArray
    platform_launches: IntArray
    """(platforms,) missiles each can launch per step."""
    p_kill: FloatArray
    """(forces, platforms): probability that one strike missile kills a located launcher:
    reliability × (1 − adversary air defense) × p_kill."""
    geometry: list[StrikeGeometry]
    """Per force."""
    missiles_per_target: int
    counterstrike_allowed: bool
    confirmation_delay_h: float
    decision_delay_h: float
    stay: list[FloatArray | None] = field(default_factory=list)
    """Per force (none: no relocation): (parts, platforms) probability that a located
    launcher is still where it was found when a platform's strike arrives."""
    p_bda: float = 1.0
    """Probability that a destroyed launcher is assessed destroyed."""
    watched: list[bool] = field(default_factory=list)
    """Per force: located from reconnaissance (`kamae.campaign.reconnaissance`)."""
    replacements: IntArray | None = None
    """(steps, forces) new launchers added at the end of each step (none: no
    reconstitution in the campaign)."""
    repairable_share: FloatArray | None = None
    """(forces,) share of the destroyed launchers that enter repair."""
    repair_p: FloatArray | None = None
    """(forces,) probability that a launcher in repair returns within a step."""

    @property
    def force_ids(self) -> list[str]:
        return [f.id for f in self.forces]


def build_plan(loaded: LoadedScenario, cells: int = 20_000) -> CampaignPlan:
    """The plan of a scenario's campaign (KamaeError if it has none)."""
    s = loaded.scenario
    c = s.campaign
    if c is None:
        raise KamaeError(f"{loaded.file}: campaign: the scenario has no campaign section")
    salvos = np.array(
        [[salvos_in_step(f, k, c.step_h) for f in c.forces] for k in range(c.steps)],
        dtype=np.int64,
    ).reshape(c.steps, len(c.forces))
    types = sorted({u.interceptor for u in s.fire_units})
    stock = np.array(
        [sum(u.inventory for u in s.fire_units if u.interceptor == t) for t in types],
        dtype=np.int64,
    )
    resupply = np.zeros((c.steps, len(types)), dtype=np.int64)
    days_per_step = c.step_h / 24.0
    for supply in c.supply:
        t = types.index(supply.interceptor)
        rate = supply.production_per_month / DAYS_PER_MONTH * days_per_step
        made = np.floor(rate * np.arange(c.steps + 1) + 1e-9)
        resupply[:, t] += np.diff(made).astype(np.int64)
        for d in supply.deliveries:
            k = math.floor(d.day / days_per_step + 1e-9)
            if k < c.steps:
                resupply[k, t] += d.quantity

    areas = {a.id: [(p.lat_deg, p.lon_deg) for p in a.polygon] for a in c.areas}
    cs = c.counterstrike
    platforms = cs.platforms if cs is not None else []
    weapons = strike_weapons(c)
    sites = [
        Site(p.id, p.lat_deg, p.lon_deg, weapons[p.weapon].range_km + p.radius_km)
        for p in platforms
    ]
    geometry = []
    p_kill = np.zeros((len(c.forces), len(platforms)))
    for i, f in enumerate(c.forces):
        masks, fractions = reach_signatures(
            areas[f.area] if f.area is not None else None, sites, cells
        )
        geometry.append(StrikeGeometry(masks=masks, fractions=fractions))
        for j, p in enumerate(platforms):
            w = weapons[p.weapon]
            p_kill[i, j] = w.reliability * (1.0 - f.air_defense_p_intercept) * w.p_kill
    rules = cs.rules if cs is not None else None
    stay = [
        _stay_probabilities(
            f, areas, sites, [weapons[p.weapon].speed_mps for p in platforms], cells
        )
        for f in c.forces
    ]
    replacements, repairable_share, repair_p = _reconstitution(c)
    return CampaignPlan(
        loaded=loaded,
        campaign=c,
        steps=c.steps,
        step_h=c.step_h,
        forces=list(c.forces),
        salvos=salvos,
        types=types,
        initial_stock=stock,
        resupply=resupply,
        platforms=[p.id for p in platforms],
        platform_inventory=np.array([p.inventory for p in platforms], dtype=np.int64),
        platform_launches=np.array([p.launches_per_step for p in platforms], dtype=np.int64),
        p_kill=p_kill,
        geometry=geometry,
        missiles_per_target=cs.missiles_per_target if cs is not None else 1,
        counterstrike_allowed=bool(
            cs is not None
            and platforms
            and rules is not None
            and rules.counterstrike == "after_confirmed_attack"
        ),
        confirmation_delay_h=rules.confirmation_delay_h if rules is not None else 0.0,
        decision_delay_h=rules.decision_delay_h if rules is not None else 0.0,
        stay=stay,
        p_bda=cs.p_bda if cs is not None else 1.0,
        watched=[watched(c, f) for f in c.forces],
        replacements=replacements,
        repairable_share=repairable_share,
        repair_p=repair_p,
    )


def _stay_probabilities(
    force: LauncherForce,
    areas: dict[str, list[tuple[float, float]]],
    sites: list[Site],
    speeds_mps: list[float | None],
    cells: int,
) -> FloatArray | None:
    """(parts, platforms): E[exp(−(latency + d / v) / τ)] over each part of the force's area
    (uniform dispersal): a located launcher leaves after an exponential time of mean τ =
    relocation_mean_h; the strike arrives the targeting latency plus the geodesic distance d
    over the weapon's speed v later."""
    tau_h = force.relocation_mean_h
    if tau_h is None:
        return None
    if not sites:
        return np.ones((1, 0))
    speeds = np.array([v if v is not None else np.nan for v in speeds_mps])

    def stay(dist_m: FloatArray) -> FloatArray:
        flight_h = dist_m / speeds[None, :] / 3600.0
        return np.exp(-(force.targeting_latency_h + flight_h) / tau_h)

    return part_means(areas[force.area] if force.area is not None else None, sites, stay, cells)


def _reconstitution(c: Campaign) -> tuple[IntArray | None, FloatArray | None, FloatArray | None]:
    """The plan's reconstitution arrays: replacements per step and force, repairable share
    and repair probability per step per force (all None when no force reconstitutes)."""
    if all(f.reconstitution is None for f in c.forces):
        return None, None, None
    days_per_step = c.step_h / 24.0
    replacements = np.zeros((c.steps, len(c.forces)), dtype=np.int64)
    share = np.zeros(len(c.forces))
    repair_p = np.zeros(len(c.forces))
    for i, f in enumerate(c.forces):
        r = f.reconstitution
        if r is None:
            continue
        rate = r.replacements_per_month / DAYS_PER_MONTH * days_per_step
        made = np.floor(rate * np.arange(c.steps + 1) + 1e-9)
        replacements[:, i] = np.diff(made).astype(np.int64)
        share[i] = r.repairable_share
        repair_p[i] = -math.expm1(-c.step_h / r.repair_mean_h)
    return replacements, share, repair_p
