"""Load-time feasibility of a raid: can its threat type fly it at the raid's actual range?

Wraps the checks of `kamae.kinematics.feasibility` with the scenario's catalog entry and the
raid's route; a failure raises `InfeasibleThreat` naming the field, which the loader turns into
a one-line error with file, line and field path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.geo import geodesic_inverse_deg
from kamae.kinematics.feasibility import (
    InfeasibleThreat,
    check_ballistic,
    check_cruise,
    check_glide,
)
from kamae.kinematics.range_equation import ballistic_calculator
from kamae.scenario.model import ThreatType

FloatArray = npt.NDArray[np.float64]

QUASI_DIVE_DEG = 60.0
"""Quasi-ballistic terminal dive angle when the type gives none (docs/kinematics.md)."""
GLIDE_DIVE_DEG = 45.0
"""Glide terminal dive angle when the type gives none."""


@dataclass(frozen=True)
class RaidFlight:
    """What one raid's missiles fly: its type, route (lat, lon degrees) and launch times."""

    threat: ThreatType
    route_deg: FloatArray
    """(W, 2): launch, turn points (cruise), aim."""
    launch_time_s: FloatArray
    """(M,) one per missile."""
    apogee_km: float | None = None
    """Raid override of the type's apogee (ballistic, quasi-ballistic)."""


def raid_apogee_km(flight: RaidFlight) -> float | None:
    """The raid's apogee override, else its type's (None: minimum energy)."""
    return flight.apogee_km if flight.apogee_km is not None else flight.threat.apogee_km


def check_raid_flight(flight: RaidFlight, range_km: float) -> None:
    """Refuse a raid its type cannot fly at this range; raises `InfeasibleThreat`."""
    t = flight.threat
    if range_km > t.max_range_km:
        raise InfeasibleThreat(
            "range_km",
            f"the target is {range_km:.0f} km away, beyond the type's max_range_km = "
            f"{t.max_range_km:g}",
            round(range_km, 1),
        )
    if t.kind in ("ballistic", "quasi_ballistic"):
        check_ballistic(
            range_km,
            apogee_km=raid_apogee_km(flight),
            burnout_angle_deg=t.burnout_angle_deg,
            burnout_altitude_km=t.burnout_altitude_km or 0.0,
            burn_time_s=t.burn_time_s or 0.0,
        )
        if t.kind == "quasi_ballistic":
            assert t.pullup_range_km is not None and t.pullup_altitude_km is not None
            apogee = raid_apogee_km(flight)
            assert apogee is not None
            if t.pullup_range_km >= range_km:
                raise InfeasibleThreat(
                    "pullup_range_km", f"must be shorter than the {range_km:.0f} km range"
                )
            if t.pullup_altitude_km >= apogee:
                raise InfeasibleThreat(
                    "pullup_altitude_km", f"must be below apogee_km = {apogee:g}"
                )
    elif t.kind == "glide":
        assert t.glide_speed_mps and t.glide_altitude_km and t.lift_to_drag
        check_glide(
            range_km,
            glide_speed_mps=t.glide_speed_mps,
            glide_altitude_km=t.glide_altitude_km,
            lift_to_drag=t.lift_to_drag,
            burn_time_s=t.burn_time_s or 0.0,
            boost_range_km=t.boost_range_km,
            dive_angle_deg=t.dive_angle_deg or GLIDE_DIVE_DEG,
        )
    else:
        assert t.speed_mps and t.altitude_m
        length = check_cruise(
            flight.route_deg,
            speed_mps=t.speed_mps,
            altitude_m=t.altitude_m,
            terminal_range_m=(t.terminal_range_km or 0.0) * 1e3,
            climb_range_m=(t.climb_range_km or 0.0) * 1e3,
        )
        if length / 1e3 > t.max_range_km:
            raise InfeasibleThreat(
                "waypoints",
                f"make a route of {length / 1e3:.0f} km, beyond the type's max_range_km = "
                f"{t.max_range_km:g}",
            )


def _ground_range_km(route_deg: FloatArray) -> float:
    legs, _, _ = geodesic_inverse_deg(
        route_deg[:-1, 0], route_deg[:-1, 1], route_deg[1:, 0], route_deg[1:, 1]
    )
    return float(np.sum(legs)) / 1e3


def flight_time_bound_s(flight: RaidFlight, margin_s: float = 600.0) -> float:
    """One missile's flight time plus `margin_s`: with the margin, an upper bound that sizes
    the common time grid; without it, an estimate of the nominal flight time (free flight
    from the range equation plus the boost; a glide at 900 m/s; a cruise route at its speed,
    plus 10 %)."""
    t = flight.threat
    range_km = _ground_range_km(flight.route_deg)
    margin = margin_s
    if t.kind in ("ballistic", "quasi_ballistic"):
        free = ballistic_calculator(
            range_km,
            apogee_km=raid_apogee_km(flight),
            burnout_angle_deg=t.burnout_angle_deg,
            burnout_altitude_km=min(t.burnout_altitude_km or 0.0, (raid_apogee_km(flight) or 1e9)),
        ).flight_time_s
        return float(free + (t.burn_time_s or 0.0) + margin)
    if t.kind == "glide":
        return float((t.burn_time_s or 0.0) + range_km * 1e3 / 900.0 + margin)
    assert t.speed_mps is not None
    return float((t.boost_time_s or 0.0) + 1.1 * range_km * 1e3 / t.speed_mps + margin)
