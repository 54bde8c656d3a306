"""The physical feasibility of a loaded scenario: what the schema cannot tell.

- Each raid: its target far enough and within its type's range, and a flight its type's
  kinematic model can fly at the raid's actual range and route (the checks of
  `kamae.kinematics.feasibility`, then a trial flight of one missile, so a raid that passes
  is a raid that flies).
- The network: every event inside the scenario's time span (up to the last impact), and
  every fire unit set to launch or engage on remote data able to receive some remote
  sensor's tracks at the start.

Problems are reported as the loader reports schema problems: one `ScenarioError` per
problem naming the file, the line and the field path (`ScenarioErrors` for all of them).
The network is checked only when every raid passes, as the loader cross-checks the network
only when the rest of the file is sound.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kamae.errors import ScenarioErrors
from kamae.geo import geodesic_inverse_deg
from kamae.kinematics.feasibility import InfeasibleThreat
from kamae.scenario.base import Problem
from kamae.scenario.loader import LoadedScenario, load_scenario
from kamae.scenario.model import Raid
from kamae.world.flights import RaidFlight, check_raid_flight, raid_flights, scenario_end_s
from kamae.world.network import scenario_network, unreachable_remote_units

MIN_RANGE_KM = {"cruise": 10.0}
"""Shortest raid a kind flies, km (others: `MIN_BALLISTIC_RANGE_KM`)."""
MIN_BALLISTIC_RANGE_KM = 50.0


def validate_scenario(name_or_path: str | Path) -> LoadedScenario:
    """Load a scenario and check it, schema then physics (what `kamae validate` does)."""
    loaded = load_scenario(name_or_path)
    check_world(loaded)
    return loaded


def check_world(loaded: LoadedScenario) -> None:
    """Raise `ScenarioErrors` naming every physical problem of the scenario; return if none."""
    problems = raid_problems(loaded)
    if not problems:
        problems = network_problems(loaded)
    if problems:
        raise ScenarioErrors([loaded.error(p) for p in problems])


def raid_problems(loaded: LoadedScenario) -> list[Problem]:
    """Raids their threat types cannot fly; empty when every raid can be flown."""
    problems: list[Problem] = []
    raids = loaded.scenario.raids
    for i, (raid, flight) in enumerate(zip(raids, raid_flights(loaded), strict=True)):
        problem = raid_flight_problem(raid, flight)
        if problem is not None:
            field, text = problem
            problems.append((("raids", i, field), text, None))
    return problems


def raid_flight_problem(raid: Raid, flight: RaidFlight) -> tuple[str, str] | None:
    """Whether the raid's threat type can fly it: None, or (field of the raid, problem)."""
    ttype = flight.threat
    route = flight.route_deg
    dist, _, _ = geodesic_inverse_deg(route[0, 0], route[0, 1], route[-1, 0], route[-1, 1])
    km = float(dist) / 1000.0
    minimum = MIN_RANGE_KM.get(ttype.kind, MIN_BALLISTIC_RANGE_KM)
    if km < minimum:
        return "launch", (
            f"target is {km:.1f} km away; {ttype.kind} raids need at least {minimum:.0f} km"
        )
    if km > ttype.max_range_km:
        return "launch", (
            f"target is {km:.0f} km away, beyond the {ttype.max_range_km:.0f} km range of "
            f"{raid.threat}"
        )
    one = RaidFlight(ttype, route, np.zeros(1), flight.apogee_km)
    try:
        check_raid_flight(one, km)
    except InfeasibleThreat as exc:
        got = f" (got {exc.value!r})" if exc.value is not None else ""
        if exc.field == "range_km":
            return "launch", f"{raid.threat} cannot fly this raid: {exc.problem}{got}"
        if exc.field == "waypoints":
            return "waypoints", f"{exc.problem}{got}"
        if exc.field == "apogee_km" and raid.apogee_km is not None:
            return "apogee_km", f"{exc.problem}{got}"
        return "threat", f"{raid.threat}.{exc.field} {exc.problem}{got} for this raid"
    return None


def network_problems(loaded: LoadedScenario) -> list[Problem]:
    """Network events outside the scenario's time span; if none, fire units in a remote
    engagement mode that no remote sensor's tracks can reach."""
    s = loaded.scenario
    net = s.network
    if net is None:
        return []
    problems: list[Problem] = []
    if net.events:
        last_impact = scenario_end_s(loaded)
        for i, event in enumerate(net.events):
            if event.start_s >= last_impact:
                problems.append(
                    (
                        ("network", "events", i, "start_s"),
                        f"event outside the scenario's time span [0, {last_impact:.0f}] s "
                        "(last impact)",
                        event.start_s,
                    )
                )
    if problems:
        return problems
    network = scenario_network(s)
    assert network is not None
    return unreachable_remote_units(s, network)
