"""In-flight target updates (issue 15): an interceptor guided to handover on the firing unit's
track meets its threat with that track's error at the intercept, not with the error its
launch-time prediction would have after the whole flight.

Constructed case (tests/conftest.py `one_layer_scenario`: a radar that sees every MRBM of
the raid throughout, one salvo of one shot per threat, SSPK 0.8): with a handover basket of
b = 150 m, the launch-time prediction over a flight of a few minutes has σ of about 1 km per
axis, so Pk = SSPK·F_chi2_3(b²/σ²) is below 0.01; the track the radar keeps has σ of tens of
metres, so with updates the handover error is inside the basket and Pk is SSPK. The hit
fractions must sit in the binomial (Wilson 95 %) intervals of those closed forms, and a
paired run (same seeds) shows the sign and size."""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml
from conftest import one_layer_scenario

from kamae.runs import run_scenario
from kamae.scenario import load_scenario_text


def maxwell_cdf(x: float) -> float:
    """P(chi-square(3) <= x), in closed form."""
    return math.erf(math.sqrt(x / 2)) - math.sqrt(2 * x / math.pi) * math.exp(-x / 2)


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def run(in_flight_updates: bool, basket_km: float = 0.15):
    doc = one_layer_scenario(count=6, shots=1, sspk=0.8, replications=40, seed=13)
    entry = doc["catalog"]["interceptors"]["test-upper"]
    entry["handover_basket_km"] = basket_km
    entry["in_flight_updates"] = in_flight_updates
    doc["doctrine"]["min_kill_probability"] = 0.0  # engage whatever the predicted Pk
    out = run_scenario(load_scenario_text(yaml.safe_dump(doc).encode(), "iftu.yaml"), out=None)
    ev = out.result.events
    kinds, details = ev.column("kind").to_pylist(), ev.column("detail").to_pylist()
    launches = [dict(x.split("=") for x in d.split()) for k, d in zip(kinds, details, strict=True)
                if k == "launch"]  # fmt: skip
    outcomes = [d for k, d in zip(kinds, details, strict=True) if k == "intercept"]
    return launches, outcomes


def test_updates_bring_the_handover_error_into_the_basket() -> None:
    blind, blind_outcomes = run(False)
    guided, guided_outcomes = run(True)
    b = 150.0
    # Without updates: each launch's Pk is the closed form of its whole-flight prediction.
    sigma_blind = [float(x["sigma_m"]) for x in blind]
    assert min(sigma_blind) > 3 * b
    p_blind = sum(0.8 * maxwell_cdf((b / s) ** 2) for s in sigma_blind) / len(sigma_blind)
    lo, hi = wilson(blind_outcomes.count("hit"), len(blind_outcomes))
    assert lo <= p_blind <= hi and p_blind < 0.01
    # With updates: the track's error now is far inside the basket, so Pk is the SSPK.
    sigma_guided = [float(x["sigma_m"]) for x in guided]
    assert max(sigma_guided) < b / 3  # F_chi2_3(9) = 0.97: within the basket
    assert all(abs(float(x["pk"]) - 0.8 * maxwell_cdf((b / float(x["sigma_m"])) ** 2)) < 6e-4
               for x in guided)  # fmt: skip
    n = len(guided_outcomes)
    lo, hi = wilson(guided_outcomes.count("hit"), n)
    assert len(guided) == len(blind) == n == 240  # one shot at each of 6 threats x 40
    assert lo <= 0.8 <= hi


class _Bank:
    """A track bank whose one held slot was last updated at `time` and whose predicted σ
    grows as 10 m + 20 m/s · horizon (a stand-in with a known law)."""

    def __init__(self, slots: int, held: int, time: float) -> None:
        self.held, self.time_s = held, time
        self.time = np.full(slots, time)
        self.initialised = np.zeros(slots, dtype=bool)
        self.initialised[held] = True

    def predicted_position_sigma(self, index: np.ndarray, horizon_s: float) -> np.ndarray:
        return np.full(len(index), 10.0 + 20.0 * horizon_s)


def test_a_track_lost_in_flight_leaves_the_launch_time_prediction() -> None:
    """At the arrival, the Pk is SSPK·F(b²/σ²) for the firing unit's track as it is then:
    σ from its latest update to the intercept; a slot no longer held falls back to the
    launch-time prediction (`p_lost`); a unit without updates keeps the launch-time Pk."""
    from kamae.engine.handover import arrival_kill_probability
    from kamae.world import build_world

    doc = one_layer_scenario(count=2, shots=1, sspk=0.8, replications=1, seed=13)
    entry = doc["catalog"]["interceptors"]["test-upper"]
    entry["handover_basket_km"] = 0.3
    entry["in_flight_updates"] = True
    world = build_world(load_scenario_text(yaml.safe_dump(doc).encode(), "iftu.yaml"))
    t = 200.0
    for updated, expected_sigma in ((t - 1.0, 30.0), (t - 20.0, 410.0)):
        bank = _Bank(2, held=0, time=updated)
        p = arrival_kill_probability(world, bank, 0, 0, 0, 10, t, 0.55, 0.02)  # type: ignore[arg-type]
        assert p == pytest.approx(0.8 * maxwell_cdf((300.0 / expected_sigma) ** 2), rel=1e-12)
    # Slot 1 is not held: lost in flight.
    bank = _Bank(2, held=0, time=t - 1.0)
    assert arrival_kill_probability(world, bank, 1, 1, 0, 10, t, 0.55, 0.02) == 0.02  # type: ignore[arg-type]
    # Without in-flight updates the launch-time Pk stands.
    world.fire_units.in_flight_updates[0] = False
    assert arrival_kill_probability(world, bank, 0, 0, 0, 10, t, 0.55, 0.02) == 0.55  # type: ignore[arg-type]


def test_every_catalog_interceptor_is_guided_on_the_units_track() -> None:
    from kamae.scenario.loader import load_scenario

    loaded = load_scenario("japan-2027")
    assert loaded.interceptors and all(e.in_flight_updates for e in loaded.interceptors.values())
