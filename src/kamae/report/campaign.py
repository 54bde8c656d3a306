"""The campaign report: `campaign.html` in a campaign folder written by `kamae campaign`.

Sections: totals with 95% intervals; a map of the areas of interest, the strike platforms
and their range rings (geodesic circles on WGS84) with the covered share of each area; the
day-by-day charts (launchers, missiles, leakers; interceptor stocks; the expected-value
trajectory beside the Monte Carlo mean); the sensitivity chart and table. Also
`campaign_rings`, the platforms' reach as `RangeRing`s for the run report's map.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from kamae.campaign.confirmation import describe_confirmation
from kamae.errors import KamaeError
from kamae.report.basemap import basemap_paths
from kamae.report.charts import WIDTH, Series, bar_chart, line_chart
from kamae.report.footprints import RangeRing, geodesic_circle
from kamae.report.frame import MapFrame
from kamae.report.markup import Markup, join, number, tag
from kamae.report.page import html_page
from kamae.results.files import write_file_atomic
from kamae.results.numbers import stat_parts
from kamae.scenario import LoadedScenario, load_scenario_text
from kamae.scenario.campaign import strike_weapons

CAMPAIGN_REPORT = "campaign.html"


def campaign_rings(loaded: LoadedScenario) -> list[RangeRing]:
    """Each strike platform's reach (weapon range plus its own radius), for the map."""
    c = loaded.scenario.campaign
    if c is None or c.counterstrike is None:
        return []
    weapons = strike_weapons(c)
    rings = []
    for p in c.counterstrike.platforms:
        w = weapons[p.weapon]
        extra = f" + {p.radius_km:g} km platform radius" if p.radius_km else ""
        rings.append(
            RangeRing(
                id=p.id,
                lat_deg=p.lat_deg,
                lon_deg=p.lon_deg,
                radius_km=w.range_km + p.radius_km,
                description=f"{p.basing} platform, {p.weapon} reach ({w.range_km:g} km{extra})",
                source=w.source,
            )
        )
    return rings


def _table(path: Path) -> pa.Table | None:
    return pq.read_table(path) if path.is_file() else None


def build_campaign_report(folder: Path) -> Path:
    """Write `campaign.html` into a campaign folder and return its path."""
    folder = Path(folder)
    try:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        coverage = json.loads((folder / "coverage.json").read_text(encoding="utf-8"))
        steps = pq.read_table(folder / "campaign_steps.parquet")
        expected = _table(folder / "expected.parquet")
        sensitivity = _table(folder / "sensitivity.parquet")
        loaded = load_scenario_text(
            (folder / "scenario.yaml").read_bytes(), str(folder / "scenario.yaml")
        )
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise KamaeError(f"{folder}: not a complete campaign folder ({exc})") from None
    s = loaded.scenario
    body = join(
        [
            tag(
                "header",
                {},
                tag(
                    "h1",
                    {},
                    f"kamae campaign: {s.name}",
                    tag("span", {"class": "badge"}, "notional") if s.notional else None,
                ),
                tag("p", {"class": "lead"}, s.description) if s.description else None,
                tag(
                    "p",
                    {"class": "lead"},
                    f"{summary['replications']} replications, seed {summary['seed']}, "
                    f"{summary['steps']} steps of {summary['step_h']:g} h, defense: "
                    f"{summary['defense']}; wall time {summary.get('wall_time_s', '?')} s",
                ),
                tag("p", {"class": "lead"}, describe_confirmation(summary["confirmation"]))
                if "confirmation" in summary
                else None,
                *(
                    tag("p", {"class": "lead"}, text)
                    for text in describe_reconnaissance(summary.get("reconnaissance", {}))
                ),
            ),
            tag("h2", {}, "Totals over the campaign"),
            _summary_table(summary),
            tag("h2", {}, "Reach of the counterstrike platforms"),
            _map(loaded, coverage),
            _coverage_table(coverage),
            tag("h2", {}, "Day by day"),
            _day_charts(steps, expected, loaded),
            _sensitivity(sensitivity),
            tag(
                "footer",
                {},
                "Made by kamae. Figures are notional; areas are coarse example regions, "
                "not lists of installations.",
            ),
        ]
    )
    out = folder / CAMPAIGN_REPORT
    write_file_atomic(out, html_page(f"kamae campaign: {s.name}", body, {"runs": {}}))
    return out


def describe_reconnaissance(doc: dict[str, Any]) -> list[str]:
    """One sentence per watched force: its locate probability and whose finds were not used
    (summary.json `reconnaissance`)."""
    out = []
    for force, recon in doc.items():
        text = (
            f"Reconnaissance of {force}: located with p {float(recon['p_locate_one_salvo']):.3g} "
            f"in step 0 if a launcher fires one salvo ({', '.join(recon['assets'])})"
        )
        cut = recon.get("assets_cut", {})
        if cut:
            text += "; not used: " + "; ".join(f"{a} ({why})" for a, why in cut.items())
        lost = recon.get("assets_lost_from_step", {})
        if lost:
            text += "; lost: " + ", ".join(f"{a} from step {k}" for a, k in lost.items())
        out.append(text + ".")
    return out


