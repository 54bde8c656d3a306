"""The parts of the ECEF -> geodetic conversion (latitude alone, height alone) and the ENU
vector from precomputed sines and cosines give the full functions' numbers bit for bit."""

from __future__ import annotations

import numpy as np

from kamae.geo import (
    WGS84_B,
    ecef_to_geodetic,
    geodetic_height,
    geodetic_latitude,
    geodetic_to_ecef,
    polar_to_enu,
    range_azimuth_elevation_to_enu,
)


def _points() -> np.ndarray:
    rng = np.random.default_rng(7)
    lat = rng.uniform(-np.pi / 2, np.pi / 2, 500)
    lon = rng.uniform(-np.pi, np.pi, 500)
    h = rng.uniform(-1e3, 2e6, 500)
    pts = geodetic_to_ecef(lat, lon, h).reshape(50, 10, 3)
    pts[0, 0] = np.nan  # a target not in flight
    pts[0, 1] = (0.0, 0.0, WGS84_B + 100.0)  # over the pole
    return pts


def test_geodetic_latitude_and_height_are_those_of_ecef_to_geodetic() -> None:
    pts = _points()
    lat, _, h = ecef_to_geodetic(pts)
    assert lat.shape == h.shape == (50, 10)
    assert np.array_equal(geodetic_latitude(pts), lat, equal_nan=True)
    assert np.array_equal(geodetic_height(pts), h, equal_nan=True)
    assert np.isnan(lat[0, 0]) and abs(h[0, 1] - 100.0) < 1e-6
    single = pts[3, 4]
    assert np.array_equal(geodetic_latitude(single), lat[3, 4])
    assert np.array_equal(geodetic_height(single), h[3, 4])


def test_polar_to_enu_from_the_sines_and_cosines_is_range_azimuth_elevation_to_enu() -> None:
    rng = np.random.default_rng(3)
    r, az, el = (
        rng.uniform(1e3, 3e6, 200),
        rng.uniform(0, 2 * np.pi, 200),
        rng.uniform(-1, 1.5, 200),
    )
    enu = polar_to_enu(r, np.sin(az), np.cos(az), np.sin(el), np.cos(el))
    assert np.array_equal(enu, range_azimuth_elevation_to_enu(r, az, el))
    np.testing.assert_allclose(np.linalg.norm(enu, axis=-1), r, rtol=1e-12)
