"""The engine: replications of a world, time-stepped (see `kamae.engine.loop`)."""

from kamae.engine.loop import simulate, simulate_batch, simulate_many
from kamae.engine.records import EVENT_KINDS, EventLog, ReplicationResult

__all__ = [
    "EVENT_KINDS",
    "EventLog",
    "ReplicationResult",
    "simulate",
    "simulate_batch",
    "simulate_many",
]
