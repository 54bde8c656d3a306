"""A sweep: points of a scenario (a grid or a Latin hypercube over its fields), each run for
R replications on a local process pool or a Dask cluster, streamed to chunk files that
survive a crash, then summarised per point with 95% confidence intervals.

Seeding (`kamae.streams.sweep_seed`). Replication i of point p draws from
`SeedSequence(seed, spawn_key=(i,))` by default: common random numbers, the same streams at
every point, which is `SeedSequence(seed).spawn(R)[i]` (`streams.replication_seeds`), so each
point's results equal `kamae run` of its scenario file with the same seed and replications,
and differences between points are not blurred by independent noise. With
`common_random_numbers=False`, replication i of point p draws from
`SeedSequence(seed, spawn_key=(p, i))`, i.e. `SeedSequence(seed).spawn(P)[p].spawn(R)[i]`.
Either way a replication's numbers depend only on (seed, p, i): never on the backend, the
number of workers, the order in which chunks finish, or a resume.

Chunks. Replications run in chunks of `CHUNK_REPLICATIONS` (one engine batch, one task, one
Parquet file) through `kamae.runners.run_chunks`, which keeps at most a few tasks per worker
in flight and the worlds of their points; the driver writes each finished chunk to disk at
once, so memory does not grow with the number of replications.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from collections.abc import Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from kamae.engine import simulate_many
from kamae.errors import KamaeError, ScenarioError, ScenarioErrors
from kamae.montecarlo import summarise
from kamae.runners import (
    CHUNK_REPLICATIONS,
    Backend,
    DaskBackend,
    Finished,
    LocalBackend,
    Seeds,
    Work,
    run_chunks,
)
from kamae.runners.base import chunk_range
from kamae.runners.local import available_cores
from kamae.scenario import load_scenario, load_scenario_text
from kamae.scenario.loader import LoadedScenario, parse_yaml
from kamae.streams import sweep_seed
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
from kamae.workload import Workload, check_workload, combined, estimate
from kamae.world import World, build_world, check_world

MAX_REPLICATIONS = 10_000_000
LIBRARIES = ("numpy", "scipy", "pyarrow", "pydantic", "pyyaml", "duckdb", "dask", "distributed")


class SweepProgress(Protocol):
    """Told the sweep's size once, then the worlds built and each finished chunk's
    replications."""

    def start(self, total: int, done: int) -> None:
        """`total` replications in the sweep's valid points, `done` of them already on disk."""

    def worlds(self, built: int, total: int) -> None:
        """`built` of the `total` worlds to build (one per point with chunks to run) are
        built: told as each build begins (`built` before it) and once all are."""

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


def make_backend(backend: str | Backend, address: str | None, workers: int | None) -> Backend:
    """A backend from its name (`local`, `dask`), or the given one."""
    if not isinstance(backend, str):
        return backend
    if workers is not None and workers < 1:
        raise SweepError(f"--workers {workers}: give at least 1")
    if backend == "local":
        if address is not None:
            raise SweepError("--address needs --backend dask")
        return LocalBackend(workers)
    if backend == "dask":
        return DaskBackend(address, workers)
    raise SweepError(f"--backend {backend}: expected local or dask")


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
    force: bool = False,
) -> SweepResult:
    """Run a sweep over a scenario (bundled name or file) into the folder `out`.

    `settings` are `path=v1,v2,...` (a grid, the last varying fastest) or, with
    `sample="latin-hypercube:N"`, also `path=low:high`. Replications and seed default to the
    scenario's. `backend` is `local` (a pool of `workers` processes, all cores by default) or
    `dask` (the scheduler at `address`, or a LocalCluster), or a `Backend` object. With
    `resume`, a sweep already in `out` goes on where it stopped (started afresh if `out` holds
    none). Invalid points are reported and skipped; the others run. The work of every point
    is checked before the folder is touched (`kamae.workload.check_workload`; `force` as
    there).
    """
    chosen = make_backend(backend, address, workers)
    loaded = load_scenario(scenario)
    n, s, points = _points(loaded, settings, sample, replications, seed)
    definition = sweep_definition(
        loaded, settings, sample, n, s, common_random_numbers, len(points)
    )
    return run_points(
        loaded,
        points,
        definition,
        out=out,
        backend=chosen,
        resume=resume,
        progress=progress,
        force=force,
    )


