"""Load scenario files: YAML with line numbers, schema validation, cross-reference checks.

Every problem becomes a `ScenarioError` naming the file, line, field path, value and what is
expected; all problems of a file are reported together (`ScenarioErrors`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import ValidationError

from kamae.errors import ScenarioError, ScenarioErrors
from kamae.geo import geodesic_inverse_deg
from kamae.kinematics.feasibility import InfeasibleThreat
from kamae.scenario.campaign import campaign_problems
from kamae.scenario.feasibility import RaidFlight, check_raid_flight
from kamae.scenario.model import (
    AnySensorType,
    Asset,
    Catalog,
    InterceptorType,
    Point,
    Raid,
    Scenario,
    ThreatType,
)

PathKey = tuple[str | int, ...]


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
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(
            label, "file", f"cannot be read: {exc.strerror}", show_value=False
        ) from None
    return load_scenario_text(raw, label)


def load_scenario_text(raw: bytes, label: str) -> LoadedScenario:
    """Validate scenario YAML given as bytes; `label` names the file in errors."""
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
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioErrors(errors_from_pydantic(exc, label, lines)) from None
    threats, sensors, interceptors = _merged_catalogs(scenario.catalog)
    problems = _cross_check(scenario, threats, sensors, interceptors, label, lines)
    if problems:
        raise ScenarioErrors(problems)
    return LoadedScenario(
        scenario=scenario,
        threats=threats,
        sensors=sensors,
        interceptors=interceptors,
        file=label,
        sha256=hashlib.sha256(raw).hexdigest(),
        text=text,
    )


def builtin_catalog() -> Catalog:
    """The catalogs shipped with kamae (threats, sensors, interceptors)."""
    root = resources.files("kamae.scenario") / "data" / "catalogs"
    parts = {}
    for kind in ("threats", "sensors", "interceptors"):
        parts[kind] = yaml.safe_load((root / f"{kind}.yaml").read_text(encoding="utf-8"))
    return Catalog.model_validate(parts)


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


class _Loader(yaml.SafeLoader):
    pass


def parse_yaml(text: str, label: str) -> tuple[Any, dict[PathKey, int]]:
    """YAML text as Python data, with the line of every field path (ScenarioError if bad)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(label, "(yaml)", f"malformed YAML: {problem}", line=line) from None
    if node is None:
        raise ScenarioError(label, "(document)", "the file is empty", line=1)
    lines: dict[PathKey, int] = {}
    data = _construct(node, (), lines, label, _Loader(""))
    return data, lines


def _construct(
    node: yaml.Node, path: PathKey, lines: dict[PathKey, int], label: str, scalars: _Loader
) -> Any:
    """Python data from a YAML node, recording the line of every field path on the way."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = scalars.construct_object(key_node)
            if not isinstance(key, str | int):
                raise ScenarioError(
                    label,
                    _format_path(path),
                    "mapping keys must be text",
                    line=key_node.start_mark.line + 1,
                )
            if key in out:
                raise ScenarioError(
                    label,
                    _format_path((*path, key)),
                    "duplicate key",
                    line=key_node.start_mark.line + 1,
                    show_value=False,
                )
            out[key] = _construct(value_node, (*path, key), lines, label, scalars)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(child, (*path, i), lines, label, scalars)
            for i, child in enumerate(node.value)
        ]
    return scalars.construct_object(node)


def _format_path(path: PathKey) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(document)"


def line_of(path: PathKey, lines: dict[PathKey, int]) -> int | None:
    """The line of a field path, or of its nearest parent that has one."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return None


def errors_from_pydantic(
    exc: ValidationError, label: str, lines: dict[PathKey, int]
) -> list[ScenarioError]:
    """One ScenarioError (file:line, field path, value) per problem pydantic found."""
    errors = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        loc = tuple(p for p in loc if p not in ("tagged-union",))
        message = err["msg"].removeprefix("Value error, ")
        kind = err["type"]
        value = err.get("input")
        show = kind != "missing" and not isinstance(value, dict | list)
        if kind == "extra_forbidden":
            message = "unknown field (check its spelling against `kamae schema`)"
            show = False
        if kind == "missing":
            message = "required field is missing"
        errors.append(
            ScenarioError(
                label,
                _format_path(loc),
                message,
                line=line_of(loc, lines),
                value=value,
                show_value=show,
            )
        )
    return errors


# -- Cross-references ----------------------------------------------------------------------


