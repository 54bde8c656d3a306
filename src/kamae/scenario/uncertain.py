"""Uncertain inputs in a scenario file: a numeric field given as a distribution.

Any numeric field may hold, instead of a number, a mapping with a `distribution:` key:

    sspk: {mrbm: {distribution: three_point, low: 0.5, central: 0.7, high: 0.85,
                  source: "notional, from the test record in docs/data.md"}}

| distribution | parameters | central value |
|---|---|---|
| `uniform` | `low`, `high` | (low + high) / 2 |
| `triangular` | `low`, `mode`, `high` | mode |
| `three_point` | `low`, `central`, `high` (a source's range and best estimate) | central |
| `truncated_normal` | `mean`, `sd`, `low`, `high` (a normal cut to [low, high]) | mean |
| `lognormal` | `median`, `sigma` (the standard deviation of the logarithm) | median |

A `three_point` is sampled as the triangular distribution with its mode at `central`.
Parameters speak the field's unit (the field's name carries it); each distribution names its
`source` (a citation, or "notional:" and the reasoning). `central_values` is the loader's
pre-validation pass: it finds every distribution object, checks it and the field it sits in
(numeric, and the distribution's support inside the field's declared range), and puts the
central value in its place, so the scenario is validated, run and reported at its central
values; the uncertain inputs come back with their field paths for the loader to keep
(`LoadedScenario.uncertain`). On an integer field the central value, and every sample
(`kamae.uncertainty`), is rounded to the nearest integer. Sampling is not done here.
"""

from __future__ import annotations

import math
import types
from dataclasses import dataclass
from statistics import NormalDist
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Field, TypeAdapter, ValidationError, model_validator

from kamae.scenario.base import PathKey, Problem, Strict
from kamae.scenario.model import Scenario

KEY = "distribution"
"""The key that makes a mapping a distribution object."""
RESERVED = ("version", "seed", "replications")
"""Top-level fields that are run settings, never uncertain."""
TAIL = 1e-9
"""Quantiles checked against a field's range for a distribution without bounds."""


class _Distribution(Strict):
    source: str = Field(min_length=1, description="Where the range comes from")

    @property
    def central(self) -> float:
        """The value the scenario is validated and run at."""
        raise NotImplementedError

    def support(self) -> tuple[float, float]:
        """The smallest and largest value it can take (for a lognormal, its 1e-9 and
        1 - 1e-9 quantiles)."""
        raise NotImplementedError


class Uniform(_Distribution):
    """Every value in [low, high] equally likely."""

    distribution: Literal["uniform"]
    low: float = Field(allow_inf_nan=False, description="Lowest value")
    high: float = Field(allow_inf_nan=False, description="Highest value")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError("low must be below high")
        return self

    @property
    def central(self) -> float:
        return 0.5 * (self.low + self.high)

    def support(self) -> tuple[float, float]:
        return self.low, self.high


class Triangular(_Distribution):
    """The triangular distribution on [low, high] with its peak at `mode`."""

    distribution: Literal["triangular"]
    low: float = Field(allow_inf_nan=False, description="Lowest value")
    mode: float = Field(allow_inf_nan=False, description="Most likely value")
    high: float = Field(allow_inf_nan=False, description="Highest value")

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.low < self.high):
            raise ValueError("expected low <= mode <= high, with low < high")
        return self

    @property
    def central(self) -> float:
        return self.mode

    def support(self) -> tuple[float, float]:
        return self.low, self.high


class ThreePoint(_Distribution):
    """A source's low, central and high values: sampled as the triangular distribution on
    [low, high] with its mode at `central`."""

    distribution: Literal["three_point"]
    low: float = Field(allow_inf_nan=False, description="The source's low value")
    central_value: float = Field(
        alias="central", allow_inf_nan=False, description="The source's central value"
    )
    high: float = Field(allow_inf_nan=False, description="The source's high value")

    @model_validator(mode="after")
    def _ordered(self) -> ThreePoint:
        if not (self.low <= self.central_value <= self.high and self.low < self.high):
            raise ValueError("expected low <= central <= high, with low < high")
        return self

    @property
    def central(self) -> float:
        return self.central_value

    def support(self) -> tuple[float, float]:
        return self.low, self.high


class TruncatedNormal(_Distribution):
    """A normal distribution of `mean` and `sd` cut to [low, high] (renormalised)."""

    distribution: Literal["truncated_normal"]
    mean: float = Field(allow_inf_nan=False, description="Mean of the normal before the cut")
    sd: float = Field(gt=0, allow_inf_nan=False, description="Its standard deviation")
    low: float = Field(allow_inf_nan=False, description="Lower cut")
    high: float = Field(allow_inf_nan=False, description="Upper cut")

    @model_validator(mode="after")
    def _ordered(self) -> TruncatedNormal:
        if not self.low <= self.mean <= self.high or not self.low < self.high:
            raise ValueError("expected low <= mean <= high, with low < high")
        return self

    @property
    def central(self) -> float:
        return self.mean

    def support(self) -> tuple[float, float]:
        return self.low, self.high


class LogNormal(_Distribution):
    """exp(N(ln median, sigma²)): positive, skewed to the right."""

    distribution: Literal["lognormal"]
    median: float = Field(gt=0, allow_inf_nan=False, description="Median (exp of the mean log)")
    sigma: float = Field(
        gt=0, le=10, allow_inf_nan=False, description="Standard deviation of the logarithm"
    )

    @property
    def central(self) -> float:
        return self.median

    def support(self) -> tuple[float, float]:
        z = NormalDist().inv_cdf(1.0 - TAIL)
        return self.median * math.exp(-self.sigma * z), self.median * math.exp(self.sigma * z)


