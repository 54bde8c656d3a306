"""Frames and geometry for the threat models: Earth rotation, fast ellipsoid height, great circles.

- Earth rotation: the inertial frame (ECI) is the ECEF frame frozen at scenario time t = 0, so
  ECEF = R3(ω·t)·ECI with ω = 7.292115e-5 rad/s (WGS84, NIMA TR8350.2); velocities pick up
  -ω × r. Precession, nutation and polar motion are neglected (seconds to hours of flight).
- Height above the WGS84 ellipsoid by one step of Bowring's (1976) formula written without
  trigonometric calls; over -1 km to 5,000 km it agrees with the iterated `kamae.geo`
  conversion to about 1e-8 m (tests/kinematics/test_frames.py), at a fraction of the cost.
- Great circles on a sphere through two ECEF points: the launch-to-aim plane used to place
  burnout points, glide and pull-up paths (spherical geometry, heights added along the
  ellipsoid normal is neglected: heights are added along the geocentric radius).
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray, cross3
from kamae.geo import WGS84_A, WGS84_B, WGS84_E2, WGS84_EP2

OMEGA_EARTH = 7.292115e-5
"""Earth's rotation rate, rad/s (WGS84)."""


def rotation_angle(t: npt.ArrayLike) -> FloatArray:
    """Angle ω·t (rad) by which ECEF has turned from the inertial frame at time t (s)."""
    return OMEGA_EARTH * np.asarray(t, dtype=float)


@overload
def eci_to_ecef(r: npt.ArrayLike, v: None, t: npt.ArrayLike) -> tuple[FloatArray, None]: ...
@overload
def eci_to_ecef(
    r: npt.ArrayLike, v: npt.ArrayLike, t: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]: ...
def eci_to_ecef(
    r: npt.ArrayLike, v: npt.ArrayLike | None, t: npt.ArrayLike
) -> tuple[FloatArray, FloatArray | None]:
    """ECEF position (and velocity) of inertial states (..., 3) at times t (broadcast to ...)."""
    r = np.asarray(r, dtype=float)
    th = rotation_angle(t)
    c, s = np.cos(th), np.sin(th)
    re = np.empty(np.broadcast_shapes(r.shape, np.shape(th) + (3,)))
    re[..., 0] = c * r[..., 0] + s * r[..., 1]
    re[..., 1] = -s * r[..., 0] + c * r[..., 1]
    re[..., 2] = r[..., 2]
    if v is None:
        return re, None
    v = np.asarray(v, dtype=float)
    vi = v.copy()
    vi[..., 0] = v[..., 0] + OMEGA_EARTH * r[..., 1]
    vi[..., 1] = v[..., 1] - OMEGA_EARTH * r[..., 0]
    ve = np.empty_like(re)
    ve[..., 0] = c * vi[..., 0] + s * vi[..., 1]
    ve[..., 1] = -s * vi[..., 0] + c * vi[..., 1]
    ve[..., 2] = vi[..., 2]
    return re, ve


@overload
def ecef_to_eci(r: npt.ArrayLike, v: None, t: npt.ArrayLike) -> tuple[FloatArray, None]: ...
@overload
def ecef_to_eci(
    r: npt.ArrayLike, v: npt.ArrayLike, t: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]: ...
def ecef_to_eci(
    r: npt.ArrayLike, v: npt.ArrayLike | None, t: npt.ArrayLike
) -> tuple[FloatArray, FloatArray | None]:
    """Inertial position (and velocity) of ECEF states (..., 3) at times t."""
    r = np.asarray(r, dtype=float)
    th = rotation_angle(t)
    c, s = np.cos(th), np.sin(th)
    ri = np.empty(np.broadcast_shapes(r.shape, np.shape(th) + (3,)))
    ri[..., 0] = c * r[..., 0] - s * r[..., 1]
    ri[..., 1] = s * r[..., 0] + c * r[..., 1]
    ri[..., 2] = r[..., 2]
    if v is None:
        return ri, None
    v = np.asarray(v, dtype=float)
    vr = np.empty_like(ri)
    vr[..., 0] = c * v[..., 0] - s * v[..., 1]
    vr[..., 1] = s * v[..., 0] + c * v[..., 1]
    vr[..., 2] = v[..., 2]
    vr[..., 0] -= OMEGA_EARTH * ri[..., 1]
    vr[..., 1] += OMEGA_EARTH * ri[..., 0]
    return ri, vr


def ellipsoid_height(r: npt.ArrayLike) -> FloatArray:
    """Height above the WGS84 ellipsoid (m) of ECEF points (..., 3); Bowring, one step."""
    r = np.asarray(r, dtype=float)
    h, _, _ = _bowring(r[..., 0], r[..., 1], r[..., 2])
    return h


