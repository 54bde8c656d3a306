"""The per-slot filters of the engine's track banks: the KF is the converted bank bit for bit,
the EKF update is the library's, the IMM's mode switching scales with the interval, and the
IMM follows a manoeuvre that a single model lags."""

from __future__ import annotations

import numpy as np
import pytest

from kamae.errors import KamaeError
from kamae.tracking.converted import BallisticTrackBank
from kamae.tracking.ekf import PolarMeasurements, ekf_rae_update, enu_rotation, rae_from_enu
from kamae.tracking.filter_bank import (
    EKF,
    IMM,
    KF,
    FilterBank,
    Manoeuvre,
    TrackerSettings,
)
from kamae.tracking.imm import sojourn_transition

MANOEUVRE = Manoeuvre(2500.0, (60.0, 10.0))
LAT, LON = np.radians(35.0), np.radians(135.0)
FRAME = enu_rotation(LAT, LON)
SITE = 6378137.0 * np.array([np.cos(LAT) * np.cos(LON), np.cos(LAT) * np.sin(LON), np.sin(LAT)])
SIGMA = np.array([30.0, 1e-3, 1e-3])


def _plots(rng: np.random.Generator, pos: np.ndarray) -> tuple[np.ndarray, ...]:
    """Noisy radar plots of ECEF positions (M, 3): Cartesian z, cov and polar."""
    from kamae.sensors.radar import measure

    m = pos.shape[0]
    rae = rae_from_enu((pos - SITE) @ FRAME.T)
    noise = rng.normal(size=(m, 3))
    site, frame = np.tile(SITE, (m, 1)), np.tile(FRAME, (m, 1, 1))
    sig = np.tile(SIGMA, (m, 1))
    z, cov = measure(site, frame, sig[:, 0], sig[:, 1], rae[:, 0], rae[:, 1], rae[:, 2], noise)
    return z, cov, PolarMeasurements(rae + sig * noise, sig, site, frame)


def test_a_bank_of_kf_slots_is_the_converted_bank_bit_for_bit() -> None:
    rng = np.random.default_rng(0)
    n = 8
    level = rng.random(n) < 0.5
    a = FilterBank(n, 2.0, 3000.0, level=level, manoeuvre=MANOEUVRE)
    b = BallisticTrackBank(n, 2.0, 3000.0, level=level)
    pos = SITE + FRAME.T @ np.array([1e5, 2e5, 1e5])
    for k in range(20):
        seen = np.flatnonzero(rng.random(n) < 0.8)
        z, cov, polar = _plots(rng, np.tile(pos + k * np.array([900.0, -400, 100]), (seen.size, 1)))
        a.update(seen, z, cov, float(k), polar)
        b.update(seen, z, cov, float(k))
        if k % 5 == 4:
            a.predict(seen, k + 0.5)
            b.predict(seen, k + 0.5)
    np.testing.assert_array_equal(a.state, b.state)
    np.testing.assert_array_equal(a.covariance, b.covariance)
    idx = np.arange(n)
    np.testing.assert_array_equal(
        a.predicted_position_sigma(idx, 7.0), b.predicted_position_sigma(idx, 7.0)
    )


def test_an_ekf_slot_updates_like_the_library_ekf() -> None:
    rng = np.random.default_rng(1)
    bank = FilterBank(1, 1.0, 3000.0, level=np.array([True]), kind=np.array([EKF]))
    pos = SITE + FRAME.T @ np.array([1e5, 2e5, 1e5])
    z, cov, polar = _plots(rng, pos[None])
    bank.update(np.array([0]), z, cov, 0.0, polar)
    x0, p0 = bank.state[0].copy(), bank.covariance[0].copy()
    z, cov, polar = _plots(rng, pos[None])
    bank.update(np.array([0]), z, cov, 0.0, polar)  # zero interval: no prediction
    ref = ekf_rae_update(x0, p0, polar.rae[0], np.diag(SIGMA**2), SITE, FRAME)
    np.testing.assert_allclose(bank.state[0], ref.x, rtol=1e-12)
    np.testing.assert_allclose(bank.covariance[0], ref.p, rtol=1e-10, atol=1e-6)


