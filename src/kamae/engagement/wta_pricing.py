"""Exact per-target pricing for the Lagrangian relaxation of the static WTA.

With multipliers lambda_i >= 0 on the weapon counts, the relaxed problem separates by target:

    g_j(lambda) = min over x in Z^m, 0 <= x_i <= W_i, of  V_j prod_i q_ij^x_i + sum_i lambda_i x_i

(q = 1 - p). This module solves every g_j exactly by one breadth-first branch and bound,
vectorised across targets. Two facts keep the trees small:

1. *Useless copies.* An optimal x with the fewest weapons has, for every copy of type i, a
   strict gain from keeping it: lambda_i < s p_i, where s is V_j times the survival of every
   other weapon in x. Adding weapons in a fixed order, s is at most the survival-weighted value
   of the partial set, so a copy with lambda_i >= s_partial p_i is never needed.
2. *Continuous bound.* Below a node (value s, cost L so far), with types restricted to those of
   ratio lambda_i / a_i >= c (a_i = -ln q_i), any completion costs at least
   L + h(c, s), h(c, s) = min_{u >= 0} s e^-u + c u = s if c >= s, else c (1 + ln(s / c)):
   the continuous relaxation (a purchase of log-kill u at the cheapest price c). Types are
   taken in increasing ratio, so this bounds every later sibling too.

A target whose tree outgrows `max_states` gets the least of its live nodes' bounds and of the
values found, a valid lower bound (flagged `exact=False`). Neglected: nothing; rounding is
covered by a margin where the bound is reported (wta_bound).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IndexArray, IntArray

__all__ = ["Priced", "continuous_bound", "price_targets"]


@dataclass(frozen=True, eq=False)
class Priced:
    """g_j(lambda) per target, whether it is exact, and the minimising patterns.

    Patterns are given for targets whose minimiser is not the empty set: entry k says that
    pattern `entry_target[k]` holds `entry_count[k]` weapons of type `entry_type[k]`.
    """

    values: FloatArray
    exact: BoolArray
    entry_target: IntArray
    entry_type: IntArray
    entry_count: IntArray


def continuous_bound(c: FloatArray, s: FloatArray) -> FloatArray:
    """h(c, s) = min_{u >= 0} s e^-u + c u (c >= 0 price per unit of log-kill, s >= 0 value)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = c * (1.0 + np.log(s / c))
    out = np.where(c >= s, s, inner)
    return np.where(c <= 0.0, 0.0, out)


def _slots(
    v: FloatArray, p: FloatArray, a: FloatArray, w: IntArray, lam: FloatArray
) -> tuple[IndexArray, FloatArray, BoolArray]:
    """Per target, the types worth a first copy (W_i >= 1, lambda_i < V_j p_ij) by increasing
    ratio lambda_i / a_ij."""
    useful = (lam[:, None] < v[None, :] * p) & (w[:, None] > 0)
    width = int(useful.sum(axis=0).max()) if useful.size else 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(useful, lam[:, None] / a, np.inf)
    order = np.argsort(ratio, axis=0, kind="stable")[:width]
    rat = np.take_along_axis(ratio, order, axis=0)
    return order.T, rat.T, np.isfinite(rat.T)


def price_targets(
    v: FloatArray,
    p: FloatArray,
    q: FloatArray,
    a: FloatArray,
    w: IntArray,
    lam: FloatArray,
    max_states: int = 200_000,
) -> Priced:
    """g_j(lambda) for every target j (module docstring), with lambda >= 0."""
    n = v.size
    order, rat, ok = _slots(v, p, a, w, lam)
    if order.shape[1] == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Priced(v.copy(), np.ones(n, dtype=bool), empty, empty, empty)
    cols = np.arange(n)[:, None]
    lam_s, p_s, q_s = lam[order], p[order, cols], q[order, cols]
    cap_s = w[order]
    width = ok.sum(axis=1)
    greedy = _greedy_counts(v, p, q, w, lam)
    best = v * np.prod(q**greedy, axis=0) + lam @ greedy
    best_level = np.zeros(n, dtype=np.int64)
    best_index = np.zeros(n, dtype=np.int64)
    exact = np.ones(n, dtype=bool)
    tgt = np.arange(n)
    s, cost = v.copy(), np.zeros(n)
    last, cnt = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    parents: list[IntArray] = []
    slots: list[IntArray] = []
    while tgt.size:
        if tgt.size > max_states:
            lo = continuous_bound(rat[tgt, last], s) + cost
            np.minimum.at(best, tgt, lo)
            exact[tgt] = False
            break
        first = last + (cnt >= cap_s[tgt, last])  # a used-up type moves the start on
        stop = _first_bounded(rat, tgt, s, cost, best, first, width[tgt])
        size = np.maximum(stop - first, 0)
        si = np.repeat(np.arange(tgt.size), size)
        ri = first[si] + np.arange(si.size) - np.repeat(np.cumsum(size) - size, size)
        keep = lam_s[tgt[si], ri] < s[si] * p_s[tgt[si], ri]
        si, ri = si[keep], ri[keep]
        if si.size == 0:
            break
        tgt = tgt[si]
        s = s[si] * q_s[tgt, ri]
        cost = cost[si] + lam_s[tgt, ri]
        cnt = np.where((ri == last[si]) & (cnt[si] > 0), cnt[si] + 1, 1)
        last = ri
        parents.append(si)
        slots.append(ri)
        _record(best, best_level, best_index, tgt, s + cost, len(parents))
    found = _patterns(best, best_level, best_index, parents, slots, order)
    rest = (best_level == 0)[None, :] & (greedy > 0)
    gy, gt = np.nonzero(rest.T)  # by target, then type
    t = np.concatenate([found[0], gy])
    y = np.concatenate([found[1], gt])
    c = np.concatenate([found[2], greedy[gt, gy]])
    key = np.lexsort((y, t))
    return Priced(best, exact, t[key], y[key], c[key])


