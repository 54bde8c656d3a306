"""Whose reconnaissance finds launchers for the striker (issue 18: "cutting the allied feed
leaves allied surveillance"): with a network: section, an ally's asset counts only where the
network's sharing releases `targeting` to the striking nation, not when the attack was
confirmed by the national fallback (the allies' nodes cut), and not from its
`lost_from_step`. Closed form: Koopman's random search p = 1 − exp(−E · Σ c·pd / revisit)
over the assets that report (Koopman, "Search and Screening", 1946/1980; Washburn, "Search
and Detection", 4th ed. 2002, ch. 2), so cutting an asset takes its term out of the sum."""

from __future__ import annotations

import math

import pytest
from campaign_scenarios import load
from rich.console import Console
from test_campaign_confirmation import networked_campaign
from test_campaign_realism_inputs import allied_feed_cut

from kamae.campaign import run_campaign
from kamae.cli.studies import campaign_table
from kamae.errors import ScenarioErrors
from kamae.world.si import network_spec

JP_RATE = 0.5 * 0.8 / 6.0
"""Japan's asset: c·pd / revisit = 1/15 per h."""
US_RATE = 0.4 * 0.9 / 4.0
"""The ally's asset: 0.09 per h."""
EXPOSED_FIRING_H = 1.5
"""One salvo (1 h in the open) plus 0.5 h a step."""


def _assets(doc: dict, **us) -> dict:
    force = doc["campaign"]["forces"][0]
    force["exposed_h_per_salvo"] = 1.0
    force["exposed_h_per_step"] = 0.5
    doc["campaign"]["reconnaissance"] = [
        {"id": "jp-sat", "nation": "JP", "revisit_h": 6, "coverage_share": 0.5,
         "p_detect": 0.8, "source": "test", "notional": True},
        {"id": "us-isr", "nation": "US", "revisit_h": 4, "coverage_share": 0.4,
         "p_detect": 0.9, "source": "test", "notional": True, **us},
    ]  # fmt: skip
    doc["campaign"]["counterstrike"]["nation"] = "JP"
    return doc


def allied(*, targeting: bool = True, **us) -> dict:
    """The networked test campaign (delay confirmation: no engine study) with the forward
    radar's node the ally's (US), one Japanese and one US reconnaissance asset."""
    doc = networked_campaign(
        confirmation="delay", launchers=100, launches_per_step=1000, strike_inventory=100_000
    )
    net = doc["network"]
    net["nations"].append({"id": "US"})
    net["nodes"][2]["nation"] = "US"
    kinds = ["tracks", "early_warning"] + (["targeting"] if targeting else [])
    net["sharing"] = [{"from_nation": "US", "to_nation": "JP", "kinds": kinds}]
    return _assets(doc, **us)


def _p_locate(doc: dict) -> list[float]:
    return run_campaign(load(doc), expected=True).table.column("p_locate.force").to_pylist()


def test_an_allys_finds_count_only_where_the_network_releases_targeting():
    both = 1 - math.exp(-EXPOSED_FIRING_H * (JP_RATE + US_RATE))
    own = 1 - math.exp(-EXPOSED_FIRING_H * JP_RATE)
    assert _p_locate(allied())[:3] == pytest.approx([both] * 3, rel=1e-12)
    assert _p_locate(allied(targeting=False))[:3] == pytest.approx([own] * 3, rel=1e-12)
    # The launchers located follow: alive × p each firing day (every probability else 1).
    table = run_campaign(load(allied(targeting=False)), expected=True).table
    alive, located = 100.0, []
    for _ in range(3):
        located.append(alive * own)
        alive -= alive * own
    assert table.column("launchers_located").to_pylist()[:3] == pytest.approx(located, rel=1e-12)
    summary = run_campaign(load(allied(targeting=False)), expected=True).summary()
    recon = summary["reconnaissance"]["force"]
    assert recon["assets"] == ["jp-sat", "us-isr"]
    assert recon["assets_cut"] == {"us-isr": "US releases no targeting to JP (network.sharing)"}
    assert recon["p_locate_one_salvo"] == pytest.approx(own, rel=1e-12)


def test_an_asset_lost_mid_campaign_stops_reporting_from_that_step():
    both = 1 - math.exp(-EXPOSED_FIRING_H * (JP_RATE + US_RATE))
    own = 1 - math.exp(-EXPOSED_FIRING_H * JP_RATE)
    hidden_own = 1 - math.exp(-0.5 * JP_RATE)  # day 3: rounds spent, 0.5 h in the open
    assert _p_locate(allied(lost_from_step=1)) == pytest.approx(
        [both, own, own, hidden_own], rel=1e-12
    )
    summary = run_campaign(load(allied(lost_from_step=1)), expected=True).summary()
    assert summary["reconnaissance"]["force"]["assets_lost_from_step"] == {"us-isr": 1}


