"""Range coverage: the part of an area of interest within reach of deployment sites.

An area is a polygon on the WGS84 ellipsoid whose edges are geodesics. It is sampled by a
grid of latitude-longitude cells; each cell's area is exact on the ellipsoid,
A = (a²/2)·Δλ·[q(φ2) − q(φ1)], with q the authalic function
q(φ) = (1 − e²)[sin φ / (1 − e² sin² φ) − (1/2e) ln((1 − e sin φ)/(1 + e sin φ))]
(Snyder, "Map Projections: A Working Manual", USGS PP 1395, 1987, eq. 3-12). A cell belongs
to the area when its centre is inside the polygon (even-odd rule, edges densified along
geodesics to 10 km); it is within reach of a site when the WGS84 geodesic distance (Karney
2013, through pyproj) from the site to its centre is at most the reach. The covered fraction
is the covered cells' area over the area's. Discretisation error falls with the cell size
(about the perimeter's share of boundary cells); areas must not hold a pole or span 180° of
longitude (checked at load).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from pyproj import Geod

from kamae.arrays import BoolArray, FloatArray
from kamae.geo import WGS84_A, WGS84_E2, geodesic_direct_deg

_GEOD = Geod(ellps="WGS84")
_E = math.sqrt(WGS84_E2)
DENSIFY_M = 10_000.0
"""Longest straight piece of a geodesic edge in the point-in-polygon test, m."""
DEFAULT_CELLS = 40_000
"""Grid cells over the area's bounding box (about 5 km cells for a 1,000 km box)."""


@dataclass(frozen=True)
class Site:
    """A deployment site and its reach (weapon range plus the platform's own radius)."""

    id: str
    lat_deg: float
    lon_deg: float
    reach_km: float


@dataclass(frozen=True)
class AreaSample:
    """Cells of an area: centres (deg) and exact ellipsoidal areas (m²)."""

    lat: FloatArray
    lon: FloatArray
    weight: FloatArray

    @property
    def area_m2(self) -> float:
        return float(self.weight.sum())


@dataclass(frozen=True)
class Coverage:
    """How much of an area the sites reach."""

    area_km2: float
    covered_km2: float
    site_fraction: tuple[float, ...]
    """Per site: the fraction of the area it reaches alone."""

    @property
    def fraction(self) -> float:
        """Fraction of the area reached by at least one site."""
        return self.covered_km2 / self.area_km2 if self.area_km2 > 0 else 0.0


def authalic_q(lat: npt.ArrayLike) -> FloatArray:
    """Snyder's q(φ) on WGS84 (the area from the equator to φ is (a²/2)·Δλ·q(φ))."""
    s = np.sin(np.asarray(lat, dtype=float))
    return (1.0 - WGS84_E2) * (
        s / (1.0 - WGS84_E2 * s * s) - np.log((1.0 - _E * s) / (1.0 + _E * s)) / (2.0 * _E)
    )


def cell_area_m2(lat1_deg: npt.ArrayLike, lat2_deg: npt.ArrayLike, dlon_deg: float) -> FloatArray:
    """Exact WGS84 area of latitude-longitude cells between two parallels, m²."""
    q1 = authalic_q(np.radians(lat1_deg))
    q2 = authalic_q(np.radians(lat2_deg))
    return 0.5 * WGS84_A * WGS84_A * math.radians(dlon_deg) * np.abs(q2 - q1)


def densified(vertices: Sequence[tuple[float, float]]) -> tuple[FloatArray, FloatArray]:
    """The closed polygon's (lat, lon) with each geodesic edge cut into ≤ 10 km pieces;
    longitudes unwrapped to stay within 180° of the first vertex."""
    lats: list[float] = []
    lons: list[float] = []
    n = len(vertices)
    for i in range(n):
        lat1, lon1 = vertices[i]
        lat2, lon2 = vertices[(i + 1) % n]
        _, _, dist = _GEOD.inv(lon1, lat1, lon2, lat2)
        pieces = max(1, math.ceil(dist / DENSIFY_M))
        lats.append(lat1)
        lons.append(lon1)
        if pieces > 1:
            for lon, lat in _GEOD.npts(lon1, lat1, lon2, lat2, pieces - 1):
                lats.append(lat)
                lons.append(lon)
    lon = np.asarray(lons, dtype=float)
    lon0 = lon[0]
    lon = lon0 + np.mod(lon - lon0 + 180.0, 360.0) - 180.0
    return np.asarray(lats, dtype=float), lon


def inside_polygon(
    lat: FloatArray, lon: FloatArray, poly_lat: FloatArray, poly_lon: FloatArray
) -> BoolArray:
    """Even-odd point-in-polygon test in the (lon, lat) plane, vectorised over points."""
    inside = np.zeros(lat.shape, dtype=bool)
    x2, y2 = np.roll(poly_lon, -1), np.roll(poly_lat, -1)
    for xa, ya, xb, yb in zip(poly_lon, poly_lat, x2, y2, strict=True):
        if ya == yb:
            continue
        crosses = (ya > lat) != (yb > lat)
        x_at = xa + (lat - ya) * (xb - xa) / (yb - ya)
        inside ^= crosses & (lon < x_at)
    return inside


