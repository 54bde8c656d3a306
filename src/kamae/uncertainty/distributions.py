"""Sampling the scenario format's distributions: the inverse of each cumulative distribution
function (inverse-transform sampling: a uniform quantile u in (0, 1) becomes the value
F⁻¹(u); Devroye, Non-Uniform Random Variate Generation, 1986, section II.2), and the low and
high ends a tornado chart swings each input between.

The designs (`kamae.uncertainty.design`) are drawn in the unit cube by SALib and carried to
each input's distribution here, so a Sobol', Morris or Latin hypercube design serves every
distribution the same way. Quantiles come from scipy.stats (`triang`, `truncnorm`, `norm`).
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from kamae.arrays import FloatArray
from kamae.scenario.uncertain import (
    AnyDistribution,
    LogNormal,
    ThreePoint,
    Triangular,
    TruncatedNormal,
    Uniform,
)

SWING_QUANTILES = (0.05, 0.95)
"""Where a tornado swings an input without bounds (the log-normal): its 5th and 95th
percentiles."""


def quantile(dist: AnyDistribution, u: FloatArray) -> FloatArray:
    """F⁻¹(u) of a distribution, elementwise (u in [0, 1]; the log-normal needs (0, 1))."""
    u = np.asarray(u, dtype=float)
    if isinstance(dist, Uniform):
        return np.asarray(dist.low + u * (dist.high - dist.low), dtype=float)
    if isinstance(dist, Triangular | ThreePoint):
        mode = dist.mode if isinstance(dist, Triangular) else dist.central_value
        width = dist.high - dist.low
        c = (mode - dist.low) / width
        return np.asarray(stats.triang.ppf(u, c, loc=dist.low, scale=width), dtype=float)
    if isinstance(dist, TruncatedNormal):
        a, b = (dist.low - dist.mean) / dist.sd, (dist.high - dist.mean) / dist.sd
        values = stats.truncnorm.ppf(u, a, b, loc=dist.mean, scale=dist.sd)
        return np.clip(np.asarray(values, dtype=float), dist.low, dist.high)
    return np.asarray(dist.median * np.exp(dist.sigma * stats.norm.ppf(u)), dtype=float)


def swing(dist: AnyDistribution) -> tuple[float, float]:
    """The low and high values of a tornado: the ends of a bounded distribution (a source's
    low and high for `three_point`), the 5th and 95th percentiles of a log-normal."""
    if isinstance(dist, LogNormal):
        low, high = quantile(dist, np.array(SWING_QUANTILES))
        return float(low), float(high)
    return dist.support()


def moments(dist: AnyDistribution) -> tuple[float, float]:
    """Mean and variance (scipy.stats), for checks and the docs' tables."""
    if isinstance(dist, Uniform):
        frozen = stats.uniform(loc=dist.low, scale=dist.high - dist.low)
    elif isinstance(dist, Triangular | ThreePoint):
        mode = dist.mode if isinstance(dist, Triangular) else dist.central_value
        width = dist.high - dist.low
        frozen = stats.triang((mode - dist.low) / width, loc=dist.low, scale=width)
    elif isinstance(dist, TruncatedNormal):
        a, b = (dist.low - dist.mean) / dist.sd, (dist.high - dist.mean) / dist.sd
        frozen = stats.truncnorm(a, b, loc=dist.mean, scale=dist.sd)
    else:
        frozen = stats.lognorm(dist.sigma, scale=dist.median)
    mean, var = frozen.stats(moments="mv")
    return float(mean), float(var)
