"""The scenario file format (version 1), declared once: types, ranges, units and a doc line.

Units are in the field names (`_km`, `_m`, `_s`, `_deg`, `_mps`, `_m2`); they are converted to
SI once, when the world is built. Catalog entries carry a `source` and a `notional` flag. Type
names in files are stable registered names (`kind: ballistic`, `kind: radar`), never Python
paths. The JSON Schema (`kamae schema`) is generated from these classes.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FORMAT_VERSION = 1

Identifier = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
        description="Identifier: letters, digits, '_', '-', '.'",
    ),
]
Latitude = Annotated[float, Field(ge=-90.0, le=90.0, description="Geodetic latitude, degrees")]
Longitude = Annotated[float, Field(ge=-180.0, le=180.0, description="Longitude, degrees east")]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]
ThreatClass = Literal["srbm", "mrbm", "irbm"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(_Strict):
    """Every catalog entry says where its numbers come from."""

    source: str = Field(min_length=1, description="Public source of the figures")
    notional: bool = Field(description="True where the figures are estimates, not published")


class ThreatType(Sourced):
    """A class of threat missile."""

    kind: Literal["ballistic"] = Field(description="Trajectory model")
    threat_class: ThreatClass = Field(description="Class used to look up kill probabilities")
    max_range_km: float = Field(gt=0, le=20000, description="Maximum ground range, km")
    rcs_m2: float = Field(gt=0, le=1000, description="Radar cross-section of the warhead, m²")
    unit_cost_musd: float | None = Field(
        default=None,
        gt=0,
        description="Assumed unit cost, million US dollars (a user assumption: no public "
        "figures exist); needed for the cost-exchange ratio",
    )
    description: str = Field(default="", description="What the entry represents")


class SensorType(Sourced):
    """A class of radar."""

    kind: Literal["radar"] = Field(description="Sensor model")
    reference_range_km: float = Field(
        gt=0, le=10000, description="Detection range at the reference RCS, km"
    )
    reference_rcs_m2: float = Field(gt=0, le=1000, description="Reference RCS, m²")
    max_range_km: float = Field(gt=0, le=10000, description="Instrumented range, km")
    azimuth_width_deg: float = Field(gt=0, le=360, description="Azimuth field of regard, degrees")
    min_elevation_deg: float = Field(ge=-5, lt=90, description="Elevation mask, degrees")
    max_elevation_deg: float = Field(gt=-5, le=90, description="Upper elevation limit, degrees")
    revisit_s: float = Field(gt=0, le=600, description="Time between looks at a target, s")
    pd_per_look: Probability = Field(description="Probability of detection per look")
    range_sigma_m: float = Field(gt=0, le=100000, description="Range error (1σ), m")
    angle_sigma_mrad: float = Field(gt=0, le=100, description="Angle error (1σ), mrad")
    description: str = Field(default="", description="What the entry represents")

    @model_validator(mode="after")
    def _elevation_order(self) -> SensorType:
        if self.min_elevation_deg >= self.max_elevation_deg:
            raise ValueError("min_elevation_deg must be below max_elevation_deg")
        return self


class InterceptorType(Sourced):
    """A class of interceptor missile and its engagement envelope."""

    tier: Literal["upper", "lower"] = Field(description="Defensive layer")
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
    sspk: dict[ThreatClass, Probability] = Field(
        description="Single-shot kill probability per threat class"
    )
    unit_cost_musd: float = Field(gt=0, description="Unit cost, million US dollars")
    description: str = Field(default="", description="What the entry represents")

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
    """Catalog entries added to (or replacing) the built-in catalogs, by name."""

    threats: dict[str, ThreatType] = Field(default_factory=dict, description="Threat types")
    sensors: dict[str, SensorType] = Field(default_factory=dict, description="Sensor types")
    interceptors: dict[str, InterceptorType] = Field(
        default_factory=dict, description="Interceptor types"
    )


class Point(_Strict):
    """A geodetic point on the ellipsoid."""

    lat_deg: Latitude
    lon_deg: Longitude


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
    target: str | None = Field(default=None, description="Asset id aimed at")
    aim: Point | None = Field(default=None, description="Aim point, if not an asset")
    launch_time_s: float = Field(ge=0, le=86400, description="First launch, s after start")
    count: int = Field(ge=1, le=10000, description="Missiles in the raid")
    interval_s: float = Field(default=0.0, ge=0, le=86400, description="Time between launches, s")

    @model_validator(mode="after")
    def _one_aim(self) -> Raid:
        if (self.target is None) == (self.aim is None):
            raise ValueError("give exactly one of target (an asset id) or aim (a point)")
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
    layer_order: list[Literal["upper", "lower"]] = Field(
        default_factory=lambda: ["upper", "lower"],
        min_length=1,
        description="Layers in the order they engage",
    )
    track_confirm_updates: int = Field(
        default=3, ge=1, le=100, description="Updates before a track is firm"
    )
    fire_control_position_sigma_m: float = Field(
        default=1000.0, gt=0, description="Fire-control quality: position error (1σ) at most, m"
    )
    fire_control_velocity_sigma_mps: float = Field(
        default=200.0, gt=0, description="Fire-control quality: velocity error (1σ) at most, m/s"
    )
    reserve_fraction: float = Field(
        default=0.0,
        ge=0,
        lt=1,
        description="Share of each unit's initial stock held back (not fired) as a reserve",
    )
    tracker_process_noise: float = Field(
        default=1.0, ge=0, description="White-noise acceleration spectral density, m²/s³"
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
    seed: int = Field(default=0, ge=0, description="Master seed of the Monte Carlo")
    replications: int = Field(
        default=200, ge=1, le=10_000_000, description="Monte Carlo replications"
    )
    time: TimeSettings = Field(default_factory=TimeSettings, description="The engine's clock")
    catalog: Catalog = Field(
        default_factory=Catalog, description="Catalog entries added to the built-in ones"
    )
    assets: list[Asset] = Field(default_factory=list, description="Defended assets")
    raids: list[Raid] = Field(min_length=1, description="Attacking raids")
    sensors: list[Sensor] = Field(default_factory=list, description="Sensors")
    fire_units: list[FireUnit] = Field(default_factory=list, description="Fire units")
    doctrine: Doctrine = Field(default_factory=Doctrine, description="Battle-manager doctrine")
