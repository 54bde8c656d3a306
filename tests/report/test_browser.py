"""The report in a real headless Chromium: loads cleanly, draws what the run holds, toggles
layers, switches replications, shows hover details, screenshots, and exports PNG figures;
chart legends never cover plotted marks, the map carries its place labels, graticule
and scale bar inside the frame, and the timelines' labels are readable and apart.

Skipped where Playwright or Chromium is missing; CI installs both.
"""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from report_fixtures import (  # noqa: F401  (fixtures)
    HOSTILE,
    Page,
    browser,
    default_run,
    hostile_campaign,
    hostile_run,
    no_leak_run,
    no_sensor_run,
    page,
)

from kamae.report import build_comparison, build_report
from kamae.report.basemap import basemap_directory
from kamae.report.campaign import CAMPAIGN_REPORT
from kamae.scenario import load_scenario


def _events(folder: Path, replication: int, kind: str) -> int:
    events = pq.read_table(folder / "events.parquet")
    mask = pc.and_(
        pc.equal(events.column("replication"), replication),
        pc.equal(events.column("kind").cast("string"), kind),
    )
    return events.filter(mask).num_rows


def _count(p: Any, layer: str, replication: str | None = None) -> int:
    inner = f' [data-rep="{replication}"]' if replication is not None else ""
    return p.locator(f'#run-a-map g.layer[data-layer="{layer}"]{inner} .feature').count()


