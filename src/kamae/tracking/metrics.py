"""Multi-target tracking performance: OSPA, GOSPA and the SIAP measures.

* OSPA (Schuhmacher, Vo & Vo, IEEE Trans. Signal Processing 56(8) 2008): for point sets X
  (n points) and Y (m points), n <= m, cut-off c and order p,
  d = ((min_pi sum_i min(c, |x_i - y_pi(i)|)^p + c^p (m - n)) / m)^(1/p); 0 if both empty.
* GOSPA with alpha = 2 (Rahmathullah, Garcia-Fernandez & Svensson, FUSION 2017):
  d = (min over partial assignments of sum_assigned |x - y|^p + c^p/2 (#missed + #false))^(1/p),
  pairs at distance >= c counted as one missed and one false target; split into
  localisation, missed and false parts (each in units of distance^p).
* SIAP (Votruba, Single Integrated Air Picture (SIAP) Metrics Implementation, SIAP SE Task
  Force TR 2001-003, 2001), summed over scans: completeness = sum J_T / sum J, ambiguity =
  sum N_A / sum J_T, spuriousness = sum (N - N_A) / sum N, positional accuracy = sum of
  position errors of assigned tracks / sum N_A (and velocity accuracy alike), where per scan
  J = truths, J_T = truths with at least one track, N = tracks, N_A = tracks on a truth.

Assignments are exact (scipy.optimize.linear_sum_assignment on the p-th powers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamae.arrays import FloatArray, IndexArray
from kamae.errors import KamaeError


def _check(c: float, p: float) -> None:
    if not (np.isfinite(c) and c > 0):
        raise KamaeError(f"cut-off c must be finite and > 0, got {c!r}")
    if not (np.isfinite(p) and p >= 1):
        raise KamaeError(f"order p must be finite and >= 1, got {p!r}")


def distances(a: FloatArray, b: FloatArray) -> FloatArray:
    """Euclidean distances (n, m) between the rows of a (n, d) and b (m, d) (each pair's the
    same float whatever the other rows)."""
    diff = a[:, None, :] - b[None, :, :]
    return np.sqrt(np.einsum("ijk,ijk->ij", diff, diff))


def _lsa(cost: FloatArray) -> tuple[IndexArray, IndexArray]:
    """Optimal rectangular assignment (Jonker-Volgenant, scipy; imported on first use)."""
    from scipy.optimize import linear_sum_assignment

    return linear_sum_assignment(cost)


def _points(a: FloatArray, d: int | None = None) -> FloatArray:
    a = np.asarray(a, dtype=np.float64)
    if a.size == 0:
        return a.reshape(0, d or (a.shape[-1] if a.ndim == 2 else 0))
    return np.atleast_2d(a)


def ospa(x: FloatArray, y: FloatArray, c: float, p: float = 1.0) -> float:
    """OSPA distance (m) between point sets x (n, d) and y (m, d) (Schuhmacher et al. 2008)."""
    _check(c, p)
    x, y = _points(x), _points(y)
    n, m = x.shape[0], y.shape[0]
    big = max(n, m)
    if big == 0:
        return 0.0
    if min(n, m) == 0:
        return float(c)
    cost = np.minimum(distances(x, y), c) ** p
    ri, ci = _lsa(cost)
    return float(((cost[ri, ci].sum() + c**p * (big - min(n, m))) / big) ** (1.0 / p))


@dataclass(frozen=True)
class Gospa:
    """GOSPA (alpha = 2) of one scan and its parts; distance = (sum of parts)^(1/p)."""

    distance: float
    """The GOSPA distance, m."""
    localisation: float
    """Sum of |x - y|^p over assigned pairs closer than c, m^p."""
    missed: float
    """c^p / 2 per missed truth, m^p."""
    false: float
    """c^p / 2 per false estimate, m^p."""
    assignment: IndexArray
    """(n_truth,) index of the estimate assigned to each truth, -1 if missed."""


def gospa(estimates: FloatArray, truths: FloatArray, c: float, p: float = 1.0) -> Gospa:
    """GOSPA with alpha = 2 between estimates (n, d) and truths (m, d) (Rahmathullah 2017)."""
    _check(c, p)
    est, tru = _points(estimates), _points(truths)
    n_est, n_tru = est.shape[0], tru.shape[0]
    half = c**p / 2.0
    assignment = np.full(n_tru, -1, dtype=np.intp)
    if n_est == 0 or n_tru == 0:
        missed, false = half * n_tru, half * n_est
        return Gospa(float((missed + false) ** (1.0 / p)), 0.0, missed, false, assignment)
    dist = distances(tru, est)
    # Assigning costs min(d, c)^p; a pair at >= c equals one miss plus one false target.
    cost = np.minimum(dist, c) ** p
    ri, ci = _lsa(cost)
    close = dist[ri, ci] < c
    localisation = float((dist[ri, ci][close] ** p).sum())
    assignment[ri[close]] = ci[close]
    n_pairs = int(np.count_nonzero(close))
    missed = half * (n_tru - n_pairs)
    false = half * (n_est - n_pairs)
    total = localisation + missed + false
    return Gospa(float(total ** (1.0 / p)), localisation, float(missed), float(false), assignment)


def assign_tracks_to_truths(
    track_position: FloatArray, truth_position: FloatArray, threshold: float
) -> IndexArray:
    """Each track's nearest truth within ``threshold`` (m), or -1; shape (K,).

    Several tracks may share a truth (that is what SIAP ambiguity counts).
    """
    tr, tu = _points(track_position), _points(truth_position)
    out = np.full(tr.shape[0], -1, dtype=np.intp)
    if tr.shape[0] == 0 or tu.shape[0] == 0:
        return out
    d = distances(tr, tu)
    best = np.argmin(d, axis=1)
    ok = d[np.arange(tr.shape[0]), best] <= threshold
    out[ok] = best[ok]
    return out


@dataclass(frozen=True)
class SiapCounts:
    """SIAP tallies of one scan (Votruba 2001)."""

    truths: int
    """J: truths present."""
    truths_tracked: int
    """J_T: truths with at least one assigned track."""
    tracks: int
    """N: tracks present."""
    tracks_assigned: int
    """N_A: tracks assigned to a truth."""
    position_error: float
    """Sum over assigned tracks of |track position - truth position|, m."""
    velocity_error: float
    """Sum over assigned tracks of |track velocity - truth velocity|, m/s (0 if not given)."""


def siap_scan(
    track_position: FloatArray,
    truth_position: FloatArray,
    track_truth: IndexArray,
    track_velocity: FloatArray | None = None,
    truth_velocity: FloatArray | None = None,
) -> SiapCounts:
    """Tally one scan: tracks (K, 3), truths (J, 3), ``track_truth`` (K,) truth index or -1."""
    tp, up = _points(track_position, 3), _points(truth_position, 3)
    a = np.asarray(track_truth, dtype=np.intp)
    if a.shape != (tp.shape[0],):
        raise KamaeError(f"track_truth must have shape ({tp.shape[0]},), got {a.shape}")
    if np.any(a >= up.shape[0]):
        raise KamaeError("track_truth refers to a truth that is not present")
    on = a >= 0
    pos_err = float(np.linalg.norm(tp[on] - up[a[on]], axis=1).sum())
    vel_err = 0.0
    if track_velocity is not None and truth_velocity is not None:
        tv, uv = _points(track_velocity, 3), _points(truth_velocity, 3)
        vel_err = float(np.linalg.norm(tv[on] - uv[a[on]], axis=1).sum())
    return SiapCounts(
        truths=int(up.shape[0]),
        truths_tracked=int(np.unique(a[on]).size),
        tracks=int(tp.shape[0]),
        tracks_assigned=int(np.count_nonzero(on)),
        position_error=pos_err,
        velocity_error=vel_err,
    )


@dataclass(frozen=True)
class Siap:
    """SIAP measures over a run (Votruba 2001), ratios of sums over scans."""

    completeness: float
    """sum J_T / sum J: fraction of truth-scans that are tracked (0 if no truths)."""
    ambiguity: float
    """sum N_A / sum J_T: assigned tracks per tracked truth, 1 ideal (1 if none tracked)."""
    spuriousness: float
    """sum (N - N_A) / sum N: fraction of track-scans on no truth (0 if no tracks)."""
    positional_accuracy: float
    """Mean position error of assigned tracks, m (0 if none)."""
    velocity_accuracy: float
    """Mean velocity error of assigned tracks, m/s (0 if none)."""


def siap(scans: list[SiapCounts]) -> Siap:
    """SIAP measures from per-scan tallies (conventions for empty sums as Stone Soup's)."""
    j = sum(s.truths for s in scans)
    jt = sum(s.truths_tracked for s in scans)
    n = sum(s.tracks for s in scans)
    na = sum(s.tracks_assigned for s in scans)
    pa = sum(s.position_error for s in scans)
    va = sum(s.velocity_error for s in scans)
    return Siap(
        completeness=jt / j if j else 0.0,
        ambiguity=na / jt if jt else 1.0,
        spuriousness=(n - na) / n if n else 0.0,
        positional_accuracy=pa / na if na else 0.0,
        velocity_accuracy=va / na if na else 0.0,
    )
