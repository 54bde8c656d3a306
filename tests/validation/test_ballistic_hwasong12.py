"""Sanity checks against public Hwasong-12 test flights (loose, stated tolerances).

Sources (as listed in kamae's reference/open-data.md): CSIS Missile Threat, "Hwasong-12"; Japan
Ministry of Defense statements. 2017-05-14 lofted test: apogee about 2,111 km at a range of
about 787 km, flight time about 30 minutes (widely reported). 2022-10-04 flight over Japan:
range about 4,600 km, apogee about 1,000 km. These are public estimates, not exact references:
the model (drag-free, boost neglected in the calculator) should land within the stated bands.
"""

from __future__ import annotations

import numpy as np
import pytest

from kamae.geo import geodesic_direct_deg, geodetic_to_ecef
from kamae.kinematics.ballistic import ballistic_trajectory
from kamae.kinematics.range_equation import ballistic_solution


def test_lofted_2017_flight_time_about_thirty_minutes() -> None:
    sol = ballistic_solution(787e3, apogee_m=2111e3)
    assert sol.shape == "lofted"
    assert np.degrees(sol.burnout_angle_rad) > 80.0
    # Free flight alone: the powered phase adds one to three minutes.
    assert 1500.0 < sol.flight_time_s < 1900.0  # "about 30 minutes" within ±15 %


def test_lofted_2017_batched_trajectory() -> None:
    lat2, lon2 = geodesic_direct_deg(40.0, 125.2, 100.0, 787e3)  # Kusong, eastward
    pad = geodetic_to_ecef(np.radians([40.0]), np.radians([125.2]), 0.0)
    aim = geodetic_to_ecef(np.radians(lat2), np.radians(lon2), 0.0)
    tr = ballistic_trajectory(
        pad,
        aim,
        np.zeros(1),
        np.arange(0.0, 2400.0, 1.0),
        apogee_m=2111e3,
        burn_time_s=120.0,
        burnout_altitude_m=300e3,
        earth_rotation=True,
    )
    assert np.nanmax(tr.altitude) / 1e3 == pytest.approx(2111.0, abs=15.0)
    assert tr.impact_time[0] / 60.0 == pytest.approx(30.0, rel=0.1)


def test_2022_flight_over_japan_near_minimum_energy() -> None:
    sol = ballistic_solution(4600e3)
    assert sol.apogee_m == pytest.approx(1000e3, rel=0.12)  # reported "about 1,000 km"
