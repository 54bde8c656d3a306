"""The engine's use of the allied network (issue 6): each fire unit decides on the picture
that has reached it, so latency, loss, engagement modes and cut links change what it does."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
from conftest import one_layer_scenario, radar_entry, write_scenario

from kamae.engine import simulate_batch
from kamae.geo import ecef_to_enu, enu_to_range_azimuth_elevation
from kamae.world import load_world

LATENCY_S = 2.0
OWN_RANGE_KM = 700.0


def _geometry(mode: str) -> dict:
    """One MRBM at a city; the fire unit at the city with a short-range organic radar, and a
    forward radar (a remote sensor) that sees the threat long before; links of fixed
    latency, no loss, no jitter."""
    doc = one_layer_scenario(count=1, replications=1, seed=3)
    doc["catalog"]["sensors"] = {"own": radar_entry(OWN_RANGE_KM), "forward": radar_entry(3000)}
    # No boost: the track's predicted impact is on the city from its first updates.
    doc["catalog"]["threats"] = {
        "test-mrbm": {"kind": "ballistic", "threat_class": "mrbm", "max_range_km": 1300,
                      "rcs_m2": 0.1, "source": "test", "notional": True}
    }  # fmt: skip
    doc["raids"][0]["threat"] = "test-mrbm"
    doc["sensors"] = [
        {"id": "own-radar", "type": "own", "lat_deg": 35.6, "lon_deg": 139.7, "altitude_m": 20},
        {"id": "forward-radar", "type": "forward", "lat_deg": 38.0, "lon_deg": 134.0},
    ]
    doc["fire_units"][0].update(lat_deg=35.6, lon_deg=139.7)
    doc["doctrine"].update(
        fire_control_position_sigma_m=1e6,
        fire_control_velocity_sigma_mps=1e6,
        engage_radius_km=300,
        track_confirm_updates=3,
    )
    doc["network"] = {
        "nations": [{"id": "JP"}],
        "nodes": [
            {"id": "c2", "kind": "c2", "nation": "JP", "processing_ms": 0},
            {"id": "unit", "kind": "fire_unit", "nation": "JP", "fire_units": ["ship"],
             "sensors": ["own-radar"]},
            {"id": "fwd", "kind": "sensor", "nation": "JP", "sensors": ["forward-radar"]},
        ],
        "links": [
            {"id": "a", "between": ["fwd", "c2"], "latency_ms": LATENCY_S * 500, "jitter_ms": 0,
             "loss_probability": 0, "capacity_msgs_per_s": 1000},
            {"id": "b", "between": ["c2", "unit"], "latency_ms": LATENCY_S * 500, "jitter_ms": 0,
             "loss_probability": 0, "capacity_msgs_per_s": 1000},
        ],
        "default_engagement_mode": mode,
    }  # fmt: skip
    return doc


def _first_launch(tmp_path: Path, doc: dict, name: str) -> float:
    world = load_world(write_scenario(tmp_path, doc, name))
    (result,) = simulate_batch(world, [np.random.default_rng(5)])
    launches = [t for t, k in zip(result.events.time_s, result.events.kind, strict=True)
                if k == "launch"]  # fmt: skip
    assert launches, "no interceptor was launched"
    return min(launches)


def _first_seen(world, site: tuple[float, float, float], max_range_m: float) -> float:  # noqa: ANN001
    """First sample at which the threat is above the radar's horizon and within range (the
    radar geometry computed here from the trajectory, independently of the engine)."""
    lat, lon, h = site
    enu = ecef_to_enu(world.trajectory.position[0], np.radians(lat), np.radians(lon), h)
    rng, _, el = enu_to_range_azimuth_elevation(enu)
    with np.errstate(invalid="ignore"):
        seen = (rng <= max_range_m) & (el >= 0.0)
    return float(world.times[np.flatnonzero(seen)[0]])


def test_engage_on_remote_moves_the_first_shot_earlier_by_the_predicted_amount(
    tmp_path: Path,
) -> None:
    organic_doc = _geometry("organic")
    remote_doc = _geometry("engage_on_remote")
    world = load_world(write_scenario(tmp_path, organic_doc, "probe.yaml"))
    t_own = _first_seen(world, (35.6, 139.7, 20.0), OWN_RANGE_KM * 1e3)
    t_fwd = _first_seen(world, (38.0, 134.0, 0.0), 3000e3)
    assert t_fwd + LATENCY_S < t_own  # the geometry is built so that the network helps
    # Organic: firm (3 updates, one per 1 s look) 2 s after its own radar first sees it.
    # Remote: the forward radar's third plot, 2 s after its first, arrives LATENCY_S later.
    # The interceptor's envelope (3,000 km, any altitude 50-1,000 km) lets it launch at once.
    expected = (t_own + 2.0) - (t_fwd + 2.0 + LATENCY_S)
    organic = _first_launch(tmp_path, organic_doc, "organic.yaml")
    remote = _first_launch(tmp_path, remote_doc, "remote.yaml")
    assert organic == pytest.approx(t_own + 2.0, abs=1.0)
    assert remote == pytest.approx(t_fwd + 2.0 + LATENCY_S, abs=1.0)
    assert organic - remote == pytest.approx(expected, abs=1.0)


def test_a_cut_link_leaves_a_unit_without_its_remote_picture(tmp_path: Path) -> None:
    doc = _geometry("engage_on_remote")
    doc["sensors"] = doc["sensors"][1:]  # no organic radar: remote data only
    doc["network"]["nodes"][1]["sensors"] = []
    world = load_world(write_scenario(tmp_path, doc, "remote-only.yaml"))
    end = float(world.times[-1])
    cut = copy.deepcopy(doc)
    cut["network"]["events"] = [{"kind": "link_cut", "links": ["b"], "start_s": 0, "end_s": end}]
    assert _first_launch(tmp_path, doc, "linked.yaml") > 0
    world = load_world(write_scenario(tmp_path, cut, "cut.yaml"))
    (result,) = simulate_batch(world, [np.random.default_rng(5)])
    assert "launch" not in result.events.kind
    assert result.metrics["track_messages_lost"] == result.metrics["track_messages"] > 0
    assert result.metrics["threats_leaked"] == 1


def test_networked_replications_do_not_depend_on_their_batch() -> None:
    world = load_world("japan-2027-jammed")
    seeds = np.random.SeedSequence(9).spawn(3)
    together = simulate_batch(world, [np.random.default_rng(s) for s in seeds])
    alone = simulate_batch(world, [np.random.default_rng(seeds[1])])[0]
    # Decisions and counts are identical; the sampled SIAP/GOSPA averages agree to rounding
    # (their sums run over arrays shaped by the batch).
    assert together[1].metrics == pytest.approx(alone.metrics, rel=1e-12)
    exact = [k for k in alone.metrics if not k.startswith(("siap", "gospa"))]
    assert {k: together[1].metrics[k] for k in exact} == {k: alone.metrics[k] for k in exact}
    assert together[1].events.time_s == alone.events.time_s
    assert together[1].events.detail == alone.events.detail
    assert alone.metrics["track_messages"] > 0


def test_the_network_declares_the_attack_after_its_sensors_report_it(tmp_path: Path) -> None:
    doc = _geometry("engage_on_remote")
    doc["network"]["attack_confirmation"] = {
        "declared_by": "c2", "confirming_nations": ["JP"], "min_threats": 1, "min_sensors": 2,
        "processing_s": 60,
    }  # fmt: skip
    world = load_world(write_scenario(tmp_path, doc, "confirm.yaml"))
    (result,) = simulate_batch(world, [np.random.default_rng(5)])
    events = list(zip(result.events.time_s, result.events.kind, result.events.sensor,
                      strict=True))  # fmt: skip
    (declared,) = [t for t, k, _ in events if k == "attack_confirmed"]
    # Two sensors must have reported: the later first detection, plus its link delay to the
    # C2 node (forward radar: one 1 s hop; the unit's own radar: one 1 s hop), plus 60 s.
    first = {s: t for t, k, s in reversed(events) if k == "detection"}
    assert declared == pytest.approx(max(first.values()) + LATENCY_S / 2 + 60.0, abs=1e-6)
    assert result.metrics["attack_confirmed"] == 1.0
