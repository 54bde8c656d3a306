"""Extended Kalman update for radar (range, azimuth, elevation) measurements."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2

from kamae.errors import KamaeError
from kamae.tracking.ekf import (
    ekf_rae_update,
    enu_from_rae,
    enu_rotation,
    rae_from_enu,
    rae_jacobian_enu,
    rae_linearisation,
    rae_prediction,
)
from kamae.tracking.kalman import covariance_diverged
from kamae.tracking.motion import cv_matrices, cv_predict

A_WGS84 = 6378137.0


def _sensor(lat: float, lon: float) -> tuple[np.ndarray, np.ndarray]:
    """A sensor on a spherical Earth of radius a (the EKF does not care about the geoid)."""
    up = np.array([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    return A_WGS84 * up, enu_rotation(lat, lon)


def test_enu_rotation_is_a_proper_rotation_with_up_along_the_normal() -> None:
    """Rows E, N, U orthonormal, det +1; at (0, 0): E = y, N = z, U = x (Farrell 2008, 2.6)."""
    c = enu_rotation(0.0, 0.0)
    np.testing.assert_allclose(c, [[0, 1, 0], [0, 0, 1], [1, 0, 0]], atol=1e-15)
    c = enu_rotation(np.array([0.3, -1.1]), np.array([2.0, -0.4]))
    for m in c:
        np.testing.assert_allclose(m @ m.T, np.eye(3), atol=1e-15)
        assert np.linalg.det(m) == pytest.approx(1.0)


@settings(max_examples=100, deadline=None)
@given(
    st.floats(1.0, 1e6),
    st.floats(-np.pi + 1e-6, np.pi - 1e-6),
    st.floats(-1.5, 1.5),
)
def test_rae_round_trip(rho: float, az: float, el: float) -> None:
    """rae_from_enu inverts enu_from_rae (azimuth clockwise from north)."""
    back = rae_from_enu(enu_from_rae(np.array([rho, az, el])))
    np.testing.assert_allclose(back, [rho, az, el], rtol=1e-12, atol=1e-9)


def test_azimuth_convention() -> None:
    """East of the sensor is azimuth +pi/2, north is 0; up is elevation +pi/2."""
    np.testing.assert_allclose(rae_from_enu(np.array([1.0, 0.0, 0.0])), [1.0, np.pi / 2, 0.0])
    np.testing.assert_allclose(rae_from_enu(np.array([0.0, 2.0, 0.0])), [2.0, 0.0, 0.0])
    assert rae_from_enu(np.array([0.0, 1e-9, 3.0]))[2] == pytest.approx(np.pi / 2)


def test_jacobian_matches_central_differences() -> None:
    """Analytic d(range, az, el)/d(ECEF position) agrees with central differences (step 1 cm,
    truncation error ~ step^2 |h'''| < 1e-9 relative at 50-200 km)."""
    rng = np.random.default_rng(2)
    sensor, c = _sensor(0.6, -1.2)
    for _ in range(20):
        x = np.r_[sensor + rng.normal(size=3) * 8e4, rng.normal(size=3) * 300]
        _, jac = rae_linearisation(x, sensor, c)
        num = np.zeros((3, 6))
        for i in range(3):
            e = np.zeros(6)
            e[i] = 1e-2
            hp, _ = rae_linearisation(x + e, sensor, c)
            hm, _ = rae_linearisation(x - e, sensor, c)
            num[:, i] = (hp - hm) / 2e-2
        scale = np.abs(jac).max(axis=1, keepdims=True)
        np.testing.assert_allclose(jac / scale, num / scale, atol=1e-8)
    j = rae_jacobian_enu(np.array([3.0, 4.0, 12.0]))
    assert j[0].tolist() == pytest.approx([3 / 13, 4 / 13, 12 / 13])


def test_azimuth_innovation_is_wrapped() -> None:
    """A target due south straddles az = +-pi: a measurement at -pi + 1 mrad of a prediction at
    pi - 1 mrad is a 2 mrad innovation, not -2 pi."""
    sensor, c = _sensor(0.0, 0.0)
    south = np.array([-1e5 * 1e-3, -1e5, 0.0])  # ENU: slightly west of due south
    x = np.r_[sensor + c.T @ south, np.zeros(3)]
    p = np.eye(6) * 1e4
    zhat, _ = rae_prediction(x, p, np.eye(3), sensor, c)
    assert zhat[1] == pytest.approx(-np.pi + 1e-3, abs=1e-6)
    z = zhat.copy()
    z[1] = np.pi - 1e-3
    u = ekf_rae_update(x, p, z, np.diag([100.0, 1e-6, 1e-6]), sensor, c)
    assert u.innovation[1] == pytest.approx(-2e-3, abs=1e-9)
    assert np.linalg.norm(u.x[:3] - x[:3]) < 250.0


def test_ekf_nees_inside_chi_square_bounds() -> None:
    """EKF consistency (Bar-Shalom 2001, 5.4.2 and 10.3): 300 CV targets (q = 1 m^2/s^3) at
    40-160 km from a radar (sigma 20 m, 1 mrad, 1 mrad; dt = 1 s; 60 scans). Linearisation
    error is small (rho sigma_angle^2 / 2 ~ 0.1 m against 40-160 m cross-range noise), so the
    run-averaged NEES lies inside its chi-square bounds on every scan (Bonferroni-corrected,
    family-wise 95 %) and the grand mean is within 3 standard errors (across runs) of 6."""
    rng = np.random.default_rng(4242)
    runs, steps, q = 300, 60, 1.0
    sensor, c = _sensor(0.5, 0.2)
    rng_m = rng.uniform(4e4, 1.6e5, runs)
    az = rng.uniform(-np.pi, np.pi, runs)
    el = rng.uniform(0.02, 0.3, runs)
    enu = enu_from_rae(np.stack([rng_m, az, el], 1))
    truth = np.concatenate([sensor + enu @ c, rng.normal(size=(runs, 3)) * 150.0], axis=1)
    f, qm = cv_matrices(1.0, q)
    lq = np.linalg.cholesky(qm)
    r = np.diag([20.0**2, 1e-3**2, 1e-3**2])
    p = np.zeros((runs, 6, 6))
    p[:, :3, :3] = 300.0**2 * np.eye(3)
    p[:, 3:, 3:] = 50.0**2 * np.eye(3)
    x = truth + rng.normal(size=(runs, 6)) * np.r_[300.0, 300, 300, 50, 50, 50]
    nees = np.empty((steps, runs))
    for k in range(steps):
        truth = truth @ f.T + rng.normal(size=(runs, 6)) @ lq.T
        zt = rae_from_enu((truth[:, :3] - sensor) @ c.T)
        z = zt + rng.normal(size=(runs, 3)) * np.sqrt(np.diag(r))
        x, p = cv_predict(x, p, 1.0, q)
        u = ekf_rae_update(x, p, z, r, sensor, c)
        x, p = u.x, u.p
        e = truth - x
        nees[k] = np.einsum("ni,ni->n", e, np.linalg.solve(p, e[..., None])[..., 0])
    alpha = 0.05 / steps
    lo, hi = chi2.ppf([alpha / 2, 1 - alpha / 2], 6 * runs) / runs
    m = nees.mean(axis=1)
    assert np.all((m >= lo) & (m <= hi))
    per_run = nees.mean(axis=0)
    assert abs(per_run.mean() - 6.0) < 3.0 * per_run.std(ddof=1) / np.sqrt(runs)


def test_batched_sensors_and_rotations() -> None:
    """Per-target sensors (N, 3) and rotations (N, 3, 3) equal one call per target."""
    rng = np.random.default_rng(8)
    n = 4
    lats, lons = rng.uniform(-1, 1, n), rng.uniform(-3, 3, n)
    sensors = np.stack([_sensor(a, b)[0] for a, b in zip(lats, lons, strict=True)])
    rots = enu_rotation(lats, lons)
    x = np.concatenate([sensors + rng.normal(size=(n, 3)) * 5e4, np.zeros((n, 3))], 1)
    p = np.tile(np.eye(6) * 1e4, (n, 1, 1))
    z = np.stack(
        [rae_from_enu(rots[i] @ (x[i, :3] - sensors[i])) + [10.0, 1e-3, -1e-3] for i in range(n)]
    )
    r = np.diag([25.0, 1e-6, 1e-6])
    batch = ekf_rae_update(x, p, z, r, sensors, rots)
    for i in range(n):
        one = ekf_rae_update(x[i], p[i], z[i], r, sensors[i], rots[i])
        np.testing.assert_allclose(batch.x[i], one.x, rtol=1e-13)
        np.testing.assert_allclose(batch.p[i], one.p, rtol=1e-12, atol=1e-9)


def test_target_at_the_sensor_zenith_is_flagged() -> None:
    """Azimuth is undefined straight overhead: the row comes out diverged (NaN), not kept."""
    sensor, c = _sensor(0.0, 0.0)
    x = np.array([np.r_[sensor + [1e4, 0, 0], 0, 0, 0], np.r_[sensor + [1e4, 3e3, 1e3], 0, 0, 0]])
    p = np.tile(np.eye(6) * 100.0, (2, 1, 1))
    z = np.array([[1e4, 0.0, np.pi / 2], [1e4, 0.3, 0.1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        u = ekf_rae_update(x, p, z, np.diag([100.0, 1e-6, 1e-6]), sensor, c)
    assert covariance_diverged(u.x, u.p).tolist() == [True, False]


def test_rotation_shape_is_checked() -> None:
    with pytest.raises(KamaeError):
        ekf_rae_update(np.zeros(6), np.eye(6), np.ones(3), np.eye(3), np.zeros(3), np.eye(2))
