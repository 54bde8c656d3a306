"""Array type aliases shared by every layer (NumPy arrays of one element type), and the
small vector helpers of hot paths.

Kept in one module so that a signature says the same thing everywhere; imports nothing of
ours.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
"""float64 values (SI units inside kamae)."""
IntArray = npt.NDArray[np.int64]
"""int64 indices and counts."""
IndexArray = npt.NDArray[np.intp]
"""Platform indices (what `np.nonzero` and `argsort` return)."""
BoolArray = npt.NDArray[np.bool_]
"""Masks."""
UIntArray = npt.NDArray[np.uint32]
"""Packed bit sets (32 bits)."""


def cross3(a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    """Cross products a × b of 3-vectors on the last axis (broadcast): the numbers of
    `np.cross` (the same products and differences, a1·b2 - a2·b1, ...) without its axis
    handling and copies, which dominate its cost on the few-row arrays of a step."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    out = np.empty(np.broadcast_shapes(a.shape, b.shape))
    np.subtract(a1 * b2, a2 * b1, out=out[..., 0])
    np.subtract(a2 * b0, a0 * b2, out=out[..., 1])
    np.subtract(a0 * b1, a1 * b0, out=out[..., 2])
    return out


def f64(a: object) -> FloatArray:
    """A C-contiguous float64 array of ``a`` (no copy when it is one): what the kernels take,
    so that each compiles once."""
    return np.ascontiguousarray(a, dtype=np.float64)
