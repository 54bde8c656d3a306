"""Confidence intervals against hand-computed values; run folders never overwrite."""

from __future__ import annotations

import math
from pathlib import Path

import pyarrow as pa
import pytest

from kamae.errors import KamaeError
from kamae.results.files import is_temporary, staged, write_file_atomic, write_run_folder
from kamae.results.statistics import mean_interval, t_quantile, wilson_interval


def test_wilson_known_values() -> None:
    # Wilson (1927) score interval, z = 1.96, computed by hand from
    # (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n):
    # 0/10 -> [0, 0.2775]; 5/10 -> [0.2366, 0.7634]; 10/10 mirrors 0/10.
    zero = wilson_interval(0, 10)
    assert zero.low == 0.0 and zero.high == pytest.approx(0.27753, abs=1e-5)
    half = wilson_interval(5, 10)
    assert (half.low, half.high) == pytest.approx((0.23659, 0.76341), abs=1e-5)
    full = wilson_interval(10, 10)
    assert full.high == 1.0 and full.low == pytest.approx(1 - 0.27753, abs=1e-5)


def test_t_quantile_is_scipy_stats_t_ppf_and_the_table() -> None:
    from scipy import stats

    # Student-t table (e.g. Abramowitz & Stegun table 26.10): t(0.975; 9) = 2.262,
    # t(0.975; 1) = 12.706, t(0.95; 30) = 1.697.
    assert t_quantile(0.975, 9) == pytest.approx(2.2622, abs=1e-4)
    assert t_quantile(0.975, 1) == pytest.approx(12.706, abs=1e-3)
    assert t_quantile(0.95, 30) == pytest.approx(1.6973, abs=1e-4)
    for nu in (1, 2, 5, 15, 99, 999, 7.3):  # Welch's fractional degrees of freedom too
        assert t_quantile(0.975, nu) == float(stats.t.ppf(0.975, nu))  # the same floats


def test_mean_interval_student_t() -> None:
    values = [1.0, 2.0, 3.0, 4.0]
    iv = mean_interval(values)
    half = 3.182446305284263 * math.sqrt(5 / 3) / 2  # t_{0.975, 3} * s / sqrt(n)
    assert iv.estimate == 2.5
    assert (iv.low, iv.high) == pytest.approx((2.5 - half, 2.5 + half))


def test_run_folder_is_never_overwritten(tmp_path: Path) -> None:
    table = pa.table({"a": [1, 2]})
    first = write_run_folder(tmp_path, "run", {"x.json": {"v": 1}}, {"t.parquet": table})
    second = write_run_folder(tmp_path, "run", {"x.json": {"v": 2}}, {"t.parquet": table})
    assert first.name == "run" and second.name == "run-2"
    assert (first / "x.json").read_text().strip().endswith("}")
    assert '"v": 1' in (first / "x.json").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "run-2"]


def test_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    class Boom:
        pass

    with pytest.raises(TypeError):
        write_run_folder(tmp_path, "run", {"x.json": {"bad": Boom()}}, {})
    assert list(tmp_path.iterdir()) == []


def test_unwritable_parent_is_a_user_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(KamaeError, match="cannot create the output folder"):
        write_run_folder(blocker / "sub", "run", {}, {})


def test_a_file_is_replaced_whole_and_a_failure_leaves_the_old_one(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    write_file_atomic(path, "first")
    write_file_atomic(path, b"second", durable=True)
    assert path.read_text() == "second"
    with pytest.raises(RuntimeError), staged(path) as tmp:
        tmp.write_text("half")
        assert is_temporary(tmp) and tmp.parent == tmp_path
        raise RuntimeError("killed mid-write")
    assert path.read_text() == "second"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_an_unwritable_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(KamaeError, match="missing/x.json: cannot write"):
        write_file_atomic(tmp_path / "missing" / "x.json", "{}")


def test_a_count_interval_stays_within_its_support() -> None:
    values = [0.0] * 15 + [1.0]  # one leaker in 16 replications
    free = mean_interval(values)
    kept = mean_interval(values, support=(0.0, float("inf")))
    assert free.low < 0.0  # the plain t interval reaches below zero
    assert kept.low == 0.0 and kept.high == free.high and kept.estimate == free.estimate
