"""The campaign's fast path (layered leakage, Wilkening 2000, fitted per layer to the engine)
against the engine itself, away from its calibration point: a salvo twice the template's,
with ample stocks and with stocks that run short. The fast path's expected leakers and
interceptors fired must fall inside the engine's 95% Student-t interval."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "campaign"))
from campaign_scenarios import campaign_doc, load  # noqa: E402

from kamae.campaign import run_campaign  # noqa: E402
from kamae.campaign.defense import calibrate  # noqa: E402
from kamae.campaign.plan import build_plan  # noqa: E402
from kamae.results.statistics import mean_interval  # noqa: E402


@pytest.mark.slow
@pytest.mark.parametrize("inventory", [400, 12])
def test_fast_path_within_the_engine_interval(inventory):
    doc = campaign_doc(
        count=5, sspk=0.7, shots=2, inventory=inventory, launchers=10,
        missiles_per_launcher=1, steps=1, counterstrike=False,
    )  # fmt: skip
    loaded = load(doc)
    plan = build_plan(loaded)
    cal = calibrate(plan, 5, 64)
    fast = run_campaign(loaded, expected=True, plan=plan, calibration=cal)
    engine = run_campaign(loaded, replications=64, seed=9, defense="engine", plan=plan)
    for name in ("leakers", "interceptors_fired"):
        iv = mean_interval(np.asarray(engine.table.column(name).to_numpy()))
        value = fast.table.column(name).to_pylist()[0]
        assert iv.low <= value <= iv.high, (name, value, iv)


def _two_layer_doc(upper_inventory: int) -> dict:
    """One raid of 10 MRBMs at one city, an upper-tier unit (SSPK 0.5) and a lower-tier battery
    at the city (SSPK 0.5), the bundled japan-2027 doctrine's shoot-look-shoot in salvos of 2
    with at most 4 shots per threat over both layers (notional round numbers)."""
    doc = campaign_doc(
        count=10, sspk=0.5, shots=2, inventory=upper_inventory, launchers=10,
        missiles_per_launcher=1, steps=1, counterstrike=False,
    )  # fmt: skip
    lower = copy.deepcopy(doc["catalog"]["interceptors"]["test-upper"])
    lower.update(
        tier="lower", min_altitude_km=3, max_altitude_km=40, max_range_km=80,
        mean_speed_mps=1200, sspk={"srbm": 0.5, "mrbm": 0.5, "irbm": 0.5},
    )  # fmt: skip
    doc["catalog"]["interceptors"]["test-lower"] = lower
    doc["fire_units"].append(
        {"id": "battery", "interceptor": "test-lower", "lat_deg": 35.68, "lon_deg": 139.6,
         "inventory": 400, "launchers": 8, "launch_interval_s": 0.5}
    )  # fmt: skip
    doc["doctrine"].update(
        layer_order=["upper", "lower"], shoot_look_shoot=True, kill_assessment_s=10,
        max_shots_per_threat=4,
    )  # fmt: skip
    return doc


@pytest.mark.slow
def test_two_layers_share_the_shot_cap():
    """Ample stocks: the upper tier's shoot-look-shoot (2 + 2 shots) uses the whole
    `max_shots_per_threat` of the threats it misses, so the engine's lower tier fires at none
    of them and every upper-tier survivor leaks (10 x 0.5^4 = 0.625 expected). The fast path
    must reproduce it (layers fitted alone gave 0.15 leakers and 1.2 lower-tier shots)."""
    loaded = load(_two_layer_doc(400))
    plan = build_plan(loaded)
    cal = calibrate(plan, 5, 128)
    fast = run_campaign(loaded, expected=True, plan=plan, calibration=cal)
    engine = run_campaign(loaded, replications=128, seed=9, defense="engine", plan=plan)
    for name in ("leakers", "fired.test-lower"):
        iv = mean_interval(np.asarray(engine.table.column(name).to_numpy()))
        value = fast.table.column(name).to_pylist()[0]
        assert iv.low <= value <= iv.high, (name, value, iv)
