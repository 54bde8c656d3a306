"""Budget-side YAML files (options, procurement catalogs) read with line numbers: every
problem becomes a `ScenarioError` naming file:line and the field, as scenario files do."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from kamae.errors import ScenarioError, ScenarioErrors
from kamae.scenario.loader import PathKey, line_of, parse_yaml, pydantic_errors
from kamae.scenario.safe_yaml import read_input_file

M = TypeVar("M", bound=BaseModel)


def read_text(path: str | Path) -> str:
    """A file's UTF-8 text (a regular file of bounded size), or a ScenarioError naming it."""
    label = str(path)
    try:
        return read_input_file(path, label).decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(label, "file", "is not UTF-8 text") from None


def validated(model: type[M], text: str, label: str) -> tuple[M, dict[PathKey, int]]:
    """`model` validated from YAML text, with the line of every field path."""
    data, lines = parse_yaml(text, label)
    if not isinstance(data, dict):
        raise ScenarioError(label, "(document)", "expected a mapping at the top level", line=1)
    try:
        return model.model_validate(data), lines
    except ValidationError as exc:
        raise ScenarioErrors(pydantic_errors(exc, label, lines, data)) from None


def field_error(
    label: str, lines: dict[PathKey, int], path: PathKey, problem: str, value: object = None
) -> ScenarioError:
    """A ScenarioError for a field found wrong after validation (cross-references)."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return ScenarioError(label, text, problem, line=line_of(path, lines), value=value)
