"""kamae's IMM against Stone Soup's IMM (dstl/Stone-Soup), the library estimator and the
engine's IMM slots, per scan: mode-matched means and covariances, mode probabilities and the
moment-matched output.

Stone Soup has no released IMM: neither 1.9.1 (installed here) nor its main branch (ec032a9,
2026) holds one; issue dstl/Stone-Soup#129 ("Implementing multiple models (GPB, IMM)") is open
since 2019. Its repository holds two unmerged ones:

- ``IMMPredictor`` / ``IMMUpdater`` of PR #142 (L. Vladimirov, commit 827c9e4a, 2019; last
  D. Kirkland, ef0ff98a, 2021): the IMM of Blom & Bar-Shalom (IEEE TAC 33(8), 1988) as in
  Bar-Shalom, Li & Kirubarajan 2001, 11.6.6. Mixing: c_j = Pi^T mu (11.6.6-8),
  mu_i|j = pi_ij mu_i / c_j (-7), each mode's mixed prior by ``gm_reduce_single`` (its
  ``imm_merge``); mode-matched Stone Soup predictors and updaters; likelihood
  ``scipy.stats.multivariate_normal.pdf`` of the innovation; mu_j = L_j c_j / sum (-15). It is
  written against the Stone Soup of 2019 (``GaussianMixtureState`` and its predictions and
  updates, since removed) and does not import on 1.9.1.
- The multiple-model framework of PR #1257 (J. S. Wright, Dstl; head d124aab, 2026), whose
  IMM is a ``ModelAugmentor`` then a ``ModelReducer``. That reducer multiplies every
  component's weight by a uniform random number before ``gm_reduce_single``
  (``hist_state.weights * random_state.rand(len(hist_state.weights))`` in
  ``stonesoup/reducer/model.py``), so its mixed priors are random convex combinations of the
  modes: not Blom & Bar-Shalom's mixing, and comparable with a deterministic IMM only in
  distribution. It is not the oracle here.

The oracle (`_StoneSoupIMM`) is therefore PR #142's IMM rebuilt on released Stone Soup 1.9.1
parts: ``gm_reduce_single`` for the mixing and for the output, ``KalmanPredictor`` (with the
gravity input of the engine's coast, `_GravityKalmanPredictor`) per mode, ``KalmanUpdater`` or
``ExtendedKalmanUpdater`` (analytic Jacobian) per mode, its ``predict_measurement`` for the
innovation and its covariance; the Markov bookkeeping is the three equations above, as in
PR #142. One change from PR #142: a prediction carries c_j as its weights (PR #142 carries
mu_{k-1} and forms c_j in the updater), so that a scan without a measurement leaves mu = c
(Bar-Shalom 2001, 11.6.6: no measurement, equal likelihoods); PR #142 has no path for such a
scan.

Tolerance: 1e-9 relative, as for the KF and EKF against Stone Soup (test_tracking_stonesoup):
both sides run the same equations, and the mixture is reduced the same way (moment matching,
11.6.6-10 and step 5), so only the order of floating-point operations differs (batched einsum
against per-target loops; mode weights in logs against linear weights with the largest
likelihood factored out; Stone Soup's ``Probability`` weights, held as logs). Measured: at
worst 2e-10 (normalised covariances and mode probabilities after 40 scans), 3e-12 to 5e-11
for the means. That is the problem's own sensitivity to rounding, not a difference of
algorithm: kamae's IMM on the first case, with its initial mean moved by one ulp (2e-16
relative), moves by up to 5e-11 in normalised covariance and 2e-11 in mode probability
(the mean enters the covariance through the gravity input and the mixing spread terms, and
the probabilities through the innovations). The 1e-9 bound keeps a factor of 5 over what was
measured; a mixing without its spread terms, or predictions that keep mu_{k-1} as their
weights, fail it (checked by mutation). Means are compared per block (position, velocity)
relative to the block's largest magnitude, covariances as P_ab / sqrt(P_aa P_bb) of the
oracle's diagonal, mode probabilities to 1e-9 absolute.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import numpy as np
import pytest

pytest.importorskip("stonesoup")

from scipy.linalg import expm  # noqa: E402
from scipy.stats import multivariate_normal  # noqa: E402
from stonesoup.functions import gm_reduce_single  # noqa: E402
from stonesoup.models.measurement.linear import LinearGaussian  # noqa: E402
from stonesoup.models.transition.linear import (  # noqa: E402
    CombinedLinearGaussianTransitionModel,
)
from stonesoup.models.transition.linear import (  # noqa: E402
    ConstantVelocity as SSConstantVelocity,
)
from stonesoup.predictor.kalman import KalmanPredictor  # noqa: E402
from stonesoup.types.array import StateVector, StateVectors  # noqa: E402
from stonesoup.types.detection import Detection  # noqa: E402
from stonesoup.types.hypothesis import SingleHypothesis  # noqa: E402
from stonesoup.types.mixture import GaussianMixture  # noqa: E402
from stonesoup.types.prediction import GaussianStatePrediction  # noqa: E402
from stonesoup.types.state import GaussianState, WeightedGaussianState  # noqa: E402
from stonesoup.updater.kalman import ExtendedKalmanUpdater, KalmanUpdater  # noqa: E402
from test_filter_bank_validation import _cartesian, _polar  # noqa: E402
from test_tracking_stonesoup import (  # noqa: E402
    H_SS_POS,
    SIGMA_B,
    SIGMA_EL,
    SIGMA_R,
    T0,
    TO_KAMAE,
    TO_SS,
    _AnalyticJacobian,
    _ecef_targets,
    _GravityKalmanPredictor,
    _kamae_frame,
    _ss_model,
    _to_kamae_measurement,
)

from kamae.tracking.filter_bank import IMM, FilterBank, Manoeuvre  # noqa: E402
from kamae.tracking.imm import IMMState, InteractingMultipleModel  # noqa: E402
from kamae.tracking.kalman import kalman_update, position_matrix  # noqa: E402
from kamae.tracking.motion import BallisticCoast, ConstantVelocity  # noqa: E402

RTOL = 1e-9
LogLikelihood = Callable[[np.ndarray, np.ndarray], float]


def _scipy_log_likelihood(y: np.ndarray, s: np.ndarray) -> float:
    """log N(y; 0, S) by scipy, as PR #142 (its ``mvn.pdf``, here in logs)."""
    return float(multivariate_normal.logpdf(y, mean=np.zeros(y.size), cov=s))