def height_and_normal(r: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Height (m), geodetic sin and cos of latitude of ECEF points (..., 3)."""
    r = np.asarray(r, dtype=float)
    return _bowring(r[..., 0], r[..., 1], r[..., 2])


def _bowring(
    x: FloatArray, y: FloatArray, z: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Height, sin and cos of geodetic latitude from ECEF components (Bowring 1976, one step)."""
    z2 = z * z
    p2 = x * x + y * y
    p = np.sqrt(p2)
    # tan(beta) = a z / (b p); sin^3 and cos^3 of beta without trigonometric calls.
    big_s = (WGS84_A * WGS84_A) * z2 + (WGS84_B * WGS84_B) * p2
    g = 1.0 / (big_s * np.sqrt(big_s))
    num = z * (1.0 + (WGS84_EP2 * WGS84_B * WGS84_A**3) * z2 * g)
    den = p * (1.0 - (WGS84_E2 * WGS84_A * WGS84_B**3) * p2 * g)
    inv_q = 1.0 / np.sqrt(num * num + den * den)
    sin_lat = num * inv_q
    cos_lat = den * inv_q
    h = p * cos_lat + z * sin_lat - WGS84_A * np.sqrt(1.0 - WGS84_E2 * sin_lat * sin_lat)
    return h, sin_lat, cos_lat


def local_axes(r: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Height and geodetic east, north, up unit vectors (..., 3) at ECEF points (..., 3)."""
    r = np.asarray(r, dtype=float)
    h, sl, cl = _bowring(r[..., 0], r[..., 1], r[..., 2])
    p = np.hypot(r[..., 0], r[..., 1])
    safe = np.where(p > 0.0, p, 1.0)
    co = np.where(p > 0.0, r[..., 0] / safe, 1.0)
    so = np.where(p > 0.0, r[..., 1] / safe, 0.0)
    east = np.stack([-so, co, np.zeros_like(co)], axis=-1)
    north = np.stack([-sl * co, -sl * so, cl], axis=-1)
    up = np.stack([cl * co, cl * so, sl], axis=-1)
    return h, east, north, up


def curvature_radii(sin_lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Meridian (M) and prime-vertical (N) radii of curvature of WGS84 (m) at a latitude."""
    s2 = np.asarray(sin_lat, dtype=float) ** 2
    w = np.sqrt(1.0 - WGS84_E2 * s2)
    return WGS84_A * (1.0 - WGS84_E2) / w**3, WGS84_A / w


def unit(v: npt.ArrayLike) -> FloatArray:
    """Unit vectors along the last axis."""
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def great_circle_basis(
    start: npt.ArrayLike, end: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Orthonormal basis of the plane through the Earth's centre, a start and an end point.

    Returns (x̂ toward start, ŷ toward the end in the plane, ẑ = x̂ × ŷ the plane's normal,
    central angle start→end in rad), all batched over (N, 3) inputs.
    """
    x_hat = unit(start)
    e_hat = unit(end)
    cos_ang = np.clip(np.sum(x_hat * e_hat, axis=-1), -1.0, 1.0)
    y = e_hat - cos_ang[..., None] * x_hat
    ny = np.linalg.norm(y, axis=-1)
    if np.any(ny < 1e-12):
        raise ValueError("start and end points must be distinct and not antipodal")
    y_hat = y / ny[..., None]
    z_hat = cross3(x_hat, y_hat)
    return x_hat, y_hat, z_hat, np.arccos(cos_ang)


def point_on_great_circle(x_hat: FloatArray, y_hat: FloatArray, angle: npt.ArrayLike) -> FloatArray:
    """Unit vectors at central angles (N,) or (N, M) along the circle x̂ cos θ + ŷ sin θ."""
    angle = np.asarray(angle, dtype=float)
    extra = angle.ndim - 1
    shape = (x_hat.shape[0],) + (1,) * extra + (3,)
    c, s = np.cos(angle)[..., None], np.sin(angle)[..., None]
    return c * x_hat.reshape(shape) + s * y_hat.reshape(shape)


def surface_radius_along(start: FloatArray, end: FloatArray, fraction: npt.ArrayLike) -> FloatArray:
    """Geocentric radius of the ellipsoid surface, interpolated linearly between two points."""
    r1 = np.linalg.norm(start, axis=-1) - ellipsoid_height(start)
    r2 = np.linalg.norm(end, axis=-1) - ellipsoid_height(end)
    f = np.asarray(fraction, dtype=float)
    extra = f.ndim - 1
    shape = (-1,) + (1,) * extra
    return r1.reshape(shape) + (r2 - r1).reshape(shape) * f
