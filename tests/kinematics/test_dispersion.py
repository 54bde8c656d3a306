"""Aim-point dispersion from CEP."""

from __future__ import annotations

import numpy as np
import pytest

from kamae.geo import ecef_to_geodetic, geodesic_inverse_deg, geodetic_to_ecef
from kamae.kinematics.dispersion import CEP_PER_SIGMA, cep_to_sigma, disperse_aim_points
from kamae.kinematics.feasibility import InfeasibleThreat


def ecef_deg(lat: list[float], lon: list[float], h: float = 0.0) -> np.ndarray:
    return geodetic_to_ecef(np.radians(lat), np.radians(lon), h)


def _miss(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    la, lo, _ = ecef_to_geodetic(a)
    lb, lob, _ = ecef_to_geodetic(b)
    d, _, _ = geodesic_inverse_deg(np.degrees(la), np.degrees(lo), np.degrees(lb), np.degrees(lob))
    return d


def test_half_the_shots_fall_within_the_cep() -> None:
    n = 20_000
    aim = np.repeat(ecef_deg([35.0], [135.0], 10.0), n, axis=0)
    hit = disperse_aim_points(aim, 250.0, np.random.default_rng(2024))
    miss = _miss(hit, aim)
    frac = np.mean(miss <= 250.0)
    assert abs(frac - 0.5) < 4 * np.sqrt(0.25 / n)  # 4 binomial standard deviations
    assert np.sqrt(np.mean(miss**2) / 2) == pytest.approx(250.0 / CEP_PER_SIGMA, rel=0.02)
    _, _, h = ecef_to_geodetic(hit)
    np.testing.assert_allclose(h, 10.0, atol=1e-6)


def test_seeded_and_independent_of_global_state() -> None:
    aim = ecef_deg([35.0, 36.0], [135.0, 136.0])
    a = disperse_aim_points(aim, [100.0, 0.0], np.random.default_rng(5))
    np.random.default_rng(0).standard_normal(10)  # other generators do not interfere
    b = disperse_aim_points(aim, [100.0, 0.0], np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a[1], aim[1], atol=1e-6)  # zero CEP: no miss
    assert cep_to_sigma(1.1774100225154747) == pytest.approx(1.0)
    with pytest.raises(InfeasibleThreat, match="cep_m"):
        disperse_aim_points(aim, -1.0, np.random.default_rng(5))
