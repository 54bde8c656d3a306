"""Throughput of batched tracking: kamae's axis-decoupled Kalman filter against Stone Soup and
a dense batched NumPy filter, in one run on the same data.

Problem: 1,000 targets x 200 scans, 6-state constant velocity (DCWNA, q = 1 m^2/s^3),
dt = 1 s, 3-D position measurements with sigma = 10 m on each axis. One "update" is one
target's predict + update. Stone Soup runs on a subsample and is extrapolated per update.
Prints figures only; no assertions. Run: python bench/bench_tracking.py
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
import scipy

from kamae.tracking import AxisKalmanFilter, AxisTracks, cv_matrices, cv_predict, kalman_update

N_TARGETS = 1000
N_SCANS = 200
DT = 1.0
Q = 1.0
SIGMA = 10.0
SS_TARGETS = 20
SS_SCANS = 50


def simulate(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Initial truth (N, 6) and measurements (T, N, 3) of DCWNA CV targets."""
    rng = np.random.default_rng(seed)
    f, qm = cv_matrices(DT, Q)
    lq = np.linalg.cholesky(qm)
    x = np.concatenate([rng.normal(0, 1e4, (N_TARGETS, 3)), rng.normal(0, 200, (N_TARGETS, 3))], 1)
    x0 = x.copy()
    z = np.empty((N_SCANS, N_TARGETS, 3))
    for k in range(N_SCANS):
        x = x @ f.T + rng.normal(size=(N_TARGETS, 6)) @ lq.T
        z[k] = x[:, :3] + rng.normal(0, SIGMA, (N_TARGETS, 3))
    return x0, z


def initial_covariance(n: int) -> np.ndarray:
    p = np.zeros((n, 6, 6))
    p[:, :3, :3] = SIGMA**2 * np.eye(3)
    p[:, 3:, 3:] = 200.0**2 * np.eye(3)
    return p


def run_axis(x0: np.ndarray, z: np.ndarray, check: bool = False) -> AxisTracks:
    """kamae.tracking.AxisKalmanFilter through its public API."""
    tracks = AxisTracks.from_positions(x0[:, :3], SIGMA**2, 200.0**2, velocity=x0[:, 3:])
    kf = AxisKalmanFilter(Q)
    r = SIGMA**2
    for k in range(z.shape[0]):
        kf.predict(tracks, DT)
        kf.update(tracks, z[k], r)
        if check and tracks.diverged().any():
            raise RuntimeError("diverged")
    return tracks


