"""Ground footprints drawn on the map: radar coverage, interceptor envelopes, range rings.

- Radar coverage of a threat class: the ground points above which a target of the class's
  radar cross-section, flying at a given altitude, is visible to the radar. Visibility is the
  engine's own (`kamae.sensors.radar.radar_view`): radar-equation range limit, instrumented
  range, azimuth field of regard, elevation limits and the 4/3-Earth horizon. Along each
  azimuth the visible ground distances form one interval (elevation falls and range grows with
  distance at a fixed altitude); its ends are found on a grid and refined by bisection.
- Interceptor envelope: the ground circle within which an intercept at the envelope's lowest
  altitude is inside its maximum slant range (its widest extent; spherical Earth of mean
  radius, the unit at sea level).
- Range ring: a geodesic circle on the WGS84 ellipsoid.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray
from kamae.geo import EARTH_MEAN_RADIUS, geodesic_direct_deg, geodetic_to_ecef
from kamae.sensors.radar import Radar, detection_range, radar_view


@dataclass(frozen=True)
class Ring:
    """A closed ring of geodetic points, degrees."""

    lat: FloatArray
    lon: FloatArray


@dataclass(frozen=True)
class RangeRing:
    """A circle of given radius around a point (e.g. a counterstrike launcher's reach)."""

    id: str
    lat_deg: float
    lon_deg: float
    radius_km: float
    description: str
    source: str = ""


def geodesic_circle(lat_deg: float, lon_deg: float, radius_m: float, points: int = 121) -> Ring:
    """Points at `radius_m` along geodesics from a centre, all round."""
    az = np.linspace(0.0, 360.0, points)
    lat, lon = geodesic_direct_deg(
        np.full(points, lat_deg), np.full(points, lon_deg), az, np.full(points, radius_m)
    )
    return Ring(lat, lon)


def envelope_ground_radius_m(max_range_m: float, altitude_m: float) -> float:
    """Ground distance at which a point at `altitude_m` is `max_range_m` from a sea-level
    launcher (spherical Earth, law of cosines); 0 when the altitude is out of range."""
    r = EARTH_MEAN_RADIUS
    top = r + altitude_m
    cos_angle = (r * r + top * top - max_range_m * max_range_m) / (2.0 * r * top)
    if cos_angle >= 1.0:
        return 0.0
    return r * math.acos(max(-1.0, cos_angle))


def envelope_footprint(
    lat_deg: float, lon_deg: float, max_range_m: float, min_altitude_m: float
) -> Ring | None:
    """The envelope's widest ground footprint (at its lowest altitude), or None if empty."""
    radius = envelope_ground_radius_m(max_range_m, min_altitude_m)
    if radius <= 0.0:
        return None
    return geodesic_circle(lat_deg, lon_deg, radius)


def radar_footprint(
    radar: Radar,
    rcs_m2: float,
    max_altitude_m: float,
    *,
    min_altitude_m: float = 1e3,
    altitudes: int = 10,
    samples: int = 160,
    refine: int = 32,
    points: int = 121,
) -> list[Ring]:
    """Coverage rings of one radar against a target of `rcs_m2` flying at any altitude from
    `min_altitude_m` up to `max_altitude_m`.

    Along the boresight the visible ground distances are found for each of `altitudes`
    altitudes (geometric spacing) with the engine's visibility; the footprint spans the
    nearest to the farthest of them. Visibility at a given ground distance does not depend on
    the azimuth inside the field of regard (the ellipsoid's flattening is neglected here), so
    the footprint is a circle or annulus, or a sector of one. A full-circle radar gives an
    outer ring and, when the elevation limit leaves a hole overhead, an inner ring (draw with
    the even-odd rule); a sector radar gives one ring around its sector. Empty when nothing
    is visible.
    """
    limit = min(
        float(detection_range(radar.reference_range_m, radar.reference_rcs_m2, rcs_m2)),
        radar.max_range_m,
    )
    heights = np.geomspace(min_altitude_m, max(max_altitude_m, 1.001 * min_altitude_m), altitudes)
    lat0, lon0 = math.degrees(radar.lat), math.degrees(radar.lon)
    bore = math.degrees(radar.boresight_azimuth)
    distance = np.linspace(0.0, 1.1 * limit + 10e3, samples)
    rcs = np.full(altitudes, rcs_m2)

    def visible(d: FloatArray) -> npt.NDArray[np.bool_]:
        """(H, K) visibility of the altitudes (H,) at ground distances d (H, K)."""
        lat, lon = geodesic_direct_deg(
            np.full(d.shape, lat0), np.full(d.shape, lon0), np.full(d.shape, bore), d
        )
        pos = geodetic_to_ecef(
            np.radians(lat), np.radians(lon), np.broadcast_to(heights[:, None], d.shape)
        )
        return radar_view(radar, pos, rcs).visible

    seen = visible(np.broadcast_to(distance, (altitudes, samples)).copy())
    rows = seen.any(axis=1)
    if not rows.any():
        return []
    # Keep the altitudes seen at all (the closure above reads these names).
    seen, heights, rcs = seen[rows], heights[rows], rcs[rows]
    first = np.argmax(seen, axis=1)
    last = samples - 1 - np.argmax(seen[:, ::-1], axis=1)
    step = distance[1] - distance[0]
    # Refine both edges on a finer grid inside the coarse step that holds each.
    fine = np.linspace(0.0, step, refine + 1)
    after = visible(distance[last][:, None] + fine[None, :])
    outer = float(
        np.max(distance[last] + step * (refine - np.argmax(after[:, ::-1], axis=1)) / refine)
    )
    start = np.maximum(distance[first] - step, 0.0)
    before = visible(start[:, None] + fine[None, :])
    inner_each = np.where(first > 0, start + step * np.argmax(before, axis=1) / refine, 0.0)
    inner = float(inner_each.min())

    full = radar.azimuth_width >= 2.0 * np.pi - 1e-9
    if full:
        rings = [geodesic_circle(lat0, lon0, outer, points)]
        if inner > 1e3:
            ring = geodesic_circle(lat0, lon0, inner, points)
            rings.append(Ring(ring.lat[::-1], ring.lon[::-1]))
        return rings
    half = 0.5 * math.degrees(radar.azimuth_width)
    az = np.linspace(bore - half, bore + half, max(3, int(points * half / 180.0)))
    d = np.concatenate([np.full(az.size, outer), np.full(az.size, inner)])
    a = np.concatenate([az, az[::-1]])
    lat, lon = geodesic_direct_deg(np.full(d.shape, lat0), np.full(d.shape, lon0), a, d)
    return [Ring(np.asarray(lat), np.asarray(lon))]
