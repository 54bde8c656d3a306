"""The pages of paired comparisons of variants: a `kamae compare` folder (a scenario and its
variants, `comparison.html`) and a capability study (`kamae study capabilities`, one
comparison per question, `capabilities.html`).

Every difference is the paired one `kamae.compare` computed (common random numbers:
Student-t on the per-replication differences for means, Newcombe's paired interval for
P(no leaker)) and wrote into comparison.json; this module only reads and draws.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kamae.errors import KamaeError
from kamae.report.charts import HBar, horizontal_bars, probability_intervals
from kamae.report.comparison import difference_table
from kamae.report.map import common_frame
from kamae.report.markup import Markup, join, tag
from kamae.report.page import html_page
from kamae.report.run_folder import pick_replications, read_run_folder
from kamae.report.run_report import footer, run_section
from kamae.results.files import write_file_atomic
from kamae.results.numbers import decimals_for, estimate_text, fixed
from kamae.results.statistics import Interval

COMPARISON = "comparison.json"
PAGE = "comparison.html"
CAPABILITIES = "capabilities.json"
CAPABILITIES_PAGE = "capabilities.html"


def _read(path: Path, what: str) -> dict[str, Any]:
    if not path.is_file():
        raise KamaeError(f"{path.parent}: not a complete {what} folder (no {path.name})")
    try:
        doc: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KamaeError(f"{path}: cannot be read ({exc})") from None
    return doc


def build_comparison_report(folder: Path) -> Path:
    """Write `comparison.html` into a `kamae compare` folder and return its path."""
    folder = Path(folder)
    doc = _read(folder / COMPARISON, "comparison")
    out = folder / PAGE
    write_file_atomic(out, variants_html(folder, doc))
    return out


def _interval(doc: dict[str, Any]) -> Interval:
    return Interval(float(doc["mean"]), float(doc["ci95"][0]), float(doc["ci95"][1]), doc["method"])


def value_chart(doc: dict[str, Any], name: str = "value") -> Markup:
    """The headline metric's paired difference from the base, one bar per variant."""
    key = doc["headline"]
    rows = []
    label = key
    for v in doc["variants"]:
        m = v["metrics"].get("p_no_leak" if key == "no_leak" else key)
        if m is None:
            continue
        label = m["label"]
        d = _interval(m["difference"])
        title = f"{v['label']}: {estimate_text(d.estimate, d.low, d.high, signed=True)}"
        css = "s1" if d.estimate > 0 else "s0"
        rows.append((v["label"], [HBar(0.0, d.estimate, css, title, d.low, d.high)]))
    return horizontal_bars(
        name,
        rows,
        x_label=f"{label}: variant − base (paired 95% interval)",
        caption=f"{label}: each variant against the base",
        origin=0.0,
    )


def metric_rows(variant: dict[str, Any]) -> list[tuple[str, str, str, Interval, bool]]:
    """A variant's metrics as rows of `difference_table`."""
    rows = []
    for key, m in variant["metrics"].items():
        percent = key == "p_no_leak"
        d = _interval(m["difference"])
        scale = 100.0 if percent else 1.0
        digits = decimals_for(scale * d.low, scale * d.high)
        ta, tb = (fixed(float(m[k]), digits, percent=percent) for k in ("a", "b"))
        rows.append((m["label"], ta, tb, d, percent))
    return rows


def variants_html(folder: Path, doc: dict[str, Any]) -> str:
    """The page of a `kamae compare` folder, as text."""
    title = f"kamae compare: {doc['base']} and {len(doc['variants'])} variant(s)"
    lead = (
        f"{doc['kind']} comparison, {doc['replications']} paired replications per run, seed "
        f"{doc['seed']}: every run drew replication i from the same stream (common random "
        f"numbers). Method: {doc['method']}."
    )
    sections: list[object] = [
        tag("h2", {}, "Each variant against the base"),
        tag("figure", {"data-figure": "compare-value"}, value_chart(doc)),
    ]
    for v in doc["variants"]:
        settings = v["settings"] or [f"scenario {v['scenario']}"]
        sections += [
            tag("h2", {}, v["label"]),
            tag("p", {"class": "lead"}, tag("code", {}, "; ".join(settings))),
            difference_table(
                metric_rows(v),
                ("base: mean", "variant: mean", "variant − base [paired 95% interval]"),
            ),
        ]
    data: dict[str, Any] = {}
    if doc["kind"] == "engine":
        sections += _engine_runs(folder, doc, data)
    body = join(
        [
            tag("header", {}, tag("h1", {}, title), tag("p", {"class": "lead"}, lead)),
            *sections,
            footer(),
        ]
    )
    return html_page(title, body, {"runs": data})


def _engine_runs(folder: Path, doc: dict[str, Any], data: dict[str, Any]) -> list[object]:
    """P(no leaker) of every run, and each run's map and timeline."""
    names = [("base", "base")] + [(v["folder"], v["label"]) for v in doc["variants"]]
    runs = [(read_run_folder(folder / sub), label) for sub, label in names]
    rows = []
    for run, label in runs:
        p = run.summary["p_no_leak"]
        rows.append((label, float(p["mean"]), float(p["ci95"][0]), float(p["ci95"][1])))
    out: list[object] = [
        tag(
            "figure",
            {"data-figure": "compare-p-no-leak"},
            tag("h3", {}, "Probability of no leaker"),
            probability_intervals(rows),
        )
    ]
    markup = []
    frame = common_frame([run for run, _ in runs])
    for i, (run, label) in enumerate(runs):
        panel = f"run-{i}"
        section, found = run_section(
            run,
            pick_replications(run),
            panel=panel,
            heading=label,
            with_charts=False,
            frame=frame,
            compact=True,
        )
        markup.append(section)
        data[panel] = found
    out.append(tag("div", {"class": "compare-runs"}, markup))
    return out


def build_capabilities_report(folder: Path) -> Path:
    """Write `capabilities.html` into a capability study's folder and return its path."""
    folder = Path(folder)
    doc = _read(folder / CAPABILITIES, "capability study")
    sections: list[object] = []
    for q in doc["questions"]:
        comparison = _read(folder / q["folder"] / COMPARISON, "comparison")
        link = f"{q['folder']}/{PAGE}"
        sections += [
            tag("h2", {"id": q["id"]}, q["question"]),
            tag(
                "p",
                {"class": "lead"},
                f"{q['kind']} comparison on {q['scenario']}"
                + (f" (base: {'; '.join(q['base_settings'])})" if q["base_settings"] else "")
                + f", {comparison['replications']} paired replications. {q['note']} ",
                tag("a", {"href": link}, "Full comparison"),
            ),
            tag("figure", {"data-figure": f"capability-{q['id']}"}, value_chart(comparison)),
        ]
    title = "kamae study: the value of each capability"
    lead = (
        f"{doc['description']} Seed {doc['seed']}; each question is a paired comparison "
        "(common random numbers) of its variants with its base."
    )
    body = join(
        [
            tag("header", {}, tag("h1", {}, title), tag("p", {"class": "lead"}, lead)),
            *sections,
            footer(),
        ]
    )
    out = folder / CAPABILITIES_PAGE
    write_file_atomic(out, html_page(title, body, {}))
    return out
