"""Compiled per-slot kernels of the track filters (numba), for the batches the engine runs.

The tracker's algebra is small per slot (6 states, 3 measurements) and the engine holds a few
thousand slots, so NumPy's batched forms (`np.linalg.solve` on (M, 3, 3) stacks, 6×6 matrix
products) spend most of their time in per-call and per-matrix overhead. These kernels run the
same equations slot by slot in compiled loops:

- `position_update`: the converted-measurement Kalman update with H = [I 0] (Bar-Shalom, Li &
  Kirubarajan 2001, section 5.2), Joseph form P+ = (I - K H) P (I - K H)^T + K R K^T
  (section 5.2.3) or the short form P - K H P, symmetrised; the gain from S K^T = H P by
  Gaussian elimination with partial pivoting (LAPACK's `gesv`, which `np.linalg.solve` ran).
- `gaussian_update`: the general update of `kalman.gaussian_update` (any n and m, any H and
  R per row), S's positive definiteness by its Cholesky factor, which also gives S^-1 and
  log det S.
- `mahalanobis_3`: d2 = y^T S^-1 y of 3-D gate pairs (Gaussian elimination with pivoting);
  `gate_pairs` and `gate_predicted_pairs`: the system tracker's and the pictures' whole gate
  of (track, plot) pairs with it (the same admissible pairs and costs as the NumPy form).
- `positive_definite`: the Cholesky test of `kalman.covariance_diverged`.
- `cv_covariance`: the CV model's F P F^T + Q, formed blockwise in exactly the operations and
  order of `motion.cv_predict`'s NumPy form (the same floats, tested).
- `assign_components`: the GNN's exact assignment of every contested gate component of a
  scan in one compiled loop, by the shortest augmenting path algorithm that scipy's
  `linear_sum_assignment` runs (Crouse 2016), with its tie-breaking (the same assignments,
  tested).
- `scatter_add`: `np.add.at` on rows, the same floats (the information-form fusion's sums).
- `segment_sums`: sums of consecutive segments of an array by NumPy's own pairwise summation
  (the floats `np.sum` gives on each segment alone, tested), for measures taken of every
  replication at once that must equal a replication's own.

Elementwise operations in a kernel round as NumPy's do (no fast-math, no fused multiply-add:
numba's default), but sums of products run in a different order from BLAS's, so the updates
agree with the NumPy forms to rounding (~1e-15 relative, tested), not bit for bit. Kernels are
compiled on first use and cached on disk (numba's `cache=True`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from kamae.arrays import FloatArray

_LOG_2PI = math.log(2.0 * math.pi)


@njit(cache=True, inline="always")
def _solve3(s: FloatArray, a: FloatArray) -> bool:
    """Solve s X = a in place (a (3, k) becomes X) by Gaussian elimination with partial
    pivoting; s (3, 3) is overwritten. False if a pivot is zero."""
    k = a.shape[1]
    for c in range(3):
        piv = c
        best = abs(s[c, c])
        for i in range(c + 1, 3):
            if abs(s[i, c]) > best:
                best = abs(s[i, c])
                piv = i
        if best == 0.0:
            return False
        if piv != c:
            for j in range(3):
                s[c, j], s[piv, j] = s[piv, j], s[c, j]
            for j in range(k):
                a[c, j], a[piv, j] = a[piv, j], a[c, j]
        for i in range(c + 1, 3):
            f = s[i, c] / s[c, c]
            for j in range(c + 1, 3):
                s[i, j] -= f * s[c, j]
            for j in range(k):
                a[i, j] -= f * a[c, j]
    for c in range(2, -1, -1):
        for j in range(k):
            v = a[c, j]
            for i in range(c + 1, 3):
                v -= s[c, i] * a[i, j]
            a[c, j] = v / s[c, c]
    return True


@njit(cache=True)
def position_update(
    x: FloatArray, p: FloatArray, z: FloatArray, r: FloatArray, joseph: bool
) -> tuple[FloatArray, FloatArray]:
    """Kalman update of x (M, 6), p (M, 6, 6) by position plots z (M, 3), r (M, 3, 3)."""
    m = x.shape[0]
    xo = np.empty_like(x)
    po = np.empty_like(p)
    s = np.empty((3, 3))
    a = np.empty((3, 6))
    jp = np.empty((6, 6))
    q = np.empty((6, 6))
    kr = np.empty((6, 3))
    for n in range(m):
        for i in range(3):
            for j in range(3):
                s[i, j] = p[n, i, j] + r[n, i, j]
            for j in range(6):
                a[i, j] = p[n, i, j]
        if not _solve3(s, a):  # S singular: a NaN posterior, flagged as diverged
            a[:, :] = np.nan
        # a = S^-1 H P = K^T; x+ = x + K (z - H x); (I - K H) P = P - K H P.
        for i in range(6):
            v = x[n, i]
            for j in range(3):
                v += a[j, i] * (z[n, j] - x[n, j])
            xo[n, i] = v
            for j in range(6):
                w = p[n, i, j]
                for k in range(3):
                    w -= a[k, i] * p[n, k, j]
                jp[i, j] = w
        if joseph:
            for i in range(6):
                for j in range(3):
                    w = 0.0
                    for k in range(3):
                        w += a[k, i] * r[n, k, j]
                    kr[i, j] = w
            for i in range(6):
                for j in range(6):
                    w = jp[i, j]
                    for k in range(3):
                        w -= jp[i, k] * a[k, j]
                    v = 0.0
                    for k in range(3):
                        v += kr[i, k] * a[k, j]
                    q[i, j] = w + v
        else:
            q[:, :] = jp
        for i in range(6):
            for j in range(6):
                po[n, i, j] = 0.5 * (q[i, j] + q[j, i])
    return xo, po


@njit(cache=True, inline="always")
def _cholesky(s: FloatArray, low: FloatArray) -> bool:
    """Lower Cholesky factor of s (m, m) (its lower triangle) into low; False unless every
    pivot is finite and > 0 (s not positive definite)."""
    m = s.shape[0]
    for j in range(m):
        d = s[j, j]
        for k in range(j):
            d -= low[j, k] * low[j, k]
        if not d > 0.0:
            return False
        low[j, j] = math.sqrt(d)
        for i in range(j + 1, m):
            v = s[i, j]
            for k in range(j):
                v -= low[i, k] * low[j, k]
            low[i, j] = v / low[j, j]
    return True


@njit(cache=True)
def positive_definite(m: FloatArray) -> np.ndarray:
    """(B,) True where the symmetric part of m (B, k, k) has a Cholesky factor (positive
    definite)."""
    b_count, k = m.shape[0], m.shape[1]
    out = np.empty(b_count, dtype=np.bool_)
    sym = np.empty((k, k))
    low = np.zeros((k, k))
    for b in range(b_count):
        for i in range(k):
            for j in range(k):
                sym[i, j] = 0.5 * (m[b, i, j] + m[b, j, i])
        out[b] = _cholesky(sym, low)
    return out


@njit(cache=True, inline="always")
def _cholesky_solve(low: FloatArray, b: FloatArray) -> None:
    """Solve L L^T X = b in place (b (m, k))."""
    m, k = b.shape
    for c in range(k):
        for i in range(m):
            v = b[i, c]
            for j in range(i):
                v -= low[i, j] * b[j, c]
            b[i, c] = v / low[i, i]
        for i in range(m - 1, -1, -1):
            v = b[i, c]
            for j in range(i + 1, m):
                v -= low[j, i] * b[j, c]
            b[i, c] = v / low[i, i]


@njit(cache=True)
def gaussian_update(
    x: FloatArray, p: FloatArray, y: FloatArray, h: FloatArray, r: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Rows of x (B, n), p (B, n, n), y (B, m), h (B, m, n), r (B, m, m): posterior mean and
    covariance, S (B, m, m), NIS and log-likelihood; NaN / -inf rows where S is not PD."""
    b_count, n = x.shape
    m = y.shape[1]
    xo = np.empty_like(x)
    po = np.empty_like(p)
    so = np.empty((b_count, m, m))
    nis = np.empty(b_count)
    loglik = np.empty(b_count)
    pht = np.empty((n, m))
    low = np.zeros((m, m))
    kt = np.empty((m, n))
    w = np.empty((m, 1))
    for row in range(b_count):
        for i in range(n):
            for j in range(m):
                v = 0.0
                for k in range(n):
                    v += p[row, i, k] * h[row, j, k]
                pht[i, j] = v
        for i in range(m):
            for j in range(m):
                v = r[row, i, j]
                for k in range(n):
                    v += h[row, i, k] * pht[k, j]
                so[row, i, j] = v
        for i in range(m):
            for j in range(i):
                v = 0.5 * (so[row, i, j] + so[row, j, i])
                so[row, i, j] = v
                so[row, j, i] = v
        finite = True
        for i in range(m):
            finite = finite and math.isfinite(y[row, i])
            for j in range(m):
                finite = finite and math.isfinite(so[row, i, j])
        if not (finite and _cholesky(so[row], low)):
            xo[row, :] = np.nan
            po[row, :, :] = np.nan
            nis[row] = np.nan
            loglik[row] = -np.inf
            continue
        for i in range(m):
            w[i, 0] = y[row, i]
            for j in range(n):
                kt[i, j] = pht[j, i]
        _cholesky_solve(low, kt)
        _cholesky_solve(low, w)
        q = 0.0
        logdet = 0.0
        for i in range(m):
            q += y[row, i] * w[i, 0]
            logdet += 2.0 * math.log(low[i, i])
        nis[row] = q
        loglik[row] = -0.5 * (q + logdet + m * _LOG_2PI)
        for i in range(n):
            v = x[row, i]
            for j in range(m):
                v += kt[j, i] * y[row, j]
            xo[row, i] = v
            for j in range(n):
                u = p[row, i, j]
                for k in range(m):
                    u -= kt[k, i] * pht[j, k]
                po[row, i, j] = u
        for i in range(n):
            for j in range(i):
                v = 0.5 * (po[row, i, j] + po[row, j, i])
                po[row, i, j] = v
                po[row, j, i] = v
    return xo, po, so, nis, loglik


