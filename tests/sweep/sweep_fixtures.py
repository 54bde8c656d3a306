"""Fixtures of the sweep tests: a tiny scenario whose 16-replication chunk runs in well under
0.1 s. Test modules import them by name (no conftest here, so that `conftest` stays the
suite's shared one)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import one_layer_scenario, write_scenario

SETTINGS = ["doctrine.shots_per_salvo=1,2", "catalog.interceptors.test-upper.sspk.mrbm=0.5,0.8"]
"""A 2 × 2 grid over the tiny scenario."""


def tiny_scenario_doc() -> dict:
    """One MRBM at one city, one upper-tier unit, 20 s steps."""
    doc = one_layer_scenario(count=1, replications=32, seed=5)
    doc["time"] = {"step_s": 20}
    return doc


@pytest.fixture
def tiny_scenario(tmp_path: Path) -> Path:
    return write_scenario(tmp_path, tiny_scenario_doc(), "tiny.yaml")
