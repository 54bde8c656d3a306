"""`kamae compare`: common random numbers and paired differences with 95% intervals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import one_layer_scenario, write_scenario
from scipy import stats
from typer.testing import CliRunner

from kamae.cli import app
from kamae.compare import compare_scenarios, paired_difference
from kamae.montecarlo import run_montecarlo
from kamae.report.comparison import welch_difference
from kamae.scenario import load_scenario


def _scenarios(tmp_path: Path, sspk_b: float = 0.3) -> tuple[Path, Path]:
    a = write_scenario(tmp_path, one_layer_scenario(count=6, sspk=0.9, replications=12), "a.yaml")
    doc = one_layer_scenario(count=6, sspk=sspk_b, replications=12)
    doc["name"] = "one-layer-b"
    return a, write_scenario(tmp_path, doc, "b.yaml")


def test_paired_interval_is_the_paired_t_interval() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(3.0, 1.0, 40)
    b = a + rng.normal(0.5, 0.3, 40)
    got = paired_difference(a, b)
    ref = stats.ttest_rel(b, a).confidence_interval(0.95)
    assert got.estimate == pytest.approx(np.mean(b - a))
    assert (got.low, got.high) == pytest.approx((ref.low, ref.high))


def test_scenario_against_itself_differs_by_exactly_zero(tmp_path: Path) -> None:
    a, _ = _scenarios(tmp_path)
    result = compare_scenarios(str(a), str(a), replications=4)
    assert result.metrics
    for m in result.metrics:
        assert m.mean_a == m.mean_b
        d = m.difference
        if m.metric == "p_no_leak":  # Newcombe's paired score interval: 0, width from n
            assert d.estimate == 0.0 and d.low < 0.0 < d.high
        else:
            assert (d.estimate, d.low, d.high) == (0.0, 0.0, 0.0), m.metric


@pytest.mark.slow
def test_common_random_numbers_pair_replications(tmp_path: Path) -> None:
    a, b = _scenarios(tmp_path)
    result = compare_scenarios(str(a), str(b), replications=8, seed=5)
    assert result.seed == 5 and result.replications == 8
    alone = run_montecarlo(load_scenario(str(b)), 8, 5)
    assert result.result_b.replications.equals(alone.replications)
    metrics = {m.metric: m for m in result.metrics}
    leaked = metrics["threats_leaked"].difference
    assert leaked.low > 0  # the worse interceptor leaks more, significantly
    assert metrics["p_no_leak"].difference.estimate <= 0
    # pairing removes the common luck: narrower than the interval of independent runs
    col = "threats_leaked"
    va = np.asarray(result.result_a.replications.column(col).to_numpy(), dtype=float)
    vb = np.asarray(result.result_b.replications.column(col).to_numpy(), dtype=float)
    welch = welch_difference(va, vb)
    assert leaked.high - leaked.low < welch.high - welch.low


def test_cli_compare_json_and_table(tmp_path: Path) -> None:
    a, b = _scenarios(tmp_path)
    runner = CliRunner()
    where = ["--out", str(tmp_path / "out")]
    out = runner.invoke(
        app, ["compare", str(a), str(b), "-n", "2", "--seed", "3", "--json", *where]
    )
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["base"] == "one-layer" and doc["replications"] == 2 and doc["seed"] == 3
    (variant,) = doc["variants"]
    assert variant["label"] == "b" and variant["scenario"] == str(b)
    leaked = variant["metrics"]["threats_leaked"]
    assert set(leaked) == {"label", "a", "b", "difference"}
    assert leaked["difference"]["method"] == "paired student-t"
    assert len(leaked["difference"]["ci95"]) == 2
    table = runner.invoke(app, ["compare", str(a), str(b), "-n", "2", *where])
    assert table.exit_code == 0 and "B - A" in table.stdout


def test_cli_compare_bad_input_is_one_line(tmp_path: Path) -> None:
    a, _ = _scenarios(tmp_path)
    missing = str(tmp_path / "missing.yaml")
    out = CliRunner().invoke(app, ["compare", str(a), missing, "--out", str(tmp_path / "o")])
    assert out.exit_code == 2
    assert "error:" in out.output and "no such file" in out.output