@njit(cache=True, inline="always")
def _pair_d2(y: FloatArray, s: FloatArray, b: FloatArray) -> float:
    """d2 = y^T S^-1 y of one pair (y (3,), S (3, 3) overwritten; b (3, 1) workspace), inf
    where S is singular or d2 is not finite."""
    for i in range(3):
        b[i, 0] = y[i]
    if not _solve3(s, b):
        return np.inf
    d2 = y[0] * b[0, 0] + y[1] * b[1, 0] + y[2] * b[2, 0]
    return d2 if math.isfinite(d2) else np.inf


@njit(cache=True)
def mahalanobis_3(y: FloatArray, s: FloatArray, ok: np.ndarray) -> FloatArray:
    """d2 = y^T S^-1 y of pairs y (P, 3), S (P, 3, 3) where ``ok`` (inf elsewhere and where
    d2 is not finite)."""
    out = np.full(y.shape[0], np.inf)
    ss = np.empty((3, 3))
    b = np.empty((3, 1))
    for n in range(y.shape[0]):
        if ok[n]:
            ss[:, :] = s[n]
            out[n] = _pair_d2(y[n], ss, b)
    return out


@njit(cache=True, inline="always")
def _sylvester_3(s: FloatArray) -> bool:
    """`association.positive_definite_3x3` of one finite matrix, the same expressions."""
    a, b, c = s[0, 0], s[0, 1], s[0, 2]
    d, e, f = s[1, 1], s[1, 2], s[2, 2]
    minor2 = a * d - b * b
    det = a * (d * f - e * e) - b * (b * f - e * c) + c * (b * e - d * c)
    return a > 0 and minor2 > 0 and det > 0


