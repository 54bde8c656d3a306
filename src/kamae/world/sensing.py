"""What the world's sensors can see once the threats' countermeasures and the environment are
in: the radars' views with noise jamming (`kamae.sensors.jamming`) and sea clutter
(`kamae.sensors.sea_clutter`) as interference, the unaided search fence
(`kamae.sensors.search`), and the space tracking layers' probability of detection from each
object's infrared signature (`kamae.sensors.infrared`). Deterministic, built once.

Each model needs more of a radar than its reference range (its frequency, gain, beamwidth,
noise temperature, bandwidth: `kamae.sensors.rf`); a scenario that uses a model on a radar
whose catalog entry does not state what it needs is refused, naming the field.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.errors import ScenarioErrors
from kamae.geo import EARTH_MEAN_RADIUS, EFFECTIVE_EARTH_FACTOR, geodetic_to_ecef
from kamae.kinematics.trajectory import Trajectory
from kamae.scenario.base import Problem
from kamae.scenario.loader import LoadedScenario
from kamae.sensors.detection import required_snr
from kamae.sensors.infrared import (
    InfraredBand,
    Signatures,
    detection_probability,
    kth_view_range,
    radiant_intensity,
)
from kamae.sensors.jamming import NoiseJammer, jamming_at_looks
from kamae.sensors.orbits import satellite_ecef
from kamae.sensors.radar import Radar, RadarView, SearchFence, radar_view
from kamae.sensors.rf import RadarRF, pattern_gain
from kamae.sensors.sea_clutter import clutter_cross_section, grazing_angle, nrl_reflectivity_db
from kamae.sensors.search import beam_positions, search_energy_factor
from kamae.sensors.space_ir import SpaceLayerView, TrackingLayer, burning_mask
from kamae.world import si

JAM_NEEDS = ("frequency_ghz", "antenna_gain_dbi", "beamwidth_deg", "noise_temperature_k")
CLUTTER_NEEDS = ("frequency_ghz", "beamwidth_deg", "bandwidth_mhz")
FENCE_NEEDS = ("beamwidth_deg", "track_dwell_ms", "search_revisit_s")


def radar_problems(loaded: LoadedScenario) -> list[Problem]:
    """Radars asked for a model their catalog entry lacks the parameters of."""
    s = loaded.scenario
    out: list[Problem] = []
    jammed = _jammed_radars(loaded)
    for i, x in enumerate(s.sensors):
        st = loaded.sensors[x.type]
        needs: list[tuple[tuple[str, ...], str, tuple[str | int, ...]]] = []
        if i in jammed:
            needs.append((JAM_NEEDS, "to be jammed", ("jammers", jammed[i])))
        if x.sea_state is not None:
            needs.append((CLUTTER_NEEDS, "for sea clutter", ("sensors", i, "sea_state")))
        if x.search_fence_deg is not None:
            needs.append((FENCE_NEEDS, "for a search fence", ("sensors", i, "search_fence_deg")))
        for fields, why, path in needs:
            missing = [f for f in fields if getattr(st, f, None) is None]
            if missing:
                out.append(
                    (
                        path,
                        f"radar {x.id} (type {x.type}) needs {', '.join(missing)} in its "
                        f"catalog entry {why}",
                        None,
                    )
                )
    return out


def _jammed_radars(loaded: LoadedScenario) -> dict[int, int]:
    """Radar index -> index of the first jammer that jams it."""
    s = loaded.scenario
    index = {x.id: i for i, x in enumerate(s.sensors)}
    out: dict[int, int] = {}
    for j, jam in enumerate(s.jammers):
        spec = si.jammer(jam, index)
        for i, x in enumerate(s.sensors):
            rf = si.radar_rf(x, loaded.sensors[x.type])  # type: ignore[arg-type]
            listed = not spec.sensors or i in spec.sensors
            f = rf.frequency_hz  # unknown: reported as missing
            if listed and (f is None or spec.band_low_hz <= f <= spec.band_high_hz):
                out.setdefault(i, j)
    return out


def radar_views(
    loaded: LoadedScenario,
    radars: list[Radar],
    rfs: list[RadarRF],
    trajectory: Trajectory,
    rcs: FloatArray,
    raid_of: IntArray,
    warhead: BoolArray,
    keep_snr: bool,
) -> list[RadarView]:
    """Each radar's view of the objects, with jamming, sea clutter and its search fence."""
    s = loaded.scenario
    problems = radar_problems(loaded)
    if problems:
        raise ScenarioErrors([loaded.error(p) for p in problems])
    index = {x.id: i for i, x in enumerate(s.sensors)}
    jammers = [(si.jammer(j, index), j) for j in s.jammers]
    raid_index = {r.id: i for i, r in enumerate(s.raids)}
    views = []
    for i, (radar, rf) in enumerate(zip(radars, rfs, strict=True)):
        interference = None
        for spec, jam in jammers:
            if not spec.jams(i, rf):
                continue
            if jam.kind == "stand_off":
                point = geodetic_to_ecef(
                    np.radians(jam.lat_deg), np.radians(jam.lon_deg), jam.altitude_m
                )
                sources = [np.broadcast_to(point, (trajectory.steps, 3))]
            else:
                carriers = np.flatnonzero(warhead & (raid_of == raid_index[jam.raid]))
                sources = [trajectory.position[c] for c in carriers.tolist()]
            interference = _add(interference, _jamming(spec, rf, radar, sources, trajectory))
        if rf.sea_state is not None:
            interference = _add(interference, _sea_clutter(radar, rf, trajectory))
        views.append(
            radar_view(radar, trajectory.position, rcs, interference, _fence(radar, rf), keep_snr)
        )
    return views


