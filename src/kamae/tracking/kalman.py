"""Batched linear Kalman filters over N targets held as arrays.

A batch of six-state estimates [x, y, z, vx, vy, vz] is a mean ``x`` (..., 6) and covariance
``p`` (..., 6, 6), updated by ``kalman_update`` / ``gaussian_update`` (the Kalman filter,
Bar-Shalom, Li & Kirubarajan, Estimation with Applications to Tracking and Navigation, Wiley
2001, section 5.2) and predicted by ``motion.cv_predict``: any measurement noise, any
linear(ised) measurement (the EKF and IMM build on it). The engine's own filter, a
converted-measurement filter with gravity input, is ``kamae.tracking.converted``.

Diverged estimates (non-finite mean or covariance, covariance not positive definite) are
reported by ``covariance_diverged``; they are never repaired.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamae.arrays import BoolArray, FloatArray, f64
from kamae.tracking import kernels

_LOG_2PI = float(np.log(2.0 * np.pi))


# --------------------------------------------------------------------------------------------
# Dense batched Kalman update
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GaussianUpdate:
    """Result of a batched Kalman update; leading dims (...) are those of the batch."""

    x: FloatArray
    """Posterior means (..., n)."""
    p: FloatArray
    """Posterior covariances (..., n, n); NaN where the innovation covariance was not PD."""
    innovation: FloatArray
    """Innovations y = z - h(x) (..., m), angles wrapped where the measurement has them."""
    s: FloatArray
    """Innovation covariances S = H P H^T + R (..., m, m)."""
    nis: FloatArray
    """Normalised innovation squared y^T S^-1 y (...), chi-square with m dof if consistent."""
    log_likelihood: FloatArray
    """log N(y; 0, S) (...), the measurement likelihood used by IMM and by gating."""


def covariance_diverged(x: FloatArray, p: FloatArray) -> BoolArray:
    """True where a mean (..., n) or covariance (..., n, n) is not finite or P is not PD.

    Positive definiteness is tested by Cholesky factorisation (of the symmetric part).
    """
    x = np.asarray(x, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    finite = np.asarray(np.isfinite(x).all(axis=-1) & np.isfinite(p).all(axis=(-2, -1)), bool)
    return ~finite | ~_positive_definite(p, finite)


def _positive_definite(m: FloatArray, finite: BoolArray) -> BoolArray:
    """PD test of symmetric matrices (..., k, k) where ``finite``; False elsewhere: each
    matrix's Cholesky factor (`kernels.positive_definite`)."""
    ok = finite.copy()
    if not ok.any():
        return ok
    k = m.shape[-1]
    ok[ok] = kernels.positive_definite(f64(m[ok].reshape(-1, k, k)))
    return ok


def gaussian_update(
    x: FloatArray, p: FloatArray, y: FloatArray, h: FloatArray, r: FloatArray
) -> GaussianUpdate:
    """Kalman update given innovations, batched (Bar-Shalom 2001, 5.2; EKF form 10.3).

    ``x`` (..., n), ``p`` (..., n, n), innovation ``y`` (..., m), measurement matrix or
    Jacobian ``h`` (m, n) or (..., m, n), noise ``r`` (m, m) or (..., m, m).
    S = H P H^T + R, K = P H^T S^-1, x+ = x + K y, P+ = P - K S K^T (symmetrised). Batch rows
    whose S is not positive definite get NaN posteriors (flagged by ``covariance_diverged``).
    """
    x = np.asarray(x, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    batch, n, m = x.shape[:-1], x.shape[-1], y.shape[-1]
    h = np.broadcast_to(np.asarray(h, dtype=np.float64), batch + (m, n))
    r = np.broadcast_to(np.asarray(r, dtype=np.float64), batch + (m, m))
    # Row by row in `kernels.gaussian_update`: PD test and S^-1 by S's Cholesky factor.
    x_new, p_new, s, nis, loglik = kernels.gaussian_update(
        f64(x.reshape(-1, n)), f64(p.reshape(-1, n, n)), f64(y.reshape(-1, m)),
        f64(h.reshape(-1, m, n)), f64(r.reshape(-1, m, m)),
    )  # fmt: skip
    x_new, p_new = x_new.reshape(batch + (n,)), p_new.reshape(batch + (n, n))
    s, nis, loglik = s.reshape(batch + (m, m)), nis.reshape(batch), loglik.reshape(batch)
    return GaussianUpdate(x_new, p_new, y, s, nis, loglik)


def kalman_update(
    x: FloatArray, p: FloatArray, z: FloatArray, h: FloatArray, r: FloatArray
) -> GaussianUpdate:
    """Linear Kalman update with measurement z = H x + v, v ~ N(0, R) (Bar-Shalom 2001, 5.2).

    ``z`` (..., m); ``h`` (m, n) or (..., m, n); ``r`` (m, m) or (..., m, m). Matches Stone
    Soup's ``KalmanUpdater`` (same equations).
    """
    x = np.asarray(x, dtype=np.float64)
    h = np.asarray(h, dtype=np.float64)
    y = np.asarray(z, dtype=np.float64) - (h @ x[..., None])[..., 0]
    return gaussian_update(x, p, y, h, r)


def position_matrix(n_state: int = 6) -> FloatArray:
    """H (3, n) selecting position from a [position, velocity] state."""
    h = np.zeros((3, n_state))
    h[:, :3] = np.eye(3)
    return h
