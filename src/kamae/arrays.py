"""Array type aliases shared by every layer (NumPy arrays of one element type).

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
