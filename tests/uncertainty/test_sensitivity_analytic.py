"""Sobol' indices and Morris screening through the study's own code path (inputs, design,
quantile transform, SALib's analysis) on functions whose indices are known in closed form,
and the variance split on data whose parts are known.

- Ishigami function f = sin x1 + a sin² x2 + b x3⁴ sin x1, x_i uniform on [-π, π], a = 7,
  b = 0.1: S = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437) (Ishigami & Homma 1990;
  the values in Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, and in SALib's
  own test suite). Tolerance 0.03 at N = 1024 (5,120 evaluations; the errors measured
  there are at most 0.013, docs/uncertainty.md).
- Layered leakage, expected leakers n·(1 - p1)·(1 - p2) with uniform SSPKs: indices by hand
  (`uncertain_scenarios.layered_indices`). Tolerance 0.02 at N = 1024.
- Morris on a linear function: every elementary effect is a_i·w_i·(p - 1)/p on the quantile
  grid (levels at (j + 1/2)/p), so mu* is that exactly.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from uncertain_scenarios import LOWER_RANGE, UPPER_RANGE, layered_indices

from kamae.errors import KamaeError
from kamae.scenario.uncertain import LogNormal, Triangular, TruncatedNormal, Uniform
from kamae.streams import bootstrap_seed
from kamae.uncertainty.analysis import morris_indices, sobol_indices, variance_split
from kamae.uncertainty.design import design_size, make_design
from kamae.uncertainty.distributions import moments, quantile, swing
from kamae.uncertainty.inputs import Input

ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)


def _uniform(name: str, low: float, high: float) -> Input:
    return Input(
        name, Uniform(distribution="uniform", low=low, high=high, source="test"), False, None
    )


def _values(design, inputs: list[Input]) -> np.ndarray:
    return np.column_stack([i.values(design.quantiles[:, j]) for j, i in enumerate(inputs)])


def test_ishigami_indices() -> None:
    inputs = [_uniform(f"x{i}", -math.pi, math.pi) for i in range(3)]
    design = make_design("sobol", [i.name for i in inputs], 1024, seed=7)
    assert len(design) == design_size("sobol", 3, 1024) == 1024 * 5
    x = _values(design, inputs)
    y = np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])
    found = sobol_indices(design, y, bootstrap_seed(7))
    for j in range(3):
        assert found[j]["S1"] == pytest.approx(ISHIGAMI_S1[j], abs=0.03), (j, found[j])
        assert found[j]["ST"] == pytest.approx(ISHIGAMI_ST[j], abs=0.03), (j, found[j])
        # the analytic value lies inside SALib's bootstrap interval
        assert abs(found[j]["S1"] - ISHIGAMI_S1[j]) <= found[j]["S1_conf"]
        assert abs(found[j]["ST"] - ISHIGAMI_ST[j]) <= found[j]["ST_conf"]


def test_the_study_path_gives_salib_s_own_indices_on_ishigami() -> None:
    """The study's path (a unit-cube design carried to each input by its quantile) gives the
    indices SALib computes on its own (its sampler scaling the bounds itself), same seed."""
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    from kamae.streams import epistemic_generator

    inputs = [_uniform(f"x{i}", -math.pi, math.pi) for i in range(3)]
    design = make_design("sobol", [i.name for i in inputs], 256, seed=7)
    x = _values(design, inputs)
    problem = {"num_vars": 3, "names": ["x0", "x1", "x2"], "bounds": [[-math.pi, math.pi]] * 3}
    own = sample.sample(problem, 256, calc_second_order=False, seed=epistemic_generator(7))
    assert own == pytest.approx(x, abs=1e-9)

    def ishigami(v: np.ndarray) -> np.ndarray:
        return np.sin(v[:, 0]) + 7 * np.sin(v[:, 1]) ** 2 + 0.1 * v[:, 2] ** 4 * np.sin(v[:, 0])

    ref = analyze.analyze(problem, ishigami(own), calc_second_order=False, seed=bootstrap_seed(7))
    found = sobol_indices(design, ishigami(x), bootstrap_seed(7))
    for j in range(3):
        assert found[j]["S1"] == pytest.approx(float(ref["S1"][j]), abs=1e-9)
        assert found[j]["ST"] == pytest.approx(float(ref["ST"][j]), abs=1e-9)


@pytest.mark.parametrize("shots", [(1, 1), (2, 1)])
def test_layered_leakage_indices_against_the_hand_decomposition(shots: tuple[int, int]) -> None:
    inputs = [_uniform("upper", *UPPER_RANGE), _uniform("lower", *LOWER_RANGE)]
    design = make_design("sobol", ["upper", "lower"], 1024, seed=2027)
    p = _values(design, inputs)
    y = 8 * (1 - p[:, 0]) ** shots[0] * (1 - p[:, 1]) ** shots[1]
    found = sobol_indices(design, y, bootstrap_seed(2027))
    expected = layered_indices(UPPER_RANGE, LOWER_RANGE, shots)
    for j, layer in enumerate(("upper", "lower")):
        assert found[j]["S1"] == pytest.approx(expected[f"S1_{layer}"], abs=0.02)
        assert found[j]["ST"] == pytest.approx(expected[f"ST_{layer}"], abs=0.02)
    # the interaction the product carries: ST - S1 is v1·v2 / Var for both layers
    gap = expected["ST_upper"] - expected["S1_upper"]
    assert gap == pytest.approx(expected["ST_lower"] - expected["S1_lower"]) and gap > 0.05


def test_the_hand_decomposition_sums_to_one() -> None:
    e = layered_indices(UPPER_RANGE, LOWER_RANGE)
    interaction = e["ST_upper"] - e["S1_upper"]
    assert e["S1_upper"] + e["S1_lower"] + interaction == pytest.approx(1.0)
    assert e["S1_upper"] == pytest.approx(0.5682, abs=1e-4)
    assert e["S1_lower"] == pytest.approx(0.3636, abs=1e-4)


@pytest.mark.parametrize("levels", [4, 6])
def test_morris_mu_star_of_a_linear_function(levels: int) -> None:
    coef = np.array([3.0, -1.0, 0.0])
    widths = np.array([2.0, 10.0, 1.0])
    inputs = [_uniform(f"x{i}", 0.0, w) for i, w in enumerate(widths)]
    design = make_design("morris", [i.name for i in inputs], 12, seed=3, levels=levels)
    assert len(design) == design_size("morris", 3, 12) == 12 * 4
    y = _values(design, inputs) @ coef
    found = morris_indices(design, y, bootstrap_seed(3))
    expected = np.abs(coef) * widths * (levels - 1) / levels
    for j in range(3):
        assert found[j]["mu_star"] == pytest.approx(expected[j], rel=1e-9, abs=1e-9)
        assert found[j]["sigma"] == pytest.approx(0.0, abs=1e-9)


def test_designs_are_deterministic_and_checked() -> None:
    a = make_design("sobol", ["x", "y"], 8, seed=1)
    b = make_design("sobol", ["x", "y"], 8, seed=1)
    assert np.array_equal(a.unit, b.unit)
    assert not np.array_equal(a.unit, make_design("sobol", ["x", "y"], 8, seed=2).unit)
    assert a.sample_rows().tolist() == [r for k in range(8) for r in (4 * k, 4 * k + 3)]
    lhs = make_design("latin", ["x"], 10, seed=1)
    strata = np.sort(np.floor(lhs.unit[:, 0] * 10))
    assert strata.tolist() == list(range(10))  # one point per stratum
    with pytest.raises(KamaeError, match="power of 2"):
        make_design("sobol", ["x"], 48, seed=1)
    with pytest.raises(KamaeError, match="expected one of sobol, morris, latin"):
        make_design("fast", ["x"], 8, seed=1)
    with pytest.raises(KamaeError, match="even number of levels"):
        make_design("morris", ["x"], 8, seed=1, levels=3)


@pytest.mark.parametrize(
    "dist",
    [
        Uniform(distribution="uniform", low=2, high=5, source="t"),
        Triangular(distribution="triangular", low=0, mode=0.8, high=1, source="t"),
        TruncatedNormal(distribution="truncated_normal", mean=1, sd=2, low=0, high=3, source="t"),
        LogNormal(distribution="lognormal", median=0.1, sigma=0.5, source="t"),
    ],
)
def test_inverse_transform_sampling_has_the_distribution_s_moments(dist: object) -> None:
    u = (np.arange(200_000) + 0.5) / 200_000  # a fine quantile grid: the integral of F⁻¹
    x = quantile(dist, u)  # type: ignore[arg-type]
    mean, var = moments(dist)  # type: ignore[arg-type]
    assert x.mean() == pytest.approx(mean, rel=2e-3)
    assert x.var() == pytest.approx(var, rel=2e-2)
    low, high = dist.support()  # type: ignore[attr-defined]
    assert low <= x.min() and x.max() <= high
    lo, hi = swing(dist)  # type: ignore[arg-type]
    assert lo < dist.central < hi  # type: ignore[attr-defined]


def _two_level(
    p: int, r: int, epistemic: float, aleatory: float, common: bool, seed: int
) -> np.ndarray:
    """y[p, i] = a(X_p) + b(ω_i) + e(X_p, ω_i): Var a = epistemic, Var b + Var e = aleatory
    (half each with common streams; independent streams: all noise is e)."""
    rng = np.random.default_rng(seed)
    a = rng.normal(0.0, math.sqrt(epistemic), (p, 1))
    if common:
        b = rng.normal(0.0, math.sqrt(aleatory / 2), (1, r))
        e = rng.normal(0.0, math.sqrt(aleatory / 2), (p, r))
        return a + b + e
    return a + rng.normal(0.0, math.sqrt(aleatory), (p, r))


@pytest.mark.parametrize("common", [True, False])
def test_the_variance_split_recovers_known_parts(common: bool) -> None:
    """Averaged over 200 studies of 64 points × 16 replications, the estimates are within
    3 standard errors of the parts the data were drawn with (unbiased estimators)."""
    found = [
        variance_split(_two_level(64, 16, 0.4, 1.6, common, seed), common=common)
        for seed in range(200)
    ]
    for key, truth in (("epistemic_variance", 0.4), ("aleatory_variance", 1.6)):
        values = np.array([f[key] for f in found])
        se = values.std(ddof=1) / math.sqrt(values.size)
        assert abs(values.mean() - truth) < 3 * se + 1e-3, (key, values.mean(), se)
    share = np.mean([f["epistemic_share"] for f in found])
    assert share == pytest.approx(0.2, abs=0.02)


def test_common_streams_remove_the_shared_luck_from_the_epistemic_part() -> None:
    """With common random numbers a stream effect is the same at every point: the crossed
    split sees it as aleatory; the nested one would count it as epistemic only through
    noise, never here (no stream effect without common streams)."""
    y = _two_level(64, 16, 0.0, 2.0, True, seed=5)
    split = variance_split(y, common=True)
    assert split["epistemic_variance"] < 0.05
    assert split["aleatory_variance"] == pytest.approx(2.0, rel=0.3)
