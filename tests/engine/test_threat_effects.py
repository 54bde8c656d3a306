"""The threats in the engine: decoys and debris as objects, engagement of declared warheads
only, the defense as an aim point (a destroyed radar looks at nothing, a destroyed unit fires
nothing), their draws from their own streams, and the bad inputs they bring."""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pytest
import yaml
from conftest import one_layer_scenario

from kamae.engine import simulate, simulate_many
from kamae.engine.draws import Draws
from kamae.errors import ScenarioErrors
from kamae.scenario import load_scenario_text
from kamae.streams import replication_seeds
from kamae.world import build_world


def _decoy_doc(decoys: int = 3, bandwidth_mhz: float | None = 1000.0) -> dict:
    doc = one_layer_scenario(count=4, replications=16)
    doc["catalog"]["threats"] = {
        "mrbm-decoys": {
            "kind": "ballistic", "threat_class": "mrbm", "max_range_km": 1300, "rcs_m2": 0.1,
            "burn_time_s": 110, "burnout_altitude_km": 80, "source": "test", "notional": True,
            "countermeasures": {"decoys": decoys, "debris": 1},
        }
    }  # fmt: skip
    doc["raids"][0]["threat"] = "mrbm-decoys"
    if bandwidth_mhz is not None:
        doc["catalog"]["sensors"]["test-radar"]["discrimination_bandwidth_mhz"] = bandwidth_mhz
    return doc


def _world(doc: dict):
    return build_world(load_scenario_text(yaml.safe_dump(doc).encode(), "t.yaml"))


def _run(world, reps: int = 16, seed: int = 3) -> list[dict]:
    return [
        r.metrics for _, r in simulate_many(world, list(enumerate(replication_seeds(seed, reps))))
    ]


def test_objects_are_rows_after_the_warheads() -> None:
    world = _world(_decoy_doc())
    assert world.warheads == 4 and world.trajectory.count == 4 + 4 * 4
    assert world.object_kind[:4].tolist() == [0] * 4
    assert np.all(world.object_parent[:4] == np.arange(4))
    assert world.threat_ids[4] == "raid#1/decoy1" and world.threat_ids[7] == "raid#1/debris1"
    assert np.all(world.object_kind[world.object_parent] == 0)
    assert np.all(world.threat_target[4:] == world.threat_target[world.object_parent[4:]])


def test_leaks_and_kills_count_warheads_only_and_undeclared_objects_draw_nothing() -> None:
    none = _run(_world(_decoy_doc(bandwidth_mhz=None)))
    disc = _run(_world(_decoy_doc()))
    for metrics in (none, disc):
        for m in metrics:
            assert m["threats_launched"] == 4.0
            assert m["threats_intercepted"] + m["threats_leaked"] <= 4.0
            assert m["decoys_engaged"] <= 12 and m["debris_engaged"] <= 4
    # No discrimination: every object is declared a warhead and engaged.
    assert all(m["objects_engaged"] == 20.0 for m in none)
    # A wideband radar rejects some objects; interceptors follow the declarations.
    assert np.mean([m["objects_engaged"] for m in disc]) < 19.0
    assert np.mean([m["interceptors_fired"] for m in disc]) < np.mean(
        [m["interceptors_fired"] for m in none]
    )


def test_releasing_decoys_leaves_the_warheads_draws_alone() -> None:
    plain = _world(_decoy_doc(decoys=0, bandwidth_mhz=None))  # debris only: one per warhead
    without = _world(one_layer_scenario(count=4))
    gens = lambda: [np.random.default_rng(s) for s in replication_seeds(5, 2)]  # noqa: E731
    a, b = Draws(plain, gens()), Draws(without, gens())
    np.testing.assert_array_equal(a.kill[:, :4], b.kill)
    np.testing.assert_array_equal(a.assessment[:, :4], b.assessment)
    np.testing.assert_array_equal(a.block(0).detect, b.block(0).detect)
    np.testing.assert_array_equal(a.block(0).noise, b.block(0).noise)


def test_a_replication_with_decoys_does_not_depend_on_its_batch_mates() -> None:
    world = _world(_decoy_doc())
    seeds = replication_seeds(9, 3)
    batch = simulate_many(world, list(enumerate(seeds)))
    alone = simulate(world, np.random.default_rng(seeds[2]))
    assert batch[2][1].metrics == alone.metrics
    assert batch[2][1].events == alone.events


