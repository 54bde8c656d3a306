"""Cross-references of a validated scenario: ids that must exist, be unique, or fit each other.

Schema checks only (which ids name what, which fields apply to which kind): nothing here flies
a missile or builds a network. The physical feasibility of a scenario (can a raid be flown,
does a network event fall inside the scenario's time span, can a unit set to engage on remote
data receive any) is checked by `kamae.world.checks` on the loaded scenario.

Every check returns `Problem`s, (field path, problem, value), for the loader to turn into
`ScenarioError`s naming the file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from kamae.scenario.base import PathKey, Problem
from kamae.scenario.campaign import campaign_problems
from kamae.scenario.model import AnySensorType, InterceptorType, Scenario, ThreatType
from kamae.scenario.network import LinkCut, LinkDegraded, Network, NodeCompromised, SatelliteLost

Fail = Callable[[PathKey, str, object], None]


def cross_check(
    s: Scenario,
    threats: Mapping[str, ThreatType],
    sensors: Mapping[str, AnySensorType],
    interceptors: Mapping[str, InterceptorType],
) -> list[Problem]:
    """Every cross-reference problem of the scenario; empty when there is none."""
    problems: list[Problem] = []

    def fail(path: PathKey, problem: str, value: object = None) -> None:
        problems.append((path, problem, value))

    for section in ("assets", "raids", "sensors", "fire_units"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(s, section)):
            if item.id in seen:
                fail((section, i, "id"), f"duplicate id in {section}", item.id)
            seen.add(item.id)
    _raid_references(s, threats, fail)
    _sensor_references(s, sensors, fail)
    _fire_unit_references(s, threats, interceptors, fail)
    _jammer_references(s, fail)
    if s.campaign is not None:
        used = {u.interceptor for u in s.fire_units}
        confirms = s.network is not None and s.network.attack_confirmation is not None
        problems += campaign_problems(
            s.campaign,
            [r.id for r in s.raids],
            used,
            network_confirms=confirms,
            network_nations={n.id for n in s.network.nations} if s.network else set(),
            declaring_nation=_declaring_nation(s),
        )
    if s.network is not None and not problems:
        problems += cross_check_network(s)
    return problems


def _declaring_nation(s: Scenario) -> str | None:
    """The nation of the node declaring the network's attack confirmation (None: none)."""
    if s.network is None or s.network.attack_confirmation is None:
        return None
    node = s.network.attack_confirmation.declared_by
    return next((n.nation for n in s.network.nodes if n.id == node), None)


def _raid_references(s: Scenario, threats: Mapping[str, ThreatType], fail: Fail) -> None:
    assets = {a.id for a in s.assets}
    assets |= {x.id for x in s.sensors} | {u.id for u in s.fire_units}
    for i, raid in enumerate(s.raids):
        if raid.threat not in threats:
            fail(
                ("raids", i, "threat"),
                f"unknown threat type; expected one of {names(threats)}",
                raid.threat,
            )
            continue
        if raid.target is not None and raid.target not in assets:
            fail(
                ("raids", i, "target"),
                f"unknown asset, sensor or fire unit; expected one of {names(assets)}",
                raid.target,
            )
            continue
        kind = threats[raid.threat].kind
        if raid.waypoints and kind != "cruise":
            fail(
                ("raids", i, "waypoints"),
                f"only cruise raids take waypoints ({raid.threat} is {kind})",
                None,
            )
        elif raid.apogee_km is not None and kind not in ("ballistic", "quasi_ballistic"):
            fail(
                ("raids", i, "apogee_km"),
                f"only ballistic raids take an apogee ({raid.threat} is {kind})",
                None,
            )


def _sensor_references(s: Scenario, sensors: Mapping[str, AnySensorType], fail: Fail) -> None:
    radars = {k for k, v in sensors.items() if v.kind == "radar"}
    for i, sensor in enumerate(s.sensors):
        if sensor.type not in radars:
            fail(
                ("sensors", i, "type"),
                f"unknown radar type; expected one of {names(radars)} (space layers go in "
                "space_sensors)",
                sensor.type,
            )
    space = {k for k, v in sensors.items() if v.kind == "space_ir"}
    ids = {x.id for x in s.sensors}
    for i, layer in enumerate(s.space_sensors):
        if layer.type not in space:
            fail(
                ("space_sensors", i, "type"),
                f"unknown space_ir sensor type; expected one of {names(space)}",
                layer.type,
            )
        if layer.id in ids:
            fail(("space_sensors", i, "id"), "duplicate sensor id", layer.id)
        ids.add(layer.id)


