"""The trade model against closed forms, and its monotonicity (hypothesis)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from trade_fixtures import loaded_pair, two_layer_doc

from kamae.analytic import layered_leakage
from kamae.budget.search import enumerate_allocations
from kamae.budget.trade_model import apply_allocation, build_trade_model


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    loaded, lo = loaded_pair(tmp_path_factory.mktemp("trade"))
    return build_trade_model(loaded, lo.options), loaded, lo.options


def test_ample_stock_is_wilkening_layered_leakage(tmp_path) -> None:
    # One unit per layer, stock for every shot: Wilkening's layered leakage exactly.
    loaded, lo = loaded_pair(tmp_path, two_layer_doc(count=6, upper_stock=50, lower_stock=50))
    m = build_trade_model(loaded, lo.options)
    expected = layered_leakage([0.6, 0.5], [1, 1], threats=6)
    got = m.evaluate((0, 0, 0))
    assert got.expected_leakers == pytest.approx(expected.expected_leakers, rel=1e-12)
    assert got.p_no_leakers == pytest.approx(expected.p_no_leakers, rel=1e-12)


def test_stock_limited_layer_closed_form(tmp_path) -> None:
    # Upper stock S < N shots: S threats get one shot; the lower layer (stock 0) adds nothing.
    # Expected leakers N - S * SSPK.
    loaded, lo = loaded_pair(tmp_path, two_layer_doc(count=6, upper_stock=4, lower_stock=0))
    got = build_trade_model(loaded, lo.options).evaluate((0, 0, 0))
    assert got.expected_leakers == pytest.approx(6 - 4 * 0.6, rel=1e-12)
    # Days of stock: the layer that runs dry first, here the empty lower layer.
    assert got.days_of_stock == 0.0


def test_counterstrike_removes_threats_in_expectation(model) -> None:
    m, _, _ = model
    # 2 steps x 2 missiles x 0.25 = 1 threat removed of 6.
    assert m.evaluate((0, 0, 2)).threats == pytest.approx(5.0)


def test_allocation_document_matches_the_model(model) -> None:
    _, loaded, options = model
    doc = apply_allocation(loaded, options, (3, 2, 2))
    assert [u["inventory"] for u in doc["fire_units"]] == [4 + 3, 2 + 4]
    assert sum(r["count"] for r in doc["raids"]) == 5


@settings(max_examples=60, deadline=None)
@given(
    q=st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 3)),
    which=st.integers(0, 2),
)
def test_more_of_an_option_never_raises_expected_leakers(model, q, which) -> None:
    m, _, _ = model
    if q[which] == m.max_steps[which]:
        return
    more = tuple(v + (i == which) for i, v in enumerate(q))
    a, b = m.evaluate(q), m.evaluate(more)
    assert b.expected_leakers <= a.expected_leakers + 1e-12
    assert b.p_no_leakers >= a.p_no_leakers - 1e-12


@settings(max_examples=25, deadline=None)
@given(b1=st.floats(0, 80), extra=st.floats(0, 40))
def test_more_budget_never_gives_a_worse_optimum(model, b1, extra) -> None:
    m, _, _ = model

    def score(q):
        return m.evaluate(q).expected_leakers

    low = enumerate_allocations(m.costs, m.max_steps, b1, score)[0]
    high = enumerate_allocations(m.costs, m.max_steps, b1 + extra, score)[0]
    assert high.score <= low.score + 1e-12


def test_every_allocation_is_scored_consistently(model) -> None:
    m, _, _ = model
    for q in itertools.product(range(3), range(3), range(2)):
        e = m.evaluate(q)
        assert 0.0 <= e.expected_leakers <= e.threats
        assert 0.0 <= e.p_no_leakers <= 1.0
