"""Static weapon-target assignment (WTA): exact branch and bound, and a fast local search.

Model: minimise the expected surviving value sum_j V_j * prod_i (1 - p_ij)^x_ij subject to
sum_j x_ij = W_i (W_i weapons of type i), x_ij non-negative integers (Manne 1958; the form of
Ahuja, Kumar, Jha & Orlin, "Exact and heuristic algorithms for the weapon-target assignment
problem", Operations Research 55(6), 2007). The heuristic is their greedy maximum-marginal-return
construction followed by a very-large-scale neighbourhood search whose cyclic and path exchanges
are solved exactly as a linear assignment problem, then an iterated ruin-and-recreate search.
Neglected: the dynamic (shoot-look-shoot) problem, weapon-target feasibility windows beyond a
kill probability of zero, and correlated kills (weapons kill independently).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import linear_sum_assignment

from kamae.errors import KamaeError

__all__ = [
    "Assignment",
    "Instance",
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
# division by 1 - p) stays finite; the reported objective always uses the exact p.
_Q_FLOOR = 1e-12
# Improvement, relative to the total target value, below which a change is no change: a guard
# against round-off in sums where large terms cancel.
_REL_TOL = 1e-12
# solve() uses the exact method when the number of distinct assignments is at most this.
_EXACT_LEAVES = 10**7
# solve_exact refuses more weapons than this (search depth and bound tables grow with it).
_EXACT_MAX_WEAPONS = 64


@dataclass(frozen=True, eq=False)
class Assignment:
    """A weapon-target assignment: x[i, j] weapons of type i on target j."""

    x: NDArray[np.int64]
    objective: float
    method: str
    optimal: bool


@dataclass(frozen=True, eq=False)
class Instance:
    """A static WTA instance: target values V_j, kill probabilities p[i, j], counts W_i."""

    values: NDArray[np.float64]
    p: NDArray[np.float64]
    counts: NDArray[np.int64]
    name: str = ""


def _numbers(name: str, value: ArrayLike) -> NDArray[np.float64]:
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise KamaeError(f"{name}: expected numbers in a regular array: {err}") from err


def _check(
    values: ArrayLike, p: ArrayLike, counts: ArrayLike | None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
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
    v: NDArray[np.float64], pr: NDArray[np.float64], x: NDArray[np.int64], method: str, opt: bool
) -> Assignment:
    x = x.astype(np.int64)
    x.setflags(write=False)
    return Assignment(x=x, objective=_surviving_value(v, pr, x), method=method, optimal=opt)


def _surviving_value(v: NDArray[np.float64], pr: NDArray[np.float64], x: NDArray) -> float:
    """sum_j V_j prod_i (1 - p_ij)^x_ij with the exact p, touching only the non-zero x_ij."""
    i, j = np.nonzero(x)
    survival = np.ones(v.size)
    np.multiply.at(survival, j, (1.0 - pr[i, j]) ** x[i, j])
    return float(v @ survival)


# --------------------------------------------------------------------------- construction


def _greedy(v: NDArray[np.float64], q: NDArray[np.float64], w: NDArray[np.int64]) -> NDArray:
    """Maximum marginal return: repeatedly give the target with the largest expected value
    destroyed V_j s_j p_ij to the weapon type that achieves it (Ahuja et al. 2007)."""
    m, n = q.shape
    p = 1.0 - q
    gain = p * v
    rows = np.arange(m)
    left = w.copy()
    best_j = gain.argmax(axis=1)
    best_g = gain[rows, best_j]
    best_g[left == 0] = -np.inf
    best_j[left == 0] = -1
    c = v.copy()
    x = np.zeros((m, n), dtype=np.int64)
    for _ in range(int(w.sum())):
        i = int(best_g.argmax())
        j = int(best_j[i])
        x[i, j] += 1
        left[i] -= 1
        c[j] *= q[i, j]
        gain[:, j] = p[:, j] * c[j]
        if left[i] == 0:
            best_g[i] = -np.inf
            best_j[i] = -1
        stale = (best_j == j).nonzero()[0]
        if stale.size:
            bj = gain[stale].argmax(axis=1)
            best_j[stale] = bj
            best_g[stale] = gain[stale, bj]
    return x


def _assignment(cost: NDArray[np.float64]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Rows of cost (rows <= columns) matched to distinct columns at least total cost.

    Near-square problems are padded with zero rows and reduced (columns, then rows) first:
    the optimum is unchanged and SciPy's shortest augmenting path solver is several times
    faster on the column-scaled matrices WTA produces."""
    r, n = cost.shape
    if 4 * r < 3 * n:
        return linear_sum_assignment(cost)
    if r < n:
        cost = np.vstack([cost, np.zeros((n - r, n))])
    cost = cost - cost.min(axis=0)
    cost -= cost.min(axis=1)[:, None]
    rows, cols = linear_sum_assignment(cost)
    keep = rows < r
    return rows[keep], cols[keep]


