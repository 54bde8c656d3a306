"""The handover basket in the engine (issue 17): every launch's predicted kill probability
is SSPK·P(|e| <= b) for the track's predicted error e (isotropic Gaussian, σ per axis) at the
intercept, whose closed form is the Maxwell distribution function
F(x) = erf(sqrt(x/2)) - sqrt(2x/π)·exp(-x/2), x = b²/σ² (chi-square with 3 degrees of
freedom); each catalog interceptor has a basket, and summary.json states it next to the Pk."""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml
from conftest import one_layer_scenario

from kamae.runs import run_scenario
from kamae.scenario import load_scenario_text
from kamae.scenario.loader import load_scenario


def maxwell_cdf(x: float) -> float:
    """P(chi-square(3) <= x), in closed form."""
    return math.erf(math.sqrt(x / 2)) - math.sqrt(2 * x / math.pi) * math.exp(-x / 2)


@pytest.mark.parametrize("basket_km", [0.5, 1.5, 3.0])
def test_launch_pk_is_the_closed_form_of_the_predicted_error(basket_km: float) -> None:
    doc = one_layer_scenario(count=6, shots=2, sspk=0.8, replications=4, seed=13)
    doc["catalog"]["interceptors"]["test-upper"]["handover_basket_km"] = basket_km
    loaded = load_scenario_text(yaml.safe_dump(doc).encode(), "basket.yaml")
    out = run_scenario(loaded, out=None)
    ev = out.result.events
    checked = 0
    for kind, detail in zip(ev.column("kind").to_pylist(), ev.column("detail").to_pylist(),
                            strict=True):  # fmt: skip
        if kind != "launch":
            continue
        f = dict(x.split("=") for x in detail.split())
        sigma, b = float(f["sigma_m"]), float(f["basket_m"])
        assert b == basket_km * 1e3
        expected = 0.8 * maxwell_cdf((b / sigma) ** 2)
        # pk is written to 3 decimals and sigma to 0.1 m: allow for both roundings.
        slope = 0.8 * abs(maxwell_cdf((b / (sigma + 0.05)) ** 2) - expected / 0.8)
        assert float(f["pk"]) == pytest.approx(expected, abs=5e-4 + slope + 1e-9)
        checked += 1
    assert checked > 0
    doc_pk = out.summary["kill_probability_at_launch"]["test-upper"]
    assert doc_pk["handover_basket_km"] == basket_km and doc_pk["launches"] == checked


def test_every_catalog_interceptor_has_a_stated_basket() -> None:
    loaded = load_scenario("japan-2027")
    for name, entry in loaded.interceptors.items():
        assert entry.handover_basket_km is not None, name
        assert "Handover basket" in entry.source, name  # its reasoning, stated


def test_prediction_sigmas_of_a_batch_are_each_shots_own() -> None:
    """`handover.prediction_sigmas` gives every shot the σ its own prediction gives (the
    floats of `predicted_kill_probability`'s one-slot prediction), with and without in-flight
    updates, and none for a unit without a basket."""
    from types import SimpleNamespace

    from kamae.engine.handover import prediction_horizon, prediction_sigmas
    from kamae.tracking.filter_bank import FilterBank

    rng = np.random.default_rng(3)
    bank = FilterBank(8, 5.0, 300.0)
    a = rng.normal(size=(8, 6, 6))
    bank.state[:] = rng.normal(size=(8, 6)) * 1e5
    bank.covariance[:] = a @ a.transpose(0, 2, 1) * 100.0 + np.eye(6)
    bank.time[:] = rng.uniform(0.0, 9.0, 8)
    bank.updates[:] = 3
    world = SimpleNamespace(
        fire_units=SimpleNamespace(
            handover_basket_m=[2000.0, None, 500.0], in_flight_updates=np.array([1, 0, 0], bool)
        ),
        trajectory=SimpleNamespace(count=4),
        times=np.arange(0.0, 60.0, 1.0),
    )
    tracks = SimpleNamespace(unit_group=np.array([0, 0, 0]), banks=[bank])
    shots = [(0, 1, 0, 30), (1, 3, 2, 45), (1, 0, 1, 20), (0, 2, 2, 12)]
    got = prediction_sigmas(world, tracks, shots, 10.0)
    assert set(got) == {(0, 1, 0), (1, 3, 2), (0, 2, 2)}  # unit 1 has no basket
    for r, n, j, step in shots:
        if j == 1:
            continue
        slot = r * 4 + n
        horizon = prediction_horizon(world, bank, slot, j, step, 10.0, False)
        assert horizon == (10.0 - bank.time[slot] if j == 0 else step - 10.0)
        assert got[(r, n, j)] == bank.predicted_position_sigma(np.array([slot]), horizon)[0]
