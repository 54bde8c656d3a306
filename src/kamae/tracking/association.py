"""Measurement-to-track association: chi-square gating and global nearest neighbour (GNN).

Gate: a measurement z is a candidate for track t when its normalised distance
d2 = (z - zhat_t)^T S_t^-1 (z - zhat_t) does not exceed the chi-square quantile of the gate
probability P_G with m degrees of freedom (validation region, Bar-Shalom, Li & Kirubarajan,
Estimation with Applications to Tracking and Navigation, Wiley 2001, section 5.4 and
Bar-Shalom, Willett & Tian, Tracking and Data Fusion, YBS 2011).

GNN: the one-to-one assignment of measurements to tracks minimising the summed d2, where
leaving a track without a measurement costs the gate value (Blackman & Popoli, Design and
Analysis of Modern Tracking Systems, Artech House 1999, section 6.4). The gated pairs split
into independent clusters (connected components of the bipartite gate graph); each cluster is
solved exactly by the shortest augmenting path algorithm (Crouse, IEEE Trans. AES 52(4),
2016: the algorithm of scipy.optimize.linear_sum_assignment, compiled with its tie-breaking,
`kernels.assign_components`), so cost grows with cluster size, not with the square of the
number of tracks. Neglected: the
probabilistic weighting of JPDA/MHT (GNN commits to one hypothesis per scan).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray, IndexArray, f64
from kamae.errors import KamaeError
from kamae.tracking.kernels import assign_components, mahalanobis_3

# scipy is imported inside the functions that use it: importing kamae.tracking (and with it
# the engine) stays fast, scipy's submodules cost ~0.5 s each to import.


def chi2_gate(dim: int, probability: float) -> float:
    """Gate threshold on d2: the chi-square quantile of ``probability`` with ``dim`` dof."""
    if not (0.0 < probability < 1.0):
        raise KamaeError(f"gate probability must be in (0, 1), got {probability!r}")
    if dim < 1:
        raise KamaeError(f"measurement dimension must be >= 1, got {dim}")
    from scipy.special import chdtri

    return float(chdtri(dim, 1.0 - probability))


def mahalanobis_pairs(y: FloatArray, s: FloatArray) -> FloatArray:
    """The one Mahalanobis gate distance: d2 = y^T S^-1 y per pair (y (P, m), S (P, m, m)),
    by a solve per pair; inf where S is not finite or not positive definite (Sylvester's
    criterion for m = 3, the smallest eigenvalue otherwise), or where d2 is not finite.

    Each pair's d2 depends on that pair only (never on its batch-mates)."""
    y = np.asarray(y, dtype=np.float64)
    s = np.asarray(s, dtype=np.float64)
    m = y.shape[-1]
    if s.shape != (y.shape[0], m, m):
        raise KamaeError(f"s must be (P, {m}, {m}) for y of shape {y.shape}, got {s.shape}")
    ok = np.asarray(np.isfinite(s).all(axis=(1, 2)), dtype=bool)
    if m == 3:  # compiled, pair by pair (`kernels.mahalanobis_3`)
        ok &= positive_definite_3x3(s)
        return np.asarray(mahalanobis_3(f64(y), f64(s), ok), dtype=np.float64)
    if ok.any():
        ok[ok] = np.linalg.eigvalsh(s[ok]).min(axis=1) > 0
    d2 = np.full(y.shape[0], np.inf)
    if ok.any():
        yy = y[ok]
        with np.errstate(invalid="ignore", over="ignore"):
            d2[ok] = np.einsum("pi,pi->p", yy, np.linalg.solve(s[ok], yy[..., None])[..., 0])
    return np.where(np.isfinite(d2), d2, np.inf)