def _png_colours(data: bytes) -> int:
    """Distinct byte values in a PNG's decompressed image data (1-2 for a blank image)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(idat)))


def test_report_loads_and_draws_every_layer(page: Page, default_run: Path) -> None:  # noqa: F811
    p = page.open(build_report(default_run))
    assert page.errors == []
    assert all(url.startswith(("file:", "data:")) for url in page.requests), page.requests
    s = load_scenario("japan-2027").scenario
    assert _count(p, "assets") == len(s.assets) == 5
    assert _count(p, "sensors") == len(s.sensors) == 11
    assert _count(p, "fire-units") == len(s.fire_units) == 9
    assert _count(p, "envelopes") == len(s.fire_units)
    assert _count(p, "tracks") == sum(r.count for r in s.raids) == 20
    assert _count(p, "launches") == len(s.raids)
    # Every sensor covers each threat class flown somewhere (SRBM and MRBM here).
    assert _count(p, "coverage-srbm") == _count(p, "coverage-mrbm") == len(s.sensors)
    assert _count(p, "coverage-irbm") == 0
    shown = p.locator("select.rep-select").input_value()
    rep = int(shown)
    assert _count(p, "intercepts", shown) == _events(default_run, rep, "intercept")
    assert _count(p, "leakers", shown) == _events(default_run, rep, "leak")
    visible_hits = p.locator('#run-a-map g[data-layer="intercepts"] .feature:visible').count()
    assert visible_hits == _events(default_run, rep, "intercept")
    # The timeline has one mark per event of the shown replication.
    events = pq.read_table(default_run / "events.parquet")
    shown_events = pc.and_(
        pc.equal(events.column("replication"), rep),
        pc.not_equal(events.column("kind"), "why_not"),  # why-not records: the report's table
    )
    n_events = events.filter(shown_events).num_rows
    assert p.locator(f'[data-rep="{shown}"] svg.timeline .event').count() == n_events
    # Every feature says what it is.
    titles = p.locator("#run-a-map .feature > title")
    assert titles.count() == p.locator("#run-a-map .feature").count()
    if basemap_directory() is not None:
        assert p.locator("svg.map path.land").count() == 1


def test_toggling_a_layer_hides_it(page: Page, default_run: Path) -> None:  # noqa: F811
    p = page.open(build_report(default_run))
    layer = p.locator('#run-a-map g.layer[data-layer="assets"]')
    assert layer.is_visible()
    p.locator('#run-a-map input[data-toggle="assets"]').click()
    assert layer.is_hidden()
    assert p.locator('#run-a-map g[data-layer="assets"] .feature:visible').count() == 0
    p.locator('#run-a-map input[data-toggle="assets"]').click()
    assert layer.is_visible()
    # The second threat class's coverage starts hidden and can be shown.
    mrbm = p.locator('#run-a-map g.layer[data-layer="coverage-mrbm"]')
    assert mrbm.is_hidden()
    p.locator('#run-a-map input[data-toggle="coverage-mrbm"]').click()
    assert mrbm.is_visible()
    assert page.errors == []


def test_choosing_another_replication(page: Page, default_run: Path) -> None:  # noqa: F811
    p = page.open(build_report(default_run))
    select = p.locator("select.rep-select")
    values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
    assert len(values) >= 2
    other = values[-1]
    select.select_option(other)
    rep = int(other)
    visible = p.locator('#run-a-map g[data-layer="leakers"] .feature:visible').count()
    assert visible == _events(default_run, rep, "leak")
    leaked = p.locator('path.track[data-outcome="leaked"]').count()
    assert leaked == _events(default_run, rep, "leak")
    assert p.locator(f'figure [data-rep="{other}"] svg.timeline').is_visible()
    assert page.errors == []


def test_hover_shows_what_and_where_from(page: Page, default_run: Path) -> None:  # noqa: F811
    p = page.open(build_report(default_run))
    p.locator('#run-a-map g[data-layer="sensors"] .feature').first.dispatch_event("mouseover")
    info = p.locator("#run-a-map .info").inner_text()
    assert "xband-north" in info and "Source:" in info


def test_screenshot_is_written_and_not_blank(
    page: Page,  # noqa: F811
    default_run: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    p = page.open(build_report(default_run))
    shot = tmp_path / "map.png"
    p.locator("#run-a-map svg.map").screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    assert _png_colours(shot.read_bytes()) > 60
    p.set_content("<html><body></body></html>")
    blank = p.screenshot()
    assert _png_colours(blank) < 10  # the measure tells a blank page apart


def test_scenario_text_renders_as_text(page: Page, hostile_run: Path) -> None:  # noqa: F811
    p = page.open(build_report(hostile_run))
    assert page.dialogs == []
    assert page.errors == []
    assert p.locator("script").count() == 2
    assert p.locator("img").count() == 0
    assert HOSTILE["description"] in p.locator("header").inner_text()
    titles = " ".join(p.locator(".feature > title").all_text_contents())
    for key in ("asset", "interceptor_source", "sensor_source", "threat_source"):
        assert HOSTILE[key] in titles


def _inert(page: Page, p: Any) -> None:  # noqa: F811
    """Nothing from the scenario ran as script or loaded: no dialog, no error, no image, our
    two scripts only."""
    assert page.dialogs == []
    assert page.errors == []
    assert p.locator("script").count() == 2
    assert p.locator("img").count() == 0
    assert all(url.startswith(("file:", "data:")) for url in page.requests), page.requests


def test_comparison_of_hostile_runs_renders_as_text(
    page: Page,  # noqa: F811
    hostile_run: Path,  # noqa: F811
    no_leak_run: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    p = page.open(build_comparison(hostile_run, no_leak_run, tmp_path / "c.html"))
    _inert(page, p)
    body = p.locator("body").inner_text()
    assert HOSTILE["description"] in body
    assert f"{HOSTILE['interceptor_key']} fired" in body  # the type's row, as text
    titles = " ".join(p.locator(".feature > title").all_text_contents())
    for key in ("asset", "interceptor_source", "sensor_source", "threat_source"):
        assert HOSTILE[key] in titles


def test_campaign_report_with_hostile_text_renders_as_text(
    page: Page,  # noqa: F811
    hostile_campaign: Path,  # noqa: F811
) -> None:
    p = page.open(hostile_campaign / "campaign.html")
    _inert(page, p)
    assert HOSTILE["description"] in p.locator("header").inner_text()
    assert f"{HOSTILE['interceptor_key']} left at the end" in p.locator("body").inner_text()
    titles = " ".join(p.locator("svg title").all_text_contents())
    assert f"launch-area: {HOSTILE['area']}" in titles  # the area on the map
    assert f"Source: {HOSTILE['strike_source']}" in titles  # the platform's weapon


@pytest.mark.parametrize("fixture", ["no_leak_run", "no_sensor_run"])
def test_reports_without_leakers_or_sensors_render(
    page: Page,  # noqa: F811
    fixture: str,
    request: pytest.FixtureRequest,
) -> None:
    folder: Path = request.getfixturevalue(fixture)
    p = page.open(build_report(folder))
    assert page.errors == []
    if fixture == "no_leak_run":
        assert p.locator('#run-a-map g[data-layer="leakers"] .feature').count() == 0
        assert p.locator('path.track[data-outcome="intercepted"]').count() == 4
    else:
        assert _count(p, "sensors") == 0
        assert p.locator('path.track[data-outcome="leaked"]').count() == 3
    assert p.locator("svg.chart.leakers rect.bar").count() >= 1


def test_comparison_page_loads(
    page: Page,  # noqa: F811
    default_run: Path,  # noqa: F811
    no_leak_run: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    p = page.open(build_comparison(default_run, no_leak_run, tmp_path / "c.html"))
    assert page.errors == []
    assert p.locator("svg.map").count() == 2
    assert p.locator("select.rep-select").count() == 2
    p.locator('#run-b-map input[data-toggle="tracks"]').click()
    assert p.locator('#run-b-map g.layer[data-layer="tracks"]').is_hidden()
    assert p.locator('#run-a-map g.layer[data-layer="tracks"]').is_visible()


def test_png_figures(browser: Any, default_run: Path) -> None:  # noqa: F811
    # `browser` is only asked for to skip without Chromium; its Playwright loop is running,
    # as in a notebook, and the export must cope.
    build_report(default_run, png=True)
    figures = sorted(p.name for p in (default_run / "figures").iterdir())
    assert {"run-a-map.png", "run-a-timeline.png", "run-a-leakers.png"} <= set(figures)
    assert _png_colours((default_run / "figures" / "run-a-map.png").read_bytes()) > 60


# --- figures: legends never cover marks; the map's labels, graticule and scale bar ---------

OVERLAPS = """() => {
  const box = (e) => { const b = e.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
  const meets = (a, b) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  const out = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const legends = [...svg.querySelectorAll('g.chart-legend > *')].map(box);
    const marks = [...svg.querySelectorAll('.bar, .whisker, .series, .point, .range, .estimate')]
      .filter((e) => !e.closest('g.chart-legend')).map(box);
    const hits = legends.filter((l) => marks.some((m) => meets(l, m))).length;
    out.push({chart: svg.getAttribute('aria-label') || '', legends: legends.length, hits});
  }
  return out;
}"""


def _charts(p: Any) -> list[dict[str, Any]]:
    return p.evaluate(OVERLAPS)


def test_run_report_legends_never_cover_marks(page: Page, default_run: Path) -> None:  # noqa: F811
    p = page.open(build_report(default_run))
    charts = _charts(p)
    assert charts and any(c["legends"] for c in charts)  # the interceptors chart has one
    assert [c for c in charts if c["hits"]] == []


def test_campaign_report_legends_never_cover_lines(page: Page, hostile_campaign: Path) -> None:  # noqa: F811
    p = page.open(hostile_campaign / CAMPAIGN_REPORT)
    charts = _charts(p)
    assert sum(c["legends"] for c in charts) >= 4  # forces and stocks, one key per line
    assert [c for c in charts if c["hits"]] == []
    keys = p.locator("svg.chart g.chart-legend text").all_text_contents()
    assert not [k for k in keys if "." in k.split()[0] or "_" in k], keys  # human labels


def test_map_has_labels_graticule_and_scale_inside_the_frame(page: Page, default_run: Path) -> None:  # noqa: F811
    p = page.open(build_report(default_run))
    s = load_scenario("japan-2027").scenario
    labels = p.locator('#run-a-map g[data-layer="labels"] text').all_text_contents()
    sites = {(round(u.lat_deg, 2), round(u.lon_deg, 2)) for u in s.fire_units}
    assert len(labels) == len(s.assets) + len(sites)
    assert {a.id for a in s.assets} <= set(labels)
    scale = p.locator('#run-a-map g[data-layer="scale"] text').text_content() or ""
    assert re.fullmatch(r"[\d,]+ km \(at [\d.]+°[NS]\)", scale), scale
    assert p.locator('#run-a-map g[data-layer="graticule"] text').count() >= 4
    outside = p.evaluate(
        """() => {
          const svg = document.querySelector('#run-a-map svg.map');
          const [w, h] = svg.getAttribute('viewBox').split(' ').slice(2).map(Number);
          return [...svg.querySelectorAll('g[data-layer="labels"] text, g[data-layer="scale"] *')]
            .map((e) => e.getBBox())
            .filter((b) => b.x < 0 || b.y < 0 || b.x + b.width > w || b.y + b.height > h).length;
        }"""
    )
    assert outside == 0


# --- timelines: labels readable on screen and apart, on a run's page and a comparison's -----

TIMELINE_LABELS = """() => {
  const out = [];
  for (const svg of document.querySelectorAll('svg.timeline')) {
    if (!svg.getBoundingClientRect().width) continue;  // a replication not shown
    const texts = [...svg.querySelectorAll('text.tick')];
    const sizes = texts.map((e) => parseFloat(getComputedStyle(e).fontSize) * e.getScreenCTM().a);
    const rects = texts.map((e) => e.getBoundingClientRect());
    let overlaps = 0;
    for (let i = 0; i < rects.length; i++) {
      for (let j = i + 1; j < rects.length; j++) {
        const a = rects[i], b = rects[j];
        const meet = a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        if (meet) overlaps++;
      }
    }
    out.push({labels: texts.length, smallest: Math.min(...sizes), overlaps});
  }
  return out;
}"""
MIN_LABEL_PX = 9.0
"""Smallest on-screen size of a timeline's lane and tick labels, CSS px (the page fixture's
1280 px wide viewport)."""


def _timelines(p: Any) -> list[dict[str, Any]]:
    shown = p.evaluate(TIMELINE_LABELS)
    assert shown and all(t["labels"] > 0 for t in shown)
    return shown


def test_run_report_timeline_labels_are_readable_and_apart(page: Page, default_run: Path) -> None:  # noqa: F811
    shown = _timelines(page.open(build_report(default_run)))
    assert [t for t in shown if t["smallest"] < MIN_LABEL_PX or t["overlaps"]] == []


def test_comparison_timeline_labels_are_readable_and_apart(
    page: Page,  # noqa: F811
    default_run: Path,  # noqa: F811
    no_leak_run: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    p = page.open(build_comparison(default_run, no_leak_run, tmp_path / "c.html"))
    shown = _timelines(p)
    assert len(shown) == 2  # the two runs side by side
    assert [t for t in shown if t["smallest"] < MIN_LABEL_PX or t["overlaps"]] == []
