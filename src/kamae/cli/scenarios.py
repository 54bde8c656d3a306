"""`kamae run`, `validate`, `scenarios` and `schema`: a scenario's Monte Carlo, its check, the
bundled scenarios and the scenario format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kamae.cli.app import (
    DEFAULT_SCENARIO,
    ForceOption,
    console,
    echo,
    markup_text,
    print_json,
    user_errors,
)
from kamae.errors import KamaeError


@user_errors
def run(
    scenario: Annotated[
        str, typer.Argument(help="Bundled scenario name or scenario file.")
    ] = DEFAULT_SCENARIO,
    replications: Annotated[
        int | None, typer.Option("--replications", "-n", min=1, help="Monte Carlo replications.")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Master random seed.")] = None,
    out: Annotated[Path, typer.Option(help="Parent folder of the run folder.")] = Path("kamae-out"),
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            metavar="ADDRESS",
            help="Run the replications on the Dask scheduler at ADDRESS (tcp://host:port) "
            "instead of local processes.",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print summary.json to stdout and nothing else.")
    ] = False,
    force: ForceOption = False,
) -> None:
    """Run a scenario's Monte Carlo and write its results folder."""
    from kamae.runners import DaskBackend
    from kamae.runs import run_scenario
    from kamae.scenario import load_scenario

    if dask is not None and workers != 1:
        raise KamaeError("--workers counts local processes: leave it out with --dask")
    backend = DaskBackend(address=dask) if dask is not None else None
    loaded = load_scenario(scenario)
    total = loaded.scenario.replications if replications is None else replications
    if as_json:
        output = run_scenario(
            loaded,
            replications=replications,
            seed=seed,
            workers=workers,
            out=out,
            backend=backend,
            force=force,
        )
        _write_report(output.folder)
        print_json(output.summary)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(markup_text(loaded.scenario.name), total=total)
        output = run_scenario(
            loaded,
            replications=replications,
            seed=seed,
            workers=workers,
            out=out,
            progress=lambda n: bar.advance(task, n),
            backend=backend,
            force=force,
        )
    _print_summary_table(output.summary)
    echo(f"results: {output.folder}")
    report = _write_report(output.folder)
    if report is not None:
        echo(f"report:  {report}")


def _write_report(folder: Path | None) -> Path | None:
    """Write the run folder's HTML report."""
    if folder is None:
        return None
    from kamae.report import build_report

    return build_report(folder)


def _print_summary_table(summary: dict[str, Any]) -> None:
    from rich.table import Table

    from kamae.results.cost_exchange import exchange_rows

    n, seed = summary["replications"], summary["seed"]
    table = Table(title=markup_text(f"{summary['scenario']}: {n} replications, seed {seed}"))
    table.add_column("metric")
    table.add_column("mean", justify="right")
    table.add_column("95% interval", justify="right")

    def row(label: str, stat: dict[str, Any]) -> None:
        lo, hi = stat["ci95"]
        cells = (label, f"{stat['mean']:.3f}", f"[{lo:.3f}, {hi:.3f}]")
        table.add_row(*map(markup_text, cells))

    row("threats launched", summary["threats_launched"])
    row("threats intercepted", summary["threats_intercepted"])
    row("threats leaked (expected leakers)", summary["threats_leaked"])
    if "threats_leaked_effective" in summary:
        row("  landing within lethal radius", summary["threats_leaked_effective"])
    row("P(no leaker) (Wilson)", summary["p_no_leak"])
    row("interceptors fired", summary["interceptors_fired"])
    for name, stat in summary["interceptors_fired_by_type"].items():
        row(f"  {name}", stat)
    for cells in exchange_rows(summary):
        table.add_row(*map(markup_text, cells))
    console().print(table)


@user_errors
def validate(
    scenario: Annotated[str, typer.Argument(help="Scenario file or bundled scenario name.")],
) -> None:
    """Check a scenario file; print `ok` and a summary, or one line per problem (exit 2)."""
    from kamae.workload import estimate
    from kamae.world import validate_scenario

    loaded = validate_scenario(scenario)
    work = estimate(loaded)
    s = loaded.scenario
    missiles = sum(r.count for r in s.raids)
    inventory = sum(u.inventory for u in s.fire_units)
    echo("ok")
    echo(
        f"{s.name} (format version {s.version}{', notional' if s.notional else ''}): "
        f"{len(s.assets)} defended assets, {len(s.raids)} raids of {missiles} missiles, "
        f"{len(s.sensors)} sensors, {len(s.fire_units)} fire units holding {inventory} "
        f"interceptors; doctrine salvo {s.doctrine.shots_per_salvo}, "
        f"{'shoot-look-shoot' if s.doctrine.shoot_look_shoot else 'no shoot-look-shoot'}, "
        f"layers {' then '.join(s.doctrine.layer_order)}; {s.replications} replications, "
        f"seed {s.seed}. Work: {work.describe()}."
    )


def scenarios() -> None:
    """List the bundled scenarios, one line each."""
    import yaml

    from kamae.scenario import bundled_scenarios

    for name, path in bundled_scenarios().items():
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        text = " ".join(str(doc.get("description", "")).split())
        echo(f"{name}: {text}")


def schema() -> None:
    """Print the JSON Schema of the scenario format (for editors)."""
    from kamae.scenario import Scenario

    doc = Scenario.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "kamae scenario"
    print_json(doc)
