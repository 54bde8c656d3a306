"""`kamae compare`: a scenario and its variants run with common random numbers, the paired
difference of every metric with its 95% interval, and a folder with the runs and the
comparison report.

A variant is the base scenario with some fields overridden, written as `kamae sweep --set`
writes a field (`LABEL: PATH=VALUE[; PATH=VALUE...]`, e.g. `"no space early warning:
space_sensors=[]"`), or another scenario file (B of `kamae compare A B`). Several variants
are compared with the base at once.

Common random numbers (paired replications): every run uses the same master seed and
replication count, so replication i of each draws from the same `SeedSequence` child
(`kamae.streams.replication_seeds`; a campaign's step k, replication r from
`campaign_step_seeds`). Where the variants share structure, their replications then see the
same luck (the same detections, the same kill draws), and the per-replication difference
d_i = B_i - A_i has a much smaller variance than two independent runs would give (Law,
Simulation Modeling and Analysis, 5th ed. 2015, section 11.2). A mean's difference has the
paired-t interval, mean(d) ± t_{0.975, n-1}·s_d/sqrt(n) (Law 2015, section 10.2.1), which
stays valid whatever the correlation the pairing induces; P(no leaker), a proportion of
paired 0/1 outcomes, has Newcombe's interval for paired data (Newcombe 1998, Statistics in
Medicine 17, method 10).

A comparison is of the engine (one engagement: `kamae run`'s replications) or, with
`campaign=True`, of the scenario's campaign (totals over its days per replication:
`kamae campaign`'s replications), for questions such as counterstrike or stand-off range.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import yaml

from kamae.campaign.run import run_campaign
from kamae.errors import KamaeError
from kamae.montecarlo import MonteCarloResult, Progress, run_montecarlo
from kamae.results.files import write_file_atomic, write_run_folder
from kamae.results.labels import metric_label
from kamae.results.numbers import estimate_text
from kamae.results.statistics import (
    Interval,
    mean_interval,
    paired_difference,
    paired_proportion_difference,
)
from kamae.runs import build_manifest
from kamae.scenario.loader import LoadedScenario, load_scenario, load_scenario_text
from kamae.sweep.errors import SweepError
from kamae.sweep.points import assign, dump_document, parse_setting, split_values
from kamae.workload import check_workload, combined, estimate

__all__ = [
    "Comparison",
    "MetricDifference",
    "Variant",
    "VariantComparison",
    "compare_scenarios",
    "compare_variants",
    "metric_differences",
    "paired_difference",
    "parse_variant",
    "variant_scenario",
]

HEADLINE = {"engine": "threats_leaked", "campaign": "leakers"}
"""The metric a comparison is read by first."""
METHOD = (
    "paired differences with common random numbers: mean of (B - A) per replication "
    "± t(0.975, n-1)·s/sqrt(n); P(no leaker): Newcombe's interval for paired proportions"
)
CAMPAIGN_TOTALS = (
    "missiles_launched",
    "leakers",
    "interceptors_fired",
    "launchers_destroyed",
    "strike_missiles_fired",
)
COMPARISON = "comparison.json"
Kind = Literal["engine", "campaign"]


@dataclass(frozen=True)
class MetricDifference:
    """One metric of both scenarios and the paired difference B - A."""

    metric: str
    label: str
    mean_a: float
    mean_b: float
    difference: Interval

    def as_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "a": _clean(self.mean_a),
            "b": _clean(self.mean_b),
            "difference": self.difference.as_dict(),
        }


@dataclass(frozen=True)
class Comparison:
    """Scenario B against scenario A, replication by replication."""

    a: str
    b: str
    seed: int
    replications: int
    metrics: list[MetricDifference]
    result_a: MonteCarloResult
    result_b: MonteCarloResult

    def as_dict(self) -> dict[str, object]:
        """The comparison as JSON-ready values (`kamae compare --json`)."""
        return {
            "a": self.a,
            "b": self.b,
            "seed": self.seed,
            "replications": self.replications,
            "method": METHOD,
            "metrics": {m.metric: m.as_dict() for m in self.metrics},
        }


@dataclass(frozen=True)
class Variant:
    """The base scenario with fields overridden (`settings`, `PATH=VALUE` each), or another
    scenario (`scenario`: a bundled name, a file or a loaded scenario)."""

    label: str
    settings: tuple[str, ...] = ()
    scenario: str | Path | LoadedScenario | None = None

    def as_dict(self) -> dict[str, object]:
        other = self.scenario
        name = other.file if isinstance(other, LoadedScenario) else other
        return {"label": self.label, "settings": list(self.settings), "scenario": _text(name)}


@dataclass(frozen=True)
class VariantResult:
    """One variant's replications and its paired differences from the base."""

    variant: Variant
    loaded: LoadedScenario
    table: pa.Table
    """One row per replication: `replication` and the compared metrics."""
    summary: dict[str, object]
    metrics: list[MetricDifference]
    events: pa.Table | None = None
    extra: dict[str, pa.Table] = field(default_factory=dict)
    elapsed_s: float = 0.0