def _stat_cells(stat: dict[str, Any]) -> tuple[str, str]:
    return stat_parts(stat)


def _summary_table(summary: dict[str, Any]) -> Markup:
    rows = [
        ("missiles launched", summary["missiles_launched"]),
        ("leakers", summary["leakers"]),
        ("interceptors fired", summary["interceptors_fired"]),
        ("launchers destroyed by counterstrike", summary["launchers_destroyed"]),
        ("strike missiles fired", summary["strike_missiles_fired"]),
        ("launchers alive at the end", summary["launchers_alive_at_end"]),
    ]
    rows += [(f"  {k} left at the end", v) for k, v in summary["stock_at_end"].items()]
    body = [
        tag(
            "tr",
            {},
            tag("td", {}, label),
            *(tag("td", {"class": "num"}, x) for x in _stat_cells(stat)),
        )
        for label, stat in rows
    ]
    for name, entry in summary["stock_runs_out"].items():
        day = entry["day"]
        text = f"{entry['share_of_replications']:.0%} of replications"
        if day:
            text += f", on day {day['mean']:.3g} on average"
        body.append(
            tag("tr", {}, tag("td", {}, f"  {name} runs out"), tag("td", {"colspan": 2}, text))
        )
    return tag(
        "table",
        {"class": "summary"},
        tag(
            "thead",
            {},
            tag(
                "tr",
                {},
                tag("th", {}, "metric"),
                tag("th", {}, "mean"),
                tag("th", {}, "95% interval"),
            ),
        ),
        tag("tbody", {}, body),
    )


def _path(frame: MapFrame, lat: np.ndarray, lon: np.ndarray) -> str:
    x, y = frame.project_path(lat, lon)
    return "M" + " ".join(f"{number(a)} {number(b)}" for a, b in zip(x, y, strict=True)) + "Z"


def _map(loaded: LoadedScenario, coverage: list[dict[str, Any]]) -> Markup:
    c = loaded.scenario.campaign
    assert c is not None
    rings = campaign_rings(loaded)
    lat: list[float] = []
    lon: list[float] = []
    for a in c.areas:
        lat += [p.lat_deg for p in a.polygon]
        lon += [p.lon_deg for p in a.polygon]
    circles = [geodesic_circle(r.lat_deg, r.lon_deg, r.radius_km * 1e3) for r in rings]
    for circle in circles:
        lat += circle.lat.tolist()
        lon += circle.lon.tolist()
    if not lat:
        return tag("p", {}, "No areas of interest or platforms to draw.")
    frame = MapFrame.around(lat, lon)
    base = basemap_paths(frame)
    features = []
    if base is not None:
        features += [
            tag("path", {"class": "land", "d": base.land}) if base.land else None,
            tag("path", {"class": "border", "d": base.borders}) if base.borders else None,
        ]
    features += _ring_features(frame, rings, circles)
    features += _area_features(frame, c.areas, coverage)
    features += _site_features(frame, rings)
    if base is not None:
        features.append(
            tag("text", {"class": "credit", "x": 6, "y": number(frame.height - 6)}, base.credit)
        )
    return tag(
        "figure",
        {"data-figure": "campaign-map"},
        tag(
            "svg",
            {
                "class": "map",
                "viewBox": f"0 0 {number(frame.width)} {number(frame.height)}",
                "role": "img",
                "aria-label": "Campaign map",
                "xmlns": "http://www.w3.org/2000/svg",
            },
            tag("rect", {"class": "sea", "width": "100%", "height": "100%"}),
            features,
        ),
        tag(
            "figcaption",
            {},
            "Areas of interest (shaded) and the strike platforms' range rings "
            "(geodesic circles on WGS84).",
        ),
    )


def _ring_features(
    frame: MapFrame, rings: list[RangeRing], circles: list[Any]
) -> list[Markup | None]:
    """The strike platforms' range rings (geodesic circles)."""
    features: list[Markup | None] = []
    for ring, circle in zip(rings, circles, strict=True):
        features.append(
            tag(
                "path",
                {"class": "feature ring", "d": _path(frame, circle.lat, circle.lon)},
                tag(
                    "title",
                    {},
                    f"{ring.id}: {ring.description}, {ring.radius_km:g} km. Source: {ring.source}",
                ),
            )
        )
    return features


