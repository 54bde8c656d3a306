"""A sweep: points of a scenario (a grid or a Latin hypercube over its fields), each run for
R replications on a local process pool or a Dask cluster, streamed to chunk files that
survive a crash, then summarised per point with 95% confidence intervals.

Seeding. Replication i of point p draws from `SeedSequence(seed, spawn_key=(i,))` by default:
common random numbers, the same streams at every point, which is `SeedSequence(seed).spawn(R)[i]`
(`montecarlo.replication_seeds`), so each point's results equal `kamae run` of its scenario
file with the same seed and replications, and differences between points are not blurred by
independent noise. With `common_random_numbers=False`, replication i of point p draws from
`SeedSequence(seed, spawn_key=(p, i))`, i.e. `SeedSequence(seed).spawn(P)[p].spawn(R)[i]`.
Either way a replication's numbers depend only on (seed, p, i): never on the backend, the
number of workers, the order in which chunks finish, or a resume.

Chunks. Replications run in chunks of `CHUNK_REPLICATIONS` (one engine batch, one task, one
Parquet file). The driver keeps at most a few tasks per worker in flight and the worlds of
their points, and writes each finished chunk to disk at once, so memory does not grow with
the number of replications.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import yaml

from kamae.engine import simulate_many
from kamae.errors import ScenarioError, ScenarioErrors
from kamae.montecarlo import summarise
from kamae.runners.local import CHUNK_REPLICATIONS, Seeds
from kamae.scenario import load_scenario, load_scenario_text
from kamae.scenario.loader import LoadedScenario
from kamae.sweep.backends import Backend, ChunkExecutor, make_backend
from kamae.sweep.errors import SweepError
from kamae.sweep.points import SweepPoints, format_value, plan_points
from kamae.sweep.store import (
    DEFINITION,
    FORMAT_VERSION,
    MANIFEST,
    POINTS_PARQUET,
    SUMMARY_JSON,
    SUMMARY_PARQUET,
    SweepStore,
    chunk_rows,
)
from kamae.world import World, build_world, check_world

MAX_REPLICATIONS = 10_000_000
LIBRARIES = ("numpy", "scipy", "pyarrow", "pydantic", "pyyaml", "duckdb", "dask", "distributed")


class SweepProgress(Protocol):
    """Told the sweep's size once, then each finished chunk's replications."""

    def start(self, total: int, done: int) -> None:
        """`total` replications in the sweep's valid points, `done` of them already on disk."""

    def advance(self, replications: int) -> None:
        """A chunk of `replications` replications has finished and is on disk."""


@dataclass(frozen=True)
class PointProblem:
    """A point that gave no summary, and why (one line)."""

    point: int
    settings: str
    error: str

    def __str__(self) -> str:
        return f"point {self.point} ({self.settings}): {self.error}"


@dataclass(frozen=True)
class SweepResult:
    """What a sweep (or its resume) did, and its per-point summary table."""

    folder: Path
    scenario: str
    seed: int
    replications: int
    """Per point."""
    points: int
    finished: int
    """Points with every replication on disk and a summary."""
    invalid: tuple[PointProblem, ...]
    failed: tuple[PointProblem, ...]
    repaired: tuple[str, ...]
    """Chunk files found corrupt or partial on resume (they were run again)."""
    chunks_run: int
    chunks_reused: int
    wall_time_s: float
    summary: pa.Table
    """summary.parquet: one row per point, its settings and each metric's mean and 95% CI."""

    @property
    def complete(self) -> bool:
        """Every valid point finished."""
        return self.finished == self.points - len(self.invalid)

    def report(self) -> list[str]:
        """A few lines for people: counts, then one line per invalid or failed point."""
        lines = [
            f"{self.scenario}: {self.points} points × {self.replications} replications, seed "
            f"{self.seed}: {self.finished} finished, {len(self.invalid)} invalid, "
            f"{len(self.failed)} failed ({self.chunks_run} chunks run, {self.chunks_reused} "
            f"reused, {self.wall_time_s:.1f} s)"
        ]
        lines += [f"repaired: {line} (run again)" for line in self.repaired]
        lines += [f"invalid: {p}" for p in self.invalid]
        lines += [f"failed: {p}" for p in self.failed]
        if self.failed:
            lines.append("run the sweep again with --resume to retry the failed points")
        lines.append(f"results: {self.folder}")
        return lines


@dataclass(frozen=True)
class SweepPlan:
    """A sweep's points, checked but not run."""

    scenario: LoadedScenario
    points: SweepPoints
    replications: int
    seed: int
    invalid: tuple[PointProblem, ...]


def replication_seed(
    seed: int, point: int, replication: int, *, common: bool = True
) -> np.random.SeedSequence:
    """The seed sequence of one replication of one point (see the module's docstring)."""
    key = (replication,) if common else (point, replication)
    return np.random.SeedSequence(seed, spawn_key=key)


