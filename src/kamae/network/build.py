"""Build a `Network` from its typed description (`kamae.network.spec`, SI, by id): ids become
indices, the topology arrays, the events and the confirmation rule. Assumes the description
is consistent (the scenario's checks ran); anything else that is inconsistent raises
KamaeError.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from kamae.arrays import IntArray
from kamae.errors import KamaeError
from kamae.network.allied import DEFAULT_POLICY, Network
from kamae.network.confirmation import ConfirmationRule
from kamae.network.events import NetworkEvent
from kamae.network.spec import EventSpec, LinkSpec, NetworkSpec, NodeSpec
from kamae.network.topology import ENGAGEMENT_MODES, MESSAGE_KINDS, Topology


def build_network(
    spec: NetworkSpec,
    *,
    sensor_ids: Sequence[str],
    fire_unit_ids: Sequence[str],
) -> Network:
    """The network of a description, for the scenario's sensors and fire units (in order)."""
    nation_index = {n: i for i, n in enumerate(spec.nations)}
    node_index = {n.id: i for i, n in enumerate(spec.nodes)}
    s_index = {s: i for i, s in enumerate(sensor_ids)}
    f_index = {f: i for i, f in enumerate(fire_unit_ids)}
    sensor_node, unit_node = _hosts(spec.nodes, s_index, f_index)
    link_index = {ln.id: i for i, ln in enumerate(spec.links)}
    sharing = np.zeros((len(spec.nations), len(spec.nations), len(MESSAGE_KINDS)), dtype=bool)
    sharing[np.arange(len(spec.nations)), np.arange(len(spec.nations)), :] = True
    for release in spec.sharing:
        i = _lookup(nation_index, release.from_nation, "nation")
        j = _lookup(nation_index, release.to_nation, "nation")
        for kind in release.kinds:
            sharing[i, j, MESSAGE_KINDS.index(kind)] = True
    modes = spec.engagement_modes
    topology = Topology(
        nation_ids=spec.nations,
        node_ids=tuple(node_index),
        node_kind=tuple(n.kind for n in spec.nodes),
        node_nation=np.array(
            [_lookup(nation_index, n.nation, "nation") for n in spec.nodes], dtype=np.int64
        ),
        node_space=np.array([n.space for n in spec.nodes], dtype=bool),
        node_processing_s=np.array([n.processing_s for n in spec.nodes], dtype=float),
        link_ids=tuple(link_index),
        link_ends=_link_ends(spec.links, node_index),
        link_latency_s=np.array([ln.latency_s for ln in spec.links], dtype=float),
        link_jitter_s=np.array([ln.jitter_s for ln in spec.links], dtype=float),
        link_loss=np.array([ln.loss_probability for ln in spec.links], dtype=float),
        link_capacity=np.array([ln.capacity_msgs_per_s for ln in spec.links], dtype=float),
        sharing=sharing,
        sensor_ids=tuple(sensor_ids),
        sensor_node=sensor_node,
        fire_unit_ids=tuple(fire_unit_ids),
        fire_unit_node=unit_node,
        fire_unit_mode=np.array(
            [
                ENGAGEMENT_MODES.index(modes.get(f, spec.default_engagement_mode))
                for f in fire_unit_ids
            ],
            dtype=np.int64,
        ),
        fixed_routes=tuple(
            tuple(_lookup(node_index, p, "node") for p in route) for route in spec.routes
        ),
    )
    events = tuple(_event(ev, link_index, node_index, s_index) for ev in spec.events)
    confirmation = None
    rule = spec.attack_confirmation
    if rule is not None:
        confirming = np.zeros(len(spec.nations), dtype=bool)
        for nation in rule.confirming_nations:
            confirming[_lookup(nation_index, nation, "nation")] = True
        confirmation = ConfirmationRule(
            declared_by=_lookup(node_index, rule.declared_by, "node"),
            confirming_nations=confirming,
            min_threats=rule.min_threats,
            min_sensors=rule.min_sensors,
            processing_s=rule.processing_s,
        )
    return Network.build(
        topology, events, confirmation, spec.policy, tuple(n.tracker_filter for n in spec.nodes)
    )


def _hosts(
    nodes: Sequence[NodeSpec], sensors: Mapping[str, int], units: Mapping[str, int]
) -> tuple[IntArray, IntArray]:
    """The node hosting each sensor and each fire unit; every one must be hosted."""
    sensor_node = np.full(len(sensors), -1, dtype=np.int64)
    unit_node = np.full(len(units), -1, dtype=np.int64)
    for i, node in enumerate(nodes):
        for sid in node.sensors:
            sensor_node[_lookup(sensors, sid, "sensor")] = i
        for fid in node.fire_units:
            unit_node[_lookup(units, fid, "fire unit")] = i
    if (sensor_node < 0).any() or (unit_node < 0).any():
        missing = [s for s, i in sensors.items() if sensor_node[i] < 0]
        missing += [f for f, i in units.items() if unit_node[i] < 0]
        raise KamaeError(f"network: on no node: {', '.join(missing)}")
    return sensor_node, unit_node


def _link_ends(links: Sequence[LinkSpec], nodes: Mapping[str, int]) -> IntArray:
    return np.array(
        [[_lookup(nodes, e, "node") for e in ln.between] for ln in links], dtype=np.int64
    ).reshape(len(links), 2)


def fully_connected(sensor_ids: Sequence[str], fire_unit_ids: Sequence[str]) -> Network:
    """The network implied by a scenario without a `network:` section: one nation, one C2
    node, every sensor and fire unit on its own node linked to it with no delay, loss or
    capacity limit, every unit engaging on remote tracks (every sensor's data reaches every
    unit at once, which is what the engine assumed before networks existed)."""

    def node(id_: str, kind: str, sensors: tuple[str, ...], units: tuple[str, ...]) -> NodeSpec:
        return NodeSpec(
            id_, kind, "all", sensors, units, space=False, processing_s=0.0, tracker_filter=None
        )

    def link(end: str) -> LinkSpec:
        return LinkSpec(f"l-{end}", (end, "c2"), 0.0, 0.0, 0.0, float("inf"))

    sensors = [node(f"s{i}", "sensor", (s,), ()) for i, s in enumerate(sensor_ids)]
    units = [node(f"f{i}", "fire_unit", (), (f,)) for i, f in enumerate(fire_unit_ids)]
    spec = NetworkSpec(
        nations=("all",),
        nodes=(node("c2", "c2", (), ()), *sensors, *units),
        links=tuple(link(n.id) for n in (*sensors, *units)),
        routes=(),
        sharing=(),
        default_engagement_mode="engage_on_remote",
        engagement_modes={},
        attack_confirmation=None,
        events=(),
        policy=DEFAULT_POLICY,
    )
    return build_network(spec, sensor_ids=sensor_ids, fire_unit_ids=fire_unit_ids)


def _event(
    spec: EventSpec, links: Mapping[str, int], nodes: Mapping[str, int], sensors: Mapping[str, int]
) -> NetworkEvent:
    return replace(
        spec.event,
        links=tuple(_lookup(links, lid, "link") for lid in spec.links),
        node=-1 if spec.node is None else _lookup(nodes, spec.node, "node"),
        sensor=-1 if spec.sensor is None else _lookup(sensors, spec.sensor, "sensor"),
    )


def _lookup(index: Mapping[str, int], key: str, what: str) -> int:
    try:
        return index[key]
    except KeyError:
        raise KamaeError(f"network: unknown {what} {key!r}") from None