def _fire_unit_references(
    s: Scenario,
    threats: Mapping[str, ThreatType],
    interceptors: Mapping[str, InterceptorType],
    fail: Fail,
) -> None:
    raided = {threats[r.threat].threat_class for r in s.raids if r.threat in threats}
    assets = {a.id for a in s.assets}
    for i, unit in enumerate(s.fire_units):
        for k, asset in enumerate(unit.defends or []):
            if asset not in assets:
                fail(
                    ("fire_units", i, "defends", k),
                    f"unknown asset; expected one of {names(assets)}",
                    asset,
                )
        if unit.interceptor not in interceptors:
            fail(
                ("fire_units", i, "interceptor"),
                f"unknown interceptor type; expected one of {names(interceptors)}",
                unit.interceptor,
            )
            continue
        if s.doctrine.shots_per_salvo > unit.launchers:
            fail(
                ("doctrine", "shots_per_salvo"),
                f"salvo of {s.doctrine.shots_per_salvo} exceeds the {unit.launchers} "
                f"launchers of fire unit {unit.id}",
                None,
            )
        missing = raided - set(interceptors[unit.interceptor].sspk)
        if missing:
            fail(
                ("fire_units", i, "interceptor"),
                f"{unit.interceptor} has no sspk for threat class(es) {sorted(missing)} "
                "raided in this scenario",
                None,
            )


def _jammer_references(s: Scenario, fail: Fail) -> None:
    raids = {r.id for r in s.raids}
    radars = {x.id for x in s.sensors}
    seen: set[str] = set()
    for i, jammer in enumerate(s.jammers):
        if jammer.id in seen:
            fail(("jammers", i, "id"), "duplicate id in jammers", jammer.id)
        seen.add(jammer.id)
        if jammer.kind == "self_screening" and jammer.raid not in raids:
            fail(
                ("jammers", i, "raid"), f"unknown raid; expected one of {names(raids)}", jammer.raid
            )
        for j, sensor in enumerate(jammer.sensors):
            if sensor not in radars:
                fail(
                    ("jammers", i, "sensors", j),
                    f"unknown radar; expected one of {names(radars)}",
                    sensor,
                )


def names(ids: Mapping[str, Any] | set[str]) -> str:
    """Up to twelve ids, sorted, for an 'expected one of' message."""
    listed = sorted(ids)
    shown = ", ".join(listed[:12])
    return shown + (", ..." if len(listed) > 12 else "") if listed else "(none defined)"


def all_sensor_ids(s: Scenario) -> list[str]:
    """Ids of the scenario's sensors in network order: radars, then space-based layers."""
    return [x.id for x in s.sensors] + [x.id for x in s.space_sensors]


# -- The network section -------------------------------------------------------------------


def cross_check_network(s: Scenario) -> list[Problem]:
    """Reference problems of `s.network` (ids of nations, nodes, links, sensors, fire units);
    empty when fine or when there is no network."""
    net = s.network
    if net is None:
        return []
    out: list[Problem] = []

    def fail(path: PathKey, problem: str, value: object = None) -> None:
        out.append((("network", *path), problem, value))

    _duplicates([n.id for n in net.nations], "nations", fail)
    _duplicates([n.id for n in net.nodes], "nodes", fail)
    _duplicates([ln.id for ln in net.links], "links", fail)
    out += _hosting(s, net, fail)
    _links_and_routes(net, fail)
    nations = [n.id for n in net.nations]
    for i, rule in enumerate(net.sharing):
        for field in ("from_nation", "to_nation"):
            value = getattr(rule, field)
            if value not in nations:
                fail(
                    ("sharing", i, field),
                    f"policy names an unknown nation; expected one of {nations}",
                    value,
                )
    unit_ids = {u.id for u in s.fire_units}
    for fid in net.engagement_modes:
        if fid not in unit_ids:
            fail(("engagement_modes", fid), "not a fire-unit id of this scenario", fid)
    _confirmation(net, fail)
    _events(net, set(all_sensor_ids(s)), fail)
    return out