def run_dense_numpy(x0: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A dense batched Kalman filter over (N, 6, 6) arrays: the fastest plain form found here
    (F P F^T as two reshaped GEMMs using symmetry, batched np.linalg.inv, matmul)."""
    n = x0.shape[0]
    f, qm = cv_matrices(DT, Q)
    ft = np.ascontiguousarray(f.T)
    r = SIGMA**2 * np.eye(3)
    x, p = x0.copy(), initial_covariance(n)
    for k in range(z.shape[0]):
        x = x @ ft
        c = (p.reshape(-1, 6) @ ft).reshape(n, 6, 6)  # P F^T
        p = (c.transpose(0, 2, 1).reshape(-1, 6) @ ft).reshape(n, 6, 6)  # F P F^T (P symmetric)
        p += qm
        s = p[:, :3, :3] + r
        gain = np.matmul(p[:, :, :3], np.linalg.inv(s))
        y = z[k] - x[:, :3]
        x += np.matmul(gain, y[:, :, None])[:, :, 0]
        p -= np.matmul(gain, p[:, :3, :])
    return x, p


def run_kamae_dense(x0: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """kamae's general dense path (cv_predict + kalman_update), for reference."""
    h = np.zeros((3, 6))
    h[:, :3] = np.eye(3)
    r = SIGMA**2 * np.eye(3)
    x, p = x0.copy(), initial_covariance(x0.shape[0])
    for k in range(z.shape[0]):
        x, p = cv_predict(x, p, DT, Q)
        u = kalman_update(x, p, z[k], h, r)
        x, p = u.x, u.p
    return x, p


def run_stone_soup(x0: np.ndarray, z: np.ndarray) -> list:
    """Stone Soup's KalmanPredictor / KalmanUpdater, one GaussianState per target."""
    from stonesoup.models.measurement.linear import LinearGaussian
    from stonesoup.models.transition.linear import (
        CombinedLinearGaussianTransitionModel,
        ConstantVelocity,
    )
    from stonesoup.predictor.kalman import KalmanPredictor
    from stonesoup.types.detection import Detection
    from stonesoup.types.hypothesis import SingleHypothesis
    from stonesoup.types.state import GaussianState
    from stonesoup.updater.kalman import KalmanUpdater

    order = [0, 3, 1, 4, 2, 5]
    predictor = KalmanPredictor(CombinedLinearGaussianTransitionModel([ConstantVelocity(Q)] * 3))
    mmodel = LinearGaussian(ndim_state=6, mapping=(0, 2, 4), noise_covar=SIGMA**2 * np.eye(3))
    updater = KalmanUpdater(mmodel)
    t0 = datetime(2024, 1, 1)
    p0 = initial_covariance(1)[0][np.ix_(order, order)]
    states = [GaussianState(x0[i][order][:, None], p0, t0) for i in range(x0.shape[0])]
    for k in range(z.shape[0]):
        t = t0 + timedelta(seconds=DT * (k + 1))
        for i, st in enumerate(states):
            pred = predictor.predict(st, timestamp=t)
            det = Detection(z[k, i][:, None], timestamp=t, measurement_model=mmodel)
            states[i] = updater.update(SingleHypothesis(pred, det))
    return states


def interleaved(cases: dict[str, Callable[[], object]], rounds: int) -> dict[str, list[float]]:
    """Wall times (s) per case; the cases alternate within each round, so a change in machine
    load during the run touches all of them alike."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, fn in cases.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return times


def main() -> None:
    x0, z = simulate()
    updates = N_TARGETS * N_SCANS
    run_axis(x0, z[:5])  # warm-up

    print("# bench_tracking")
    print(f"machine: {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} cores")
    import stonesoup

    print(
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"stonesoup {stonesoup.__version__}"
    )
    print(f"problem: {N_TARGETS} targets x {N_SCANS} scans, 6-state CV, 3-D position meas.")
    print()

    sub_x0, sub_z = x0[:SS_TARGETS], z[:SS_SCANS, :SS_TARGETS]
    run_stone_soup(sub_x0, sub_z[:2])  # warm-up (imports)
    ss_name = f"Stone Soup {stonesoup.__version__} ({SS_TARGETS}x{SS_SCANS} subsample)"
    cases: dict[str, Callable[[], object]] = {
        "kamae AxisKalmanFilter (axis-decoupled)": lambda: run_axis(x0, z),
        "  same + divergence check every scan": lambda: run_axis(x0, z, check=True),
        "dense batched NumPy (N,6,6)": lambda: run_dense_numpy(x0, z),
        "kamae dense cv_predict + kalman_update": lambda: run_kamae_dense(x0, z),
        ss_name: lambda: run_stone_soup(sub_x0, sub_z),
    }
    times = interleaved(cases, rounds=5)
    rows = []
    for name, ts in times.items():
        count = SS_TARGETS * SS_SCANS if name == ss_name else updates
        rows.append((name, count / min(ts), count / statistics.median(ts)))
    ss_rate = rows[-1][1]

    axis_rate = rows[0][1]
    dense_rate = rows[2][1]
    print(f"{'implementation':48s} {'updates/s (best)':>18s} {'(median)':>12s}")
    for name, best, med in rows:
        print(f"{name:48s} {best:18,.0f} {med:12,.0f}")
    print()
    print(f"axis-decoupled vs Stone Soup:   {axis_rate / ss_rate:8,.0f}x")
    print(f"axis-decoupled vs dense NumPy:  {axis_rate / dense_rate:8,.1f}x")
    print(f"dense NumPy vs Stone Soup:      {dense_rate / ss_rate:8,.0f}x")

    # The three implementations agree on the subsample.
    states = run_stone_soup(sub_x0, sub_z)
    order = np.argsort([0, 3, 1, 4, 2, 5])
    xs = np.stack([np.asarray(s.state_vector, float).ravel()[order] for s in states])
    ps = np.stack([np.asarray(s.covar, float)[np.ix_(order, order)] for s in states])
    xa, pa = run_axis(sub_x0, sub_z).to_dense()
    xd, pd = run_dense_numpy(sub_x0, sub_z)
    print()
    print(
        "max relative difference on the subsample: axis vs Stone Soup "
        f"{np.abs(xa - xs).max() / np.abs(xs).max():.1e} (mean), "
        f"{np.abs(pa - ps).max() / np.abs(ps).max():.1e} (cov); dense vs Stone Soup "
        f"{np.abs(xd - xs).max() / np.abs(xs).max():.1e}, "
        f"{np.abs(pd - ps).max() / np.abs(ps).max():.1e}"
    )


if __name__ == "__main__":
    main()
