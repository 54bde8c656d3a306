"""Build a `Network` from plain values: the scenario's `network:` section as a mapping
(`Scenario.network.model_dump()`), in the analyst's units (ms, degrees, dB), converted here
to SI once. Assumes the section passed the scenario loader's checks; anything else that is
inconsistent raises KamaeError.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from kamae.errors import KamaeError
from kamae.network.allied import Network
from kamae.network.confirmation import ConfirmationRule
from kamae.network.events import NetworkEvent
from kamae.network.jamming import jamming_factors
from kamae.network.topology import ENGAGEMENT_MODES, MESSAGE_KINDS, Topology


def build_network(
    section: Mapping[str, Any],
    *,
    sensor_ids: Sequence[str],
    fire_unit_ids: Sequence[str],
) -> Network:
    """The network of a scenario's `network:` section (a plain mapping)."""
    nations = [n["id"] for n in section["nations"]]
    nation_index = {n: i for i, n in enumerate(nations)}
    nodes = list(section["nodes"])
    node_index = {n["id"]: i for i, n in enumerate(nodes)}
    sensor_node = np.full(len(sensor_ids), -1, dtype=np.int64)
    unit_node = np.full(len(fire_unit_ids), -1, dtype=np.int64)
    s_index = {s: i for i, s in enumerate(sensor_ids)}
    f_index = {f: i for i, f in enumerate(fire_unit_ids)}
    for i, node in enumerate(nodes):
        for sid in node.get("sensors", []):
            sensor_node[_lookup(s_index, sid, "sensor")] = i
        for fid in node.get("fire_units", []):
            unit_node[_lookup(f_index, fid, "fire unit")] = i
    if (sensor_node < 0).any() or (unit_node < 0).any():
        missing = [s for s, n in zip(sensor_ids, sensor_node, strict=True) if n < 0]
        missing += [f for f, n in zip(fire_unit_ids, unit_node, strict=True) if n < 0]
        raise KamaeError(f"network: on no node: {', '.join(missing)}")

    links = list(section.get("links", []))
    link_index = {ln["id"]: i for i, ln in enumerate(links)}
    sharing = np.zeros((len(nations), len(nations), len(MESSAGE_KINDS)), dtype=bool)
    sharing[np.arange(len(nations)), np.arange(len(nations)), :] = True
    for rule in section.get("sharing", []):
        i = _lookup(nation_index, rule["from_nation"], "nation")
        j = _lookup(nation_index, rule["to_nation"], "nation")
        for kind in rule["kinds"]:
            sharing[i, j, MESSAGE_KINDS.index(kind)] = True
    default_mode = section.get("default_engagement_mode", "engage_on_remote")
    modes = section.get("engagement_modes", {}) or {}
    topology = Topology(
        nation_ids=tuple(nations),
        node_ids=tuple(node_index),
        node_kind=tuple(n["kind"] for n in nodes),
        node_nation=np.array(
            [_lookup(nation_index, n["nation"], "nation") for n in nodes], dtype=np.int64
        ),
        node_space=np.array([bool(n.get("space", False)) for n in nodes], dtype=bool),
        node_processing_s=np.array([n.get("processing_ms", 0.0) * 1e-3 for n in nodes]),
        link_ids=tuple(link_index),
        link_ends=np.array(
            [[_lookup(node_index, e, "node") for e in ln["between"]] for ln in links],
            dtype=np.int64,
        ).reshape(len(links), 2),
        link_latency_s=np.array([ln["latency_ms"] * 1e-3 for ln in links], dtype=float),
        link_jitter_s=np.array([ln.get("jitter_ms", 0.0) * 1e-3 for ln in links], dtype=float),
        link_loss=np.array([ln.get("loss_probability", 0.0) for ln in links], dtype=float),
        link_capacity=np.array(
            [
                np.inf if ln.get("capacity_msgs_per_s") is None else ln["capacity_msgs_per_s"]
                for ln in links
            ],
            dtype=float,
        ),
        sharing=sharing,
        sensor_ids=tuple(sensor_ids),
        sensor_node=sensor_node,
        fire_unit_ids=tuple(fire_unit_ids),
        fire_unit_node=unit_node,
        fire_unit_mode=np.array(
            [ENGAGEMENT_MODES.index(modes.get(f, default_mode)) for f in fire_unit_ids],
            dtype=np.int64,
        ),
        fixed_routes=tuple(
            tuple(_lookup(node_index, p, "node") for p in r["path"])
            for r in section.get("routes", [])
        ),
    )
    events = tuple(_event(ev, link_index, node_index, s_index) for ev in section.get("events", []))
    rule = section.get("attack_confirmation")
    confirmation = None
    if rule is not None:
        confirming = np.zeros(len(nations), dtype=bool)
        for nation in rule["confirming_nations"]:
            confirming[_lookup(nation_index, nation, "nation")] = True
        confirmation = ConfirmationRule(
            declared_by=_lookup(node_index, rule["declared_by"], "node"),
            confirming_nations=confirming,
            min_threats=int(rule.get("min_threats", 1)),
            min_sensors=int(rule.get("min_sensors", 1)),
            processing_s=float(rule.get("processing_s", 0.0)),
        )
    return Network.build(topology, events, confirmation)


