"""The map's frame: Web Mercator projection of a scenario's region onto SVG pixels.

Web Mercator (EPSG:3857, the spherical Mercator of web tiles) keeps shapes locally true and
lets optional online tiles line up with the drawing. Longitudes are wrapped around the
frame's central meridian, so a region across the antimeridian stays in one piece.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray

MAX_LATITUDE_DEG = 85.05112878
"""Web Mercator's latitude limit."""


def mercator_x(lon_deg: npt.ArrayLike) -> FloatArray:
    """Normalised Web Mercator x in [0, 1) for longitudes in [-180, 180)."""
    return (np.asarray(lon_deg, dtype=float) + 180.0) / 360.0


def mercator_y(lat_deg: npt.ArrayLike) -> FloatArray:
    """Normalised Web Mercator y: 0 at the northern limit, 1 at the southern."""
    lat = np.radians(np.clip(np.asarray(lat_deg, dtype=float), -MAX_LATITUDE_DEG, MAX_LATITUDE_DEG))
    return 0.5 - np.log(np.tan(np.pi / 4.0 + lat / 2.0)) / (2.0 * np.pi)


def mercator_lat(y: npt.ArrayLike) -> FloatArray:
    """Latitude (deg) of a normalised Web Mercator y."""
    return np.degrees(
        2.0 * np.arctan(np.exp((0.5 - np.asarray(y, dtype=float)) * 2 * np.pi)) - np.pi / 2
    )


@dataclass(frozen=True)
class MapFrame:
    """A rectangle of the Web Mercator plane drawn `width` × `height` pixels."""

    lon0: float
    """Central meridian: longitudes are wrapped into [lon0 - 180, lon0 + 180), deg."""
    x0: float
    x1: float
    y0: float
    y1: float
    width: float
    height: float

    @classmethod
    def around(
        cls,
        lat_deg: npt.ArrayLike,
        lon_deg: npt.ArrayLike,
        *,
        width: float = 960.0,
        margin: float = 0.12,
        min_span_deg: float = 4.0,
        aspect: tuple[float, float] = (0.55, 1.2),
    ) -> MapFrame:
        """The frame holding the given points with a margin, its height/width in `aspect`."""
        lat = np.asarray(lat_deg, dtype=float).ravel()
        lon = np.asarray(lon_deg, dtype=float).ravel()
        keep = np.isfinite(lat) & np.isfinite(lon)
        lat, lon = lat[keep], lon[keep]
        if lat.size == 0:
            lat, lon = np.array([0.0]), np.array([0.0])
        rad = np.radians(lon)
        lon0 = float(np.degrees(np.arctan2(np.sin(rad).mean(), np.cos(rad).mean())))
        lon = wrap_longitude(lon, lon0)
        x0, x1 = float(mercator_x(lon.min())), float(mercator_x(lon.max()))
        y0, y1 = float(mercator_y(lat.max())), float(mercator_y(lat.min()))
        min_span = min_span_deg / 360.0
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        half_x = max((x1 - x0) * (1 + 2 * margin), min_span) / 2
        half_y = max((y1 - y0) * (1 + 2 * margin), min_span) / 2
        ratio = half_y / half_x
        if ratio > aspect[1]:
            half_x = half_y / aspect[1]
        elif ratio < aspect[0]:
            half_y = half_x * aspect[0]
        half_y = min(half_y, 0.5)
        half_x = min(half_x, 0.5)
        y0, y1 = max(cy - half_y, 0.0), min(cy + half_y, 1.0)
        x0, x1 = cx - half_x, cx + half_x
        height = width * (y1 - y0) / (x1 - x0)
        return cls(lon0=lon0, x0=x0, x1=x1, y0=y0, y1=y1, width=width, height=height)

    @property
    def scale(self) -> float:
        """Pixels per unit of normalised Mercator."""
        return self.width / (self.x1 - self.x0)

    @property
    def bounds_deg(self) -> tuple[float, float, float, float]:
        """(south, north, west, east) in degrees, west/east wrapped around lon0."""
        west = self.x0 * 360.0 - 180.0
        east = self.x1 * 360.0 - 180.0
        return float(mercator_lat(self.y1)), float(mercator_lat(self.y0)), west, east

    @property
    def pixels_per_degree(self) -> float:
        return self.width / (360.0 * (self.x1 - self.x0))

    def project(
        self, lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike, *, wrap: bool = True
    ) -> tuple[FloatArray, FloatArray]:
        """Pixel coordinates (x right, y down) of points; `wrap` wraps longitudes to lon0."""
        lon = np.asarray(lon_deg, dtype=float)
        if wrap:
            lon = wrap_longitude(lon, self.lon0)
        x = (mercator_x(lon) - self.x0) * self.scale
        y = (mercator_y(lat_deg) - self.y0) * self.scale
        return x, y

    def project_path(
        self, lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike
    ) -> tuple[FloatArray, FloatArray]:
        """Pixel coordinates of a connected path: longitudes unwrapped along the path, then
        shifted as a whole by whole turns so that the path sits nearest lon0."""
        lon = np.asarray(lon_deg, dtype=float)
        if lon.size:
            lon = np.degrees(np.unwrap(np.radians(lon)))
            mid = 0.5 * (np.nanmin(lon) + np.nanmax(lon))
            lon = lon + 360.0 * np.round((self.lon0 - mid) / 360.0)
        return self.project(lat_deg, lon, wrap=False)


def wrap_longitude(lon_deg: npt.ArrayLike, lon0: float) -> FloatArray:
    """Longitudes wrapped into [lon0 - 180, lon0 + 180)."""
    lon = np.asarray(lon_deg, dtype=float)
    return lon0 + np.mod(lon - lon0 + 180.0, 360.0) - 180.0


@dataclass(frozen=True)
class Tile:
    """One web map tile placed in the frame."""

    url: str
    x: float
    y: float
    size: float


def tiles_for(frame: MapFrame, url_template: str, tile_px: float = 256.0) -> list[Tile]:
    """XYZ tiles covering the frame (`{z}`, `{x}`, `{y}` in the template), at the zoom whose
    tiles are drawn closest to `tile_px` pixels."""
    zoom = max(0, min(19, round(math.log2(frame.scale / tile_px))))
    n = 2**zoom
    size = frame.scale / n
    tiles = []
    for ty in range(max(0, math.floor(frame.y0 * n)), min(n, math.ceil(frame.y1 * n))):
        for tx in range(math.floor(frame.x0 * n), math.ceil(frame.x1 * n)):
            url = url_template.format(z=zoom, x=tx % n, y=ty)
            tiles.append(
                Tile(
                    url, (tx / n - frame.x0) * frame.scale, (ty / n - frame.y0) * frame.scale, size
                )
            )
    return tiles
