"""Free-flight relations of a ballistic missile over a spherical, non-rotating Earth.

Planar two-body conic through a burnout point (radius r1, speed v, flight-path angle γ above
the local horizontal) and an impact point (radius r2) a central angle Ψ downrange:

- conic parameter p = r1·r2·(1 - cos Ψ) / (r1 - r2·cos Ψ + r2·tan γ·sin Ψ) (from the conic
  equation r = p / (1 + e·cos ν) written at both ends), and burnout speed v = sqrt(mu·p) /
  (r1·cos γ);
- for r1 = r2: the free-flight range equation cos(Ψ/2) = (1 - Q·cos²γ) / sqrt(1 + Q(Q - 2)
  cos²γ) with Q = v²r/mu, its inverse sin(2γ + Ψ/2) = ((2 - Q)/Q)·sin(Ψ/2), and the
  minimum-energy trajectory Q = 2s/(1 + s), γ = 45° - Ψ/4, s = sin(Ψ/2) (Bate, Mueller &
  White, Fundamentals of Astrodynamics, 1971, sections 6.2-6.3);
- for r1 ≠ r2 the minimum-energy conic has p = r1·r2·(1 - cos Ψ)/c, c the chord
  (BMW section 5.2); a trajectory of given apogee radius is found by bisection on γ (apogee
  grows monotonically with γ on the branch whose apogee lies on the flight);
- time of flight from Kepler's equation between the two eccentric anomalies
  (`kepler.flight_time`).

Drag, the boost phase and Earth rotation are outside these relations (see `ballistic.py`).
`ballistic_solution` packages them (in SI) for `kamae calc ballistic`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray
from kamae.errors import InfeasibleThreat
from kamae.geo import EARTH_MEAN_RADIUS
from kamae.kinematics.kepler import MU_EARTH, flight_time

_BISECTIONS = 80


def minimum_energy_q(range_angle: npt.ArrayLike) -> FloatArray:
    """Q = v²r/mu of the minimum-energy trajectory, 2s/(1 + s) with s = sin(Ψ/2) (r1 = r2)."""
    s = np.sin(0.5 * np.asarray(range_angle, dtype=float))
    return 2.0 * s / (1.0 + s)


def minimum_energy_angle(range_angle: npt.ArrayLike) -> FloatArray:
    """Flight-path angle (rad) of the minimum-energy trajectory, π/4 - Ψ/4 (r1 = r2)."""
    return 0.25 * np.pi - 0.25 * np.asarray(range_angle, dtype=float)


def free_flight_range_angle(q: npt.ArrayLike, gamma: npt.ArrayLike) -> FloatArray:
    """Free-flight range angle Ψ (rad) for Q and γ, burnout and reentry at the same radius.

    BMW (1971) eq. 6.2-11: cos(Ψ/2) = (1 - Q·cos²γ) / sqrt(1 + Q(Q - 2)·cos²γ); Q < 2.
    """
    q = np.asarray(q, dtype=float)
    c2 = np.cos(np.asarray(gamma, dtype=float)) ** 2
    return 2.0 * np.arccos(np.clip((1.0 - q * c2) / np.sqrt(1.0 + q * (q - 2.0) * c2), -1, 1))


def flight_path_angles_for_range(
    q: npt.ArrayLike, range_angle: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Low and high flight-path angles (rad) reaching range angle Ψ with a given Q (r1 = r2).

    BMW (1971) eq. 6.2-16: sin(2γ + Ψ/2) = ((2 - Q)/Q)·sin(Ψ/2). NaN where Q is too small for
    the range; a negative low angle means that branch would pass below the surface.
    """
    q = np.asarray(q, dtype=float)
    half = 0.5 * np.asarray(range_angle, dtype=float)
    x = (2.0 - q) / q * np.sin(half)
    with np.errstate(invalid="ignore"):
        base = np.arcsin(np.where(np.abs(x) <= 1.0, x, np.nan))
    return 0.5 * (base - half), 0.5 * (np.pi - base - half)


def conic_parameter(
    r1: npt.ArrayLike, r2: npt.ArrayLike, range_angle: npt.ArrayLike, gamma: npt.ArrayLike
) -> FloatArray:
    """Semi-latus rectum p (m) of the conic from (r1, γ) through r2 at central angle Ψ."""
    r1, r2, psi, g = (np.asarray(x, dtype=float) for x in (r1, r2, range_angle, gamma))
    den = r1 - r2 * np.cos(psi) + r2 * np.tan(g) * np.sin(psi)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0.0, r1 * r2 * (1.0 - np.cos(psi)) / den, np.nan)


