"""Terminal manoeuvre paths: pull-up and dive onto the aim point, flown kinematically.

In the vertical plane of the track, height over ground distance x is the cubic
h(x) = h0 + s0·x + c2·x² + c3·x³ that leaves the start point with its current slope s0 and
meets the aim point at its height with the slope -tan(dive angle). From a descending start
whose slope is shallower than the chord the cubic first rises (the KN-23-like pull-up, glide
and dive seen in public tracks); from a level start it is a smooth dive. The speed varies
linearly with path length from v0 to v1, so time along the path is closed-form:
σ(t) = v0·(e^(kt) - 1)/k with k = (v1 - v0)/Σ. Path length includes the (1 + h/R) stretch of
horizontal distance at height. Aerodynamics (what load factor the pull-up needs, the drag that
slows it) are not modelled: speeds are inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamae.arrays import FloatArray, IntArray
from kamae.kinematics.track import Track

_TABLE = 1001


@dataclass(frozen=True)
class DivePath:
    """N terminal paths, each along track row `rows[i]` from downrange angle theta0."""

    rows: IntArray
    theta0: FloatArray
    radius: FloatArray
    """Surface radius used to turn ground distance into central angle, m."""
    x_total: FloatArray
    coef: FloatArray
    """(N, 4): h0, s0, c2, c3."""
    v0: FloatArray
    v1: FloatArray
    t_start: FloatArray
    duration: FloatArray
    sigma: FloatArray
    """(N, _TABLE) cumulative path length on a uniform x grid."""

    @property
    def t_end(self) -> FloatArray:
        return self.t_start + self.duration


def plan_dive(
    track: Track,
    rows: IntArray,
    theta0: FloatArray,
    x_total: FloatArray,
    h0: FloatArray,
    slope0: FloatArray,
    h_end: FloatArray,
    dive_angle: FloatArray,
    v0: FloatArray,
    v1: FloatArray,
    t_start: FloatArray,
) -> DivePath:
    """Fit the cubic height profile and tabulate path length (all arguments (N,))."""
    big_x = x_total
    s1 = -np.tan(dive_angle)
    # h(X) = h_end and h'(X) = s1 give c2 and c3.
    rhs1 = h_end - h0 - slope0 * big_x
    rhs2 = s1 - slope0
    c3 = (rhs2 * big_x - 2.0 * rhs1) / big_x**3
    c2 = (rhs1 - c3 * big_x**3) / big_x**2
    coef = np.stack([h0, slope0, c2, c3], axis=-1)
    radius, _ = track.surface_radius(rows, theta0)
    x = np.linspace(0.0, 1.0, _TABLE)[None, :] * big_x[:, None]
    h, dh = _height(coef, x)
    ds = np.sqrt((1.0 + h / radius[:, None]) ** 2 + dh * dh)
    sigma = np.concatenate(
        [
            np.zeros((x.shape[0], 1)),
            np.cumsum(0.5 * (ds[:, 1:] + ds[:, :-1]) * np.diff(x, axis=1), axis=1),
        ],
        axis=1,
    )
    total = sigma[:, -1]
    k = (v1 - v0) / total
    with np.errstate(divide="ignore", invalid="ignore"):
        duration = np.where(np.abs(k) * total > 1e-9 * v0, np.log(v1 / v0) / k, total / v0)
    return DivePath(rows, theta0, radius, big_x, coef, v0, v1, t_start, duration, sigma)


def _height(coef: FloatArray, x: FloatArray) -> tuple[FloatArray, FloatArray]:
    c = [coef[:, i][:, None] if x.ndim == 2 else coef[:, i] for i in range(4)]
    h = c[0] + x * (c[1] + x * (c[2] + x * c[3]))
    dh = c[1] + x * (2.0 * c[2] + 3.0 * x * c[3])
    return h, dh


def dive_state(
    path: DivePath, track: Track, idx: IntArray, t: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """ECEF position, velocity (S, 3) and height (S,) of path idx (S,) at times t (S,)."""
    tau = np.clip(t - path.t_start[idx], 0.0, path.duration[idx])
    total = path.sigma[idx, -1]
    v0, v1 = path.v0[idx], path.v1[idx]
    k = (v1 - v0) / total
    small = np.abs(k * tau) < 1e-12
    with np.errstate(divide="ignore", invalid="ignore"):
        sig = np.where(small, v0 * tau, v0 * np.expm1(k * tau) / np.where(small, 1.0, k))
    sig = np.clip(sig, 0.0, total)
    speed = v0 + (v1 - v0) * sig / total
    # Invert the path-length table: normalised σ per row, searched in one flat array.
    m = path.sigma.shape[1]
    norm = path.sigma[idx] / total[:, None]
    u = sig / total
    j = np.clip(np.sum(norm <= u[:, None], axis=1) - 1, 0, m - 2)
    lo = norm[np.arange(idx.shape[0]), j]
    hi = norm[np.arange(idx.shape[0]), j + 1]
    frac = np.where(hi > lo, (u - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0)
    x = (j + frac) / (m - 1) * path.x_total[idx]
    h, dh = _height(path.coef[idx], x)
    radius = path.radius[idx]
    x_dot = speed / np.sqrt((1.0 + h / radius) ** 2 + dh * dh)
    theta = path.theta0[idx] + x / radius
    pos, vel = track.state(path.rows[idx], theta, x_dot / radius, h, dh * x_dot)
    return pos, vel, h
