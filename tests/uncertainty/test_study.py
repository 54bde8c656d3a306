"""`kamae sensitivity` end to end on a small scenario: the sweep beneath, the folder, the
central point against `kamae run`, resume, the refusals; and (slow) the layered-leakage
case through the engine against its variance decomposition by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner
from uncertain_scenarios import LOWER_RANGE, UPPER_RANGE, layered_indices, two_layer_doc, write

from kamae.cli import app
from kamae.errors import KamaeError
from kamae.montecarlo import run_montecarlo
from kamae.scenario import load_scenario
from kamae.streams import bootstrap_seed
from kamae.sweep import query_table
from kamae.sweep.errors import SweepError
from kamae.uncertainty.analysis import sobol_indices
from kamae.uncertainty.study import read_rows, run_sensitivity


@pytest.fixture(scope="module")
def small_study(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("study")
    scenario = write(root, two_layer_doc(threats=2))
    result = run_sensitivity(
        str(scenario), out=root / "out", samples=2, replications=3, workers=1, seed=11
    )
    return scenario, result


def test_a_study_writes_its_folder_and_indices(small_study: tuple[Path, object]) -> None:
    _, result = small_study
    folder = result.folder  # type: ignore[attr-defined]
    doc = json.loads((folder / "sensitivity.json").read_text())
    assert doc["method"] == "sobol" and doc["replications"] == 3 and doc["seed"] == 11
    assert [i["name"] for i in doc["inputs"]] == [
        "catalog.interceptors.test-upper.sspk.mrbm",
        "catalog.interceptors.test-lower.sspk.mrbm",
    ]
    cost = doc["cost"]
    assert cost["design_points"] == 2 * (2 + 2) and cost["tornado_points"] == 5
    assert cost["engine_replications"] == 13 * 3
    leakers = doc["outputs"]["expected_leakers"]
    assert set(leakers["indices"]) == {i["name"] for i in doc["inputs"]}
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(leakers["indices"][doc["inputs"][0]["name"]])
    assert 0 <= leakers["propagation"]["epistemic_share"] <= 1
    assert len(leakers["tornado"]) == 2
    assert doc["outputs"]["cost_exchange"]["available"] is True  # every built-in threat priced
    page = (folder / "sensitivity.html").read_text()
    assert 'class="chart sobol"' in page and 'class="chart tornado"' in page
    # the sweep's own views answer SQL
    table = query_table(folder, "SELECT count(*) AS n FROM replications")
    assert table.column("n").to_pylist() == [13 * 3]


def test_the_central_point_is_kamae_run_of_the_scenario(small_study: tuple[Path, object]) -> None:
    """Common random numbers: the tornado's central point is the scenario at its central
    values with `kamae run`'s streams, replication for replication."""
    scenario, result = small_study
    rows = read_rows(result.folder, 13, 3)  # type: ignore[attr-defined]
    alone = run_montecarlo(load_scenario(str(scenario)), 3, 11)
    central = 8  # after the 2 × 4 design points
    for name in ("threats_leaked", "interceptors_fired", "no_leak"):
        expected = np.asarray(alone.replications.column(name).to_numpy(), dtype=float)
        assert np.array_equal(rows[name][central], expected), name


def test_a_resumed_study_runs_nothing_and_gives_the_same_document(
    small_study: tuple[Path, object],
) -> None:
    scenario, result = small_study
    again = run_sensitivity(
        str(scenario), out=result.folder, samples=2, replications=3, seed=11,  # type: ignore[attr-defined]
        workers=1, resume=True, report=False,
    )  # fmt: skip
    assert again.sweep.chunks_run == 0 and again.sweep.chunks_reused == 13
    first = dict(result.doc)  # type: ignore[attr-defined]
    second = dict(again.doc)
    first.pop("cost"), second.pop("cost")
    assert first == second
    with pytest.raises(SweepError, match="holds a different sweep"):
        run_sensitivity(
            str(scenario), out=result.folder, samples=4, replications=3, seed=11,  # type: ignore[attr-defined]
            resume=True, report=False,
        )  # fmt: skip


def test_a_design_point_that_breaks_the_scenario_stops_the_study(tmp_path: Path) -> None:
    doc = two_layer_doc(threats=1)
    # the lower layer's floor can rise above its ceiling (40 km) at some points
    doc["catalog"]["interceptors"]["test-lower"]["min_altitude_km"] = {
        "distribution": "uniform", "low": 3, "high": 60, "source": "test",
    }  # fmt: skip
    with pytest.raises(SweepError, match="(?s)not valid scenarios .*min_altitude_km must be below"):
        run_sensitivity(str(write(tmp_path, doc)), out=tmp_path / "out", samples=2, replications=2)


