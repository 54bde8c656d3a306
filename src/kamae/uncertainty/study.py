"""`kamae sensitivity`: what a scenario's answer hangs on, over its uncertain inputs.

A study is a sweep (`kamae.sweep.run_points`: a local pool or Dask, resumable, queryable with
`kamae query`) over the points of a design (`kamae.uncertainty.design`) and of a tornado
(the central point, then each input at its low and at its high value, the others central).
Each point is one deterministic world built from the inputs' values there, run for R
replications: the inputs are epistemic (one value per world), the replications aleatory.
Replication i draws from the same stream at every point (common random numbers), so that
differences between points are the inputs' and not the draws' (docs/uncertainty.md says why
this nested design, and what it costs). The folder gets `sensitivity.json` (indices,
propagation, tornado, cost) and `sensitivity.html` beside the sweep's files.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kamae.arrays import FloatArray
from kamae.errors import KamaeError
from kamae.results.files import write_file_atomic
from kamae.runners import CHUNK_REPLICATIONS, Backend
from kamae.scenario.loader import LoadedScenario, load_scenario
from kamae.streams import bootstrap_seed
from kamae.sweep.run import SweepProgress, SweepResult, run_points, sweep_definition
from kamae.sweep.store import SweepStore
from kamae.uncertainty import analysis
from kamae.uncertainty.analysis import OUTPUTS, Output
from kamae.uncertainty.design import Design, make_design
from kamae.uncertainty.inputs import Input, study_inputs, study_points, with_inputs_file

RESULT = "sensitivity.json"
REPORT = "sensitivity.html"
DEFAULT_SAMPLES = {"sobol": 64, "morris": 10, "latin": 64}
DEFAULT_REPLICATIONS = CHUNK_REPLICATIONS


@dataclass(frozen=True)
class SensitivityResult:
    """A finished study: its document (sensitivity.json), the sweep beneath, the report."""

    folder: Path
    doc: dict[str, Any]
    sweep: SweepResult
    report: Path | None

    def lines(self, output: str = "expected_leakers", top: int = 3) -> list[str]:
        """A few lines for people: the design and its cost, the inputs that matter most."""
        doc = self.doc
        cost = doc["cost"]
        lines = [
            f"{doc['scenario']}: {doc['method']} over {len(doc['inputs'])} uncertain inputs: "
            f"{cost['points']} points × {doc['replications']} replications = "
            f"{cost['engine_replications']} engine replications ({cost['wall_time_s']:.1f} s)"
        ]
        entry = doc["outputs"][output]
        if not entry["available"]:
            return [*lines, f"{entry['label']}: {entry['reason']}"]
        split = entry.get("propagation")
        if split:
            lines.append(
                f"{entry['label']}: mean {split['mean']:.3g}; variance {split['variance']:.3g}, "
                f"{split['epistemic_share']:.0%} epistemic (inputs), "
                f"{1 - split['epistemic_share']:.0%} aleatory (replications)"
            )
        for row in ranking(doc, output)[:top]:
            lines.append(f"  {row}")
        lines.append(f"results: {self.folder}")
        if self.report is not None:
            lines.append(f"report:  {self.report}")
        return lines


def ranking(doc: dict[str, Any], output: str) -> list[str]:
    """The inputs of an output, most influential first, one line each."""
    entry = doc["outputs"][output]
    rows = []
    for name, idx in sorted(entry.get("indices", {}).items(), key=lambda kv: -_weight(kv[1])):
        if "ST" in idx:
            rows.append(
                f"{name}: total {idx['ST']:.2f} ± {idx['ST_conf']:.2f}, "
                f"first order {idx['S1']:.2f} ± {idx['S1_conf']:.2f}"
            )
        else:
            rows.append(
                f"{name}: mu* {idx['mu_star']:.3g} ± {idx['mu_star_conf']:.2g}, "
                f"sigma {idx['sigma']:.3g}"
            )
    return rows


def _weight(idx: dict[str, float]) -> float:
    return float(idx.get("ST", idx.get("mu_star", 0.0)))


def run_sensitivity(
    scenario: str | Path | LoadedScenario,
    *,
    out: Path,
    inputs: str | Path | None = None,
    only: Sequence[str] = (),
    method: str = "sobol",
    samples: int | None = None,
    replications: int | None = None,
    seed: int | None = None,
    second_order: bool = False,
    levels: int = 4,
    backend: str | Backend = "local",
    address: str | None = None,
    workers: int | None = None,
    resume: bool = False,
    common_random_numbers: bool = True,
    progress: SweepProgress | None = None,
    report: bool = True,
    force: bool = False,
) -> SensitivityResult:
    """Run a sensitivity study of a scenario (a bundled name, a file or a loaded scenario)
    over its uncertain inputs, plus those of an `inputs` file (bundled name or path), into
    the folder `out`; with `only`, just those inputs (by field path) vary and the others stay
    at their central values. `method` is `sobol` (first and total-order indices), `morris`
    (screening) or `latin` (propagation only); `samples` is N (r for Morris); each point
    runs `replications` replications (default 16, one engine batch). The design's work is
    checked before anything runs (`kamae.workload.check_workload`; `force` as there)."""
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    if inputs is not None:
        loaded = with_inputs_file(loaded, inputs)
    found = study_inputs(loaded)
    if not found:
        raise KamaeError(
            f"{loaded.file}: no uncertain inputs: give numeric fields as distributions "
            "(docs/uncertainty.md) or an inputs file with --inputs"
        )
    found = _selected(found, only, loaded.file)
    n = DEFAULT_REPLICATIONS if replications is None else replications
    if n < 2:
        raise KamaeError(f"--replications {n}: a study needs at least 2 per point")
    s = loaded.scenario.seed if seed is None else seed
    count = DEFAULT_SAMPLES.get(method, 64) if samples is None else samples
    names = [i.name for i in found]
    design = make_design(method, names, count, s, second_order=second_order, levels=levels)
    values = design_values(design, found) + tornado_values(found)
    points = study_points(loaded, found, values)
    spec = {
        **design.as_dict(),
        "tornado_start": len(design),
        "distributions": [i.describe() for i in found],
    }
    definition = sweep_definition(
        loaded, names, None, n, s, common_random_numbers, len(points), design=spec
    )
    sweep = run_points(
        loaded,
        points,
        definition,
        out=Path(out),
        backend=backend,
        address=address,
        workers=workers,
        resume=resume,
        progress=progress,
        all_valid=True,
        force=force,
    )
    if not sweep.complete:
        raise KamaeError("\n".join([*sweep.report(), "the study needs every point"]))
    rows = read_rows(sweep.folder, len(points), n)
    doc = analyse(loaded, found, design, rows, n, s, common_random_numbers)
    doc["cost"] = study_cost(sweep, design, len(points), n)
    write_file_atomic(sweep.folder / RESULT, json.dumps(doc, indent=2) + "\n")
    page = None
    if report:
        from kamae.report.sensitivity import build_sensitivity_report

        page = build_sensitivity_report(sweep.folder)
    return SensitivityResult(sweep.folder, doc, sweep, page)


def _selected(found: list[Input], only: Sequence[str], file: object) -> list[Input]:
    """The inputs named in `only` (all when empty), in file order."""
    if not only:
        return found
    names = [i.name for i in found]
    if unknown := [name for name in only if name not in names]:
        raise KamaeError(
            f"{file}: --input {unknown[0]}: not an uncertain input (expected one of "
            f"{', '.join(names)})"
        )
    return [i for i in found if i.name in only]


def design_values(design: Design, inputs: list[Input]) -> list[tuple[Any, ...]]:
    """Each design point's values of the inputs."""
    columns = [inp.values(design.quantiles[:, j]) for j, inp in enumerate(inputs)]
    return [tuple(col[p] for col in columns) for p in range(len(design))]


