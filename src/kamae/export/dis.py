"""One replication as IEEE 1278.1-2012 (DIS 7) PDUs, encoded and decoded by open-dis-python.

Entity State PDUs (7.2.2) for threats and interceptors at every sample of the replay
(`kamae.export.replay`): location in world coordinates (ECEF, WGS-84, m, float64), linear
velocity (m/s, float32), orientation along the velocity (psi = atan2(vy, vx), theta =
atan2(-vz, |v_xy|), phi = 0, rad), dead reckoning DRM(F,V,W) (algorithm 5, linear
acceleration from the trajectory's velocities) for threats and DRM(F,P,W) (algorithm 2) for
interceptors; the last PDU of a killed threat has its damage bits set to destroyed. Fire
PDUs (7.3.2) at launches, Detonation PDUs (7.3.3) at intercepts (result 1 entity impact for
a hit, 5 detonation for a miss) and at leaks (3 ground impact). Timestamps are relative
(bit 0 = 0), in units of 3600 s / 2³¹ past the hour of scenario time, so they wrap each hour
(`read_pdus` unwraps them in file order).

Entity ids: site 1, application 1; threats 1..N by object row, fire units N+1..N+F (firing
entities of Fire PDUs; no Entity State PDUs), interceptor rounds after them in launch order.
Entity types (SISO-REF-010): kind 2 munition, domain 0, country 0, category 2 ballistic
(ballistic, quasi-ballistic) or 1 guided (others, interceptors); no specific type is claimed.
Force 2 opposing (threats), 1 friendly (interceptors).

The file is the PDUs concatenated in time order; each PDU's header holds its length
(bytes 8-9, big-endian), which delimits it.
"""

from __future__ import annotations

import ipaddress
import math
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import numpy as np

from kamae.arrays import FloatArray
from kamae.errors import KamaeError
from kamae.export.replay import (
    Replay,
    Round,
    object_samples,
    round_positions,
    round_times,
    write_output,
)

SITE, APPLICATION, EXERCISE = 1, 1, 1
DRM_FPW, DRM_FVW = 2, 5
"""Dead reckoning algorithms: constant velocity; constant acceleration (world coordinates)."""
FORCE_FRIENDLY, FORCE_OPPOSING = 1, 2
KIND_MUNITION, CATEGORY_GUIDED, CATEGORY_BALLISTIC = 2, 1, 2
RESULT = {"hit": 1, "miss": 5, "leak": 3}
"""Detonation results: entity impact, detonation, ground impact."""
DESTROYED = 3 << 3
"""Appearance damage bits (3-4) = 3: destroyed."""
TIME_UNIT_S = 3600.0 / 2**31


def open_dis() -> Any:
    """open-dis-python's DIS 7 records, or a one-line KamaeError saying how to install it."""
    try:
        from opendis import dis7
    except ImportError:
        raise KamaeError(
            "DIS export needs open-dis-python: pip install --no-deps opendis (its 1.0 release "
            "pins numpy<2, which kamae's other dependencies exclude; see docs/interop.md)"
        ) from None
    return dis7


def timestamp(t: float) -> int:
    """A relative DIS timestamp (6.2.88) for scenario time t, s."""
    units = int(round((t % 3600.0) / TIME_UNIT_S)) % 2**31
    return units << 1


def _entity(dis: Any, number: int) -> Any:
    if not 0 < number < 0xFFFF:
        raise KamaeError(f"DIS entity number {number} out of range (1 to 65534): too many objects")
    return dis.EntityID(SITE, APPLICATION, number)


def _vec3d(dis: Any, p: FloatArray) -> Any:
    return dis.Vector3Double(*map(float, p))


def _vec3f(dis: Any, v: FloatArray) -> Any:
    return dis.Vector3Float(*map(float, v))


def _orientation(dis: Any, v: FloatArray) -> Any:
    vx, vy, vz = map(float, v)
    return dis.EulerAngles(math.atan2(vy, vx), math.atan2(-vz, math.hypot(vx, vy)), 0.0)


def _encode(pdu: Any, t: float) -> bytes:
    """The PDU's bytes, with its timestamp and length set."""
    from opendis.DataOutputStream import DataOutputStream

    pdu.timestamp = timestamp(t)
    pdu.pduStatus = 0
    pdu.exerciseID = EXERCISE
    # open-dis-python 1.0's PduSuperclass.__init__ sets both to 0 on the instance, hiding
    # each class's own value: written as the class declares them.
    pdu.pduType, pdu.protocolFamily = type(pdu).pduType, type(pdu).protocolFamily
    for _ in range(2):  # the first pass measures the length the header must hold
        buf = BytesIO()
        pdu.serialize(DataOutputStream(buf))
        pdu.length = len(buf.getvalue())
    return buf.getvalue()


