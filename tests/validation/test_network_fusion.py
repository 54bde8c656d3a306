"""Track fusion with unknown correlation: covariance intersection (Julier & Uhlmann 1997, "A
non-divergent estimation algorithm in the presence of unknown correlations", Proc. American
Control Conference) against its defining properties.

- Consistency: for two estimates whose errors have cross-correlation ρ (unknown to the fuser),
  the normalised estimation error squared NEES = eᵀ P⁻¹ e of the fused estimate, averaged over
  N Monte Carlo trials, must not exceed the upper 97.5% chi-square bound χ²_{0.975}(N·n)/N
  (Bar-Shalom, Li & Kirubarajan, Estimation with Applications to Tracking and Navigation, Wiley
  2001, section 5.4.2). CI is conservative, so its NEES may fall below the lower bound; an
  estimator that treats the inputs as independent must fail the upper bound when ρ is large
  (shown, so that the test can fail) and pass both bounds when ρ = 0.
- Size: with ω minimising the trace, tr P never exceeds the smaller input trace (hypothesis).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from kamae.network import covariance_intersection, information_fusion

N_TRIALS = 4000
N_DIM = 3


def _correlated_errors(pa, pb, rho, n, rng):
    la, lb = np.linalg.cholesky(pa), np.linalg.cholesky(pb)
    z1, z2 = rng.normal(size=(n, N_DIM)), rng.normal(size=(n, N_DIM))
    ea = z1 @ la.T
    eb = (rho * z1 + np.sqrt(1.0 - rho**2) * z2) @ lb.T
    return ea, eb


def _mean_nees(e: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean(np.einsum("ki,kij,kj->k", e, np.linalg.inv(p), e)))


PA = np.array([[4.0, 1.0, 0.0], [1.0, 2.0, 0.3], [0.0, 0.3, 1.0]])
PB = np.array([[1.5, -0.4, 0.2], [-0.4, 3.0, 0.0], [0.2, 0.0, 2.5]])
UPPER = stats.chi2.ppf(0.975, N_TRIALS * N_DIM) / N_TRIALS
LOWER = stats.chi2.ppf(0.025, N_TRIALS * N_DIM) / N_TRIALS


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9, 1.0])
def test_ci_is_consistent_whatever_the_correlation(rho: float) -> None:
    rng = np.random.default_rng(int(rho * 100) + 1)
    ea, eb = _correlated_errors(PA, PB, rho, N_TRIALS, rng)
    pa = np.broadcast_to(PA, (N_TRIALS, N_DIM, N_DIM))
    pb = np.broadcast_to(PB, (N_TRIALS, N_DIM, N_DIM))
    # truth 0: estimates are the errors; the fused error is the fused estimate
    fused, p, _ = covariance_intersection(ea, pa, eb, pb)
    assert _mean_nees(fused, p) <= UPPER


def test_independent_fusion_overconfident_when_correlated() -> None:
    rng = np.random.default_rng(7)
    pa = np.broadcast_to(PA, (N_TRIALS, N_DIM, N_DIM))
    pb = np.broadcast_to(PB, (N_TRIALS, N_DIM, N_DIM))
    ea, eb = _correlated_errors(PA, PB, 0.0, N_TRIALS, rng)
    fused, p = information_fusion(ea, pa, eb, pb)
    assert LOWER <= _mean_nees(fused, p) <= UPPER  # optimal and consistent when independent
    ea, eb = _correlated_errors(PA, PB, 0.9, N_TRIALS, rng)
    fused, p = information_fusion(ea, pa, eb, pb)
    assert _mean_nees(fused, p) > UPPER  # double counting


def test_ci_of_the_same_data_twice_is_exactly_consistent() -> None:
    """ρ = 1 and equal covariances: the same sensor's track by two paths. CI returns the input
    (NEES inside both bounds); independent fusion halves P (NEES doubles)."""
    rng = np.random.default_rng(3)
    ea, _ = _correlated_errors(PA, PA, 1.0, N_TRIALS, rng)
    pa = np.broadcast_to(PA, (N_TRIALS, N_DIM, N_DIM))
    fused, p, _ = covariance_intersection(ea, pa, ea, pa)
    assert LOWER <= _mean_nees(fused, p) <= UPPER
    naive, pn = information_fusion(ea, pa, ea, pa)
    assert _mean_nees(naive, pn) > UPPER


@st.composite
def _spd_pair(draw):
    n = draw(st.integers(1, 6))
    vals = st.floats(-3.0, 3.0, allow_nan=False)
    a = np.array(draw(st.lists(vals, min_size=n * n, max_size=n * n))).reshape(n, n)
    b = np.array(draw(st.lists(vals, min_size=n * n, max_size=n * n))).reshape(n, n)
    scale_a = draw(st.floats(1e-3, 1e3))
    scale_b = draw(st.floats(1e-3, 1e3))
    pa = scale_a * (a @ a.T + 0.05 * np.eye(n))
    pb = scale_b * (b @ b.T + 0.05 * np.eye(n))
    return pa, pb


@settings(max_examples=150, deadline=None)
@given(_spd_pair())
def test_fused_trace_never_exceeds_best_input(pair) -> None:
    pa, pb = pair
    n = pa.shape[0]
    _, p, w = covariance_intersection(np.zeros((1, n)), pa[None], np.zeros((1, n)), pb[None])
    assert 0.0 <= w[0] <= 1.0
    assert np.trace(p[0]) <= min(np.trace(pa), np.trace(pb)) * (1 + 1e-9)
    assert np.all(np.linalg.eigvalsh(p[0]) > 0)