# --------------------------------------------------------------------------- local search


class _Search:
    """Incremental state of one local search: x, and c_j = V_j prod_i q_ij^x_ij."""

    def __init__(
        self,
        v: NDArray[np.float64],
        q: NDArray[np.float64],
        x: NDArray[np.int64],
        rng: np.random.Generator,
    ) -> None:
        self.v = v
        self.q = q
        self.qm1 = q - 1.0
        self.inv_m1 = 1.0 / q - 1.0
        self.log_q = np.log(q)
        self.rng = rng
        self.tol = _REL_TOL * float(v.sum())
        self.x = x.copy()
        self.c = np.empty_like(v)
        self.refresh()

    def refresh(self, cols: NDArray[np.intp] | None = None) -> None:
        if cols is None:
            self.c = self.v * np.exp(np.einsum("ij,ij->j", self.log_q, self.x))
        else:
            lq, xs = self.log_q[:, cols], self.x[:, cols]
            self.c[cols] = self.v[cols] * np.exp(np.einsum("ij,ij->j", lq, xs))

    def total(self) -> float:
        return float(self.c.sum())

    def relocate(self) -> bool:
        """Single-weapon moves: best improving move per weapon type, applied in passes of
        target-disjoint moves (so every applied delta is exact) until none improves."""
        q, x, c = self.q, self.x, self.c
        m, n = q.shape
        rows = np.arange(m)
        any_move = False
        while True:
            removal = np.where(x > 0, c * self.inv_m1, np.inf)  # cost of taking one off j
            insert = c * self.qm1  # change from adding one to k (<= 0)
            k1 = insert.argmin(axis=1)
            b1 = insert[rows, k1]
            insert[rows, k1] = np.inf
            k2 = insert.argmin(axis=1)
            b2 = insert[rows, k2]
            is_k1 = np.arange(n)[None, :] == k1[:, None]
            delta = removal + np.where(is_k1, b2[:, None], b1[:, None])
            jb = delta.argmin(axis=1)
            db = delta[rows, jb]
            kb = np.where(jb == k1, k2, k1)
            cand = np.flatnonzero(db < -self.tol)
            if cand.size == 0:
                return any_move
            touched = np.zeros(n, dtype=bool)
            for i in cand[np.argsort(db[cand])]:
                j, k = jb[i], kb[i]
                if touched[j] or touched[k]:
                    continue
                touched[j] = touched[k] = True
                x[i, j] -= 1
                x[i, k] += 1
            self.refresh(touched.nonzero()[0])
            any_move = True

    def exchange(self) -> bool:
        """One very-large-scale neighbourhood step: take one weapon off every occupied target
        (chosen at random among its types, weighted by count) and put the taken weapons back,
        at most one per target, at least cost. Every cyclic and path exchange of Ahuja et al.
        (2007) through these weapons is a feasible reassignment, and the assignment problem
        finds the best combination of them exactly."""
        q, x, c = self.q, self.x, self.c
        m, _ = q.shape
        tg = np.flatnonzero(x.any(axis=0))
        if tg.size == 0:
            return False
        ty = (x[:, tg] * self.rng.random((m, tg.size))).argmax(axis=0)
        cp = c.copy()
        cp[tg] /= q[ty, tg]
        cost = cp * self.qm1[ty]
        r, k = _assignment(cost)
        new = float(cp.sum() + cost[r, k].sum())
        if new >= float(c.sum()) - self.tol:
            return False
        x[ty, tg] -= 1
        x[ty[r], k] += 1
        changed = np.zeros(x.shape[1], dtype=bool)
        changed[tg] = True
        changed[k] = True
        self.refresh(changed.nonzero()[0])
        return True

    def descend(self, patience: int) -> None:
        """Relocations and exchanges until `patience` exchange rounds in a row find nothing."""
        self.relocate()
        fails = 0
        while fails < patience:
            if self.exchange():
                self.relocate()
                fails = 0
            else:
                fails += 1
        self.refresh()

    def ruin(self, k: int) -> None:
        """Ruin and recreate: strip k random targets and give their weapons back one by one,
        each to the target where it destroys the most expected value."""
        x = self.x
        m, n = x.shape
        t = self.rng.choice(n, size=min(k, n), replace=False)
        released = np.repeat(np.arange(m), x[:, t].sum(axis=1))
        x[:, t] = 0
        self.refresh()
        self.rng.shuffle(released)
        p = -self.qm1
        c = self.c
        for i in released:
            j = int((c * p[i]).argmax())
            x[i, j] += 1
            c[j] *= self.q[i, j]

    def kick(self, noise: float) -> None:
        """A coordinated random step: the exchange of `exchange`, solved on costs multiplied
        by 1 + noise * N(0, 1) and applied whether it improves or not."""
        q, x, c = self.q, self.x, self.c
        m, _ = q.shape
        tg = np.flatnonzero(x.any(axis=0))
        if tg.size == 0:
            return
        ty = (x[:, tg] * self.rng.random((m, tg.size))).argmax(axis=0)
        cp = c.copy()
        cp[tg] /= q[ty, tg]
        cost = cp * self.qm1[ty]
        r, k = _assignment(cost * (1.0 + noise * self.rng.standard_normal(cost.shape)))
        x[ty, tg] -= 1
        x[ty[r], k] += 1
        self.refresh()