def minimum_energy_parameter(
    r1: npt.ArrayLike, r2: npt.ArrayLike, range_angle: npt.ArrayLike
) -> FloatArray:
    """p (m) of the minimum-energy conic between radii r1, r2 at angle Ψ: r1·r2·(1-cos Ψ)/c."""
    r1, r2, psi = (np.asarray(x, dtype=float) for x in (r1, r2, range_angle))
    chord = np.sqrt(r1 * r1 + r2 * r2 - 2.0 * r1 * r2 * np.cos(psi))
    return r1 * r2 * (1.0 - np.cos(psi)) / chord


def minimum_energy_speed(
    r1: npt.ArrayLike, r2: npt.ArrayLike, range_angle: npt.ArrayLike, mu: float = MU_EARTH
) -> FloatArray:
    """Least burnout speed (m/s) from radius r1 to radius r2 at central angle Ψ (sphere, no
    drag): the minimum-energy conic's p, its burnout angle, then v = sqrt(mu·p)/(r1·cos γ)."""
    p = minimum_energy_parameter(r1, r2, range_angle)
    return burnout_speed(r1, p, angle_from_parameter(r1, r2, range_angle, p), mu)


def angle_from_parameter(
    r1: npt.ArrayLike, r2: npt.ArrayLike, range_angle: npt.ArrayLike, p: npt.ArrayLike
) -> FloatArray:
    """Burnout flight-path angle (rad) of the conic of parameter p from r1 through r2."""
    r1, r2, psi, p = (np.asarray(x, dtype=float) for x in (r1, r2, range_angle, p))
    tan_g = (r1 * r2 * (1.0 - np.cos(psi)) / p - r1 + r2 * np.cos(psi)) / (r2 * np.sin(psi))
    return np.arctan(tan_g)


def burnout_speed(
    r1: npt.ArrayLike, p: npt.ArrayLike, gamma: npt.ArrayLike, mu: float = MU_EARTH
) -> FloatArray:
    """Burnout speed (m/s) from angular momentum: h = sqrt(mu·p) = r1·v·cos γ."""
    r1, p, g = (np.asarray(x, dtype=float) for x in (r1, p, gamma))
    return np.sqrt(mu * p) / (r1 * np.cos(g))


