"""The `kamae` command line: parses arguments and calls the Python API, nothing more.

A user's mistake (bad scenario, bad option value) is one line on stderr and exit code 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

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


def _user_errors(func: F) -> F:
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


def _print_json(doc: object) -> None:
    typer.echo(json.dumps(doc, indent=2))


@app.command()
@_user_errors
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
    as_json: Annotated[
        bool, typer.Option("--json", help="Print summary.json to stdout and nothing else.")
    ] = False,
) -> None:
    """Run a scenario's Monte Carlo and write its results folder."""
    from kamae.runs import run_scenario
    from kamae.scenario import load_scenario

    loaded = load_scenario(scenario)
    total = loaded.scenario.replications if replications is None else replications
    if as_json:
        output = run_scenario(
            loaded, replications=replications, seed=seed, workers=workers, out=out
        )
        _print_json(output.summary)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    console = Console(stderr=True)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(f"{loaded.scenario.name}", total=total)
        output = run_scenario(
            loaded,
            replications=replications,
            seed=seed,
            workers=workers,
            out=out,
            progress=lambda n: bar.advance(task, n),
        )
    _print_summary_table(output.summary)
    typer.echo(f"results: {output.folder}")


def _print_summary_table(summary: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    n, seed = summary["replications"], summary["seed"]
    table = Table(title=f"{summary['scenario']}: {n} replications, seed {seed}")
    table.add_column("metric")
    table.add_column("mean", justify="right")
    table.add_column("95% interval", justify="right")

    def row(label: str, stat: dict[str, Any]) -> None:
        lo, hi = stat["ci95"]
        table.add_row(label, f"{stat['mean']:.3f}", f"[{lo:.3f}, {hi:.3f}]")

    row("threats launched", summary["threats_launched"])
    row("threats intercepted", summary["threats_intercepted"])
    row("threats leaked (expected leakers)", summary["threats_leaked"])
    row("P(no leaker) (Wilson)", summary["p_no_leak"])
    row("interceptors fired", summary["interceptors_fired"])
    for name, stat in summary["interceptors_fired_by_type"].items():
        row(f"  {name}", stat)
    Console().print(table)


@app.command()
@_user_errors
def validate(
    scenario: Annotated[str, typer.Argument(help="Scenario file or bundled scenario name.")],
) -> None:
    """Check a scenario file; print `ok` and a summary, or one line per problem (exit 2)."""
    from kamae.scenario import load_scenario

    loaded = load_scenario(scenario)
    s = loaded.scenario
    missiles = sum(r.count for r in s.raids)
    inventory = sum(u.inventory for u in s.fire_units)
    typer.echo("ok")
    typer.echo(
        f"{s.name} (format version {s.version}{', notional' if s.notional else ''}): "
        f"{len(s.assets)} defended assets, {len(s.raids)} raids of {missiles} missiles, "
        f"{len(s.sensors)} sensors, {len(s.fire_units)} fire units holding {inventory} "
        f"interceptors; doctrine salvo {s.doctrine.shots_per_salvo}, "
        f"{'shoot-look-shoot' if s.doctrine.shoot_look_shoot else 'no shoot-look-shoot'}, "
        f"layers {' then '.join(s.doctrine.layer_order)}; {s.replications} replications, "
        f"seed {s.seed}."
    )


@app.command()
def scenarios() -> None:
    """List the bundled scenarios, one line each."""
    import yaml

    from kamae.scenario import bundled_scenarios

    for name, path in bundled_scenarios().items():
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        text = " ".join(str(doc.get("description", "")).split())
        typer.echo(f"{name}: {text}")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format (for editors)."""
    from kamae.scenario import Scenario

    doc = Scenario.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    doc["title"] = "kamae scenario"
    _print_json(doc)


@calc.command("horizon")
@_user_errors
def calc_horizon(
    radar_height_m: Annotated[float, typer.Option(min=0.0, help="Antenna height, m.")],
    target_altitude_km: Annotated[float, typer.Option(min=0.0, help="Target altitude, km.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Radar horizon range over the 4/3 effective Earth."""
    from kamae.geo import (
        EARTH_MEAN_RADIUS,
        EFFECTIVE_EARTH_FACTOR,
        horizon_range_exact,
        radar_horizon_range,
    )

    h2 = target_altitude_km * 1e3
    approx = float(radar_horizon_range(radar_height_m, h2))
    exact = float(horizon_range_exact(radar_height_m, h2))
    doc = {
        "radar_height_m": radar_height_m,
        "target_altitude_km": target_altitude_km,
        "horizon_range_km": approx / 1e3,
        "horizon_range_exact_km": exact / 1e3,
        "k": EFFECTIVE_EARTH_FACTOR,
        "earth_radius_km": EARTH_MEAN_RADIUS / 1e3,
        "formula": "d = sqrt(2kR h1) + sqrt(2kR h2)",
    }
    if as_json:
        _print_json(doc)
        return
    typer.echo(
        f"radar horizon: {approx / 1e3:.1f} km (d = sqrt(2kR·h1) + sqrt(2kR·h2), k = 4/3, "
        f"R = 6371 km); exact tangent geometry {exact / 1e3:.1f} km"
    )


@calc.command("distance")
@_user_errors
def calc_distance(
    lat1: Annotated[float, typer.Argument(min=-90.0, max=90.0, help="Latitude of point 1, deg.")],
    lon1: Annotated[
        float, typer.Argument(min=-180.0, max=180.0, help="Longitude of point 1, deg.")
    ],
    lat2: Annotated[float, typer.Argument(min=-90.0, max=90.0, help="Latitude of point 2, deg.")],
    lon2: Annotated[
        float, typer.Argument(min=-180.0, max=180.0, help="Longitude of point 2, deg.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Geodesic distance and azimuths on the WGS84 ellipsoid (Karney's algorithm)."""
    from kamae.geo import geodesic_inverse_deg

    dist, az12, az21 = geodesic_inverse_deg(lat1, lon1, lat2, lon2)
    doc = {
        "distance_km": float(dist) / 1e3,
        "azimuth_deg": float(az12) % 360.0,
        "back_azimuth_deg": float(az21) % 360.0,
        "ellipsoid": "WGS84",
    }
    if as_json:
        _print_json(doc)
        return
    typer.echo(
        f"{doc['distance_km']:.3f} km, azimuth {doc['azimuth_deg']:.3f}°, "
        f"back azimuth {doc['back_azimuth_deg']:.3f}° (WGS84 geodesic)"
    )


def main() -> None:
    """Entry point of the `kamae` script."""
    # Let negative coordinates through as arguments (`kamae calc distance -33.9 18.4 ...`).
    args = sys.argv[1:]
    if len(args) >= 2 and args[:2] == ["calc", "distance"] and "--" not in args:
        options = [a for a in args[2:] if a.startswith("--")]
        values = [a for a in args[2:] if not a.startswith("--")]
        sys.argv = [sys.argv[0], "calc", "distance", *options, "--", *values]
    app()


if __name__ == "__main__":
    main()
