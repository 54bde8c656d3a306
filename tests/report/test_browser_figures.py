"""The report's figures in a real headless Chromium: legends never cover plotted marks, and
the map carries its place labels, graticule and scale bar, all inside the frame.

Skipped where Playwright or Chromium is missing (report_fixtures.browser)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from report_fixtures import (  # noqa: F401  (fixtures)
    Page,
    browser,
    default_run,
    hostile_campaign,
    page,
)

from kamae.report import build_report
from kamae.report.campaign import CAMPAIGN_REPORT
from kamae.scenario import load_scenario

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
