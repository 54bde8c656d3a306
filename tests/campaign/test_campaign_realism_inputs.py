"""The campaign realism's inputs (issue 18): bad input refused at load in one line naming the
field; the confirmation fallback when the allied network never confirms (a fixed delay, or
Japan's own sensors: the network with the allies' nodes cut)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from campaign_scenarios import campaign_doc, load
from test_campaign_confirmation import LAUNCH_S, LINK_S, PROCESSING_S, networked_campaign

from kamae.campaign import run_campaign
from kamae.campaign.confirmation import (
    DelayedConfirmation,
    describe_confirmation,
    national_variant,
    scenario_confirmation,
)
from kamae.engine import simulate_many
from kamae.errors import ScenarioErrors
from kamae.streams import CONFIRMATION_SPAWN_KEY
from kamae.world import build_world


def _refused(doc: dict) -> str:
    with pytest.raises(ScenarioErrors) as err:
        load(doc)
    message = str(err.value)
    assert len(message.strip().splitlines()) == 1, message
    return message


def _recon(doc: dict, areas: list[str] | None = None) -> dict:
    asset = {"id": "sat", "revisit_h": 12, "coverage_share": 0.2, "p_detect": 0.7,
             "source": "test", "notional": True}  # fmt: skip
    if areas is not None:
        asset["areas"] = areas
    doc["campaign"]["reconnaissance"] = [asset]
    return doc


def test_watched_force_without_exposure_is_refused():
    message = _refused(_recon(campaign_doc()))
    assert "campaign" in message and "exposed_h_per_salvo" in message


def test_reconnaissance_of_an_unknown_area_is_refused():
    doc = _recon(campaign_doc(), areas=["elsewhere"])
    doc["campaign"]["forces"][0]["exposed_h_per_salvo"] = 1.0
    assert "'elsewhere' is not an area id" in _refused(doc)


def test_relocation_needs_the_weapons_speed():
    doc = campaign_doc()
    doc["campaign"]["forces"][0]["relocation_mean_h"] = 1.0
    message = _refused(doc)
    assert "campaign.counterstrike.platforms[0].weapon" in message
    assert "speed_mps" in message


@pytest.mark.parametrize(
    ("rules", "words"),
    [
        ({"confirmation": "network", "fallback": "delay"}, "fallback_delay_h"),
        ({"confirmation": "network", "fallback": "national"}, "fallback_nations"),
        ({"confirmation": "delay", "fallback": "delay", "fallback_delay_h": 3}, "network"),
    ],
)
def test_incomplete_fallback_is_refused(rules, words):
    doc = networked_campaign()
    doc["campaign"]["counterstrike"]["rules"].update(rules)
    message = _refused(doc)
    assert "campaign.counterstrike.rules" in message and words in message


def test_fallback_nation_must_be_in_the_network():
    doc = networked_campaign()
    doc["campaign"]["counterstrike"]["rules"].update(fallback="national", fallback_nations=["XX"])
    message = _refused(doc)
    assert "campaign.counterstrike.rules.fallback_nations[0]" in message


def test_never_confirming_network_falls_back_to_the_delay():
    doc = networked_campaign(min_sensors=3, p_locate=0.7)  # only two sensors: never
    doc["campaign"]["counterstrike"]["rules"].update(fallback="delay", fallback_delay_h=5.0)
    loaded = load(doc)
    result = run_campaign(loaded, replications=4)
    fixed = run_campaign(loaded, replications=4, confirmation=DelayedConfirmation(5.0))
    assert result.table.equals(fixed.table)
    assert np.asarray(result.table.column("launchers_destroyed").to_numpy()).sum() > 0
    summary = result.summary()["confirmation"]
    assert summary["never_confirmed"] is True and summary["delay_h"] == 5.0
    assert summary["fallback"] == {"used": "delay"}
    json.dumps(summary, allow_nan=False)
    assert "fallback fixed delay, delay 300.00 min" in describe_confirmation(summary)


def allied_feed_cut(**kw) -> dict:
    """The networked campaign with the forward radar an ally's (US) and the attack confirmed
    by US sensors only; its link to the C2 node is cut for the whole run, so the allied
    network never confirms. Japan's own radar (at the fire unit) still reports."""
    doc = networked_campaign(min_sensors=1, **kw)
    net = doc["network"]
    net["nations"].append({"id": "US"})
    net["nodes"][2]["nation"] = "US"
    net["attack_confirmation"]["confirming_nations"] = ["US"]
    net["events"] = [{"kind": "link_cut", "links": ["a"], "start_s": 0}]
    doc["campaign"]["counterstrike"]["rules"].update(fallback="national", fallback_nations=["JP"])
    return doc


