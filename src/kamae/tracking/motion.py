"""Motion models of tracked targets: constant velocity and ballistic coast, batched.

State of one target: position then velocity, ``[x, y, z, vx, vy, vz]`` (m, m/s), in ECEF or in a
sensor's local ENU frame. A batch is ``x`` of shape (..., 6) with covariances ``p`` (..., 6, 6);
the leading dimensions (targets, IMM modes) broadcast.

Process noise is the discretised continuous white-noise acceleration (DCWNA) model: on each
axis, independent white acceleration of power spectral density ``q`` (m^2/s^3) gives over an
interval dt the covariance ``q [[dt^3/3, dt^2/2], [dt^2/2, dt]]`` (Bar-Shalom, Li & Kirubarajan,
Estimation with Applications to Tracking and Navigation, Wiley 2001, section 6.2.2). This is
Stone Soup's ``ConstantVelocity`` model, one per axis.

The ballistic model is the same CV model with the acceleration of an unpowered body as a known
input: point-mass gravity, plus, when the frame is taken as rotating with the Earth, the
Coriolis and centrifugal terms. The input is evaluated once per interval at the predicted
midpoint position p + v dt/2 (second order in dt for gravity; the same choice as
``kamae.tracking.converted``). Neglected: J2 and higher harmonics (~0.1 % of g), drag (above
the sensible atmosphere), the O(dt^3) remainder of the input (about 0.3 mm per second-long
step for a 3 km/s body), and the gravity gradient and Coriolis terms in the covariance
propagation. ``kamae.kinematics`` currently treats the Earth-fixed frame as inertial, so the
Earth-rotation terms are off by default.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamae.arrays import BoolArray, FloatArray, f64
from kamae.errors import KamaeError
from kamae.tracking.kernels import cv_covariance

#: Earth's gravitational parameter GM, m^3/s^2 (WGS84, NIMA TR8350.2 2000, table 3.1).
GM_EARTH = 3.986004418e14
#: Earth's rotation rate, rad/s (WGS84, NIMA TR8350.2 2000, table 3.1).
OMEGA_EARTH = 7.292115e-5


def dcwna_noise(dt: float | FloatArray, q: float | FloatArray) -> tuple[FloatArray, ...]:
    """Per-axis DCWNA covariance terms (q dt^3/3, q dt^2/2, q dt) (Bar-Shalom 2001, 6.2.2).

    ``dt`` (s) and ``q`` (m^2/s^3) broadcast; returns three arrays of their broadcast shape.
    """
    dt = np.asarray(dt, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    return q * dt**3 / 3.0, q * dt**2 / 2.0, q * dt


def cv_matrices(dt: float, q: float) -> tuple[FloatArray, FloatArray]:
    """Transition F (6, 6) and DCWNA process noise Q (6, 6) of the 3-D CV model.

    State order [x, y, z, vx, vy, vz]; F = [[I, dt I], [0, I]] (Bar-Shalom 2001, 6.2.2).
    """
    eye = np.eye(3)
    f = np.eye(6)
    f[:3, 3:] = dt * eye
    q11, q12, q22 = dcwna_noise(dt, q)
    qm = np.block([[q11 * eye, q12 * eye], [q12 * eye, q22 * eye]])
    return f, qm


def cv_predict(
    x: FloatArray,
    p: FloatArray,
    dt: float | FloatArray,
    q: float | FloatArray,
    accel: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Kalman prediction x' = F x + G a, P' = F P F^T + Q of the CV model, batched.

    ``x`` (..., 6), ``p`` (..., 6, 6); ``dt`` and ``q`` scalars or arrays of the batch shape;
    ``accel`` (..., 3) an optional known acceleration over the interval (G = [dt^2/2 I; dt I]).
    F P F^T is formed blockwise (P = [[A, B], [B^T, C]]): A + dt (B + B^T) + dt^2 C,
    B + dt C, C; no 6x6 products. Returns new arrays.
    """
    x = np.asarray(x, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    d, q11, q12, q22 = _cv_terms(x.shape[:-1], dt, q)
    x_new = np.empty_like(x)
    x_new[..., :3] = x[..., :3] + d * x[..., 3:]
    x_new[..., 3:] = x[..., 3:]
    if accel is not None:
        a = np.asarray(accel, dtype=np.float64)
        x_new[..., :3] += 0.5 * d * d * a
        x_new[..., 3:] += d * a
    if p.ndim == 3:  # a batch of slots: compiled, the same operations (`kernels.cv_covariance`)
        p_new = cv_covariance(f64(p), f64(d[:, 0]), *(f64(v.reshape(-1)) for v in (q11, q12, q22)))
        return x_new, p_new
    d3 = d[..., None]
    eye = np.eye(3)
    a_blk, b_blk, c_blk = p[..., :3, :3], p[..., :3, 3:], p[..., 3:, 3:]
    b_new = b_blk + d3 * c_blk + q12 * eye
    p_new = np.empty_like(p)
    p_new[..., :3, :3] = (
        a_blk + d3 * (b_blk + np.swapaxes(b_blk, -1, -2)) + d3 * d3 * c_blk + q11 * eye
    )
    p_new[..., :3, 3:] = b_new
    p_new[..., 3:, :3] = np.swapaxes(b_new, -1, -2)
    p_new[..., 3:, 3:] = c_blk + q22 * eye
    return x_new, p_new


def _cv_terms(
    batch: tuple[int, ...], dt: float | FloatArray, q: float | FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """dt (..., 1) and the DCWNA terms q11, q12, q22 (..., 1, 1) of a batch, as `cv_predict`
    forms them."""
    d = np.broadcast_to(np.asarray(dt, dtype=np.float64), batch)[..., None]
    qb = np.broadcast_to(np.asarray(q, dtype=np.float64), batch)[..., None, None]
    q11, q12, q22 = dcwna_noise(d[..., None], qb)
    return d, q11, q12, q22


def cv_predicted_variances(
    p: FloatArray, dt: float | FloatArray, q: float | FloatArray
) -> tuple[FloatArray, FloatArray]:
    """The position and velocity variances (..., 3) of `cv_predict`'s covariance alone (the
    diagonals of its position and velocity blocks, the same floats), for covariances
    (..., 6, 6): what a track's predicted sigmas need, without the rest of F P F^T + Q."""
    p = np.asarray(p, dtype=np.float64)
    d, q11, _, q22 = _cv_terms(p.shape[:-2], dt, q)
    diag = np.diagonal(p, axis1=-2, axis2=-1)
    a, b, c = diag[..., :3], p[..., [0, 1, 2], [3, 4, 5]], diag[..., 3:]
    return a + d * (b + b) + d * d * c + q11[..., 0], c + q22[..., 0]


def central_gravity(position: FloatArray) -> FloatArray:
    """Point-mass gravity -GM r / |r|^3 (m/s^2) at ECEF positions (..., 3) (Newton)."""
    r = np.asarray(position, dtype=np.float64)
    n = np.sqrt(np.einsum("...i,...i->...", r, r))
    return -GM_EARTH * r / (n * n * n)[..., None]


def ballistic_acceleration_ecef(
    position: FloatArray, velocity: FloatArray, earth_rotation: bool = False
) -> FloatArray:
    """Acceleration of an unpowered body in the Earth-fixed frame (m/s^2), shape (..., 3).

    a = -GM r/|r|^3 - 2 w x v - w x (w x r), w = (0, 0, OMEGA_EARTH) (Vallado, Fundamentals
    of Astrodynamics and Applications, 4th ed. 2013, section 3.7); with ``earth_rotation``
    False only the point-mass term (frame treated as inertial). Neglects J2 and drag.
    """
    r = np.asarray(position, dtype=np.float64)
    a = central_gravity(r)
    if earth_rotation:
        v = np.asarray(velocity, dtype=np.float64)
        w = OMEGA_EARTH
        a[..., 0] += 2.0 * w * v[..., 1] + w * w * r[..., 0]
        a[..., 1] += -2.0 * w * v[..., 0] + w * w * r[..., 1]
    return a


def ballistic_input(
    position: FloatArray,
    velocity: FloatArray,
    dt: float | FloatArray,
    earth_rotation: bool = False,
) -> FloatArray:
    """Known-input acceleration (..., 3) for a ballistic step of dt seconds: the acceleration
    at the predicted midpoint position p + v dt/2 (second-order known input). Pass it as
    ``accel`` to ``cv_predict``."""
    p = np.asarray(position, dtype=np.float64)
    v = np.asarray(velocity, dtype=np.float64)
    d = np.asarray(dt, dtype=np.float64)
    d = d[..., None] if d.ndim else d
    return ballistic_acceleration_ecef(p + 0.5 * d * v, v, earth_rotation)


def coast_or_level_predict(
    x: FloatArray, p: FloatArray, dt: float | FloatArray, q: float, level: BoolArray
) -> tuple[FloatArray, FloatArray]:
    """Prediction of a batch (M, 6) of which the rows marked ``level`` (M,) are held up by lift
    (the CV model: no gravity input) and the others coast (`BallisticCoast`'s gravity input at
    the predicted midpoint), with DCWNA noise q. The one prediction of every track bank."""
    if not np.any(level):
        return BallisticCoast(q=q).predict(x, p, dt)
    accel = ballistic_input(x[:, :3], x[:, 3:], dt)
    accel[level] = 0.0
    return cv_predict(x, p, dt, q, accel=accel)


def coast_or_level_mean(x: FloatArray, dt: FloatArray, level: BoolArray) -> FloatArray:
    """The mean of `coast_or_level_predict` alone, for states x (..., M, 6) over intervals dt
    (M,) (negative: back in time; the midpoint input makes the step time-reversible)."""
    d = np.asarray(dt, dtype=np.float64)
    accel = ballistic_input(x[..., :3], x[..., 3:], d)
    accel[..., level, :] = 0.0
    out = np.empty_like(x)
    out[..., :3] = x[..., :3] + d[:, None] * x[..., 3:] + 0.5 * (d * d)[:, None] * accel
    out[..., 3:] = x[..., 3:] + d[:, None] * accel
    return out


@dataclass(frozen=True)
class ConstantVelocity:
    """Nearly constant velocity: DCWNA of spectral density q per axis (Bar-Shalom 2001, 6.2.2)."""

    q: float
    """Power spectral density of the white-noise acceleration on each axis, m^2/s^3."""

    def __post_init__(self) -> None:
        if not (np.isfinite(self.q) and self.q >= 0.0):
            raise KamaeError(f"ConstantVelocity.q must be finite and >= 0 m^2/s^3, got {self.q!r}")

    def predict(
        self, x: FloatArray, p: FloatArray, dt: float | FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Predicted mean (..., 6) and covariance (..., 6, 6) after dt seconds."""
        return cv_predict(x, p, dt, self.q)


@dataclass(frozen=True)
class BallisticCoast:
    """CV with ballistic acceleration (``ballistic_input``) as a known input at the midpoint.

    Bar-Shalom 2001, 6.2.2 with a known input term; see the module docstring for what is
    neglected. State must be Earth-centred (ECEF, or an inertial frame with
    ``earth_rotation`` False).
    """

    q: float
    """Power spectral density of the unmodelled acceleration on each axis, m^2/s^3."""
    earth_rotation: bool = False
    """Include Coriolis and centrifugal terms (True for a truly rotating ECEF frame)."""

    def __post_init__(self) -> None:
        if not (np.isfinite(self.q) and self.q >= 0.0):
            raise KamaeError(f"BallisticCoast.q must be finite and >= 0 m^2/s^3, got {self.q!r}")

    def predict(
        self, x: FloatArray, p: FloatArray, dt: float | FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Predicted mean (..., 6) and covariance (..., 6, 6) after dt seconds."""
        a = ballistic_input(x[..., :3], x[..., 3:], dt, self.earth_rotation)
        return cv_predict(x, p, dt, self.q, accel=a)