def sample_area(vertices: Sequence[tuple[float, float]], cells: int = DEFAULT_CELLS) -> AreaSample:
    """Grid cells inside a polygon given as (lat_deg, lon_deg) vertices."""
    plat, plon = densified(vertices)
    south, north = float(plat.min()), float(plat.max())
    west, east = float(plon.min()), float(plon.max())
    mid = math.radians(0.5 * (south + north))
    # Square-ish cells on the ground: Δλ·cos φ ≈ Δφ.
    box = (north - south) * (east - west) * math.cos(mid)
    dlat = math.sqrt(max(box, 1e-12) / cells)
    dlon = dlat / max(math.cos(mid), 1e-6)
    n_lat = max(1, math.ceil((north - south) / dlat))
    n_lon = max(1, math.ceil((east - west) / dlon))
    dlat = (north - south) / n_lat
    dlon = (east - west) / n_lon
    edges = south + dlat * np.arange(n_lat + 1)
    clat = 0.5 * (edges[:-1] + edges[1:])
    clon = west + dlon * (np.arange(n_lon) + 0.5)
    row_area = cell_area_m2(edges[:-1], edges[1:], dlon)
    glat, glon = np.meshgrid(clat, clon, indexing="ij")
    garea = np.broadcast_to(row_area[:, None], glat.shape)
    keep = inside_polygon(glat, glon, plat, plon)
    lon = (glon[keep] + 180.0) % 360.0 - 180.0
    return AreaSample(lat=glat[keep], lon=lon, weight=np.array(garea[keep]))


def distance_matrix_m(sample: AreaSample, sites: Sequence[Site]) -> FloatArray:
    """(cells, sites): WGS84 geodesic distance from each site to each cell's centre, m."""
    out = np.zeros((sample.lat.size, len(sites)))
    for j, site in enumerate(sites):
        _, _, dist = _GEOD.inv(
            np.full(sample.lat.size, site.lon_deg),
            np.full(sample.lat.size, site.lat_deg),
            sample.lon,
            sample.lat,
        )
        out[:, j] = np.asarray(dist)
    return out


def reach_matrix(sample: AreaSample, sites: Sequence[Site]) -> BoolArray:
    """(cells, sites): whether each site reaches each cell's centre."""
    reach_m = np.array([site.reach_km * 1e3 for site in sites])
    return distance_matrix_m(sample, sites) <= reach_m[None, :]


def coverage(
    vertices: Sequence[tuple[float, float]], sites: Sequence[Site], cells: int = DEFAULT_CELLS
) -> Coverage:
    """The part of the polygon within reach of at least one site, and of each site alone."""
    sample = sample_area(vertices, cells)
    reach = reach_matrix(sample, sites)
    w = sample.weight
    return Coverage(
        area_km2=float(w.sum()) / 1e6,
        covered_km2=float(w[reach.any(axis=1)].sum()) / 1e6 if sites else 0.0,
        site_fraction=tuple(float(w[reach[:, j]].sum() / w.sum()) for j in range(len(sites))),
    )


def reach_signatures(
    vertices: Sequence[tuple[float, float]] | None,
    sites: Sequence[Site],
    cells: int = DEFAULT_CELLS,
) -> tuple[BoolArray, FloatArray]:
    """The area split by which sites reach it: masks (S, sites) and area fractions (S,).

    A launcher dispersed uniformly over the area is in part s with probability fractions[s];
    the sites that reach it are masks[s]. Without an area every site reaches everything.
    """
    if vertices is None:
        return np.ones((1, len(sites)), dtype=bool), np.ones(1)
    sample = sample_area(vertices, cells)
    reach = reach_matrix(sample, sites)
    masks, inverse = np.unique(reach, axis=0, return_inverse=True)
    fractions = np.bincount(inverse.ravel(), weights=sample.weight, minlength=len(masks))
    return masks.reshape(len(masks), len(sites)), fractions / fractions.sum()


def part_means(
    vertices: Sequence[tuple[float, float]] | None,
    sites: Sequence[Site],
    value: Callable[[FloatArray], FloatArray],
    cells: int = DEFAULT_CELLS,
) -> FloatArray:
    """(S, sites): the area-weighted mean over each part of `reach_signatures` (same parts,
    same order) of `value(distances_m)`, a (cells, sites) function of the geodesic distance
    from each site to each cell. Without an area: value at distance 0."""
    if vertices is None:
        return np.asarray(value(np.zeros((1, len(sites)))), dtype=float)
    sample = sample_area(vertices, cells)
    dist = distance_matrix_m(sample, sites)
    reach = dist <= np.array([site.reach_km * 1e3 for site in sites])[None, :]
    masks, inverse = np.unique(reach, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    values = np.asarray(value(dist), dtype=float)
    w = sample.weight
    out = np.zeros((len(masks), len(sites)))
    for s in range(len(masks)):
        here = inverse == s
        out[s] = (w[here, None] * values[here]).sum(axis=0) / w[here].sum()
    return out


def range_ring(
    lat_deg: float, lon_deg: float, radius_km: float, points: int = 181
) -> tuple[FloatArray, FloatArray]:
    """A geodesic circle of `radius_km` about a point: (lat, lon) in degrees."""
    az = np.linspace(0.0, 360.0, points)
    return geodesic_direct_deg(
        np.full(points, lat_deg), np.full(points, lon_deg), az, np.full(points, radius_km * 1e3)
    )
