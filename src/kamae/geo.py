"""Geodesy: WGS84 frames, geodesics, radar horizon and Earth occlusion.

- Geodetic <-> ECEF <-> local ENU on the WGS84 ellipsoid (NIMA TR8350.2, 2000), vectorised;
  ECEF -> geodetic by Bowring's iteration (converges to < 1 mm in three passes).
- Geodesic distance and azimuth on WGS84 through pyproj's Geod (Karney 2013, "Algorithms for
  geodesics", J. Geodesy 87).
- Radar horizon over a smooth sphere of effective radius k·R with k = 4/3 (standard
  atmospheric refraction; Skolnik, Introduction to Radar Systems, 3rd ed., 2001, section 8.2):
  d = sqrt(2kR·h1) + sqrt(2kR·h2).
- Earth occlusion: a line of sight is blocked when it passes below the surface of that same
  effective sphere.

Angles in radians and lengths in metres inside; `_deg` helpers take degrees at the edges.
Terrain, and refraction other than the 4/3-Earth rule, are neglected.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from pyproj import Geod

from kamae.arrays import FloatArray

WGS84_A = 6_378_137.0
"""WGS84 semi-major axis, m."""
WGS84_F = 1.0 / 298.257223563
"""WGS84 flattening."""
WGS84_B = WGS84_A * (1.0 - WGS84_F)
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
"""First eccentricity squared."""
WGS84_EP2 = WGS84_E2 / (1.0 - WGS84_E2)
"""Second eccentricity squared."""

EARTH_MEAN_RADIUS = 6_371_000.0
"""Mean Earth radius used by the horizon relations, m (the 6371 km of the radar texts)."""
EFFECTIVE_EARTH_FACTOR = 4.0 / 3.0
"""k of the 4/3-Earth refraction model."""

_GEOD = Geod(ellps="WGS84")


def geodetic_to_ecef(lat: npt.ArrayLike, lon: npt.ArrayLike, h: npt.ArrayLike) -> FloatArray:
    """ECEF position (..., 3) in m from geodetic latitude, longitude (rad) and height (m)."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    h = np.asarray(h, dtype=float)
    slat, clat = np.sin(lat), np.cos(lat)
    n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * slat * slat)
    x = (n + h) * clat * np.cos(lon)
    y = (n + h) * clat * np.sin(lon)
    z = (n * (1.0 - WGS84_E2) + h) * slat
    return np.stack(np.broadcast_arrays(x, y, z), axis=-1)