def plan_sweep(
    scenario: str | Path,
    settings: Sequence[str] = (),
    *,
    sample: str | None = None,
    replications: int | None = None,
    seed: int | None = None,
) -> SweepPlan:
    """Check the scenario, the `--set` options and every point, and run nothing."""
    loaded = load_scenario(scenario)
    n, s, points = _points(loaded, settings, sample, replications, seed)
    invalid = {}
    for p in range(len(points)):
        error = check_point(points.text(p), f"point {p}")
        if error is not None:
            invalid[p] = error
    return SweepPlan(loaded, points, n, s, _problems(points, invalid))


def run_sweep(
    scenario: str | Path,
    settings: Sequence[str] = (),
    *,
    out: Path,
    sample: str | None = None,
    replications: int | None = None,
    seed: int | None = None,
    backend: str | Backend = "local",
    address: str | None = None,
    workers: int | None = None,
    resume: bool = False,
    common_random_numbers: bool = True,
    progress: SweepProgress | None = None,
) -> SweepResult:
    """Run a sweep over a scenario (bundled name or file) into the folder `out`.

    `settings` are `path=v1,v2,...` (a grid, the last varying fastest) or, with
    `sample="latin-hypercube:N"`, also `path=low:high`. Replications and seed default to the
    scenario's. `backend` is `local` (a pool of `workers` processes, all cores by default) or
    `dask` (the scheduler at `address`, or a LocalCluster), or a `Backend` object. With
    `resume`, a sweep already in `out` goes on where it stopped (started afresh if `out` holds
    none). Invalid points are reported and skipped; the others run.
    """
    clock = time.perf_counter()
    started = datetime.now(UTC)
    chosen = make_backend(backend, address, workers)
    loaded = load_scenario(scenario)
    n, s, points = _points(loaded, settings, sample, replications, seed)
    size = CHUNK_REPLICATIONS
    definition = {
        "format": FORMAT_VERSION,
        "scenario": loaded.scenario.name,
        "scenario_file": loaded.file,
        "scenario_sha256": loaded.sha256,
        "settings": [text.strip() for text in settings],
        "sample": sample,
        "replications": n,
        "seed": s,
        "seeding": "common" if common_random_numbers else "independent",
        "chunk_replications": size,
        "points": len(points),
        "kamae_version": _version("kamae"),
    }
    raw = loaded.text.encode("utf-8")
    with SweepStore.open(Path(out), definition, raw, resume=resume) as store:
        for stale in (SUMMARY_JSON, SUMMARY_PARQUET):  # a resumed sweep's, until it ends again
            (store.root / stale).unlink(missing_ok=True)
        invalid = _write_points(store, points)
        store.write_table(POINTS_PARQUET, _points_table(points, invalid, {}))
        verification = store.verify(len(points), n, size)
        valid = [p for p in range(len(points)) if p not in invalid]
        if not valid:
            lines = [str(problem) for problem in _problems(points, invalid)]
            raise SweepError("\n".join(["no point of the sweep is a valid scenario:", *lines]))
        done = verification.done
        reused = int(done[valid].sum())
        if progress is not None:
            rows = np.array([chunk_rows(c, n, size) for c in range(done.shape[1])])
            progress.start(len(valid) * n, int((done[valid] * rows).sum()))
        run = _Run(store, n, s, common_random_numbers, progress)
        failed = run.chunks(chosen, points, valid, done)
        summaries = {p: _summary(store, loaded, p, n, s) for p in valid if p not in failed}
        table = _points_table(points, invalid, summaries, failed)
        store.write_json(SUMMARY_JSON, _summary_doc(definition, points, invalid, summaries, failed))
        store.write_table(SUMMARY_PARQUET, table)
        elapsed = time.perf_counter() - clock
        result = SweepResult(
            folder=store.root,
            scenario=loaded.scenario.name,
            seed=s,
            replications=n,
            points=len(points),
            finished=len(summaries),
            invalid=_problems(points, invalid),
            failed=_problems(points, failed),
            repaired=tuple(verification.repaired),
            chunks_run=run.ran,
            chunks_reused=reused,
            wall_time_s=elapsed,
            summary=table,
        )
        _append_manifest(store, result, chosen, started)
    return result


# -- Points ---------------------------------------------------------------------------------


def _points(
    loaded: LoadedScenario,
    settings: Sequence[str],
    sample: str | None,
    replications: int | None,
    seed: int | None,
) -> tuple[int, int, SweepPoints]:
    n = loaded.scenario.replications if replications is None else replications
    s = loaded.scenario.seed if seed is None else seed
    if not 1 <= n <= MAX_REPLICATIONS:
        raise SweepError(f"--replications {n}: expected 1 to {MAX_REPLICATIONS}")
    if s < 0:
        raise SweepError(f"--seed {s}: expected a non-negative integer")
    base = yaml.safe_load(loaded.text)
    return n, s, plan_points(base, settings, sample, s)


