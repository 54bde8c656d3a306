"""Unit tests for kamae.analytic.leakage (layered leakage, Wilkening 1999/2000)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamae.analytic import layered_leakage
from kamae.errors import KamaeError

prob = st.floats(min_value=0.0, max_value=1.0)
shots = st.floats(min_value=0.0, max_value=20.0)
deterministic = settings(derandomize=True, max_examples=200)


def test_one_layer_by_hand() -> None:
    # Pd 0.9, SSPK 0.7, two shots: kill 0.9 * (1 - 0.09) = 0.819.
    r = layered_leakage(0.7, 2, 0.9, threats=10)
    assert r.layer_kill == pytest.approx((0.819,))
    assert r.p_leak == pytest.approx(0.181)
    assert r.expected_leakers == pytest.approx(1.81)
    assert r.p_no_leakers == pytest.approx(0.819**10)


def test_two_layers_by_hand() -> None:
    r = layered_leakage([0.7, 0.8], [2, 1], [0.9, 0.95], threats=10)
    assert r.layer_kill == pytest.approx((0.819, 0.76))
    assert r.p_leak == pytest.approx(0.181 * 0.24)
    assert r.p_kill == pytest.approx(1 - 0.181 * 0.24)


def test_p_at_most_is_binomial() -> None:
    r = layered_leakage(0.5, 1, threats=3)  # p_leak 0.5 per threat
    assert r.p_at_most(0) == pytest.approx(0.125)
    assert r.p_at_most(1) == pytest.approx(0.5)
    assert r.p_at_most(3) == pytest.approx(1.0)


def test_perfect_interceptor_and_no_shots() -> None:
    assert layered_leakage(1.0, 1, 0.8).p_leak == pytest.approx(0.2)
    assert layered_leakage(1.0, 0, 0.8).p_leak == 1.0
    assert layered_leakage(0.9, 0.0).p_leak == 1.0


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"sspk": 1.2, "shots": 1}, "sspk"),
        ({"sspk": 0.5, "shots": -1}, "shots"),
        ({"sspk": 0.5, "shots": math.inf}, "shots"),
        ({"sspk": 0.5, "shots": 1, "p_detect": -0.1}, "p_detect"),
        ({"sspk": 0.5, "shots": 1, "threats": 0}, "threats"),
        ({"sspk": 0.5, "shots": 1, "threats": 2.5}, "threats"),
        ({"sspk": [0.5, 0.6], "shots": [1, 2, 3]}, "sspk, shots"),
        ({"sspk": [], "shots": 1}, "sspk"),
    ],
)
def test_impossible_inputs_name_the_parameter(kwargs: dict, name: str) -> None:
    with pytest.raises(KamaeError, match=f"^{name}"):
        layered_leakage(**kwargs)


@deterministic
@given(s=prob, n=shots, extra=st.floats(0.0, 5.0), d=prob)
def test_more_shots_never_raise_leakage(s: float, n: float, extra: float, d: float) -> None:
    assert layered_leakage(s, n + extra, d).p_leak <= layered_leakage(s, n, d).p_leak + 1e-15


@deterministic
@given(s=st.lists(prob, min_size=1, max_size=4), n=shots, d=prob, s_new=prob, n_new=shots)
def test_another_layer_never_raises_leakage(
    s: list[float], n: float, d: float, s_new: float, n_new: float
) -> None:
    base = layered_leakage(s, n, d)
    more = layered_leakage([*s, s_new], [n] * len(s) + [n_new], [d] * len(s) + [d])
    assert 0.0 <= more.p_leak <= base.p_leak + 1e-15


@deterministic
@given(s=st.lists(prob, min_size=2, max_size=4), n=shots, d=prob)
def test_layer_order_does_not_matter(s: list[float], n: float, d: float) -> None:
    assert layered_leakage(s, n, d).p_leak == pytest.approx(layered_leakage(s[::-1], n, d).p_leak)


@deterministic
@given(s=prob, n=shots, d=prob, threats=st.integers(1, 50))
def test_no_leakers_and_expected_leakers_agree(s: float, n: float, d: float, threats: int) -> None:
    r = layered_leakage(s, n, d, threats)
    assert r.p_no_leakers == pytest.approx((1 - r.p_leak) ** threats)
    assert r.expected_leakers == pytest.approx(threats * r.p_leak)
    assert r.p_at_most(0) == pytest.approx(r.p_no_leakers)


@pytest.mark.parametrize(("threats", "sspk", "k"), [(10, 0.3, 2), (200, 0.9, 5), (2000, 0.99, 30)])
def test_p_at_most_matches_scipy(threats: int, sspk: float, k: int) -> None:
    from scipy.stats import binom

    r = layered_leakage(sspk, 1, threats=threats)
    assert r.p_at_most(k) == pytest.approx(binom.cdf(k, threats, r.p_leak), rel=1e-9)
