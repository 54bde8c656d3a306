"""Extended Kalman update for radar range, azimuth and elevation measurements, batched.

A radar at ``sensor`` (ECEF, m) measures, in its local East-North-Up frame, the range
rho = |e|, the azimuth az = atan2(E, N) (clockwise from north, rad) and the elevation
el = atan2(U, sqrt(E^2 + N^2)) (rad) of e = C (r - sensor), where C (3, 3) rotates ECEF into
the sensor's ENU frame and r is the target's ECEF position. Noise is additive Gaussian with
covariance R in (range, azimuth, elevation). The filter linearises h at the predicted state
with the analytic Jacobian (first-order EKF, Bar-Shalom, Li & Kirubarajan, Estimation with
Applications to Tracking and Navigation, Wiley 2001, section 10.3) and wraps the azimuth
innovation to [-pi, pi).

Neglected: second-order (bias) terms of the EKF (relevant when rho * sigma_angle^2 is not
small against sigma_range), refraction, range rate, and the sensor's own position error.
Near the zenith (horizontal range -> 0) the azimuth is singular; such rows give a
non-positive-definite innovation covariance and are returned as NaN (diverged).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IndexArray
from kamae.errors import KamaeError
from kamae.tracking.kalman import GaussianUpdate, gaussian_update


def enu_rotation(lat: float | FloatArray, lon: float | FloatArray) -> FloatArray:
    """Rotation C (..., 3, 3) from ECEF to East-North-Up at geodetic latitude, longitude (rad).

    Rows are the E, N, U unit vectors in ECEF (Bowring; e.g. Farrell, Aided Navigation, 2008,
    section 2.6.3).
    """
    lat = np.asarray(lat, dtype=np.float64)
    lon = np.asarray(lon, dtype=np.float64)
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    zero = np.zeros_like(sl * so)
    return np.stack(
        [
            np.stack([-so + zero, co + zero, zero], axis=-1),
            np.stack([-sl * co, -sl * so, cl + zero], axis=-1),
            np.stack([cl * co, cl * so, sl + zero], axis=-1),
        ],
        axis=-2,
    )


def wrap_angle(a: FloatArray) -> FloatArray:
    """Angle(s) wrapped to [-pi, pi)."""
    return (np.asarray(a) + np.pi) % (2.0 * np.pi) - np.pi


def rae_from_enu(enu: FloatArray) -> FloatArray:
    """(range, azimuth, elevation) (..., 3) of ENU vectors (..., 3); azimuth from north, cw."""
    e, n, u = enu[..., 0], enu[..., 1], enu[..., 2]
    horiz = np.hypot(e, n)
    return np.stack([np.sqrt(horiz * horiz + u * u), np.arctan2(e, n), np.arctan2(u, horiz)], -1)


def enu_from_rae(rae: FloatArray) -> FloatArray:
    """ENU vectors (..., 3) of (range, azimuth, elevation) (..., 3)."""
    rho, az, el = rae[..., 0], rae[..., 1], rae[..., 2]
    h = rho * np.cos(el)
    return np.stack([h * np.sin(az), h * np.cos(az), rho * np.sin(el)], axis=-1)


def rae_jacobian_enu(enu: FloatArray) -> FloatArray:
    """d(range, azimuth, elevation) / d(E, N, U), shape (..., 3, 3) (analytic)."""
    e, n, u = enu[..., 0], enu[..., 1], enu[..., 2]
    h2 = e * e + n * n
    h = np.sqrt(h2)
    r2 = h2 + u * u
    rho = np.sqrt(r2)
    j = np.empty(enu.shape[:-1] + (3, 3))
    j[..., 0, 0], j[..., 0, 1], j[..., 0, 2] = e / rho, n / rho, u / rho
    j[..., 1, 0], j[..., 1, 1], j[..., 1, 2] = n / h2, -e / h2, 0.0
    j[..., 2, 0], j[..., 2, 1], j[..., 2, 2] = -e * u / (r2 * h), -n * u / (r2 * h), h / r2
    return j


def rae_linearisation(
    x: FloatArray, sensor: FloatArray, rotation: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """h(x) = (range, azimuth, elevation) (..., 3) from the sensor and its analytic Jacobian
    dh/dx (..., 3, 6) at the states x (..., 6) (ECEF; velocity columns are zero)."""
    x = np.asarray(x, dtype=np.float64)
    c = np.asarray(rotation, dtype=np.float64)
    if c.shape[-2:] != (3, 3):
        raise KamaeError(f"rotation must have shape (3, 3) or (..., 3, 3), got {c.shape}")
    rel = x[..., :3] - np.asarray(sensor, dtype=np.float64)
    enu = (c @ rel[..., None])[..., 0]
    jac = np.zeros(x.shape[:-1] + (3, x.shape[-1]))
    jac[..., :3] = rae_jacobian_enu(enu) @ c
    return rae_from_enu(enu), jac


def rae_prediction(
    x: FloatArray, p: FloatArray, r: FloatArray, sensor: FloatArray, rotation: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Predicted measurements (..., 3) and innovation covariances H P H^T + R (..., 3, 3).

    For chi-square gating before association (azimuth is component 1: wrap it).
    """
    zhat, jac = rae_linearisation(x, sensor, rotation)
    s = jac @ np.asarray(p, dtype=np.float64) @ np.swapaxes(jac, -1, -2) + np.asarray(r)
    return zhat, 0.5 * (s + np.swapaxes(s, -1, -2))


