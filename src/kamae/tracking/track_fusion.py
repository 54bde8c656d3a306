"""Track-to-track association and fusion (C2 nodes, fire-unit pictures), safe with unknown
correlation.

Tracks of one target reported by different sensors (or relayed by different nodes) have
correlated errors whose cross-covariance nobody knows: common process noise, and the same
sensor's data reaching a C2 node by two paths. Treating them as independent (adding
information matrices) then double counts and gives a covariance that is too small.

- Fusion: covariance intersection (Julier & Uhlmann 1997, "A non-divergent estimation
  algorithm in the presence of unknown correlations", Proc. American Control Conference,
  pp. 2369-2373): P⁻¹ = ω Pa⁻¹ + (1-ω) Pb⁻¹, x = P (ω Pa⁻¹ xa + (1-ω) Pb⁻¹ xb), with ω in
  [0, 1] minimising tr P. The result is consistent for every cross-correlation; tr P(ω) is
  convex in ω (the matrix inverse is operator convex), so a golden-section search finds the
  minimum, here vectorised over the batch (40 iterations, ω to ~1e-8); the end points ω = 0,
  1 (P = Pb or Pa) are candidates, so tr P never exceeds the better input's. More than two
  tracks are fused sequentially (consistent, not jointly optimal; Niehsen 2002's joint
  weights would be an alternative).
- Association: Bar-Shalom's track-to-track test (Bar-Shalom 1981, "On the track-to-track
  correlation problem", IEEE Trans. Automatic Control 26(2)), d² = Δxᵀ (Pa + Pb)⁻¹ Δx
  against the chi-square gate with n degrees of freedom (the cross-covariance neglected),
  then global nearest neighbour assignment (`kamae.tracking.association.gnn_assign`).
- Double counting: each track carries the set of sensors its data came from. At a C2 node,
  within one target's tracks, the newest (then the smallest) goes first; a track whose
  sensors are all already in the fused estimate carries no new data (the same sensor's data
  by another path) and is dropped; others are fused by covariance intersection.

Tracks must first be predicted to a common time (`kamae.tracking.motion.cv_predict`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.tracking.association import Assignment, chi2_gate, gnn_assign, mahalanobis_pairs
from kamae.tracking.fusion import fuse_measurements

_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0


def _inv(p: FloatArray) -> FloatArray:
    return np.asarray(np.linalg.inv(p), dtype=np.float64)


def _symmetrise(p: FloatArray) -> FloatArray:
    return 0.5 * (p + np.swapaxes(p, -1, -2))


def ci_covariance(ia: FloatArray, ib: FloatArray, omega: FloatArray) -> FloatArray:
    """P(ω) = (ω Ia + (1-ω) Ib)⁻¹ from the information matrices Ia, Ib, batched."""
    w = np.asarray(omega, dtype=float)[..., None, None]
    return _symmetrise(_inv(w * ia + (1.0 - w) * ib))


def covariance_intersection(
    xa: FloatArray,
    pa: FloatArray,
    xb: FloatArray,
    pb: FloatArray,
    omega: FloatArray | None = None,
    iterations: int = 40,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Fuse K pairs of estimates by covariance intersection: (x (K, n), P (K, n, n), ω (K,)).

    ``xa``, ``xb`` (K, n); ``pa``, ``pb`` (K, n, n). ω minimises tr P unless given.
    """
    xa, xb = np.atleast_2d(xa).astype(float), np.atleast_2d(xb).astype(float)
    pa, pb = np.asarray(pa, dtype=float), np.asarray(pb, dtype=float)
    if pa.ndim == 2:
        pa, pb = pa[None], pb[None]
    ia, ib = _inv(pa), _inv(pb)
    if omega is None:
        omega = trace_minimising_omega(ia, ib, iterations)
    w = np.asarray(omega, dtype=float)
    p = ci_covariance(ia, ib, w)
    info_x = w[:, None] * np.einsum("kij,kj->ki", ia, xa) + (1.0 - w[:, None]) * np.einsum(
        "kij,kj->ki", ib, xb
    )
    x = np.einsum("kij,kj->ki", p, info_x)
    return x, p, w


def trace_minimising_omega(ia: FloatArray, ib: FloatArray, iterations: int = 40) -> FloatArray:
    """ω in [0, 1] minimising tr (ω Ia + (1-ω) Ib)⁻¹, batched golden-section search."""
    k = ia.shape[0]

    def cost(w: FloatArray) -> FloatArray:
        return np.trace(ci_covariance(ia, ib, w), axis1=-2, axis2=-1)

    lo, hi = np.zeros(k), np.ones(k)
    c = hi - _GOLDEN * (hi - lo)
    d = lo + _GOLDEN * (hi - lo)
    fc, fd = cost(c), cost(d)
    for _ in range(iterations):
        left = fc < fd
        hi = np.where(left, d, hi)
        lo = np.where(left, lo, c)
        new_c = hi - _GOLDEN * (hi - lo)
        new_d = lo + _GOLDEN * (hi - lo)
        # keep the interior point that survives, evaluate the other one
        c_next = np.where(left, new_c, d)
        d_next = np.where(left, c, new_d)
        f_keep = np.where(left, fc, fd)
        f_new = cost(np.where(left, c_next, d_next))
        fc = np.where(left, f_new, f_keep)
        fd = np.where(left, f_keep, f_new)
        c, d = c_next, d_next
    w = 0.5 * (lo + hi)
    candidates = np.stack([np.zeros(k), w, np.ones(k)], axis=1)
    costs = np.stack([cost(candidates[:, i]) for i in range(3)], axis=1)
    return candidates[np.arange(k), np.argmin(costs, axis=1)]


