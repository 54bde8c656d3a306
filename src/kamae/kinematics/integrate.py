"""Fixed-step fourth-order Runge-Kutta for a batch of missiles, sampled onto the time grid.

Classical RK4 (Hairer, Nørsett & Wanner, Solving ODEs I, 1993, section II.1) with one step size
for all missiles, each on its own clock (missiles start at different times). Between steps the
state is the cubic Hermite interpolant of the two end states and their derivatives, which is
what the grid samples and the stopping event (a sign change of a user function, located by
bisection on that interpolant) are read from. Used only where the flight is not drag-free:
reentry, glide; drag-free arcs use the closed-form Kepler solution.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray, IntArray

Derivative = Callable[[FloatArray, FloatArray, IntArray], FloatArray]
"""f(t (M,), y (M, D), rows (M,)) -> dy/dt (M, D)."""
StopFunction = Callable[[FloatArray, IntArray], FloatArray]
"""g(y (M, D), rows (M,)) -> (M,): integration of a missile stops where g reaches zero."""


@dataclass(frozen=True)
class GridSolution:
    """Stop time and state per missile, and the states at the grid samples crossed."""

    t_stop: FloatArray
    y_stop: FloatArray
    rows: IntArray
    cols: IntArray
    y: FloatArray
    y_dot: FloatArray


def hermite(
    y0: FloatArray, f0: FloatArray, y1: FloatArray, f1: FloatArray, dt: float, tau: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Cubic Hermite value and derivative at fractions τ (M,) of a step of length dt."""
    t = tau[:, None]
    t2, t3 = t * t, t * t * t
    y = (
        (2 * t3 - 3 * t2 + 1) * y0
        + (t3 - 2 * t2 + t) * dt * f0
        + (3 * t2 - 2 * t3) * y1
        + (t3 - t2) * dt * f1
    )
    yd = (6 * t2 - 6 * t) * (y0 - y1) / dt + (3 * t2 - 4 * t + 1) * f0 + (3 * t2 - 2 * t) * f1
    return y, yd


def rk4_to_grid(
    deriv: Derivative,
    y0: npt.ArrayLike,
    t0: npt.ArrayLike,
    dt: float,
    times: npt.ArrayLike | None,
    stop: StopFunction,
    max_steps: int = 200_000,
) -> GridSolution:
    """Integrate N missiles from (t0, y0) until `stop` reaches zero; sample the grid on the way.

    Grid samples strictly after t0 and at or before the stop time are returned (rows, cols,
    state and derivative). Raises RuntimeError if a missile has not stopped after max_steps.
    """
    y = np.array(y0, dtype=float, copy=True)
    t = np.array(t0, dtype=float, copy=True)
    n, d = y.shape
    grid = np.empty(0) if times is None else np.asarray(times, dtype=float)
    all_rows = np.arange(n, dtype=np.int64)
    f = deriv(t, y, all_rows)
    active = np.ones(n, dtype=bool)
    t_stop = np.full(n, np.nan)
    y_stop = np.full((n, d), np.nan)
    ptr = np.searchsorted(grid, t, side="right").astype(np.int64)
    out_rows: list[IntArray] = []
    out_cols: list[IntArray] = []
    out_y: list[FloatArray] = []
    out_yd: list[FloatArray] = []
    half = 0.5 * dt
    for _ in range(max_steps):
        idx = np.nonzero(active)[0]
        if idx.size == 0:
            break
        ya, ta, fa = y[idx], t[idx], f[idx]
        k2 = deriv(ta + half, ya + half * fa, idx)
        k3 = deriv(ta + half, ya + half * k2, idx)
        k4 = deriv(ta + dt, ya + dt * k3, idx)
        yn = ya + (dt / 6.0) * (fa + 2.0 * k2 + 2.0 * k3 + k4)
        tn = ta + dt
        fn = deriv(tn, yn, idx)
        crossed = stop(yn, idx) <= 0.0
        t_end = tn.copy()
        if np.any(crossed):
            c = np.nonzero(crossed)[0]
            tau = _locate_stop(ya[c], fa[c], yn[c], fn[c], dt, idx[c], stop)
            t_end[c] = ta[c] + tau * dt
            ys, _ = hermite(ya[c], fa[c], yn[c], fn[c], dt, tau)
            t_stop[idx[c]] = t_end[c]
            y_stop[idx[c]] = ys
            active[idx[c]] = False
        if grid.size:
            while True:
                p = ptr[idx]
                ok = p < grid.size
                sel = np.nonzero(ok)[0]
                sel = sel[grid[p[sel]] <= t_end[sel]]
                if sel.size == 0:
                    break
                tau = (grid[p[sel]] - ta[sel]) / dt
                ys, yds = hermite(ya[sel], fa[sel], yn[sel], fn[sel], dt, tau)
                out_rows.append(idx[sel])
                out_cols.append(p[sel])
                out_y.append(ys)
                out_yd.append(yds)
                ptr[idx[sel]] += 1
        y[idx], t[idx], f[idx] = yn, tn, fn
    if np.any(active):
        raise RuntimeError("integration did not reach its stopping condition within max_steps")

    def cat(
        parts: list[npt.NDArray[np.generic]], shape: tuple[int, ...], dtype: type
    ) -> npt.NDArray[np.generic]:
        return np.concatenate(parts) if parts else np.empty(shape, dtype=dtype)

    return GridSolution(
        t_stop=t_stop,
        y_stop=y_stop,
        rows=cat(out_rows, (0,), np.int64),  # type: ignore[arg-type]
        cols=cat(out_cols, (0,), np.int64),  # type: ignore[arg-type]
        y=cat(out_y, (0, d), float),  # type: ignore[arg-type]
        y_dot=cat(out_yd, (0, d), float),  # type: ignore[arg-type]
    )


def _locate_stop(
    y0: FloatArray,
    f0: FloatArray,
    y1: FloatArray,
    f1: FloatArray,
    dt: float,
    rows: IntArray,
    stop: StopFunction,
) -> FloatArray:
    """τ in [0, 1] where the stop function crosses zero on the step's Hermite interpolant.

    Regula falsi with the Illinois modification (Dowell & Jarratt, BIT 11, 1971): the root
    stays bracketed and convergence is superlinear; stops when τ moves by < 1e-14.
    """
    lo = np.zeros(rows.shape[0])
    hi = np.ones(rows.shape[0])
    g_lo = stop(y0, rows)
    g_hi = stop(y1, rows)
    side = np.zeros(rows.shape[0], dtype=np.int8)
    mid = hi.copy()
    for _ in range(60):
        denom = g_hi - g_lo
        safe = np.where(denom != 0.0, denom, 1.0)
        new = np.where(denom != 0.0, (lo * g_hi - hi * g_lo) / safe, 0.5 * (lo + hi))
        new = np.clip(new, lo, hi)
        done = np.all(np.abs(new - mid) < 1e-14)
        mid = new
        if done:
            break
        ym, _ = hermite(y0, f0, y1, f1, dt, mid)
        g = stop(ym, rows)
        below = g <= 0.0
        g_lo = np.where(below, np.where(side == -1, 0.5 * g_lo, g_lo), g)
        g_hi = np.where(below, g, np.where(side == 1, 0.5 * g_hi, g_hi))
        lo = np.where(below, lo, mid)
        hi = np.where(below, mid, hi)
        side = np.where(below, np.int8(-1), np.int8(1))
    return mid
