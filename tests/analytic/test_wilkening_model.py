"""Unit tests for kamae.analytic.wilkening (Wilkening, Science & Global Security 8(2), 1999/2000).

The published examples are checked in tests/validation/test_wilkening.py.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamae.analytic import (
    barrage_interceptors,
    defense_effectiveness,
    fewest_whole_interceptors,
    kill_probability,
    objects_engaged,
    p_no_leakers,
    shoot_look_shoot_interceptors,
)
from kamae.errors import KamaeError


def test_kill_probability_by_hand() -> None:
    assert kill_probability(0.7, 2, 0.99) == pytest.approx(0.99 * 0.91)
    assert kill_probability(0.7, 0) == 0.0
    assert kill_probability(1.0, 1, 0.9) == pytest.approx(0.9)


def test_defense_effectiveness_by_hand() -> None:
    r = defense_effectiveness(10, 0.8, 2, 0.95)
    k = 0.95 * (1 - 0.2**2)
    assert r.kill_per_threat == pytest.approx(k)
    assert r.p_no_leakers == pytest.approx(k**10)
    assert r.expected_leakers == pytest.approx(10 * (1 - k))


def test_objects_engaged() -> None:
    assert objects_engaged(10, 10) == 20
    assert objects_engaged(10, 30, p_ww=0.9, p_dw=0.2) == pytest.approx(9 + 6)
    assert objects_engaged(10, 30, p_dw=0.0) == 10


def test_barrage_round_trip() -> None:
    r = barrage_interceptors(20, 0.8, 0.7, 0.99)
    assert kill_probability(0.7, r.shots_per_object, 0.99) ** 20 == pytest.approx(0.8)
    assert r.shots_per_object_whole == 6
    assert r.interceptors_whole == 120
    assert r.p_no_leakers_whole == pytest.approx((0.99 * (1 - 0.3**6)) ** 20)


def test_misclassified_warheads_cost_kill_probability() -> None:
    # A warhead taken for a decoy is not engaged: P_ww enters the kill like P_track.
    a = barrage_interceptors(10, 0.8, 0.7, 0.99, p_ww=0.999)
    b = barrage_interceptors(10, 0.8, 0.7, 0.99 * 0.999)
    assert a.shots_per_object == pytest.approx(b.shots_per_object)
    assert a.objects_engaged == pytest.approx(9.99)


def test_fewest_whole_interceptors_is_least() -> None:
    total = fewest_whole_interceptors(20, 0.8, 0.7, 0.99)
    assert total == 116

    def even(t: int) -> float:
        low, extra = divmod(t, 20)
        return p_no_leakers([low + 1] * extra + [low] * (20 - extra), 0.7, 0.99)

    assert even(total) >= 0.8 > even(total - 1)


def test_shoot_look_shoot_by_hand() -> None:
    r = shoot_look_shoot_interceptors(20, 0.8, 0.7, 0.99, first_salvo=1)
    n = barrage_interceptors(20, 0.8, 0.7, 0.99).shots_per_object
    assert r.second_salvo == pytest.approx(n - 1)
    assert r.expected_interceptors == pytest.approx(20 * (1 + (1 - 0.99 * 0.7) * (n - 1)))
    assert r.second_salvo_whole == 5
    assert r.expected_interceptors_whole == pytest.approx(20 * (1 + (1 - 0.99 * 0.7) * 5))
    assert r.interceptors_on_hand_whole == 120


def test_shoot_look_shoot_picks_the_cheapest_first_salvo() -> None:
    best = shoot_look_shoot_interceptors(20, 0.8, 0.7, 0.99)
    for k1 in range(1, 7):
        other = shoot_look_shoot_interceptors(20, 0.8, 0.7, 0.99, first_salvo=k1)
        assert best.expected_interceptors <= other.expected_interceptors + 1e-12


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: barrage_interceptors(20, 0.8, 0.7, 0.98), "p_track"),
        (lambda: barrage_interceptors(20, 0.8, 0.7, 0.99, p_ww=0.99), "p_track"),
        (lambda: barrage_interceptors(1, 1.0, 0.7, 0.99), "p_track"),
        (lambda: barrage_interceptors(0, 0.8, 0.7), "warheads"),
        (lambda: barrage_interceptors(2, 1.5, 0.7), "p0"),
        (lambda: barrage_interceptors(2, 0.8, 0.0), "sspk"),
        (lambda: barrage_interceptors(2, 0.8, 0.7, decoys=-1), "decoys"),
        (lambda: barrage_interceptors(2, 0.8, 0.7, p_dw=2), "p_dw"),
        (lambda: kill_probability(-0.1, 1), "sspk"),
        (lambda: kill_probability(0.5, -1), "shots"),
        (lambda: kill_probability(0.5, 1, 1.01), "p_track"),
        (lambda: p_no_leakers([], 0.5), "shots_per_threat"),
        (lambda: shoot_look_shoot_interceptors(2, 0.8, 0.7, first_salvo=0), "first_salvo"),
        (lambda: shoot_look_shoot_interceptors(2, 0.8, 0.7, p_kill_assessment=-1), "p_kill"),
    ],
)
def test_impossible_inputs_name_the_parameter(call: Callable[[], object], name: str) -> None:
    with pytest.raises(KamaeError, match=f"^{name}"):
        call()


def test_perfect_interceptor_needs_one_shot() -> None:
    assert barrage_interceptors(5, 1.0, 1.0).interceptors == 5
    assert barrage_interceptors(5, 0.0, 0.5).interceptors == 0


deterministic = settings(derandomize=True, max_examples=200)


@st.composite
def feasible(draw: st.DrawFn) -> tuple[int, float, float, float]:
    """(warheads, p0, sspk, p_track) with P_track > P0^(1/N), so that some n suffices."""
    w = draw(st.integers(1, 50))
    p0 = draw(st.floats(0.05, 0.99))
    s = draw(st.floats(0.05, 0.99))
    need = p0 ** (1 / w)
    return w, p0, s, need + draw(st.floats(0.01, 1.0)) * (1 - need)


@deterministic
@given(feasible())
def test_barrage_invariants(args: tuple[int, float, float, float]) -> None:
    w, p0, s, pt = args
    r = barrage_interceptors(w, p0, s, pt)
    assert kill_probability(s, r.shots_per_object, pt) ** w == pytest.approx(p0, rel=1e-9)
    assert r.shots_per_object <= r.shots_per_object_whole < r.shots_per_object + 1 + 1e-9
    assert r.p_no_leakers_whole >= p0 * (1 - 1e-9)
    assert r.interceptors <= r.interceptors_whole + 1e-9
    fewest = fewest_whole_interceptors(w, p0, s, pt)
    assert math.floor(r.interceptors) <= fewest <= r.interceptors_whole


@deterministic
@given(feasible(), st.floats(0.0, 0.3))
def test_better_tracking_never_needs_more_shots(
    args: tuple[int, float, float, float], gain: float
) -> None:
    w, p0, s, pt = args
    better = min(1.0, pt + gain)
    assert (
        barrage_interceptors(w, p0, s, better).shots_per_object
        <= barrage_interceptors(w, p0, s, pt).shots_per_object + 1e-9
    )


@deterministic
@given(feasible(), st.integers(1, 8))
def test_shoot_look_shoot_never_uses_more_than_barrage(
    args: tuple[int, float, float, float], k1: int
) -> None:
    w, p0, s, pt = args
    barrage = barrage_interceptors(w, p0, s, pt)
    sls = shoot_look_shoot_interceptors(w, p0, s, pt, first_salvo=k1)
    assert sls.expected_interceptors <= max(barrage.interceptors, w * k1) + 1e-9
    # With a blind kill assessment every second salvo is fired: the barrage again.
    blind = shoot_look_shoot_interceptors(w, p0, s, pt, first_salvo=k1, p_kill_assessment=0)
    assert blind.expected_interceptors == pytest.approx(
        w * max(k1, barrage.shots_per_object), rel=1e-9
    )