def tornado_values(inputs: list[Input]) -> list[tuple[Any, ...]]:
    """The central point, then each input at its low and its high value."""
    central = tuple(i.central for i in inputs)
    out = [central]
    for j, inp in enumerate(inputs):
        for value in inp.swing():
            out.append(tuple(value if k == j else c for k, c in enumerate(central)))
    return out


def read_rows(folder: Path, points: int, replications: int) -> dict[str, FloatArray]:
    """Every metric column of the study as a (points, replications) array."""
    store = SweepStore(folder)
    tables = [store.read_point(p, replications, CHUNK_REPLICATIONS) for p in range(points)]
    names = [c for c in tables[0].column_names if c != "replication"]
    return {
        name: np.vstack([np.asarray(t.column(name).to_numpy(), dtype=float) for t in tables])
        for name in names
        if all(name in t.column_names for t in tables)
    }


def analyse(
    loaded: LoadedScenario,
    inputs: list[Input],
    design: Design,
    rows: dict[str, FloatArray],
    replications: int,
    seed: int,
    common: bool,
) -> dict[str, Any]:
    """sensitivity.json without its cost: per output, indices, propagation and tornado."""
    outputs = {}
    for output in OUTPUTS:
        outputs[output.name] = _output(output, inputs, design, rows, seed, common)
    return {
        "scenario": loaded.scenario.name,
        "scenario_file": loaded.file,
        "scenario_sha256": loaded.sha256,
        "seed": seed,
        "replications": replications,
        "seeding": "common" if common else "independent",
        "method": design.method,
        "design": design.as_dict(),
        "inputs": [i.describe() for i in inputs],
        "outputs": outputs,
    }


