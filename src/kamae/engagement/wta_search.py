"""Local search for the static WTA: greedy construction, VLSN descent, iterated local search.

Greedy maximum marginal return and the very-large-scale neighbourhood (cyclic and path
exchanges) follow Ahuja, Kumar, Jha & Orlin, "Exact and heuristic algorithms for the
weapon-target assignment problem", Operations Research 55(6), 2007; here the exchange is solved
exactly as one linear assignment problem. Iterated local search after Lourenco, Martin &
Stuetzle, Handbook of Metaheuristics, 2003, with ruin-and-recreate perturbations (Schrimpf et
al., J. Comput. Phys. 159, 2000). The mu identical weapons of a type are one multiset: x_ij is a
count and a move takes one weapon of a type from one target to another.
Survival q = 1 - p is floored at 1e-12 here so that removing a weapon stays finite.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.optimize import linear_sum_assignment

from kamae.arrays import FloatArray, IndexArray, IntArray

__all__ = ["LocalSearch", "fill", "greedy"]

# Improvement, relative to the total target value, below which a change is no change: a guard
# against round-off in sums where large terms cancel.
REL_TOL = 1e-12


def greedy(v: FloatArray, q: FloatArray, w: IntArray) -> IntArray:
    """Maximum marginal return: repeatedly give the target with the largest expected value
    destroyed V_j s_j p_ij to the weapon type that achieves it (Ahuja et al. 2007)."""
    m, n = q.shape
    x = np.zeros((m, n), dtype=np.int64)
    return fill(v, q, x, w)


def fill(v: FloatArray, q: FloatArray, x: IntArray, w: IntArray) -> IntArray:
    """Complete x (row sums <= W) to row sums W by maximum marginal return, in place."""
    m, n = q.shape
    p = 1.0 - q
    c = v * np.exp(np.einsum("ij,ij->j", np.log(q), x))
    gain = p * c
    rows = np.arange(m)
    left = w - x.sum(axis=1)
    best_j = gain.argmax(axis=1)
    best_g = gain[rows, best_j]
    best_g[left <= 0] = -np.inf
    for _ in range(int(left.sum())):
        i = int(best_g.argmax())
        j = int(best_j[i])
        x[i, j] += 1
        left[i] -= 1
        c[j] *= q[i, j]
        gain[:, j] = p[:, j] * c[j]
        if left[i] == 0:
            best_g[i] = -np.inf
        stale = (best_j == j).nonzero()[0]
        if stale.size:
            bj = gain[stale].argmax(axis=1)
            best_j[stale] = bj
            best_g[stale] = np.where(left[stale] > 0, gain[stale, bj], -np.inf)
    return x


def _assignment(cost: FloatArray) -> tuple[IndexArray, IndexArray]:
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


class LocalSearch:
    """Incremental state of one local search: x, and c_j = V_j prod_i q_ij^x_ij."""

    def __init__(self, v: FloatArray, q: FloatArray, x: IntArray, rng: np.random.Generator) -> None:
        self.v = v
        self.q = q
        self.qm1 = q - 1.0
        self.inv_m1 = 1.0 / q - 1.0
        self.log_q = np.log(q)
        self.rng = rng
        self.tol = REL_TOL * float(v.sum())
        self.x = x.copy()
        self.c = np.empty_like(v)
        self.refresh()

    def refresh(self, cols: IndexArray | None = None) -> None:
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

    def _exchange_problem(self) -> tuple[IntArray, IntArray, FloatArray, FloatArray] | None:
        """Take one weapon off every occupied target (a random one of its types, weighted by
        count): (targets, their types, values without them, cost of re-insertion)."""
        x, c = self.x, self.c
        tg = np.flatnonzero(x.any(axis=0))
        if tg.size == 0:
            return None
        ty = (x[:, tg] * self.rng.random((x.shape[0], tg.size))).argmax(axis=0)
        cp = c.copy()
        cp[tg] /= self.q[ty, tg]
        return tg, ty, cp, cp * self.qm1[ty]

    def exchange(self) -> bool:
        """One very-large-scale neighbourhood step: the weapons of _exchange_problem put back,
        at most one per target, at least cost. Every cyclic and path exchange of Ahuja et al.
        (2007) through these weapons is a feasible reassignment, and the assignment problem
        finds the best combination of them exactly."""
        problem = self._exchange_problem()
        if problem is None:
            return False
        tg, ty, cp, cost = problem
        r, k = _assignment(cost)
        new = float(cp.sum() + cost[r, k].sum())
        if new >= self.total() - self.tol:
            return False
        self.x[ty, tg] -= 1
        self.x[ty[r], k] += 1
        changed = np.zeros(self.x.shape[1], dtype=bool)
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
        problem = self._exchange_problem()
        if problem is None:
            return
        tg, ty, _, cost = problem
        r, k = _assignment(cost * (1.0 + noise * self.rng.standard_normal(cost.shape)))
        self.x[ty, tg] -= 1
        self.x[ty[r], k] += 1
        self.refresh()

    def perturb(self) -> None:
        """Half the time a noisy exchange (noise ~ U[0.05, 0.25]), half the time ruin and
        recreate of 2 to min(6, n / 10) targets (at least 2)."""
        if self.rng.random() < 0.5:
            self.kick(float(self.rng.uniform(0.05, 0.25)))
        else:
            k_max = max(2, min(6, self.v.size // 10))
            self.ruin(int(self.rng.integers(2, k_max + 1)))

    def iterate(
        self,
        start: IntArray,
        iterations: int,
        patience: int,
        restart_after: int,
        stop: Callable[[float], bool],
        visit: Callable[[IntArray], None] | None = None,
    ) -> tuple[IntArray, float]:
        """Iterated local search from the current x: `iterations` times perturb the current
        assignment, descend, and keep the result if better; after `restart_after` iterations
        without improvement restart from `start`, kicked. `visit` sees every local optimum;
        `stop(best)` ends the run early. Returns the best assignment and its value."""
        best_x, best = self.x.copy(), self.total()
        cur_x, cur = best_x, best
        since = 0
        for _ in range(iterations):
            if stop(best):
                break
            if since >= restart_after:
                self.x = start.copy()
                self.refresh()
                self.kick(0.3)
                self.descend(patience)
                cur_x, cur = self.x.copy(), self.total()
                since = 0
            self.x = cur_x.copy()
            self.refresh()
            self.perturb()
            self.descend(patience)
            val = self.total()
            if visit is not None:
                visit(self.x)
            since += 1
            if val < cur - self.tol:
                cur_x, cur = self.x.copy(), val
                since = 0
            if val < best - self.tol:
                best_x, best = self.x.copy(), val
        self.x = best_x.copy()
        self.refresh()
        return best_x, best
