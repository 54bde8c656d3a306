"""What the commands print: rich tables with human labels and intervals that never wrap, no
Python dicts, default workers, and the steps of a run shown as they happen."""

from __future__ import annotations

import io
import re
from pathlib import Path

from conftest import one_layer_scenario, write_scenario
from rich.console import Console
from typer.testing import CliRunner

from kamae.cli import app
from kamae.cli.app import workers_for
from kamae.runners.local import available_cores

NEGATIVE_ZERO = re.compile(r"(?<![\w.])-0(?:\.0*)?(?![\d.])")
INTERVAL = re.compile(r"\[[+-]?[\d.]+%?, [+-]?[\d.]+%?\]")


def _lines_with_intervals(text: str) -> list[str]:
    return [line for line in text.splitlines() if "[" in line and "│" in line]


def test_compare_table_at_80_columns_has_distinct_labels_and_whole_intervals(
    tmp_path: Path,
) -> None:
    a = write_scenario(tmp_path, one_layer_scenario(count=6, sspk=0.9, replications=4), "a.yaml")
    out = CliRunner().invoke(
        app,
        ["compare", str(a), "--variant", "low sspk: doctrine.shots_per_salvo=1", "-n", "3"]
        + ["--out", str(tmp_path / "o")],
        env={"COLUMNS": "80"},
    )
    assert out.exit_code == 0, out.output
    assert "…" not in out.stdout  # nothing truncated into look-alike labels
    rows = _lines_with_intervals(out.stdout)
    assert len(rows) >= 8
    for row in rows:  # each interval cell holds a whole [low, high] on its row
        assert INTERVAL.search(row), row
    labels = [row.split("│")[1].strip() for row in rows]
    assert len(labels) == len(set(labels))
    assert "engaged_without_cost" not in out.stdout and "interceptors_at" not in out.stdout


def test_run_prints_a_table_and_notes_an_unset_lethal_radius(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, one_layer_scenario(count=3, replications=2), "s.yaml")
    out = CliRunner().invoke(app, ["run", str(path), "--out", str(tmp_path / "o")])
    assert out.exit_code == 0, out.output
    assert "threats leaked (expected leakers)" in out.stdout
    assert "No threat type sets a lethal radius" in out.stdout
    assert not NEGATIVE_ZERO.search(out.stdout)
    assert "1 worker" in out.stdout  # 2 replications: one chunk, so one worker


def test_validate_speaks_singular_and_plural(tmp_path: Path) -> None:
    path = write_scenario(tmp_path, one_layer_scenario(count=1, replications=2), "s.yaml")
    out = CliRunner().invoke(app, ["validate", str(path)])
    assert out.exit_code == 0, out.output
    assert "1 defended asset," in out.stdout and "1 raid of 1 missile," in out.stdout
    assert "2 replications" in out.stdout


def test_default_workers_are_the_cores_but_no_more_than_the_chunks() -> None:
    cores = available_cores()
    assert workers_for(None, None) == cores
    assert workers_for(None, 16) == 1
    assert workers_for(None, 17) == min(cores, 2)
    assert workers_for(None, 10_000) == cores
    assert workers_for(3, 16) == 3  # given: as given


def test_world_building_is_a_step_of_its_own_before_the_replications() -> None:
    from kamae.sweep.progress import RichProgress

    buffer = io.StringIO()
    screen = Console(file=buffer, force_terminal=True, width=100)
    with RichProgress("replications", screen, keep=True) as bar:
        told = bar.steps(32, "demo")
        told("world")
        tasks = bar._bar.tasks
        assert [t.description for t in tasks] == ["demo: building the world"]
        assert tasks[0].total is None  # of unknown length: no ETA pretended
        told("replications")
        bar.advance(16)
        tasks = bar._bar.tasks
        assert tasks[0].finished
        assert tasks[1].description == "demo: replications" and tasks[1].completed == 16
        assert tasks[1].total == 32


