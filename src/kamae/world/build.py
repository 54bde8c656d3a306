"""The world of one scenario: everything deterministic, built once and shared by replications.

Checks the scenario's physics (`checks`), converts its parameter sets to SI (`si`), expands
raids into missiles and samples their trajectories on the engine's time grid (`flights`),
precomputes each radar's and space layer's view of each missile (with the network's jamming
and lost satellites baked in: `network`), and each fire unit's engagement window against
each missile (intercept points inside the envelope and the launch time each needs). The
world holds SI arrays and frozen records only: the engine never sees the scenario's models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.engagement.doctrine import Doctrine
from kamae.engagement.envelope import EngagementWindows, Envelopes, Interceptor
from kamae.errors import InfeasibleThreat
from kamae.geo import geodetic_to_ecef
from kamae.kinematics.marv import STANDARD_GRAVITY
from kamae.kinematics.threat_complex import OBJECT_WARHEAD
from kamae.kinematics.trajectory import Trajectory
from kamae.network import Network
from kamae.scenario.loader import LoadedScenario, load_scenario
from kamae.scenario.model import InterceptorType, SensorType, SpaceInfraredType
from kamae.sensors.discrimination import declaration_threshold
from kamae.sensors.radar import Radar, RadarView, phase_rcs
from kamae.sensors.rf import RadarRF
from kamae.sensors.space_ir import SpaceLayerView, space_layer_view
from kamae.tracking.filter_bank import TrackerSettings
from kamae.world import si
from kamae.world.checks import network_problems, raid_problems, refuse
from kamae.world.flights import fly_raids, raid_flights
from kamae.world.network import blinded_layers, jammed_views, scenario_network
from kamae.world.objects import THREAT_CLASSES, ObjectRows, defended_assets, object_rows
from kamae.world.sensing import infrared_layer, radar_views

__all__ = ["THREAT_CLASSES", "FireUnits", "World", "build_world", "load_world"]


@dataclass(frozen=True)
class FireUnits:
    """F fire units as arrays."""

    ids: list[str]
    interceptor: list[str]
    """Interceptor type name per unit."""
    ecef: FloatArray
    tier: list[str]
    inventory: IntArray
    launchers: IntArray
    launch_interval_s: FloatArray
    rounds_per_launcher: IntArray
    """Per unit: ready rounds a launcher holds (0: no reload model, the whole inventory)."""
    reload_s: FloatArray
    """Per unit: time to reload an empty launcher from the magazine, s (0 without reloads)."""
    defends: BoolArray
    """(F, assets) the assets each unit defends."""
    sspk: FloatArray
    """(F, classes) kill probability per threat class (NaN where undefined)."""
    handover_basket_m: list[float | None]
    """Per unit: prediction error its interceptor can still correct, m (None: perfect)."""
    in_flight_updates: BoolArray
    """Per unit: its interceptor is guided to handover on the unit's track (its Pk at the
    intercept uses that track's error then, not the launch-time prediction)."""
    reserve: IntArray
    """Per unit: rounds held back by the doctrine's reserve."""
    unit_cost_musd: FloatArray
    """Per unit: cost of one of its interceptors, million USD."""
    max_acceleration_mps2: FloatArray
    """Per unit: its interceptor's lateral acceleration limit, m/s² (inf: not limited)."""


