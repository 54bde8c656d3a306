"""One replication as CZML (Cesium's time-dynamic scene format), built with czml3's models.

Positions are Cartesian in Cesium's `FIXED` frame (ECEF, WGS-84, m), sampled at the
replay's times (`kamae.export.replay`) as seconds after the document epoch (scenario time 0).
Threats and interceptors are time-tagged samples with their flight as availability; sensors
and fire units sit at their sites; intercepts and leaks are points that appear at their time.

Coverage volumes are simple shapes, not the radar physics: a radar's is the spherical sector
of its instrumented range over its azimuth and elevation field of regard (no radar horizon,
refraction or RCS-dependent detection range); a fire unit's is a ring of its interceptor's
maximum slant range on the ground. Space-based infrared layers are not drawn.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from czml3 import CZML_VERSION, Document, Packet
from czml3.enums import InterpolationAlgorithms, ReferenceFrames
from czml3.properties import (
    Clock,
    Color,
    Ellipse,
    Ellipsoid,
    EllipsoidRadii,
    Label,
    Material,
    Point,
    PolylineMaterial,
    Position,
    SolidColorMaterial,
)
from czml3.properties import (
    Path as CzmlPath,
)
from czml3.types import IntervalValue, TimeInterval

from kamae.arrays import FloatArray
from kamae.export.replay import (
    Replay,
    object_samples,
    round_positions,
    round_times,
    write_output,
)
from kamae.geo import geodetic_to_ecef
from kamae.kinematics.threat_complex import OBJECT_KINDS

DEFAULT_EPOCH = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
"""Scenario time 0 in the file (notional: a scenario has no calendar date)."""

RGBA = {
    "warhead": [230, 40, 40, 255],
    "decoy": [255, 150, 40, 255],
    "debris": [150, 150, 150, 255],
    "interceptor": [40, 200, 255, 255],
    "sensor": [60, 200, 90, 255],
    "fire_unit": [70, 110, 255, 255],
    "hit": [255, 230, 0, 255],
    "miss": [255, 255, 255, 255],
    "leak": [255, 0, 200, 255],
}


def _at(epoch: dt.datetime, t: float) -> dt.datetime:
    return epoch + dt.timedelta(seconds=float(t))


def _samples(times: FloatArray, positions: FloatArray) -> list[float]:
    """[t, x, y, z, t, x, y, z, ...] for time-tagged Cartesian samples."""
    out: list[float] = []
    for t, p in zip(times.tolist(), positions.tolist(), strict=True):
        out.extend([float(t), *map(float, p)])
    return out


def _moving(
    pid: str, name: str, times: FloatArray, pos: FloatArray, rgba: list[int], epoch: dt.datetime,
    description: str, lagrange: bool,
) -> Packet:  # fmt: skip
    algorithm = InterpolationAlgorithms.LAGRANGE if lagrange else InterpolationAlgorithms.LINEAR
    return Packet(
        id=pid,
        name=name,
        description=description,
        availability=TimeInterval(start=_at(epoch, times[0]), end=_at(epoch, times[-1])),
        position=Position(
            epoch=epoch,
            referenceFrame=ReferenceFrames.FIXED,
            cartesian=_samples(times, pos),
            interpolationAlgorithm=algorithm,
            interpolationDegree=5 if lagrange else 1,
        ),  # fmt: skip
        point=Point(pixelSize=6, color=Color(rgba=rgba)),
        path=CzmlPath(
            width=1.5,
            trailTime=120,
            material=PolylineMaterial(solidColor=SolidColorMaterial(color=Color(rgba=rgba))),
        ),  # fmt: skip
    )


def _event(pid: str, name: str, t: float, end: float, xyz: FloatArray, rgba: list[int],
           epoch: dt.datetime, description: str) -> Packet:  # fmt: skip
    """A point that appears at time t and stays to the end."""
    return Packet(
        id=pid,
        name=name,
        description=description,
        availability=TimeInterval(start=_at(epoch, t), end=_at(epoch, max(end, t))),
        position=Position(referenceFrame=ReferenceFrames.FIXED, cartesian=list(map(float, xyz))),
        point=Point(pixelSize=9, color=Color(rgba=rgba), outlineWidth=1),
    )


def _translucent(rgba: list[int]) -> Material:
    return Material(solidColor=SolidColorMaterial(color=Color(rgba=[*rgba[:3], 40])))


def _sensor_packets(replay: Replay) -> list[Packet]:
    """Radars at their sites, each with its coverage sector (Cesium's ellipsoid clock and cone
    angles in the site's east-north-up frame: clock from east towards north, cone from up)."""
    world, out = replay.world, []
    for sid, radar in zip(world.sensor_ids, world.radars, strict=True):
        site = list(map(float, geodetic_to_ecef(radar.lat, radar.lon, radar.height_m)))
        full = radar.azimuth_width >= 2 * math.pi - 1e-9
        half = 0.5 * radar.azimuth_width
        start = (math.pi / 2 - radar.boresight_azimuth - half) % (2 * math.pi)
        low, high = (None, None) if full else (start, start + radar.azimuth_width)
        r = radar.max_range_m
        out.append(
            Packet(
                id=f"sensor/{sid}", name=sid,
                description=f"radar {sid}: instrumented range {r / 1e3:.0f} km",
                position=Position(referenceFrame=ReferenceFrames.FIXED, cartesian=site),
                point=Point(pixelSize=8, color=Color(rgba=RGBA["sensor"])),
                label=Label(text=sid, scale=0.5),
                ellipsoid=Ellipsoid(
                    radii=EllipsoidRadii(cartesian=[r, r, r]),
                    minimumCone=math.pi / 2 - radar.max_elevation,
                    maximumCone=math.pi / 2 - radar.min_elevation,
                    material=_translucent(RGBA["sensor"]), outline=False,
                    minimumClock=low, maximumClock=high,
                ),
            )
        )  # fmt: skip
    return out


def _unit_packets(replay: Replay) -> list[Packet]:
    world, out = replay.world, []
    fu = world.fire_units
    for j, uid in enumerate(fu.ids):
        r = float(world.envelopes.max_range_m[j])
        out.append(
            Packet(
                id=f"fire-unit/{uid}", name=uid,
                description=f"fire unit {uid}: {fu.interceptor[j]}, {int(fu.inventory[j])} "
                f"rounds, max range {r / 1e3:.0f} km",
                position=Position(referenceFrame=ReferenceFrames.FIXED,
                                  cartesian=list(map(float, fu.ecef[j]))),
                point=Point(pixelSize=8, color=Color(rgba=RGBA["fire_unit"])),
                label=Label(text=uid, scale=0.5),
                ellipse=Ellipse(semiMajorAxis=r, semiMinorAxis=r, fill=False, outline=True,
                                outlineColor=Color(rgba=RGBA["fire_unit"])),
            )
        )  # fmt: skip
    return out


def czml_document(replay: Replay, epoch: dt.datetime = DEFAULT_EPOCH) -> Document:
    """The replay as a czml3 Document (validated by czml3's pydantic models)."""
    world, end = replay.world, replay.end_s
    packets = [
        Packet(
            id="document", name=f"{world.name} replication {replay.replication}",
            version=CZML_VERSION,
            clock=IntervalValue(
                start=_at(epoch, world.times[0]), end=_at(epoch, end),
                value=Clock(currentTime=_at(epoch, world.times[0]), multiplier=10),
            ),
        )
    ]  # fmt: skip
    packets += _sensor_packets(replay) + _unit_packets(replay)
    for n, tid in enumerate(world.threat_ids):
        times, pos, _ = object_samples(replay, n)
        if times.size < 2:
            continue
        kind = OBJECT_KINDS[int(world.object_kind[n])]
        fate = "killed" if replay.fates[n].killed else "impact"
        packets.append(
            _moving(f"threat/{tid}", tid, times, pos, RGBA[kind], epoch,
                    f"{kind} {tid} ({world.threat_type[n]}): {fate} at t={times[-1]:.1f} s",
                    lagrange=True)
        )  # fmt: skip
    for i, r in enumerate(replay.rounds):
        times = round_times(r, world.times)
        packets.append(
            _moving(f"interceptor/{r.id}", r.id, times, round_positions(r, times),
                    RGBA["interceptor"], epoch,
                    f"{r.interceptor} at {r.target}: {r.result} at t={r.intercept_s:.1f} s",
                    lagrange=False)
        )  # fmt: skip
        if r.result in ("hit", "miss"):
            packets.append(
                _event(f"intercept/{i + 1}", f"{r.result} {r.id}", r.intercept_s, end, r.end,
                       RGBA[r.result], epoch, f"{r.id} {r.result} on {r.target}")
            )  # fmt: skip
    for t, n in replay.leaks():
        tid = world.threat_ids[n]
        packets.append(
            _event(f"leak/{tid}", f"leak {tid}", t, end, world.trajectory.impact_position[n],
                   RGBA["leak"], epoch, f"{tid} leaked at t={t:.1f} s (aim point flown)")
        )  # fmt: skip
    return Document(packets=packets)


def write_czml(
    replay: Replay, path: Path, epoch: dt.datetime = DEFAULT_EPOCH, viewer: Path | None = None
) -> list[Path]:
    """Write the replay's CZML to `path` (JSON) and, with `viewer` (a Cesium build folder),
    an offline page beside it that plays it (`kamae.export.viewer`); returns the paths."""
    doc = czml_document(replay, epoch)
    path = Path(path)
    page = None
    if viewer is not None:
        from kamae.export.viewer import cesium_build, write_viewer

        cesium_build(viewer)  # refused before anything is written
        page = path.with_suffix(".html")
    write_output(path, doc.dumps())
    if page is None or viewer is None:
        return [path]
    return [path, write_viewer(doc, page, viewer)]
