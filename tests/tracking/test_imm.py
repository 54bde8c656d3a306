"""Interacting multiple model estimator: reductions to the Kalman filter and a manoeuvre."""

from __future__ import annotations

import numpy as np
import pytest

from kamae.errors import KamaeError
from kamae.tracking.imm import InteractingMultipleModel
from kamae.tracking.kalman import covariance_diverged, kalman_update, position_matrix
from kamae.tracking.motion import ConstantVelocity

H = position_matrix()


def _start(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.concatenate([rng.normal(size=(n, 3)) * 1e4, rng.normal(size=(n, 3)) * 200], 1)
    a = rng.normal(size=(n, 6, 6))
    return x, a @ np.swapaxes(a, 1, 2) * 10 + np.eye(6) * 100


@pytest.mark.parametrize("models", [1, 3])
def test_imm_of_identical_models_is_the_kalman_filter(models: int) -> None:
    """With one model, or several identical ones, mixing is the identity and the IMM output
    equals the Kalman filter's (Bar-Shalom 2001, 11.6.6) to 1e-10, scans without a
    measurement included."""
    rng = np.random.default_rng(1)
    n = 20
    x, p = _start(rng, n)
    cv = ConstantVelocity(3.0)
    r = 900.0 * np.eye(3)
    imm = InteractingMultipleModel([cv] * models, np.full((models, models), 1.0 / models))
    state = imm.initial(x, p)
    for k in range(15):
        x, p = cv.predict(x, p, 1.0)
        state = imm.predict(state, 1.0)
        if k % 4 != 3:  # every fourth scan has no measurement
            z = x[:, :3] + rng.normal(size=(n, 3)) * 30
            u = kalman_update(x, p, z, H, r)
            x, p = u.x, u.p
            state, _ = imm.update(state, lambda a, b, z=z: kalman_update(a, b, z, H, r))
        xi, pi = state.estimate()
        np.testing.assert_allclose(xi, x, rtol=1e-10, atol=1e-8)
        np.testing.assert_allclose(pi, p, rtol=1e-10, atol=1e-8)
        np.testing.assert_allclose(state.mu.sum(axis=1), 1.0, rtol=1e-12)


def _manoeuvring_truth(rng: np.random.Generator, runs: int, scans: int) -> np.ndarray:
    """Level flight at 250 m/s; a 4 g coordinated turn (exact circular arc) on scans 40-59
    (a U-turn); level again. Random position, heading and turn direction per run."""
    speed, acc = 250.0, 39.0
    head = rng.uniform(-np.pi, np.pi, runs)
    omega = acc / speed * np.where(rng.random(runs) < 0.5, 1.0, -1.0)
    x = np.empty((scans + 1, runs, 6))
    x[0, :, :3] = rng.normal(size=(runs, 3)) * 1e4
    x[0, :, 3:] = speed * np.stack([np.cos(head), np.sin(head), np.zeros(runs)], 1)
    c, s = np.cos(omega), np.sin(omega)
    for k in range(scans):
        p, v = x[k, :, :3], x[k, :, 3:]
        if 40 <= k < 60:
            vx, vy = v[:, 0], v[:, 1]
            x[k + 1, :, 0] = p[:, 0] + (s * vx - (1 - c) * vy) / omega
            x[k + 1, :, 1] = p[:, 1] + ((1 - c) * vx + s * vy) / omega
            x[k + 1, :, 2] = p[:, 2]
            x[k + 1, :, 3:] = np.stack([c * vx - s * vy, s * vx + c * vy, v[:, 2]], 1)
        else:
            x[k + 1, :, :3] = p + v
            x[k + 1, :, 3:] = v
    return x


def test_imm_on_a_manoeuvring_target() -> None:
    """IMM of CV(q = 0.05) and CV(q = 1000 m^2/s^3) against a 4 g turn, 200 runs, sigma 25 m
    (the classic two-level IMM, Bar-Shalom 2001, 11.7). It must (a) follow the turn: RMS
    position error below 1/10 of the low-noise CV filter's, which lags by ~1 km, and within
    1.25x the high-noise filter's; (b) be quieter than the high-noise filter in level flight
    (below 0.8x); (c) put mean probability > 0.6 on the manoeuvre mode during the turn and
    < 0.2 in level flight."""
    rng = np.random.default_rng(17)
    runs, scans, sigma = 200, 100, 25.0
    truth = _manoeuvring_truth(rng, runs, scans)
    z = truth[1:, :, :3] + rng.normal(size=(scans, runs, 3)) * sigma
    r = sigma**2 * np.eye(3)
    p0 = np.zeros((runs, 6, 6))
    p0[:, :3, :3] = r
    p0[:, 3:, 3:] = 100.0**2 * np.eye(3)
    x0 = truth[0] + rng.normal(size=(runs, 6)) * np.r_[sigma, sigma, sigma, 100, 100, 100]
    low, high = ConstantVelocity(0.05), ConstantVelocity(1000.0)
    imm = InteractingMultipleModel([low, high], np.array([[0.95, 0.05], [0.10, 0.90]]))

    err = {name: np.empty((scans, runs)) for name in ("low", "high", "imm")}
    mu_high = np.empty((scans, runs))
    est = {"low": (x0, p0), "high": (x0, p0)}
    state = imm.initial(x0, p0)
    for k in range(scans):
        for name, model in (("low", low), ("high", high)):
            xp, pp = model.predict(*est[name], 1.0)
            u = kalman_update(xp, pp, z[k], H, r)
            est[name] = (u.x, u.p)
            err[name][k] = np.linalg.norm(u.x[:, :3] - truth[k + 1, :, :3], axis=1)
        state = imm.predict(state, 1.0)
        state, _ = imm.update(state, lambda a, b, k=k: kalman_update(a, b, z[k], H, r))
        xi, pi = state.estimate()
        err["imm"][k] = np.linalg.norm(xi[:, :3] - truth[k + 1, :, :3], axis=1)
        mu_high[k] = state.mu[:, 1]
        assert not covariance_diverged(xi, pi).any()

    def rms(name: str, sl: slice) -> float:
        return float(np.sqrt(np.mean(err[name][sl] ** 2)))

    level, turn = slice(20, 40), slice(42, 60)
    assert rms("imm", turn) < 0.1 * rms("low", turn)
    assert rms("imm", turn) < 1.25 * rms("high", turn)
    assert rms("imm", level) < 0.8 * rms("high", level)
    assert rms("imm", slice(75, 100)) < 0.8 * rms("high", slice(75, 100))
    assert mu_high[45:60].mean() > 0.6
    assert mu_high[level].mean() < 0.2
    assert mu_high[75:100].mean() < 0.2


def test_mode_probabilities_follow_bayes_rule() -> None:
    """mu_j = L_j c_j / sum_l L_l c_l with c = mu_prev pi (Bar-Shalom 2001, 11.6.6 step 4)."""
    rng = np.random.default_rng(3)
    x, p = _start(rng, 4)
    models = [ConstantVelocity(0.1), ConstantVelocity(50.0)]
    pi = np.array([[0.9, 0.1], [0.3, 0.7]])
    imm = InteractingMultipleModel(models, pi)
    state = imm.initial(x, p, mu=np.array([0.6, 0.4]))
    pred = imm.predict(state, 2.0)
    np.testing.assert_allclose(pred.mu, np.tile([0.6, 0.4] @ pi, (4, 1)), rtol=1e-14)
    z = x[:, :3] + 50.0
    new, u = imm.update(pred, lambda a, b: kalman_update(a, b, z, H, 100 * np.eye(3)))
    like = np.exp(u.log_likelihood.T) * pred.mu
    np.testing.assert_allclose(new.mu, like / like.sum(axis=1, keepdims=True), rtol=1e-10)


def test_transition_matrix_is_validated() -> None:
    cv = ConstantVelocity(1.0)
    with pytest.raises(KamaeError):
        InteractingMultipleModel([cv, cv], np.array([[0.9, 0.2], [0.1, 0.9]]))
    with pytest.raises(KamaeError):
        InteractingMultipleModel([cv, cv], np.eye(3))
    with pytest.raises(KamaeError):
        InteractingMultipleModel([], np.zeros((0, 0)))
