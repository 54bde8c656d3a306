"""What a threat brings against the defense besides its warhead: penetration aids (decoys and
debris released in midcourse), a manoeuvring reentry vehicle's terminal manoeuvre, and the
infrared signature a space tracking layer sees. Declared once here; the world converts them to
SI (`kamae.world.si`) for `kamae.kinematics.threat_complex`, `kamae.kinematics.marv` and
`kamae.sensors.infrared`.
"""

from __future__ import annotations

from pydantic import Field

from kamae.scenario.base import Strict


class Countermeasures(Strict):
    """Penetration aids released by each warhead of a ballistic type in midcourse: decoys and
    debris drifting away from it, until the atmosphere strips them on reentry."""

    decoys: int = Field(default=0, ge=0, le=100, description="Decoys released per warhead")
    decoy_rcs_m2: float | None = Field(
        default=None,
        gt=0,
        le=1000,
        description="RCS of each decoy, m² (none: the warhead's rcs_m2, an RCS-matched decoy)",
    )
    decoy_ballistic_coefficient_kg_m2: float = Field(
        default=5.0,
        gt=0,
        le=1e5,
        description="Ballistic coefficient m/(Cd·A) of a decoy, kg/m²: the atmosphere strips it "
        "at its height of peak deceleration (Allen & Eggers)",
    )
    debris: int = Field(
        default=0,
        ge=0,
        le=100,
        description="Pieces of debris (spent stage, fragments) following each warhead",
    )
    debris_rcs_m2: float = Field(default=1.0, gt=0, le=1000, description="RCS of a piece, m²")
    debris_ballistic_coefficient_kg_m2: float = Field(
        default=100.0,
        gt=0,
        le=1e5,
        description="Ballistic coefficient of a piece of debris, kg/m²",
    )
    release_after_burnout_s: float = Field(
        default=30.0,
        ge=0,
        le=3000,
        description="Decoys and debris separate from the warhead this long after burnout, s",
    )
    separation_speed_mps: float = Field(
        default=2.0,
        gt=0,
        le=1000,
        description="Speed at which decoys and debris drift away from the warhead, m/s",
    )
    decoy_length_mismatch_m: float = Field(
        default=0.1,
        ge=0,
        le=20,
        description="Discrimination feature: difference between a decoy's and the warhead's "
        "apparent length that a wideband radar measures, m (0: indistinguishable)",
    )
    debris_length_mismatch_m: float = Field(
        default=1.0,
        ge=0,
        le=20,
        description="The same for a piece of debris (tumbling, irregular), m",
    )
    feature_decorrelation_s: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="Looks at an object closer together than this repeat the same "
        "discrimination evidence (its tumbling or precession period), s",
    )


class TerminalManoeuvre(Strict):
    """A manoeuvring reentry vehicle (MaRV): below a height it weaves across its ballistic
    path at a constant peak lateral acceleration, and still reaches its aim point."""

    start_altitude_km: float = Field(
        default=40.0, gt=0, le=200, description="Height at which the manoeuvre starts, km"
    )
    acceleration_g: float = Field(
        default=10.0, gt=0, le=100, description="Peak lateral acceleration, g"
    )
    period_s: float = Field(
        default=8.0, gt=0, le=600, description="Period of the weave across the path, s"
    )


class InfraredSignature(Strict):
    """What a space infrared sensor sees of a threat: its motor plume while it burns, its
    aerodynamically heated nose and leading edges inside the atmosphere, and its body at
    ambient temperature outside it (`kamae.sensors.infrared`)."""

    plume_intensity_kw_sr: float = Field(
        default=100.0,
        ge=0,
        le=1e6,
        description="Radiant intensity of the motor plume in the sensor's band, kW/sr",
    )
    nose_radius_m: float = Field(
        default=0.1,
        gt=0,
        le=10,
        description="Nose (or leading-edge) radius for stagnation-point heating, m",
    )
    heated_area_m2: float = Field(
        default=0.5,
        gt=0,
        le=100,
        description="Area radiating at the stagnation-point equilibrium temperature, m²",
    )
    body_area_m2: float = Field(
        default=2.0, gt=0, le=1000, description="Projected body area seen by the sensor, m²"
    )
    body_temperature_k: float = Field(
        default=300.0, gt=0, le=3000, description="Body temperature outside the atmosphere, K"
    )
    emissivity: float = Field(default=0.8, gt=0, le=1, description="Surface emissivity")