@dataclass(frozen=True)
class VariantComparison:
    """A base scenario and its variants, every run paired with the base's."""

    kind: Kind
    seed: int
    replications: int
    base: VariantResult
    variants: list[VariantResult]
    folder: Path | None = None
    report: Path | None = None

    def as_dict(self) -> dict[str, object]:
        """comparison.json: the base, each variant and its differences from the base."""
        return {
            "kind": self.kind,
            "base": self.base.loaded.scenario.name,
            "base_file": self.base.loaded.file,
            "seed": self.seed,
            "replications": self.replications,
            "method": METHOD,
            "headline": HEADLINE[self.kind],
            "variants": [
                {
                    **v.variant.as_dict(),
                    "folder": _slug(i + 1, v.variant.label),
                    "metrics": {m.metric: m.as_dict() for m in v.metrics},
                }
                for i, v in enumerate(self.variants)
            ],
        }


# -- Variants -------------------------------------------------------------------------------


def parse_variant(text: str) -> Variant:
    """`LABEL: PATH=VALUE[; PATH=VALUE...]` (values read as YAML, as `kamae sweep --set`)."""
    label, sep, rest = text.partition(":")
    label = label.strip()
    if not sep or not label or "=" in label:
        raise KamaeError(f'--variant {text!r}: expected "LABEL: PATH=VALUE[; PATH=VALUE...]"')
    try:
        settings = tuple(s for s in split_values(rest, f"--variant {label}", sep=";") if s)
    except SweepError as exc:
        raise KamaeError(str(exc)) from None
    if not settings:
        raise KamaeError(f"--variant {label}: give at least one PATH=VALUE")
    return Variant(label, settings)


def variant_scenario(base: LoadedScenario, variant: Variant) -> LoadedScenario:
    """The scenario a variant runs: another scenario, or the base with its overrides (each
    checked against the schema, then the whole file by the loader)."""
    if variant.scenario is not None:
        other = variant.scenario
        return other if isinstance(other, LoadedScenario) else load_scenario(other)
    doc = yaml.safe_load(base.text)
    for text in variant.settings:
        try:
            setting = parse_setting(text, doc, allow_range=False)
        except SweepError as exc:
            raise KamaeError(f"--variant {variant.label}: {exc}") from None
        if len(setting.values) != 1:
            raise KamaeError(
                f"--variant {variant.label}: {setting.path}: give one value (a sweep takes several)"
            )
        assign(doc, setting.parts, setting.values[0], setting.path)
    return load_scenario_text(dump_document(doc), f"{base.file} [{variant.label}]")


# -- Running --------------------------------------------------------------------------------


def compare_variants(
    base: str | Path | LoadedScenario,
    variants: Sequence[Variant],
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    campaign: bool = False,
    out: Path | None = Path("kamae-out"),
    name: str | None = None,
    report: bool = True,
    progress: Progress | None = None,
    force: bool = False,
) -> VariantComparison:
    """Run the base and every variant with the same seed and replication count (defaults:
    the base's; a campaign's own replications), pair each variant with the base, and (with
    `out`) write the comparison folder `out/<name>/` (default name
    `<base>-compare-<UTC time>`) with its report. The work is checked first
    (`check_engine_work`; `force` as there)."""
    loaded = base if isinstance(base, LoadedScenario) else load_scenario(base)
    if not variants:
        raise KamaeError("compare: give at least one variant (--variant) or a scenario B")
    scenarios = [variant_scenario(loaded, v) for v in variants]  # every variant checked first
    kind: Kind = "campaign" if campaign else "engine"
    n, s = _counts(loaded, kind, replications, seed)
    if kind == "engine":  # a campaign's runs are checked by the campaign
        check_engine_work([loaded, *scenarios], n, workers, force)
    started = datetime.now(UTC)
    first = _run(loaded, Variant("base"), kind, n, s, workers, progress, None)
    results = [
        _run(sc, v, kind, n, s, workers, progress, first)
        for v, sc in zip(variants, scenarios, strict=True)
    ]
    result = VariantComparison(kind, s, n, first, results)
    if out is None:
        return result
    folder = write_comparison(result, Path(out), started, workers, name)
    page = None
    if report:
        from kamae.report.variants import build_comparison_report

        page = build_comparison_report(folder)
    return VariantComparison(kind, s, n, first, results, folder, page)


