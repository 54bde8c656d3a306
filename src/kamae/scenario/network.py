"""The optional `network:` section: nations, nodes, links, sharing policy, engagement modes,
attack confirmation, and cyber / electronic-warfare / space events in time windows.

Declared once here (types, ranges, units in the field names, a doc line each); the loader calls
`cross_check_network` for the checks that need the rest of the scenario (sensor and fire-unit
ids, routes, the scenario's time span). The library that simulates the network
(`kamae.network`) never sees these classes: `kamae.network.build.build_network` takes the
section as plain values (`Network.model_dump()`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from kamae.scenario.base import Identifier, Probability
from kamae.scenario.base import Strict as _Strict

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kamae.scenario.model import Scenario, ThreatType

NodeId = Identifier
MessageKind = Literal["early_warning", "tracks", "launch_authority", "attack_confirmation"]
EngagementMode = Literal["organic", "launch_on_remote", "engage_on_remote"]


class Nation(_Strict):
    """A nation that owns nodes of the network."""

    id: NodeId
    name: str = Field(default="", description="Display name")


class Node(_Strict):
    """A node of the network: a sensor site, a fire unit (with its organic radars), a
    command-and-control (C2) centre or a communications relay (for example a satellite)."""

    id: NodeId
    kind: Literal["sensor", "fire_unit", "c2", "relay"] = Field(description="What the node is")
    nation: str = Field(description="Owning nation (an id in network.nations)")
    sensors: list[str] = Field(
        default_factory=list,
        description="Scenario sensor ids hosted here (on a fire_unit node: its organic radars)",
    )
    fire_units: list[str] = Field(
        default_factory=list, description="Scenario fire-unit ids hosted here (fire_unit nodes)"
    )
    space: bool = Field(
        default=False, description="A node in orbit (a `satellite_lost` event can take it out)"
    )
    processing_ms: float = Field(
        default=0.0,
        ge=0,
        le=600_000,
        description="Time a message spends in this node when relayed through it (fusion, "
        "operator), ms",
    )

    @model_validator(mode="after")
    def _hosts_match_kind(self) -> Node:
        if self.kind == "sensor" and (not self.sensors or self.fire_units):
            raise ValueError("a sensor node hosts at least one sensor and no fire unit")
        if self.kind == "fire_unit" and not self.fire_units:
            raise ValueError("a fire_unit node hosts at least one fire unit")
        if self.kind in ("c2", "relay") and (self.sensors or self.fire_units):
            raise ValueError(f"a {self.kind} node hosts no sensors or fire units")
        return self


class Link(_Strict):
    """A data link between two nodes (both directions, each with its own capacity)."""

    id: NodeId
    between: list[str] = Field(
        min_length=2, max_length=2, description="The two node ids it connects"
    )
    latency_ms: float = Field(
        ge=0, le=600_000, description="Mean one-way delay of an unloaded link, ms"
    )
    jitter_ms: float = Field(
        default=0.0, ge=0, le=600_000, description="Standard deviation of the delay, ms"
    )
    loss_probability: Probability = Field(
        default=0.0, description="Probability that a message is lost on this link"
    )
    capacity_msgs_per_s: float | None = Field(
        default=None,
        gt=0,
        le=1e9,
        description="Messages per second in each direction (queueing beyond); none: unlimited",
    )

    @model_validator(mode="after")
    def _two_ends(self) -> Link:
        if self.between[0] == self.between[1]:
            raise ValueError("a link joins two different nodes")
        return self


class Route(_Strict):
    """A fixed route that replaces the shortest path from its first to its last node."""

    path: list[str] = Field(min_length=2, description="Node ids from source to destination")


class Sharing(_Strict):
    """What one nation releases to another (a nation always shares with itself)."""

    from_nation: str = Field(description="Releasing nation")
    to_nation: str = Field(description="Receiving nation")
    kinds: list[MessageKind] = Field(description="Message kinds released")


class AttackConfirmation(_Strict):
    """The rule by which the network declares that an attack against friendly territory has
    begun: once `min_threats` distinct threats seen by at least `min_sensors` sensors of the
    confirming nations have been reported to the declaring C2 node."""

    declared_by: str = Field(description="C2 node that declares it")
    confirming_nations: list[str] = Field(
        min_length=1, description="Nations whose sensors' reports count"
    )
    min_threats: int = Field(default=1, ge=1, le=10000, description="Distinct threats seen")
    min_sensors: int = Field(default=1, ge=1, le=1000, description="Distinct sensors reporting")
    processing_s: float = Field(
        default=0.0, ge=0, le=86400, description="Time to assess and declare, s"
    )


class _Window(_Strict):
    start_s: float = Field(ge=0, le=864000, description="Start of the event, s after start")
    end_s: float | None = Field(
        default=None, gt=0, le=864000, description="End of the event, s; none: to the end"
    )

    @model_validator(mode="after")
    def _ordered(self) -> _Window:
        if self.end_s is not None and self.end_s <= self.start_s:
            raise ValueError("end_s must be after start_s")
        return self


class LinkCut(_Window):
    """Links out of service (cable cut, cyber attack on a gateway)."""

    kind: Literal["link_cut"] = Field(description="Event kind")
    links: list[str] = Field(min_length=1, description="Link ids cut")


class LinkDegraded(_Window):
    """Links degraded (jammed data link, congested gateway)."""

    kind: Literal["link_degraded"] = Field(description="Event kind")
    links: list[str] = Field(min_length=1, description="Link ids degraded")
    latency_factor: float = Field(default=1.0, ge=1, le=1e6, description="Delay multiplied by")
    added_loss_probability: Probability = Field(
        default=0.0, description="Loss probability added (capped at 1)"
    )
    capacity_factor: float = Field(
        default=1.0, gt=0, le=1, description="Capacity multiplied by (≤ 1)"
    )


class NodeCompromised(_Window):
    """A node taken out by a cyber attack: it neither sends, relays nor receives."""

    kind: Literal["node_compromised"] = Field(description="Event kind")
    node: str = Field(description="Node id")


class SatelliteLost(_Window):
    """A node in orbit lost (anti-satellite attack, failure): as `node_compromised`, and its
    hosted sensors are blind."""

    kind: Literal["satellite_lost"] = Field(description="Event kind")
    node: str = Field(description="Node id (a node with space: true)")


class RadarJammed(_Window):
    """Noise jamming of a radar from a sector of azimuth: measurement noise up, probability
    of detection down, detection range cut, for targets seen inside the sector."""

    kind: Literal["radar_jammed"] = Field(description="Event kind")
    sensor: str = Field(description="Scenario sensor id jammed")
    sector_from_deg: float = Field(
        default=0.0, ge=0, lt=360, description="Sector start, degrees from north (clockwise)"
    )
    sector_to_deg: float = Field(
        default=360.0, gt=0, le=360, description="Sector end, degrees from north (clockwise)"
    )
    jamming_to_noise_db: float | None = Field(
        default=None,
        ge=0,
        le=100,
        description="Jamming-to-noise ratio J/N, dB: sets range_factor = (1+J/N)^-1/4 and "
        "noise_factor = (1+J/N)^1/2 (radar equation); or give the factors",
    )
    noise_factor: float | None = Field(
        default=None, ge=1, le=1e4, description="Measurement error (1σ) multiplied by"
    )
    pd_factor: float = Field(
        default=1.0, ge=0, le=1, description="Probability of detection multiplied by"
    )
    range_factor: float | None = Field(
        default=None, gt=0, le=1, description="Detection range multiplied by"
    )

    @model_validator(mode="after")
    def _one_way(self) -> RadarJammed:
        if self.jamming_to_noise_db is not None and (
            self.noise_factor is not None or self.range_factor is not None
        ):
            raise ValueError("give jamming_to_noise_db or noise_factor/range_factor, not both")
        return self


Event = Annotated[
    LinkCut | LinkDegraded | NodeCompromised | SatelliteLost | RadarJammed,
    Field(discriminator="kind"),
]


class Network(_Strict):
    """The allied network: who owns what, how data moves, what is shared, what attacks it."""

    nations: list[Nation] = Field(min_length=1, description="Nations owning nodes")
    nodes: list[Node] = Field(min_length=1, description="Nodes")
    links: list[Link] = Field(default_factory=list, description="Data links")
    routes: list[Route] = Field(
        default_factory=list, description="Fixed routes (otherwise: least mean delay)"
    )
    sharing: list[Sharing] = Field(
        default_factory=list,
        description="Releases between nations (unlisted pairs share nothing)",
    )
    default_engagement_mode: EngagementMode = Field(
        default="engage_on_remote", description="Engagement mode of fire units not listed"
    )
    engagement_modes: dict[str, EngagementMode] = Field(
        default_factory=dict, description="Engagement mode per fire-unit id"
    )
    attack_confirmation: AttackConfirmation | None = Field(
        default=None, description="Rule declaring that an attack has begun"
    )
    events: list[Event] = Field(
        default_factory=list, description="Cyber, electronic-warfare and space events"
    )


REFERENCE_SECTIONS: list[tuple[str, type[BaseModel]]] = [
    ("network", Network),
    ("network.nations[]", Nation),
    ("network.nodes[]", Node),
    ("network.links[]", Link),
    ("network.routes[]", Route),
    ("network.sharing[]", Sharing),
    ("network.attack_confirmation", AttackConfirmation),
    ("network.events[] (kind: link_cut)", LinkCut),
    ("network.events[] (kind: link_degraded)", LinkDegraded),
    ("network.events[] (kind: node_compromised)", NodeCompromised),
    ("network.events[] (kind: satellite_lost)", SatelliteLost),
    ("network.events[] (kind: radar_jammed)", RadarJammed),
]
"""The network's tables for docs/scenario-reference.md."""


