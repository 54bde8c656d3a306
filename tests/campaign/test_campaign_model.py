"""The campaign section of the scenario: bad input refused at load, schedule, determinism,
the command line and the report."""

from __future__ import annotations

import json

import pytest
from campaign_scenarios import campaign_doc, load
from typer.testing import CliRunner

from kamae.campaign import run_campaign
from kamae.campaign.defense import calibrate
from kamae.campaign.plan import build_plan
from kamae.cli import app
from kamae.errors import ScenarioErrors
from kamae.report.campaign import campaign_rings
from kamae.scenario import load_scenario
from kamae.scenario.campaign import LauncherForce, salvos_in_step


def _refused(doc: dict) -> str:
    with pytest.raises(ScenarioErrors) as err:
        load(doc)
    return str(err.value)


def test_launchers_without_missiles_are_refused():
    doc = campaign_doc()
    doc["campaign"]["forces"][0]["missiles_per_launcher"] = 0
    assert "campaign.forces[0].missiles_per_launcher" in _refused(doc)


@pytest.mark.parametrize("value", [None, 0])
def test_strike_weapon_without_range_is_refused(value):
    doc = campaign_doc()
    weapon = doc["campaign"]["strike_weapons"]["test-strike"]
    if value is None:
        del weapon["range_km"]
    else:
        weapon["range_km"] = value
    message = _refused(doc)
    assert "campaign.strike_weapons.test-strike.range_km" in message


@pytest.mark.parametrize(
    ("polygon", "words"),
    [
        ([(38, 126), (41, 129), (38, 129), (41, 126)], "not simple"),
        ([(38, 126), (39, 127), (40, 128)], "no area"),
        ([(38, 126), (41, 129)], "at least 3"),
        ([(38, 126), (38, 129), (41, 129), (38, 126)], "do not repeat"),
    ],
)
def test_invalid_polygon_is_refused(polygon, words):
    doc = campaign_doc()
    doc["campaign"]["areas"][0]["polygon"] = [{"lat_deg": a, "lon_deg": b} for a, b in polygon]
    message = _refused(doc)
    assert "campaign.areas[0].polygon" in message
    assert words in message


def test_unknown_raid_and_weapon_are_refused():
    doc = campaign_doc()
    doc["campaign"]["forces"][0]["raids"] = ["nope"]
    doc["campaign"]["counterstrike"]["platforms"][0]["weapon"] = "nope"
    message = _refused(doc)
    assert "campaign.forces[0].raids[0]: unknown raid" in message
    assert "campaign.counterstrike.platforms[0].weapon: unknown strike weapon" in message


def test_salvo_schedule_respects_reload():
    f = LauncherForce(
        id="f", raids=["r"], launchers=1, missiles_per_launcher=9, salvos_per_step=4,
        reload_h=10, first_step=1, last_step=3,
    )  # fmt: skip
    assert [salvos_in_step(f, k, 24.0) for k in range(5)] == [0, 2, 2, 2, 0]
    slow = f.model_copy(update={"reload_h": 60.0})
    assert [salvos_in_step(slow, k, 24.0) for k in range(5)] == [0, 1, 0, 0, 0]
    hourly = f.model_copy(update={"reload_h": 3.0, "first_step": 0, "last_step": None})
    assert [salvos_in_step(hourly, k, 1.0) for k in range(7)] == [1, 0, 0, 1, 0, 0, 1]


def test_same_seed_same_campaign_and_seed_matters():
    doc = campaign_doc(sspk=0.6, shots=2, inventory=20, p_locate=0.5, p_kill=0.6)
    loaded = load(doc)
    plan = build_plan(loaded)
    cal = calibrate(plan, 0, 4)
    a = run_campaign(loaded, replications=6, seed=4, plan=plan, calibration=cal)
    b = run_campaign(loaded, replications=6, seed=4, plan=plan, calibration=cal)
    c = run_campaign(loaded, replications=6, seed=5, plan=plan, calibration=cal)
    assert a.table.equals(b.table)
    assert not a.table.equals(c.table)


@pytest.mark.slow
def test_engine_campaign_does_not_depend_on_workers():
    doc = campaign_doc(sspk=0.6, shots=2, inventory=20, steps=2, defense="engine")
    loaded = load(doc)
    one = run_campaign(loaded, replications=3, seed=2, workers=1)
    two = run_campaign(loaded, replications=3, seed=2, workers=2)
    assert one.table.equals(two.table)


def test_bundled_campaign_scenario_and_rings():
    loaded = load_scenario("japan-2027-campaign")
    rings = campaign_rings(loaded)
    assert {r.radius_km for r in rings} == {1000.0, 1600.0, 1500.0}
    assert all(r.source for r in rings)


def test_cli_coverage_json():
    result = CliRunner().invoke(
        app, ["calc", "coverage", "--range-km", "200", "--range-km", "1500", "--cells", "2000",
              "--area", "northwest-launch-region", "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["covered_fraction"] for r in rows] == [0.0, 1.0]


def test_cli_campaign_writes_folder_and_report(tmp_path):
    path = tmp_path / "c.yaml"
    import yaml

    path.write_text(yaml.safe_dump(campaign_doc(steps=2)), encoding="utf-8")
    result = CliRunner().invoke(
        app,
        [
            "campaign",
            str(path),
            "--no-sensitivity",
            "-n",
            "2",
            "--out",
            str(tmp_path / "o"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    # Day 0: 4 missiles; strikes from 1 h keep floor(4 × 23/24) = 3 launches, killing 3 of
    # the 4 launchers; day 1: the last one fires 1.
    assert summary["missiles_launched"]["mean"] == 5.0
    folder = next((tmp_path / "o").iterdir())
    html = (folder / "campaign.html").read_text(encoding="utf-8")
    assert "Reach of the counterstrike platforms" in html
    assert (folder / "campaign.parquet").is_file()


def test_cli_bad_campaign_is_one_line_exit_2(tmp_path):
    import yaml

    doc = campaign_doc()
    doc["campaign"]["forces"][0]["missiles_per_launcher"] = 0
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    result = CliRunner().invoke(app, ["campaign", str(path)])
    assert result.exit_code == 2
    assert "missiles_per_launcher" in result.output
    assert "Traceback" not in result.output


def test_scenario_without_campaign_is_refused_by_the_command():
    result = CliRunner().invoke(app, ["campaign", "japan-2027", "--no-sensitivity"])
    assert result.exit_code == 2
    assert "no campaign section" in result.output
