"""Chi-square gating and global nearest neighbour assignment."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from kamae.errors import KamaeError
from kamae.tracking.association import (
    chi2_gate,
    gnn_assign,
    mahalanobis_pairs,
    mahalanobis_squared,
)


def test_chi2_gate_values() -> None:
    """Gate thresholds from chi-square tables (Bar-Shalom 2001, table of chi-square points):
    99 % with 3 dof is 11.345, 95 % with 2 dof is 5.991."""
    assert chi2_gate(3, 0.99) == pytest.approx(11.3449, abs=1e-4)
    assert chi2_gate(2, 0.95) == pytest.approx(5.9915, abs=1e-4)
    with pytest.raises(KamaeError):
        chi2_gate(3, 1.0)


def test_mahalanobis_full_diagonal_and_wrapped() -> None:
    """d2 equals y^T S^-1 y pair by pair; the diagonal form equals the full one; angle
    components are wrapped; a track with a non-PD S is outside every gate (inf)."""
    rng = np.random.default_rng(0)
    zhat = rng.normal(size=(4, 3))
    a = rng.normal(size=(4, 3, 3))
    s = a @ np.swapaxes(a, 1, 2) + np.eye(3)
    z = rng.normal(size=(6, 3))
    d2 = mahalanobis_squared(zhat, s, z)
    for t in range(4):
        for j in range(6):
            y = z[j] - zhat[t]
            assert d2[t, j] == pytest.approx(y @ np.linalg.solve(s[t], y), rel=1e-12)
    diag = np.abs(rng.normal(size=(4, 3))) + 0.1
    np.testing.assert_allclose(
        mahalanobis_squared(zhat, diag, z),
        mahalanobis_squared(zhat, np.einsum("ti,ij->tij", diag, np.eye(3)), z),
        rtol=1e-12,
    )
    wrapped = mahalanobis_squared(
        np.array([[1e4, np.pi - 0.01, 0.1]]),
        np.ones((1, 3)),
        np.array([[1e4, -np.pi + 0.01, 0.1]]),
        angle_dims=(1,),
    )
    assert wrapped[0, 0] == pytest.approx(0.02**2)
    s[2] = -np.eye(3)
    assert np.isinf(mahalanobis_squared(zhat, s, z)[2]).all()


def test_one_gate_distance_pair_by_pair() -> None:
    """`mahalanobis_pairs` is the one gate distance: each pair's d2 is y^T S^-1 y whatever
    its batch-mates (a singular or indefinite S beside it changes nothing, and is itself
    inf), in 3 and in 6 dimensions; the track-to-track distance of `kamae.tracking.track_fusion`
    is the same function of Pa + Pb."""
    from kamae.tracking.track_fusion import track_distance_squared

    rng = np.random.default_rng(3)
    for m in (3, 6):
        a = rng.normal(size=(5, m, m))
        s = a @ np.swapaxes(a, 1, 2) + np.eye(m)
        y = rng.normal(size=(5, m))
        alone = mahalanobis_pairs(y, s)
        np.testing.assert_allclose(
            alone, [v @ np.linalg.solve(w, v) for v, w in zip(y, s, strict=True)], rtol=1e-12
        )
        bad = s.copy()
        bad[1] = 0.0  # singular
        bad[3] = -np.eye(m)  # indefinite
        mixed = mahalanobis_pairs(y, bad)
        assert np.isinf(mixed[[1, 3]]).all()
        np.testing.assert_array_equal(mixed[[0, 2, 4]], alone[[0, 2, 4]])
    xa, xb = rng.normal(size=(2, 6)), rng.normal(size=(3, 6))
    pa, pb = s[:2], s[2:]
    d2 = track_distance_squared(xa, pa, xb, pb)
    for i in range(2):
        for j in range(3):
            expect = mahalanobis_pairs((xb[j] - xa[i])[None], (pa[i] + pb[j])[None])[0]
            assert d2[i, j] == expect


def _brute_force(d2: np.ndarray, gate: float) -> float:
    """Minimum over all one-to-one partial assignments within the gate of
    sum(d2) + gate * (unassigned tracks)."""
    t_count, m_count = d2.shape
    best = gate * t_count
    options = [-1, *range(m_count)]
    for choice in itertools.product(options, repeat=t_count):
        used = [c for c in choice if c >= 0]
        if len(used) != len(set(used)):
            continue
        if any(c >= 0 and d2[t, c] > gate for t, c in enumerate(choice)):
            continue
        cost = sum(d2[t, c] if c >= 0 else gate for t, c in enumerate(choice))
        best = min(best, cost)
    return best


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(0, 4),
    st.integers(0, 2**31 - 1),
)
def test_gnn_is_the_optimal_gated_assignment(t_count: int, m_count: int, seed: int) -> None:
    """GNN cost equals the brute-force optimum (Blackman & Popoli 1999, 6.4) and the
    assignment is one-to-one and within the gate."""
    rng = np.random.default_rng(seed)
    d2 = rng.exponential(4.0, size=(t_count, m_count))
    gate = 5.0
    a = gnn_assign(d2, gate)
    assert a.cost == pytest.approx(_brute_force(d2, gate), rel=1e-12, abs=1e-12)
    assigned = a.track_to_measurement[a.track_to_measurement >= 0]
    assert len(set(assigned.tolist())) == assigned.size
    for t, j in enumerate(a.track_to_measurement):
        if j >= 0:
            assert d2[t, j] <= gate and a.measurement_to_track[j] == t


def test_clustered_solution_equals_one_global_assignment() -> None:
    """Splitting into gate clusters loses nothing: same optimum as one global problem."""
    rng = np.random.default_rng(4)
    tracks = rng.uniform(0, 1e5, size=(300, 2))
    meas = np.vstack([tracks + rng.normal(size=(300, 2)) * 60, rng.uniform(0, 1e5, (100, 2))])
    d2 = mahalanobis_squared(tracks, np.full((300, 2), 100.0**2), meas)
    gate = chi2_gate(2, 0.99)
    a = gnn_assign(d2, gate)
    big = np.where(d2 <= gate, d2, 1e9)
    dummy = np.full((300, 300), 1e9)
    np.fill_diagonal(dummy, gate)
    ri, ci = linear_sum_assignment(np.hstack([big, dummy]))
    assert a.cost == pytest.approx(np.hstack([big, dummy])[ri, ci].sum(), rel=1e-12)


def test_gnn_input_validation() -> None:
    with pytest.raises(KamaeError):
        gnn_assign(np.ones(3), 1.0)
    with pytest.raises(KamaeError):
        gnn_assign(np.ones((2, 2)), 0.0)
    empty = gnn_assign(np.zeros((2, 0)), 4.0)
    assert empty.track_to_measurement.tolist() == [-1, -1] and empty.cost == 8.0