def test_national_fallback_is_japans_own_radar_report_plus_processing():
    loaded = load(allied_feed_cut())
    confirmation = scenario_confirmation(loaded, seed=5)
    doc = confirmation.summary()  # type: ignore[attr-defined]
    assert doc["never_confirmed"] is True and doc["fallback"]["used"] == "national"
    # The national variant's engine replications, read from their detection events: the
    # declaration (one sensor) falls at the own radar's first detection + its link to the
    # C2 node + processing.
    world = build_world(national_variant(loaded, ["JP"]))
    seeds = np.random.SeedSequence(5, spawn_key=(CONFIRMATION_SPAWN_KEY,)).spawn(3)
    expected = []
    for _, result in simulate_many(world, list(enumerate(seeds))):
        own = [
            t
            for t, kind, sensor in zip(
                result.events.time_s, result.events.kind, result.events.sensor, strict=True
            )
            if kind == "detection" and sensor == "own-radar"
        ]
        expected.append((min(own) + LINK_S + PROCESSING_S - LAUNCH_S) / 3600.0)
    assert confirmation.delay_h == pytest.approx(float(np.mean(expected)), abs=1e-9)  # type: ignore[attr-defined]
    assert doc["fallback"]["national"]["confirmed_share"] == 1.0
    assert doc["fallback"]["national"]["nations"] == ["JP"]
    # Japan's radar sees later than the forward radar would have: a positive delay, and the
    # campaign is the delay campaign with it.
    intact = allied_feed_cut()
    del intact["network"]["events"]
    intact["network"]["sharing"] = [
        {"from_nation": "US", "to_nation": "JP", "kinds": ["tracks", "early_warning"]}
    ]
    allied = scenario_confirmation(load(intact), seed=5)
    assert allied.delay_h < confirmation.delay_h  # type: ignore[attr-defined]
    campaign = load(allied_feed_cut(p_locate=0.7))
    net = run_campaign(campaign, replications=4)
    fixed = run_campaign(
        campaign,
        replications=4,
        confirmation=DelayedConfirmation(confirmation.delay_h),  # type: ignore[attr-defined]
    )
    assert net.table.equals(fixed.table)
    assert "fallback national network (JP nodes only)" in describe_confirmation(
        net.summary()["confirmation"]
    )


def test_national_fallback_must_keep_the_declaring_node():
    doc = allied_feed_cut()
    doc["network"]["nodes"][0]["nation"] = "US"  # the C2 node is the ally's
    message = _refused(doc)
    assert "campaign.counterstrike.rules.fallback_nations" in message
    assert "declaring C2 node is US's" in message


def test_cli_table_lists_wrecks_and_reconstitution_only_when_on():
    from rich.console import Console

    from kamae.cli.studies import campaign_table

    def printed(doc: dict) -> str:
        console = Console(width=120, record=True)
        console.print(campaign_table(doc))
        return console.export_text()

    doc = campaign_doc(launches_per_step=1000, p_locate=0.8)
    doc["campaign"]["counterstrike"]["p_bda"] = 0.6
    doc["campaign"]["forces"][0]["reconstitution"] = {
        "repairable_share": 0.5, "repair_mean_h": 24.0, "source": "test",
    }  # fmt: skip
    summary = run_campaign(load(doc), replications=3, seed=2).summary()
    text = printed(summary)
    assert "unassessed wrecks struck again" in text
    assert "launchers repaired or replaced" in text
    plain = run_campaign(load(campaign_doc()), replications=3, seed=2).summary()
    assert "wrecks_struck" not in plain and "launchers_returned" not in plain
    assert "wrecks" not in printed(plain) and "repaired" not in printed(plain)


def test_a_national_fallback_that_never_confirms_either_says_so():
    doc = allied_feed_cut()
    doc["network"]["attack_confirmation"]["min_sensors"] = 2  # Japan has one radar
    loaded = load(doc)
    result = run_campaign(loaded, replications=2)
    summary = result.summary()["confirmation"]
    assert summary["fallback"]["used"] == "none" and summary["delay_h"] is None
    assert summary["fallback"]["national"]["never_confirmed"] is True
    assert np.asarray(result.table.column("launchers_destroyed").to_numpy()).sum() == 0
    assert "(nor did the fallback)" in describe_confirmation(summary)
    json.dumps(summary, allow_nan=False)
