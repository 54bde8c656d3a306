"""Decoys and debris released by a ballistic warhead, and a MaRV's terminal weave.

- Release: each object leaves the warhead's state at the release sample with the stated
  separation speed, so at first their separation grows as Δv·t (gravity-gradient terms are of
  order n²t² smaller, n the orbit's mean motion; checked over the first minute).
- Stripping: an object's flight ends at Allen & Eggers' height of peak deceleration,
  H·ln(ρ0·H/(β·sin γ)) (NACA Report 1381, 1958), capped at the 100 km interface.
- MaRV: the weave keeps the impact point, its peak lateral acceleration is the stated one
  (second differences of the displacement), and against it proportional navigation needs
  N'/(N'-2) = 3 times the target's acceleration (Zarchan 2012, ch. 2).
"""

from __future__ import annotations

import numpy as np
import pytest

from kamae.geo import geodetic_to_ecef
from kamae.kinematics.ballistic import ballistic_trajectory
from kamae.kinematics.marv import Manoeuvre, manoeuvre_kill_factor, required_acceleration, weave
from kamae.kinematics.reentry import ExponentialAtmosphere
from kamae.kinematics.threat_complex import (
    OBJECT_DEBRIS,
    OBJECT_DECOY,
    ComplexRelease,
    fibonacci_directions,
    release_objects,
    stripping_altitude_m,
)


def _warheads(times: np.ndarray):
    launch = geodetic_to_ecef(np.radians([40.0, 40.0]), np.radians([128.0, 128.0]), 0.0)
    aim = geodetic_to_ecef(np.radians([35.7, 35.7]), np.radians([139.8, 139.8]), 0.0)
    return ballistic_trajectory(
        launch, aim, np.array([0.0, 20.0]), times, burn_time_s=110.0, burnout_altitude_m=80e3
    )


RELEASE = ComplexRelease(
    decoys=3, decoy_rcs_m2=0.1, decoy_ballistic_coefficient_kg_m2=5.0, debris=2,
    debris_rcs_m2=1.0, debris_ballistic_coefficient_kg_m2=100.0, release_after_burnout_s=30.0,
    separation_speed_mps=3.0, decoy_length_mismatch_m=0.1, debris_length_mismatch_m=1.0,
    feature_decorrelation_s=10.0,
)  # fmt: skip


def test_directions_are_unit_and_spread() -> None:
    d = fibonacci_directions(40)
    np.testing.assert_allclose(np.linalg.norm(d, axis=1), 1.0)
    assert np.linalg.norm(d.mean(axis=0)) < 0.05


def test_objects_drift_away_at_the_separation_speed() -> None:
    times = np.arange(0.0, 900.0, 1.0)
    parents = _warheads(times)
    out = release_objects(parents, np.array([0, 1]), [RELEASE, RELEASE])
    assert out is not None
    assert out.parent.tolist() == [0] * 5 + [1] * 5
    assert out.kind.tolist() == ([OBJECT_DECOY] * 3 + [OBJECT_DEBRIS] * 2) * 2
    t0 = out.release_time[0]
    assert t0 >= float(parents.burnout_time[0]) + 30.0
    k0 = int(np.searchsorted(times, t0))
    assert parents.altitude[0, k0] > 100e3
    for dt in (10, 30, 60):
        sep = np.linalg.norm(out.trajectory.position[:5, k0 + dt] - parents.position[0, k0 + dt],
                             axis=1)  # fmt: skip
        np.testing.assert_allclose(sep, 3.0 * dt, rtol=0.02)


def test_objects_end_at_their_stripping_height() -> None:
    times = np.arange(0.0, 900.0, 1.0)
    parents = _warheads(times)
    out = release_objects(parents, np.array([0]), [RELEASE])
    assert out is not None
    traj = out.trajectory
    atm = ExponentialAtmosphere()
    for i, beta in enumerate([5.0] * 3 + [100.0] * 2):
        last = int(np.flatnonzero(traj.in_flight[i])[-1])
        # The flight-path angle at the interface, from the trajectory itself.
        k_if = int(np.flatnonzero(traj.in_flight[i] & (traj.altitude[i] < 100e3))[0])
        v = traj.velocity[i, k_if]
        up = traj.position[i, k_if] / np.linalg.norm(traj.position[i, k_if])
        gamma = np.arcsin(-v @ up / np.linalg.norm(v))
        h_star = atm.scale_height_m * np.log(
            atm.rho0_kg_m3 * atm.scale_height_m / (beta * np.sin(gamma))
        )
        assert float(stripping_altitude_m(np.array([beta]), np.array([gamma]))[0]) == pytest.approx(
            h_star, rel=2e-3
        )
        assert traj.altitude[i, last] == pytest.approx(h_star, abs=8e3)  # one step's descent
        assert traj.impact_time[i] < parents.impact_time[0]
    # A heavy object is stripped lower than a light one.
    assert traj.impact_time[4] > traj.impact_time[0]


def test_no_release_inside_the_atmosphere() -> None:
    times = np.arange(0.0, 900.0, 1.0)
    parents = _warheads(times)
    late = ComplexRelease(**{**RELEASE.__dict__, "release_after_burnout_s": 2000.0})
    assert release_objects(parents, np.array([0]), [late]) is None


def test_marv_weave_keeps_the_aim_and_its_acceleration() -> None:
    times = np.arange(0.0, 900.0, 0.5)
    parents = _warheads(times)
    move = Manoeuvre(start_altitude_m=40e3, acceleration_mps2=10 * 9.80665, period_s=8.0)
    woven, start = weave(parents, np.array([0]), [move])
    assert np.isfinite(start[0]) and np.isnan(start[1])
    k = np.flatnonzero(parents.in_flight[0] & (times >= start[0]))
    offset = woven.position[0, k] - parents.position[0, k]
    lateral = np.linalg.norm(offset, axis=1)
    assert lateral[0] < 1e-6
    assert lateral[-1] < lateral.max() * 0.2  # back on the aim as it lands
    accel = np.diff(offset, 2, axis=0) / 0.5**2
    assert np.max(np.linalg.norm(accel, axis=1)) == pytest.approx(98.0665, rel=0.02)
    np.testing.assert_array_equal(woven.position[1], parents.position[1])


def test_pn_needs_three_times_the_targets_acceleration() -> None:
    assert float(required_acceleration(10.0)) == pytest.approx(30.0)
    assert manoeuvre_kill_factor(29.0, 10.0, 100.0, 50.0) == 0.0
    assert manoeuvre_kill_factor(31.0, 10.0, 100.0, 50.0) == 1.0
    assert manoeuvre_kill_factor(5.0, 10.0, 40.0, 50.0) == 1.0  # intercept before the weave
    assert manoeuvre_kill_factor(np.inf, 10.0, 100.0, 50.0) == 1.0
