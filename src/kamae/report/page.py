"""The report page's shell: one self-contained HTML file with inline CSS, SVG and script.

The page loads nothing: a Content-Security-Policy allows only its own script (by hash),
inline styles and data: images (plus a tile server's origin when the user asks for online
tiles). Data for the script is JSON in a non-executed `<script type="application/json">`.
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urlsplit

from kamae.report.map import MARKER_DEFS
from kamae.report.markup import Markup, json_for_script, tag, void

CSS = """
:root { --ink:#1d2329; --muted:#5f6b76; --rule:#d5dbe1; --panel:#f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); margin: 0 auto; padding: 16px 20px 40px; max-width: 1220px; }
h1 { font-size: 22px; margin: 4px 0 2px; }
h2 { font-size: 17px; margin: 26px 0 8px; border-bottom: 1px solid var(--rule);
  padding-bottom: 3px; }
h3 { font-size: 14px; margin: 12px 0 4px; }
p.lead { margin: 4px 0; color: var(--muted); max-width: 900px; }
.badge { display: inline-block; font-size: 11px; padding: 1px 6px; border-radius: 8px;
  background: #fff3bf; border: 1px solid #e0c96a; vertical-align: middle; margin-left: 6px; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid var(--rule);
  vertical-align: top; }
td.num { text-align: right; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr));
  gap: 14px 22px; }
figure { margin: 0; break-inside: avoid; }
figcaption { color: var(--muted); font-size: 12px; margin-top: 2px; }
table.summary caption.note { caption-side: bottom; text-align: left; color: var(--muted);
  font-size: 12px; padding-top: 3px; }
.map-panel { display: grid; grid-template-columns: minmax(0, 1fr) 260px; gap: 12px;
  align-items: start; }
