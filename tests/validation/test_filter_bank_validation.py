"""The engine's per-slot filters (`kamae.tracking.filter_bank.FilterBank`) against independent
references, by their public API:

- the EKF slots against Stone Soup's ExtendedKalmanUpdater (CartesianToElevationBearingRange,
  analytic Jacobian) behind the same gravity-input KalmanPredictor the KF test uses, over 30
  irregular scans, ballistic and level-flight slots: 1e-9 relative;
- the IMM slots against FilterPy's IMMEstimator (R. Labbe, filterpy 2.0.0; the IMM of Blom &
  Bar-Shalom 1988 as in Bar-Shalom, Li & Kirubarajan 2001, 11.6.6), two CV modes, linear and
  polar measurements. Stone Soup has released no IMM (issue dstl/Stone-Soup#129, open since
  2019); the same slots against Stone Soup's unmerged PR #142 IMM rebuilt on 1.9.1's parts,
  ballistic slots included, are in test_imm_stonesoup;
- out-of-sequence retrodiction against in-sequence processing at q = 0, where the two are
  the same estimate (Bar-Shalom 2002: exact when no process noise acts over the lag);
- covariance-intersection fusion of a shared track against the closed form of the
  trace-minimising weight for block-diagonal covariances (Julier & Uhlmann 1997).
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

pytest.importorskip("stonesoup")

from stonesoup.models.transition.linear import (  # noqa: E402
    CombinedLinearGaussianTransitionModel,
)
from stonesoup.models.transition.linear import (  # noqa: E402
    ConstantVelocity as SSConstantVelocity,
)
from stonesoup.types.detection import Detection  # noqa: E402
from stonesoup.types.hypothesis import SingleHypothesis  # noqa: E402
from stonesoup.types.state import GaussianState  # noqa: E402
from stonesoup.updater.kalman import ExtendedKalmanUpdater  # noqa: E402
from test_tracking_stonesoup import (  # noqa: E402
    SIGMA_B,
    SIGMA_EL,
    SIGMA_R,
    T0,
    TO_SS,
    _AnalyticJacobian,
    _assert_same,
    _ecef_targets,
    _GravityKalmanPredictor,
    _kamae_frame,
    _ss_model,
    _ss_start,
    _to_kamae_measurement,
)

from kamae.tracking.ekf import PolarMeasurements, enu_from_rae, rae_from_enu  # noqa: E402
from kamae.tracking.filter_bank import EKF, IMM, KF, FilterBank, Manoeuvre  # noqa: E402
from kamae.tracking.imm import sojourn_transition  # noqa: E402
from kamae.tracking.motion import cv_matrices  # noqa: E402
from kamae.tracking.track_fusion import covariance_intersection  # noqa: E402

R_RAE = np.diag([SIGMA_R**2, SIGMA_B**2, SIGMA_EL**2])
"""Noise of the (range, azimuth, elevation) plots (Stone Soup's bearing sigma as azimuth's)."""


def _polar(rae: np.ndarray, frame: np.ndarray, site: np.ndarray) -> PolarMeasurements:
    m = rae.shape[0]
    sigma = np.tile(np.sqrt(np.diag(R_RAE)), (m, 1))
    return PolarMeasurements(rae, sigma, np.tile(site, (m, 1)), np.tile(frame, (m, 1, 1)))


def _cartesian(rae: np.ndarray, frame: np.ndarray, site: np.ndarray) -> np.ndarray:
    return site + np.einsum("mi,ij->mj", enu_from_rae(rae), frame)


def test_engine_ekf_matches_stone_soup() -> None:
    """EKF slots of the engine's bank (gravity input at the predicted midpoint, update in
    range, azimuth and elevation, started on a Cartesian plot) reproduce Stone Soup's
    KalmanPredictor with the same gravity input and ExtendedKalmanUpdater (analytic
    Jacobian), over 30 scans at irregular intervals, each target measured or not at random,
    ballistic and level-flight slots: 1e-9 relative."""
    rng = np.random.default_rng(11)
    n, q, v_sigma = 6, 2.0, 3000.0
    level = np.arange(n) % 2 == 1
    truth = _ecef_targets(rng, n, 2500.0)
    model = _ss_model(_AnalyticJacobian)
    frame = _kamae_frame(model)
    site = np.asarray(model.translation_offset, dtype=float).ravel()
    bank = FilterBank(n, q, v_sigma, level=level, kind=np.full(n, EKF))
    transition = CombinedLinearGaussianTransitionModel([SSConstantVelocity(q)] * 3)
    predictors = [_GravityKalmanPredictor(transition, level=bool(lv)) for lv in level]
    updater = ExtendedKalmanUpdater(model)
    ss: list[GaussianState | None] = [None] * n
    t, seconds = T0, 0.0
    for _ in range(30):
        step = timedelta(microseconds=int(rng.integers(500_000, 4_000_000)))
        t, seconds = t + step, seconds + step.total_seconds()
        truth[:, :3] += step.total_seconds() * truth[:, 3:]
        seen = np.flatnonzero(rng.random(n) < 0.7)
        if seen.size == 0:
            continue
        z_ss = [
            np.asarray(
                model.function(GaussianState(truth[i][TO_SS][:, None], np.eye(6)), noise=True),
                dtype=float,
            ).ravel()
            for i in seen
        ]
        rae = np.array([_to_kamae_measurement(z) for z in z_ss])
        xyz = _cartesian(rae, frame, site)
        start_cov = np.tile(np.eye(3) * 250.0**2, (seen.size, 1, 1))
        bank.update(seen, xyz, start_cov, seconds, _polar(rae, frame, site))
        for j, i in enumerate(seen):
            prior = ss[i]
            if prior is None:
                ss[i] = _ss_start(xyz[j], start_cov[j], v_sigma, t)
                continue
            pred = predictors[i].predict(prior, timestamp=t)
            det = Detection(z_ss[j][:, None], timestamp=t, measurement_model=model)
            ss[i] = updater.update(SingleHypothesis(pred, det))
    for i in range(n):
        state = ss[i]
        assert state is not None
        _assert_same(bank.state[i], bank.covariance[i], state)


def _radar_ekf(site: np.ndarray, frame: np.ndarray):  # type: ignore[no-untyped-def]
    """FilterPy's ExtendedKalmanFilter with the radar's h, its Jacobian, azimuth wrapped."""
    from filterpy.kalman import ExtendedKalmanFilter

    from kamae.tracking.ekf import rae_linearisation, wrap_angle

    def jacobian(x: np.ndarray) -> np.ndarray:
        return rae_linearisation(x.ravel(), site, frame)[1]

    def h(x: np.ndarray) -> np.ndarray:
        return rae_linearisation(x.ravel(), site, frame)[0][:, None]

    def residual(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.array([a[0] - b[0], wrap_angle(a[1] - b[1]), a[2] - b[2]]).reshape(3, 1)

    class _EKF(ExtendedKalmanFilter):
        def predict(self, u=0):  # type: ignore[no-untyped-def]
            super().predict(0)  # IMMEstimator passes None

        def update(self, z):  # type: ignore[no-untyped-def]
            super().update(z, jacobian, h, residual=residual)

        @property
        def log_likelihood(self) -> float:
            # FilterPy's logpdf (scipy, allow_singular=True) cuts eigenvalues below 1e6 ulp of
            # the largest: a range-angle S (1e5 m² against 1e-5 rad²) loses its angle axes.
            # The Gaussian log-density itself, from FilterPy's own y and S:
            y, s = np.asarray(self.y, float).ravel(), np.asarray(self.S, float)
            return float(-0.5 * (y @ np.linalg.solve(s, y) + np.linalg.slogdet(2 * np.pi * s)[1]))

        @property
        def likelihood(self) -> float:
            return float(np.exp(self.log_likelihood))

    return _EKF(dim_x=6, dim_z=3)


def _filterpy_imm(x0: np.ndarray, p0: np.ndarray, qs: tuple[float, float], pi: np.ndarray,
                  r: np.ndarray, polar: tuple[np.ndarray, np.ndarray] | None):  # type: ignore[no-untyped-def]  # fmt: skip
    from filterpy.kalman import IMMEstimator, KalmanFilter

    filters = []
    for q in qs:
        f, qm = cv_matrices(1.0, q)
        if polar is None:
            kf = KalmanFilter(dim_x=6, dim_z=3)
            kf.H = np.hstack([np.eye(3), np.zeros((3, 3))])
        else:
            site, frame = polar

            kf = _radar_ekf(site, frame)
        kf.x, kf.P, kf.F, kf.Q, kf.R = x0.copy()[:, None], p0.copy(), f, qm, r.copy()
        filters.append(kf)
    mu = np.array([0.5, 0.5])
    return IMMEstimator(filters, mu, pi)


@pytest.mark.parametrize("measurement", ["cartesian", "polar"])
def test_engine_imm_matches_filterpy(measurement: str) -> None:
    """IMM slots of the engine's bank (two CV modes, q = 1 and 400 m²/s³, mean sojourn 20 s
    and 5 s: the transition over each 1 s scan is `sojourn_transition`'s, given to FilterPy as
    its fixed Markov matrix) reproduce FilterPy's IMMEstimator with KalmanFilter (Cartesian
    plots) or ExtendedKalmanFilter (range, azimuth, elevation) modes on a target that turns
    hard for 10 of 40 scans: combined mean, covariance and mode probabilities to 1e-8
    relative (measured about 1e-12: FilterPy's Joseph-form update against the bank's standard
    form). One FilterPy limitation found on the way: its log-likelihood (scipy's logpdf with
    allow_singular=True) drops the angle axes of a range-angle innovation covariance as
    singular (eigenvalues 1e10 apart), so the polar case computes the Gaussian log-density
    from FilterPy's own innovation and covariance."""
    rng = np.random.default_rng(5)
    qs, tau = (1.0, 400.0), (20.0, 5.0)
    pi = sojourn_transition(np.array([1.0]), tau)[0]
    model = _ss_model(_AnalyticJacobian)
    frame = _kamae_frame(model)
    site = np.asarray(model.translation_offset, dtype=float).ravel()
    x = np.array([8e4, 6e4, 2e4, 250.0, -120.0, 30.0])
    p0 = np.diag([400.0**2] * 3 + [100.0**2] * 3)
    r = np.eye(3) * 120.0**2 if measurement == "cartesian" else R_RAE
    fp = _filterpy_imm(x, p0, qs, pi, r, None if measurement == "cartesian" else (site, frame))
    bank = FilterBank(1, qs[0], 3000.0, level=np.array([True]), kind=np.array([IMM]),
                      manoeuvre=Manoeuvre(qs[1], tau))  # fmt: skip
    bank.start(np.array([0]), x[None], p0[None], 0.0)
    bank.mode_probability[0] = [0.5, 0.5]
    for k in range(1, 41):
        accel = np.array([0.0, 40.0, 0.0]) if 15 <= k < 25 else np.zeros(3)
        x[3:] += accel
        x[:3] += x[3:]
        if measurement == "cartesian":
            z = x[:3] + rng.normal(size=3) * 120.0
            bank.update(np.array([0]), z[None], r[None], float(k))
            fp.predict()
            fp.update(z[:, None])
        else:
            enu = frame @ (x[:3] - site)
            rae = rae_from_enu(enu) + rng.normal(size=3) * np.sqrt(np.diag(R_RAE))
            xyz = _cartesian(rae[None], frame, site)
            bank.update(
                np.array([0]), xyz, np.eye(3)[None], float(k), _polar(rae[None], frame, site)
            )
            fp.predict()
            fp.update(rae[:, None])
        np.testing.assert_allclose(bank.mode_probability[0], fp.mu, rtol=1e-8, atol=1e-10)
    xs, ps = np.asarray(fp.x, dtype=float).ravel(), np.asarray(fp.P, dtype=float)
    np.testing.assert_allclose(bank.state[0], xs, rtol=1e-8, atol=1e-8 * np.abs(xs).max())
    np.testing.assert_allclose(bank.covariance[0], ps, rtol=1e-8, atol=1e-8 * np.abs(ps).max())
    assert fp.mu[1] > 0.01  # the manoeuvre mode was used