@njit(cache=True, inline="always")
def _exact_d2(y: FloatArray, s: FloatArray, b: FloatArray) -> float:
    """`mahalanobis_pairs` of one 3-D pair: inf unless S (overwritten) is finite and
    positive definite."""
    for k in range(3):
        for m in range(3):
            if not math.isfinite(s[k, m]):
                return np.inf
    return _pair_d2(y, s, b) if _sylvester_3(s) else np.inf


@njit(cache=True, inline="always")
def _near(
    y: FloatArray, m_pos: FloatArray, j: int, t_pos: FloatArray, i: int, bound: float,
    trace_s: float,
) -> bool:  # fmt: skip
    """Fill y = z_j - x_i; False where the trace pre-filter |y|² > bound·trace(S)
    (`outside_gate_bound`) rules the pair out (it only saves work: such a pair has d2 >
    gate; a NaN trace never rules out)."""
    for k in range(3):
        y[k] = m_pos[j, k] - t_pos[i, k]
    return not (y[0] * y[0] + y[1] * y[1] + y[2] * y[2] > bound * trace_s)


@njit(cache=True, inline="always")
def _admit(d2: float, own: bool, gate: float) -> tuple[bool, float]:
    """A pair's admissibility and cost (`gated_costs`)."""
    return (True, min(d2, gate)) if own else (d2 <= gate, d2)


