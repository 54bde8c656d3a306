"""`kamae study budget`: a small case whose yearly stocks are known by hand (production binds:
12 a year from orders placed every year, 3 years' lag), run through the whole chain to the
Monte Carlo; paths that deliver the same give a paired difference of exactly zero; more stock
against a raid that outnumbers the rounds gives fewer leakers."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import one_layer_scenario, write_scenario

from kamae.budget.study import budget_study, load_study_file, study_table
from kamae.errors import ScenarioError
from kamae.report.budget_study import leakers_by_year


def _study(tmp_path, **extra):  # noqa: ANN003, ANN202
    doc = one_layer_scenario(count=5, shots=2, replications=20)
    entry = doc["catalog"]["interceptors"].pop("test-upper")
    # An override of the whole entry; its cost has no range (the built-in 24-36 would merge in).
    entry.update(unit_cost_low_musd=None, unit_cost_high_musd=None)
    doc["catalog"]["interceptors"]["sm-3-block-iia"] = entry
    unit = doc["fire_units"][0]
    unit["interceptor"], unit["inventory"] = "sm-3-block-iia", 4  # 2 of 5 threats engaged
    scenario = write_scenario(tmp_path, doc)
    study = {
        "version": 1,
        "scenario": str(scenario),
        "paths": ["2pct-fy2027", "3.5pct"],
        "first_fiscal_year": 2023,
        "last_fiscal_year": 2027,
        "years": [2025, 2027],
        "shares_pct": {"sm-3-block-iia": 1.0},
        "placements": {"sm-3-block-iia": {"fire_units": ["ship"]}},
        "replications": 20,
        **extra,
    }
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(study, sort_keys=False), encoding="utf-8")
    return path


def test_stocks_by_hand_and_paired_paths(tmp_path) -> None:
    study = budget_study(_study(tmp_path))
    rows = {(r["path"], r["fiscal_year"]): r for r in study.rows}
    # Hand: 1% of a ~50 bn USD budget buys far more than the 12 a year produced: production
    # binds; orders of FY2023 and FY2024 arrive in FY2026 and FY2027 (lag 3).
    for path in ("2pct-fy2027", "3.5pct"):
        delivered = [rows[(path, fy)]["delivered_to_date"].get("sm-3-block-iia", 0) for fy in
                     (2025, 2027)]  # fmt: skip
        assert delivered == [0, 24]
        stock = study.chains[path].stock("sm-3-block-iia")
        assert [stock[fy] for fy in range(2023, 2031)] == [0, 0, 0, 12, 24, 36, 48, 60]
        assert rows[(path, 2027)]["binding"]["sm-3-block-iia"] == "production"
        assert rows[(path, 2025)]["binding"]["sm-3-block-iia"] == "lag"
        assert rows[(path, 2027)]["definition"] in ("wider", "nato-core")
    # Same deliveries, same seeds: the paired difference is exactly zero.
    for fy in (2025, 2027):
        d = rows[("3.5pct", fy)]["leakers_minus_reference"]
        assert d["mean"] == 0.0 and d["ci95"] == [0.0, 0.0]
    # 4 rounds engage 2 of 5 threats at SSPK 0.7 twice: 3 + 2 x 0.09 = 3.18 expected
    # leakers; 28 rounds engage all 5: 5 x 0.09 = 0.45 (one salvo each, no shoot-look-shoot).
    early, late = (rows[("2pct-fy2027", fy)]["expected_leakers"] for fy in (2025, 2027))
    assert early["ci95"][0] <= 3.18 <= early["ci95"][1] and early["mean"] >= 3.0
    assert late["ci95"][0] <= 0.45 <= late["ci95"][1]
    assert early["ci95"][0] > late["ci95"][1]
    assert len(study_table(study)) == 4


def test_a_study_file_naming_an_unknown_item_is_one_line(tmp_path) -> None:
    path = _study(tmp_path, shares_pct={"sm-3-block-iiia": 1.0})
    with pytest.raises(ScenarioError) as err:
        load_study_file(path)
    text = str(err.value)
    assert "study.yaml" in text and "shares_pct.sm-3-block-iiia" in text
    assert "unknown procurement item" in text and "\n" not in text
    # Through the command: the one line, and the folder claimed before the study is given back.
    from typer.testing import CliRunner

    from kamae.cli import app

    out = tmp_path / "o"
    result = CliRunner().invoke(app, ["study", "budget", str(path), "--out", str(out)])
    assert result.exit_code == 2 and "shares_pct.sm-3-block-iiia" in result.output
    assert not out.exists() or not any(out.iterdir())


def test_an_interceptor_item_needs_its_placement(tmp_path) -> None:
    with pytest.raises(ScenarioError, match="placements.sm-3-block-iia.fire_units"):
        load_study_file(_study(tmp_path, placements={}))


def test_the_bundled_study_loads() -> None:
    spec = load_study_file("budget-study")
    assert spec.paths[0] == "2pct-fy2027" and spec.scenario == "japan-2027"


def test_the_command_prints_the_table_and_the_bindings(tmp_path) -> None:
    from typer.testing import CliRunner

    from kamae.cli import app

    args = ["study", "budget", str(_study(tmp_path)), "-n", "2", "--out", str(tmp_path / "o")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "2pct-fy2027" in result.output and "what bound" in result.output
    assert "sm-3-block-iia production" in result.output
    # The study's folder: every row, the manifest, the file as read, the chart by year.
    (folder,) = (tmp_path / "o").iterdir()
    assert f"results: {folder}" in result.output
    doc = json.loads((folder / "budget-study.json").read_text())
    assert len(doc["rows"]) == 4 and set(doc["paths"]) == {"2pct-fy2027", "3.5pct"}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["kind"] == "budget-study" and manifest["replications_override"] == 2
    assert (folder / "study.yaml").read_text() == (tmp_path / "study.yaml").read_text()
    page = (folder / "budget-study.html").read_text()
    assert 'data-figure="leakers-by-year"' in page
    assert page.count('class="series s0"') == 2 and page.count('class="series s1"') == 2
    table = leakers_by_year(doc)
    assert table.column("fiscal_year").to_pylist() == [2025.0, 2027.0]
    assert table.column("2pct-fy2027").to_pylist() == [
        r["expected_leakers"]["mean"] for r in doc["rows"] if r["path"] == "2pct-fy2027"
    ]