# -- Cross-references ----------------------------------------------------------------------

Problem = tuple[tuple[str | int, ...], str, object]
"""(field path, problem, value) for the loader to turn into a ScenarioError."""


def cross_check_network(
    s: Scenario, threats: Mapping[str, ThreatType] | None = None
) -> list[Problem]:
    """Problems of `s.network` that need the rest of the scenario; empty when fine."""
    net = s.network
    if net is None:
        return []
    out: list[Problem] = []
    base = ("network",)

    def fail(path: tuple[str | int, ...], problem: str, value: object = None) -> None:
        out.append(((*base, *path), problem, value))

    nations = [n.id for n in net.nations]
    _duplicates(nations, "nations", fail)
    nation_set = set(nations)
    node_ids = [n.id for n in net.nodes]
    _duplicates(node_ids, "nodes", fail)
    nodes = {n.id: n for n in net.nodes}
    sensor_ids = set(all_sensor_ids(s))
    unit_ids = {u.id for u in s.fire_units}

    hosted_sensor: dict[str, str] = {}
    hosted_unit: dict[str, str] = {}
    for i, node in enumerate(net.nodes):
        if node.nation not in nation_set:
            fail(("nodes", i, "nation"), f"unknown nation; expected one of {nations}", node.nation)
        for j, sid in enumerate(node.sensors):
            if sid not in sensor_ids:
                fail(("nodes", i, "sensors", j), "not a sensor id of this scenario", sid)
            elif sid in hosted_sensor:
                fail(
                    ("nodes", i, "sensors", j), f"already hosted by node {hosted_sensor[sid]}", sid
                )
            else:
                hosted_sensor[sid] = node.id
        for j, fid in enumerate(node.fire_units):
            if fid not in unit_ids:
                fail(("nodes", i, "fire_units", j), "not a fire-unit id of this scenario", fid)
            elif fid in hosted_unit:
                fail(
                    ("nodes", i, "fire_units", j), f"already hosted by node {hosted_unit[fid]}", fid
                )
            else:
                hosted_unit[fid] = node.id
    for section in ("sensors", "space_sensors"):
        for i, sensor in enumerate(getattr(s, section, [])):
            if sensor.id not in hosted_sensor:
                out.append(
                    (
                        (section, i, "id"),
                        "sensor is on no network node (list it in network.nodes)",
                        sensor.id,
                    )
                )
    for i, unit in enumerate(s.fire_units):
        if unit.id not in hosted_unit:
            out.append(
                (
                    ("fire_units", i, "id"),
                    "fire unit is on no network node (list it in network.nodes)",
                    unit.id,
                )
            )

    link_ids = [ln.id for ln in net.links]
    _duplicates(link_ids, "links", fail)
    adjacent: set[frozenset[str]] = set()
    for i, link in enumerate(net.links):
        for j, end in enumerate(link.between):
            if end not in nodes:
                fail(("links", i, "between", j), "link to an unknown node", end)
        adjacent.add(frozenset(link.between))
    for i, route in enumerate(net.routes):
        for j, node_id in enumerate(route.path):
            if node_id not in nodes:
                fail(("routes", i, "path", j), "unknown node", node_id)
        for j in range(len(route.path) - 1):
            hop = frozenset(route.path[j : j + 2])
            if len(hop) == 2 and hop <= set(nodes) and hop not in adjacent:
                fail(
                    ("routes", i, "path", j + 1),
                    f"route does not exist: no link between {route.path[j]} and "
                    f"{route.path[j + 1]}",
                    route.path[j + 1],
                )
        if len(set(route.path)) != len(route.path):
            fail(("routes", i, "path"), "a route visits a node twice", None)

    for i, rule in enumerate(net.sharing):
        for field in ("from_nation", "to_nation"):
            value = getattr(rule, field)
            if value not in nation_set:
                fail(
                    ("sharing", i, field),
                    f"policy names an unknown nation; expected one of {nations}",
                    value,
                )

    for fid, _mode in net.engagement_modes.items():
        if fid not in unit_ids:
            fail(("engagement_modes", fid), "not a fire-unit id of this scenario", fid)

    confirmation = net.attack_confirmation
    if confirmation is not None:
        c2 = nodes.get(confirmation.declared_by)
        if c2 is None or c2.kind != "c2":
            fail(
                ("attack_confirmation", "declared_by"),
                "expected the id of a c2 node",
                confirmation.declared_by,
            )
        for j, nation in enumerate(confirmation.confirming_nations):
            if nation not in nation_set:
                fail(
                    ("attack_confirmation", "confirming_nations", j),
                    f"unknown nation; expected one of {nations}",
                    nation,
                )

    if net.events:
        last_impact = scenario_end_s(s, threats)
        for i, event in enumerate(net.events):
            if event.start_s >= last_impact:
                fail(
                    ("events", i, "start_s"),
                    f"event outside the scenario's time span [0, {last_impact:.0f}] s "
                    "(last impact)",
                    event.start_s,
                )
            if isinstance(event, LinkCut | LinkDegraded):
                for j, lid in enumerate(event.links):
                    if lid not in link_ids:
                        fail(("events", i, "links", j), "unknown link id", lid)
            elif isinstance(event, NodeCompromised | SatelliteLost):
                hit = nodes.get(event.node)
                if hit is None:
                    fail(("events", i, "node"), "unknown node id", event.node)
                elif isinstance(event, SatelliteLost) and not hit.space:
                    fail(
                        ("events", i, "node"),
                        "satellite_lost needs a node with space: true",
                        event.node,
                    )
            elif event.sensor not in sensor_ids:
                fail(("events", i, "sensor"), "not a sensor id of this scenario", event.sensor)

    if not out:
        out.extend(_unreachable_remote_units(s))
    return out


