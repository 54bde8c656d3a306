"""`kamae export czml` (issue 21): one replication as CZML. The file parses back with
czml3's models and as JSON, its ids are unique, every threat's samples are the engine's
trajectory at their times, and launches, intercepts and leaks are at the event log's times."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from czml3 import Document
from export_fixtures import REPLICATION, small_run
from typer.testing import CliRunner

from kamae.cli import app
from kamae.engagement.envelope import Flyout, flyout_time
from kamae.export import read_replay
from kamae.export.czml import DEFAULT_EPOCH, czml_document
from kamae.export.replay import flyout_distance
from kamae.geo import enu_rotation

runner = CliRunner()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_run(tmp_path_factory.mktemp("czml"))


@pytest.fixture(scope="module")
def written(run: Path) -> tuple[Path, list[dict]]:
    out = run / "r.czml"
    result = runner.invoke(
        app, ["export", "czml", str(run), "--replication", str(REPLICATION), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out, json.loads(out.read_text(encoding="utf-8"))


def _seconds(stamp: str) -> float:
    return (dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")) - DEFAULT_EPOCH).total_seconds()


def _span(packet: dict) -> tuple[float, float]:
    start, end = packet["availability"].split("/")
    return _seconds(start), _seconds(end)


def _samples(packet: dict) -> tuple[np.ndarray, np.ndarray]:
    flat = np.array(packet["position"]["cartesian"], dtype=float).reshape(-1, 4)
    return flat[:, 0], flat[:, 1:]


def _events(run: Path, kind: str) -> list[dict]:
    events = read_replay(run, REPLICATION).events.to_pylist()
    return [e for e in events if e["kind"] == kind]


def test_the_file_parses_back_with_czml3_and_ids_are_unique(written: tuple) -> None:
    path, packets = written
    doc = Document.model_validate_json(path.read_text(encoding="utf-8"))
    assert len(doc.packets) == len(packets) and packets[0]["id"] == "document"
    ids = [p["id"] for p in packets]
    assert len(ids) == len(set(ids))
    kinds = Counter(i.split("/")[0] for i in ids[1:])
    assert kinds["threat"] == 6 and kinds["sensor"] == 1 and kinds["fire-unit"] == 1
    assert kinds["interceptor"] == 8  # the ship's whole inventory, one packet a round


def test_every_threat_sample_is_the_engines_trajectory(run: Path, written: tuple) -> None:
    replay = read_replay(run, REPLICATION)
    world, traj = replay.world, replay.world.trajectory
    kills = {e["threat"]: e["time_s"] for e in _events(run, "kill")}
    checked = 0
    for n, tid in enumerate(world.threat_ids):
        (packet,) = [p for p in written[1] if p["id"] == f"threat/{tid}"]
        assert packet["position"]["referenceFrame"] == "FIXED"
        times, xyz = _samples(packet)
        for t, p in zip(times, xyz, strict=True):
            k = np.flatnonzero(np.isclose(world.times, t, atol=1e-9))
            truth = traj.position[n, k[0]] if k.size else traj.impact_position[n]
            if not k.size:
                assert t == pytest.approx(traj.impact_time[n], abs=1e-9)
            assert np.linalg.norm(p - truth) < 1.0
            checked += 1
        assert times[0] == pytest.approx(traj.launch_time[n], abs=world.dt)
        end = kills.get(tid, float(traj.impact_time[n]))
        assert times[-1] == pytest.approx(end, abs=1e-9) and _span(packet)[1] == pytest.approx(end)
    assert checked > 1000


def test_launches_and_intercepts_at_the_events_times(run: Path, written: tuple) -> None:
    replay = read_replay(run, REPLICATION)
    world = replay.world
    rounds = [p for p in written[1] if p["id"].startswith("interceptor/")]
    launches = sorted(e["time_s"] for e in _events(run, "launch"))
    assert sorted(_span(p)[0] for p in rounds) == pytest.approx(launches, abs=1e-6)
    arrivals = _events(run, "intercept")
    assert {e["detail"] for e in arrivals} == {"hit", "miss"}  # the fixture's salvos
    assert sorted(_span(p)[1] for p in rounds) == pytest.approx(
        sorted(e["time_s"] for e in arrivals), abs=1e-6
    )
    points = [p for p in written[1] if p["id"].startswith("intercept/")]
    assert sorted(_span(p)[0] for p in points) == pytest.approx(
        sorted(e["time_s"] for e in arrivals), abs=1e-6
    )
    rows = {tid: n for n, tid in enumerate(world.threat_ids)}
    for p in rounds:  # from the fire unit to its threat's true position at the intercept
        times, xyz = _samples(p)
        assert np.linalg.norm(xyz[0] - world.fire_units.ecef[0]) < 1.0
        target = p["description"].split(" at ")[1].split(":")[0]
        k = int(np.argmin(np.abs(world.times - times[-1])))
        assert np.linalg.norm(xyz[-1] - world.trajectory.position[rows[target], k]) < 1.0
    leaks = [p for p in written[1] if p["id"].startswith("leak/")]
    assert sorted(_span(p)[0] for p in leaks) == pytest.approx(
        sorted(e["time_s"] for e in _events(run, "leak")), abs=1e-6
    )
    assert len(leaks) == 2


def test_radar_coverage_sector_holds_its_field_of_regard(run: Path) -> None:
    """Cesium's ellipsoid clock (from east towards north) and cone (from up) angles, in the
    site's east-north-up frame, contain exactly the directions of the radar's field of
    regard (boresight 250°, 120° wide, elevation 0-90°)."""
    replay = read_replay(run, REPLICATION)
    radar = replay.world.radars[0]
    (packet,) = [p.to_dict() for p in czml_document(replay).packets if p.id == "sensor/radar"]
    shape = packet["ellipsoid"]
    assert shape["radii"]["cartesian"] == [radar.max_range_m] * 3
    enu = enu_rotation(radar.lat, radar.lon)
    for az_deg in (190.5, 250.0, 309.5, 180.0, 320.0, 70.0):
        for el_deg in (1.0, 45.0, 89.0):
            az, el = math.radians(az_deg), math.radians(el_deg)
            d = np.array([math.sin(az) * math.cos(el), math.cos(az) * math.cos(el), math.sin(el)])
            east, north, up = enu @ (enu.T @ d)  # through ECEF and back
            clock = math.atan2(north, east) % (2 * math.pi)
            cone = math.acos(up)
            inside = (
                any(
                    shape["minimumClock"] <= c <= shape["maximumClock"]
                    for c in (clock, clock + 2 * math.pi)
                )
                and shape["minimumCone"] <= cone <= shape["maximumCone"]
            )
            assert inside == (190.0 <= az_deg <= 310.0), (az_deg, el_deg)


@pytest.mark.parametrize(
    "flyout",
    [Flyout(3000.0, None, None), Flyout(None, 4500.0, 12.0)],
    ids=["mean-speed", "profile"],
)
def test_flyout_distance_inverts_flyout_time(flyout: Flyout) -> None:
    """The replay's fly-out distance is the inverse of the engine's fly-out time."""
    d = np.array([0.0, 1e3, 26_999.0, 27_000.0, 27_001.0, 3e5])
    assert flyout_distance(flyout_time(d, flyout), flyout) == pytest.approx(d, rel=1e-12, abs=1e-6)


def test_bad_input_is_one_line(run: Path, tmp_path: Path) -> None:
    cases = [
        (["export", "czml", str(run), "--replication", "9"], "--replication 9"),
        (["export", "czml", str(tmp_path / "none")], "no such directory"),
        (["export", "czml", str(tmp_path)], "missing summary.json"),
        (["export", "czml", str(run), "--epoch", "soon"], "--epoch soon"),
    ]
    for args, expected in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], result.output


def test_rounds_pair_launches_with_their_arrivals(run: Path) -> None:
    """The corner cases of the pairing, on a constructed log: a round whose threat was dead
    on arrival (no intercept event: it ends at the planned time on the grid), a round that met
    another object (it ends there), one that met nothing (it ends at its own target), and two
    salvos arriving together, the first at a dead threat."""
    import pyarrow as pa

    from kamae.export.replay import _rounds

    world = read_replay(run, REPLICATION).world
    a, b = world.threat_ids[0], world.threat_ids[1]
    rows = [  # time, kind, threat, unit, detail
        (100.0, "launch", a, "ship", "intercept_at_s=200 pk=0.700"),
        (101.0, "launch", a, "ship", "intercept_at_s=210 pk=0.700"),
        (102.0, "launch", b, "ship", "intercept_at_s=220 pk=0.700"),
        (103.0, "launch", a, "ship", "intercept_at_s=230 pk=0.700"),
        (104.0, "launch", b, "ship", "intercept_at_s=230 pk=0.700"),
        (210.0, "intercept", b, "ship", "hit"),
        (220.0, "intercept", b, "ship", "no_object"),
        (230.0, "intercept", b, "ship", "miss"),
    ]
    events = pa.table(
        {
            "time_s": [r[0] for r in rows],
            "kind": [r[1] for r in rows],
            "threat": [r[2] for r in rows],
            "fire_unit": [r[3] for r in rows],
            "interceptor": ["test-upper"] * len(rows),
            "detail": [r[4] for r in rows],
        }
    )
    dead, other, nothing, dead_too, own = _rounds(world, events, run)
    assert (dead.result, dead.intercept_s, dead.met) == ("none", 200.0, 0)
    assert (other.result, other.intercept_s, other.met) == ("hit", 210.0, 1)
    assert np.linalg.norm(other.end - world.trajectory.position[1, 210]) < 1e-6
    assert (nothing.result, nothing.intercept_s, nothing.met) == ("no_object", 220.0, -1)
    assert np.linalg.norm(nothing.end - world.trajectory.position[1, 220]) < 1e-6
    # Two salvos of one unit arriving together: each takes its own threat's event first.
    assert (dead_too.result, dead_too.met, own.result, own.met) == ("none", 0, "miss", 1)
    assert [r.id for r in (dead, other, nothing, dead_too, own)] == [
        f"ship/{k}" for k in range(1, 6)
    ]
