"""The magazine-aware salvo rules (`kamae.engagement.doctrine`) against Wilkening's relations
(Science & Global Security 8(2), 2000; `kamae.analytic`): the per-layer share of P(no
leaker), the barrage and shoot-look-shoot salvo sizes, the magazine cap and preferential
defense."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kamae.analytic import layered_leakage
from kamae.analytic.wilkening import barrage_interceptors, shoot_look_shoot_interceptors
from kamae.engagement.doctrine import (
    UNBOUNDED,
    gives_up,
    layer_p_no_leak,
    magazine_salvo,
    required_salvo,
)


@pytest.mark.parametrize(("p0", "raid", "layers"), [(0.9, 20, 2), (0.8, 4, 1), (0.95, 10, 3)])
def test_layer_shares_multiply_back_to_the_per_threat_leakage(
    p0: float, raid: int, layers: int
) -> None:
    share = layer_p_no_leak(p0, raid, layers)
    per_layer_leak = 1.0 - share ** (1.0 / raid)
    # m independent layers each leaking eps leak eps^m per threat: P0 = (1 - eps^m)^N.
    assert (1.0 - per_layer_leak**layers) ** raid == pytest.approx(p0, rel=1e-12)
    if layers == 1:
        assert share == pytest.approx(p0)


def test_one_layer_barrage_is_wilkenings() -> None:
    # Wilkening's barrage: n = ln(1 - P0^(1/N)) / ln(1 - SSPK), rounded up.
    for p0, raid, pk in [(0.9, 20, 0.7), (0.8, 4, 0.7), (0.99, 5, 0.5)]:
        expected = math.ceil(math.log(1 - p0 ** (1 / raid)) / math.log(1 - pk))
        got = required_salvo(pk, raid, 1, p0, look=False, p_kill_assessment=1.0)
        assert got == expected == barrage_interceptors(raid, p0, pk).shots_per_object_whole


def test_layered_salvos_reach_the_desired_p_no_leak() -> None:
    p0, raid = 0.9, 20
    pks = [0.7, 0.5]
    shots = [required_salvo(p, raid, 2, p0, look=False, p_kill_assessment=1.0) for p in pks]
    reached = layered_leakage(pks, shots, threats=raid).p_no_leakers
    assert reached >= p0
    fewer = layered_leakage(pks, [s - 1 for s in shots], threats=raid).p_no_leakers
    assert fewer < p0  # whole rounds: one fewer in each layer falls short


def test_first_salvo_with_a_look_is_wilkenings_shoot_look_shoot_plan() -> None:
    share = layer_p_no_leak(0.9, 20, 2)
    got = required_salvo(0.7, 20, 2, 0.9, look=True, p_kill_assessment=0.9)
    plan = shoot_look_shoot_interceptors(20, share, 0.7, p_kill_assessment=0.9)
    assert got == plan.first_salvo and got < required_salvo(
        0.7, 20, 2, 0.9, look=False, p_kill_assessment=0.9
    )


def test_edge_cases() -> None:
    assert required_salvo(0.0, 10, 1, 0.9, look=False, p_kill_assessment=1.0) == 1
    assert required_salvo(1.0, 10, 1, 0.9, look=False, p_kill_assessment=1.0) == 1
    assert required_salvo(0.5, 10, 1, 1.0, look=False, p_kill_assessment=1.0) == UNBOUNDED
    assert layer_p_no_leak(0.0, 10, 2) == 0.0


@pytest.mark.parametrize(
    ("required", "stock", "remaining", "cap", "salvo"),
    [
        (3, 24, 20, 4, 1),  # japan-2027's SM-3s: 24 rounds for 20 threats, one each
        (3, 76, 20, 4, 3),  # its lower tier: 76 rounds, three each affordable
        (2, 5, 10, 4, 1),  # short: one round while any is left
        (5, 100, 4, 4, 4),  # the shot cap
        (2, 0, 4, 4, 0),  # nothing left
    ],
)
def test_magazine_salvo(required: int, stock: int, remaining: int, cap: int, salvo: int) -> None:
    assert magazine_salvo(required, stock, remaining, cap) == salvo


def test_preferential_defense_keeps_rounds_for_higher_values() -> None:
    values = np.array([10.0, 100.0])
    # Two rounds, four unseen threats of which half are expected at the 100 asset.
    assert gives_up(10.0, 2, 0, 4.0, values)
    assert not gives_up(100.0, 2, 0, 4.0, values)  # nothing above the top value
    assert not gives_up(10.0, 3, 0, 4.0, values)  # a round to spare after the two expected
    assert gives_up(10.0, 3, 3, 0.0, values)  # three known higher-value threats
