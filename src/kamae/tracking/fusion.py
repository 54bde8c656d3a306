"""Estimates of one quantity with independent errors, combined in information form.

For measurements (or estimates) z_i of one state with covariances R_i and independent
errors, z = R·Σ R_i⁻¹ z_i with R = (Σ R_i⁻¹)⁻¹ is the information-form combination,
algebraically identical to updating with each in turn (Bar-Shalom, Li & Kirubarajan 2001,
section 7.4: the information filter). The one implementation, used for one track's plots of
one step (the tracker), for one picture track's plots of one measurement time (the network
pictures) and for pairs of independent tracks (`kamae.tracking.track_fusion.information_fusion`).
Estimates that share data need covariance intersection instead (`kamae.tracking.track_fusion`).
"""

from __future__ import annotations

import numpy as np

from kamae.arrays import FloatArray, IntArray, f64
from kamae.tracking.kernels import scatter_add


def symmetric_inverse(m: FloatArray) -> FloatArray:
    """Inverses of symmetric matrices (M, n, n): for n = 3 the adjugate over the determinant
    (closed form, exactly symmetric), otherwise LAPACK's."""
    if m.shape[-1] != 3:
        return np.asarray(np.linalg.inv(m), dtype=np.float64)
    a, b, c = m[:, 0, 0], m[:, 0, 1], m[:, 0, 2]
    d, e, f = m[:, 1, 1], m[:, 1, 2], m[:, 2, 2]
    big_a, big_b, big_c = d * f - e * e, c * e - b * f, b * e - c * d
    big_d, big_e, big_f = a * f - c * c, b * c - a * e, a * d - b * b
    det = a * big_a + b * big_b + c * big_c
    out = np.stack(
        [big_a, big_b, big_c, big_b, big_d, big_e, big_c, big_e, big_f], axis=-1
    ).reshape(-1, 3, 3)
    return out / det[:, None, None]


def fuse_measurements(
    key: IntArray, z: FloatArray, cov: FloatArray
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Sorted unique keys (U,), with the estimates sharing a key combined in information form:
    z (U, n), covariances (U, n, n).

    A key met once keeps its estimate unchanged; only repeated keys are inverted
    (`symmetric_inverse`), summed in key order, and their fused covariance symmetrised.
    """
    unique, first, inverse, counts = np.unique(
        key, return_index=True, return_inverse=True, return_counts=True
    )
    out_z, out_cov = z[first].copy(), cov[first].copy()
    repeated = counts > 1
    if repeated.any():
        n = z.shape[-1]
        members = repeated[inverse]
        info = symmetric_inverse(cov[members])
        target = inverse[members]
        info_sum = np.zeros((unique.size, n, n))
        scatter_add(info_sum.reshape(unique.size, n * n), target, f64(info.reshape(-1, n * n)))
        info_z = np.zeros((unique.size, n))
        scatter_add(info_z, target, f64(np.einsum("mij,mj->mi", info, z[members])))
        fused = symmetric_inverse(info_sum[repeated])
        fused = 0.5 * (fused + np.swapaxes(fused, -1, -2))
        out_cov[repeated] = fused
        out_z[repeated] = np.einsum("mij,mj->mi", fused, info_z[repeated])
    return unique, out_z, out_cov
