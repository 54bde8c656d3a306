"""The network's static description as plain arrays: nations, nodes, links, sharing policy,
which node hosts which sensor and fire unit, engagement modes and fixed routes.

Indices, not objects: node n, link l, sensor s (the scenario's sensor order), fire unit f (the
scenario's fire-unit order). Each link carries traffic both ways; direction d of link l is
the *arc* 2l + d (d = 0: ends[l, 0] → ends[l, 1]; d = 1: back), each arc a server of its own
(full duplex). SI units: seconds, messages per second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.errors import KamaeError

MESSAGE_KINDS = ("early_warning", "tracks", "launch_authority", "attack_confirmation")
"""Message kinds the sharing policy distinguishes; a kind is its index in this tuple."""
EARLY_WARNING, TRACKS, LAUNCH_AUTHORITY, ATTACK_CONFIRMATION = range(4)

ENGAGEMENT_MODES = ("organic", "launch_on_remote", "engage_on_remote")
"""organic: own (co-located) radars only; launch_on_remote: a remote track may launch the
interceptor, own radars must take over before the intercept; engage_on_remote: remote tracks
throughout."""
ORGANIC, LAUNCH_ON_REMOTE, ENGAGE_ON_REMOTE = range(3)

NODE_KINDS = ("sensor", "fire_unit", "c2", "relay")


@dataclass(frozen=True)
class Topology:
    """N nodes, L links, S sensors, F fire units, K nations: the network without its events."""

    nation_ids: tuple[str, ...]
    node_ids: tuple[str, ...]
    node_kind: tuple[str, ...]
    """One of NODE_KINDS per node."""
    node_nation: IntArray
    """(N,) owning nation index."""
    node_space: BoolArray
    """(N,) in orbit (a `satellite_lost` event applies)."""
    node_processing_s: FloatArray
    """(N,) delay added when a message is relayed through the node, s."""
    link_ids: tuple[str, ...]
    link_ends: IntArray
    """(L, 2) node indices."""
    link_latency_s: FloatArray
    """(L,) mean one-way delay of the unloaded link, s."""
    link_jitter_s: FloatArray
    """(L,) standard deviation of the delay, s."""
    link_loss: FloatArray
    """(L,) probability that a message is lost on the link."""
    link_capacity: FloatArray
    """(L,) messages per second per direction (inf: unlimited)."""
    sharing: BoolArray
    """(K, K, 4) sharing[i, j, kind]: nation i releases messages of this kind to nation j."""
    sensor_ids: tuple[str, ...]
    sensor_node: IntArray
    """(S,) node hosting each sensor."""
    fire_unit_ids: tuple[str, ...]
    fire_unit_node: IntArray
    """(F,) node hosting each fire unit."""
    fire_unit_mode: IntArray
    """(F,) index into ENGAGEMENT_MODES."""
    fixed_routes: tuple[tuple[int, ...], ...] = field(default=())
    """Node paths that replace the least-delay route from their first to their last node."""

    def __post_init__(self) -> None:
        n, k = len(self.node_ids), len(self.nation_ids)
        n_links = len(self.link_ids)
        checks = [
            (self.node_nation.shape == (n,), "node_nation must have one entry per node"),
            (bool(np.all((self.node_nation >= 0) & (self.node_nation < k))), "node_nation index"),
            (self.node_space.shape == (n,), "node_space shape"),
            (self.node_processing_s.shape == (n,), "node_processing_s shape"),
            (bool(np.all(self.node_processing_s >= 0)), "node_processing_s must be >= 0"),
            (all(x in NODE_KINDS for x in self.node_kind), f"node kinds are {NODE_KINDS}"),
            (self.link_ends.shape == (n_links, 2), "link_ends must be (L, 2)"),
            (bool(np.all((self.link_ends >= 0) & (self.link_ends < n))), "link end index"),
            (bool(np.all(self.link_ends[:, 0] != self.link_ends[:, 1])), "a link joins two nodes"),
            (bool(np.all(self.link_latency_s >= 0)), "link latency must be >= 0"),
            (bool(np.all(self.link_jitter_s >= 0)), "link jitter must be >= 0"),
            (bool(np.all((self.link_loss >= 0) & (self.link_loss <= 1))), "loss in [0, 1]"),
            (bool(np.all(self.link_capacity > 0)), "link capacity must be > 0"),
            (self.sharing.shape == (k, k, len(MESSAGE_KINDS)), "sharing must be (K, K, 4)"),
            (self.sensor_node.shape == (len(self.sensor_ids),), "sensor_node shape"),
            (bool(np.all((self.sensor_node >= 0) & (self.sensor_node < n))), "sensor node"),
            (self.fire_unit_node.shape == (len(self.fire_unit_ids),), "fire_unit_node shape"),
            (bool(np.all((self.fire_unit_node >= 0) & (self.fire_unit_node < n))), "unit node"),
            (self.fire_unit_mode.shape == (len(self.fire_unit_ids),), "fire_unit_mode shape"),
            (
                bool(np.all((self.fire_unit_mode >= 0) & (self.fire_unit_mode < 3))),
                "fire_unit_mode index",
            ),
        ]
        for ok, what in checks:
            if not ok:
                raise KamaeError(f"network topology: {what}")
        for path in self.fixed_routes:
            if len(path) < 2 or any(not 0 <= p < n for p in path):
                raise KamaeError(f"network topology: bad fixed route {path}")

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    @property
    def n_arcs(self) -> int:
        """Directed arcs (two per link)."""
        return 2 * len(self.link_ids)

    def arc_tail_head(self) -> tuple[IntArray, IntArray]:
        """(A,) tail and head node of every arc."""
        tail = np.empty(self.n_arcs, dtype=np.int64)
        head = np.empty(self.n_arcs, dtype=np.int64)
        tail[0::2], head[0::2] = self.link_ends[:, 0], self.link_ends[:, 1]
        tail[1::2], head[1::2] = self.link_ends[:, 1], self.link_ends[:, 0]
        return tail, head
