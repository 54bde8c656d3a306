"""The compiled filter kernels against the NumPy forms they replace (`kamae.tracking.kernels`).

References are the textbook equations written with NumPy's batched linear algebra here, as
the engine ran them before the kernels (Bar-Shalom, Li & Kirubarajan 2001, section 5.2: gain,
Joseph form, short form; the CV prediction of section 6.2.2). The prediction kernel must
give the same floats; the updates agree to rounding.
"""

from __future__ import annotations

import numpy as np
import pytest

from kamae.tracking import kernels
from kamae.tracking.association import mahalanobis_pairs
from kamae.tracking.kalman import gaussian_update
from kamae.tracking.motion import cv_predict


def _spd(rng: np.random.Generator, count: int, n: int, scale: float) -> np.ndarray:
    a = rng.normal(size=(count, n, n))
    return scale * (a @ a.transpose(0, 2, 1)) + scale * np.eye(n)


def _numpy_position_update(x, p, z, r, joseph):  # type: ignore[no-untyped-def]
    s = p[:, :3, :3] + r
    gain = np.linalg.solve(s, p[:, :3, :]).transpose(0, 2, 1)
    x_new = x + np.einsum("nij,nj->ni", gain, z - x[:, :3])
    if joseph:
        j = np.eye(6) - np.concatenate([gain, np.zeros((x.shape[0], 6, 3))], axis=2)
        p_new = j @ p @ j.transpose(0, 2, 1) + gain @ r @ gain.transpose(0, 2, 1)
    else:
        p_new = p - gain @ p[:, :3, :]
    return x_new, 0.5 * (p_new + p_new.transpose(0, 2, 1))


@pytest.mark.parametrize("joseph", [True, False])
def test_position_update_is_the_kalman_update(joseph: bool) -> None:
    rng = np.random.default_rng(7)
    p = _spd(rng, 200, 6, 1e4)
    r = _spd(rng, 200, 3, 1e2)
    x = rng.normal(size=(200, 6)) * 1e6
    z = x[:, :3] + rng.normal(size=(200, 3)) * 30.0
    got_x, got_p = kernels.position_update(x, p, z, r, joseph)
    want_x, want_p = _numpy_position_update(x, p, z, r, joseph)
    np.testing.assert_allclose(got_x, want_x, rtol=1e-13, atol=0)
    np.testing.assert_allclose(got_p, want_p, rtol=0, atol=1e-10 * np.abs(want_p).max())
    assert np.array_equal(got_p, got_p.transpose(0, 2, 1))  # symmetric, exactly


def test_position_update_of_a_singular_innovation_is_nan() -> None:
    p = np.zeros((1, 6, 6))
    x, pp = kernels.position_update(np.ones((1, 6)), p, np.ones((1, 3)), np.zeros((1, 3, 3)), True)
    assert np.isnan(x).all() and np.isnan(pp).all()


def _numpy_gaussian_update(x, p, y, h, r):  # type: ignore[no-untyped-def]
    pht = p @ np.swapaxes(h, -1, -2)
    s = h @ pht + r
    s = 0.5 * (s + np.swapaxes(s, -1, -2))
    gain = np.swapaxes(np.linalg.solve(s, np.swapaxes(pht, -1, -2)), -1, -2)
    w = np.linalg.solve(s, y[..., None])[..., 0]
    p_new = p - gain @ np.swapaxes(pht, -1, -2)
    nis = np.einsum("...i,...i->...", y, w)
    loglik = -0.5 * (nis + np.linalg.slogdet(s)[1] + y.shape[-1] * np.log(2 * np.pi))
    p_new = 0.5 * (p_new + np.swapaxes(p_new, -1, -2))
    return x + (gain @ y[..., None])[..., 0], p_new, nis, loglik


@pytest.mark.parametrize("m", [1, 2, 3])
def test_gaussian_update_matches_the_batched_solve(m: int) -> None:
    rng = np.random.default_rng(11)
    count = 50
    p = _spd(rng, count, 6, 1e3).reshape(2, 25, 6, 6)
    r = _spd(rng, count, m, 10.0).reshape(2, 25, m, m)
    h = rng.normal(size=(2, 25, m, 6))
    x = rng.normal(size=(2, 25, 6)) * 1e3
    y = rng.normal(size=(2, 25, m)) * 10.0
    got = gaussian_update(x, p, y, h, r)
    want_x, want_p, want_nis, want_ll = _numpy_gaussian_update(x, p, y, h, r)
    np.testing.assert_allclose(got.x, want_x, rtol=1e-12)
    np.testing.assert_allclose(got.p, want_p, rtol=0, atol=1e-10 * np.abs(want_p).max())
    np.testing.assert_allclose(got.nis, want_nis, rtol=1e-10)
    np.testing.assert_allclose(got.log_likelihood, want_ll, rtol=1e-12)
    assert got.x.shape == (2, 25, 6) and got.s.shape == (2, 25, m, m)