@njit(cache=True)
def gate_pairs(
    pt: np.ndarray,
    pm: np.ndarray,
    t_pos: FloatArray,
    t_cov: FloatArray,
    t_trace: FloatArray,
    m_pos: FloatArray,
    m_cov: FloatArray,
    m_trace: FloatArray,
    own: np.ndarray,
    gate: float,
    bound: float,
) -> tuple[np.ndarray, FloatArray]:
    """`association.gated_costs` of (track, plot) pairs (pt, pm) with S = P_track + R_plot:
    y = z - x, the trace pre-filter with trace S = trace P + trace R (`_near`), then the
    exact d2 where S is finite and positive definite; admissible where d2 <= gate or ``own``
    (cost min(d2, gate) for an own pair)."""
    count = pt.shape[0]
    admissible = np.empty(count, dtype=np.bool_)
    cost = np.empty(count)
    y, s, b = np.empty(3), np.empty((3, 3)), np.empty((3, 1))
    for p in range(count):
        i, j = pt[p], pm[p]
        d2 = np.inf
        if _near(y, m_pos, j, t_pos, i, bound, t_trace[i] + m_trace[j]):
            for k in range(3):
                for m in range(3):
                    s[k, m] = t_cov[i, k, m] + m_cov[j, k, m]
            d2 = _exact_d2(y, s, b)
        admissible[p], cost[p] = _admit(d2, own[p], gate)
    return admissible, cost


@njit(cache=True)
def gate_predicted_pairs(
    pt: np.ndarray,
    pm: np.ndarray,
    t_pos: FloatArray,
    t_p: FloatArray,
    dt: FloatArray,
    noise: FloatArray,
    t_trace: FloatArray,
    m_pos: FloatArray,
    m_cov: FloatArray,
    m_trace: FloatArray,
    gate: float,
    bound: float,
) -> tuple[np.ndarray, FloatArray]:
    """`gate_pairs` of tracks not yet predicted to the plots' time: S = A + dt (B + B^T) +
    dt² C + noise I + R from each track's covariance blocks [[A, B], [B^T, C]] (t_p (T, 6,
    6)), its interval dt and process-noise variance (T,): the picture's gate
    (`PictureTracks._pairs`), the same floats as its NumPy form; no own pairs."""
    count = pt.shape[0]
    admissible = np.empty(count, dtype=np.bool_)
    cost = np.empty(count)
    y, s, b = np.empty(3), np.empty((3, 3)), np.empty((3, 1))
    for p in range(count):
        i, j = pt[p], pm[p]
        d2 = np.inf
        if _near(y, m_pos, j, t_pos, i, bound, t_trace[i] + m_trace[j]):
            d, q = dt[i], noise[i]
            for k in range(3):
                for m in range(3):
                    e = 1.0 if k == m else 0.0
                    v = t_p[i, k, m] + d * (t_p[i, k, m + 3] + t_p[i, m, k + 3])
                    s[k, m] = v + d * d * t_p[i, k + 3, m + 3] + q * e + m_cov[j, k, m]
            d2 = _exact_d2(y, s, b)
        admissible[p], cost[p] = _admit(d2, False, gate)
    return admissible, cost