def _add(total: FloatArray | None, part: FloatArray) -> FloatArray:
    return part if total is None else total + part


def _jamming(
    spec: NoiseJammer,
    rf: RadarRF,
    radar: Radar,
    sources: list[FloatArray],
    trajectory: Trajectory,
) -> FloatArray:
    total = np.zeros(trajectory.position.shape[:2])
    for src in sources:
        total += jamming_at_looks(spec, rf, radar.ecef, src, trajectory.position, trajectory.times)
    return total


def _sea_clutter(radar: Radar, rf: RadarRF, trajectory: Trajectory) -> FloatArray:
    """Clutter-to-noise (N, T) after Doppler processing, in the looks at each object."""
    assert rf.frequency_hz is not None and rf.beamwidth is not None
    assert rf.bandwidth_hz is not None and rf.sea_state is not None
    rel = trajectory.position - radar.ecef
    rng = np.linalg.norm(rel, axis=-1)
    up = radar.enu_rotation[2]
    with np.errstate(invalid="ignore"):
        elevation = np.arcsin(np.clip(np.sum(rel * up, axis=-1) / rng, -1.0, 1.0))
    ka = EFFECTIVE_EARTH_FACTOR * EARTH_MEAN_RADIUS
    r = np.nan_to_num(rng, nan=1.0)
    psi = grazing_angle(radar.height_m, r)
    depression = np.arcsin(np.clip(radar.height_m / np.maximum(r, 1.0) + r / (2.0 * ka), -1, 1))
    sigma0 = 10.0 ** (
        nrl_reflectivity_db(rf.frequency_hz / 1e9, rf.sea_state, np.degrees(psi), rf.polarization)
        / 10.0
    )
    sigma_c = clutter_cross_section(sigma0, r, rf.beamwidth, rf.bandwidth_hz, np.maximum(psi, 0))
    two_way = pattern_gain(np.nan_to_num(elevation) + depression, rf.beamwidth, rf.sidelobe_level)
    ref = (
        radar.reference_snr
        if radar.swerling is not None
        else float(required_snr(radar.reference_pd, radar.pfa, radar.noncoherent_pulses, 1))
    )
    cnr = ref * (sigma_c / radar.reference_rcs_m2) * (radar.reference_range_m / r) ** 4
    cnr = cnr * two_way**2 / rf.clutter_improvement
    return np.where(np.isfinite(rng) & (psi > 0.0), cnr, 0.0)


def _fence(radar: Radar, rf: RadarRF) -> SearchFence | None:
    if rf.search_fence is None:
        return None
    assert rf.beamwidth is not None and radar.track_dwell_s is not None
    positions = beam_positions(
        radar.azimuth_width, radar.min_elevation, rf.search_fence, rf.beamwidth
    )
    return SearchFence(
        energy_factor=search_energy_factor(radar.search_period_s, positions, radar.track_dwell_s),
        top_elevation=radar.min_elevation + rf.search_fence,
    )


def infrared_layer(
    view: SpaceLayerView, band: InfraredBand, signatures: Signatures, trajectory: Trajectory
) -> SpaceLayerView:
    """A tracking layer whose looks detect with the radiometric Pd of each object (N, T)."""
    layer = view.layer
    assert isinstance(layer, TrackingLayer)
    sat = satellite_ecef(layer.elements, trajectory.times, layer.angle_at_zero)
    rng = kth_view_range(
        sat,
        trajectory.position,
        view.visible,
        layer.limb_altitude_m,
        layer.max_range_m,
        layer.min_satellites,
    )
    speed = np.linalg.norm(trajectory.velocity, axis=-1)
    intensity = radiant_intensity(
        signatures, band, trajectory.altitude, speed, burning_mask(trajectory)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        irradiance = np.where(np.isfinite(rng), intensity / rng**2, 0.0)
    pd = np.where(view.visible, detection_probability(irradiance, band), 0.0)
    return replace(view, pd=pd)
