"""The handover basket in the engine (issue 17): every launch's predicted kill probability
is SSPK·P(|e| <= b) for the track's predicted error e (isotropic Gaussian, σ per axis) at the
intercept, whose closed form is the Maxwell distribution function
F(x) = erf(sqrt(x/2)) - sqrt(2x/π)·exp(-x/2), x = b²/σ² (chi-square with 3 degrees of
freedom); each catalog interceptor has a basket, and summary.json states it next to the Pk."""

from __future__ import annotations

import math

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
