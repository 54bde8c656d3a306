"""The compiled converted measurement (`kamae.sensors.kernels`) against its NumPy form.

Reference: the converted-measurement covariance C = J diag(σr², σa², σe²) J^T of the
spherical-to-Cartesian map, rotated from ENU to ECEF as R^T C R (Bar-Shalom, Li &
Kirubarajan, Estimation with Applications to Tracking and Navigation, 2001, section 10.4),
written here with NumPy's stacked products as `radar.measure` had it.
"""

from __future__ import annotations

import numpy as np

from kamae.sensors.kernels import converted_measurements
from kamae.sensors.radar import measure


def _numpy_form(site, rotation, rs, sa_sigma, r, a, e):  # type: ignore[no-untyped-def]
    sa, ca, se, ce = np.sin(a), np.cos(a), np.sin(e), np.cos(e)
    enu = np.stack([r * ce * sa, r * ce * ca, r * se], axis=-1)
    ecef = np.einsum("mi,mij->mj", enu, rotation) + site
    east, north, up = enu[:, 0], enu[:, 1], enu[:, 2]
    m = r.size
    jac = np.stack(
        [ce * sa, north, -(up * sa), ce * ca, -east, -(up * ca), se, np.zeros(m), r * ce], axis=-1
    ).reshape(m, 3, 3)
    var = np.stack([rs**2, sa_sigma**2, sa_sigma**2], axis=-1)
    cov = (jac * var[:, None, :]) @ jac.transpose(0, 2, 1)
    return ecef, rotation.transpose(0, 2, 1) @ cov @ rotation


def _case(seed: int, m: int = 400):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((m, 3, 3)))
    site = rng.normal(size=(m, 3)) * 6.4e6
    rs = rng.uniform(5.0, 500.0, m)
    sa_sigma = rng.uniform(1e-4, 1e-2, m)
    r = rng.uniform(1e4, 2e6, m)
    a = rng.uniform(-np.pi, np.pi, m)
    e = rng.uniform(0.0, 1.4, m)
    return site, q, rs, sa_sigma, r, a, e


def test_kernel_is_the_numpy_form_to_rounding() -> None:
    site, q, rs, sa_sigma, r, a, e = _case(3)
    want_z, want_c = _numpy_form(site, q, rs, sa_sigma, r, a, e)
    got_z, got_c = converted_measurements(
        site, q, r, np.sin(a), np.cos(a), np.sin(e), np.cos(e), rs, sa_sigma
    )
    assert np.allclose(got_z, want_z, rtol=1e-15, atol=0.0)
    scale = np.abs(want_c).max(axis=(1, 2))[:, None, None]
    assert np.all(np.abs(got_c - want_c) <= 1e-14 * scale)
    assert np.all(np.abs(got_c - got_c.transpose(0, 2, 1)) <= 1e-14 * scale)  # symmetric


def test_measure_applies_noise_then_converts() -> None:
    """`measure` perturbs range, azimuth and elevation by σ × noise, then converts: with zero
    noise the position is the true one (to rounding), and the covariance's trace is
    σr² + (r·σa)²·cos²(e) + (r·σe)² (the ENU trace, invariant under the rotation)."""
    site, q, rs, sa_sigma, r, a, e = _case(4)
    z, cov = measure(site, q, rs, sa_sigma, r, a, e, np.zeros((r.size, 3)))
    want_z, _ = _numpy_form(site, q, rs, sa_sigma, r, a, e)
    assert np.allclose(z, want_z, rtol=1e-15, atol=1e-6)
    trace = np.trace(cov, axis1=1, axis2=2)
    expected = rs**2 + (r * sa_sigma * np.cos(e)) ** 2 + (r * sa_sigma) ** 2
    assert np.allclose(trace, expected, rtol=1e-12)
