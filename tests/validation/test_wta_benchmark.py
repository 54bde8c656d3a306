"""Validation of kamae.engagement.wta on the benchmark of Andersen, Pavlikov & Toffolo,
"Weapon-target assignment problem: exact and approximate solution algorithms", Annals of
Operations Research (2022), doi:10.1007/s10479-022-04525-6.

Instances and best-known objective values from ../shared/reference/wta (the authors' data/ and
logs/results.csv); skipped when that folder is absent. The heuristic runs with its defaults
(seed 0) and must come within 0.1% of the best-known value; its lower bound must lie below the
best-known value and below its own objective.

Best-known values are upper bounds, and not all are exact objectives: several come from the
authors' approximate formulations ("probchain" with delta = 0.001 or 0.0001 in
logs/results.csv), whose reported objective is the approximated one. Their branch-and-adjust
runs report the exact objective of their incumbent (its "CorrectObjectiveCallback" re-evaluates
the product); the least of those per instance is EXACT_UPPER below, copied from the same
logs/results.csv (tuliotoffolo/wta on GitHub). Example: for wta_150x300x2 the README's 103.1507
is probchain's 103.150726, while branch-and-adjust's exact 103.151031 is also our objective and,
to 1e-8, our lower bound. So the bound is checked strictly against EXACT_UPPER (slack 1e-7 for
its 6 decimals) and against the README with slack 5e-6.
wta_250x500x3 takes 6-15 s here and is marked slow; every other instance takes under 4 s.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kamae.engagement import wta


def _repo_root() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file():
            return parent
    return here.parents[2]


WTA_DIR = _repo_root().parent / "shared" / "reference" / "wta"

BEST_KNOWN = {  # from WTA_DIR/README.md (authors' logs/results.csv)
    "wta_50x100x1": 1734.3023,
    "wta_50x100x2": 123.8384,
    "wta_50x100x3": 20.5900,
    "wta_100x200x1": 2862.3028,
    "wta_100x200x2": 116.0574,
    "wta_100x200x3": 14.5791,
    "wta_150x300x1": 3740.4174,
    "wta_150x300x2": 103.1507,
    "wta_150x300x3": 11.4290,
    "wta_250x500x1": 6689.8278,
    "wta_250x500x2": 114.3507,
    "wta_250x500x3": 10.9598,
}
# Relative slack on "bound <= best known": the README's approximated values understate the
# exact objective by up to 3.0e-6 (wta_150x300x2).
BEST_KNOWN_SLACK = 5e-6
EXACT_UPPER = {  # least branch-and-adjust upper bound (exact objective) in logs/results.csv
    "wta_50x100x1": 1734.302278,
    "wta_50x100x2": 123.838458,
    "wta_50x100x3": 20.590016,
    "wta_100x200x1": 2862.302805,
    "wta_100x200x2": 116.057435,
    "wta_100x200x3": 14.579133,
    "wta_150x300x1": 3740.417477,
    "wta_150x300x2": 103.151031,
    "wta_150x300x3": 11.429016,
    "wta_250x500x1": 6689.831917,
    "wta_250x500x2": 114.350685,
    "wta_250x500x3": 10.95983,
}


def _instance(name: str) -> wta.Instance:
    path = WTA_DIR / f"{name}.txt"
    if not path.is_file():
        pytest.skip(f"benchmark instance absent: {path}")
    return wta.read_instance(path)


def _gap(result: wta.Assignment, name: str) -> float:
    return result.objective / BEST_KNOWN[name] - 1.0


def test_best_known_values_match_the_readme() -> None:
    readme = WTA_DIR / "README.md"
    if not readme.is_file():
        pytest.skip(f"benchmark folder absent: {WTA_DIR}")
    text = readme.read_text()
    for name, value in BEST_KNOWN.items():
        assert f"| {name} | {value:.4f} |" in text


@pytest.mark.parametrize(
    "name",
    [
        "wta_50x100x1",
        "wta_50x100x2",
        "wta_50x100x3",
        "wta_100x200x1",
        "wta_100x200x2",
        "wta_100x200x3",
    ],
)
def test_heuristic_within_0_1_percent_of_best_known(name: str) -> None:
    inst = _instance(name)
    target = BEST_KNOWN[name] * 1.001
    r = wta.solve_heuristic(inst.values, inst.p, inst.counts, stop_at=target)
    assert (r.x.sum(axis=1) == inst.counts).all()
    assert r.objective == pytest.approx(wta.objective(inst.values, inst.p, r.x), rel=1e-12)
    assert _gap(r, name) >= -1e-6  # the best-known values are optimal or nearly so
    assert _gap(r, name) <= 1e-3


@pytest.mark.parametrize(
    "name",
    [
        *[f"wta_{size}x{mu}" for size in ("50x100", "100x200", "150x300") for mu in (1, 2, 3)],
        "wta_250x500x1",
        "wta_250x500x2",
        pytest.param("wta_250x500x3", marks=pytest.mark.slow),
    ],
)
def test_default_run_is_within_0_1_percent_and_certifies_a_bound(name: str) -> None:
    inst = _instance(name)
    r = wta.solve_heuristic(inst.values, inst.p, inst.counts)
    assert (r.x.sum(axis=1) == inst.counts).all()
    assert r.objective <= 1.001 * BEST_KNOWN[name]
    assert 0.0 < r.lower_bound <= r.objective
    assert r.lower_bound <= BEST_KNOWN[name] * (1.0 + BEST_KNOWN_SLACK)
    assert r.lower_bound <= EXACT_UPPER[name] * (1.0 + 1e-7)
    assert r.gap <= 1e-3  # the bound certifies the 0.1% on every instance of the benchmark


# From the search-only heuristic, whose seeds 1 and 3 needed about 550 and 360 iterations here;
# with the bound and recombination they are within 0.1% after the first restricted master.
@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 3])
def test_hardest_instance_other_seeds_need_600_iterations(seed: int) -> None:
    inst = _instance("wta_100x200x3")
    target = BEST_KNOWN["wta_100x200x3"] * 1.001
    r = wta.solve_heuristic(
        inst.values, inst.p, inst.counts, iterations=600, seed=seed, stop_at=target
    )
    assert 0.0 <= _gap(r, "wta_100x200x3") <= 1e-3


def test_readers_agree_with_the_header() -> None:
    inst = _instance("wta_50x100x2")
    assert inst.p.shape == (50, 100)
    assert np.all(inst.counts == 2)
    assert inst.values.sum() == 5521
