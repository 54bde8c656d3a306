"""Monte Carlo statistics with 95% confidence intervals.

- Means: Student-t interval, mean ± t_{0.975, n-1}·s/sqrt(n).
- Proportions: Wilson score interval (Wilson 1927, JASA 22; recommended over the Wald interval
  by Brown, Cai & DasGupta 2001, Statistical Science 16), which stays inside [0, 1] and is
  sensible at 0 or n successes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special

Z95 = 1.959963984540054
"""Two-sided 95% standard normal quantile."""


@dataclass(frozen=True)
class Interval:
    """An estimate with its 95% confidence interval."""

    estimate: float
    low: float
    high: float
    method: str

    def as_dict(self) -> dict[str, object]:
        return {
            "mean": _clean(self.estimate),
            "ci95": [_clean(self.low), _clean(self.high)],
            "method": self.method,
        }


def _clean(x: float) -> float:
    """Round to 12 significant digits so that summaries compare stably as text."""
    return float(f"{x:.12g}")


def t_quantile(p: float, nu: float) -> float:
    """Student-t quantile of probability p at nu degrees of freedom: `scipy.special.stdtrit`,
    the function `scipy.stats.t.ppf` evaluates (the same floats, without importing
    scipy.stats, the larger part of a run's start-up)."""
    return float(special.stdtrit(nu, p))


def mean_interval(
    values: npt.ArrayLike,
    confidence: float = 0.95,
    support: tuple[float, float] = (-math.inf, math.inf),
) -> Interval:
    """Sample mean and its Student-t confidence interval, intersected with the `support` the
    mean is known to lie in (e.g. [0, ∞) for counts: a t interval can reach below 0 when few
    replications vary; intersecting with the parameter space never lowers its coverage)."""
    v = np.asarray(values, dtype=float)
    n = v.size
    if n == 0:
        raise ValueError("no values")
    mean = float(np.mean(v))
    if n == 1:
        return Interval(mean, mean, mean, "student-t")
    sd = float(np.std(v, ddof=1))
    half = t_quantile(0.5 + confidence / 2.0, n - 1) * sd / math.sqrt(n)
    low, high = max(mean - half, support[0]), min(mean + half, support[1])
    return Interval(mean, low, high, "student-t")


def wilson_interval(successes: int, trials: int, z: float = Z95) -> Interval:
    """Proportion successes/trials and its Wilson score interval."""
    if trials <= 0:
        raise ValueError("trials must be positive")
    if not 0 <= successes <= trials:
        raise ValueError("successes must lie in [0, trials]")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z / (1 + z2 / trials) * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return Interval(p, low, high, "wilson")


def paired_difference(a: npt.ArrayLike, b: npt.ArrayLike, confidence: float = 0.95) -> Interval:
    """Mean of b - a over paired samples (common random numbers: replication i of each)
    with the paired Student-t interval, mean(d) ± t_{0.975, n-1}·s_d/sqrt(n) (Law,
    Simulation Modeling and Analysis, 5th ed. 2015, section 10.2.1)."""
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape:
        raise ValueError("paired samples must have the same length")
    d = mean_interval(y - x, confidence)
    return Interval(d.estimate, d.low, d.high, "paired student-t")


def paired_proportion_difference(a: npt.ArrayLike, b: npt.ArrayLike, z: float = Z95) -> Interval:
    """p_b - p_a of paired 0/1 outcomes with Newcombe's score interval for paired data
    (Newcombe 1998, "Improved confidence intervals for the difference between binomial
    proportions based on paired data", Statistics in Medicine 17, method 10): the Wilson
    intervals of both proportions, combined with the correlation phi of the 2×2 table of
    pairs (continuity-corrected towards 0). Stays inside [-1, 1]."""
    x = np.asarray(a, dtype=float) > 0.5
    y = np.asarray(b, dtype=float) > 0.5
    if x.shape != y.shape or x.size == 0:
        raise ValueError("paired samples must have the same, non-zero length")
    n = int(x.size)
    both, only_b = int(np.sum(x & y)), int(np.sum(y & ~x))
    only_a, neither = int(np.sum(x & ~y)), int(np.sum(~x & ~y))
    margins = (both + only_b) * (only_a + neither) * (both + only_a) * (only_b + neither)
    phi = 0.0
    if margins > 0:
        cross = both * neither - only_b * only_a
        phi = (max(cross - n / 2.0, 0.0) if cross > 0 else cross) / math.sqrt(margins)
    wb, wa = wilson_interval(both + only_b, n, z), wilson_interval(both + only_a, n, z)
    d = wb.estimate - wa.estimate
    lb, ub = wb.estimate - wb.low, wb.high - wb.estimate
    la, ua = wa.estimate - wa.low, wa.high - wa.estimate
    low = d - math.sqrt(max(lb**2 - 2.0 * phi * lb * ua + ua**2, 0.0))
    high = d + math.sqrt(max(ub**2 - 2.0 * phi * ub * la + la**2, 0.0))
    return Interval(d, max(low, -1.0), min(high, 1.0), "paired newcombe")
