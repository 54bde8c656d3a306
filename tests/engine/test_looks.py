"""The engine's sensing: SNR-based detection, false plots and false tracks, space-based
infrared cueing, the radar time budget, and the bad inputs they bring."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml
from conftest import one_layer_scenario

from kamae.engine import simulate, simulate_many
from kamae.engine.draws import Draws
from kamae.engine.looks import Looks
from kamae.engine.records import EventLog
from kamae.errors import ScenarioErrors
from kamae.scenario import load_scenario_text
from kamae.sensors.detection import detection_probability, required_snr, scaled_snr
from kamae.sensors.radar import phase_rcs
from kamae.streams import replication_seeds
from kamae.world import build_world

EARLY_WARNING = {
    "kind": "space_ir",
    "role": "early_warning",
    "geostationary_longitudes_deg": [75.0, 165.0],
    "molniya_raan_deg": [0.0, 180.0],
    "reporting_delay_s": 30,
    "source": "test",
    "notional": True,
}


def _world(doc: dict):
    return build_world(load_scenario_text(yaml.safe_dump(doc).encode(), "test.yaml"))


def _radar(doc: dict) -> dict:
    return doc["catalog"]["sensors"]["test-radar"]


def _swerling(doc: dict, **extra) -> dict:
    radar = _radar(doc)
    del radar["pd_per_look"]
    radar.update({"detection": "swerling1", "reference_range_km": 300, "reference_pd": 0.9})
    radar.update(extra)
    return doc


def test_swerling_pd_per_look_follows_the_radar_equation() -> None:
    world = _world(_swerling(one_layer_scenario(count=2)))
    radar, view = world.radars[0], world.views[0]
    assert radar.detection == "swerling1"
    ref = required_snr(0.9, 1e-6, 1, 1)
    vis = view.visible
    assert vis.any() and not vis.all()
    rcs = phase_rcs(world.threat_rcs, world.trajectory.phase)  # boost: 10× the warhead's
    assert rcs.max() == pytest.approx(10 * rcs.min())
    snr = scaled_snr(view.range_m[vis], rcs[vis], ref, 300e3, 0.1)
    np.testing.assert_allclose(view.pd[vis], detection_probability(snr, 1e-6, 1, 1), rtol=1e-12)
    # σ grows as 1/sqrt(SNR) below the reference SNR and is floored at the catalog's above it.
    np.testing.assert_allclose(view.noise_scale[vis], np.sqrt(np.maximum(ref / snr, 1.0)))
    assert view.pd[~vis].max() == 0.0
    # Swerling 1, one pulse: Pd = Pfa^(1/(1 + SNR)); at 1.5× the reference range a warhead's
    # SNR is 1.5⁻⁴ of the reference, Pd ≤ 0.52.
    far = vis & (view.range_m > 1.5 * 300e3) & (rcs == rcs.min())
    assert far.any() and np.all(view.pd[far] <= 1e-6 ** (1 / (1 + ref / 1.5**4)) + 1e-12)


def test_fixed_detection_keeps_its_pd_per_look() -> None:
    world = _world(one_layer_scenario(count=2))
    assert world.radars[0].detection == "fixed"
    vis = world.views[0].visible
    assert np.all(world.views[0].pd[vis] == 1.0) and np.all(world.views[0].noise_scale == 1.0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"revisit_s": 0}, "revisit_s"),
        ({"azimuth_width_deg": 400}, "azimuth_width_deg"),
        ({"max_range_km": -5}, "max_range_km"),
        ({"detection": "swerling1"}, "pd_per_look"),
        ({"pd_per_look": None, "detection": "fixed"}, "pd_per_look"),
        ({"pd_per_look": None, "pfa": 0.5}, "pfa"),
        ({"false_alarms_per_scan": -1}, "false_alarms_per_scan"),
        ({"track_dwell_ms": 0}, "track_dwell_ms"),
        ({"confirm_hits": 4, "confirm_looks": 3}, "confirm_hits"),
    ],
)
def test_bad_radar_parameters_are_refused_naming_the_field(change: dict, field: str) -> None:
    doc = one_layer_scenario()
    _radar(doc).update(change)
    if _radar(doc).get("pd_per_look", 0) is None:
        del _radar(doc)["pd_per_look"]
    with pytest.raises(ScenarioErrors) as err:
        load_scenario_text(yaml.safe_dump(doc).encode(), "bad.yaml")
    assert field in str(err.value)


def test_space_layer_in_sensors_and_radar_in_space_sensors_are_refused() -> None:
    doc = one_layer_scenario()
    doc["catalog"]["sensors"]["ew"] = EARLY_WARNING
    doc["sensors"].append({"id": "x", "type": "ew", "lat_deg": 35, "lon_deg": 135})
    doc["space_sensors"] = [{"id": "y", "type": "test-radar"}]
    with pytest.raises(ScenarioErrors) as err:
        load_scenario_text(yaml.safe_dump(doc).encode(), "bad.yaml")
    text = str(err.value)
    assert "sensors[1].type" in text and "space_sensors[0].type" in text
    doc = one_layer_scenario()
    doc["catalog"]["sensors"]["ew"] = {**EARLY_WARNING, "geostationary_longitudes_deg": []}
    doc["catalog"]["sensors"]["ew"]["molniya_raan_deg"] = []
    with pytest.raises(ScenarioErrors, match="satellites"):
        load_scenario_text(yaml.safe_dump(doc).encode(), "bad.yaml")


def _many(doc: dict, reps: int, seed: int = 3) -> list[dict[str, float]]:
    world = _world(doc)
    out = simulate_many(world, list(enumerate(replication_seeds(seed, reps))))
    return [r.metrics for _, r in out]


def test_false_plots_make_false_tracks_that_are_counted_not_engaged() -> None:
    doc = one_layer_scenario(count=3, replications=4)
    _radar(doc).update(
        {"false_alarms_per_scan": 5, "confirm_hits": 1, "confirm_looks": 1,
         "delete_after_misses": 2, "max_range_km": 3000}
    )  # fmt: skip
    clean = _many(one_layer_scenario(count=3), 4)
    noisy = _many(doc, 4)
    for m in clean:
        assert m["false_plots"] == 0 and m["false_tracks"] == 0
        assert m["siap_spuriousness"] < 0.05 and m["siap_completeness"] > 0.5
    for m in noisy:
        # 5 per 1 s scan over hundreds of steps: Poisson mean in the thousands.
        assert m["false_plots"] > 1000
        assert m["false_tracks"] > 0.9 * m["false_plots"] - 50
        assert m["false_tracks_confirmed"] >= m["false_tracks"] - 1
        assert m["siap_spuriousness"] > 0.5
        assert m["interceptors_fired"] == 3 * 2  # false tracks draw no interceptors
    gospa_clean = np.mean([m["gospa_m"] for m in clean])
    gospa_noisy = np.mean([m["gospa_m"] for m in noisy])
    assert gospa_noisy > 2 * gospa_clean


def test_early_warning_cue_brings_first_radar_detection_earlier() -> None:
    doc = one_layer_scenario(count=2, replications=8)
    _radar(doc)["search_revisit_s"] = 60  # slow search: a cue matters
    cued = copy.deepcopy(doc)
    cued["catalog"]["sensors"]["ew"] = EARLY_WARNING
    cued["space_sensors"] = [{"id": "sbirs", "type": "ew"}]
    world_plain, world_cued = _world(doc), _world(cued)
    assert world_cued.space_layers[0].visible.any(axis=1).all()

    def first_radar_detection(world) -> list[float]:
        firsts = []
        for ss in replication_seeds(5, 8):
            ev = simulate(world, np.random.default_rng(ss)).events
            times = [t for t, k, s in zip(ev.time_s, ev.kind, ev.sensor, strict=True)
                     if k == "detection" and s == "radar"]  # fmt: skip
            firsts.append(min(times))
        return firsts

    plain = first_radar_detection(world_plain)
    with_cue = first_radar_detection(world_cued)
    ev = simulate(world_cued, np.random.default_rng(0)).events
    reports = [d for k, s, d in zip(ev.kind, ev.sensor, ev.detail, strict=True)
               if k == "detection" and s == "sbirs"]  # fmt: skip
    assert len(reports) == 2 and all(d.startswith("launch_report") for d in reports)
    assert np.mean(with_cue) < np.mean(plain) - 5.0


def test_tracking_layer_reports_objects_in_flight() -> None:
    doc = one_layer_scenario(count=2)
    doc["catalog"]["sensors"]["hbtss"] = {
        "kind": "space_ir", "role": "tracking", "walker_total": 28, "walker_planes": 4,
        "walker_phasing": 1, "revisit_s": 5, "pd_per_revisit": 0.9, "position_sigma_km": 1,
        "source": "test", "notional": True,
    }  # fmt: skip
    doc["space_sensors"] = [{"id": "tracking-layer", "type": "hbtss"}]
    world = _world(doc)
    ev = simulate(world, np.random.default_rng(1)).events
    assert any(
        k == "detection" and s == "tracking-layer" for k, s in zip(ev.kind, ev.sensor, strict=True)
    )


def test_time_budget_stretches_revisits_under_load() -> None:
    doc = one_layer_scenario(count=2)
    _radar(doc).update({"track_dwell_ms": 600, "search_revisit_s": 4, "min_search_fraction": 0.2})
    world = _world(doc)
    looks = Looks(world, Draws(world, [np.random.default_rng(0)]))
    k = int(np.flatnonzero(world.views[0].visible.all(axis=0))[0])
    none = np.zeros((1, 2), dtype=bool)
    track, search = looks.revisits(k, none)
    assert track[0, 0] == pytest.approx(1.0) and search[0, 0] == pytest.approx(4.0)
    track, search = looks.revisits(k, np.ones((1, 2), dtype=bool))
    # Two tracks want 2·0.6 s per 1 s > 0.8 of the time: revisit 1.2/0.8 = 1.5 s, search at 20 %.
    assert track[0, 0] == pytest.approx(1.5) and search[0, 0] == pytest.approx(20.0)


def test_replication_alone_equals_replication_in_a_batch_with_false_plots_and_space() -> None:
    doc = one_layer_scenario(count=3)
    _radar(doc).update({"false_alarms_per_scan": 2, "confirm_hits": 1, "confirm_looks": 1})
    doc["catalog"]["sensors"]["ew"] = EARLY_WARNING
    doc["space_sensors"] = [{"id": "sbirs", "type": "ew"}]
    world = _world(doc)
    seeds = list(enumerate(replication_seeds(9, 3)))
    batch = simulate_many(world, seeds)
    alone = simulate_many(world, seeds[1:2])
    assert batch[1][1].metrics == alone[0][1].metrics
    assert batch[1][1].events.detail == alone[0][1].events.detail


def test_radars_first_seeing_threats_in_one_step_give_plots_and_events_radar_by_radar() -> None:
    """Two radars with Pd 1 search every threat in one step: the plots come radar by radar,
    then replication by replication, then threat by threat; each replication logs radar 0's
    first detections before radar 1's; every threat first held gets its next track look one
    revisit later on both radars; a second look logs nothing new."""
    doc = one_layer_scenario(count=3)
    doc["sensors"].append(
        {"id": "radar-2", "type": "test-radar", "lat_deg": 37.0, "lon_deg": 132.0}
    )
    world = _world(doc)
    reps = 2
    draws = Draws(world, [np.random.default_rng(s) for s in range(reps)])
    looks = Looks(world, draws)
    both = world.views[0].visible.all(axis=0) & world.views[1].visible.all(axis=0)
    k = int(np.flatnonzero(both)[0])
    looks.search_next[:] = 0.0  # both radars scan at step k
    logs = [EventLog() for _ in range(reps)]
    alive = np.ones((reps, 3), dtype=bool)
    none = np.zeros((reps, 3), dtype=bool)
    plots, false_plots = looks.step(k, float(world.times[k]), draws.block(k), alive, none, logs)
    order = [(s, r, n) for s in range(2) for r in range(reps) for n in range(3)]
    rows = zip(plots.sensor.tolist(), plots.rep.tolist(), plots.origin.tolist(), strict=True)
    assert list(rows) == order
    assert false_plots.rep.size == 0
    for log in logs:
        assert log.sensor == ["radar"] * 3 + ["radar-2"] * 3
        assert log.threat == [world.threat_ids[n] for n in range(3)] * 2
    assert np.all(looks.track_next == k + looks.track_period[None, :, None])
    looks.step(k + 1, float(world.times[k + 1]), draws.block(k + 1), alive, none, logs)
    assert all(len(log.sensor) == 6 for log in logs)