@dataclass(frozen=True)
class _Mover:
    number: int
    marking: str
    force: int
    category: int
    algorithm: int
    times: FloatArray
    position: FloatArray
    velocity: FloatArray
    destroyed_at_end: bool


def _state_pdus(dis: Any, m: _Mover) -> Iterator[tuple[float, bytes]]:
    """Entity State PDUs of one mover at each of its samples."""
    accel = (
        np.gradient(m.velocity, m.times, axis=0)
        if m.algorithm == DRM_FVW and m.times.size > 1
        else np.zeros_like(m.velocity)
    )
    last = m.times.size - 1
    for k, t in enumerate(m.times.tolist()):
        pdu = dis.EntityStatePdu(
            entityID=_entity(dis, m.number), forceId=m.force,
            entityType=dis.EntityType(KIND_MUNITION, 0, 0, m.category),
            entityLinearVelocity=_vec3f(dis, m.velocity[k]),
            entityLocation=_vec3d(dis, m.position[k]),
            entityOrientation=_orientation(dis, m.velocity[k]),
            entityAppearance=DESTROYED if (k == last and m.destroyed_at_end) else 0,
            deadReckoningParameters=dis.DeadReckoningParameters(
                m.algorithm, entityLinearAcceleration=_vec3f(dis, accel[k])
            ),
            capabilities=0,
        )  # fmt: skip
        pdu.marking.setString(m.marking.encode("ascii", "replace").decode()[:11])
        yield t, _encode(pdu, t)