@dataclass(frozen=True)
class World:
    """A scenario made ready to simulate."""

    name: str
    dt: float
    times: FloatArray
    asset_ids: list[str]
    asset_ecef: FloatArray
    asset_value: FloatArray
    threat_ids: list[str]
    threat_type: list[str]
    threat_class: IntArray
    """Index into THREAT_CLASSES per missile."""
    threat_rcs: FloatArray
    threat_target: IntArray
    """Asset index aimed at, -1 for a bare aim point."""
    threat_kind: list[str]
    """Trajectory model per missile (ballistic, quasi_ballistic, glide, cruise)."""
    threat_level_flight: BoolArray
    """Per missile: held up by lift (glide, cruise), so tracked and predicted as level flight
    rather than as a ballistic coast (the defense is taken to classify the kind correctly)."""
    threat_dive_angle_rad: FloatArray
    """Per missile: terminal dive angle the defense predicts for a glide vehicle (0: none)."""
    threat_cep_m: FloatArray
    """Circular error probable of each missile's impact, m (0: none)."""
    threat_lethal_radius_m: FloatArray
    """A leaker this close to its aim point is effective, m (inf: every leaker)."""
    trajectory: Trajectory
    sensor_ids: list[str]
    radars: list[Radar]
    views: list[RadarView]
    fire_units: FireUnits
    envelopes: Envelopes
    windows: EngagementWindows
    doctrine: Doctrine
    threat_unit_cost_musd: FloatArray
    """Per missile: assumed unit cost of its type, million USD (NaN: none given)."""
    object_kind: IntArray
    """Per row: 0 warhead, 1 decoy, 2 debris (`kamae.kinematics.threat_complex`); warheads
    are the first rows, in raid order."""
    object_parent: IntArray
    """Per row: the warhead row a decoy or debris came from; a warhead's own row."""
    object_release_s: FloatArray
    """Per row: when its threat complex separated, s (NaN: a warhead without one, which is
    never discriminated)."""
    object_length_mismatch_m: FloatArray
    """Per row: the discrimination feature's separation from the other class, m."""
    object_decorrelation_s: FloatArray
    """Per row: the feature's decorrelation time, s."""
    threat_manoeuvre_mps2: FloatArray
    """Per row: peak lateral acceleration of a MaRV's terminal weave, m/s² (0: none)."""
    threat_manoeuvre_start_s: FloatArray
    """Per row: when that weave starts, s (NaN: none)."""
    threat_aim_sensor: IntArray
    """Per row: the sensor it is aimed at (destroyed by a landing within its lethal radius),
    -1 for none."""
    threat_aim_unit: IntArray
    """Per row: the fire unit it is aimed at, -1 for none."""
    radar_rf: list[RadarRF]
    """Per radar: carrier, antenna, receiver, search fence and sea state."""
    discrimination_threshold: float
    """Declare a warhead when the discrimination statistic is at least this
    (`kamae.sensors.discrimination.declaration_threshold`)."""
    discrimination_delay_s: float
    """Objects of a threat complex are undecided (not engaged) until their complex has been
    separated this long, s."""
    tracker: TrackerSettings
    """The trackers' filter choice and the IMM's manoeuvre model (`doctrine.tracker_*`)."""
    space_layers: tuple[SpaceLayerView, ...] = ()
    """Space-based infrared layers and what they see (`kamae.sensors.space_ir`)."""
    network: Network | None = None
    """The allied network (None: no `network:` section, every sensor's data reaches every
    fire unit at once)."""

    @property
    def warheads(self) -> int:
        """The number of warhead rows (the first rows of every per-row array)."""
        return int(np.count_nonzero(self.object_kind == OBJECT_WARHEAD))

    @property
    def discriminates(self) -> bool:
        """Whether any object belongs to a threat complex (decoys or debris to discriminate)."""
        return bool(np.any(np.isfinite(self.object_release_s)))


def load_world(name_or_path: str | Path) -> World:
    """Load a scenario (a bundled name or a file), check it and build its world."""
    return build_world(load_scenario(name_or_path))


