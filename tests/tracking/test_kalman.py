"""Batched Kalman filters: exactness of the axis-decoupled form, consistency, divergence."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2

from kamae.errors import KamaeError
from kamae.tracking.kalman import (
    AxisKalmanFilter,
    AxisTracks,
    covariance_diverged,
    gaussian_update,
    kalman_update,
    position_matrix,
)
from kamae.tracking.motion import (
    BallisticCoast,
    ConstantVelocity,
    ballistic_input,
    cv_matrices,
    cv_predict,
)

H = position_matrix()


def _nees_bounds(dof: int, runs: int, scans: int, family: float = 0.95) -> tuple[float, float]:
    """Per-scan two-sided bounds on the runs-average of chi-square(dof) statistics
    (Bar-Shalom 2001, 5.4.2: runs * mean ~ chi-square(runs * dof)), Bonferroni-corrected so
    that all ``scans`` scans lie inside with probability >= ``family`` whatever the
    correlation between scans (NEES of one run is correlated in time)."""
    alpha = (1.0 - family) / scans
    lo, hi = chi2.ppf([alpha / 2, 1 - alpha / 2], dof * runs)
    return lo / runs, hi / runs


def _simulate_cv(
    rng: np.random.Generator, runs: int, steps: int, dt: float, q: float, r: float
) -> tuple[np.ndarray, np.ndarray]:
    """Truth (steps+1, runs, 6) of the DCWNA CV model and position measurements (steps, runs, 3)."""
    f, qm = cv_matrices(dt, q)
    lq = np.linalg.cholesky(qm)
    x = np.empty((steps + 1, runs, 6))
    x[0, :, :3] = rng.normal(0.0, 1e4, size=(runs, 3))
    x[0, :, 3:] = rng.normal(0.0, 200.0, size=(runs, 3))
    for k in range(steps):
        x[k + 1] = x[k] @ f.T + rng.normal(size=(runs, 6)) @ lq.T
    z = x[1:, :, :3] + rng.normal(0.0, np.sqrt(r), size=(steps, runs, 3))
    return x, z


def _nees(x_true: np.ndarray, x_est: np.ndarray, p: np.ndarray) -> np.ndarray:
    e = x_true - x_est
    return np.einsum("ni,ni->n", e, np.linalg.solve(p, e[..., None])[..., 0])


def _run_axis_filter(
    rng: np.random.Generator, x: np.ndarray, z: np.ndarray, q_filter: float, r: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per-step NEES (steps, runs) and NIS (steps, runs) of the axis filter on a simulation."""
    steps, runs = z.shape[:2]
    p0 = np.array([r, r, r, 400.0, 400.0, 400.0])
    start = x[0] + rng.normal(size=(runs, 6)) * np.sqrt(p0)  # consistent initial error
    tracks = AxisTracks.from_positions(start[:, :3], r, 400.0, velocity=start[:, 3:])
    kf = AxisKalmanFilter(q_filter)
    nees = np.empty((steps, runs))
    nis = np.empty((steps, runs))
    for k in range(steps):
        kf.predict(tracks, 1.0)
        y, s = tracks.innovations(z[k], r)
        nis[k] = np.sum(y * y / s, axis=1)
        kf.update(tracks, z[k], r)
        xe, pe = tracks.to_dense()
        nees[k] = _nees(x[k + 1], xe, pe)
    return nees, nis


