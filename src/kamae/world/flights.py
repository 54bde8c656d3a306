"""Threat flights of a scenario: each raid's missiles flown with its threat type's model.

The glue between the scenario's raids and threat catalog and the batched trajectory
generators of `kamae.kinematics`: each raid becomes a `RaidFlight` (its type's SI flight
record, with the raid's own apogee where it sets one, its route and its missiles' launch
times), flown by its kind's generator on one common time grid, long enough for the slowest
flight, then trimmed to the last impact.

Neglected here as in the kinematics models (docs/kinematics.md): Earth rotation, J2, winds;
reentry drag only for ballistic types with a `ballistic_coefficient_kg_m2`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from kamae.arrays import FloatArray
from kamae.errors import InfeasibleThreat
from kamae.kinematics.cruise import route_length_m
from kamae.kinematics.threats import BallisticFlight, QuasiBallisticFlight, ThreatFlight
from kamae.kinematics.time_on_target import solve_launch_times
from kamae.kinematics.trajectory import Trajectory, concatenate
from kamae.scenario.loader import LoadedScenario
from kamae.scenario.model import Asset, FireUnit, Point, Raid, Scenario, Sensor
from kamae.world.si import KM, threat_flight

GRID_MARGIN_S = 600.0
"""Added to the nominal flight time when sizing the common time grid (a bound, not a guess)."""


@dataclass(frozen=True)
class RaidFlight:
    """What one raid's missiles fly: their type's flight, the route and their launch times."""

    flight: ThreatFlight
    """The threat type's SI flight record, with the raid's apogee where it sets one."""
    route_deg: FloatArray
    """(W, 2) latitude, longitude, degrees: launch, turn points (cruise), aim."""
    launch_time_s: FloatArray
    """(M,) one per missile."""

    @property
    def range_m(self) -> float:
        """Ground length of the route along its geodesic legs, m."""
        return route_length_m(self.route_deg)

    def nominal_flight_time_s(self) -> float:
        """One missile's flight time, estimated by its kind (`nominal_flight_time_s`)."""
        return self.flight.nominal_flight_time_s(self.range_m)

    def fly(self, times: FloatArray) -> Trajectory:
        """The raid's missiles on the time grid."""
        return self.flight.fly(self.route_deg, self.launch_time_s, times)


def aim_points(s: Scenario) -> dict[str, Asset | Sensor | FireUnit]:
    """What a raid's `target` may name, by id: assets first, then sensors, then fire units."""
    out: dict[str, Asset | Sensor | FireUnit] = {u.id: u for u in s.fire_units}
    out.update({x.id: x for x in s.sensors})
    out.update({a.id: a for a in s.assets})
    return out


def raid_route_deg(raid: Raid, aim: Point | Asset | Sensor | FireUnit) -> FloatArray:
    """(W, 2) latitude, longitude (degrees) of a raid's route: launch, turn points, aim."""
    route = [(raid.launch.lat_deg, raid.launch.lon_deg)]
    route += [(w.lat_deg, w.lon_deg) for w in raid.waypoints]
    route.append((aim.lat_deg, aim.lon_deg))
    return np.array(route, dtype=float)


def raid_flights(loaded: LoadedScenario) -> list[RaidFlight]:
    """Every raid of the scenario as a flight, in raid order."""
    s = loaded.scenario
    targets = aim_points(s)
    flights = []
    for raid in s.raids:
        aim = targets[raid.target] if raid.target is not None else raid.aim
        assert aim is not None  # the schema asks for exactly one of target and aim
        flight = threat_flight(loaded.threats[raid.threat])
        if raid.apogee_km is not None:
            # The schema lets only ballistic and quasi-ballistic raids set an apogee.
            assert isinstance(flight, BallisticFlight | QuasiBallisticFlight)
            flight = flight.with_apogee(raid.apogee_km * KM)
        route = raid_route_deg(raid, aim)
        spacing = raid.interval_s * np.arange(raid.count, dtype=np.float64)
        if raid.impact_time_s is not None:
            launch = time_on_target(flight, route, raid.impact_time_s + spacing)
        else:
            assert raid.launch_time_s is not None  # the schema asks for one of the two
            launch = raid.launch_time_s + spacing
        flights.append(RaidFlight(flight=flight, route_deg=route, launch_time_s=np.asarray(launch)))
    return flights


def time_on_target(
    flight: ThreatFlight, route_deg: FloatArray, impacts_s: FloatArray
) -> FloatArray:
    """Launch times whose flown impacts fall at `impacts_s` (`kinematics.time_on_target`);
    each trial flies the missiles on a coarse grid long enough for them."""
    span = flight.nominal_flight_time_s(route_length_m(route_deg)) + GRID_MARGIN_S

    def impact_time(launch: FloatArray) -> FloatArray:
        grid = np.arange(float(launch.min()), float(launch.max()) + span + 10.0, 10.0)
        return flight.fly(route_deg, launch, grid).impact_time

    try:
        return solve_launch_times(impact_time, impacts_s)
    except InfeasibleThreat:  # the checks name the raid's problem; keep the estimate here
        return impacts_s - span + GRID_MARGIN_S


def scenario_end_s(loaded: LoadedScenario) -> float:
    """The scenario's time span ends at the last impact: each raid's last launch plus its
    nominal flight time."""
    ends = [float(f.launch_time_s.max()) + f.nominal_flight_time_s() for f in raid_flights(loaded)]
    return max(ends, default=float("inf"))


def fly_raids(flights: Sequence[RaidFlight], dt: float) -> Trajectory:
    """All raids' missiles (in raid order) on one grid 0, dt, ... up to the last impact + dt."""
    end = max(
        float(f.launch_time_s.max()) + (f.nominal_flight_time_s() + GRID_MARGIN_S) for f in flights
    )
    provisional = np.arange(0.0, end + dt, dt)
    trajectory = concatenate([f.fly(provisional) for f in flights])
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
