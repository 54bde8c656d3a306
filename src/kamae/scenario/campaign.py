"""The scenario's optional `campaign:` section: days of salvos, stocks, and counterstrike.

A campaign repeats the scenario's engagement step after step (days, or hours): the adversary's
launcher forces fire salvos from their remaining launchers and missiles, the defense engages
them with the interceptor stocks left, stocks are resupplied, and, once the attack is
confirmed and the rules of engagement allow, stand-off weapons strike located launchers.
Areas of interest are polygons (launch areas drawn coarsely, never sites); stand-off weapon
types come from the built-in catalog `strike_weapons.yaml` or the section's own
`strike_weapons`. Cross-checks that need the rest of the scenario are in `campaign_problems`.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from importlib import resources
from typing import Literal

import yaml
from pydantic import Field, TypeAdapter, field_validator, model_validator

from kamae.scenario.base import CostBasis, Identifier, PathKey, Point, Probability, Problem
from kamae.scenario.base import Strict as _Strict
from kamae.scenario.campaign_realism import ReconnaissanceAsset, Reconstitution

Basing = Literal["ground", "ship", "air"]

DAYS_PER_MONTH = 30.4375
"""Mean length of a month (365.25 / 12 days), for production per month."""


class StrikeWeaponType(_Strict):
    """A class of stand-off (counterstrike) missile."""

    source: str = Field(min_length=1, description="Public source of the figures")
    notional: bool = Field(description="True where the figures are estimates, not published")

    range_km: float = Field(gt=0, le=20000, description="Maximum range, km")
    basing: list[Basing] = Field(
        min_length=1, description="Platforms it is launched from (ground, ship, air)"
    )
    reliability: Probability = Field(
        default=1.0, description="Probability that a launched missile flies to its target"
    )
    p_kill: Probability = Field(
        description="Probability that an arriving missile destroys a located mobile launcher"
    )
    unit_cost_musd: float | None = Field(
        default=None, gt=0, le=100_000, description="Unit cost, million US dollars"
    )
    cost_basis: CostBasis = "with_support"
    speed_mps: float | None = Field(
        default=None,
        gt=0,
        le=10_000,
        description="Mean speed over the flight, m/s (strike time of flight; needed by a "
        "force with relocation_mean_h)",
    )
    description: str = Field(default="", description="What the entry represents")


class AreaOfInterest(_Strict):
    """A polygon on the ellipsoid (a coarse launch area or sea area, never a site list).

    Vertices in order (either sense), not repeated at the end; edges are geodesics. The
    polygon must be simple (no edge crosses another), must not hold a pole and must span
    less than 180° of longitude.
    """

    id: Identifier
    name: str = Field(default="", description="Display name")
    polygon: list[Point] = Field(
        min_length=3, max_length=500, description="Vertices (lat_deg, lon_deg), in order"
    )

    @field_validator("polygon")
    @classmethod
    def _simple_polygon(cls, polygon: list[Point]) -> list[Point]:
        problem = polygon_problem([(p.lat_deg, p.lon_deg) for p in polygon])
        if problem:
            raise ValueError(problem)
        return polygon


class LauncherForce(_Strict):
    """The adversary's mobile launchers of one kind and their salvo schedule.

    Each launcher carries `missiles_per_launcher` rounds (its load and its reloads) and fires
    `rounds_per_salvo` per salvo; it can fire again after `reload_h`. The missiles of a step
    are the launchers alive times the rounds each fires, capped by the rounds each has left;
    they are spread over the scenario raids named in `raids` (which give launch points, aim
    points and timing) in proportion to those raids' counts.
    """

    id: Identifier
    raids: list[str] = Field(
        min_length=1, description="Scenario raid ids used as the template of each salvo"
    )
    area: str | None = Field(
        default=None, description="Area of interest the launchers are dispersed in"
    )
    launchers: int = Field(ge=1, le=100_000, description="Mobile launchers at the start")
    missiles_per_launcher: int = Field(
        ge=1, le=10_000, description="Rounds per launcher (load and reloads)"
    )
    rounds_per_salvo: int = Field(
        default=1, ge=1, le=100, description="Rounds a launcher fires in one salvo"
    )
    salvos_per_step: int = Field(
        default=1, ge=0, le=1000, description="Salvos scheduled per campaign step"
    )
    reload_h: float = Field(
        default=6.0, gt=0, le=8760, description="Time a launcher needs between salvos, h"
    )
    first_step: int = Field(default=0, ge=0, le=10_000, description="Step of the first salvo")
    last_step: int | None = Field(
        default=None, ge=0, le=10_000, description="Step of the last salvo"
    )
    p_locate: Probability = Field(
        default=0.0,
        description="Probability of locating a surviving launcher in a step (find and fix; "
        "a notional parameter)",
    )
    air_defense_p_intercept: Probability = Field(
        default=0.0,
        description="Probability that the adversary's air defense stops one strike missile",
    )
    exposed_h_per_salvo: float | None = Field(
        default=None,
        ge=0,
        le=8760,
        description="With campaign.reconnaissance watching the force's area: hours a "
        "launcher spends in the open per salvo (leave the hide, set up, fire, leave)",
    )
    exposed_h_per_step: float = Field(
        default=0.0,
        ge=0,
        le=8760,
        description="With reconnaissance: hours a launcher spends in the open per step "
        "whether it fires or not (moving between hides)",
    )
    relocation_mean_h: float | None = Field(
        default=None,
        gt=0,
        le=8760,
        description="Mean time a located launcher stays where it was found (exponential, "
        "shoot-and-scoot); strikes arriving later miss; none: it waits for the strike",
    )
    targeting_latency_h: float = Field(
        default=0.0,
        ge=0,
        le=8760,
        description="With relocation_mean_h: hours from location to the strike's launch "
        "(sensor to shooter), added to the time of flight",
    )
    reconstitution: Reconstitution | None = Field(
        default=None, description="Repair and replacement of destroyed launchers (none: none)"
    )


class Delivery(_Strict):
    """Interceptors delivered on a given day."""

    day: float = Field(ge=0, le=36_525, description="Day of the delivery (from the campaign start)")
    quantity: int = Field(ge=1, le=100_000, description="Interceptors delivered")


class InterceptorSupply(_Strict):
    """Resupply of one interceptor type: production per month and one-off deliveries."""

    interceptor: str = Field(description="Name in the interceptor catalog")
    production_per_month: float = Field(
        default=0.0, ge=0, le=100_000, description="Interceptors produced per month"
    )
    deliveries: list[Delivery] = Field(default_factory=list, description="One-off deliveries")


class StrikePlatform(_Strict):
    """A stand-off launch platform (battery, ship or aircraft group) with its missiles.

    Positions are coarse (a region or sea area), notional. Reach is the weapon's range plus
    the platform's own `radius_km` (an aircraft's combat radius; 0 for ground and ship).
    """

    id: Identifier
    basing: Basing = Field(description="ground, ship or air")
    weapon: str = Field(description="Name in the strike-weapon catalog")
    lat_deg: float = Field(ge=-90.0, le=90.0, description="Geodetic latitude, degrees")
    lon_deg: float = Field(ge=-180.0, le=180.0, description="Longitude, degrees east")
    inventory: int = Field(ge=0, le=100_000, description="Missiles available")
    launches_per_step: int = Field(ge=1, le=100_000, description="Missiles it can launch per step")
    radius_km: float = Field(
        default=0.0, ge=0, le=5000, description="Platform's own radius of action, km"
    )


class RulesOfEngagement(_Strict):
    """When counterstrike is allowed.

    `after_confirmed_attack`: only once the attack is confirmed, and `decision_delay_h` after
    that. `never`: defense only. The confirmation time is the first launch plus a delay:
    `confirmation: delay` takes `confirmation_delay_h`; `confirmation: network` derives it
    from the allied network's attack confirmation (the scenario's `network.attack_confirmation`
    rule, run in `confirmation_replications` engine replications: the mean delay from the
    first launch to the declaration).
    """

    counterstrike: Literal["after_confirmed_attack", "never"] = Field(
        default="after_confirmed_attack", description="Rule of engagement for counterstrike"
    )
    confirmation: Literal["delay", "network"] = Field(
        default="delay",
        description="Source of the attack confirmation: `delay` (first launch + "
        "confirmation_delay_h) or `network` (the network's attack_confirmation, run in the "
        "engine; needs a network section with attack_confirmation)",
    )
    confirmation_delay_h: float = Field(
        default=1.0,
        ge=0,
        le=8760,
        description="With confirmation `delay`: hours from the first launch until the attack "
        "is confirmed",
    )
    confirmation_replications: int = Field(
        default=32,
        ge=1,
        le=100_000,
        description="With confirmation `network`: engine replications whose mean delay from "
        "the first launch to the network's declaration is used",
    )
    decision_delay_h: float = Field(
        default=0.0, ge=0, le=8760, description="Hours from confirmation to the first strike"
    )
    fallback: Literal["none", "delay", "national"] = Field(
        default="none",
        description="With confirmation `network`, when the network never confirms: `none` "
        "(counterstrike never authorised), `delay` (fallback_delay_h after the first "
        "launch), `national` (the network with only fallback_nations' nodes and sensors, "
        "then fallback_delay_h if given and that never confirms either)",
    )
    fallback_delay_h: float | None = Field(
        default=None,
        ge=0,
        le=8760,
        description="Fallback delay from the first launch to confirmation, h",
    )
    fallback_nations: list[str] = Field(
        default_factory=list,
        description="With fallback `national`: the nations whose nodes stay (the others' "
        "nodes are cut for the whole run) and whose sensors confirm",
    )

    @model_validator(mode="after")
    def _fallback_complete(self) -> RulesOfEngagement:
        if self.fallback == "delay" and self.fallback_delay_h is None:
            raise ValueError("fallback `delay` needs fallback_delay_h")
        if self.fallback == "national" and not self.fallback_nations:
            raise ValueError("fallback `national` needs fallback_nations (e.g. [JP])")
        if self.fallback != "none" and self.confirmation != "network":
            raise ValueError("a fallback applies to confirmation `network` only")
        return self


class Counterstrike(_Strict):
    """Stand-off platforms, their missiles, and the rules for using them."""

    rules: RulesOfEngagement = Field(
        default_factory=RulesOfEngagement, description="Rules of engagement"
    )
    platforms: list[StrikePlatform] = Field(default_factory=list, description="Launch platforms")
    missiles_per_target: int = Field(
        default=2, ge=1, le=64, description="Strike missiles fired at one located launcher"
    )
    p_bda: Probability = Field(
        default=1.0,
        description="Probability that battle-damage assessment shows a destroyed launcher "
        "destroyed; an unassessed wreck stays a target, found and struck again",
    )
    nation: str | None = Field(
        default=None,
        description="Striking nation (a nation of the network: section): reconnaissance of "
        "another nation locates launchers for it only where the sharing releases `targeting`",
    )


class Campaign(_Strict):
    """Days (or hours) of salvos, interceptor stocks, and counterstrike."""

    steps: int = Field(default=10, ge=1, le=10_000, description="Campaign steps")
    step_h: float = Field(
        default=24.0, gt=0, le=8760, description="Length of a step, h (24: days, 1: hours)"
    )
    defense: Literal["engine", "fast"] = Field(
        default="engine",
        description="Each step's engagement: the engine (Monte Carlo), or the calibrated "
        "fast path (layered leakage fitted to the engine)",
    )
    replications: int = Field(default=20, ge=1, le=1_000_000, description="Campaign replications")
    calibration_replications: int = Field(
        default=32,
        ge=2,
        le=100_000,
        description="Engine replications per force and layer used to calibrate the fast path",
    )
    areas: list[AreaOfInterest] = Field(default_factory=list, description="Areas of interest")
    forces: list[LauncherForce] = Field(min_length=1, description="Adversary launcher forces")
    supply: list[InterceptorSupply] = Field(
        default_factory=list, description="Interceptor resupply and production"
    )
    counterstrike: Counterstrike | None = Field(
        default=None, description="Stand-off counterstrike (none: defense only)"
    )
    strike_weapons: dict[str, StrikeWeaponType] = Field(
        default_factory=dict, description="Strike-weapon types added to the built-in catalog"
    )
    reconnaissance: list[ReconnaissanceAsset] = Field(
        default_factory=list,
        description="Sensors searching the launch areas: a watched force's launchers are "
        "located from them (random search) instead of its p_locate",
    )

    @model_validator(mode="after")
    def _references(self) -> Campaign:
        areas = {a.id for a in self.areas}
        if len(areas) != len(self.areas):
            raise ValueError("areas: duplicate area id")
        forces = [f.id for f in self.forces]
        if len(set(forces)) != len(forces):
            raise ValueError("forces: duplicate force id")
        for f in self.forces:
            if f.area is not None and f.area not in areas:
                raise ValueError(
                    f"forces: {f.id}.area {f.area!r} is not an area id "
                    f"(expected one of {sorted(areas) or '(none defined)'})"
                )
            if f.last_step is not None and f.last_step < f.first_step:
                raise ValueError(f"forces: {f.id}.last_step is before its first_step")
            if f.exposed_h_per_salvo is None and watched(self, f):
                raise ValueError(
                    f"forces: {f.id}.exposed_h_per_salvo is needed: reconnaissance watches "
                    f"its area {f.area!r}"
                )
        for asset in self.reconnaissance:
            if asset.lost_from_step is not None and asset.lost_from_step >= self.steps:
                raise ValueError(
                    f"reconnaissance: {asset.id}.lost_from_step {asset.lost_from_step} is not "
                    f"a step of the campaign (expected 0 to {self.steps - 1}, or none)"
                )
            for a in asset.areas:
                if a not in areas:
                    raise ValueError(
                        f"reconnaissance: {asset.id}.areas {a!r} is not an area id "
                        f"(expected one of {sorted(areas) or '(none defined)'})"
                    )
        if len({a.id for a in self.reconnaissance}) != len(self.reconnaissance):
            raise ValueError("reconnaissance: duplicate id")
        if self.counterstrike is not None:
            ids = [p.id for p in self.counterstrike.platforms]
            if len(set(ids)) != len(ids):
                raise ValueError("counterstrike.platforms: duplicate platform id")
        return self


def watching(campaign: Campaign, force: LauncherForce) -> list[ReconnaissanceAsset]:
    """The reconnaissance assets searching a force's area (none for a force without one)."""
    if force.area is None:
        return []
    return [a for a in campaign.reconnaissance if not a.areas or force.area in a.areas]