def test_axis_filter_equals_dense_filter() -> None:
    """Three 2-state filters per target reproduce the 6-state Kalman filter (Bar-Shalom 2001,
    5.2) when Q and R are diagonal per axis: same means and covariances to 1e-12, with
    per-target intervals, per-axis noise, a known acceleration input and masked updates."""
    rng = np.random.default_rng(7)
    n = 40
    tracks = AxisTracks.from_positions(rng.normal(size=(n, 3)) * 1e3, 50.0, 1e4)
    x, p = tracks.to_dense()
    kf = AxisKalmanFilter(2.5)
    for _ in range(25):
        dt = rng.uniform(0.2, 3.0, size=n)
        acc = rng.normal(size=(n, 3))
        kf.predict(tracks, dt, accel=acc)
        x, p = cv_predict(x, p, dt, 2.5, accel=acc)
        z = x[:, :3] + rng.normal(size=(n, 3)) * 20.0
        r = rng.uniform(10.0, 900.0, size=(n, 3))
        mask = rng.random(n) < 0.7
        kf.update(tracks, z, r, mask=mask)
        u = kalman_update(x, p, z, H, np.einsum("ni,ij->nij", r, np.eye(3)))
        x = np.where(mask[:, None], u.x, x)
        p = np.where(mask[:, None, None], u.p, p)
    xa, pa = tracks.to_dense()
    np.testing.assert_allclose(xa, x, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(pa, p, rtol=1e-12, atol=1e-12 * np.abs(p).max())


def test_isotropic_and_scalar_noise_forms_agree() -> None:
    """r as a scalar, as (N,) and as (N, 3) give identical results."""
    rng = np.random.default_rng(3)
    n = 5
    z = rng.normal(size=(n, 3))
    out = []
    for r in (30.0, np.full(n, 30.0), np.full((n, 3), 30.0)):
        t = AxisTracks.from_positions(np.zeros((n, 3)), 100.0, 10.0)
        kf = AxisKalmanFilter(1.0)
        kf.predict(t, 1.0)
        kf.update(t, z, r)
        out.append(t.to_dense())
    for x, p in out[1:]:
        np.testing.assert_array_equal(x, out[0][0])
        np.testing.assert_array_equal(p, out[0][1])


def test_nees_and_nis_inside_chi_square_bounds() -> None:
    """Filter consistency (Bar-Shalom 2001, 5.4.2): over 300 Monte Carlo runs of a DCWNA
    target (q = 1 m^2/s^3, sigma = 10 m, dt = 1 s, 100 scans), the run-averaged NEES (6 dof)
    and NIS (3 dof) lie inside their chi-square bounds on every scan (family-wise 95 %), and
    the grand means are within 3 standard errors of 6 and 3. The standard error is taken
    across runs of each run's time-averaged value: runs are independent, scans are not."""
    rng = np.random.default_rng(20240601)
    q, r = 1.0, 100.0
    x, z = _simulate_cv(rng, runs=300, steps=100, dt=1.0, q=q, r=r)
    nees, nis = _run_axis_filter(rng, x, z, q, r)
    lo, hi = _nees_bounds(6, 300, 100)
    assert np.all((nees.mean(axis=1) >= lo) & (nees.mean(axis=1) <= hi))
    lo, hi = _nees_bounds(3, 300, 100)
    assert np.all((nis.mean(axis=1) >= lo) & (nis.mean(axis=1) <= hi))
    for stat, dof in ((nees, 6.0), (nis, 3.0)):
        per_run = stat.mean(axis=0)
        stderr = per_run.std(ddof=1) / np.sqrt(per_run.size)
        assert abs(per_run.mean() - dof) < 3.0 * stderr


def test_nees_test_rejects_a_mismatched_filter() -> None:
    """The same test fails a filter whose process noise is 100x too small: it is overconfident
    (run-averaged NEES above the bound on most scans), so the consistency test has power."""
    rng = np.random.default_rng(20240601)
    q, r = 1.0, 100.0
    x, z = _simulate_cv(rng, runs=300, steps=100, dt=1.0, q=q, r=r)
    nees, _ = _run_axis_filter(rng, x, z, q / 100.0, r)
    _, hi = _nees_bounds(6, 300, 100)
    assert np.mean(nees.mean(axis=1) > hi) > 0.8


def _simulate_ballistic(
    rng: np.random.Generator, runs: int, steps: int, q: float, sigma: float
) -> tuple[np.ndarray, np.ndarray]:
    """ECEF ballistic truth (Earth rotation included) with DCWNA noise; the known input is
    evaluated on the truth."""
    f, qm = cv_matrices(1.0, q)
    lq = np.linalg.cholesky(qm)
    lat = rng.uniform(-0.5, 0.5, runs)
    lon = rng.uniform(-np.pi, np.pi, runs)
    rad = 6378137.0 + 300e3
    x = np.empty((steps + 1, runs, 6))
    x[0, :, :3] = rad * np.stack(
        [np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], 1
    )
    x[0, :, 3:] = rng.normal(size=(runs, 3)) * 1700.0
    for k in range(steps):
        a = ballistic_input(x[k, :, :3], x[k, :, 3:], 1.0, earth_rotation=True)
        nxt = x[k] @ f.T
        nxt[:, :3] += 0.5 * a
        nxt[:, 3:] += a
        x[k + 1] = nxt + rng.normal(size=(runs, 6)) @ lq.T
    z = x[1:, :, :3] + rng.normal(0.0, sigma, size=(steps, runs, 3))
    return x, z


@pytest.mark.parametrize("model", ["ballistic", "cv"])
def test_ballistic_model_is_consistent_and_cv_is_not(model: str) -> None:
    """A ballistic target in ECEF (gravity, Coriolis, centrifugal) tracked for 60 s with
    sigma = 30 m: over 200 runs the known-input model (gravity evaluated at the estimate) keeps
    the run-averaged NEES inside the chi-square bounds on every scan (family-wise 95 %,
    Bar-Shalom 2001, 5.4.2); plain CV with the same q = 1 m^2/s^3 is biased by the
    unmodelled ~9 m/s^2 and is above the bound on more than 90 % of scans."""
    rng = np.random.default_rng(99)
    runs, steps, q, sigma = 200, 60, 1.0, 30.0
    x, z = _simulate_ballistic(rng, runs, steps, q, sigma)
    p = np.zeros((runs, 6, 6))
    p[:, :3, :3] = sigma**2 * np.eye(3)
    p[:, 3:, 3:] = 100.0 * np.eye(3)
    xe = x[0] + rng.normal(size=(runs, 6)) * np.sqrt(np.diagonal(p, axis1=1, axis2=2))
    motion = BallisticCoast(q, earth_rotation=True) if model == "ballistic" else ConstantVelocity(q)
    r = sigma**2 * np.eye(3)
    nees = np.empty((steps, runs))
    for k in range(steps):
        xe, p = motion.predict(xe, p, 1.0)
        u = kalman_update(xe, p, z[k], H, r)
        xe, p = u.x, u.p
        nees[k] = _nees(x[k + 1], xe, p)
    lo, hi = _nees_bounds(6, runs, steps)
    m = nees.mean(axis=1)
    if model == "ballistic":
        assert np.all((m >= lo) & (m <= hi))
    else:
        assert np.mean(m > hi) > 0.9


def test_axis_filter_with_gravity_input_equals_dense_ballistic_model() -> None:
    """AxisKalmanFilter with accel = ballistic_input(estimate) is BallisticCoast."""
    rng = np.random.default_rng(5)
    n = 10
    pos = rng.normal(size=(n, 3))
    pos *= (6378137.0 + 2e5) / np.linalg.norm(pos, axis=1, keepdims=True)
    tracks = AxisTracks.from_positions(pos, 900.0, 1e4, velocity=rng.normal(size=(n, 3)) * 2e3)
    x, p = tracks.to_dense()
    kf = AxisKalmanFilter(4.0)
    for _ in range(10):
        accel = ballistic_input(tracks.position, tracks.velocity, 2.0, earth_rotation=True)
        kf.predict(tracks, 2.0, accel=accel)
        x, p = BallisticCoast(4.0, earth_rotation=True).predict(x, p, 2.0)
        z = x[:, :3] + rng.normal(size=(n, 3)) * 30.0
        kf.update(tracks, z, 900.0)
        u = kalman_update(x, p, z, H, 900.0 * np.eye(3))
        x, p = u.x, u.p
    xa, pa = tracks.to_dense()
    np.testing.assert_allclose(xa, x, rtol=1e-12)
    np.testing.assert_allclose(pa, p, rtol=1e-12, atol=1e-12 * np.abs(p).max())


def test_divergence_is_detected_not_repaired() -> None:
    """NaN state, NaN covariance, a negative variance and an indefinite 2x2 block are each
    flagged; healthy tracks are not."""
    t = AxisTracks.from_positions(np.zeros((5, 3)), 100.0, 10.0)
    t.x[0, 1, 1] = np.nan
    t.p[2, 0, 2] = np.nan
    t.p[0, 2, 3] = -1.0
    t.p[1, 1, 4] = 40.0  # |cov| > sqrt(100 * 10)
    assert t.diverged().tolist() == [False, True, True, True, True]
    x, p = t.to_dense()
    assert covariance_diverged(x, p).tolist() == [False, True, True, True, True]


def test_update_through_non_pd_innovation_gives_nan_rows_only() -> None:
    """A track whose innovation covariance is not PD comes out NaN (hence diverged); the
    other tracks of the batch are updated normally."""
    x = np.zeros((3, 6))
    p = np.tile(np.eye(6) * 10.0, (3, 1, 1))
    p[1, 0, 0] = -50.0
    u = kalman_update(x, p, np.ones((3, 3)), H, np.eye(3))
    assert np.isnan(u.x[1]).all() and np.isnan(u.p[1]).all()
    assert np.isfinite(u.x[[0, 2]]).all()
    assert covariance_diverged(u.x, u.p).tolist() == [False, True, False]
    np.testing.assert_allclose(u.x[0, :3], 10.0 / 11.0)


def test_log_likelihood_and_nis() -> None:
    """NIS = y^T S^-1 y and log-likelihood = log N(y; 0, S) (Bar-Shalom 2001, 5.2)."""
    rng = np.random.default_rng(11)
    a = rng.normal(size=(6, 6))
    p = a @ a.T + np.eye(6)
    r = np.diag([1.0, 2.0, 3.0])
    y = rng.normal(size=3)
    u = gaussian_update(np.zeros(6), p, y, H, r)
    s = H @ p @ H.T + r
    assert u.nis == pytest.approx(y @ np.linalg.solve(s, y), rel=1e-12)
    ref = -0.5 * (y @ np.linalg.solve(s, y) + np.log(np.linalg.det(2 * np.pi * s)))
    assert u.log_likelihood == pytest.approx(ref, rel=1e-12)


def test_from_dense_refuses_cross_axis_covariance() -> None:
    x = np.zeros((1, 6))
    p = np.eye(6)[None].copy()
    p[0, 0, 1] = p[0, 1, 0] = 0.5
    with pytest.raises(KamaeError):
        AxisTracks.from_dense(x, p)
    t = AxisTracks.from_positions(np.ones((2, 3)), 4.0, 9.0, velocity=np.ones((2, 3)))
    back = AxisTracks.from_dense(*t.to_dense())
    np.testing.assert_array_equal(back.x, t.x)
    np.testing.assert_array_equal(back.p, t.p)


def test_bad_shapes_are_rejected() -> None:
    t = AxisTracks.from_positions(np.zeros((4, 3)), 1.0, 1.0)
    kf = AxisKalmanFilter(1.0)
    with pytest.raises(KamaeError):
        kf.update(t, np.zeros((3, 3)), 1.0)
    with pytest.raises(KamaeError):
        kf.update(t, np.zeros((4, 3)), np.ones(3))
    with pytest.raises(KamaeError):
        kf.predict(t, np.ones(3))
    with pytest.raises(KamaeError):
        AxisKalmanFilter(-1.0)
    with pytest.raises(KamaeError):
        AxisTracks.from_positions(np.zeros((2, 3)), 0.0, 1.0)
