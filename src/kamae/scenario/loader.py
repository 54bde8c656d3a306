"""Load scenario files: YAML with line numbers, schema validation, cross-reference checks.

Every problem becomes a `ScenarioError` naming the file, line, field path, value and what is
expected; all problems of a file are reported together (`ScenarioErrors`). The loaded scenario
keeps the line of every field path (`LoadedScenario.lines`), so that the physical checks of
`kamae.world.checks` can name lines too.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kamae.errors import ScenarioError, ScenarioErrors
from kamae.scenario.base import PathKey, Problem
from kamae.scenario.model import AnySensorType, Catalog, InterceptorType, Scenario, ThreatType
from kamae.scenario.overrides import CATALOG_KINDS, builtin_entries, merge_catalog_overrides
from kamae.scenario.references import cross_check
from kamae.scenario.safe_yaml import (
    MAX_FILE_BYTES,
    format_path,
    read_input_file,
    read_yaml,
    too_big,
)
from kamae.scenario.threats import KIND_FIELDS
from kamae.scenario.uncertain import UncertainInput, central_values


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with its merged catalogs and where it came from."""

    scenario: Scenario
    threats: dict[str, ThreatType]
    sensors: dict[str, AnySensorType]
    interceptors: dict[str, InterceptorType]
    file: str
    sha256: str
    text: str
    """The scenario file as read (kept with each run's results)."""
    lines: Mapping[PathKey, int] = field(default_factory=dict, repr=False, compare=False)
    """Line of every field path of the file (empty: none known)."""
    uncertain: tuple[UncertainInput, ...] = ()
    """Fields given as distributions (`kamae.scenario.uncertain`); `scenario` holds their
    central values."""

    def error(self, problem: Problem) -> ScenarioError:
        """A `ScenarioError` naming this file and the line of the problem's field path."""
        path, text, value = problem
        return ScenarioError(
            self.file, format_path(path), text, line=line_of(path, self.lines), value=value
        )


def bundled_scenarios() -> dict[str, Path]:
    """Bundled scenario names and their files."""
    root = resources.files("kamae.scenario") / "data" / "scenarios"
    found = {}
    for entry in root.iterdir():
        if entry.name.endswith(".yaml"):
            found[entry.name.removesuffix(".yaml")] = Path(str(entry))
    return dict(sorted(found.items()))


def resolve_scenario_path(name_or_path: str) -> Path:
    """A bundled scenario's file by name, or the given path."""
    bundled = bundled_scenarios()
    if name_or_path in bundled:
        return bundled[name_or_path]
    path = Path(name_or_path)
    if not path.exists():
        names = ", ".join(bundled) or "none"
        raise ScenarioError(
            name_or_path,
            "file",
            f"no such file or bundled scenario (bundled: {names})",
            show_value=False,
        )
    return path


def load_scenario(name_or_path: str | Path) -> LoadedScenario:
    """Read, validate and cross-check a scenario file or a bundled scenario name."""
    path = resolve_scenario_path(str(name_or_path))
    label = str(name_or_path)
    return load_scenario_text(read_input_file(path, label), label)


