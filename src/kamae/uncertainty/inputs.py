"""The uncertain inputs of a study: the fields a scenario file gives as distributions, and
those an inputs file adds over a scenario.

An inputs file keeps a bundled scenario as it is and says which of its numbers are uncertain,
each by its field path (as `kamae sweep --set` writes it) and a distribution of the scenario
format (`kamae.scenario.uncertain`):

    description: what the ranges are and where they come from
    inputs:
      catalog.interceptors.sm-3-block-ib.sspk.mrbm:
        {distribution: three_point, low: 0.5, central: 0.7, high: 0.85, source: "..."}
      fire_units[ddg-tsushima].inventory: {distribution: uniform, low: 4, high: 12, source: "..."}

The distributions are put into the scenario document at their paths (a built-in catalog
entry is copied into the document first, as the sweep does), and the document is loaded
again: the loader's one pre-validation pass checks every input, wherever it came from.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from kamae.arrays import FloatArray
from kamae.errors import KamaeError, ScenarioError, ScenarioErrors
from kamae.scenario.base import PathKey, Problem
from kamae.scenario.loader import LoadedScenario, format_path, load_scenario_text, parse_yaml
from kamae.scenario.uncertain import AnyDistribution, central_values
from kamae.sweep.errors import SweepError
from kamae.sweep.points import (
    ItemId,
    Setting,
    SweepPoints,
    assign,
    dump_document,
    field_annotation,
    parse_path,
)
from kamae.uncertainty.distributions import quantile, swing


@dataclass(frozen=True)
class Input:
    """One uncertain input of a study."""

    name: str
    """Its field path, list items by id where they have one (`fire_units[patriot-tokyo]`)."""
    distribution: AnyDistribution
    integer: bool
    """An integer field: values are rounded to the nearest integer."""
    line: int | None
    """Its line in the scenario file (None for one given by an inputs file)."""

    @property
    def central(self) -> float | int:
        c = self.distribution.central
        return round(c) if self.integer else c

    def values(self, u: FloatArray) -> list[float | int]:
        """The input's values at quantiles u of its distribution."""
        x = quantile(self.distribution, np.asarray(u, dtype=float))
        if self.integer:
            return [int(v) for v in np.rint(x)]
        return [float(v) for v in x]

    def swing(self) -> tuple[float | int, float | int]:
        """The low and high values a tornado swings it between."""
        low, high = swing(self.distribution)
        return (round(low), round(high)) if self.integer else (low, high)

    def describe(self) -> dict[str, object]:
        """The input as JSON: path, distribution, central value and swing."""
        low, high = self.swing()
        return {
            "name": self.name,
            "distribution": self.distribution.model_dump(mode="json", by_alias=True),
            "integer": self.integer,
            "central": self.central,
            "swing": [low, high],
            "line": self.line,
        }


def study_inputs(loaded: LoadedScenario) -> list[Input]:
    """The uncertain inputs of a loaded scenario, in file order."""
    doc = yaml.safe_load(loaded.text)
    return [
        Input(
            name=display_path(doc, u.path),
            distribution=u.distribution,
            integer=u.integer,
            line=loaded.lines.get(u.path),
        )
        for u in loaded.uncertain
    ]


def central_document(loaded: LoadedScenario) -> dict[str, Any]:
    """The scenario document with every distribution at its central value (the base of a
    study's points)."""
    doc, _, _ = central_values(yaml.safe_load(loaded.text))
    assert isinstance(doc, dict)
    return doc


def study_points(
    loaded: LoadedScenario, inputs: list[Input], values: list[tuple[Any, ...]]
) -> SweepPoints:
    """Points over the central document: per point, one value per input."""
    settings = tuple(Setting(i.name, parse_path(i.name)) for i in inputs)
    return SweepPoints(central_document(loaded), settings, tuple(values))


