"""The optional `jammers:` section: noise jammers with a power, an antenna gain, a band and a
position, either standing off (an aircraft or ship at a fixed point) or screening the
missiles of a raid (carried by each missile). Declared once here; the world turns each into
the SI record of `kamae.sensors.jamming` and bakes its effect into the radars' views.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from kamae.scenario.base import Identifier, Latitude, Longitude, Strict


class _Jammer(Strict):
    id: Identifier
    power_w: float = Field(gt=0, le=1e7, description="Jammer transmitter power, W")
    antenna_gain_dbi: float = Field(
        ge=-20, le=60, description="Jammer antenna gain toward the radars it jams, dBi"
    )
    band_low_ghz: float = Field(gt=0, le=100, description="Lower edge of the jammed band, GHz")
    band_high_ghz: float = Field(gt=0, le=100, description="Upper edge of the jammed band, GHz")
    losses_db: float = Field(
        default=0.0, ge=0, le=50, description="Jammer transmit and polarisation losses, dB"
    )
    sensors: list[str] = Field(
        default_factory=list,
        description="Radar ids it jams (empty: every radar whose frequency is in its band)",
    )
    start_s: float = Field(default=0.0, ge=0, le=864000, description="Jamming starts, s")
    end_s: float | None = Field(
        default=None, gt=0, le=864000, description="Jamming ends, s (none: to the end)"
    )

    @model_validator(mode="after")
    def _ordered(self) -> _Jammer:
        if self.band_high_ghz <= self.band_low_ghz:
            raise ValueError("band_high_ghz must be above band_low_ghz")
        if self.end_s is not None and self.end_s <= self.start_s:
            raise ValueError("end_s must be after start_s")
        return self


class StandOffJammer(_Jammer):
    """A stand-off jammer at a fixed point (an aircraft in orbit, a ship): it reaches the
    radars through their sidelobes, or their main lobe when a target lies in its direction."""

    kind: Literal["stand_off"] = Field(description="Jammer kind")
    lat_deg: Latitude
    lon_deg: Longitude
    altitude_m: float = Field(default=10000.0, ge=0, le=40000, description="Height, m")


class SelfScreeningJammer(_Jammer):
    """A self-screening jammer carried by every missile of a raid: it enters the radar's main
    lobe with its own echo, so the jamming falls as 1/R² while the echo falls as 1/R⁴."""

    kind: Literal["self_screening"] = Field(description="Jammer kind")
    raid: str = Field(description="Id of the raid whose missiles carry it")


Jammer = Annotated[StandOffJammer | SelfScreeningJammer, Field(discriminator="kind")]
"""A noise jammer, by kind."""