def _area_features(
    frame: MapFrame, areas: list[Any], coverage: list[dict[str, Any]]
) -> list[Markup | None]:
    """The areas of interest, shaded, each titled with its share within reach."""
    features: list[Markup | None] = []
    share = {(r["area"]): r for r in coverage}
    for a in areas:
        cov = share.get(a.id)
        note = f", {cov['covered_fraction']:.0%} within reach of {cov['weapon']}" if cov else ""
        features.append(
            tag(
                "path",
                {
                    "class": "feature launch area",
                    "d": _path(
                        frame,
                        np.array([p.lat_deg for p in a.polygon]),
                        np.array([p.lon_deg for p in a.polygon]),
                    ),
                    "style": "fill:rgba(200,60,60,0.15);stroke:#b33",
                },
                tag("title", {}, f"{a.id}: {a.name or 'area of interest'}{note}"),
            )
        )
    return features


def _site_features(frame: MapFrame, rings: list[RangeRing]) -> list[Markup | None]:
    """A dot at each strike platform."""
    features: list[Markup | None] = []
    for r in rings:
        x, y = frame.project(r.lat_deg, r.lon_deg)
        features.append(
            tag(
                "circle",
                {
                    "class": "feature",
                    "cx": number(float(x)),
                    "cy": number(float(y)),
                    "r": 4,
                    "style": "fill:#136",
                },
                tag("title", {}, r.description),
            )
        )
    return features


def _coverage_table(rows: list[dict[str, Any]]) -> Markup | None:
    if not rows:
        return None
    return tag(
        "table",
        {"class": "summary"},
        tag(
            "thead",
            {},
            tag(
                "tr",
                {},
                *(
                    tag("th", {}, h)
                    for h in ("area", "weapon", "area, km²", "within reach, km²", "share")
                ),
            ),
        ),
        tag(
            "tbody",
            {},
            (
                tag(
                    "tr",
                    {},
                    tag("td", {}, r["area"]),
                    tag("td", {}, r["weapon"]),
                    tag("td", {"class": "num"}, f"{r['area_km2']:,.0f}"),
                    tag("td", {"class": "num"}, f"{r['covered_km2']:,.0f}"),
                    tag("td", {"class": "num"}, f"{r['covered_fraction']:.1%}"),
                )
                for r in rows
            ),
        ),
    )


def _day_charts(steps: pa.Table, expected: pa.Table | None, loaded: LoadedScenario) -> Markup:
    force_cols = ["day", "launchers_alive", "missiles_launched", "leakers", "launchers_destroyed"]
    stock_cols = ["day"] + [c for c in steps.column_names if c.startswith("stock.")]
    figures = [
        (
            "campaign-forces",
            "Launchers, missiles and leakers (mean per day)",
            steps.select(force_cols),
        ),
        (
            "campaign-stocks",
            "Interceptor stocks at the end of each day (mean)",
            steps.select(stock_cols),
        ),
    ]
    if expected is not None:
        mc = steps.column("leakers").to_numpy()
        ex = expected.column("leakers").to_numpy()
        both = pa.table(
            {
                "day": steps.column("day"),
                "leakers (Monte Carlo mean)": mc,
                "leakers (expected values)": ex,
            }
        )
        figures.append(
            ("campaign-expected", "Leakers: Monte Carlo mean and difference equations", both)
        )
    return tag(
        "div",
        {"class": "grid2"},
        (
            tag("figure", {"data-figure": key}, tag("h3", {}, title), line_chart(title, table))
            for key, title, table in figures
        ),
    )


def _sensitivity(table: pa.Table | None) -> Markup | None:
    if table is None or table.num_rows == 0:
        return None
    eff = np.asarray(table.column("counterstrike_effectiveness").to_numpy())
    scale = np.asarray(table.column("stock_scale").to_numpy())
    cats = [f"{e:g}" for e in dict.fromkeys(eff.tolist())]
    series = []
    for i, sc in enumerate(dict.fromkeys(scale.tolist())):
        pick = scale == sc
        series.append(
            Series(
                f"stocks ×{sc:g}",
                table.column("leakers").to_numpy()[pick].tolist(),
                table.column("leakers_low").to_numpy()[pick].tolist(),
                table.column("leakers_high").to_numpy()[pick].tolist(),
                css=f"s{i % 6}",
            )
        )
    chart = bar_chart(
        "sensitivity",
        cats,
        series,
        y_label="leakers over the campaign",
        x_label="counterstrike effectiveness (× p_locate)",
        width=2 * WIDTH,  # a full-width figure: the text scales as the half-width ones'
    )
    head = table.column_names
    rows = [
        tag("tr", {}, *(tag("td", {"class": "num"}, f"{v:.3g}") for v in row.values()))
        for row in table.to_pylist()
    ]
    return tag(
        "section",
        {},
        tag("h2", {}, "Sensitivity"),
        tag(
            "figure",
            {"data-figure": "campaign-sensitivity"},
            chart,
            tag(
                "figcaption",
                {},
                "Mean leakers over the campaign with 95% intervals, by counterstrike "
                "effectiveness and interceptor stock scale (fast path, common random numbers).",
            ),
        ),
        tag(
            "table",
            {"class": "summary"},
            tag("thead", {}, tag("tr", {}, *(tag("th", {}, h) for h in head))),
            tag("tbody", {}, rows),
        ),
    )