@njit(cache=True)
def cv_covariance(
    p: FloatArray, d: FloatArray, q11: FloatArray, q12: FloatArray, q22: FloatArray
) -> FloatArray:
    """F P F^T + Q of the CV model for p (M, 6, 6) over intervals d (M,), DCWNA terms
    q11, q12, q22 (M,): `motion.cv_predict`'s blockwise form, operation for operation."""
    out = np.empty_like(p)
    for n in range(p.shape[0]):
        dn = d[n]
        dd = dn * dn
        for i in range(3):
            for j in range(3):
                e = 1.0 if i == j else 0.0
                a = p[n, i, j]
                b = p[n, i, j + 3]
                bt = p[n, j, i + 3]
                c = p[n, i + 3, j + 3]
                out[n, i, j] = a + dn * (b + bt) + dd * c + q11[n] * e
                bn = b + dn * c + q12[n] * e
                out[n, i, j + 3] = bn
                out[n, j + 3, i] = bn
                out[n, i + 3, j + 3] = c + q22[n] * e
    return out


@njit(cache=True)
def _block_sum(v: FloatArray, start: int, n: int) -> float:
    """NumPy's pairwise sum of at most 128 elements v[start:start + n]: sequential below 8,
    else 8 partial sums combined pairwise, then the rest in order."""
    if n < 8:
        res = 0.0
        for i in range(n):
            res += v[start + i]
        return res
    r0, r1, r2, r3 = v[start], v[start + 1], v[start + 2], v[start + 3]
    r4, r5, r6, r7 = v[start + 4], v[start + 5], v[start + 6], v[start + 7]
    i = 8
    while i < n - (n % 8):
        j = start + i
        r0 += v[j]
        r1 += v[j + 1]
        r2 += v[j + 2]
        r3 += v[j + 3]
        r4 += v[j + 4]
        r5 += v[j + 5]
        r6 += v[j + 6]
        r7 += v[j + 7]
        i += 8
    res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        res += v[start + i]
        i += 1
    return res


@njit(cache=True)
def _pairwise_sum(v: FloatArray, start: int, n: int) -> float:
    """NumPy's pairwise summation of v[start:start + n] (`np.add.reduce` on a contiguous
    array): blocks of at most 128 (`_block_sum`), longer runs halved (the first half a
    multiple of 8) and their sums added, the same floats. The halving is walked with an
    explicit stack (compiled recursion is not cached reliably)."""
    if n <= 128:
        return _block_sum(v, start, n)
    depth = 64
    at, size = np.empty(depth, np.int64), np.empty(depth, np.int64)
    half, stage, left = np.empty(depth, np.int64), np.zeros(depth, np.int64), np.empty(depth)
    top = 0
    at[0], size[0], stage[0] = start, n, 0
    result = 0.0
    while top >= 0:
        if size[top] > 128 and stage[top] == 0:  # split: visit the first half
            h = size[top] // 2
            h -= h % 8
            half[top], stage[top] = h, 1
            at[top + 1], size[top + 1], stage[top + 1] = at[top], h, 0
            top += 1
            continue
        val = _block_sum(v, at[top], size[top])
        top -= 1
        while top >= 0:  # hand the sum up: a first half waits for its second
            if stage[top] == 1:
                left[top], stage[top] = val, 2
                at[top + 1], size[top + 1], stage[top + 1] = at[top] + half[top], 0, 0
                size[top + 1] = size[top] - half[top]
                top += 1
                break
            val = left[top] + val
            top -= 1
        if top < 0:
            result = val
    return result


@njit(cache=True)
def segment_sums(v: FloatArray, count: np.ndarray) -> FloatArray:
    """Sums of consecutive segments of v (M,) of lengths ``count`` (S,), each the float
    `np.sum` gives on that segment alone (0.0 for an empty one)."""
    out = np.zeros(count.shape[0])
    start = 0
    for s in range(count.shape[0]):
        out[s] = _pairwise_sum(v, start, count[s])
        start += count[s]
    return out