def _round_track(r: Round, grid: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """A round's sample times, positions and velocities (finite differences on its chord)."""
    times = round_times(r, grid)
    pos = round_positions(r, times)
    vel = np.gradient(pos, times, axis=0) if times.size > 1 else np.zeros_like(pos)
    return times, pos, vel


def _movers(replay: Replay) -> list[_Mover]:
    world = replay.world
    threats, units = len(world.threat_ids), len(world.fire_units.ids)
    out = []
    for n, tid in enumerate(world.threat_ids):
        times, pos, vel = object_samples(replay, n)
        if times.size:
            ballistic = world.threat_kind[n] in ("ballistic", "quasi_ballistic")
            out.append(
                _Mover(n + 1, tid, FORCE_OPPOSING,
                       CATEGORY_BALLISTIC if ballistic else CATEGORY_GUIDED, DRM_FVW,
                       times, pos, vel, replay.fates[n].killed)
            )  # fmt: skip
    for i, r in enumerate(replay.rounds):
        times, pos, vel = _round_track(r, world.times)
        out.append(
            _Mover(threats + units + i + 1, r.id, FORCE_FRIENDLY, CATEGORY_GUIDED, DRM_FPW,
                   times, pos, vel, False)
        )  # fmt: skip
    return out


def _warfare_pdus(dis: Any, replay: Replay) -> Iterator[tuple[float, bytes]]:
    """Fire PDUs at launches, Detonation PDUs at intercepts and leaks."""
    world = replay.world
    threats, units = len(world.threat_ids), len(world.fire_units.ids)
    rows = {tid: n for n, tid in enumerate(world.threat_ids)}
    event = 0
    for i, r in enumerate(replay.rounds):
        event += 1
        me, unit = threats + units + i + 1, threats + r.unit + 1
        target = (r.met if r.met >= 0 else rows[r.target]) + 1
        munition = dis.MunitionDescriptor(
            dis.EntityType(KIND_MUNITION, 0, 0, CATEGORY_GUIDED), quantity=1
        )
        _, _, vel = _round_track(r, world.times)
        eid = dis.EventIdentifier(dis.SimulationAddress(SITE, APPLICATION), event % 0xFFFF)
        fire = dis.FirePdu(
            munitionExpendableID=_entity(dis, me), eventID=eid, location=_vec3d(dis, r.start),
            descriptor=munition, velocity=_vec3f(dis, vel[0]),
            range_=float(np.linalg.norm(r.end - r.start)),
        )  # fmt: skip
        fire.firingEntityID, fire.targetEntityID = (
            _entity(dis, unit),
            _entity(dis, rows[r.target] + 1),
        )
        yield r.launch_s, _encode(fire, r.launch_s)
        if r.result in ("hit", "miss"):
            det = dis.DetonationPdu(
                explodingEntityID=_entity(dis, me), eventID=eid, velocity=_vec3f(dis, vel[-1]),
                location=_vec3d(dis, r.end), descriptor=munition,
                detonationResult=RESULT[r.result],
            )  # fmt: skip
            det.firingEntityID, det.targetEntityID = _entity(dis, unit), _entity(dis, target)
            yield r.intercept_s, _encode(det, r.intercept_s)
    for t, n in replay.leaks():
        event += 1
        det = dis.DetonationPdu(
            explodingEntityID=_entity(dis, n + 1),
            eventID=dis.EventIdentifier(dis.SimulationAddress(SITE, APPLICATION), event % 0xFFFF),
            location=_vec3d(dis, world.trajectory.impact_position[n]),
            descriptor=dis.MunitionDescriptor(dis.EntityType(KIND_MUNITION, 0, 0), quantity=1),
            detonationResult=RESULT["leak"],
        )  # fmt: skip
        det.firingEntityID = _entity(dis, n + 1)
        yield t, _encode(det, t)


def dis_pdus(replay: Replay) -> list[tuple[float, bytes]]:
    """Every PDU of the replay as (scenario time s, bytes), in time order (stable: at one
    time, entity states first, then fires and detonations)."""
    dis = open_dis()
    states = [p for m in _movers(replay) for p in _state_pdus(dis, m)]
    out = states + list(_warfare_pdus(dis, replay))
    return sorted(out, key=lambda p: p[0])


def write_dis(replay: Replay, path: Path) -> list[tuple[float, bytes]]:
    """Write the replay's PDUs concatenated to `path`; returns them."""
    pdus = dis_pdus(replay)
    write_output(path, b"".join(b for _, b in pdus))
    return pdus


def loopback_address(text: str) -> tuple[str, int]:
    """HOST:PORT of a loopback address (127.0.0.0/8 or ::1), else a KamaeError."""
    host, _, port = text.rpartition(":")
    host = host.strip("[]")
    try:
        address = ipaddress.ip_address(host)
        number = int(port)
    except ValueError:
        raise KamaeError(
            f"--udp {text}: expected a loopback HOST:PORT, e.g. 127.0.0.1:3000"
        ) from None
    if not address.is_loopback or not 0 < number < 65536:
        raise KamaeError(
            f"--udp {text}: only a loopback address (127.0.0.1, ::1) and a port 1-65535 are "
            "allowed (DIS is sent to this machine only)"
        )
    return str(address), number


def send_udp(pdus: list[tuple[float, bytes]], address: str) -> int:
    """Send each PDU as one datagram to a loopback HOST:PORT, at once (no real-time pacing);
    returns the number sent."""
    host, port = loopback_address(address)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        for _, data in pdus:
            sock.sendto(data, (host, port))
    return len(pdus)


def split_pdus(data: bytes, source: str = "DIS data") -> list[bytes]:
    """Concatenated PDUs cut by the length in each header."""
    out, i = [], 0
    while i < len(data):
        if len(data) - i < 12:
            raise KamaeError(f"{source}: {len(data) - i} trailing bytes (a PDU header is 12)")
        length = int.from_bytes(data[i + 8 : i + 10], "big")
        if length < 12 or i + length > len(data):
            raise KamaeError(f"{source}: PDU at byte {i} has bad length {length}")
        out.append(data[i : i + length])
        i += length
    return out


def read_pdus(path: Path) -> list[tuple[float, Any]]:
    """Decode a file written by `write_dis` with open-dis-python: (time s, PDU) each, the
    timestamps unwrapped past each hour in file order."""
    open_dis()
    from opendis.PduFactory import createPdu

    out: list[tuple[float, Any]] = []
    hour, previous = 0.0, -1.0
    for raw in split_pdus(Path(path).read_bytes(), str(path)):
        pdu = createPdu(raw)
        if pdu is None:
            raise KamaeError(f"{path}: a PDU of unknown type {raw[2]}")
        t = (pdu.timestamp >> 1) * TIME_UNIT_S
        if t + hour < previous - 1800.0:
            hour += 3600.0
        previous = t + hour
        out.append((previous, pdu))
    return out