def build_world(loaded: LoadedScenario) -> World:
    """Build the deterministic world of a loaded scenario, after its physical checks
    (those of `kamae.world.checks.check_world`: an infeasible scenario raises
    `ScenarioErrors` naming file, line and field, before anything runs)."""
    refuse(loaded, raid_problems(loaded, trial_flights=False))
    s = loaded.scenario
    flights = raid_flights(loaded)
    try:
        trajectory = fly_raids(flights, s.time.step_s)
    except InfeasibleThreat:
        refuse(loaded, raid_problems(loaded))  # the trial flights name the raid and field
        raise
    network = scenario_network(s)
    refuse(loaded, network_problems(loaded, network))
    trajectory, threats = object_rows(loaded, flights, trajectory)
    times = trajectory.times
    radars = [si.radar(x, _radar_type(loaded, x.type)) for x in s.sensors]
    rfs = [si.radar_rf(x, _radar_type(loaded, x.type)) for x in s.sensors]
    sample_rcs = phase_rcs(threats.rcs, trajectory.phase)
    discriminates = bool(np.any(np.isfinite(threats.release_s)))
    warhead = threats.object_kind == OBJECT_WARHEAD
    views = radar_views(
        loaded, radars, rfs, trajectory, sample_rcs, threats.raid, warhead, discriminates
    )
    if network is not None:
        views = jammed_views(network, radars, views, times, trajectory.position, sample_rcs)
    space_layers = _space_layers(loaded, trajectory, threats)
    if network is not None:
        space_layers = blinded_layers(network, space_layers, len(radars), times)
    interceptors = [si.interceptor(loaded.interceptors[u.interceptor]) for u in s.fire_units]
    fire_units = _fire_units(loaded, interceptors)
    envelopes = Envelopes.of(fire_units.ecef, interceptors)
    assets = defended_assets(loaded)
    aim_sensor, aim_unit = _aims(loaded, threats)
    return World(
        name=s.name,
        dt=s.time.step_s,
        times=times,
        asset_ids=[a[0] for a in assets],
        asset_ecef=_ecef([a[1] for a in assets], [a[2] for a in assets]),
        asset_value=np.array([a[3] for a in assets], dtype=float),
        threat_ids=threats.ids,
        threat_type=threats.types,
        threat_class=threats.classes,
        threat_rcs=threats.rcs,
        threat_target=threats.targets,
        threat_kind=threats.kinds,
        threat_level_flight=threats.level_flight,
        threat_dive_angle_rad=threats.dive_angle_rad,
        threat_cep_m=threats.cep_m,
        threat_lethal_radius_m=threats.lethal_radius_m,
        trajectory=trajectory,
        sensor_ids=[x.id for x in s.sensors],
        radars=radars,
        views=views,
        space_layers=tuple(space_layers),
        network=network,
        fire_units=fire_units,
        envelopes=envelopes,
        windows=envelopes.windows(trajectory),
        doctrine=si.doctrine(s.doctrine),
        threat_unit_cost_musd=threats.unit_cost_musd,
        object_kind=threats.object_kind,
        object_parent=threats.object_parent,
        object_release_s=threats.release_s,
        object_length_mismatch_m=threats.length_mismatch_m,
        object_decorrelation_s=threats.decorrelation_s,
        threat_manoeuvre_mps2=threats.manoeuvre_mps2,
        threat_manoeuvre_start_s=threats.manoeuvre_start_s,
        threat_aim_sensor=aim_sensor,
        threat_aim_unit=aim_unit,
        radar_rf=rfs,
        discrimination_threshold=declaration_threshold(s.doctrine.warhead_declaration_floor),
        discrimination_delay_s=s.doctrine.discrimination_delay_s,
        tracker=si.tracker(s.doctrine),
    )


def _space_layers(
    loaded: LoadedScenario, trajectory: Trajectory, threats: ObjectRows
) -> list[SpaceLayerView]:
    """Each space layer's view; a tracking layer with an infrared band detects with the
    radiometric Pd of each object's signature."""
    out = []
    signatures = None
    for x in loaded.scenario.space_sensors:
        sp = _space_type(loaded, x.type)
        view = space_layer_view(x.id, si.space_layer(sp), trajectory)
        band = si.infrared_band(sp) if sp.role == "tracking" else None
        if band is not None:
            if signatures is None:
                entries = [loaded.threats[t] for t in threats.types]
                signatures = si.signatures(entries, list(threats.object_kind == OBJECT_WARHEAD))
            view = infrared_layer(view, band, signatures, trajectory)
        out.append(view)
    return out


