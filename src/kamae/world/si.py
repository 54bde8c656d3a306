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
from kamae.kinematics.marv import STANDARD_GRAVITY, Manoeuvre
from kamae.kinematics.threat_complex import ComplexRelease
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
    SharingPolicy,
    SharingSpec,
)
from kamae.network.topology import MESSAGE_KINDS
from kamae.scenario.countermeasures import Countermeasures, TerminalManoeuvre
from kamae.scenario.jammers import Jammer
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
from kamae.sensors.infrared import InfraredBand, Signatures
from kamae.sensors.jamming import NoiseJammer
from kamae.sensors.radar import Radar
from kamae.sensors.rf import RadarRF
from kamae.sensors.space_ir import EarlyWarningLayer, TrackingLayer, constellation
from kamae.tracking.filter_bank import Manoeuvre as ImmManoeuvre
from kamae.tracking.filter_bank import TrackerSettings

KM = 1e3
"""Metres per kilometre."""
MS = 1e-3
"""Seconds per millisecond."""
MRAD = 1e-3
"""Radians per milliradian."""
GHZ = 1e9
MHZ = 1e6
UM = 1e-6
"""Metres per micrometre."""
CM2 = 1e-4
"""Square metres per square centimetre."""


def from_db(db: float) -> float:
    """A ratio in dB as a linear ratio, 10^(dB/10)."""
    return 10.0 ** (db / 10.0)


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


def tracker(d: DoctrineSection) -> TrackerSettings:
    """The trackers' filter choice and IMM manoeuvre model in SI units."""
    return TrackerSettings(
        filter=d.tracker_filter,
        manoeuvre=ImmManoeuvre(
            process_noise=d.tracker_manoeuvre_noise,
            mean_sojourn_s=(d.tracker_mean_quiet_s, d.tracker_mean_manoeuvre_s),
        ),
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
        in_flight_updates=it.in_flight_updates,
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
                tracker_filter=n.tracker_filter,
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
            SharingSpec(
                from_nation=r.from_nation,
                to_nation=r.to_nation,
                kinds=tuple(k for k in r.kinds if k in MESSAGE_KINDS),  # not `targeting`
            )
            for r in net.sharing
        ),
        default_engagement_mode=net.default_engagement_mode,
        engagement_modes=dict(net.engagement_modes),
        attack_confirmation=_confirmation(net.attack_confirmation),
        events=tuple(network_event(e) for e in net.events),
        policy=SharingPolicy(
            track_reports=net.track_reports,
            track_report_interval_s=net.track_report_interval_s,
            remote_track_start=net.remote_track_start,
            late_plot_window_s=net.late_plot_window_s,
        ),
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
        case NodeCompromised():
            end_s = math.inf if e.end_s is None else e.end_s
            lie = NetworkEvent(
                e.kind, e.start_s, end_s, deception=e.deception,
                displacement_m=e.displacement_km * KM,
                displacement_azimuth=math.radians(e.displacement_azimuth_deg),
            )  # fmt: skip
            return EventSpec(lie, (), e.node, None)
        case SatelliteLost():
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


def complex_release(c: Countermeasures, warhead_rcs_m2: float) -> ComplexRelease:
    """A ballistic type's decoys and debris in SI (an RCS-matched decoy by default)."""
    return ComplexRelease(
        decoys=c.decoys,
        decoy_rcs_m2=warhead_rcs_m2 if c.decoy_rcs_m2 is None else c.decoy_rcs_m2,
        decoy_ballistic_coefficient_kg_m2=c.decoy_ballistic_coefficient_kg_m2,
        debris=c.debris,
        debris_rcs_m2=c.debris_rcs_m2,
        debris_ballistic_coefficient_kg_m2=c.debris_ballistic_coefficient_kg_m2,
        release_after_burnout_s=c.release_after_burnout_s,
        separation_speed_mps=c.separation_speed_mps,
        decoy_length_mismatch_m=c.decoy_length_mismatch_m,
        debris_length_mismatch_m=c.debris_length_mismatch_m,
        feature_decorrelation_s=c.feature_decorrelation_s,
    )


def manoeuvre(m: TerminalManoeuvre) -> Manoeuvre:
    """A MaRV's terminal weave in SI."""
    return Manoeuvre(
        start_altitude_m=m.start_altitude_km * KM,
        acceleration_mps2=m.acceleration_g * STANDARD_GRAVITY,
        period_s=m.period_s,
    )


def radar_rf(sensor: Sensor, st: SensorType) -> RadarRF:
    """A placed radar's carrier, antenna, receiver, search fence and sea state in SI."""

    def hz(value: float | None, unit: float) -> float | None:
        return None if value is None else value * unit

    return RadarRF(
        frequency_hz=hz(st.frequency_ghz, GHZ),
        gain=None if st.antenna_gain_dbi is None else from_db(st.antenna_gain_dbi),
        beamwidth=radians(st.beamwidth_deg),
        sidelobe_level=from_db(st.sidelobe_level_db),
        noise_temperature_k=st.noise_temperature_k,
        bandwidth_hz=hz(st.bandwidth_mhz, MHZ),
        discrimination_bandwidth_hz=hz(st.discrimination_bandwidth_mhz, MHZ),
        discrimination_energy=(
            1.0
            if st.discrimination_dwell_ms is None or st.track_dwell_ms is None
            else st.discrimination_dwell_ms / st.track_dwell_ms
        ),
        clutter_improvement=from_db(st.clutter_improvement_db),
        polarization=st.polarization,
        search_fence=radians(sensor.search_fence_deg),
        sea_state=sensor.sea_state,
    )


def jammer(j: Jammer, sensor_index: dict[str, int]) -> NoiseJammer:
    """A noise jammer in SI, naming the radars it jams by index."""
    return NoiseJammer(
        id=j.id,
        power_w=j.power_w,
        gain=from_db(j.antenna_gain_dbi),
        band_low_hz=j.band_low_ghz * GHZ,
        band_high_hz=j.band_high_ghz * GHZ,
        losses=from_db(j.losses_db),
        start_s=j.start_s,
        end_s=math.inf if j.end_s is None else j.end_s,
        sensors=tuple(sensor_index[x] for x in j.sensors),
    )


def infrared_band(sp: SpaceInfraredType) -> InfraredBand | None:
    """A tracking layer's band and sensitivity in SI, None without a stated NEI."""
    if sp.nei_w_cm2 is None:
        return None
    return InfraredBand(
        low_m=sp.band_low_um * UM,
        high_m=sp.band_high_um * UM,
        nei_w_m2=sp.nei_w_cm2 / CM2,
        pfa=sp.ir_pfa,
    )


def signatures(entries: list[ThreatType], plume: list[bool]) -> Signatures:
    """Row-aligned infrared signatures of the world's objects (a row without a motor, a
    decoy or debris, has no plume)."""

    def column(name: str) -> np.ndarray:
        return np.array([getattr(t.infrared, name) for t in entries], dtype=float)

    return Signatures(
        plume_w_sr=column("plume_intensity_kw_sr") * 1e3 * np.array(plume, dtype=float),
        nose_radius_m=column("nose_radius_m"),
        heated_area_m2=column("heated_area_m2"),
        body_area_m2=column("body_area_m2"),
        body_temperature_k=column("body_temperature_k"),
        emissivity=column("emissivity"),
    )
