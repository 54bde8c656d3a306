"""The `kamae` Typer app and what every command shares: user errors as one line, JSON output,
and terminal-safe text.

A user's mistake (bad scenario, bad option value) is one line on stderr and exit code 2 (at
most `MAX_ERROR_LINES` lines, each cut to `MAX_LINE` characters).

Text that reaches the terminal may come from a file someone else wrote (names, sources,
catalog keys, query results), so every line printed goes through `terminal_text`: control
characters (escape sequences, carriage returns, backspaces, bidirectional overrides) are
shown as `\x1b`-style escapes instead of acting on the terminal; what goes through rich is
also markup-escaped (`markup_text`: `[/bold]` prints as itself) on a console without emoji
codes (`console`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from kamae.errors import KamaeError, ScenarioErrors

if TYPE_CHECKING:
    from rich.console import Console

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


MAX_ERROR_LINES = 50
"""Most problems printed for one error (the rest are counted)."""
MAX_LINE = 1000
"""Longest error line printed, characters."""

_CONTROL = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufeff]"
)
"""Characters that act on a terminal or reorder text: C0 and C1 controls (tab excepted; a
newline too, in one line of output), zero-width and bidirectional marks and overrides, and
lone surrogates (which cannot be encoded)."""


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: object, *, lines: bool = False) -> str:
    r"""`text` with every control character shown as an escape (`\x1b`, `\u202e`); with
    `lines`, newlines are kept (text of several lines), else escaped too (one line)."""
    raw = str(text)
    if lines:
        return "\n".join(_CONTROL.sub(_escaped, part) for part in raw.split("\n"))
    return _CONTROL.sub(_escaped, raw)


ForceOption = Annotated[
    bool,
    typer.Option(
        "--force",
        help="Run even beyond the work limit or the memory available (docs/reliability.md).",
    ),
]
"""The `--force` option of every command that checks its work first (`kamae.workload`)."""

BackendOption = Annotated[str, typer.Option(help="local (process pool) or dask.")]
"""Where a sweep's or a study's points run (`kamae sweep`, `kamae sensitivity`)."""
AddressOption = Annotated[
    str | None, typer.Option(help="Dask scheduler, tcp://host:port (default: LocalCluster).")
]
"""The Dask scheduler of `--backend dask`."""
PointWorkersOption = Annotated[
    int | None, typer.Option(min=1, help="Worker processes (default: all cores).")
]
"""The `--workers` option of commands whose pool runs points, not replications."""

WorkersOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Worker processes (default: this machine's cores, at most one per 16 "
        "replications; results are the same whatever the number).",
    ),
]
"""The `--workers` option of every command that runs replications on local processes."""


def workers_for(workers: int | None, replications: int | None) -> int:
    """The worker processes to use: `workers` when given, else this machine's cores but no
    more than the run has chunks of replications to hand out (`kamae.runners.base`), so
    that a small run is not slowed by starting processes it cannot use."""
    if workers is not None:
        return workers
    from kamae.runners.base import CHUNK_REPLICATIONS
    from kamae.runners.local import available_cores

    if replications is None:
        return available_cores()
    return max(1, min(available_cores(), -(-replications // CHUNK_REPLICATIONS)))


def markup_text(text: object) -> str:
    """`terminal_text` escaped for rich markup, for table cells and titles (`[b]` stays)."""
    from rich.markup import escape

    return escape(terminal_text(text))


def echo(text: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Print text of one or more lines to stdout (stderr with `err`), terminal-safe."""
    typer.echo(terminal_text(text, lines=True), err=err, nl=nl)


def console(*, stderr: bool = False) -> Console:
    """A rich console for tables and progress bars: no emoji codes, no highlighting (print
    only `markup_text` in it)."""
    from rich.console import Console

    return Console(stderr=stderr, emoji=False, highlight=False)


def error_lines(exc: KamaeError) -> list[str]:
    """The lines printed for an error: one per problem, each terminal-safe and cut."""
    if isinstance(exc, ScenarioErrors):
        problems = [str(e) for e in exc.errors]
    else:
        problems = str(exc).splitlines() or [type(exc).__name__]
    lines = []
    for problem in problems[:MAX_ERROR_LINES]:
        line = terminal_text(problem)
        if len(line) > MAX_LINE:
            line = f"{line[: MAX_LINE - 40]}... ({len(line)} characters)"
        lines.append(f"error: {line}")
    if len(problems) > MAX_ERROR_LINES:
        lines.append(f"error: ... and {len(problems) - MAX_ERROR_LINES} more problems")
    return lines


def user_errors(func: F) -> F:
    """Report KamaeError as one line per problem on stderr and exit with code 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KamaeError as exc:
            for line in error_lines(exc):
                typer.echo(line, err=True)
            raise typer.Exit(code=2) from None
        except MemoryError:
            typer.echo(
                "error: out of memory: use fewer workers, objects or replications "
                "(estimates: kamae validate)",
                err=True,
            )
            raise typer.Exit(code=2) from None

    return wrapper  # type: ignore[return-value]


def print_json(doc: object) -> None:
    """JSON on stdout (control characters in strings are `\\u` escapes: terminal-safe)."""
    typer.echo(json.dumps(doc, indent=2))