def ecef_to_geodetic(ecef: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Geodetic latitude, longitude (rad) and height (m) from ECEF (..., 3), Bowring's method."""
    r = np.asarray(ecef, dtype=float)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    lon = np.arctan2(y, x)
    p = np.hypot(x, y)
    lat = _bowring_latitude(p, z)
    return lat, lon, _height(p, z, lat)


def geodetic_latitude(ecef: npt.ArrayLike) -> FloatArray:
    """The geodetic latitude (rad) of `ecef_to_geodetic`, the same numbers, alone."""
    r = np.asarray(ecef, dtype=float)
    return _bowring_latitude(np.hypot(r[..., 0], r[..., 1]), r[..., 2])


def geodetic_height(ecef: npt.ArrayLike) -> FloatArray:
    """The height above the ellipsoid (m) of `ecef_to_geodetic`, the same numbers, alone."""
    r = np.asarray(ecef, dtype=float)
    p, z = np.hypot(r[..., 0], r[..., 1]), r[..., 2]
    return _height(p, z, _bowring_latitude(p, z))


def _bowring_latitude(p: FloatArray, z: FloatArray) -> FloatArray:
    """Geodetic latitude (rad) from the distance to the polar axis p and z (m)."""
    # Bowring (1976) starting value, then fixed-point refinement on the parametric latitude.
    beta = np.arctan2(z * WGS84_A, p * WGS84_B)
    lat = beta
    for _ in range(3):
        sb, cb = np.sin(beta), np.cos(beta)
        lat = np.arctan2(z + WGS84_EP2 * WGS84_B * sb**3, p - WGS84_E2 * WGS84_A * cb**3)
        beta = np.arctan2((1.0 - WGS84_F) * np.sin(lat), np.cos(lat))
    return lat


def _height(p: FloatArray, z: FloatArray, lat: FloatArray) -> FloatArray:
    """Height above the ellipsoid (m) at geodetic latitude lat, from p and z (m)."""
    slat = np.sin(lat)
    n = WGS84_A / np.sqrt(1.0 - WGS84_E2 * slat * slat)
    # Well conditioned at all latitudes (poles included).
    return p * np.cos(lat) + z * slat - WGS84_A * WGS84_A / n


def enu_rotation(lat: npt.ArrayLike, lon: npt.ArrayLike) -> FloatArray:
    """Rotation matrices (..., 3, 3) whose rows are the local east, north, up axes in ECEF."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    zero = np.zeros_like(sl * so)
    east = np.stack(np.broadcast_arrays(-so, co, zero), axis=-1)
    north = np.stack(np.broadcast_arrays(-sl * co, -sl * so, cl), axis=-1)
    up = np.stack(np.broadcast_arrays(cl * co, cl * so, sl), axis=-1)
    return np.stack([east, north, up], axis=-2)


def ecef_to_enu(
    ecef: npt.ArrayLike, origin_lat: float, origin_lon: float, origin_h: float
) -> FloatArray:
    """Local east-north-up coordinates (..., 3) of ECEF points about a geodetic origin."""
    origin = geodetic_to_ecef(origin_lat, origin_lon, origin_h)
    rot = enu_rotation(origin_lat, origin_lon)
    return (np.asarray(ecef, dtype=float) - origin) @ rot.T


def enu_to_ecef(
    enu: npt.ArrayLike, origin_lat: float, origin_lon: float, origin_h: float
) -> FloatArray:
    """ECEF points (..., 3) from local east-north-up coordinates about a geodetic origin."""
    origin = geodetic_to_ecef(origin_lat, origin_lon, origin_h)
    rot = enu_rotation(origin_lat, origin_lon)
    return np.asarray(enu, dtype=float) @ rot + origin


def enu_to_range_azimuth_elevation(enu: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Slant range (m), azimuth clockwise from north (rad, [0, 2π)) and elevation (rad)."""
    e = np.asarray(enu, dtype=float)
    east, north, up = e[..., 0], e[..., 1], e[..., 2]
    ground = np.hypot(east, north)
    rng = np.hypot(ground, up)
    az = np.mod(np.arctan2(east, north), 2.0 * np.pi)
    el = np.arctan2(up, ground)
    return rng, az, el


def range_azimuth_elevation_to_enu(
    rng: npt.ArrayLike, az: npt.ArrayLike, el: npt.ArrayLike
) -> FloatArray:
    """Local east-north-up vector (..., 3) from slant range, azimuth and elevation."""
    return polar_to_enu(rng, np.sin(az), np.cos(az), np.sin(el), np.cos(el))


def polar_to_enu(
    rng: npt.ArrayLike,
    sin_az: FloatArray,
    cos_az: FloatArray,
    sin_el: FloatArray,
    cos_el: FloatArray,
) -> FloatArray:
    """Local east-north-up vector (..., 3) from slant range and the sines and cosines of
    azimuth and elevation (for callers that need them too)."""
    rng = np.asarray(rng, dtype=float)
    ground = rng * cos_el
    east, north, up = ground * sin_az, ground * cos_az, rng * sin_el
    if not east.shape == north.shape == up.shape:
        east, north, up = np.broadcast_arrays(east, north, up)
    return np.stack([east, north, up], axis=-1)


def geodesic_inverse_deg(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """WGS84 geodesic: distance (m), forward and back azimuth (deg) between points in degrees."""
    lat1, lon1, lat2, lon2 = (np.asarray(a, dtype=float) for a in (lat1, lon1, lat2, lon2))
    az12, az21, dist = _GEOD.inv(lon1, lat1, lon2, lat2)
    return (
        np.asarray(dist, dtype=float),
        np.asarray(az12, dtype=float),
        np.asarray(az21, dtype=float),
    )


def geodesic_direct_deg(
    lat: npt.ArrayLike, lon: npt.ArrayLike, azimuth_deg: npt.ArrayLike, distance_m: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """WGS84 geodesic: end point (lat, lon in degrees) from a start, azimuth and distance."""
    lon2, lat2, _ = _GEOD.fwd(
        np.asarray(lon, dtype=float),
        np.asarray(lat, dtype=float),
        np.asarray(azimuth_deg, dtype=float),
        np.asarray(distance_m, dtype=float),
    )
    return np.asarray(lat2, dtype=float), np.asarray(lon2, dtype=float)


def radar_horizon_range(
    radar_height_m: npt.ArrayLike,
    target_height_m: npt.ArrayLike,
    k: float = EFFECTIVE_EARTH_FACTOR,
    earth_radius_m: float = EARTH_MEAN_RADIUS,
) -> FloatArray:
    """Radar horizon range d = sqrt(2kR·h1) + sqrt(2kR·h2) (m), tangent-line approximation.

    Skolnik (2001) section 8.2; with k = 4/3 and R = 6371 km, d[km] ≈ 4.12 (sqrt(h1[m]) +
    sqrt(h2[m])). Valid while the heights are small against kR; for high targets use
    `horizon_range_exact`.
    """
    kr = k * earth_radius_m
    h1 = np.asarray(radar_height_m, dtype=float)
    h2 = np.asarray(target_height_m, dtype=float)
    if np.any(h1 < 0) or np.any(h2 < 0):
        raise ValueError("heights must be non-negative")
    return np.sqrt(2.0 * kr * h1) + np.sqrt(2.0 * kr * h2)


def horizon_range_exact(
    radar_height_m: npt.ArrayLike,
    target_height_m: npt.ArrayLike,
    k: float = EFFECTIVE_EARTH_FACTOR,
    earth_radius_m: float = EARTH_MEAN_RADIUS,
) -> FloatArray:
    """Maximum straight-line range (m) between two heights over a sphere of radius kR.

    The two tangent segments sqrt((kR + h)^2 - (kR)^2); reduces to `radar_horizon_range` when
    h << kR.
    """
    kr = k * earth_radius_m
    h1 = np.asarray(radar_height_m, dtype=float)
    h2 = np.asarray(target_height_m, dtype=float)
    return np.sqrt(h1 * (2.0 * kr + h1)) + np.sqrt(h2 * (2.0 * kr + h2))


def line_of_sight_clear(
    observer_ecef: npt.ArrayLike,
    target_ecef: npt.ArrayLike,
    k: float = EFFECTIVE_EARTH_FACTOR,
) -> npt.NDArray[np.bool_]:
    """Whether the straight line from observer to target stays above the effective Earth.

    The observer's and target's heights above the ellipsoid are kept, and the geometry is
    placed over a sphere of radius k·R through the observer's local radius of curvature; the
    segment is clear when its closest approach to that sphere's centre is at least k·R.
    Vectorised over broadcast (..., 3) inputs.
    """
    obs = np.asarray(observer_ecef, dtype=float)
    tgt = np.asarray(target_ecef, dtype=float)
    h_obs = geodetic_height(obs)
    h_tgt = geodetic_height(tgt)
    r_obs = np.linalg.norm(obs, axis=-1)
    r_tgt = np.linalg.norm(tgt, axis=-1)
    # Local surface radius below each point, then the effective sphere.
    r_surf_obs = r_obs - h_obs
    kr = k * r_surf_obs
    cos_gamma = np.clip(np.sum(obs * tgt, axis=-1) / np.maximum(r_obs * r_tgt, 1e-9), -1.0, 1.0)
    gamma = np.arccos(cos_gamma)
    # Same central angle, heights kept, radius scaled by k: the 4/3-Earth construction.
    a = kr + h_obs
    b = kr + h_tgt * np.ones_like(kr)
    # Closest approach of the chord between points at radii a and b separated by angle gamma'
    # where the angle scales as 1/k along the effective sphere.
    g = gamma / k
    ax, ay = a, np.zeros_like(a)
    bx, by = b * np.cos(g), b * np.sin(g)
    dx, dy = bx - ax, by - ay
    seg2 = dx * dx + dy * dy
    t = np.clip(-(ax * dx + ay * dy) / np.maximum(seg2, 1e-9), 0.0, 1.0)
    cx, cy = ax + t * dx, ay + t * dy
    return np.hypot(cx, cy) >= kr - 1e-6


def geocentric_radius(lat: npt.ArrayLike) -> FloatArray:
    """Distance from the Earth's centre to the WGS84 ellipsoid at geodetic latitude lat (m)."""
    lat = np.asarray(lat, dtype=float)
    c, s = np.cos(lat), np.sin(lat)
    a2, b2 = WGS84_A * WGS84_A, WGS84_B * WGS84_B
    return np.sqrt(((a2 * c) ** 2 + (b2 * s) ** 2) / ((WGS84_A * c) ** 2 + (WGS84_B * s) ** 2))
