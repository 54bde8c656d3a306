"""Space-based infrared early warning and a low-orbit tracking layer (notional constellations).

Early-warning layer (SBIRS/DSP-like: satellites in geostationary and Molniya-like orbits with
staring/scanning short-wave IR sensors; US Space Force "Space Based Infrared System" fact
sheet; Congressional Research Service In Focus primers on missile-warning satellites):
- A missile is seen at a time sample when its motor burns (a boolean mask, e.g. the
  trajectory's boost phase), its height is at or above a stated cloud-top altitude, and the line
  of sight from at least one satellite does not pass below that same altitude on the way (the
  Earth and the cloud deck below it block the view; `shell_clear`).
- The first such sample is the detection; a launch report follows after a stated reporting
  delay (processing and ground relay; "tens of seconds" in public descriptions). It carries
  the launch point, the launch time and the heading, each with a stated independent Gaussian
  error (east/north launch-point error, time error, heading error).
- The report's true heading is the azimuth of the missile's horizontal velocity at the last
  seen sample before the report; its true launch point is the ground point below the first
  in-flight sample.

Tracking layer (SDA tracking layer / HBTSS-like, a Walker constellation in low orbit):
- A satellite views an object when the line of sight clears the limb shell (or looks down on
  the object from above its horizon) and the range is within a stated maximum; at least
  `min_satellites` must view it (two for a stereo fix).
- It looks once per revisit interval and detects a viewed object with a stated probability
  per revisit; a detection yields a position with an isotropic Gaussian error (the
  angles-only stereo fix is simplified to a stated 3D position error).

Geometry: the shell is the WGS84 ellipsoid inflated by the stated altitude, (a+h, b+h); a
segment is tested against it exactly by scaling z by (a+h)/(b+h), which maps the shell to a
sphere. Neglected: radiometry (plume intensity, background clutter, sun glint), sensor
scanning timelines, atmospheric attenuation, false reports and refraction. All parameters of
the ready-made layers are notional round numbers with public anchors in docs/sensors.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.geo import (
    WGS84_A,
    WGS84_B,
    ecef_to_geodetic,
    enu_rotation,
    geodetic_to_ecef,
)
from kamae.sensors.orbits import (
    OrbitalElements,
    concatenate_elements,
    geostationary,
    molniya,
    satellite_ecef,
    walker_delta,
)


def _non_negative(name: str, value: float) -> None:
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative number (got {value!r})")


def _positive(name: str, value: float) -> None:
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a positive number (got {value!r})")


def _probability(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1] (got {value!r})")


def shell_clear(
    observer_ecef: npt.ArrayLike, target_ecef: npt.ArrayLike, shell_altitude_m: float
) -> BoolArray:
    """Whether the segment observer -> target stays above the shell at `shell_altitude_m`.

    The shell is the ellipsoid (a+h, a+h, b+h); scaling z by (a+h)/(b+h) makes it a sphere
    of radius a+h, and the segment's closest approach to the centre is compared with it. A
    segment whose lowest point is the target itself (the observer above the target's
    horizon) also counts as clear: a target inside the shell is then seen from above, and
    whether it is hidden there is a separate test on its height. Broadcast over (..., 3).
    """
    a = WGS84_A + shell_altitude_m
    scale = np.array([1.0, 1.0, a / (WGS84_B + shell_altitude_m)])
    obs = np.asarray(observer_ecef, dtype=float) * scale
    tgt = np.asarray(target_ecef, dtype=float) * scale
    d = tgt - obs
    d2 = np.maximum(np.sum(d * d, axis=-1), 1e-30)
    t_raw = -np.sum(obs * d, axis=-1) / d2
    t = np.clip(t_raw, 0.0, 1.0)
    closest = obs + t[..., None] * d
    above = np.sum(closest * closest, axis=-1) >= a * a
    return above | (t_raw >= 1.0)


@dataclass(frozen=True)
class EarlyWarningLayer:
    """Satellites that detect burning motors, and the launch reports they produce (SI; the
    scenario's catalog entry declares the defaults, `kamae.world.si.space_layer` converts)."""

    elements: OrbitalElements
    """The K satellites' orbits."""
    cloud_top_altitude_m: float
    """Plumes below this height are hidden and lines of sight may not pass below it, m."""
    reporting_delay_s: float
    """From first detection to the launch report, s."""
    launch_point_sigma_m: float
    """Standard deviation of each horizontal component of the launch-point error, m."""
    launch_time_sigma_s: float
    """Standard deviation of the launch-time error, s."""
    heading_sigma: float
    """Standard deviation of the heading error, rad."""
    angle_at_zero: float = 0.0
    """Earth rotation angle at scenario time 0, rad (see `orbits.eci_to_ecef`)."""

    def __post_init__(self) -> None:
        _non_negative("cloud_top_altitude_m", self.cloud_top_altitude_m)
        _non_negative("reporting_delay_s", self.reporting_delay_s)
        _non_negative("launch_point_sigma_m", self.launch_point_sigma_m)
        _non_negative("launch_time_sigma_s", self.launch_time_sigma_s)
        _non_negative("heading_sigma", self.heading_sigma)


@dataclass(frozen=True)
class TrackingLayer:
    """Low-orbit satellites that follow midcourse objects and glide vehicles."""

    elements: OrbitalElements
    limb_altitude_m: float
    """Lines of sight may not pass below this height (except looking down on the object), m."""
    max_range_m: float
    """Largest satellite-to-object range at which an object is detectable, m."""
    revisit_s: float
    """Time between two looks at the same object, s."""
    pd_per_revisit: float
    """Probability of detecting a viewed object on one look."""
    position_sigma_m: float
    """Standard deviation of each component of the position error, m."""
    min_satellites: int
    """Satellites that must view an object at once (2 for a stereo fix)."""
    angle_at_zero: float = 0.0
    """Earth rotation angle at scenario time 0, rad (see `orbits.eci_to_ecef`)."""

    def __post_init__(self) -> None:
        _non_negative("limb_altitude_m", self.limb_altitude_m)
        _positive("max_range_m", self.max_range_m)
        _positive("revisit_s", self.revisit_s)
        _probability("pd_per_revisit", self.pd_per_revisit)
        _non_negative("position_sigma_m", self.position_sigma_m)
        if self.min_satellites < 1:
            raise ValueError(f"min_satellites must be at least 1 (got {self.min_satellites})")


def satellites_in_view(
    sat_ecef: FloatArray,
    position: FloatArray,
    candidate: BoolArray,
    shell_altitude_m: float,
    max_range_m: float = np.inf,
) -> IntArray:
    """Number of satellites (K, T, 3) with a clear view of each candidate sample (N, T)."""
    n_idx, t_idx = np.nonzero(candidate)
    count = np.zeros(candidate.shape, dtype=np.int64)
    if n_idx.size == 0:
        return count
    tgt = position[n_idx, t_idx]
    hits = np.zeros(n_idx.size, dtype=np.int64)
    for k in range(sat_ecef.shape[0]):
        sat = sat_ecef[k, t_idx]
        ok = shell_clear(sat, tgt, shell_altitude_m)
        if np.isfinite(max_range_m):
            ok &= np.linalg.norm(tgt - sat, axis=-1) <= max_range_m
        hits += ok
    count[n_idx, t_idx] = hits
    return count


def early_warning_visibility(
    layer: EarlyWarningLayer,
    times: FloatArray,
    position: FloatArray,
    altitude: FloatArray,
    burning: BoolArray,
) -> BoolArray:
    """(N, T): burning, above the cloud tops and in clear view of at least one satellite."""
    if burning.shape != altitude.shape or position.shape[:2] != burning.shape:
        raise ValueError("position (N, T, 3), altitude (N, T) and burning (N, T) must agree")
    sat = satellite_ecef(layer.elements, times, layer.angle_at_zero)
    with np.errstate(invalid="ignore"):
        candidate = burning & np.isfinite(altitude) & (altitude >= layer.cloud_top_altitude_m)
    return satellites_in_view(sat, position, candidate, layer.cloud_top_altitude_m) > 0


@dataclass(frozen=True)
class LaunchReports:
    """One launch report per missile (arrays (N,); NaN where the missile was never seen)."""

    detected: BoolArray
    first_seen_s: FloatArray
    report_time_s: FloatArray
    launch_lat: FloatArray
    """Reported launch-point latitude, rad."""
    launch_lon: FloatArray
    """Reported launch-point longitude, rad."""
    launch_time_s: FloatArray
    """Reported launch time, s."""
    heading: FloatArray
    """Reported heading, rad clockwise from north in [0, 2π)."""
    true_heading: FloatArray = field(repr=False)
    """The heading the report estimates (for scoring), rad."""


def _first_true(mask: BoolArray) -> IntArray:
    """Index of the first True along the last axis, -1 where none."""
    first = np.argmax(mask, axis=-1)
    return np.where(mask.any(axis=-1), first, -1)


def launch_reports(
    layer: EarlyWarningLayer,
    times: FloatArray,
    visible: BoolArray,
    position: FloatArray,
    velocity: FloatArray,
    in_flight: BoolArray,
    launch_time: FloatArray,
    rng: np.random.Generator,
) -> LaunchReports:
    """Launch reports from the visibility mask (N, T) of `early_warning_visibility`.

    Draws 4·N standard normals from `rng` whatever is detected, so the random stream does not
    depend on the geometry.
    """
    n, steps = visible.shape
    noise = rng.standard_normal((n, 4))
    first = _first_true(visible)
    detected = first >= 0
    nan = np.full(n, np.nan)
    first_seen = np.where(detected, times[np.maximum(first, 0)], np.nan)
    report_time = first_seen + layer.reporting_delay_s
    # Last seen sample at or before the report time: the track the heading comes from.
    seen_by_report = visible & (times[None, :] <= report_time[:, None])
    last = steps - 1 - _first_true(seen_by_report[:, ::-1])
    last = np.where(detected, last, 0)
    rows = np.arange(n)
    pos_last = position[rows, last]
    vel_last = velocity[rows, last]
    lat_l, lon_l, _ = ecef_to_geodetic(pos_last)
    rot = enu_rotation(lat_l, lon_l)
    v_enu = np.einsum("nij,nj->ni", rot, vel_last)
    true_heading = np.mod(np.arctan2(v_enu[:, 0], v_enu[:, 1]), 2.0 * np.pi)
    # Launch point: the ground point below the first in-flight sample, displaced east/north.
    launch_idx = np.maximum(_first_true(in_flight), 0)
    lat0, lon0, _ = ecef_to_geodetic(position[rows, launch_idx])
    ground = geodetic_to_ecef(lat0, lon0, 0.0)
    rot0 = enu_rotation(lat0, lon0)
    offset = layer.launch_point_sigma_m * noise[:, 0:1] * rot0[:, 0]
    offset += layer.launch_point_sigma_m * noise[:, 1:2] * rot0[:, 1]
    lat_r, lon_r, _ = ecef_to_geodetic(ground + offset)
    heading = np.mod(true_heading + layer.heading_sigma * noise[:, 3], 2.0 * np.pi)
    reported_launch = launch_time + layer.launch_time_sigma_s * noise[:, 2]
    return LaunchReports(
        detected=detected,
        first_seen_s=first_seen,
        report_time_s=report_time,
        launch_lat=np.where(detected, lat_r, nan),
        launch_lon=np.where(detected, lon_r, nan),
        launch_time_s=np.where(detected, reported_launch, nan),
        heading=np.where(detected, heading, nan),
        true_heading=np.where(detected, true_heading, nan),
    )


def tracking_layer_visibility(
    layer: TrackingLayer, times: FloatArray, position: FloatArray, trackable: BoolArray
) -> BoolArray:
    """(N, T): trackable samples viewed by at least `min_satellites` satellites."""
    if position.shape[:2] != trackable.shape:
        raise ValueError("position (N, T, 3) and trackable (N, T) must agree")
    sat = satellite_ecef(layer.elements, times, layer.angle_at_zero)
    candidate = trackable & np.all(np.isfinite(position), axis=-1)
    count = satellites_in_view(sat, position, candidate, layer.limb_altitude_m, layer.max_range_m)
    return count >= layer.min_satellites


def revisit_looks(times: FloatArray, revisit_s: float) -> BoolArray:
    """(T,) True at the first sample of each revisit window [k·revisit, (k+1)·revisit)."""
    _positive("revisit_s", revisit_s)
    window = np.floor(np.asarray(times, dtype=float) / revisit_s)
    look = np.ones(window.shape, dtype=bool)
    look[1:] = window[1:] != window[:-1]
    return look


def tracking_layer_detections(
    layer: TrackingLayer,
    times: FloatArray,
    visible: BoolArray,
    position: FloatArray,
    rng: np.random.Generator,
) -> tuple[BoolArray, FloatArray]:
    """Detections (N, T) and measured positions (N, T, 3), NaN where not detected.

    Draws N·T uniforms and N·T·3 normals from `rng` whatever is visible.
    """
    u = rng.random(visible.shape)
    noise = rng.standard_normal(position.shape)
    detected = visible & revisit_looks(times, layer.revisit_s)[None, :]
    detected &= u < layer.pd_per_revisit
    measured = np.where(detected[..., None], position + layer.position_sigma_m * noise, np.nan)
    return detected, measured


def sbirs_like_layer(
    geo_longitudes_deg: tuple[float, ...] = (-105.0, -15.0, 75.0, 165.0),
    heo_raan_deg: tuple[float, ...] = (0.0, 180.0),
    angle_at_zero: float = 0.0,
    **kwargs: Any,
) -> EarlyWarningLayer:
    """A notional SBIRS-like layer: GEO satellites plus Molniya-like HEO satellites.

    Four GEO and two HEO by default, echoing the public SBIRS architecture (GEO satellites
    plus HEO payloads); the longitudes and planes are notional round numbers. The other
    keyword arguments (the layer's parameters) go to `EarlyWarningLayer`.
    """
    geo = geostationary(np.radians(geo_longitudes_deg), angle_at_zero)
    raan = np.radians(heo_raan_deg)
    heo = molniya(raan, mean_anomaly=np.pi * np.ones_like(raan))
    elements = concatenate_elements(geo, heo)
    return EarlyWarningLayer(elements=elements, angle_at_zero=angle_at_zero, **kwargs)


def tracking_layer_walker(
    total: int = 28,
    planes: int = 4,
    phasing: int = 1,
    altitude_m: float = 1_000_000.0,
    inclination_deg: float = 80.0,
    **kwargs: Any,
) -> TrackingLayer:
    """A notional low-orbit tracking layer: Walker delta 28/4/1 at 1000 km, 80° (round numbers
    of the order of the SDA tracking layer's first tranche). The other keyword arguments (the
    layer's parameters) go to `TrackingLayer`."""
    elements = walker_delta(total, planes, phasing, altitude_m, np.radians(inclination_deg))
    return TrackingLayer(elements=elements, **kwargs)


# --------------------------------------------------------------------------------------------
# Engine interface: a placed layer and what it sees of the scenario's threats.

NO_BOOST_BURN_S = 60.0
"""Burn time assumed for a trajectory that models no boost phase (a flight that starts at
burnout on the pad): its first 60 s in flight count as burning. Notional, of the order of a
short- or medium-range missile's motor burn (about 60-110 s in open descriptions)."""


def constellation(
    *,
    geostationary_longitudes: npt.ArrayLike = (),
    molniya_raan: npt.ArrayLike = (),
    walker: tuple[int, int, int] = (0, 1, 0),
    walker_altitude_m: float = 1_000_000.0,
    walker_inclination: float = float(np.radians(80.0)),
) -> OrbitalElements:
    """Orbital elements of GEO satellites (longitudes, rad), Molniya-like satellites (one per
    ascending node, rad, each at apogee at time 0) and a Walker delta (total, planes, phasing)."""
    parts = []
    lon = np.atleast_1d(np.asarray(geostationary_longitudes, dtype=float))
    if lon.size:
        parts.append(geostationary(lon))
    raan = np.atleast_1d(np.asarray(molniya_raan, dtype=float))
    if raan.size:
        parts.append(molniya(raan, mean_anomaly=np.pi * np.ones_like(raan)))
    total, planes, phasing = walker
    if total:
        parts.append(walker_delta(total, planes, phasing, walker_altitude_m, walker_inclination))
    if not parts:
        raise ValueError("a constellation needs at least one satellite")
    return concatenate_elements(*parts)


def burning_mask(trajectory: Any) -> BoolArray:
    """(N, T) samples where the motor burns: the boost phase, or the first `NO_BOOST_BURN_S`
    of flight for a missile whose trajectory has no boost samples."""
    from kamae.kinematics.trajectory import PHASE_BOOST

    burning = np.asarray(trajectory.phase == PHASE_BOOST)
    none = ~burning.any(axis=1)
    if np.any(none):
        since = trajectory.times[None, :] - trajectory.launch_time[none, None]
        burning[none] = trajectory.in_flight[none] & (since <= NO_BOOST_BURN_S)
    return burning


@dataclass(frozen=True)
class SpaceLayerView:
    """A placed space layer and its deterministic view of the N threats."""

    id: str
    role: str
    """"early_warning" or "tracking"."""
    layer: EarlyWarningLayer | TrackingLayer
    visible: BoolArray
    """(N, T) seen (early warning: burning plume in view; tracking: in view of enough
    satellites)."""
    pd: FloatArray | None = None
    """(N, T) tracking: probability of detection per look from each object's infrared
    signature (`kamae.sensors.infrared`); None: the layer's fixed pd_per_revisit."""


def space_layer_view(
    layer_id: str, layer: EarlyWarningLayer | TrackingLayer, trajectory: Any
) -> SpaceLayerView:
    """A placed layer and its visibility of a `Trajectory`."""
    times, position = trajectory.times, trajectory.position
    if isinstance(layer, EarlyWarningLayer):
        visible = early_warning_visibility(
            layer, times, position, trajectory.altitude, burning_mask(trajectory)
        )
        return SpaceLayerView(layer_id, "early_warning", layer, visible)
    visible = tracking_layer_visibility(layer, times, position, trajectory.in_flight)
    return SpaceLayerView(layer_id, "tracking", layer, visible)