def _output(
    output: Output,
    inputs: list[Input],
    design: Design,
    rows: dict[str, FloatArray],
    seed: int,
    common: bool,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"label": output.label, "available": True}
    reason = _unavailable(output, rows)
    if reason:
        return {**entry, "available": False, "reason": reason}
    y = rows[output.column]
    den = rows.get(output.denominator) if output.denominator else None
    values = analysis.point_values(output, y, den)
    k = len(design)
    entry["central"] = float(values[k])
    sample = design.sample_rows()
    if output.denominator is None and sample.size >= 2:
        entry["propagation"] = {
            **analysis.variance_split(y[sample], common=common),
            **analysis.spread(values[sample]),
            "points": int(sample.size),
        }
    if design.method == "sobol":
        found = analysis.sobol_indices(design, values[:k], bootstrap_seed(seed))
    elif design.method == "morris":
        found = analysis.morris_indices(design, values[:k], bootstrap_seed(seed))
    else:
        found = []
    entry["indices"] = {inp.name: idx for inp, idx in zip(inputs, found, strict=False)}
    swings = [i.swing() for i in inputs]
    entry["tornado"] = analysis.tornado_rows(output, design.names, swings, rows, k)
    return entry


def _unavailable(output: Output, rows: dict[str, FloatArray]) -> str | None:
    """Why an output cannot be analysed in this study (None: it can)."""
    if output.column not in rows:
        return f"the replications have no {output.column} column"
    if output.denominator is None:
        return None
    unpriced = [
        name.removeprefix("engaged_without_cost.")
        for name, v in rows.items()
        if name.startswith("engaged_without_cost.") and float(v.sum()) > 0
    ]
    if unpriced:
        return (
            "no unit_cost_musd for engaged threat type(s) "
            f"{', '.join(sorted(unpriced))} (set catalog.threats.<name>.unit_cost_musd)"
        )
    den = rows.get(output.denominator)
    if den is None or bool(np.any(den.sum(axis=1) <= 0)):
        return "no threat was engaged at some point"
    return None


def study_cost(
    sweep: SweepResult, design: Design, points: int, replications: int
) -> dict[str, Any]:
    """What the study cost: points, engine replications, chunks, wall time of this run."""
    return {
        "design_points": len(design),
        "tornado_points": points - len(design),
        "points": points,
        "engine_replications": points * replications,
        "chunks_run": sweep.chunks_run,
        "chunks_reused": sweep.chunks_reused,
        "wall_time_s": round(sweep.wall_time_s, 3),
    }
