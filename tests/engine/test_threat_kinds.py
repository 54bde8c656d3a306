"""The engine flies, tracks and engages every threat kind: ballistic, quasi-ballistic, glide
and cruise (issue 3 wired into the engine)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import one_layer_scenario, write_scenario

from kamae.engine import simulate_batch
from kamae.kinematics.trajectory import PHASE_CRUISE, PHASE_GLIDE
from kamae.world import load_world

LOWER = {
    "tier": "lower",
    "min_altitude_km": 0.02,
    "max_altitude_km": 80,
    "max_range_km": 150,
    "mean_speed_mps": 1500,
    "sspk": {"srbm": 0.7, "mrbm": 0.7, "irbm": 0.7, "cruise": 0.7, "hgv": 0.7},
    "unit_cost_musd": 5,
    "source": "test",
    "notional": True,
}


def _terminal_defense(threat: str, count: int = 4, **raid: object) -> dict:
    """A raid of `threat` at a coastal city defended by one lower-tier unit and a radar at
    the city (30 m mast), 360° field of regard."""
    doc = one_layer_scenario(count=count, replications=8, seed=11)
    doc["catalog"]["interceptors"] = {"test-lower": LOWER}
    doc["catalog"]["sensors"]["test-radar"]["min_elevation_deg"] = -1
    doc["doctrine"] = {"layer_order": ["lower"], "shoot_look_shoot": True}
    doc["raids"][0].update(threat=threat, interval_s=20, **raid)
    doc["sensors"][0].update(lat_deg=35.6, lon_deg=139.7, altitude_m=30)
    doc["fire_units"][0].update(interceptor="test-lower", lat_deg=35.6, lon_deg=139.8)
    return doc


def _run(tmp_path: Path, doc: dict) -> tuple[object, list]:
    world = load_world(write_scenario(tmp_path, doc))
    gens = [np.random.default_rng(s) for s in np.random.SeedSequence(3).spawn(8)]
    return world, simulate_batch(world, gens)


@pytest.mark.parametrize(
    ("threat", "launch", "phase"),
    [
        ("lacm-cj-10-class", {"lat_deg": 34.0, "lon_deg": 136.5}, PHASE_CRUISE),
        ("mrbm-df-17-hgv-class", {"lat_deg": 33.0, "lon_deg": 124.0}, PHASE_GLIDE),
    ],
)
def test_level_flight_threats_are_tracked_and_engaged(
    tmp_path: Path, threat: str, launch: dict, phase: int
) -> None:
    world, results = _run(tmp_path, _terminal_defense(threat, launch=launch))
    assert world.threat_level_flight.all()
    assert np.any(world.trajectory.phase == phase)
    fired = sum(r.metrics["interceptors_fired"] for r in results)
    intercepted = sum(r.metrics["threats_intercepted"] for r in results)
    # 32 threats, Pk 0.7 per shot, two salvos of two possible: most are killed. A ballistic
    # coast prediction would bring these threats down within seconds and never engage them.
    assert fired > 0
    assert intercepted >= 16, (fired, intercepted)
    for r in results:
        kinds = set(r.events.kind)
        assert "launch" in kinds


def test_quasi_ballistic_threat_flies_its_pull_up_and_is_engaged(tmp_path: Path) -> None:
    doc = _terminal_defense("srbm-kn-23-class", launch={"lat_deg": 39.0, "lon_deg": 134.0})
    world, results = _run(tmp_path, doc)
    alt = world.trajectory.altitude
    assert np.nanmax(alt) == pytest.approx(50e3, rel=0.05)  # depressed apogee of the type
    assert not world.threat_level_flight.any()
    assert sum(r.metrics["interceptors_fired"] for r in results) > 0


def test_ballistic_boost_and_reentry_drag_from_the_catalog(tmp_path: Path) -> None:
    doc = one_layer_scenario(count=2, replications=2)
    doc["raids"][0]["threat"] = "mrbm-df-21-class"
    doc["raids"][0]["launch"] = {"lat_deg": 30.0, "lon_deg": 126.0}
    world = load_world(write_scenario(tmp_path, doc))
    traj = world.trajectory
    assert np.allclose(traj.burnout_time - traj.launch_time, 90.0)
    assert world.threat_cep_m.tolist() == [20.0, 20.0]
    # Drag slows the reentry: the impact speed is well below the burnout speed (drag-free
    # flight would return at the same speed it left at the same radius).
    k_end = np.flatnonzero(traj.in_flight[0])[-1]
    burnout_k = int(np.searchsorted(traj.times, traj.burnout_time[0]))
    v_end = np.linalg.norm(traj.velocity[0, k_end])
    v_burn = np.linalg.norm(traj.velocity[0, burnout_k])
    assert v_end < 0.9 * v_burn
