"""`kamae calc ...`: the quick calculators (closed-form relations, geometry, budgets)."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from kamae.cli.app import echo, print_json, user_errors
from kamae.errors import KamaeError

WTA_FILE_BYTES = 64 * 2**20
"""Largest WTA instance file `kamae calc wta` reads."""


@user_errors
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
        print_json(doc)
        return
    echo(
        f"radar horizon: {approx / 1e3:.1f} km (d = sqrt(2kR·h1) + sqrt(2kR·h2), k = 4/3, "
        f"R = 6371 km); exact tangent geometry {exact / 1e3:.1f} km"
    )


@user_errors
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
        print_json(doc)
        return
    echo(
        f"{doc['distance_km']:.3f} km, azimuth {doc['azimuth_deg']:.3f}°, "
        f"back azimuth {doc['back_azimuth_deg']:.3f}° (WGS84 geodesic)"
    )


def _layers_spec(spec: str) -> tuple[list[float], list[float], list[float]]:
    """Parse `sspk:shots[:p_detect],...` into per-layer lists."""
    sspk, shots, detect = [], [], []
    for part in spec.split(","):
        fields = part.strip().split(":")
        if len(fields) not in (2, 3):
            raise KamaeError(f"--layers: expected sspk:shots[:p_detect] per layer, got {part!r}")
        try:
            numbers = [float(f) for f in fields]
        except ValueError:
            raise KamaeError(f"--layers: not a number in {part!r}") from None
        sspk.append(numbers[0])
        shots.append(numbers[1])
        detect.append(numbers[2] if len(numbers) == 3 else 1.0)
    return sspk, shots, detect


@user_errors
def calc_ballistic(
    range_km: Annotated[float, typer.Option("--range-km", help="Ground range, km.")],
    apogee_km: Annotated[
        float | None, typer.Option("--apogee-km", help="Apogee height (lofted or depressed), km.")
    ] = None,
    burnout_angle_deg: Annotated[
        float | None,
        typer.Option("--burnout-angle-deg", help="Flight-path angle at burnout, degrees."),
    ] = None,
    burnout_altitude_km: Annotated[
        float, typer.Option("--burnout-altitude-km", help="Burnout height, km.")
    ] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Burnout speed, flight-path angle, apogee, flight time and range angle of a ballistic
    shot (minimum-energy unless an apogee or burnout angle is given)."""
    from dataclasses import asdict

    from kamae.errors import InfeasibleThreat
    from kamae.kinematics.range_equation import ballistic_solution

    try:
        sol = ballistic_solution(
            range_km * 1e3,
            apogee_m=None if apogee_km is None else apogee_km * 1e3,
            burnout_angle_rad=(
                None if burnout_angle_deg is None else math.radians(burnout_angle_deg)
            ),
            burnout_altitude_m=burnout_altitude_km * 1e3,
        )
    except InfeasibleThreat as exc:
        flag, value = _analyst_units(exc.field, exc.value)
        raise KamaeError(
            f"--{flag.replace('_', '-')}: {exc.describe(_analyst_units)}"
            + (f" (got {value!r})" if value is not None else "")
        ) from None
    doc: dict[str, Any] = dict(_analyst_units(k, v) for k, v in asdict(sol).items())
    if as_json:
        print_json(doc)
        return
    echo(
        f"{sol.shape} trajectory, range {doc['range_km']:,.0f} km "
        f"(range angle {doc['range_angle_deg']:.3f}°), burnout at "
        f"{doc['burnout_altitude_km']:g} km"
    )
    echo(f"burnout speed      {sol.burnout_speed_mps:,.1f} m/s")
    echo(f"flight-path angle  {doc['burnout_angle_deg']:.3f}° above the local horizontal")
    echo(f"apogee             {doc['apogee_km']:,.1f} km")
    echo(f"flight time        {sol.flight_time_s:,.1f} s (burnout to impact)")
    echo(f"impact             {sol.impact_speed_mps:,.1f} m/s at {doc['impact_angle_deg']:.3f}°")
    echo(
        f"minimum energy     {sol.minimum_energy_speed_mps:,.1f} m/s at "
        f"{doc['minimum_energy_angle_deg']:.3f}°"
    )
    echo(f"Earth model: {sol.earth_model}")


