"""Exports of one replication of a run folder for other tools (docs/interop.md).

`replay` rebuilds the replication in space and time (the engine's trajectories, the event
log's launches, intercepts and leaks, the interceptors' fly-outs); `czml` writes it for a
Cesium viewer (czml3), `dis` as IEEE 1278.1 (DIS 7) PDUs (open-dis-python).
"""

from kamae.export.replay import Replay, read_replay

__all__ = ["Replay", "read_replay"]
