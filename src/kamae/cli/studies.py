"""`kamae campaign`, `trade`, `study budget` and `report`: the studies built on runs, and a
run folder's report (`compare` is in `kamae.cli.uncertainty`)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from kamae.cli.app import (
    ForceOption,
    WorkersOption,
    console,
    echo,
    markup_text,
    print_json,
    user_errors,
    workers_for,
)
from kamae.results.numbers import stat_text

if TYPE_CHECKING:
    from rich.table import Table


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
    out: Annotated[Path, typer.Option(help="Parent folder of the study's folder.")] = Path(
        "kamae-out"
    ),
    workers: WorkersOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print trade.json to stdout and nothing else.")
    ] = False,
    force: ForceOption = False,
) -> None:
    """Trade study: the allocation of a budget across options that minimises leakers; the
    answer is written to a folder (trade.json, manifest.json, the scenario and options)."""
    from kamae.budget import trade_study

    study = trade_study(
        scenario,
        options,
        budget=budget,
        objective=objective,
        search=search,
        replications=replications,
        candidates=candidates,
        seed=seed,
        workers=workers_for(workers, replications),
        force=force,
        out=out,
    )
    result = study.as_dict()
    if as_json:
        print_json(result)
        return
    for table in trade_tables(result):
        console().print(table)
    echo(f"results: {study.folder}")


def _allocation_text(allocation: dict[str, int]) -> str:
    """`more-sm3-iia ×4, strike ×2`: the options bought, in the options file's order."""
    bought = [f"{name} ×{steps}" for name, steps in allocation.items() if steps]
    return ", ".join(bought) or "none (the scenario as it is)"


def trade_tables(result: dict[str, Any]) -> list[Table]:
    """`kamae trade`'s answer as tables: the Pareto front (analytic, the best allocation
    marked) and the Monte Carlo check of the best candidates, with 95% intervals."""
    from rich.table import Table

    best = result["best"]
    names = [o["name"] for o in result["options"]]
    front = Table(
        title=markup_text(
            f"{result['scenario']}: budget {result['budget_musd']:,.0f} M USD "
            f"({result['budget_source']}), objective {result['objective']}, search "
            f"{result['search']['method']}"
        ),
        caption=markup_text(
            f"Pareto front of cost against effect ({result['pareto_front']['method']}; "
            "analytic model, docs/budget.md); * the best allocation within the budget"
        ),
    )
    front.add_column("cost, M USD", justify="right", no_wrap=True)
    front.add_column("options bought", overflow="fold")
    front.add_column("expected leakers", justify="right", no_wrap=True)
    front.add_column("P(no leaker)", justify="right", no_wrap=True)
    for p in result["pareto_front"]["points"]:
        mark = " *" if p["allocation"] == best["allocation"] else ""
        a = p["analytic"]
        front.add_row(
            f"{p['cost_musd']:,.0f}{mark}",
            markup_text(_allocation_text(p["allocation"])),
            f"{a['expected_leakers']:.3f}",
            f"{a['p_no_leakers']:.3f}",
        )
    mc = result["monte_carlo"]
    check = Table(
        title=markup_text(
            f"Monte Carlo check: {mc['replications']} replications, seed {mc['seed']}"
            + (", common random numbers" if mc.get("common_random_numbers") else "")
        ),
        caption="mean [95% interval]: Student-t for leakers, Wilson for P(no leaker)",
    )
    check.add_column("options bought", overflow="fold")
    check.add_column("cost, M USD", justify="right", no_wrap=True)
    check.add_column("expected leakers", justify="right", no_wrap=True)
    check.add_column("P(no leaker)", justify="right", no_wrap=True)
    for c in mc["candidates"]:
        allocation = dict(zip(names, c["allocation"], strict=True))
        check.add_row(
            markup_text(_allocation_text(allocation)),
            f"{c['cost_musd']:,.0f}",
            stat_text(c["expected_leakers"]),
            stat_text(c["p_no_leak"]),
        )
    return [front, check] if mc["candidates"] else [front]


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
    workers: WorkersOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print summary.json to stdout and nothing else.")
    ] = False,
    force: ForceOption = False,
) -> None:
    """Run a campaign over days: salvos, stocks, resupply and counterstrike."""
    from kamae.campaign.study import campaign_study
    from kamae.report.campaign import build_campaign_report
    from kamae.sweep.progress import RichProgress

    bar = RichProgress("campaign", console(stderr=True))
    with contextlib.nullcontext() if as_json else bar:
        study = campaign_study(
            scenario,
            replications=replications,
            seed=seed,
            defense=defense,
            sensitivity=sensitivity,
            workers=workers_for(workers, replications),
            out=out,
            force=force,
            steps=None if as_json else bar.step,
        )
        if study.folder is not None and not as_json:
            bar.step("writing the report")
        report = build_campaign_report(study.folder) if study.folder is not None else None
    if as_json:
        print_json(study.summary)
        return
    console().print(campaign_table(study.summary))
    echo(f"results: {study.folder}")
    echo(f"report:  {report}")


