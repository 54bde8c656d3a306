"""The trade study's optimum equals the enumerated optimum on cases small enough to enumerate.

Reference: brute force over every whole allocation within budget (written here, apart from
kamae.budget.search), scored by the same analytic model. Branch-and-bound is exact for a
score that never worsens when a step is added; greedy marginal value is not (knapsack
counter-example below).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import yaml
from budget.trade_fixtures import loaded_pair
from hypothesis import given, settings
from hypothesis import strategies as st

from kamae.budget import trade_study
from kamae.budget.search import branch_and_bound, enumerate_allocations, greedy
from kamae.budget.trade_model import apply_allocation, build_trade_model
from kamae.montecarlo import run_montecarlo
from kamae.scenario import load_scenario_text


def _brute(costs, steps, budget, score):
    best = None
    for q in itertools.product(*(range(m + 1) for m in steps)):
        if sum(a * c for a, c in zip(q, costs, strict=True)) <= budget + 1e-9:
            s = score(q)
            best = s if best is None else min(best, s)
    return best


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    return loaded_pair(tmp_path_factory.mktemp("enum"))


@pytest.fixture(scope="module")
def model(pair):
    loaded, lo = pair
    return build_trade_model(loaded, lo.options)


@pytest.mark.parametrize("search", ["enumerate", "branch-and-bound"])
@pytest.mark.parametrize("budget", [10.0, 33.0, 60.0])
def test_trade_optimum_equals_enumeration(pair, model, search, budget) -> None:
    loaded, lo = pair
    m = model
    result = trade_study(loaded, lo, budget=budget, search=search, candidates=0)
    want = _brute(m.costs, m.max_steps, budget, lambda q: m.evaluate(q).expected_leakers)
    assert result.best["analytic"]["expected_leakers"] == pytest.approx(want, abs=1e-12)
    assert result.best["cost_musd"] <= budget + 1e-9


@settings(max_examples=40, deadline=None)
@given(
    budget=st.floats(0, 120),
    objective=st.sampled_from(["expected_leakers", "p_no_leakers", "days_of_stock"]),
)
def test_branch_and_bound_is_exact_for_every_objective(model, budget, objective) -> None:
    m = model

    def score(q):
        e = m.evaluate(q)
        return {"expected_leakers": e.expected_leakers, "p_no_leakers": -e.p_no_leakers,
                "days_of_stock": -e.days_of_stock}[objective]  # fmt: skip

    best, _ = branch_and_bound(m.costs, m.max_steps, budget, score)
    assert best.score == pytest.approx(_brute(m.costs, m.max_steps, budget, score), abs=1e-12)
    assert enumerate_allocations(m.costs, m.max_steps, budget, score)[0].score == best.score


def test_greedy_is_a_heuristic() -> None:
    # Knapsack: values 7, 4, 4 at costs 3, 2, 2, budget 4: greedy takes the best ratio (7/3)
    # first and then nothing fits; the optimum is the two cheaper items (8).
    costs, steps = (3.0, 2.0, 2.0), (1, 1, 1)

    def score(q):
        return -(7 * q[0] + 4 * q[1] + 4 * q[2])

    assert greedy(costs, steps, 4.0, score)[-1].score == -7
    assert branch_and_bound(costs, steps, 4.0, score)[0].score == -8


@pytest.mark.slow
def test_monte_carlo_confirmation_uses_common_random_numbers(pair) -> None:
    loaded, lo = pair
    result = trade_study(loaded, lo, budget=30.0, replications=4, candidates=2, seed=11)
    confirmed = result.confirmed
    assert len(confirmed) == 2
    # The first candidate, rerun directly with the same seed, gives the same numbers.
    doc = apply_allocation(loaded, lo.options, tuple(confirmed[0]["allocation"]))
    again = run_montecarlo(load_scenario_text(yaml.safe_dump(doc).encode(), "x"), 4, 11)
    leaked = np.asarray(again.replications.column("threats_leaked").to_numpy(), dtype=float)
    assert confirmed[0]["expected_leakers"]["mean"] == pytest.approx(leaked.mean())
    assert "leakers_minus_first" in confirmed[1]