def run_points(
    loaded: LoadedScenario,
    points: SweepPoints,
    definition: dict[str, Any],
    *,
    out: Path,
    backend: str | Backend = "local",
    address: str | None = None,
    workers: int | None = None,
    resume: bool = False,
    progress: SweepProgress | None = None,
    all_valid: bool = False,
    force: bool = False,
) -> SweepResult:
    """Run points already made (a design of `kamae sensitivity`, or `run_sweep`'s) into the
    folder `out`; `definition` (`sweep_definition`) names the replications, seed and seeding
    and is what a resume must find again. With `all_valid`, a point that is not a valid
    scenario stops the sweep before anything runs (a design needs every point). The work of
    every point is checked before the folder is touched (`kamae.workload.check_workload`;
    `force` as there)."""
    clock = time.perf_counter()
    started = datetime.now(UTC)
    chosen = make_backend(backend, address, workers)
    n, s = int(definition["replications"]), int(definition["seed"])
    check_workload(_sweep_work(points, n, chosen), loaded.file, force=force)
    common_random_numbers = definition["seeding"] == "common"
    size = CHUNK_REPLICATIONS
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
        if all_valid and invalid:
            lines = [str(problem) for problem in _problems(points, invalid)]
            more = [f"... and {len(lines) - 10} more"] if len(lines) > 10 else []
            head = f"{len(invalid)} of {len(points)} points are not valid scenarios (a design "
            raise SweepError("\n".join([head + "needs every point):", *lines[:10], *more]))
        done = verification.done
        reused = int(done[valid].sum())
        if progress is not None:
            rows = np.array([chunk_rows(c, n, size) for c in range(done.shape[1])])
            progress.start(len(valid) * n, int((done[valid] * rows).sum()))
        run = _Run(store, n, s, common_random_numbers, progress)
        failed = run.chunks(chosen, valid, done)
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


def sweep_definition(
    loaded: LoadedScenario,
    settings: Sequence[str],
    sample: str | None,
    replications: int,
    seed: int,
    common: bool,
    points: int,
    design: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """sweep.json: what the sweep is (a resume must find the same); `design` describes the
    points when they come from elsewhere than `settings` and `sample`."""
    definition = {
        "format": FORMAT_VERSION,
        "scenario": loaded.scenario.name,
        "scenario_file": loaded.file,
        "scenario_sha256": loaded.sha256,
        "settings": [text.strip() for text in settings],
        "sample": sample,
        "replications": replications,
        "seed": seed,
        "seeding": "common" if common else "independent",
        "chunk_replications": CHUNK_REPLICATIONS,
        "points": points,
        "kamae_version": _version("kamae"),
    }
    if design is not None:
        definition["design"] = design
    return definition


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
    base = parse_yaml(loaded.text, loaded.file)[0]
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


def _sweep_work(points: SweepPoints, replications: int, backend: Backend) -> Workload:
    """The work of every valid point: the point needing the most memory, with the others'
    work added (an invalid point is skipped here and reported when the points are written)."""
    workers = 1
    if isinstance(backend, LocalBackend):
        workers = backend.workers or available_cores()
    works = []
    for p in range(len(points)):
        try:
            point = load_scenario_text(points.text(p), points.label(p))
            works.append(estimate(point, replications=replications, workers=workers))
        except KamaeError:
            continue
    return combined(works)


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

    def chunks(self, backend: Backend, valid: list[int], done: np.ndarray) -> dict[int, str]:
        """Run every unfinished chunk of the valid points; return the points that failed."""
        with (
            backend.open() as runner,
            closing(run_chunks(runner, self._work(valid, done))) as finished,
        ):
            for chunk in finished:
                self._write(chunk)
        return self.failed

    def _work(self, valid: list[int], done: np.ndarray) -> Iterator[Work]:
        """Each point with chunks to run, its world built when the runner has a free slot
        (the progress told of each build: a build takes seconds, a chunk may take less)."""
        points = [p for p in valid if not done[p].all()]
        for built, p in enumerate(points):
            if self.progress is not None:
                self.progress.worlds(built, len(points))
            todo = np.flatnonzero(~done[p]).tolist()
            path = self.store.point_file(p)
            try:
                world = build_world(load_scenario_text(path.read_bytes(), str(path)))
            except Exception as exc:  # a world that cannot be built fails its point only
                self.failed[p] = f"building the world: {type(exc).__name__}: {exc}"
                continue
            chunks = [(c, self._seeds(p, c)) for c in todo]
            yield Work(p, world, chunks, task=chunk_metrics, args=(p,))
            del world
        if self.progress is not None and points:
            self.progress.worlds(len(points), len(points))

    def _seeds(self, p: int, c: int) -> Seeds:
        rows = chunk_range(c, self.replications)
        return [(i, sweep_seed(self.seed, p, i, common=self.common)) for i in rows]

    def _write(self, chunk: Finished) -> None:
        p = chunk.key
        assert isinstance(p, int)
        if isinstance(chunk.error, BrokenProcessPool):
            raise SweepError(
                "a worker process died (killed, or out of memory?); the chunks finished "
                "so far are kept: run the sweep again with --resume"
            )
        if chunk.error is not None:
            error = chunk.error
            self.failed.setdefault(p, f"chunk {chunk.chunk}: {type(error).__name__}: {error}")
            return
        table: pa.Table = chunk.value
        self.store.write_chunk(p, chunk.chunk, table)
        self.ran += 1
        if self.progress is not None:
            self.progress.advance(table.num_rows)


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
