"""Magazine-aware doctrine in the engine (issue 17): salvo sizes from the remaining stock, the
expected raid and the desired P(no leaker) (Wilkening's relation inverted per layer),
preferential defense, holding the upper tier, the dynamic WTA and launcher reloads; never
more rounds than the magazine holds; and, on constructed short-stock cases, fewer expected
leakers than the fixed salvo, paired with common random numbers (`kamae.compare`) and
checked against the closed-form expectation where one exists."""

from __future__ import annotations

import copy
import math
from collections import Counter

import pytest
import yaml
from conftest import one_layer_scenario, step_reasons

from kamae.compare import compare_scenarios
from kamae.results.statistics import wilson_interval
from kamae.runs import run_scenario
from kamae.scenario import load_scenario_text
from kamae.world import build_world


def _loaded(doc: dict, name: str = "test"):  # noqa: ANN202
    doc = dict(doc, name=name)
    return load_scenario_text(yaml.safe_dump(doc).encode(), f"{name}.yaml")


def _metric(comparison, name: str):  # noqa: ANN001, ANN202
    return next(m for m in comparison.metrics if m.metric == name)


def _short_stock(policy: str) -> dict:
    """Ten MRBMs, ten rounds, two-round salvos, no look: the fixed salvo engages five threats
    (each killed with 1 - 0.3^2 = 0.91) and lets five through; spread one round each, all ten
    are engaged (each killed with 0.7)."""
    doc = one_layer_scenario(count=10, shots=2, sspk=0.7, replications=200, seed=5)
    doc["fire_units"][0]["inventory"] = 10
    doc["doctrine"].update(salvo_policy=policy, desired_p_no_leak=0.9)
    return doc


@pytest.mark.slow  # 400 replications, ~40 s of CPU: in the slow run
def test_magazine_salvo_beats_the_fixed_salvo_when_stock_is_short() -> None:
    fixed, magazine = _loaded(_short_stock("fixed"), "fixed"), _loaded(_short_stock("magazine"))
    result = compare_scenarios(fixed, magazine, replications=200)
    leaked = _metric(result, "threats_leaked")
    # Closed form: 5·0.3² + 5 = 5.45 leakers against 10·0.3 = 3.0; difference -2.45.
    assert leaked.mean_a == pytest.approx(5.45, abs=0.25)
    assert leaked.mean_b == pytest.approx(3.0, abs=0.3)
    d = leaked.difference
    assert d.high < 0.0 and d.low <= -2.45 <= d.high  # paired interval: fewer, by the expected
    fired = _metric(result, "interceptors_fired")
    assert fired.mean_a == 10.0 and fired.mean_b == 10.0  # the same rounds, spread


@pytest.mark.slow  # 400 replications, ~30 s of CPU: in the slow run
def test_magazine_salvo_reaches_the_desired_p_no_leak_with_wilkening_shots() -> None:
    # Ample stock, four threats, P0 = 0.8, Pk 0.7, no look: Wilkening's barrage gives
    # n = ln(1 - 0.8^(1/4)) / ln(0.3) = 2.42, so 3 rounds a threat and P0 = (1 - 0.3^3)^4.
    doc = one_layer_scenario(count=4, shots=2, sspk=0.7, replications=400, seed=9)
    doc["doctrine"].update(salvo_policy="magazine", desired_p_no_leak=0.8)
    n = math.log(1 - 0.8 ** (1 / 4)) / math.log(0.3)
    assert 2.0 < n < 3.0
    out = run_scenario(_loaded(doc), out=None).result
    per_threat = Counter(
        (r, t)
        for r, k, t in zip(
            out.events.column("replication").to_pylist(),
            out.events.column("kind").to_pylist(),
            out.events.column("threat").to_pylist(),
            strict=True,
        )
        if k == "launch"
    )
    assert set(per_threat.values()) == {3}
    no_leak = int(sum(out.replications.column("no_leak").to_pylist()))
    iv = wilson_interval(no_leak, 400)
    assert iv.low <= (1 - 0.3**3) ** 4 <= iv.high


def _launches_per_unit(result) -> Counter[tuple[int, str]]:  # noqa: ANN001
    ev = result.events
    return Counter(
        (r, u)
        for r, k, u in zip(
            ev.column("replication").to_pylist(),
            ev.column("kind").to_pylist(),
            ev.column("fire_unit").to_pylist(),
            strict=True,
        )
        if k == "launch"
    )