@pytest.mark.parametrize("kind", [KF, EKF])
def test_late_plots_by_retrodiction_equal_in_sequence_at_zero_process_noise(kind: int) -> None:
    """With q = 0 the state is a deterministic function of time, so the order in which plots
    are folded in does not change the estimate: plots folded late by retrodiction
    (`FilterBank.update_late`, lags of 1 to 4 s) give the in-sequence posterior, for level and
    ballistic slots, to 1e-9 relative (measured about 1e-15 level, 1e-11 ballistic: the
    gravity gradient that the transition neglects)."""
    rng = np.random.default_rng(3)
    n = 4
    level = np.array([True, False, True, False])
    truth = _ecef_targets(rng, n, 2000.0)
    times = np.arange(12.0)
    zs, rs = [], []
    for _ in times:
        r = np.tile(np.diag([300.0, 200.0, 250.0]) ** 2, (n, 1, 1))
        zs.append(truth[:, :3] + rng.normal(size=(n, 3)) * [300.0, 200.0, 250.0])
        rs.append(r)
        truth[:, :3] += truth[:, 3:]
    index = np.arange(n)

    def bank() -> FilterBank:
        return FilterBank(n, 0.0, 3000.0, level=level, kind=np.full(n, kind))

    ordered, late = bank(), bank()
    for k, t in enumerate(times):
        ordered.update(index, zs[k], rs[k], t)
    held = {3, 6, 7, 9}
    for k, t in enumerate(times):
        if k not in held:
            late.update(index, zs[k], rs[k], t)
        if k in (8, 11):  # the held plots arrive 1-4 s late, oldest first
            for j in sorted(h for h in held if h < k):
                late.update_late(index, zs[j], rs[j], np.full(n, times[j]))
            held -= {h for h in held if h < k}
    scale_x = np.abs(ordered.state).max()
    scale_p = np.abs(ordered.covariance).max()
    np.testing.assert_allclose(late.state, ordered.state, rtol=1e-9, atol=1e-9 * scale_x)
    np.testing.assert_allclose(late.covariance, ordered.covariance, rtol=1e-9, atol=1e-9 * scale_p)


