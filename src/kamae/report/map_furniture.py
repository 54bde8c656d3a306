"""What makes the report's map readable as a figure: a graticule, a scale bar, and labels
for the defended assets and fire units.

- Graticule: meridians and parallels every 1, 2, 5, 10, 15 or 30 degrees (the step giving
  three to eight lines across the frame), labelled at the top and left edges. On Web
  Mercator both are straight lines.
- Scale bar: a round length (1, 2 or 5 × 10^k km) near a fifth of the frame's width, at the
  frame's central latitude, where Mercator's scale is 2πR·cos(φ) per turn of longitude
  (Snyder, *Map Projections: A Working Manual*, USGS PP 1395, 1987, §7: the scale factor
  sec φ); it is true at that latitude only, which its label says.
- Labels: each defended asset's and fire unit's id as in the scenario file (short, so that
  neighbours do not collide; units at one position share one label, `id (+n)`), as text
  with a halo beside the marker, to its left near the frame's right edge.
"""

from __future__ import annotations

import math

import numpy as np

from kamae.geo import EARTH_MEAN_RADIUS
from kamae.report.frame import MapFrame, mercator_lat
from kamae.report.markup import Markup, join, number, tag
from kamae.scenario import LoadedScenario

GRATICULE_STEPS_DEG = (1.0, 2.0, 5.0, 10.0, 15.0, 30.0)
"""Candidate spacings of the graticule's lines, deg."""


def graticule_step(span_deg: float) -> float:
    """The first candidate step giving at most eight lines over `span_deg`."""
    for step in GRATICULE_STEPS_DEG:
        if span_deg / step <= 8.0:
            return step
    return GRATICULE_STEPS_DEG[-1]


def _lon_text(lon: float) -> str:
    lon = (lon + 180.0) % 360.0 - 180.0
    return "180°" if abs(abs(lon) - 180.0) < 1e-9 else f"{abs(lon):g}°{'E' if lon >= 0 else 'W'}"


def _lat_text(lat: float) -> str:
    return "0°" if lat == 0 else f"{abs(lat):g}°{'N' if lat > 0 else 'S'}"


def graticule(frame: MapFrame) -> tuple[Markup, int]:
    """Meridians and parallels over the frame, with their labels; and the number of lines."""
    south, north, west, east = frame.bounds_deg
    step = graticule_step(max(east - west, north - south))
    lines, labels = [], []
    for lon in np.arange(math.ceil(west / step) * step, east + 1e-9, step):
        x, _ = frame.project(0.0, float(lon), wrap=False)
        px = number(float(x))
        lines.append(f"M{px} 0V{number(frame.height)}")
        labels.append(tag("text", {"class": "grat-label", "x": px, "y": 11}, _lon_text(lon)))
    for lat in np.arange(math.ceil(south / step) * step, north + 1e-9, step):
        _, y = frame.project(float(lat), frame.lon0)
        py = number(float(y))
        lines.append(f"M0 {py}H{number(frame.width)}")
        labels.append(tag("text", {"class": "grat-label", "x": 3, "y": py}, _lat_text(lat)))
    body = join([tag("path", {"class": "graticule", "d": "".join(lines)}), *labels])
    return body, len(lines)


def metres_per_pixel(frame: MapFrame, lat_deg: float) -> float:
    """Ground metres per pixel along a parallel at `lat_deg` (Mercator: 2πR·cos φ per turn)."""
    return 2.0 * math.pi * EARTH_MEAN_RADIUS * math.cos(math.radians(lat_deg)) / frame.scale


def nice_length_km(target_km: float) -> float:
    """The largest of 1, 2, 5 × 10^k km not above `target_km` (at least 1 km)."""
    if target_km <= 1.0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(target_km))
    return max(m * power for m in (1.0, 2.0, 5.0) if m * power <= target_km)


def scale_bar(frame: MapFrame) -> Markup:
    """A scale bar in the lower left corner, true at the frame's central latitude."""
    lat = float(mercator_lat(0.5 * (frame.y0 + frame.y1)))
    per_px = metres_per_pixel(frame, lat)
    km = nice_length_km(0.2 * frame.width * per_px / 1e3)
    length = km * 1e3 / per_px
    x0, y0 = 12.0, frame.height - 34.0
    ticks = f"M{number(x0)} {number(y0 - 4)}v8M{number(x0 + length)} {number(y0 - 4)}v8"
    return join(
        [
            tag(
                "path",
                {
                    "class": "scale-bar",
                    "d": f"M{number(x0)} {number(y0)}h{number(length)}{ticks}",
                },
            ),
            tag(
                "text",
                {"class": "scale-label", "x": number(x0), "y": number(y0 - 7)},
                f"{km:,.0f} km (at {_lat_text(round(lat, 1))})",
            ),
        ]
    )


LABEL_ROOM_PX = 110.0
"""Labels closer than this to the frame's right edge are drawn to the left of their marker."""


def _label(frame: MapFrame, lat: float, lon: float, dy: float, cls: str, text: str) -> Markup:
    x, y = (float(v) for v in frame.project(lat, lon))
    left = x > frame.width - LABEL_ROOM_PX
    attrs: dict[str, object] = {
        "class": f"place-label {cls}",
        "x": number(x - 8 if left else x + 8),
        "y": number(y + dy),
    }
    if left:
        attrs["text-anchor"] = "end"
    return tag("text", attrs, text)


def place_labels(loaded: LoadedScenario, frame: MapFrame) -> tuple[Markup, int]:
    """Labels of the defended assets (above) and fire units (below their marker)."""
    s = loaded.scenario
    texts = [_label(frame, a.lat_deg, a.lon_deg, -6.0, "asset-label", a.id) for a in s.assets]
    sites: dict[tuple[float, float], list[str]] = {}
    for u in s.fire_units:
        sites.setdefault((round(u.lat_deg, 2), round(u.lon_deg, 2)), []).append(u.id)
    for (lat, lon), ids in sites.items():
        text = ids[0] if len(ids) == 1 else f"{ids[0]} (+{len(ids) - 1})"
        texts.append(_label(frame, lat, lon, 13.0, "unit-label", text))
    return join(texts), len(texts)
