"""Geodesy against pyproj, known coordinates, and round trips."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from kamae import geo


def test_known_ecef_points() -> None:
    # Equator on the prime meridian lies at the semi-major axis; the pole at the semi-minor.
    np.testing.assert_allclose(geo.geodetic_to_ecef(0.0, 0.0, 0.0), [6378137.0, 0.0, 0.0])
    np.testing.assert_allclose(
        geo.geodetic_to_ecef(np.pi / 2, 0.0, 0.0), [0.0, 0.0, 6356752.314245], atol=1e-6
    )
    np.testing.assert_allclose(
        geo.geodetic_to_ecef(0.0, np.pi / 2, 100.0), [0.0, 6378237.0, 0.0], atol=1e-6
    )


def test_ecef_matches_pyproj() -> None:
    rng = np.random.default_rng(1)
    lat = rng.uniform(-89.9, 89.9, 500)
    lon = rng.uniform(-180, 180, 500)
    h = rng.uniform(-100, 2_000_000, 500)
    to_ecef = Transformer.from_crs("EPSG:4979", "EPSG:4978", always_xy=True)
    x, y, z = to_ecef.transform(lon, lat, h)
    ours = geo.geodetic_to_ecef(np.radians(lat), np.radians(lon), h)
    np.testing.assert_allclose(ours, np.stack([x, y, z], axis=-1), atol=1e-6)
    back_lat, back_lon, back_h = geo.ecef_to_geodetic(ours)
    np.testing.assert_allclose(np.degrees(back_lat), lat, atol=1e-9)
    np.testing.assert_allclose(np.degrees(back_lon), lon, atol=1e-9)
    np.testing.assert_allclose(back_h, h, atol=1e-4)


@settings(max_examples=200, deadline=None)
@given(st.floats(-90, 90), st.floats(-180, 180), st.floats(-10_000, 40_000_000))
def test_geodetic_round_trip(lat_deg: float, lon_deg: float, h: float) -> None:
    ecef = geo.geodetic_to_ecef(np.radians(lat_deg), np.radians(lon_deg), h)
    lat, lon, back_h = geo.ecef_to_geodetic(ecef)
    np.testing.assert_allclose(geo.geodetic_to_ecef(lat, lon, back_h), ecef, atol=1e-5)
    assert back_h == pytest.approx(h, abs=1e-4)


def test_enu_round_trip_and_axes() -> None:
    lat, lon, h = np.radians(35.0), np.radians(139.0), 50.0
    origin = geo.geodetic_to_ecef(lat, lon, h)
    up_point = geo.geodetic_to_ecef(lat, lon, h + 1000.0)
    np.testing.assert_allclose(geo.ecef_to_enu(up_point, lat, lon, h), [0, 0, 1000], atol=1e-6)
    rng = np.random.default_rng(2)
    pts = origin + rng.normal(0, 1e5, (100, 3))
    enu = geo.ecef_to_enu(pts, lat, lon, h)
    np.testing.assert_allclose(geo.enu_to_ecef(enu, lat, lon, h), pts, atol=1e-6)
    r, az, el = geo.enu_to_range_azimuth_elevation(enu)
    np.testing.assert_allclose(geo.range_azimuth_elevation_to_enu(r, az, el), enu, atol=1e-6)


def test_geodesic_known_distance() -> None:
    # Karney (2013) test set style check: one degree of longitude on the equator.
    dist, az12, _ = geo.geodesic_inverse_deg(0.0, 0.0, 0.0, 1.0)
    assert float(dist) == pytest.approx(111319.49079327357, abs=1e-6)
    assert float(az12) == pytest.approx(90.0)
    # Direct and inverse agree.
    lat2, lon2 = geo.geodesic_direct_deg(35.68, 139.77, 250.0, 1_000_000.0)
    back, _, _ = geo.geodesic_inverse_deg(35.68, 139.77, lat2, lon2)
    assert float(back) == pytest.approx(1_000_000.0, abs=1e-6)


def test_geocentric_radius_limits() -> None:
    assert float(geo.geocentric_radius(0.0)) == pytest.approx(geo.WGS84_A)
    assert float(geo.geocentric_radius(np.pi / 2)) == pytest.approx(geo.WGS84_B)
    lat = np.radians(40.0)
    pt = geo.geodetic_to_ecef(lat, 1.0, 0.0)
    assert float(geo.geocentric_radius(lat)) == pytest.approx(np.linalg.norm(pt), abs=1e-6)