def ekf_rae_update(
    x: FloatArray,
    p: FloatArray,
    z: FloatArray,
    r: FloatArray,
    sensor: FloatArray,
    rotation: FloatArray,
) -> GaussianUpdate:
    """EKF update with radar (range m, azimuth rad, elevation rad) measurements z (..., 3).

    ``x`` (..., 6) ECEF [position, velocity]; ``p`` (..., 6, 6); ``r`` (3, 3) or (..., 3, 3);
    ``sensor`` (3,) or (..., 3) ECEF position; ``rotation`` (3, 3) or (..., 3, 3) ECEF->ENU
    (``enu_rotation``). First-order EKF (Bar-Shalom 2001, 10.3), azimuth innovation wrapped.
    """
    zhat, jac = rae_linearisation(x, sensor, rotation)
    y = np.asarray(z, dtype=np.float64) - zhat
    y[..., 1] = wrap_angle(y[..., 1])
    return gaussian_update(x, p, y, jac, r)


@dataclass(frozen=True)
class PolarMeasurements:
    """Plots in their sensor's measurement space, row-aligned with the plots they describe:
    what an EKF needs (a row of NaN: the plot has no polar measurement, e.g. a space track,
    a fused plot or a shared track, and is used in Cartesian form)."""

    rae: FloatArray
    """(M, 3) measured range (m), azimuth (rad, clockwise from north) and elevation (rad)."""
    sigma: FloatArray
    """(M, 3) their 1-sigma errors (range m, azimuth rad, elevation rad)."""
    site: FloatArray
    """(M, 3) ECEF position of the sensor, m."""
    rotation: FloatArray
    """(M, 3, 3) ECEF -> ENU rotation at the sensor (`enu_rotation`)."""

    @classmethod
    def none(cls, count: int) -> PolarMeasurements:
        """``count`` rows without a polar measurement."""
        nan3 = np.full((count, 3), np.nan)
        return cls(nan3, nan3.copy(), nan3.copy(), np.full((count, 3, 3), np.nan))

    @property
    def valid(self) -> BoolArray:
        """(M,) rows that hold a polar measurement."""
        return np.asarray(np.isfinite(self.rae).all(axis=1), dtype=bool)

    @property
    def noise(self) -> FloatArray:
        """(M, 3, 3) measurement covariance diag(sigma^2) (independent errors)."""
        return np.einsum("mi,ij->mij", self.sigma**2, np.eye(3))

    def take(self, index: IndexArray | BoolArray | slice) -> PolarMeasurements:
        """The selected rows."""
        return PolarMeasurements(
            self.rae[index], self.sigma[index], self.site[index], self.rotation[index]
        )

    @classmethod
    def concatenate(cls, parts: Sequence[PolarMeasurements]) -> PolarMeasurements:
        """The rows of all parts, in order."""
        return cls(
            np.concatenate([p.rae for p in parts]),
            np.concatenate([p.sigma for p in parts]),
            np.concatenate([p.site for p in parts]),
            np.concatenate([p.rotation for p in parts]),
        )
