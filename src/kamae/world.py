"""The world of one scenario: everything deterministic, built once and shared by replications.

Converts the scenario's analyst units to SI, expands raids into missiles, samples their
trajectories on the engine's time grid, precomputes each radar's visibility of each missile,
and each fire unit's engagement window against each missile (intercept points inside the
envelope and the launch time each needs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.engagement.envelope import EngagementWindows, Envelopes
from kamae.geo import geodetic_to_ecef
from kamae.kinematics.ballistic import (
    flight_time,
    minimum_energy_trajectory,
    minimum_energy_velocity,
)
from kamae.kinematics.kepler import orbit_from_state
from kamae.kinematics.trajectory import Trajectory
from kamae.scenario.loader import LoadedScenario
from kamae.sensors.radar import Radar, RadarView, radar_view

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

THREAT_CLASSES = ("srbm", "mrbm", "irbm")


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
    trajectory: Trajectory
    sensor_ids: list[str]
    radars: list[Radar]
    views: list[RadarView]
    fire_units: FireUnits
    envelopes: Envelopes
    windows: EngagementWindows
    loaded: LoadedScenario


def build_world(loaded: LoadedScenario) -> World:
    """Build the deterministic world of a validated scenario."""
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

    ids, types, classes, rcs, targets, launch, aim, t0 = [], [], [], [], [], [], [], []
    for raid in s.raids:
        ttype = loaded.threats[raid.threat]
        point = s.assets[asset_index[raid.target]] if raid.target is not None else raid.aim
        assert point is not None
        for k in range(raid.count):
            ids.append(f"{raid.id}#{k + 1}")
            types.append(raid.threat)
            classes.append(THREAT_CLASSES.index(ttype.threat_class))
            rcs.append(ttype.rcs_m2)
            targets.append(asset_index[raid.target] if raid.target is not None else -1)
            launch.append((raid.launch.lat_deg, raid.launch.lon_deg))
            aim.append((point.lat_deg, point.lon_deg))
            t0.append(raid.launch_time_s + k * raid.interval_s)
    launch_deg = np.array(launch)
    aim_deg = np.array(aim)
    r1 = geodetic_to_ecef(np.radians(launch_deg[:, 0]), np.radians(launch_deg[:, 1]), 0.0)
    r2 = geodetic_to_ecef(np.radians(aim_deg[:, 0]), np.radians(aim_deg[:, 1]), 0.0)
    launch_time = np.array(t0, dtype=float)

    dt = s.time.step_s
    tof = flight_time(orbit_from_state(r1, minimum_energy_velocity(r1, r2)), r1, r2)
    end = float(np.max(launch_time + tof)) + dt
    times = np.arange(0.0, end + dt, dt)
    trajectory = minimum_energy_trajectory(r1, r2, launch_time, times)
    threat_rcs = np.array(rcs, dtype=float)

    radars = []
    for sensor in s.sensors:
        st = loaded.sensors[sensor.type]
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
                pd_per_look=st.pd_per_look,
                range_sigma_m=st.range_sigma_m,
                angle_sigma=st.angle_sigma_mrad * 1e-3,
            )
        )
    views = [radar_view(r, trajectory.position, threat_rcs) for r in radars]

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
        trajectory=trajectory,
        sensor_ids=[x.id for x in s.sensors],
        radars=radars,
        views=views,
        fire_units=fu,
        envelopes=envelopes,
        windows=windows,
        loaded=loaded,
    )