def _greedy_counts(
    v: FloatArray, p: FloatArray, q: FloatArray, w: IntArray, lam: FloatArray
) -> IntArray:
    """Per target, copies added one at a time while one strictly lowers V_j prod q^x +
    lambda . x (largest gain s p_ij - lambda_i first): the search's first incumbent."""
    m, n = p.shape
    x = np.zeros((m, n), dtype=np.int64)
    s = v.copy()
    cols = np.arange(n)
    while True:
        gain = np.where(x < w[:, None], s * p - lam[:, None], 0.0)
        i = gain.argmax(axis=0)
        go = np.flatnonzero(gain[i, cols] > 0.0)
        if go.size == 0:
            return x
        x[i[go], go] += 1
        s[go] *= q[i[go], go]


def _first_bounded(
    rat: FloatArray,
    tgt: IntArray,
    s: FloatArray,
    cost: FloatArray,
    best: FloatArray,
    lo: IntArray,
    hi: IntArray,
) -> IntArray:
    """Per node, the first slot r in [lo, hi) whose continuous bound cost + h(ratio_r, s)
    reaches the target's best value (hi if none): the bound grows with r."""
    lo, hi = lo.copy(), hi.copy()
    live = lo < hi
    while live.any():
        k = np.flatnonzero(live)
        mid = (lo[k] + hi[k]) // 2
        bounded = cost[k] + continuous_bound(rat[tgt[k], mid], s[k]) >= best[tgt[k]]
        hi[k] = np.where(bounded, mid, hi[k])
        lo[k] = np.where(bounded, lo[k], mid + 1)
        live = lo < hi
    return lo


def _record(
    best: FloatArray,
    best_level: IntArray,
    best_index: IntArray,
    tgt: IntArray,
    vals: FloatArray,
    level: int,
) -> None:
    """Keep, per target, the least value among this level's nodes if it improves."""
    least = np.full(best.size, np.inf)
    np.minimum.at(least, tgt, vals)
    hit = np.flatnonzero((vals <= least[tgt]) & (vals < best[tgt]))
    if hit.size == 0:
        return
    first_t, first = np.unique(tgt[hit], return_index=True)
    best[first_t] = vals[hit[first]]
    best_level[first_t] = level
    best_index[first_t] = hit[first]


def _patterns(
    best: FloatArray,
    best_level: IntArray,
    best_index: IntArray,
    parents: list[IntArray],
    slots: list[IntArray],
    order: IndexArray,
) -> tuple[IntArray, IntArray, IntArray]:
    """Walk the parent links back from each target's best node to its multiset of types:
    (target, type, count) entries."""
    et: list[IntArray] = []
    ey: list[IntArray] = []
    node = best_index.copy()
    for level in range(len(parents), 0, -1):
        here = np.flatnonzero(best_level >= level)
        slot = slots[level - 1][node[here]]
        et.append(here)
        ey.append(order[here, slot])
        node[here] = parents[level - 1][node[here]]
    if not et:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    tt = np.concatenate(et).astype(np.int64)
    yy = np.concatenate(ey).astype(np.int64)
    pairs, count = np.unique(np.stack([tt, yy]), axis=1, return_counts=True)
    return pairs[0], pairs[1], count.astype(np.int64)
