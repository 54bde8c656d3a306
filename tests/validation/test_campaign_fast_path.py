"""The campaign's fast path (layered leakage, Wilkening 2000, fitted per layer to the engine)
against the engine itself, away from its calibration point: a salvo twice the template's,
with ample stocks and with stocks that run short. The fast path's expected leakers and
interceptors fired must fall inside the engine's 95% Student-t interval."""

from __future__ import annotations

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
