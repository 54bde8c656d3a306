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

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from kamae.errors import InfeasibleThreat, ScenarioErrors
from kamae.geo import geodesic_inverse_deg
from kamae.network import Network
from kamae.scenario.base import Problem
from kamae.scenario.loader import LoadedScenario, load_scenario
from kamae.scenario.model import Raid, ThreatType
from kamae.world.flights import RaidFlight, raid_flights, scenario_end_s
from kamae.world.network import scenario_network, unreachable_remote_units
from kamae.world.si import KM

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
    refuse(loaded, raid_problems(loaded))
    refuse(loaded, network_problems(loaded))


def refuse(loaded: LoadedScenario, problems: list[Problem]) -> None:
    """Raise the problems as `ScenarioErrors` naming the file's lines; return if none."""
    if problems:
        raise ScenarioErrors([loaded.error(p) for p in problems])


def raid_problems(loaded: LoadedScenario, *, trial_flights: bool = True) -> list[Problem]:
    """Raids their threat types cannot fly; empty when every raid can be flown. Without
    `trial_flights`, only what the models' checks tell (the caller flies the raids and
    calls this again with them if a generator refuses one)."""
    problems: list[Problem] = []
    raids = loaded.scenario.raids
    for i, (raid, flight) in enumerate(zip(raids, raid_flights(loaded), strict=True)):
        problem = raid_flight_problem(raid, loaded.threats[raid.threat], flight, trial_flights)
        if problem is not None:
            field, text = problem
            problems.append((("raids", i, field), text, None))
    return problems


def raid_flight_problem(
    raid: Raid, ttype: ThreatType, flight: RaidFlight, trial_flight: bool = True
) -> tuple[str, str] | None:
    """Whether the raid's threat type can fly it: None, or (field of the raid, problem)."""
    route = flight.route_deg
    dist, _, _ = geodesic_inverse_deg(route[0, 0], route[0, 1], route[-1, 0], route[-1, 1])
    km = float(dist) / KM
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
    try:
        flight.flight.check(route, float(dist))
        length = flight.range_m
        if length / KM > ttype.max_range_km:
            raise InfeasibleThreat(
                "waypoints",
                f"make a route of {length / KM:.0f} km, beyond the type's max_range_km = "
                f"{ttype.max_range_km:g}",
            )
        # A trial flight of one missile: the generators' own checks (e.g. a boost too short
        # to climb to its burnout height at this range) refuse the raid here, not mid-run.
        if trial_flight:
            flight.flight.fly(route, np.zeros(1), np.zeros(1))
    except InfeasibleThreat as exc:
        return _in_scenario_terms(exc, raid, ttype)
    first = float(flight.launch_time_s.min())
    if raid.impact_time_s is not None and first < 0.0:
        flown = raid.impact_time_s - first
        return "impact_time_s", (
            f"too early: its missiles fly {flown:.0f} s, so the first impact can come no "
            f"earlier than {flown:.0f} s after the start"
        )
    return None


def _in_scenario_terms(exc: InfeasibleThreat, raid: Raid, ttype: ThreatType) -> tuple[str, str]:
    """A kinematic model's refusal (SI) said in the scenario's fields and units."""

    def rename(name: str, value: float) -> tuple[str, float]:
        return scenario_name(name, type(ttype).model_fields, value)

    field, value = rename(exc.field, float("nan"))
    problem = exc.describe(rename)
    shown = exc.value
    if isinstance(shown, int | float):
        shown = rename(exc.field, float(shown))[1]
    got = f" (got {shown!r})" if shown is not None else ""
    if field == "range_km":
        return "launch", f"{raid.threat} cannot fly this raid: {problem}{got}"
    if field == "waypoints":
        return "waypoints", f"{problem}{got}"
    if field == "apogee_km" and raid.apogee_km is not None:
        return "apogee_km", f"{problem}{got}"
    return "threat", f"{raid.threat}.{field} {problem}{got} for this raid"


def scenario_name(name: str, fields: Mapping[str, object], value: float) -> tuple[str, float]:
    """An SI parameter's name and value in the scenario file's terms: `x_m` is `x_km` (and
    the value in km) unless the file's model declares `x_m`, `x_rad` is `x_deg`."""
    if name in fields:
        return name, value
    stem, _, unit = name.rpartition("_")
    if unit == "m" and (f"{stem}_km" in fields or stem == "range"):
        return f"{stem}_km", value / KM
    if unit == "rad":
        return f"{stem}_deg", math.degrees(value)
    return name, value


def network_problems(loaded: LoadedScenario, network: Network | None = None) -> list[Problem]:
    """Network events outside the scenario's time span; if none, fire units in a remote
    engagement mode that no remote sensor's tracks can reach (in `network`, the scenario's
    network if built already)."""
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
    network = scenario_network(s) if network is None else network
    assert network is not None
    return unreachable_remote_units(s, network)
