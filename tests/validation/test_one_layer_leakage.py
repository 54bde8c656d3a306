"""One-layer engagement: Monte Carlo leakage against the closed form (1 - SSPK)^k.

With certain detection and tracking (P_track = 1) and a salvo of k independent shots per
threat, a threat leaks with probability (1 - SSPK)^k (Wilkening, "A Simple Model for
Calculating Ballistic Missile Defense Effectiveness", Science & Global Security 8(2), 2000,
eq. 1 with P_track = 1). The pooled leak fraction must cover it with its 95% Wilson interval.
"""

from __future__ import annotations

import pytest
from conftest import one_layer_scenario, write_scenario

from kamae.results.statistics import wilson_interval
from kamae.runs import run_scenario

# ~30 s of CPU each: the salvo of 3 runs by default, the others in the slow run.
SLOW = pytest.mark.slow


@pytest.mark.parametrize(
    ("shots", "sspk"),
    [pytest.param(1, 0.7, marks=SLOW), pytest.param(2, 0.7, marks=SLOW), (3, 0.5)],
)
def test_leakage_matches_closed_form(tmp_path, shots: int, sspk: float) -> None:
    count, reps = 20, 60
    path = write_scenario(
        tmp_path, one_layer_scenario(count=count, shots=shots, sspk=sspk, replications=reps)
    )
    out = run_scenario(str(path), out=None)
    table = out.result.replications.to_pydict()
    # Every threat was engaged with exactly one salvo of k: the setting the formula assumes.
    assert all(f == count * shots for f in table["interceptors_fired"])
    leaked = int(sum(table["threats_leaked"]))
    interval = wilson_interval(leaked, count * reps)
    expected = (1.0 - sspk) ** shots
    assert interval.low <= expected <= interval.high, (leaked, interval, expected)
    # And the intercepted count is the complement.
    assert sum(table["threats_intercepted"]) == count * reps - leaked
