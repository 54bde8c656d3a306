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
