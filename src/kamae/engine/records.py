"""The engine's output records: an event log per replication and its metrics."""

from __future__ import annotations

from dataclasses import dataclass, field

EVENT_KINDS = (
    "detection",
    "track",
    "launch",
    "intercept",
    "kill",
    "leak",
    "attack_confirmed",
    "why_not",
    "destroyed",
)

EVENT_COLUMNS = (
    "time_s", "kind", "threat", "sensor", "fire_unit", "interceptor", "detail", "reason",
)  # fmt: skip
"""The columns of an event log, in order."""


@dataclass
class EventLog:
    """The replication's events in columns (one list per field)."""

    time_s: list[float] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    threat: list[str | None] = field(default_factory=list)
    sensor: list[str | None] = field(default_factory=list)
    fire_unit: list[str | None] = field(default_factory=list)
    interceptor: list[str | None] = field(default_factory=list)
    detail: list[str | None] = field(default_factory=list)
    reason: list[str | None] = field(default_factory=list)
    """Why-not records: the reason (`kamae.results.why_not.REASONS`); None for other events."""

    def add(
        self,
        time_s: float,
        kind: str,
        threat: str | None = None,
        sensor: str | None = None,
        fire_unit: str | None = None,
        interceptor: str | None = None,
        detail: str | None = None,
        reason: str | None = None,
    ) -> None:
        self.time_s.append(float(time_s))
        self.kind.append(kind)
        self.threat.append(threat)
        self.sensor.append(sensor)
        self.fire_unit.append(fire_unit)
        self.interceptor.append(interceptor)
        self.detail.append(detail)
        self.reason.append(reason)

    def __len__(self) -> int:
        return len(self.time_s)


@dataclass(frozen=True)
class ReplicationResult:
    """Metrics (plain numbers) and the event log of one replication."""

    metrics: dict[str, float]
    events: EventLog
