"""Predicted intercepts of a decision step: where each fire unit's own picture places a
threat's flight, and which of the unit's options can launch now at a point on it (for
`kamae.engine.battle.Battle`, which calls them once every replication's options are known).

A ballistic track's flight is its Kepler coast (`kamae.kinematics.coast`), all of a step's in
one batch (`coast_paths`: Kepler's equation solved state by state, so each track gets the
floats of its own prediction); a cruise or glide track's is level flight along its course
with the time to go of its threat evaluation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kamae.arrays import FloatArray, IntArray
from kamae.engagement.envelope import EngagementWindows
from kamae.engine.offers import DecisionStep
from kamae.engine.why_not import WhyNot
from kamae.kinematics.coast import coast_trajectory
from kamae.kinematics.level_flight import level_flight_trajectory
from kamae.tracking.base import TrackBank
from kamae.world import World

if TYPE_CHECKING:
    from kamae.engine.pictures import Pictures

Candidates = list[tuple[int, int, int, IntArray]]
"""A replication's threats with units that can launch now: (index in the step's threats,
threat, layer index, units)."""

CoastPaths = dict[tuple[int, int, int], tuple[EngagementWindows, int]]
"""A step's Kepler coast predictions per (replication, threat, picture): the engagement
windows of every fire unit against the batch of all of them, and the prediction's row."""


def coast_paths(
    world: World,
    plans: list[tuple[int, DecisionStep, Candidates]],
    k: int,
    t: float,
    tracks: Pictures,
) -> CoastPaths:
    """The Kepler coast predictions `predicted_intercepts` will need at step k, per
    (replication, threat, picture), from one `coast_trajectory` of all their tracks (solved
    state by state: each gets the floats of its own prediction), with every unit's windows
    against them (`Envelopes.windows`: each (prediction, unit) pair's own floats). Empty
    when there is none, or when some state is not on an elliptic orbit (each is then
    predicted alone)."""
    future = world.times[k + 1 :]
    threats = world.trajectory.count
    keys, states = [], []
    for r, _, options in plans:
        for _, n, _, units in options:
            if world.threat_level_flight[n]:
                continue
            for g in np.unique(tracks.unit_group[units]).tolist():
                keys.append((r, n, g))
                states.append(tracks.banks[g].state[r * threats + n])
    if not keys or future.size == 0:
        return {}
    x = np.array(states)
    try:
        batch = coast_trajectory(x[:, :3], x[:, 3:], t, future, separately=True)
    except ValueError:
        return {}
    windows = world.envelopes.windows(batch)
    return {key: (windows, i) for i, key in enumerate(keys)}


def predicted_intercepts(
    world: World,
    why_not: WhyNot,
    time_to_go: FloatArray,
    r: int,
    n: int,
    k: int,
    t: float,
    units: IntArray,
    tracks: Pictures,
    intercept: dict[tuple[int, int], int],
    paths: CoastPaths,
) -> IntArray:
    """Keep the units whose predicted intercept point, placed on the track's predicted
    flight in the unit's own picture (Kepler coast, from `paths` when the step's batch holds
    it, or level flight for cruise and glide, with the track slots' `time_to_go`), lets them
    launch now and that can guide to it; record its step in `intercept` and the others'
    reasons in `why_not`."""
    slot = r * world.trajectory.count + n
    future = world.times[k + 1 :]
    if future.size == 0:
        why_not.note_units(r, n, units, "no_predicted_intercept")
        return units[:0]
    keep = []
    groups = tracks.unit_group[units]
    for g in np.unique(groups).tolist():
        bank: TrackBank = tracks.banks[g]
        mine = units[groups == g]
        if (r, n, g) in paths:  # the step's batch (never level flight): every unit's windows
            windows, row = paths[(r, n, g)]
            columns = mine
        else:
            if world.threat_level_flight[n]:
                predicted = level_flight_trajectory(
                    bank.state[slot, :3],
                    bank.state[slot, 3:],
                    t,
                    future,
                    time_to_go[[slot]],
                    world.threat_dive_angle_rad[[n]],
                )
            else:
                try:
                    predicted = coast_trajectory(
                        bank.state[slot, :3], bank.state[slot, 3:], t, future
                    )
                except ValueError:
                    continue
            windows, row = world.envelopes.windows(predicted, units=mine), 0
            columns = np.arange(mine.size)
        for c, j in zip(columns.tolist(), mine.tolist(), strict=True):
            feasible = np.flatnonzero(windows.feasible[row, c])
            if feasible.size and windows.launch_time[row, c, feasible[0]] < t + world.dt:
                step = k + 1 + int(feasible[0])
                if tracks.guidance_ok(j, n, min(step, world.times.size - 1)):
                    intercept[(n, j)] = step
                    keep.append(j)
                else:
                    why_not.note_units(r, n, [j], "no_guidance")
    dropped = units[~np.isin(units, keep)]
    why_not.note_units(r, n, dropped, "no_predicted_intercept")
    order = np.argsort([int(np.flatnonzero(units == j)[0]) for j in keep], kind="stable")
    return np.array(keep, dtype=np.int64)[order]
