"""The world of one scenario: everything deterministic, built once and shared by replications.

Converts the scenario's analyst units to SI, expands raids into missiles, samples their
trajectories on the engine's time grid, precomputes each radar's visibility of each missile,
and each fire unit's engagement window against each missile (intercept points inside the
envelope and the launch time each needs).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from kamae.engagement.doctrine import Doctrine
from kamae.engagement.envelope import EngagementWindows, Envelopes
from kamae.geo import geodetic_to_ecef
from kamae.kinematics.threats import GlideFlight
from kamae.kinematics.trajectory import Trajectory
from kamae.network import Network
from kamae.scenario.loader import LoadedScenario, load_scenario
from kamae.sensors.radar import Radar, RadarView, phase_rcs, radar_view
from kamae.sensors.space_ir import SpaceLayerView, constellation, space_layer_view
from kamae.world.checks import check_world
from kamae.world.flights import fly_raids, raid_flights
from kamae.world.network import blinded_layers, jammed_views, scenario_network
from kamae.world.si import doctrine as doctrine_si

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

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
    threat_level_flight: npt.NDArray[np.bool_]
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
    loaded: LoadedScenario
    space_layers: tuple[SpaceLayerView, ...] = ()
    network: Network | None = None
    """The allied network (None: no `network:` section, every sensor's data reaches every
    fire unit at once)."""
    """Space-based infrared layers and what they see (`kamae.sensors.space_ir`)."""


def load_world(name_or_path: str | Path) -> World:
    """Load a scenario (a bundled name or a file), check it and build its world."""
    return build_world(load_scenario(name_or_path))


def build_world(loaded: LoadedScenario) -> World:
    """Build the deterministic world of a loaded scenario, after its physical checks
    (`kamae.world.checks.check_world`: an infeasible scenario raises `ScenarioErrors`)."""
    check_world(loaded)
    s = loaded.scenario
    asset_index = {a.id: i for i, a in enumerate(s.assets)}
    asset_ecef = (
        geodetic_to_ecef(
            np.radians([a.lat_deg for a in s.assets]),
            np.radians([a.lon_deg for a in s.assets]),
            np.zeros(len(s.assets)),
        )
        if s.assets
        else np.zeros((0, 3))
    )

    ids, types, classes, rcs, targets = [], [], [], [], []
    for raid in s.raids:
        ttype = loaded.threats[raid.threat]
        for k in range(raid.count):
            ids.append(f"{raid.id}#{k + 1}")
            types.append(raid.threat)
            classes.append(THREAT_CLASSES.index(ttype.threat_class))
            rcs.append(ttype.rcs_m2)
            targets.append(asset_index[raid.target] if raid.target is not None else -1)
    flights = raid_flights(loaded)
    dt = s.time.step_s
    trajectory = fly_raids(flights, dt)
    times = trajectory.times
    per_missile = [f.flight for f in flights for _ in range(f.launch_time_s.size)]
    kinds = [f.kind for f in per_missile]
    cep = [loaded.threats[name].cep_m for name in types]
    lethal = [loaded.threats[name].lethal_radius_m for name in types]
    threat_rcs = np.array(rcs, dtype=float)

    radars = []
    for sensor in s.sensors:
        st = loaded.sensors[sensor.type]
        assert st.kind == "radar"  # the loader refuses other kinds in sensors[]
        radars.append(
            Radar(
                lat=np.radians(sensor.lat_deg),
                lon=np.radians(sensor.lon_deg),
                height_m=sensor.altitude_m,
                reference_range_m=st.reference_range_km * 1e3,
                reference_rcs_m2=st.reference_rcs_m2,
                max_range_m=st.max_range_km * 1e3,
                boresight_azimuth=np.radians(sensor.boresight_deg),
                azimuth_width=np.radians(st.azimuth_width_deg),
                min_elevation=np.radians(st.min_elevation_deg),
                max_elevation=np.radians(st.max_elevation_deg),
                revisit_s=st.revisit_s,
                pd_per_look=1.0 if st.pd_per_look is None else st.pd_per_look,
                range_sigma_m=st.range_sigma_m,
                angle_sigma=st.angle_sigma_mrad * 1e-3,
                detection=st.detection,
                reference_pd=st.reference_pd,
                pfa=st.pfa,
                noncoherent_pulses=st.noncoherent_pulses,
                search_revisit_s=st.search_revisit_s,
                track_dwell_s=None if st.track_dwell_ms is None else st.track_dwell_ms * 1e-3,
                min_search_fraction=st.min_search_fraction,
                false_alarms_per_scan=st.false_alarms_per_scan,
                confirm_hits=st.confirm_hits,
                confirm_looks=st.confirm_looks,
                delete_after_misses=st.delete_after_misses,
            )
        )
    sample_rcs = phase_rcs(threat_rcs, trajectory.phase)
    views = [radar_view(r, trajectory.position, sample_rcs) for r in radars]
    network = scenario_network(s)
    if network is not None:
        views = jammed_views(network, radars, views, times, trajectory.position, sample_rcs)
    space_layers = []
    for layer in s.space_sensors:
        sp = loaded.sensors[layer.type]
        assert sp.kind == "space_ir"  # the loader refuses other kinds in space_sensors[]
        space_layers.append(
            space_layer_view(
                layer.id,
                sp.role,
                constellation(
                    geostationary_longitudes=np.radians(sp.geostationary_longitudes_deg),
                    molniya_raan=np.radians(sp.molniya_raan_deg),
                    walker=(sp.walker_total, sp.walker_planes, sp.walker_phasing),
                    walker_altitude_m=sp.walker_altitude_km * 1e3,
                    walker_inclination=np.radians(sp.walker_inclination_deg),
                ),
                trajectory,
                cloud_top_altitude_m=sp.cloud_top_altitude_km * 1e3,
                reporting_delay_s=sp.reporting_delay_s,
                launch_point_sigma_m=sp.launch_point_sigma_km * 1e3,
                launch_time_sigma_s=sp.launch_time_sigma_s,
                heading_sigma=np.radians(sp.heading_sigma_deg),
                limb_altitude_m=sp.limb_altitude_km * 1e3,
                max_range_m=sp.max_range_km * 1e3,
                revisit_s=sp.revisit_s,
                pd_per_revisit=sp.pd_per_revisit,
                position_sigma_m=sp.position_sigma_km * 1e3,
                min_satellites=sp.min_satellites,
            )
        )

    if network is not None:
        space_layers = blinded_layers(network, space_layers, len(radars), times)

    units = s.fire_units
    fu = FireUnits(
        ids=[u.id for u in units],
        interceptor=[u.interceptor for u in units],
        ecef=(
            geodetic_to_ecef(
                np.radians([u.lat_deg for u in units]),
                np.radians([u.lon_deg for u in units]),
                np.zeros(len(units)),
            )
            if units
            else np.zeros((0, 3))
        ),
        tier=[loaded.interceptors[u.interceptor].tier for u in units],
        inventory=np.array([u.inventory for u in units], dtype=np.int64),
        launchers=np.array([u.launchers for u in units], dtype=np.int64),
        launch_interval_s=np.array([u.launch_interval_s for u in units], dtype=float),
        sspk=np.array(
            [
                [loaded.interceptors[u.interceptor].sspk.get(c, np.nan) for c in THREAT_CLASSES]
                for u in units
            ],
            dtype=float,
        ).reshape(len(units), len(THREAT_CLASSES)),
        handover_basket_m=[
            None
            if (b := loaded.interceptors[u.interceptor].handover_basket_km) is None
            else b * 1e3
            for u in units
        ],
        reserve=np.array(
            [int(np.floor(s.doctrine.reserve_fraction * u.inventory)) for u in units],
            dtype=np.int64,
        ),
        unit_cost_musd=np.array(
            [loaded.interceptors[u.interceptor].unit_cost_musd for u in units], dtype=float
        ),
    )
    specs = [loaded.interceptors[u.interceptor] for u in units]
    envelopes = Envelopes(
        unit_ecef=fu.ecef,
        min_altitude_m=np.array([e.min_altitude_km * 1e3 for e in specs]),
        max_altitude_m=np.array([e.max_altitude_km * 1e3 for e in specs]),
        max_range_m=np.array([e.max_range_km * 1e3 for e in specs]),
        max_target_speed_mps=np.array(
            [np.inf if e.max_target_speed_mps is None else e.max_target_speed_mps for e in specs]
        ),
        flyout=[
            {
                "mean_speed_mps": e.mean_speed_mps,
                "burnout_speed_mps": e.burnout_speed_mps,
                "burn_time_s": e.burn_time_s,
            }
            for e in specs
        ],
    )
    windows = envelopes.windows(trajectory)
    return World(
        name=s.name,
        dt=dt,
        times=times,
        asset_ids=[a.id for a in s.assets],
        asset_ecef=asset_ecef,
        asset_value=np.array([a.value for a in s.assets], dtype=float),
        threat_ids=ids,
        threat_type=types,
        threat_class=np.array(classes, dtype=np.int64),
        threat_rcs=threat_rcs,
        threat_target=np.array(targets, dtype=np.int64),
        threat_kind=kinds,
        threat_level_flight=np.array([f.level_flight for f in per_missile], dtype=bool),
        threat_dive_angle_rad=np.array(
            [f.dive_angle_rad if isinstance(f, GlideFlight) else 0.0 for f in per_missile],
            dtype=float,
        ),
        threat_cep_m=np.array([0.0 if c is None else c for c in cep], dtype=float),
        threat_lethal_radius_m=np.array([np.inf if x is None else x for x in lethal], dtype=float),
        trajectory=trajectory,
        sensor_ids=[x.id for x in s.sensors],
        radars=radars,
        views=views,
        space_layers=tuple(space_layers),
        network=network,
        fire_units=fu,
        envelopes=envelopes,
        windows=windows,
        doctrine=doctrine_si(s.doctrine),
        threat_unit_cost_musd=np.array(
            [np.nan if (c := loaded.threats[name].unit_cost_musd) is None else c for name in types],
            dtype=float,
        ),
        loaded=loaded,
    )
