"""Aim-point dispersion: circular normal miss drawn from the circular error probable (CEP).

A miss of independent normal east and north components of standard deviation σ has a Rayleigh
distributed radius; half the shots fall within CEP = σ·sqrt(2 ln 2) ≈ 1.1774·σ (e.g. Driels,
Weaponeering, 2nd ed., AIAA 2013, ch. 5). The offset is laid off along a WGS84 geodesic from
the aim point (pyproj, Karney 2013) and keeps the aim point's height. Bias (a mean point of
impact off the aim point) and range/deflection ellipses are not modelled. Randomness comes
only from the numpy Generator passed in.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray
from kamae.errors import InfeasibleThreat
from kamae.geo import ecef_to_geodetic, geodesic_direct_deg, geodetic_to_ecef

CEP_PER_SIGMA = float(np.sqrt(2.0 * np.log(2.0)))
"""CEP / σ of a circular normal distribution, sqrt(2 ln 2) ≈ 1.1774."""


def cep_to_sigma(cep_m: npt.ArrayLike) -> FloatArray:
    """Per-axis standard deviation (m) of the circular normal with the given CEP (m)."""
    return np.asarray(cep_m, dtype=float) / CEP_PER_SIGMA


def disperse_aim_points(
    aim_ecef: npt.ArrayLike, cep_m: npt.ArrayLike, rng: np.random.Generator
) -> FloatArray:
    """Dispersed impact points (N, 3) ECEF: one circular-normal draw per aim point.

    Draws 2N standard normals from `rng` (east then north per missile), whatever the CEPs, so
    the stream consumed does not depend on the parameters.
    """
    aim = np.atleast_2d(np.asarray(aim_ecef, dtype=float))
    n = aim.shape[0]
    cep = np.broadcast_to(np.asarray(cep_m, dtype=float), (n,))
    if np.any(~np.isfinite(cep)) or np.any(cep < 0.0):
        raise InfeasibleThreat("cep_m", "must be a finite non-negative distance", None)
    offsets = rng.standard_normal((n, 2)) * cep_to_sigma(cep)[:, None]
    east, north = offsets[:, 0], offsets[:, 1]
    lat, lon, h = ecef_to_geodetic(aim)
    lat2, lon2 = geodesic_direct_deg(
        np.degrees(lat), np.degrees(lon), np.degrees(np.arctan2(east, north)), np.hypot(east, north)
    )
    return geodetic_to_ecef(np.radians(lat2), np.radians(lon2), h)
