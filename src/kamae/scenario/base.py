"""Building blocks shared by every section of the scenario format: the strict model base
(unknown fields refused, values frozen, numbers finite), identifiers, coordinates and
probabilities.

Numbers: every float field of every scenario model is finite by default (`Strict` refuses
`.inf` and `.nan` for all its float fields, those added later included); a field that may be
infinite says so by its type, `MayBeInfinite`, and even then NaN is refused. Physical limits
are the fields' `ge`/`gt`/`le`/`lt` bounds, which the JSON Schema carries as `minimum`,
`maximum` and their exclusive forms (every numeric field has both: tests/scenario checks).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.types import AllowInfNan


def _not_nan(value: float) -> float:
    if math.isnan(value):
        raise ValueError("NaN is not accepted: give a number")
    return value


MayBeInfinite = Annotated[
    float,
    AllowInfNan(True),
    AfterValidator(_not_nan),
    Field(json_schema_extra={"x-may-be-infinite": True}),
]
"""A float field that may be `.inf` or `-.inf` (never `.nan`); other floats are finite."""

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

CostBasis = Annotated[
    Literal["flyaway", "with_support"],
    Field(
        description="What the unit cost counts: flyaway (the missile alone) or with_support "
        "(a purchase or programme total over its rounds, support included)"
    ),
]
"""What a unit cost counts: `flyaway`, the missile alone as produced (no launcher, spares,
crews or development); `with_support`, a purchase or a programme's total divided by its rounds
(spares, training, launch crews and other support included)."""

PathKey = tuple[str | int, ...]
"""A field path in a scenario file: mapping keys and list indices from the top."""
Problem = tuple[PathKey, str, object]
"""(field path, problem, value): one problem found by a cross-check, for the loader (or the
world's physical checks) to turn into a `ScenarioError` with the file's line."""


class Strict(BaseModel):
    """Base of every scenario model: unknown fields are errors, values are frozen, and
    numbers are finite (no `.inf`, no `.nan`) unless a field's type is `MayBeInfinite`."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Sourced(Strict):
    """Every catalog entry says where its numbers come from."""

    source: str = Field(min_length=1, description="Public source of the figures")
    notional: bool = Field(description="True where the figures are estimates, not published")


class Point(Strict):
    """A geodetic point on the ellipsoid."""

    lat_deg: Latitude
    lon_deg: Longitude
