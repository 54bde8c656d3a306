"""The cost-exchange ratio: what the interceptors fired cost against what the threats they
engaged cost, with its replication interval and the range the interceptor and threat cost
ranges give.

The ratio is of totals over replications, R = ΣX / ΣY (X: interceptor cost fired, Y: unit
cost of the threats engaged, a threat being engaged once an interceptor was fired at it), with
the delta-method 95% interval of a ratio of means, var(R) ≈ var(X − R·Y) / (n·mean(Y)²)
(Cochran, Sampling Techniques, 3rd ed., 1977, §6.3). The threat costs are ranges (low,
central, high; `catalog.threats.<name>`): the central costs give the ratio and its interval,
the high costs the ratio's low end and the low costs its high end, each with its own interval,
so that `ratio_range_ci95` spans both the Monte Carlo and the cost uncertainty. Interceptor
costs are ranges too (`catalog.interceptors.<name>`): the range's low end prices the rounds
fired at the interceptors' low costs against the threats' high costs, its high end the
interceptors' high against the threats' low. Neglected: launcher, sensor and
development costs, and the value of what a leaker hits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kamae.arrays import FloatArray

Z95 = 1.959963984540054
"""The standard normal's 97.5% quantile."""

DEFINITION = (
    "sum over replications of the interceptors fired x their unit cost, over the sum of the "
    "unit costs of the threats engaged (a threat at which at least one interceptor was fired)"
)


@dataclass(frozen=True)
class ThreatCost:
    """A threat type's unit-cost range, million USD, and what it counts."""

    low_musd: float
    central_musd: float
    high_musd: float
    basis: str
    """flyaway or with_support (`kamae.scenario.base.CostBasis`)."""
    verified: bool
    """The central figure is a published estimate for the class."""

    def as_dict(self) -> dict[str, object]:
        return {
            "low_musd": self.low_musd,
            "central_musd": self.central_musd,
            "high_musd": self.high_musd,
            "basis": self.basis,
            "verified": self.verified,
        }


def ratio_of_totals(fired: FloatArray, threat: FloatArray) -> tuple[float, list[float] | None]:
    """ΣX/ΣY over replications and its delta-method 95% interval (None with one replication);
    `threat` must have a positive sum."""
    ratio = float(fired.sum() / threat.sum())
    n = fired.size
    if n < 2:
        return ratio, None
    spread = float(np.std(fired - ratio * threat, ddof=1))
    half = Z95 * spread / (np.sqrt(n) * float(threat.mean()))
    return ratio, [ratio - half, ratio + half]


def engaged_by_type(
    events: pa.Table, warhead_type: Mapping[str, str], replications: Sequence[int]
) -> dict[str, FloatArray]:
    """Per threat type, the warheads engaged in each replication (in `replications` order):
    distinct warheads named by a `launch` event (decoys and debris are not in
    `warhead_type` and are not counted)."""
    row = {r: i for i, r in enumerate(replications)}
    counts = {name: np.zeros(len(replications)) for name in sorted(set(warhead_type.values()))}
    seen: set[tuple[int, str]] = set()
    kinds = events.column("kind").to_pylist()
    reps = events.column("replication").to_pylist()
    threats = events.column("threat").to_pylist()
    for kind, r, threat in zip(kinds, reps, threats, strict=True):
        if kind != "launch" or threat not in warhead_type or (r, threat) in seen:
            continue
        seen.add((r, threat))
        counts[warhead_type[threat]][row[r]] += 1.0
    return counts


def cost_range(
    fired: FloatArray,
    engaged: Mapping[str, FloatArray],
    costs: Mapping[str, ThreatCost],
    fired_range: tuple[FloatArray, FloatArray] | None = None,
) -> dict[str, object]:
    """The cost-exchange ratio at the low and high ends of both cost ranges: interceptors at
    their low and threats at their high costs (the range's low end), interceptors high and
    threats low (its high end), each with its replication interval, and their envelope
    `ratio_range_ci95`. `fired_range`: the interceptor cost fired per replication at the low
    and at the high interceptor costs (None: `fired`, the central, for both). Null fields
    when a type engaged has no cost or no threat was engaged."""
    doc: dict[str, object] = {
        "ratio_range": None,
        "ratio_range_ci95": None,
        "threat_unit_costs_musd": {name: costs[name].as_dict() for name in sorted(costs)},
        "definition": DEFINITION,
    }
    used = {name: values for name, values in engaged.items() if values.sum() > 0}
    if not used or any(name not in costs for name in used):
        return doc
    low = sum(values * costs[name].low_musd for name, values in used.items())
    high = sum(values * costs[name].high_musd for name, values in used.items())
    assert isinstance(low, np.ndarray) and isinstance(high, np.ndarray)
    cheap, dear = fired_range if fired_range is not None else (fired, fired)
    at_high, ci_high = ratio_of_totals(cheap, high)  # dear threats: the ratio's low end
    at_low, ci_low = ratio_of_totals(dear, low)
    doc["ratio_range"] = [at_high, at_low]
    if ci_high is not None and ci_low is not None:
        doc["ratio_range_ci95"] = [ci_high[0], ci_low[1]]
    return doc


def exchange_rows(summary: Mapping[str, object]) -> list[tuple[str, str, str]]:
    """(label, value, 95% interval) lines of a summary's cost-exchange for a results table:
    the ratio at the central costs with its replication interval (`cost_exchange`), then its
    range over the interceptor and threat cost ranges with the envelope of both ends' intervals
    (`cost_exchange_range`); `n/a` with the reason when null."""
    doc = summary.get("cost_exchange")
    if not isinstance(doc, Mapping):
        return []
    ratio, ci = doc.get("ratio"), doc.get("ratio_ci95")
    if not isinstance(ratio, float):
        return [("cost-exchange ratio", "n/a", str(doc.get("reason") or ""))]
    rows = [("cost-exchange (interceptor/threat)", f"{ratio:.3g}", _pair(ci))]
    extra = summary.get("cost_exchange_range")
    extra = extra if isinstance(extra, Mapping) else {}
    span, outer = extra.get("ratio_range"), extra.get("ratio_range_ci95")
    if isinstance(span, list):
        rows.append(("  over the cost ranges", _pair(span, "–"), _pair(outer)))
    return rows


def _pair(values: object, sep: str = ", ") -> str:
    if not isinstance(values, list):
        return ""
    lo, hi = values
    return f"{lo:.3g}{sep}{hi:.3g}" if sep != ", " else f"[{lo:.3g}, {hi:.3g}]"
