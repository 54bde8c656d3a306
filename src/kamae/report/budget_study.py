"""The page of a budget study's folder (`kamae study budget`): leakers by fiscal year, one
line per budget path, and the rows' table with their 95% intervals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa

from kamae.errors import KamaeError
from kamae.report.charts import line_chart
from kamae.report.markup import join, tag
from kamae.report.page import html_page
from kamae.report.run_report import footer
from kamae.results.files import write_file_atomic
from kamae.results.numbers import estimate_text

STUDY = "budget-study.json"
PAGE = "budget-study.html"


def leakers_key(mode: str) -> str:
    """The row field holding the leakers: the raid's expected leakers or the campaign's."""
    return "leakers" if mode == "campaign" else "expected_leakers"


def leakers_by_year(doc: dict[str, Any]) -> pa.Table:
    """(fiscal_year, one column per path): mean leakers, null where a path lacks the year."""
    key = leakers_key(doc["mode"])
    years = sorted({int(r["fiscal_year"]) for r in doc["rows"]})
    columns: dict[str, list[float | None]] = {"fiscal_year": [float(y) for y in years]}
    for path in doc["paths"]:
        means = {int(r["fiscal_year"]): r[key]["mean"] for r in doc["rows"] if r["path"] == path}
        columns[path] = [means.get(y) for y in years]
    return pa.table({k: pa.array(v, type=pa.float64()) for k, v in columns.items()})


def build_budget_study_report(folder: Path) -> Path:
    """Write the page into a budget study's folder and return its path."""
    folder = Path(folder)
    try:
        doc = json.loads((folder / STUDY).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KamaeError(f"{folder / STUDY}: not a budget study's result ({exc})") from exc
    key = leakers_key(doc["mode"])
    what = "over the campaign" if doc["mode"] == "campaign" else "in the raid"
    rows = [
        tag(
            "tr",
            {},
            tag("td", {}, r["path"]),
            tag("td", {}, f"FY{r['fiscal_year']}"),
            tag("td", {}, estimate_text(r[key]["mean"], *r[key]["ci95"])),
        )
        for r in doc["rows"]
    ]
    table = tag(
        "table",
        {},
        tag("tr", {}, tag("th", {}, "path"), tag("th", {}, "FY"), tag("th", {}, "leakers")),
        rows,
    )
    paths = tag("ul", {}, [tag("li", {}, f"{k}: {v}") for k, v in doc["paths"].items()])
    title = f"kamae study budget: leakers {what} by fiscal year and budget path"
    chart = line_chart(f"leakers {what} by fiscal year", leakers_by_year(doc))
    body = join(
        [
            tag("header", {}, tag("h1", {}, title)),
            tag("figure", {"data-figure": "leakers-by-year"}, chart),
            tag("h2", {}, "Paths"),
            paths,
            tag("h2", {}, "Leakers (mean, 95% interval; paired differences in budget-study.json)"),
            table,
            footer(),
        ]
    )
    out = folder / PAGE
    write_file_atomic(out, html_page(title, body, {}))
    return out
