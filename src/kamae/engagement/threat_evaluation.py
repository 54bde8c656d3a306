"""Threat evaluation: which defended asset a tracked threat endangers, and when.

The predicted impact point is the closed-form Kepler descent of the track's state to the
ellipsoid (see `kamae.kinematics.ballistic.predicted_impact`); the threatened asset is the
nearest one within the doctrine's engagement radius of that point. Threats in level flight
(cruise missiles, glide vehicles) are assessed along the great circle of their course
(`assess_level_threats`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamae.arrays import FloatArray, IntArray, cross3
from kamae.geo import geocentric_radius, geodetic_latitude
from kamae.kinematics.ballistic import predicted_impact
from kamae.kinematics.kepler import MU_EARTH
from kamae.kinematics.level_flight import great_circle_frame


@dataclass(frozen=True)
class ThreatAssessment:
    """Per track: threatened asset (-1 if none), its value, miss distance and time to go."""

    asset: IntArray
    value: FloatArray
    miss_distance_m: FloatArray
    time_to_go_s: FloatArray


def assess_threats(
    position: FloatArray,
    velocity: FloatArray,
    asset_ecef: FloatArray,
    asset_value: FloatArray,
    engage_radius_m: float,
) -> ThreatAssessment:
    """Evaluate M track states (M, 3) against the defended assets."""
    m = position.shape[0]
    asset = np.full(m, -1, dtype=np.int64)
    value = np.zeros(m)
    miss = np.full(m, np.inf)
    tgo = np.full(m, np.nan)
    if m == 0 or asset_ecef.shape[0] == 0:
        return ThreatAssessment(asset, value, miss, tgo)
    rn = np.linalg.norm(position, axis=1)
    energy = 0.5 * np.sum(velocity * velocity, axis=1) - MU_EARTH / rn
    ang = np.linalg.norm(cross3(position, velocity), axis=1)
    ok = np.isfinite(energy) & (energy < 0) & (ang > 1.0)
    if np.any(ok):
        lat = geodetic_latitude(position[ok])
        hit, t_go = predicted_impact(position[ok], velocity[ok], geocentric_radius(lat))
        d = np.linalg.norm(hit[:, None, :] - asset_ecef[None, :, :], axis=-1)
        nearest = np.argmin(np.nan_to_num(d, nan=np.inf), axis=1)
        dmin = d[np.arange(d.shape[0]), nearest]
        near = np.isfinite(dmin) & (dmin <= engage_radius_m)
        idx = np.flatnonzero(ok)
        asset[idx[near]] = nearest[near]
        value[idx[near]] = asset_value[nearest[near]]
        miss[idx] = np.where(np.isfinite(dmin), dmin, np.inf)
        tgo[idx] = t_go
    return ThreatAssessment(asset, value, miss, tgo)


def assess_level_threats(
    position: FloatArray,
    velocity: FloatArray,
    asset_ecef: FloatArray,
    asset_value: FloatArray,
    engage_radius_m: float,
) -> ThreatAssessment:
    """Evaluate M track states of threats in level flight (cruise, glide) against the assets.

    The track's course is the great circle of its horizontal velocity
    (`kamae.kinematics.level_flight`); an asset ahead on that course (along-track angle in
    (0, π)) whose cross-track distance is within the engagement radius is threatened; of
    several, the first along the course. Time to go: along-track distance over ground speed.
    Distances on the sphere of the asset's geocentric radius.
    """
    m = position.shape[0]
    asset = np.full(m, -1, dtype=np.int64)
    value = np.zeros(m)
    miss = np.full(m, np.inf)
    tgo = np.full(m, np.nan)
    if m == 0 or asset_ecef.shape[0] == 0:
        return ThreatAssessment(asset, value, miss, tgo)
    u, e, speed, _ = great_circle_frame(position, velocity)
    normal = cross3(u, e)  # (M, 3) pole of the course
    ra = np.linalg.norm(asset_ecef, axis=1)  # (A,)
    a = asset_ecef / ra[:, None]
    cross = ra[None, :] * np.arcsin(np.clip(normal @ a.T, -1.0, 1.0))  # (M, A)
    along = np.arctan2(e @ a.T, u @ a.T)  # (M, A) angle ahead along the course
    ahead = (along > 0.0) & np.isfinite(cross) & (speed[:, None] > 0.0)
    near = ahead & (np.abs(cross) <= engage_radius_m)
    distance = np.where(near, along * ra[None, :], np.inf)
    first = np.argmin(distance, axis=1)
    hit = np.isfinite(distance[np.arange(m), first])
    asset[hit] = first[hit]
    value[hit] = asset_value[first[hit]]
    miss[hit] = np.abs(cross[np.flatnonzero(hit), first[hit]])
    with np.errstate(divide="ignore", invalid="ignore"):
        tgo[hit] = distance[np.flatnonzero(hit), first[hit]] / speed[hit]
    return ThreatAssessment(asset, value, miss, tgo)
