"""Feasibility checks for threat parameters, in the catalog's units (field names carry them).

Pure functions that raise `InfeasibleThreat` (a ValueError and a KamaeError) naming the field,
so the scenario loader can refuse a file at load time with the field path. The physics behind
each check is the model's own relation: the minimum-energy speed for a ballistic range (Bate,
Mueller & White 1971, section 6.3), the circular speed and the equilibrium-glide range for a
glider (see `glide.py`), and geodesic lengths for cruise routes (pyproj, Karney 2013).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from kamae.errors import KamaeError
from kamae.geo import EARTH_MEAN_RADIUS, geodesic_inverse_deg
from kamae.kinematics.kepler import MU_EARTH


class InfeasibleThreat(KamaeError, ValueError):
    """A threat parameter that the kinematic model cannot fly; names the field and the value."""

    def __init__(self, field: str, problem: str, value: object = None) -> None:
        self.field = field
        self.problem = problem
        self.value = value
        got = f" (got {value!r})" if value is not None else ""
        super().__init__(f"{field}: {problem}{got}")


def check_positive(field: str, value: float) -> float:
    """Return value if it is a finite number > 0, else raise naming the field."""
    if not _finite(value) or value <= 0.0:
        raise InfeasibleThreat(field, "must be a positive number", value)
    return float(value)


def check_non_negative(field: str, value: float) -> float:
    """Return value if it is a finite number >= 0, else raise naming the field."""
    if not _finite(value) or value < 0.0:
        raise InfeasibleThreat(field, "must be zero or a positive number", value)
    return float(value)


def minimum_energy_speed_mps(
    range_km: float, burnout_altitude_km: float = 0.0, earth_radius_m: float = EARTH_MEAN_RADIUS
) -> float:
    """Least burnout speed (m/s) that reaches range_km from burnout_altitude_km (sphere, no drag).

    Minimum-energy conic p = r1·r2·(1 - cos Ψ)/c, v = sqrt(mu·p)/(r1·cos γ) (BMW 1971, 5.2).
    """
    r1 = earth_radius_m + burnout_altitude_km * 1e3
    r2 = earth_radius_m
    psi = range_km * 1e3 / earth_radius_m
    chord = np.sqrt(r1 * r1 + r2 * r2 - 2.0 * r1 * r2 * np.cos(psi))
    p = r1 * r2 * (1.0 - np.cos(psi)) / chord
    tan_g = (r1 * r2 * (1.0 - np.cos(psi)) / p - r1 + r2 * np.cos(psi)) / (r2 * np.sin(psi))
    return float(np.sqrt(MU_EARTH * p) / (r1 * np.cos(np.arctan(tan_g))))


def check_ballistic(
    range_km: float,
    *,
    burnout_speed_mps: float | None = None,
    apogee_km: float | None = None,
    burnout_angle_deg: float | None = None,
    burnout_altitude_km: float = 0.0,
    burn_time_s: float = 0.0,
) -> None:
    """Refuse ballistic parameters no trajectory can fly (range, speed, apogee, boost)."""
    check_positive("range_km", range_km)
    if range_km * 1e3 >= np.pi * EARTH_MEAN_RADIUS:
        raise InfeasibleThreat(
            "range_km", "must be less than half the Earth's circumference", range_km
        )
    check_non_negative("burnout_altitude_km", burnout_altitude_km)
    check_non_negative("burn_time_s", burn_time_s)
    if apogee_km is not None and burnout_angle_deg is not None:
        raise InfeasibleThreat(
            "apogee_km", "give apogee_km or burnout_angle_deg, not both", apogee_km
        )
    if apogee_km is not None and (not _finite(apogee_km) or apogee_km < burnout_altitude_km):
        raise InfeasibleThreat(
            "apogee_km",
            f"must be at or above burnout_altitude_km = {burnout_altitude_km}",
            apogee_km,
        )
    if burnout_angle_deg is not None and not (0.0 < burnout_angle_deg < 90.0):
        raise InfeasibleThreat(
            "burnout_angle_deg", "must lie strictly between 0 and 90", burnout_angle_deg
        )
    if burnout_altitude_km > 0.0 and burn_time_s <= 0.0:
        raise InfeasibleThreat(
            "burn_time_s", "must be positive when burnout_altitude_km > 0", burn_time_s
        )
    if burnout_speed_mps is not None:
        check_positive("burnout_speed_mps", burnout_speed_mps)
        need = minimum_energy_speed_mps(range_km, burnout_altitude_km)
        if burnout_speed_mps < need:
            raise InfeasibleThreat(
                "range_km",
                f"is beyond what burnout_speed_mps = {burnout_speed_mps:g} reaches; the "
                f"minimum-energy trajectory needs {need:.0f} m/s",
                range_km,
            )
        check_boost("burn_time_s", burn_time_s, burnout_speed_mps, burnout_altitude_km * 1e3)


def check_boost(
    field: str, burn_time_s: float, burnout_speed_mps: float, burnout_altitude_m: float
) -> None:
    """A boost of constant acceleration covers v·T/2; it must at least climb to burnout height."""
    if burn_time_s > 0.0 and 0.5 * burnout_speed_mps * burn_time_s <= burnout_altitude_m:
        raise InfeasibleThreat(
            field,
            f"is too short to climb {burnout_altitude_m / 1e3:g} km at a mean speed of "
            f"{0.5 * burnout_speed_mps:.0f} m/s (constant-acceleration boost)",
            burn_time_s,
        )


def check_glide(
    range_km: float,
    *,
    glide_speed_mps: float,
    glide_altitude_km: float,
    lift_to_drag: float,
    burn_time_s: float,
    boost_range_km: float | None = None,
    boost_apogee_km: float | None = None,
    min_glide_speed_mps: float = 1000.0,
    dive_angle_deg: float = 45.0,
) -> None:
    """Refuse glide parameters the equilibrium-glide model cannot fly."""
    check_positive("range_km", range_km)
    check_positive("glide_speed_mps", glide_speed_mps)
    check_positive("glide_altitude_km", glide_altitude_km)
    check_positive("lift_to_drag", lift_to_drag)
    check_positive("burn_time_s", burn_time_s)
    if not 0.0 < dive_angle_deg < 90.0:
        raise InfeasibleThreat(
            "dive_angle_deg", "must lie strictly between 0 and 90", dive_angle_deg
        )
    if boost_apogee_km is not None and boost_apogee_km < glide_altitude_km:
        raise InfeasibleThreat(
            "boost_apogee_km",
            f"is below the glide start at glide_altitude_km = {glide_altitude_km:g}",
            boost_apogee_km,
        )
    r = EARTH_MEAN_RADIUS + glide_altitude_km * 1e3
    v_circ = float(np.sqrt(MU_EARTH / r))
    if glide_speed_mps >= v_circ:
        raise InfeasibleThreat(
            "glide_speed_mps", f"must be below the circular speed {v_circ:.0f} m/s", glide_speed_mps
        )
    if glide_speed_mps <= min_glide_speed_mps:
        raise InfeasibleThreat(
            "glide_speed_mps",
            f"must exceed the end-of-glide speed {min_glide_speed_mps:g} m/s",
            glide_speed_mps,
        )
    boost_m = (
        0.5 * glide_speed_mps * burn_time_s if boost_range_km is None else boost_range_km * 1e3
    )
    if boost_range_km is not None:
        check_positive("boost_range_km", boost_range_km)
    check_boost("burn_time_s", burn_time_s, glide_speed_mps, glide_altitude_km * 1e3)
    dive_m = 2.0 * glide_altitude_km * 1e3 / np.tan(np.radians(dive_angle_deg))
    need = range_km * 1e3 - boost_m - dive_m
    if need <= 0.0:
        raise InfeasibleThreat(
            "range_km", "is shorter than the boost and the terminal dive", range_km
        )
    reach = equilibrium_glide_range_m(glide_speed_mps, min_glide_speed_mps, lift_to_drag, r)
    if need > reach:
        raise InfeasibleThreat(
            "range_km",
            f"needs a {need / 1e3:.0f} km glide but lift_to_drag = {lift_to_drag:g} from "
            f"{glide_speed_mps:g} m/s reaches {reach / 1e3:.0f} km",
            range_km,
        )


def equilibrium_glide_range_m(
    v_start: npt.ArrayLike,
    v_end: npt.ArrayLike,
    lift_to_drag: npt.ArrayLike,
    radius_m: npt.ArrayLike,
    surface_radius_m: float = EARTH_MEAN_RADIUS,
) -> npt.NDArray[np.float64]:
    """Ground range (m) of an equilibrium glide from v_start to v_end at radius r.

    R = (L/D)/2 · R_E · ln[(1 - v_end²/v_c²)/(1 - v_start²/v_c²)], v_c² = mu/r (the
    Eggers-Allen-Neice glide range, NACA TR 1382, 1958; derivation in docs/kinematics.md).
    """
    v0, v1, ld, r = (np.asarray(x, dtype=float) for x in (v_start, v_end, lift_to_drag, radius_m))
    vc2 = MU_EARTH / r
    return 0.5 * ld * surface_radius_m * np.log((1.0 - v1 * v1 / vc2) / (1.0 - v0 * v0 / vc2))


def check_cruise(
    waypoints_deg: Sequence[Sequence[float]] | npt.ArrayLike,
    *,
    speed_mps: float,
    altitude_m: float,
    terminal_range_m: float = 0.0,
    climb_range_m: float = 0.0,
) -> float:
    """Refuse a cruise route the model cannot fly; return its geodesic length (m)."""
    pts = np.asarray(waypoints_deg, dtype=float)
    if pts.ndim != 2 or pts.shape[1] != 2 or pts.shape[0] < 2:
        raise InfeasibleThreat(
            "waypoints",
            "needs at least two [lat_deg, lon_deg] points (launch and target)",
            None if pts.ndim != 2 else f"{pts.shape[0]} point(s)",
        )
    if np.any(np.abs(pts[:, 0]) > 90.0) or not np.all(np.isfinite(pts)):
        raise InfeasibleThreat("waypoints", "latitudes must lie within [-90, 90] degrees", None)
    check_positive("speed_mps", speed_mps)
    check_non_negative("altitude_m", altitude_m)
    check_non_negative("terminal_range_m", terminal_range_m)
    check_non_negative("climb_range_m", climb_range_m)
    legs, _, _ = geodesic_inverse_deg(pts[:-1, 0], pts[:-1, 1], pts[1:, 0], pts[1:, 1])
    if np.any(legs <= 0.0):
        raise InfeasibleThreat("waypoints", "consecutive waypoints must be distinct", None)
    total = float(np.sum(legs))
    if terminal_range_m + climb_range_m > total:
        raise InfeasibleThreat(
            "terminal_range_m",
            f"plus climb_range_m exceeds the route length {total / 1e3:.1f} km",
            terminal_range_m,
        )
    return total


def check_cep(cep_m: float) -> float:
    """CEP must be a finite non-negative distance in metres."""
    return check_non_negative("cep_m", cep_m)


def _finite(value: object) -> bool:
    try:
        return bool(np.isfinite(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
