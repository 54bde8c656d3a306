"""Shared test fixtures: paths and small scenario builders."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture
def shared_reference() -> Path:
    """../shared/reference, or skip: a user's fresh clone has no ../shared."""
    path = SHARED / "reference"
    if not path.is_dir():
        pytest.skip("../shared/reference is not present")
    return path


FIXED_LOOKS = {
    "detection": "fixed",
    "reference_pd": 0.9,
    "pfa": 1e-6,
    "noncoherent_pulses": 1,
    "search_revisit_s": None,
    "track_dwell_s": None,
    "min_search_fraction": 0.2,
    "false_alarms_per_scan": 0.0,
    "confirm_hits": 2,
    "confirm_looks": 3,
    "delete_after_misses": 3,
}
"""The rest of a `kamae.sensors.radar.Radar` for tests that give only its site, geometry and
accuracy: the fixed detection model, no time budget, no false plots, 2-of-3 confirmation."""


def radar_entry(max_range_km: float) -> dict:
    """A test radar catalog entry: 360° field of regard, Pd 1 per 1 s look, small errors."""
    return {
        "kind": "radar",
        "reference_range_km": 3000,
        "reference_rcs_m2": 0.1,
        "max_range_km": max_range_km,
        "azimuth_width_deg": 360,
        "min_elevation_deg": 0,
        "max_elevation_deg": 90,
        "revisit_s": 1,
        "pd_per_look": 1.0,
        "range_sigma_m": 10,
        "angle_sigma_mrad": 0.1,
        "source": "test",
        "notional": True,
    }


def one_layer_scenario(
    *, count: int = 20, shots: int = 2, sspk: float = 0.7, replications: int = 50, seed: int = 7
) -> dict:
    """One raid of `count` MRBMs at one city, one upper-tier unit with plenty of stock, a
    radar that sees everything, no shoot-look-shoot: each threat gets exactly one salvo."""
    return {
        "version": 1,
        "name": "one-layer",
        "seed": seed,
        "replications": replications,
        "catalog": {
            "interceptors": {
                "test-upper": {
                    "tier": "upper",
                    "min_altitude_km": 50,
                    "max_altitude_km": 1000,
                    "max_range_km": 3000,
                    "mean_speed_mps": 3000,
                    "sspk": {"mrbm": sspk, "srbm": sspk, "irbm": sspk},
                    "unit_cost_musd": 10,
                    "source": "test",
                    "notional": True,
                }
            },
            "sensors": {"test-radar": radar_entry(3000)},
        },
        "assets": [{"id": "city", "lat_deg": 35.68, "lon_deg": 139.77, "value": 10}],
        "raids": [
            {
                "id": "raid",
                "threat": "mrbm-nodong-class",
                "launch": {"lat_deg": 40.0, "lon_deg": 128.0},
                "target": "city",
                "launch_time_s": 0,
                "count": count,
                "interval_s": 5,
            }
        ],
        "sensors": [{"id": "radar", "type": "test-radar", "lat_deg": 38.0, "lon_deg": 134.0}],
        "fire_units": [
            {
                "id": "ship",
                "interceptor": "test-upper",
                "lat_deg": 37.0,
                "lon_deg": 136.0,
                "inventory": 10 * count * shots,
                "launchers": max(shots, 8),
                "launch_interval_s": 0.5,
            }
        ],
        "doctrine": {
            "shots_per_salvo": shots,
            "shoot_look_shoot": False,
            "max_shots_per_threat": max(shots, 4),
            "layer_order": ["upper"],
        },
    }


def write_scenario(tmp_path: Path, doc: dict, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def korea_to_japan() -> tuple[np.ndarray, np.ndarray]:
    """Two launch points on the Korean peninsula and two aim points in Japan (ECEF, m)."""
    from kamae.geo import geodetic_to_ecef

    pad = geodetic_to_ecef(np.radians([39.0, 40.0]), np.radians([125.0, 127.0]), 0.0)
    aim = geodetic_to_ecef(np.radians([35.7, 34.0]), np.radians([139.7, 135.0]), 0.0)
    return pad, aim


def step_reasons(world, seed: int, unit: int = 0, reps: int = 1) -> Counter[str]:  # noqa: ANN001
    """How often each why-not reason stopped fire unit `unit` at some threat believed alive,
    over the steps of `reps` replications: the engine's loop (`kamae.engine.loop`), with the
    battle manager's step reasons read after each decision."""
    from kamae.engine.battle import Battle
    from kamae.engine.draws import Draws
    from kamae.engine.looks import Looks
    from kamae.engine.loop import system_tracker
    from kamae.engine.measures import PictureMeasures
    from kamae.engine.pictures import Pictures
    from kamae.engine.records import EventLog
    from kamae.results.why_not import NAMES
    from kamae.streams import replication_seeds

    gens = [np.random.default_rng(s) for s in replication_seeds(seed, reps)]
    logs = [EventLog() for _ in gens]
    draws = Draws(world, gens)
    looks = Looks(world, draws)
    tracker = system_tracker(world, reps)
    measures = PictureMeasures(world, reps)
    battle = Battle(world, draws)
    pictures = Pictures(world, draws.network, tracker.tracks)
    seen: Counter[str] = Counter()
    for k, t in enumerate(world.times.tolist()):
        battle.resolve(k, t, pictures, logs)
        plots, false_plots = looks.step(k, t, draws.block(k), battle.alive, tracker.held, logs)
        pictures.observe(t, plots)
        tracker.scan(k, t, plots, false_plots)
        measures.sample(k, t, battle.alive, tracker)
        pictures.advance(t)
        for offer in battle.engage(k, t, pictures, logs):  # the built-in doctrine decides
            battle.commit(offer, battle.doctrine_choice(offer, pictures), pictures, logs[offer.r])
        battle.close(t)
        codes = battle.why_not.step[:, :, unit][battle.alive | battle.ghost]
        seen.update(NAMES[c] for c in codes.tolist())
    return seen
