"""`kamae calc ballistic`: the range-equation calculator on the command line."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from kamae.cli import app

runner = CliRunner()
MU = 3.986004418e14
R = 6371.0e3


def _calc(*args: str) -> dict:
    result = runner.invoke(app, ["calc", "ballistic", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_minimum_energy_shot_obeys_the_textbook_relations() -> None:
    """Q = v²r/μ = 2s/(1+s) and γ = 45° − Ψ/4, s = sin(Ψ/2) (shared/reference/models.md)."""
    doc = _calc("--range-km", "1300")
    psi = 1300e3 / R
    s = math.sin(psi / 2)
    assert doc["shape"] == "minimum-energy"
    assert doc["burnout_speed_mps"] ** 2 * R / MU == pytest.approx(2 * s / (1 + s), rel=1e-9)
    assert doc["burnout_angle_deg"] == pytest.approx(45.0 - math.degrees(psi) / 4, abs=1e-9)
    assert doc["range_angle_deg"] == pytest.approx(math.degrees(psi), rel=1e-12)


def test_lofted_shot_reaches_the_asked_apogee_faster_than_minimum_energy() -> None:
    lofted = _calc("--range-km", "787", "--apogee-km", "2111")
    assert lofted["shape"] == "lofted"
    assert abs(lofted["apogee_km"] - 2111.0) < 1e-6
    assert lofted["burnout_speed_mps"] > lofted["minimum_energy_speed_mps"]
    assert lofted["burnout_angle_deg"] > lofted["minimum_energy_angle_deg"]


def test_text_output_and_one_line_errors() -> None:
    text = runner.invoke(app, ["calc", "ballistic", "--range-km", "1000"])
    assert text.exit_code == 0 and "burnout speed" in text.output and "Earth model" in text.output
    both = runner.invoke(
        app,
        [
            "calc",
            "ballistic",
            "--range-km",
            "1000",
            "--apogee-km",
            "300",
            "--burnout-angle-deg",
            "40",
        ],
    )
    assert both.exit_code == 2
    assert both.output.strip().count("\n") == 0 and both.output.startswith("error: --apogee-km")
    low = runner.invoke(app, ["calc", "ballistic", "--range-km", "-5"])
    assert low.exit_code == 2 and "--range-km" in low.output
