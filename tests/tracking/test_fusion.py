"""The one information-form fusion: closed-form symmetric inverses, keys met once kept as
they are, repeated keys equal to updating with each measurement in turn (Bar-Shalom, Li &
Kirubarajan 2001, §7.4)."""

from __future__ import annotations

import numpy as np

from kamae.tracking.fusion import fuse_measurements, symmetric_inverse
from kamae.tracking.kalman import kalman_update
from kamae.tracking.track_fusion import information_fusion


def _spd(rng: np.random.Generator, count: int, n: int) -> np.ndarray:
    a = rng.normal(size=(count, n, n))
    return a @ a.transpose(0, 2, 1) + 0.1 * np.eye(n)


def test_symmetric_inverse_closed_form_and_general() -> None:
    rng = np.random.default_rng(0)
    for n in (3, 6):
        m = _spd(rng, 40, n)
        inv = symmetric_inverse(m)
        np.testing.assert_allclose(inv, np.linalg.inv(m), rtol=1e-9, atol=1e-12)
    inv3 = symmetric_inverse(_spd(rng, 10, 3))
    np.testing.assert_array_equal(inv3, inv3.transpose(0, 2, 1))  # exactly symmetric


def test_fused_measurements_equal_sequential_updates_and_singletons_are_kept() -> None:
    """Per key, the fused measurement updates a prior exactly as the key's measurements one
    after the other (to 1e-9); a key met once comes back bit for bit; keys come sorted."""
    rng = np.random.default_rng(1)
    key = rng.integers(0, 15, size=40)
    z = rng.normal(size=(40, 3)) * 100.0
    cov = _spd(rng, 40, 3) * 50.0
    unique, fz, fcov = fuse_measurements(key, z, cov)
    assert unique.tolist() == sorted(set(key.tolist()))
    h = np.zeros((3, 6))
    h[:, :3] = np.eye(3)
    for i, k in enumerate(unique):
        rows = np.flatnonzero(key == k)
        if rows.size == 1:
            assert np.array_equal(fz[i], z[rows[0]]) and np.array_equal(fcov[i], cov[rows[0]])
            continue
        x, p = np.zeros(6), np.eye(6) * 1e4
        for j in rows:
            u = kalman_update(x, p, z[j], h, cov[j])
            x, p = u.x, u.p
        once = kalman_update(np.zeros(6), np.eye(6) * 1e4, fz[i], h, fcov[i])
        np.testing.assert_allclose(once.x, x, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(once.p, p, rtol=1e-9, atol=1e-9)
        np.testing.assert_array_equal(fcov[i], fcov[i].T)


def test_information_fusion_of_track_pairs_is_the_same_fusion() -> None:
    rng = np.random.default_rng(2)
    xa, xb = rng.normal(size=(5, 6)), rng.normal(size=(5, 6))
    pa, pb = _spd(rng, 5, 6), _spd(rng, 5, 6)
    x, p = information_fusion(xa, pa, xb, pb)
    _, fx, fp = fuse_measurements(np.tile(np.arange(5), 2), np.r_[xa, xb], np.r_[pa, pb])
    np.testing.assert_array_equal(x, fx)
    np.testing.assert_array_equal(p, fp)
    ref = np.linalg.inv(np.linalg.inv(pa) + np.linalg.inv(pb))
    np.testing.assert_allclose(p, ref, rtol=1e-9, atol=1e-12)
