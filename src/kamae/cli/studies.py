"""`kamae campaign`, `trade`, `study budget` and `report`: the studies built on runs, and a
run folder's report (`compare` is in `kamae.cli.uncertainty`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kamae.cli.app import ForceOption, echo, print_json, user_errors


@user_errors
def report(
    folder: Annotated[Path, typer.Argument(help="A run folder written by `kamae run`.")],
    png: Annotated[
        bool, typer.Option("--png", help="Also export the map and charts as PNG.")
    ] = False,
    replication: Annotated[
        int | None, typer.Option(min=0, help="Replication shown in the timeline.")
    ] = None,
) -> None:
    """Rebuild a run folder's self-contained HTML report (report.html)."""
    from kamae.report import build_report

    echo(str(build_report(folder, png=png, replication=replication)))


@user_errors
def trade(
    scenario: Annotated[str, typer.Argument(help="Bundled scenario name or scenario file.")],
    options: Annotated[Path, typer.Option("--options", help="Trade options file (YAML).")],
    budget: Annotated[
        str | None,
        typer.Option(help="Budget: 1200, 1200musd, 1.2busd, 180byen or 0.2tnyen (150 yen/USD)."),
    ] = None,
    objective: Annotated[
        str | None, typer.Option(help="expected_leakers, p_no_leakers or days_of_stock.")
    ] = None,
    search: Annotated[
        str | None, typer.Option(help="auto, enumerate, branch-and-bound or greedy.")
    ] = None,
    replications: Annotated[
        int | None, typer.Option("--replications", "-n", min=1, help="Monte Carlo replications.")
    ] = None,
    candidates: Annotated[
        int | None, typer.Option(min=0, help="Best allocations confirmed by Monte Carlo.")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Master random seed.")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    force: ForceOption = False,
) -> None:
    """Trade study: the allocation of a budget across options that minimises leakers."""
    from kamae.budget import trade_study

    result = trade_study(
        scenario,
        options,
        budget=budget,
        objective=objective,
        search=search,
        replications=replications,
        candidates=candidates,
        seed=seed,
        workers=workers,
        force=force,
    ).as_dict()
    if as_json:
        print_json(result)
        return
    best = result["best"]
    echo(
        f"{result['scenario']}: budget {result['budget_musd']:.1f} M USD "
        f"({result['budget_source']}); objective {result['objective']}; "
        f"search {result['search']['method']}"
    )
    alloc = ", ".join(f"{k}={v}" for k, v in best["allocation"].items())
    a = best["analytic"]
    echo(
        f"best: {alloc} (cost {best['cost_musd']:.1f} M USD): expected leakers "
        f"{a['expected_leakers']:.3f}, P(no leakers) {a['p_no_leakers']:.3f} (analytic)"
    )
    for c in result["monte_carlo"]["candidates"]:
        lo, hi = c["expected_leakers"]["ci95"]
        echo(
            f"  monte carlo {c['allocation']} cost {c['cost_musd']:.1f}: expected leakers "
            f"{c['expected_leakers']['mean']:.3f} [{lo:.3f}, {hi:.3f}]"
        )
    echo(f"pareto front ({result['pareto_front']['method']}):")
    for p in result["pareto_front"]["points"]:
        echo(
            f"  {p['cost_musd']:9.1f} M USD  expected leakers "
            f"{p['analytic']['expected_leakers']:.3f}  {p['allocation']}"
        )


@user_errors
def campaign(
    scenario: Annotated[
        str, typer.Argument(help="Bundled scenario name or scenario file with a campaign.")
    ] = "japan-2027-campaign",
    replications: Annotated[
        int | None, typer.Option("--replications", "-n", min=1, help="Campaign replications.")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Master random seed.")] = None,
    defense: Annotated[
        str | None, typer.Option(help="engine or fast (default: the scenario's).")
    ] = None,
    sensitivity: Annotated[
        bool, typer.Option(help="Also run the sensitivity grid (fast path).")
    ] = True,
    out: Annotated[Path, typer.Option(help="Parent folder of the campaign folder.")] = Path(
        "kamae-out"
    ),
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print summary.json to stdout and nothing else.")
    ] = False,
    force: ForceOption = False,
) -> None:
    """Run a campaign over days: salvos, stocks, resupply and counterstrike."""
    from kamae.campaign.confirmation import describe_confirmation
    from kamae.campaign.study import campaign_study
    from kamae.report.campaign import build_campaign_report

    study = campaign_study(
        scenario,
        replications=replications,
        seed=seed,
        defense=defense,
        sensitivity=sensitivity,
        workers=workers,
        out=out,
        force=force,
    )
    report = build_campaign_report(study.folder) if study.folder is not None else None
    if as_json:
        print_json(study.summary)
        return
    doc = study.summary
    for key in ("missiles_launched", "leakers", "interceptors_fired", "launchers_destroyed"):
        stat = doc[key]
        lo, hi = stat["ci95"]  # type: ignore[index]
        echo(f"{key}: {stat['mean']:.3f} [{lo:.3f}, {hi:.3f}]")  # type: ignore[index]
    for name, entry in doc["stock_runs_out"].items():  # type: ignore[attr-defined]
        day = entry["day"]
        when = f", day {day['mean']:.2f} on average" if day else ""
        echo(f"{name} runs out in {entry['share_of_replications']:.0%} of replications{when}")
    echo(describe_confirmation(doc["confirmation"]))  # type: ignore[arg-type]
    echo(f"results: {study.folder}")
    echo(f"report:  {report}")


@user_errors
def study_budget(
    study_file: Annotated[
        str, typer.Argument(help="Budget study file, or the bundled `budget-study`.")
    ] = "budget-study",
    replications: Annotated[
        int | None,
        typer.Option("--replications", "-n", min=2, help="Per path and year (default: file's)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the study as JSON.")] = False,
    force: ForceOption = False,
) -> None:
    """From yen to leakers: each budget path's force year by year (orders, production,
    lags, deliveries) against the scenario's raid, paired across paths (docs/budget.md)."""
    from rich.table import Table

    from kamae.budget.study import budget_study, study_table
    from kamae.cli.app import console, markup_text

    study = budget_study(study_file, replications=replications, force=force)
    if as_json:
        print_json(study.as_dict())
        return
    for name, text in study.describe.items():
        echo(f"{name}: {text}")
    table = Table(title="leakers by fiscal year and budget path (paired, 95% intervals)")
    for column in (
        "path", "FY", "budget bn USD", "spent bn USD", "expected leakers", "minus first path",
        "cost-exchange",
    ):  # fmt: skip
        table.add_column(column)
    rows = study_table(study)
    for cells in rows:
        table.add_row(*map(markup_text, cells[:-1]))
    console().print(table)
    echo("what bound each programme's deliveries that year:")
    for cells in rows:
        echo(f"  {cells[0]} FY{cells[1]}: {cells[-1]}")