def test_gaussian_update_flags_an_innovation_covariance_that_is_not_pd() -> None:
    p = np.stack([np.eye(6), np.eye(6)])
    r = np.stack([np.eye(3), -3.0 * np.eye(3)])  # S = I + R: PD, then indefinite
    h = np.concatenate([np.eye(3), np.zeros((3, 3))], axis=1)
    got = gaussian_update(np.zeros((2, 6)), p, np.ones((2, 3)), h, r)
    assert np.isfinite(got.x[0]).all() and np.isnan(got.x[1]).all()
    assert np.isnan(got.p[1]).all() and got.log_likelihood[1] == -np.inf
    np.testing.assert_allclose(got.nis[0], 3 / 2)  # y^T (2 I)^-1 y


def test_mahalanobis_pairs_match_the_batched_solve() -> None:
    rng = np.random.default_rng(3)
    s = _spd(rng, 300, 3, 1e2)
    y = rng.normal(size=(300, 3)) * 20.0
    s[5] = -np.eye(3)  # not PD: inf
    s[9, 0, 0] = np.nan
    got = mahalanobis_pairs(y, s)
    want = np.einsum("pi,pi->p", y, np.linalg.solve(s, y[..., None])[..., 0])
    keep = np.ones(300, bool)
    keep[[5, 9]] = False
    np.testing.assert_allclose(got[keep], want[keep], rtol=1e-12)
    assert got[5] == np.inf and got[9] == np.inf


def test_cv_prediction_kernel_gives_numpys_floats() -> None:
    rng = np.random.default_rng(5)
    p = _spd(rng, 400, 6, 1e4)
    x = rng.normal(size=(400, 6)) * 1e6
    dt = rng.uniform(0.0, 30.0, 400)
    accel = rng.normal(size=(400, 3))
    got_x, got_p = cv_predict(x, p, dt, 0.5, accel=accel)  # (M, 6, 6): the kernel
    want_x, want_p = cv_predict(x[None], p[None], dt[None], 0.5, accel=accel[None])  # NumPy
    assert np.array_equal(got_x, want_x[0]) and np.array_equal(got_p, want_p[0])


def test_segment_sums_are_numpys_sums() -> None:
    rng = np.random.default_rng(2)
    count = rng.integers(0, 300, 60)
    count[:3] = [0, 1, 7]
    v = rng.random(count.sum()) * 10.0 ** rng.integers(-3, 7, count.sum())
    got = kernels.segment_sums(v, count)
    starts = np.r_[0, np.cumsum(count)[:-1]]
    want = np.array([v[s : s + n].sum() for s, n in zip(starts, count, strict=True)])
    assert np.array_equal(got, want)


def test_trace_3x3_is_numpys_trace() -> None:
    from kamae.tracking.association import trace_3x3

    rng = np.random.default_rng(4)
    m = rng.normal(size=(5000, 3, 3)) * 10.0 ** rng.integers(-5, 8, (5000, 1, 1))
    assert np.array_equal(trace_3x3(m), np.trace(m, axis1=1, axis2=2))


def _gate_case(rng: np.random.Generator, tracks: int, plots: int):  # type: ignore[no-untyped-def]
    t_pos = rng.normal(size=(tracks, 3)) * 300.0
    m_pos = rng.normal(size=(plots, 3)) * 300.0
    t_p = _spd(rng, tracks, 6, 50.0)
    m_cov = _spd(rng, plots, 3, 100.0)
    t_p[3, :3, :3] = -np.eye(3)  # a track covariance not PD: never pre-filtered, d2 = inf
    m_cov[4, 0, 0] = np.nan
    pt, pm = (g.ravel() for g in np.meshgrid(np.arange(tracks), np.arange(plots)))
    return t_pos, m_pos, t_p, m_cov, pt, pm