@njit(cache=True)
def _shortest_path_assignment(cost: FloatArray, col4row: np.ndarray) -> bool:
    """Minimum-cost assignment of every row of cost (R, C), R <= C (inf: forbidden) into
    col4row (R,), by Crouse's shortest augmenting path algorithm (D. F. Crouse, "On
    implementing 2D rectangular assignment algorithms", IEEE Trans. AES 52(4), 2016, pp.
    1685-1686), costs shifted to be non-negative, columns scanned from the last and, among
    equal reduced costs, a free column preferred: the choices of scipy's
    `linear_sum_assignment` (tested equal, ties included). False when infeasible."""
    nr, nc = cost.shape
    c = cost - cost.min()
    u, v = np.zeros(nr), np.zeros(nc)
    best, path = np.empty(nc), np.full(nc, -1)
    row4col = np.full(nc, -1)
    col4row[:] = -1
    in_rows, in_cols = np.zeros(nr, np.bool_), np.zeros(nc, np.bool_)
    remaining = np.empty(nc, np.int64)
    for row in range(nr):
        for it in range(nc):
            remaining[it] = nc - it - 1
        left = nc
        in_rows[:] = False
        in_cols[:] = False
        best[:] = np.inf
        low_path, i, sink = 0.0, row, -1
        while sink == -1:  # grow the shortest-path tree from `row` to a free column
            index, lowest = -1, np.inf
            in_rows[i] = True
            for it in range(left):
                j = remaining[it]
                reduced = low_path + c[i, j] - u[i] - v[j]
                if reduced < best[j]:
                    path[j], best[j] = i, reduced
                if best[j] < lowest or (best[j] == lowest and row4col[j] == -1):
                    lowest, index = best[j], it
            low_path = lowest
            if low_path == np.inf:
                return False
            j = remaining[index]
            if row4col[j] == -1:
                sink = j
            else:
                i = row4col[j]
            in_cols[j] = True
            left -= 1
            remaining[index] = remaining[left]
        u[row] += low_path  # dual update
        for i in range(nr):
            if in_rows[i] and i != row:
                u[i] += low_path - best[col4row[i]]
        for j in range(nc):
            if in_cols[j]:
                v[j] -= low_path - best[j]
        j = sink  # augment along the path
        while True:
            i = path[j]
            row4col[j] = i
            col4row[i], j = j, col4row[i]
            if i == row:
                break
    return True


@njit(cache=True)
def assign_components(
    t_at: np.ndarray,
    m_at: np.ndarray,
    cost: FloatArray,
    pair_start: np.ndarray,
    tracks: np.ndarray,
    measurements: np.ndarray,
    gate: float,
) -> tuple[np.ndarray, FloatArray]:
    """GNN of gate components (`association.gnn_assign_pairs`): component k has the pairs
    pair_start[k]:pair_start[k + 1] (local track t_at, local measurement m_at, cost) of its
    tracks[k] tracks and measurements[k] measurements; each track may stay unassigned at the
    gate's cost (a dummy column). Returns each component's tracks' measurement (local, -1:
    none), concatenated, and each component's summed cost of its assigned pairs (in track
    order, as `np.sum`)."""
    count = tracks.shape[0]
    match = np.full(tracks.sum(), -1, np.int64)
    total = np.zeros(count)
    first = 0
    for k in range(count):
        nt, nm = tracks[k], measurements[k]
        full = np.full((nt, nm + nt), np.inf)
        for p in range(pair_start[k], pair_start[k + 1]):
            full[t_at[p], m_at[p]] = cost[p]
        for i in range(nt):
            full[i, nm + i] = gate
        col4row = np.empty(nt, np.int64)
        _shortest_path_assignment(full, col4row)  # feasible: every track has its dummy
        chosen = np.empty(nt)
        n = 0
        for i in range(nt):
            if col4row[i] < nm:
                match[first + i] = col4row[i]
                chosen[n] = full[i, col4row[i]]
                n += 1
        total[k] = _pairwise_sum(chosen, 0, n)
        first += nt
    return match, total


@njit(cache=True)
def scatter_add(out: FloatArray, target: np.ndarray, values: FloatArray) -> None:
    """out[target[i]] += values[i] for i in order (out (U, K), values (M, K)): `np.add.at`,
    the same floats (each row's sum accumulated in the same order), without its per-element
    cost."""
    for i in range(target.shape[0]):
        row = target[i]
        for k in range(values.shape[1]):
            out[row, k] += values[i, k]
