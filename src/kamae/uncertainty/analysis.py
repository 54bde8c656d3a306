"""What a study's replications say: Sobol' indices and Morris screening (SALib), the split of
an output's variance into its aleatory and epistemic parts, and the tornado's swings.

The outputs of a point are means over its R replications (expected leakers, P(no leaker),
interceptors fired) or a ratio of totals (the cost-exchange ratio). With common random
numbers, replication i draws from the same stream at every point, so a point's output is a
deterministic function of the inputs (for those R streams); SALib's estimators then apply
to that function exactly, and it tends to the expected output as R grows.

Variance split (the law of total variance, Var Y = Var E[Y|X] + E Var(Y|X), X the uncertain
inputs): a study's rows form a points × replications table y[p, i]. With common random
numbers the design is crossed (replication i is the same stream at every point), and the
two-way random-effects ANOVA without replication gives unbiased estimates (Montgomery,
Design and Analysis of Experiments, 8th ed. 2013, sections 13.2 and 5.3.7):
Var E[Y|X] = (MS_points − MS_residual)/R, and E Var(Y|X) = the stream effect
(MS_replications − MS_residual)/P plus the interaction MS_residual. With independent
streams the design is nested and the one-way ANOVA applies: Var E[Y|X] =
(MS_between − MS_within)/R, E Var(Y|X) = MS_within. A negative estimate is reported as 0.
`noise_share` is the part of the variance of the points' outputs that the R replications
leave unaveraged (interaction / points mean square, or within / between): small means the
indices describe the inputs, not the luck of the draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kamae.arrays import FloatArray
from kamae.results.statistics import (
    Interval,
    mean_interval,
    paired_difference,
    paired_proportion_difference,
)
from kamae.uncertainty.design import Design


@dataclass(frozen=True)
class Output:
    """An output a study can analyse: a metric column averaged, or a ratio of two totals."""

    name: str
    label: str
    column: str
    denominator: str | None = None
    """A ratio of totals over a point's replications (cost exchange): this column's."""
    probability: bool = False


OUTPUTS: tuple[Output, ...] = (
    Output("expected_leakers", "expected leakers", "threats_leaked"),
    Output("p_no_leak", "P(no leaker)", "no_leak", probability=True),
    Output("interceptors_fired", "interceptors fired", "interceptors_fired"),
    Output(
        "cost_exchange",
        "cost-exchange ratio (interceptor cost / threat cost engaged)",
        "interceptor_cost_musd",
        denominator="threat_cost_engaged_musd",
    ),
)
BY_NAME = {o.name: o for o in OUTPUTS}


def point_values(output: Output, y: FloatArray, denominator: FloatArray | None) -> FloatArray:
    """The output of every point from its (points, replications) rows."""
    if output.denominator is None:
        return np.asarray(y.mean(axis=1), dtype=float)
    assert denominator is not None
    total = denominator.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, y.sum(axis=1) / np.where(total > 0, total, 1.0), np.nan)


def variance_split(y: FloatArray, *, common: bool) -> dict[str, float]:
    """The aleatory and epistemic parts of the variance of one output from its (points,
    replications) table; `common`: the replications share their streams across points."""
    p, r = y.shape
    if p < 2 or r < 2:
        raise ValueError("the variance split needs at least 2 points and 2 replications")
    grand = float(y.mean())
    rows = y.mean(axis=1)
    ms_points = r * float(np.sum((rows - grand) ** 2)) / (p - 1)
    if common:
        cols = y.mean(axis=0)
        ms_reps = p * float(np.sum((cols - grand) ** 2)) / (r - 1)
        resid = y - rows[:, None] - cols[None, :] + grand
        ms_res = float(np.sum(resid**2)) / ((p - 1) * (r - 1))
        epistemic = max((ms_points - ms_res) / r, 0.0)
        aleatory = max((ms_reps - ms_res) / p, 0.0) + ms_res
        noise = ms_res / ms_points if ms_points > 0 else 0.0
    else:
        ms_within = float(np.sum((y - rows[:, None]) ** 2)) / (p * (r - 1))
        epistemic = max((ms_points - ms_within) / r, 0.0)
        aleatory = ms_within
        noise = ms_within / ms_points if ms_points > 0 else 0.0
    total = epistemic + aleatory
    return {
        "mean": grand,
        "variance": total,
        "epistemic_variance": epistemic,
        "aleatory_variance": aleatory,
        "epistemic_share": epistemic / total if total > 0 else 0.0,
        "noise_share": min(noise, 1.0),
    }


def spread(values: FloatArray) -> dict[str, float]:
    """Percentiles of the points' outputs (the epistemic spread of the expected output)."""
    v = values[np.isfinite(values)]
    if v.size == 0:
        return {}
    q = np.percentile(v, [5, 50, 95])
    return {"p05": float(q[0]), "median": float(q[1]), "p95": float(q[2])}


