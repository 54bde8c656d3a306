"""Planar free-flight relations and the quick calculator."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamae.kinematics.feasibility import InfeasibleThreat
from kamae.kinematics.range_equation import (
    angle_for_apogee,
    apogee_radius,
    ballistic_solution,
    burnout_speed,
    conic_parameter,
    flight_path_angles_for_range,
    free_flight_range_angle,
    minimum_energy_angle,
    minimum_energy_parameter,
    minimum_energy_q,
)

R = 6_371_000.0
MU = 3.986004418e14


@given(st.floats(0.05, 1.9), st.floats(0.05, 1.5))
@settings(max_examples=200, deadline=None)
def test_range_equation_and_its_inverse_agree(q: float, gamma: float) -> None:
    psi = free_flight_range_angle(q, gamma)
    lo, hi = flight_path_angles_for_range(q, psi)
    assert min(abs(lo - gamma), abs(hi - gamma)) < 1e-7


@given(st.floats(0.01, 3.0))
@settings(max_examples=100, deadline=None)
def test_minimum_energy_is_the_double_root(psi: float) -> None:
    q = minimum_energy_q(psi)
    lo, hi = flight_path_angles_for_range(q * (1 + 1e-12), psi)
    assert abs(lo - hi) < 1e-4
    assert abs(0.5 * (lo + hi) - minimum_energy_angle(psi)) < 1e-5


@given(st.floats(0.02, 2.0), st.floats(0.0, 300e3), st.floats(0.0, 50e3))
@settings(max_examples=100, deadline=None)
def test_general_minimum_energy_needs_least_speed(psi: float, h1: float, h2: float) -> None:
    r1, r2 = R + h1, R + h2
    p_min = minimum_energy_parameter(r1, r2, psi)
    from kamae.kinematics.range_equation import angle_from_parameter

    g_min = angle_from_parameter(r1, r2, psi, p_min)
    v_min = burnout_speed(r1, p_min, g_min, MU)
    for dg in (-0.05, 0.05):
        g = g_min + dg
        p = conic_parameter(r1, r2, psi, g)
        if np.isfinite(p):
            assert burnout_speed(r1, p, g, MU) > v_min


def test_angle_for_apogee_inverts_apogee() -> None:
    r1, r2, psi = R + 80e3, R, 0.2
    for target in (R + 100e3, R + 400e3, R + 3000e3):
        g = angle_for_apogee(r1, r2, psi, target, MU)
        p = conic_parameter(r1, r2, psi, g)
        v = burnout_speed(r1, p, g, MU)
        assert apogee_radius(r1, v, g, MU)[0] == pytest.approx(target, rel=1e-10)


def test_calculator_minimum_energy_1000_km() -> None:
    sol = ballistic_solution(1000e3)
    psi = 1e6 / R
    s = np.sin(psi / 2)
    assert sol.shape == "minimum-energy"
    assert sol.burnout_speed_mps == pytest.approx(np.sqrt(2 * s / (1 + s) * MU / R), rel=1e-12)
    assert sol.burnout_angle_rad == pytest.approx(np.pi / 4 - psi / 4, rel=1e-12)
    assert sol.impact_angle_rad == pytest.approx(-sol.burnout_angle_rad, rel=1e-9)
    assert "spherical non-rotating" in sol.earth_model
    assert 200e3 < sol.apogee_m < 300e3 and 400 < sol.flight_time_s < 550


def test_calculator_shapes_and_burnout_altitude() -> None:
    me = ballistic_solution(1300e3, burnout_altitude_m=80e3)
    lofted = ballistic_solution(1300e3, apogee_m=me.apogee_m + 300e3, burnout_altitude_m=80e3)
    depressed = ballistic_solution(1300e3, apogee_m=me.apogee_m - 150e3, burnout_altitude_m=80e3)
    assert lofted.shape == "lofted" and depressed.shape == "depressed"
    assert lofted.burnout_speed_mps > me.burnout_speed_mps < depressed.burnout_speed_mps
    assert depressed.flight_time_s < me.flight_time_s < lofted.flight_time_s
    by_angle = ballistic_solution(
        1300e3, burnout_angle_rad=lofted.burnout_angle_rad, burnout_altitude_m=80e3
    )
    assert by_angle.apogee_m == pytest.approx(lofted.apogee_m, rel=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"range_m": -5e3}, "range_m"),
        ({"range_m": 30000e3}, "range_m"),
        ({"range_m": 500e3, "apogee_m": 100e3, "burnout_angle_rad": 0.7}, "apogee_m"),
        ({"range_m": 500e3, "apogee_m": 50e3, "burnout_altitude_m": 80e3}, "apogee_m"),
        ({"range_m": 500e3, "burnout_angle_rad": np.radians(95.0)}, "burnout_angle_rad"),
        ({"range_m": 500e3, "burnout_altitude_m": -1e3}, "burnout_altitude_m"),
    ],
)
def test_calculator_refuses_with_the_field_named(kwargs: dict, field: str) -> None:
    with pytest.raises(InfeasibleThreat) as err:
        ballistic_solution(**kwargs)
    assert err.value.field == field
    assert str(err.value).startswith(field)
    assert isinstance(err.value, ValueError)
