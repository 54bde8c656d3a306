"""The scenario's `network:` section: bundled variants, and bad input named by field and line."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kamae.errors import ScenarioError, ScenarioErrors
from kamae.network import build_network
from kamae.scenario import bundled_scenarios, load_scenario
from kamae.scenario.references import all_sensor_ids
from kamae.world import validate_scenario
from kamae.world.flights import scenario_end_s
from kamae.world.si import network_spec

BASE = yaml.safe_load(bundled_scenarios()["japan-2027-networked"].read_text(encoding="utf-8"))


def _errors(tmp_path: Path, change) -> tuple[Path, list[ScenarioError]]:
    doc = copy.deepcopy(BASE)
    change(doc)
    path = tmp_path / "net.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    with pytest.raises((ScenarioError, ScenarioErrors)) as info:
        validate_scenario(str(path))
    exc = info.value
    return path, exc.errors if isinstance(exc, ScenarioErrors) else [exc]


def _line(path: Path, text: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return i
    raise AssertionError(text)


def test_bundled_variants_load_and_differ() -> None:
    names = ("japan-2027-networked", "japan-2027-national", "japan-2027-jammed")
    loaded = {n: load_scenario(n).scenario for n in names}
    base = load_scenario("japan-2027").scenario
    national = loaded["japan-2027-national"]
    assert [n.id for n in national.network.nations] == ["JP"]
    assert {s.id for s in national.sensors} == {s.id for s in base.sensors} - {
        "xband-north",
        "xband-west",
    }
    assert not national.space_sensors
    networked = loaded["japan-2027-networked"]
    assert networked.space_sensors == base.space_sensors
    assert {n.id for n in networked.network.nations} == {"JP", "US", "AU"}
    assert networked.sensors == loaded["japan-2027-jammed"].sensors
    assert not networked.network.events and len(loaded["japan-2027-jammed"].network.events) == 5
    for name, s in loaded.items():
        assert s.raids == base.raids and s.fire_units == base.fire_units, name
        net = build_network(
            network_spec(s.network),
            sensor_ids=all_sensor_ids(s),
            fire_unit_ids=[u.id for u in s.fire_units],
        )
        assert net.picture(0.0).engage.any(axis=1).all(), name  # every unit can engage


def test_jammed_variant_cuts_the_picture_during_attacks() -> None:
    loaded = load_scenario("japan-2027-jammed")
    s = loaded.scenario
    net = build_network(
        network_spec(s.network),
        sensor_ids=all_sensor_ids(s),
        fire_unit_ids=[u.id for u in s.fire_units],
    )
    before, during = net.picture(0.0).reachable.sum(), net.picture(150.0).reachable.sum()
    assert during < before
    assert scenario_end_s(loaded) > 600.0


def test_link_to_unknown_node(tmp_path: Path) -> None:
    def change(d):
        d["network"]["links"][0]["between"][1] = "jp-c3"

    path, errs = _errors(tmp_path, change)
    (err,) = errs
    assert err.field == "network.links[0].between[1]"
    assert "unknown node" in err.problem and "'jp-c3'" in str(err)
    assert err.line == _line(path, "- jp-c3")


def test_route_that_does_not_exist(tmp_path: Path) -> None:
    def change(d):
        d["network"]["routes"] = [{"path": ["xband-north", "jp-c2", "patriot-tokyo"]}]

    _, errs = _errors(tmp_path, change)
    (err,) = errs
    assert err.field == "network.routes[0].path[1]"
    assert "route does not exist: no link between xband-north and jp-c2" in err.problem


def test_policy_naming_unknown_nation(tmp_path: Path) -> None:
    def change(d):
        d["network"]["sharing"][0]["to_nation"] = "KR"

    _, errs = _errors(tmp_path, change)
    (err,) = errs
    assert err.field == "network.sharing[0].to_nation"
    assert "unknown nation" in err.problem and "'KR'" in str(err)


def test_event_outside_time_span(tmp_path: Path) -> None:
    def change(d):
        d["network"]["events"] = [
            {"kind": "link_cut", "links": ["us-jp"], "start_s": 5000, "end_s": 6000}
        ]

    path, errs = _errors(tmp_path, change)
    (err,) = errs
    assert err.field == "network.events[0].start_s"
    assert "outside the scenario's time span" in err.problem
    assert err.line == _line(path, "start_s: 5000")


def test_sensor_on_no_node_and_hosted_twice(tmp_path: Path) -> None:
    def change(d):
        d["network"]["nodes"] = [n for n in d["network"]["nodes"] if n["id"] != "xband-west"]
        d["network"]["links"] = [
            ln for ln in d["network"]["links"] if "xband-west" not in ln["between"]
        ]
        d["network"]["nodes"][0]["kind"] = "sensor"
        d["network"]["nodes"][0]["processing_ms"] = 0
        d["network"]["nodes"][0]["sensors"] = ["ew-okinawa"]

    _, errs = _errors(tmp_path, change)
    fields = {e.field: e.problem for e in errs}
    assert "sensor is on no network node" in fields["sensors[1].id"]
    twice = [p for f, p in fields.items() if f.startswith("network.nodes[") and "already" in p]
    assert twice


def test_satellite_lost_needs_a_space_node_and_unknown_ids(tmp_path: Path) -> None:
    def change(d):
        d["network"]["events"] = [
            {"kind": "satellite_lost", "node": "jp-c2", "start_s": 10},
            {"kind": "link_degraded", "links": ["nowhere"], "start_s": 10},
            {"kind": "radar_jammed", "sensor": "nothing", "start_s": 10},
        ]

    _, errs = _errors(tmp_path, change)
    fields = {e.field: e.problem for e in errs}
    assert "space: true" in fields["network.events[0].node"]
    assert "unknown link" in fields["network.events[1].links[0]"]
    assert "not a sensor id" in fields["network.events[2].sensor"]


def test_bad_deceptions_and_sharing_fields_name_file_field_and_value(tmp_path: Path) -> None:
    """A deception on a node without sensors, one without a displacement, an unknown
    sharing policy: each a one-line error naming the field."""

    def change(d):
        d["network"]["events"] = [
            {"kind": "node_compromised", "node": "jp-c2", "start_s": 10,
             "deception": "displaced", "displacement_km": 5},
        ]  # fmt: skip

    _, errs = _errors(tmp_path, change)
    fields = {e.field: e.problem for e in errs}
    assert "hosts sensors" in fields["network.events[0].node"]

    def no_move(d):
        d["network"]["events"] = [
            {"kind": "node_compromised", "node": "ew-okinawa", "start_s": 10,
             "deception": "false_tracks"},
        ]  # fmt: skip

    _, errs = _errors(tmp_path, no_move)
    assert any("displacement_km > 0" in e.problem for e in errs)

    def bad_policy(d):
        d["network"]["track_reports"] = "rumours"
        d["network"]["track_report_interval_s"] = 0

    _, errs = _errors(tmp_path, bad_policy)
    fields = {e.field for e in errs}
    assert {"network.track_reports", "network.track_report_interval_s"} <= fields


def test_remote_mode_without_remote_data(tmp_path: Path) -> None:
    def change(d):
        d["network"]["links"] = [
            ln for ln in d["network"]["links"] if "patriot-naha" not in ln["between"]
        ]

    _, errs = _errors(tmp_path, change)
    (err,) = errs
    assert err.field == "network.engagement_modes.patriot-naha"
    assert "no remote sensor's tracks can reach it" in err.problem


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            lambda d: d["network"]["links"][0].update(between=["jp-c2", "jp-c2"]),
            "network.links[0]",
            "two different nodes",
        ),
        (
            lambda d: d["network"]["nodes"][0].update(fire_units=["patriot-tokyo"]),
            "network.nodes[0]",
            "hosts no sensors or fire units",
        ),
        (
            lambda d: d["network"]["links"][0].update(loss_probability=1.5),
            "network.links[0].loss_probability",
            "less than or equal to 1",
        ),
        (
            lambda d: d["network"].update(
                events=[
                    {
                        "kind": "radar_jammed",
                        "sensor": "xband-west",
                        "start_s": 0,
                        "jamming_to_noise_db": 10,
                        "range_factor": 0.5,
                    }
                ]
            ),
            "network.events[0]",
            "not both",
        ),
        (
            lambda d: d["network"].update(
                events=[{"kind": "link_cut", "links": ["us-jp"], "start_s": 50, "end_s": 20}]
            ),
            "network.events[0]",
            "end_s must be after start_s",
        ),
        (
            lambda d: d["network"].update(events=[{"kind": "meteor", "start_s": 0}]),
            "network.events[0].kind",
            "does not match any of the expected tags",
        ),
    ],
)
def test_schema_errors_name_the_field(tmp_path: Path, change, field: str, words: str) -> None:
    _, errs = _errors(tmp_path, change)
    assert any(e.field == field and words in e.problem for e in errs), [str(e) for e in errs]


def test_cli_reports_one_line_and_exit_2(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["network"]["sharing"][0]["from_nation"] = "XX"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "kamae.cli", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert lines[0].startswith(f"error: {path}:") and "network.sharing[0].from_nation" in lines[0]
