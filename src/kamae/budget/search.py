"""Searches over whole purchase steps under a budget, for a score to minimise.

- `enumerate_allocations`: every allocation within the budget (exact; small cases).
- `branch_and_bound`: exact for a score that never gets worse when a step is added (the
  trade model's scores are, see kamae.budget.trade_model). Options are fixed one at a time;
  the bound of a partial allocation is the score with every undecided option at the most steps
  the remaining money buys alone, which no completion can beat.
- `greedy`: adds, one step at a time, the affordable step with the best improvement per unit
  cost (marginal value); a heuristic, not optimal in general (a knapsack counter-example is in
  the tests). Its path is the approximate Pareto front when the budget is too large to
  enumerate.
Ties are broken by lower cost, then by the allocation in lexicographic order.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["Candidate", "branch_and_bound", "enumerate_allocations", "greedy", "pareto_front"]

Allocation = tuple[int, ...]
Score = Callable[[Allocation], float]
EPS = 1e-9


@dataclass(frozen=True)
class Candidate:
    allocation: Allocation
    cost: float
    score: float


def _cost(allocation: Sequence[int], costs: Sequence[float]) -> float:
    return float(sum(q * c for q, c in zip(allocation, costs, strict=True)))


def _key(c: Candidate) -> tuple[float, float, Allocation]:
    return (c.score, c.cost, c.allocation)


def _better(a: Candidate, b: Candidate | None) -> bool:
    if b is None:
        return True
    if a.score < b.score - EPS:
        return True
    if a.score > b.score + EPS:
        return False
    return (a.cost, a.allocation) < (b.cost, b.allocation)


def enumerate_allocations(
    costs: Sequence[float], max_steps: Sequence[int], budget: float, score: Score
) -> list[Candidate]:
    """Every allocation that fits the budget, scored, best first."""
    out = []
    for q in itertools.product(*(range(m + 1) for m in max_steps)):
        cost = _cost(q, costs)
        if cost <= budget + EPS:
            out.append(Candidate(q, cost, score(q)))
    out.sort(key=_key)
    return out


def branch_and_bound(
    costs: Sequence[float], max_steps: Sequence[int], budget: float, score: Score
) -> tuple[Candidate, int]:
    """The best allocation (exact for a monotone score) and the number of scores computed."""
    n = len(costs)
    best: Candidate | None = None
    evaluated = 0

    def most(i: int, money: float) -> int:
        return min(max_steps[i], math.floor(money / costs[i] + EPS))

    def visit(prefix: Allocation, money: float) -> None:
        nonlocal best, evaluated
        i = len(prefix)
        if i == n:
            cand = Candidate(prefix, budget - money, score(prefix))
            evaluated += 1
            if _better(cand, best):
                best = cand
            return
        if best is not None:
            bound = score(prefix + tuple(most(k, money) for k in range(i, n)))
            evaluated += 1
            if bound > best.score + EPS:
                return
        for q in range(most(i, money), -1, -1):
            visit(prefix + (q,), money - q * costs[i])

    visit((), budget)
    assert best is not None
    return best, evaluated


def greedy(
    costs: Sequence[float], max_steps: Sequence[int], budget: float, score: Score
) -> list[Candidate]:
    """The greedy path from nothing: one affordable step at a time, best improvement per
    cost first, until nothing fits or nothing improves. The last entry is its answer."""
    q = [0] * len(costs)
    current = Candidate(tuple(q), 0.0, score(tuple(q)))
    path = [current]
    while True:
        choice: tuple[float, Candidate] | None = None
        for i, c in enumerate(costs):
            if q[i] >= max_steps[i] or current.cost + c > budget + EPS:
                continue
            trial = tuple(q[k] + (k == i) for k in range(len(q)))
            cand = Candidate(trial, current.cost + c, score(trial))
            gain = (current.score - cand.score) / c
            if choice is None or gain > choice[0] + EPS:
                choice = (gain, cand)
        if choice is None or choice[0] <= EPS:
            return path
        current = choice[1]
        q = list(current.allocation)
        path.append(current)


def pareto_front(candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates no other beats on both cost and score, cheapest first."""
    front: list[Candidate] = []
    for c in sorted(candidates, key=lambda c: (c.cost, c.score, c.allocation)):
        if not front or c.score < front[-1].score - EPS:
            front.append(c)
    return front
