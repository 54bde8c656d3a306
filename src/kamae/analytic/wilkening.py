"""Wilkening's missile-defense effectiveness model: kill, leakage and interceptors required.

Model: a warhead engaged with n independent shots of single-shot kill probability SSPK is killed
with K = P_track [1 - (1 - SSPK)^n], P_track the common-mode probability that detection,
tracking and command and control work; N warheads engaged independently give no leakers with
P0 = K^N. Barrage shots for a desired P0: n = ln(1 - P0^(1/N) / P_track) / ln(1 - SSPK).
Decoys: the defense engages W* = W P_ww + D P_dw objects. Shoot-look-shoot: k1 shots, a kill
assessment, k2 more at survivors; expected use N k1 + N (1 - P_track K1) k2, K1 = 1 - (1-SSPK)^k1.
Source: D. Wilkening, "A Simple Model for Calculating Ballistic Missile Defense Effectiveness",
Science & Global Security 8(2), 1999/2000; its examples read secondarily in S. Yusufov,
"Missile Defense is NP-Complete" (2026). Neglected: correlated shots beyond P_track, a kill
assessment that declares a live warhead dead, timing, and interceptor reliability apart from SSPK.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kamae.analytic.leakage import _count, _probability, _shots
from kamae.errors import KamaeError

__all__ = [
    "BarrageRequirement",
    "DefenseEffectiveness",
    "ShootLookShootRequirement",
    "barrage_interceptors",
    "defense_effectiveness",
    "fewest_whole_interceptors",
    "kill_probability",
    "objects_engaged",
    "p_no_leakers",
    "shoot_look_shoot_interceptors",
]


def _kill(sspk: float, shots: float, p_track: float) -> float:
    if sspk >= 1.0:
        return p_track if shots > 0 else 0.0
    return p_track * -math.expm1(shots * math.log1p(-sspk))


def kill_probability(sspk: float, shots: float, p_track: float = 1.0) -> float:
    """Per-warhead kill probability K = P_track [1 - (1 - SSPK)^n] (Wilkening 1999/2000)."""
    return _kill(
        _probability("sspk", sspk), _shots("shots", shots), _probability("p_track", p_track)
    )


@dataclass(frozen=True)
class DefenseEffectiveness:
    """Outcome of engaging `threats` warheads with the same number of shots each."""

    threats: int
    kill_per_threat: float
    p_no_leakers: float
    expected_leakers: float


def defense_effectiveness(
    threats: int, sspk: float, shots: float, p_track: float = 1.0
) -> DefenseEffectiveness:
    """P0 = K^N and expected leakers N (1 - K) for N warheads with n shots each."""
    n = _count("threats", threats, 1)
    k = kill_probability(sspk, shots, p_track)
    return DefenseEffectiveness(
        threats=n, kill_per_threat=k, p_no_leakers=k**n, expected_leakers=n * (1.0 - k)
    )


def p_no_leakers(shots_per_threat: Sequence[float], sspk: float, p_track: float = 1.0) -> float:
    """P0 = prod_j K(n_j) for a shot allocation that may differ between warheads."""
    s = _probability("sspk", sspk)
    pt = _probability("p_track", p_track)
    shots = [_shots("shots_per_threat", n) for n in shots_per_threat]
    if not shots:
        raise KamaeError("shots_per_threat: expected at least one warhead")
    return math.prod(_kill(s, n, pt) for n in shots)


def objects_engaged(warheads: int, decoys: int = 0, p_ww: float = 1.0, p_dw: float = 1.0) -> float:
    """Objects the defense engages, W* = W P_ww + D P_dw (expected; Wilkening 1999/2000)."""
    w = _count("warheads", warheads, 1)
    d = _count("decoys", decoys, 0)
    return w * _probability("p_ww", p_ww) + d * _probability("p_dw", p_dw)


def _barrage_shots(warheads: int, p0: float, sspk: float, p_engage: float) -> float:
    """Continuous shots per warhead for P0 with per-warhead engagement probability p_engage."""
    if p0 == 0.0:
        return 0.0
    need = p0 ** (1.0 / warheads)  # kill probability needed per warhead
    if sspk == 1.0 and p_engage >= need:
        return 1.0
    if p_engage <= need:
        raise KamaeError(
            f"p_track: P_track * P_ww = {p_engage:.6g} must exceed P0^(1/N) = {need:.6g}"
            f" (p0={p0:g}, N={warheads} warheads); no number of shots suffices"
        )
    if sspk == 0.0:
        raise KamaeError(f"sspk: must be > 0 to reach p0={p0:g}; got 0")
    return math.log1p(-need / p_engage) / math.log1p(-sspk)


def _whole(x: float) -> int:
    """Smallest whole number >= x, forgiving floating-point noise of one part in 10^9."""
    return math.ceil(x - 1e-9 * max(1.0, abs(x)))


@dataclass(frozen=True)
class BarrageRequirement:
    """Interceptors for a barrage (all shots at once) reaching a desired P(no leakers)."""

    warheads: int
    objects_engaged: float
    """W* = W P_ww + D P_dw."""
    shots_per_object: float
    """Continuous n from Wilkening's relation."""
    shots_per_object_whole: int
    """ceil(n): the least whole number of shots per object that reaches P0."""
    interceptors: float
    """Continuous total W* n; Wilkening's published totals are this rounded to nearest."""
    interceptors_whole: int
    """ceil(W* ceil(n)): every engaged object gets the whole number of shots."""
    p_no_leakers_whole: float
    """P0 actually reached with ceil(n) shots per object."""

    @property
    def interceptors_rounded(self) -> int:
        """The continuous total rounded to the nearest interceptor, as Wilkening reports it."""
        return round(self.interceptors)


