"""`kamae calc wta` reads its instance as a user's input: a regular file of bounded size."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kamae.cli import app


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_unread(tmp_path: Path) -> None:
    fifo = tmp_path / "instance.txt"
    os.mkfifo(fifo)
    result = CliRunner().invoke(app, ["calc", "wta", str(fifo)])
    assert result.exit_code == 2
    assert "is not a regular file" in result.output and "Traceback" not in result.output


def test_a_small_instance_is_solved(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text("1 2 1\n10 5\n0 0 0.5\n0 1 0.9\n")
    result = CliRunner().invoke(app, ["calc", "wta", str(path), "--method", "exact"])
    assert result.exit_code == 0, result.output
    # One weapon: on target 0 it removes 10*0.5 = 5 of value, on target 1 5*0.9 = 4.5.
    assert "type 0 -> target 0: 1" in result.output
