"""The allied network of one scenario, built once: topology, event epochs, routes; and the
array functions the engine calls every step (delivery, picture, jamming, blind sensors).

Immutable and shared by all replications; the only per-replication state is `LinkQueues`
(`Network.new_queues()`), and each replication passes its own generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamae.network.confirmation import ConfirmationRule, declaration_time
from kamae.network.delivery import Delivery, LinkQueues, deliver_messages
from kamae.network.events import Epochs, NetworkEvent, network_epochs
from kamae.network.jamming import radar_degradation
from kamae.network.routing import Routes, compute_routes
from kamae.network.spec import SharingPolicy
from kamae.network.topology import (
    ATTACK_CONFIRMATION,
    EARLY_WARNING,
    ENGAGE_ON_REMOTE,
    LAUNCH_ON_REMOTE,
    TRACKS,
    BoolArray,
    FloatArray,
    IntArray,
    Topology,
)

DEFAULT_POLICY = SharingPolicy(
    track_reports="plots", track_report_interval_s=12.0, remote_track_start="any",
    late_plot_window_s=10.0,
)  # fmt: skip
"""The policy of a network described without one (`fully_connected`, library use): the
scenario file's defaults (`kamae.scenario.network.Network`)."""


@dataclass(frozen=True)
class Picture:
    """What each of F fire units can hear from each of S sensors at one time."""

    reachable: BoolArray
    """(F, S) a route exists and the sharing policy releases the sensor's tracks to the
    unit's nation (organic sensors included)."""
    organic: BoolArray
    """(F, S) the sensor sits on the unit's own node."""
    latency_s: FloatArray
    """(F, S) mean delay from sensor to unit (inf where unreachable)."""
    delivery_probability: FloatArray
    """(F, S) probability that one message survives the route (0 where unreachable)."""
    launch: BoolArray
    """(F, S) tracks the unit may launch on (organic; remote too unless the mode is organic)."""
    engage: BoolArray
    """(F, S) tracks the unit may guide to intercept on (organic; remote if engage_on_remote)."""