def check_point(text: bytes, label: str) -> str | None:
    """None if the point's scenario file is valid; else the loader's first problem."""
    try:
        check_world(load_scenario_text(text, label))
    except ScenarioErrors as exc:
        more = len(exc.errors) - 1
        return str(exc.errors[0]) + (f" (and {more} more)" if more else "")
    except ScenarioError as exc:
        return str(exc)
    return None


def _write_points(store: SweepStore, points: SweepPoints) -> dict[int, str]:
    invalid = {}
    for p in range(len(points)):
        text = points.text(p)
        path = store.write_bytes(store.point_file(p).relative_to(store.root), text)
        error = check_point(text, str(path))
        if error is not None:
            invalid[p] = error
    return invalid


def _problems(points: SweepPoints, errors: dict[int, str]) -> tuple[PointProblem, ...]:
    return tuple(PointProblem(p, points.label(p), errors[p]) for p in sorted(errors))


# -- Chunks ---------------------------------------------------------------------------------


def chunk_metrics(world: World, chunk: Seeds, point: int) -> pa.Table:
    """The task: one engine batch of (index, seed) replications of a point's world, reduced
    to its metrics table (the event logs stay on the worker)."""
    results = simulate_many(world, chunk)
    columns: dict[str, pa.Array] = {
        "point": pa.array([point] * len(results), pa.int32()),
        "replication": pa.array([i for i, _ in results], pa.int64()),
    }
    for key in results[0][1].metrics:
        columns[key] = pa.array([r.metrics[key] for _, r in results], pa.float64())
    return pa.table(columns)


class _Run:
    """The chunks of one run of a sweep: submitted point by point, written as they finish."""

    def __init__(
        self,
        store: SweepStore,
        replications: int,
        seed: int,
        common: bool,
        progress: SweepProgress | None,
    ) -> None:
        self.store = store
        self.replications = replications
        self.seed = seed
        self.common = common
        self.progress = progress
        self.ran = 0
        self.failed: dict[int, str] = {}
        self._running: dict[Future[Any], tuple[int, int]] = {}
        self._worlds: dict[int, list[Any]] = {}
        """Point -> [shared handle, chunks in flight, all submitted]."""

    def chunks(
        self, backend: Backend, points: SweepPoints, valid: list[int], done: np.ndarray
    ) -> dict[int, str]:
        """Run every unfinished chunk of the valid points; return the points that failed."""
        with backend.open() as executor:
            try:
                for p in valid:
                    todo = np.flatnonzero(~done[p])
                    if todo.size:
                        self._submit_point(executor, p, todo.tolist())
                while self._running:
                    self._collect(executor)
            finally:
                for future in self._running:
                    future.cancel()
        return self.failed

    def _submit_point(self, executor: ChunkExecutor, p: int, todo: list[int]) -> None:
        path = self.store.point_file(p)
        try:
            world = build_world(load_scenario_text(path.read_bytes(), str(path)))
        except Exception as exc:  # a world that cannot be built fails its point only
            self.failed[p] = f"building the world: {type(exc).__name__}: {exc}"
            return
        entry = self._worlds[p] = [executor.share(world), 0, False]
        del world
        size = CHUNK_REPLICATIONS
        for c in todo:
            if p in self.failed:
                break
            while len(self._running) >= executor.slots:
                self._collect(executor)
            lo, hi = c * size, c * size + chunk_rows(c, self.replications, size)
            seeds = [
                (i, replication_seed(self.seed, p, i, common=self.common)) for i in range(lo, hi)
            ]
            self._running[executor.submit(chunk_metrics, entry[0], seeds, p)] = (p, c)
            entry[1] += 1
        entry[2] = True
        self._maybe_release(executor, p)

    def _collect(self, executor: ChunkExecutor) -> None:
        finished, _ = wait(self._running, return_when=FIRST_COMPLETED)
        for future in finished:
            p, c = self._running.pop(future)
            try:
                table = future.result()
            except BrokenProcessPool:
                raise SweepError(
                    "a worker process died (killed, or out of memory?); the chunks finished "
                    "so far are kept: run the sweep again with --resume"
                ) from None
            except Exception as exc:
                self.failed.setdefault(p, f"chunk {c}: {type(exc).__name__}: {exc}")
            else:
                self.store.write_chunk(p, c, table)
                self.ran += 1
                if self.progress is not None:
                    self.progress.advance(table.num_rows)
            self._worlds[p][1] -= 1
            self._maybe_release(executor, p)

    def _maybe_release(self, executor: ChunkExecutor, p: int) -> None:
        handle, in_flight, submitted = self._worlds[p]
        if submitted and in_flight == 0:
            executor.release(handle)
            del self._worlds[p]


