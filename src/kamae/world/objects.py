"""The world's object rows: each raid's missiles (warheads) in raid order, then the decoys and
debris their threat complexes release (`kamae.kinematics.threat_complex`), with every
per-row array the world holds. A MaRV type's warheads get their terminal weave here
(`kamae.kinematics.marv`). Rows of warheads come first and keep their indices whatever is
released, so a scenario without countermeasures has exactly the rows it had.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.kinematics.marv import weave
from kamae.kinematics.threat_complex import (
    OBJECT_KINDS,
    OBJECT_WARHEAD,
    ComplexRelease,
    release_objects,
)
from kamae.kinematics.threats import GlideFlight
from kamae.kinematics.trajectory import Trajectory, concatenate
from kamae.scenario.loader import LoadedScenario
from kamae.scenario.model import FireUnit, Sensor
from kamae.scenario.threats import BallisticType
from kamae.world import si
from kamae.world.flights import RaidFlight

THREAT_CLASSES = ("srbm", "mrbm", "irbm", "cruise", "hgv")


@dataclass(frozen=True)
class ObjectRows:
    """Per-row arrays of the world's objects (warheads first, in raid order)."""

    ids: list[str]
    types: list[str]
    classes: IntArray
    rcs: FloatArray
    targets: IntArray
    kinds: list[str]
    level_flight: BoolArray
    dive_angle_rad: FloatArray
    cep_m: FloatArray
    lethal_radius_m: FloatArray
    unit_cost_musd: FloatArray
    raid: IntArray
    """Index of the raid each row belongs to."""
    object_kind: IntArray
    """0 warhead, 1 decoy, 2 debris (`threat_complex.OBJECT_KINDS`)."""
    object_parent: IntArray
    """The warhead row a decoy or debris came from; a warhead's own row."""
    release_s: FloatArray
    """When the row's complex separated, s (NaN: a warhead without countermeasures)."""
    length_mismatch_m: FloatArray
    """Discrimination feature separation from the other class, m (0: not discriminated)."""
    decorrelation_s: FloatArray
    """Feature decorrelation time of the row's complex, s."""
    manoeuvre_mps2: FloatArray
    """Peak lateral acceleration of a MaRV's terminal weave, m/s² (0: none)."""
    manoeuvre_start_s: FloatArray
    """When the weave starts, s (NaN: none)."""


def object_rows(
    loaded: LoadedScenario, flights: list[RaidFlight], trajectory: Trajectory
) -> tuple[Trajectory, ObjectRows]:
    """The world's rows: the raids' missiles, then what their threat complexes release."""
    rows = _warhead_rows(loaded, flights)
    trajectory, rows = _manoeuvres(loaded, trajectory, rows)
    entries = [loaded.threats[t] for t in rows.types]
    with_cm = [
        n
        for n, t in enumerate(entries)
        if isinstance(t, BallisticType) and t.countermeasures is not None
    ]
    releases: list[ComplexRelease] = []
    for n in with_cm:
        t = entries[n]
        assert isinstance(t, BallisticType) and t.countermeasures is not None
        releases.append(si.complex_release(t.countermeasures, t.rcs_m2))
    released = release_objects(trajectory, np.array(with_cm, dtype=np.int64), releases)
    if released is None:
        return trajectory, rows
    release_of = dict(zip(with_cm, releases, strict=True))
    warheads = len(rows.ids)
    p = released.parent
    count: dict[tuple[int, int], int] = {}
    ids = []
    for parent, kind in zip(p.tolist(), released.kind.tolist(), strict=True):
        count[parent, kind] = count.get((parent, kind), 0) + 1
        ids.append(f"{rows.ids[parent]}/{OBJECT_KINDS[kind]}{count[parent, kind]}")
    release_s = rows.release_s.copy()
    mismatch = rows.length_mismatch_m.copy()
    decorrelation = rows.decorrelation_s.copy()
    for parent in np.unique(p).tolist():
        rel = release_of[parent]
        release_s[parent] = released.release_time[p == parent][0]
        mismatch[parent] = (
            rel.decoy_length_mismatch_m if rel.decoys else rel.debris_length_mismatch_m
        )
        decorrelation[parent] = rel.feature_decorrelation_s
    m = p.size

    def pick(a: np.ndarray) -> np.ndarray:
        return np.concatenate([a, a[p]])

    out = ObjectRows(
        ids=rows.ids + ids,
        types=rows.types + [rows.types[i] for i in p.tolist()],
        classes=pick(rows.classes),
        rcs=np.concatenate([rows.rcs, released.rcs_m2]),
        targets=pick(rows.targets),
        kinds=rows.kinds + ["ballistic"] * m,
        level_flight=np.concatenate([rows.level_flight, np.zeros(m, dtype=bool)]),
        dive_angle_rad=np.concatenate([rows.dive_angle_rad, np.zeros(m)]),
        cep_m=np.concatenate([rows.cep_m, np.zeros(m)]),
        lethal_radius_m=np.concatenate([rows.lethal_radius_m, np.full(m, np.inf)]),
        unit_cost_musd=np.concatenate([rows.unit_cost_musd, np.zeros(m)]),
        raid=pick(rows.raid),
        object_kind=np.concatenate([rows.object_kind, released.kind]),
        object_parent=np.concatenate([rows.object_parent, p]),
        release_s=np.concatenate([release_s, released.release_time]),
        length_mismatch_m=np.concatenate([mismatch, released.length_mismatch_m]),
        decorrelation_s=np.concatenate([decorrelation, decorrelation[p]]),
        manoeuvre_mps2=np.concatenate([rows.manoeuvre_mps2, np.zeros(m)]),
        manoeuvre_start_s=np.concatenate([rows.manoeuvre_start_s, np.full(m, np.nan)]),
    )
    assert warheads + m == len(out.ids)
    combined = concatenate([trajectory, released.trajectory])
    return combined, out