@dataclass(frozen=True)
class Network:
    """A scenario's network, ready to simulate."""

    topology: Topology
    events: tuple[NetworkEvent, ...]
    epochs: Epochs
    routes: Routes
    confirmation: ConfirmationRule | None = None
    policy: SharingPolicy = DEFAULT_POLICY
    """How remote data reach the pictures and when they are believed."""
    node_filter: tuple[str | None, ...] = ()
    """Per node: its tracker's filter (None: the doctrine's); empty: None for every node."""

    @classmethod
    def build(
        cls,
        topology: Topology,
        events: tuple[NetworkEvent, ...] = (),
        confirmation: ConfirmationRule | None = None,
        policy: SharingPolicy | None = None,
        node_filter: tuple[str | None, ...] = (),
    ) -> Network:
        """Precompute epochs and routes."""
        epochs = network_epochs(topology, events)
        return cls(
            topology, events, epochs, compute_routes(topology, epochs), confirmation,
            DEFAULT_POLICY if policy is None else policy, node_filter,
        )  # fmt: skip

    def filter_of_node(self, node: int) -> str | None:
        """The filter node `node`'s tracker runs (None: the doctrine's)."""
        return self.node_filter[node] if self.node_filter else None

    def deceptions(self, t: float) -> list[NetworkEvent]:
        """The deception events active at time t."""
        return [e for e in self.events if e.deception != "none" and e.active(t)]

    # -- per replication ---------------------------------------------------------------------

    def new_queues(self, replications: int | None = None) -> LinkQueues:
        """Empty link queues: (A,) for one replication, (R, A) for a batch of R."""
        shape = (
            (self.topology.n_arcs,)
            if replications is None
            else (replications, self.topology.n_arcs)
        )
        return LinkQueues(busy_until=np.full(shape, -np.inf))

    @property
    def draws_per_message(self) -> int:
        """Random numbers each message consumes (2 per hop of the longest route)."""
        return 2 * self.routes.max_hops

    def message_uniforms(self, rng: np.random.Generator, messages: int) -> FloatArray:
        """The (M, draws_per_message) uniforms of M messages from a replication's generator."""
        return rng.random((messages, self.draws_per_message))

    def deliver(
        self,
        send_s: FloatArray,
        src: IntArray | int,
        dst: IntArray | int,
        kind: IntArray | int,
        rng: np.random.Generator,
        queues: LinkQueues | None = None,
    ) -> Delivery:
        """Deliver M messages of one replication between nodes (indices); `arrival_s` is inf
        where a message is lost, refused by the sharing policy, or has no route. Without
        ``queues`` links have unlimited capacity. Draws `message_uniforms(rng, M)`."""
        send = np.atleast_1d(np.asarray(send_s, dtype=float))
        m = send.size
        return deliver_messages(
            self.topology,
            self.epochs,
            self.routes,
            send,
            _per_message(src, m),
            _per_message(dst, m),
            _per_message(kind, m),
            self.message_uniforms(rng, m),
            queues,
        )

    def deliver_batch(
        self,
        send_s: FloatArray,
        src: IntArray,
        dst: IntArray,
        kind: IntArray,
        uniforms: FloatArray,
        replication: IntArray,
        queues: LinkQueues | None = None,
    ) -> Delivery:
        """Deliver the messages of a batch of replications in one call: message i belongs to
        ``replication[i]``, uses the queues of its row of ``queues`` (R, A), and its row of
        ``uniforms`` (M, draws_per_message), drawn from its replication's generator
        (`message_uniforms`). Same results as one `deliver` per replication."""
        send = np.asarray(send_s, dtype=float)
        m = send.size
        return deliver_messages(
            self.topology,
            self.epochs,
            self.routes,
            send,
            _per_message(src, m),
            _per_message(dst, m),
            _per_message(kind, m),
            np.asarray(uniforms, dtype=float),
            queues,
            np.asarray(replication, dtype=np.int64),
        )

    def deliver_tracks(
        self,
        send_s: FloatArray,
        sensor: IntArray,
        fire_unit: IntArray,
        rng: np.random.Generator,
        queues: LinkQueues | None = None,
    ) -> Delivery:
        """Track reports from sensors to fire units (scenario indices)."""
        t = self.topology
        return self.deliver(
            send_s, t.sensor_node[sensor], t.fire_unit_node[fire_unit], TRACKS, rng, queues
        )

    # -- the picture at a time ----------------------------------------------------------------

    def picture(self, t: float) -> Picture:
        """Who hears whom at time t (the epoch of t)."""
        top = self.topology
        e = int(self.epochs.index(t))
        sn, fn = top.sensor_node, top.fire_unit_node
        nation = top.node_nation
        released = top.sharing[nation[sn][None, :], nation[fn][:, None], TRACKS]
        routed = self.routes.hops[e][sn[None, :], fn[:, None]] >= 0
        seeing = ~self.epochs.sensor_blind[e]
        reachable = released & routed & seeing[None, :]
        organic = (
            (sn[None, :] == fn[:, None]) & seeing[None, :] & self.epochs.node_up[e, fn][:, None]
        )
        latency = np.where(reachable, self.routes.mean_delay_s[e][sn[None, :], fn[:, None]], np.inf)
        prob = np.where(reachable, self.routes.success[e][sn[None, :], fn[:, None]], 0.0)
        mode = top.fire_unit_mode[:, None]
        launch = organic | (reachable & (mode >= LAUNCH_ON_REMOTE))
        engage = organic | (reachable & (mode == ENGAGE_ON_REMOTE))
        return Picture(reachable, organic, latency, prob, launch, engage)

    def remote_track_sources(self, t: float) -> BoolArray:
        """(F, S) non-organic sensors whose tracks can reach each unit at time t."""
        p = self.picture(t)
        return p.reachable & ~p.organic

    def sensors_blind(self, t: float) -> BoolArray:
        """(S,) sensors blinded at time t (hosted by a lost satellite)."""
        return self.epochs.sensor_blind[int(self.epochs.index(t))].copy()

    def radar_degradation(
        self, t: float, sensor: IntArray, azimuth: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(noise_factor, pd_factor, range_factor) for looks of ``sensor`` at ``azimuth``."""
        return radar_degradation(self.events, t, sensor, azimuth)

    # -- attack confirmation ------------------------------------------------------------------

    def attack_confirmation(
        self,
        detect_s: FloatArray,
        sensor: IntArray,
        threat: IntArray,
        rng: np.random.Generator,
        queues: LinkQueues | None = None,
    ) -> tuple[float, FloatArray]:
        """(declaration time, (N,) time each node receives the confirmation) from detections
        (time, sensor index, threat index); inf where never. Sends the reports as
        early-warning messages to the declaring node, then broadcasts the declaration."""
        rule = self.confirmation
        n = self.topology.n_nodes
        if rule is None:
            return float("inf"), np.full(n, np.inf)
        sensor = np.asarray(sensor, dtype=np.int64)
        reports = self.deliver(
            detect_s,
            self.topology.sensor_node[sensor],
            np.full(sensor.size, rule.declared_by),
            EARLY_WARNING,
            rng,
            queues,
        )
        sensor_nation = self.topology.node_nation[self.topology.sensor_node]
        declared = declaration_time(
            rule, reports.arrival_s, sensor, np.asarray(threat), sensor_nation
        )
        nodes = np.arange(n)
        if not np.isfinite(declared):
            self.deliver(np.zeros(n), nodes, nodes, ATTACK_CONFIRMATION, rng, None)  # same draws
            return declared, np.full(n, np.inf)
        received = self.deliver(
            np.full(n, declared),
            np.full(n, rule.declared_by),
            nodes,
            ATTACK_CONFIRMATION,
            rng,
            queues,
        )
        return declared, received.arrival_s


def _per_message(value: IntArray | int, m: int) -> IntArray:
    a = np.asarray(value, dtype=np.int64)
    return a if a.shape == (m,) else np.full(m, a, dtype=np.int64)
