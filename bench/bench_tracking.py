"""Throughput of the engine's tracking against Stone Soup, in one run on the same data.

1. Filter: the engine's `BallisticTrackBank` (6-state ECEF, gravity input at the predicted
   midpoint, Joseph-form update with full converted-measurement covariances) against Stone
   Soup's KalmanPredictor with the same gravity input (LinearControlModel) and KalmanUpdater
   (Joseph form). 1,000 targets x 200 scans, dt = 1 s, q = 1 m^2/s^3. One update = one
   target's predict + update.
2. Tracker: one scan of the engine's `SystemTracker` (gating with the trace pre-filter, GNN,
   updates, false tracks started on clutter, M-of-N) against Stone Soup's
   GNNWith2DAssignment + DistanceHypothesiser (SquaredMahalanobis) + the same predictor and
   updater, a new track per unassociated detection. 100 targets in a 200 km box with 20
   clutter plots per scan, 50 scans. One update = one track-scan.

Stone Soup runs on a subsample and is counted per update. Prints figures only; no assertions.
Run: python bench/bench_tracking.py
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

from kamae.tracking import BallisticTrackBank, MOfN, Plots, SystemTracker

N_TARGETS, N_SCANS = 1000, 200
DT, Q, V_SIGMA = 1.0, 1.0, 3000.0
SS_TARGETS, SS_SCANS = 20, 50
MT_TARGETS, MT_SCANS, MT_CLUTTER = 100, 50, 20
SS_MT_SCANS = 3
GM = 3.986004418e14
TO_SS = np.array([0, 3, 1, 4, 2, 5])
T0 = datetime(2024, 1, 1)


def simulate(
    n: int, scans: int, seed: int = 0, spread_m: float | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ballistic truth at 300 km (n, 6) after the scans and measurements (scans + 1, n, 3)
    with their converted covariances (n, 3, 3): 30 m along a line of sight, 300 m across.
    Targets anywhere around the Earth, or within ``spread_m`` of one point."""
    rng = np.random.default_rng(seed)
    up = rng.normal(size=(n, 3))
    up /= np.linalg.norm(up, axis=1, keepdims=True)
    position = up * 6.678e6
    if spread_m is not None:
        position = up[0] * 6.678e6 + rng.uniform(-spread_m, spread_m, (n, 3))
    x = np.concatenate([position, rng.normal(size=(n, 3)) * 1500.0], axis=1)
    cov = np.empty((n, 3, 3))
    for i in range(n):
        q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
        cov[i] = q @ np.diag([30.0**2, 300.0**2, 300.0**2]) @ q.T
    chol = np.linalg.cholesky(cov)
    z = np.empty((scans + 1, n, 3))
    for k in range(scans + 1):
        z[k] = x[:, :3] + np.einsum("nij,nj->ni", chol, rng.normal(size=(n, 3)))
        mid = x[:, :3] + 0.5 * DT * x[:, 3:]
        g = -GM * mid / np.linalg.norm(mid, axis=1, keepdims=True) ** 3
        x[:, :3] += DT * x[:, 3:] + 0.5 * DT * DT * g
        x[:, 3:] += DT * g
    return x, z, cov


def run_bank(z: np.ndarray, cov: np.ndarray) -> BallisticTrackBank:
    n = z.shape[1]
    bank = BallisticTrackBank(n, Q, V_SIGMA)
    slots = np.arange(n)
    for k in range(z.shape[0]):
        bank.update(slots, z[k], cov, k * DT)
    return bank


