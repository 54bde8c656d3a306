"""The `kamae` Typer app and what every command shares: user errors as one line, JSON output.

A user's mistake (bad scenario, bad option value) is one line on stderr and exit code 2.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import typer

from kamae.errors import KamaeError

F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="kamae",
    help="Integrated air and missile defense and counterstrike posture analysis from open data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
calc = typer.Typer(help="Quick calculators (closed-form relations).", no_args_is_help=True)
app.add_typer(calc, name="calc")

DEFAULT_SCENARIO = "japan-2027"


def user_errors(func: F) -> F:
    """Report KamaeError as one line per problem on stderr and exit with code 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KamaeError as exc:
            for line in str(exc).splitlines():
                typer.echo(f"error: {line}", err=True)
            raise typer.Exit(code=2) from None

    return wrapper  # type: ignore[return-value]


def print_json(doc: object) -> None:
    typer.echo(json.dumps(doc, indent=2))
