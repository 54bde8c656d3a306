"""Closed-form two-body (Kepler) flight of a point mass under central inverse-square gravity.

Elliptic orbits only (negative specific energy: every suborbital missile). The state is
propagated through the eccentric anomaly: Kepler's equation M = E - e·sin E solved by Newton's
method, then position and velocity in the perifocal frame (Bate, Mueller & White,
Fundamentals of Astrodynamics, 1971, ch. 2 and 4; Vallado, Fundamentals of Astrodynamics and
Applications, 4th ed., algorithm 2).

Neglected: Earth rotation (the frame is treated as inertial), oblateness (J2), drag, and the
atmosphere. Vectorised over a batch of N orbits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray, cross3

MU_EARTH = 3.986004418e14
"""Earth's gravitational parameter GM, m^3/s^2 (WGS84 / IERS 2010)."""


@dataclass(frozen=True)
class Orbit:
    """A batch of N elliptic orbits in perifocal form (all arrays shaped (N,) or (N, 3))."""

    a: FloatArray
    """Semi-major axis, m."""
    e: FloatArray
    """Eccentricity."""
    p_hat: FloatArray
    """Unit vector towards periapsis (N, 3)."""
    q_hat: FloatArray
    """Unit vector 90° ahead of periapsis in the orbit plane (N, 3)."""
    n: FloatArray
    """Mean motion, rad/s."""
    mu: float = MU_EARTH

    @property
    def p(self) -> FloatArray:
        """Semi-latus rectum, m."""
        return self.a * (1.0 - self.e**2)


def orbit_from_state(r: npt.ArrayLike, v: npt.ArrayLike, mu: float = MU_EARTH) -> Orbit:
    """Orbit elements of states r, v (N, 3); raises ValueError for unbound or degenerate ones."""
    r = np.atleast_2d(np.asarray(r, dtype=float))
    v = np.atleast_2d(np.asarray(v, dtype=float))
    rn = np.linalg.norm(r, axis=-1)
    v2 = np.sum(v * v, axis=-1)
    energy = 0.5 * v2 - mu / rn
    if np.any(energy >= 0):
        raise ValueError("state is not on an elliptic orbit (speed at or above escape speed)")
    a = -mu / (2.0 * energy)
    h = cross3(r, v)
    hn = np.linalg.norm(h, axis=-1)
    if np.any(hn <= 1e-9 * rn * np.sqrt(v2 + 1e-300)):
        raise ValueError("state is on a radial (degenerate) trajectory")
    e_vec = cross3(v, h) / mu - r / rn[:, None]
    e = np.linalg.norm(e_vec, axis=-1)
    # Periapsis direction; for a circle fall back to the position direction.
    p_hat = np.where(e[:, None] > 1e-12, e_vec / np.maximum(e, 1e-300)[:, None], r / rn[:, None])
    w_hat = h / hn[:, None]
    q_hat = cross3(w_hat, p_hat)
    n = np.sqrt(mu / a**3)
    return Orbit(a=a, e=e, p_hat=p_hat, q_hat=q_hat, n=n, mu=mu)


def true_anomaly(orbit: Orbit, r: npt.ArrayLike) -> FloatArray:
    """True anomaly (rad, in [0, 2π)) of positions r (N, 3) lying on the orbits."""
    r = np.atleast_2d(np.asarray(r, dtype=float))
    x = np.sum(r * orbit.p_hat, axis=-1)
    y = np.sum(r * orbit.q_hat, axis=-1)
    return np.mod(np.arctan2(y, x), 2.0 * np.pi)


def eccentric_from_true(nu: npt.ArrayLike, e: npt.ArrayLike) -> FloatArray:
    """Eccentric anomaly (rad, same revolution as nu) from the true anomaly."""
    nu = np.asarray(nu, dtype=float)
    e = np.asarray(e, dtype=float)
    big_e = np.arctan2(np.sqrt(1.0 - e * e) * np.sin(nu), e + np.cos(nu))
    return np.mod(big_e, 2.0 * np.pi)


def mean_from_eccentric(big_e: npt.ArrayLike, e: npt.ArrayLike) -> FloatArray:
    """Kepler's equation M = E - e·sin E."""
    big_e = np.asarray(big_e, dtype=float)
    return big_e - np.asarray(e, dtype=float) * np.sin(big_e)


