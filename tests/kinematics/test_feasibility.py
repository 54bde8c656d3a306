"""Feasibility checks (SI) name the field they refuse."""

from __future__ import annotations

import math

import pytest

from kamae.errors import KamaeError
from kamae.geo import EARTH_MEAN_RADIUS
from kamae.kinematics.feasibility import (
    InfeasibleThreat,
    check_ballistic,
    check_cep,
    check_cruise,
    check_glide,
    check_positive,
)
from kamae.kinematics.range_equation import ballistic_solution, minimum_energy_speed

KM = 1e3


def _field(fn, *args, **kwargs) -> str:
    with pytest.raises(InfeasibleThreat) as err:
        fn(*args, **kwargs)
    assert isinstance(err.value, ValueError) and isinstance(err.value, KamaeError)
    return err.value.field


def test_minimum_energy_speed_matches_calculator() -> None:
    for rng_km, h_km in ((300.0, 0.0), (1300.0, 80.0), (4000.0, 150.0)):
        r1 = EARTH_MEAN_RADIUS + h_km * KM
        v = float(minimum_energy_speed(r1, EARTH_MEAN_RADIUS, rng_km * KM / EARTH_MEAN_RADIUS))
        assert v == pytest.approx(
            ballistic_solution(rng_km * KM, burnout_altitude_m=h_km * KM).burnout_speed_mps,
            rel=1e-10,
        )


def test_ballistic_checks() -> None:
    check_ballistic(1300e3, burnout_speed_mps=3500.0, burnout_altitude_m=50e3, burn_time_s=60.0)
    assert _field(check_ballistic, 1300e3, burnout_speed_mps=2000.0) == "range_m"
    assert _field(check_ballistic, 1300e3, burnout_speed_mps=-1.0) == "burnout_speed_mps"
    assert _field(check_ballistic, 0.0) == "range_m"
    assert (
        _field(check_ballistic, 800e3, apogee_m=20e3, burnout_altitude_m=30e3, burn_time_s=60)
        == "apogee_m"
    )
    assert _field(check_ballistic, 800e3, burnout_altitude_m=30e3) == "burn_time_s"
    assert (
        _field(
            check_ballistic,
            800e3,
            burnout_speed_mps=3000.0,
            burnout_altitude_m=90e3,
            burn_time_s=50.0,
        )
        == "burn_time_s"
    )


def test_glide_checks() -> None:
    good = dict(
        glide_speed_mps=5000.0,
        glide_altitude_m=50e3,
        lift_to_drag=2.5,
        burn_time_s=80.0,
        dive_angle_rad=math.radians(45.0),
    )
    check_glide(1800e3, **good)
    assert _field(check_glide, 1800e3, **{**good, "glide_speed_mps": -3.0}) == "glide_speed_mps"
    assert _field(check_glide, 1800e3, **{**good, "glide_speed_mps": 8000.0}) == "glide_speed_mps"
    assert _field(check_glide, 1800e3, boost_apogee_m=40e3, **good) == "boost_apogee_m"
    assert _field(check_glide, 9000e3, **good) == "range_m"
    assert _field(check_glide, 1800e3, **{**good, "lift_to_drag": 0.0}) == "lift_to_drag"


def test_cruise_checks() -> None:
    length = check_cruise([[39.0, 125.0], [35.7, 139.7]], speed_mps=250.0, altitude_m=30.0)
    assert 1.2e6 < length < 1.5e6
    assert _field(check_cruise, [[39.0, 125.0]], speed_mps=250.0, altitude_m=30.0) == "waypoints"
    assert (
        _field(check_cruise, [[39.0, 125.0], [35.7, 139.7]], speed_mps=-250.0, altitude_m=30.0)
        == "speed_mps"
    )
    assert (
        _field(check_cruise, [[39.0, 125.0], [39.0, 125.0]], speed_mps=250.0, altitude_m=30.0)
        == "waypoints"
    )
    assert (
        _field(
            check_cruise,
            [[39.0, 125.0], [39.1, 125.0]],
            speed_mps=250.0,
            altitude_m=30.0,
            terminal_range_m=50e3,
        )
        == "terminal_range_m"
    )


def test_scalar_checks() -> None:
    assert check_positive("speed_mps", 3.0) == 3.0
    assert _field(check_positive, "speed_mps", float("nan")) == "speed_mps"
    assert _field(check_cep, -1.0) == "cep_m"


def test_a_problem_names_other_parameters_in_the_callers_units() -> None:
    with pytest.raises(InfeasibleThreat) as err:
        check_ballistic(800e3, apogee_m=20e3, burnout_altitude_m=30e3, burn_time_s=60)
    assert err.value.problem == "must be at or above burnout_altitude_m = 30000"
    km = err.value.describe(lambda name, v: (name.replace("_m", "_km"), v / KM))
    assert km == "must be at or above burnout_altitude_km = 30"
