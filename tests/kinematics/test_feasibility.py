"""Feasibility checks name the field they refuse."""

from __future__ import annotations

import pytest

from kamae.errors import KamaeError
from kamae.kinematics.feasibility import (
    InfeasibleThreat,
    check_ballistic,
    check_cep,
    check_cruise,
    check_glide,
    check_positive,
    minimum_energy_speed_mps,
)
from kamae.kinematics.range_equation import ballistic_calculator


def _field(fn, *args, **kwargs) -> str:
    with pytest.raises(InfeasibleThreat) as err:
        fn(*args, **kwargs)
    assert isinstance(err.value, ValueError) and isinstance(err.value, KamaeError)
    return err.value.field


def test_minimum_energy_speed_matches_calculator() -> None:
    for rng_km, h_km in ((300.0, 0.0), (1300.0, 80.0), (4000.0, 150.0)):
        v = minimum_energy_speed_mps(rng_km, h_km)
        assert v == pytest.approx(
            ballistic_calculator(rng_km, burnout_altitude_km=h_km).burnout_speed_mps, rel=1e-10
        )


def test_ballistic_checks() -> None:
    check_ballistic(1300.0, burnout_speed_mps=3500.0, burnout_altitude_km=50.0, burn_time_s=60.0)
    assert _field(check_ballistic, 1300.0, burnout_speed_mps=2000.0) == "range_km"
    assert _field(check_ballistic, 1300.0, burnout_speed_mps=-1.0) == "burnout_speed_mps"
    assert _field(check_ballistic, 0.0) == "range_km"
    assert (
        _field(check_ballistic, 800.0, apogee_km=20.0, burnout_altitude_km=30.0, burn_time_s=60)
        == "apogee_km"
    )
    assert _field(check_ballistic, 800.0, burnout_altitude_km=30.0) == "burn_time_s"
    assert (
        _field(
            check_ballistic,
            800.0,
            burnout_speed_mps=3000.0,
            burnout_altitude_km=90.0,
            burn_time_s=50.0,
        )
        == "burn_time_s"
    )


def test_glide_checks() -> None:
    good = dict(glide_speed_mps=5000.0, glide_altitude_km=50.0, lift_to_drag=2.5, burn_time_s=80.0)
    check_glide(1800.0, **good)
    assert _field(check_glide, 1800.0, **{**good, "glide_speed_mps": -3.0}) == "glide_speed_mps"
    assert _field(check_glide, 1800.0, **{**good, "glide_speed_mps": 8000.0}) == "glide_speed_mps"
    assert _field(check_glide, 1800.0, boost_apogee_km=40.0, **good) == "boost_apogee_km"
    assert _field(check_glide, 9000.0, **good) == "range_km"
    assert _field(check_glide, 1800.0, **{**good, "lift_to_drag": 0.0}) == "lift_to_drag"


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