def sobol_indices(design: Design, y: FloatArray, seed: int) -> list[dict[str, float]]:
    """First and total-order indices with their 95% bootstrap half-widths, per input
    (`SALib.analyze.sobol`: Saltelli et al. 2010's first-order and Jansen's total-order
    estimators)."""
    from SALib.analyze import sobol

    found = sobol.analyze(
        design.problem(),
        np.asarray(y, dtype=float),
        calc_second_order=design.second_order,
        num_resamples=200,
        seed=seed,
    )
    return [
        {
            "S1": float(found["S1"][j]),
            "S1_conf": float(found["S1_conf"][j]),
            "ST": float(found["ST"][j]),
            "ST_conf": float(found["ST_conf"][j]),
        }
        for j in range(len(design.names))
    ]


def morris_indices(design: Design, y: FloatArray, seed: int) -> list[dict[str, float]]:
    """Morris's mean absolute elementary effect mu* (with its 95% bootstrap half-width), the
    mean mu and the spread sigma per input, per unit of the grid (`SALib.analyze.morris`)."""
    from SALib.analyze import morris

    found = morris.analyze(
        design.problem(),
        design.unit,
        np.asarray(y, dtype=float),
        num_levels=design.levels,
        num_resamples=200,
        seed=seed,
    )
    return [
        {
            "mu_star": float(found["mu_star"][j]),
            "mu_star_conf": float(found["mu_star_conf"][j]),
            "mu": float(found["mu"][j]),
            "sigma": float(found["sigma"][j]),
        }
        for j in range(len(design.names))
    ]


def swing_difference(output: Output, central: FloatArray, moved: FloatArray) -> Interval:
    """An input's swing against the central point, replication by replication (common
    random numbers): paired-t for means, Newcombe's paired interval for P(no leaker)."""
    if output.probability:
        return paired_proportion_difference(central, moved)
    return paired_difference(central, moved)


def tornado_rows(
    output: Output,
    names: Sequence[str],
    swings: Sequence[tuple[float, float]],
    rows: dict[str, FloatArray],
    start: int,
) -> list[dict[str, Any]]:
    """One row per input, largest swing first: the output at the input's low and high
    values (others central) and the paired differences from the central point. Point
    `start` is the central point, then low and high of each input in turn."""
    if output.denominator is not None:
        return []
    y = rows[output.column]
    central = y[start]
    out = []
    for j, name in enumerate(names):
        low, high = y[start + 1 + 2 * j], y[start + 2 + 2 * j]
        d_low = swing_difference(output, central, low)
        d_high = swing_difference(output, central, high)
        out.append(
            {
                "name": name,
                "low_value": swings[j][0],
                "high_value": swings[j][1],
                "central": float(central.mean()),
                "at_low": mean_interval(low).as_dict(),
                "at_high": mean_interval(high).as_dict(),
                "low_minus_central": d_low.as_dict(),
                "high_minus_central": d_high.as_dict(),
                "range": abs(d_high.estimate - d_low.estimate),
            }
        )
    return sorted(out, key=lambda row: -float(row["range"]))
