"""How numbers with 95% intervals are written, in the terminal and in reports: one rule.

The interval's width chooses the digits: the estimate and both bounds are written to the
decimal place of the width's second significant digit (the convention of quoting an
uncertainty to two significant figures, e.g. the Particle Data Group's rounding rules,
Review of Particle Physics, "Introduction: rounding"), so that `0.49 [0.36, 0.62]` and
`18.14 [17.95, 18.33]` show what the replications resolve and nothing more. An interval of
zero width (every replication gave the same value) writes the value with up to
`EXACT_DIGITS` significant digits. A rounded value never shows as `-0`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

MAX_DECIMALS = 6
"""Most decimal places written (an interval narrower than 1e-6 is written to 1e-6)."""
EXACT_DIGITS = 4
"""Significant digits of a value whose interval has zero width."""


def decimals_for(low: float, high: float) -> int:
    """Decimal places that show the width `high - low` to two significant digits."""
    width = abs(high - low)
    if not math.isfinite(width) or width == 0.0:
        return -1
    return max(0, min(MAX_DECIMALS, 1 - math.floor(math.log10(width))))


def fixed(x: float, decimals: int, *, signed: bool = False, percent: bool = False) -> str:
    """`x` with `decimals` decimal places (as a percentage with `percent`), never `-0`;
    `decimals < 0` writes `EXACT_DIGITS` significant digits."""
    if not math.isfinite(x):
        return str(x)
    value = 100.0 * x if percent else x
    if decimals < 0:
        text = f"{value:.{EXACT_DIGITS}g}"
        if "e" not in text and "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = f"{value:.{decimals}f}"
    if text.lstrip("-").strip("0.") == "":  # a rounded zero: no sign
        text = text.lstrip("-")
    elif signed and not text.startswith("-"):
        text = "+" + text
    return text + ("%" if percent else "")


def estimate_parts(
    mean: float, low: float, high: float, *, signed: bool = False, percent: bool = False
) -> tuple[str, str]:
    """(estimate, `[low, high]`) written to the digits the interval's width chooses."""
    d = decimals_for(100 * low if percent else low, 100 * high if percent else high)
    if d < 0 and low == high == mean:
        exact = fixed(mean, -1, signed=signed, percent=percent)
        return exact, f"[{exact}, {exact}]"
    if d < 0:
        d = MAX_DECIMALS
    lo = fixed(low, d, signed=signed, percent=percent)
    hi = fixed(high, d, signed=signed, percent=percent)
    return fixed(mean, d, signed=signed, percent=percent), f"[{lo}, {hi}]"


def estimate_text(
    mean: float, low: float, high: float, *, signed: bool = False, percent: bool = False
) -> str:
    """`estimate [low, high]` in one string (see `estimate_parts`)."""
    m, interval = estimate_parts(mean, low, high, signed=signed, percent=percent)
    return f"{m} {interval}"


def stat_parts(stat: Mapping[str, Any], *, percent: bool = False) -> tuple[str, str]:
    """`estimate_parts` of a summary entry `{"mean": m, "ci95": [lo, hi]}`."""
    lo, hi = stat["ci95"]
    return estimate_parts(float(stat["mean"]), float(lo), float(hi), percent=percent)


def stat_text(stat: Mapping[str, Any], *, percent: bool = False) -> str:
    """`estimate_text` of a summary entry `{"mean": m, "ci95": [lo, hi]}`."""
    m, interval = stat_parts(stat, percent=percent)
    return f"{m} {interval}"


def count_noun(count: int, singular: str, plural: str | None = None) -> str:
    """`1 defended asset`, `2 defended assets`: a count with its noun in the right number."""
    return f"{count} {singular if count == 1 else plural or singular + 's'}"
