"""The counterstrike rule's attack confirmation taken from the allied network (issue: campaign
confirmation by the network): the delay is the engine's declaration time minus the first
launch, and the campaign with `confirmation: network` is the campaign with that delay."""

from __future__ import annotations

import json

import numpy as np
import pytest
from campaign_scenarios import campaign_doc, load
from conftest import radar_entry
from typer.testing import CliRunner

from kamae.campaign import confirmation as confirmation_module
from kamae.campaign import run_campaign
from kamae.campaign.confirmation import (
    DelayedConfirmation,
    describe_confirmation,
    network_confirmation,
)
from kamae.cli import app
from kamae.engine import simulate_many
from kamae.errors import ScenarioErrors
from kamae.streams import CONFIRMATION_SPAWN_KEY
from kamae.world import build_world

LINK_S = 1.0
PROCESSING_S = 45.0
LAUNCH_S = 30.0
SENSOR_LINK = {"forward-radar": LINK_S, "own-radar": LINK_S}
"""One-way delay from each sensor's node to the C2 node: one link hop each."""


def networked_campaign(*, min_sensors: int = 2, confirmation: str = "network", **kw) -> dict:
    """The tiny campaign of campaign_scenarios with the networked geometry of
    tests/engine/test_network_engine.py: a forward radar and the fire unit's short-range
    organic radar, each one fixed-latency hop from the C2 node that declares the attack once
    `min_sensors` sensors have reported; the raid launches at LAUNCH_S."""
    doc = campaign_doc(count=2, **kw)
    doc["raids"][0]["launch_time_s"] = LAUNCH_S
    doc["catalog"]["sensors"] = {"own": radar_entry(700), "forward": radar_entry(3000)}
    doc["sensors"] = [
        {"id": "own-radar", "type": "own", "lat_deg": 35.6, "lon_deg": 139.7, "altitude_m": 20},
        {"id": "forward-radar", "type": "forward", "lat_deg": 38.0, "lon_deg": 134.0},
    ]
    doc["fire_units"][0].update(lat_deg=35.6, lon_deg=139.7)
    link = {"latency_ms": LINK_S * 1000, "jitter_ms": 0, "loss_probability": 0,
            "capacity_msgs_per_s": 1000}  # fmt: skip
    doc["network"] = {
        "nations": [{"id": "JP"}],
        "nodes": [
            {"id": "c2", "kind": "c2", "nation": "JP", "processing_ms": 0},
            {"id": "unit", "kind": "fire_unit", "nation": "JP", "fire_units": ["ship"],
             "sensors": ["own-radar"]},
            {"id": "fwd", "kind": "sensor", "nation": "JP", "sensors": ["forward-radar"]},
        ],
        "links": [
            {"id": "a", "between": ["fwd", "c2"], **link},
            {"id": "b", "between": ["c2", "unit"], **link},
        ],
        "attack_confirmation": {
            "declared_by": "c2", "confirming_nations": ["JP"], "min_threats": 1,
            "min_sensors": min_sensors, "processing_s": PROCESSING_S,
        },
    }  # fmt: skip
    doc["campaign"]["counterstrike"]["rules"]["confirmation"] = confirmation
    doc["campaign"]["counterstrike"]["rules"]["confirmation_replications"] = 3
    return doc


def _refused(doc: dict) -> str:
    with pytest.raises(ScenarioErrors) as err:
        load(doc)
    return str(err.value)


def test_network_delay_is_the_second_sensors_report_plus_processing_minus_first_launch():
    loaded = load(networked_campaign())
    world = build_world(loaded)
    derived = network_confirmation(world, 3, seed=5)
    # The same engine replications, read here from their detection events: the declaration
    # needs two sensors, so it falls at the second sensor's first detection (of a threat aimed
    # at the city) + that sensor's link delay to the C2 node + the processing time.
    seeds = np.random.SeedSequence(5, spawn_key=(CONFIRMATION_SPAWN_KEY,)).spawn(3)
    first_launch = float(world.trajectory.launch_time.min())
    assert first_launch == LAUNCH_S
    expected = []
    for _, result in simulate_many(world, list(enumerate(seeds))):
        first: dict[str, float] = {}
        for t, kind, sensor in zip(
            result.events.time_s, result.events.kind, result.events.sensor, strict=True
        ):
            if kind == "detection":
                first[sensor] = min(t, first.get(sensor, np.inf))
        assert sorted(first) == ["forward-radar", "own-radar"]
        sensor, t2 = sorted(first.items(), key=lambda kv: kv[1])[1]
        expected.append((t2 + SENSOR_LINK[sensor] + PROCESSING_S - first_launch) / 3600.0)
    assert derived.delay_h == pytest.approx(float(np.mean(expected)), abs=1e-9)
    assert derived.confirmed_share == 1.0
    assert derived.replications == 3
    # Declaration comes after the first launch, and the forward radar sees first.
    assert derived.delay_h > PROCESSING_S / 3600.0


