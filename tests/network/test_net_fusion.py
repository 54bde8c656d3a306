"""Covariance intersection, track-to-track association and C2 fusion without double counting."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from kamae.network import associate_tracks, covariance_intersection, fuse_tracks


def _spd(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    a = rng.normal(size=(k, n, n))
    return a @ np.swapaxes(a, 1, 2) + 0.1 * np.eye(n)


def test_omega_matches_scipy_bounded_minimisation() -> None:
    rng = np.random.default_rng(2)
    pa, pb = _spd(rng, 6, 20), _spd(rng, 6, 20)
    x = rng.normal(size=(20, 6))
    _, p, w = covariance_intersection(x, pa, x, pb)
    for k in range(20):
        ia, ib = np.linalg.inv(pa[k]), np.linalg.inv(pb[k])
        res = minimize_scalar(
            lambda om, ia=ia, ib=ib: np.trace(np.linalg.inv(om * ia + (1 - om) * ib)),
            bounds=(0.0, 1.0),
            method="bounded",
            options={"xatol": 1e-10},
        )
        assert np.trace(p[k]) <= res.fun * (1 + 1e-7)
        assert np.trace(p[k]) == pytest.approx(res.fun, rel=1e-6)


def test_identical_inputs_fuse_to_themselves() -> None:
    """The same track arriving by two paths must not shrink the covariance."""
    rng = np.random.default_rng(1)
    p = _spd(rng, 6, 5)
    x = rng.normal(size=(5, 6))
    fx, fp, _ = covariance_intersection(x, p, x, p)
    np.testing.assert_allclose(fx, x, atol=1e-9)
    np.testing.assert_allclose(fp, p, rtol=1e-9, atol=1e-9)


def test_ci_equals_better_input_when_other_adds_nothing() -> None:
    pa = np.diag([1.0, 1.0, 1.0])[None]
    pb = 4.0 * pa
    _, p, w = covariance_intersection(np.zeros((1, 3)), pa, np.ones((1, 3)), pb)
    assert w[0] == 1.0
    np.testing.assert_allclose(p, pa)


def test_associate_tracks_pairs_the_right_ones() -> None:
    rng = np.random.default_rng(0)
    truth = rng.uniform(-1e5, 1e5, size=(8, 6))
    p = np.tile(np.eye(6) * 100.0**2, (8, 1, 1))
    xa = truth + rng.normal(0, 100, size=truth.shape)
    perm = rng.permutation(8)
    xb = truth[perm] + rng.normal(0, 100, size=truth.shape)
    xb[3] += 1e6  # a track of a target A does not hold: outside any gate
    assign = associate_tracks(xa, p, xb, p)
    for j in range(8):
        if j == 3:
            assert assign.measurement_to_track[j] == -1
        else:
            assert assign.measurement_to_track[j] == perm[j]


def test_fuse_tracks_drops_same_sensor_by_two_paths() -> None:
    n = 3
    p1 = np.eye(n) * 4.0
    p2 = np.diag([1.0, 9.0, 9.0])
    # group 0: sensor 0 by two paths (identical data, one older copy) and sensor 1
    # group 1: a lone track of sensor 2
    x = np.array([[1.0, 0, 0], [1.0, 0, 0], [0.0, 1, 0], [5.0, 5, 5]])
    p = np.stack([p1, p1, p2, p1])
    sources = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=bool)
    time_s = np.array([10.0, 9.0, 10.0, 10.0])
    group = np.array([0, 0, 0, 1])
    fused = fuse_tracks(x, p, sources, time_s, group)
    assert fused.group.tolist() == [0, 1]
    assert fused.used.tolist() == [True, False, True, True]  # the older copy is dropped
    assert fused.sources.tolist() == [[True, True, False], [False, False, True]]
    expected_x, expected_p, _ = covariance_intersection(x[[0]], p1[None], x[[2]], p2[None])
    np.testing.assert_allclose(fused.x[0], expected_x[0])
    np.testing.assert_allclose(fused.p[0], expected_p[0])
    np.testing.assert_allclose(fused.x[1], x[3])
    assert np.trace(fused.p[0]) <= min(np.trace(p1), np.trace(p2))
