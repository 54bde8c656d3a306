"""Lower bound for the static WTA by Lagrangian relaxation and column generation.

Relaxing the weapon counts sum_j x_ij = W_i with multipliers lambda_i >= 0 (the problem with
<= has the same optimum, since an extra weapon never raises the objective) gives the dual
function

    L(lambda) = sum_j g_j(lambda) - sum_i lambda_i W_i,
    g_j(lambda) = min over x_j in Z^m, 0 <= x_ij <= W_i, of V_j prod_i q_ij^x_ij + lambda . x_j.

Weak duality (Geoffrion, "Lagrangean relaxation for integer programming", Math. Programming
Study 2, 1974): for the optimal assignment x*, f(x*) = sum_j [f_j(x*_j) + lambda . x*_j]
- lambda . W >= L(lambda), because each bracket is at least g_j(lambda). So *every* lambda >= 0
gives a valid bound once the g_j are exact (wta_pricing solves them exactly).

The multipliers come from column generation on the Dantzig-Wolfe master (one convexity row
per target, one count row per type, a column per target pattern; Dantzig & Wolfe 1960,
Desrosiers & Luebbecke 2005), stabilised by Wentges smoothing (Wentges, "Weighted Dantzig-Wolfe
decomposition for linear mixed-integer programming", ITOR 4(2), 1997): price at
alpha * center + (1 - alpha) * master duals. The best L(lambda) seen is the bound, less a
rounding margin; it reaches the master's LP optimum when no column prices out. The master is
solved by SciPy's HiGHS (interior point). The final pool of columns also feeds a restricted
master integer program (price-and-branch), whose answer seeds the local search.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix, csc_matrix

from kamae.arrays import FloatArray, IntArray
from kamae.engagement.wta_pricing import Priced, price_targets

__all__ = ["Bound", "ColumnPool", "lagrangian_bound", "restricted_master"]

# Relative rounding margin taken off the bound: far above the float64 error of the sums.
_MARGIN = 1e-10


@dataclass(eq=False)
class ColumnPool:
    """Target patterns of the Dantzig-Wolfe master, stored as sparse columns."""

    n_types: int
    targets: list[int] = field(default_factory=list)
    costs: list[float] = field(default_factory=list)
    rows: list[IntArray] = field(default_factory=list)
    counts: list[IntArray] = field(default_factory=list)
    seen: set[bytes] = field(default_factory=set)

    def add(self, j: int, types: IntArray, counts: IntArray, cost: float) -> bool:
        """Add pattern (target j, counts per type) unless already there."""
        key = np.concatenate([[j], types, counts]).astype(np.int64).tobytes()
        if key in self.seen:
            return False
        self.seen.add(key)
        self.targets.append(j)
        self.costs.append(cost)
        self.rows.append(types.astype(np.int64))
        self.counts.append(counts.astype(np.int64))
        return True

    def add_empty(self, v: FloatArray) -> None:
        """The empty pattern of every target (cost V_j): the master is always feasible."""
        none = np.zeros(0, np.int64)
        for j in range(v.size):
            self.add(j, none, none, float(v[j]))

    def add_assignment(
        self, v: FloatArray, q: FloatArray, x: IntArray, targets: IntArray | None = None
    ) -> None:
        """The non-empty patterns of assignment x (on `targets`, default all), costed with
        the exact q = 1 - p."""
        cols = np.arange(v.size) if targets is None else targets
        for j in cols[x[:, cols].any(axis=0)]:
            types = np.flatnonzero(x[:, j])
            cost = float(v[j] * np.prod(q[types, j] ** x[types, j]))
            self.add(int(j), types, x[types, j], cost)

    def matrix(self, n_targets: int) -> csc_matrix:
        """(types + targets) x columns: counts in the type rows, 1 in the target's row."""
        k = len(self.rows)
        sizes = np.array([r.size for r in self.rows], dtype=np.int64)
        rows = np.concatenate([np.concatenate(self.rows), self.n_types + np.array(self.targets)])
        cols = np.concatenate([np.repeat(np.arange(k), sizes), np.arange(k)])
        vals = np.concatenate([np.concatenate(self.counts), np.ones(k, dtype=np.int64)])
        shape = (self.n_types + n_targets, k)
        return coo_matrix((vals.astype(float), (rows, cols)), shape=shape).tocsc()


@dataclass(frozen=True, eq=False)
class Bound:
    """A certified lower bound and how it was obtained."""

    value: float
    multipliers: FloatArray
    target_values: FloatArray  # g_j at the multipliers (lower bounds where pricing was capped)
    lp_value: float
    iterations: int
    exact_pricing: bool


def _lagrangian(priced: Priced, lam: FloatArray, w: IntArray, v: FloatArray) -> float:
    raw = float(priced.values.sum() - lam @ w)
    return raw - _MARGIN * float(v.sum() + lam @ w)


def _insertion_prices(v: FloatArray, p: FloatArray, q: FloatArray, x: IntArray) -> FloatArray:
    """Starting multipliers: the value one more weapon of each type would destroy at its best
    target in assignment x (a lower estimate of the weapon's shadow price)."""
    c = v * np.prod(q**x, axis=0)
    return (c * p).max(axis=1)


