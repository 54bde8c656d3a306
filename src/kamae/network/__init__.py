"""The allied network: nations, nodes (sensors, fire units, C2, relays), data links with
delay, loss and capacity, routes, sharing policy, engagement modes, attack confirmation,
cyber / electronic-warfare / space events, and track fusion at C2 nodes.

Arrays, not objects: a `Network` is built once per scenario (`build_network` from its typed
description in SI, `kamae.network.spec`); the engine calls `Network.deliver`, `Network.picture`,
`Network.radar_degradation` and `Network.sensors_blind` with arrays. See docs/network.md.
"""

from kamae.network.allied import Network, Picture
from kamae.network.build import build_network, fully_connected
from kamae.network.confirmation import ConfirmationRule, declaration_time
from kamae.network.delivery import Delivery, LinkQueues, fifo_service_start
from kamae.network.events import EVENT_KINDS, Epochs, NetworkEvent
from kamae.network.jamming import jamming_factors, radar_degradation
from kamae.network.routing import Routes
from kamae.network.spec import (
    ConfirmationSpec,
    EventSpec,
    LinkSpec,
    NetworkSpec,
    NodeSpec,
    SharingSpec,
)
from kamae.network.topology import (
    ATTACK_CONFIRMATION,
    EARLY_WARNING,
    ENGAGE_ON_REMOTE,
    ENGAGEMENT_MODES,
    LAUNCH_AUTHORITY,
    LAUNCH_ON_REMOTE,
    MESSAGE_KINDS,
    ORGANIC,
    TRACKS,
    Topology,
)
from kamae.tracking.track_fusion import (
    FusedTracks,
    associate_tracks,
    covariance_intersection,
    fuse_tracks,
    information_fusion,
    track_distance_squared,
)

__all__ = [
    "ATTACK_CONFIRMATION",
    "EARLY_WARNING",
    "ENGAGEMENT_MODES",
    "ENGAGE_ON_REMOTE",
    "EVENT_KINDS",
    "LAUNCH_AUTHORITY",
    "LAUNCH_ON_REMOTE",
    "MESSAGE_KINDS",
    "ORGANIC",
    "TRACKS",
    "ConfirmationRule",
    "ConfirmationSpec",
    "Delivery",
    "Epochs",
    "EventSpec",
    "FusedTracks",
    "LinkQueues",
    "LinkSpec",
    "Network",
    "NetworkEvent",
    "NetworkSpec",
    "NodeSpec",
    "Picture",
    "Routes",
    "SharingSpec",
    "Topology",
    "associate_tracks",
    "build_network",
    "covariance_intersection",
    "declaration_time",
    "fifo_service_start",
    "fully_connected",
    "fuse_tracks",
    "information_fusion",
    "jamming_factors",
    "radar_degradation",
    "track_distance_squared",
]
