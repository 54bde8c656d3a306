"""The trace pre-filter of the chi-square gate never rules out a pair the exact gate admits."""

from __future__ import annotations

import numpy as np

from kamae.tracking.association import (
    chi2_gate,
    gate_window,
    mahalanobis_squared,
    outside_gate_bound,
    positive_definite_3x3,
    same_unit_pairs,
)


def _random_spd(rng: np.random.Generator, count: int) -> np.ndarray:
    """Random SPD 3×3 matrices with condition numbers up to ~1e6 (elongated like radar
    measurement covariances far from the radar)."""
    q, _ = np.linalg.qr(rng.standard_normal((count, 3, 3)))
    eig = 10.0 ** rng.uniform(0.0, 6.0, size=(count, 3))
    return np.einsum("nij,nj,nkj->nik", q, eig, q)


def test_bound_is_conservative_and_prunes() -> None:
    """Over 20,000 random pairs: every pair the bound rules out has exact d2 > gate (the
    Rayleigh-quotient bound), and the bound rules out most far pairs (it is useful)."""
    rng = np.random.default_rng(7)
    gate = chi2_gate(3, 0.9999)
    s = _random_spd(rng, 20_000)
    # Offsets from 0.01 to 100 times the largest standard deviation: near and far pairs.
    sigma = np.sqrt(np.linalg.eigvalsh(s)[:, -1])
    y = rng.standard_normal((20_000, 3)) * (sigma * 10.0 ** rng.uniform(-2, 2, 20_000))[:, None]
    d2 = np.array(
        [
            mahalanobis_squared(y[i : i + 1] * 0, s[i : i + 1], y[i : i + 1])[0, 0]
            for i in range(200)
        ]
    )
    exact = np.einsum("pi,pi->p", y, np.linalg.solve(s, y[..., None])[..., 0])
    np.testing.assert_allclose(exact[:200], d2, rtol=1e-9)
    out = outside_gate_bound(np.einsum("pi,pi->p", y, y), np.trace(s, axis1=1, axis2=2), gate)
    # Every ruled-out pair is outside the gate with the full safety margin to spare.
    assert np.all(exact[out] > 2.0 * gate)
    # Both kinds of pair are present, and the bound rules out a good share of the far ones.
    assert np.count_nonzero(exact <= gate) > 1000
    assert out.sum() > 0.5 * np.count_nonzero(exact > 100.0 * gate)


def test_bound_keeps_nan() -> None:
    """A NaN trace (uncertified covariance) never rules a pair out."""
    out = outside_gate_bound(np.array([1e12, 1e12]), np.array([np.nan, 1.0]), 16.0)
    assert out.tolist() == [False, True]


def test_positive_definite_3x3_sylvester() -> None:
    """Sylvester's criterion accepts SPD matrices (condition up to 1e6) and rejects
    indefinite ones, negative definite ones and ones with a NaN entry."""
    rng = np.random.default_rng(3)
    spd = _random_spd(rng, 500)
    q, _ = np.linalg.qr(rng.standard_normal((500, 3, 3)))
    eig = 10.0 ** rng.uniform(0.0, 6.0, size=(500, 3))
    eig[np.arange(500), rng.integers(0, 3, 500)] *= -1.0  # one negative eigenvalue
    indefinite = np.einsum("nij,nj,nkj->nik", q, eig, q)
    nan = spd[:3].copy()
    nan[:, 1, 1] = np.nan
    assert positive_definite_3x3(spd).all()
    assert not positive_definite_3x3(indefinite).any()
    assert not positive_definite_3x3(-spd).any()
    assert not positive_definite_3x3(nan).any()


def test_window_keeps_every_pair_the_bound_keeps() -> None:
    """A `same_unit_pairs` window of `gate_window` lists, each once, every pair of the same
    unit that the trace bound does not rule out (those with a coordinate, a half-width or a
    trace not finite included), and drops most far pairs."""
    rng = np.random.default_rng(11)
    gate = chi2_gate(3, 0.9999)
    units, n_t, n_m = 5, 300, 400
    t_unit = rng.integers(0, units, n_t)
    m_unit = rng.integers(0, units, n_m)
    t_pos = rng.uniform(-5e6, 5e6, (n_t, 3))
    m_pos = t_pos[rng.integers(0, n_t, n_m)] + rng.normal(0.0, 3e3, (n_m, 3))
    t_trace = 10.0 ** rng.uniform(4.0, 8.0, n_t)
    m_trace = 10.0 ** rng.uniform(4.0, 8.0, n_m)
    t_trace[:5] = np.nan
    m_pos[:3, 2] = np.nan
    m_trace[3:6] = np.nan
    window = gate_window(t_unit, t_pos, t_trace, m_unit, m_pos, m_trace, units, gate)
    pt, pm = same_unit_pairs(t_unit, m_unit, units)
    wt, wm = same_unit_pairs(t_unit, m_unit, units, window)
    y = m_pos[pm] - t_pos[pt]
    kept = ~outside_gate_bound(np.einsum("pi,pi->p", y, y), t_trace[pt] + m_trace[pm], gate)
    full = pm * n_t + pt
    listed = wm * n_t + wt
    assert np.unique(listed).size == listed.size  # each pair once
    assert np.all(np.isin(full[kept], listed))
    assert np.all(np.isin(listed, full))
    assert listed.size < 0.2 * full.size
