"""`kamae export dis` (issue 21): one replication as DIS 7 PDUs. Every PDU written decodes
(open-dis-python), entity states sit on the engine's trajectories, Fire and Detonation PDUs
are at the launch and intercept events, the byte layout is the standard's, and PDUs sent
over UDP to 127.0.0.1 arrive unchanged."""

from __future__ import annotations

import socket
import struct
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from export_fixtures import REPLICATION, small_run
from typer.testing import CliRunner

from kamae.cli import app
from kamae.errors import KamaeError
from kamae.export import read_replay
from kamae.export.dis import (
    DRM_FPW,
    DRM_FVW,
    TIME_UNIT_S,
    loopback_address,
    read_pdus,
    send_udp,
    split_pdus,
)

pytest.importorskip("opendis", reason="open-dis-python: pip install --no-deps opendis")
runner = CliRunner()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_run(tmp_path_factory.mktemp("dis"))


@pytest.fixture(scope="module")
def written(run: Path) -> Path:
    out = run / "r.dis"
    result = runner.invoke(
        app, ["export", "dis", str(run), "--replication", str(REPLICATION), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


def _events(run: Path, kind: str, detail: str | None = None) -> list[float]:
    events = read_replay(run, REPLICATION).events.to_pylist()
    return sorted(
        e["time_s"] for e in events if e["kind"] == kind and detail in (None, e["detail"])
    )


def test_every_pdu_decodes_and_states_sit_on_the_trajectories(run: Path, written: Path) -> None:
    replay = read_replay(run, REPLICATION)
    world, traj = replay.world, replay.world.trajectory
    n = len(world.threat_ids)
    raw = split_pdus(written.read_bytes())
    pdus = read_pdus(written)
    assert len(pdus) == len(raw) > 1000
    kinds = Counter(type(p).__name__ for _, p in pdus)
    assert set(kinds) == {"EntityStatePdu", "FirePdu", "DetonationPdu"}
    times = [t for t, _ in pdus]
    assert times == sorted(times)
    threat_states = 0
    for t, p in pdus:
        assert p.protocolVersion == 7 and p.exerciseID == 1
        if type(p).__name__ != "EntityStatePdu":
            continue
        number = p.entityID.entityID
        loc = p.entityLocation
        xyz = np.array([loc.x, loc.y, loc.z])
        if number > n:  # an interceptor round
            assert p.forceId == 1 and p.deadReckoningParameters.deadReckoningAlgorithm == DRM_FPW
            continue
        row = number - 1
        assert p.forceId == 2 and p.deadReckoningParameters.deadReckoningAlgorithm == DRM_FVW
        assert p.marking.charactersString() == world.threat_ids[row][:11]
        k = np.flatnonzero(np.abs(world.times - t) < 1e-5)
        if k.size:
            truth, v = traj.position[row, k[0]], traj.velocity[row, k[0]]
        else:  # the impact sample
            assert t == pytest.approx(traj.impact_time[row], abs=1e-5)
            truth, v = traj.impact_position[row], None
        assert np.linalg.norm(xyz - truth) < 1.0
        if v is not None:
            vel = p.entityLinearVelocity
            assert np.allclose([vel.x, vel.y, vel.z], v, rtol=1e-6, atol=1e-3)  # float32
        threat_states += 1
    assert threat_states > 1000
    fires = [t for t, p in pdus if type(p).__name__ == "FirePdu"]
    assert fires == pytest.approx(_events(run, "launch"), abs=2 * TIME_UNIT_S)
    detonations = {"hit": 1, "miss": 5}
    for detail, result in detonations.items():
        got = [
            t
            for t, p in pdus
            if type(p).__name__ == "DetonationPdu" and p.detonationResult == result
        ]
        assert got == pytest.approx(_events(run, "intercept", detail), abs=2 * TIME_UNIT_S)
    leaks = [t for t, p in pdus if type(p).__name__ == "DetonationPdu" and p.detonationResult == 3]
    assert leaks == pytest.approx(_events(run, "leak"), abs=2 * TIME_UNIT_S)


def test_entity_state_layout_is_the_standards(written: Path) -> None:
    """IEEE 1278.1-2012 7.2.2 read with struct, independently of open-dis: a 12-byte header
    (version 7, type 1, family 1, length 144 without variable parameters), the location's
    three float64 at byte 48, the dead-reckoning algorithm at byte 88."""
    raw = split_pdus(written.read_bytes())
    states = [r for r in raw if r[2] == 1]
    first = read_pdus(written)[0][1]
    assert type(first).__name__ == "EntityStatePdu"
    version, _, kind, family, _, length = struct.unpack(">BBBBIH", states[0][:10])
    assert (version, kind, family, length) == (7, 1, 1, 144) and len(states[0]) == 144
    x, y, z = struct.unpack(">3d", states[0][48:72])
    loc = first.entityLocation
    assert (x, y, z) == (loc.x, loc.y, loc.z)
    assert states[0][88] == DRM_FVW
    fires = [r for r in raw if r[2] == 2]
    assert fires and all(r[3] == 2 and len(r) == 96 for r in fires)  # 7.3.2: 768 bits


def test_udp_round_trip_on_loopback(written: Path) -> None:
    raw = split_pdus(written.read_bytes())[:200]
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(5.0)
        port = sock.getsockname()[1]
        assert send_udp([(0.0, r) for r in raw], f"127.0.0.1:{port}") == len(raw)
        got = [sock.recv(2048) for _ in raw]
    assert got == raw


def test_only_loopback_is_accepted(run: Path) -> None:
    assert loopback_address("127.0.0.1:3000") == ("127.0.0.1", 3000)
    assert loopback_address("[::1]:3000") == ("::1", 3000)
    for bad in ("192.168.1.5:3000", "8.8.8.8:53", "localhost:3000", "127.0.0.1:0"):
        with pytest.raises(KamaeError, match="loopback"):
            loopback_address(bad)
    result = runner.invoke(app, ["export", "dis", str(run), "--udp", "10.0.0.1:3000"])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert "--udp 10.0.0.1:3000" in result.output and "loopback" in result.output
