"""A network as the world hands it over: typed records in SI, naming things by id.

What `build_network` takes: the scenario's `network:` section after the world converted it
(ms to s, degrees to radians, J/N in dB to its range and noise factors), or any network a
caller describes directly (`fully_connected`). Ids are resolved to indices by
`build_network`. No field has a default: the scenario file's declarations hold them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kamae.errors import KamaeError
from kamae.network.events import NetworkEvent


@dataclass(frozen=True)
class NodeSpec:
    """A sensor site, fire unit, C2 centre or relay."""

    id: str
    kind: str
    """One of `topology.NODE_KINDS`."""
    nation: str
    sensors: tuple[str, ...]
    """Sensor ids hosted here."""
    fire_units: tuple[str, ...]
    """Fire-unit ids hosted here."""
    space: bool
    """In orbit (a `satellite_lost` event applies)."""
    processing_s: float
    """Delay added when a message is relayed through the node, s."""
    tracker_filter: str | None
    """Filter of the node's tracker (`kamae.tracking.filter_bank.FILTERS` or auto); None:
    the doctrine's."""


@dataclass(frozen=True)
class LinkSpec:
    """A data link between two nodes (both directions, each with its own capacity)."""

    id: str
    between: tuple[str, str]
    latency_s: float
    """Mean one-way delay of the unloaded link, s."""
    jitter_s: float
    """Standard deviation of the delay, s."""
    loss_probability: float
    capacity_msgs_per_s: float
    """Messages per second per direction (inf: unlimited)."""


@dataclass(frozen=True)
class SharingSpec:
    """What one nation releases to another."""

    from_nation: str
    to_nation: str
    kinds: tuple[str, ...]
    """Message kinds released (`topology.MESSAGE_KINDS`)."""


@dataclass(frozen=True)
class ConfirmationSpec:
    """The attack-confirmation rule, by id (see `confirmation.ConfirmationRule`)."""

    declared_by: str
    confirming_nations: tuple[str, ...]
    min_threats: int
    min_sensors: int
    processing_s: float


@dataclass(frozen=True)
class EventSpec:
    """An event: what it hits, by id, and its kind, window and effects in SI (`event`, whose
    indices `build_network` fills in)."""

    event: NetworkEvent
    links: tuple[str, ...]
    """Link ids (link_cut, link_degraded)."""
    node: str | None
    """Node id (node_compromised, satellite_lost)."""
    sensor: str | None
    """Sensor id (radar_jammed)."""


@dataclass(frozen=True)
class SharingPolicy:
    """How remote data reach a picture, and when the picture believes them."""

    track_reports: str
    """`plots` (every plot forwarded) or `tracks` (each track once per interval)."""
    track_report_interval_s: float
    remote_track_start: str
    """`any` or `corroborated` (`kamae.tracking.picture`)."""
    late_plot_window_s: float
    """Out-of-sequence plots up to this much older than their track are retrodicted, s."""

    def __post_init__(self) -> None:
        if self.track_reports not in ("plots", "tracks"):
            raise KamaeError(f"track_reports must be plots or tracks, got {self.track_reports}")
        if not self.track_report_interval_s > 0 or not self.late_plot_window_s >= 0:
            raise KamaeError("track report interval must be > 0 s and the late window >= 0 s")


@dataclass(frozen=True)
class NetworkSpec:
    """The allied network: who owns what, how data moves, what is shared, what attacks it."""

    nations: tuple[str, ...]
    nodes: tuple[NodeSpec, ...]
    links: tuple[LinkSpec, ...]
    routes: tuple[tuple[str, ...], ...]
    """Fixed routes (node ids from source to destination)."""
    sharing: tuple[SharingSpec, ...]
    default_engagement_mode: str
    """Engagement mode of fire units not in `engagement_modes` (`topology.ENGAGEMENT_MODES`)."""
    engagement_modes: Mapping[str, str]
    """Engagement mode per fire-unit id."""
    attack_confirmation: ConfirmationSpec | None
    events: tuple[EventSpec, ...]
    policy: SharingPolicy
