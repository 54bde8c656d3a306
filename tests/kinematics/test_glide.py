"""Boost-glide vehicles: phases, landing on target, cross-range, refusals."""

from __future__ import annotations

import numpy as np
import pytest

from kamae.geo import geodetic_to_ecef
from kamae.kinematics.feasibility import InfeasibleThreat
from kamae.kinematics.glide import glide_trajectory
from kamae.kinematics.trajectory import PHASE_BOOST, PHASE_GLIDE, PHASE_TERMINAL

PAD = geodetic_to_ecef(np.radians([41.0, 41.0]), np.radians([115.0, 115.0]), 0.0)
AIM = geodetic_to_ecef(np.radians([26.3, 26.3]), np.radians([127.8, 127.8]), 0.0)
TIMES = np.arange(0.0, 900.0, 1.0)
KW = dict(
    glide_speed_mps=5000.0,
    glide_altitude_m=60e3,
    lift_to_drag=2.5,
    burn_time_s=80.0,
    dive_angle_rad=np.radians(45.0),
)


def test_phases_in_order_and_lands_on_target() -> None:
    tr = glide_trajectory(PAD, AIM, np.array([0.0, 20.0]), TIMES, cross_range_m=[0.0, 150e3], **KW)
    for i in range(2):
        f = tr.in_flight[i]
        ph = tr.phase[i][f]
        change = ph[np.r_[True, ph[1:] != ph[:-1]]]
        assert change.tolist() == [PHASE_BOOST, PHASE_GLIDE, PHASE_TERMINAL]
        assert np.sum(ph == PHASE_BOOST) == 80
        last = tr.position[i][f][-1]
        speed = np.linalg.norm(tr.velocity[i][f][-1])
        assert np.linalg.norm(last - AIM[i]) < speed * 1.0  # last sample within one step
        glide_alt = tr.altitude[i][f][ph == PHASE_GLIDE]
        assert glide_alt.min() > 30e3 and glide_alt.max() < 60.5e3
    # The manoeuvring glider flies farther and arrives later and slower.
    assert tr.impact_time[1] - tr.launch_time[1] > tr.impact_time[0] - tr.launch_time[0]


def test_cross_range_offset_reaches_its_amplitude() -> None:
    tr = glide_trajectory(PAD[:1], AIM[:1], np.zeros(1), TIMES, cross_range_m=[150e3], **KW)
    straight = glide_trajectory(PAD[:1], AIM[:1], np.zeros(1), TIMES, **KW)
    normal = np.cross(PAD[0], AIM[0])
    normal /= np.linalg.norm(normal)
    f = tr.in_flight[0]
    off = tr.position[0][f] @ normal
    assert off.max() == pytest.approx(150e3, rel=0.02)
    assert np.abs(straight.position[0][straight.in_flight[0]] @ normal).max() < 1.0


def test_out_of_reach_is_refused() -> None:
    far = geodetic_to_ecef(np.radians([-10.0]), np.radians([150.0]), 0.0)
    with pytest.raises(InfeasibleThreat, match="range_m"):
        glide_trajectory(PAD[:1], far, np.zeros(1), TIMES, **KW)
    with pytest.raises(InfeasibleThreat, match="glide_speed_mps"):
        glide_trajectory(PAD[:1], AIM[:1], np.zeros(1), TIMES, **{**KW, "glide_speed_mps": 9000.0})
