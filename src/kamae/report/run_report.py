"""The report of one run: `report.html` in the run folder (and PNG figures on request).

Sections: what was run; the results with their 95% intervals; the map; the timeline of a
chosen replication (and a few representative others); the Monte Carlo charts (leaker
distribution, P(no leaker) with its Wilson interval overall and per asset, interceptor use by
type against stock); charts of optional campaign and trade-study tables; why threats leaked
and fire units held fire (the why-not records); provenance.
Only aggregates and a handful of replications are inlined, so the file stays small whatever
the number of replications.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from kamae.report.campaign import campaign_rings
from kamae.report.charts import (
    Series,
    bar_chart,
    front_chart,
    leaker_distribution,
    line_chart,
    probability_intervals,
)
from kamae.report.footprints import RangeRing
from kamae.report.frame import MapFrame
from kamae.report.map import build_map
from kamae.report.markup import Markup, join, tag
from kamae.report.page import html_page
from kamae.report.run_folder import Pick, RunFolder, pick_replications, read_run_folder
from kamae.report.timeline import COMPACT_WIDTH, WIDTH, timeline_legend, timeline_svg
from kamae.report.why_not import why_not_section
from kamae.results.cost_exchange import exchange_rows
from kamae.results.files import write_file_atomic
from kamae.results.numbers import stat_parts
from kamae.results.statistics import wilson_interval
from kamae.scenario import LoadedScenario
from kamae.world import World

REPORT_NAME = "report.html"
FIGURES_DIR = "figures"


def build_report(
    run_folder: Path,
    *,
    png: bool = False,
    replication: int | None = None,
    tiles: str | None = None,
    rings: Sequence[RangeRing] = (),
    world: World | None = None,
) -> Path:
    """Write `report.html` into a run folder (replacing an earlier one) and return its path.

    `replication` picks the replication whose timeline is shown first (default: one with the
    median number of leakers). `tiles` is an optional XYZ tile URL template
    (`https://.../{z}/{x}/{y}.png`) drawn under the offline basemap: the page then loads
    them from the network. `rings` adds range rings (e.g. counterstrike reach). With `png`,
    the map and charts are also written as PNG files into `figures/` (needs headless
    Chromium, see `kamae.report.png`). `world`: the run's own world, when the caller that ran
    it holds it (saves building it again from the folder's scenario file).
    """
    run = read_run_folder(Path(run_folder), world)
    text = report_html(run, replication=replication, tiles=tiles, rings=rings)
    out = run.path / REPORT_NAME
    write_file_atomic(out, text)
    if png:
        from kamae.report.png import export_figures

        export_figures(out, run.path / FIGURES_DIR)
    return out


def report_html(
    run: RunFolder,
    *,
    replication: int | None = None,
    tiles: str | None = None,
    rings: Sequence[RangeRing] = (),
) -> str:
    """The report page of a run, as text."""
    picks = pick_replications(run, replication)
    rings = (*rings, *campaign_rings(run.loaded))
    body, data = run_section(run, picks, panel="run-a", tiles=tiles, rings=rings)
    scenario = run.loaded.scenario
    page_body = join(
        [
            tag(
                "header",
                {},
                tag(
                    "h1",
                    {},
                    f"kamae report: {scenario.name}",
                    tag("span", {"class": "badge"}, "notional") if scenario.notional else None,
                ),
                tag("p", {"class": "lead"}, scenario.description) if scenario.description else None,
                tag("p", {"class": "lead"}, run_line(run)),
            ),
            tag("h2", {}, "Results"),
            summary_table(run.summary, lethal_radius_note(run.loaded)),
            body,
            why_not_section(run),
            provenance(run),
            footer(),
        ]
    )
    return html_page(
        f"kamae report: {scenario.name}", page_body, {"runs": {"run-a": data}}, tiles=tiles
    )


def run_line(run: RunFolder) -> str:
    m = run.manifest
    return (
        f"{run.summary.get('replications')} replications, seed {run.summary.get('seed')}, "
        f"started {m.get('started_utc', '?')}, wall time {m.get('wall_time_s', '?')} s; "
        f"kamae {m.get('kamae_version', '?')}"
    )


def run_section(
    run: RunFolder,
    picks: Sequence[Pick],
    *,
    panel: str,
    tiles: str | None = None,
    rings: Sequence[RangeRing] = (),
    heading: str = "",
    with_charts: bool = True,
    frame: MapFrame | None = None,
    compact: bool = False,
) -> tuple[Markup, dict[str, Any]]:
    """Map, replication picker, timeline and charts of one run, inside `<div class="run">`
    (`frame`: the map's extent, shared by the runs of a comparison page; `compact`: drawn
    for a comparison's column, `kamae.report.timeline.COMPACT_WIDTH`)."""
    view = build_map(run, picks, panel_id=f"{panel}-map", tiles=tiles, rings=rings, frame=frame)
    select = tag(
        "div",
        {"class": "controls"},
        tag("label", {}, "Replication shown on the map and timeline: "),
        tag(
            "select",
            {"class": "rep-select", "aria-label": "replication"},
            (
                tag("option", {"value": p.replication, "selected": i == 0}, p.label)
                for i, p in enumerate(picks)
            ),
        ),
    )
    timelines = [
        tag(
            "div",
            {"class": "variant" + ("" if i == 0 else " hidden-rep"), "data-rep": p.replication},
            timeline_svg(
                run.world,
                run.events_of(p.replication),
                p.replication,
                width=COMPACT_WIDTH if compact else WIDTH,
            ),
        )
        for i, p in enumerate(picks)
    ]
    markup = tag(
        "div",
        {"class": "run", "id": panel},
        tag("h2", {}, heading or "Map"),
        select,
        view.markup,
        tag(
            "section",
            {},
            tag("h2", {}, "Timeline of one replication"),
            tag(
                "figure",
                {"data-figure": f"{panel}-timeline"},
                timelines,
                timeline_legend(),
                tag(
                    "figcaption",
                    {},
                    "One lane per threat, from launch to kill or impact; "
                    "hover a mark for its event.",
                ),
            ),
        ),
        tag("section", {}, tag("h2", {}, "Monte Carlo results"), charts(run, panel))
        if with_charts
        else None,
        extra_charts(run, panel) if with_charts else None,
    )
    return markup, {"outcomes": view.outcomes}


def charts(run: RunFolder, panel: str) -> Markup:
    """The Monte Carlo charts of one run."""
    n = run.replications.num_rows
    p = run.summary["p_no_leak"]
    rows = [("all assets", float(p["mean"]), float(p["ci95"][0]), float(p["ci95"][1]))]
    rows.extend(asset_no_leak_rows(run))
    by_type = run.summary.get("interceptors_fired_by_type", {})
    names = list(by_type)
    stock = interceptor_stock(run)
    use = (
        bar_chart(
            "interceptors",
            names,
            [
                Series(
                    "fired (mean)",
                    [by_type[k]["mean"] for k in names],
                    [by_type[k]["ci95"][0] for k in names],
                    [by_type[k]["ci95"][1] for k in names],
                ),
                Series("stock in the scenario", [stock.get(k, 0) for k in names], css="stock"),
            ],
            y_label="interceptors",
            x_label="interceptor type",
        )
        if names
        else tag("p", {}, "No fire units: no interceptors fired.")
    )
    return tag(
        "div",
        {"class": "grid2"},
        tag(
            "figure",
            {"data-figure": f"{panel}-leakers"},
            tag("h3", {}, "Leaker distribution"),
            leaker_distribution([("leakers", run.leaked)]),
            tag("figcaption", {}, f"Share of the {n} replications with k threats leaked."),
        ),
        tag(
            "figure",
            {"data-figure": f"{panel}-p-no-leak"},
            tag("h3", {}, "Probability of no leaker"),
            probability_intervals(rows),
            tag(
                "figcaption",
                {},
                "Share of replications with no leaker, overall and on each defended asset, "
                "with 95% Wilson score intervals.",
            ),
        ),
        tag(
            "figure",
            {"data-figure": f"{panel}-interceptors"},
            tag("h3", {}, "Interceptor use by type"),
            use,
            tag(
                "figcaption",
                {},
                "Mean interceptors fired per replication with 95% Student-t intervals, "
                "against the stock the scenario holds.",
            ),
        ),
    )


def asset_no_leak_rows(run: RunFolder) -> list[tuple[str, float, float, float]]:
    """P(no leaker on the asset) with Wilson intervals, per defended asset."""
    world = run.world
    n = run.replications.num_rows
    leaks = run.events.filter(pc.equal(run.events.column("kind"), "leak"))
    target = {tid: int(t) for tid, t in zip(world.threat_ids, world.threat_target, strict=True)}
    hit: list[set[int]] = [set() for _ in world.asset_ids]
    for rep, threat in zip(
        leaks.column("replication").to_pylist(), leaks.column("threat").to_pylist(), strict=True
    ):
        a = target.get(threat, -1)
        if a >= 0:
            hit[a].add(rep)
    rows = []
    for a, asset in enumerate(run.loaded.scenario.assets):
        iv = wilson_interval(n - len(hit[a]), n)
        rows.append((asset.name or asset.id, iv.estimate, iv.low, iv.high))
    return rows


def interceptor_stock(run: RunFolder) -> dict[str, int]:
    """Interceptors held by the scenario's fire units, by type."""
    stock: dict[str, int] = {}
    for u in run.loaded.scenario.fire_units:
        stock[u.interceptor] = stock.get(u.interceptor, 0) + u.inventory
    return stock


def extra_charts(run: RunFolder, panel: str) -> Markup | None:
    """Charts of the optional campaign and trade-study tables."""
    if not run.extra_tables:
        return None
    figures = []
    for title, table in run.extra_tables.items():
        if table.num_rows == 0 or table.num_columns < 2:
            continue
        chart = front_chart(title, table) if title == "Trade study" else line_chart(title, table)
        key = title.lower().replace(" ", "-")
        figures.append(
            tag("figure", {"data-figure": f"{panel}-{key}"}, tag("h3", {}, title), chart)
        )
    if not figures:
        return None
    return tag(
        "section",
        {},
        tag("h2", {}, "Campaign and trade studies"),
        tag("div", {"class": "grid2"}, figures),
    )


def _stat(doc: dict[str, Any], percent: bool = False) -> tuple[str, str]:
    """Mean and interval written to the digits the interval resolves (`kamae.results.numbers`)."""
    return stat_parts(doc, percent=percent)


SUMMARY_ROWS = (
    ("threats_launched", "threats launched"),
    ("threats_intercepted", "threats intercepted"),
    ("threats_leaked", "threats leaked (expected leakers)"),
    ("threats_leaked_effective", "leakers landing within lethal radius"),
    ("p_no_leak", "P(no leaker)"),
    ("interceptors_fired", "interceptors fired"),
)


def summary_rows(summary: dict[str, Any]) -> list[tuple[str, dict[str, Any], bool]]:
    """(label, statistic, is a probability) for each line of the results table."""
    rows = [
        (label, summary[key], key == "p_no_leak") for key, label in SUMMARY_ROWS if key in summary
    ]
    for name, stat in summary.get("interceptors_fired_by_type", {}).items():
        rows.append((f"  {name} fired", stat, False))
    return rows


LETHAL_RADIUS_NOTE = (
    "No threat type sets a lethal radius: every leaker counts as landing within it."
)


def lethal_radius_note(loaded: LoadedScenario) -> str | None:
    """The note a results table carries when no raid's threat type has a lethal radius (then
    "landing within lethal radius" equals the leakers), else None."""
    radii = [loaded.threats[r.threat].lethal_radius_m for r in loaded.scenario.raids]
    return None if any(x is not None for x in radii) else LETHAL_RADIUS_NOTE


def summary_table(summary: dict[str, Any], note: str | None = None) -> Markup:
    """Every metric of summary.json with its 95% interval (and `note` as its caption)."""
    body = []
    for label, stat, percent in summary_rows(summary):
        mean, interval = _stat(stat, percent)
        body.append(
            tag(
                "tr",
                {},
                tag("td", {}, label),
                tag("td", {"class": "num"}, mean),
                tag("td", {"class": "num"}, interval),
                tag("td", {}, stat.get("method", "")),
            )
        )
    for label, value, interval in exchange_rows(summary):
        cells = (tag("td", {"class": "num"}, value), tag("td", {"class": "num"}, interval))
        method = "" if value == "n/a" else "delta method; range: threat costs high to low"
        body.append(tag("tr", {}, tag("td", {}, label), *cells, tag("td", {}, method)))
    return tag(
        "table",
        {"class": "summary"},
        tag("caption", {"class": "note"}, note) if note else None,
        tag(
            "thead",
            {},
            tag(
                "tr",
                {},
                tag("th", {}, "metric"),
                tag("th", {}, "mean"),
                tag("th", {}, "95% interval"),
                tag("th", {}, "method"),
            ),
        ),
        tag("tbody", {}, body),
    )


def provenance(run: RunFolder) -> Markup:
    """The manifest: scenario hash, seed, versions, times."""
    m = run.manifest
    rows = [
        ("scenario", m.get("scenario")),
        ("scenario file", m.get("scenario_file")),
        ("scenario SHA-256", m.get("scenario_sha256")),
        ("seed", m.get("seed")),
        ("replications", m.get("replications")),
        ("workers", m.get("workers")),
        ("started (UTC)", m.get("started_utc")),
        ("wall time, s", m.get("wall_time_s")),
        ("kamae", m.get("kamae_version")),
        ("Python", m.get("python_version")),
        ("platform", m.get("platform")),
        ("libraries", ", ".join(f"{k} {v}" for k, v in (m.get("libraries") or {}).items())),
        ("run folder", str(run.path)),
    ]
    return tag(
        "section",
        {},
        tag("h2", {}, "Provenance"),
        tag(
            "table",
            {"class": "provenance"},
            tag(
                "tbody",
                {},
                (
                    tag("tr", {}, tag("th", {}, k), tag("td", {}, "" if v is None else v))
                    for k, v in rows
                ),
            ),
        ),
    )


def footer() -> Markup:
    return tag(
        "footer",
        {},
        "Made by kamae. Self-contained: this file loads nothing from the network "
        "(unless online tiles were asked for). Figures are notional where the scenario says so.",
    )
