"""Static weapon-target assignment (WTA): the solvers, with a certified lower bound.

Model: minimise the expected surviving value sum_j V_j * prod_i (1 - p_ij)^x_ij subject to
sum_j x_ij = W_i (W_i weapons of type i), x_ij non-negative integers (Manne 1958; the form of
Ahuja, Kumar, Jha & Orlin, "Exact and heuristic algorithms for the weapon-target assignment
problem", Operations Research 55(6), 2007). Small instances: exact branch and bound
(wta_exact). Others: greedy maximum marginal return and a very-large-scale neighbourhood
descent (wta_search), column generation on the Dantzig-Wolfe master whose Lagrangian dual value
is the lower bound (wta_bound, wta_pricing), a restricted-master integer program over the
generated and visited target patterns (set-partitioning recombination), and iterated local
search. Neglected: the dynamic (shoot-look-shoot) problem, weapon-target feasibility windows
beyond a kill probability of zero, and correlated kills (weapons kill independently).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from kamae.arrays import FloatArray, IntArray
from kamae.engagement.wta_bound import Bound, ColumnPool, lagrangian_bound, restricted_master
from kamae.engagement.wta_exact import assignments_count, branch_and_bound
from kamae.engagement.wta_search import LocalSearch, fill, greedy
from kamae.errors import KamaeError

__all__ = [
    "Assignment",
    "Bound",
    "Instance",
    "lower_bound",
    "objective",
    "read_andersen",
    "read_instance",
    "read_json",
    "solve",
    "solve_exact",
    "solve_greedy",
    "solve_heuristic",
]

# Survival probabilities are floored here inside the search so that removing a weapon (a
# division by 1 - p) stays finite; the reported objective and the bound use the exact p.
_Q_FLOOR = 1e-12
# solve() uses the exact method when the number of distinct assignments is at most this.
_EXACT_LEAVES = 10**7
# solve_exact refuses more weapons than this (search depth and bound tables grow with it).
_EXACT_MAX_WEAPONS = 64
# The heuristic stops once (objective - bound) <= this * objective: column generation stops
# when its bound and the master LP agree to this, so the gap cannot be closed further.
_CLOSED_GAP = 1e-6


@dataclass(frozen=True, eq=False)
class Assignment:
    """A weapon-target assignment: x[i, j] weapons of type i on target j.

    `lower_bound` is a certified lower bound on the optimum (0 when none was computed; the
    objective itself when `optimal`); `gap` is the relative gap it certifies.
    """

    x: IntArray
    objective: float
    method: str
    optimal: bool
    lower_bound: float = 0.0

    @property
    def gap(self) -> float:
        """(objective - lower_bound) / objective: how far from optimal x can be, at most."""
        if self.objective <= 0.0:
            return 0.0
        return max(0.0, (self.objective - self.lower_bound) / self.objective)


@dataclass(frozen=True, eq=False)
class Instance:
    """A static WTA instance: target values V_j, kill probabilities p[i, j], counts W_i."""

    values: FloatArray
    p: FloatArray
    counts: IntArray
    name: str = ""


def _numbers(name: str, value: ArrayLike) -> FloatArray:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise KamaeError(f"{name}: expected numbers in a regular array: {err}") from err


def _check(
    values: ArrayLike, p: ArrayLike, counts: ArrayLike | None
) -> tuple[FloatArray, FloatArray, IntArray]:
    """Arrays of (values, p, counts) after checking shapes and ranges; KamaeError otherwise."""
    v = _numbers("values", values)
    pr = _numbers("p", p)
    if v.ndim != 1 or v.size == 0:
        raise KamaeError(f"values: expected a non-empty list of target values, got shape {v.shape}")
    if not np.all(np.isfinite(v)) or np.any(v < 0):
        raise KamaeError("values: every target value must be finite and >= 0")
    if pr.ndim != 2 or pr.shape[1] != v.size or pr.shape[0] == 0:
        raise KamaeError(
            f"p: expected a (weapon types x targets) = (m x {v.size}) matrix, got shape {pr.shape}"
        )
    if not np.all(np.isfinite(pr)) or np.any(pr < 0) or np.any(pr > 1):
        raise KamaeError("p: every kill probability must be in [0, 1]")
    if counts is None:
        return v, pr, np.ones(pr.shape[0], dtype=np.int64)
    raw = _numbers("counts", counts)
    if raw.shape != (pr.shape[0],):
        raise KamaeError(
            f"counts: expected one count per weapon type ({pr.shape[0]}), got shape {raw.shape}"
        )
    if not np.all(np.isfinite(raw)) or np.any(raw != np.round(raw)) or np.any(raw < 0):
        raise KamaeError("counts: every weapon count must be a whole number >= 0")
    return v, pr, raw.astype(np.int64)


def objective(values: ArrayLike, p: ArrayLike, x: ArrayLike) -> float:
    """Expected surviving target value sum_j V_j prod_i (1 - p_ij)^x_ij."""
    v, pr, _ = _check(values, p, None)
    xa = np.asarray(x)
    if xa.shape != pr.shape:
        raise KamaeError(f"x: expected shape {pr.shape} like p, got {xa.shape}")
    if np.any(xa < 0) or np.any(xa != np.round(xa)):
        raise KamaeError("x: every weapon count must be a whole number >= 0")
    return _surviving_value(v, pr, xa)


def _result(
    v: FloatArray, pr: FloatArray, x: IntArray, method: str, opt: bool, bound: float = 0.0
) -> Assignment:
    x = x.astype(np.int64)
    x.setflags(write=False)
    value = _surviving_value(v, pr, x)
    return Assignment(
        x=x,
        objective=value,
        method=method,
        optimal=opt,
        lower_bound=value if opt else bound,
    )


def _surviving_value(v: FloatArray, pr: FloatArray, x: IntArray) -> float:
    """sum_j V_j prod_i (1 - p_ij)^x_ij with the exact p, touching only the non-zero x_ij."""
    i, j = np.nonzero(x)
    survival = np.ones(v.size)
    np.multiply.at(survival, j, (1.0 - pr[i, j]) ** x[i, j])
    return float(v @ survival)


def lower_bound(
    values: ArrayLike,
    p: ArrayLike,
    counts: ArrayLike | None = None,
    *,
    start: ArrayLike | None = None,
    max_iterations: int = 60,
) -> Bound:
    """Certified lower bound on the WTA optimum: the Lagrangian dual value of the weapon-count
    constraints with exact per-target pricing (wta_bound), its multipliers found by column
    generation started from `start` (default: greedy and descent). `value` <= the optimum."""
    v, pr, w = _check(values, p, counts)
    if start is None:
        x0 = _descended(v, pr, w, 1, np.random.default_rng(0)).x
    else:
        x0 = np.asarray(start, dtype=np.int64)
        if x0.shape != pr.shape or (x0 < 0).any() or (x0.sum(axis=1) > w).any():
            raise KamaeError(f"start: expected a {pr.shape} assignment within the counts")
    return lagrangian_bound(v, pr, w, x0, max_iterations=max_iterations)[0]


def _descended(
    v: FloatArray, pr: FloatArray, w: IntArray, patience: int, rng: np.random.Generator
) -> LocalSearch:
    q = np.maximum(1.0 - pr, _Q_FLOOR)
    search = LocalSearch(v, q, greedy(v, q, w), rng)
    search.descend(patience)
    return search


def solve_exact(
    values: ArrayLike,
    p: ArrayLike,
    counts: ArrayLike | None = None,
    *,
    max_nodes: int = 2_000_000,
    bound: bool = True,
) -> Assignment:
    """Optimal assignment by branch and bound (small problems: at most 64 weapons in all, and in
    practice a few dozen).

    The incumbent is the heuristic's answer. If `max_nodes` is reached before the tree is
    exhausted, the best assignment found is returned with `optimal=False` and, if `bound`, the
    Lagrangian lower bound.
    """
    v, pr, w = _check(values, p, counts)
    if not isinstance(max_nodes, int) or max_nodes < 1:
        raise KamaeError(f"max_nodes: expected a whole number >= 1, got {max_nodes!r}")
    if w.sum() > _EXACT_MAX_WEAPONS:
        raise KamaeError(
            f"counts: solve_exact handles at most {_EXACT_MAX_WEAPONS} weapons in all, got"
            f" {int(w.sum())}; use solve_heuristic"
        )
    q = np.maximum(1.0 - pr, _Q_FLOOR)
    start = solve_heuristic(v, pr, w, iterations=20, bound=False).x
    x, complete = branch_and_bound(v, q, w, np.array(start), max_nodes)
    method = "branch-and-bound" if complete else "branch-and-bound (node limit reached)"
    lb = lower_bound(v, pr, w, start=x).value if bound and not complete else 0.0
    return _result(v, pr, x, method, complete, lb)


def solve_greedy(
    values: ArrayLike, p: ArrayLike, counts: ArrayLike | None = None, *, bound: bool = True
) -> Assignment:
    """Greedy maximum-marginal-return assignment (Ahuja et al. 2007): the usual baseline; with
    `bound`, the Lagrangian lower bound too (which costs far more than the greedy itself)."""
    v, pr, w = _check(values, p, counts)
    x = greedy(v, np.maximum(1.0 - pr, _Q_FLOOR), w)
    lb = lower_bound(v, pr, w).value if bound else 0.0
    return _result(v, pr, x, "greedy", False, lb)


def _checked_settings(**settings: int) -> None:
    least = {
        "restart_after": 1,
        "recombine_every": 1,
        "stall_rounds": 1,
        "bound_iterations": 1,
        "master_nodes": 1,
    }
    for name, value in settings.items():
        low = least.get(name, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise KamaeError(f"{name}: expected a whole number >= {low}, got {value!r}")


def solve_heuristic(
    values: ArrayLike,
    p: ArrayLike,
    counts: ArrayLike | None = None,
    *,
    iterations: int | None = None,
    seed: int = 0,
    time_limit: float | None = None,
    patience: int = 1,
    restart_after: int = 150,
    stop_at: float | None = None,
    bound: bool = True,
    recombine_every: int = 15,
    stall_rounds: int = 1,
    bound_iterations: int = 60,
    master_nodes: int = 500,
) -> Assignment:
    """Greedy, VLSN descent, column generation with its lower bound, set-partitioning
    recombination, then iterated local search.

    1. Greedy maximum marginal return, then descent: single-weapon relocations and exchanges
       solved as an assignment problem until `patience` exchange rounds in a row find nothing.
    2. With `bound`: column generation (at most `bound_iterations` master solves) gives the
       certified lower bound and a pool of target patterns; the best combination of pool
       patterns (HiGHS, `master_nodes` nodes) is completed greedily and descended.
    3. Iterated local search (Lourenco, Martin & Stuetzle 2003), at most `iterations` in all
       (default 90 with `bound`, 300 without): perturb (a randomly perturbed exchange, or ruin
       and recreate of 2-6 targets), descend, keep if better; restart from the greedy
       assignment after `restart_after` without improvement. With `bound`, it runs in rounds
       of `recombine_every` iterations; every local optimum's patterns join the pool, each
       round ends with a recombination, and `stall_rounds` rounds in a row without
       improvement end the search.
    Stops early when the certified gap is closed (below 1e-6, the column generation's
    tolerance), the objective is <= `stop_at`, or `time_limit` wall-clock seconds have passed
    (the only machine-dependent setting; off by default). Deterministic for a seed. Never
    worse than solve_greedy; `optimal` is never set (read `gap`).
    """
    v, pr, w = _check(values, p, counts)
    if iterations is None:
        iterations = 90 if bound else 300
    _checked_settings(
        iterations=iterations,
        stall_rounds=stall_rounds,
        patience=patience,
        restart_after=restart_after,
        recombine_every=recombine_every,
        bound_iterations=bound_iterations,
        master_nodes=master_nodes,
    )
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    search = _descended(v, pr, w, patience, rng)
    start = greedy(v, search.q, w)
    best_x, best = search.x.copy(), search.total()
    lb, pool, recombine = 0.0, None, None
    if bound and w.sum() > 0:
        b, pool = lagrangian_bound(
            v, pr, w, best_x, max_iterations=bound_iterations, upper=_surviving_value(v, pr, best_x)
        )
        lb = b.value
        recombine = _Recombination(pool, b, w, 1.0 - pr, master_nodes, patience)
        best_x, best = recombine(search, best_x, best)

    def stop(value: float) -> bool:
        return (
            (stop_at is not None and value <= stop_at)
            or (time_limit is not None and time.perf_counter() - t0 >= time_limit)
            or value - lb <= _CLOSED_GAP * value
        )

    schedule = _Schedule(iterations, recombine_every, stall_rounds, patience, restart_after)
    best_x = _search_in_rounds(search, start, best_x, best, schedule, stop, recombine)
    method = "greedy + VLSN descent + iterated local search"
    if pool is not None:
        method = (
            "greedy + VLSN descent + column generation + set-partitioning recombination"
            " + iterated local search"
        )
    return _result(v, pr, best_x, method, False, lb)


@dataclass(frozen=True)
class _Schedule:
    """Iteration counts of the iterated local search (solve_heuristic's settings)."""

    iterations: int
    recombine_every: int
    stall_rounds: int
    patience: int
    restart_after: int


def _search_in_rounds(
    search: LocalSearch,
    start: IntArray,
    best_x: IntArray,
    best: float,
    schedule: _Schedule,
    stop: Callable[[float], bool],
    recombine: _Recombination | None,
) -> IntArray:
    """Iterated local search from (best_x, best); with a recombination, in rounds that each
    end with one, until `stall_rounds` rounds in a row bring nothing. Returns the best x."""
    visit = None if recombine is None else _collector(recombine.pool, search.v, recombine.q)
    left, stalled = schedule.iterations, 0
    while left > 0 and stalled < schedule.stall_rounds and not stop(best):
        k = left if recombine is None else min(left, schedule.recombine_every)
        left -= k
        search.x = best_x.copy()
        search.refresh()
        x, value = search.iterate(start, k, schedule.patience, schedule.restart_after, stop, visit)
        before = best
        if value < best - search.tol:
            best_x, best = x, value
        if recombine is not None:
            best_x, best = recombine(search, best_x, best)
            stalled = stalled + 1 if best >= before - search.tol else 0
    return best_x


def _collector(pool: ColumnPool, v: FloatArray, q: FloatArray) -> Callable[[IntArray], None]:
    """A visitor adding to the pool the patterns of a local optimum that differ from the
    previous one's."""
    last = [np.zeros((q.shape[0], v.size), dtype=np.int64)]

    def visit(x: IntArray) -> None:
        changed = np.flatnonzero((x != last[0]).any(axis=0))
        pool.add_assignment(v, q, x, changed)
        last[0] = x.copy()

    return visit


@dataclass(frozen=True, eq=False)
class _Recombination:
    """Set-partitioning recombination: the restricted master over the pool of patterns."""

    pool: ColumnPool
    bound: Bound
    w: IntArray
    q: FloatArray  # exact survival 1 - p, for the pool's costs
    nodes: int
    patience: int

    def __call__(
        self, search: LocalSearch, best_x: IntArray, best: float
    ) -> tuple[IntArray, float]:
        """The best combination of pool patterns, completed and descended, if it beats
        (best_x, best); else (best_x, best)."""
        self.pool.add_assignment(search.v, self.q, best_x)
        x = restricted_master(self.pool, self.w, search.v.size, self.bound, best, self.nodes)
        if x is None:
            return best_x, best
        search.x = fill(search.v, search.q, x, self.w)
        search.refresh()
        search.descend(self.patience)
        if search.total() < best - search.tol:
            return search.x.copy(), search.total()
        return best_x, best


def solve(
    values: ArrayLike,
    p: ArrayLike,
    counts: ArrayLike | None = None,
    *,
    seed: int = 0,
    time_limit: float | None = None,
    bound: bool = True,
) -> Assignment:
    """Exact for small problems (at most 10^7 distinct assignments and 64 weapons), else the
    heuristic with its lower bound."""
    v, pr, w = _check(values, p, counts)
    if (
        w.sum() <= _EXACT_MAX_WEAPONS
        and assignments_count(v.size, w, _EXACT_LEAVES) <= _EXACT_LEAVES
    ):
        return solve_exact(v, pr, w, bound=bound)
    return solve_heuristic(v, pr, w, seed=seed, time_limit=time_limit, bound=bound)


# --------------------------------------------------------------------------- instances


def read_json(path: str | Path, text: str | None = None) -> Instance:
    """JSON instance: {"values": [...], "p": [[p_ij over targets j] per type i], "counts": [...]}
    ("counts" optional, default one weapon per type); `text`: the file's text, already read."""
    path = Path(path)
    try:
        data = json.loads(path.read_text() if text is None else text)
    except (OSError, json.JSONDecodeError) as err:
        raise KamaeError(f"{path}: cannot read a JSON WTA instance: {err}") from err
    if not isinstance(data, dict) or "values" not in data or "p" not in data:
        raise KamaeError(
            f'{path}: expected an object with "values" and "p" (and optional "counts")'
        )
    try:
        v, pr, w = _check(data["values"], data["p"], data.get("counts"))
    except KamaeError as err:
        raise KamaeError(f"{path}: {err}") from err
    except (TypeError, ValueError) as err:
        raise KamaeError(f"{path}: values, p and counts must be numbers: {err}") from err
    return Instance(values=v, p=pr, counts=w, name=path.stem)


def read_andersen(path: str | Path, text: str | None = None) -> Instance:
    """Text instance of Andersen, Pavlikov & Toffolo (2022): `m n mu`, n values, m*n lines
    `i j p_ij`; mu identical weapons of every type; `text`: the file's text, already read."""
    path = Path(path)
    try:
        tokens = (path.read_text() if text is None else text).split()
    except OSError as err:
        raise KamaeError(f"{path}: cannot read WTA instance: {err}") from err
    try:
        m, n, mu = (int(t) for t in tokens[:3])
        v = np.array(tokens[3 : 3 + n], dtype=float)
        rest = np.array(tokens[3 + n :], dtype=float)
    except ValueError as err:
        raise KamaeError(f"{path}: expected 'm n mu', n values and 'i j p' lines: {err}") from err
    if m < 1 or n < 1 or mu < 0 or v.size != n or rest.size != 3 * m * n:
        raise KamaeError(
            f"{path}: header says {m} types x {n} targets; expected {n} values and {m * n}"
            f" 'i j p' lines, found {v.size} values and {rest.size / 3:g} lines"
        )
    rows = rest.reshape(-1, 3)
    i, j = rows[:, 0].astype(np.int64), rows[:, 1].astype(np.int64)
    if i.min() < 0 or i.max() >= m or j.min() < 0 or j.max() >= n:
        raise KamaeError(f"{path}: a type or target index is outside 0..{m - 1} or 0..{n - 1}")
    p = np.full((m, n), np.nan)
    p[i, j] = rows[:, 2]
    if np.isnan(p).any():
        raise KamaeError(f"{path}: some (type, target) pairs have no kill probability")
    try:
        v, p, w = _check(v, p, np.full(m, mu))
    except KamaeError as err:
        raise KamaeError(f"{path}: {err}") from err
    return Instance(values=v, p=p, counts=w, name=path.stem)


def read_instance(path: str | Path, text: str | None = None) -> Instance:
    """Read a WTA instance: JSON if the name ends in .json, else the Andersen text format
    (`text`: the file's text, already read and checked by the caller)."""
    if Path(path).suffix.lower() == ".json":
        return read_json(path, text)
    return read_andersen(path, text)
