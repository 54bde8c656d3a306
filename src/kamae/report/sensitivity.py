"""The page of a sensitivity study (`kamae sensitivity`): `sensitivity.html` in its folder.

Sections: what was studied (the uncertain inputs, their distributions and sources); per
output, the split of its variance into the part the inputs cause (epistemic) and the part
the replications draw (aleatory), the Sobol' indices (first and total order, with their
bootstrap intervals) or the Morris screening as bars, and the tornado of one-at-a-time
swings with paired intervals; what the study cost. Reads the folder's sensitivity.json only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kamae.errors import KamaeError
from kamae.report.charts import HBar, horizontal_bars
from kamae.report.markup import Markup, join, tag
from kamae.report.page import html_page
from kamae.report.run_report import footer
from kamae.results.files import write_file_atomic
from kamae.results.numbers import estimate_text

RESULT = "sensitivity.json"
PAGE = "sensitivity.html"


def build_sensitivity_report(folder: Path) -> Path:
    """Write `sensitivity.html` into a study's folder and return its path."""
    folder = Path(folder)
    path = folder / RESULT
    if not path.is_file():
        raise KamaeError(f"{folder}: not a sensitivity study (no {RESULT})")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KamaeError(f"{path}: cannot be read ({exc})") from None
    out = folder / PAGE
    write_file_atomic(out, sensitivity_html(doc))
    return out


def sensitivity_html(doc: dict[str, Any]) -> str:
    """The study's page, as text."""
    title = f"kamae sensitivity: {doc['scenario']}"
    cost = doc["cost"]
    lead = (
        f"{doc['method']} design over {len(doc['inputs'])} uncertain inputs, seed {doc['seed']}: "
        f"{cost['design_points']} design points and {cost['tornado_points']} tornado points, "
        f"{doc['replications']} replications each ({doc['seeding']} random numbers): "
        f"{cost['engine_replications']} engine replications, {cost['wall_time_s']:.1f} s."
    )
    sections = [_output_section(name, entry, doc) for name, entry in doc["outputs"].items()]
    body = join(
        [
            tag("header", {}, tag("h1", {}, title), tag("p", {"class": "lead"}, lead)),
            tag("h2", {}, "Uncertain inputs"),
            inputs_table(doc["inputs"]),
            *sections,
            footer(),
        ]
    )
    return html_page(title, body, {})


def inputs_table(inputs: list[dict[str, Any]]) -> Markup:
    """Each input: field, distribution and parameters, central value, swing, source."""
    body = []
    for inp in inputs:
        dist = dict(inp["distribution"])
        kind, source = dist.pop("distribution"), dist.pop("source")
        params = ", ".join(f"{k} {v:g}" for k, v in dist.items())
        low, high = inp["swing"]
        body.append(
            tag(
                "tr",
                {},
                tag("td", {}, tag("code", {}, inp["name"])),
                tag("td", {}, f"{kind} ({params})"),
                tag("td", {"class": "num"}, f"{inp['central']:g}"),
                tag("td", {"class": "num"}, f"{low:g} to {high:g}"),
                tag("td", {}, source),
            )
        )
    head = tag(
        "tr",
        {},
        *(tag("th", {}, h) for h in ("field", "distribution", "central", "swing", "source")),
    )
    return tag("table", {"class": "summary"}, tag("thead", {}, head), tag("tbody", {}, body))


def _output_section(name: str, entry: dict[str, Any], doc: dict[str, Any]) -> Markup:
    label = entry["label"]
    if not entry["available"]:
        return tag(
            "section",
            {"data-output": name},
            tag("h2", {}, label),
            tag("p", {"class": "lead"}, f"Not available: {entry['reason']}."),
        )
    parts: list[object] = [tag("h2", {}, label)]
    if "propagation" in entry:
        parts.append(propagation_table(entry["propagation"], entry["central"]))
    if entry.get("indices"):
        parts.append(indices_figure(name, entry["indices"], doc["method"]))
    if entry.get("tornado"):
        parts.append(tornado_figure(name, entry["tornado"]))
    return tag("section", {"data-output": name}, parts)


