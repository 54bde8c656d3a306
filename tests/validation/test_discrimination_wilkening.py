"""The discrimination model against its closed form and against Wilkening's decoy relation.

- Signal detection theory (Green & Swets, Signal Detection Theory and Psychophysics, 1966):
  n independent looks of detectability d each, combined by their log-likelihood ratio, are one
  look of detectability d·sqrt(n); the normalised statistic of the evidence is N(±D/2, 1), so
  P(declared warhead) = Φ(D/2 - z) for a warhead and Φ(-D/2 - z) for a decoy. Checked against
  Monte Carlo of the evidence the engine accumulates (`Evidence.add`), including its
  decorrelation rule.
- The range accuracy behind a look's d (Skolnik 2001, ch. 6): σ = ΔR·sqrt(1/SNR + 1/6),
  ΔR = c/2B, so d = Δ/σ grows with bandwidth (band), SNR (dwell) and saturates at
  Δ·sqrt(6)/ΔR.
- Wilkening's relation (Science & Global Security 8(2), 2000): a defense engaging every object
  it declares a warhead engages W·P_ww + D·P_dw objects. Matched setting in the engine: one
  wideband radar sees a raid's warheads and decoys from their separation for a fixed number of
  looks, a second radar (no discrimination) keeps tracking them, and one fire unit with ample
  stock has its only opportunities after the first radar has lost them, so every object is
  decided on the same evidence; the engine's mean objects engaged must match
  `analytic.wilkening.objects_engaged` with P_ww and P_dw of that evidence.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from conftest import one_layer_scenario, radar_entry
from scipy import special

from kamae.analytic.wilkening import objects_engaged
from kamae.engine import simulate_many
from kamae.scenario import load_scenario_text
from kamae.sensors.discrimination import (
    Evidence,
    declaration_threshold,
    look_detectability,
    p_declared_warhead,
)
from kamae.sensors.rf import LIGHT_SPEED
from kamae.streams import replication_seeds
from kamae.world import World, build_world

DISCRIMINATION_BANDWIDTH_HZ = 200e6
DECORRELATION_S = 10.0


def test_threshold_keeps_the_warhead_floor() -> None:
    z = declaration_threshold(0.99)
    assert z == pytest.approx(-2.3263479, abs=1e-6)
    # No evidence: every object is declared a warhead with the floor's probability or more.
    assert p_declared_warhead(0.0, True, z) == pytest.approx(0.99)
    assert p_declared_warhead(0.0, False, z) == pytest.approx(0.99)
    d = np.linspace(0.0, 12.0, 25)
    p_ww, p_dw = p_declared_warhead(d, True, z), p_declared_warhead(d, False, z)
    assert np.all(np.diff(p_ww) > 0) and np.all(np.diff(p_dw) < 0)
    assert np.all(p_ww >= 0.99)


def test_look_detectability_from_range_accuracy() -> None:
    snr = np.array([1.0, 10.0, 1e6])
    bw = 500e6
    resolution = LIGHT_SPEED / (2.0 * bw)
    expected = 0.2 / (resolution * np.sqrt(1.0 / snr + 1.0 / 6.0))
    np.testing.assert_allclose(look_detectability(snr, bw, 0.2), expected, rtol=1e-12)
    # Twice the bandwidth, twice d at high SNR (resolution-limited); more SNR, more d.
    assert look_detectability(1e9, 2 * bw, 0.2) == pytest.approx(
        2 * look_detectability(1e9, bw, 0.2), rel=1e-6
    )
    assert look_detectability(100.0, bw, 0.2) > look_detectability(10.0, bw, 0.2)
    assert look_detectability(0.0, bw, 0.2) == 0.0


@pytest.mark.parametrize("looks", [1, 4, 16])
def test_accumulated_evidence_matches_the_binormal_closed_form(looks: int) -> None:
    rng = np.random.default_rng(16)
    slots, d = 20_000, 0.9
    warhead = np.arange(slots) < slots // 2
    ev = Evidence.empty(slots, 2)
    every = np.arange(slots)
    zero, one = np.zeros(slots, dtype=np.int64), np.ones(slots, dtype=np.int64)
    dd, dec = np.full(slots, d), np.ones(slots)
    for i in range(looks):
        # Radar 0 looks twice a second (the second repeats its evidence: decorrelation 1 s);
        # radar 1 once, from its own aspect (independent evidence).
        ev.add(every, zero, dd, warhead, rng.standard_normal(slots), float(i), dec)
        ev.add(every, zero, dd, warhead, rng.standard_normal(slots), i + 0.5, dec)
        ev.add(every, one, dd, warhead, rng.standard_normal(slots), i + 0.5, dec)
    np.testing.assert_allclose(ev.information, 2 * looks * d * d)
    z = declaration_threshold(0.99)
    declared = ev.declared_warhead(every, z)
    total = d * np.sqrt(2 * looks)
    for mask, is_warhead in ((warhead, True), (~warhead, False)):
        p = float(p_declared_warhead(total, is_warhead, z))
        half = 4.0 * np.sqrt(p * (1 - p) / mask.sum()) + 1e-9
        assert declared[mask].mean() == pytest.approx(p, abs=half)


def _matched_doc(mismatch_m: float) -> dict:
    doc = one_layer_scenario(count=4, shots=1, replications=96, seed=16)
    doc["catalog"]["threats"] = {
        "mrbm-decoys": {
            "kind": "ballistic",
            "threat_class": "mrbm",
            "max_range_km": 1300,
            "rcs_m2": 0.1,
            "burn_time_s": 110,
            "burnout_altitude_km": 80,
            "countermeasures": {
                "decoys": 3,
                "decoy_length_mismatch_m": mismatch_m,
                "release_after_burnout_s": 10,
                "feature_decorrelation_s": DECORRELATION_S,
            },
            "source": "test",
            "notional": True,
        }
    }
    doc["raids"][0]["threat"] = "mrbm-decoys"
    wideband = radar_entry(450)
    wideband["discrimination_bandwidth_mhz"] = DISCRIMINATION_BANDWIDTH_HZ / 1e6
    doc["catalog"]["sensors"]["wideband"] = wideband
    doc["sensors"] = [
        {"id": "discriminator", "type": "wideband", "lat_deg": 40.0, "lon_deg": 129.0},
        {"id": "tracker", "type": "test-radar", "lat_deg": 36.0, "lon_deg": 138.0},
    ]
    doc["catalog"]["interceptors"]["test-upper"].update({"min_altitude_km": 100,
                                                          "max_range_km": 300})  # fmt: skip
    doc["fire_units"][0].update({"lat_deg": 36.0, "lon_deg": 138.5, "launchers": 32})
    return doc


def _evidence_of_the_views(world: World) -> np.ndarray:
    """Each object's total detectability D from the discriminating radar's view: one look per
    step (Pd 1, 1 s revisit) from the separation, counted every decorrelation time."""
    view, out = world.views[0], []
    for n in range(world.trajectory.count):
        steps = np.flatnonzero(view.visible[n] & (world.times >= world.object_release_s[n]))
        info, last = 0.0, -np.inf
        for k in steps:
            if world.times[k] - last >= DECORRELATION_S - 1e-9:
                d = look_detectability(
                    view.snr[n, k], DISCRIMINATION_BANDWIDTH_HZ, world.object_length_mismatch_m[n]
                )
                info, last = info + float(d) ** 2, float(world.times[k])
        out.append(np.sqrt(info))
    return np.array(out)


@pytest.mark.slow  # 96 replications of 16 objects in one batch, ~50 s of CPU each
@pytest.mark.parametrize("mismatch_m", [0.3, 0.5])
def test_engine_engages_wilkenings_objects(mismatch_m: float) -> None:
    loaded = load_scenario_text(yaml.safe_dump(_matched_doc(mismatch_m)).encode(), "m.yaml")
    world = build_world(loaded)
    warheads = world.object_kind == 0
    assert warheads.sum() == 4 and (~warheads).sum() == 12
    # The matched setting: the discriminator has lost every object before any launch can
    # come, so each is decided on its evidence at separation + the radar's coverage.
    lost = max(world.times[np.flatnonzero(world.views[0].visible[n])[-1]] for n in range(16))
    assert np.nanmin(world.windows.launch_time[:, 0]) > lost
    d = _evidence_of_the_views(world)
    assert d.std() < 0.02 * d.mean()  # the complex's objects share one geometry
    z = world.discrimination_threshold
    p_ww = float(p_declared_warhead(d[warheads].mean(), True, z))
    p_dw = float(p_declared_warhead(d[~warheads].mean(), False, z))
    assert 0.05 < p_dw < 0.95  # a setting where discrimination is partial
    expected = objects_engaged(4, 12, p_ww, p_dw)
    reps = loaded.scenario.replications
    results = simulate_many(world, list(enumerate(replication_seeds(loaded.scenario.seed, reps))))
    engaged = np.array([r.metrics["objects_engaged"] for _, r in results])
    decoys = np.array([r.metrics["decoys_engaged"] for _, r in results])
    se = engaged.std(ddof=1) / np.sqrt(reps)
    assert engaged.mean() == pytest.approx(expected, abs=3.5 * se + 1e-9)
    # The decoys engaged are binomial(12 per replication, P_dw).
    half = 3.5 * np.sqrt(p_dw * (1 - p_dw) / (12 * reps))
    assert decoys.mean() / 12 == pytest.approx(p_dw, abs=half)
    assert p_ww == pytest.approx(1.0, abs=0.01)
    assert special.ndtr(-z) == pytest.approx(0.99)
