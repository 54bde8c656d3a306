"""The fast Kepler sampler against per-sample Newton solutions of Kepler's equation."""

from __future__ import annotations

import numpy as np
import pytest

from kamae.geo import ecef_to_geodetic, geodesic_direct_deg, geodetic_to_ecef
from kamae.kinematics.ballistic import free_flight_velocity
from kamae.kinematics.frames import eci_to_ecef
from kamae.kinematics.kepler import (
    Orbit,
    flight_time,
    mean_anomaly,
    orbit_from_state,
    solve_kepler,
    state_at_eccentric,
    true_anomaly,
)
from kamae.kinematics.kepler_grid import sample_kepler, window_indices


def _batch(n: int, seed: int = 3) -> tuple[Orbit, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lat = rng.uniform(-60, 60, n)
    lon = rng.uniform(-180, 180, n)
    lat2, lon2 = geodesic_direct_deg(
        lat, lon, rng.uniform(0, 360, n), rng.uniform(100e3, 9000e3, n)
    )
    r1 = geodetic_to_ecef(np.radians(lat), np.radians(lon), 0.0)
    r2 = geodetic_to_ecef(np.radians(lat2), np.radians(lon2), 0.0)
    orbit = orbit_from_state(r1, free_flight_velocity(r1, r2))
    m1 = _mean_anomaly(orbit, r1)
    t0 = rng.uniform(0.0, 100.0, n)
    tof = flight_time(orbit.n, orbit.e, true_anomaly(orbit, r1), true_anomaly(orbit, r2))
    return orbit, m1, t0, t0 + tof


def _mean_anomaly(orbit: Orbit, r: np.ndarray) -> np.ndarray:
    return mean_anomaly(true_anomaly(orbit, r), orbit.e)


def _exact(orbit: Orbit, m1: np.ndarray, t0: np.ndarray, times: np.ndarray, rotating: bool):
    big_e = solve_kepler(
        m1[:, None] + orbit.n[:, None] * (times[None, :] - t0[:, None]), orbit.e[:, None]
    )
    pos, vel = state_at_eccentric(orbit, big_e)
    if rotating:
        pos, vel = eci_to_ecef(pos, vel, times[None, :])
    return pos, vel


@pytest.mark.parametrize("rotating", [False, True])
@pytest.mark.parametrize("n_t", [1500, 1487])  # multiple of the node stride, and with a tail
def test_fast_path_matches_newton(rotating: bool, n_t: int) -> None:
    orbit, m1, t0, t1 = _batch(60)
    times = np.arange(n_t, dtype=float)
    k_lo, k_hi = window_indices(times, t0, t1)
    pos, vel, alt = sample_kepler(orbit, m1, t0, times, k_lo, k_hi, rotating=rotating)
    ref_p, ref_v = _exact(orbit, m1, t0, times, rotating)
    inside = (times[None, :] >= t0[:, None]) & (times[None, :] <= t1[:, None])
    assert np.max(np.linalg.norm(pos - ref_p, axis=-1)[inside]) < 1e-3
    assert np.max(np.linalg.norm(vel - ref_v, axis=-1)[inside]) < 1e-5
    _, _, h = ecef_to_geodetic(ref_p)
    assert np.max(np.abs(alt - h)[inside]) < 1e-3
    assert not np.any(np.isnan(alt[inside]))
    assert np.all(np.isnan(alt[~inside])) and np.all(np.isnan(pos[~inside]))


def test_non_uniform_grid_uses_exact_solution() -> None:
    orbit, m1, t0, t1 = _batch(5)
    times = np.sort(np.random.default_rng(1).uniform(0.0, 2000.0, 400))
    k_lo, k_hi = window_indices(times, t0, t1)
    pos, vel, _ = sample_kepler(orbit, m1, t0, times, k_lo, k_hi)
    ref_p, ref_v = _exact(orbit, m1, t0, times, False)
    inside = (times[None, :] >= t0[:, None]) & (times[None, :] <= t1[:, None])
    np.testing.assert_allclose(pos[inside], ref_p[inside], atol=1e-6)
    np.testing.assert_allclose(vel[inside], ref_v[inside], atol=1e-9)


def test_window_edges_are_exact_samples() -> None:
    orbit, m1, t0, _ = _batch(3)
    times = np.arange(0.0, 300.0, 1.0)
    k_lo = np.array([0, 17, 31])
    k_hi = np.array([299, 45, 31])
    pos, _, _ = sample_kepler(orbit, m1, t0, times, k_lo, k_hi)
    live = ~np.isnan(pos[..., 0])
    assert live[0].sum() == 300
    assert np.flatnonzero(live[1]).tolist() == list(range(17, 46))
    assert np.flatnonzero(live[2]).tolist() == [31]


def test_kepler_solved_by_row_gives_each_rows_own_solve() -> None:
    """`solve_kepler(..., by_row=True)`: every row stops on its own convergence, so it gets
    exactly the floats of solving that row alone (rows that need more iterations than others
    included: eccentricities from 0 to 0.97)."""
    from kamae.kinematics.kepler import solve_kepler

    rng = np.random.default_rng(21)
    e = np.r_[0.0, 0.3, 0.97, rng.uniform(0.0, 0.95, 20)][:, None]
    mean = rng.uniform(-20.0, 20.0, (e.size, 37))
    got = solve_kepler(mean, e, by_row=True)
    for i in range(e.size):
        assert np.array_equal(got[i : i + 1], solve_kepler(mean[i : i + 1], e[i : i + 1]))
    assert np.allclose(got - e * np.sin(got), mean, atol=1e-12)  # Kepler's equation holds
