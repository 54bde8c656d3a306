"""Threat flights of a scenario: each raid's missiles flown with its threat type's model.

The glue between the scenario's threat catalog (analyst units, one entry per class) and the
batched trajectory generators of `kamae.kinematics` (SI, arrays). Each raid is flown by the
generator of its type's `kind` (ballistic, quasi_ballistic, glide, cruise) on one common time
grid, long enough for the slowest flight, then trimmed to the last impact. The load-time
feasibility of a raid (`check_raid_flight`, which flies one missile of it, so a raid that
passes is a raid that flies) is used by `kamae.world.checks`.

Neglected here as in the kinematics models (docs/kinematics.md): Earth rotation, J2, winds;
reentry drag only for ballistic types with a `ballistic_coefficient_kg_m2`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray
from kamae.geo import geodesic_inverse_deg, geodetic_to_ecef
from kamae.kinematics.ballistic import ballistic_trajectory
from kamae.kinematics.cruise import cruise_trajectory
from kamae.kinematics.feasibility import (
    InfeasibleThreat,
    check_ballistic,
    check_cruise,
    check_glide,
)
from kamae.kinematics.glide import glide_trajectory
from kamae.kinematics.quasi_ballistic import quasi_ballistic_trajectory
from kamae.kinematics.range_equation import ballistic_calculator
from kamae.kinematics.trajectory import Trajectory, concatenate
from kamae.scenario.loader import LoadedScenario
from kamae.scenario.model import Asset, Point, Raid, ThreatType

LEVEL_FLIGHT_KINDS = ("glide", "cruise")
"""Kinds whose aerodynamic lift holds them up: tracked and predicted as level flight."""

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
    # A trial flight of one missile: the generators' own checks (e.g. a boost too short to
    # climb to its burnout height at this range) then refuse the raid here, not mid-run.
    one = RaidFlight(t, flight.route_deg, np.zeros(1), flight.apogee_km)
    fly_raid(one, np.zeros(1))


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


def _ecef(points_deg: npt.ArrayLike) -> FloatArray:
    p = np.atleast_2d(np.asarray(points_deg, dtype=float))
    return geodetic_to_ecef(np.radians(p[:, 0]), np.radians(p[:, 1]), 0.0)


def fly_raid(flight: RaidFlight, times: FloatArray) -> Trajectory:
    """The raid's missiles on the time grid, flown by their type's model."""
    t = flight.threat
    m = flight.launch_time_s.size
    launch = np.repeat(_ecef(flight.route_deg[0]), m, axis=0)
    aim = np.repeat(_ecef(flight.route_deg[-1]), m, axis=0)
    apogee = raid_apogee_km(flight)
    if t.kind == "ballistic":
        return ballistic_trajectory(
            launch,
            aim,
            flight.launch_time_s,
            times,
            apogee_m=None if apogee is None else np.full(m, apogee * 1e3),
            burnout_angle_rad=(
                None if t.burnout_angle_deg is None else np.full(m, np.radians(t.burnout_angle_deg))
            ),
            burn_time_s=t.burn_time_s or 0.0,
            burnout_altitude_m=(t.burnout_altitude_km or 0.0) * 1e3,
            ballistic_coefficient_kg_m2=t.ballistic_coefficient_kg_m2,
        )
    if t.kind == "quasi_ballistic":
        assert apogee is not None and t.burn_time_s is not None
        assert t.burnout_altitude_km is not None
        assert t.pullup_altitude_km is not None and t.pullup_range_km is not None
        return quasi_ballistic_trajectory(
            launch,
            aim,
            flight.launch_time_s,
            times,
            apogee_m=apogee * 1e3,
            burn_time_s=t.burn_time_s,
            burnout_altitude_m=t.burnout_altitude_km * 1e3,
            pullup_altitude_m=t.pullup_altitude_km * 1e3,
            pullup_range_m=t.pullup_range_km * 1e3,
            dive_angle_deg=t.dive_angle_deg or QUASI_DIVE_DEG,
            terminal_speed_mps=t.terminal_speed_mps,
        )
    if t.kind == "glide":
        assert t.glide_speed_mps and t.glide_altitude_km and t.lift_to_drag
        return glide_trajectory(
            launch,
            aim,
            flight.launch_time_s,
            times,
            glide_speed_mps=t.glide_speed_mps,
            glide_altitude_m=t.glide_altitude_km * 1e3,
            lift_to_drag=t.lift_to_drag,
            burn_time_s=t.burn_time_s or 0.0,
            boost_range_m=None if t.boost_range_km is None else t.boost_range_km * 1e3,
            cross_range_m=(t.cross_range_km or 0.0) * 1e3,
            dive_angle_deg=t.dive_angle_deg or GLIDE_DIVE_DEG,
            terminal_speed_mps=t.terminal_speed_mps,
        )
    assert t.speed_mps is not None and t.altitude_m is not None
    return cruise_trajectory(
        [flight.route_deg] * m,
        flight.launch_time_s,
        times,
        speed_mps=t.speed_mps,
        altitude_m=t.altitude_m,
        terminal_range_m=(t.terminal_range_km or 0.0) * 1e3,
        terminal_mode=t.terminal_mode or "dive",
        popup_altitude_m=t.popup_altitude_m,
        climb_range_m=None if t.climb_range_km is None else t.climb_range_km * 1e3,
        boost_time_s=t.boost_time_s or 0.0,
    )


def fly_raids(flights: Sequence[RaidFlight], dt: float) -> Trajectory:
    """All raids' missiles (in raid order) on one grid 0, dt, ... up to the last impact + dt."""
    end = max(float(f.launch_time_s.max()) + flight_time_bound_s(f) for f in flights)
    provisional = np.arange(0.0, end + dt, dt)
    trajectory = concatenate([fly_raid(f, provisional) for f in flights])
    last = float(np.max(trajectory.impact_time)) + dt
    steps = np.arange(0.0, last + dt, dt).size
    if steps > provisional.size:  # the bound was not one: never silently cut a flight
        raise RuntimeError(f"flight time bound too short ({end:.0f} s < {last:.0f} s)")
    return _first_steps(trajectory, steps)


