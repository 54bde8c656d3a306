"""`kamae compare`, `kamae sensitivity` and `kamae study capabilities`: paired comparisons of
variants, global sensitivity over uncertain inputs, and the value of each capability."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kamae.cli.app import (
    AddressOption,
    BackendOption,
    ForceOption,
    PointWorkersOption,
    WorkersOption,
    console,
    echo,
    markup_text,
    print_json,
    user_errors,
    workers_for,
)

if TYPE_CHECKING:
    from rich.table import Table

    from kamae.compare import VariantComparison, VariantResult

study = typer.Typer(help="Studies of many paired comparisons.", no_args_is_help=True)


@user_errors
def compare(
    a: Annotated[str, typer.Argument(help="Scenario A (the base): bundled name or file.")],
    b: Annotated[
        str | None, typer.Argument(help="Scenario B: bundled name or file (or use --variant).")
    ] = None,
    variants: Annotated[
        list[str] | None,
        typer.Option(
            "--variant",
            help='"LABEL: PATH=VALUE[; PATH=VALUE...]": A with fields overridden (repeat for '
            "several variants).",
        ),
    ] = None,
    campaign: Annotated[
        bool, typer.Option("--campaign", help="Compare the scenario's campaign (totals).")
    ] = False,
    replications: Annotated[
        int | None,
        typer.Option("--replications", "-n", min=2, help="Replications of each (default: A's)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(min=0, help="Master seed of all (default: A's).")
    ] = None,
    workers: WorkersOption = None,
    out: Annotated[Path, typer.Option(help="Parent folder of the comparison folder.")] = Path(
        "kamae-out"
    ),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print comparison.json and nothing else.")
    ] = False,
    force: ForceOption = False,
) -> None:
    """Paired comparison (common random numbers) of a scenario and its variants (--variant,
    or a scenario B): every metric's difference from A with its paired 95% interval, written
    to a comparison folder under --out with its report. docs/uncertainty.md."""
    from kamae.compare import Variant, compare_variants, parse_variant
    from kamae.scenario import load_scenario
    from kamae.sweep.progress import RichProgress

    chosen = [parse_variant(text) for text in variants or []]
    if b is not None:
        chosen.insert(0, Variant(Path(b).stem if b.endswith((".yaml", ".yml")) else b, (), b))
    base = load_scenario(a)
    n = replications or base.scenario.replications
    with RichProgress(f"{len(chosen) + 1} paired runs", console(stderr=True)) as bar:
        if not campaign:
            bar.start((len(chosen) + 1) * n, 0)
        result = compare_variants(
            base,
            chosen,
            replications=replications,
            seed=seed,
            workers=workers_for(workers, n),
            campaign=campaign,
            out=out,
            progress=None if campaign else bar.advance,
            force=force,
        )
    if as_json:
        print_json(result.as_dict())
        return
    for v in result.variants:
        console().print(_difference_table(result, v))
    echo(f"results: {result.folder}")
    echo(f"report:  {result.report}")


def _difference_table(result: VariantComparison, v: VariantResult) -> Table:
    """One variant against the base: every metric's A, B and paired B - A with its 95%
    interval, each row written to the digits its interval resolves; labels fold rather than
    truncate, numbers never wrap."""
    from rich.table import Table

    from kamae.results.numbers import decimals_for, fixed

    table = Table(
        title=markup_text(
            f"{v.variant.label} - {result.base.loaded.scenario.name}: "
            f"{result.replications} paired replications, seed {result.seed}"
        ),
        caption="B - A: mean of the paired differences (common random numbers), 95% interval",
    )
    table.add_column("metric", overflow="fold", ratio=1)
    for column in ("A", "B", "B - A", "95% interval"):
        table.add_column(column, justify="right", no_wrap=True)
    for m in v.metrics:
        d = m.difference
        digits = decimals_for(d.low, d.high)
        table.add_row(
            markup_text(m.label),
            fixed(m.mean_a, digits),
            fixed(m.mean_b, digits),
            fixed(d.estimate, digits, signed=True),
            f"[{fixed(d.low, digits, signed=True)}, {fixed(d.high, digits, signed=True)}]",
        )
    return table


@user_errors
def sensitivity(
    scenario: Annotated[str, typer.Argument(help="Bundled scenario name or scenario file.")],
    out: Annotated[Path, typer.Option(help="Study folder (a sweep folder, resumable).")],
    inputs: Annotated[
        str | None,
        typer.Option(
            help="Inputs file (or bundled name, e.g. japan-2027-inputs) adding "
            "distributions over the scenario's fields."
        ),
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--input",
            help="Only this uncertain input varies, by field path (repeat); the others stay "
            "at their central values.",
        ),
    ] = None,
    method: Annotated[
        str, typer.Option(help="sobol (indices), morris (screening) or latin (propagation).")
    ] = "sobol",
    samples: Annotated[
        int | None,
        typer.Option(
            min=2,
            help="N base samples (Sobol': a power of 2; default 64), or Morris "
            "trajectories (default 10), or Latin hypercube points (default 64).",
        ),
    ] = None,
    replications: Annotated[
        int | None, typer.Option("--replications", "-n", min=2, help="Per point (default 16).")
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Master random seed.")] = None,
    second_order: Annotated[
        bool, typer.Option("--second-order", help="Sobol': also second-order indices.")
    ] = False,
    levels: Annotated[int, typer.Option(help="Morris grid levels (even).")] = 4,
    output: Annotated[
        str,
        typer.Option(
            help="Output printed: expected_leakers, p_no_leak, interceptors_fired "
            "or cost_exchange (all are in sensitivity.json)."
        ),
    ] = "expected_leakers",
    backend: BackendOption = "local",
    address: AddressOption = None,
    workers: PointWorkersOption = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Go on with the study already in --out.")
    ] = False,
    independent: Annotated[
        bool,
        typer.Option(
            "--independent-streams",
            help="Independent random streams per point (default: common random numbers).",
        ),
    ] = False,
    force: ForceOption = False,
) -> None:
    """Global sensitivity of a scenario's answer to its uncertain inputs (fields given as
    distributions, or an --inputs file): Sobol' indices or Morris screening (SALib), the
    aleatory/epistemic split, a tornado; run as a sweep. Cost: (N·(k+2) Sobol' points or
    r·(k+1) Morris points, plus 2k+1 tornado points) × replications. docs/uncertainty.md."""
    from kamae.errors import KamaeError
    from kamae.sweep.progress import RichProgress
    from kamae.uncertainty.analysis import BY_NAME
    from kamae.uncertainty.study import run_sensitivity

    if output not in BY_NAME:
        raise KamaeError(f"--output {output}: expected one of {', '.join(BY_NAME)}")
    with RichProgress(f"{Path(scenario).stem} {method}") as bar:
        result = run_sensitivity(
            scenario,
            out=out,
            inputs=inputs,
            only=only or [],
            method=method,
            samples=samples,
            replications=replications,
            seed=seed,
            second_order=second_order,
            levels=levels,
            backend=backend,
            address=address,
            workers=workers,
            resume=resume,
            common_random_numbers=not independent,
            progress=bar,
            force=force,
        )
    for line in result.lines(output):
        echo(line)


@study.command("capabilities")
@user_errors
def capabilities(
    study_file: Annotated[
        str, typer.Argument(help="Study file, or a bundled study's name.")
    ] = "capabilities",
    questions: Annotated[
        list[str] | None, typer.Option("--question", help="Only this question id (repeat).")
    ] = None,
    replications: Annotated[
        int | None,
        typer.Option("--replications", "-n", min=2, help="Per run (default: each scenario's)."),
    ] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Master seed (default: each's).")] = None,
    workers: WorkersOption = None,
    out: Annotated[Path, typer.Option(help="Parent folder of the study folder.")] = Path(
        "kamae-out"
    ),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print capabilities.json and nothing else.")
    ] = False,
) -> None:
    """The value of each capability: every question of a study file (default: the bundled
    capability questions) as a paired comparison, in a study folder under --out."""
    from kamae.uncertainty.capabilities import run_capabilities

    result = run_capabilities(
        study_file,
        questions=questions or [],
        replications=replications,
        seed=seed,
        workers=workers_for(workers, replications),
        out=out,
    )
    if as_json:
        print_json(result.doc)
        return
    for line in result.lines():
        echo(line)