def _stone_soup() -> dict[str, object]:
    from stonesoup.base import Property
    from stonesoup.models.control.linear import LinearControlModel
    from stonesoup.models.measurement.linear import LinearGaussian
    from stonesoup.models.transition.linear import (
        CombinedLinearGaussianTransitionModel,
        ConstantVelocity,
    )
    from stonesoup.predictor.kalman import KalmanPredictor
    from stonesoup.types.detection import Detection
    from stonesoup.types.state import GaussianState, State
    from stonesoup.updater.kalman import KalmanUpdater

    to_kamae = np.argsort(TO_SS)

    class GravityPredictor(KalmanPredictor):  # type: ignore[misc]
        level: bool = Property(default=False)

        def predict(self, prior, timestamp=None, **kwargs):  # type: ignore[no-untyped-def]
            # Cached per (prior, time), as Stone Soup's own KalmanPredictor.predict is: the
            # hypothesiser predicts a track once per detection.
            key = (id(prior), timestamp)
            cache = self.__dict__.setdefault("_cache", {})
            if key not in cache:
                cache[key] = (prior, self._gravity_predict(prior, timestamp))
            return cache[key][1]

        def _gravity_predict(self, prior, timestamp):  # type: ignore[no-untyped-def]
            dt = (timestamp - prior.timestamp).total_seconds()
            x = np.asarray(prior.state_vector, dtype=float).ravel()[to_kamae]
            mid = x[:3] + 0.5 * dt * x[3:]
            u = -GM * mid / np.linalg.norm(mid) ** 3
            b = np.concatenate([0.5 * dt * dt * np.eye(3), dt * np.eye(3)])[TO_SS]
            inner = KalmanPredictor(self.transition_model, control_model=LinearControlModel(b))
            return inner.predict(prior, timestamp=timestamp, control_input=State(u[:, None]))

    transition = CombinedLinearGaussianTransitionModel([ConstantVelocity(Q)] * 3)

    def start(z: np.ndarray, r: np.ndarray, t: datetime) -> GaussianState:
        p = np.zeros((6, 6))
        p[:3, :3] = r
        p[3:, 3:] = V_SIGMA**2 * np.eye(3)
        return GaussianState(np.r_[z, np.zeros(3)][TO_SS][:, None], p[np.ix_(TO_SS, TO_SS)], t)

    def detection(z: np.ndarray, r: np.ndarray, t: datetime) -> Detection:
        return Detection(z[:, None], timestamp=t, measurement_model=LinearGaussian(6, (0, 2, 4), r))

    return {
        "predictor": GravityPredictor(transition),
        "updater": KalmanUpdater(None, use_joseph_cov=True),
        "start": start,
        "detection": detection,
        "to_kamae": to_kamae,
    }


def run_stone_soup_filter(z: np.ndarray, cov: np.ndarray) -> list:
    from stonesoup.types.hypothesis import SingleHypothesis

    ss = _stone_soup()
    predictor, updater = ss["predictor"], ss["updater"]
    states = [ss["start"](z[0, i], cov[i], T0) for i in range(z.shape[1])]  # type: ignore[operator]
    for k in range(1, z.shape[0]):
        t = T0 + timedelta(seconds=DT * k)
        for i, st in enumerate(states):
            pred = predictor.predict(st, timestamp=t)  # type: ignore[attr-defined]
            det = ss["detection"](z[k, i], cov[i], t)  # type: ignore[operator]
            states[i] = updater.update(SingleHypothesis(pred, det))  # type: ignore[attr-defined]
    return states


def tracker_scene(seed: int = 1) -> list[tuple[Plots, Plots]]:
    """Per scan: the targets' plots (origin = target) and uniform clutter in a 200 km box
    around them (false plots), one replication."""
    _, z, cov = simulate(MT_TARGETS, MT_SCANS, seed, spread_m=5e4)
    rng = np.random.default_rng(seed + 1)
    centre = z[0].mean(axis=0)
    n = MT_TARGETS
    scans = []
    for k in range(MT_SCANS + 1):
        zero = np.zeros(n, dtype=np.int64)
        threat = Plots(zero, np.arange(n), z[k], cov, zero.copy())
        c = centre + rng.uniform(-1e5, 1e5, (MT_CLUTTER, 3))
        c_cov = np.tile(np.diag([300.0**2] * 3), (MT_CLUTTER, 1, 1))
        zc = np.zeros(MT_CLUTTER, dtype=np.int64)
        scans.append((threat, Plots(zc, np.full(MT_CLUTTER, -1), c, c_cov, zc.copy())))
    return scans


def run_tracker(scans: list[tuple[Plots, Plots]]) -> SystemTracker:
    tracker = SystemTracker(1, MT_TARGETS, Q, V_SIGMA, [MOfN(2, 3, 2)], np.array([1.0]))
    for k, (threat, clutter) in enumerate(scans):
        tracker.scan(k, k * DT, threat, clutter)
    return tracker


