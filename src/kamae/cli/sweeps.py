"""`kamae sweep` and `kamae query`: a scenario over a grid or sample of its fields, and SQL over
the sweep's folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, cast

import typer

from kamae.cli.app import (
    AddressOption,
    BackendOption,
    ForceOption,
    PointWorkersOption,
    console,
    echo,
    markup_text,
    user_errors,
)
from kamae.errors import KamaeError

if TYPE_CHECKING:
    import pyarrow as pa
    from rich.table import Table


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
    backend: BackendOption = "local",
    address: AddressOption = None,
    workers: PointWorkersOption = None,
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
    lines = result.report()
    console().print(sweep_table(result.summary, lines[0]))
    for line in lines[1:]:
        echo(line)
    if not result.complete or result.invalid:
        raise typer.Exit(code=1)


SWEEP_COLUMNS = {
    "expected_leakers": "expected leakers",
    "p_no_leak": "P(no leaker)",
    "interceptors_fired": "interceptors fired",
}
"""The statistics `kamae sweep` prints per point, with their headers (summary.parquet holds
every metric)."""


def sweep_table(summary: pa.Table, title: str) -> Table:
    """One row per point: its settings, status, and the main statistics with their 95%
    intervals (`kamae query` reads the rest)."""
    from rich.table import Table

    from kamae.results.numbers import estimate_parts

    table = Table(
        title=markup_text(title), caption="mean and [95% interval] over each point's replications"
    )
    rows = summary.to_pylist()
    widest = max((len(str(r["settings"])) for r in rows), default=8)
    table.add_column("point", justify="right", no_wrap=True)
    table.add_column("settings", overflow="fold", min_width=min(widest, 16))
    statuses = any(r["status"] != "finished" for r in rows)
    if statuses:
        table.add_column("status", no_wrap=True)
    names = [c for c in SWEEP_COLUMNS if f"{c}_mean" in summary.column_names]
    for name in names:
        table.add_column(SWEEP_COLUMNS[name], justify="right", min_width=12)
    for row in rows:
        cells = [str(row["point"]), markup_text(row["settings"])]
        if statuses:
            cells.append(markup_text(row["status"]))
        for name in names:
            mean, lo, hi = (row.get(f"{name}_{k}") for k in ("mean", "low", "high"))
            if mean is None or lo is None or hi is None:
                cells.append("")
            else:
                cells.append("\n".join(estimate_parts(mean, lo, hi)))
        table.add_row(*cells)
    return table


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
