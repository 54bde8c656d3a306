"""The `kamae` command line: parses arguments and calls the Python API, nothing more.

One module per group of commands: `scenarios` (run, validate, scenarios, schema),
`calculators` (calc ...), `sweeps` (sweep, query), `studies` (campaign, trade, report,
study budget), `uncertainty` (compare, sensitivity, study capabilities), `explain` (a run's
why-not records) and `exports` (export czml, export dis); `app` holds the Typer app and what
the commands share. Commands are registered here, in the order `kamae --help` lists them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from kamae.cli import calculators, explain, exports, scenarios, studies, sweeps, uncertainty
from kamae.cli.app import app, calc

COMMANDS: tuple[Callable[..., None], ...] = (
    scenarios.run,
    studies.report,
    explain.explain,
    scenarios.validate,
    scenarios.scenarios,
    scenarios.schema,
    sweeps.sweep,
    sweeps.query,
    studies.trade,
    studies.campaign,
    uncertainty.compare,
    uncertainty.sensitivity,
)
"""The commands, in the order of `kamae --help`."""
CALCULATORS: tuple[tuple[str, Callable[..., None]], ...] = (
    ("horizon", calculators.calc_horizon),
    ("distance", calculators.calc_distance),
    ("ballistic", calculators.calc_ballistic),
    ("leakage", calculators.calc_leakage),
    ("interceptors", calculators.calc_interceptors),
    ("wta", calculators.calc_wta),
    ("budget", calculators.calc_budget),
    ("coverage", calculators.calc_coverage),
)
"""The `kamae calc` commands, in the order of `kamae calc --help`."""

for command in COMMANDS:
    app.command()(command)
uncertainty.study.command("budget")(studies.study_budget)
app.add_typer(uncertainty.study, name="study")
app.add_typer(exports.export, name="export")
for name, calculator in CALCULATORS:
    calc.command(name)(calculator)


def main() -> None:
    """Entry point of the `kamae` script."""
    # Let negative coordinates through as arguments (`kamae calc distance -33.9 18.4 ...`).
    args = sys.argv[1:]
    if len(args) >= 2 and args[:2] == ["calc", "distance"] and "--" not in args:
        options = [a for a in args[2:] if a.startswith("--")]
        values = [a for a in args[2:] if not a.startswith("--")]
        sys.argv = [sys.argv[0], "calc", "distance", *options, "--", *values]
    app()


__all__ = ["app", "main"]
