"""Errors that kamae reports to a user: one base class, one line each."""

from __future__ import annotations


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
        where = f"{file}:{line}" if line is not None else file
        got = f" (got {value!r})" if show_value and value is not None else ""
        super().__init__(f"{where}: {field}: {problem}{got}")


class ScenarioErrors(KamaeError):
    """Several problems found in one scenario file; each is one line."""

    def __init__(self, errors: list[ScenarioError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
