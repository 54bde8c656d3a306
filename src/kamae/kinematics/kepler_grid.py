"""Drag-free (Kepler) flight of a batch of missiles sampled on the engine's time grid.

The state is exact two-body motion: Kepler's equation M = E - e·sin E is solved by Newton's
method at node times every 30 s, closer for batches faster than 5 km/s (Bate, Mueller &
White 1971, ch. 4), and between nodes each
Cartesian component of position and velocity, and the ellipsoid height, is the quintic Hermite
polynomial matching the exact value and first two time derivatives at both nodes (position:
velocity and acceleration -mu·r/r³; velocity: acceleration and jerk; height: ḣ = v·û and
ḧ = a·û + v_n²/(M+h) + v_e²/(N+h)). Over a node gap h the interpolation error is of order
h⁶·|x⁽⁶⁾|/46080: below about 1e-4 m and 1e-6 m/s for suborbital trajectories (the highest
frequency in the motion is dE/dt < 2e-3 rad/s), verified against per-sample Newton solutions in
tests/kinematics/test_kepler_grid.py. Trigonometric calls (about 20 ns each on CPUs without
AVX-512) then happen only at nodes; the samples cost a few multiply-adds each.

This fast path needs a uniform grid; any other grid is solved sample by sample (same physics).
Earth rotation: with `rotating` the orbit is inertial (ECEF frozen at t = 0) and node states
are turned into ECEF with their Coriolis and centripetal terms before interpolation.
Neglected: J2, drag, third bodies.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.geo import WGS84_A, WGS84_E2
from kamae.kinematics.frames import OMEGA_EARTH, _bowring
from kamae.kinematics.kepler import Orbit, solve_kepler, state_at_eccentric

NODE_SPACING_S = 30.0
"""Largest gap between exact Kepler solutions on the fast path, s."""
NODE_SPEED_REF = 5000.0
"""Speed (m/s) up to which NODE_SPACING_S holds; faster batches get proportionally closer
nodes (the interpolation error grows about as the sixth power of speed × gap)."""
_LOWEST_RADIUS = 6.35e6
"""A radius below any point of the flight (m), for the batch's highest speed by vis-viva."""
_BLOCK_ROWS = 2048
"""Interpolation intervals per matrix product on the fast path (keeps BLAS on one thread)."""


