"""Throughput of threat trajectory generation, in missile-steps per second per core.

Workload: 10,000 drag-free minimum-energy ballistic missiles (ranges 300-1,300 km from the
Korean peninsula, launches spread over the first minute) sampled every 1 s for 600 s. Compared
side by side in the same run:
- kamae: `minimum_energy_trajectory` (targeting, Kepler flight, ECEF position, velocity,
  ellipsoid height, in-flight mask and phase);
- the same closed form solved sample by sample (Newton on Kepler's equation at every sample);
- a batched NumPy RK4 of the two-body equations at 1 s steps (position and velocity only);
- scipy's solve_ivp (DOP853, rtol 1e-10) on a subsample, reported per missile-step.
Times are CPU time of this process (time.process_time, best of several runs after a warm-up),
so they count one core even when the machine is shared; no assertions. Prints a markdown
section for docs/performance.md.

Run: python bench/bench_trajectories.py [--missiles 10000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

import numpy as np
import scipy
from scipy.integrate import solve_ivp

from kamae.geo import ecef_to_geodetic, geodesic_direct_deg, geodetic_to_ecef
from kamae.kinematics.ballistic import minimum_energy_trajectory, plan_ballistic
from kamae.kinematics.frames import ellipsoid_height
from kamae.kinematics.kepler import MU_EARTH, solve_kepler, state_at_eccentric

STEPS = 600
DT = 1.0


def workload(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lat = rng.uniform(38.0, 41.0, n)
    lon = rng.uniform(124.5, 129.0, n)
    lat2, lon2 = geodesic_direct_deg(
        lat, lon, rng.uniform(60.0, 200.0, n), rng.uniform(300e3, 1300e3, n)
    )
    pad = geodetic_to_ecef(np.radians(lat), np.radians(lon), 0.0)
    aim = geodetic_to_ecef(np.radians(lat2), np.radians(lon2), 0.0)
    return pad, aim, rng.uniform(0.0, 60.0, n)


def best_cpu(fn: Callable[[], object], repeats: int) -> float:
    fn()  # warm-up: first-touch page faults, caches
    best = np.inf
    for _ in range(repeats):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def exact_per_sample(pad: np.ndarray, aim: np.ndarray, t0: np.ndarray, times: np.ndarray):
    """Newton's method on Kepler's equation at every (missile, sample), then the state."""
    plan = plan_ballistic(pad, aim, t0)
    o = plan.orbit
    mean = plan.burnout_mean_anomaly[:, None] + o.n[:, None] * (times[None, :] - t0[:, None])
    pos, vel = state_at_eccentric(o, solve_kepler(mean, o.e[:, None]))
    return pos, vel, ellipsoid_height(pos)


def rk4_batched(pad: np.ndarray, aim: np.ndarray, t0: np.ndarray, steps: int, dt: float):
    """Classical RK4 of r'' = -mu r/|r|³ for all missiles at once, component-first arrays."""
    plan = plan_ballistic(pad, aim, t0)
    r = plan.burnout_position.T.copy()
    v = plan.burnout_velocity.T.copy()
    n = r.shape[1]
    pos = np.empty((n, steps, 3))
    vel = np.empty((n, steps, 3))

    def acc(x: np.ndarray) -> np.ndarray:
        inv = (x[0] * x[0] + x[1] * x[1] + x[2] * x[2]) ** -1.5
        return -MU_EARTH * x * inv

    for k in range(steps):
        pos[:, k, :] = r.T
        vel[:, k, :] = v.T
        a1 = acc(r)
        r2 = r + 0.5 * dt * v
        v2 = v + 0.5 * dt * a1
        a2 = acc(r2)
        r3 = r + 0.5 * dt * v2
        v3 = v + 0.5 * dt * a2
        a3 = acc(r3)
        r4 = r + dt * v3
        v4 = v + dt * a3
        a4 = acc(r4)
        r = r + (dt / 6.0) * (v + 2.0 * v2 + 2.0 * v3 + v4)
        v = v + (dt / 6.0) * (a1 + 2.0 * a2 + 2.0 * a3 + a4)
    return pos, vel


def scipy_subsample(pad: np.ndarray, aim: np.ndarray, t0: np.ndarray, steps: int, dt: float):
    plan = plan_ballistic(pad, aim, t0)

    def rhs(_t: float, y: np.ndarray) -> np.ndarray:
        r = y[:3]
        return np.concatenate([y[3:], -MU_EARTH * r / np.linalg.norm(r) ** 3])

    out = []
    t_eval = np.arange(steps) * dt
    for i in range(pad.shape[0]):
        y0 = np.concatenate([plan.burnout_position[i], plan.burnout_velocity[i]])
        sol = solve_ivp(
            rhs, (0.0, t_eval[-1]), y0, method="DOP853", rtol=1e-10, atol=1e-6, t_eval=t_eval
        )
        out.append(sol.y[:3].T)
    return np.array(out)


def _tune_malloc() -> bool:
    """Ask glibc to keep freed memory mapped (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD = 1 GiB), so
    large arrays allocated again do not page-fault; process-wide, for this benchmark only."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(-3, 1 << 30)) and bool(libc.mallopt(-1, 1 << 30))
    except (OSError, AttributeError):
        return False


