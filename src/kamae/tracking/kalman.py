"""Batched linear Kalman filters over N targets held as arrays.

Two representations of N six-state estimates [x, y, z, vx, vy, vz]:

* dense: mean ``x`` (..., 6) and covariance ``p`` (..., 6, 6). Updated by ``kalman_update`` /
  ``gaussian_update`` (the Kalman filter, Bar-Shalom, Li & Kirubarajan, Estimation with
  Applications to Tracking and Navigation, Wiley 2001, section 5.2), predicted by
  ``motion.cv_predict``. Any measurement noise, any linear(ised) measurement.
* axis-decoupled (``AxisTracks`` with ``AxisKalmanFilter``): the CV model with DCWNA noise has
  F and Q block-diagonal per axis, so with position measurements whose noise is diagonal in the
  state frame the 6-state filter is exactly three independent 2-state filters (decoupled
  per-coordinate filtering, Bar-Shalom 2001, chapter 6). Each 2x2 covariance is stored as its
  three distinct numbers and the 1x1 innovation is inverted in closed form, in place on
  contiguous arrays. Exact (not an approximation) while the noise stays diagonal in the state
  frame; measurements with full covariance (a radar's converted measurement in ECEF) need the
  dense form.

Diverged estimates (non-finite mean or covariance, covariance not positive definite) are
reported by ``AxisTracks.diverged`` and ``covariance_diverged``; they are never repaired.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kamae.errors import KamaeError
from kamae.tracking.motion import dcwna_noise

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

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

    Positive definiteness is tested by Cholesky factorisation (one batched call; per-matrix
    eigenvalues only when the batch call fails).
    """
    x = np.asarray(x, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    finite = np.asarray(np.isfinite(x).all(axis=-1) & np.isfinite(p).all(axis=(-2, -1)), bool)
    return ~finite | ~_positive_definite(p, finite)


def _positive_definite(m: FloatArray, finite: BoolArray) -> BoolArray:
    """PD test of symmetric matrices (..., k, k) where ``finite``; False elsewhere."""
    ok = finite.copy()
    if not ok.any():
        return ok
    sub = m[ok]
    try:
        np.linalg.cholesky(sub)
    except np.linalg.LinAlgError:
        sym = 0.5 * (sub + np.swapaxes(sub, -1, -2))
        pd = np.empty(sub.shape[0], dtype=bool)
        for i in range(sub.shape[0]):
            try:
                np.linalg.cholesky(sym[i])
                pd[i] = True
            except np.linalg.LinAlgError:
                pd[i] = False
        ok[ok] = pd
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
    h = np.asarray(h, dtype=np.float64)
    r = np.asarray(r, dtype=np.float64)
    m = y.shape[-1]
    pht = p @ np.swapaxes(h, -1, -2)  # (..., n, m)
    s = h @ pht + r
    s = 0.5 * (s + np.swapaxes(s, -1, -2))
    finite = np.asarray(np.isfinite(s).all(axis=(-2, -1)) & np.isfinite(y).all(axis=-1), bool)
    ok = _positive_definite(s, finite)
    s_safe = np.where(ok[..., None, None], s, np.eye(m)) if not ok.all() else s
    gain_t = np.linalg.solve(s_safe, np.swapaxes(pht, -1, -2))  # (S^-1 H P) = K^T
    gain = np.swapaxes(gain_t, -1, -2)
    w = np.linalg.solve(s_safe, y[..., None])[..., 0]
    x_new = x + (gain @ y[..., None])[..., 0]
    p_new = p - gain @ np.swapaxes(pht, -1, -2)
    p_new = 0.5 * (p_new + np.swapaxes(p_new, -1, -2))
    nis = np.einsum("...i,...i->...", y, w)
    _, logdet = np.linalg.slogdet(s_safe)
    loglik = -0.5 * (nis + logdet + m * _LOG_2PI)
    if not ok.all():
        bad = ~ok
        x_new = np.where(bad[..., None], np.nan, x_new)
        p_new = np.where(bad[..., None, None], np.nan, p_new)
        nis = np.where(bad, np.nan, nis)
        loglik = np.where(bad, -np.inf, loglik)
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


# --------------------------------------------------------------------------------------------
# Axis-decoupled constant-velocity filter
# --------------------------------------------------------------------------------------------


@dataclass(eq=False)
class AxisTracks:
    """N constant-velocity estimates stored as three (position, velocity) filters per target.

    ``x`` (2, 3, N): [position, velocity] x axis x target (m, m/s). ``p`` (3, 3, N):
    [var(pos), cov(pos, vel), var(vel)] x axis x target. Axis-major, contiguous float64: the
    filter works on whole rows in place. Cross-axis covariances are zero by construction.
    """

    x: FloatArray
    p: FloatArray

    def __post_init__(self) -> None:
        self.x = np.ascontiguousarray(self.x, dtype=np.float64)
        self.p = np.ascontiguousarray(self.p, dtype=np.float64)
        if self.x.ndim != 3 or self.x.shape[:2] != (2, 3):
            raise KamaeError(f"AxisTracks.x must have shape (2, 3, N), got {self.x.shape}")
        if self.p.shape != (3, 3, self.x.shape[2]):
            raise KamaeError(
                f"AxisTracks.p must have shape (3, 3, {self.x.shape[2]}), got {self.p.shape}"
            )

    @classmethod
    def empty(cls) -> AxisTracks:
        """No tracks."""
        return cls(np.empty((2, 3, 0)), np.empty((3, 3, 0)))

    @classmethod
    def from_positions(
        cls,
        position: FloatArray,
        position_var: float | FloatArray,
        velocity_var: float | FloatArray,
        velocity: FloatArray | None = None,
    ) -> AxisTracks:
        """Single-point initiation: mean at the measured position (N, 3), velocity (N, 3) or 0.

        ``position_var`` (per-axis measurement variance, m^2: scalar, (N,) or (N, 3)) and
        ``velocity_var`` (prior velocity variance, m^2/s^2: scalar, (N,) or (N, 3)) set the
        diagonal covariance (one-point initialisation, Bar-Shalom 2001, 5.5).
        """
        pos = np.atleast_2d(np.asarray(position, dtype=np.float64))
        n = pos.shape[0]
        if pos.shape != (n, 3):
            raise KamaeError(f"position must have shape (N, 3), got {pos.shape}")
        x = np.zeros((2, 3, n))
        x[0] = pos.T
        if velocity is not None:
            x[1] = np.asarray(velocity, dtype=np.float64).reshape(n, 3).T
        p = np.zeros((3, 3, n))
        p[0] = _per_axis(position_var, n, "position_var")
        p[2] = _per_axis(velocity_var, n, "velocity_var")
        if not (np.all(p[0] > 0) and np.all(p[2] > 0)):
            raise KamaeError("initial position and velocity variances must be > 0")
        return cls(x, p)

    @classmethod
    def from_dense(cls, x: FloatArray, p: FloatArray, atol: float = 0.0) -> AxisTracks:
        """From dense means (N, 6) and covariances (N, 6, 6) without cross-axis terms.

        Raises KamaeError if any cross-axis covariance exceeds ``atol`` in magnitude: dropping
        correlations silently would misstate track quality.
        """
        x = np.asarray(x, dtype=np.float64)
        p = np.asarray(p, dtype=np.float64)
        n = x.shape[0]
        pr = p.reshape(n, 2, 3, 2, 3)  # (target, pos|vel, axis, pos|vel, axis)
        same_axis = np.eye(3, dtype=bool)[None, None, :, None, :]
        cross = np.where(np.broadcast_to(same_axis, pr.shape), 0.0, pr)
        if np.any(np.abs(cross) > atol):
            raise KamaeError("covariance has cross-axis terms; use the dense filter")
        ax = np.arange(3)
        xs = x.reshape(n, 2, 3).transpose(1, 2, 0)
        ps = np.stack([pr[:, 0, ax, 0, ax].T, pr[:, 0, ax, 1, ax].T, pr[:, 1, ax, 1, ax].T], axis=0)
        return cls(xs, ps)

    @property
    def n(self) -> int:
        """Number of tracks."""
        return int(self.x.shape[2])

    @property
    def position(self) -> FloatArray:
        """Position estimates (N, 3), m (a copy)."""
        return self.x[0].T.copy()

    @property
    def velocity(self) -> FloatArray:
        """Velocity estimates (N, 3), m/s (a copy)."""
        return self.x[1].T.copy()

    @property
    def position_var(self) -> FloatArray:
        """Per-axis position variances (N, 3), m^2: the track quality."""
        return self.p[0].T.copy()

    @property
    def velocity_var(self) -> FloatArray:
        """Per-axis velocity variances (N, 3), m^2/s^2."""
        return self.p[2].T.copy()

    def to_dense(self) -> tuple[FloatArray, FloatArray]:
        """Dense means (N, 6) and covariances (N, 6, 6) in [position, velocity] order."""
        n = self.n
        x = self.x.transpose(2, 0, 1).reshape(n, 6).copy()
        p = np.zeros((n, 6, 6))
        ax = np.arange(3)
        p[:, ax, ax] = self.p[0].T
        p[:, ax, ax + 3] = self.p[1].T
        p[:, ax + 3, ax] = self.p[1].T
        p[:, ax + 3, ax + 3] = self.p[2].T
        return x, p

    def take(self, index: IntArray | BoolArray) -> AxisTracks:
        """The tracks selected by an index or mask over N (copies)."""
        return AxisTracks(self.x[:, :, index], self.p[:, :, index])

    def put(self, index: IntArray | BoolArray, other: AxisTracks) -> None:
        """Overwrite the selected tracks with ``other`` (in place)."""
        self.x[:, :, index] = other.x
        self.p[:, :, index] = other.p

    def concatenate(self, other: AxisTracks) -> AxisTracks:
        """These tracks followed by ``other``'s."""
        return AxisTracks(
            np.concatenate([self.x, other.x], axis=2), np.concatenate([self.p, other.p], axis=2)
        )

    def diverged(self) -> BoolArray:
        """(N,) True where a mean or covariance is non-finite or a 2x2 block is not PD.

        A 2x2 block is PD iff var(pos) > 0 and its determinant > 0. Whole-array reductions
        answer the usual all-healthy case; per-track flags are computed only otherwise.
        """
        x, p = self.x, self.p
        det = p[0] * p[2]
        det -= p[1] * p[1]
        with np.errstate(invalid="ignore", over="ignore"):
            if self.n == 0 or (det.min() > 0 and p[0].min() > 0 and np.isfinite(x.sum() + p.sum())):
                return np.zeros(self.n, dtype=bool)
            bad = ~(np.isfinite(x).all(axis=(0, 1)) & np.isfinite(p).all(axis=(0, 1)))
            bad |= ~((p[0] > 0) & (p[2] > 0) & (det > 0)).all(axis=0)
        return bad

    def innovations(self, z: FloatArray, r: float | FloatArray) -> tuple[FloatArray, FloatArray]:
        """Position innovations z - x (N, 3) and their per-axis variances p_pos + r (N, 3).

        With these, NIS = sum(y^2 / s) and the chi-square gate need no matrix inverse.
        """
        z = np.asarray(z, dtype=np.float64)
        y = z - self.x[0].T
        s = self.p[0].T + _r_rows(r, self.n)
        return y, s


def _per_axis(v: float | FloatArray, n: int, name: str) -> FloatArray:
    """A scalar, (N,) or (N, 3) per-axis quantity as an axis-major (3, N) array."""
    a = np.asarray(v, dtype=np.float64)
    if a.ndim == 0:
        return np.full((3, n), float(a))
    if a.shape == (n,):
        return np.broadcast_to(a, (3, n)).copy()
    if a.shape == (n, 3):
        return a.T.copy()
    raise KamaeError(f"{name} must be a scalar, (N,) or (N, 3) with N={n}, got shape {a.shape}")


def _r_rows(r: float | FloatArray, n: int) -> FloatArray:
    """Measurement variance as target-major rows broadcastable to (N, 3)."""
    a = np.asarray(r, dtype=np.float64)
    if a.ndim == 0 or a.shape == (n, 3):
        return a
    if a.shape == (n,):
        return a[:, None]
    raise KamaeError(f"r must be a scalar, (N,) or (N, 3) with N={n}, got shape {a.shape}")


@dataclass(eq=False)
class _Workspace:
    """Scratch rows reused between calls for one batch size (no allocation in the loop)."""

    n: int
    t: FloatArray = field(init=False)
    s: FloatArray = field(init=False)
    k: FloatArray = field(init=False)
    y: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        self.t = np.empty((3, self.n))
        self.s = np.empty((3, self.n))
        self.k = np.empty((3, self.n))
        self.y = np.empty((3, self.n))


class AxisKalmanFilter:
    """Kalman filter of the 3-D CV model (DCWNA noise) as 3 decoupled 2-state filters per target.

    Prediction (Bar-Shalom 2001, 6.2.2), per axis with P = [[a, b], [b, c]]:
    a' = a + dt (2b + dt c) + q dt^3/3, b' = b + dt c + q dt^2/2, c' = c + q dt;
    optional known acceleration u: pos' = pos + dt vel + dt^2/2 u, vel' = vel + dt u.
    Update with a position measurement of variance r on that axis (5.2, scalar innovation):
    s = a + r, y = z - pos, pos += a y/s, vel += b y/s, a' = a r/s, b' = b r/s, c' = c - b^2/s.
    Identical to the dense filter with R diagonal in the state frame. Works in place on
    contiguous rows with preallocated scratch: every NumPy call is a plain same-shape loop
    (no broadcasting, which costs NumPy's slow iterator path).
    """

    def __init__(self, q: float | FloatArray) -> None:
        qa = np.asarray(q, dtype=np.float64)
        if qa.ndim > 1 or not (np.all(np.isfinite(qa)) and np.all(qa >= 0.0)):
            raise KamaeError(f"q must be a finite scalar or (N,) array >= 0 m^2/s^3, got {q!r}")
        self.q: float | FloatArray = float(qa) if qa.ndim == 0 else qa
        """Power spectral density of white-noise acceleration per axis, m^2/s^3."""
        self._work: _Workspace | None = None

    def _workspace(self, n: int) -> _Workspace:
        if self._work is None or self._work.n != n:
            self._work = _Workspace(n)
        return self._work

    def predict(
        self, tracks: AxisTracks, dt: float | FloatArray, accel: FloatArray | None = None
    ) -> None:
        """Advance all tracks by dt (s; scalar or (N,)) in place; ``accel`` (N, 3) known input."""
        x, p = tracks.x, tracks.p
        n = x.shape[2]
        q = self.q
        step: float | FloatArray
        q11: float | FloatArray
        q12: float | FloatArray
        q22: float | FloatArray
        if isinstance(dt, float | int) and isinstance(q, float):
            step = float(dt)  # scalar fast path: plain floats, no array temporaries
            q11, q12, q22 = q * step**3 / 3.0, q * step * step / 2.0, q * step
        else:
            step = np.asarray(dt, dtype=np.float64)
            if step.ndim and step.shape != (n,):
                raise KamaeError(f"dt must be a scalar or (N,) with N={n}, got {step.shape}")
            if np.ndim(q) and np.shape(q) != (n,):
                raise KamaeError(f"q has shape {np.shape(q)}, tracks N={n}")
            q11, q12, q22 = dcwna_noise(step, q)
        t = self._workspace(n).t
        mul, add = np.multiply, np.add
        p0, p1, p2 = p[0], p[1], p[2]
        mul(p2, step, out=t)  # dt c
        add(t, p1, out=t)  # b + dt c
        add(p1, t, out=p1)  # 2b + dt c
        mul(p1, step, out=p1)
        add(p0, p1, out=p0)  # a + dt (2b + dt c)
        add(t, q12, out=p1)
        add(p0, q11, out=p0)
        add(p2, q22, out=p2)
        mul(x[1], step, out=t)
        add(x[0], t, out=x[0])
        if accel is not None:
            a = np.asarray(accel, dtype=np.float64)
            if a.shape != (n, 3):
                raise KamaeError(f"accel must have shape (N, 3) with N={n}, got {a.shape}")
            mul(a.T, 0.5 * np.square(step), out=t)
            add(x[0], t, out=x[0])
            mul(a.T, step, out=t)
            add(x[1], t, out=x[1])

    def update(
        self,
        tracks: AxisTracks,
        z: FloatArray,
        r: float | FloatArray,
        mask: BoolArray | None = None,
    ) -> None:
        """Fold position measurements z (N, 3) of variance r in place.

        ``r`` (m^2): scalar, (N,) isotropic per target, or (N, 3) per axis, diagonal in the
        state frame. ``mask`` (N,): update only those tracks (the others keep their prior).
        """
        n = tracks.n
        z = np.asarray(z, dtype=np.float64)
        if z.shape != (n, 3):
            raise KamaeError(f"z must have shape (N, 3) with N={n}, got {z.shape}")
        if mask is not None:
            idx = np.flatnonzero(mask)
            sub = tracks.take(idx)
            ra = np.asarray(r, dtype=np.float64)
            self.update(sub, z[idx], ra if ra.ndim == 0 else ra[idx])
            tracks.put(idx, sub)
            return
        if isinstance(r, float | int):
            rr: float | FloatArray = float(r)
        else:
            ra = np.asarray(r, dtype=np.float64)
            if ra.ndim == 0:
                rr = float(ra)
            elif ra.shape == (n,):
                rr = ra
            elif ra.shape == (n, 3):
                rr = ra.T
            else:
                raise KamaeError(f"r must be a scalar, (N,) or (N, 3) with N={n}, got {ra.shape}")
        x, p = tracks.x, tracks.p
        w = self._workspace(n)
        s, k, y, t = w.s, w.k, w.y, w.t
        p0, p1, p2, x0, x1 = p[0], p[1], p[2], x[0], x[1]
        mul, add = np.multiply, np.add
        add(p0, rr, out=s)  # s = a + r
        np.subtract(z.T, x0, out=y)  # y = z - pos
        np.divide(p0, s, out=k)  # position gain a / s
        mul(k, y, out=t)
        add(x0, t, out=x0)
        mul(k, rr, out=p0)  # a' = a r / s
        np.divide(p1, s, out=k)  # velocity gain b / s
        mul(k, y, out=t)
        add(x1, t, out=x1)
        mul(k, p1, out=t)
        np.subtract(p2, t, out=p2)  # c' = c - b^2 / s
        mul(k, rr, out=p1)  # b' = b r / s
