"""Small scenarios with uncertain inputs for the uncertainty tests (imported by name)."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from conftest import one_layer_scenario

UPPER = ("catalog", "interceptors", "test-upper", "sspk", "mrbm")
LOWER = ("catalog", "interceptors", "test-lower", "sspk", "mrbm")
UPPER_RANGE = (0.3, 0.9)
LOWER_RANGE = (0.2, 0.8)


def uniform(low: float, high: float) -> dict:
    return {"distribution": "uniform", "low": low, "high": high, "source": "test"}


def two_layer_doc(*, threats: int = 3, step_s: float = 4.0, uncertain: bool = True) -> dict:
    """Two layers, one shot each, no shoot-look-shoot, a radar that sees everything (the
    matched settings of tests/validation/test_engine_vs_analytic.py): a threat leaks with
    probability (1 - p_upper)(1 - p_lower); with `uncertain`, both SSPKs against the MRBM
    class are uniform (UPPER_RANGE, LOWER_RANGE)."""
    doc = one_layer_scenario(count=threats, shots=1, sspk=0.5)
    lower = copy.deepcopy(doc["catalog"]["interceptors"]["test-upper"])
    lower.update(
        tier="lower", min_altitude_km=3, max_altitude_km=40, max_range_km=80,
        mean_speed_mps=1200, sspk={"srbm": 0.4, "mrbm": 0.4, "irbm": 0.4},
    )  # fmt: skip
    doc["catalog"]["interceptors"]["test-lower"] = lower
    doc["fire_units"].append(
        {"id": "battery", "interceptor": "test-lower", "lat_deg": 35.68, "lon_deg": 139.6,
         "inventory": 100 * threats, "launchers": 8, "launch_interval_s": 0.5}
    )  # fmt: skip
    doc["fire_units"][0]["inventory"] = 100 * threats
    doc["doctrine"].update(layer_order=["upper", "lower"], shoot_look_shoot=False)
    doc["time"] = {"step_s": step_s}
    if uncertain:
        doc["catalog"]["interceptors"]["test-upper"]["sspk"]["mrbm"] = uniform(*UPPER_RANGE)
        doc["catalog"]["interceptors"]["test-lower"]["sspk"]["mrbm"] = uniform(*LOWER_RANGE)
    return doc


def write(tmp_path: Path, doc: dict, name: str = "uncertain.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def uniform_moments(low: float, high: float, power: int) -> float:
    """E[(1 - p)^power] for p uniform on [low, high]."""
    return ((1 - low) ** (power + 1) - (1 - high) ** (power + 1)) / ((power + 1) * (high - low))


def layered_indices(
    upper: tuple[float, float], lower: tuple[float, float], shots: tuple[int, int] = (1, 1)
) -> dict[str, float]:
    """Sobol' indices of f = n·(1 - p1)^s1·(1 - p2)^s2 (layered leakage, expected leakers),
    p_i uniform and independent, by hand: with U_i = (1 - p_i)^s_i, mean m_i and variance
    v_i, f is a product of independent factors, so Var f ∝ v1·m2² + v2·m1² + v1·v2, the
    first-order parts are v1·m2² and v2·m1², and the interaction v1·v2 (Sobol' 1993;
    Saltelli et al. 2008, Global Sensitivity Analysis: The Primer, section 4.1)."""
    m1, m2 = uniform_moments(*upper, shots[0]), uniform_moments(*lower, shots[1])
    v1 = uniform_moments(*upper, 2 * shots[0]) - m1**2
    v2 = uniform_moments(*lower, 2 * shots[1]) - m2**2
    total = v1 * m2**2 + v2 * m1**2 + v1 * v2
    return {
        "S1_upper": v1 * m2**2 / total,
        "S1_lower": v2 * m1**2 / total,
        "ST_upper": (v1 * m2**2 + v1 * v2) / total,
        "ST_lower": (v2 * m1**2 + v1 * v2) / total,
    }
