"""The optional `network:` section: nations, nodes, links, sharing policy, engagement modes,
attack confirmation, and cyber / electronic-warfare / space events in time windows.

Declared once here (types, ranges, units in the field names, a doc line each). The checks
that need the rest of the scenario are `kamae.scenario.references.cross_check_network` (ids)
and `kamae.world.checks` (the scenario's time span, reachability of remote data). The library
that simulates the network (`kamae.network`) never sees these classes: the world converts the
section into the SI records of `kamae.network.spec` once.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from kamae.scenario.base import Identifier, Probability
from kamae.scenario.base import Strict as _Strict

NodeId = Identifier
MessageKind = Literal["early_warning", "tracks", "launch_authority", "attack_confirmation"]
SharingKind = Literal[
    "early_warning", "tracks", "launch_authority", "attack_confirmation", "targeting"
]
"""What a nation may release: the engine's message kinds, and `targeting` (reconnaissance
finds of launchers, read by the campaign's counterstrike: docs/campaign.md)."""
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
    tracker_filter: Literal["auto", "kf", "ekf", "imm"] | None = Field(
        default=None,
        description="Filter of this node's tracker (a fire unit's picture, a sensor's own "
        "tracks under track sharing); none: doctrine.tracker_filter",
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
    kinds: list[SharingKind] = Field(
        description="Kinds released: message kinds, and `targeting` (the campaign's "
        "reconnaissance finds of launchers)"
    )


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
    """A node taken by a cyber attack: silent, or talking but lying (deception).

    Silent: it neither sends, relays nor receives. With `deception` it still talks but
    lies: the reports its sensors send (plots or tracks)
    are displaced (`displaced`), or each comes with a false twin (`false_tracks`), by
    `displacement_km` towards `displacement_azimuth_deg`. The receiving pictures' gating and
    the network's `remote_track_start` rule decide what is believed."""

    kind: Literal["node_compromised"] = Field(description="Event kind")
    node: str = Field(description="Node id")
    deception: Literal["none", "displaced", "false_tracks"] = Field(
        default="none",
        description="none: the node goes silent; displaced: its sensors' reports are moved; "
        "false_tracks: each of its sensors' reports gets a false twin at the displacement",
    )
    displacement_km: float = Field(
        default=0.0, ge=0, le=5000, description="Displacement of a deceptive report, km"
    )
    displacement_azimuth_deg: float = Field(
        default=0.0,
        ge=0,
        lt=360,
        description="Direction of the displacement, degrees from north at the report",
    )

    @model_validator(mode="after")
    def _deception_moves(self) -> NodeCompromised:
        if self.deception != "none" and self.displacement_km <= 0:
            raise ValueError("a deception needs displacement_km > 0")
        return self


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
    track_reports: Literal["plots", "tracks"] = Field(
        default="plots",
        description="What a sensor's node sends to remote pictures: each plot (measurement "
        "reports), or each of its tracks once per track_report_interval_s (Link 16-like "
        "track sharing, fused by covariance intersection); a unit's own radars always reach "
        "its picture as plots, at once",
    )
    track_report_interval_s: float = Field(
        default=12.0,
        gt=0,
        le=600,
        description="Track sharing: interval between two reports of one track, s (12: one "
        "Link 16 frame of 1536 slots of 7.8125 ms)",
    )
    remote_track_start: Literal["any", "corroborated"] = Field(
        default="any",
        description="When a picture believes a track it has only from remote reports: any "
        "(at once), or corroborated (once reports of it came from two source nodes, or from "
        "the unit's own radar)",
    )
    late_plot_window_s: float = Field(
        default=10.0,
        ge=0,
        le=600,
        description="A plot reaching a picture after its track's newer data is folded in by "
        "retrodiction up to this much older, s; older ones are dropped",
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