def watched(campaign: Campaign, force: LauncherForce) -> bool:
    """Whether reconnaissance locates this force's launchers (instead of its p_locate)."""
    return bool(watching(campaign, force))


def salvos_in_step(force: LauncherForce, step: int, step_h: float) -> int:
    """Salvos a force fires in a step: its schedule, limited by its launchers' reload time.

    A launcher fires at most floor(step_h / reload_h) salvos per step; when a reload takes
    longer than a step, it fires one salvo every ceil(reload_h / step_h) steps.
    """
    if step < force.first_step or (force.last_step is not None and step > force.last_step):
        return 0
    per_step = math.floor(step_h / force.reload_h + 1e-9)
    if per_step >= 1:
        return min(force.salvos_per_step, per_step)
    every = math.ceil(force.reload_h / step_h - 1e-9)
    return min(force.salvos_per_step, 1) if (step - force.first_step) % every == 0 else 0


# -- polygons --------------------------------------------------------------------------------


def polygon_problem(vertices: list[tuple[float, float]]) -> str | None:
    """Why (lat, lon) vertices are not a valid simple polygon, or None.

    Checked in the plane of (unwrapped longitude, latitude), which keeps edge crossings of
    areas spanning less than 180° of longitude away from the poles.
    """
    if len(vertices) < 3:
        return "a polygon needs at least 3 vertices"
    if vertices[0] == vertices[-1]:
        return "do not repeat the first vertex at the end (the polygon is closed implicitly)"
    pts = unwrapped(vertices)
    lons = [x for x, _ in pts]
    if max(lons) - min(lons) >= 180.0:
        return "a polygon must span less than 180° of longitude"
    if any(abs(lat) >= 89.9 for _, lat in pts):
        return "a polygon must keep away from the poles (|lat_deg| < 89.9)"
    n = len(pts)
    for i in range(n):
        if pts[i] == pts[(i + 1) % n]:
            return f"vertices {i} and {(i + 1) % n} coincide"
    for i in range(n):
        a, b = pts[i], pts[(i + 1) % n]
        for j in range(i + 1, n):
            if j == i or (j + 1) % n == i or j == (i + 1) % n:
                continue
            c, d = pts[j], pts[(j + 1) % n]
            if _segments_cross(a, b, c, d):
                return f"edges {i} and {j} cross: the polygon is not simple"
    if abs(_signed_area(pts)) < 1e-10:
        return "the polygon has no area (its vertices are collinear)"
    return None