def mean_anomaly(nu: npt.ArrayLike, e: npt.ArrayLike) -> FloatArray:
    """Mean anomaly (rad) at true anomaly nu, through the eccentric anomaly."""
    return mean_from_eccentric(eccentric_from_true(nu, e), e)


def flight_time(
    mean_motion: npt.ArrayLike, e: npt.ArrayLike, nu_from: npt.ArrayLike, nu_to: npt.ArrayLike
) -> FloatArray:
    """Time (s) to fly forward from true anomaly nu_from to nu_to (Kepler's equation): the
    difference of mean anomalies, taken in [0, 2π), over the mean motion."""
    m_from = mean_anomaly(nu_from, e)
    m_to = mean_anomaly(nu_to, e)
    return np.mod(m_to - m_from, 2.0 * np.pi) / np.asarray(mean_motion, dtype=float)


def solve_kepler(
    mean_anomaly: npt.ArrayLike, e: npt.ArrayLike, iterations: int = 50, *, by_row: bool = False
) -> FloatArray:
    """Eccentric anomaly E from M = E - e·sin E by Newton's method, to ~1e-14 rad.

    Starts from Danby's (1987) guess E0 = M + 0.85·e·sign(sin M), which keeps Newton's method
    in its basin for every e < 1; stops once every step is below 1e-14 rad. ``by_row`` (M of
    shape (S, T)): each row stops once its own steps are, so that every row gets the floats
    of its own solve (one state's time grid, `coast_trajectory(..., separately=True)`).
    """
    m = np.asarray(mean_anomaly, dtype=float)
    e = np.broadcast_to(np.asarray(e, dtype=float), m.shape)
    m_wrapped = np.mod(m, 2.0 * np.pi)
    turns = m - m_wrapped
    big_e = m_wrapped + 0.85 * e * np.sign(np.sin(m_wrapped))
    if by_row and m.ndim == 2:
        active = np.arange(m.shape[0])
        for _ in range(iterations):
            be, ee, mw = big_e[active], e[active], m_wrapped[active]
            step = (be - ee * np.sin(be) - mw) / (1.0 - ee * np.cos(be))
            big_e[active] = be - step
            active = active[~np.all(np.abs(step) < 1e-14, axis=1)]
            if active.size == 0:
                break
        return big_e + turns
    for _ in range(iterations):
        f = big_e - e * np.sin(big_e) - m_wrapped
        step = f / (1.0 - e * np.cos(big_e))
        big_e = big_e - step
        if np.all(np.abs(step) < 1e-14):
            break
    return big_e + turns


def state_at_eccentric(orbit: Orbit, big_e: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Position and velocity (..., 3) at eccentric anomalies E shaped (N,) or (N, T)."""
    big_e = np.asarray(big_e, dtype=float)
    extra = big_e.ndim - 1
    shape = (-1,) + (1,) * extra

    def col(x: FloatArray) -> FloatArray:
        return x.reshape(shape)

    a, e = col(orbit.a), col(orbit.e)
    b = a * np.sqrt(1.0 - e * e)
    ce, se = np.cos(big_e), np.sin(big_e)
    x = a * (ce - e)
    y = b * se
    rn = a * (1.0 - e * ce)
    k = np.sqrt(orbit.mu * a) / rn
    vx = -k * se
    vy = k * np.sqrt(1.0 - e * e) * ce
    p_hat = orbit.p_hat.reshape((-1,) + (1,) * extra + (3,))
    q_hat = orbit.q_hat.reshape((-1,) + (1,) * extra + (3,))
    pos = x[..., None] * p_hat + y[..., None] * q_hat
    vel = vx[..., None] * p_hat + vy[..., None] * q_hat
    return pos, vel


def descending_true_anomaly_at_radius(orbit: Orbit, radius: npt.ArrayLike) -> FloatArray:
    """True anomaly in (π, 2π] where the orbit comes down through the given radius.

    From the conic equation r = p / (1 + e·cos ν); NaN where the orbit never reaches that
    radius (apoapsis below it or periapsis above it).
    """
    radius = np.asarray(radius, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        cos_nu = (orbit.p / radius - 1.0) / orbit.e
    valid = np.abs(cos_nu) <= 1.0
    nu = 2.0 * np.pi - np.arccos(np.clip(cos_nu, -1.0, 1.0))
    return np.where(valid, nu, np.nan)