def information_fusion(
    xa: FloatArray, pa: FloatArray, xb: FloatArray, pb: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """The fusion that assumes independent errors (information sum), for comparison: it is
    optimal for independent errors and overconfident for correlated ones. K pairs, by the
    one information-form fusion (`kamae.tracking.fusion.fuse_measurements`)."""
    xa, xb = np.atleast_2d(xa).astype(float), np.atleast_2d(xb).astype(float)
    pa, pb = np.asarray(pa, dtype=float), np.asarray(pb, dtype=float)
    if pa.ndim == 2:
        pa, pb = pa[None], pb[None]
    pair = np.tile(np.arange(xa.shape[0]), 2)
    _, x, p = fuse_measurements(pair, np.concatenate([xa, xb]), np.concatenate([pa, pb]))
    return x, p


def track_distance_squared(
    xa: FloatArray, pa: FloatArray, xb: FloatArray, pb: FloatArray
) -> FloatArray:
    """(A, B) Bar-Shalom's d² = Δxᵀ (Pa + Pb)⁻¹ Δx for every pair of tracks, by the tracker's
    gate distance (`kamae.tracking.association.mahalanobis_pairs`: inf where Pa + Pb is not
    positive definite)."""
    dx = xb[None, :, :] - xa[:, None, :]
    s = pa[:, None, :, :] + pb[None, :, :, :]
    a, b, n = dx.shape
    return mahalanobis_pairs(dx.reshape(-1, n), s.reshape(-1, n, n)).reshape(a, b)


def associate_tracks(
    xa: FloatArray,
    pa: FloatArray,
    xb: FloatArray,
    pb: FloatArray,
    gate_probability: float = 0.999,
) -> Assignment:
    """One-to-one association of tracks A to tracks B (GNN on the chi-square-gated d²)."""
    xa, xb = np.asarray(xa, dtype=float), np.asarray(xb, dtype=float)
    if xa.shape[0] == 0 or xb.shape[0] == 0:
        return gnn_assign(np.zeros((xa.shape[0], xb.shape[0])), 1.0)
    d2 = track_distance_squared(xa, np.asarray(pa, float), xb, np.asarray(pb, float))
    return gnn_assign(d2, chi2_gate(xa.shape[1], gate_probability))


@dataclass(frozen=True)
class FusedTracks:
    """One fused estimate per target group."""

    group: IntArray
    """(G,) group label (target) of each fused track."""
    x: FloatArray
    p: FloatArray
    sources: BoolArray
    """(G, S) sensors whose data the fused estimate contains."""
    time_s: FloatArray
    """(G,) newest data time among the tracks used."""
    used: BoolArray
    """(K,) input tracks that entered the fusion (False: dropped as already contained)."""


def fuse_tracks(
    x: FloatArray,
    p: FloatArray,
    sources: BoolArray,
    time_s: FloatArray,
    group: IntArray,
) -> FusedTracks:
    """Fuse K tracks (already at a common time) per group (same target), see module doc."""
    x, p = np.asarray(x, dtype=float), np.asarray(p, dtype=float)
    sources = np.asarray(sources, dtype=bool)
    time_s = np.asarray(time_s, dtype=float)
    group = np.asarray(group, dtype=np.int64)
    trace = np.trace(p, axis1=-2, axis2=-1)
    order = np.lexsort((trace, -time_s, group))
    labels, first, counts = np.unique(group[order], return_index=True, return_counts=True)
    lead = order[first]
    fx, fp = x[lead].copy(), p[lead].copy()
    fsrc, ftime = sources[lead].copy(), time_s[lead].copy()
    used = np.zeros(group.size, dtype=bool)
    used[lead] = True
    for r in range(1, int(counts.max()) if counts.size else 0):
        g = np.flatnonzero(counts > r)
        member = order[first[g] + r]
        new_data = (sources[member] & ~fsrc[g]).any(axis=1)
        g, member = g[new_data], member[new_data]
        if g.size == 0:
            continue
        nx, npp, _ = covariance_intersection(fx[g], fp[g], x[member], p[member])
        fx[g], fp[g] = nx, npp
        fsrc[g] |= sources[member]
        ftime[g] = np.maximum(ftime[g], time_s[member])
        used[member] = True
    return FusedTracks(labels, fx, fp, fsrc, ftime, used)