def mahalanobis_squared(
    zhat: FloatArray, s: FloatArray, z: FloatArray, angle_dims: tuple[int, ...] = ()
) -> FloatArray:
    """d2[t, j] = (z_j - zhat_t)^T S_t^-1 (z_j - zhat_t), shape (T, M), by
    `mahalanobis_pairs` over every (track, measurement) pair.

    ``zhat`` (T, m) predicted measurements; ``s`` (T, m, m) innovation covariances, or (T, m)
    when diagonal; ``z`` (M, m). Components in ``angle_dims`` are wrapped to [-pi, pi).
    Tracks whose S is not positive definite get d2 = inf.
    """
    zhat = np.atleast_2d(np.asarray(zhat, dtype=np.float64))
    z = np.atleast_2d(np.asarray(z, dtype=np.float64))
    s = np.asarray(s, dtype=np.float64)
    t_count, m = zhat.shape
    if z.shape[1:] != (m,) and z.size:
        raise KamaeError(f"z must be (M, {m}), got {z.shape}")
    if s.shape == (t_count, m):
        s = np.einsum("ti,ij->tij", s, np.eye(m))
    elif s.shape != (t_count, m, m):
        raise KamaeError(f"s must be (T, {m}) or (T, {m}, {m}), got {s.shape}")
    m_count = z.shape[0] if z.size else 0
    y = z[None, :m_count, :] - zhat[:, None, :]  # (T, M, m)
    for k in angle_dims:
        y[..., k] = (y[..., k] + np.pi) % (2.0 * np.pi) - np.pi
    pairs = np.broadcast_to(s[:, None], (t_count, m_count, m, m)).reshape(-1, m, m)
    return mahalanobis_pairs(y.reshape(-1, m), pairs).reshape(t_count, m_count)


GATE_BOUND_MARGIN = 2.0
"""Safety factor of `outside_gate_bound`: a pair is ruled out only when its lower bound on d2
exceeds the gate this many times over, so that rounding in the exact d2 (relative error of the
order of cond(S)·1e-16) can never bring it back inside."""


def trace_3x3(m: FloatArray) -> FloatArray:
    """(...,) traces of 3×3 matrices m (..., 3, 3): the floats of ``np.trace(m, axis1=-2,
    axis2=-1)`` (the diagonal summed in order), without its per-call cost."""
    return np.asarray(m[..., 0, 0] + m[..., 1, 1] + m[..., 2, 2], dtype=np.float64)


def positive_definite_3x3(m: FloatArray) -> npt.NDArray[np.bool_]:
    """(...,) True where the symmetric 3×3 matrices m (..., 3, 3) are positive definite by
    Sylvester's criterion (all leading principal minors > 0); False for non-finite entries."""
    a, b, c = m[..., 0, 0], m[..., 0, 1], m[..., 0, 2]
    d, e, f = m[..., 1, 1], m[..., 1, 2], m[..., 2, 2]
    minor2 = a * d - b * b
    det = a * (d * f - e * e) - b * (b * f - e * c) + c * (b * e - d * c)
    with np.errstate(invalid="ignore"):
        return np.asarray((a > 0) & (minor2 > 0) & (det > 0), dtype=bool)


def outside_gate_bound(
    y_squared: FloatArray, trace_s: FloatArray, gate: float, margin: float = GATE_BOUND_MARGIN
) -> npt.NDArray[np.bool_]:
    """True where d2 = y^T S^-1 y certainly exceeds ``gate``, from |y|² and trace(S) alone.

    For S symmetric positive definite, the Rayleigh quotient gives
    y^T S^-1 y >= |y|² / lambda_max(S) >= |y|² / trace(S) (Horn & Johnson, Matrix Analysis,
    2nd ed. 2013, theorem 4.2.2), so |y|² > margin·gate·trace(S) implies d2 > margin·gate.
    A cheap pre-filter before the exact gate: it never rules out a pair the exact gate would
    admit (S must be positive definite: callers check it, e.g. with `positive_definite_3x3`).
    NaN inputs are never ruled out.
    """
    with np.errstate(invalid="ignore"):
        return np.asarray(y_squared > (margin * gate) * trace_s, dtype=bool)