def sample_kepler(
    orbit: Orbit,
    mean_anomaly_ref: npt.ArrayLike,
    t_ref: npt.ArrayLike,
    times: npt.ArrayLike,
    k_lo: IntArray,
    k_hi: IntArray,
    *,
    rotating: bool = False,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """ECEF position, velocity (N, T, 3) and ellipsoid height (N, T) of N Kepler orbits.

    mean_anomaly_ref: mean anomaly at t_ref (N,); samples with index outside [k_lo, k_hi]
    (per missile) are NaN. With `rotating`, orbits are inertial (ECEF frozen at t = 0).
    """
    grid = np.asarray(times, dtype=float)
    m_ref = np.asarray(mean_anomaly_ref, dtype=float)
    t0 = np.asarray(t_ref, dtype=float)
    n_miss, n_t = orbit.a.shape[0], grid.shape[0]
    dt = np.diff(grid)
    uniform = n_t >= 2 and bool(np.all(np.abs(dt - dt[0]) <= 1e-9 * max(1.0, abs(dt[0]))))
    v_max = (
        float(np.sqrt(orbit.mu * np.max(2.0 / _LOWEST_RADIUS - 1.0 / orbit.a))) if n_miss else 0.0
    )
    spacing = NODE_SPACING_S * min(1.0, NODE_SPEED_REF / max(v_max, 1.0))
    k = int(spacing // dt[0]) if uniform and dt[0] > 0 else 0
    if k < 2 or n_miss == 0:
        return _sample_exact(orbit, m_ref, t0, grid, k_lo, k_hi, rotating)
    return _sample_hermite(orbit, m_ref, t0, grid, float(dt[0]), k, k_lo, k_hi, rotating)


def window_indices(
    times: FloatArray, t_lo: FloatArray, t_hi: FloatArray
) -> tuple[IntArray, IntArray]:
    """First sample index at or after t_lo and last at or before t_hi, per missile."""
    k_lo = np.searchsorted(times, t_lo, side="left").astype(np.int64)
    k_hi = (np.searchsorted(times, t_hi, side="right") - 1).astype(np.int64)
    return k_lo, k_hi


def window_mask(n_t: int, k_lo: IntArray, k_hi: IntArray) -> BoolArray:
    """(N, T) True where the sample index lies in [k_lo, k_hi]."""
    return columns_at_or_after(n_t, k_lo) & ~columns_at_or_after(n_t, k_hi + 1)


def columns_at_or_after(n_t: int, k: IntArray) -> BoolArray:
    """(N, T) True where the sample index is >= k (narrow integers: fewer bytes to compare)."""
    dtype = np.int16 if n_t < 2**15 - 1 else np.int64
    cols = np.arange(n_t, dtype=dtype)
    limit: Any = np.clip(k, -1, n_t).astype(dtype)
    out: BoolArray = cols[None, :] >= limit[:, None]
    return out


def _sample_exact(
    orbit: Orbit,
    m_ref: FloatArray,
    t0: FloatArray,
    grid: FloatArray,
    k_lo: IntArray,
    k_hi: IntArray,
    rotating: bool,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    mean = m_ref[:, None] + orbit.n[:, None] * (grid[None, :] - t0[:, None])
    big_e = solve_kepler(mean, orbit.e[:, None])
    pos, vel = state_at_eccentric(orbit, big_e)
    if rotating:
        pos, vel = _to_ecef_last(pos, vel, grid[None, :])
    alt, _, _ = _bowring(pos[..., 0], pos[..., 1], pos[..., 2])
    outside = ~window_mask(grid.shape[0], k_lo, k_hi)
    pos[outside] = np.nan
    vel[outside] = np.nan
    alt[outside] = np.nan
    return pos, vel, alt


def _to_ecef_last(pos: FloatArray, vel: FloatArray, t: FloatArray) -> tuple[FloatArray, FloatArray]:
    th = OMEGA_EARTH * t
    c, s = np.cos(th), np.sin(th)
    vx = vel[..., 0] + OMEGA_EARTH * pos[..., 1]
    vy = vel[..., 1] - OMEGA_EARTH * pos[..., 0]
    pe = np.stack(
        [c * pos[..., 0] + s * pos[..., 1], -s * pos[..., 0] + c * pos[..., 1], pos[..., 2]], -1
    )
    ve = np.stack([c * vx + s * vy, -s * vx + c * vy, vel[..., 2]], -1)
    return pe, ve


def _node_anomalies(
    orbit: Orbit, m_ref: FloatArray, t0: FloatArray, tnode: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """cos E and sin E (J1, N) at node times: Newton, each node started from the previous one."""
    e, n = orbit.e, orbit.n
    mean = m_ref[None, :] + n[None, :] * (tnode[:, None] - t0[None, :])
    cos_e = np.empty_like(mean)
    sin_e = np.empty_like(mean)
    big_e = solve_kepler(mean[0], e)
    s_j, c_j = np.sin(big_e), np.cos(big_e)
    cos_e[0], sin_e[0] = c_j, s_j
    for j in range(1, tnode.shape[0]):
        h = tnode[j] - tnode[j - 1]
        rho = 1.0 - e * c_j
        e_dot = n / rho
        guess = big_e + h * e_dot - 0.5 * h * h * e * s_j * e_dot * e_dot / rho
        step = np.zeros_like(guess)
        for _ in range(2):
            s_g, c_g = np.sin(guess), np.cos(guess)
            step = (guess - e * s_g - mean[j]) / (1.0 - e * c_g)
            guess = guess - step
        # sin and cos after the last step, to second order in the (tiny) step.
        s_j = s_g - step * c_g - 0.5 * step * step * s_g
        c_j = c_g + step * s_g - 0.5 * step * step * c_g
        bad = ~(np.abs(step) < 1e-9)
        if np.any(bad):
            redo = solve_kepler(mean[j, bad], e[bad])
            guess[bad] = redo
            s_j[bad], c_j[bad] = np.sin(redo), np.cos(redo)
        big_e = guess
        cos_e[j], sin_e[j] = c_j, s_j
    return cos_e, sin_e


def _node_series(
    orbit: Orbit, cos_e: FloatArray, sin_e: FloatArray, tnode: FloatArray, rotating: bool
) -> list[tuple[FloatArray, FloatArray, FloatArray]]:
    """Value, first and second time derivative (each (J1, N)) at the nodes of x, y, z (ECEF
    position), vx, vy, vz and the ellipsoid height."""
    a, e, mu = orbit.a, orbit.e, orbit.mu
    sq = np.sqrt(1.0 - e * e)
    big_x = a * (cos_e - e)
    big_y = (a * sq) * sin_e
    rho = 1.0 - e * cos_e
    kv = np.sqrt(mu / a) / rho
    vx_p = -kv * sin_e
    vy_p = (kv * sq) * cos_e
    p_hat, q_hat = orbit.p_hat, orbit.q_hat
    r = [big_x * p_hat[:, i] + big_y * q_hat[:, i] for i in range(3)]
    v = [vx_p * p_hat[:, i] + vy_p * q_hat[:, i] for i in range(3)]
    rn = a * rho
    f1 = -mu / (rn * rn * rn)
    f2 = (-3.0 / (rn * rn)) * f1 * (r[0] * v[0] + r[1] * v[1] + r[2] * v[2])
    acc = [f1 * r[i] for i in range(3)]
    jerk = [f1 * v[i] + f2 * r[i] for i in range(3)]
    if rotating:
        r, v, acc, jerk = _rotate_derivatives(r, v, acc, jerk, tnode)
    h, sl, cl = _bowring(r[0], r[1], r[2])
    p = np.sqrt(r[0] * r[0] + r[1] * r[1])
    inv_p = 1.0 / np.where(p > 0.0, p, 1.0)
    co, so = r[0] * inv_p, r[1] * inv_p
    v_east = v[1] * co - v[0] * so
    v_horiz = v[0] * co + v[1] * so
    v_north = cl * v[2] - sl * v_horiz
    w2 = 1.0 - WGS84_E2 * sl * sl
    w = np.sqrt(w2)
    rm = WGS84_A * (1.0 - WGS84_E2) / (w2 * w)
    rn_pv = WGS84_A / w
    h_dd = (
        cl * (acc[0] * co + acc[1] * so)
        + sl * acc[2]
        + v_north * v_north / (rm + h)
        + v_east * v_east / (rn_pv + h)
    )
    series = [(r[i], v[i], acc[i]) for i in range(3)]
    series += [(v[i], acc[i], jerk[i]) for i in range(3)]
    series.append((h, cl * v_horiz + sl * v[2], h_dd))
    return series


def _rotate_derivatives(
    r: list[FloatArray],
    v: list[FloatArray],
    a: list[FloatArray],
    j: list[FloatArray],
    tnode: FloatArray,
) -> tuple[list[FloatArray], list[FloatArray], list[FloatArray], list[FloatArray]]:
    """ECEF value and derivatives from inertial ones: r_e = R r, v_e = R v - ω×r_e, ..."""
    w = OMEGA_EARTH
    th = w * tnode[:, None]
    c, s = np.cos(th), np.sin(th)

    def rot(x: list[FloatArray]) -> list[FloatArray]:
        return [c * x[0] + s * x[1], -s * x[0] + c * x[1], x[2]]

    def cross(x: list[FloatArray]) -> list[FloatArray]:  # ω × x
        return [-w * x[1], w * x[0], np.zeros_like(x[2])]

    re = rot(r)
    ra = rot(a)
    wr = cross(re)
    ve = [rv_ - wr_ for rv_, wr_ in zip(rot(v), wr, strict=True)]
    wv = cross(ve)
    wwr = cross(wr)
    ae = [ra[i] - 2.0 * wv[i] - wwr[i] for i in range(3)]
    wra = cross(ra)
    wa = cross(ae)
    wwv = cross(wv)
    rj = rot(j)
    je = [rj[i] - wra[i] - 2.0 * wa[i] - wwv[i] for i in range(3)]
    return re, ve, ae, je


def _hermite_basis(k: int, count: int, h: float) -> FloatArray:
    """Quintic Hermite basis (6, count) at τ = i/k, rows matching [f0, f0', f0'', f1, f1', f1'']
    with the derivative scalings by the node gap h folded in."""
    t = np.arange(count) / k
    t2, t3 = t * t, t * t * t
    t4, t5 = t3 * t, t3 * t2
    return np.stack(
        [
            1.0 - 10.0 * t3 + 15.0 * t4 - 6.0 * t5,
            h * (t - 6.0 * t3 + 8.0 * t4 - 3.0 * t5),
            h * h * 0.5 * (t2 - 3.0 * t3 + 3.0 * t4 - t5),
            10.0 * t3 - 15.0 * t4 + 6.0 * t5,
            h * (-4.0 * t3 + 7.0 * t4 - 3.0 * t5),
            h * h * 0.5 * (t3 - 2.0 * t4 + t5),
        ]
    )


def _sample_hermite(
    orbit: Orbit,
    m_ref: FloatArray,
    t0: FloatArray,
    grid: FloatArray,
    dt: float,
    k: int,
    k_lo: IntArray,
    k_hi: IntArray,
    rotating: bool,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    n_miss, n_t = orbit.a.shape[0], grid.shape[0]
    n_full = n_t // k
    tail = n_t - n_full * k
    n_int = n_full + (1 if tail else 0)
    tnode = grid[0] + dt * k * np.arange(n_int + 1)
    cos_e, sin_e = _node_anomalies(orbit, m_ref, t0, tnode)
    series = _node_series(orbit, cos_e, sin_e, tnode, rotating)
    # Intervals holding no in-window sample become NaN; partial ones are trimmed below.
    j = np.arange(n_int)
    dead = ((j[None, :] + 1) * k - 1 < k_lo[:, None]) | (j[None, :] * k > k_hi[:, None])

    pos = np.empty((n_miss, n_t, 3))
    vel = np.empty((n_miss, n_t, 3))
    alt = np.empty((n_miss, n_t))
    basis = _hermite_basis(k, k, dt * k)
    block = max(1, _BLOCK_ROWS // max(n_int, 1))
    scratch = np.empty(block * n_int * k)
    # rows[i, j] = [f, f', f''] of one series at nodes j and j + 1 of missile i (a block).
    rows = np.empty((block, n_int, 6))
    for i0 in range(0, n_miss, block):
        i1 = min(n_miss, i0 + block)
        m = i1 - i0
        dead_b = dead[i0:i1]
        any_dead = bool(dead_b.any())
        for s, triple in enumerate(series):
            for d, f in enumerate(triple):
                rows[:m, :, d] = f[:-1, i0:i1].T
                rows[:m, :, 3 + d] = f[1:, i0:i1].T
            if any_dead:
                rows[:m][dead_b] = np.nan
            dest = _dest(pos, vel, alt, s, i0, i1)
            if n_full:
                lhs = rows[:m, :n_full].reshape(m * n_full, 6)
                if s == 6 and not tail:
                    np.matmul(lhs, basis, out=dest.reshape(m * n_full, k))
                else:
                    out = scratch[: m * n_full * k].reshape(m * n_full, k)
                    np.matmul(lhs, basis, out=out)
                    dest[:, : n_full * k] = out.reshape(m, n_full * k)
            if tail:
                out = scratch[: m * tail].reshape(m, tail)
                np.matmul(rows[:m, n_full], basis[:, :tail], out=out)
                dest[:, n_full * k :] = out
    _trim_partial(pos, vel, alt, k, k_lo, k_hi)
    return pos, vel, alt


def _dest(
    pos: FloatArray, vel: FloatArray, alt: FloatArray, s: int, i0: int, i1: int
) -> FloatArray:
    if s < 3:
        return pos[i0:i1, :, s]
    if s < 6:
        return vel[i0:i1, :, s - 3]
    return alt[i0:i1]


def _trim_partial(
    pos: FloatArray, vel: FloatArray, alt: FloatArray, k: int, k_lo: IntArray, k_hi: IntArray
) -> None:
    """NaN the out-of-window samples inside the first and last live intervals."""
    n_miss, n_t = alt.shape
    offs = np.arange(k)
    base = np.arange(n_miss)[:, None] * n_t
    lo_cols = (k_lo // k)[:, None] * k + offs
    hi_cols = (np.maximum(k_hi, 0) // k)[:, None] * k + offs
    flat = np.concatenate(
        [
            (base + lo_cols)[(lo_cols < k_lo[:, None]) & (lo_cols < n_t)],
            (base + hi_cols)[(hi_cols > k_hi[:, None]) & (hi_cols < n_t)],
        ]
    )
    alt.reshape(-1)[flat] = np.nan
    flat3 = (flat[:, None] * 3 + np.arange(3)).reshape(-1)  # 1-D indices: fast scatter
    pos.reshape(-1)[flat3] = np.nan
    vel.reshape(-1)[flat3] = np.nan