def barrage_interceptors(
    warheads: int,
    p0: float,
    sspk: float,
    p_track: float = 1.0,
    *,
    decoys: int = 0,
    p_ww: float = 1.0,
    p_dw: float = 1.0,
) -> BarrageRequirement:
    """Interceptors for P(no leaking warhead) >= p0 when every engaged object gets n shots.

    A warhead taken for a decoy (probability 1 - P_ww) is not engaged, so the per-warhead kill
    is P_track P_ww [1 - (1 - SSPK)^n]; with P_ww = 1 this is Wilkening's relation exactly.
    """
    w = _count("warheads", warheads, 1)
    target = _probability("p0", p0)
    s = _probability("sspk", sspk)
    pt = _probability("p_track", p_track)
    pww = _probability("p_ww", p_ww)
    objects = objects_engaged(w, decoys, pww, p_dw)
    n = _barrage_shots(w, target, s, pt * pww)
    n_whole = _whole(n)
    return BarrageRequirement(
        warheads=w,
        objects_engaged=objects,
        shots_per_object=n,
        shots_per_object_whole=n_whole,
        interceptors=objects * n,
        interceptors_whole=_whole(objects * n_whole),
        p_no_leakers_whole=(pww * _kill(s, n_whole, pt)) ** w,
    )


def fewest_whole_interceptors(warheads: int, p0: float, sspk: float, p_track: float = 1.0) -> int:
    """Least whole number of interceptors, spread as evenly as possible over the warheads
    (no decoys), that reaches P(no leakers) >= p0.

    An even spread is optimal because ln K(n) is concave in n. This usually lies between
    round(N n) and N ceil(n): 116 for Wilkening's 20-warhead example (113 and 120).
    """
    w = _count("warheads", warheads, 1)
    target = _probability("p0", p0)
    s = _probability("sspk", sspk)
    pt = _probability("p_track", p_track)
    n = _barrage_shots(w, target, s, pt)
    total = math.floor(w * n)
    while True:
        low, extra = divmod(total, w)
        p = _kill(s, low + 1, pt) ** extra * _kill(s, low, pt) ** (w - extra)
        if p >= target * (1.0 - 1e-12):
            return total
        total += 1


@dataclass(frozen=True)
class ShootLookShootRequirement:
    """Interceptors for shoot-look-shoot reaching the same P0 as a barrage of k1 + k2 shots."""

    warheads: int
    objects_engaged: float
    shots_per_object: float
    """Continuous k1 + k2, equal to the barrage n."""
    first_salvo: int
    """k1, whole."""
    second_salvo: float
    """Continuous k2 = n - k1 (zero if k1 >= n)."""
    second_salvo_whole: int
    """ceil(n) - k1 (zero if k1 >= ceil(n))."""
    expected_interceptors: float
    """W* [k1 + (1 - P_track P_ka K1) k2], continuous k2."""
    expected_interceptors_whole: float
    """The same with the whole second salvo."""
    interceptors_on_hand_whole: int
    """ceil(W* (k1 + whole k2)): the stock needed if every second salvo is fired."""


def _sls_use(objects: float, k1: int, k2: float, sspk: float, p_seen_dead: float) -> float:
    k1_kill = 1.0 if sspk >= 1.0 else -math.expm1(k1 * math.log1p(-sspk))
    return objects * (k1 + (1.0 - p_seen_dead * k1_kill) * k2)


def shoot_look_shoot_interceptors(
    warheads: int,
    p0: float,
    sspk: float,
    p_track: float = 1.0,
    *,
    first_salvo: int | None = None,
    decoys: int = 0,
    p_ww: float = 1.0,
    p_dw: float = 1.0,
    p_kill_assessment: float = 1.0,
) -> ShootLookShootRequirement:
    """Expected interceptors for shoot-look-shoot, N k1 + N (1 - P_track P_ka K1) k2.

    The second salvo is fired at every object not seen dead: P_ka is the probability that the
    kill assessment recognises a kill (1: perfect). A live object is never declared dead. With
    `first_salvo` None, k1 is the whole number in 1..ceil(n) with the least continuous use.
    Decoys are engaged like warheads (a decoy hit is destroyed with the same SSPK).
    """
    w = _count("warheads", warheads, 1)
    target = _probability("p0", p0)
    s = _probability("sspk", sspk)
    pt = _probability("p_track", p_track)
    pww = _probability("p_ww", p_ww)
    pka = _probability("p_kill_assessment", p_kill_assessment)
    objects = objects_engaged(w, decoys, pww, p_dw)
    n = _barrage_shots(w, target, s, pt * pww)
    n_whole = _whole(n)
    seen = pt * pka
    if first_salvo is None:
        k1 = min(
            range(1, max(1, n_whole) + 1),
            key=lambda k: _sls_use(objects, k, max(n - k, 0.0), s, seen),
        )
    else:
        k1 = _count("first_salvo", first_salvo, 1)
    k2 = max(n - k1, 0.0)
    k2_whole = max(n_whole - k1, 0)
    return ShootLookShootRequirement(
        warheads=w,
        objects_engaged=objects,
        shots_per_object=n,
        first_salvo=k1,
        second_salvo=k2,
        second_salvo_whole=k2_whole,
        expected_interceptors=_sls_use(objects, k1, k2, s, seen),
        expected_interceptors_whole=_sls_use(objects, k1, k2_whole, s, seen),
        interceptors_on_hand_whole=_whole(objects * (k1 + k2_whole)),
    )
