"""Compiled kernel of the radar's converted measurement (numba), for the batches the engine
runs: `radar.measure`'s algebra per detection (3×3 products) in one compiled loop instead of
NumPy's stacked matrix products, whose per-call and per-matrix overhead dominated at a few
thousand detections per step.

The floats are NumPy's on this machine's BLAS: `np.matmul` on 3×3 stacks runs OpenBLAS's
dgemm, which sums each product with fused multiply-adds in order (fma(a2, b2, fma(a1, b1,
a0·b0))); `_dot3` does the same (LLVM's fma intrinsic), and the ENU-to-ECEF rotation sums
in order without fusing, as `np.einsum` does. A BLAS that rounds otherwise would make the
kernel differ from NumPy's form at rounding level (~1e-16 relative), not more (tested).
Compiled on first use and cached on disk (numba's `cache=True`), as `kamae.tracking.kernels`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit, types
from numba.extending import intrinsic

from kamae.arrays import FloatArray


@intrinsic
def _fma(typingctx: Any, a: Any, b: Any, c: Any) -> Any:  # noqa: ARG001
    """a·b + c rounded once (LLVM's llvm.fma)."""
    signature = types.float64(types.float64, types.float64, types.float64)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:  # noqa: ARG001
        return builder.fma(*args)

    return signature, codegen


@njit(cache=True, inline="always")
def _dot3(a0: float, b0: float, a1: float, b1: float, a2: float, b2: float) -> float:
    """a0·b0 + a1·b1 + a2·b2 as dgemm sums it: fused multiply-adds in order."""
    return _fma(a2, b2, _fma(a1, b1, a0 * b0))  # type: ignore[call-arg]


@njit(cache=True)
def converted_measurements(
    site: FloatArray,
    rotation: FloatArray,
    r: FloatArray,
    sin_az: FloatArray,
    cos_az: FloatArray,
    sin_el: FloatArray,
    cos_el: FloatArray,
    range_sigma: FloatArray,
    angle_sigma: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """ECEF positions (M, 3) and converted covariances (M, 3, 3) of measured ranges r and
    the sines and cosines of measured azimuth and elevation (M,), each with its radar's site
    (M, 3), ENU rotation (M, 3, 3) and error standard deviations (M,): `radar.measure`'s
    conversion, operation for operation (J diag(var) J^T in ENU, then R^T C R)."""
    m = r.shape[0]
    ecef = np.empty((m, 3))
    cov = np.empty((m, 3, 3))
    jac = np.empty((3, 3))
    scaled = np.empty((3, 3))
    enu = np.empty((3, 3))
    left = np.empty((3, 3))
    for n in range(m):
        rot = rotation[n]
        ground = r[n] * cos_el[n]
        east, north, up = ground * sin_az[n], ground * cos_az[n], r[n] * sin_el[n]
        for j in range(3):
            ecef[n, j] = east * rot[0, j] + north * rot[1, j] + up * rot[2, j] + site[n, j]
        jac[0, 0], jac[0, 1], jac[0, 2] = cos_el[n] * sin_az[n], north, -(up * sin_az[n])
        jac[1, 0], jac[1, 1], jac[1, 2] = cos_el[n] * cos_az[n], -east, -(up * cos_az[n])
        jac[2, 0], jac[2, 1], jac[2, 2] = sin_el[n], 0.0, r[n] * cos_el[n]
        angle_var = angle_sigma[n] ** 2
        var0 = range_sigma[n] ** 2
        for i in range(3):
            scaled[i, 0] = jac[i, 0] * var0
            scaled[i, 1] = jac[i, 1] * angle_var
            scaled[i, 2] = jac[i, 2] * angle_var
        for i in range(3):
            for j in range(3):
                enu[i, j] = _dot3(scaled[i, 0], jac[j, 0], scaled[i, 1], jac[j, 1],
                                  scaled[i, 2], jac[j, 2])  # fmt: skip
        for i in range(3):
            for j in range(3):
                left[i, j] = _dot3(rot[0, i], enu[0, j], rot[1, i], enu[1, j], rot[2, i],
                                   enu[2, j])  # fmt: skip
        for i in range(3):
            for j in range(3):
                cov[n, i, j] = _dot3(left[i, 0], rot[0, j], left[i, 1], rot[1, j], left[i, 2],
                                     rot[2, j])  # fmt: skip
    return ecef, cov
