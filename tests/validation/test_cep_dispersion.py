"""Impact dispersion in the engine against the circular normal's closed form.

With a circular normal impact error of CEP c, the probability of landing within a radius L of
the aim point is P = 1 - 0.5^((L/c)^2) (the definition of CEP: P = 1/2 at L = c; e.g.
Driels, Weaponeering, 2nd ed., 2013, ch. 6). With no defense every missile leaks, so the
engine's share of leakers within the lethal radius must match P inside its 95% interval.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from conftest import one_layer_scenario, write_scenario

from kamae.engine import simulate_batch
from kamae.results.statistics import wilson_interval
from kamae.world import load_world


def test_effective_leakers_follow_the_cep_law(tmp_path: Path) -> None:
    doc = one_layer_scenario(count=50, replications=1)
    doc["fire_units"] = []
    doc["time"] = {"step_s": 10}
    doc["catalog"]["threats"] = {
        "cep-test": {
            "kind": "ballistic",
            "threat_class": "mrbm",
            "max_range_km": 1300,
            "rcs_m2": 0.1,
            "cep_m": 1000,
            "lethal_radius_m": 700,
            "source": "test",
            "notional": True,
        }
    }
    doc["raids"][0]["threat"] = "cep-test"
    world = load_world(write_scenario(tmp_path, doc))
    gens = [np.random.default_rng(s) for s in np.random.SeedSequence(2027).spawn(40)]
    results = simulate_batch(world, gens)
    leaked = sum(int(r.metrics["threats_leaked"]) for r in results)
    effective = sum(int(r.metrics["threats_leaked_effective"]) for r in results)
    assert leaked == 50 * 40
    expected = 1.0 - 0.5 ** ((700.0 / 1000.0) ** 2)
    interval = wilson_interval(effective, leaked)
    lo, hi = interval.low, interval.high
    assert lo <= expected <= hi, (effective / leaked, expected, lo, hi)
    # Each leak event carries its miss distance.
    details = [
        d
        for r in results
        for d, k in zip(r.events.detail, r.events.kind, strict=True)
        if k == "leak"
    ]
    assert all(d.startswith("miss_m=") for d in details)
