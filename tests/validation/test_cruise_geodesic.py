"""Cruise ground tracks follow WGS84 geodesics: lengths against pyproj's inverse problem.

Source: C. F. F. Karney, "Algorithms for geodesics", J. Geodesy 87 (2013), as implemented by
pyproj.Geod (inverse: distance between two points; the model uses the direct problem along each
leg). The flown length must equal the sum of the legs' geodesic distances, and consecutive
samples must lie on the geodesic (their inverse distances add up to the leg length).
"""

from __future__ import annotations

import numpy as np
import pytest
from pyproj import Geod

from kamae.geo import ecef_to_geodetic
from kamae.kinematics.cruise import cruise_trajectory

GEOD = Geod(ellps="WGS84")
ROUTE = np.array([[39.0, 125.0], [37.0, 131.0], [36.5, 136.0], [35.7, 139.7]])


def test_flown_length_is_the_sum_of_geodesic_legs() -> None:
    speed = 240.0
    _, _, legs = GEOD.inv(ROUTE[:-1, 1], ROUTE[:-1, 0], ROUTE[1:, 1], ROUTE[1:, 0])
    times = np.arange(0.0, 8000.0, 1.0)
    tr = cruise_trajectory(
        [ROUTE], [0.0], times, speed_mps=speed, altitude_m=30.0, terminal_range_m=15e3
    )
    assert (tr.impact_time[0] - tr.launch_time[0]) * speed == pytest.approx(np.sum(legs), rel=1e-12)
    lat, lon, _ = ecef_to_geodetic(tr.position[0][tr.in_flight[0]])
    lat, lon = np.degrees(lat), np.degrees(lon)
    _, _, steps = GEOD.inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    # Samples are 240 m apart along the track; cutting the two corners shortens the sum by
    # well under a metre, and the last partial step is missing (< 240 m).
    flown = np.sum(steps)
    assert np.sum(legs) - flown == pytest.approx(
        (tr.impact_time[0] - tr.times[tr.in_flight[0]][-1]) * speed, abs=1.0
    )
    np.testing.assert_allclose(steps[: len(steps) // 4], speed, rtol=1e-9)


def test_samples_lie_on_the_geodesic_not_the_great_circle() -> None:
    leg = np.array([[30.0, 122.0], [45.0, 150.0]])  # long leg: ellipsoid and sphere differ
    times = np.arange(0.0, 12000.0, 10.0)
    tr = cruise_trajectory(
        [leg], [0.0], times, speed_mps=250.0, altitude_m=100.0, climb_range_m=1000.0
    )
    lat, lon, _ = ecef_to_geodetic(tr.position[0][tr.in_flight[0]])
    lat, lon = np.degrees(lat), np.degrees(lon)
    _, _, total = GEOD.inv(leg[0, 1], leg[0, 0], leg[1, 1], leg[1, 0])
    _, _, d1 = GEOD.inv(np.full(lat.size, leg[0, 1]), np.full(lat.size, leg[0, 0]), lon, lat)
    _, _, d2 = GEOD.inv(lon, lat, np.full(lat.size, leg[1, 1]), np.full(lat.size, leg[1, 0]))
    assert np.max(np.abs(d1 + d2 - total)) < 1e-3  # on the geodesic to a millimetre
    # A spherical great circle of mean radius gives a different length (~0.2 % here).
    r = 6_371_000.0
    la1, lo1, la2, lo2 = np.radians([leg[0, 0], leg[0, 1], leg[1, 0], leg[1, 1]])
    gc = r * np.arccos(np.sin(la1) * np.sin(la2) + np.cos(la1) * np.cos(la2) * np.cos(lo2 - lo1))
    assert abs(gc / total - 1.0) > 1e-3
