"""Frames: fast ellipsoid height against kamae.geo, ECI/ECEF round trips, track geometry."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kamae.geo import ecef_to_geodetic, enu_rotation, geodetic_to_ecef
from kamae.kinematics.frames import (
    OMEGA_EARTH,
    ecef_to_eci,
    eci_to_ecef,
    ellipsoid_height,
    local_axes,
)
from kamae.kinematics.track import Track


def test_height_matches_iterated_geodetic_conversion() -> None:
    rng = np.random.default_rng(7)
    lat = rng.uniform(-np.pi / 2, np.pi / 2, 20_000)
    lon = rng.uniform(-np.pi, np.pi, 20_000)
    h = rng.uniform(-1e3, 5e6, 20_000)
    r = geodetic_to_ecef(lat, lon, h)
    assert np.max(np.abs(ellipsoid_height(r) - h)) < 1e-6
    _, _, h_geo = ecef_to_geodetic(r)
    assert np.max(np.abs(ellipsoid_height(r) - h_geo)) < 1e-6


def test_local_axes_match_geo_enu_rotation() -> None:
    lat, lon = np.radians(35.0), np.radians(139.0)
    r = geodetic_to_ecef(lat, lon, 12_000.0)
    h, east, north, up = local_axes(r[None, :])
    rot = enu_rotation(lat, lon)
    assert abs(h[0] - 12_000.0) < 1e-6
    np.testing.assert_allclose(np.stack([east[0], north[0], up[0]]), rot, atol=1e-12)


@given(st.floats(-1e7, 1e7), st.floats(-1e7, 1e7), st.floats(-1e7, 1e7), st.floats(0.0, 1e5))
@settings(max_examples=50, deadline=None)
def test_eci_ecef_round_trip(x: float, y: float, z: float, t: float) -> None:
    r = np.array([[x, y, z]])
    v = np.array([[100.0, -200.0, 50.0]])
    ri, vi = ecef_to_eci(r, v, t)
    re, ve = eci_to_ecef(ri, vi, t)
    assert vi is not None and ve is not None
    np.testing.assert_allclose(re, r, atol=1e-6)
    np.testing.assert_allclose(ve, v, atol=1e-9)


def test_point_fixed_on_earth_moves_east_in_inertial_frame() -> None:
    r = geodetic_to_ecef(0.0, 0.0, 0.0)[None, :]
    _, vi = ecef_to_eci(r, np.zeros((1, 3)), 0.0)
    assert vi is not None
    np.testing.assert_allclose(vi[0], [0.0, OMEGA_EARTH * r[0, 0], 0.0], atol=1e-9)
    assert abs(vi[0, 1] - 465.1) < 0.1  # equatorial surface speed, m/s


def test_track_ends_and_velocity_derivative() -> None:
    pad = geodetic_to_ecef(np.radians([39.0]), np.radians([125.0]), 0.0)
    aim = geodetic_to_ecef(np.radians([35.0]), np.radians([135.0]), 0.0)
    track = Track.between(pad, aim)
    rows = np.array([0])
    np.testing.assert_allclose(track.point(rows, np.zeros(1), np.zeros(1)), pad, atol=1e-6)
    np.testing.assert_allclose(track.point(rows, track.angle, np.zeros(1)), aim, atol=1e-6)
    # Velocity is the time derivative of the mapping: compare with a central difference.
    th, thd, h, hd, ph, phd = 0.05, 1e-4, 40e3, -30.0, 0.002, 3e-5
    dt = 1e-3

    def at(t: float) -> np.ndarray:
        p, _ = track.state(
            rows,
            np.array([th + thd * t]),
            np.array([thd]),
            np.array([h + hd * t]),
            np.array([hd]),
            np.array([ph + phd * t]),
            np.array([phd]),
        )
        return p[0]

    _, vel = track.state(
        rows,
        np.array([th]),
        np.array([thd]),
        np.array([h]),
        np.array([hd]),
        np.array([ph]),
        np.array([phd]),
    )
    np.testing.assert_allclose(vel[0], (at(dt) - at(-dt)) / (2 * dt), rtol=1e-7)