.map-box { border: 1px solid var(--rule); }
svg.map { display: block; width: 100%; height: auto; background: #dbe9f4; }
.info { min-height: 3.2em; padding: 5px 8px; font-size: 12px; background: var(--panel);
  border-top: 1px solid var(--rule); }
fieldset.layers { border: 1px solid var(--rule); padding: 6px 10px; margin: 0; font-size: 13px;
  }
fieldset.layers label { display: block; margin: 2px 0; cursor: pointer; }
.count { color: var(--muted); }
.legend { font-size: 12px; color: var(--muted); margin-top: 6px; }
.legend-item { display: inline-flex; align-items: center; margin-right: 10px; }
.line { display: inline-block; width: 18px; height: 0; border-top: 3px solid; margin: 0 4px; }
.line.intercepted { border-color: #009E73; }
.line.leaked { border-color: #D55E00; }
.line.unresolved { border-color: #868e96; }
.off, .hidden-rep { display: none; }
.sea { fill: #dbe9f4; }
.land { fill: #f3efe4; stroke: #9a9482; stroke-width: .6; }
.lake { fill: #dbe9f4; stroke: #9a9482; stroke-width: .4; }
.border { fill: none; stroke: #a59a7f; stroke-width: .7; stroke-dasharray: 3 2; }
.credit { font-size: 10px; fill: #5f6b76; }
.coverage { fill-opacity: .035; stroke-width: 1.2; stroke-opacity: .9; fill-rule: evenodd; }
.cov-srbm { fill: #E69F00; stroke: #E69F00; }
.cov-mrbm { fill: #CC79A7; stroke: #CC79A7; }
.cov-irbm { fill: #56B4E9; stroke: #56B4E9; }
.envelope { fill: #0072B2; fill-opacity: .025; stroke: #0072B2; stroke-width: 1.2;
  stroke-dasharray: 5 3; }
.envelope.tier-lower { stroke-dasharray: 2 2; }
.ring { fill: none; stroke: #7b2d26; stroke-width: 1.2; stroke-dasharray: 8 4; }
.track { fill: none; stroke-width: 1.6; stroke: #868e96; }
.track[data-outcome="intercepted"] { stroke: #009E73; }
.track[data-outcome="leaked"] { stroke: #D55E00; }
.launch { stroke: #1d2329; stroke-width: 2; fill: none; }
.intercept { stroke: #006c4f; stroke-width: 1.2; }
.intercept.hit { fill: #009E73; }
.intercept.miss { fill: #fff; }
.leak { stroke: #D55E00; stroke-width: 2.6; fill: none; }
.asset { fill: #F0E442; stroke: #1d2329; stroke-width: 1; }
.unit { fill: #0072B2; stroke: #fff; stroke-width: 1; }
.sensor { fill: #fff; stroke: #1d2329; stroke-width: 1.4; }
.feature:hover { stroke-width: 2.5; }
.graticule { fill: none; stroke: #8da2b5; stroke-width: .5; stroke-opacity: .7; }
.grat-label { font-size: 9px; fill: #5f6b76; }
.scale-bar { fill: none; stroke: #1d2329; stroke-width: 2; }
.scale-label { font-size: 11px; fill: #1d2329; }
.place-label { font-size: 11px; fill: #1d2329; paint-order: stroke; stroke: #fff;
  stroke-width: 3px; stroke-linejoin: round; pointer-events: none; }
.unit-label { font-size: 9.5px; fill: #0b4f7c; }
.sw-graticule { background: linear-gradient(90deg, transparent 45%, #8da2b5 45% 55%,
  transparent 55%); }
.sw-labels { background: #fff; }
.sw-scale { background: linear-gradient(0deg, transparent 40%, #1d2329 40% 60%,
  transparent 60%); }
.sw-coverage-srbm, .sw-coverage-mrbm, .sw-coverage-irbm, .sw-envelopes, .sw-tracks, .sw-assets,
  .sw-sensors, .sw-fire-units, .sw-intercepts, .sw-leakers, .sw-launches, .sw-rings,
  .sw-basemap, .sw-tiles, .sw-graticule, .sw-labels, .sw-scale { display: inline-block;
  width: 10px; height: 10px; margin: 0 4px 0 2px; border: 1px solid #555; }
.sw-coverage-srbm { background: #E69F00; }
.sw-coverage-mrbm { background: #CC79A7; }
.sw-coverage-irbm { background: #56B4E9; }
.sw-envelopes { background: #cfe3f1; }
.sw-tracks { background: #009E73; }
.sw-assets { background: #F0E442; }
.sw-sensors { background: #fff; }
.sw-fire-units { background: #0072B2; }
.sw-intercepts { background: #009E73; border-radius: 5px; }
.sw-leakers { background: #D55E00; }
.sw-launches { background: #1d2329; }
.sw-rings { background: #7b2d26; }
.sw-basemap { background: #f3efe4; }
.sw-tiles { background: #dbe9f4; }
svg.chart { display: block; width: 100%; height: auto; max-width: 980px; }
.grid { stroke: #e9edf1; }
.axis { stroke: #888; }
.tick { font-size: 11px; fill: #3b4650; }
.label { font-size: 12px; fill: #3b4650; }
.bar.s0 { fill: #0072B2; }
.bar.s1 { fill: #E69F00; }
.bar.s2 { fill: #009E73; }
.bar.s3 { fill: #CC79A7; }
.bar.s4 { fill: #D55E00; }
.bar.s5 { fill: #56B4E9; }
.bar.stock { fill: #c9d3dc; }
.whisker { stroke: #1d2329; stroke-width: 1.2; fill: none; }
.interval .range { stroke: #1d2329; stroke-width: 2.5; }
.interval .estimate { fill: #0072B2; stroke: #fff; }
.interval.s1 .estimate { fill: #E69F00; }
.series { fill: none; stroke-width: 2; }
.series.s0 { stroke: #0072B2; }
.series.s1 { stroke: #E69F00; }
.series.s2 { stroke: #009E73; }
.series.s3 { stroke: #CC79A7; }
.series.s4 { stroke: #D55E00; }
.series.s5 { stroke: #56B4E9; }
.key.s0 { fill: #0072B2; }
.key.s1 { fill: #E69F00; }
.key.s2 { fill: #009E73; }
.key.s3 { fill: #CC79A7; }
.key.s4 { fill: #D55E00; }
.key.s5 { fill: #56B4E9; }
.point { fill: #fff; stroke: #0072B2; stroke-width: 1.3; }
.point.front { fill: #0072B2; }
.flight { stroke: #b9c2cb; stroke-width: 2; }
.lane { font-size: 10px; }
.event { stroke-width: 1.2; }
.ev-detection { stroke: #6c757d; stroke-width: 1.6; fill: none; }
.ev-track { fill: #56B4E9; stroke: #1d6fa5; }
.ev-launch { fill: #1d2329; stroke: none; }
.ev-intercept { stroke: #006c4f; }
.ev-intercept.hit { fill: #009E73; }
.ev-intercept.miss { fill: #fff; }
.ev-kill { fill: #006c4f; stroke: none; }
.ev-leak { stroke: #D55E00; stroke-width: 2.4; fill: none; }
.controls { margin: 6px 0 10px; }
select { font: inherit; padding: 2px 4px; }
.diff-yes { font-weight: 600; }
.compare-runs { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr));
  gap: 0 24px; }
.compare-runs .map-panel { grid-template-columns: 1fr; }
footer { margin-top: 30px; color: var(--muted); font-size: 12px; }
@media (max-width: 900px) {
  .map-panel { grid-template-columns: 1fr; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  .layers input, .controls, .info { display: none; }
  fieldset.layers label:has(input:not(:checked)) { display: none; }
  .map-panel { grid-template-columns: 1fr 200px; }
  .grid2 { grid-template-columns: 1fr 1fr; }
  svg.chart.timeline { max-width: none; }
  h2 { break-after: avoid; }
  section { break-inside: avoid-page; }
}
"""

SCRIPT = """
(() => {
  const data = JSON.parse(document.getElementById('kamae-data').textContent);
  for (const panel of document.querySelectorAll('.map-panel')) {
    for (const box of panel.querySelectorAll('input[data-toggle]')) {
      box.addEventListener('change', () => {
        const key = box.dataset.toggle;
        for (const g of panel.querySelectorAll('g.layer')) {
          if (g.dataset.layer === key) g.classList.toggle('off', !box.checked);
        }
      });
    }
    const info = panel.querySelector('.info');
    const svg = panel.querySelector('svg.map');
    if (svg && info) {
      svg.addEventListener('mouseover', (ev) => {
        const f = ev.target.closest('.feature');
        const t = f && f.querySelector('title');
        if (t) info.textContent = t.textContent;
      });
    }
  }
  for (const run of document.querySelectorAll('.run')) {
    const select = run.querySelector('select.rep-select');
    if (!select) continue;
    const outcomes = ((data.runs || {})[run.id] || {}).outcomes || {};
    const show = () => {
      const rep = select.value;
      for (const el of run.querySelectorAll('[data-rep]')) {
        el.classList.toggle('hidden-rep', el.dataset.rep !== rep);
      }
      const out = outcomes[rep] || [];
      for (const p of run.querySelectorAll('path.track')) {
        p.setAttribute('data-outcome', out[Number(p.dataset.threat)] || 'unresolved');
      }
      // Leaked tracks last, so that they are drawn over the tracks they share a path with.
      for (const p of run.querySelectorAll('path.track[data-outcome="leaked"]')) {
        p.parentNode.appendChild(p);
      }
    };
    select.addEventListener('change', show);
    show();
  }
  document.documentElement.dataset.ready = 'yes';
})();
"""


def script_hash(script: str) -> str:
    """The CSP source expression allowing exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(tiles: str | None = None) -> str:
    """The page's policy: its own script, inline styles, data: images, nothing fetched (but
    the tile server's origin when online tiles are asked for)."""
    img = "data:"
    if tiles:
        parts = urlsplit(tiles)
        if parts.scheme in ("http", "https") and parts.netloc:
            img += f" {parts.scheme}://{parts.netloc}"
    return (
        f"default-src 'none'; script-src {script_hash(SCRIPT)}; style-src 'unsafe-inline'; "
        f"img-src {img}; base-uri 'none'; form-action 'none'"
    )


def html_page(title: str, body: Markup, data: object, *, tiles: str | None = None) -> str:
    """The whole document."""
    head = Markup(
        "".join(
            [
                void("meta", {"charset": "utf-8"}),
                void(
                    "meta",
                    {
                        "http-equiv": "Content-Security-Policy",
                        "content": content_security_policy(tiles),
                    },
                ),
                void(
                    "meta", {"name": "viewport", "content": "width=device-width, initial-scale=1"}
                ),
                void("meta", {"name": "generator", "content": "kamae"}),
                void("link", {"rel": "icon", "href": "data:,"}),
                tag("title", {}, title),
                Markup(f"<style>{CSS}</style>"),
            ]
        )
    )
    defs = Markup(
        '<svg width="0" height="0" style="position:absolute" aria-hidden="true">'
        f"{MARKER_DEFS}</svg>"
    )
    return (
        "<!DOCTYPE html>\n"
        + tag(
            "html",
            {"lang": "en"},
            tag("head", {}, head),
            tag(
                "body",
                {},
                defs,
                body,
                Markup(
                    '<script type="application/json" id="kamae-data">'
                    f"{json_for_script(data)}</script>"
                ),
                Markup(f"<script>{SCRIPT}</script>"),
            ),
        )
        + "\n"
    )