def _master(
    pool: ColumnPool, w: IntArray, n: int, method: str
) -> tuple[float, FloatArray, FloatArray] | None:
    """Master LP over the pool: (value, lambda >= 0 on the counts, sigma on the targets)."""
    a = pool.matrix(n)
    m = pool.n_types
    res = linprog(
        np.array(pool.costs),
        A_ub=a[:m],
        b_ub=w.astype(float),
        A_eq=a[m:],
        b_eq=np.ones(n),
        bounds=(0, None),
        method=method,
    )
    if res.status != 0:
        return None
    lam = np.maximum(-np.asarray(res.ineqlin.marginals), 0.0)
    return float(res.fun), lam, np.asarray(res.eqlin.marginals)


def _add_priced(
    pool: ColumnPool,
    priced: Priced,
    v: FloatArray,
    q: FloatArray,
    lam: FloatArray,
    sigma: FloatArray | None,
) -> int:
    """Add the priced patterns (those of negative reduced cost at (lam, sigma) if given)."""
    t, y, c = priced.entry_target, priced.entry_type, priced.entry_count
    if t.size == 0:
        return 0
    cut = np.flatnonzero(np.diff(t)) + 1
    added = 0
    for idx in np.split(np.arange(t.size), cut):
        j = int(t[idx[0]])
        types, counts = y[idx], c[idx]
        cost = float(v[j] * np.prod(q[types, j] ** counts))
        if sigma is not None and cost + float(lam[types] @ counts) - sigma[j] >= -1e-9 * v[j]:
            continue
        added += pool.add(j, types, counts, cost)
    return added


def lagrangian_bound(
    v: FloatArray,
    p: FloatArray,
    w: IntArray,
    x0: IntArray,
    *,
    max_iterations: int = 60,
    tolerance: float = 1e-6,
    alpha: float = 0.3,
    method: str = "highs-ipm",
    upper: float = np.inf,
) -> tuple[Bound, ColumnPool]:
    """Best L(lambda) over a stabilised column generation started from assignment x0.

    Stops when the master LP value and the bound agree to `tolerance` (relative), when the
    bound is within `tolerance` of `upper` (a known objective: nothing left to prove), when
    no column prices out at the master's duals, or after `max_iterations` master solves.
    """
    m, n = p.shape
    q = 1.0 - p
    with np.errstate(divide="ignore"):
        a = -np.log1p(-p)
    pool = ColumnPool(m)
    pool.add_empty(v)
    pool.add_assignment(v, q, x0)
    center = _insertion_prices(v, p, q, x0)
    priced = price_targets(v, p, q, a, w, center)
    best, exact = _lagrangian(priced, center, w, v), bool(priced.exact.all())
    best_g = priced.values
    _add_priced(pool, priced, v, q, center, None)
    lp_value, it = np.inf, 0
    while it < max_iterations and best < upper - tolerance * abs(upper):
        it += 1
        master = _master(pool, w, n, method)
        if master is None:
            break
        lp_value, lam_rmp, sigma = master
        if lp_value - best <= tolerance * abs(lp_value):
            break
        weight, added = alpha, 0
        while True:
            lam = weight * center + (1.0 - weight) * lam_rmp
            priced = price_targets(v, p, q, a, w, lam)
            value = _lagrangian(priced, lam, w, v)
            if value > best:
                best, center, exact = value, lam, bool(priced.exact.all())
                best_g = priced.values
            added = _add_priced(pool, priced, v, q, lam_rmp, sigma)
            if added or weight == 0.0:
                break
            weight = max(0.0, weight - 0.25)  # mispricing: move towards the master's duals
        if not added:
            break
    # The objective, a sum of values times survival probabilities, is never negative: the
    # safety margin must not take the bound below 0 (an optimum near 0, a certain kill).
    bound = Bound(max(best, 0.0), center, best_g, lp_value, it, exact)
    return bound, pool


def restricted_master(
    pool: ColumnPool, w: IntArray, n: int, bound: Bound, upper: float, node_limit: int = 500
) -> IntArray | None:
    """Best assignment made of pool columns (one per target, at most W_i of type i), by
    HiGHS branch and bound with a node limit; None if it finds none.

    Reduced-cost filter: with the bound's multipliers, any assignment costs at least
    L(lambda) + sum of its columns' reduced costs c_k + lambda . x_k - g_j(lambda) >= 0, so a
    column whose reduced cost exceeds upper - L(lambda) is in no assignment better than
    `upper` and is left out (the incumbent's columns always stay)."""
    a = pool.matrix(n)
    m = pool.n_types
    costs = np.array(pool.costs)
    reduced = costs + a[:m].T @ bound.multipliers - bound.target_values[pool.targets]
    keep = np.flatnonzero(reduced <= upper - bound.value + 1e-9 * abs(upper))
    a = a[:, keep].tocsr()
    res = milp(
        costs[keep],
        integrality=np.ones(keep.size),
        bounds=(0, 1),
        constraints=[
            LinearConstraint(a[:m], -np.inf, w.astype(float)),
            LinearConstraint(a[m:], 1.0, 1.0),
        ],
        options={"node_limit": node_limit, "disp": False},
    )
    if res.x is None:
        return None
    chosen = keep[res.x > 0.5]
    x = np.zeros((m, n), dtype=np.int64)
    for k in chosen:
        x[pool.rows[k], pool.targets[k]] += pool.counts[k]
    return x