def _duplicates(ids: list[str], section: str, fail: Fail) -> None:
    seen: set[str] = set()
    for i, item in enumerate(ids):
        if item in seen:
            fail((section, i, "id"), f"duplicate id in network.{section}", item)
        seen.add(item)


def _hosting(s: Scenario, net: Network, fail: Fail) -> list[Problem]:
    """Nodes name known nations, sensors and fire units, each hosted once; returns the
    problems of scenario items hosted nowhere (paths outside `network`)."""
    nations = [n.id for n in net.nations]
    sensor_ids, unit_ids = set(all_sensor_ids(s)), {u.id for u in s.fire_units}
    hosted: dict[str, dict[str, str]] = {"sensors": {}, "fire_units": {}}
    known = {"sensors": sensor_ids, "fire_units": unit_ids}
    what = {"sensors": "a sensor", "fire_units": "a fire-unit"}
    for i, node in enumerate(net.nodes):
        if node.nation not in nations:
            fail(("nodes", i, "nation"), f"unknown nation; expected one of {nations}", node.nation)
        for section in ("sensors", "fire_units"):
            for j, item in enumerate(getattr(node, section)):
                if item not in known[section]:
                    fail(("nodes", i, section, j), f"not {what[section]} id of this scenario", item)
                elif item in hosted[section]:
                    fail(
                        ("nodes", i, section, j),
                        f"already hosted by node {hosted[section][item]}",
                        item,
                    )
                else:
                    hosted[section][item] = node.id
    out: list[Problem] = []
    for section in ("sensors", "space_sensors"):
        for i, sensor in enumerate(getattr(s, section)):
            if sensor.id not in hosted["sensors"]:
                problem = "sensor is on no network node (list it in network.nodes)"
                out.append(((section, i, "id"), problem, sensor.id))
    for i, unit in enumerate(s.fire_units):
        if unit.id not in hosted["fire_units"]:
            problem = "fire unit is on no network node (list it in network.nodes)"
            out.append((("fire_units", i, "id"), problem, unit.id))
    return out


def _links_and_routes(net: Network, fail: Fail) -> None:
    nodes = {n.id for n in net.nodes}
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
            if len(hop) == 2 and hop <= nodes and hop not in adjacent:
                fail(
                    ("routes", i, "path", j + 1),
                    f"route does not exist: no link between {route.path[j]} and "
                    f"{route.path[j + 1]}",
                    route.path[j + 1],
                )
        if len(set(route.path)) != len(route.path):
            fail(("routes", i, "path"), "a route visits a node twice", None)


def _confirmation(net: Network, fail: Fail) -> None:
    rule = net.attack_confirmation
    if rule is None:
        return
    nodes = {n.id: n for n in net.nodes}
    nations = [n.id for n in net.nations]
    c2 = nodes.get(rule.declared_by)
    if c2 is None or c2.kind != "c2":
        fail(
            ("attack_confirmation", "declared_by"), "expected the id of a c2 node", rule.declared_by
        )
    for j, nation in enumerate(rule.confirming_nations):
        if nation not in nations:
            fail(
                ("attack_confirmation", "confirming_nations", j),
                f"unknown nation; expected one of {nations}",
                nation,
            )


def _events(net: Network, sensor_ids: set[str], fail: Fail) -> None:
    nodes = {n.id: n for n in net.nodes}
    link_ids = {ln.id for ln in net.links}
    for i, event in enumerate(net.events):
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
            elif (
                isinstance(event, NodeCompromised) and event.deception != "none" and not hit.sensors
            ):
                fail(
                    ("events", i, "node"),
                    "a deception needs a node that hosts sensors (it lies about their reports)",
                    event.node,
                )
        elif event.sensor not in sensor_ids:
            fail(("events", i, "sensor"), "not a sensor id of this scenario", event.sensor)