def _gaussian_log_likelihood(y: np.ndarray, s: np.ndarray) -> float:
    """log N(y; 0, S) written out: scipy's logpdf treats a range-angle S (eigenvalues ~1e10
    apart) as singular below its 1e6-ulp eigenvalue cut (test_filter_bank_validation)."""
    return float(-0.5 * (y @ np.linalg.solve(s, y) + np.linalg.slogdet(2 * np.pi * s)[1]))


class _StoneSoupIMM:
    """Blom & Bar-Shalom's IMM as Stone Soup's PR #142 assembles it (module docstring), on
    Stone Soup 1.9.1 parts; a state is a ``GaussianMixture`` of ``WeightedGaussianState``
    (one component per mode, its weight the mode probability), in Stone Soup's order."""

    def __init__(self, predictors: Sequence[object], updater: object, loglik: LogLikelihood):
        self.predictors = predictors
        self.updater = updater
        self.loglik = loglik

    def predict(self, prior: GaussianMixture, pi: np.ndarray, t: datetime) -> GaussianMixture:
        mu = np.array([float(c.weight) for c in prior])
        c = pi.T @ mu  # 11.6.6-8
        mixing = (pi * mu[:, None] / c[None, :]).T  # [j, i] = mu_i|j, 11.6.6-7
        means = StateVectors([comp.state_vector for comp in prior])
        covars = np.stack([comp.covar for comp in prior], axis=2)
        out = []
        for j, predictor in enumerate(self.predictors):
            mean, covar = gm_reduce_single(means, covars, mixing[j])  # 11.6.6-9, -10
            start = GaussianState(mean, covar, timestamp=prior[j].timestamp)
            pred = predictor.predict(start, timestamp=t)  # type: ignore[attr-defined]
            out.append(WeightedGaussianState(pred.state_vector, pred.covar, t, weight=c[j]))
        return GaussianMixture(out)

    def update(self, prediction: GaussianMixture, detection: Detection) -> GaussianMixture:
        posts, logl = [], []
        for comp in prediction:
            pred = GaussianStatePrediction(comp.state_vector, comp.covar, comp.timestamp)
            mp = self.updater.predict_measurement(  # type: ignore[attr-defined]
                pred, measurement_model=detection.measurement_model
            )
            posts.append(self.updater.update(SingleHypothesis(pred, detection, mp)))  # type: ignore[attr-defined]
            y = np.asarray(detection.state_vector - mp.state_vector, dtype=float).ravel()
            logl.append(self.loglik(y, np.asarray(mp.covar, dtype=float)))
        c = np.array([float(comp.weight) for comp in prediction])
        w = np.exp(np.array(logl) - max(logl)) * c  # 11.6.6-15, the largest L_j factored out
        w /= w.sum()
        return GaussianMixture(
            [
                WeightedGaussianState(p.state_vector, p.covar, p.timestamp, weight=wj)
                for p, wj in zip(posts, w, strict=True)
            ]
        )


