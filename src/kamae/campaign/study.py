"""The Python API behind `kamae campaign` and `kamae calc coverage`.

`campaign_study` runs a scenario's campaign (stochastic replications), its expected-value
trajectory and, on request, the sensitivity grid, and writes them to a new folder:
summary.json, campaign.parquet (one row per replication and step), campaign_steps.parquet
(per-step means), expected.parquet, sensitivity.parquet (when asked), coverage.json,
manifest.json (`kamae.provenance`) and the scenario file. summary.json's `confirmation`
names the attack-confirmation source of the counterstrike rule (`delay` or `network`) and
the delay used. `coverage_rows` answers the range question for a scenario's areas.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

from kamae.campaign.confirmation import scenario_confirmation
from kamae.campaign.coverage import Site, coverage
from kamae.campaign.defense import calibrate
from kamae.campaign.plan import build_plan
from kamae.campaign.run import CampaignResult, run_campaign
from kamae.campaign.sensitivity import campaign_sensitivity
from kamae.errors import KamaeError
from kamae.provenance import build_manifest
from kamae.results.files import RunFolderClaim, claim_run_folder
from kamae.runners import LocalBackend
from kamae.scenario.campaign import Campaign, strike_weapons
from kamae.scenario.loader import LoadedScenario, load_scenario
from kamae.workload import check_workload, estimate


@dataclass(frozen=True)
class CampaignStudy:
    summary: dict[str, object]
    result: CampaignResult
    expected: pa.Table
    sensitivity: pa.Table | None
    coverage: list[dict[str, object]]
    folder: Path | None


def campaign_of(loaded: LoadedScenario) -> Campaign:
    if loaded.scenario.campaign is None:
        raise KamaeError(
            f"{loaded.file}: campaign: the scenario has no campaign section "
            "(see docs/campaign.md; bundled example: japan-2027-campaign)"
        )
    return loaded.scenario.campaign


def coverage_rows(
    loaded: LoadedScenario,
    *,
    ranges_km: Sequence[float] = (),
    area: str | None = None,
    cells: int = 40_000,
) -> list[dict[str, object]]:
    """Per area of interest and per weapon deployed on the platforms (or per range given):
    the part of the area within reach of those platforms."""
    c = campaign_of(loaded)
    areas = [a for a in c.areas if area is None or a.id == area]
    if area is not None and not areas:
        raise KamaeError(f"--area: no area {area!r} (areas: {[a.id for a in c.areas]})")
    platforms = c.counterstrike.platforms if c.counterstrike is not None else []
    if not platforms:
        raise KamaeError(
            f"{loaded.file}: campaign.counterstrike.platforms: no platforms to reach from"
        )
    weapons = strike_weapons(c)
    groups: list[tuple[str, list[Site]]] = []
    if ranges_km:
        for rng in ranges_km:
            if rng <= 0:
                raise KamaeError(f"--range-km: expected a range > 0, got {rng:g}")
            sites = [Site(p.id, p.lat_deg, p.lon_deg, rng + p.radius_km) for p in platforms]
            groups.append((f"{rng:g} km from every platform", sites))
    else:
        for name in dict.fromkeys(p.weapon for p in platforms):
            sites = [
                Site(p.id, p.lat_deg, p.lon_deg, weapons[name].range_km + p.radius_km)
                for p in platforms
                if p.weapon == name
            ]
            groups.append((name, sites))
    rows = []
    for a in areas:
        vertices = [(p.lat_deg, p.lon_deg) for p in a.polygon]
        for label, sites in groups:
            cov = coverage(vertices, sites, cells)
            rows.append(
                {
                    "area": a.id,
                    "weapon": label,
                    "sites": [s.id for s in sites],
                    "reach_km": [s.reach_km for s in sites],
                    "area_km2": cov.area_km2,
                    "covered_km2": cov.covered_km2,
                    "covered_fraction": cov.fraction,
                }
            )
    return rows


def campaign_study(
    scenario: str | Path | LoadedScenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    defense: str | None = None,
    sensitivity: bool = True,
    workers: int = 1,
    out: Path | None = Path("kamae-out"),
    force: bool = False,
    steps: Callable[[str], None] | None = None,
) -> CampaignStudy:
    """Run a scenario's campaign, its expected trajectory and (optionally) its sensitivity.

    The work is checked first (`kamae.workload.check_workload`; `force` as there) and the
    campaign folder's name claimed, so that neither fails after the campaign has run.
    `steps` is told each step as it begins, in words (`kamae.sweep.progress.RichProgress.step`):
    building the worlds and calibrating the layers, the attack confirmation, the campaign's
    replications, the expected trajectory, the sensitivity grid."""
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    campaign_of(loaded)
    work = estimate(
        loaded,
        workers=workers,
        campaign=True,
        campaign_replications=replications,
        campaign_defense=defense,
    )
    check_workload(work, loaded.file, force=force)
    started = datetime.now(UTC)
    claim = None
    if out is not None:
        name = f"{campaign_folder_stem(loaded.scenario.name)}-{started.strftime('%Y%m%dT%H%M%SZ')}"
        claim = claim_run_folder(Path(out), name)
    with claim or contextlib.nullcontext():
        return _study(
            loaded, replications, seed, defense, sensitivity, workers, started, claim, steps
        )


def campaign_folder_stem(scenario: str) -> str:
    """`<scenario>-campaign`, without doubling a name that already ends in `-campaign`."""
    return scenario if scenario.endswith("-campaign") else f"{scenario}-campaign"


def _study(
    loaded: LoadedScenario,
    replications: int | None,
    seed: int | None,
    defense: str | None,
    sensitivity: bool,
    workers: int,
    started: datetime,
    claim: RunFolderClaim | None,
    steps: Callable[[str], None] | None = None,
) -> CampaignStudy:
    told = steps or (lambda _: None)
    clock = time.perf_counter()
    told("building the worlds and calibrating the layers")
    plan = build_plan(loaded)
    s = loaded.scenario.seed if seed is None else seed
    with LocalBackend(workers).open() as runner:
        cal = calibrate(plan, s, plan.campaign.calibration_replications, runner=runner)
        # The confirmation source (with `network`, an engine study of its own) is derived once.
        told("attack confirmation")
        confirm = scenario_confirmation(loaded, s, runner=runner)
        n = plan.campaign.replications if replications is None else replications
        told(f"campaign: {n} replications")
        result = run_campaign(
            loaded,
            replications=replications,
            seed=s,
            defense=defense,
            plan=plan,
            calibration=cal,
            confirmation=confirm,
            runner=runner,
        )
    told("expected-value trajectory")
    expected = run_campaign(
        loaded, seed=s, expected=True, plan=plan, calibration=cal, confirmation=confirm
    )
    if sensitivity:
        told("sensitivity grid")
    sens = (
        campaign_sensitivity(
            loaded,
            replications=replications,
            seed=s,
            plan=plan,
            calibration=cal,
            confirmation=confirm,
        )
        if sensitivity
        else None
    )
    cov = coverage_rows(loaded) if plan.platforms and plan.campaign.areas else []
    summary = result.summary()
    elapsed = time.perf_counter() - clock
    summary["wall_time_s"] = round(elapsed, 3)
    summary["started_utc"] = started.strftime("%Y-%m-%dT%H:%M:%SZ")
    manifest = build_manifest(loaded, result.replications, s, workers, started, elapsed)
    manifest.update(kind="campaign", defense=result.defense, sensitivity=sensitivity)
    folder = None
    if claim is not None:
        tables = {
            "campaign.parquet": result.table,
            "campaign_steps.parquet": result.step_means(),
            "expected.parquet": expected.table,
        }
        if sens is not None:
            tables["sensitivity.parquet"] = sens
        folder = claim.write(
            {"summary.json": summary, "coverage.json": cov, "manifest.json": manifest},
            tables,
            {"scenario.yaml": loaded.text},
        )
    return CampaignStudy(
        summary=summary,
        result=result,
        expected=expected.table,
        sensitivity=sens,
        coverage=cov,
        folder=folder,
    )
