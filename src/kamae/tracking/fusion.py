"""Measurements of one track taken at one time, combined in information form.

For position measurements of one state, z = R·Σ R_i⁻¹ z_i with R = (Σ R_i⁻¹)⁻¹ is the
information-form combination, algebraically identical to updating with each in turn
(Bar-Shalom, Li & Kirubarajan 2001, section 7.4: the information filter). It assumes
independent errors: measurements of different sensors, never tracks that share data (those
need covariance intersection, `kamae.network.fusion`).
"""

from __future__ import annotations

import numpy as np

from kamae.arrays import FloatArray, IntArray


def fuse_same_time(
    slots: IntArray, z: FloatArray, cov: FloatArray
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Combine measurements of the same track taken at the same time into one (sorted unique
    slots, fused z (U, 3), fused covariances (U, 3, 3))."""
    unique, inverse = np.unique(slots, return_inverse=True)
    if unique.size == slots.size:
        return slots, z, cov
    info = np.linalg.inv(cov)
    info_sum = np.zeros((unique.size, 3, 3))
    np.add.at(info_sum, inverse, info)
    info_z = np.zeros((unique.size, 3))
    np.add.at(info_z, inverse, np.einsum("mij,mj->mi", info, z))
    fused_cov = np.linalg.inv(info_sum)
    fused_z = np.einsum("mij,mj->mi", fused_cov, info_z)
    return unique, fused_z, 0.5 * (fused_cov + fused_cov.transpose(0, 2, 1))
