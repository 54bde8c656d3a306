"""A tiny two-layer scenario and options for trade-study tests."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import one_layer_scenario, write_scenario

from kamae.budget.options import load_options_text
from kamae.scenario import load_scenario


def two_layer_doc(count: int = 6, upper_stock: int = 4, lower_stock: int = 2) -> dict:
    doc = one_layer_scenario(count=count, shots=1, sspk=0.6, replications=8)
    doc["catalog"]["interceptors"]["test-lower"] = {
        "tier": "lower",
        "min_altitude_km": 1,
        "max_altitude_km": 40,
        "max_range_km": 80,
        "mean_speed_mps": 1200,
        "sspk": {"mrbm": 0.5, "srbm": 0.5, "irbm": 0.5},
        "unit_cost_musd": 4,
        "source": "test",
        "notional": True,
    }
    doc["fire_units"][0]["inventory"] = upper_stock
    doc["fire_units"].append(
        {
            "id": "battery",
            "interceptor": "test-lower",
            "lat_deg": 35.7,
            "lon_deg": 139.7,
            "inventory": lower_stock,
            "launchers": 8,
            "launch_interval_s": 0.5,
        }
    )
    doc["doctrine"]["layer_order"] = ["upper", "lower"]
    return doc


OPTIONS = {
    "version": 1,
    "budget_musd": 60,
    "coverage": "all",
    "confirm": {"candidates": 2, "replications": 4},
    "options": [
        {"name": "upper", "kind": "interceptors", "interceptor": "test-upper", "batch": 1,
         "max_batches": 6},
        {"name": "lower", "kind": "interceptors", "interceptor": "test-lower", "batch": 2,
         "max_batches": 6},
        {"name": "strike", "kind": "counterstrike", "unit_cost_musd": 3, "batch": 2,
         "threats_removed_per_missile": 0.25, "max_batches": 3},
    ],
}  # fmt: skip


def loaded_pair(tmp_path: Path, doc: dict | None = None, options: dict | None = None):
    path = write_scenario(tmp_path, doc or two_layer_doc())
    loaded = load_scenario(path)
    text = yaml.safe_dump(options or OPTIONS, sort_keys=False)
    return loaded, load_options_text(text, "options.yaml", loaded)
