"""What makes the report's map readable as a figure: a graticule, a scale bar, and labels
for the defended assets and fire units.

- Graticule: meridians and parallels every 1, 2, 5, 10, 15 or 30 degrees (the step giving
  three to eight lines across the frame), labelled at the top and left edges. On Web
  Mercator both are straight lines.
- Scale bar: a round length (1, 2 or 5 × 10^k km) near a fifth of the frame's width, at the
  frame's central latitude, where Mercator's scale is 2πR·cos(φ) per turn of longitude
  (Snyder, *Map Projections: A Working Manual*, USGS PP 1395, 1987, §7: the scale factor
  sec φ); it is true at that latitude only, which its label says.
- Labels: each defended asset's and fire unit's id as in the scenario file (units at one
  position share one label, `id (+n)`), as text with a halo beside the marker: right
  below, right above, left below or left above, the first that stays in the frame and
  meets no label placed before (a greedy placement on estimated text widths).
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


CHAR_WIDTH_EM = 0.62
"""Estimated advance of one character of the label font, in ems (DejaVu-like sans)."""
PLACES = ((8.0, 13.0, False), (8.0, -6.0, False), (-8.0, 13.0, True), (-8.0, -6.0, True))
"""Candidate offsets of a label from its mark (dx, dy of the baseline start, anchored at its
end): right below, right above, left below, left above."""

Box = tuple[float, float, float, float]


def _meets(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _placed(
    frame: MapFrame, x: float, y: float, text: str, size: float, taken: list[Box]
) -> tuple[float, float, bool]:
    """The first candidate position whose box stays in the frame and meets no label placed
    before (greedy, in drawing order); the first candidate in the frame if none is free."""
    width = CHAR_WIDTH_EM * size * len(text)
    fallback = None
    for dx, dy, end in PLACES:
        left = x + dx - width if end else x + dx
        box = (left, y + dy - size, left + width, y + dy + 2.0)
        inside = box[0] >= 0 and box[2] <= frame.width and box[1] >= 0 and box[3] <= frame.height
        if not inside:
            continue
        fallback = fallback or (x + dx, y + dy, end, box)
        if not any(_meets(box, t) for t in taken):
            taken.append(box)
            return x + dx, y + dy, end
    if fallback is None:
        return x + 8.0, y + 13.0, False
    taken.append(fallback[3])
    return fallback[0], fallback[1], fallback[2]


def place_labels(loaded: LoadedScenario, frame: MapFrame) -> tuple[Markup, int]:
    """Labels of the defended assets (11 px) and fire unit sites (9.5 px), each at the first
    free position beside its mark."""
    s = loaded.scenario
    items = [(a.lat_deg, a.lon_deg, a.id, "asset-label", 11.0) for a in s.assets]
    sites: dict[tuple[float, float], list[str]] = {}
    for u in s.fire_units:
        sites.setdefault((round(u.lat_deg, 2), round(u.lon_deg, 2)), []).append(u.id)
    for (lat, lon), ids in sites.items():
        text = ids[0] if len(ids) == 1 else f"{ids[0]} (+{len(ids) - 1})"
        items.append((lat, lon, text, "unit-label", 9.5))
    taken: list[Box] = []
    texts = []
    for lat, lon, text, cls, size in items:
        x, y = (float(v) for v in frame.project(lat, lon))
        tx, ty, end = _placed(frame, x, y, text, size, taken)
        attrs: dict[str, object] = {
            "class": f"place-label {cls}",
            "x": number(tx),
            "y": number(ty),
        }
        if end:
            attrs["text-anchor"] = "end"
        texts.append(tag("text", attrs, text))
    return join(texts), len(texts)
