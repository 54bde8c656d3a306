"""Drag-free flight conserves specific energy and angular momentum (two-body invariants).

Source: the vis-viva integral E = v²/2 - mu/r and h = r × v are constants of Keplerian motion
(Bate, Mueller & White, Fundamentals of Astrodynamics, 1971, section 1.4). Checked on the
sampled grid output, in the inertial frame (ECEF is inertial when rotation is off; with
rotation the ECEF samples are turned back to inertial first).
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kamae.geo import geodesic_direct_deg, geodetic_to_ecef
from kamae.kinematics.ballistic import ballistic_trajectory
from kamae.kinematics.feasibility import InfeasibleThreat
from kamae.kinematics.frames import ecef_to_eci

MU = 3.986004418e14


def _invariants(pos: np.ndarray, vel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    energy = 0.5 * np.sum(vel * vel, axis=-1) - MU / np.linalg.norm(pos, axis=-1)
    return energy, np.cross(pos, vel)


def _check(tr, rotating: bool, boosted: bool) -> None:
    for i in range(tr.count):
        free = tr.in_flight[i] & (tr.times >= tr.burnout_time[i])
        pos, vel = tr.position[i][free], tr.velocity[i][free]
        if rotating:
            pos, vel = ecef_to_eci(pos, vel, tr.times[free])
        energy, h = _invariants(pos, vel)
        assert np.max(np.abs(energy / energy[0] - 1.0)) < 1e-9
        assert np.max(np.linalg.norm(h - h[0], axis=-1)) / np.linalg.norm(h[0]) < 1e-9


@given(
    st.floats(-50.0, 50.0),
    st.floats(-180.0, 180.0),
    st.floats(0.0, 360.0),
    st.floats(200e3, 9000e3),
    st.sampled_from(["min", "lofted", "depressed"]),
    st.booleans(),
)
@settings(max_examples=25, deadline=None)
def test_invariants_on_random_geometries(lat, lon, az, dist, shape, rotating) -> None:
    lat2, lon2 = geodesic_direct_deg(lat, lon, az, dist)
    pad = geodetic_to_ecef(np.radians([lat]), np.radians([lon]), 0.0)
    aim = geodetic_to_ecef(np.radians(lat2), np.radians(lon2), 0.0)
    kw: dict = {}
    if shape == "lofted":
        kw["burnout_angle_rad"] = np.radians(70.0)
    elif shape == "depressed":
        kw["burnout_angle_rad"] = np.radians(12.0)
    times = np.arange(0.0, 4000.0, 1.0)
    try:
        tr = ballistic_trajectory(pad, aim, np.array([7.0]), times, earth_rotation=rotating, **kw)
    except InfeasibleThreat:
        assume(False)  # e.g. a 70° loft over 5,000 km needs escape speed
    _check(tr, rotating, False)


def test_invariants_after_a_boost() -> None:
    pad = geodetic_to_ecef(np.radians([39.0, 40.0]), np.radians([125.0, 127.0]), 0.0)
    aim = geodetic_to_ecef(np.radians([35.7, 26.3]), np.radians([139.7, 127.8]), 0.0)
    times = np.arange(0.0, 1500.0, 1.0)
    for rotating in (False, True):
        tr = ballistic_trajectory(
            pad,
            aim,
            np.zeros(2),
            times,
            burn_time_s=70.0,
            burnout_altitude_m=60e3,
            earth_rotation=rotating,
        )
        _check(tr, rotating, True)