def unwrapped(vertices: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """(lon, lat) with longitudes unwrapped to within 180° of the first vertex."""
    lon0 = vertices[0][1]
    return [(lon0 + ((lon - lon0 + 180.0) % 360.0) - 180.0, lat) for lat, lon in vertices]


def _signed_area(pts: list[tuple[float, float]]) -> float:
    return 0.5 * sum(
        x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:] + pts[:1], strict=True)
    )


def _orient(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _segments_cross(
    a: tuple[float, float], b: tuple[float, float], c: tuple[float, float], d: tuple[float, float]
) -> bool:
    """Whether segments ab and cd intersect (touching counts)."""
    o1, o2, o3, o4 = _orient(a, b, c), _orient(a, b, d), _orient(c, d, a), _orient(c, d, b)
    if (o1 > 0) != (o2 > 0) and (o3 > 0) != (o4 > 0) and o1 * o2 < 0 and o3 * o4 < 0:
        return True

    def on(p: tuple[float, float], q: tuple[float, float], r: tuple[float, float]) -> bool:
        return min(p[0], q[0]) <= r[0] <= max(p[0], q[0]) and min(p[1], q[1]) <= r[1] <= max(
            p[1], q[1]
        )

    return (
        (o1 == 0 and on(a, b, c))
        or (o2 == 0 and on(a, b, d))
        or (o3 == 0 and on(c, d, a))
        or (o4 == 0 and on(c, d, b))
    )


# -- catalog and cross-checks ----------------------------------------------------------------

_WEAPONS = TypeAdapter(dict[str, StrikeWeaponType])


def builtin_strike_weapons() -> dict[str, StrikeWeaponType]:
    """The stand-off weapon catalog shipped with kamae (`strike_weapons.yaml`)."""
    root = resources.files("kamae.scenario") / "data" / "catalogs"
    doc = yaml.safe_load((root / "strike_weapons.yaml").read_text(encoding="utf-8"))
    return _WEAPONS.validate_python(doc)


def strike_weapons(campaign: Campaign) -> dict[str, StrikeWeaponType]:
    """Built-in strike weapons merged with the campaign's own (these win by name)."""
    return {**builtin_strike_weapons(), **campaign.strike_weapons}


def _feed_problems(campaign: Campaign, network_nations: Collection[str]) -> list[Problem]:
    """With a network: section, counterstrike and reconnaissance: the striking nation and
    each asset's nation must be the network's (the sharing policy decides whose finds reach
    the striker; `kamae.campaign.reconnaissance.reconnaissance_feed`)."""
    cs = campaign.counterstrike
    if not network_nations or cs is None:
        return []
    known = sorted(network_nations)
    problems: list[Problem] = []
    path: PathKey = ("campaign", "counterstrike", "nation")
    if cs.nation is None and campaign.reconnaissance:
        problems.append(
            (
                path,
                "needed: reconnaissance with a network: section (whose finds reach whom is "
                f"the network's sharing of `targeting`); expected one of {known}",
                None,
            )
        )
    elif cs.nation is not None and cs.nation not in network_nations:
        problems.append((path, f"not a nation of the network; expected one of {known}", cs.nation))
    for i, asset in enumerate(campaign.reconnaissance):
        if asset.nation not in network_nations:
            problems.append(
                (
                    ("campaign", "reconnaissance", i, "nation"),
                    f"not a nation of the network; expected one of {known}",
                    asset.nation,
                )
            )
    return problems


def campaign_problems(
    campaign: Campaign,
    raid_ids: list[str],
    interceptors_used: set[str],
    *,
    network_confirms: bool = False,
    network_nations: Collection[str] = (),
    declaring_nation: str | None = None,
) -> list[Problem]:
    """Cross-checks against the rest of the scenario: (field path, problem, value) each.

    `network_confirms`: whether the scenario has a `network:` section with
    `attack_confirmation` (required by the rule `confirmation: network`);
    `network_nations`: its nations (the rule's `fallback_nations` must be among them);
    `declaring_nation`: the nation of the node that declares the attack (a national fallback
    must keep it)."""
    problems: list[Problem] = []
    base: PathKey = ("campaign",)
    for i, force in enumerate(campaign.forces):
        for k, raid in enumerate(force.raids):
            if raid not in raid_ids:
                problems.append(
                    (
                        (*base, "forces", i, "raids", k),
                        f"unknown raid; expected one of {sorted(raid_ids)}",
                        raid,
                    )
                )
    for i, s in enumerate(campaign.supply):
        if s.interceptor not in interceptors_used:
            problems.append(
                (
                    (*base, "supply", i, "interceptor"),
                    "no fire unit uses this interceptor; expected one of "
                    f"{sorted(interceptors_used) or '(none)'}",
                    s.interceptor,
                )
            )
    if campaign.counterstrike is not None:
        if campaign.counterstrike.rules.confirmation == "network" and not network_confirms:
            problems.append(
                (
                    (*base, "counterstrike", "rules", "confirmation"),
                    "`network` needs a network: section with attack_confirmation "
                    "(see docs/network.md); expected `delay` otherwise",
                    "network",
                )
            )
        rules = campaign.counterstrike.rules
        for i, nation in enumerate(rules.fallback_nations):
            if network_confirms and nation not in network_nations:
                problems.append(
                    (
                        (*base, "counterstrike", "rules", "fallback_nations", i),
                        f"not a nation of the network; expected one of {sorted(network_nations)}",
                        nation,
                    )
                )
        if (
            rules.fallback == "national"
            and set(rules.fallback_nations) <= set(network_nations)
            and declaring_nation is not None
            and declaring_nation not in rules.fallback_nations
        ):
            problems.append(
                (
                    (*base, "counterstrike", "rules", "fallback_nations"),
                    f"the declaring C2 node is {declaring_nation}'s: a national fallback "
                    f"without it never confirms; expected a list holding {declaring_nation}",
                    rules.fallback_nations,
                )
            )
        problems += _feed_problems(campaign, network_nations)
        weapons = strike_weapons(campaign)
        relocating = [f.id for f in campaign.forces if f.relocation_mean_h is not None]
        for i, p in enumerate(campaign.counterstrike.platforms):
            path = (*base, "counterstrike", "platforms", i)
            if p.weapon not in weapons:
                problems.append(
                    (
                        (*path, "weapon"),
                        f"unknown strike weapon; expected one of {sorted(weapons)}",
                        p.weapon,
                    )
                )
            elif p.basing not in weapons[p.weapon].basing:
                problems.append(
                    (
                        (*path, "basing"),
                        f"{p.weapon} is not launched from {p.basing} platforms "
                        f"(expected one of {weapons[p.weapon].basing})",
                        p.basing,
                    )
                )
            if p.weapon in weapons and relocating and weapons[p.weapon].speed_mps is None:
                problems.append(
                    (
                        (*path, "weapon"),
                        f"{p.weapon} has no speed_mps, needed for the time of flight of "
                        f"strikes at relocating launchers ({', '.join(relocating)})",
                        p.weapon,
                    )
                )
    return problems