@pytest.mark.parametrize(
    "change",
    [
        {"salvo_policy": "magazine"},
        {"salvo_policy": "magazine", "shoot_look_shoot": True, "max_shots_per_threat": 8},
        {"salvo_policy": "magazine", "preferential_defense": True, "reserve_fraction": 0.3},
        {"salvo_policy": "magazine", "assignment": "dynamic", "shoot_look_shoot": True},
        {"assignment": "dynamic", "reserve_fraction": 0.25},
    ],
)
def test_never_fires_more_than_the_magazine_holds(change: dict) -> None:
    doc = one_layer_scenario(count=12, shots=2, sspk=0.5, replications=16, seed=2)
    doc["fire_units"][0].update(inventory=9, launchers=4, rounds_per_launcher=2, reload_s=30)
    doc["fire_units"].append(dict(doc["fire_units"][0], id="second", inventory=5))
    doc["doctrine"].update(change)
    result = run_scenario(_loaded(doc), out=None).result
    reserve = {
        u["id"]: math.floor(doc["doctrine"].get("reserve_fraction", 0.0) * u["inventory"])
        for u in doc["fire_units"]
    }
    stock = {u["id"]: u["inventory"] for u in doc["fire_units"]}
    fired = _launches_per_unit(result)
    assert fired  # it does fire
    for (_, unit), count in fired.items():
        assert count <= stock[unit] - reserve[unit]
    assert max(result.replications.column("interceptors_fired").to_pylist()) <= 14


def _hold_case(hold: bool) -> dict:
    """An upper-tier unit with four rounds covers two cities; a lower-tier battery (plenty of
    rounds) covers only the first, which is raided first; the second city's threats come
    later and only the upper tier can reach them."""
    doc = one_layer_scenario(count=4, shots=1, sspk=0.9, replications=200, seed=4)
    doc["assets"] = [
        {"id": "covered", "lat_deg": 35.68, "lon_deg": 139.77, "value": 50},
        {"id": "exposed", "lat_deg": 34.69, "lon_deg": 135.50, "value": 50},
    ]
    raid = doc["raids"][0]
    doc["raids"] = [
        dict(raid, id="first", target="covered"),
        dict(raid, id="second", target="exposed", launch_time_s=200),
    ]
    doc["fire_units"][0]["inventory"] = 4
    doc["catalog"]["interceptors"]["test-lower"] = {
        "tier": "lower", "min_altitude_km": 0.02, "max_altitude_km": 36, "max_range_km": 60,
        "mean_speed_mps": 1000, "sspk": {"mrbm": 0.7, "srbm": 0.7, "irbm": 0.7},
        "unit_cost_musd": 5, "source": "test", "notional": True,
    }  # fmt: skip
    doc["fire_units"].append(
        {"id": "battery", "interceptor": "test-lower", "lat_deg": 35.68, "lon_deg": 139.77,
         "inventory": 40, "launchers": 8, "launch_interval_s": 0.5, "defends": ["covered"]}
    )  # fmt: skip
    doc["doctrine"].update(
        layer_order=["upper", "lower"], shoot_look_shoot=True, hold_upper_tier=hold,
        max_shots_per_threat=4,
    )  # fmt: skip
    return doc


@pytest.mark.slow  # 200 paired replications, ~50 s of CPU: in the slow run
def test_holding_the_upper_tier_saves_rounds_for_the_threats_only_it_can_reach() -> None:
    result = compare_scenarios(
        _loaded(_hold_case(False), "spend"), _loaded(_hold_case(True), "hold"), replications=200
    )
    leaked = _metric(result, "threats_leaked")
    assert leaked.difference.high < 0.0  # fewer leakers when the upper tier holds
    # Without holding, the four rounds go to the first raid (its survivors meet the battery)
    # and the second raid, which only the upper tier reaches, leaks whole: 4 a replication.
    assert leaked.mean_a == pytest.approx(4.0, abs=0.15)
    # Holding, the planner expects half the four unseen threats at the exposed city and keeps
    # two rounds for them: two of its four threats are engaged (0.9 each), two leak.
    assert leaked.mean_b == pytest.approx(2.0 + 2 * 0.1, abs=0.3)
    world = build_world(_loaded(_hold_case(True)))
    assert step_reasons(world, 4, unit=0)["upper_tier_held"] > 0


