"""Errors that kamae reports to a user: one base class, one line each."""

from __future__ import annotations

import re
from collections.abc import Callable

Rename = Callable[[str, float], tuple[str, float]]
"""(parameter name, SI value) -> (name, value) in another set of units."""


SHOWN_CHARACTERS = 120
"""Longest value an error line echoes (longer ones are cut, their length said)."""


def cut(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """`text` cut to about `limit` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[: max(limit - 30, 10)]}... ({len(text)} characters)"


class KamaeError(Exception):
    """Base of every error kamae raises for a user's mistake or an impossible request."""


class ScenarioError(KamaeError):
    """A scenario file that cannot be used: names the file, line, field path, value and need."""

    def __init__(
        self,
        file: str,
        field: str,
        problem: str,
        *,
        line: int | None = None,
        value: object = None,
        show_value: bool = True,
    ) -> None:
        self.file = file
        self.line = line
        self.field = field
        self.problem = problem
        self.value = value
        where = f"{cut(file, 300)}:{line}" if line is not None else cut(file, 300)
        got = f" (got {cut(repr(value))})" if show_value and value is not None else ""
        super().__init__(f"{where}: {cut(field, 300)}: {cut(problem, 500)}{got}")


class ScenarioErrors(KamaeError):
    """Several problems found in one scenario file; each is one line."""

    def __init__(self, errors: list[ScenarioError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class InfeasibleThreat(KamaeError, ValueError):
    """A threat parameter that a kinematic model cannot fly: names the field and the value.

    The kinematic models speak SI. `problem` may name other parameters as placeholders,
    `{name}` (the name) or `{name=}` (the name and its value from `quantities`), so that a
    caller speaking the analyst's units can say the same in those (`describe` with a
    `rename`); `str()` says it in SI."""

    def __init__(
        self, field: str, problem: str, value: float | str | None = None, **quantities: float
    ) -> None:
        self.field = field
        self.template = problem
        self.value = value
        self.quantities = quantities
        self.problem = self.describe()
        got = f" (got {cut(repr(value))})" if value is not None else ""
        super().__init__(f"{field}: {self.problem}{got}")

    def describe(self, rename: Rename | None = None) -> str:
        """The problem with its placeholders filled, names and values passed through
        `rename` (name, SI value) -> (name, value) when given."""

        def fill(match: re.Match[str]) -> str:
            name, with_value = match.group(1), match.group(2) == "="
            value = self.quantities.get(name, float("nan"))
            shown, value = rename(name, value) if rename is not None else (name, value)
            return f"{shown} = {value:g}" if with_value else shown

        return re.sub(r"\{(\w+)(=?)\}", fill, self.template)