def _traces(t_cov, m_cov):  # type: ignore[no-untyped-def]
    from kamae.tracking.association import positive_definite_3x3, trace_3x3

    t_tr = np.where(positive_definite_3x3(t_cov), trace_3x3(t_cov), np.nan)
    return t_tr, np.where(positive_definite_3x3(m_cov), trace_3x3(m_cov), np.nan)


def test_gate_pairs_are_gated_costs() -> None:
    from kamae.tracking.association import GATE_BOUND_MARGIN, gated_costs

    rng = np.random.default_rng(8)
    t_pos, m_pos, t_p, m_cov, pt, pm = _gate_case(rng, 12, 15)
    t_cov = np.ascontiguousarray(t_p[:, :3, :3])
    own = rng.random(pt.size) < 0.1
    gate = 16.0
    t_tr, m_tr = _traces(t_cov, m_cov)
    want = gated_costs(
        m_pos[pm] - t_pos[pt], t_tr[pt] + m_tr[pm], lambda i: t_cov[pt[i]] + m_cov[pm[i]], gate,
        own,
    )  # fmt: skip
    got = kernels.gate_pairs(
        pt, pm, t_pos, t_cov, t_tr, m_pos, m_cov, m_tr, own, gate, GATE_BOUND_MARGIN * gate
    )
    assert 0 < want[0].sum() < pt.size  # some pairs in, some out
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def test_gate_predicted_pairs_are_gated_costs() -> None:
    from kamae.tracking.association import GATE_BOUND_MARGIN, gated_costs

    rng = np.random.default_rng(9)
    t_pos, m_pos, t_p, m_cov, pt, pm = _gate_case(rng, 12, 15)
    d = rng.uniform(0.0, 5.0, 12)
    noise = 0.3 * d**3 / 3.0
    a, b, c = t_p[:, :3, :3], t_p[:, :3, 3:], t_p[:, 3:, 3:]
    s_t = a + d[:, None, None] * (b + np.swapaxes(b, 1, 2)) + (d * d)[:, None, None] * c
    t_tr, m_tr = _traces(s_t + noise[:, None, None] * np.eye(3), m_cov)
    gate = 16.0

    def covariance(i: np.ndarray) -> np.ndarray:
        k = pt[i]
        dd = d[k][:, None, None]
        s = a[k] + dd * (b[k] + np.swapaxes(b[k], 1, 2)) + dd * dd * c[k]
        return s + noise[k][:, None, None] * np.eye(3) + m_cov[pm[i]]

    want = gated_costs(m_pos[pm] - t_pos[pt], t_tr[pt] + m_tr[pm], covariance, gate)
    got = kernels.gate_predicted_pairs(
        pt, pm, t_pos, t_p, d, noise, t_tr, m_pos, m_cov, m_tr, gate, GATE_BOUND_MARGIN * gate
    )
    assert 0 < want[0].sum() < pt.size
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


@pytest.mark.parametrize("integer", [False, True])
def test_shortest_path_assignment_is_scipys(integer: bool) -> None:
    """The compiled assignment makes scipy's choices, on random rectangular problems with
    forbidden pairs and, with small integer costs, many ties."""
    from scipy.optimize import linear_sum_assignment

    rng = np.random.default_rng(12)
    for _ in range(400):
        nr = int(rng.integers(1, 6))
        nc = nr + int(rng.integers(0, 6))
        cost = rng.integers(0, 4, (nr, nc)).astype(float) if integer else rng.random((nr, nc))
        cost[rng.random((nr, nc)) < 0.3] = np.inf
        cost[np.arange(nr), nc - nr + np.arange(nr)] = 2.5  # feasible: a dummy per row
        col4row = np.empty(nr, np.int64)
        assert kernels._shortest_path_assignment(cost, col4row)
        ri, ci = linear_sum_assignment(cost)
        assert np.array_equal(ri, np.arange(nr)) and np.array_equal(col4row, ci)


def test_scatter_add_is_numpys_add_at() -> None:
    rng = np.random.default_rng(13)
    values = rng.normal(size=(500, 9)) * 10.0 ** rng.integers(-4, 6, (500, 1))
    target = rng.integers(0, 40, 500)
    got, want = np.zeros((40, 9)), np.zeros((40, 9))
    kernels.scatter_add(got, target, values)
    np.add.at(want, target, values)
    assert np.array_equal(got, want)