def test_a_scenario_without_uncertain_inputs_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KamaeError, match="no uncertain inputs"):
        run_sensitivity("japan-2027", out=tmp_path / "out")


def test_the_cli_prints_the_inputs_that_matter(tmp_path: Path) -> None:
    scenario = write(tmp_path, two_layer_doc(threats=1))
    runner = CliRunner()
    args = ["sensitivity", str(scenario), "--out", str(tmp_path / "out"), "--method", "morris"]
    out = runner.invoke(app, [*args, "--samples", "2", "-n", "2", "--workers", "1"])
    assert out.exit_code == 0, out.output
    assert "morris over 2 uncertain inputs" in out.stdout and "mu*" in out.stdout
    bad = runner.invoke(app, ["sensitivity", str(scenario), "--out", str(tmp_path / "b"),
                              "--samples", "12"])  # fmt: skip
    assert bad.exit_code == 2 and "power of 2" in bad.output
    wrong = runner.invoke(app, [*args, "--output", "leakers"])
    assert wrong.exit_code == 2 and "expected one of expected_leakers" in wrong.output


def test_only_the_inputs_named_vary(tmp_path: Path) -> None:
    """`--input`: a study of one of the file's two inputs; the other stays at its central
    value, so the central point is still `kamae run`'s replication for replication."""
    scenario = write(tmp_path, two_layer_doc(threats=1))
    upper = "catalog.interceptors.test-upper.sspk.mrbm"
    result = run_sensitivity(
        str(scenario), out=tmp_path / "out", only=[upper], samples=2, replications=2,
        workers=1, seed=5, report=False,
    )  # fmt: skip
    assert [i["name"] for i in result.doc["inputs"]] == [upper]
    assert result.doc["cost"]["design_points"] == 2 * (1 + 2)
    rows = read_rows(result.folder, 6 + 3, 2)
    alone = run_montecarlo(load_scenario(str(scenario)), 2, 5)
    expected = np.asarray(alone.replications.column("threats_leaked").to_numpy(), dtype=float)
    assert np.array_equal(rows["threats_leaked"][6], expected)
    out = CliRunner().invoke(app, ["sensitivity", str(scenario), "--out", str(tmp_path / "b"),
                                   "--input", "doctrine.nothing"])  # fmt: skip
    assert out.exit_code == 2 and "--input doctrine.nothing: not an uncertain input" in out.output


@pytest.mark.slow
def test_layered_leakage_through_the_engine_matches_the_hand_decomposition(
    tmp_path: Path,
) -> None:
    """Two layers with uniform SSPKs (0.3-0.9 and 0.2-0.8), 32 threats, N = 64 (261 points ×
    16 replications = 4,176 engine replications). The engine's indices must match (a) the
    same design evaluated on the exact expected leakers 32·(1 - p1)(1 - p2) within 0.14,
    3 standard deviations of the common-random-numbers noise measured for 32 threats × 16
    replications (0.045, docs/uncertainty.md), and (b) the hand decomposition within 0.18
    (that, plus the design's own error at N = 64, 0.04)."""
    threats = 32
    scenario = write(tmp_path, two_layer_doc(threats=threats))
    result = run_sensitivity(
        str(scenario), out=tmp_path / "out", samples=64, replications=16, seed=2027,
        report=False,
    )  # fmt: skip
    indices = result.doc["outputs"]["expected_leakers"]["indices"]
    names = [i["name"] for i in result.doc["inputs"]]
    engine = [indices[n] for n in names]
    # the same design on the exact function
    from kamae.uncertainty.design import make_design
    from kamae.uncertainty.inputs import study_inputs

    inputs = study_inputs(load_scenario(str(scenario)))
    design = make_design("sobol", names, 64, 2027)
    p = np.column_stack([i.values(design.quantiles[:, j]) for j, i in enumerate(inputs)])
    exact = sobol_indices(design, threats * (1 - p[:, 0]) * (1 - p[:, 1]), bootstrap_seed(2027))
    hand = layered_indices(UPPER_RANGE, LOWER_RANGE)
    for j, layer in enumerate(("upper", "lower")):
        for key in ("S1", "ST"):
            assert engine[j][key] == pytest.approx(exact[j][key], abs=0.14), (layer, key)
            assert engine[j][key] == pytest.approx(hand[f"{key}_{layer}"], abs=0.18), (layer, key)
    split = result.doc["outputs"]["expected_leakers"]["propagation"]
    assert split["noise_share"] < 0.2
