"""Salvo assignment of one decision step: exact against brute-force enumeration."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from kamae.engagement.salvo_assignment import assign_salvos


def _value(values, pk, plan, salvo):
    return sum(values[t] * (1 - (1 - pk[t, u]) ** salvo) for t, u in plan)


def _brute_force(values, pk, rounds, salvo):
    """Best expected value destroyed over every way of giving each threat one salvo (or none)
    from one of its options without exceeding any unit's rounds."""
    threats, units = pk.shape
    best = 0.0
    for choice in itertools.product(range(-1, units), repeat=threats):
        used = np.zeros(units, dtype=int)
        plan = []
        ok = True
        for t, u in enumerate(choice):
            if u < 0:
                continue
            if np.isnan(pk[t, u]):
                ok = False
                break
            used[u] += salvo
            plan.append((t, u))
        if ok and np.all(used <= rounds):
            best = max(best, _value(values, pk, plan, salvo))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_matches_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    threats, units, salvo = int(rng.integers(1, 6)), int(rng.integers(1, 4)), 2
    values = rng.uniform(25, 100, threats)
    pk = rng.uniform(0.3, 0.9, (threats, units))
    pk[rng.random((threats, units)) < 0.3] = np.nan
    rounds = salvo * rng.integers(0, 3, units)
    plan = assign_salvos(values, pk, rounds, np.full(threats, salvo), salvo)
    assert len({t for t, _, _ in plan}) == len(plan)  # one salvo per threat
    fired = np.zeros(units, dtype=int)
    for t, u, count in plan:
        assert count == salvo and not np.isnan(pk[t, u])
        fired[u] += count
    assert np.all(fired <= rounds)
    got = _value(values, pk, [(t, u) for t, u, _ in plan], salvo)
    assert got == pytest.approx(_brute_force(values, pk, rounds, salvo), abs=1e-6)


def test_assignment_beats_greedy_priority() -> None:
    """Threat 0 (more valuable) can use unit 0 or 1; threat 1 only unit 0; one salvo each.
    Greedy by value gives threat 0 its first option (unit 0) and leaves threat 1 unengaged;
    the assignment engages both."""
    values = np.array([100.0, 50.0])
    pk = np.array([[0.7, 0.7], [0.7, np.nan]])
    plan = assign_salvos(values, pk, np.array([2, 2]), np.array([2, 2]), 2)
    assert sorted((t, u) for t, u, _ in plan) == [(0, 1), (1, 0)]


def test_ties_follow_rank_and_partial_salvo() -> None:
    values = np.array([10.0])
    pk = np.array([[0.5, 0.5]])
    plan = assign_salvos(values, pk, np.array([4, 4]), np.array([2]), 2, rank=np.array([[1, 0]]))
    assert plan == [(0, 1, 2)]
    # A unit with one round left fires a partial salvo of one.
    assert assign_salvos(values, pk[:, :1], np.array([1]), np.array([2]), 2) == [(0, 0, 1)]


def test_shape_errors() -> None:
    with pytest.raises(ValueError, match="must agree"):
        assign_salvos([1.0], [[0.5, 0.5]], [1], [1, 1], 1)
