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
from scipy import stats

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
    half = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) * sd / math.sqrt(n)
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
