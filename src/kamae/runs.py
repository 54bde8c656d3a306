"""A run of a scenario: Monte Carlo replications, statistics, and the run's folder on disk.

This is the Python API behind `kamae run`; the command line only parses arguments and calls
`run_scenario`. Before any replication runs, the work and memory the run implies are checked
(`kamae.workload`) and the run folder's name is claimed, so that a run too big for the
machine, or an output folder that cannot be written, fails at once with one line, not after
the Monte Carlo.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kamae.montecarlo import MonteCarloResult, Progress, Steps, run_montecarlo
from kamae.provenance import build_manifest
from kamae.results.files import RunFolderClaim, claim_run_folder
from kamae.runners import Backend
from kamae.scenario.loader import LoadedScenario, load_scenario
from kamae.workload import Workload, WorkloadError, check_workload, estimate

__all__ = ["RunOutput", "build_manifest", "run_scenario"]


@dataclass(frozen=True)
class RunOutput:
    """What a run produced: its summary, manifest, full results, and folder (if written)."""

    summary: dict[str, object]
    manifest: dict[str, object]
    result: MonteCarloResult
    folder: Path | None


def run_scenario(
    scenario: str | Path | LoadedScenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    out: Path | None = Path("kamae-out"),
    progress: Progress | None = None,
    backend: Backend | None = None,
    force: bool = False,
    steps: Steps | None = None,
) -> RunOutput:
    """Run a scenario (a bundled name, a file, or an already loaded scenario).

    Replications and seed default to the scenario's own. The replications run on `workers`
    local processes, or on `backend` (`kamae.runners.DaskBackend(address)`) when given; the
    results are the same either way. With `out` set, the results are
    written to a new folder `out/<scenario>-<UTC timestamp>/` (summary.json,
    replications.parquet, events.parquet, manifest.json, and scenario.yaml, the scenario
    file as run, so that the folder alone can rebuild the world for reports).

    Refused before it starts (`WorkloadError`, a KamaeError): a run beyond
    `kamae.workload.MAX_OBJECT_STEPS` or this machine's available memory, unless `force`
    (never one beyond its total memory); an output folder that cannot be written.
    `progress` counts finished replications; `steps` is told each step as it begins
    (`kamae.montecarlo.Steps`).
    """
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    n = loaded.scenario.replications if replications is None else replications
    s = loaded.scenario.seed if seed is None else seed
    work = estimate(loaded, replications=n, workers=workers if backend is None else 1)
    check_workload(work, loaded.file, force=force)
    started = datetime.now(UTC)
    claim = None
    if out is not None:
        name = f"{loaded.scenario.name}-{started.strftime('%Y%m%dT%H%M%SZ')}"
        claim = claim_run_folder(Path(out), name)
    with claim or _Unclaimed():
        clock = time.perf_counter()
        result = _run(loaded, n, s, workers, progress, backend, work, steps)
        elapsed = time.perf_counter() - clock
        summary = result.summary()
        manifest = build_manifest(loaded, n, s, workers, started, elapsed, backend)
        folder = None
        if claim is not None:
            folder = claim.write(
                {"summary.json": summary, "manifest.json": manifest},
                {"replications.parquet": result.replications, "events.parquet": result.events},
                {"scenario.yaml": loaded.text},
            )
    return RunOutput(summary=summary, manifest=manifest, result=result, folder=folder)


class _Unclaimed:
    """No run folder (`out=None`): nothing to give back."""

    def __enter__(self) -> RunFolderClaim | None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _run(
    loaded: LoadedScenario,
    n: int,
    seed: int,
    workers: int,
    progress: Progress | None,
    backend: Backend | None,
    work: Workload,
    steps: Steps | None = None,
) -> MonteCarloResult:
    """The Monte Carlo; a MemoryError (the estimate fell short) becomes one line."""
    try:
        return run_montecarlo(
            loaded, n, seed, workers=workers, progress=progress, backend=backend, steps=steps
        )
    except MemoryError:
        raise WorkloadError(
            f"{loaded.file}: ran out of memory (estimated: {work.describe()}): use fewer "
            "workers, objects or replications"
        ) from None