def _aim_doc() -> dict:
    """Two raids: the first at the radar, the second later at the city; nothing intercepts
    the first (the unit's interceptor cannot kill SRBMs)."""
    doc = one_layer_scenario(count=2, replications=4)
    doc["catalog"]["interceptors"]["test-upper"]["sspk"] = {"mrbm": 0.7, "srbm": 0.0}
    doc["raids"] = [
        {"id": "at-radar", "threat": "srbm-scud-er-class", "launch": {"lat_deg": 40.0,
         "lon_deg": 130.0}, "target": "radar", "launch_time_s": 0, "count": 1},
        {"id": "at-city", "threat": "mrbm-nodong-class", "launch": {"lat_deg": 40.0,
         "lon_deg": 128.0}, "target": "city", "launch_time_s": 900, "count": 2},
    ]  # fmt: skip
    return doc


def test_a_destroyed_radar_looks_at_nothing() -> None:
    world = _world(_aim_doc())
    assert world.threat_aim_sensor.tolist() == [0, -1, -1]
    result = simulate(world, np.random.default_rng(replication_seeds(1, 1)[0]))
    ev = result.events
    destroyed = [i for i, k in enumerate(ev.kind) if k == "destroyed"]
    assert len(destroyed) == 1 and ev.sensor[destroyed[0]] == "radar"
    t_dead = ev.time_s[destroyed[0]]
    # The only radar is gone before the second raid launches: it is never detected.
    late = [
        ev.threat[i] for i, k in enumerate(ev.kind) if k == "detection" and ev.time_s[i] > t_dead
    ]
    assert late == []
    assert result.metrics["sensors_destroyed"] == 1.0
    assert result.metrics["threats_leaked"] == 3.0  # nothing seen, nothing engaged
    # Without the strike the second raid is engaged.
    spared = copy.deepcopy(_aim_doc())
    spared["raids"][0]["target"] = "city"
    calm = simulate(_world(spared), np.random.default_rng(replication_seeds(1, 1)[0]))
    assert calm.metrics["interceptors_fired"] > 0


def test_a_destroyed_unit_fires_nothing() -> None:
    doc = _aim_doc()
    doc["raids"][0]["target"] = "ship"
    doc["sensors"].append({"id": "radar2", "type": "test-radar", "lat_deg": 37.0,
                           "lon_deg": 135.0})  # fmt: skip
    world = _world(doc)
    assert world.threat_aim_unit.tolist() == [0, -1, -1]
    result = simulate(world, np.random.default_rng(replication_seeds(1, 1)[0]))
    assert result.metrics["fire_units_destroyed"] == 1.0
    assert result.metrics["interceptors_fired"] == 0.0
    assert "launch" not in result.events.kind


def test_bad_threat_inputs_name_the_field() -> None:
    doc = _decoy_doc()
    doc["jammers"] = [{"id": "ssj", "kind": "self_screening", "raid": "nope", "power_w": 10,
                       "antenna_gain_dbi": 3, "band_low_ghz": 2, "band_high_ghz": 4}]  # fmt: skip
    with pytest.raises(ScenarioErrors, match=r"jammers\[0\]\.raid.*unknown raid"):
        _world(doc)
    doc["jammers"][0]["raid"] = "raid"
    with pytest.raises(ScenarioErrors, match=r"jammers\[0\].*needs frequency_ghz"):
        _world(doc)
    bad = _decoy_doc()
    bad["raids"][0]["target"] = "nowhere"
    with pytest.raises(ScenarioErrors, match="unknown asset, sensor or fire unit"):
        _world(bad)
    bad = _decoy_doc()
    bad["catalog"]["threats"]["mrbm-decoys"]["countermeasures"]["decoys"] = -1
    with pytest.raises(ScenarioErrors, match="countermeasures.decoys"):
        _world(bad)
    bad = _decoy_doc()
    bad["sensors"][0]["search_fence_deg"] = 5
    with pytest.raises(ScenarioErrors, match=r"search_fence_deg.*needs beamwidth_deg"):
        _world(bad)


def test_plots_carry_the_declaration() -> None:
    from kamae.tracking.tracker import Plots

    p = Plots.empty()
    assert p.warhead_declared.shape == (0,)
    z = np.zeros((2, 3))
    two = Plots(np.zeros(2, np.int64), np.arange(2), z, np.zeros((2, 3, 3)), np.zeros(2, np.int64))
    assert two.warhead_declared.tolist() == [True, True]
    flagged = dataclasses.replace(two, warhead_declared=np.array([True, False]))
    both = Plots.concatenate([two, flagged])
    assert both.warhead_declared.tolist() == [True, True, True, False]