def test_mode_switching_scales_with_the_interval() -> None:
    """Pi(0) = I exactly (a zero interval mixes nothing); Pi(dt1 + dt2) = Pi(dt1) Pi(dt2)
    (a Markov chain); rows are probabilities; the two-mode closed form equals the matrix
    exponential used for more modes."""
    assert np.array_equal(sojourn_transition(np.array([0.0]), (60.0, 10.0))[0], np.eye(2))
    p1, p2, p3 = sojourn_transition(np.array([1.5, 2.5, 4.0]), (60.0, 10.0))
    np.testing.assert_allclose(p1 @ p2, p3, rtol=1e-13)
    np.testing.assert_allclose(p3.sum(axis=1), 1.0, rtol=1e-15)
    from scipy.linalg import expm

    gen = np.array([[-1 / 60.0, 1 / 60.0], [1 / 10.0, -1 / 10.0]])
    np.testing.assert_allclose(p3, expm(gen * 4.0), rtol=1e-12)
    three = sojourn_transition(np.array([2.0, 0.0]), (60.0, 10.0, 20.0))
    np.testing.assert_allclose(three[0].sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(three[1], np.eye(3), atol=1e-15)


def test_a_zero_interval_leaves_an_imm_slot_unchanged() -> None:
    rng = np.random.default_rng(2)
    bank = FilterBank(1, 1.0, 3000.0, kind=np.array([IMM]), manoeuvre=MANOEUVRE)
    pos = SITE + FRAME.T @ np.array([1e5, 2e5, 1e5])
    for k in range(3):
        z, cov, polar = _plots(rng, (pos + k * np.array([1e3, 0, 0]))[None])
        bank.update(np.array([0]), z, cov, float(k), polar)
    before = (bank.state.copy(), bank.covariance.copy(), bank.mode_probability.copy())
    bank.predict(np.array([0]), 2.0)
    assert np.array_equal(bank.state, before[0]) and np.array_equal(bank.covariance, before[1])
    assert np.array_equal(bank.mode_probability, before[2])


def test_auto_tracks_glide_and_quasi_ballistic_threats_with_the_imm() -> None:
    kinds = ["ballistic", "glide", "quasi_ballistic", "cruise"]
    auto = TrackerSettings("auto", MANOEUVRE)
    assert auto.kinds(kinds).tolist() == [KF, IMM, IMM, KF]
    assert auto.kinds(kinds, "ekf").tolist() == [EKF] * 4
    assert TrackerSettings("imm", MANOEUVRE).kinds(kinds).tolist() == [IMM] * 4


def test_the_imm_follows_a_manoeuvre_that_a_single_model_lags() -> None:
    """A level-flight target at 2 km/s pulls 5 g sideways for 20 s: over those 20 scans the
    IMM's mean position error is less than half the single model's (EKF, q = 1), on the same
    plots (30 runs); before the manoeuvre both track alike."""
    errors = np.zeros((2, 2))
    for seed in range(30):
        rng = np.random.default_rng(seed)
        bank = FilterBank(2, 1.0, 3000.0, level=np.array([True, True]),
                          kind=np.array([EKF, IMM]), manoeuvre=MANOEUVRE)  # fmt: skip
        up = FRAME[2]
        x = SITE + 2e5 * FRAME[1] + 3e4 * up
        v = 2000.0 * FRAME[0]
        for k in range(60):
            if 30 <= k < 50:
                v = v + 49.0 * FRAME[1]  # 5 g, horizontal
            x = x + v
            z, cov, polar = _plots(rng, np.tile(x, (2, 1)))
            bank.update(np.array([0, 1]), z, cov, float(k), polar)
            err = np.linalg.norm(bank.state[:, :3] - x, axis=1)
            if 15 <= k < 30:
                errors[0] += err
            elif 30 <= k < 50:
                errors[1] += err
    quiet, turning = errors / (30 * np.array([[15], [20]]))
    assert turning[1] < 0.5 * turning[0]
    assert quiet[1] < 1.5 * quiet[0] and quiet[0] < 1.5 * quiet[1]


def test_bad_filter_settings_are_refused() -> None:
    with pytest.raises(KamaeError):
        FilterBank(2, 1.0, 3000.0, kind=np.array([0, 3]))
    with pytest.raises(KamaeError):
        FilterBank(1, 1.0, 3000.0, kind=np.array([IMM]))
    with pytest.raises(KamaeError):
        Manoeuvre(-1.0, (60.0, 10.0))
    with pytest.raises(KamaeError):
        Manoeuvre(100.0, (60.0, 0.0))
    with pytest.raises(KamaeError):
        TrackerSettings("ukf", MANOEUVRE)
    with pytest.raises(KamaeError):
        sojourn_transition(np.array([1.0]), (0.0, 1.0))


def test_predicted_sigmas_and_an_update_as_predicted_are_the_full_prediction_bit_for_bit() -> None:
    """`predicted_sigmas` (the predicted covariance's diagonal alone) gives the floats of
    `position_sigma` / `velocity_sigma` of `predicted`, for KF, EKF and IMM slots; an update
    of slots the caller already predicted to the plot time is the update that predicts."""
    from kamae.tracking.base import position_sigma, velocity_sigma

    rng = np.random.default_rng(7)
    n = 12
    kind = np.array([KF, EKF, IMM] * 4)
    level = rng.random(n) < 0.5
    banks = [FilterBank(n, 2.0, 3000.0, level=level, kind=kind, manoeuvre=MANOEUVRE)
             for _ in range(2)]  # fmt: skip
    pos = SITE + FRAME.T @ np.array([1e5, 2e5, 1e5])
    idx = np.arange(n)
    for k in range(6):
        z, cov, polar = _plots(rng, np.tile(pos + k * np.array([900.0, -400, 100]), (n, 1)))
        banks[0].update(idx, z, cov, float(k), polar)
        if k:
            banks[1].predict(idx, float(k))
        banks[1].update(idx, z, cov, float(k), polar, predicted=k > 0)
    np.testing.assert_array_equal(banks[0].state, banks[1].state)
    np.testing.assert_array_equal(banks[0].covariance, banks[1].covariance)
    bank, sel = banks[0], np.array([0, 2, 4, 7, 11])
    pos_sigma, vel_sigma = bank.predicted_sigmas(sel, 9.5)
    _, p = bank.predicted(sel, 9.5)
    assert pos_sigma.tobytes() == position_sigma(p).tobytes()
    assert vel_sigma.tobytes() == velocity_sigma(p).tobytes()
    _, p = bank._predict(sel, np.full(sel.size, 4.0))
    assert bank.predicted_position_sigma(sel, 4.0).tobytes() == position_sigma(p).tobytes()