def test_shared_track_fusion_matches_the_closed_form_of_covariance_intersection() -> None:
    """A slot fused with a shared track (`FilterBank.fuse`) by covariance intersection: with
    Pa = diag(a1 I, a2 I) and Pb = diag(b1 I, b2 I) (one better in position, the other in
    velocity), tr P(w) = 3/(w/a1 + (1-w)/b1) + 3/(w/a2 + (1-w)/b2) is least where
    d/dw = 0, w* = (s B1 - B2)/(D2 - s D1) with Ai = 1/ai, Bi = 1/bi, Di = Ai - Bi,
    s = sqrt(-D2/D1); the fused estimate is P(w*)(w* Pa^-1 xa + (1-w*) Pb^-1 xb). The bank's
    golden-section search finds it to 1e-6 relative."""
    a1, a2, b1, b2 = 100.0**2, 300.0**2, 400.0**2, 40.0**2
    pa = np.diag([a1] * 3 + [a2] * 3)
    pb = np.diag([b1] * 3 + [b2] * 3)
    xa = np.array([7e6, 1e5, 2e5, 1500.0, -400.0, 100.0])
    xb = xa + np.array([120.0, -80.0, 60.0, 30.0, 20.0, -10.0])
    big_a1, big_a2, big_b1, big_b2 = 1 / a1, 1 / a2, 1 / b1, 1 / b2
    d1, d2 = big_a1 - big_b1, big_a2 - big_b2
    s = np.sqrt(-d2 / d1)
    w = (s * big_b1 - big_b2) / (d2 - s * d1)
    info = w * np.linalg.inv(pa) + (1 - w) * np.linalg.inv(pb)
    p = np.linalg.inv(info)
    x = p @ (w * np.linalg.inv(pa) @ xa + (1 - w) * np.linalg.inv(pb) @ xb)
    bank = FilterBank(1, 0.0, 3000.0, level=np.array([True]))
    bank.start(np.array([0]), xa[None], pa[None], 5.0)
    bank.fuse(np.array([0]), xb[None], pb[None], np.array([5.0]))
    assert 0.0 < w < 1.0
    np.testing.assert_allclose(bank.state[0], x, rtol=1e-6, atol=1e-6 * np.abs(x).max())
    np.testing.assert_allclose(bank.covariance[0], p, rtol=1e-6)
    _, _, omega = covariance_intersection(xa[None], pa[None], xb[None], pb[None])
    assert omega[0] == pytest.approx(w, rel=1e-6)
