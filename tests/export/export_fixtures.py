"""A small run folder for the export tests: six MRBMs, one ship with rounds for four of
them (two leak), two rounds a salvo (hits and misses)."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import one_layer_scenario

from kamae.runs import run_scenario
from kamae.scenario import load_scenario_text

REPLICATION = 1
"""Replication 1 of seed 3 has a hit and a miss in one salvo, and two leaks."""


def small_run(out: Path) -> Path:
    doc = one_layer_scenario(count=6, shots=2, sspk=0.7, replications=2, seed=3)
    doc["fire_units"][0]["inventory"] = 8
    doc["sensors"][0]["boresight_deg"] = 250.0
    doc["catalog"]["sensors"]["test-radar"]["azimuth_width_deg"] = 120.0
    loaded = load_scenario_text(yaml.safe_dump(doc).encode(), "export.yaml")
    run = run_scenario(loaded, out=out)
    assert run.folder is not None
    return run.folder
