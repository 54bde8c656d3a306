"""Minimum-energy ballistic flight against the closed-form relations of a non-rotating
spherical Earth (Bate, Mueller & White, Fundamentals of Astrodynamics, 1971, ch. 6;
../shared/reference/models.md "Ballistic flight"): Q = v²r/mu = 2s/(1+s), flight-path angle
45° - Ψ/4, a = r(1+s)/2, e = cos(Ψ/2)/(1+s), with s = sin(Ψ/2); and against numerical
integration of the two-body equations (scipy's solve_ivp) for flight time and apogee."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from kamae.geo import geodetic_to_ecef
from kamae.kinematics.ballistic import (
    free_flight_velocity,
    minimum_energy_trajectory,
    predicted_impact,
)
from kamae.kinematics.kepler import MU_EARTH, flight_time, orbit_from_state, true_anomaly

R = 6_371_000.0


@pytest.mark.parametrize("range_km", [300.0, 1000.0, 3000.0, 10000.0])
def test_textbook_relations_on_a_sphere(range_km: float) -> None:
    psi = range_km * 1e3 / R
    s = np.sin(psi / 2)
    r1 = np.array([[R, 0.0, 0.0]])
    r2 = np.array([[R * np.cos(psi), R * np.sin(psi), 0.0]])
    v = free_flight_velocity(r1, r2)
    speed = np.linalg.norm(v)
    assert speed**2 * R / MU_EARTH == pytest.approx(2 * s / (1 + s), rel=1e-12)
    gamma = np.degrees(np.arcsin(v[0] @ r1[0] / (speed * R)))
    assert gamma == pytest.approx(45.0 - np.degrees(psi) / 4, abs=1e-9)
    orbit = orbit_from_state(r1, v)
    assert orbit.a[0] == pytest.approx(R * (1 + s) / 2, rel=1e-12)
    assert orbit.e[0] == pytest.approx(np.cos(psi / 2) / (1 + s), rel=1e-12)


@pytest.mark.parametrize(
    ("launch", "aim"), [((40.0, 128.0), (35.68, 139.77)), ((27.0, 117.5), (26.21, 127.68))]
)
def test_flight_time_and_apogee_against_numerical_integration(launch, aim) -> None:
    r1 = geodetic_to_ecef(np.radians(launch[0]), np.radians(launch[1]), 0.0)
    r2 = geodetic_to_ecef(np.radians(aim[0]), np.radians(aim[1]), 0.0)
    v1 = free_flight_velocity(r1[None], r2[None])[0]
    orbit = orbit_from_state(r1[None], v1[None])
    nu1, nu2 = true_anomaly(orbit, r1[None]), true_anomaly(orbit, r2[None])
    tof = float(flight_time(orbit.n, orbit.e, nu1, nu2)[0])

    def two_body(_t: float, y: np.ndarray) -> np.ndarray:
        r = y[:3]
        return np.concatenate([y[3:], -MU_EARTH * r / np.linalg.norm(r) ** 3])

    sol = solve_ivp(
        two_body,
        (0.0, tof),
        np.concatenate([r1, v1]),
        rtol=1e-12,
        atol=1e-6,
        dense_output=True,
    )
    # Numerical flight ends at the aim point (to 1 m): the closed form's flight time is right.
    assert np.linalg.norm(sol.y[:3, -1] - r2) < 1.0
    # The sampled trajectory agrees with the integration at every second.
    times = np.arange(0.0, tof, 1.0)
    traj = minimum_energy_trajectory(r1[None], r2[None], [0.0], times)
    np.testing.assert_allclose(traj.position[0], sol.sol(times)[:3].T, atol=1.0)
    # Apogee radius a(1+e) equals the integrated maximum radius.
    orbit = orbit_from_state(r1[None], v1[None])
    dense = np.linalg.norm(sol.sol(np.linspace(0, tof, 20001))[:3], axis=0)
    assert orbit.a[0] * (1 + orbit.e[0]) == pytest.approx(dense.max(), rel=1e-9)
    assert traj.impact_time[0] == pytest.approx(tof)


def test_energy_and_angular_momentum_conserved() -> None:
    r1 = geodetic_to_ecef(np.radians(40.0), np.radians(128.0), 0.0)
    r2 = geodetic_to_ecef(np.radians(33.59), np.radians(130.40), 0.0)
    traj = minimum_energy_trajectory(r1[None], r2[None], [10.0], np.arange(0.0, 600.0, 0.5))
    pos = traj.position[0][traj.in_flight[0]]
    vel = traj.velocity[0][traj.in_flight[0]]
    energy = 0.5 * np.sum(vel**2, axis=1) - MU_EARTH / np.linalg.norm(pos, axis=1)
    momentum = np.linalg.norm(np.cross(pos, vel), axis=1)
    assert np.ptp(energy) / abs(energy[0]) < 1e-9
    assert np.ptp(momentum) / momentum[0] < 1e-9
    # Not in flight before launch.
    assert not traj.in_flight[0, :20].any() and traj.in_flight[0, 20]


def test_predicted_impact_from_midcourse_state() -> None:
    r1 = geodetic_to_ecef(np.radians(40.0), np.radians(128.0), 0.0)
    r2 = geodetic_to_ecef(np.radians(35.68), np.radians(139.77), 0.0)
    traj = minimum_energy_trajectory(r1[None], r2[None], [0.0], np.arange(0.0, 600.0, 1.0))
    hit, time_to_go = predicted_impact(
        traj.position[0, 200][None], traj.velocity[0, 200][None], np.linalg.norm(r2)
    )
    assert np.linalg.norm(hit[0] - r2) < 1e-3
    assert 200.0 + time_to_go[0] == pytest.approx(traj.impact_time[0], abs=1e-6)
