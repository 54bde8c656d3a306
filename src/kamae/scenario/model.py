"""The scenario file format (version 1), declared once: types, ranges, units and a doc line.

Units are in the field names (`_km`, `_m`, `_s`, `_deg`, `_mps`, `_m2`); they are converted to
SI once, when the world is built (`kamae.world.si`). Threat types, one model per trajectory
kind, are in `kamae.scenario.threats`. Catalog entries carry a `source` and a `notional` flag. Type
names in files are stable registered names (`kind: ballistic`, `kind: radar`), never Python
paths. The JSON Schema (`kamae schema`) is generated from these classes.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from kamae.scenario.base import (
    CostBasis,
    Identifier,
    Latitude,
    Longitude,
    Point,
    Probability,
    Sourced,
)
from kamae.scenario.base import Strict as _Strict
from kamae.scenario.campaign import Campaign
from kamae.scenario.jammers import Jammer
from kamae.scenario.network import Network
from kamae.scenario.threats import ThreatClass, ThreatType

__all__ = [
    "FORMAT_VERSION",
    "AnySensorType",
    "Asset",
    "Catalog",
    "Doctrine",
    "FireUnit",
    "InterceptorType",
    "Raid",
    "Scenario",
    "Sensor",
    "SensorType",
    "SpaceInfraredType",
    "SpaceSensor",
    "ThreatClass",
    "ThreatType",
    "TimeSettings",
]

FORMAT_VERSION = 1

Tier = Literal["upper", "lower"]
TIERS: tuple[Tier, ...] = ("upper", "lower")

DetectionModel = Literal["fixed", "swerling0", "swerling1", "swerling2", "swerling3", "swerling4"]


class SensorType(Sourced):
    """A class of radar (see docs/sensors.md for the models)."""

    kind: Literal["radar"] = Field(description="Sensor model")
    reference_range_km: float = Field(
        gt=0,
        le=10000,
        description="Range at which the reference RCS is detected (with reference_pd for the "
        "Swerling models), km",
    )
    reference_rcs_m2: float = Field(gt=0, le=1000, description="Reference RCS, m²")
    max_range_km: float = Field(gt=0, le=10000, description="Instrumented range, km")
    azimuth_width_deg: float = Field(gt=0, le=360, description="Azimuth field of regard, degrees")
    min_elevation_deg: float = Field(ge=-5, lt=90, description="Elevation mask, degrees")
    max_elevation_deg: float = Field(gt=-5, le=90, description="Upper elevation limit, degrees")
    revisit_s: float = Field(
        gt=0, le=600, description="Time between looks at a tracked or cued target, s"
    )
    detection: DetectionModel = Field(
        default="swerling1",
        description="Detection model: fixed (pd_per_look on every look inside the detection "
        "range) or a Swerling case (Pd per look from the SNR of the radar equation); "
        "swerling1 unless pd_per_look is given, which means fixed",
    )
    pd_per_look: Probability | None = Field(
        default=None, description="detection: fixed only: probability of detection per look"
    )
    reference_pd: float = Field(
        default=0.9,
        gt=0,
        lt=1,
        description="Swerling models: Pd per look at the reference range and RCS",
    )
    pfa: float = Field(
        default=1e-6,
        gt=0,
        le=0.01,
        description="Swerling models: false-alarm probability per resolution cell (sets the "
        "detection threshold)",
    )
    noncoherent_pulses: int = Field(
        default=1, ge=1, le=1000, description="Swerling models: pulses integrated per look"
    )
    range_sigma_m: float = Field(
        gt=0,
        le=100000,
        description="Range error (1σ), m; Swerling models: at the reference SNR and above, "
        "growing as 1/sqrt(SNR) below it",
    )
    angle_sigma_mrad: float = Field(
        gt=0, le=100, description="Angle error (1σ), mrad; scales with SNR like range_sigma_m"
    )
    search_revisit_s: float | None = Field(
        default=None,
        gt=0,
        le=600,
        description="Time between search looks at an untracked, uncued target with no "
        "tracks loading the radar, s (none: revisit_s)",
    )
    track_dwell_ms: float | None = Field(
        default=None,
        gt=0,
        le=10000,
        description="Radar time per track look, ms: tracks then share the radar's time and "
        "revisits stretch under load (none: no time budget)",
    )
    min_search_fraction: float = Field(
        default=0.2, gt=0, lt=1, description="Share of radar time kept for search under load"
    )
    false_alarms_per_scan: float = Field(
        default=0.0,
        ge=0,
        le=100,
        description="Mean number of false plots per search scan of the field of regard that "
        "reach the tracker (Poisson, uniform over the scan volume)",
    )
    confirm_hits: int = Field(
        default=2, ge=1, le=32, description="M of the M-of-N confirmation of new tracks"
    )
    confirm_looks: int = Field(
        default=3, ge=1, le=32, description="N of the M-of-N confirmation of new tracks"
    )
    delete_after_misses: int = Field(
        default=3, ge=1, le=100, description="Consecutive missed looks that delete a false track"
    )
    frequency_ghz: float | None = Field(
        default=None,
        gt=0,
        le=100,
        description="Carrier frequency, GHz (needed to jam it, for sea clutter and discrimination)",
    )
    antenna_gain_dbi: float | None = Field(
        default=None, gt=0, le=80, description="Main-lobe antenna gain, dBi (needed to jam it)"
    )
    beamwidth_deg: float | None = Field(
        default=None,
        gt=0,
        le=90,
        description="Half-power beamwidth, degrees (needed to jam it, for sea clutter and "
        "a search fence)",
    )
    sidelobe_level_db: float = Field(
        default=-30.0,
        ge=-80,
        le=0,
        description="Average sidelobe gain relative to the main lobe, dB",
    )
    noise_temperature_k: float | None = Field(
        default=None, gt=0, le=1e5, description="System noise temperature, K (needed to jam it)"
    )
    bandwidth_mhz: float | None = Field(
        default=None,
        gt=0,
        le=10000,
        description="Search and track waveform bandwidth, MHz: the range cell c/2B of sea clutter",
    )
    discrimination_bandwidth_mhz: float | None = Field(
        default=None,
        gt=0,
        le=10000,
        description="Wideband waveform bandwidth for discrimination looks, MHz (none: the "
        "radar does not discriminate decoys)",
    )
    discrimination_dwell_ms: float | None = Field(
        default=None,
        gt=0,
        le=10000,
        description="Dwell of a discrimination look, ms: its SNR is the track look's times "
        "this over track_dwell_ms (none: a track look's)",
    )
    clutter_improvement_db: float = Field(
        default=0.0,
        ge=0,
        le=80,
        description="Doppler (MTI/pulse-Doppler) improvement against sea clutter, dB",
    )
    polarization: Literal["H", "V"] = Field(
        default="H", description="Polarisation (sea clutter model)"
    )
    description: str = Field(default="", description="What the entry represents")

    @model_validator(mode="after")
    def _elevation_order(self) -> SensorType:
        if self.min_elevation_deg >= self.max_elevation_deg:
            raise ValueError("min_elevation_deg must be below max_elevation_deg")
        fixed = self.detection == "fixed" or (
            "detection" not in self.model_fields_set and self.pd_per_look is not None
        )
        if fixed and self.pd_per_look is None:
            raise ValueError("pd_per_look: detection: fixed needs a probability of detection")
        if not fixed and self.pd_per_look is not None:
            raise ValueError(
                f"pd_per_look applies only to detection: fixed (this entry is {self.detection})"
            )
        if fixed and self.detection != "fixed":
            object.__setattr__(self, "detection", "fixed")
        if self.pfa >= self.reference_pd:
            raise ValueError("pfa must be below reference_pd")
        if self.confirm_hits > self.confirm_looks:
            raise ValueError("confirm_hits must not exceed confirm_looks")
        if self.discrimination_dwell_ms is not None and self.track_dwell_ms is None:
            raise ValueError("discrimination_dwell_ms needs track_dwell_ms (the track look's)")
        return self


class SpaceInfraredType(Sourced):
    """A space-based infrared layer: a notional constellation from orbital elements (two-body)
    that reports launches (early_warning) or follows objects (tracking)."""

    kind: Literal["space_ir"] = Field(description="Sensor model")
    role: Literal["early_warning", "tracking"] = Field(
        description="early_warning: launch reports from burning motors; tracking: position "
        "fixes of objects in flight"
    )
    geostationary_longitudes_deg: list[Longitude] = Field(
        default_factory=list, description="Satellites in geostationary orbit at these longitudes"
    )
    molniya_raan_deg: list[Annotated[float, Field(ge=-360, le=360)]] = Field(
        default_factory=list,
        description="Satellites in Molniya-like orbits (12 h, e 0.74, i 63.4°, apogee in the "
        "north) with these ascending nodes, degrees (one per satellite, at apogee at time 0)",
    )
    walker_total: int = Field(default=0, ge=0, le=10000, description="Walker delta: satellites")
    walker_planes: int = Field(default=1, ge=1, le=1000, description="Walker delta: planes")
    walker_phasing: int = Field(default=0, ge=0, le=1000, description="Walker delta: phasing f")
    walker_altitude_km: float = Field(
        default=1000.0, gt=100, le=50000, description="Walker delta: altitude, km"
    )
    walker_inclination_deg: float = Field(
        default=80.0, ge=0, le=180, description="Walker delta: inclination, degrees"
    )
    cloud_top_altitude_km: float = Field(
        default=10.0,
        ge=0,
        le=100,
        description="early_warning: plumes below this height are hidden, and lines of sight "
        "may not pass below it, km",
    )
    reporting_delay_s: float = Field(
        default=30.0, ge=0, le=600, description="early_warning: first detection to report, s"
    )
    launch_point_sigma_km: float = Field(
        default=2.0, ge=0, le=500, description="early_warning: launch-point error per axis (1σ), km"
    )
    launch_time_sigma_s: float = Field(
        default=2.0, ge=0, le=600, description="early_warning: launch-time error (1σ), s"
    )
    heading_sigma_deg: float = Field(
        default=3.0, ge=0, le=180, description="early_warning: heading error (1σ), degrees"
    )
    limb_altitude_km: float = Field(
        default=20.0, ge=0, le=200, description="tracking: lowest line-of-sight height, km"
    )
    max_range_km: float = Field(
        default=5000.0, gt=0, le=100000, description="tracking: largest satellite range, km"
    )
    revisit_s: float = Field(
        default=10.0, gt=0, le=600, description="tracking: time between looks, s"
    )
    pd_per_revisit: Probability = Field(default=0.9, description="tracking: Pd per look")
    position_sigma_km: float = Field(
        default=1.0, gt=0, le=1000, description="tracking: position error per axis (1σ), km"
    )
    min_satellites: int = Field(
        default=1, ge=1, le=100, description="tracking: satellites that must view an object"
    )
    nei_w_cm2: float | None = Field(
        default=None,
        gt=0,
        le=1e-6,
        description="tracking: noise-equivalent irradiance per look, W/cm²: Pd per look from "
        "each object's infrared signature (none: the fixed pd_per_revisit)",
    )
    band_low_um: float = Field(
        default=3.0, gt=0.5, le=30, description="tracking: lower edge of the infrared band, µm"
    )
    band_high_um: float = Field(
        default=5.0, gt=0.5, le=30, description="tracking: upper edge of the infrared band, µm"
    )
    ir_pfa: float = Field(
        default=1e-6,
        gt=0,
        lt=0.5,
        description="tracking: false-alarm probability per look (sets the threshold)",
    )
    description: str = Field(default="", description="What the entry represents")

    @model_validator(mode="after")
    def _has_satellites(self) -> SpaceInfraredType:
        if not (self.geostationary_longitudes_deg or self.molniya_raan_deg or self.walker_total):
            raise ValueError(
                "give satellites: geostationary_longitudes_deg, molniya_raan_deg or walker_total"
            )
        if self.band_high_um <= self.band_low_um:
            raise ValueError("band_high_um must be above band_low_um")
        if self.walker_total and (
            self.walker_total % self.walker_planes or self.walker_phasing >= self.walker_planes
        ):
            raise ValueError(
                "walker_total must be a multiple of walker_planes, walker_phasing below it"
            )
        return self


AnySensorType = Annotated[SensorType | SpaceInfraredType, Field(discriminator="kind")]


class InterceptorType(Sourced):
    """A class of interceptor missile and its engagement envelope."""

    tier: Tier = Field(description="Defensive layer")
    min_altitude_km: float = Field(ge=0, le=5000, description="Lowest intercept altitude, km")
    max_altitude_km: float = Field(gt=0, le=5000, description="Highest intercept altitude, km")
    max_range_km: float = Field(gt=0, le=5000, description="Maximum slant range to intercept, km")
    mean_speed_mps: float | None = Field(
        default=None,
        gt=0,
        le=10000,
        description="Mean fly-out speed, m/s (or give burnout_speed_mps and burn_time_s)",
    )
    burnout_speed_mps: float | None = Field(
        default=None,
        gt=0,
        le=10000,
        description="Speed profile: speed at burnout, reached at constant acceleration, m/s",
    )
    burn_time_s: float | None = Field(
        default=None, gt=0, le=600, description="Speed profile: motor burn time, s"
    )
    max_target_speed_mps: float | None = Field(
        default=None, gt=0, le=20000, description="Fastest target it can engage, m/s (none: any)"
    )
    handover_basket_km: float | None = Field(
        default=None,
        gt=0,
        le=1000,
        description="Prediction error the interceptor can still correct (1σ-free radius), km; "
        "none: fire-control prediction taken as perfect",
    )
    in_flight_updates: bool = Field(
        default=False,
        description="Guided to handover on the firing unit's track (in-flight target updates, "
        "the uplinked midcourse of engage- and launch-on-remote): the prediction error at "
        "handover is the track's then; false: the launch-time prediction over the whole flight",
    )
    sspk: dict[ThreatClass, Probability] = Field(
        description="Single-shot kill probability per threat class"
    )
    max_acceleration_g: float | None = Field(
        default=None,
        gt=0,
        le=200,
        description="Lateral acceleration limit, g: against a manoeuvring reentry vehicle it "
        "needs 3× the target's (proportional navigation); none: not limited",
    )
    unit_cost_musd: float = Field(
        gt=0, le=100_000, description="Unit cost, central figure, million US dollars"
    )
    unit_cost_low_musd: float | None = Field(
        default=None,
        gt=0,
        le=100_000,
        description="Unit cost, low end of the published range, million US dollars (none: "
        "the central figure); gives the cost-exchange ratio's low end",
    )
    unit_cost_high_musd: float | None = Field(
        default=None,
        gt=0,
        le=100_000,
        description="Unit cost, high end of the published range, million US dollars (none: "
        "the central figure); gives the cost-exchange ratio's high end",
    )
    cost_basis: CostBasis = "flyaway"
    cost_verified: bool = Field(
        default=False,
        description="True when the central unit cost is a published figure for this "
        "interceptor; false for an unverified one (the source says which)",
    )
    description: str = Field(default="", description="What the entry represents")

    @model_validator(mode="after")
    def _cost_range(self) -> InterceptorType:
        low, mid, high = self.unit_cost_low_musd, self.unit_cost_musd, self.unit_cost_high_musd
        if not (low or mid) <= mid <= (high or mid):
            raise ValueError("expected unit_cost_low_musd <= unit_cost_musd <= unit_cost_high_musd")
        return self

    @model_validator(mode="after")
    def _envelope_order(self) -> InterceptorType:
        if self.min_altitude_km >= self.max_altitude_km:
            raise ValueError("min_altitude_km must be below max_altitude_km")
        profile = (self.burnout_speed_mps is not None, self.burn_time_s is not None)
        if any(profile) and not all(profile):
            raise ValueError("give both burnout_speed_mps and burn_time_s for a speed profile")
        if all(profile) == (self.mean_speed_mps is not None):
            raise ValueError(
                "give either mean_speed_mps or the speed profile (burnout_speed_mps, burn_time_s)"
            )
        return self


class Catalog(_Strict):
    """Catalog entries added to the built-in catalogs, by name; an entry named like a
    built-in one changes only the fields it gives (a deep merge, `kamae.scenario.overrides`)."""

    threats: dict[str, ThreatType] = Field(default_factory=dict, description="Threat types")
    sensors: dict[str, AnySensorType] = Field(
        default_factory=dict, description="Sensor types (radars and space layers)"
    )
    interceptors: dict[str, InterceptorType] = Field(
        default_factory=dict, description="Interceptor types"
    )


class Asset(_Strict):
    """A defended asset: an area the defense protects, valued for prioritisation."""

    id: Identifier
    name: str = Field(default="", description="Display name")
    lat_deg: Latitude
    lon_deg: Longitude
    value: float = Field(gt=0, le=1e6, description="Relative value (priority weight)")


class Raid(_Strict):
    """Missiles of one type launched from one site at one asset or aim point."""

    id: Identifier
    threat: str = Field(description="Name in the threat catalog")
    launch: Point = Field(description="Launch site (a coarse, notional area centre)")
    target: str | None = Field(
        default=None,
        description="Id aimed at: a defended asset, or one of the defense's sensors or fire "
        "units (destroyed by a warhead landing within its lethal radius)",
    )
    aim: Point | None = Field(default=None, description="Aim point, if not an asset")
    launch_time_s: float | None = Field(
        default=None, ge=0, le=86400, description="First launch, s after start"
    )
    impact_time_s: float | None = Field(
        default=None,
        gt=0,
        le=86400,
        description="Time on target: first impact, s after start; the launch times are solved "
        "so that the impacts fall then (give this or launch_time_s)",
    )
    count: int = Field(ge=1, le=10000, description="Missiles in the raid")
    interval_s: float = Field(
        default=0.0,
        ge=0,
        le=86400,
        description="Time between launches, s (with impact_time_s: between impacts)",
    )
    apogee_km: float | None = Field(
        default=None,
        gt=0,
        le=10000,
        description="Ballistic raids: apogee of this raid's shots (a lofted or depressed "
        "trajectory), overriding the threat type's, km",
    )
    waypoints: list[Point] = Field(
        default_factory=list,
        max_length=100,
        description="Cruise raids: turn points between launch and aim (great-circle legs)",
    )

    @model_validator(mode="after")
    def _one_aim(self) -> Raid:
        if (self.target is None) == (self.aim is None):
            raise ValueError("give exactly one of target (an asset id) or aim (a point)")
        if (self.launch_time_s is None) == (self.impact_time_s is None):
            raise ValueError("give exactly one of launch_time_s and impact_time_s")
        return self


class Sensor(_Strict):
    """A sensor placed in the scenario."""

    id: Identifier
    type: str = Field(description="Name in the sensor catalog")
    lat_deg: Latitude
    lon_deg: Longitude
    altitude_m: float = Field(default=0.0, ge=0, le=40000, description="Antenna height, m")
    boresight_deg: float = Field(
        default=0.0, ge=0, lt=360, description="Centre of the field of regard, degrees from north"
    )
    search_fence_deg: float | None = Field(
        default=None,
        gt=0,
        le=90,
        description="Elevation extent of the unaided search fence above the elevation mask, "
        "degrees: its frame time is spread over the fence's beam positions (search radar "
        "equation); none: search looks have the energy of a track look",
    )
    sea_state: int | None = Field(
        default=None,
        ge=0,
        le=6,
        description="Douglas sea state around the radar: sea clutter competes with targets "
        "near the surface (none: no sea clutter)",
    )
    defend_value: float | None = Field(
        default=None,
        gt=0,
        le=1e6,
        description="Priority weight when the defense protects this sensor's site like an "
        "asset (none: not a defended point)",
    )


class SpaceSensor(_Strict):
    """A space-based layer in the scenario (its constellation is in the catalog entry)."""

    id: Identifier
    type: str = Field(description="Name of a kind: space_ir entry in the sensor catalog")


class FireUnit(_Strict):
    """A fire unit (ship or battery) with its interceptor stock."""

    id: Identifier
    interceptor: str = Field(description="Name in the interceptor catalog")
    lat_deg: Latitude
    lon_deg: Longitude
    inventory: int = Field(ge=0, le=100000, description="Interceptors ready to fire")
    launchers: int = Field(ge=1, le=1000, description="Launchers (simultaneous launches)")
    launch_interval_s: float = Field(
        default=2.0, gt=0, le=3600, description="Time a launcher needs between two launches, s"
    )
    defend_value: float | None = Field(
        default=None,
        gt=0,
        le=1e6,
        description="Priority weight when the defense protects this unit's position like an "
        "asset (none: not a defended point)",
    )
    rounds_per_launcher: int | None = Field(
        default=None,
        ge=1,
        le=1000,
        description="Ready rounds a launcher holds; one that has fired its last reloads from "
        "the unit's inventory in reload_s (Patriot-like); none: every launcher draws on the "
        "whole inventory, only the launch interval between launches (VLS-like)",
    )
    reload_s: float | None = Field(
        default=None,
        gt=0,
        le=86400,
        description="Time to reload an empty launcher from the magazine, s (with "
        "rounds_per_launcher)",
    )
    defends: list[Identifier] | None = Field(
        default=None,
        min_length=1,
        description="Asset ids the unit defends (it engages only threats at these); none: every "
        "asset",
    )

    @model_validator(mode="after")
    def _reload_pair(self) -> FireUnit:
        if (self.rounds_per_launcher is None) != (self.reload_s is None):
            raise ValueError("give rounds_per_launcher and reload_s together (or neither)")
        return self


class Doctrine(_Strict):
    """Firing doctrine and track thresholds of the battle manager."""

    engage_radius_km: float = Field(
        default=30.0,
        gt=0,
        le=1000,
        description="A predicted impact this close to an asset makes a threat engageable, km",
    )
    shots_per_salvo: int = Field(default=2, ge=1, le=16, description="Interceptors per salvo")
    shoot_look_shoot: bool = Field(
        default=True, description="Re-engage survivors in the same layer after kill assessment"
    )
    kill_assessment_s: float = Field(
        default=10.0, ge=0, le=600, description="Time from intercept to kill assessment, s"
    )
    kill_assessment_probability: Probability = Field(
        default=1.0, description="Probability that kill assessment recognises a kill"
    )
    max_shots_per_threat: int = Field(
        default=4, ge=1, le=64, description="Interceptors fired at one threat, at most"
    )
    layer_order: list[Tier] = Field(
        default_factory=lambda: list(TIERS),
        min_length=1,
        description="Layers in the order they engage",
    )
    track_confirm_updates: int = Field(
        default=3, ge=1, le=100, description="Updates before a track is firm"
    )
    fire_control_position_sigma_m: float = Field(
        default=1000.0,
        gt=0,
        le=1e7,
        description="Fire-control quality: position error (1σ) at most, m",
    )
    fire_control_velocity_sigma_mps: float = Field(
        default=200.0,
        gt=0,
        le=1e6,
        description="Fire-control quality: velocity error (1σ) at most, m/s",
    )
    reserve_fraction: float = Field(
        default=0.0,
        ge=0,
        lt=1,
        description="Share of each unit's initial stock held back (not fired) as a reserve",
    )
    tracker_process_noise: float = Field(
        default=1.0, ge=0, le=1e6, description="White-noise acceleration spectral density, m²/s³"
    )
    discrimination_delay_s: float = Field(
        default=0.0,
        ge=0,
        le=3600,
        description="Objects of a threat complex are engaged only once it has been separated "
        "this long (the defense waits for discrimination evidence); 0: at once, each "
        "declared a warhead until rejected",
    )
    warhead_declaration_floor: float = Field(
        default=0.99,
        gt=0.5,
        lt=1,
        description="Discrimination threshold: the least probability with which a warhead is "
        "declared a warhead (objects are declared decoys only beyond it)",
    )
    tracker_filter: Literal["auto", "kf", "ekf", "imm"] = Field(
        default="auto",
        description="Filter of the system tracker and of every picture (a network node may "
        "choose its own): kf = converted-measurement Kalman filter, ekf = extended Kalman "
        "filter in the sensor's range, azimuth, elevation, imm = interacting multiple model "
        "(ballistic / manoeuvre, EKF updates); auto = imm for glide and quasi-ballistic "
        "threats, kf for the others",
    )
    tracker_manoeuvre_noise: float = Field(
        default=2500.0,
        ge=0,
        le=1e7,
        description="IMM manoeuvre mode: white-noise acceleration spectral density, m²/s³ "
        "(about a² · 1 s for a manoeuvre of acceleration a; 2500: 5 g, notional)",
    )
    tracker_mean_quiet_s: float = Field(
        default=60.0, gt=0, le=1e5, description="IMM: mean time between manoeuvres, s"
    )
    tracker_mean_manoeuvre_s: float = Field(
        default=10.0, gt=0, le=1e5, description="IMM: mean duration of a manoeuvre, s"
    )
    salvo_policy: Literal["fixed", "magazine"] = Field(
        default="fixed",
        description="fixed: every salvo is shots_per_salvo; magazine: each salvo sized from the "
        "layer's remaining rounds, the threats still expected and desired_p_no_leak "
        "(Wilkening's relation inverted per layer)",
    )
    desired_p_no_leak: Probability = Field(
        default=0.9,
        description="Magazine policy: the P(no leaker) over the expected raid the salvos aim for",
    )
    expected_raid_threats: int | None = Field(
        default=None,
        ge=1,
        le=100000,
        description="Magazine policy and preferential defense: threats the doctrine plans for; "
        "none: the scenario's raid",
    )
    preferential_defense: bool = Field(
        default=False,
        description="When a layer has fewer rounds than threats still expected, give up on "
        "threats at lower-value assets so that the rounds go to the higher-value ones",
    )
    hold_upper_tier: bool = Field(
        default=False,
        description="The first layer keeps rounds for the threats only it can engage (known "
        "ones, and the expected raid's share at assets no later layer covers): it engages a "
        "threat a later layer can engage only with rounds to spare",
    )
    min_kill_probability: Probability = Field(
        default=0.0,
        description="Hold fire when a shot's predicted kill probability is below this (a "
        "predicted miss)",
    )
    assignment: Literal["step", "dynamic"] = Field(
        default="step",
        description="step: assign the salvos that can launch now (linear assignment); dynamic: "
        "plan every unit's shots over the tracked threats' remaining engagement windows and "
        "fire the part due now, re-planned each step (dynamic WTA)",
    )

    @model_validator(mode="after")
    def _salvo_fits(self) -> Doctrine:
        if self.shots_per_salvo > self.max_shots_per_threat:
            raise ValueError("shots_per_salvo must not exceed max_shots_per_threat")
        if len(set(self.layer_order)) != len(self.layer_order):
            raise ValueError("layer_order must not repeat a layer")
        return self


class TimeSettings(_Strict):
    """The engine's clock."""

    step_s: float = Field(default=1.0, gt=0, le=60, description="Engine time step, s")