def other_generators(repeats: int) -> list[tuple[str, str, float]]:
    """Boost + rotation, drag reentry, quasi-ballistic, glide and cruise, smaller batches."""
    from kamae.kinematics import (
        ballistic_trajectory,
        cruise_trajectory,
        glide_trajectory,
        quasi_ballistic_trajectory,
    )

    out = []
    times = np.arange(STEPS) * DT
    pad, aim, t0 = workload(2000, seed=2)
    cases: list[tuple[str, int, Callable[[], object]]] = [
        (
            "ballistic, boost 60 s to 30 km + Earth rotation",
            2000,
            lambda: ballistic_trajectory(
                pad, aim, t0, times, burn_time_s=60.0, burnout_altitude_m=30e3, earth_rotation=True
            ),
        ),
        (
            "ballistic with drag reentry (RK4 0.5 s)",
            200,
            lambda: ballistic_trajectory(
                pad[:200], aim[:200], t0[:200], times, ballistic_coefficient_kg_m2=5000.0
            ),
        ),
        (
            "quasi-ballistic (KN-23 type)",
            200,
            lambda: quasi_ballistic_trajectory(
                pad[:200],
                aim[:200],
                t0[:200],
                times,
                apogee_m=50e3,
                burn_time_s=60.0,
                burnout_altitude_m=25e3,
                pullup_altitude_m=20e3,
                pullup_range_m=60e3,
                dive_angle_rad=np.radians(60.0),
            ),
        ),
        (
            "hypersonic glide (RK4 0.5 s)",
            200,
            lambda: glide_trajectory(
                pad[:200],
                aim[:200],
                t0[:200],
                times,
                glide_speed_mps=3500.0,
                glide_altitude_m=50e3,
                lift_to_drag=2.5,
                burn_time_s=60.0,
                dive_angle_rad=np.radians(45.0),
            ),
        ),
    ]
    routes = [
        np.array([[39.0, 125.0 + 0.001 * i], [37.0, 131.0], [35.7, 139.7]]) for i in range(200)
    ]
    cases.append(
        (
            "cruise, 3 geodesic legs (pyproj)",
            200,
            lambda: cruise_trajectory(
                routes,
                np.zeros(200),
                times,
                speed_mps=240.0,
                altitude_m=30.0,
                terminal_range_m=15e3,
            ),
        )
    )
    for name, count, fn in cases:
        t = best_cpu(fn, max(1, repeats // 2))
        out.append((name, f"{count} × {STEPS}", count * STEPS / t))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missiles", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--scipy-missiles", type=int, default=20)
    args = parser.parse_args()
    n = args.missiles
    pad, aim, t0 = workload(n)
    times = np.arange(STEPS) * DT
    steps = n * STEPS

    rows: list[tuple[str, float, str]] = []
    t_kamae = best_cpu(lambda: minimum_energy_trajectory(pad, aim, t0, times), args.repeats)
    rows.append(
        (
            "kamae `minimum_energy_trajectory` (Kepler nodes + quintic Hermite)",
            steps / t_kamae,
            "reference",
        )
    )

    # Accuracy of each method against per-sample Newton, on the first 200 missiles from t = 0.
    sub = slice(0, 200)
    zero = np.zeros(200)
    ref_p, _, ref_h = exact_per_sample(pad[sub], aim[sub], zero, times)
    tr = minimum_energy_trajectory(pad[sub], aim[sub], zero, times)
    live = tr.in_flight
    err_kamae = np.max(np.linalg.norm(tr.position - ref_p, axis=-1)[live])
    err_h = np.max(np.abs(tr.altitude - ref_h)[live])
    rows[-1] = (rows[-1][0], rows[-1][1], f"max {err_kamae:.1e} m position, {err_h:.1e} m height")

    t_exact = best_cpu(lambda: exact_per_sample(pad, aim, t0, times), max(1, args.repeats // 2))
    _, _, geo_h = ecef_to_geodetic(ref_p[:20])
    rows.append(
        (
            "Newton on Kepler's equation at every sample",
            steps / t_exact,
            f"exact; fast height vs geo: {np.nanmax(np.abs(geo_h - ref_h[:20])):.1e} m",
        )
    )

    t_rk4 = best_cpu(lambda: rk4_batched(pad, aim, t0, STEPS, DT), max(1, args.repeats // 2))
    p_rk4, _ = rk4_batched(pad[sub], aim[sub], zero, STEPS, DT)
    err_rk4 = np.max(np.linalg.norm(p_rk4 - ref_p, axis=-1)[live])
    rows.append(
        (
            "batched NumPy RK4, 1 s step (no height, no phases)",
            steps / t_rk4,
            f"max {err_rk4:.1e} m position",
        )
    )

    m = args.scipy_missiles
    t_ivp = best_cpu(lambda: scipy_subsample(pad[:m], aim[:m], zero[:m], STEPS, DT), 1)
    p_ivp = scipy_subsample(pad[:m], aim[:m], zero[:m], STEPS, DT)
    err_ivp = np.max(np.linalg.norm(p_ivp - ref_p[:m], axis=-1)[live[:m]])
    rows.append(
        (
            f"scipy solve_ivp DOP853 rtol 1e-10 ({m} missiles, loop)",
            m * STEPS / t_ivp,
            f"max {err_ivp:.1e} m position",
        )
    )

    # Same two methods again with glibc told to keep freed memory (no page faults on reuse).
    tuned = _tune_malloc()
    if tuned:
        t_k2 = best_cpu(lambda: minimum_energy_trajectory(pad, aim, t0, times), args.repeats)
        t_r2 = best_cpu(lambda: rk4_batched(pad, aim, t0, STEPS, DT), max(1, args.repeats // 2))
        rows.append(("kamae, glibc malloc keeping freed memory (mallopt)", steps / t_k2, "same"))
        rows.append(("batched NumPy RK4, same malloc setting", steps / t_r2, "same"))
    others = other_generators(args.repeats)
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(
                line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print("## Threat trajectories (bench/bench_trajectories.py)\n")
    print(
        f"{n:,} drag-free minimum-energy missiles, {STEPS} samples at {DT:g} s "
        f"({steps / 1e6:.1f} M missile-steps); CPU time of one process, best of "
        f"{args.repeats} after a warm-up."
    )
    print(
        f"Machine: {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}; load average at the start "
        f"{load:.1f} (shared machine: figures vary run to run).\n"
    )
    print("| method | M missile-steps/s per core | vs kamae | accuracy |")
    print("|---|---:|---:|---|")
    for name, rate, note in rows:
        ref = rows[0][1]
        if rate == ref:
            ratio = "1×"
        elif rate < ref:
            ratio = f"{ref / rate:.1f}× slower"
        else:
            ratio = f"{rate / ref:.2f}× faster"
        print(f"| {name} | {rate / 1e6:.2f} | {ratio} | {note} |")
    print("\nOther generators, same grid (1 s) and sizes as noted, for scale:\n")
    print("| generator | missiles × samples | M missile-steps/s per core |")
    print("|---|---|---:|")
    for name, size, rate in others:
        print(f"| {name} | {size} | {rate / 1e6:.2f} |")


if __name__ == "__main__":
    main()