def _first_steps(trajectory: Trajectory, steps: int) -> Trajectory:
    return replace(
        trajectory,
        times=trajectory.times[:steps],
        position=trajectory.position[:, :steps],
        velocity=trajectory.velocity[:, :steps],
        altitude=trajectory.altitude[:, :steps],
        in_flight=trajectory.in_flight[:, :steps],
        phase=trajectory.phase[:, :steps],
    )


def raid_route_deg(raid: Raid, aim: Point | Asset) -> FloatArray:
    """(W, 2) latitude, longitude (degrees) of a raid's route: launch, turn points, aim."""
    route = [(raid.launch.lat_deg, raid.launch.lon_deg)]
    route += [(w.lat_deg, w.lon_deg) for w in raid.waypoints]
    route.append((aim.lat_deg, aim.lon_deg))
    return np.array(route, dtype=float)


def raid_flights(loaded: LoadedScenario) -> list[RaidFlight]:
    """Every raid of the scenario as a flight: its type, route and missiles' launch times."""
    s = loaded.scenario
    assets = {a.id: a for a in s.assets}
    flights = []
    for raid in s.raids:
        aim = assets[raid.target] if raid.target is not None else raid.aim
        assert aim is not None  # the schema asks for exactly one of target and aim
        flights.append(
            RaidFlight(
                threat=loaded.threats[raid.threat],
                route_deg=raid_route_deg(raid, aim),
                launch_time_s=raid.launch_time_s + raid.interval_s * np.arange(raid.count),
                apogee_km=raid.apogee_km,
            )
        )
    return flights


def scenario_end_s(loaded: LoadedScenario) -> float:
    """The scenario's time span ends at the last impact: each raid's last launch plus its
    nominal flight time (`flight_time_bound_s` without margin)."""
    ends = [
        float(f.launch_time_s.max()) + flight_time_bound_s(f, margin_s=0.0)
        for f in raid_flights(loaded)
    ]
    return max(ends, default=float("inf"))
