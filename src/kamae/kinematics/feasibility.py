"""Feasibility checks of threat parameters, in SI (m, s, rad): the one home of these checks.

Pure functions that raise `InfeasibleThreat` (a ValueError and a KamaeError) naming the
field, so that the world can refuse a scenario before it runs with the file's field path
(`kamae.world.checks` says the same in the scenario's units). The physics behind each check
is the model's own relation: the minimum-energy speed for a ballistic range (Bate, Mueller &
White 1971, section 5.2; `range_equation.minimum_energy_speed`), the circular speed and the
equilibrium-glide range for a glider (see `glide.py`), and geodesic lengths for cruise routes
(pyproj, Karney 2013).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray
from kamae.errors import InfeasibleThreat
from kamae.geo import EARTH_MEAN_RADIUS, geodesic_inverse_deg
from kamae.kinematics.kepler import MU_EARTH
from kamae.kinematics.range_equation import minimum_energy_speed

__all__ = [
    "END_OF_GLIDE_SPEED_MPS",
    "InfeasibleThreat",
    "check_ballistic",
    "check_boost",
    "check_cep",
    "check_cruise",
    "check_glide",
    "check_non_negative",
    "check_positive",
    "equilibrium_glide_range_m",
]

END_OF_GLIDE_SPEED_MPS = 1000.0
"""Speed at which a glide ends (the vehicle dives or stalls below it), m/s."""


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


def check_ballistic(
    range_m: float,
    *,
    burnout_speed_mps: float | None = None,
    apogee_m: float | None = None,
    burnout_angle_rad: float | None = None,
    burnout_altitude_m: float = 0.0,
    burn_time_s: float = 0.0,
) -> None:
    """Refuse ballistic parameters no trajectory can fly (range, speed, apogee, boost)."""
    check_positive("range_m", range_m)
    if range_m >= np.pi * EARTH_MEAN_RADIUS:
        raise InfeasibleThreat(
            "range_m", "must be less than half the Earth's circumference", range_m
        )
    check_non_negative("burnout_altitude_m", burnout_altitude_m)
    check_non_negative("burn_time_s", burn_time_s)
    if apogee_m is not None and burnout_angle_rad is not None:
        raise InfeasibleThreat(
            "apogee_m", "give {apogee_m} or {burnout_angle_rad}, not both", apogee_m
        )
    if apogee_m is not None and (not _finite(apogee_m) or apogee_m < burnout_altitude_m):
        raise InfeasibleThreat(
            "apogee_m",
            "must be at or above {burnout_altitude_m=}",
            apogee_m,
            burnout_altitude_m=burnout_altitude_m,
        )
    if burnout_angle_rad is not None and not (0.0 < burnout_angle_rad < 0.5 * np.pi):
        raise InfeasibleThreat(
            "burnout_angle_rad", "must lie strictly between 0 and 90 degrees", burnout_angle_rad
        )
    if burnout_altitude_m > 0.0 and burn_time_s <= 0.0:
        raise InfeasibleThreat(
            "burn_time_s", "must be positive when {burnout_altitude_m} > 0", burn_time_s
        )
    if burnout_speed_mps is not None:
        check_positive("burnout_speed_mps", burnout_speed_mps)
        r1 = EARTH_MEAN_RADIUS + burnout_altitude_m
        need = float(minimum_energy_speed(r1, EARTH_MEAN_RADIUS, range_m / EARTH_MEAN_RADIUS))
        if burnout_speed_mps < need:
            raise InfeasibleThreat(
                "range_m",
                "is beyond what {burnout_speed_mps=} reaches; the minimum-energy trajectory "
                f"needs {need:.0f} m/s",
                range_m,
                burnout_speed_mps=burnout_speed_mps,
            )
        check_boost("burn_time_s", burn_time_s, burnout_speed_mps, burnout_altitude_m)


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
    range_m: float,
    *,
    glide_speed_mps: float,
    glide_altitude_m: float,
    lift_to_drag: float,
    burn_time_s: float,
    dive_angle_rad: float,
    boost_range_m: float | None = None,
    boost_apogee_m: float | None = None,
    min_glide_speed_mps: float = END_OF_GLIDE_SPEED_MPS,
) -> None:
    """Refuse glide parameters the equilibrium-glide model cannot fly."""
    check_positive("range_m", range_m)
    check_positive("glide_speed_mps", glide_speed_mps)
    check_positive("glide_altitude_m", glide_altitude_m)
    check_positive("lift_to_drag", lift_to_drag)
    check_positive("burn_time_s", burn_time_s)
    if not 0.0 < dive_angle_rad < 0.5 * np.pi:
        raise InfeasibleThreat(
            "dive_angle_rad", "must lie strictly between 0 and 90 degrees", dive_angle_rad
        )
    if boost_apogee_m is not None and boost_apogee_m < glide_altitude_m:
        raise InfeasibleThreat(
            "boost_apogee_m",
            "is below the glide start at {glide_altitude_m=}",
            boost_apogee_m,
            glide_altitude_m=glide_altitude_m,
        )
    r = EARTH_MEAN_RADIUS + glide_altitude_m
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
    boost_m = 0.5 * glide_speed_mps * burn_time_s if boost_range_m is None else boost_range_m
    if boost_range_m is not None:
        check_positive("boost_range_m", boost_range_m)
    check_boost("burn_time_s", burn_time_s, glide_speed_mps, glide_altitude_m)
    dive_m = 2.0 * glide_altitude_m / np.tan(dive_angle_rad)
    need = range_m - boost_m - dive_m
    if need <= 0.0:
        raise InfeasibleThreat(
            "range_m", "is shorter than the boost and the terminal dive", range_m
        )
    reach = float(equilibrium_glide_range_m(glide_speed_mps, min_glide_speed_mps, lift_to_drag, r))
    if need > reach:
        raise InfeasibleThreat(
            "range_m",
            f"needs a {need / 1e3:.0f} km glide but {{lift_to_drag=}} from "
            f"{glide_speed_mps:g} m/s reaches {reach / 1e3:.0f} km",
            range_m,
            lift_to_drag=lift_to_drag,
        )


def equilibrium_glide_range_m(
    v_start: npt.ArrayLike,
    v_end: npt.ArrayLike,
    lift_to_drag: npt.ArrayLike,
    radius_m: npt.ArrayLike,
    surface_radius_m: float = EARTH_MEAN_RADIUS,
) -> FloatArray:
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
            f"plus {{climb_range_m}} exceeds the route length {total / 1e3:.1f} km",
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