def _aims(loaded: LoadedScenario, threats: ObjectRows) -> tuple[IntArray, IntArray]:
    """Per row: the sensor and the fire unit its raid aims at (-1: none). A decoy or debris
    aims at nothing (it never lands)."""
    s = loaded.scenario
    sensors = {x.id: i for i, x in enumerate(s.sensors)}
    units = {u.id: i for i, u in enumerate(s.fire_units)}
    assets = {a.id for a in s.assets}
    raids = s.raids
    sensor = np.full(len(threats.ids), -1, dtype=np.int64)
    unit = np.full(len(threats.ids), -1, dtype=np.int64)
    for n, (r, kind) in enumerate(zip(threats.raid.tolist(), threats.object_kind.tolist(),
                                      strict=True)):  # fmt: skip
        target = raids[r].target
        if kind != OBJECT_WARHEAD or target is None or target in assets:
            continue
        sensor[n] = sensors.get(target, -1)
        unit[n] = units.get(target, -1)
    return sensor, unit


def _ecef(lat_deg: list[float], lon_deg: list[float]) -> FloatArray:
    """ECEF points (N, 3) on the ellipsoid; (0, 3) for none."""
    if not lat_deg:
        return np.zeros((0, 3))
    return geodetic_to_ecef(np.radians(lat_deg), np.radians(lon_deg), np.zeros(len(lat_deg)))


def _radar_type(loaded: LoadedScenario, name: str) -> SensorType:
    st = loaded.sensors[name]
    assert isinstance(st, SensorType)  # the loader refuses other kinds in sensors[]
    return st


def _space_type(loaded: LoadedScenario, name: str) -> SpaceInfraredType:
    sp = loaded.sensors[name]
    assert isinstance(sp, SpaceInfraredType)  # the loader refuses other kinds in space_sensors[]
    return sp


def _acceleration_limit(it: InterceptorType) -> float:
    g = it.max_acceleration_g
    return math.inf if g is None else g * STANDARD_GRAVITY


def _fire_units(loaded: LoadedScenario, interceptors: list[Interceptor]) -> FireUnits:
    s = loaded.scenario
    units = s.fire_units
    types = [loaded.interceptors[u.interceptor] for u in units]
    points = [a[0] for a in defended_assets(loaded)]  # assets, then defended sensors and units
    return FireUnits(
        ids=[u.id for u in units],
        interceptor=[u.interceptor for u in units],
        ecef=_ecef([u.lat_deg for u in units], [u.lon_deg for u in units]),
        tier=[i.tier for i in interceptors],
        inventory=np.array([u.inventory for u in units], dtype=np.int64),
        launchers=np.array([u.launchers for u in units], dtype=np.int64),
        launch_interval_s=np.array([u.launch_interval_s for u in units], dtype=float),
        rounds_per_launcher=np.array([u.rounds_per_launcher or 0 for u in units], dtype=np.int64),
        reload_s=np.array([u.reload_s or 0.0 for u in units], dtype=float),
        defends=np.array(
            [[u.defends is None or a in u.defends for a in points] for u in units], dtype=bool
        ).reshape(len(units), len(points)),
        sspk=np.array(
            [[i.sspk.get(c, np.nan) for c in THREAT_CLASSES] for i in interceptors], dtype=float
        ).reshape(len(units), len(THREAT_CLASSES)),
        handover_basket_m=[i.handover_basket_m for i in interceptors],
        in_flight_updates=np.array([i.in_flight_updates for i in interceptors], dtype=bool),
        reserve=np.array(
            [int(np.floor(s.doctrine.reserve_fraction * u.inventory)) for u in units],
            dtype=np.int64,
        ),
        unit_cost_musd=np.array([i.unit_cost_musd for i in interceptors], dtype=float),
        max_acceleration_mps2=np.array([_acceleration_limit(it) for it in types], dtype=float),
    )