# -- Summaries ------------------------------------------------------------------------------


def _summary(
    store: SweepStore, loaded: LoadedScenario, p: int, replications: int, seed: int
) -> dict[str, object]:
    table = store.read_point(p, replications, CHUNK_REPLICATIONS)
    return summarise(loaded.scenario.name, seed, table)


def _statistics(summary: dict[str, object]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(metric, {mean, ci95, method}) pairs of a summary, `fired.<type>` for each type."""
    for key, value in summary.items():
        if isinstance(value, dict) and "mean" in value:
            yield key, value
        elif key == "interceptors_fired_by_type" and isinstance(value, dict):
            for name, stat in value.items():
                yield f"fired.{name}", stat


def _points_table(
    points: SweepPoints,
    invalid: dict[int, str],
    summaries: dict[int, dict[str, object]],
    failed: dict[int, str] | None = None,
) -> pa.Table:
    """One row per point: point, settings label, status, error, one column per setting,
    and (with summaries) `<metric>_mean`, `<metric>_low`, `<metric>_high`."""
    failed = failed or {}
    n = len(points)
    columns: dict[str, Any] = {
        "point": pa.array(range(n), pa.int64()),
        "settings": pa.array([points.label(p) for p in range(n)], pa.string()),
    }
    status = []
    for p in range(n):
        if p in invalid:
            status.append("invalid")
        elif p in failed:
            status.append("failed")
        elif summaries:
            status.append("finished" if p in summaries else "unfinished")
        else:
            status.append("valid")
    columns["status"] = pa.array(status, pa.string())
    columns["error"] = pa.array([invalid.get(p, failed.get(p)) for p in range(n)], pa.string())
    for k, setting in enumerate(points.settings):
        columns[setting.path] = _value_column([points.values[p][k] for p in range(n)])
    stats: dict[str, list[float | None]] = {}
    for p, summary in summaries.items():
        for metric, stat in _statistics(summary):
            low, high = stat["ci95"]
            for suffix, value in (("mean", stat["mean"]), ("low", low), ("high", high)):
                stats.setdefault(f"{metric}_{suffix}", [None] * n)[p] = value
    for name, values in stats.items():
        columns[name] = pa.array(values, pa.float64())
    return pa.table(columns)


def _value_column(values: list[Any]) -> pa.Array:
    """A setting's values as a typed column: numbers, booleans or text; YAML text otherwise."""
    kinds = {type(v) for v in values}
    if kinds <= {int} or kinds == {bool}:
        return pa.array(values)
    if kinds <= {int, float}:
        return pa.array([float(v) for v in values], pa.float64())
    if kinds == {str}:
        return pa.array(values, pa.string())
    return pa.array([format_value(v) for v in values], pa.string())


def _summary_doc(
    definition: dict[str, Any],
    points: SweepPoints,
    invalid: dict[int, str],
    summaries: dict[int, dict[str, object]],
    failed: dict[int, str],
) -> dict[str, Any]:
    entries = []
    for p in range(len(points)):
        entry: dict[str, Any] = {"point": p, "settings": points.assignments(p)}
        if p in summaries:
            entry.update(status="finished", summary=summaries[p])
        else:
            entry.update(status="invalid" if p in invalid else "failed")
            entry["error"] = invalid.get(p, failed.get(p))
        entries.append(entry)
    keys = ("scenario", "scenario_sha256", "seed", "replications", "seeding", "settings")
    doc = {key: definition[key] for key in keys}
    doc["sample"] = definition["sample"]
    doc["points"] = entries
    return json.loads(json.dumps(doc, default=str))


def _append_manifest(
    store: SweepStore, result: SweepResult, backend: Backend, started: datetime
) -> None:
    """manifest.json: the definition and, per run or resume, where and how it ran."""
    manifest = store.read_json(MANIFEST) or {"sweep": store.read_json(DEFINITION), "runs": []}
    manifest["runs"].append(
        {
            "started_utc": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "wall_time_s": round(result.wall_time_s, 3),
            "backend": backend.name,
            "backend_settings": {
                k: v for k, v in vars(backend).items() if k != "name" and v is not None
            },
            "chunks_run": result.chunks_run,
            "chunks_reused": result.chunks_reused,
            "repaired": list(result.repaired),
            "failed": [str(p) for p in result.failed],
            "kamae_version": _version("kamae"),
            "python_version": sys.version.split()[0],
            "platform": platform.platform(),
            "libraries": {name: _version(name) for name in LIBRARIES},
        }
    )
    store.write_json(MANIFEST, manifest)


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"
