"""Threat kinds at load time: a trajectory that cannot exist is refused with the field named
(issue 3), never discovered mid-run."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from conftest import one_layer_scenario, write_scenario

from kamae.errors import ScenarioError, ScenarioErrors
from kamae.world import load_world, validate_scenario


def _errors(path: Path) -> list[ScenarioError]:
    with pytest.raises((ScenarioError, ScenarioErrors)) as info:
        validate_scenario(str(path))
    exc = info.value
    return exc.errors if isinstance(exc, ScenarioErrors) else [exc]


def _with(tmp_path: Path, threat: dict | None = None, **raid: object) -> Path:
    doc = copy.deepcopy(one_layer_scenario(count=1))
    if threat is not None:
        entry = {"threat_class": "mrbm", "max_range_km": 3000, "rcs_m2": 0.1,
                 "source": "test", "notional": True, **threat}  # fmt: skip
        doc["catalog"]["threats"] = {"t": entry}
        doc["raids"][0]["threat"] = "t"
        doc["catalog"]["interceptors"]["test-upper"]["sspk"].update(cruise=0.5, hgv=0.5)
    doc["raids"][0].update(raid)
    return write_scenario(tmp_path, doc)


GLIDE = {"kind": "glide", "burn_time_s": 80, "glide_speed_mps": 4500, "glide_altitude_km": 60,
         "lift_to_drag": 2.5}  # fmt: skip
CRUISE = {"kind": "cruise", "speed_mps": 220, "altitude_m": 50, "threat_class": "cruise"}


@pytest.mark.parametrize(
    ("threat", "raid", "field", "words"),
    [
        ({**GLIDE, "lift_to_drag": None}, {}, "catalog.threats.t", "lift_to_drag is required"),
        ({"kind": "ballistic", "speed_mps": 300}, {}, "catalog.threats.t",
         "speed_mps does not apply to kind ballistic"),
        ({**GLIDE, "lift_to_drag": 0.5}, {}, "raids[0].launch", "needs a"),
        ({**GLIDE, "glide_speed_mps": 8500}, {}, "catalog.threats.t.glide_speed_mps", "8000"),
        ({"kind": "ballistic"}, {"waypoints": [{"lat_deg": 38, "lon_deg": 134}]},
         "raids[0].waypoints", "only cruise raids take waypoints"),
        ({**CRUISE, "max_range_km": 1400},
         {"waypoints": [{"lat_deg": 45, "lon_deg": 150}]}, "raids[0].waypoints",
         "beyond the type's max_range_km"),
        ({"kind": "quasi_ballistic", "burn_time_s": 60, "burnout_altitude_km": 25,
          "apogee_km": 50, "pullup_altitude_km": 60, "pullup_range_km": 60}, {},
         "raids[0].threat", "pullup_altitude_km must be below apogee_km"),
        ({"kind": "ballistic", "burnout_altitude_km": 80, "burn_time_s": 0}, {},
         "raids[0].threat", "burn_time_s must be positive"),
        ({"kind": "ballistic", "burnout_altitude_km": 200, "burn_time_s": 60},
         {"apogee_km": 150}, "raids[0].apogee_km", "burnout_altitude_km"),
        # A long boost to 60 km cannot fit a 150 km shot (the slow burnout speed of so short
        # a range cannot climb that high): refused at load, not when the world is built.
        ({"kind": "ballistic", "burnout_altitude_km": 60, "burn_time_s": 80}, {"launch":
          {"lat_deg": 36.9, "lon_deg": 139.77}}, "raids[0].threat", "burn_time_s"),
    ],
)  # fmt: skip
def test_an_impossible_trajectory_is_one_line_naming_the_field(
    tmp_path: Path, threat: dict, raid: dict, field: str, words: str
) -> None:
    threat = {k: v for k, v in threat.items() if v is not None}
    (err,) = _errors(_with(tmp_path, threat, **raid))
    assert err.field == field, str(err)
    assert words in str(err), str(err)
    assert "\n" not in str(err) and str(err).startswith(str(tmp_path))


def test_every_kind_loads_and_flies(tmp_path: Path) -> None:
    for i, threat in enumerate(
        [{"kind": "ballistic", "burn_time_s": 100, "burnout_altitude_km": 80,
          "ballistic_coefficient_kg_m2": 5000, "cep_m": 500},
         {**GLIDE},
         {**CRUISE, "terminal_range_km": 10, "terminal_mode": "popup", "popup_altitude_m": 1500}]
    ):  # fmt: skip
        folder = tmp_path / str(i)
        folder.mkdir()
        world = load_world(_with(folder, threat))
        assert world.trajectory.count == 1
        assert world.trajectory.impact_time[0] > world.trajectory.launch_time[0]
        # The grid ends one step after the last impact.
        assert world.times[-1] >= world.trajectory.impact_time[0]
        assert world.times[-1] - world.trajectory.impact_time[0] <= 2 * world.dt


@pytest.mark.parametrize(
    ("threat", "raid"),
    [
        ({"kind": "ballistic", "burnout_altitude_km": 60, "burn_time_s": 80},
         {"launch": {"lat_deg": 36.9, "lon_deg": 139.77}}),
        ({**GLIDE, "lift_to_drag": 0.5}, {}),
        ({"kind": "ballistic", "burnout_altitude_km": 200, "burn_time_s": 60},
         {"apogee_km": 150}),
    ],
)  # fmt: skip
def test_building_the_world_refuses_as_validate_does(
    tmp_path: Path, threat: dict, raid: dict
) -> None:
    """Every path that builds a world refuses an infeasible raid with validate's message,
    also where only the generator (the full flight) finds the problem."""
    path = _with(tmp_path, threat, **raid)
    expected = [str(e) for e in _errors(path)]
    with pytest.raises(ScenarioErrors) as info:
        load_world(str(path))
    assert [str(e) for e in info.value.errors] == expected