def test_with_every_asset_cut_a_watched_force_is_not_found():
    doc = allied(targeting=False)
    doc["campaign"]["reconnaissance"][0]["lost_from_step"] = 0
    result = run_campaign(load(doc), expected=True)
    assert result.table.column("p_locate.force").to_pylist() == [0.0] * 4
    assert sum(result.table.column("launchers_destroyed").to_pylist()) == 0.0


def test_the_national_fallback_cuts_the_allys_reconnaissance_too():
    """The allied network never confirms (the US radar's link is cut), so the national
    fallback (Japan's own sensors) confirms: the same cut of the allies leaves Japan's own
    reconnaissance only, although the sharing releases US targeting."""
    doc = _assets(allied_feed_cut(launchers=100, launches_per_step=1000, strike_inventory=10**5))
    doc["network"]["sharing"] = [
        {"from_nation": "US", "to_nation": "JP", "kinds": ["early_warning", "targeting"]}
    ]
    result = run_campaign(load(doc), expected=True)
    assert result.summary()["confirmation"]["fallback"]["used"] == "national"
    own = 1 - math.exp(-EXPOSED_FIRING_H * JP_RATE)
    assert result.table.column("p_locate.force").to_pylist()[:3] == pytest.approx(
        [own] * 3, rel=1e-12
    )
    cut = result.summary()["reconnaissance"]["force"]["assets_cut"]
    assert list(cut) == ["us-isr"] and "national fallback (JP only)" in cut["us-isr"]
    # The intact network confirms itself: the ally's asset reports.
    del doc["network"]["events"]
    intact = run_campaign(load(doc), expected=True)
    assert intact.summary()["confirmation"].get("fallback") is None
    both = 1 - math.exp(-EXPOSED_FIRING_H * (JP_RATE + US_RATE))
    assert intact.table.column("p_locate.force").to_pylist()[:3] == pytest.approx(
        [both] * 3, rel=1e-12
    )


def test_targeting_is_not_an_engine_message():
    """Releasing `targeting` changes nothing in the engagement's network."""
    with_t, without = (load(allied(targeting=t)).scenario.network for t in (True, False))
    assert with_t is not None and without is not None
    assert with_t.sharing != without.sharing
    assert network_spec(with_t) == network_spec(without)


def _refused(doc: dict) -> str:
    with pytest.raises(ScenarioErrors) as err:
        load(doc)
    message = str(err.value).strip()
    assert len(message.splitlines()) == 1, message
    return message


def test_feed_inputs_are_checked():
    doc = allied()
    del doc["campaign"]["counterstrike"]["nation"]
    message = _refused(doc)
    assert "campaign.counterstrike.nation" in message and "['JP', 'US']" in message
    doc = allied()
    doc["campaign"]["reconnaissance"][1]["nation"] = "AU"
    message = _refused(doc)
    assert "campaign.reconnaissance[1].nation" in message and "'AU'" in message
    doc = allied(lost_from_step=4)
    assert "us-isr.lost_from_step 4 is not a step of the campaign (expected 0 to 3" in (
        _refused(doc)
    )


def test_cli_table_names_the_assets_not_used():
    summary = run_campaign(load(allied(targeting=False, lost_from_step=2)), expected=True).summary()
    console = Console(width=160, record=True)
    console.print(campaign_table(summary))
    text = console.export_text()
    assert "force: p located per step by reconnaissance (firing one salvo, step 0)" in text
    assert "us-isr not used: US releases no targeting to JP (network.sharing)" in text
    assert "us-isr lost from step 2" in text


def test_report_names_the_assets_not_used_and_lost():
    from kamae.report.campaign import describe_reconnaissance

    doc = allied(targeting=False)
    doc["campaign"]["reconnaissance"][0]["lost_from_step"] = 2
    summary = run_campaign(load(doc), expected=True).summary()
    (text,) = describe_reconnaissance(summary["reconnaissance"])
    own = 1 - math.exp(-EXPOSED_FIRING_H * JP_RATE)
    assert text == (
        f"Reconnaissance of force: located with p {own:.3g} in step 0 if a launcher fires one "
        "salvo (jp-sat, us-isr); not used: us-isr (US releases no targeting to JP "
        "(network.sharing)); lost: jp-sat from step 2."
    )