WINDOW_MARGIN = 1e-6
"""Relative widening of a `same_unit_pairs` window (and as much again in coordinate units,
plus one unit): covers the rounding of the window's bounds and of its sort keys."""
_UNIT_SPAN = 2.0**27
"""Spacing of the units on the sort key of `same_unit_pairs` windows (coordinate units)."""
_COORD_SPAN = 2.0**25
"""Coordinates are clipped to ±this on that key (order kept: a window only grows)."""


def same_unit_pairs(
    track_unit: IndexArray,
    meas_unit: IndexArray,
    units: int,
    window: tuple[FloatArray, FloatArray, FloatArray] | None = None,
) -> tuple[IndexArray, IndexArray]:
    """Every (track, measurement) pair of the same unit (a replication, or a picture of a
    replication): track and measurement indices (P,), measurement-major, each measurement's
    tracks in index order.

    ``window`` (track coordinate (T,), track half-width (T,), measurement coordinate (M,))
    keeps, of those, the pairs whose coordinates are within the track's half-width, |x_m -
    x_t| <= h_t, by binary search on the measurements sorted per unit: every such pair
    (widened by `WINDOW_MARGIN` against rounding, so a few more may be kept), each once, in
    no set order (track by track; callers that gate pair by pair and assign by
    `gnn_assign_pairs` do not depend on it). A track or measurement whose coordinate or
    half-width is not finite pairs with every measurement or track of its unit."""
    if window is None:
        return _unit_pairs(track_unit, meas_unit, units)
    t_x, t_half, m_x = window
    wild_t = ~(np.isfinite(t_x) & np.isfinite(t_half))
    wild_m = ~np.isfinite(m_x)
    tame_t, tame_m = np.flatnonzero(~wild_t), np.flatnonzero(~wild_m)
    key = meas_unit[tame_m] * _UNIT_SPAN + np.clip(m_x[tame_m], -_COORD_SPAN, _COORD_SPAN)
    order = np.argsort(key, kind="stable")
    key = key[order]
    x = t_x[tame_t]
    half = t_half[tame_t] * (1.0 + WINDOW_MARGIN) + WINDOW_MARGIN * np.abs(x) + 1.0
    base = track_unit[tame_t] * _UNIT_SPAN
    lo = np.searchsorted(key, base + np.clip(x - half, -_COORD_SPAN, _COORD_SPAN), "left")
    hi = np.searchsorted(key, base + np.clip(x + half, -_COORD_SPAN, _COORD_SPAN), "right")
    count = hi - lo
    total = int(count.sum())
    at = np.repeat(lo - (np.cumsum(count) - count), count) + np.arange(total)
    pt = [np.repeat(tame_t, count)]
    pm = [tame_m[order[at]]]
    wild = np.flatnonzero(wild_t)
    if wild.size:  # a wild track: every measurement of its unit
        a, b = _unit_pairs(track_unit[wild], meas_unit, units)
        pt.append(wild[a])
        pm.append(b)
    wild = np.flatnonzero(wild_m)
    if wild.size:  # a wild measurement: every tame track of its unit
        a, b = _unit_pairs(track_unit[tame_t], meas_unit[wild], units)
        pt.append(tame_t[a])
        pm.append(wild[b])
    return np.concatenate(pt), np.concatenate(pm)


def _unit_pairs(
    track_unit: IndexArray, meas_unit: IndexArray, units: int
) -> tuple[IndexArray, IndexArray]:
    """Every (track, measurement) pair of the same unit (`same_unit_pairs` without window)."""
    order = np.argsort(track_unit, kind="stable")
    t_start = np.searchsorted(track_unit[order], np.arange(units), side="left")
    t_count = np.bincount(track_unit, minlength=units)
    lens = t_count[meas_unit]
    pm = np.repeat(np.arange(meas_unit.size), lens)
    within = np.arange(pm.size) - np.repeat(np.cumsum(lens) - lens, lens)
    pt = order[t_start[meas_unit][pm] + within]
    return pt, pm


