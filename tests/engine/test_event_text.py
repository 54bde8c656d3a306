"""Event details never print a negative zero (issue 20: `launch_time_s=-0` appeared in the
early-warning layer's launch reports, whose report error can put a launch at t = -0.4 s)."""

from __future__ import annotations

import re

from kamae.montecarlo import run_montecarlo
from kamae.scenario.loader import load_scenario


def test_no_negative_zero_in_event_details() -> None:
    result = run_montecarlo(load_scenario("japan-2027"), 4, 2027)
    details = [d for d in result.events.column("detail").to_pylist() if d]
    assert any("launch_time_s=" in d for d in details)  # the launch reports are there
    assert not [d for d in details if re.search(r"=-0(\s|$)", d)]
