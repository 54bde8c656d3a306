"""Deception by a compromised node: the reports its sensors send are displaced, or come with
false twins.

A `node_compromised` event with a `deception` (`NetworkEvent.deception`) keeps the node up
(it is not silent) and alters what it sends as a source while the event is active: every
report (plot or shared track) of a sensor it hosts is moved by `displacement_m` towards
`displacement_azimuth` (horizontal, in the local East-North frame at the report's position,
spherical Earth), either in place (`displaced`: the report still names its true object,
so a picture that believes it holds that object's track in the wrong place) or as an added
false twin (`false_tracks`: a report of no object next to the true one). A plot's
measurement-space form is recomputed from its moved position, so the lie is consistent in
every coordinate. What the receiving pictures do with it is theirs: a chi-square gate
rejects a displacement large against the track's and the report's errors
(`kamae.tracking.picture`), the corroboration rule refuses a track only one node reports.
Neglected: relays altering what they relay, timing (replay) attacks, and an attacker
shaping the lie to the defense's gates.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from kamae.arrays import FloatArray, IntArray, cross3
from kamae.network.events import NetworkEvent
from kamae.tracking.ekf import PolarMeasurements, rae_from_enu
from kamae.tracking.picture import Reports


def horizontal_offset(position: FloatArray, distance_m: float, azimuth: float) -> FloatArray:
    """(M, 3) ECEF offsets of `distance_m` towards `azimuth` (radians from north, clockwise)
    in the local horizontal plane at each ECEF position (M, 3) (spherical Earth)."""
    up = position / np.linalg.norm(position, axis=1, keepdims=True)
    east = np.stack([-position[:, 1], position[:, 0], np.zeros(len(position))], axis=1)
    east /= np.linalg.norm(east, axis=1, keepdims=True)
    north = cross3(up, east)
    return distance_m * (np.sin(azimuth) * east + np.cos(azimuth) * north)


def deceive(reports: Reports, events: Sequence[NetworkEvent], sensor_node: IntArray) -> Reports:
    """The reports as the active deception events make them (unchanged without any)."""
    out = reports
    for event in events:
        mine = np.flatnonzero(sensor_node[out.sensor] == event.node)
        if mine.size == 0:
            continue
        moved = _moved(out.take(mine), event)
        if event.deception == "displaced":
            keep = np.ones(out.rep.size, dtype=bool)
            keep[mine] = False
            out = Reports.concatenate([out.take(keep), moved])
        else:
            out = Reports.concatenate([out, moved.replace(origin=np.full(mine.size, -1))])
    return out


def _moved(r: Reports, event: NetworkEvent) -> Reports:
    """The reports moved by the event's displacement, marked deceptive."""
    offset = horizontal_offset(r.z, event.displacement_m, event.displacement_azimuth)
    z = r.z + offset
    state = r.state.copy()
    state[:, :3] += offset
    polar = r.polar
    if polar is not None:
        rae = polar.rae.copy()
        ok = polar.valid
        enu = np.einsum("mij,mj->mi", polar.rotation[ok], z[ok] - polar.site[ok])
        rae[ok] = rae_from_enu(enu)
        polar = PolarMeasurements(rae, polar.sigma, polar.site, polar.rotation)
    return r.replace(z=z, state=state, polar=polar, deceptive=np.ones(r.rep.size, dtype=bool))