def gate_window(
    track_unit: IndexArray,
    track_pos: FloatArray,
    track_trace: FloatArray,
    meas_unit: IndexArray,
    meas_pos: FloatArray,
    meas_trace: FloatArray,
    units: int,
    gate: float,
    margin: float = GATE_BOUND_MARGIN,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The `same_unit_pairs` window holding every pair of the same unit that
    `outside_gate_bound` (with trace S = ``track_trace`` + ``meas_trace``) does not rule out:
    on the axis along which the measurements spread most, half-width h = sqrt(margin·gate·
    (trace(P_track) + the largest trace(R) of the track's unit's measurements)).

    Since |y|² >= y_axis², |y_axis| > h gives |y|² > margin·gate·trace(S) (and so in floating
    point: every rounding involved is monotonic, and the window's margin covers the few ulps
    of h). A track or measurement with a position or trace not finite (not certified
    positive definite: never ruled out) gets no coordinate: it pairs with every one of its
    unit's. Returns (track coordinate, half-width, measurement coordinate)."""
    t_ok = np.isfinite(track_pos).all(axis=1) & np.isfinite(track_trace)
    m_ok = np.isfinite(meas_pos).all(axis=1) & np.isfinite(meas_trace)
    axis = int(np.argmax(np.ptp(meas_pos[m_ok], axis=0))) if m_ok.any() else 0
    m_max = np.zeros(units)
    np.maximum.at(m_max, meas_unit[m_ok], meas_trace[m_ok])
    with np.errstate(invalid="ignore"):
        half = np.sqrt((margin * gate) * (track_trace + m_max[track_unit]))
    t_x = np.where(t_ok & np.isfinite(half), track_pos[:, axis], np.nan)
    return t_x, half, np.where(m_ok, meas_pos[:, axis], np.nan)


def gated_costs(
    y: FloatArray,
    trace_s: FloatArray,
    covariance_of: Callable[[IndexArray], FloatArray],
    gate: float,
    own: npt.NDArray[np.bool_] | None = None,
) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """Which pairs are admissible, and their GNN costs, from their innovations y (P, m).

    ``trace_s`` (P,) is trace(S) of each pair (NaN where a covariance is not certified
    positive definite: never pre-filtered); ``covariance_of(i)`` returns S of the pairs i
    (only those the trace bound, `outside_gate_bound`, cannot rule out get an exact d2,
    `mahalanobis_pairs`). A pair is admissible when d2 <= gate, or when ``own`` marks it (an
    own pair costs min(d2, gate))."""
    y_squared = np.einsum("pi,pi->p", y, y)
    near = ~outside_gate_bound(y_squared, trace_s, gate)
    d2 = np.full(y.shape[0], np.inf)
    if np.any(near):
        idx = np.flatnonzero(near)
        d2[near] = mahalanobis_pairs(y[near], covariance_of(idx))
    if own is None:
        return d2 <= gate, d2
    admissible = own | (d2 <= gate)
    return admissible, np.where(own, np.minimum(d2, gate), d2)


@dataclass(frozen=True)
class Assignment:
    """A one-to-one assignment of measurements to tracks (-1: none)."""

    track_to_measurement: IndexArray
    """(T,) measurement index assigned to each track, or -1."""
    measurement_to_track: IndexArray
    """(M,) track index assigned to each measurement, or -1 (a candidate new track)."""
    cost: float
    """Summed d2 of the assigned pairs plus the gate value per unassigned track."""


def gnn_assign(d2: FloatArray, gate: float) -> Assignment:
    """Global nearest neighbour assignment of M measurements to T tracks with gating.

    ``d2`` (T, M) normalised squared distances (``mahalanobis_squared``); pairs above ``gate``
    are forbidden; a track may stay unassigned at cost ``gate``. Exact optimum per cluster.
    """
    d2 = np.asarray(d2, dtype=np.float64)
    if d2.ndim != 2:
        raise KamaeError(f"d2 must be (T, M), got shape {d2.shape}")
    with np.errstate(invalid="ignore"):
        inside = d2 <= gate  # NaN and inf are outside
    rows, cols = np.nonzero(inside)
    return gnn_assign_pairs(rows, cols, d2[rows, cols], d2.shape[0], d2.shape[1], gate)


def gnn_assign_pairs(
    rows: IndexArray,
    cols: IndexArray,
    cost: FloatArray,
    tracks: int,
    measurements: int,
    gate: float,
) -> Assignment:
    """`gnn_assign` on the admissible pairs only: track ``rows`` (P,), measurement ``cols``
    (P,) and their costs (P,) (each pair at most once), without a dense (T, M) array. The gate
    graph splits into connected components, each solved exactly (the shortest augmenting path
    algorithm of scipy's `linear_sum_assignment`, compiled: `kernels.assign_components`; a
    dummy column per track costing the gate); a component of one pair is assigned directly."""
    if not (np.isfinite(gate) and gate > 0):
        raise KamaeError(f"gate must be finite and > 0, got {gate!r}")
    t2m = np.full(tracks, -1, dtype=np.intp)
    m2t = np.full(measurements, -1, dtype=np.intp)
    if rows.size == 0:
        return Assignment(t2m, m2t, float(gate) * tracks)
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix(
        (np.ones(rows.size), (rows, tracks + cols)),
        shape=(tracks + measurements, tracks + measurements),
    )
    _, label = connected_components(graph, directed=False)
    pair_label = label[rows]
    order = np.argsort(pair_label, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(pair_label[order]) != 0])
    ends = np.r_[starts[1:], order.size]
    # Components of one pair (most of them) are assigned at once; the others are solved.
    single = ends - starts == 1
    one = order[starts[single]]
    t2m[rows[one]], m2t[cols[one]] = cols[one], rows[one]
    component_cost = np.zeros(starts.size)
    component_cost[single] = cost[one]
    assigned_tracks = one.size
    multi = np.flatnonzero(~single)
    if multi.size:
        # The pairs of the other components, component by component, with each pair's track
        # and measurement numbered within its component (in order: np.unique's numbering).
        size = ends[multi] - starts[multi]
        pos = order[np.repeat(starts[multi] - np.r_[0, np.cumsum(size)[:-1]], size)
                    + np.arange(int(size.sum()))]  # fmt: skip
        group = np.repeat(np.arange(multi.size), size)
        seg = np.r_[0, np.cumsum(size)]
        tr_all, t_first, t_at_all = _ranks_within(rows[pos], group, multi.size)
        ms_all, m_first, m_at_all = _ranks_within(cols[pos], group, multi.size)
        # Every component's dense problem solved in one compiled loop (`kernels`).
        tracks_of = np.diff(t_first)
        match, totals = assign_components(
            t_at_all, m_at_all, f64(cost[pos]), seg, tracks_of, np.diff(m_first), gate
        )
        has = match >= 0
        comp = np.repeat(np.arange(multi.size), tracks_of)[has]
        t_glob, m_glob = tr_all[has], ms_all[m_first[comp] + match[has]]
        t2m[t_glob], m2t[m_glob] = m_glob, t_glob
        component_cost[multi] = totals
        assigned_tracks += int(np.count_nonzero(has))
    # Summed component by component, in order (a running sum from 0, as one loop would).
    total = float(np.cumsum(np.r_[0.0, component_cost])[-1])
    total += float(gate) * (tracks - assigned_tracks)
    return Assignment(t2m, m2t, total)


def _ranks_within(
    values: IndexArray, group: IndexArray, groups: int
) -> tuple[IndexArray, IndexArray, IndexArray]:
    """Per group (``group`` (P,) nondecreasing, 0..groups - 1): its distinct values in order,
    as one array with each group's start (groups + 1,), and each value's rank among its
    group's (the `np.unique(..., return_inverse=True)` of every group at once)."""
    k = np.lexsort((values, group))
    v, g = values[k], group[k]
    new = np.r_[True, (v[1:] != v[:-1]) | (g[1:] != g[:-1])]
    uid = np.cumsum(new) - 1
    first = np.searchsorted(g[new], np.arange(groups + 1))
    rank = np.empty(values.size, dtype=np.intp)
    rank[k] = uid - first[g]
    return v[new], first, rank
