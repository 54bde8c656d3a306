"""The engine's Monte Carlo converges to the analytic models in matched settings.

Matched settings: certain detection and tracking (P_track = 1), every threat inside the
engagement envelope long enough for every planned shot, independent shots. Each test runs
10,000 replications and asserts that the analytic value lies inside the Monte Carlo's 95%
interval (Wilson for probabilities, Student-t for means):

- barrage of k shots: per-threat kill K = 1 - (1 - SSPK)^k, P(no leaker) = K^N (Wilkening,
  "A Simple Model for Calculating Ballistic Missile Defense Effectiveness", Science & Global
  Security 8(2), 2000, eqs. 1-2);
- shoot-look-shoot k1 then k2 with perfect kill assessment: the same kill probability as
  k1 + k2 shots, expected interceptors N·k1 + N·(1 - K1)·k2 (Wilkening 2000, section on
  shoot-look-shoot);
- two layers with n_i shots each: P_leak = prod_i (1 - SSPK_i)^n_i (the layered-leakage
  relation, ../shared/reference/models.md).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml
from conftest import one_layer_scenario

from kamae.analytic import defense_effectiveness, layered_leakage, shoot_look_shoot_interceptors
from kamae.engine import simulate_many
from kamae.results.statistics import mean_interval, wilson_interval
from kamae.scenario import load_scenario_text
from kamae.streams import replication_seeds
from kamae.world import build_world

REPLICATIONS = 10_000


def _replicate(doc: dict, seed: int) -> dict[str, np.ndarray]:
    world = build_world(load_scenario_text(yaml.safe_dump(doc).encode(), "matched.yaml"))
    seeds = list(enumerate(replication_seeds(seed, REPLICATIONS)))
    metrics: dict[str, list[float]] = {}
    for start in range(0, REPLICATIONS, 2500):
        for _, result in simulate_many(world, seeds[start : start + 2500]):
            for key, value in result.metrics.items():
                metrics.setdefault(key, []).append(value)
    return {key: np.array(values) for key, values in metrics.items()}


@pytest.mark.slow
def test_barrage_matches_wilkening() -> None:
    threats, shots, sspk = 3, 2, 0.6
    out = _replicate(one_layer_scenario(count=threats, shots=shots, sspk=sspk), seed=101)
    assert np.all(out["interceptors_fired"] == threats * shots)
    expected = defense_effectiveness(threats, sspk, shots)
    p0 = wilson_interval(int(out["no_leak"].sum()), REPLICATIONS)
    assert p0.low <= expected.p_no_leakers <= p0.high, (p0, expected)
    leak = mean_interval(out["threats_leaked"])
    assert leak.low <= expected.expected_leakers <= leak.high, (leak, expected)


@pytest.mark.slow
def test_shoot_look_shoot_matches_wilkening() -> None:
    threats, sspk = 3, 0.6
    doc = one_layer_scenario(count=threats, shots=1, sspk=sspk)
    doc["doctrine"].update(shoot_look_shoot=True, max_shots_per_threat=2, kill_assessment_s=10)
    out = _replicate(doc, seed=202)
    # k1 = k2 = 1 kills like a barrage of 2 ...
    expected = defense_effectiveness(threats, sspk, 2)
    p0 = wilson_interval(int(out["no_leak"].sum()), REPLICATIONS)
    assert p0.low <= expected.p_no_leakers <= p0.high, (p0, expected)
    # ... and uses N·k1 + N·(1 - K1)·k2 interceptors on average.
    sls = shoot_look_shoot_interceptors(threats, expected.p_no_leakers, sspk, first_salvo=1)
    use = mean_interval(out["interceptors_fired"])
    assert use.low <= sls.expected_interceptors <= use.high, (use, sls.expected_interceptors)
    assert np.all(out["interceptors_fired"] <= 2 * threats)


@pytest.mark.slow
def test_two_layers_match_layered_leakage() -> None:
    threats = 3
    doc = one_layer_scenario(count=threats, shots=1, sspk=0.5)
    lower = copy.deepcopy(doc["catalog"]["interceptors"]["test-upper"])
    lower.update(
        tier="lower", min_altitude_km=3, max_altitude_km=40, max_range_km=80,
        mean_speed_mps=1200, sspk={"srbm": 0.4, "mrbm": 0.4, "irbm": 0.4},
    )  # fmt: skip
    doc["catalog"]["interceptors"]["test-lower"] = lower
    doc["fire_units"].append(
        {"id": "battery", "interceptor": "test-lower", "lat_deg": 35.68, "lon_deg": 139.6,
         "inventory": 100, "launchers": 8, "launch_interval_s": 0.5}
    )  # fmt: skip
    doc["doctrine"].update(layer_order=["upper", "lower"], shoot_look_shoot=False)
    out = _replicate(doc, seed=303)
    expected = layered_leakage([0.5, 0.4], [1, 1], threats=threats)
    p0 = wilson_interval(int(out["no_leak"].sum()), REPLICATIONS)
    assert p0.low <= expected.p_no_leakers <= p0.high, (p0, expected)
    leak = mean_interval(out["threats_leaked"])
    assert leak.low <= expected.expected_leakers <= leak.high, (leak, expected)
    # The lower layer fired exactly at the upper layer's survivors.
    lower_shots = mean_interval(out["fired.test-lower"])
    assert lower_shots.low <= threats * 0.5 <= lower_shots.high


@pytest.mark.slow
def test_imperfect_kill_assessment_matches_wilkening() -> None:
    """Kill assessment that recognises a kill with probability P_ka: the second salvo goes
    to every object not seen dead, N·k1 + N·(1 - P_ka·K1)·k2 interceptors on average
    (Wilkening 2000), while the kill probability stays that of k1 + k2 shots."""
    threats, sspk, p_ka = 3, 0.6, 0.5
    doc = one_layer_scenario(count=threats, shots=1, sspk=sspk)
    doc["doctrine"].update(
        shoot_look_shoot=True, max_shots_per_threat=2, kill_assessment_probability=p_ka
    )
    out = _replicate(doc, seed=404)
    expected = defense_effectiveness(threats, sspk, 2)
    p0 = wilson_interval(int(out["no_leak"].sum()), REPLICATIONS)
    assert p0.low <= expected.p_no_leakers <= p0.high, (p0, expected)
    sls = shoot_look_shoot_interceptors(
        threats, expected.p_no_leakers, sspk, first_salvo=1, p_kill_assessment=p_ka
    )
    use = mean_interval(out["interceptors_fired"])
    assert use.low <= sls.expected_interceptors <= use.high, (use, sls.expected_interceptors)
    wasted = mean_interval(out["interceptors_at_destroyed"])
    assert wasted.low <= threats * sspk * (1 - p_ka) <= wasted.high