AnyDistribution = Uniform | Triangular | ThreePoint | TruncatedNormal | LogNormal
Distribution = Annotated[AnyDistribution, Field(discriminator=KEY)]
"""A distribution object of the scenario format, by its `distribution:` kind."""
DISTRIBUTION = TypeAdapter(Distribution)
KINDS = ("uniform", "triangular", "three_point", "truncated_normal", "lognormal")


@dataclass(frozen=True)
class UncertainInput:
    """A field of the file given as a distribution."""

    path: PathKey
    """Its field path (keys and list positions)."""
    distribution: AnyDistribution
    integer: bool
    """The field holds integers: values are rounded to the nearest one."""

    @property
    def central(self) -> float | int:
        c = self.distribution.central
        return round(c) if self.integer else c


def is_distribution(node: object) -> bool:
    """Whether a value of the file is a distribution object."""
    return isinstance(node, dict) and node.get(KEY) in KINDS


def central_values(data: Any) -> tuple[Any, tuple[UncertainInput, ...], list[Problem]]:
    """The loader's pre-validation pass over a scenario document: a copy with every
    distribution object replaced by its central value, the uncertain inputs, and the
    problems found (field path, what is wrong, value)."""
    found: list[tuple[PathKey, Any]] = []
    out = _replace(data, (), found)
    inputs: list[UncertainInput] = []
    problems: list[Problem] = []
    for path, raw in found:
        problem, entry = _check(path, raw, data)
        if problem is not None:
            problems.append(problem)
        elif entry is not None:
            inputs.append(entry)
            _set(out, path, entry.central)
    return out, tuple(inputs), problems


def _replace(node: Any, path: PathKey, found: list[tuple[PathKey, Any]]) -> Any:
    if is_distribution(node):
        found.append((path, node))
        return node
    if isinstance(node, dict):
        return {k: _replace(v, (*path, k), found) for k, v in node.items()}
    if isinstance(node, list):
        return [_replace(v, (*path, i), found) for i, v in enumerate(node)]
    return node


def _set(doc: Any, path: PathKey, value: Any) -> None:
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _check(path: PathKey, raw: Any, data: Any) -> tuple[Problem | None, UncertainInput | None]:
    """One distribution object: valid, in a numeric field, with its support in range."""
    if len(path) == 1 and path[0] in RESERVED:
        return (path, f"{path[0]} is a run setting; it cannot be a distribution", None), None
    try:
        dist = DISTRIBUTION.validate_python(raw)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        loc = tuple(p for p in err["loc"] if p not in KINDS)
        text = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            text = "required field is missing"
        elif err["type"] == "extra_forbidden":
            text = "unknown field of a distribution"
        value = err.get("input")
        if err["type"] == "missing" or isinstance(value, dict | list):
            value = None
        return ((*path, *loc), f"distribution: {text}", value), None
    annotation = field_annotation(path, data)
    kind = _numeric_kind(annotation)
    if kind is None:
        return (path, "a distribution is allowed only in a numeric field", None), None
    adapter = TypeAdapter(annotation)
    integer = kind is int
    for end in dist.support():
        value = round(end) if integer else end
        try:
            adapter.validate_python(value)
        except ValidationError as exc:
            message = exc.errors(include_url=False)[0]["msg"]
            return (
                path,
                f"the distribution reaches {value:g}, outside the field's range ({message})",
                None,
            ), None
    return None, UncertainInput(path, dist, integer)


# -- The declared type of a field ------------------------------------------------------------


def field_annotation(path: PathKey, data: Any) -> Any:
    """The declared type (with its constraints) of the field at a path of a scenario
    document, walking the models (a discriminated union's member chosen by the document's
    value); None when the path names no field."""
    annotation: Any = Scenario
    node = data
    for part in path:
        base = _member(_strip(annotation), node)
        if isinstance(base, type) and issubclass(base, BaseModel) and isinstance(part, str):
            field = _model_field(base, part)
            if field is None:
                return None
            annotation = field.annotation
            if field.metadata:
                annotation = Annotated[(annotation, *field.metadata)]
        elif get_origin(base) is dict:
            annotation = get_args(base)[1]
        elif get_origin(base) is list and isinstance(part, int):
            annotation = get_args(base)[0]
        else:
            return None
        node = node.get(part) if isinstance(node, dict) else _item(node, part)
    return annotation


def _model_field(model: type[BaseModel], name: str) -> Any:
    for key, field in model.model_fields.items():
        if name in (key, field.alias):
            return field
    return None


def _item(node: Any, part: str | int) -> Any:
    if isinstance(node, list) and isinstance(part, int) and -len(node) <= part < len(node):
        return node[part]
    return None


def _strip(annotation: Any) -> Any:
    """Without Annotated and Optional."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _strip(members[0])
    return annotation


def _member(annotation: Any, node: Any) -> Any:
    """The member of a union of models whose literal fields (its tag) match the document."""
    if get_origin(annotation) not in (Union, types.UnionType) or not isinstance(node, dict):
        return annotation
    for member in get_args(annotation):
        member = _strip(member)
        if not (isinstance(member, type) and issubclass(member, BaseModel)):
            continue
        tags = {
            name: get_args(f.annotation)
            for name, f in member.model_fields.items()
            if get_origin(f.annotation) is Literal and name in node
        }
        if tags and all(node[name] in values for name, values in tags.items()):
            return member
    return annotation


def _numeric_kind(annotation: Any) -> type | None:
    """int or float for a numeric field, None for anything else (bool, text, lists...)."""
    base = _strip(annotation)
    return base if base in (int, float) else None