def _duplicates(ids: list[str], section: str, fail: object) -> None:
    seen: set[str] = set()
    for i, item in enumerate(ids):
        if item in seen:
            fail((section, i, "id"), f"duplicate id in network.{section}", item)  # type: ignore[operator]
        seen.add(item)


def all_sensor_ids(s: Scenario) -> list[str]:
    """Ids of the scenario's sensors in network order: radars, then space-based layers."""
    return [x.id for x in s.sensors] + [x.id for x in getattr(s, "space_sensors", [])]


def scenario_end_s(s: Scenario, threats: Mapping[str, ThreatType] | None = None) -> float:
    """The scenario's time span ends at the last impact: the latest launch plus its nominal
    flight time by its threat type's kind (`flight_time_bound_s` without margin); with no
    catalog, the minimum-energy ballistic flight time."""
    import numpy as np

    from kamae.geo import geodesic_inverse_deg, geodetic_to_ecef
    from kamae.kinematics.ballistic import flight_time, minimum_energy_velocity
    from kamae.kinematics.kepler import orbit_from_state
    from kamae.scenario.feasibility import RaidFlight, flight_time_bound_s

    assets = {a.id: a for a in s.assets}
    ends = []
    for raid in s.raids:
        point = assets[raid.target] if raid.target is not None else raid.aim
        if point is None:
            continue
        last = raid.launch_time_s + (raid.count - 1) * raid.interval_s
        route = [(raid.launch.lat_deg, raid.launch.lon_deg)]
        route += [(w.lat_deg, w.lon_deg) for w in raid.waypoints]
        route.append((point.lat_deg, point.lon_deg))
        ttype = None if threats is None else threats.get(raid.threat)
        if ttype is not None:
            flight = RaidFlight(ttype, np.array(route), np.zeros(1), raid.apogee_km)
            try:
                ends.append(last + flight_time_bound_s(flight, margin_s=0.0))
                continue
            except ValueError:
                pass  # an infeasible raid is reported elsewhere: fall back below
        dist, _, _ = geodesic_inverse_deg(route[0][0], route[0][1], point.lat_deg, point.lon_deg)
        if float(dist) <= 0.0:
            continue
        a, b = np.radians(np.array([route[0]])), np.radians(np.array([route[-1]]))
        r1 = geodetic_to_ecef(a[:, 0], a[:, 1], 0.0)
        r2 = geodetic_to_ecef(b[:, 0], b[:, 1], 0.0)
        tof = flight_time(orbit_from_state(r1, minimum_energy_velocity(r1, r2)), r1, r2)
        ends.append(last + float(tof[0]))
    return float(max(ends)) if ends else float("inf")


def _unreachable_remote_units(s: Scenario) -> list[Problem]:
    """A fire unit set to launch or engage on remote data must be able to receive some remote
    sensor's tracks at the start (a route and a sharing policy), else its mode is meaningless.
    (The default mode is not checked: a unit without remote sources then fights organically.)"""
    from kamae.network.build import build_network

    assert s.network is not None
    network = build_network(
        s.network.model_dump(),
        sensor_ids=all_sensor_ids(s),
        fire_unit_ids=[u.id for u in s.fire_units],
    )
    out: list[Problem] = []
    remote = network.remote_track_sources(0.0)
    modes = s.network.engagement_modes
    for i, unit in enumerate(s.fire_units):
        mode = modes.get(unit.id)
        if mode is not None and mode != "organic" and not remote[i].any():
            out.append(
                (
                    ("network", "engagement_modes", unit.id),
                    f"fire unit {unit.id} is in {mode} but no remote sensor's tracks can reach "
                    "it (no route, or no sharing policy releasing tracks to its nation)",
                    mode,
                )
            )
    return out
