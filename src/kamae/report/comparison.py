"""Comparison pages: two runs side by side (`build_comparison`), and the folder of a
`kamae compare` of a scenario with its variants (`build_comparison_report`).

Differences B − A with 95% intervals:
- runs paired by common random numbers (the same seed and replication count: replication i
  of each drew from the same stream), the paired intervals: Student-t on the per-replication
  differences for means (Law, Simulation Modeling and Analysis, 5th ed. 2015, section
  10.2.1), Newcombe's interval for paired proportions for P(no leaker) (Newcombe 1998,
  Statistics in Medicine 17, 2635, method 10); a `kamae compare` folder carries them,
  computed by `kamae.compare`;
- independent runs (another seed or count): Welch's interval for means, (m_B − m_A) ±
  t_{0.975, ν}·sqrt(s_A²/n_A + s_B²/n_B) with the Welch–Satterthwaite ν (Welch 1947,
  Biometrika 34), and Newcombe's hybrid score interval for P(no leaker) (Newcombe 1998,
  Statistics in Medicine 17, 873, method 10).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from kamae.report.charts import Series, bar_chart, leaker_distribution, probability_intervals
from kamae.report.map import common_frame
from kamae.report.markup import Markup, join, tag
from kamae.report.page import html_page
from kamae.report.run_folder import RunFolder, pick_replications, read_run_folder
from kamae.report.run_report import footer, run_line, run_section
from kamae.results.files import write_file_atomic
from kamae.results.numbers import estimate_text, stat_text
from kamae.results.statistics import (
    Interval,
    paired_difference,
    paired_proportion_difference,
    t_quantile,
    wilson_interval,
)

COMPARED = (
    ("threats_launched", "threats launched"),
    ("threats_intercepted", "threats intercepted"),
    ("threats_leaked", "threats leaked (expected leakers)"),
    ("interceptors_fired", "interceptors fired"),
)


def build_comparison(folder_a: Path, folder_b: Path, out: Path) -> Path:
    """Write the comparison page of two run folders to `out` (an .html file) and return it."""
    a, b = read_run_folder(Path(folder_a)), read_run_folder(Path(folder_b))
    out = Path(out)
    if out.is_dir():
        out = out / "comparison.html"
    write_file_atomic(out, comparison_html(a, b))
    return out


def welch_difference(a: np.ndarray, b: np.ndarray, confidence: float = 0.95) -> Interval:
    """Mean of b minus mean of a with Welch's interval."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    diff = float(b.mean() - a.mean())
    va = float(a.var(ddof=1)) / a.size if a.size > 1 else 0.0
    vb = float(b.var(ddof=1)) / b.size if b.size > 1 else 0.0
    se2 = va + vb
    if se2 <= 0.0:
        return Interval(diff, diff, diff, "welch")
    nu = se2**2 / (
        (va**2 / (a.size - 1) if a.size > 1 else 0.0)
        + (vb**2 / (b.size - 1) if b.size > 1 else 0.0)
    )
    half = t_quantile(0.5 + confidence / 2.0, nu) * math.sqrt(se2)
    return Interval(diff, diff - half, diff + half, "welch")


def newcombe_difference(successes_a: int, n_a: int, successes_b: int, n_b: int) -> Interval:
    """p_B − p_A with Newcombe's hybrid score interval (from the Wilson intervals)."""
    wa, wb = wilson_interval(successes_a, n_a), wilson_interval(successes_b, n_b)
    diff = wb.estimate - wa.estimate
    low = diff - math.sqrt((wb.estimate - wb.low) ** 2 + (wa.high - wa.estimate) ** 2)
    high = diff + math.sqrt((wb.high - wb.estimate) ** 2 + (wa.estimate - wa.low) ** 2)
    return Interval(diff, max(low, -1.0), min(high, 1.0), "newcombe")


def _column(run: RunFolder, name: str) -> np.ndarray:
    if name in run.replications.column_names:
        return np.asarray(run.replications.column(name).to_numpy(), dtype=float)
    return np.zeros(run.replications.num_rows)


def is_paired(a: RunFolder, b: RunFolder) -> bool:
    """Whether two runs are paired by common random numbers: the same seed and the same
    replications, so that replication i of each drew from the same stream."""
    ids_a, ids_b = a.replication_ids, b.replication_ids
    same = ids_a.shape == ids_b.shape and bool(np.all(ids_a == ids_b))
    return same and a.summary.get("seed") == b.summary.get("seed")


def _mean_difference(a: np.ndarray, b: np.ndarray, paired: bool) -> Interval:
    return paired_difference(a, b) if paired else welch_difference(a, b)


def difference_rows(a: RunFolder, b: RunFolder) -> list[tuple[str, str, str, Interval, bool]]:
    """(metric, A, B, B − A interval, is a probability) for every compared metric: paired
    intervals when the runs are paired (`is_paired`), else those of independent samples."""
    rows = []
    paired = is_paired(a, b)

    def text(doc: dict[str, Any], percent: bool) -> str:
        return stat_text(doc, percent=percent)

    for key, label in COMPARED:
        diff = _mean_difference(_column(a, key), _column(b, key), paired)
        rows.append((label, text(a.summary[key], False), text(b.summary[key], False), diff, False))
    na, nb = a.replications.num_rows, b.replications.num_rows
    if paired:
        diff = paired_proportion_difference(_column(a, "no_leak"), _column(b, "no_leak"))
    else:
        diff = newcombe_difference(
            int(_column(a, "no_leak").sum()), na, int(_column(b, "no_leak").sum()), nb
        )
    rows.insert(
        3,
        (
            "P(no leaker)",
            text(a.summary["p_no_leak"], True),
            text(b.summary["p_no_leak"], True),
            diff,
            True,
        ),
    )
    types_a = a.summary.get("interceptors_fired_by_type", {})
    types_b = b.summary.get("interceptors_fired_by_type", {})
    none = {"mean": 0.0, "ci95": [0.0, 0.0]}
    for name in sorted(set(types_a) | set(types_b)):
        diff = _mean_difference(_column(a, f"fired.{name}"), _column(b, f"fired.{name}"), paired)
        rows.append(
            (
                f"  {name} fired",
                text(types_a.get(name, none), False),
                text(types_b.get(name, none), False),
                diff,
                False,
            )
        )
    return rows


