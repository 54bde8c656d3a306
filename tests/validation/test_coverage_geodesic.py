"""Range coverage on the WGS84 ellipsoid against independent references.

References: pyproj's geodesic polygon area and inverse problem (Karney, "Algorithms for
geodesics", J. Geodesy 87, 2013) for areas and distances; the spherical-cap area
2πR²(1 − cos(r/R)) (closed form) as a sanity bound on a geodesic disc's area.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyproj import Geod

from kamae.campaign.coverage import Site, cell_area_m2, coverage, range_ring, sample_area

GEOD = Geod(ellps="WGS84")
BOX = [(30.0, 120.0), (30.0, 140.0), (45.0, 140.0), (45.0, 120.0)]


def _geodesic_area_km2(lat, lon) -> float:
    area, _ = GEOD.polygon_area_perimeter(np.asarray(lon), np.asarray(lat))
    return abs(area) / 1e6


def test_polygon_area_matches_karney():
    """The sampled area of a polygon with geodesic edges equals pyproj's geodesic area."""
    sample = sample_area(BOX, cells=60_000)
    ref = _geodesic_area_km2([p[0] for p in BOX], [p[1] for p in BOX])
    assert sample.area_m2 / 1e6 == pytest.approx(ref, rel=2e-3)


def test_cell_areas_sum_to_the_zone_area():
    """Cells between two parallels over 360° sum to the ellipsoidal zone area from
    pyproj (a quadrilateral of geodesics along meridians and... parallels are not
    geodesics, so compare a whole zone: 2π·(a²/2)·(q2 − q1))."""
    full = float(cell_area_m2(-90.0, 90.0, 360.0))
    # Total WGS84 surface area, 510,065,621.7 km² (Karney 2013; NIMA TR8350.2).
    assert full / 1e6 == pytest.approx(510_065_621.7, rel=1e-9)


@pytest.mark.parametrize("radius_km", [200.0, 600.0])
def test_disc_inside_polygon(radius_km):
    """A site in the middle of a large polygon covers the geodesic disc: its area over the
    polygon's, the disc's area taken from a dense geodesic circle (pyproj)."""
    centre = (37.5, 130.0)
    cov = coverage(BOX, [Site("s", *centre, radius_km)], cells=60_000)
    lat, lon = range_ring(*centre, radius_km, points=2001)
    disc = _geodesic_area_km2(lat[:-1], lon[:-1])
    ref = _geodesic_area_km2([p[0] for p in BOX], [p[1] for p in BOX])
    assert cov.covered_km2 == pytest.approx(disc, rel=5e-3)
    assert cov.fraction == pytest.approx(disc / ref, rel=5e-3)
    # Spherical-cap bound: within 0.5% of 2πR²(1 − cos(r/R)) with R the mean radius.
    r = 6371.0088
    cap = 2 * math.pi * r * r * (1 - math.cos(radius_km / r))
    assert disc == pytest.approx(cap, rel=5e-3)


def test_full_and_no_coverage():
    assert coverage(BOX, [Site("far", -30.0, 0.0, 1000.0)], cells=5000).fraction == 0.0
    assert coverage(BOX, [Site("near", 37.5, 130.0, 5000.0)], cells=5000).fraction == 1.0


def test_union_of_two_sites_is_not_their_sum():
    """Two sites reaching the same half overlap: the union is less than the sum."""
    sites = [Site("a", 37.5, 130.0, 500.0), Site("b", 37.5, 131.0, 500.0)]
    cov = coverage(BOX, sites, cells=50_000)
    assert cov.fraction < sum(cov.site_fraction)
    assert cov.fraction > max(cov.site_fraction)


@pytest.mark.parametrize("radius_km", [200.0, 1000.0, 1500.0])
def test_ring_radii_against_pyproj_inverse(radius_km):
    """The 200, 1,000 and 1,500 km rings (Type-12 before and after, and its further stage)
    are at their radius by the inverse geodesic problem, to a millimetre."""
    lat, lon = range_ring(32.5, 130.8, radius_km)
    _, _, dist = GEOD.inv(np.full(lat.size, 130.8), np.full(lat.size, 32.5), lon, lat)
    assert np.max(np.abs(np.asarray(dist) - radius_km * 1e3)) < 1e-3
