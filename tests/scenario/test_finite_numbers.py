"""Numbers in scenario files: finite unless a field says it may be infinite, never NaN, and
every numeric field's physical limits stated in the JSON Schema (issue 23).

One mechanism: `kamae.scenario.base.Strict` refuses `.inf` and `.nan` for every float field of
every model built on it, so a field added later gets it by default; these tests fail if a
model is not built on `Strict`, or a numeric field has no upper or lower limit."""

from __future__ import annotations

import copy
import math
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel, Field, ValidationError

from kamae.budget.options import TradeOptions
from kamae.scenario import Scenario, bundled_scenarios
from kamae.scenario.base import MayBeInfinite, PathKey, Strict
from kamae.scenario.campaign import StrikeWeaponType
from kamae.scenario.loader import builtin_catalog, format_path, pydantic_errors
from kamae.scenario.safe_yaml import read_yaml

ROOTS: tuple[type[BaseModel], ...] = (Scenario, StrikeWeaponType, TradeOptions)


def _models(root: type[BaseModel]) -> set[type[BaseModel]]:
    """Every model reachable from `root` through its fields' types."""
    seen: set[type[BaseModel]] = set()
    todo: list[Any] = [root]
    while todo:
        item = todo.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            if item in seen:
                continue
            seen.add(item)
            todo += [f.annotation for f in item.model_fields.values()]
            continue
        todo += list(typing.get_args(item))
    return seen


@pytest.mark.parametrize("root", ROOTS, ids=lambda r: r.__name__)
def test_every_model_is_strict_and_finite(root: type[BaseModel]) -> None:
    models = _models(root)
    assert len(models) >= (20 if root is Scenario else 1)
    for model in models:
        assert issubclass(model, Strict), model
        assert model.model_config.get("allow_inf_nan") is False, model


def _numbers(schema: dict[str, Any], where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every numeric (sub)schema of a property, through unions, lists and maps."""
    if "anyOf" in schema:
        for option in schema["anyOf"]:
            yield from _numbers(option, where)
    elif schema.get("type") in ("number", "integer"):
        yield where, schema
    elif schema.get("type") == "array":
        yield from _numbers(schema.get("items", {}), where + "[]")
    elif isinstance(schema.get("additionalProperties"), dict):
        yield from _numbers(schema["additionalProperties"], where + "{}")


@pytest.mark.parametrize("root", ROOTS, ids=lambda r: r.__name__)
def test_every_numeric_field_has_physical_limits_in_the_json_schema(
    root: type[BaseModel],
) -> None:
    doc = root.model_json_schema()
    found, unbounded = 0, []
    for name, model in [*doc.get("$defs", {}).items(), (root.__name__, doc)]:
        for field, schema in model.get("properties", {}).items():
            for where, number in _numbers(schema, f"{name}.{field}"):
                if "enum" in number or "const" in number:
                    continue
                found += 1
                low = "minimum" in number or "exclusiveMinimum" in number
                high = "maximum" in number or "exclusiveMaximum" in number
                if not (low and high):
                    unbounded.append(where)
    assert found >= (100 if root is Scenario else 4)
    assert unbounded == [], f"numeric fields without a lower or upper limit: {unbounded}"


def _numeric_leaves(node: Any, path: PathKey = ()) -> Iterator[PathKey]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _numeric_leaves(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _numeric_leaves(value, (*path, i))
    elif isinstance(node, int | float) and not isinstance(node, bool):
        yield path


def _set(doc: Any, path: PathKey, value: object) -> None:
    for part in path[:-1]:
        doc = doc[part]
    doc[path[-1]] = value


def _with_builtin_catalog(name: str) -> dict[str, Any]:
    """A bundled scenario with every built-in catalog entry written into its own catalog, so
    that mutating the scenario reaches every catalog field too."""
    data, _ = read_yaml(bundled_scenarios()[name].read_text(encoding="utf-8"), name)
    catalog = builtin_catalog().model_dump(mode="json", exclude_defaults=False)
    merged = data.setdefault("catalog", {})
    for section in ("threats", "sensors", "interceptors"):
        merged[section] = {**catalog[section], **merged.get(section, {})}
    return data


@pytest.mark.parametrize("name", sorted(bundled_scenarios()))
def test_nan_and_infinity_are_refused_in_every_numeric_field(name: str) -> None:
    base = _with_builtin_catalog(name)
    Scenario.model_validate(base)
    paths = [p for p in _numeric_leaves(base) if p != ("version",)]
    assert len(paths) > 50
    for path in paths:
        for bad in (math.nan, math.inf, -math.inf):
            doc = copy.deepcopy(base)
            _set(doc, path, bad)
            with pytest.raises(ValidationError) as info:
                Scenario.model_validate(doc)
            errors = pydantic_errors(info.value, name, {}, doc)
            named = [e for e in errors if e.field == format_path(path)]
            assert named, (path, bad, [str(e) for e in errors])


class _Example(Strict):
    finite: float = 1.0
    optional: float | None = None
    listed: list[float] = Field(default_factory=list)
    unbounded: MayBeInfinite = Field(default=1.0, gt=0)


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("finite", math.inf, False),
        ("finite", math.nan, False),
        ("optional", -math.inf, False),
        ("listed", [1.0, math.nan], False),
        ("unbounded", math.inf, True),
        ("unbounded", -math.inf, False),  # its bound (> 0) still holds
        ("unbounded", math.nan, False),
    ],
)
def test_a_field_opts_in_to_infinity_never_to_nan(field: str, value: object, ok: bool) -> None:
    if ok:
        assert getattr(_Example.model_validate({field: value}), field) == value
    else:
        with pytest.raises(ValidationError):
            _Example.model_validate({field: value})


def test_the_schema_marks_the_fields_that_may_be_infinite() -> None:
    props = _Example.model_json_schema()["properties"]
    assert props["unbounded"].get("x-may-be-infinite") is True
    assert "x-may-be-infinite" not in props["finite"]