def check_engine_work(
    scenarios: Sequence[LoadedScenario], n: int, workers: int, force: bool
) -> None:
    """The work of a comparison's engine runs, checked before any runs
    (`kamae.workload.check_workload`): the memory of the largest run, the object-steps of all."""
    works = [estimate(x, replications=n, workers=workers) for x in scenarios]
    check_workload(combined(works), " and ".join(str(x.file) for x in scenarios), force=force)


def _counts(loaded: LoadedScenario, kind: Kind, n: int | None, s: int | None) -> tuple[int, int]:
    sc = loaded.scenario
    if kind == "campaign":
        if sc.campaign is None:
            raise KamaeError(f"{loaded.file}: campaign: the scenario has no campaign section")
        default = sc.campaign.replications
    else:
        default = sc.replications
    count = default if n is None else n
    if count < 2:
        raise KamaeError("compare needs at least 2 replications for an interval")
    return count, sc.seed if s is None else s


def _run(
    loaded: LoadedScenario,
    variant: Variant,
    kind: Kind,
    n: int,
    seed: int,
    workers: int,
    progress: Progress | None,
    base: VariantResult | None,
) -> VariantResult:
    clock = time.perf_counter()
    if kind == "engine":
        mc = run_montecarlo(loaded, n, seed, workers=workers, progress=progress)
        table, summary, events, extra = mc.replications, mc.summary(), mc.events, {}
    else:
        cr = run_campaign(loaded, replications=n, seed=seed, workers=workers)
        table, summary, events = campaign_totals(cr.table), cr.summary(), None
        extra = {"campaign.parquet": cr.table}
    metrics = [] if base is None else metric_differences(base.table, table)
    elapsed = time.perf_counter() - clock
    return VariantResult(variant, loaded, table, summary, metrics, events, extra, elapsed)


def campaign_totals(table: pa.Table) -> pa.Table:
    """Per replication of a campaign: the totals over its steps, and what is left at the end."""
    reps = np.asarray(table.column("replication").to_numpy())
    steps = np.asarray(table.column("step").to_numpy())
    n = int(reps.max()) + 1
    columns: dict[str, Any] = {"replication": np.arange(n)}
    per_type = (c for c in table.column_names if c.startswith(("fired.", "launched.")))
    names = [*CAMPAIGN_TOTALS, *per_type]
    for name in names:
        values = np.asarray(table.column(name).to_numpy(), dtype=float)
        columns[name] = np.bincount(reps, weights=values, minlength=n)
    last = steps == steps.max()
    alive = np.zeros(n)
    alive[reps[last]] = np.asarray(table.column("launchers_alive").to_numpy(), dtype=float)[last]
    columns["launchers_alive_at_end"] = alive
    return pa.table(columns)


def compare_scenarios(
    a: str | Path | LoadedScenario,
    b: str | Path | LoadedScenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    progress: Progress | None = None,
    force: bool = False,
) -> Comparison:
    """Run A and B with the same seed and replication count (defaults: A's) and compare
    (in memory; `compare_variants` writes the folder). The work of both is checked first
    (`kamae.workload.check_workload`; `force` as there)."""
    la = a if isinstance(a, LoadedScenario) else load_scenario(a)
    lb = b if isinstance(b, LoadedScenario) else load_scenario(b)
    n, s = _counts(la, "engine", replications, seed)
    check_engine_work([la, lb], n, workers, force)
    ra = run_montecarlo(la, n, s, workers=workers, progress=progress)
    rb = run_montecarlo(lb, n, s, workers=workers, progress=progress)
    return Comparison(
        a=la.scenario.name,
        b=lb.scenario.name,
        seed=s,
        replications=n,
        metrics=metric_differences(ra.replications, rb.replications),
        result_a=ra,
        result_b=rb,
    )