def test_doctrine_defaults_keep_todays_behaviour() -> None:
    doc = one_layer_scenario(count=6, shots=2, replications=8)
    plain = run_scenario(_loaded(doc), out=None).result
    explicit = copy.deepcopy(doc)
    explicit["doctrine"].update(
        salvo_policy="fixed", preferential_defense=False, hold_upper_tier=False,
        min_kill_probability=0.0, assignment="step", desired_p_no_leak=0.5,
        expected_raid_threats=3,
    )  # fmt: skip
    again = run_scenario(_loaded(explicit), out=None).result
    assert plain.replications.equals(again.replications)
    assert plain.events.equals(again.events)


def test_bad_reload_fields_are_one_line_errors() -> None:
    doc = one_layer_scenario()
    doc["fire_units"][0]["rounds_per_launcher"] = 4
    from kamae.errors import ScenarioErrors

    with pytest.raises(ScenarioErrors) as info:
        _loaded(doc)
    (err,) = info.value.errors
    assert err.field == "fire_units[0]" and "reload_s" in err.problem
    doc = one_layer_scenario()
    doc["fire_units"][0]["defends"] = ["nowhere"]
    with pytest.raises(ScenarioErrors) as info:
        _loaded(doc)
    (err,) = info.value.errors
    assert err.field == "fire_units[0].defends[0]" and "unknown asset" in err.problem


def _scarce_round(assignment: str) -> dict:
    """A ship with one round reaches both threats; a battery (plenty) covers only the first
    city. X (value 50) is launched first, Y (value 100) 20 s later: the ship's launch time at
    X comes first."""
    doc = one_layer_scenario(count=1, shots=1, sspk=0.6, replications=200, seed=3)
    doc["assets"] = [
        {"id": "x", "lat_deg": 33.59, "lon_deg": 130.40, "value": 50},
        {"id": "y", "lat_deg": 35.68, "lon_deg": 139.77, "value": 100},
    ]
    raid = doc["raids"][0]
    doc["raids"] = [
        dict(raid, id="X", target="x", launch={"lat_deg": 39.0, "lon_deg": 126.0}),
        dict(raid, id="Y", target="y", launch_time_s=20),
    ]
    doc["fire_units"][0]["inventory"] = 1
    doc["catalog"]["interceptors"]["test-lower"] = {
        "tier": "lower", "min_altitude_km": 0.02, "max_altitude_km": 36, "max_range_km": 60,
        "mean_speed_mps": 1000, "sspk": {"mrbm": 0.9, "srbm": 0.9, "irbm": 0.9},
        "unit_cost_musd": 5, "source": "test", "notional": True,
    }  # fmt: skip
    doc["fire_units"].append(
        {"id": "battery", "interceptor": "test-lower", "lat_deg": 33.59, "lon_deg": 130.40,
         "inventory": 10, "launchers": 4, "defends": ["x"]}
    )  # fmt: skip
    doc["doctrine"].update(
        layer_order=["upper", "lower"], shoot_look_shoot=True, assignment=assignment,
        max_shots_per_threat=2,
    )  # fmt: skip
    return doc


@pytest.mark.slow  # ~21 s of CPU: slow run (the exact dynamic WTA stays in the default run)
def test_dynamic_wta_keeps_a_scarce_round_for_the_threat_only_it_reaches() -> None:
    step, dynamic = _loaded(_scarce_round("step"), "step"), _loaded(_scarce_round("dynamic"))
    result = compare_scenarios(step, dynamic, replications=200)
    leaked = _metric(result, "threats_leaked")
    # Step by step the ship fires at X (then the battery's one shot left: X leaks 0.4·0.1)
    # and Y, which only the ship reaches, leaks: 1.04. The dynamic plan sees the battery's
    # later shots at X and keeps the round for Y: 0.1·0.1 + 0.4 = 0.41.
    assert leaked.mean_a == pytest.approx(1.04, abs=0.06)
    assert leaked.mean_b == pytest.approx(0.41, abs=0.1)
    assert leaked.difference.high < 0.0 and leaked.difference.low <= -0.63 <= leaked.difference.high
    world = build_world(_loaded(_scarce_round("dynamic")))
    assert step_reasons(world, 3, unit=0)["held_by_plan"] > 0
