"""`kamae compare`: two scenarios run with common random numbers, and the difference of every
summary metric with its 95% interval.

Common random numbers (paired replications): both scenarios run with the same master seed and
replication count, so replication i of each draws from the same `SeedSequence` child
(`kamae.streams.replication_seeds`). Where the scenarios share structure, their
replications then see the same luck (the same detections, the same kill draws), and the
per-replication difference d_i = B_i - A_i has a much smaller variance than two independent
runs would give (Law, Simulation Modeling and Analysis, 5th ed. 2015, section 11.2). The
difference of means is estimated by the paired-t interval, mean(d) ± t_{0.975, n-1}·s_d/sqrt(n)
(Law 2015, section 10.2.1), which stays valid whatever the correlation the pairing induces;
for P(no leaker) it is applied to the 0/1 outcomes (normal approximation; at small n or near
0 or 1 prefer more replications).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from kamae.errors import KamaeError
from kamae.montecarlo import MonteCarloResult, Progress, run_montecarlo
from kamae.results.statistics import Interval, mean_interval
from kamae.scenario.loader import LoadedScenario, load_scenario
from kamae.workload import check_workload, estimate

LABELS = {
    "threats_launched": "threats launched",
    "threats_intercepted": "threats intercepted",
    "threats_leaked": "threats leaked (expected leakers)",
    "no_leak": "P(no leaker)",
    "interceptors_fired": "interceptors fired",
}
METHOD = (
    "paired differences with common random numbers: mean of (B - A) per replication "
    "± t(0.975, n-1)·s/sqrt(n)"
)


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


def paired_difference(a: np.ndarray, b: np.ndarray) -> Interval:
    """Mean of b - a (paired) with its Student-t 95% interval."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise KamaeError("paired samples must have the same length")
    d = mean_interval(b - a)
    return Interval(d.estimate, d.low, d.high, "paired student-t")


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
    """Run A and B with the same seed and replication count (defaults: A's) and compare.
    The work of both is checked first (`kamae.workload.check_workload`; `force` as there)."""
    la = a if isinstance(a, LoadedScenario) else load_scenario(a)
    lb = b if isinstance(b, LoadedScenario) else load_scenario(b)
    n = la.scenario.replications if replications is None else replications
    s = la.scenario.seed if seed is None else seed
    if n < 2:
        raise KamaeError("compare needs at least 2 replications for an interval")
    wa, wb = (estimate(x, replications=n, workers=workers) for x in (la, lb))
    big, other = (wa, wb) if wa.memory_bytes >= wb.memory_bytes else (wb, wa)
    both = dataclasses.replace(big, extra_object_steps=other.object_steps)
    check_workload(both, f"{la.file} and {lb.file}", force=force)
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
        fired_label = f"  {name.removeprefix('fired.')} fired"
        label = LABELS.get(name, fired_label if name.startswith("fired.") else name)
        metric = "p_no_leak" if name == "no_leak" else name
        out.append(
            MetricDifference(
                metric, label, float(va.mean()), float(vb.mean()), paired_difference(va, vb)
            )
        )
    return out


def _column(table: pa.Table, name: str) -> np.ndarray:
    if name in table.column_names:
        return np.asarray(table.column(name).to_numpy(), dtype=float)
    return np.zeros(table.num_rows)


def _clean(x: float) -> float:
    return float(f"{x:.12g}")