# --------------------------------------------------------------------------- exact


def _branch_and_bound(
    v: NDArray[np.float64],
    q: NDArray[np.float64],
    w: NDArray[np.int64],
    incumbent: NDArray[np.int64],
    max_nodes: int,
) -> tuple[NDArray[np.int64], bool]:
    """Depth-first branch and bound over weapons, identical weapons as multisets.

    Bound: with R weapons left, replace each by a weapon whose survival against target j is the
    least among the types still to come (q*_j). Those weapons are identical, the relaxed problem
    is separable and convex, and its optimum is the sum of the R largest marginal returns
    V_j s_j q*_j^r (1 - q*_j); subtracting that from the current value bounds every completion.
    """
    m, n = q.shape
    order = np.argsort(-((1.0 - q) * v).max(axis=1), kind="stable")
    wt = np.repeat(order, w[order])
    total = wt.size
    if total == 0:
        return np.zeros((m, n), dtype=np.int64), True
    qw = q[wt]
    suffix = np.minimum.accumulate(qw[::-1], axis=0)[::-1]
    ramps = [
        suffix[k][:, None] ** np.arange(total - k)[None, :] * (1.0 - suffix[k])[:, None]
        for k in range(total)
    ]
    same = np.zeros(total, dtype=bool)
    same[1:] = wt[1:] == wt[:-1]
    s = v.copy()
    path = np.zeros(total, dtype=np.int64)
    tol = _REL_TOL * float(v.sum())
    best_val = float(v @ np.prod(q**incumbent, axis=0)) + tol
    best_path: NDArray[np.int64] | None = None
    nodes = 0
    complete = True

    def dfs(k: int, lo: int) -> None:
        nonlocal best_val, best_path, nodes, complete
        nodes += 1
        if nodes > max_nodes:
            complete = False
            return
        if k == total:
            val = float(s.sum())
            if val < best_val - tol:
                best_val, best_path = val, path.copy()
            return
        flat = (s[:, None] * ramps[k]).ravel()
        left = total - k
        reach = np.partition(flat, flat.size - left)[flat.size - left :].sum()
        if float(s.sum() - reach) >= best_val - tol:
            return
        cand = np.arange(lo if same[k] else 0, n)
        for j in cand[np.argsort(-s[cand] * (1.0 - qw[k, cand]), kind="stable")]:
            old = s[j]
            s[j] = old * qw[k, j]
            path[k] = j
            dfs(k + 1, int(j))
            s[j] = old
            if not complete:
                return

    dfs(0, 0)
    if best_path is None:
        return incumbent, complete
    x = np.zeros((m, n), dtype=np.int64)
    np.add.at(x, (wt, best_path), 1)
    return x, complete


