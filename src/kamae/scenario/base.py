"""Building blocks shared by every section of the scenario format: the strict model base
(unknown fields refused, values frozen), identifiers, coordinates and probabilities."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

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

PathKey = tuple[str | int, ...]
"""A field path in a scenario file: mapping keys and list indices from the top."""
Problem = tuple[PathKey, str, object]
"""(field path, problem, value): one problem found by a cross-check, for the loader (or the
world's physical checks) to turn into a `ScenarioError` with the file's line."""


class Strict(BaseModel):
    """Base of every scenario model: unknown fields are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(Strict):
    """Every catalog entry says where its numbers come from."""

    source: str = Field(min_length=1, description="Public source of the figures")
    notional: bool = Field(description="True where the figures are estimates, not published")


class Point(Strict):
    """A geodetic point on the ellipsoid."""

    lat_deg: Latitude
    lon_deg: Longitude
