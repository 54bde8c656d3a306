"""The scenario's parameter sets in SI: the one room where the analyst's units are converted.

Each function takes one declaration of the scenario file (`kamae.scenario`, pydantic, units in
the field names, defaults declared there) and returns the frozen SI record the domain layer
declares beside the code that uses it (`kamae.kinematics.threats`, `kamae.sensors`,
`kamae.engagement`, `kamae.network.spec`). Nothing else converts units, and no record below
repeats a default: a field of the file maps to one field of a record, here, once.
"""

from __future__ import annotations

import math

import numpy as np

from kamae.engagement.doctrine import Doctrine
from kamae.engagement.envelope import Flyout, Interceptor
from kamae.kinematics.threats import (
    BallisticFlight,
    CruiseFlight,
    GlideFlight,
    QuasiBallisticFlight,
    ThreatFlight,
)
from kamae.network.events import NetworkEvent
from kamae.network.jamming import jamming_factors
from kamae.network.spec import (
    ConfirmationSpec,
    EventSpec,
    LinkSpec,
    NetworkSpec,
    NodeSpec,
    SharingSpec,
)
from kamae.scenario.model import Doctrine as DoctrineSection
from kamae.scenario.model import InterceptorType, Sensor, SensorType, SpaceInfraredType
from kamae.scenario.network import (
    AttackConfirmation,
    Event,
    LinkCut,
    LinkDegraded,
    NodeCompromised,
    RadarJammed,
    SatelliteLost,
)
from kamae.scenario.network import Network as NetworkSection
from kamae.scenario.threats import (
    BallisticType,
    CruiseType,
    GlideType,
    QuasiBallisticType,
    ThreatType,
)
from kamae.sensors.radar import Radar
from kamae.sensors.space_ir import EarlyWarningLayer, TrackingLayer, constellation

KM = 1e3
"""Metres per kilometre."""
MS = 1e-3
"""Seconds per millisecond."""
MRAD = 1e-3
"""Radians per milliradian."""


def metres(km: float | None) -> float | None:
    """Kilometres to metres, None kept."""
    return None if km is None else km * KM


def radians(degrees: float | None) -> float | None:
    """Degrees to radians (x·π/180, as NumPy converts), None kept."""
    return None if degrees is None else math.radians(degrees)


def threat_flight(t: ThreatType) -> ThreatFlight:
    """The SI flight record of a threat type, by its kind."""
    match t:
        case BallisticType():
            return BallisticFlight(
                burn_time_s=t.burn_time_s,
                burnout_altitude_m=t.burnout_altitude_km * KM,
                apogee_m=metres(t.apogee_km),
                burnout_angle_rad=radians(t.burnout_angle_deg),
                ballistic_coefficient_kg_m2=t.ballistic_coefficient_kg_m2,
            )
        case QuasiBallisticType():
            return QuasiBallisticFlight(
                burn_time_s=t.burn_time_s,
                burnout_altitude_m=t.burnout_altitude_km * KM,
                apogee_m=t.apogee_km * KM,
                pullup_altitude_m=t.pullup_altitude_km * KM,
                pullup_range_m=t.pullup_range_km * KM,
                dive_angle_rad=math.radians(t.dive_angle_deg),
                terminal_speed_mps=t.terminal_speed_mps,
            )
        case GlideType():
            return GlideFlight(
                burn_time_s=t.burn_time_s,
                glide_speed_mps=t.glide_speed_mps,
                glide_altitude_m=t.glide_altitude_km * KM,
                lift_to_drag=t.lift_to_drag,
                boost_range_m=metres(t.boost_range_km),
                cross_range_m=t.cross_range_km * KM,
                dive_angle_rad=math.radians(t.dive_angle_deg),
                terminal_speed_mps=t.terminal_speed_mps,
            )
        case CruiseType():
            return CruiseFlight(
                speed_mps=t.speed_mps,
                altitude_m=t.altitude_m,
                terminal_range_m=t.terminal_range_km * KM,
                terminal_mode=t.terminal_mode,
                popup_altitude_m=t.popup_altitude_m,
                climb_range_m=metres(t.climb_range_km),
                boost_time_s=t.boost_time_s,
            )


