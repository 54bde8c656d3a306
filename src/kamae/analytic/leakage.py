"""Layered-defense leakage: the probability that a threat gets through every layer.

Model: layer i sees a threat with probability Pd_i and fires n_i independent shots, each killing
with probability SSPK_i, so P_leak = prod_i [1 - Pd_i (1 - (1 - SSPK_i)^n_i)]; N threats leak
independently, expected leakers N P_leak, P(no leakers) = (1 - P_leak)^N. Source: D. Wilkening,
"A Simple Model for Calculating Ballistic Missile Defense Effectiveness", Science & Global
Security 8(2), 1999/2000 (read secondarily in S. Yusufov, "Missile Defense is NP-Complete", 2026).
Neglected: correlation between layers (a layer does not learn from an earlier miss), inventory
limits, timing, and shots as a continuous quantity (whole numbers are the caller's choice).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import cast

from kamae.errors import KamaeError

__all__ = ["LayeredLeakage", "layered_leakage"]


def _probability(name: str, value: float) -> float:
    """`value` as a float in [0, 1], or a KamaeError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise KamaeError(f"{name}: expected a probability in [0, 1], got {value!r}")
    v = float(value)
    if not 0.0 <= v <= 1.0:
        raise KamaeError(f"{name}: expected a probability in [0, 1], got {value!r}")
    return v


def _shots(name: str, value: float) -> float:
    """`value` as a finite float >= 0, or a KamaeError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise KamaeError(f"{name}: expected a number of shots >= 0, got {value!r}")
    v = float(value)
    if not (math.isfinite(v) and v >= 0.0):
        raise KamaeError(f"{name}: expected a number of shots >= 0, got {value!r}")
    return v


def _count(name: str, value: int, least: int) -> int:
    """`value` as an int >= least, or a KamaeError naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < least:
        raise KamaeError(f"{name}: expected a whole number >= {least}, got {value!r}")
    return int(value)


def _per_layer(name: str, value: float | Sequence[float], layers: int) -> list[float]:
    if isinstance(value, numbers.Real):
        return [cast(float, value)] * layers
    values = list(cast(Iterable[float], value))
    if len(values) != layers:
        raise KamaeError(f"{name}: expected one value per layer ({layers}), got {len(values)}")
    return values


def _layers(*values: float | Sequence[float]) -> int:
    lengths = {
        len(list(cast(Iterable[float], v))) for v in values if not isinstance(v, numbers.Real)
    }
    if len(lengths) > 1:
        raise KamaeError(f"sspk, shots, p_detect: layer lists differ in length {sorted(lengths)}")
    layers = lengths.pop() if lengths else 1
    if layers == 0:
        raise KamaeError("sspk: expected at least one layer")
    return layers


@dataclass(frozen=True)
class LayeredLeakage:
    """Outcome of a layered defense against `threats` independent threats."""

    layer_kill: tuple[float, ...]
    """Per layer: probability that it kills a threat reaching it, Pd_i [1 - (1 - SSPK_i)^n_i]."""
    p_leak: float
    """Probability that one threat survives every layer."""
    threats: int
    expected_leakers: float
    p_no_leakers: float

    @property
    def p_kill(self) -> float:
        """Probability that one threat is killed by some layer."""
        return 1.0 - self.p_leak

    def p_at_most(self, leakers: int) -> float:
        """Probability of at most `leakers` leakers (binomial in the threats)."""
        k_max = _count("leakers", leakers, 0)
        n, p = self.threats, self.p_leak
        if k_max >= n or p == 0.0:
            return 1.0
        if p == 1.0:
            return 0.0
        log_p, log_q = math.log(p), math.log1p(-p)
        lg_n = math.lgamma(n + 1)
        total = sum(
            math.exp(
                lg_n - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * log_p + (n - k) * log_q
            )
            for k in range(k_max + 1)
        )
        return min(1.0, total)


def layered_leakage(
    sspk: float | Sequence[float],
    shots: float | Sequence[float],
    p_detect: float | Sequence[float] = 1.0,
    threats: int = 1,
) -> LayeredLeakage:
    """Leakage through independent layers; scalars apply to every layer, lists give one value
    per layer (outermost first; the order does not change the result)."""
    layers = _layers(sspk, shots, p_detect)
    ss = [_probability("sspk", s) for s in _per_layer("sspk", sspk, layers)]
    nn = [_shots("shots", n) for n in _per_layer("shots", shots, layers)]
    pd = [_probability("p_detect", d) for d in _per_layer("p_detect", p_detect, layers)]
    n_threats = _count("threats", threats, 1)
    kill = tuple(
        d * -math.expm1(n * math.log1p(-s)) if s < 1.0 else (d if n > 0 else 0.0)
        for s, n, d in zip(ss, nn, pd, strict=True)
    )
    p_leak = math.prod(1.0 - k for k in kill)
    return LayeredLeakage(
        layer_kill=kill,
        p_leak=p_leak,
        threats=n_threats,
        expected_leakers=n_threats * p_leak,
        p_no_leakers=(1.0 - p_leak) ** n_threats,
    )