class Scenario(_Strict):
    """A kamae scenario: what is defended, what attacks it, and the defense."""

    version: Literal[1] = Field(description="Scenario format version")
    name: Identifier
    description: str = Field(default="", description="One paragraph for `kamae scenarios`")
    notional: bool = Field(default=True, description="True where figures are estimates")
    seed: int = Field(default=0, ge=0, le=2**63 - 1, description="Master seed of the Monte Carlo")
    replications: int = Field(
        default=200, ge=1, le=10_000_000, description="Monte Carlo replications"
    )
    time: TimeSettings = Field(default_factory=TimeSettings, description="The engine's clock")
    catalog: Catalog = Field(
        default_factory=Catalog,
        description="Catalog entries added to the built-in ones, or fields of a built-in "
        "entry changed (deep merge: give only the fields that change)",
    )
    assets: list[Asset] = Field(default_factory=list, description="Defended assets")
    raids: list[Raid] = Field(min_length=1, description="Attacking raids")
    sensors: list[Sensor] = Field(default_factory=list, description="Sensors")
    space_sensors: list[SpaceSensor] = Field(
        default_factory=list, description="Space-based infrared layers"
    )
    fire_units: list[FireUnit] = Field(default_factory=list, description="Fire units")
    doctrine: Doctrine = Field(default_factory=Doctrine, description="Battle-manager doctrine")
    campaign: Campaign | None = Field(
        default=None,
        description="Optional campaign over days: launcher forces, stocks, resupply and "
        "counterstrike (see docs/campaign.md)",
    )
    network: Network | None = Field(
        default=None,
        description="Optional allied network: nodes, links, sharing policy, engagement modes "
        "and cyber/EW/space events (see docs/network.md)",
    )
    jammers: list[Jammer] = Field(
        default_factory=list,
        description="Noise jammers: stand-off at a point or self-screening on a raid's "
        "missiles (see docs/threats.md)",
    )