def load_scenario_text(raw: bytes, label: str) -> LoadedScenario:
    """Validate scenario YAML given as bytes; `label` names the file in errors."""
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(label, "file", too_big(len(raw)), show_value=False)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(label, "file", "is not UTF-8 text", show_value=False) from None
    data, lines = parse_yaml(text, label)
    if not isinstance(data, dict):
        raise ScenarioError(
            label,
            "(document)",
            "expected a mapping of scenario fields at the top level",
            line=1,
            show_value=False,
        )
    data, uncertain, problems = central_values(data)
    data, overridden = merge_catalog_overrides(data)
    problems = [*problems, *overridden]
    if problems:
        raise ScenarioErrors(
            [
                ScenarioError(label, format_path(p), t, line=line_of(p, lines), value=v)
                for p, t, v in problems
            ]
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioErrors(pydantic_errors(exc, label, lines, data)) from None
    threats, sensors, interceptors = _merged_catalogs(scenario.catalog)
    loaded = LoadedScenario(
        scenario=scenario,
        threats=threats,
        sensors=sensors,
        interceptors=interceptors,
        file=label,
        sha256=hashlib.sha256(raw).hexdigest(),
        text=text,
        lines=lines,
        uncertain=uncertain,
    )
    problems = cross_check(scenario, threats, sensors, interceptors)
    if problems:
        raise ScenarioErrors([loaded.error(p) for p in problems])
    return loaded


def builtin_catalog() -> Catalog:
    """The catalogs shipped with kamae (threats, sensors, interceptors)."""
    return Catalog.model_validate({kind: builtin_entries(kind) for kind in CATALOG_KINDS})


def _merged_catalogs(
    extra: Catalog,
) -> tuple[dict[str, ThreatType], dict[str, AnySensorType], dict[str, InterceptorType]]:
    base = builtin_catalog()
    return (
        {**base.threats, **extra.threats},
        {**base.sensors, **extra.sensors},
        {**base.interceptors, **extra.interceptors},
    )


# -- YAML with line numbers ------------------------------------------------------------------


def parse_yaml(text: str, label: str) -> tuple[Any, dict[PathKey, int]]:
    """Python data from YAML text, and the line of every field path in it (plain YAML 1.2
    core-schema types only, with the limits of `kamae.scenario.safe_yaml`)."""
    return read_yaml(text, label)


def line_of(path: PathKey, lines: Mapping[PathKey, int]) -> int | None:
    """The line of a field path, or of its nearest parent in the file."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return None


def pydantic_errors(
    exc: ValidationError, label: str, lines: Mapping[PathKey, int], data: Any = None
) -> list[ScenarioError]:
    """One `ScenarioError` per pydantic error, naming the file, line and field path.

    With the file's `data`, the tag pydantic puts in the path of a discriminated union's
    member (`catalog.threats.x.glide.lift_to_drag`) is dropped: the user's path has none;
    and a threat type's trajectory field missing for its kind, or given for another kind,
    is said so on the entry (`lift_to_drag is required for kind glide`)."""
    errors = []
    for err in exc.errors(include_url=False):
        loc, tag = _user_path(err["loc"], data)
        message = err["msg"].removeprefix("Value error, ")
        kind = err["type"]
        value = err.get("input")
        show = kind != "missing" and not isinstance(value, dict | list)
        if kind == "extra_forbidden":
            message = "unknown field (check its spelling against `kamae schema`)"
            show = False
        if kind == "missing":
            message = "required field is missing"
        if kind in ("union_tag_not_found", "union_tag_invalid"):  # the `kind:` field itself
            loc = (*loc, "kind")
            value = err.get("ctx", {}).get("tag")
            show = False
            if kind == "union_tag_not_found":
                message = "required field is missing"
        if tag is not None and kind in ("missing", "extra_forbidden"):
            loc, message = _kind_field(loc, tag, kind, message)
        errors.append(
            ScenarioError(
                label,
                format_path(loc),
                message,
                line=line_of(loc, lines),
                value=value,
                show_value=show,
            )
        )
    return errors


def _kind_field(loc: PathKey, tag: tuple[str, int], kind: str, message: str) -> tuple[PathKey, str]:
    """A threat kind's own field, missing or out of place, named on the catalog entry."""
    name, at = tag
    field = loc[at] if len(loc) == at + 1 else None
    if name not in KIND_FIELDS or not isinstance(field, str):
        return loc, message
    if kind == "missing" and field in KIND_FIELDS[name]:
        return loc[:at], f"{field} is required for kind {name}"
    if kind == "extra_forbidden" and any(field in f for f in KIND_FIELDS.values()):
        return loc[:at], f"{field} does not apply to kind {name}"
    return loc, message


def _user_path(loc: tuple[str | int, ...], data: Any) -> tuple[PathKey, tuple[str, int] | None]:
    """A pydantic error location as a path into the file (validator and union tags out),
    and the last union tag dropped with the position it held in the path (None: none)."""
    out: list[str | int] = []
    tag = None
    node = data
    for part in loc:
        if isinstance(part, str) and (part.startswith("function-") or part == "tagged-union"):
            continue
        if isinstance(node, dict) and part not in node and node.get("kind") == part:
            tag = (str(part), len(out))  # a discriminated union's member tag
            continue
        out.append(part)
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(out), tag