def _estimate(state: GaussianMixture) -> tuple[np.ndarray, np.ndarray]:
    """The oracle's output: ``gm_reduce_single`` over the modes (11.6.6 step 5)."""
    means = StateVectors([comp.state_vector for comp in state])
    covars = np.stack([comp.covar for comp in state], axis=2)
    mean, covar = gm_reduce_single(means, covars, np.array([float(c.weight) for c in state]))
    return _to_kamae(mean, covar)


def _to_kamae(mean: np.ndarray, covar: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(mean, dtype=float).ravel()[TO_KAMAE]
    return x, np.asarray(covar, dtype=float)[np.ix_(TO_KAMAE, TO_KAMAE)]


def _mixture(x: np.ndarray, p: np.ndarray, mu: np.ndarray, t: datetime) -> GaussianMixture:
    """Every mode at (x (6,), p (6, 6)) in kamae's order, weights mu (r,)."""
    sv = StateVector(x[TO_SS])
    cov = p[np.ix_(TO_SS, TO_SS)]
    return GaussianMixture([WeightedGaussianState(sv, cov, t, weight=m) for m in mu])


def _assert_same(x: np.ndarray, p: np.ndarray, xs: np.ndarray, ps: np.ndarray) -> float:
    """Agreement to RTOL (module docstring); returns the largest normalised difference."""
    worst = 0.0
    for block in (slice(0, 3), slice(3, 6)):
        scale = np.abs(xs[block]).max() or 1.0  # a velocity of exactly 0 at a track's start
        np.testing.assert_allclose(x[block], xs[block], rtol=0, atol=RTOL * scale)
        worst = max(worst, float(np.abs(x[block] - xs[block]).max() / scale))
    d = np.sqrt(np.diag(ps))
    np.testing.assert_allclose(p / np.outer(d, d), ps / np.outer(d, d), rtol=0, atol=RTOL)
    return max(worst, float(np.abs((p - ps) / np.outer(d, d)).max()))


def _assert_modes(state: IMMState, index: int, oracle: GaussianMixture) -> float:
    """Each mode's mean and covariance and the mode probabilities of target `index`."""
    worst = 0.0
    for j, comp in enumerate(oracle):
        xs, ps = _to_kamae(comp.state_vector, comp.covar)
        worst = max(worst, _assert_same(state.x[j, index], state.p[j, index], xs, ps))
    mu = np.array([float(c.weight) for c in oracle])
    np.testing.assert_allclose(state.mu[index], mu, rtol=0, atol=RTOL)
    return max(worst, float(np.abs(state.mu[index] - mu).max()))


# ------------------------------------------------------------------------------------------
# The library estimator
# ------------------------------------------------------------------------------------------


def _manoeuvring_truth(rng: np.random.Generator, n: int, dts: np.ndarray) -> np.ndarray:
    """(scans + 1, n, 6) ECEF states: a coast under point-mass gravity (an Euler step of
    0.1 s), with a 5 g lateral push across the velocity on a stretch of each target's scans."""
    x = np.empty((dts.size + 1, n, 6))
    x[0] = _ecef_targets(rng, n, 2500.0)
    push = rng.integers(8, 20, n)
    for k, dt in enumerate(dts):
        s = x[k].copy()
        side = np.cross(s[:, 3:], s[:, :3])
        side /= np.linalg.norm(side, axis=1, keepdims=True)
        on = (push <= k) & (k < push + 8)
        steps = max(1, int(round(dt / 0.1)))
        h = dt / steps
        for _ in range(steps):
            r = np.linalg.norm(s[:, :3], axis=1, keepdims=True)
            a = -3.986004418e14 * s[:, :3] / r**3 + on[:, None] * 49.0 * side
            s[:, 3:] += h * a
            s[:, :3] += h * s[:, 3:]
        x[k + 1] = s
    return x


@pytest.mark.parametrize("seed", [1, 2])
def test_imm_matches_stone_soup(seed: int) -> None:
    """`InteractingMultipleModel` with three modes of different motion (CV at q = 1 m²/s³,
    CV at q = 400 m²/s³, the ballistic coast with gravity input at q = 1), a fixed 3 x 3
    Markov matrix, non-uniform initial probabilities, four targets that coast and are pushed
    at 5 g for 8 scans, 40 scans at irregular intervals (every fifth without a measurement),
    full correlated position noise: every mode's mean and covariance, the mode probabilities
    and the output equal the Stone Soup IMM's (`_StoneSoupIMM`) at every scan to 1e-9
    (measured 2e-10 at worst). The modes must disagree (the mixing terms matter) and the
    probabilities must move."""
    rng = np.random.default_rng(seed)
    n, scans = 4, 40
    qs = (1.0, 400.0, 1.0)
    pi = np.array([[0.90, 0.06, 0.04], [0.15, 0.80, 0.05], [0.05, 0.05, 0.90]])
    mu0 = np.array([0.5, 0.2, 0.3])
    dts = np.array([rng.integers(500_000, 3_000_000) / 1e6 for _ in range(scans)])
    truth = _manoeuvring_truth(rng, n, dts)
    a = rng.normal(size=(3, 3))
    r = a @ a.T * 400.0 + 900.0 * np.eye(3)
    h = position_matrix()
    mmodel = LinearGaussian(ndim_state=6, mapping=H_SS_POS, noise_covar=r)
    imm = InteractingMultipleModel(
        [ConstantVelocity(qs[0]), ConstantVelocity(qs[1]), BallisticCoast(qs[2])], pi
    )

    def cv(q: float) -> CombinedLinearGaussianTransitionModel:
        return CombinedLinearGaussianTransitionModel([SSConstantVelocity(q)] * 3)

    modes = [KalmanPredictor(cv(qs[0])), KalmanPredictor(cv(qs[1]))]
    oracle = _StoneSoupIMM(
        [*modes, _GravityKalmanPredictor(cv(qs[2]))],
        KalmanUpdater(mmodel),
        _scipy_log_likelihood,
    )
    x0 = truth[0] + rng.normal(size=(n, 6)) * np.r_[[300.0] * 3, [50.0] * 3]
    p0 = np.diag([300.0**2] * 3 + [50.0**2] * 3)
    state = imm.initial(x0, np.tile(p0, (n, 1, 1)), mu0)
    ss = [_mixture(x0[i], p0, mu0, T0) for i in range(n)]
    t, worst, spread, mu_push = T0, 0.0, 0.0, []
    for k, dt in enumerate(dts):
        t = t + timedelta(seconds=float(dt))
        state = imm.predict(state, float(dt))
        ss = [oracle.predict(ss[i], pi, t) for i in range(n)]
        if k % 5 != 4:
            z = truth[k + 1, :, :3] + rng.normal(size=(n, 3)) @ np.linalg.cholesky(r).T
            state, _ = imm.update(state, lambda x, p, z=z: kalman_update(x, p, z, h, r))
            ss = [
                oracle.update(ss[i], Detection(StateVector(z[i]), t, measurement_model=mmodel))
                for i in range(n)
            ]
        x, p = state.estimate()
        for i in range(n):
            worst = max(
                worst, _assert_modes(state, i, ss[i]), _assert_same(x[i], p[i], *_estimate(ss[i]))
            )
        spread = max(spread, float(np.abs(state.x[1, :, :3] - state.x[2, :, :3]).max()))
        mu_push.append(state.mu[:, 1])
    assert worst < RTOL
    assert spread > 10.0  # the modes' positions differ by more than 10 m
    mu_high = np.array(mu_push)
    assert mu_high.max() > 0.5 and mu_high.min() < 0.1


# ------------------------------------------------------------------------------------------
# The engine's IMM slots
# ------------------------------------------------------------------------------------------


def _sojourn(dt: float, tau: tuple[float, float]) -> np.ndarray:
    """The oracle's transition over dt: expm(L dt) of the two-mode generator L (rates
    1/tau_i out of mode i), by scipy."""
    gen = np.array([[-1.0 / tau[0], 1.0 / tau[0]], [1.0 / tau[1], -1.0 / tau[1]]])
    return np.asarray(expm(gen * dt))


def test_engine_imm_slots_match_stone_soup() -> None:
    """IMM slots of the engine's bank (`FilterBank`, kind IMM: the quiet and manoeuvre modes
    of the ballistic coast, or of level flight, with DCWNA q = 2 and 900 m²/s³; the
    continuous-time Markov chain of mean sojourns 30 s and 6 s over each slot's own interval;
    each mode updated in range, azimuth and elevation; started on a Cartesian plot with the
    velocity prior and the chain's stationary probabilities) equal the Stone Soup IMM with
    `_GravityKalmanPredictor` modes, ``ExtendedKalmanUpdater`` (analytic Jacobian) and the
    transition expm(L dt) of scipy, over 40 scans at irregular intervals in which each of six
    targets (three ballistic, three level) is measured or not at random, and pushed at 5 g for
    8 scans: every mode, the mode probabilities and the slot's output to 1e-9 relative at every
    update (measured 2e-10 at worst). This is the engine's code path (slot starts, per-slot
    intervals, the gravity input, polar updates), not the library's alone."""
    rng = np.random.default_rng(23)
    n, scans, q, qm, v_sigma = 6, 40, 2.0, 900.0, 3000.0
    tau = (30.0, 6.0)
    level = np.arange(n) % 2 == 1
    dts = np.array([rng.integers(500_000, 3_000_000) / 1e6 for _ in range(scans)])
    truth = _manoeuvring_truth(rng, n, dts)
    model = _ss_model(_AnalyticJacobian)
    frame = _kamae_frame(model)
    site = np.asarray(model.translation_offset, dtype=float).ravel()
    imm = np.full(n, IMM)
    bank = FilterBank(n, q, v_sigma, level=level, kind=imm, manoeuvre=Manoeuvre(qm, tau))
    stationary = np.asarray(tau) / sum(tau)

    def cv(qq: float) -> CombinedLinearGaussianTransitionModel:
        return CombinedLinearGaussianTransitionModel([SSConstantVelocity(qq)] * 3)

    oracles = [
        _StoneSoupIMM(
            [
                _GravityKalmanPredictor(cv(q), level=bool(lv)),
                _GravityKalmanPredictor(cv(qm), level=bool(lv)),
            ],
            ExtendedKalmanUpdater(model),
            _gaussian_log_likelihood,
        )
        for lv in level
    ]
    ss: list[GaussianMixture | None] = [None] * n
    last: list[datetime] = [T0] * n
    sigma = np.array([SIGMA_EL, SIGMA_B, SIGMA_R])
    t, seconds, worst, mu_high = T0, 0.0, 0.0, []
    for k, dt in enumerate(dts):
        t, seconds = t + timedelta(seconds=float(dt)), seconds + float(dt)
        seen = np.flatnonzero(rng.random(n) < 0.7)
        if seen.size == 0:
            continue
        z_ss = [
            np.asarray(
                model.function(GaussianState(truth[k + 1, i][TO_SS][:, None], np.eye(6))),
                dtype=float,
            ).ravel()
            + rng.normal(size=3) * sigma
            for i in seen
        ]
        rae = np.array([_to_kamae_measurement(z) for z in z_ss])
        xyz = _cartesian(rae, frame, site)
        start_cov = np.tile(np.eye(3) * 250.0**2, (seen.size, 1, 1))
        bank.update(seen, xyz, start_cov, seconds, _polar(rae, frame, site))
        modes = IMMState(bank.mode_state, bank.mode_covariance, bank.mode_probability)
        for j, i in enumerate(seen):
            prior = ss[i]
            if prior is None:
                p0 = np.zeros((6, 6))
                p0[:3, :3] = start_cov[j]
                p0[3:, 3:] = v_sigma**2 * np.eye(3)
                ss[i] = _mixture(np.r_[xyz[j], np.zeros(3)], p0, stationary, t)
            else:
                pi = _sojourn((t - last[i]).total_seconds(), tau)
                pred = oracles[i].predict(prior, pi, t)
                det = Detection(StateVector(z_ss[j]), timestamp=t, measurement_model=model)
                ss[i] = oracles[i].update(pred, det)
            last[i] = t
            state = ss[i]
            assert state is not None
            worst = max(worst, _assert_modes(modes, i, state))
            worst = max(worst, _assert_same(bank.state[i], bank.covariance[i], *_estimate(state)))
        mu_high.append(bank.mode_probability[:, 1].copy())
    assert worst < RTOL
    mu = np.array(mu_high)
    assert np.nanmax(mu) > 0.5 and np.nanmin(mu) < 0.1  # the manoeuvre mode was used
