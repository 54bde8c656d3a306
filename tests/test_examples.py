"""The examples in examples/ run and print what they promise."""

from __future__ import annotations

import runpy
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_quickstart_runs(capsys) -> None:
    module = runpy.run_path(str(EXAMPLES / "quickstart.py"))
    summary = module["main"](replications=4)
    out = capsys.readouterr().out
    assert "expected leakers" in out and "'launch'" in out
    assert summary["replications"] == 4


def test_trade_options_example_is_valid_for_the_default_scenario() -> None:
    from kamae.budget.options import load_options
    from kamae.scenario import load_scenario

    options = load_options(EXAMPLES / "trade-options.yaml", load_scenario("japan-2027"))
    names = [o.name for o in options.options.options]
    assert names == ["more-sm3-iia", "more-pac3", "patriot-osaka-2", "xband-3", "strike"]