def _analyst_units(name: str, value: Any) -> tuple[str, Any]:
    """A quantity of the (SI) calculator as the command line speaks it: m as km, rad as °."""
    stem, _, unit = name.rpartition("_")
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if unit == "m":
        return f"{stem}_km", value / 1e3 if number else value
    if unit == "rad":
        return f"{stem}_deg", math.degrees(value) if number else value
    return name, value


@user_errors
def calc_leakage(
    threats: Annotated[int, typer.Option(min=1, help="Threats engaged independently.")],
    shots: Annotated[float | None, typer.Option(min=0.0, help="Shots per threat.")] = None,
    sspk: Annotated[float | None, typer.Option(help="Single-shot kill probability.")] = None,
    p_track: Annotated[float, typer.Option(help="P(detect, track, classify, C2 work).")] = 1.0,
    layers: Annotated[
        str | None, typer.Option(help="Layers as sspk:shots[:p_detect],... (outermost first).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Leakage through independent layers: P_leak = prod [1 - Pd (1 - (1 - SSPK)^n)]."""
    from kamae.analytic import layered_leakage

    if layers is not None:
        if shots is not None or sspk is not None or p_track != 1.0:
            raise KamaeError(
                "calc leakage: with --layers, give each layer's p_detect there "
                "instead of --shots, --sspk or --p-track"
            )
        ss, nn, dd = _layers_spec(layers)
    elif shots is None or sspk is None:
        raise KamaeError("calc leakage: give --shots and --sspk, or --layers")
    else:
        ss, nn, dd = [sspk], [shots], [p_track]
    result = layered_leakage(ss, nn, dd, threats=threats)
    doc = {
        "threats": threats,
        "layers": [
            {"sspk": s_, "shots": n_, "p_detect": d_, "kill": k_}
            for s_, n_, d_, k_ in zip(ss, nn, dd, result.layer_kill, strict=True)
        ],
        "p_leak_per_threat": result.p_leak,
        "expected_leakers": result.expected_leakers,
        "p_no_leakers": result.p_no_leakers,
        "source": "layered leakage; Wilkening, Science & Global Security 8(2), 2000",
    }
    if as_json:
        print_json(doc)
        return
    echo(
        f"per-threat leak probability {result.p_leak:.6g}; expected leakers "
        f"{result.expected_leakers:.6g} of {threats}; P(no leakers) {result.p_no_leakers:.6g}"
    )


@user_errors
def calc_interceptors(
    threats: Annotated[int, typer.Option(min=1, help="Warheads.")],
    p_no_leak: Annotated[float, typer.Option(help="Desired P(no leaking warhead).")],
    sspk: Annotated[float, typer.Option(help="Single-shot kill probability.")],
    p_track: Annotated[float, typer.Option(help="P(detect, track, classify, C2 work).")] = 1.0,
    decoys: Annotated[int, typer.Option(min=0, help="Decoys accompanying the warheads.")] = 0,
    p_decoy_as_warhead: Annotated[
        float, typer.Option(help="P(a decoy is taken for a warhead and engaged).")
    ] = 1.0,
    doctrine: Annotated[str, typer.Option(help="barrage or sls (shoot-look-shoot).")] = "barrage",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Interceptors needed for a desired P(no leakers) (Wilkening 2000)."""
    from kamae.analytic import barrage_interceptors, shoot_look_shoot_interceptors

    if doctrine not in ("barrage", "sls"):
        raise KamaeError(f"--doctrine: expected barrage or sls, got {doctrine!r}")
    if doctrine == "barrage":
        b = barrage_interceptors(
            threats, p_no_leak, sspk, p_track, decoys=decoys, p_dw=p_decoy_as_warhead
        )
        doc: dict[str, object] = {
            "doctrine": "barrage",
            "objects_engaged": b.objects_engaged,
            "shots_per_object": b.shots_per_object,
            "shots_per_object_whole": b.shots_per_object_whole,
            "interceptors": b.interceptors,
            "interceptors_rounded": b.interceptors_rounded,
            "interceptors_whole": b.interceptors_whole,
            "p_no_leakers_whole": b.p_no_leakers_whole,
        }
        text = (
            f"barrage: {b.shots_per_object:.4f} shots per object ({b.shots_per_object_whole} "
            f"whole) at {b.objects_engaged:g} objects; total {b.interceptors:.2f} "
            f"(~{b.interceptors_rounded}), {b.interceptors_whole} with whole shots "
            f"(P0 {b.p_no_leakers_whole:.4f})"
        )
    else:
        r = shoot_look_shoot_interceptors(
            threats, p_no_leak, sspk, p_track, decoys=decoys, p_dw=p_decoy_as_warhead
        )
        doc = {
            "doctrine": "shoot-look-shoot",
            "objects_engaged": r.objects_engaged,
            "shots_per_object": r.shots_per_object,
            "first_salvo": r.first_salvo,
            "second_salvo": r.second_salvo,
            "second_salvo_whole": r.second_salvo_whole,
            "expected_interceptors": r.expected_interceptors,
            "expected_interceptors_whole": r.expected_interceptors_whole,
            "interceptors_on_hand_whole": r.interceptors_on_hand_whole,
        }
        text = (
            f"shoot-look-shoot: first salvo {r.first_salvo}, second {r.second_salvo:.4f} "
            f"({r.second_salvo_whole} whole); expected use {r.expected_interceptors:.2f} "
            f"({r.expected_interceptors_whole:.2f} with whole salvos); "
            f"{r.interceptors_on_hand_whole} on hand"
        )
    doc["source"] = "Wilkening, Science & Global Security 8(2), 2000"
    if as_json:
        print_json(doc)
        return
    echo(text)


@user_errors
def calc_wta(
    instance: Annotated[Path, typer.Argument(help="JSON instance or benchmark text file.")],
    method: Annotated[str, typer.Option(help="auto, exact, heuristic or greedy.")] = "auto",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Solve a static weapon-target assignment instance."""
    from kamae.engagement import wta

    solvers: dict[str, Callable[..., wta.Assignment]] = {
        "auto": wta.solve,
        "exact": wta.solve_exact,
        "heuristic": wta.solve_heuristic,
        "greedy": wta.solve_greedy,
    }
    if method not in solvers:
        raise KamaeError(f"--method: expected one of {', '.join(solvers)}, got {method!r}")
    from kamae.scenario.safe_yaml import read_input_file

    # A regular file of bounded size (a FIFO or a device is refused unread): 64 MiB holds the
    # largest published instance (250 x 500, ~2 MB) many times over.
    raw = read_input_file(instance, str(instance), limit=WTA_FILE_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise KamaeError(f"{instance}: a WTA instance must be UTF-8 text ({err.reason})") from None
    inst = wta.read_instance(instance, text)
    result = solvers[method](inst.values, inst.p, inst.counts)
    assignment = [
        {"weapon_type": int(i), "target": int(j), "weapons": int(result.x[i, j])}
        for i, j in zip(*result.x.nonzero(), strict=True)
    ]
    doc = {
        "instance": inst.name,
        "objective": result.objective,
        "method": result.method,
        "optimal": result.optimal,
        "lower_bound": result.lower_bound,
        "gap": result.gap,
        "assignment": assignment,
    }
    if as_json:
        print_json(doc)
        return
    for row in assignment:
        echo(f"type {row['weapon_type']} -> target {row['target']}: {row['weapons']}")
    proven = "proven optimal" if result.optimal else "not proven optimal"
    echo(f"objective {result.objective:.6f} ({result.method}, {proven})")
    echo(f"lower bound {result.lower_bound:.6f} (certified gap {100 * result.gap:.4f}%)")


@user_errors
def calc_budget(
    share: Annotated[
        str,
        typer.Option(
            help="Named path (1pct, 2pct-fy2027, 3pct, 3.5pct, 5pct, dbp-fy2023-2027) or percent."
        ),
    ] = "2pct-fy2027",
    first: Annotated[int, typer.Option("--from", help="First fiscal year.")] = 2023,
    last: Annotated[int, typer.Option("--to", help="Last fiscal year.")] = 2027,
    gdp_base: Annotated[str, typer.Option(help="GDP series base: 2015 or 2020.")] = "2020",
    growth_pct: Annotated[
        float | None, typer.Option(help="Nominal GDP growth past the series, %/year.")
    ] = None,
    inflation_pct: Annotated[float | None, typer.Option(help="Deflator, %/year.")] = None,
    price_base_year: Annotated[
        int | None, typer.Option(help="Constant prices of this fiscal year.")
    ] = None,
    yen_per_usd: Annotated[float | None, typer.Option(help="Exchange rate, yen per USD.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Yearly defense budget from a GDP path and a share-of-GDP path."""
    from dataclasses import asdict

    from kamae.budget import budget_path

    if gdp_base not in ("2015", "2020"):
        raise KamaeError(f"--gdp-base: expected 2015 or 2020, got {gdp_base!r}")
    p = budget_path(
        share,
        first,
        last,
        gdp_base=gdp_base,  # type: ignore[arg-type]
        growth_pct=growth_pct,
        inflation_pct=inflation_pct,
        price_base_year=price_base_year,
        yen_per_usd=yen_per_usd,
    )
    doc = {
        "share_path": {"name": p.share.name, "points": p.share.points, "source": p.share.source},
        "describe": p.describe(),
        "definition": {"name": p.definition, "counts": p.definition_text()},
        "gdp_base": p.gdp_base,
        "growth_pct": p.growth_pct,
        "inflation_pct": p.inflation_pct,
        "price_base_year": p.price_base_year,
        "yen_per_usd": p.yen_per_usd,
        "years": [asdict(y) for y in p.years],
        "total_nominal_tn_yen": p.total_nominal_bn_yen() / 1e3,
        "total_nominal_musd": p.total_nominal_musd(),
    }
    if as_json:
        print_json(doc)
        return
    echo(f"{p.describe()}\n  {p.definition}: {p.definition_text()}")
    for y in p.years:
        echo(
            f"FY{y.fiscal_year}: {y.share_pct:.2f}% of GDP {y.gdp_bn_yen / 1e3:.1f} tn = "
            f"{y.nominal_bn_yen / 1e3:.2f} tn yen nominal, {y.constant_bn_yen / 1e3:.2f} tn at "
            f"FY{p.price_base_year} prices, {y.nominal_musd / 1e3:.1f} bn USD"
        )
    echo(
        f"total {p.total_nominal_bn_yen() / 1e3:.2f} tn yen nominal ({p.share.name}; "
        f"{p.gdp_base}-base GDP; {p.yen_per_usd:g} yen/USD)"
    )


@user_errors
def calc_coverage(
    scenario: Annotated[
        str, typer.Argument(help="Scenario (file or bundled name) with campaign areas.")
    ] = "japan-2027-campaign",
    area: Annotated[str | None, typer.Option(help="Only this area of interest.")] = None,
    range_km: Annotated[
        list[float] | None,
        typer.Option("--range-km", help="Reach from every platform instead of its weapon's."),
    ] = None,
    cells: Annotated[int, typer.Option(min=100, help="Grid cells over each area.")] = 40_000,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The part of each area of interest within reach of the strike platforms (WGS84)."""
    from kamae.campaign.study import coverage_rows
    from kamae.scenario import load_scenario

    rows = coverage_rows(load_scenario(scenario), ranges_km=range_km or (), area=area, cells=cells)
    if as_json:
        print_json(rows)
        return
    for r in rows:
        echo(
            f"{r['area']}: {r['covered_fraction']:.1%} of {r['area_km2']:,.0f} km² within reach "
            f"of {r['weapon']} (WGS84 geodesics)"
        )