def doctrine(d: DoctrineSection) -> Doctrine:
    """The scenario's doctrine in SI units."""
    return Doctrine(
        engage_radius_m=d.engage_radius_km * KM,
        shots_per_salvo=d.shots_per_salvo,
        shoot_look_shoot=d.shoot_look_shoot,
        kill_assessment_s=d.kill_assessment_s,
        kill_assessment_probability=d.kill_assessment_probability,
        max_shots_per_threat=d.max_shots_per_threat,
        layer_order=tuple(d.layer_order),
        track_confirm_updates=d.track_confirm_updates,
        fire_control_position_sigma_m=d.fire_control_position_sigma_m,
        fire_control_velocity_sigma_mps=d.fire_control_velocity_sigma_mps,
        reserve_fraction=d.reserve_fraction,
        tracker_process_noise=d.tracker_process_noise,
        salvo_policy=d.salvo_policy,
        desired_p_no_leak=d.desired_p_no_leak,
        expected_raid_threats=d.expected_raid_threats,
        preferential_defense=d.preferential_defense,
        hold_upper_tier=d.hold_upper_tier,
        min_kill_probability=d.min_kill_probability,
        assignment=d.assignment,
    )


def radar(sensor: Sensor, st: SensorType) -> Radar:
    """A placed radar: the scenario's sensor (site, boresight) with its catalog entry."""
    return Radar(
        lat=math.radians(sensor.lat_deg),
        lon=math.radians(sensor.lon_deg),
        height_m=sensor.altitude_m,
        reference_range_m=st.reference_range_km * KM,
        reference_rcs_m2=st.reference_rcs_m2,
        max_range_m=st.max_range_km * KM,
        boresight_azimuth=math.radians(sensor.boresight_deg),
        azimuth_width=math.radians(st.azimuth_width_deg),
        min_elevation=math.radians(st.min_elevation_deg),
        max_elevation=math.radians(st.max_elevation_deg),
        revisit_s=st.revisit_s,
        pd_per_look=1.0 if st.pd_per_look is None else st.pd_per_look,
        range_sigma_m=st.range_sigma_m,
        angle_sigma=st.angle_sigma_mrad * MRAD,
        detection=st.detection,
        reference_pd=st.reference_pd,
        pfa=st.pfa,
        noncoherent_pulses=st.noncoherent_pulses,
        search_revisit_s=st.search_revisit_s,
        track_dwell_s=None if st.track_dwell_ms is None else st.track_dwell_ms * MS,
        min_search_fraction=st.min_search_fraction,
        false_alarms_per_scan=st.false_alarms_per_scan,
        confirm_hits=st.confirm_hits,
        confirm_looks=st.confirm_looks,
        delete_after_misses=st.delete_after_misses,
    )


def space_layer(sp: SpaceInfraredType) -> EarlyWarningLayer | TrackingLayer:
    """A space-based infrared layer of its role, its constellation from the catalog entry."""
    elements = constellation(
        geostationary_longitudes=np.radians(sp.geostationary_longitudes_deg),
        molniya_raan=np.radians(sp.molniya_raan_deg),
        walker=(sp.walker_total, sp.walker_planes, sp.walker_phasing),
        walker_altitude_m=sp.walker_altitude_km * KM,
        walker_inclination=math.radians(sp.walker_inclination_deg),
    )
    if sp.role == "early_warning":
        return EarlyWarningLayer(
            elements=elements,
            cloud_top_altitude_m=sp.cloud_top_altitude_km * KM,
            reporting_delay_s=sp.reporting_delay_s,
            launch_point_sigma_m=sp.launch_point_sigma_km * KM,
            launch_time_sigma_s=sp.launch_time_sigma_s,
            heading_sigma=math.radians(sp.heading_sigma_deg),
        )
    return TrackingLayer(
        elements=elements,
        limb_altitude_m=sp.limb_altitude_km * KM,
        max_range_m=sp.max_range_km * KM,
        revisit_s=sp.revisit_s,
        pd_per_revisit=sp.pd_per_revisit,
        position_sigma_m=sp.position_sigma_km * KM,
        min_satellites=sp.min_satellites,
    )


