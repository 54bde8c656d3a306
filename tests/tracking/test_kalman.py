"""Batched Kalman filters: consistency of the engine's filter (NEES, NIS), divergence."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2

from kamae.tracking.converted import BallisticTrackBank
from kamae.tracking.kalman import (
    covariance_diverged,
    gaussian_update,
    kalman_update,
    position_matrix,
)
from kamae.tracking.motion import (
    ballistic_input,
    cv_matrices,
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


def _run_bank(
    rng: np.random.Generator, x: np.ndarray, z: np.ndarray, q_filter: float, r: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per-step NEES (steps, runs) and NIS (steps, runs) of the engine's filter
    (`BallisticTrackBank`, level-flight slots: the CV model) on a simulation, started from the
    first measurement at time 0 with its velocity prior (200 m/s, the truth's spread)."""
    steps, runs = z.shape[:2]
    bank = BallisticTrackBank(runs, q_filter, 200.0, level=np.ones(runs, dtype=bool))
    slots = np.arange(runs)
    cov = np.tile(r * np.eye(3), (runs, 1, 1))
    bank.update(slots, x[0, :, :3] + rng.normal(0.0, np.sqrt(r), size=(runs, 3)), cov, 0.0)
    nees = np.empty((steps, runs))
    nis = np.empty((steps, runs))
    for k in range(steps):
        xp, pp = bank.predicted(slots, k + 1.0)
        y = z[k] - xp[:, :3]
        nis[k] = np.einsum(
            "ni,ni->n", y, np.linalg.solve(pp[:, :3, :3] + cov, y[..., None])[..., 0]
        )
        bank.update(slots, z[k], cov, k + 1.0)
        nees[k] = _nees(x[k + 1], bank.state, bank.covariance)
    return nees, nis


def test_nees_and_nis_inside_chi_square_bounds() -> None:
    """Consistency of the engine's filter (Bar-Shalom 2001, 5.4.2): over 300 Monte Carlo runs
    of a DCWNA
    target (q = 1 m^2/s^3, sigma = 10 m, dt = 1 s, 100 scans), the run-averaged NEES (6 dof)
    and NIS (3 dof) lie inside their chi-square bounds on every scan (family-wise 95 %), and
    the grand means are within 3 standard errors of 6 and 3. The standard error is taken
    across runs of each run's time-averaged value: runs are independent, scans are not."""
    rng = np.random.default_rng(20240601)
    q, r = 1.0, 100.0
    x, z = _simulate_cv(rng, runs=300, steps=100, dt=1.0, q=q, r=r)
    nees, nis = _run_bank(rng, x, z, q, r)
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
    nees, _ = _run_bank(rng, x, z, q / 100.0, r)
    _, hi = _nees_bounds(6, 300, 100)
    assert np.mean(nees.mean(axis=1) > hi) > 0.8


def _simulate_ballistic(
    rng: np.random.Generator, runs: int, steps: int, q: float, sigma: float
) -> tuple[np.ndarray, np.ndarray]:
    """ECEF ballistic truth (central gravity, the Earth-fixed frame taken as inertial, as in
    `kamae.kinematics`) with DCWNA noise; the known input is evaluated on the truth."""
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
        a = ballistic_input(x[k, :, :3], x[k, :, 3:], 1.0)
        nxt = x[k] @ f.T
        nxt[:, :3] += 0.5 * a
        nxt[:, 3:] += a
        x[k + 1] = nxt + rng.normal(size=(runs, 6)) @ lq.T
    z = x[1:, :, :3] + rng.normal(0.0, sigma, size=(steps, runs, 3))
    return x, z


@pytest.mark.parametrize("model", ["ballistic", "cv"])
def test_ballistic_model_is_consistent_and_cv_is_not(model: str) -> None:
    """A ballistic target in ECEF tracked for 60 s with sigma = 30 m by the engine's filter
    (`BallisticTrackBank`, started on the first measurement with the truth's velocity spread
    as its prior): over 200 runs the gravity input (evaluated at the estimate's predicted
    midpoint) keeps the run-averaged NEES inside the chi-square bounds on every scan
    (family-wise 95 %, Bar-Shalom 2001, 5.4.2); the same bank's level-flight slots (plain CV)
    with the same q = 1 m^2/s^3 are biased by the unmodelled ~9 m/s^2 and are above the bound
    on more than 90 % of scans."""
    rng = np.random.default_rng(99)
    runs, steps, q, sigma = 200, 60, 1.0, 30.0
    x, z = _simulate_ballistic(rng, runs, steps, q, sigma)
    level = np.full(runs, model == "cv")
    bank = BallisticTrackBank(runs, q, 1700.0, level=level)
    slots = np.arange(runs)
    r = np.tile(sigma**2 * np.eye(3), (runs, 1, 1))
    bank.update(slots, x[0, :, :3] + rng.normal(size=(runs, 3)) * sigma, r, 0.0)
    nees = np.empty((steps, runs))
    for k in range(steps):
        bank.update(slots, z[k], r, k + 1.0)
        nees[k] = _nees(x[k + 1], bank.state, bank.covariance)
    lo, hi = _nees_bounds(6, runs, steps)
    m = nees.mean(axis=1)
    if model == "ballistic":
        assert np.all((m >= lo) & (m <= hi))
    else:
        assert np.mean(m > hi) > 0.9


def test_divergence_is_detected_not_repaired() -> None:
    """NaN state, NaN covariance, a negative variance and an indefinite 2x2 block are each
    flagged; healthy tracks are not."""
    x = np.zeros((5, 6))
    p = np.tile(np.diag([100.0, 100.0, 100.0, 10.0, 10.0, 10.0]), (5, 1, 1))
    x[1, 4] = np.nan
    p[2, 2, 5] = np.nan
    p[3, 2, 2] = -1.0
    p[4, 1, 4] = p[4, 4, 1] = 40.0  # |cov| > sqrt(100 * 10)
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