def run_stone_soup_tracker(scans: list[tuple[Plots, Plots]]) -> int:
    """Stone Soup's GNN tracking loop on the same plots; returns the track-scans done."""
    from stonesoup.dataassociator.neighbour import GNNWith2DAssignment
    from stonesoup.hypothesiser.distance import DistanceHypothesiser
    from stonesoup.measures import SquaredMahalanobis
    from stonesoup.types.track import Track

    ss = _stone_soup()
    predictor, updater = ss["predictor"], ss["updater"]
    gate = SystemTracker(1, 1, Q, V_SIGMA, [MOfN(2, 3, 2)], np.array([1.0])).gate
    hyp = DistanceHypothesiser(predictor, updater, SquaredMahalanobis(), missed_distance=gate)
    associator = GNNWith2DAssignment(hyp)
    tracks: set = set()
    done = 0
    for k, (threat, clutter) in enumerate(scans):
        t = T0 + timedelta(seconds=DT * k)
        plots = Plots.concatenate([threat, clutter])
        dets = {ss["detection"](plots.z[j], plots.cov[j], t) for j in range(plots.rep.size)}  # type: ignore[operator]
        used = set()
        for track, h in associator.associate(tracks, dets, t).items():
            done += 1
            if h:
                track.append(updater.update(h))  # type: ignore[attr-defined]
                used.add(h.measurement)
            else:
                track.append(h.prediction)
        for d in dets - used:
            tracks.add(Track([ss["start"](d.state_vector.ravel(), d.measurement_model.covar(), t)]))  # type: ignore[operator]
    return done


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
    import stonesoup

    print("# bench_tracking")
    print(f"machine: {platform.machine()} {platform.processor() or ''}, {os.cpu_count()} cores")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"stonesoup {stonesoup.__version__}"
    )
    _, z, cov = simulate(N_TARGETS, N_SCANS)
    sub_z, sub_cov = z[: SS_SCANS + 1, :SS_TARGETS], cov[:SS_TARGETS]
    scans = tracker_scene()
    run_bank(z[:3], cov)  # warm-up
    run_stone_soup_filter(sub_z[:3], sub_cov)
    run_tracker(scans[:3])
    ss_track_scans = run_stone_soup_tracker(scans[: SS_MT_SCANS + 1])
    kamae_track_scans = MT_TARGETS * (MT_SCANS + 1)  # threat slots (false tracks not counted)
    cases: dict[str, Callable[[], object]] = {
        "filter: kamae BallisticTrackBank": lambda: run_bank(z, cov),
        "filter: Stone Soup (subsample)": lambda: run_stone_soup_filter(sub_z, sub_cov),
        "tracker: kamae SystemTracker": lambda: run_tracker(scans),
        "tracker: Stone Soup GNN (subsample)": lambda: run_stone_soup_tracker(
            scans[: SS_MT_SCANS + 1]
        ),
    }
    counts = [N_TARGETS * (N_SCANS + 1), SS_TARGETS * SS_SCANS, kamae_track_scans, ss_track_scans]
    times = interleaved(cases, rounds=3)
    rates = {}
    print(f"{'implementation':40s} {'updates/s (best)':>18s} {'(median)':>12s}")
    for (name, ts), count in zip(times.items(), counts, strict=True):
        rates[name] = count / min(ts)
        print(f"{name:40s} {count / min(ts):18,.0f} {count / statistics.median(ts):12,.0f}")
    names = list(rates)
    print()
    print(f"filter vs Stone Soup:  {rates[names[0]] / rates[names[1]]:8,.0f}x")
    print(f"tracker vs Stone Soup: {rates[names[2]] / rates[names[3]]:8,.0f}x")
    states = run_stone_soup_filter(sub_z, sub_cov)
    to_kamae = np.argsort(TO_SS)
    xs = np.stack([np.asarray(s.state_vector, float).ravel()[to_kamae] for s in states])
    ps = np.stack([np.asarray(s.covar, float)[np.ix_(to_kamae, to_kamae)] for s in states])
    bank = run_bank(sub_z, sub_cov)
    print(
        "filter, max relative difference on the subsample: "
        f"{np.abs(bank.state - xs).max() / np.abs(xs).max():.1e} (mean), "
        f"{np.abs(bank.covariance - ps).max() / np.abs(ps).max():.1e} (cov)"
    )


if __name__ == "__main__":
    main()