def difference_table(
    rows: list[tuple[str, str, str, Interval, bool]],
    heads: tuple[str, str, str] = (
        "A: mean [95% interval]",
        "B: mean [95% interval]",
        "B − A [95% interval]",
    ),
) -> Markup:
    """Rows of (metric, A, B, B − A interval, is a probability) as a table."""
    body = []
    for label, ta, tb, diff, percent in rows:
        differs = diff.low > 0 or diff.high < 0
        body.append(
            tag(
                "tr",
                {},
                tag("td", {}, label),
                tag("td", {"class": "num"}, ta),
                tag("td", {"class": "num"}, tb),
                tag(
                    "td",
                    {"class": "num" + (" diff-yes" if differs else "")},
                    estimate_text(diff.estimate, diff.low, diff.high, signed=True, percent=percent),
                ),
                tag("td", {}, "yes" if differs else "no"),
            )
        )
    head = tag(
        "tr",
        {},
        tag("th", {}, "metric"),
        tag("th", {}, heads[0]),
        tag("th", {}, heads[1]),
        tag("th", {}, heads[2]),
        tag("th", {}, "interval excludes 0"),
    )
    return tag(
        "table", {"class": "summary comparison"}, tag("thead", {}, head), tag("tbody", {}, body)
    )


def comparison_html(a: RunFolder, b: RunFolder) -> str:
    """The comparison page, as text."""
    sa, sb = a.loaded.scenario, b.loaded.scenario
    label_a, label_b = f"A: {sa.name}", f"B: {sb.name}"
    types = sorted(
        set(a.summary.get("interceptors_fired_by_type", {}))
        | set(b.summary.get("interceptors_fired_by_type", {}))
    )
    none = {"mean": 0.0, "ci95": [0.0, 0.0]}

    def series(run: RunFolder, label: str, css: str) -> Series:
        by = run.summary.get("interceptors_fired_by_type", {})
        return Series(
            label,
            [by.get(t, none)["mean"] for t in types],
            [by.get(t, none)["ci95"][0] for t in types],
            [by.get(t, none)["ci95"][1] for t in types],
            css=css,
        )

    pa_, pb_ = a.summary["p_no_leak"], b.summary["p_no_leak"]
    charts = tag(
        "div",
        {"class": "grid2"},
        tag(
            "figure",
            {"data-figure": "compare-leakers"},
            tag("h3", {}, "Leaker distribution"),
            leaker_distribution([(label_a, a.leaked), (label_b, b.leaked)]),
        ),
        tag(
            "figure",
            {"data-figure": "compare-p-no-leak"},
            tag("h3", {}, "Probability of no leaker"),
            probability_intervals(
                [
                    (label_a, float(pa_["mean"]), float(pa_["ci95"][0]), float(pa_["ci95"][1])),
                    (label_b, float(pb_["mean"]), float(pb_["ci95"][0]), float(pb_["ci95"][1])),
                ],
                css=("s0", "s1"),
            ),
        ),
        tag(
            "figure",
            {"data-figure": "compare-interceptors"},
            tag("h3", {}, "Interceptor use by type"),
            bar_chart(
                "interceptors",
                types,
                [series(a, label_a, "s0"), series(b, label_b, "s1")],
                y_label="interceptors per replication",
                x_label="interceptor type",
            )
            if types
            else tag("p", {}, "No interceptors in either run."),
        ),
    )
    sections, data = [], {}
    frame = common_frame([a, b])
    for run, panel, label in ((a, "run-a", label_a), (b, "run-b", label_b)):
        markup, doc = run_section(
            run,
            pick_replications(run),
            panel=panel,
            heading=label,
            with_charts=False,
            frame=frame,
            compact=True,
        )
        sections.append(markup)
        data[panel] = doc

    def describe(label: str, run: RunFolder) -> Markup:
        s = run.loaded.scenario
        return tag(
            "p",
            {"class": "lead"},
            tag("strong", {}, label),
            f" ({run.path.name}): {s.description} " if s.description else f" ({run.path.name}) ",
            f"— {run_line(run)}",
        )

    body = join(
        [
            tag(
                "header",
                {},
                tag("h1", {}, f"kamae comparison: {sa.name} and {sb.name}"),
                describe(label_a, a),
                describe(label_b, b),
            ),
            tag("h2", {}, "Results side by side"),
            difference_table(difference_rows(a, b)),
            tag("p", {"class": "lead"}, _method_line(is_paired(a, b))),
            charts,
            tag("div", {"class": "compare-runs"}, sections),
            footer(),
        ]
    )
    return html_page(f"kamae comparison: {sa.name} and {sb.name}", body, {"runs": data})


def _method_line(paired: bool) -> str:
    if paired:
        return (
            "Differences B − A with 95% intervals, paired replication by replication (the "
            "runs share their seed and replications: common random numbers): Student-t on "
            "the differences for means, Newcombe's interval for paired proportions for "
            "P(no leaker)."
        )
    return (
        "Differences B − A with 95% intervals: Welch's for means, Newcombe's hybrid score "
        "interval for P(no leaker). The runs are independent samples (another seed or "
        "replication count): run them with the same seed and replications, or with "
        "`kamae compare`, for the narrower paired intervals."
    )
