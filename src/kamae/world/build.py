"""The world of one scenario: everything deterministic, built once and shared by replications.

Checks the scenario's physics (`checks`), converts its parameter sets to SI (`si`), expands
raids into missiles and samples their trajectories on the engine's time grid (`flights`),
precomputes each radar's and space layer's view of each missile (with the network's jamming
and lost satellites baked in: `network`), and each fire unit's engagement window against
each missile (intercept points inside the envelope and the launch time each needs). The
world holds SI arrays and frozen records only: the engine never sees the scenario's models.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.engagement.doctrine import Doctrine
from kamae.engagement.envelope import EngagementWindows, Envelopes, Interceptor
from kamae.errors import InfeasibleThreat
from kamae.geo import geodetic_to_ecef
from kamae.kinematics.threats import GlideFlight
from kamae.kinematics.trajectory import Trajectory
from kamae.network import Network
from kamae.scenario.loader import LoadedScenario, load_scenario
from kamae.scenario.model import Scenario, SensorType, SpaceInfraredType
from kamae.sensors.radar import Radar, RadarView, phase_rcs, radar_view
from kamae.sensors.space_ir import SpaceLayerView, space_layer_view
from kamae.world import si
from kamae.world.checks import network_problems, raid_problems, refuse
from kamae.world.flights import RaidFlight, fly_raids, raid_flights
from kamae.world.network import blinded_layers, jammed_views, scenario_network

THREAT_CLASSES = ("srbm", "mrbm", "irbm", "cruise", "hgv")


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
    reserve: IntArray
    """Per unit: rounds held back by the doctrine's reserve."""
    unit_cost_musd: FloatArray
    """Per unit: cost of one of its interceptors, million USD."""


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
    space_layers: tuple[SpaceLayerView, ...] = ()
    """Space-based infrared layers and what they see (`kamae.sensors.space_ir`)."""
    network: Network | None = None
    """The allied network (None: no `network:` section, every sensor's data reaches every
    fire unit at once)."""


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
    times = trajectory.times
    network = scenario_network(s)
    refuse(loaded, network_problems(loaded, network))
    threats = _threats(loaded, flights)
    radars = [si.radar(x, _radar_type(loaded, x.type)) for x in s.sensors]
    sample_rcs = phase_rcs(threats.rcs, trajectory.phase)
    views = [radar_view(r, trajectory.position, sample_rcs) for r in radars]
    if network is not None:
        views = jammed_views(network, radars, views, times, trajectory.position, sample_rcs)
    space_layers = [
        space_layer_view(x.id, si.space_layer(_space_type(loaded, x.type)), trajectory)
        for x in s.space_sensors
    ]
    if network is not None:
        space_layers = blinded_layers(network, space_layers, len(radars), times)
    interceptors = [si.interceptor(loaded.interceptors[u.interceptor]) for u in s.fire_units]
    fire_units = _fire_units(s, interceptors)
    envelopes = Envelopes.of(fire_units.ecef, interceptors)
    return World(
        name=s.name,
        dt=s.time.step_s,
        times=times,
        asset_ids=[a.id for a in s.assets],
        asset_ecef=_ecef([a.lat_deg for a in s.assets], [a.lon_deg for a in s.assets]),
        asset_value=np.array([a.value for a in s.assets], dtype=float),
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
    )


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


@dataclass(frozen=True)
class _Missiles:
    """The per-missile arrays of the world, in raid order."""

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


def _threats(loaded: LoadedScenario, flights: list[RaidFlight]) -> _Missiles:
    s = loaded.scenario
    asset_index = {a.id: i for i, a in enumerate(s.assets)}
    ids, types, targets, flown = [], [], [], []
    for raid, flight in zip(s.raids, flights, strict=True):
        for k in range(raid.count):
            ids.append(f"{raid.id}#{k + 1}")
            types.append(raid.threat)
            targets.append(asset_index[raid.target] if raid.target is not None else -1)
            flown.append(flight.flight)
    entries = [loaded.threats[name] for name in types]
    return _Missiles(
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
    )


def _fire_units(s: Scenario, interceptors: list[Interceptor]) -> FireUnits:
    units = s.fire_units
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
            [[u.defends is None or a.id in u.defends for a in s.assets] for u in units], dtype=bool
        ).reshape(len(units), len(s.assets)),
        sspk=np.array(
            [[i.sspk.get(c, np.nan) for c in THREAT_CLASSES] for i in interceptors], dtype=float
        ).reshape(len(units), len(THREAT_CLASSES)),
        handover_basket_m=[i.handover_basket_m for i in interceptors],
        reserve=np.array(
            [int(np.floor(s.doctrine.reserve_fraction * u.inventory)) for u in units],
            dtype=np.int64,
        ),
        unit_cost_musd=np.array([i.unit_cost_musd for i in interceptors], dtype=float),
    )