def _cross_check(
    s: Scenario,
    threats: dict[str, ThreatType],
    sensors: dict[str, AnySensorType],
    interceptors: dict[str, InterceptorType],
    label: str,
    lines: dict[PathKey, int],
) -> list[ScenarioError]:
    problems: list[ScenarioError] = []

    def fail(path: PathKey, problem: str, value: object = None) -> None:
        problems.append(
            ScenarioError(
                label, _format_path(path), problem, line=line_of(path, lines), value=value
            )
        )

    for section in ("assets", "raids", "sensors", "fire_units"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(s, section)):
            if item.id in seen:
                fail((section, i, "id"), f"duplicate id in {section}", item.id)
            seen.add(item.id)

    assets = {a.id: a for a in s.assets}
    for i, raid in enumerate(s.raids):
        if raid.threat not in threats:
            fail(
                ("raids", i, "threat"),
                f"unknown threat type; expected one of {_names(threats)}",
                raid.threat,
            )
            continue
        if raid.target is not None and raid.target not in assets:
            fail(
                ("raids", i, "target"),
                f"unknown asset; expected one of {_names(assets)}",
                raid.target,
            )
            continue
        aim = assets[raid.target] if raid.target is not None else raid.aim
        assert aim is not None
        ttype = threats[raid.threat]
        dist, _, _ = geodesic_inverse_deg(
            raid.launch.lat_deg, raid.launch.lon_deg, aim.lat_deg, aim.lon_deg
        )
        km = float(dist) / 1000.0
        minimum = 10.0 if ttype.kind == "cruise" else 50.0
        if km < minimum:
            fail(
                ("raids", i, "launch"),
                f"target is {km:.1f} km away; {ttype.kind} raids need at least {minimum:.0f} km",
            )
            continue
        if raid.waypoints and ttype.kind != "cruise":
            fail(("raids", i, "waypoints"), f"only cruise raids take waypoints ({raid.threat} "
                 f"is {ttype.kind})")  # fmt: skip
            continue
        if raid.apogee_km is not None and ttype.kind not in ("ballistic", "quasi_ballistic"):
            fail(("raids", i, "apogee_km"), f"only ballistic raids take an apogee ({raid.threat} "
                 f"is {ttype.kind})")  # fmt: skip
            continue
        if km > ttype.max_range_km:
            fail(
                ("raids", i, "launch"),
                f"target is {km:.0f} km away, beyond the {ttype.max_range_km:.0f} km range of "
                f"{raid.threat}",
            )
            continue
        problem = raid_flight_problem(raid, ttype, aim, km)
        if problem is not None:
            field, text = problem
            fail(("raids", i, field), text)
    radars = {k: v for k, v in sensors.items() if v.kind == "radar"}
    for i, sensor in enumerate(s.sensors):
        if sensor.type not in radars:
            fail(
                ("sensors", i, "type"),
                f"unknown radar type; expected one of {_names(radars)} (space layers go in "
                "space_sensors)",
                sensor.type,
            )
    space = {k: v for k, v in sensors.items() if v.kind == "space_ir"}
    space_ids = {x.id for x in s.sensors}
    for i, layer in enumerate(s.space_sensors):
        if layer.type not in space:
            fail(
                ("space_sensors", i, "type"),
                f"unknown space_ir sensor type; expected one of {_names(space)}",
                layer.type,
            )
        if layer.id in space_ids:
            fail(("space_sensors", i, "id"), "duplicate sensor id", layer.id)
        space_ids.add(layer.id)
    for i, unit in enumerate(s.fire_units):
        if unit.interceptor not in interceptors:
            fail(
                ("fire_units", i, "interceptor"),
                f"unknown interceptor type; expected one of {_names(interceptors)}",
                unit.interceptor,
            )
            continue
        if s.doctrine.shots_per_salvo > unit.launchers:
            fail(
                ("doctrine", "shots_per_salvo"),
                f"salvo of {s.doctrine.shots_per_salvo} exceeds the {unit.launchers} "
                f"launchers of fire unit {unit.id}",
            )
        missing = {threats[r.threat].threat_class for r in s.raids if r.threat in threats} - set(
            interceptors[unit.interceptor].sspk
        )
        if missing:
            fail(
                ("fire_units", i, "interceptor"),
                f"{unit.interceptor} has no sspk for threat class(es) {sorted(missing)} "
                "raided in this scenario",
            )
    if s.campaign is not None:
        used = {u.interceptor for u in s.fire_units}
        confirms = s.network is not None and s.network.attack_confirmation is not None
        for path, problem, value in campaign_problems(
            s.campaign, [r.id for r in s.raids], used, network_confirms=confirms
        ):
            fail(path, problem, value)
    if s.network is not None and not problems:
        from kamae.scenario.network import cross_check_network

        for path, problem, value in cross_check_network(s, threats):
            fail(path, problem, value)
    return problems


def _names(d: dict[str, Any]) -> str:
    names = sorted(d)
    shown = ", ".join(names[:12])
    return shown + (", ..." if len(names) > 12 else "") if names else "(none defined)"


def raid_flight_problem(
    raid: Raid, ttype: ThreatType, aim: Point | Asset, range_km: float
) -> tuple[str, str] | None:
    """Whether the raid's threat type can fly it: None, or (field of the raid, problem)."""
    route = [(raid.launch.lat_deg, raid.launch.lon_deg)]
    route += [(w.lat_deg, w.lon_deg) for w in raid.waypoints]
    route.append((aim.lat_deg, aim.lon_deg))
    flight = RaidFlight(
        threat=ttype,
        route_deg=np.array(route, dtype=float),
        launch_time_s=np.zeros(1),
        apogee_km=raid.apogee_km,
    )
    try:
        check_raid_flight(flight, range_km)
    except InfeasibleThreat as exc:
        got = f" (got {exc.value!r})" if exc.value is not None else ""
        if exc.field == "range_km":
            return "launch", f"{raid.threat} cannot fly this raid: {exc.problem}{got}"
        if exc.field == "waypoints":
            return "waypoints", f"{exc.problem}{got}"
        if exc.field == "apogee_km" and raid.apogee_km is not None:
            return "apogee_km", f"{exc.problem}{got}"
        return "threat", f"{raid.threat}.{exc.field} {exc.problem}{got} for this raid"
    return None
