"""Battle-manager doctrine in the engine: reserve, target-speed limit, prediction error,
speed profiles, and the bad inputs they bring."""

from __future__ import annotations

import copy

import pytest
import yaml
from conftest import one_layer_scenario

from kamae.errors import ScenarioErrors
from kamae.runs import run_scenario
from kamae.scenario import load_scenario_text


def _run(doc: dict, replications: int = 16):
    loaded = load_scenario_text(yaml.safe_dump(doc).encode(), "test.yaml")
    return run_scenario(loaded, replications=replications, out=None).result


def _interceptor(doc: dict) -> dict:
    return doc["catalog"]["interceptors"]["test-upper"]


def test_reserve_is_never_fired() -> None:
    doc = one_layer_scenario(count=20, shots=2)
    doc["fire_units"][0]["inventory"] = 10
    doc["doctrine"]["reserve_fraction"] = 0.5
    fired = _run(doc).replications.column("interceptors_fired").to_pylist()
    assert max(fired) == 5 and min(fired) >= 4  # 5 usable rounds: two salvos and one single


def test_target_faster_than_the_interceptor_can_engage() -> None:
    doc = one_layer_scenario(count=4)
    _interceptor(doc)["max_target_speed_mps"] = 1000.0  # an MRBM flies at ~3 km/s
    table = _run(doc, 4).replications
    assert sum(table.column("interceptors_fired").to_pylist()) == 0
    assert sum(table.column("threats_leaked").to_pylist()) == 16


def test_prediction_error_degrades_kill_probability() -> None:
    doc = one_layer_scenario(count=10, shots=1, sspk=0.9)
    small = copy.deepcopy(doc)
    _interceptor(small)["handover_basket_km"] = 0.001  # far below any track error
    events = _run(small, 8).events
    launches = [d for k, d in zip(events.column("kind").to_pylist(),
                                  events.column("detail").to_pylist(), strict=True)
                if k == "launch"]  # fmt: skip
    assert launches and all(float(d.split("pk=")[1].split()[0]) < 1e-6 for d in launches)
    large = copy.deepcopy(doc)
    _interceptor(large)["handover_basket_km"] = 500.0  # far above any track error
    events = _run(large, 8).events
    pks = [float(d.split("pk=")[1].split()[0]) for k, d in zip(events.column("kind").to_pylist(),
           events.column("detail").to_pylist(), strict=True) if k == "launch"]  # fmt: skip
    assert pks and all(p == pytest.approx(0.9, abs=1e-6) for p in pks)


def test_speed_profile_is_accepted_and_engages() -> None:
    doc = one_layer_scenario(count=4)
    spec = _interceptor(doc)
    del spec["mean_speed_mps"]
    spec.update(burnout_speed_mps=4500.0, burn_time_s=30.0)
    fired = _run(doc, 4).replications.column("interceptors_fired").to_pylist()
    assert all(f == 8 for f in fired)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"burn_time_s": 30.0}, "give both burnout_speed_mps and burn_time_s"),
        ({"burnout_speed_mps": 3000.0, "burn_time_s": 30.0}, "give either mean_speed_mps"),
    ],
)
def test_fly_out_model_must_be_one_or_the_other(change: dict, message: str) -> None:
    doc = one_layer_scenario()
    _interceptor(doc).update(change)
    with pytest.raises(ScenarioErrors) as info:
        load_scenario_text(yaml.safe_dump(doc).encode(), "test.yaml")
    (err,) = info.value.errors
    assert err.field == "catalog.interceptors.test-upper" and message in err.problem