def interceptor(it: InterceptorType) -> Interceptor:
    """An interceptor type of the catalog in SI."""
    return Interceptor(
        tier=it.tier,
        min_altitude_m=it.min_altitude_km * KM,
        max_altitude_m=it.max_altitude_km * KM,
        max_range_m=it.max_range_km * KM,
        max_target_speed_mps=math.inf
        if it.max_target_speed_mps is None
        else it.max_target_speed_mps,
        flyout=Flyout(
            mean_speed_mps=it.mean_speed_mps,
            burnout_speed_mps=it.burnout_speed_mps,
            burn_time_s=it.burn_time_s,
        ),
        sspk={str(k): v for k, v in it.sspk.items()},
        handover_basket_m=metres(it.handover_basket_km),
        unit_cost_musd=it.unit_cost_musd,
    )


def network_spec(net: NetworkSection) -> NetworkSpec:
    """The scenario's `network:` section as the typed SI description `build_network` takes."""
    return NetworkSpec(
        nations=tuple(n.id for n in net.nations),
        nodes=tuple(
            NodeSpec(
                id=n.id,
                kind=n.kind,
                nation=n.nation,
                sensors=tuple(n.sensors),
                fire_units=tuple(n.fire_units),
                space=n.space,
                processing_s=n.processing_ms * MS,
            )
            for n in net.nodes
        ),
        links=tuple(
            LinkSpec(
                id=ln.id,
                between=(ln.between[0], ln.between[1]),
                latency_s=ln.latency_ms * MS,
                jitter_s=ln.jitter_ms * MS,
                loss_probability=ln.loss_probability,
                capacity_msgs_per_s=(
                    math.inf if ln.capacity_msgs_per_s is None else ln.capacity_msgs_per_s
                ),
            )
            for ln in net.links
        ),
        routes=tuple(tuple(r.path) for r in net.routes),
        sharing=tuple(
            SharingSpec(from_nation=r.from_nation, to_nation=r.to_nation, kinds=tuple(r.kinds))
            for r in net.sharing
        ),
        default_engagement_mode=net.default_engagement_mode,
        engagement_modes=dict(net.engagement_modes),
        attack_confirmation=_confirmation(net.attack_confirmation),
        events=tuple(network_event(e) for e in net.events),
    )


def _confirmation(rule: AttackConfirmation | None) -> ConfirmationSpec | None:
    if rule is None:
        return None
    return ConfirmationSpec(
        declared_by=rule.declared_by,
        confirming_nations=tuple(rule.confirming_nations),
        min_threats=rule.min_threats,
        min_sensors=rule.min_sensors,
        processing_s=rule.processing_s,
    )


def network_event(e: Event) -> EventSpec:
    """A cyber, electronic-warfare or space event in SI, naming what it hits by id."""

    def event(**effects: float) -> NetworkEvent:
        end_s = math.inf if e.end_s is None else e.end_s
        return NetworkEvent(e.kind, e.start_s, end_s, **effects)  # type: ignore[arg-type]

    match e:
        case LinkCut():
            return EventSpec(event(), tuple(e.links), None, None)
        case LinkDegraded():
            degraded = event(
                latency_factor=e.latency_factor,
                added_loss=e.added_loss_probability,
                capacity_factor=e.capacity_factor,
            )
            return EventSpec(degraded, tuple(e.links), None, None)
        case NodeCompromised() | SatelliteLost():
            return EventSpec(event(), (), e.node, None)
        case RadarJammed():
            if e.jamming_to_noise_db is not None:
                range_factor, noise_factor = jamming_factors(e.jamming_to_noise_db)
            else:
                range_factor = 1.0 if e.range_factor is None else e.range_factor
                noise_factor = 1.0 if e.noise_factor is None else e.noise_factor
            jammed = event(
                sector_from=math.radians(e.sector_from_deg),
                sector_to=math.radians(e.sector_to_deg),
                pd_factor=e.pd_factor,
                range_factor=range_factor,
                noise_factor=noise_factor,
            )
            return EventSpec(jammed, (), None, e.sensor)
