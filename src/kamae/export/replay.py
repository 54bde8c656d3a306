"""One replication of a run folder replayed in space and time, for the viewers and DIS.

The threats' positions are the engine's own trajectories (`World.trajectory`, ECEF, on the
engine's time grid), rebuilt from the folder's scenario copy (`report.run_folder`); what
happened to them (launches, intercepts, kills, leaks) is the replication's event log.

Interceptors are not flown by the engine: it times a salvo's arrival from the unit's fly-out
(`engagement.envelope.flyout_time`) and meets the threat at that time. The replay draws each
round on the straight chord from its fire unit to the point where it met its threat (the
threat's true position at the intercept time), covering distance with the interceptor's
fly-out profile stretched in time to last from the launch event to the intercept
(`flyout_distance`, the inverse of `flyout_time`): no gravity turn, no guidance, no Earth
curvature along the chord.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from kamae.arrays import FloatArray
from kamae.engagement.envelope import Flyout, flyout_time
from kamae.errors import KamaeError
from kamae.report.run_folder import RunFolder, read_run_folder
from kamae.results.events import with_event_fields
from kamae.world import World

ROUNDING_S = 0.5
"""A launch event's `intercept_at_s` is written to the nearest second."""


@dataclass(frozen=True)
class Round:
    """One interceptor round, from its launch event to its intercept."""

    id: str
    """`<fire unit>/<k>`, k counting the unit's rounds from 1 in launch order."""
    unit: int
    """Fire unit index."""
    interceptor: str
    """Interceptor type name."""
    target: str
    """The threat it was launched at."""
    met: int
    """Object row it met (-1: none, the launch target's row is used for its end point)."""
    launch_s: float
    intercept_s: float
    result: str
    """hit, miss, already_destroyed, no_object, or `none` (no intercept event: the threat
    was already dead when it arrived)."""
    start: FloatArray
    """Launch point, ECEF (3,) m (the fire unit)."""
    end: FloatArray
    """Intercept point, ECEF (3,) m."""
    flyout: Flyout


@dataclass(frozen=True)
class Fate:
    """How an object's flight ends in this replication."""

    end_s: float
    """Kill or impact time, s."""
    killed: bool


@dataclass(frozen=True)
class Replay:
    """One replication of a run: world, events, rounds and fates."""

    run: RunFolder
    replication: int
    events: pa.Table
    rounds: list[Round]
    fates: list[Fate]
    """Per object row."""

    @property
    def world(self) -> World:
        return self.run.world

    @property
    def end_s(self) -> float:
        """Last time of the replay: the grid's end."""
        return float(self.world.times[-1])

    def leaks(self) -> list[tuple[float, int]]:
        """(time, object row) of every leak event."""
        rows = {tid: n for n, tid in enumerate(self.world.threat_ids)}
        return [(t, rows[tid]) for t, tid in self._events_of("leak") if tid in rows]

    def _events_of(self, kind: str) -> list[tuple[float, str]]:
        ev = self.events.to_pydict()
        return [
            (float(t), str(th))
            for t, k, th in zip(ev["time_s"], ev["kind"], ev["threat"], strict=True)
            if k == kind
        ]


def read_replay(folder: Path, replication: int | None = None) -> Replay:
    """Replication `replication` (default: the first) of the run folder `folder`."""
    run = read_run_folder(Path(folder))
    ids = run.replication_ids.tolist()
    rep = ids[0] if replication is None else replication
    if rep not in ids:
        raise KamaeError(
            f"{run.path}: --replication {rep} is not in the run (expected {min(ids)} to {max(ids)})"
        )
    events = run.events_of(rep).sort_by("time_s")
    world = run.world
    return Replay(run, rep, events, _rounds(world, events, run.path), _fates(world, events))


def _fates(world: World, events: pa.Table) -> list[Fate]:
    """Each object's end: its first kill event, else its impact."""
    kill: dict[str, float] = {}
    ev = events.to_pydict()
    for t, k, th in zip(ev["time_s"], ev["kind"], ev["threat"], strict=True):
        if k == "kill" and th is not None:
            kill.setdefault(str(th), float(t))
    impact = world.trajectory.impact_time
    return [
        Fate(kill[tid], True) if tid in kill else Fate(float(impact[n]), False)
        for n, tid in enumerate(world.threat_ids)
    ]


def _rounds(world: World, events: pa.Table, path: Path) -> list[Round]:
    """Every launch event paired with its unit's intercept event at the planned time."""
    ev = with_event_fields(events).to_pydict()
    rows = {tid: n for n, tid in enumerate(world.threat_ids)}
    units = {uid: j for j, uid in enumerate(world.fire_units.ids)}
    launches = [i for i, kind in enumerate(ev["kind"]) if kind == "launch"]
    for i in launches:
        if ev["fire_unit"][i] not in units or ev["threat"][i] not in rows:
            raise KamaeError(
                f"{path}: events.parquet: a launch by {ev['fire_unit'][i]!r} at "
                f"{ev['threat'][i]!r} (expected a fire unit and a threat of scenario.yaml)"
            )
    planned = {
        i: _planned_intercept(ev["intercept_at_s"][i], ev["detail"][i], path) for i in launches
    }
    matches = _arrivals(ev, launches, planned)
    count: dict[str, int] = defaultdict(int)
    out = []
    for i in launches:
        uid, target = str(ev["fire_unit"][i]), str(ev["threat"][i])
        j, n = units[uid], rows[target]
        match = matches.get(i)
        if match is None:
            t_end, result, met = _grid_time(world, planned[i]), "none", n
        else:
            t_end, result = float(ev["time_s"][match]), str(ev["tag"][match])
            met = rows.get(str(ev["threat"][match]), n) if result != "no_object" else -1
        count[uid] += 1
        out.append(
            Round(
                id=f"{uid}/{count[uid]}", unit=j, interceptor=str(ev["interceptor"][i]),
                target=target, met=met, launch_s=float(ev["time_s"][i]), intercept_s=t_end,
                result=result, start=world.fire_units.ecef[j],
                end=_meeting_point(world, n if met < 0 else met, t_end),
                flyout=world.envelopes.flyout[j],
            )
        )  # fmt: skip
    return out