def propagation_table(split: dict[str, Any], central: float) -> Markup:
    """The output over the inputs' distribution: its mean, spread and variance split."""
    rows = [
        ("at the central values (as `kamae run`)", f"{central:.4g}"),
        ("mean over the inputs' distribution", f"{split['mean']:.4g}"),
        (
            "5th, 50th, 95th percentile over the inputs",
            f"{split.get('p05', float('nan')):.4g}, {split.get('median', float('nan')):.4g}, "
            f"{split.get('p95', float('nan')):.4g}",
        ),
        ("variance (one replication)", f"{split['variance']:.4g}"),
        ("epistemic share (the inputs)", f"{split['epistemic_share']:.1%}"),
        ("aleatory share (the replications)", f"{1 - split['epistemic_share']:.1%}"),
        ("noise left in the points' outputs", f"{split['noise_share']:.1%}"),
        ("sample points", str(split["points"])),
    ]
    return tag(
        "table",
        {"class": "summary propagation"},
        tag("tbody", {}, (tag("tr", {}, tag("th", {}, k), tag("td", {}, v)) for k, v in rows)),
    )


def indices_figure(name: str, indices: dict[str, dict[str, float]], method: str) -> Markup:
    """Sobol' first and total-order indices (or Morris mu*) as bars with their intervals."""
    rows = []
    order = sorted(indices.items(), key=lambda kv: -kv[1].get("ST", kv[1].get("mu_star", 0.0)))
    for field, idx in order:
        if "ST" in idx:
            bars = [
                HBar(
                    0.0,
                    idx["S1"],
                    "s0",
                    f"first order {idx['S1']:.3f} ± {idx['S1_conf']:.3f}",
                    idx["S1"] - idx["S1_conf"],
                    idx["S1"] + idx["S1_conf"],
                    0,
                    2,
                ),
                HBar(
                    0.0,
                    idx["ST"],
                    "s1",
                    f"total order {idx['ST']:.3f} ± {idx['ST_conf']:.3f}",
                    idx["ST"] - idx["ST_conf"],
                    idx["ST"] + idx["ST_conf"],
                    1,
                    2,
                ),
            ]
        else:
            mu, conf = idx["mu_star"], idx["mu_star_conf"]
            title = f"mu* {mu:.3g} ± {conf:.2g}, sigma {idx['sigma']:.3g}"
            bars = [HBar(0.0, mu, "s0", title, mu - conf, mu + conf)]
        rows.append((field, bars))
    if method == "sobol":
        chart = horizontal_bars(
            "sobol",
            rows,
            x_label="share of the output's variance",
            origin=0.0,
            caption="Sobol' indices with 95% bootstrap intervals",
            legend=(("first order S1", "s0"), ("total order ST", "s1")),
        )
        caption = (
            "First order: the share of the variance this input causes alone; total order: "
            "alone and through its interactions. Intervals: SALib's bootstrap (95%)."
        )
    else:
        chart = horizontal_bars(
            "morris",
            rows,
            x_label="mu*: mean |elementary effect| per grid step",
            origin=0.0,
            caption="Morris screening with 95% bootstrap intervals",
        )
        caption = "Morris mu* (mean absolute elementary effect); hover for sigma."
    return tag(
        "figure",
        {"data-figure": f"{method}-{name}"},
        tag("h3", {}, "Sobol' indices" if method == "sobol" else "Morris screening"),
        chart,
        tag("figcaption", {}, caption),
    )


def tornado_figure(name: str, rows: list[dict[str, Any]]) -> Markup:
    """Each input at its low and high value, the others central: bars from the central
    result, whiskers the paired 95% intervals."""
    central = float(rows[0]["central"])
    bars = []
    for row in rows:
        lo, hi = row["low_minus_central"], row["high_minus_central"]
        bars.append(
            (
                row["name"],
                [
                    HBar(
                        central,
                        central + lo["mean"],
                        "s0",
                        f"at {row['low_value']:g}: {central + lo['mean']:.3g} "
                        f"({estimate_text(lo['mean'], *lo['ci95'], signed=True)})",
                        central + lo["ci95"][0],
                        central + lo["ci95"][1],
                        0,
                        2,
                    ),
                    HBar(
                        central,
                        central + hi["mean"],
                        "s1",
                        f"at {row['high_value']:g}: {central + hi['mean']:.3g} "
                        f"({estimate_text(hi['mean'], *hi['ci95'], signed=True)})",
                        central + hi["ci95"][0],
                        central + hi["ci95"][1],
                        1,
                        2,
                    ),
                ],
            )
        )
    chart = horizontal_bars(
        "tornado",
        bars,
        x_label="output with one input moved (others central)",
        origin=central,
        caption="Tornado: one input at a time",
        legend=(("input at its low value", "s0"), ("input at its high value", "s1")),
    )
    return tag(
        "figure",
        {"data-figure": f"tornado-{name}"},
        tag("h3", {}, "Tornado"),
        chart,
        tag(
            "figcaption",
            {},
            f"Central result {central:.3g}. Whiskers: paired 95% intervals of the change "
            "(common random numbers, replication by replication).",
        ),
    )
