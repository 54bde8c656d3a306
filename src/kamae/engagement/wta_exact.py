"""Exact static WTA for small instances: depth-first branch and bound over weapons.

Identical weapons are branched as multisets (non-decreasing target order), types strongest
first, targets in order of marginal return. Bound at a node with R weapons left: replace each
by a weapon whose survival against target j is the least among the types still to come, q*_j;
the relaxed problem is separable and convex, so its optimum (the current value minus the R
largest marginal returns V_j s_j q*_j^r (1 - q*_j)) bounds every completion. Neglected:
nothing; it is exact up to a relative 1e-12 tolerance on improvements.
"""

from __future__ import annotations

import math

import numpy as np

from kamae.arrays import FloatArray, IntArray
from kamae.engagement.wta_search import REL_TOL

__all__ = ["assignments_count", "branch_and_bound"]


def branch_and_bound(
    v: FloatArray,
    q: FloatArray,
    w: IntArray,
    incumbent: IntArray,
    max_nodes: int,
) -> tuple[IntArray, bool]:
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
    tol = REL_TOL * float(v.sum())
    best_val = float(v @ np.prod(q**incumbent, axis=0)) + tol
    best_path: IntArray | None = None
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


def assignments_count(n: int, w: IntArray, cap: float) -> float:
    """Number of distinct assignments (product over types of the multisets of size W_i from n
    targets), counted until it exceeds cap."""
    total = 1.0
    for wi in w:
        total *= math.comb(n + int(wi) - 1, int(wi))
        if total > cap:
            break
    return total
