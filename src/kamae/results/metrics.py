"""Per-replication metrics as typed records, and the replication table's columns.

Each part of the engine hands back a small record of counts per replication: the battle
manager an `EngagementCounts`, the sensing and tracking chain a `TrackingCounts`, the allied
network a `NetworkCounts` (absent without a `network:` section), the battle's threat effects a
`CountermeasureCounts` (absent without decoys, debris or aim points at the defense).
`ReplicationMetrics` joins
them and names the replication table's columns (`columns`: one float per column, in the
records' field order). Counts per interceptor type and per unpriced threat type are
dictionaries in the records and `fired.<type>` / `engaged_without_cost.<type>` columns in the
table; `MetricColumns` reads a table's columns back into those typed groups. The column names
are spelled here only, for writing and for reading.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from kamae.arrays import FloatArray

FIRED = "fired."
"""Column prefix of the interceptors fired per interceptor type."""
ENGAGED_WITHOUT_COST = "engaged_without_cost."
"""Column prefix of the engaged threats per threat type that has no assumed unit cost."""

_PREFIX = "column_prefix"


def _by_type(prefix: str) -> dict[str, float]:
    """A record field holding one count per type: one column per key, named prefix + key."""
    return field(default_factory=dict, metadata={_PREFIX: prefix})


@dataclass(frozen=True)
class EngagementCounts:
    """What the battle manager did in one replication (counts are floats, as in the table)."""

    threats_launched: float
    threats_intercepted: float
    threats_leaked: float
    threats_leaked_effective: float
    """Leakers landing within their lethal radius of the aim point (impact dispersion)."""
    no_leak: float
    """1.0 when no threat leaked."""
    interceptors_fired: float
    interceptors_at_destroyed: float
    """Interceptors fired at threats already destroyed (an unrecognised kill)."""
    fired_by_type: dict[str, float] = _by_type(FIRED)
    """Interceptors fired per interceptor type, in name order."""
    interceptor_cost_musd: float = 0.0
    threats_engaged: float = 0.0
    """Threats at which at least one interceptor was fired."""
    threat_cost_engaged_musd: float = 0.0
    """Summed unit cost of the engaged threats whose type has one."""
    engaged_without_cost: dict[str, float] = _by_type(ENGAGED_WITHOUT_COST)
    """Engaged threats per threat type without an assumed unit cost, in name order."""


@dataclass(frozen=True)
class TrackingCounts:
    """What sensing and tracking did in one replication, with its track-picture measures."""

    tracks_diverged: float
    false_plots: float
    false_tracks: float
    false_tracks_confirmed: float
    plots_misassociated: float
    early_warning_reports: float
    siap_completeness: float
    siap_ambiguity: float
    siap_spuriousness: float
    siap_position_error_m: float
    gospa_m: float


@dataclass(frozen=True)
class NetworkCounts:
    """What the allied network carried in one replication."""

    track_messages: float
    track_messages_lost: float
    track_plots_stale: float
    """Plots dropped: older than their picture track's newest data by more than the late
    window."""
    attack_confirmed: float
    """1.0 when the attack was declared confirmed."""
    track_reports_shared: float
    """Track reports sent under track sharing (0 with plot forwarding)."""
    track_plots_late: float
    """Out-of-sequence plots folded into pictures by retrodiction."""
    picture_duplicates: float
    """Tracks held aside because their object's slot already held a track."""
    picture_merges: float
    picture_promotions: float
    """Held-aside tracks moved into their slot (believed, or superseding)."""
    picture_unbelieved: float
    """Tracks started on remote reports that the corroboration rule did not yet believe."""
    picture_tracks_diverged: float
    picture_tracks_coasted: float
    """Slot tracks deleted after a long time without a report."""
    deceptive_reports: float
    deceptive_believed: float
    """Deceptive reports that updated or started an engageable track."""
    deceptive_rejected: float
    picture_completeness: float
    picture_ambiguity: float
    picture_spuriousness: float
    picture_position_error_m: float
    """SIAP of the fire units' pictures (every group, slot and held-aside tracks), with each
    track assigned to the object it follows."""
    picture_decision_error_m: float
    """Mean position error of the firm slot tracks of fire-control quality alone (what the
    battle manager may engage; held-aside duplicates, false, unbelieved and poor tracks left
    out), each against the object it follows, m."""


@dataclass(frozen=True)
class CountermeasureCounts:
    """What the threats' countermeasures and attacks on the defense did in one replication
    (absent when the scenario has no decoys, debris or aim points at the defense)."""

    objects_engaged: float
    """Objects (warheads, decoys, debris) at which at least one interceptor was fired."""
    decoys_engaged: float
    debris_engaged: float
    interceptors_at_decoys_and_debris: float
    sensors_destroyed: float
    fire_units_destroyed: float


def _record_columns(record: object) -> Iterator[tuple[str, float]]:
    for f in dataclasses.fields(record):  # type: ignore[arg-type]
        value = getattr(record, f.name)
        prefix = f.metadata.get(_PREFIX)
        if prefix is None:
            yield f.name, value
        else:
            for key, count in value.items():
                yield prefix + key, count


@dataclass(frozen=True)
class ReplicationMetrics:
    """One replication's metrics: the records of the engine's parts."""

    engagement: EngagementCounts
    tracking: TrackingCounts
    network: NetworkCounts | None = None
    countermeasures: CountermeasureCounts | None = None

    def columns(self) -> dict[str, float]:
        """The replication table's row: engagement, tracking, network, then countermeasure
        columns."""
        parts: list[object] = [self.engagement, self.tracking]
        if self.network is not None:
            parts.append(self.network)
        if self.countermeasures is not None:
            parts.append(self.countermeasures)
        return {name: value for part in parts for name, value in _record_columns(part)}


@dataclass(frozen=True)
class MetricColumns:
    """A replication table's columns (one array per column), with the per-type groups."""

    columns: Mapping[str, FloatArray]

    def __getitem__(self, name: str) -> FloatArray:
        return self.columns[name]

    def __contains__(self, name: object) -> bool:
        return name in self.columns

    def get(self, name: str, default: FloatArray) -> FloatArray:
        return self.columns.get(name, default)

    @property
    def fired_by_type(self) -> dict[str, FloatArray]:
        """Interceptors fired per interceptor type (table order)."""
        return self._group(FIRED)

    @property
    def engaged_without_cost(self) -> dict[str, FloatArray]:
        """Engaged threats per unpriced threat type (table order)."""
        return self._group(ENGAGED_WITHOUT_COST)

    def _group(self, prefix: str) -> dict[str, FloatArray]:
        return {
            name.removeprefix(prefix): values
            for name, values in self.columns.items()
            if name.startswith(prefix)
        }
