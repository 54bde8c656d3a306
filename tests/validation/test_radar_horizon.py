"""Radar horizon against the 4/3-Earth formula (Skolnik, Introduction to Radar Systems, 3rd
ed., 2001, section 8.2; ../shared/reference/models.md "Radar"): d = sqrt(2kR·h1) +
sqrt(2kR·h2), rule of thumb d[km] ≈ 4.12 (sqrt(h1[m]) + sqrt(h2[m]))."""

from __future__ import annotations

import numpy as np
import pytest

from kamae import geo


@pytest.mark.parametrize(
    ("h1", "h2"), [(10.0, 0.0), (20.0, 1000.0), (30.0, 10_000.0), (0.0, 100_000.0)]
)
def test_horizon_formula_and_rule_of_thumb(h1: float, h2: float) -> None:
    kr = 4.0 / 3.0 * 6_371_000.0
    expected = np.sqrt(2 * kr * h1) + np.sqrt(2 * kr * h2)
    assert float(geo.radar_horizon_range(h1, h2)) == pytest.approx(expected, rel=1e-12)
    thumb_km = 4.12 * (np.sqrt(h1) + np.sqrt(h2))
    assert float(geo.radar_horizon_range(h1, h2)) / 1e3 == pytest.approx(thumb_km, rel=2e-3)
    # The exact tangent geometry differs by O(h/kR).
    assert float(geo.horizon_range_exact(h1, h2)) == pytest.approx(
        expected, rel=max(h1, h2) / (4 * kr) * 1.01 + 1e-12
    )


def test_line_of_sight_switches_at_the_horizon() -> None:
    """A target at altitude h2 due north of a radar at h1 is visible just inside the
    horizon's ground range and hidden just beyond it (spherical-Earth arc = tangent length
    to first order in h/kR)."""
    lat0, lon0, h1, h2 = np.radians(10.0), np.radians(130.0), 30.0, 20_000.0
    radar = geo.geodetic_to_ecef(lat0, lon0, h1)
    d = float(geo.radar_horizon_range(h1, h2))
    for factor, visible in ((0.98, True), (1.02, False)):
        lat2, lon2 = geo.geodesic_direct_deg(10.0, 130.0, 0.0, factor * d)
        target = geo.geodetic_to_ecef(np.radians(lat2), np.radians(lon2), h2)
        assert bool(geo.line_of_sight_clear(radar, target)) is visible