def test_network_campaign_is_the_delay_campaign_with_the_derived_delay():
    probe = load(networked_campaign())
    derived = network_confirmation(build_world(probe), 3, seed=probe.scenario.seed)
    assert 0.0 < derived.delay_h < 1.0
    # Decision delay chosen so that authorisation (network delay + decision delay) falls just
    # after the end of day 1: with no confirmation delay it would fall inside day 1.
    decision_h = 24.0 - derived.delay_h / 2
    loaded = load(networked_campaign(p_locate=0.7, decision_delay_h=decision_h))
    net = run_campaign(loaded, replications=6)
    fixed = run_campaign(loaded, replications=6, confirmation=DelayedConfirmation(derived.delay_h))
    assert net.table.equals(fixed.table)
    authorised = np.asarray(net.table.column("counterstrike_authorised").to_numpy())
    steps = np.asarray(net.table.column("step").to_numpy())
    assert authorised[steps == 0].tolist() == [0.0] * 6
    assert authorised[steps == 1].tolist() == [1.0] * 6
    instant = run_campaign(loaded, replications=6, confirmation=DelayedConfirmation(0.0))
    instant_authorised = np.asarray(instant.table.column("counterstrike_authorised").to_numpy())
    assert instant_authorised[steps == 0].tolist() == [1.0] * 6
    summary = net.summary()["confirmation"]
    assert summary["source"] == "network"
    assert summary["delay_h"] == pytest.approx(derived.delay_h, abs=1e-12)
    assert summary["confirmed_share"] == 1.0
    assert "network, mean delay" in describe_confirmation(summary)


def test_delay_mode_is_unchanged_and_runs_no_engine_study(monkeypatch):
    def forbidden(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the delay rule must not run the network's engine study")

    monkeypatch.setattr(confirmation_module, "network_confirmation", forbidden)
    for doc in (campaign_doc(p_locate=0.5, p_kill=0.6), networked_campaign(confirmation="delay")):
        loaded = load(doc)
        default = run_campaign(loaded, replications=4, seed=3)
        explicit = run_campaign(
            loaded, replications=4, seed=3, confirmation=DelayedConfirmation(1.0)
        )
        assert default.table.equals(explicit.table)
        assert default.summary()["confirmation"] == {"source": "delay", "delay_h": 1.0}


def test_a_network_that_never_confirms_never_authorises_counterstrike():
    loaded = load(networked_campaign(min_sensors=3))  # only two sensors exist
    result = run_campaign(loaded, replications=3)
    assert np.asarray(result.table.column("counterstrike_authorised").to_numpy()).max() == 0
    assert np.asarray(result.table.column("launchers_destroyed").to_numpy()).sum() == 0
    doc = result.summary()["confirmation"]
    assert doc["never_confirmed"] is True
    assert doc["delay_h"] is None
    assert doc["confirmed_share"] == 0.0
    json.dumps(result.summary(), allow_nan=False)  # valid JSON: no Infinity
    assert "counterstrike never authorised" in describe_confirmation(doc)


@pytest.mark.parametrize("drop", ["network", "attack_confirmation"])
def test_network_confirmation_without_the_networks_rule_is_refused(drop):
    doc = networked_campaign()
    if drop == "network":
        del doc["network"]
    else:
        del doc["network"]["attack_confirmation"]
    message = _refused(doc)
    assert "campaign.counterstrike.rules.confirmation" in message
    assert "attack_confirmation" in message
    assert len(message.strip().splitlines()) == 1


def test_cli_campaign_reports_the_confirmation_source(tmp_path):
    import yaml

    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(networked_campaign(steps=2)), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["campaign", str(path), "-n", "2", "--no-sensitivity", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "attack confirmation: network, mean delay" in result.output
    (folder,) = out.iterdir()
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["confirmation"]["source"] == "network"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "campaign" and manifest["replications"] == 2
    assert manifest["scenario_sha256"] and "campaign-campaign" not in folder.name
    html = (folder / "campaign.html").read_text(encoding="utf-8")
    assert "attack confirmation: network" in html