def metric_differences(table_a: pa.Table, table_b: pa.Table) -> list[MetricDifference]:
    """Every metric column of two paired replication tables; interceptor types fired by only
    one side count as 0 on the other; other metrics present on one side only are skipped."""
    if table_a.num_rows != table_b.num_rows:
        raise KamaeError("paired replication tables must have the same number of rows")
    cols_a, cols_b = set(table_a.column_names), set(table_b.column_names)
    names = [c for c in table_a.column_names if c != "replication"]
    names += [c for c in table_b.column_names if c not in cols_a and c != "replication"]
    fired = sorted(n for n in names if n.startswith("fired."))
    ordered = [n for n in names if not n.startswith("fired.")] + fired
    out = []
    for name in ordered:
        if name not in (cols_a & cols_b) and not name.startswith("fired."):
            continue
        va, vb = _column(table_a, name), _column(table_b, name)
        label = ("  " if name.startswith("fired.") else "") + metric_label(name)
        metric = "p_no_leak" if name == "no_leak" else name
        diff = (
            paired_proportion_difference(va, vb) if name == "no_leak" else paired_difference(va, vb)
        )
        out.append(MetricDifference(metric, label, float(va.mean()), float(vb.mean()), diff))
    return out


# -- The folder -----------------------------------------------------------------------------


def write_comparison(
    result: VariantComparison,
    out: Path,
    started: datetime,
    workers: int,
    name: str | None = None,
) -> Path:
    """The comparison folder: manifest.json, one run folder per run (`base`, then
    `variant-1-<label>`, ...), and comparison.json last (its presence marks a whole folder)."""
    base = result.base.loaded
    manifest = build_manifest(
        base,
        result.replications,
        result.seed,
        workers,
        started,
        sum(r.elapsed_s for r in [result.base, *result.variants]),
    )
    manifest.update(kind=result.kind, variants=[v.variant.as_dict() for v in result.variants])
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    folder = write_run_folder(
        out, name or f"{base.scenario.name}-compare-{stamp}", {"manifest.json": manifest}, {}
    )
    runs = [("base", result.base)] + [
        (_slug(i + 1, v.variant.label), v) for i, v in enumerate(result.variants)
    ]
    for sub, run in runs:
        doc = build_manifest(
            run.loaded, result.replications, result.seed, workers, started, run.elapsed_s
        )
        doc["variant"] = run.variant.as_dict()
        tables = {"replications.parquet": run.table, **run.extra}
        if run.events is not None:
            tables["events.parquet"] = run.events
        write_run_folder(
            folder,
            sub,
            {"summary.json": run.summary, "manifest.json": doc},
            tables,
            {"scenario.yaml": run.loaded.text},
        )
    write_file_atomic(folder / COMPARISON, json.dumps(result.as_dict(), indent=2) + "\n")
    return folder


def _slug(index: int, label: str) -> str:
    """`variant-3-no-space-early-warning`: a folder name from a variant's label."""
    words = "".join(c.lower() if c.isalnum() else "-" for c in label).strip("-")
    while "--" in words:
        words = words.replace("--", "-")
    return f"variant-{index}" + (f"-{words[:40].rstrip('-')}" if words else "")


def _column(table: pa.Table, name: str) -> np.ndarray:
    if name in table.column_names:
        return np.asarray(table.column(name).to_numpy(), dtype=float)
    return np.zeros(table.num_rows)


def _clean(x: float) -> float:
    return float(f"{x:.12g}")


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def headline(result: VariantComparison) -> list[tuple[str, Interval, float]]:
    """(variant, difference of the headline metric, its base mean) for each variant."""
    key = HEADLINE[result.kind]
    rows = []
    for v in result.variants:
        m = next((m for m in v.metrics if m.metric == key), None)
        if m is not None:
            rows.append((v.variant.label, m.difference, m.mean_a))
    return rows


def describe(interval: Interval) -> str:
    """`+1.23 [+0.80, +1.66]`, to the digits the interval resolves (`kamae.results.numbers`)."""
    return estimate_text(interval.estimate, interval.low, interval.high, signed=True)


def mean_of(table: pa.Table, name: str) -> Interval:
    """The mean of a column with its interval (for printing a base's headline)."""
    return mean_interval(_column(table, name))