def _manoeuvres(
    loaded: LoadedScenario, trajectory: Trajectory, rows: ObjectRows
) -> tuple[Trajectory, ObjectRows]:
    """MaRV warheads weave below their start height."""
    marv = [
        n
        for n, name in enumerate(rows.types)
        if isinstance(t := loaded.threats[name], BallisticType) and t.marv is not None
    ]
    if not marv:
        return trajectory, rows
    moves = []
    for n in marv:
        t = loaded.threats[rows.types[n]]
        assert isinstance(t, BallisticType) and t.marv is not None
        moves.append(si.manoeuvre(t.marv))
    woven, start = weave(trajectory, np.array(marv, dtype=np.int64), moves)
    accel = rows.manoeuvre_mps2.copy()
    for n, move in zip(marv, moves, strict=True):
        accel[n] = move.acceleration_mps2 if np.isfinite(start[n]) else 0.0
    return woven, replace(rows, manoeuvre_mps2=accel, manoeuvre_start_s=start)


def _warhead_rows(loaded: LoadedScenario, flights: list[RaidFlight]) -> ObjectRows:
    s = loaded.scenario
    asset_index = defended_points(loaded)
    ids, types, targets, flown, raid_of = [], [], [], [], []
    for r, (raid, flight) in enumerate(zip(s.raids, flights, strict=True)):
        for k in range(raid.count):
            ids.append(f"{raid.id}#{k + 1}")
            types.append(raid.threat)
            targets.append(asset_index.get(raid.target, -1) if raid.target is not None else -1)
            flown.append(flight.flight)
            raid_of.append(r)
    entries = [loaded.threats[name] for name in types]
    n = len(ids)
    return ObjectRows(
        ids=ids,
        types=types,
        classes=np.array([THREAT_CLASSES.index(t.threat_class) for t in entries], dtype=np.int64),
        rcs=np.array([t.rcs_m2 for t in entries], dtype=float),
        targets=np.array(targets, dtype=np.int64),
        kinds=[f.kind for f in flown],
        level_flight=np.array([f.level_flight for f in flown], dtype=bool),
        dive_angle_rad=np.array(
            [f.dive_angle_rad if isinstance(f, GlideFlight) else 0.0 for f in flown], dtype=float
        ),
        cep_m=np.array([0.0 if t.cep_m is None else t.cep_m for t in entries], dtype=float),
        lethal_radius_m=np.array(
            [np.inf if t.lethal_radius_m is None else t.lethal_radius_m for t in entries],
            dtype=float,
        ),
        unit_cost_musd=np.array(
            [np.nan if t.unit_cost_musd is None else t.unit_cost_musd for t in entries],
            dtype=float,
        ),
        raid=np.array(raid_of, dtype=np.int64),
        object_kind=np.full(n, OBJECT_WARHEAD, dtype=np.int64),
        object_parent=np.arange(n, dtype=np.int64),
        release_s=np.full(n, np.nan),
        length_mismatch_m=np.zeros(n),
        decorrelation_s=np.zeros(n),
        manoeuvre_mps2=np.zeros(n),
        manoeuvre_start_s=np.full(n, np.nan),
    )


def defended_assets(loaded: LoadedScenario) -> list[tuple[str, float, float, float]]:
    """The defended points (id, lat_deg, lon_deg, value): the scenario's assets, then the
    sensors and fire units given a `defend_value` (the defense protects them like assets; a
    ship's radar and fire unit sharing an id are one point)."""
    s = loaded.scenario
    out = [(a.id, a.lat_deg, a.lon_deg, a.value) for a in s.assets]
    seen = {a.id for a in s.assets}
    points: list[Sensor | FireUnit] = [*s.sensors, *s.fire_units]
    for x in points:
        if x.defend_value is not None and x.id not in seen:
            out.append((x.id, x.lat_deg, x.lon_deg, x.defend_value))
            seen.add(x.id)
    return out


def defended_points(loaded: LoadedScenario) -> dict[str, int]:
    """Index of each defended point by id (`defended_assets`)."""
    return {a[0]: i for i, a in enumerate(defended_assets(loaded))}