def conic_state(
    r1: npt.ArrayLike, v: npt.ArrayLike, gamma: npt.ArrayLike, mu: float = MU_EARTH
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Semi-major axis a, eccentricity e, p and true anomaly ν1 of the burnout state."""
    r1, v, g = (np.asarray(x, dtype=float) for x in (r1, v, gamma))
    a = 1.0 / (2.0 / r1 - v * v / mu)
    p = (r1 * v * np.cos(g)) ** 2 / mu
    e = np.sqrt(np.maximum(1.0 - p / a, 0.0))
    nu1 = np.arctan2(p * np.tan(g) / r1, p / r1 - 1.0)
    return a, e, p, nu1


def apogee_radius(
    r1: npt.ArrayLike, v: npt.ArrayLike, gamma: npt.ArrayLike, mu: float = MU_EARTH
) -> FloatArray:
    """Apoapsis radius a(1 + e) (m) of the burnout state (r1, v, γ)."""
    a, e, _, _ = conic_state(r1, v, gamma, mu)
    return a * (1.0 + e)


def flight_path_angle_for_apogee_speed(
    r1: npt.ArrayLike, v: npt.ArrayLike, r_apogee: npt.ArrayLike, mu: float = MU_EARTH
) -> FloatArray:
    """Flight-path angle (rad) at which speed v from r1 reaches apoapsis radius r_apogee.

    Vis-viva gives a; e = r_a/a - 1; p = a(1 - e²); cos γ = sqrt(mu·p)/(r1·v) (BMW ch. 6).
    """
    r1, v, ra = (np.asarray(x, dtype=float) for x in (r1, v, r_apogee))
    a = 1.0 / (2.0 / r1 - v * v / mu)
    e = ra / a - 1.0
    p = a * (1.0 - e * e)
    return np.arccos(np.clip(np.sqrt(mu * p) / (r1 * v), -1.0, 1.0))


def _apogee_of_angle(
    r1: FloatArray, r2: FloatArray, psi: FloatArray, gamma: FloatArray, mu: float
) -> FloatArray:
    p = conic_parameter(r1, r2, psi, gamma)
    v = burnout_speed(r1, p, gamma, mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        a = 1.0 / (2.0 / r1 - v * v / mu)
        ra = np.where(a > 0.0, apogee_radius(r1, v, gamma, mu), np.inf)
    return np.where(np.isnan(ra), np.inf, ra)


def lowest_angle(r1: npt.ArrayLike, r2: npt.ArrayLike, range_angle: npt.ArrayLike) -> FloatArray:
    """Lowest burnout angle (rad) whose apogee lies on the flight: 0 when r1 ≥ r2, else the
    angle whose conic arrives horizontally at r2."""
    r1, r2, psi = (np.asarray(x, dtype=float) for x in (r1, r2, range_angle))
    p_rev = r1 * r2 * (1.0 - np.cos(psi)) / (r2 - r1 * np.cos(psi))
    with np.errstate(invalid="ignore", divide="ignore"):
        g_rev = angle_from_parameter(r1, r2, psi, p_rev)
    return np.where(r1 >= r2, 0.0, g_rev)


def angle_for_apogee(
    r1: npt.ArrayLike,
    r2: npt.ArrayLike,
    range_angle: npt.ArrayLike,
    r_apogee: npt.ArrayLike,
    mu: float = MU_EARTH,
) -> FloatArray:
    """Burnout flight-path angle (rad) whose conic through r2 peaks at apoapsis radius r_apogee.

    Bisection on γ between `lowest_angle` and 90°, where the apogee grows monotonically. Raises
    ValueError when the apogee is below the higher end point.
    """
    r1, r2, psi, ra = np.broadcast_arrays(
        *(np.atleast_1d(np.asarray(x, dtype=float)) for x in (r1, r2, range_angle, r_apogee))
    )
    if np.any(ra < np.maximum(r1, r2) - 1e-6):
        raise ValueError("apogee must be at or above both the burnout and the impact point")
    lo = lowest_angle(r1, r2, psi) + 1e-12
    hi = np.full_like(lo, 0.5 * np.pi - 1e-9)
    for _ in range(_BISECTIONS):
        mid = 0.5 * (lo + hi)
        above = _apogee_of_angle(r1, r2, psi, mid, mu) > ra
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
    return 0.5 * (lo + hi)


def free_flight_time(
    r1: npt.ArrayLike,
    v: npt.ArrayLike,
    gamma: npt.ArrayLike,
    range_angle: npt.ArrayLike,
    mu: float = MU_EARTH,
) -> FloatArray:
    """Time of free flight (s) from burnout (r1, v, γ) through the central angle Ψ."""
    a, e, _, nu1 = conic_state(r1, v, gamma, mu)
    nu2 = nu1 + np.asarray(range_angle, dtype=float)
    return flight_time(np.sqrt(mu / a**3), e, nu1, nu2)


def impact_angle(
    r1: npt.ArrayLike,
    v: npt.ArrayLike,
    gamma: npt.ArrayLike,
    range_angle: npt.ArrayLike,
    mu: float = MU_EARTH,
) -> tuple[FloatArray, FloatArray]:
    """Speed (m/s) and flight-path angle (rad, negative descending) at the end of free flight."""
    a, e, p, nu1 = conic_state(r1, v, gamma, mu)
    nu2 = nu1 + np.asarray(range_angle, dtype=float)
    r2 = p / (1.0 + e * np.cos(nu2))
    speed = np.sqrt(mu * (2.0 / r2 - 1.0 / a))
    return speed, np.arctan2(e * np.sin(nu2), 1.0 + e * np.cos(nu2))


EARTH_MODEL = (
    "spherical non-rotating Earth, radius {r_km:.1f} km, mu = {mu:.9e} m^3/s^2; drag-free free "
    "flight from burnout to impact (boost and reentry drag not included)"
)


@dataclass(frozen=True)
class BallisticSolution:
    """Result of the quick ballistic calculator (SI)."""

    range_m: float
    range_angle_rad: float
    burnout_altitude_m: float
    impact_altitude_m: float
    shape: str
    """'minimum-energy', 'lofted' or 'depressed'."""
    burnout_speed_mps: float
    burnout_angle_rad: float
    """Flight-path angle above the local horizontal at burnout."""
    apogee_m: float
    """Apogee height above the spherical surface."""
    flight_time_s: float
    """Free-flight time, burnout to impact."""
    impact_speed_mps: float
    impact_angle_rad: float
    """Flight-path angle at impact (negative: descending)."""
    minimum_energy_speed_mps: float
    minimum_energy_angle_rad: float
    earth_model: str


def ballistic_solution(
    range_m: float,
    *,
    apogee_m: float | None = None,
    burnout_angle_rad: float | None = None,
    burnout_altitude_m: float = 0.0,
    impact_altitude_m: float = 0.0,
    earth_radius_m: float = EARTH_MEAN_RADIUS,
    mu: float = MU_EARTH,
) -> BallisticSolution:
    """Burnout speed, angle, apogee and flight time of a ballistic shot of a given ground range.

    Minimum-energy unless `apogee_m` (lofted or depressed) or `burnout_angle_rad` is given.
    The range is measured along the surface from the point below burnout to the impact.
    Raises `InfeasibleThreat` (a ValueError) naming the offending field.
    """
    _check_shot(range_m, apogee_m, burnout_angle_rad, burnout_altitude_m, impact_altitude_m)
    if range_m >= np.pi * earth_radius_m:
        raise InfeasibleThreat(
            "range_m", "must be less than half the Earth's circumference", range_m
        )
    r1 = earth_radius_m + burnout_altitude_m
    r2 = earth_radius_m + impact_altitude_m
    psi = range_m / earth_radius_m
    p_min = minimum_energy_parameter(r1, r2, psi)
    g_min = angle_from_parameter(r1, r2, psi, p_min)
    v_min = minimum_energy_speed(r1, r2, psi, mu)
    if apogee_m is not None:
        ra = earth_radius_m + apogee_m
        if not np.isfinite(apogee_m) or ra < max(r1, r2):
            raise InfeasibleThreat(
                "apogee_m", "must be at or above the burnout and impact altitudes", apogee_m
            )
        gamma = float(angle_for_apogee(r1, r2, psi, ra, mu)[0])
    elif burnout_angle_rad is not None:
        gamma = burnout_angle_rad
        g_lo = float(lowest_angle(r1, r2, psi))
        if not np.isfinite(gamma) or gamma <= g_lo or gamma >= 0.5 * np.pi:
            raise InfeasibleThreat(
                "burnout_angle_rad",
                f"must lie between {np.degrees(g_lo):.3f} and 90 degrees for this range",
                burnout_angle_rad,
            )
    else:
        gamma = float(g_min)
    p = conic_parameter(r1, r2, psi, gamma)
    v = float(burnout_speed(r1, p, gamma, mu))
    if v * v * r1 / mu >= 2.0:
        raise InfeasibleThreat(
            "burnout_angle_rad", "needs escape speed for this range", burnout_angle_rad
        )
    ra = float(apogee_radius(r1, v, gamma, mu))
    v_imp, g_imp = impact_angle(r1, v, gamma, psi, mu)
    if abs(gamma - g_min) < 1e-9:
        shape = "minimum-energy"
    else:
        shape = "lofted" if gamma > g_min else "depressed"
    return BallisticSolution(
        range_m=float(range_m),
        range_angle_rad=float(psi),
        burnout_altitude_m=float(burnout_altitude_m),
        impact_altitude_m=float(impact_altitude_m),
        shape=shape,
        burnout_speed_mps=v,
        burnout_angle_rad=float(gamma),
        apogee_m=ra - earth_radius_m,
        flight_time_s=float(free_flight_time(r1, v, gamma, psi, mu)),
        impact_speed_mps=float(v_imp),
        impact_angle_rad=float(g_imp),
        minimum_energy_speed_mps=float(v_min),
        minimum_energy_angle_rad=float(g_min),
        earth_model=EARTH_MODEL.format(r_km=earth_radius_m / 1e3, mu=mu),
    )


def _check_shot(
    range_m: float,
    apogee_m: float | None,
    burnout_angle_rad: float | None,
    burnout_altitude_m: float,
    impact_altitude_m: float,
) -> None:
    if not np.isfinite(range_m) or range_m <= 0.0:
        raise InfeasibleThreat("range_m", "must be a positive distance", range_m)
    if apogee_m is not None and burnout_angle_rad is not None:
        raise InfeasibleThreat(
            "apogee_m", "give {apogee_m} or {burnout_angle_rad}, not both", apogee_m
        )
    for name, value in (
        ("burnout_altitude_m", burnout_altitude_m),
        ("impact_altitude_m", impact_altitude_m),
    ):
        if not np.isfinite(value) or value < 0.0:
            raise InfeasibleThreat(name, "must be a non-negative height", value)
