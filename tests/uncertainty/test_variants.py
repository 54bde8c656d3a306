"""`kamae compare` of a scenario and its variants (paired, a folder and its report) and
`kamae study capabilities`: the variants' syntax, common random numbers, the closed-form
difference of a constructed case, the bundled study's questions, and the paired interval
for proportions against its coverage."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
import yaml
from conftest import one_layer_scenario, write_scenario
from typer.testing import CliRunner

from kamae.cli import app
from kamae.compare import (
    Variant,
    campaign_totals,
    compare_variants,
    parse_variant,
    variant_scenario,
)
from kamae.errors import KamaeError
from kamae.montecarlo import run_montecarlo
from kamae.results.statistics import paired_proportion_difference
from kamae.scenario import load_scenario
from kamae.uncertainty.capabilities import load_study, run_capabilities

WORSE = "worse interceptor: catalog.interceptors.test-upper.sspk.mrbm=0.3"


def _base(tmp_path: Path) -> Path:
    return write_scenario(tmp_path, one_layer_scenario(count=6, sspk=0.9, replications=12))


def test_a_variant_is_a_label_and_settings() -> None:
    v = parse_variant('no sensors: sensors=[]; fire_units[battery].inventory=4; name="a; b"')
    assert v.label == "no sensors"
    assert v.settings == ("sensors=[]", "fire_units[battery].inventory=4", 'name="a; b"')
    for bad in ("no colon here", ": sensors=[]", "label:", "a=b: sensors=[]"):
        with pytest.raises(KamaeError, match="--variant"):
            parse_variant(bad)


def test_a_variant_s_overrides_are_checked(tmp_path: Path) -> None:
    base = load_scenario(str(_base(tmp_path)))
    changed = variant_scenario(base, parse_variant(WORSE))
    assert changed.scenario.catalog.interceptors["test-upper"].sspk["mrbm"] == 0.3
    with pytest.raises(KamaeError, match="--variant typo: .*sspk_typo"):
        variant_scenario(base, parse_variant("typo: catalog.interceptors.test-upper.sspk_typo=1"))
    with pytest.raises(KamaeError, match="give one value"):
        variant_scenario(
            base, Variant("two", ("catalog.interceptors.test-upper.sspk.mrbm=0.3,0.5",))
        )


def test_variants_are_paired_with_the_base_and_written_to_a_folder(tmp_path: Path) -> None:
    """One salvo of 2 shots per threat, 6 threats: expected leakers 6·(1 - p)² (0.06 at
    SSPK 0.9, 2.94 at 0.3): the paired interval of the difference holds the closed form's
    +2.88; a variant that sets a field to its own value differs by exactly 0."""
    path = _base(tmp_path)
    same = "same: catalog.interceptors.test-upper.sspk.mrbm=0.9"
    result = compare_variants(
        str(path), [parse_variant(WORSE), parse_variant(same)], seed=5, out=tmp_path / "out"
    )
    assert result.replications == 12 and result.seed == 5
    worse, unchanged = result.variants
    alone = run_montecarlo(worse.loaded, 12, 5)
    assert worse.table.equals(alone.replications)  # common random numbers
    leaked = next(m for m in worse.metrics if m.metric == "threats_leaked").difference
    assert leaked.low <= 6 * (0.7**2 - 0.1**2) <= leaked.high and leaked.low > 0
    assert leaked.method == "paired student-t"
    p = next(m for m in worse.metrics if m.metric == "p_no_leak").difference
    assert p.method == "paired newcombe" and p.high < 0
    for m in unchanged.metrics:
        d = m.difference
        if m.metric == "p_no_leak":  # no discordant pair: 0, and a score interval around it
            assert d.estimate == 0 and d.low < 0 < d.high
        else:
            assert (d.estimate, d.low, d.high) == (0, 0, 0), m.metric
    folder = result.folder
    assert folder is not None and folder.parent == tmp_path / "out"
    doc = json.loads((folder / "comparison.json").read_text())
    assert doc["kind"] == "engine" and doc["headline"] == "threats_leaked"
    assert [v["folder"] for v in doc["variants"]] == [
        "variant-1-worse-interceptor",
        "variant-2-same",
    ]
    for sub in ("base", "variant-1-worse-interceptor", "variant-2-same"):
        assert (folder / sub / "summary.json").is_file()
        assert (folder / sub / "replications.parquet").is_file()
    written = yaml.safe_load((folder / "variant-1-worse-interceptor" / "scenario.yaml").read_text())
    assert written["catalog"]["interceptors"]["test-upper"]["sspk"]["mrbm"] == 0.3
    page = (folder / "comparison.html").read_text()
    assert result.report == folder / "comparison.html"
    assert "worse interceptor" in page and "paired 95% interval" in page


def test_the_cli_compares_variants_into_a_folder(tmp_path: Path) -> None:
    path = _base(tmp_path)
    runner = CliRunner()
    args = ["compare", str(path), "--variant", WORSE, "-n", "3", "--out", str(tmp_path / "o")]
    out = runner.invoke(app, [*args, "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    assert doc["base"] == "one-layer" and doc["replications"] == 3
    assert doc["variants"][0]["label"] == "worse interceptor"
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert "results:" in table.stdout and "B - A" in table.stdout
    bad = runner.invoke(app, ["compare", str(path), "--out", str(tmp_path / "o")])
    assert bad.exit_code == 2 and "at least one variant" in bad.output


def test_campaign_totals_sum_each_replication_s_steps() -> None:
    table = pa.table(
        {
            "replication": [0, 0, 1, 1],
            "step": [0, 1, 0, 1],
            "missiles_launched": [3, 2, 4, 1],
            "leakers": [1, 0, 2, 0],
            "interceptors_fired": [5, 3, 6, 2],
            "launchers_destroyed": [0, 1, 1, 1],
            "strike_missiles_fired": [0, 4, 0, 4],
            "launchers_alive": [10, 9, 10, 8],
            "fired.sm-3": [5, 3, 6, 2],
        }
    )
    totals = campaign_totals(table)
    assert totals.column("missiles_launched").to_pylist() == [5, 5]
    assert totals.column("leakers").to_pylist() == [1, 2]
    assert totals.column("fired.sm-3").to_pylist() == [8, 8]
    assert totals.column("launchers_alive_at_end").to_pylist() == [9, 8]


def test_the_bundled_study_s_every_variant_is_a_valid_scenario() -> None:
    """Every override of capabilities.yaml names a real field and gives a valid scenario."""
    from kamae.uncertainty.capabilities import _base

    study = load_study("capabilities")
    assert {q.id for q in study.questions} == {
        "allied-sensors", "early-warning-satellites", "jamming", "stand-off-range",
        "counterstrike", "more-interceptors",
    }  # fmt: skip
    for q in study.questions:
        base = _base(q)
        for v in q.as_variants():
            loaded = variant_scenario(base, v)
            assert loaded.text != base.text, (q.id, v.label)


def test_a_study_file_s_questions_are_answered_and_reported(tmp_path: Path) -> None:
    path = _base(tmp_path)
    study = {
        "description": "a test study",
        "questions": [
            {
                "id": "interceptor",
                "question": "What is a better interceptor worth?",
                "scenario": str(path),
                "base": {"catalog.interceptors.test-upper.sspk.mrbm": 0.3},
                "variants": [
                    {"label": "SSPK 0.9", "set": {"catalog.interceptors.test-upper.sspk.mrbm": 0.9}}
                ],
            }
        ],
    }
    file = tmp_path / "study.yaml"
    file.write_text(yaml.safe_dump(study), encoding="utf-8")
    result = run_capabilities(str(file), replications=4, seed=3, out=tmp_path / "out")
    assert result.folder is not None
    doc = json.loads((result.folder / "capabilities.json").read_text())
    (q,) = doc["questions"]
    assert q["base_settings"] == ["catalog.interceptors.test-upper.sspk.mrbm=0.3"]
    (row,) = q["headline"]
    assert row["variant"] == "SSPK 0.9" and row["difference"]["mean"] < 0
    assert (result.folder / "interceptor" / "comparison.json").is_file()
    page = (result.folder / "capabilities.html").read_text()
    assert "What is a better interceptor worth?" in page
    with pytest.raises(KamaeError, match="--question nope: no such question"):
        run_capabilities(str(file), questions=["nope"], out=None)
    bad = dict(study, questions=[dict(study["questions"][0], variants=[{"label": "x"}])])
    file.write_text(yaml.safe_dump(bad), encoding="utf-8")
    with pytest.raises(KamaeError, match="either set"):
        run_capabilities(str(file), out=None)


@pytest.mark.parametrize(("p_a", "p_b", "rho"), [(0.5, 0.6, 0.6), (0.9, 0.95, 0.3)])
def test_the_paired_proportion_interval_covers_at_its_level(
    p_a: float, p_b: float, rho: float
) -> None:
    """Newcombe's paired interval (method 10) at n = 50 over 2,000 seeded tables of
    correlated pairs: its coverage of p_b - p_a is at least 0.93 (Newcombe 1998 reports
    method 10 close to nominal, slightly conservative; 0.93 is 2.5 binomial standard errors
    below 0.95 at 2,000 tables)."""
    rng = np.random.default_rng(19)
    n, trials = 50, 2000
    # correlated Bernoulli pairs through a Gaussian copula
    cov = np.array([[1.0, rho], [rho, 1.0]])
    from scipy import stats

    za, zb = stats.norm.ppf(1 - p_a), stats.norm.ppf(1 - p_b)
    covered = 0
    for _ in range(trials):
        z = rng.multivariate_normal([0.0, 0.0], cov, n)
        a, b = (z[:, 0] > za).astype(float), (z[:, 1] > zb).astype(float)
        d = paired_proportion_difference(a, b)
        covered += d.low <= p_b - p_a <= d.high
    assert covered / trials >= 0.93
