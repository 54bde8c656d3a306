"""Cyber, electronic-warfare and space events in time windows, and the piecewise-constant
network states ("epochs") they cut the timeline into.

Every event is active on [start_s, end_s). Between two consecutive event boundaries the
network does not change, so its routes are computed once per epoch (a handful per scenario)
and a message uses the epoch of its send time for its whole route (the network is taken as
frozen while a message is in flight: its flight is milliseconds to seconds, events last
minutes). Effects, per kind:
- link_cut: the link carries nothing, both ways;
- link_degraded: delay (mean and jitter) × latency_factor, loss + added_loss (capped at 1),
  capacity × capacity_factor; several at once multiply (factors) and add (loss);
- node_compromised: the node neither sends, relays nor receives; with a `deception` it stays
  up and its sensors' reports are displaced or get false twins (applied to the reports by
  `kamae.network.deception`, not to the network's state);
- satellite_lost: as node_compromised, and the sensors the node hosts are blind;
- radar_jammed: see `kamae.network.jamming` (it changes the radar, not the network).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamae.errors import KamaeError
from kamae.network.topology import BoolArray, FloatArray, Topology

EVENT_KINDS = ("link_cut", "link_degraded", "node_compromised", "satellite_lost", "radar_jammed")


@dataclass(frozen=True)
class NetworkEvent:
    """One event: its kind, window and what it hits (indices into the topology)."""

    kind: str
    start_s: float
    end_s: float = float("inf")
    links: tuple[int, ...] = ()
    node: int = -1
    sensor: int = -1
    latency_factor: float = 1.0
    added_loss: float = 0.0
    capacity_factor: float = 1.0
    sector_from: float = 0.0
    """Jamming sector start, radians clockwise from north."""
    sector_to: float = 2.0 * np.pi
    """Jamming sector end, radians clockwise from north (the sector may wrap through north)."""
    noise_factor: float = 1.0
    pd_factor: float = 1.0
    range_factor: float = 1.0
    deception: str = "none"
    """node_compromised: `none` (silent), `displaced` or `false_tracks`."""
    displacement_m: float = 0.0
    """Deception: how far a report is moved, m."""
    displacement_azimuth: float = 0.0
    """Deception: towards which azimuth at the reporting sensor, radians from north."""

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise KamaeError(f"network event kind must be one of {EVENT_KINDS}, got {self.kind!r}")
        if not self.end_s > self.start_s:
            raise KamaeError(f"network event {self.kind}: end_s must be after start_s")
        if self.latency_factor < 1 or not 0 <= self.added_loss <= 1:
            raise KamaeError(f"network event {self.kind}: latency_factor >= 1, loss in [0, 1]")
        if not 0 < self.capacity_factor <= 1 or not 0 <= self.pd_factor <= 1:
            raise KamaeError(f"network event {self.kind}: capacity and pd factors in (0, 1]")
        if self.noise_factor < 1 or not 0 < self.range_factor <= 1:
            raise KamaeError(f"network event {self.kind}: noise >= 1, range factor in (0, 1]")
        if self.deception not in ("none", "displaced", "false_tracks"):
            raise KamaeError("network event deception must be none, displaced or false_tracks")
        if self.deception != "none" and (
            self.kind != "node_compromised" or self.displacement_m <= 0
        ):
            raise KamaeError("a deception is a node_compromised event with a displacement > 0 m")

    def active(self, t: float) -> bool:
        return self.start_s <= t < self.end_s


@dataclass(frozen=True)
class Epochs:
    """E network states: epoch e holds on [starts[e], starts[e + 1]) (starts[0] = -inf)."""

    starts: FloatArray
    """(E,) start time of each epoch, s."""
    node_up: BoolArray
    """(E, N) node in service."""
    arc_up: BoolArray
    """(E, A) arc in service (its link is not cut and both its nodes are up)."""
    arc_latency_s: FloatArray
    """(E, A) mean delay."""
    arc_jitter_s: FloatArray
    """(E, A) standard deviation of the delay."""
    arc_loss: FloatArray
    """(E, A) loss probability."""
    arc_capacity: FloatArray
    """(E, A) messages per second (inf: unlimited)."""
    sensor_blind: BoolArray
    """(E, S) sensor hosted by a lost satellite."""

    def index(self, t: float | FloatArray) -> np.ndarray:
        """Epoch index of time(s) t."""
        return np.searchsorted(self.starts, t, side="right") - 1


def network_epochs(topology: Topology, events: tuple[NetworkEvent, ...]) -> Epochs:
    """Cut the timeline at every event boundary and apply the active events to each part."""
    bounds = sorted({e.start_s for e in events} | {e.end_s for e in events if np.isfinite(e.end_s)})
    starts = np.array([-np.inf, *bounds], dtype=float)
    n_epochs, n_nodes = starts.size, topology.n_nodes
    tail, head = topology.arc_tail_head()
    node_up = np.ones((n_epochs, n_nodes), dtype=bool)
    link_up = np.ones((n_epochs, len(topology.link_ids)), dtype=bool)
    latency = np.tile(topology.link_latency_s, (n_epochs, 1))
    jitter = np.tile(topology.link_jitter_s, (n_epochs, 1))
    loss = np.tile(topology.link_loss, (n_epochs, 1))
    capacity = np.tile(topology.link_capacity, (n_epochs, 1))
    blind = np.zeros((n_epochs, topology.sensor_node.size), dtype=bool)
    for e, t in enumerate(starts):
        for ev in events:
            if not ev.active(t):
                continue
            links = list(ev.links)
            if ev.kind == "link_cut":
                link_up[e, links] = False
            elif ev.kind == "link_degraded":
                latency[e, links] *= ev.latency_factor
                jitter[e, links] *= ev.latency_factor
                loss[e, links] = np.minimum(1.0, loss[e, links] + ev.added_loss)
                capacity[e, links] *= ev.capacity_factor
            elif ev.kind == "node_compromised" and ev.deception != "none":
                continue  # a deceiving node stays up: it lies instead of falling silent
            elif ev.kind in ("node_compromised", "satellite_lost"):
                node_up[e, ev.node] = False
                if ev.kind == "satellite_lost":
                    blind[e] |= topology.sensor_node == ev.node
    arc_up = np.repeat(link_up, 2, axis=1) & node_up[:, tail] & node_up[:, head]
    return Epochs(
        starts=starts,
        node_up=node_up,
        arc_up=arc_up,
        arc_latency_s=np.repeat(latency, 2, axis=1),
        arc_jitter_s=np.repeat(jitter, 2, axis=1),
        arc_loss=np.repeat(loss, 2, axis=1),
        arc_capacity=np.repeat(capacity, 2, axis=1),
        sensor_blind=blind,
    )
