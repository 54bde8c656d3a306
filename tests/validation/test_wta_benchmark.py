"""Validation of kamae.engagement.wta on the benchmark of Andersen, Pavlikov & Toffolo,
"Weapon-target assignment problem: exact and approximate solution algorithms", Annals of
Operations Research (2022), doi:10.1007/s10479-022-04525-6.

Instances and best-known objective values from ../shared/reference/wta (the authors' data/ and
logs/results.csv); skipped when that folder is absent. The heuristic runs with its defaults
(seed 0, at most 300 iterated-local-search iterations; `stop_at` ends the run once within 0.1%,
which only saves time) and must come within 0.1% of the best-known value.
Honest caveat: on wta_100x200x3 this is seed-dependent. Seeds 0 and 2 get there within 300
iterations (0.048%, 0.000%); seeds 1 and 3 stop at 0.28% and 0.24% and need about 550 and 360
iterations. The `slow` test checks those two seeds with 600 iterations.
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
