"""`kamae run`, `validate`, `scenarios` and `schema`: a scenario's Monte Carlo, its check, the
bundled scenarios and the scenario format."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kamae.cli.app import (
    DEFAULT_SCENARIO,
    ForceOption,
    WorkersOption,
    console,
    echo,
    markup_text,
    print_json,
    user_errors,
    workers_for,
)
from kamae.errors import KamaeError
from kamae.results.numbers import count_noun, stat_parts

if TYPE_CHECKING:
    from kamae.scenario.loader import LoadedScenario
    from kamae.world import World


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
    workers: WorkersOption = None,
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
    from kamae.sweep.progress import RichProgress

    if dask is not None and workers is not None:
        raise KamaeError("--workers counts local processes: leave it out with --dask")
    backend = DaskBackend(address=dask) if dask is not None else None
    loaded = load_scenario(scenario)
    total = loaded.scenario.replications if replications is None else replications
    if as_json:
        output = run_scenario(
            loaded,
            replications=replications,
            seed=seed,
            workers=workers_for(workers, total),
            out=out,
            backend=backend,
            force=force,
        )
        _write_report(output.folder, output.result.world)
        print_json(output.summary)
        return
    with RichProgress("replications", console(stderr=True)) as bar:
        output = run_scenario(
            loaded,
            replications=replications,
            seed=seed,
            workers=workers_for(workers, total),
            out=out,
            progress=bar.advance,
            steps=bar.steps(total, markup_text(loaded.scenario.name)),
            backend=backend,
            force=force,
        )
        if output.folder is not None:
            bar.step("writing the report")
        report = _write_report(output.folder, output.result.world)
    print_summary_table(output.summary, loaded)
    echo(f"results: {output.folder}")
    if report is not None:
        echo(f"report:  {report}")
    wall, used = output.manifest.get("wall_time_s"), output.manifest.get("workers")
    if isinstance(wall, float) and isinstance(used, int) and backend is None:
        echo(f"time:    {wall:.0f} s for the replications on {count_noun(used, 'worker')}")


def _write_report(folder: Path | None, world: World | None = None) -> Path | None:
    """Write the run folder's HTML report (`world`: the run's own)."""
    if folder is None:
        return None
    from kamae.report import build_report

    return build_report(folder, world=world)


def print_summary_table(summary: dict[str, Any], loaded: LoadedScenario | None = None) -> None:
    """The run's summary as a table: each metric's mean and 95% interval, written to the
    digits the interval resolves (`kamae.results.numbers`)."""
    from rich.table import Table

    from kamae.results.cost_exchange import exchange_rows

    n, seed = summary["replications"], summary["seed"]
    table = Table(title=markup_text(f"{summary['scenario']}: {n} replications, seed {seed}"))
    table.add_column("metric")
    table.add_column("mean", justify="right")
    table.add_column("95% interval", justify="right")

    def row(label: str, stat: dict[str, Any]) -> None:
        cells = (label, *stat_parts(stat))
        table.add_row(*map(markup_text, cells))

    row("threats launched", summary["threats_launched"])
    row("threats intercepted", summary["threats_intercepted"])
    row("threats leaked (expected leakers)", summary["threats_leaked"])
    if "threats_leaked_effective" in summary:
        row("  landing within lethal radius", summary["threats_leaked_effective"])
        if loaded is not None:
            from kamae.report.run_report import lethal_radius_note

            table.caption = lethal_radius_note(loaded)
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
        f"{count_noun(len(s.assets), 'defended asset')}, {count_noun(len(s.raids), 'raid')} "
        f"of {count_noun(missiles, 'missile')}, {count_noun(len(s.sensors), 'sensor')}, "
        f"{count_noun(len(s.fire_units), 'fire unit')} holding "
        f"{count_noun(inventory, 'interceptor')}; doctrine salvo {s.doctrine.shots_per_salvo}, "
        f"{'shoot-look-shoot' if s.doctrine.shoot_look_shoot else 'no shoot-look-shoot'}, "
        f"layers {' then '.join(s.doctrine.layer_order)}; "
        f"{count_noun(s.replications, 'replication')}, seed {s.seed}. Work: {work.describe()}."
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
