"""Time-on-target coordination: launch times solved so that a salvo's impacts coincide.

Every threat kind (ballistic with drag, quasi-ballistic, glide, cruise with a dog-leg) is
given a first impact time instead of a launch time; the world flies them with the same
generators the engine uses, so the flown impact times are the test: each within
`TOT_TOLERANCE_S` of its target, and a salvo's spread (interval 0) within it too.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from kamae.errors import ScenarioErrors
from kamae.kinematics.time_on_target import TOT_TOLERANCE_S, solve_launch_times
from kamae.scenario import load_scenario_text
from kamae.scenario.loader import resolve_scenario_path
from kamae.world import build_world

IMPACT_S = 4000.0


def _mixed_tot(interval_s: float) -> dict:
    doc = yaml.safe_load(resolve_scenario_path("japan-2027-mixed").read_text())
    for raid in doc["raids"]:
        raid.pop("launch_time_s")
        raid["impact_time_s"] = IMPACT_S
        raid["interval_s"] = interval_s
    return doc


@pytest.mark.parametrize("interval_s", [0.0, 3.0])
def test_every_kind_lands_on_time(interval_s: float) -> None:
    doc = _mixed_tot(interval_s)
    world = build_world(load_scenario_text(yaml.safe_dump(doc).encode(), "tot.yaml"))
    impact = world.trajectory.impact_time
    start = 0
    kinds = set()
    for raid in doc["raids"]:
        rows = slice(start, start + raid["count"])
        start += raid["count"]
        kinds.add(world.threat_kind[rows.start])
        target = IMPACT_S + interval_s * np.arange(raid["count"])
        np.testing.assert_allclose(impact[rows], target, atol=TOT_TOLERANCE_S, rtol=0)
        assert np.all(world.trajectory.launch_time[rows] >= 0.0)
    assert kinds == {"ballistic", "quasi_ballistic", "glide", "cruise"}
    if interval_s == 0.0:
        # The whole raid of 20 missiles of four kinds from three launch areas: one salvo.
        assert np.ptp(impact[: world.warheads]) <= TOT_TOLERANCE_S


def test_solver_iterates_when_flight_time_depends_on_launch() -> None:
    # A flight time that grows with the launch time (as Earth rotation would make it).
    def impact(launch: np.ndarray) -> np.ndarray:
        return launch + 600.0 + 0.01 * launch

    launch = solve_launch_times(impact, np.array([1000.0, 2000.0]))
    np.testing.assert_allclose(impact(launch), [1000.0, 2000.0], atol=TOT_TOLERANCE_S)


def test_an_impact_before_the_flight_can_end_is_refused() -> None:
    doc = _mixed_tot(0.0)
    bad = copy.deepcopy(doc)
    bad["raids"][0]["impact_time_s"] = 100.0
    with pytest.raises(ScenarioErrors, match=r"raids\[0\]\.impact_time_s.*too early"):
        build_world(load_scenario_text(yaml.safe_dump(bad).encode(), "tot.yaml"))
    both = copy.deepcopy(doc)
    both["raids"][0]["launch_time_s"] = 0.0
    with pytest.raises(ScenarioErrors, match="exactly one of launch_time_s and impact_time_s"):
        load_scenario_text(yaml.safe_dump(both).encode(), "tot.yaml")