def solve_exact(
    values: ArrayLike,
    p: ArrayLike,
    counts: ArrayLike | None = None,
    *,
    max_nodes: int = 2_000_000,
) -> Assignment:
    """Optimal assignment by branch and bound (small problems: at most 64 weapons in all, and in
    practice a few dozen).

    The incumbent is the heuristic's answer. If `max_nodes` is reached before the tree is
    exhausted, the best assignment found is returned with `optimal=False`.
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
    start = solve_heuristic(v, pr, w, iterations=20).x
    x, complete = _branch_and_bound(v, q, w, np.array(start), max_nodes)
    method = "branch-and-bound" if complete else "branch-and-bound (node limit reached)"
    return _result(v, pr, x, method, complete)


# --------------------------------------------------------------------------- heuristic


def solve_greedy(values: ArrayLike, p: ArrayLike, counts: ArrayLike | None = None) -> Assignment:
    """Greedy maximum-marginal-return assignment (Ahuja et al. 2007): the usual baseline."""
    v, pr, w = _check(values, p, counts)
    x = _greedy(v, np.maximum(1.0 - pr, _Q_FLOOR), w)
    return _result(v, pr, x, "greedy", False)


def solve_heuristic(
    values: ArrayLike,
    p: ArrayLike,
    counts: ArrayLike | None = None,
    *,
    iterations: int = 300,
    seed: int = 0,
    time_limit: float | None = None,
    patience: int = 1,
    restart_after: int = 150,
    stop_at: float | None = None,
) -> Assignment:
    """Greedy construction, very-large-scale neighbourhood descent, then iterated local search.

    Descent: single-weapon relocations and exchanges solved as an assignment problem (one
    weapon off every occupied target, put back at most one per target) until `patience`
    exchange rounds in a row find nothing. Iterated local search (Lourenco, Martin & Stuetzle,
    Handbook of Metaheuristics, 2003): `iterations` times, perturb the current assignment (half
    the time strip 2 to 6 random targets and give their weapons back greedily, half the time
    apply a randomly perturbed exchange), descend, and keep it if better; after
    `restart_after` iterations without improvement, restart from the greedy assignment
    perturbed. Deterministic for a given seed when `time_limit` is None; `time_limit` (seconds,
    wall clock) stops the iterations early, and so does reaching an objective <= `stop_at`.
    Returns the best assignment seen: never worse than solve_greedy, never proven optimal.
    """
    v, pr, w = _check(values, p, counts)
    for name, value, least in (
        ("iterations", iterations, 0),
        ("patience", patience, 0),
        ("restart_after", restart_after, 1),
    ):
        if not isinstance(value, int) or value < least:
            raise KamaeError(f"{name}: expected a whole number >= {least}, got {value!r}")
    t0 = time.perf_counter()
    q = np.maximum(1.0 - pr, _Q_FLOOR)
    rng = np.random.default_rng(seed)
    start = _greedy(v, q, w)
    search = _Search(v, q, start, rng)
    search.descend(patience)
    best_x, best = search.x.copy(), search.total()
    cur_x, cur = best_x, best
    since = 0
    k_max = max(2, min(6, v.size // 10))
    for _ in range(iterations):
        if time_limit is not None and time.perf_counter() - t0 >= time_limit:
            break
        if stop_at is not None and best <= stop_at:
            break
        if since >= restart_after:
            search.x = start.copy()
            search.refresh()
            search.kick(0.3)
            search.descend(patience)
            cur_x, cur = search.x.copy(), search.total()
            since = 0
        search.x = cur_x.copy()
        search.refresh()
        if rng.random() < 0.5:
            search.kick(float(rng.uniform(0.05, 0.25)))
        else:
            search.ruin(int(rng.integers(2, k_max + 1)))
        search.descend(patience)
        val = search.total()
        since += 1
        if val < cur - search.tol:
            cur_x, cur = search.x.copy(), val
            since = 0
        if val < best - search.tol:
            best_x, best = search.x.copy(), val
    return _result(v, pr, best_x, "greedy + VLSN descent + iterated local search", False)


def _leaves(n: int, w: NDArray[np.int64]) -> float:
    """Number of distinct assignments: product over types of multisets of size W_i from n."""
    total = 1.0
    for wi in w:
        total *= math.comb(n + int(wi) - 1, int(wi))
        if total > _EXACT_LEAVES:
            break
    return total


def solve(
    values: ArrayLike,
    p: ArrayLike,
    counts: ArrayLike | None = None,
    *,
    seed: int = 0,
    time_limit: float | None = None,
) -> Assignment:
    """Exact for small problems (at most 10^7 distinct assignments and 64 weapons), else the
    heuristic."""
    v, pr, w = _check(values, p, counts)
    if w.sum() <= _EXACT_MAX_WEAPONS and _leaves(v.size, w) <= _EXACT_LEAVES:
        return solve_exact(v, pr, w)
    return solve_heuristic(v, pr, w, seed=seed, time_limit=time_limit)


# --------------------------------------------------------------------------- instances


def read_json(path: str | Path) -> Instance:
    """JSON instance: {"values": [...], "p": [[p_ij over targets j] per type i], "counts": [...]}
    ("counts" optional, default one weapon per type)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
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


def read_andersen(path: str | Path) -> Instance:
    """Text instance of Andersen, Pavlikov & Toffolo (2022): `m n mu`, n values, m*n lines
    `i j p_ij`; mu identical weapons of every type."""
    path = Path(path)
    try:
        tokens = path.read_text().split()
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


def read_instance(path: str | Path) -> Instance:
    """Read a WTA instance: JSON if the name ends in .json, else the Andersen text format."""
    return read_json(path) if Path(path).suffix.lower() == ".json" else read_andersen(path)