def fully_connected(sensor_ids: Sequence[str], fire_unit_ids: Sequence[str]) -> Network:
    """The network implied by a scenario without a `network:` section: one nation, one C2
    node, every sensor and fire unit on its own node linked to it with no delay, loss or
    capacity limit, every unit engaging on remote tracks (every sensor's data reaches every
    unit at once, which is what the engine assumed before networks existed)."""
    section = {
        "nations": [{"id": "all"}],
        "nodes": [{"id": "c2", "kind": "c2", "nation": "all"}]
        + [
            {"id": f"s{i}", "kind": "sensor", "nation": "all", "sensors": [s]}
            for i, s in enumerate(sensor_ids)
        ]
        + [
            {"id": f"f{i}", "kind": "fire_unit", "nation": "all", "fire_units": [f]}
            for i, f in enumerate(fire_unit_ids)
        ],
        "links": [
            {"id": f"l-s{i}", "between": [f"s{i}", "c2"], "latency_ms": 0.0}
            for i in range(len(sensor_ids))
        ]
        + [
            {"id": f"l-f{i}", "between": [f"f{i}", "c2"], "latency_ms": 0.0}
            for i in range(len(fire_unit_ids))
        ],
    }
    return build_network(section, sensor_ids=sensor_ids, fire_unit_ids=fire_unit_ids)


def _event(
    ev: Mapping[str, Any],
    links: dict[str, int],
    nodes: dict[str, int],
    sensors: dict[str, int],
) -> NetworkEvent:
    kind = ev["kind"]
    end = ev.get("end_s")
    common: dict[str, Any] = {
        "kind": kind,
        "start_s": float(ev["start_s"]),
        "end_s": float("inf") if end is None else float(end),
    }
    if kind in ("link_cut", "link_degraded"):
        common["links"] = tuple(_lookup(links, lid, "link") for lid in ev["links"])
    if kind == "link_degraded":
        common["latency_factor"] = float(ev.get("latency_factor", 1.0))
        common["added_loss"] = float(ev.get("added_loss_probability", 0.0))
        common["capacity_factor"] = float(ev.get("capacity_factor", 1.0))
    if kind in ("node_compromised", "satellite_lost"):
        common["node"] = _lookup(nodes, ev["node"], "node")
    if kind == "radar_jammed":
        common["sensor"] = _lookup(sensors, ev["sensor"], "sensor")
        common["sector_from"] = float(np.radians(ev.get("sector_from_deg", 0.0)))
        common["sector_to"] = float(np.radians(ev.get("sector_to_deg", 360.0)))
        common["pd_factor"] = float(ev.get("pd_factor", 1.0))
        jn = ev.get("jamming_to_noise_db")
        if jn is not None:
            common["range_factor"], common["noise_factor"] = jamming_factors(float(jn))
        else:
            rf, nf = ev.get("range_factor"), ev.get("noise_factor")
            common["range_factor"] = 1.0 if rf is None else float(rf)
            common["noise_factor"] = 1.0 if nf is None else float(nf)
    return NetworkEvent(**common)


def _lookup(index: Mapping[str, int], key: str, what: str) -> int:
    try:
        return index[key]
    except KeyError:
        raise KamaeError(f"network: unknown {what} {key!r}") from None
