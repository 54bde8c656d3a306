"""A run folder read back for reporting: results files, the rebuilt world, and digests.

The folder written by `kamae run` holds summary.json, manifest.json, replications.parquet,
events.parquet and scenario.yaml; the scenario file alone rebuilds the deterministic world
(trajectories, radars, fire units). Optional tables written by later layers (campaign days,
trade studies) are picked up when present.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kamae.arrays import IntArray
from kamae.errors import KamaeError
from kamae.results.events import with_event_fields
from kamae.scenario import LoadedScenario, load_scenario_text
from kamae.world import World, build_world

REQUIRED_FILES = (
    "summary.json",
    "manifest.json",
    "replications.parquet",
    "events.parquet",
    "scenario.yaml",
)
OPTIONAL_TABLES = {
    "campaign.parquet": "Campaign days",
    "trade_study.parquet": "Trade study",
}
"""Optional result tables, charted when present (provisional names until the campaign and
budget layers write them; see docs/report.md)."""


@dataclass(frozen=True)
class RunFolder:
    """Everything a report needs from one run folder."""

    path: Path
    summary: dict[str, Any]
    manifest: dict[str, Any]
    replications: pa.Table
    events: pa.Table
    loaded: LoadedScenario
    """The scenario file kept in the folder (scenario.yaml), as loaded."""
    world: World
    extra_tables: dict[str, pa.Table]
    """Optional tables present in the folder, by title."""

    @property
    def leaked(self) -> IntArray:
        """Threats leaked per replication, in replication order."""
        return np.asarray(self.replications.column("threats_leaked").to_numpy(), dtype=np.int64)

    @property
    def replication_ids(self) -> IntArray:
        return np.asarray(self.replications.column("replication").to_numpy(), dtype=np.int64)

    def events_of(self, replication: int) -> pa.Table:
        """The event log of one replication."""
        return self.events.filter(pc.equal(self.events.column("replication"), replication))

    def leak_counts(self) -> dict[str, int]:
        """How many replications each threat leaked in, by threat id."""
        leaks = self.events.filter(pc.equal(self.events.column("kind"), "leak"))
        counts = pc.value_counts(leaks.column("threat")).to_pylist()
        return {str(c["values"]): int(c["counts"]) for c in counts}


def read_run_folder(path: Path, world: World | None = None) -> RunFolder:
    """Read a run folder and rebuild its world from the scenario file kept in it (`world`:
    the run's own world, when the caller that ran it still holds it: the one that file
    builds)."""
    path = Path(path)
    if not path.is_dir():
        raise KamaeError(f"{path}: not a run folder (no such directory)")
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        raise KamaeError(
            f"{path}: not a complete run folder (missing {', '.join(missing)}); "
            "run `kamae run` to write one"
        )
    try:
        summary = json.loads((path / "summary.json").read_text(encoding="utf-8"))
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        replications = pq.read_table(path / "replications.parquet")
        events = with_event_fields(pq.read_table(path / "events.parquet"))
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise KamaeError(f"{path}: cannot read the run's results ({exc})") from None
    events = events.cast(_plain_kind(events.schema))
    loaded = load_scenario_text((path / "scenario.yaml").read_bytes(), str(path / "scenario.yaml"))
    extra: dict[str, pa.Table] = {}
    for name, title in OPTIONAL_TABLES.items():
        if (path / name).is_file():
            extra[title] = pq.read_table(path / name)
    return RunFolder(
        path=path,
        summary=summary,
        manifest=manifest,
        replications=replications.sort_by("replication"),
        events=events,
        loaded=loaded,
        world=build_world(loaded) if world is None else world,
        extra_tables=extra,
    )


def _plain_kind(schema: pa.Schema) -> pa.Schema:
    """The events schema with the dictionary-encoded `kind` as a plain string column."""
    i = schema.get_field_index("kind")
    return schema.set(i, pa.field("kind", pa.string())) if i >= 0 else schema


@dataclass(frozen=True)
class Pick:
    """A replication offered in the report, and why."""

    replication: int
    label: str


def pick_replications(run: RunFolder, chosen: int | None = None) -> list[Pick]:
    """Representative replications: the chosen one (default: median leakers), then the
    worst, the best and the first; each listed once, the chosen one first."""
    ids = run.replication_ids
    leaked = run.leaked
    picks: list[Pick] = []

    def add(index: int, label: str) -> None:
        rep = int(ids[index])
        if all(p.replication != rep for p in picks):
            picks.append(Pick(rep, f"replication {rep}: {label}, {leaked[index]} leaked"))

    if chosen is not None:
        where = np.flatnonzero(ids == chosen)
        if where.size == 0:
            raise KamaeError(
                f"{run.path}: no replication {chosen} (replications 0 to {int(ids.max())})"
            )
        add(int(where[0]), "chosen")
    median = float(np.median(leaked))
    add(int(np.argmin(np.abs(leaked - median))), "typical (median leakers)")
    add(int(np.argmax(leaked)), "worst (most leakers)")
    add(int(np.argmin(leaked)), "best (fewest leakers)")
    add(0, "first")
    return picks
