"""`kamae sweep` and `kamae query`: a scenario over a grid or sample of its fields, and SQL over
the sweep's folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, cast

import typer

from kamae.cli.app import ForceOption, console, echo, markup_text, user_errors
from kamae.errors import KamaeError


@user_errors
def sweep(
    scenario: Annotated[str, typer.Argument(help="Bundled scenario name or scenario file.")],
    out: Annotated[Path, typer.Option(help="Sweep folder (Parquet dataset, DuckDB views).")],
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="PATH=v1,v2,... over a scenario field (repeat for a grid; with --sample, "
            "PATH=low:high).",
        ),
    ] = None,
    sample: Annotated[
        str | None, typer.Option(help="latin-hypercube:N instead of a full grid.")
    ] = None,
    replications: Annotated[
        int | None, typer.Option("--replications", "-n", min=1, help="Replications per point.")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Master random seed.")] = None,
    backend: Annotated[str, typer.Option(help="local (process pool) or dask.")] = "local",
    address: Annotated[
        str | None, typer.Option(help="Dask scheduler, tcp://host:port (default: LocalCluster).")
    ] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help="Worker processes (default: all cores).")
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Go on with the sweep already in --out.")
    ] = False,
    independent: Annotated[
        bool,
        typer.Option(
            "--independent-streams",
            help="Give each point its own random streams (default: common random numbers).",
        ),
    ] = False,
    force: ForceOption = False,
) -> None:
    """Run a scenario over a grid or sample of its fields; exit 1 if a point was invalid or did
    not finish (the others still ran)."""
    from kamae.sweep import run_sweep
    from kamae.sweep.progress import RichProgress

    name = Path(scenario).stem if scenario.endswith((".yaml", ".yml")) else scenario
    with RichProgress(markup_text(f"{name} sweep"), console(stderr=True)) as bar:
        result = run_sweep(
            scenario,
            settings or [],
            out=out,
            sample=sample,
            replications=replications,
            seed=seed,
            backend=backend,
            address=address,
            workers=workers,
            resume=resume,
            common_random_numbers=not independent,
            progress=bar,
            force=force,
        )
    for line in result.report():
        echo(line)
    if not result.complete or result.invalid:
        raise typer.Exit(code=1)


@user_errors
def query(
    folder: Annotated[Path, typer.Argument(help="A sweep folder written by `kamae sweep`.")],
    sql: Annotated[
        str,
        typer.Argument(help="SQL over the views `replications`, `points` and `summary`."),
    ],
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json (lines).")] = "table",
) -> None:
    """Query a sweep's results with SQL (DuckDB)."""
    from kamae.sweep import query_text

    if fmt not in ("table", "csv", "json"):
        raise KamaeError(f"--format: expected table, csv or json, got {fmt!r}")
    echo(query_text(folder, sql, cast(Literal["table", "csv", "json"], fmt)), nl=False)
