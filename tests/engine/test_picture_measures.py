"""The engine's picture measures (`kamae.engine.measures`) on a scan with a known answer.

Truths are the live threats in flight; tracks are the firm threat slots and confirmed false
tracks. A threat killed and recognised has its slot deleted (`Battle.resolve` drops it), so
it leaves both sets; a kill not recognised (kill assessment probability < 1) leaves a track
the defense still believes in, on no object: by the definitions a spurious track (SIAP
spuriousness, Votruba 2001, "tracks not assigned to a true object") and a GOSPA false
target costing c^p/2 (Rahmathullah, Garcia-Fernandez & Svensson 2017, alpha = 2).
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from kamae.engine.measures import GOSPA_CUTOFF_M, PictureMeasures

STEPS, K = 11, 10  # sampled at step 10 (every METRICS_EVERY_STEPS = 10)
TRUTH = np.array([[7.0e6, 0.0, 0.0], [7.0e6, 5.0e4, 0.0]])  # 50 km apart: beyond the gate
ERROR_M = np.array([30.0, 40.0])  # each slot's track error, along z


def _world() -> Any:
    position = np.repeat(TRUTH[:, None, :], STEPS, axis=1)
    return SimpleNamespace(
        doctrine=SimpleNamespace(track_confirm_updates=3),
        trajectory=SimpleNamespace(
            in_flight=np.ones((2, STEPS), dtype=bool),
            position=position,
            velocity=np.zeros_like(position),
        ),
    )


class _Bank:
    def __init__(self, updates: list[int]) -> None:
        self.updates = np.array(updates)

    def predicted(self, slots: np.ndarray, t: float) -> tuple[np.ndarray, None]:
        x = np.zeros((slots.size, 6))
        x[:, :3] = TRUTH[slots]
        x[:, 2] += ERROR_M[slots]
        return x, None


def _tracker(updates: list[int]) -> Any:
    none = np.zeros(0, dtype=np.int64)
    false = SimpleNamespace(
        book=SimpleNamespace(confirmed=np.zeros(0, dtype=bool)),
        bank=SimpleNamespace(predicted=lambda i, t: (np.zeros((0, 6)), None)),
        rep=none,
    )
    return SimpleNamespace(tracks=_Bank(updates), false=false, threats=2)


def _scan(alive: list[bool], updates: list[int]) -> tuple[Any, float]:
    measures = PictureMeasures(_world(), 1)
    measures.sample(K, 100.0, np.array([alive]), _tracker(updates))
    gospa = measures.gospa_sum[0] / measures.gospa_samples[0]
    return measures.siap(0), float(gospa)


def test_both_threats_alive_and_tracked() -> None:
    s, gospa = _scan([True, True], [5, 5])
    assert (s.completeness, s.ambiguity, s.spuriousness) == (1.0, 1.0, 0.0)
    assert s.positional_accuracy == pytest.approx(35.0)
    assert gospa == pytest.approx(50.0)  # sqrt(30^2 + 40^2)


def test_a_recognised_kill_leaves_both_sets() -> None:
    s, gospa = _scan([True, False], [5, 0])  # threat 1 destroyed, its slot deleted
    assert (s.completeness, s.spuriousness) == (1.0, 0.0)
    assert s.positional_accuracy == pytest.approx(30.0)
    assert gospa == pytest.approx(30.0)


def test_an_unrecognised_kill_leaves_a_spurious_track() -> None:
    s, gospa = _scan([True, False], [5, 5])  # destroyed, its track still firm (a ghost)
    assert (s.completeness, s.ambiguity, s.spuriousness) == (1.0, 1.0, 0.5)
    assert s.positional_accuracy == pytest.approx(30.0)
    assert gospa == pytest.approx(math.sqrt(30.0**2 + GOSPA_CUTOFF_M**2 / 2))


def test_every_replication_at_once_is_each_replications_own() -> None:
    """SIAP and GOSPA of a batch equal `siap_scan` and `gospa` of each replication alone
    (Votruba 2001; Rahmathullah et al. 2017), on scans with duplicate and false tracks near
    one truth (contested assignments) and a replication with nothing in flight."""
    from kamae.tracking.metrics import assign_tracks_to_truths, gospa, siap, siap_scan

    rng = np.random.default_rng(6)
    reps, threats = 4, 5
    truth = rng.normal(size=(threats, 3)) * 8e3 + [7e6, 0, 0]
    position = np.repeat(truth[:, None, :], STEPS, axis=1)
    world = SimpleNamespace(
        doctrine=SimpleNamespace(track_confirm_updates=3),
        trajectory=SimpleNamespace(
            in_flight=np.ones((threats, STEPS), dtype=bool),
            position=position,
            velocity=np.zeros_like(position),
        ),
    )
    alive = rng.random((reps, threats)) < 0.8
    alive[3] = False
    updates = np.where(rng.random(reps * threats) < 0.7, 5, 0)
    slot_x = np.zeros((reps * threats, 6))
    slot_x[:, :3] = np.tile(truth, (reps, 1)) + rng.normal(size=(reps * threats, 3)) * 3e3
    false_rep = np.array([0, 0, 1, 2, 2, 2])
    false_x = np.zeros((6, 6))
    false_x[:, :3] = truth[[0, 0, 1, 2, 3, 2]] + rng.normal(size=(6, 3)) * 2e3
    false = SimpleNamespace(
        book=SimpleNamespace(confirmed=np.ones(6, dtype=bool)),
        bank=SimpleNamespace(predicted=lambda i, t: (false_x[i], None)),
        rep=false_rep,
    )
    bank = SimpleNamespace(updates=updates, predicted=lambda i, t: (slot_x[i], None))
    tracker = SimpleNamespace(tracks=bank, false=false, threats=threats)
    measures = PictureMeasures(world, reps)
    measures.sample(K, 100.0, alive, tracker)
    for r in range(reps):
        est = np.concatenate(
            [slot_x[r * threats : (r + 1) * threats][updates[r * threats : (r + 1) * threats] >= 3],
             false_x[false_rep == r]]
        )[:, :3]  # fmt: skip
        tru = truth[alive[r]]
        if est.shape[0] == 0 and tru.shape[0] == 0:
            assert measures.gospa_samples[r] == 0
            continue
        a = assign_tracks_to_truths(est, tru, 10_000.0)
        want = siap([siap_scan(est, tru, a, np.zeros_like(est), np.zeros_like(tru))])
        assert measures.siap(r) == want
        g = gospa(est, tru, GOSPA_CUTOFF_M, 2.0).distance
        assert measures.gospa_sum[r] == g and measures.gospa_samples[r] == 1
