"""The `TrackBank` protocol over both of its implementations: the tracker's own
`BallisticTrackBank` and a picture group's `GroupBank` window of the network's combined bank
give the same answers on the same data."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from kamae.engine.pictures import GroupBank
from kamae.tracking.base import TrackBank
from kamae.tracking.converted import BallisticTrackBank

SLOTS = 4


def _own() -> TrackBank:
    return BallisticTrackBank(SLOTS, 1.0, 3000.0)


def _window() -> TrackBank:
    combined = BallisticTrackBank(3 * SLOTS, 1.0, 3000.0)
    return GroupBank(combined, SLOTS, SLOTS)


def _fill(bank: TrackBank, underlying: BallisticTrackBank, offset: int) -> None:
    rng = np.random.default_rng(2)
    index = np.arange(3) + offset  # slot 3 stays empty
    pos = rng.normal(size=(3, 3)) * 1e3 + np.array([6.6e6, 0.0, 0.0])
    a = rng.normal(size=(3, 3, 3))
    cov = a @ a.transpose(0, 2, 1) * 1e3 + 100.0 * np.eye(3)
    for t in (0.0, 1.0, 2.5):
        underlying.update(index, pos + 3000.0 * t, cov, t)


@pytest.mark.parametrize("make", [_own, _window], ids=["BallisticTrackBank", "GroupBank"])
def test_both_banks_satisfy_the_protocol_and_agree(make: Callable[[], TrackBank]) -> None:
    bank = make()
    assert isinstance(bank, TrackBank)
    underlying = bank.bank if isinstance(bank, GroupBank) else bank
    _fill(bank, underlying, bank.offset if isinstance(bank, GroupBank) else 0)
    ref = _own()
    assert isinstance(ref, BallisticTrackBank)
    _fill(ref, ref, 0)
    assert bank.initialised.tolist() == [True, True, True, False]
    np.testing.assert_array_equal(bank.position_sigma(), ref.position_sigma())
    np.testing.assert_array_equal(bank.velocity_sigma(), ref.velocity_sigma())
    index = np.arange(3)
    np.testing.assert_array_equal(
        bank.predicted_position_sigma(index, 30.0), ref.predicted_position_sigma(index, 30.0)
    )
    bank.predict(index, 4.0)
    ref.predict(index, 4.0)
    np.testing.assert_array_equal(bank.state, ref.state)
    np.testing.assert_array_equal(bank.time, ref.time)
    bank.drop(np.array([1]))
    assert bank.initialised.tolist() == [True, False, True, False]
    assert bank.updates.tolist() == [3, 0, 3, 0]