CAMPAIGN_ROWS = ("missiles_launched", "leakers", "interceptors_fired", "launchers_destroyed")
"""The campaign totals `kamae campaign` prints (summary.json holds more)."""
CAMPAIGN_REALISM_ROWS = ("wrecks_struck", "launchers_returned")
"""Totals printed too when the campaign's battle-damage assessment or reconstitution is on."""


def campaign_table(doc: dict[str, Any]) -> Table:
    """A campaign's summary as a table: the totals with their 95% intervals, when each
    interceptor stock runs out, and the attack-confirmation source (as the caption)."""
    from rich.table import Table

    from kamae.campaign.confirmation import describe_confirmation
    from kamae.results.labels import metric_label
    from kamae.results.numbers import estimate_parts, stat_parts

    n = doc.get("replications")
    table = Table(
        title=markup_text(f"{doc.get('scenario', 'campaign')}: {n} campaign replications"),
        caption=markup_text(describe_confirmation(doc["confirmation"])),
    )
    table.add_column("metric", overflow="fold")
    table.add_column("mean", justify="right", no_wrap=True)
    table.add_column("95% interval", justify="right", no_wrap=True)
    for key in (*CAMPAIGN_ROWS, *(k for k in CAMPAIGN_REALISM_ROWS if k in doc)):
        table.add_row(
            markup_text(metric_label(key).removesuffix(" (campaign)")), *stat_parts(doc[key])
        )
    for name, entry in doc["stock_runs_out"].items():
        share = float(entry["share_of_replications"])
        day = entry["day"]
        label = f"{name} runs out: share of replications"
        table.add_row(markup_text(label), f"{share:.0%}", "")
        if day:
            lo, hi = day["ci95"]
            table.add_row("  on day (when it does)", *estimate_parts(day["mean"], lo, hi))
    for force, recon in doc.get("reconnaissance", {}).items():
        label = f"{force}: p located per step by reconnaissance (firing one salvo, step 0)"
        table.add_row(markup_text(label), f"{float(recon['p_locate_one_salvo']):.3g}", "")
        for asset, why in recon.get("assets_cut", {}).items():
            table.add_row(markup_text(f"  {asset} not used: {why}"), "", "")
        for asset, step in recon.get("assets_lost_from_step", {}).items():
            table.add_row(markup_text(f"  {asset} lost from step {step}"), "", "")
    return table


@user_errors
def study_budget(
    study_file: Annotated[
        str,
        typer.Argument(help="Budget study file, or `budget-study` / `budget-campaign-study`."),
    ] = "budget-study",
    replications: Annotated[
        int | None,
        typer.Option("--replications", "-n", min=2, help="Per path and year (default: file's)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the study as JSON.")] = False,
    out: Annotated[
        Path, typer.Option(help="Parent folder of the study's folder (budget-study.html).")
    ] = Path("kamae-out"),
    force: ForceOption = False,
) -> None:
    """From yen to leakers: each budget path's force year by year (orders, production,
    lags, deliveries) against the scenario's raid or (mode: campaign) its campaign, paired
    across paths (docs/budget.md; bundled: budget-study, budget-campaign-study)."""
    import time
    from datetime import UTC, datetime

    from rich.table import Table

    from kamae.budget.study import budget_study, study_columns, study_table
    from kamae.budget.study_folder import claim_study_folder, write_study_folder
    from kamae.cli.app import console, markup_text

    started, clock = datetime.now(UTC), time.perf_counter()
    with claim_study_folder(study_file, out, started) as claim:
        study = budget_study(study_file, replications=replications, force=force)
        folder = write_study_folder(
            claim, study, study_file, started, time.perf_counter() - clock, replications
        )
    if as_json:
        print_json(study.as_dict())
        return
    for name, text in study.describe.items():
        echo(f"{name}: {text}")
    what = "over the campaign" if study.mode == "campaign" else "in the raid"
    table = Table(title=f"leakers {what} by fiscal year and budget path (paired, 95% intervals)")
    for column in study_columns(study):
        table.add_column(column)
    rows = study_table(study)
    for cells in rows:
        table.add_row(*map(markup_text, cells[:-1]))
    console().print(table)
    echo("what bound each programme's deliveries that year:")
    for cells in rows:
        echo(f"  {cells[0]} FY{cells[1]}: {cells[-1]}")
    echo(f"results: {folder}")
    echo(f"report:  {folder / 'budget-study.html'}")
