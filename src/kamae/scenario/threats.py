"""Threat types of the catalog: one model per trajectory `kind`, a discriminated union.

Each kind declares the parameters its trajectory model takes, with their ranges, units (in
the field names) and defaults, once; a field of another kind is refused, naming the field
(`KIND_FIELDS` lets the loader say so in one line). The world converts an entry into the SI
flight record its generator takes (`kamae.world.si.threat_flight`, records in
`kamae.kinematics.threats`).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from kamae.scenario.base import CostBasis, Sourced
from kamae.scenario.countermeasures import Countermeasures, InfraredSignature, TerminalManoeuvre

ThreatClass = Literal["srbm", "mrbm", "irbm", "cruise", "hgv"]
ThreatKind = Literal["ballistic", "quasi_ballistic", "glide", "cruise"]
TerminalMode = Literal["dive", "popup", "level"]

BurnTime = Annotated[float, Field(ge=0, le=1000, description="Boost: motor burn time, s")]
BurnoutAltitude = Annotated[float, Field(ge=0, le=1000, description="Boost: height at burnout, km")]
TerminalSpeed = Annotated[
    float | None, Field(gt=0, le=10000, description="Speed at impact, m/s (none: kept)")
]


def _dive_angle(default: float) -> float:
    return Field(
        default=default, gt=0, le=90, description="Terminal dive angle below the horizon, degrees"
    )


KIND_DOC = (
    "Trajectory model: ballistic, quasi_ballistic (depressed with a terminal pull-up), glide "
    "(boost-glide vehicle) or cruise; it sets the fields below"
)


class ThreatCommon(Sourced):
    """What every threat type states, whatever its trajectory model."""

    kind: ThreatKind = Field(description=KIND_DOC)
    threat_class: ThreatClass = Field(description="Class used to look up kill probabilities")
    max_range_km: float = Field(gt=0, le=20000, description="Maximum ground range, km")
    rcs_m2: float = Field(gt=0, le=1000, description="Radar cross-section of the warhead, m²")
    unit_cost_musd: float | None = Field(
        default=None,
        gt=0,
        le=100_000,
        description="Unit cost, central figure, million US dollars (public estimates, see "
        "the entry's source); needed for the cost-exchange ratio",
    )
    unit_cost_low_musd: float | None = Field(
        default=None,
        gt=0,
        le=100_000,
        description="Unit cost, low end of the range, million US dollars (none: the central "
        "figure); gives the cost-exchange ratio's high end",
    )
    unit_cost_high_musd: float | None = Field(
        default=None,
        gt=0,
        le=100_000,
        description="Unit cost, high end of the range, million US dollars (none: the central "
        "figure); gives the cost-exchange ratio's low end",
    )
    cost_basis: CostBasis = "with_support"
    cost_verified: bool = Field(
        default=False,
        description="True when the central unit cost is a published estimate for this class; "
        "false for an analogy, a derived or an unverified figure (the source says which)",
    )
    cep_m: float | None = Field(
        default=None,
        ge=0,
        le=100000,
        description="Circular error probable of the impact point, m (drawn per replication; "
        "none: impacts at the aim point)",
    )
    lethal_radius_m: float | None = Field(
        default=None,
        gt=0,
        le=100000,
        description="A leaker landing this close to its aim point is effective, m (none: "
        "every leaker counts as effective)",
    )
    infrared: InfraredSignature = Field(
        default_factory=InfraredSignature,
        description="What a space tracking layer sees in the infrared (notional defaults)",
    )
    description: str = Field(default="", description="What the entry represents")

    @model_validator(mode="after")
    def _cost_range(self) -> ThreatCommon:
        low, mid, high = self.unit_cost_low_musd, self.unit_cost_musd, self.unit_cost_high_musd
        if mid is None and (low is not None or high is not None):
            raise ValueError("unit_cost_low_musd and unit_cost_high_musd need unit_cost_musd")
        if mid is not None and not (low or mid) <= mid <= (high or mid):
            raise ValueError("expected unit_cost_low_musd <= unit_cost_musd <= unit_cost_high_musd")
        return self


class BallisticType(ThreatCommon):
    """A ballistic missile: boost, drag-free Kepler flight, optional drag reentry."""

    kind: Literal["ballistic"] = Field(description=KIND_DOC)
    burn_time_s: BurnTime = 0.0
    burnout_altitude_km: BurnoutAltitude = 0.0
    apogee_km: float | None = Field(
        default=None,
        gt=0,
        le=10000,
        description="Ballistic: apogee height (lofted or depressed; none: minimum energy), km",
    )
    burnout_angle_deg: float | None = Field(
        default=None, gt=0, lt=90, description="Ballistic: flight-path angle at burnout, degrees"
    )
    ballistic_coefficient_kg_m2: float | None = Field(
        default=None,
        gt=0,
        le=1e6,
        description="Ballistic: reentry ballistic coefficient m/(Cd·A), kg/m² (none: drag-free)",
    )
    countermeasures: Countermeasures | None = Field(
        default=None, description="Ballistic: decoys and debris released in midcourse"
    )
    marv: TerminalManoeuvre | None = Field(
        default=None, description="Ballistic: a manoeuvring reentry vehicle's terminal weave"
    )

    @model_validator(mode="after")
    def _one_shape(self) -> BallisticType:
        if self.apogee_km is not None and self.burnout_angle_deg is not None:
            raise ValueError("give apogee_km or burnout_angle_deg, not both")
        return self


class QuasiBallisticType(ThreatCommon):
    """A quasi-ballistic missile: a depressed arc, then a terminal pull-up and dive."""

    kind: Literal["quasi_ballistic"] = Field(description=KIND_DOC)
    burn_time_s: BurnTime
    burnout_altitude_km: BurnoutAltitude
    apogee_km: float = Field(gt=0, le=10000, description="Apogee of the depressed arc, km")
    pullup_altitude_km: float = Field(gt=0, le=200, description="Pull-up altitude, km")
    pullup_range_km: float = Field(gt=0, le=2000, description="Range flown after pull-up, km")
    dive_angle_deg: float = _dive_angle(60.0)
    terminal_speed_mps: TerminalSpeed = None


class GlideType(ThreatCommon):
    """A boost-glide vehicle: boost, equilibrium glide, terminal dive."""

    kind: Literal["glide"] = Field(description=KIND_DOC)
    burn_time_s: BurnTime
    glide_speed_mps: float = Field(gt=0, le=8000, description="Speed at glide start, m/s")
    glide_altitude_km: float = Field(gt=0, le=120, description="Altitude at glide start, km")
    lift_to_drag: float = Field(gt=0, le=20, description="Lift-to-drag ratio")
    boost_range_km: float | None = Field(
        default=None,
        gt=0,
        le=5000,
        description="Ground range of the boost, km (none: the constant-acceleration distance)",
    )
    cross_range_km: float = Field(
        default=0.0, ge=-5000, le=5000, description="Cross-range manoeuvre, km"
    )
    dive_angle_deg: float = _dive_angle(45.0)
    terminal_speed_mps: TerminalSpeed = None


class CruiseType(ThreatCommon):
    """A cruise missile: constant speed and height along great-circle legs."""

    kind: Literal["cruise"] = Field(description=KIND_DOC)
    speed_mps: float = Field(gt=0, le=5000, description="Speed (constant), m/s")
    altitude_m: float = Field(gt=0, le=30000, description="Altitude above the ellipsoid, m")
    terminal_range_km: float = Field(
        default=0.0, ge=0, le=500, description="Ground range of the terminal phase, km"
    )
    terminal_mode: TerminalMode = Field(
        default="dive", description="Terminal manoeuvre (dive, popup or level)"
    )
    popup_altitude_m: float | None = Field(
        default=None,
        gt=0,
        le=30000,
        description="Pop-up height before the dive, m (none: the model's default)",
    )
    climb_range_km: float | None = Field(
        default=None,
        gt=0,
        le=1000,
        description="Range to climb to cruise altitude, km (none: the model's default)",
    )
    boost_time_s: float = Field(
        default=0.0, ge=0, le=600, description="Booster time before cruise, s"
    )


THREAT_KINDS: dict[str, type[ThreatCommon]] = {
    "ballistic": BallisticType,
    "quasi_ballistic": QuasiBallisticType,
    "glide": GlideType,
    "cruise": CruiseType,
}
"""The model of each `kind:` (see docs/kinematics.md)."""

ThreatType = Annotated[
    BallisticType | QuasiBallisticType | GlideType | CruiseType, Field(discriminator="kind")
]
"""A class of threat missile: its trajectory model (`kind`) and that model's parameters."""

KIND_FIELDS: dict[str, frozenset[str]] = {
    kind: frozenset(model.model_fields) - frozenset(ThreatCommon.model_fields) - {"kind"}
    for kind, model in THREAT_KINDS.items()
}
"""The trajectory fields each threat kind takes."""