def display_path(doc: Any, path: PathKey) -> str:
    """A field path as `--set` writes it, naming a list item by its id where it has one."""
    text, node = "", doc
    for part in path:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            text += f"[{ident}]" if isinstance(ident, str) and _plain(ident) else f"[{part}]"
            node = item
        else:
            key = str(part)
            text += (f".{key}" if text else key) if _plain(key) else f'["{key}"]'
            node = node.get(part) if isinstance(node, dict) else None
    return text


def _plain(key: str) -> bool:
    return key != "" and not any(c in key for c in ".[]\"'") and not key.lstrip("-").isdigit()


# -- Inputs files ----------------------------------------------------------------------------


def bundled_inputs() -> dict[str, Path]:
    """Bundled inputs files by name (`japan-2027-inputs`)."""
    root = resources.files("kamae.uncertainty") / "data"
    return {
        entry.name.removesuffix(".yaml"): Path(str(entry))
        for entry in sorted(root.iterdir(), key=lambda e: e.name)
        if entry.name.endswith("-inputs.yaml")
    }


def with_inputs_file(loaded: LoadedScenario, name_or_path: str | Path) -> LoadedScenario:
    """The scenario with an inputs file's distributions put in (file and line of each
    problem are the inputs file's)."""
    path = _resolve(str(name_or_path))
    label = str(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KamaeError(f"{label}: cannot be read ({exc})") from None
    data, lines = parse_yaml(text, label)
    if not isinstance(data, dict) or not isinstance(data.get("inputs"), dict):
        raise ScenarioError(label, "inputs", "expected a mapping of field paths to distributions")
    if unknown := sorted(set(data) - {"inputs", "description"}):
        raise ScenarioError(label, unknown[0], "unknown field (expected description, inputs)")
    doc = yaml.safe_load(loaded.text)
    errors: list[ScenarioError] = []
    keys: dict[PathKey, str] = {}
    for key, raw in data["inputs"].items():
        try:
            parts = parse_path(str(key))
            field_annotation(parts, str(key))
            assign(doc, parts, raw, str(key))
        except SweepError as exc:
            message = str(exc).split(": ", 1)[-1]
            errors.append(ScenarioError(label, str(key), message, line=lines.get(("inputs", key))))
            continue
        keys[_path_key(doc, parts)] = str(key)
    if errors:
        raise ScenarioErrors(errors)
    _, _, problems = central_values(doc)
    if problems:
        raise ScenarioErrors([_problem(label, lines, keys, p) for p in problems])
    return load_scenario_text(dump_document(doc), f"{loaded.file} with {label}")


def _problem(
    label: str, lines: dict[PathKey, int], keys: dict[PathKey, str], problem: Problem
) -> ScenarioError:
    """A problem of the combined document, named by the inputs file's key and line."""
    path, message, value = problem
    for key, name in keys.items():
        if path[: len(key)] == key:
            rest = format_path(path[len(key) :]) if len(path) > len(key) else ""
            field = f"{name}.{rest}" if rest else name
            return ScenarioError(
                label, field, message, line=lines.get(("inputs", name)), value=value
            )
    return ScenarioError(label, format_path(path), message, value=value)


def _resolve(name_or_path: str) -> Path:
    bundled = bundled_inputs()
    if name_or_path in bundled:
        return bundled[name_or_path]
    path = Path(name_or_path)
    if not path.is_file():
        names = ", ".join(bundled) or "none"
        raise KamaeError(
            f"{name_or_path}: no such inputs file or bundled inputs (bundled: {names})"
        )
    return path


def _path_key(doc: Any, parts: tuple[Any, ...]) -> PathKey:
    """Sweep path parts as a document path (an item id becomes its position)."""
    out: list[str | int] = []
    node = doc
    for part in parts:
        if isinstance(part, ItemId) and isinstance(node, list):
            index = next(i for i, item in enumerate(node) if item.get("id") == part.id)
            out.append(index)
            node = node[index]
        elif isinstance(part, int) and isinstance(node, list):
            out.append(part % len(node))
            node = node[part]
        else:
            out.append(str(part))
            node = node.get(str(part)) if isinstance(node, dict) else None
    return tuple(out)