def _planned_intercept(value: float | None, detail: object, path: Path) -> float:
    """A launch's `intercept_at_s` (the event table's column), or a KamaeError."""
    if value is None or not math.isfinite(value):
        raise KamaeError(
            f"{path}: events.parquet: a launch event's detail has no intercept_at_s "
            f"(expected 'intercept_at_s=<s> ...', got {detail!r})"
        )
    return value


def _arrivals(
    ev: dict[str, list[Any]], launches: list[int], planned: dict[int, float]
) -> dict[int, int]:
    """Launch event -> intercept event: the same unit's at the planned time (written to the
    second), the launch target's first (in launch order), then any left (a round that met
    another object, or met nothing). A round without one arrived at a dead threat."""
    free = [i for i, kind in enumerate(ev["kind"]) if kind == "intercept"]
    out: dict[int, int] = {}
    for same_threat in (True, False):
        for i in launches:
            if i in out:
                continue
            for a in free:
                if (
                    ev["fire_unit"][a] == ev["fire_unit"][i]
                    and abs(float(ev["time_s"][a]) - planned[i]) <= ROUNDING_S + 1e-9
                    and (ev["threat"][a] == ev["threat"][i] or not same_threat)
                ):
                    out[i] = a
                    free.remove(a)
                    break
    return out


def _grid_time(world: World, t: float) -> float:
    """The engine's grid time nearest t."""
    return float(world.times[int(np.argmin(np.abs(world.times - t)))])


def _meeting_point(world: World, n: int, t: float) -> FloatArray:
    """Object n's true position at grid time t (its impact point once it has landed)."""
    k = int(np.argmin(np.abs(world.times - t)))
    p = world.trajectory.position[n, k]
    return np.asarray(world.trajectory.impact_position[n] if np.isnan(p).any() else p)


def write_output(path: Path, data: str | bytes) -> Path:
    """Write an export file; a path that cannot be written is a one-line KamaeError."""
    path = Path(path)
    try:
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    except OSError as exc:
        raise KamaeError(f"{path}: cannot write the export ({exc.strerror or exc})") from None
    return path


def flyout_distance(elapsed_s: FloatArray, flyout: Flyout) -> FloatArray:
    """Distance flown after `elapsed_s`, m: the inverse of `flyout_time`.

    Mean speed: v·t. Speed profile: ½·a·t² while burning (a = v_bo / t_b), then
    v_bo·t_b / 2 + v_bo·(t - t_b)."""
    t = np.maximum(np.asarray(elapsed_s, dtype=float), 0.0)
    if flyout.mean_speed_mps is not None:
        return t * flyout.mean_speed_mps
    v, tb = flyout.burnout_speed_mps, flyout.burn_time_s
    assert v is not None and tb is not None  # Flyout.__post_init__
    return np.where(t <= tb, 0.5 * (v / tb) * t**2, 0.5 * v * tb + v * (t - tb))


def round_positions(r: Round, times: FloatArray) -> FloatArray:
    """The round's positions (len(times), 3) ECEF at `times` within its flight: on the chord
    from its unit to its intercept point, at the fly-out profile's distance for the elapsed
    time scaled by (fly-out time of the chord) / (launch-to-intercept time)."""
    chord = r.end - r.start
    length = float(np.linalg.norm(chord))
    span = r.intercept_s - r.launch_s
    if length == 0.0 or span <= 0.0:
        return np.repeat(r.end[None, :], len(times), axis=0)
    full = float(flyout_time(length, r.flyout))
    flown = flyout_distance((np.asarray(times) - r.launch_s) * (full / span), r.flyout)
    fraction = np.clip(flown / length, 0.0, 1.0)
    return r.start[None, :] + fraction[:, None] * chord[None, :]


def round_times(r: Round, grid: FloatArray) -> FloatArray:
    """The round's sample times: its launch, the grid times in between, its intercept."""
    inside = grid[(grid > r.launch_s) & (grid < r.intercept_s)]
    return np.unique(np.concatenate([[r.launch_s], inside, [r.intercept_s]]))


def object_samples(replay: Replay, n: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Object n's (times, ECEF positions, ECEF velocities) from the engine's trajectory:
    every in-flight grid sample up to its kill or impact, then (not killed) its impact point
    at the impact time, with the last sample's velocity."""
    world, fate = replay.world, replay.fates[n]
    traj = world.trajectory
    keep = traj.in_flight[n] & (world.times <= fate.end_s + 1e-9)
    times, pos, vel = world.times[keep], traj.position[n, keep], traj.velocity[n, keep]
    impact = float(traj.impact_time[n])
    if not fate.killed and math.isfinite(impact) and times.size and impact > times[-1]:
        times = np.append(times, impact)
        pos = np.vstack([pos, traj.impact_position[n][None, :]])
        vel = np.vstack([vel, vel[-1:]])
    return times, pos, vel