def test_trade_prints_tables_not_dicts(tmp_path: Path) -> None:
    from kamae.cli.studies import trade_tables

    result = {
        "scenario": "s",
        "objective": "expected_leakers",
        "budget_musd": 100.0,
        "budget_source": "given",
        "search": {"method": "enumerate"},
        "options": [{"name": "more-a"}, {"name": "more-b"}],
        "best": {"allocation": {"more-a": 1, "more-b": 0}},
        "pareto_front": {
            "method": "exact",
            "points": [
                {
                    "allocation": {"more-a": 0, "more-b": 0},
                    "cost_musd": 0.0,
                    "analytic": {"expected_leakers": 2.0, "p_no_leakers": 0.1},
                },
                {
                    "allocation": {"more-a": 1, "more-b": 0},
                    "cost_musd": 90.0,
                    "analytic": {"expected_leakers": 1.0, "p_no_leakers": 0.3},
                },
            ],
        },
        "monte_carlo": {
            "replications": 8,
            "seed": 1,
            "common_random_numbers": True,
            "candidates": [
                {
                    "allocation": [1, 0],
                    "cost_musd": 90.0,
                    "expected_leakers": {"mean": 1.1, "ci95": [0.8, 1.4]},
                    "p_no_leak": {"mean": 0.25, "ci95": [0.07, 0.59]},
                }
            ],
        },
    }
    buffer = io.StringIO()
    screen = Console(file=buffer, width=100)
    for table in trade_tables(result):
        screen.print(table)
    text = buffer.getvalue()
    assert "{" not in text and "'" not in text
    assert "more-a ×1" in text and "90 *" in text
    assert "1.10 [0.80, 1.40]" in text


def test_trade_writes_a_folder_with_its_manifest_and_prints_tables(tmp_path: Path) -> None:
    import hashlib
    import json

    import yaml
    from budget.trade_fixtures import OPTIONS, two_layer_doc

    scenario = write_scenario(tmp_path, two_layer_doc(), "two.yaml")
    options = tmp_path / "options.yaml"
    options.write_text(yaml.safe_dump(OPTIONS, sort_keys=False), encoding="utf-8")
    args = ["trade", str(scenario), "--options", str(options), "-n", "2", "--candidates", "1"]
    out = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "o"), "--seed", "4"])
    assert out.exit_code == 0, out.output
    assert "Monte Carlo check: 2 replications, seed 4" in out.stdout
    assert "{" not in out.stdout
    (folder,) = (tmp_path / "o").iterdir()
    assert folder.name.startswith("one-layer-trade-") and f"results: {folder}" in out.stdout
    assert sorted(p.name for p in folder.iterdir()) == [
        "manifest.json", "options.yaml", "scenario.yaml", "trade.json",
    ]  # fmt: skip
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "trade" and manifest["seed"] == 4
    assert manifest["replications"] == 2 and manifest["candidates_confirmed"] == 1
    raw = (folder / "options.yaml").read_bytes()
    assert raw == options.read_bytes()
    assert manifest["options_sha256"] == hashlib.sha256(raw).hexdigest()
    trade = json.loads((folder / "trade.json").read_text(encoding="utf-8"))
    mc = trade["monte_carlo"]
    assert mc["replications"] == 2 and len(mc["candidates"]) == 1


def test_a_campaign_tells_its_steps_world_building_first(tmp_path: Path) -> None:
    from campaign.campaign_scenarios import campaign_doc

    from kamae.campaign.study import campaign_study

    path = write_scenario(tmp_path, campaign_doc(replications=3), "c.yaml")
    told: list[str] = []
    study = campaign_study(path, sensitivity=True, out=None, steps=told.append)
    assert study.folder is None
    assert told == [
        "building the worlds and calibrating the layers",
        "attack confirmation",
        "campaign: 3 replications",
        "expected-value trajectory",
        "sensitivity grid",
    ]


def test_campaign_folder_is_named_once_and_holds_a_manifest() -> None:
    from kamae.campaign.study import campaign_folder_stem

    assert campaign_folder_stem("japan-2027-campaign") == "japan-2027-campaign"
    assert campaign_folder_stem("my-study") == "my-study-campaign"


def test_the_lethal_radius_note_appears_only_without_a_lethal_radius() -> None:
    import yaml

    from kamae.report.run_report import LETHAL_RADIUS_NOTE, lethal_radius_note
    from kamae.scenario import load_scenario
    from kamae.scenario.loader import load_scenario_text

    base = load_scenario("japan-2027")
    assert lethal_radius_note(base) == LETHAL_RADIUS_NOTE
    doc = yaml.safe_load(base.text)
    entry = base.threats["mrbm-nodong-class"].model_dump(mode="json", exclude_none=True)
    entry["lethal_radius_m"] = 500.0
    doc.setdefault("catalog", {}).setdefault("threats", {})["mrbm-nodong-class"] = entry
    with_radius = load_scenario_text(yaml.safe_dump(doc).encode(), "with-radius.yaml")
    assert lethal_radius_note(with_radius) is None
