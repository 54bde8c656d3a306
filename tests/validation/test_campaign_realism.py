"""The campaign's optional realism against closed forms and an explicit simulation.

- Reconnaissance (find and fix): Koopman's random-search probability
  p = 1 − exp(−E · Σ c·pd / revisit) (Koopman, "Search and Screening", 1946/1980; Washburn,
  "Search and Detection", 4th ed. 2002, ch. 2) against a geometric Monte Carlo of the
  search itself: launchers at uniform places on a torus, Poisson passes imaging a strip of
  share c at a random offset, exposure windows when the launcher fires; and the campaign's
  located launchers against the closed form step by step (a launcher that stops firing
  hides: fewer are found).
- Time of flight and shoot-and-scoot: destroyed = located × E[exp(−(latency + d/v)/τ)],
  bounded by the nearest and farthest points of the area.
- Battle-damage assessment: unassessed wrecks are struck again, a geometric series
  N(1 − p_bda)^k of strike missiles on day k, in the expected version and in the mean of
  the stochastic one.
- Reconstitution: the repair queue R[k+1] = (1 − q)R[k] + s·D[k], returned q·R[k].
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest
from pyproj import Geod
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "campaign"))
from campaign_scenarios import LAUNCH_AREA, campaign_doc, load  # noqa: E402

from kamae.campaign import build_plan, run_campaign  # noqa: E402
from kamae.campaign.reconnaissance import random_search_p  # noqa: E402

ASSETS = [  # (revisit_h, coverage_share, p_detect)
    (6.0, 0.3, 0.8),
    (10.0, 0.6, 0.5),
]
STEP_H = 24.0
WINDOWS = [(3.0, 4.5), (15.0, 16.5)]
"""Two salvos, 1.5 h in the open each."""


def _simulated_located_share(n: int, seed: int) -> float:
    """Explicit search: each launcher sits at a uniform x on the unit torus; each asset's
    passes are a Poisson stream over the step; a pass images the strip [u, u + c) (mod 1)
    at a uniform offset u and, if the launcher is inside and in the open, detects it with
    probability pd."""
    rng = np.random.default_rng(seed)
    x = rng.random(n)
    found = np.zeros(n, dtype=bool)
    for revisit_h, c, pd in ASSETS:
        passes = rng.poisson(STEP_H / revisit_h, size=n)
        for m in range(int(passes.max())):
            active = passes > m
            t = rng.random(n) * STEP_H
            u = rng.random(n)
            in_strip = np.mod(x - u, 1.0) < c
            exposed = np.zeros(n, dtype=bool)
            for a, b in WINDOWS:
                exposed |= (t >= a) & (t < b)
            seen = rng.random(n) < pd
            found |= active & in_strip & exposed & seen
    return float(found.mean())


def test_random_search_formula_matches_an_explicit_search_simulation():
    exposed_h = sum(b - a for a, b in WINDOWS)
    rate = sum(c * pd / revisit for revisit, c, pd in ASSETS)
    p = float(random_search_p(rate, np.array([exposed_h]))[0])
    assert p == pytest.approx(1 - math.exp(-exposed_h * rate), rel=1e-12)
    n = 200_000
    share = _simulated_located_share(n, seed=7)
    half = stats.norm.ppf(1 - 0.001 / 2) * math.sqrt(p * (1 - p) / n)  # 99.9%
    assert abs(share - p) <= half, (share, p, half)
    # Not vacuous: periodic passes (no randomness in time) would find more, a single asset
    # fewer, and the two differ from p by more than the interval.
    assert 1 - np.prod([(1 - c * pd) ** (exposed_h / r) for r, c, pd in ASSETS]) > p + 3 * half


def _recon_doc(**kw) -> dict:
    doc = campaign_doc(launchers=100, launches_per_step=1000, strike_inventory=100_000, **kw)
    force = doc["campaign"]["forces"][0]
    force["exposed_h_per_salvo"] = 1.0
    force["exposed_h_per_step"] = 0.5
    doc["campaign"]["reconnaissance"] = [
        {"id": "sat", "revisit_h": 6, "coverage_share": 0.5, "p_detect": 0.8,
         "source": "test", "notional": True},
    ]  # fmt: skip
    return doc


def test_campaign_locates_launchers_by_random_search_and_hidden_ones_less():
    """3 rounds, one a day: days 0-2 firing (E = 1.5 h), day 3 hidden (E = 0.5 h); rate
    0.5·0.8/6 = 1/15 per h; p_kill 1, so the launchers alive fall by the located."""
    result = run_campaign(load(_recon_doc()), expected=True)
    t = result.table
    p_fire, p_idle = 1 - math.exp(-1.5 / 15), 1 - math.exp(-0.5 / 15)
    alive, located = 100.0, []
    for p in (p_fire, p_fire, p_fire, p_idle):
        located.append(alive * p)
        alive -= alive * p
    assert t.column("launchers_located").to_pylist() == pytest.approx(located, rel=1e-12)
    assert t.column("launchers_destroyed").to_pylist() == pytest.approx(located, rel=1e-12)
    assert t.column("p_locate.force").to_pylist() == pytest.approx(
        [p_fire, p_fire, p_fire, p_idle], rel=1e-12
    )
    recon = result.summary()["reconnaissance"]["force"]
    assert recon["p_locate_one_salvo"] == pytest.approx(p_fire, rel=1e-12)
    assert recon["p_locate_no_salvo"] == pytest.approx(p_idle, rel=1e-12)


def _box_distances_m(lat: float, lon: float) -> tuple[float, float]:
    """Nearest and farthest geodesic distance from a point to the launch box (boundary
    densified, plus the interior grid), m."""
    lats = [v["lat_deg"] for v in LAUNCH_AREA]
    lons = [v["lon_deg"] for v in LAUNCH_AREA]
    g_lat, g_lon = np.meshgrid(
        np.linspace(min(lats), max(lats), 121), np.linspace(min(lons), max(lons), 121)
    )
    _, _, d = Geod(ellps="WGS84").inv(
        np.full(g_lat.size, lon), np.full(g_lat.size, lat), g_lon.ravel(), g_lat.ravel()
    )
    return float(np.min(d)), float(np.max(d))


def test_time_of_flight_lets_located_launchers_move_away():
    speed, tau_h, latency_h = 250.0, 2.0, 0.5
    doc = campaign_doc(launchers=100, launches_per_step=1000, strike_inventory=100_000)
    doc["campaign"]["strike_weapons"]["test-strike"]["speed_mps"] = speed
    doc["campaign"]["forces"][0].update(relocation_mean_h=tau_h, targeting_latency_h=latency_h)
    loaded = load(doc)
    plan = build_plan(loaded)
    stay = plan.stay[0]
    assert stay is not None and stay.shape == (1, 1)
    near, far = _box_distances_m(35.0, 135.0)
    bounds = [math.exp(-(latency_h + d / speed / 3600.0) / tau_h) for d in (far, near)]
    assert bounds[0] < float(stay[0, 0]) < bounds[1]
    result = run_campaign(loaded, expected=True, plan=plan)
    t = result.table
    located = np.asarray(t.column("launchers_located").to_pylist())
    destroyed = np.asarray(t.column("launchers_destroyed").to_pylist())
    assert destroyed == pytest.approx(located * float(stay[0, 0]), rel=1e-12)
    # Day 0: all 100 located, about half still there when the missiles arrive (about 830 km
    # at 250 m/s: 0.9 h of flight + 0.5 h of latency against a 2 h mean dwell).
    assert destroyed[0] == pytest.approx(100 * float(stay[0, 0]), rel=1e-12)
    assert 0.4 < float(stay[0, 0]) < 0.6


@pytest.mark.parametrize("p_bda", [0.5, 0.8])
def test_unassessed_wrecks_are_struck_again_geometrically(p_bda):
    """4 launchers all located and destroyed on day 0; each wreck unassessed with 1 − b is
    struck again (one missile) the next day and assessed with b: 4(1 − b)^k missiles on
    day k ≥ 1."""
    doc = campaign_doc(launches_per_step=1000)
    doc["campaign"]["counterstrike"]["p_bda"] = p_bda
    loaded = load(doc)
    plan = build_plan(loaded)
    ex = run_campaign(loaded, expected=True, plan=plan)
    fired = ex.table.column("strike_missiles_fired").to_pylist()
    expected = [4.0] + [4.0 * (1 - p_bda) ** k for k in range(1, 4)]
    assert fired == pytest.approx(expected, rel=1e-12)
    assert ex.table.column("wrecks_struck").to_pylist() == pytest.approx(
        [0.0, *expected[1:]], rel=1e-12
    )
    # The stochastic version: the same means within 99.9% Student-t intervals.
    n = 300
    mc = run_campaign(loaded, replications=n, seed=5, plan=plan, calibration=ex.calibration)
    steps = np.asarray(mc.table.column("step").to_numpy())
    values = np.asarray(mc.table.column("wrecks_struck").to_numpy())
    t_crit = stats.t.ppf(1 - 0.001 / 2, n - 1)
    for k in (1, 2):
        v = values[steps == k]
        assert abs(v.mean() - expected[k]) <= t_crit * v.std(ddof=1) / math.sqrt(n), k
    assert mc.summary()["wrecks_struck"]["mean"] > 0


def test_repair_queue_follows_its_difference_equations():
    s, q = 0.5, 1 - math.exp(-24.0 / 24.0)
    doc = campaign_doc(launches_per_step=1000)
    doc["campaign"]["forces"][0]["reconstitution"] = {
        "repairable_share": s, "repair_mean_h": 24.0, "source": "test",
    }  # fmt: skip
    t = run_campaign(load(doc), expected=True).table
    # Day 0: 4 destroyed, 2 enter repair. Day 1: nothing alive to strike; 2q return.
    # Day 2: the 2q fire (rounds kept while the force had no launcher) and are destroyed,
    # q of them enter repair; 2(1 − q)q return.
    returned = [0.0, 2 * q, 2 * (1 - q) * q]
    in_repair = [2.0, 2 * (1 - q), 2 * (1 - q) ** 2 + s * 2 * q]
    assert t.column("launchers_returned").to_pylist()[:3] == pytest.approx(returned, rel=1e-12)
    assert t.column("launchers_in_repair").to_pylist()[:3] == pytest.approx(in_repair, rel=1e-12)
    launched = t.column("missiles_launched").to_pylist()
    assert launched[:3] == pytest.approx([4.0, 0.0, 2 * q], rel=1e-12)


def test_replacements_arrive_at_their_rate():
    doc = campaign_doc(launches_per_step=1000, steps=3)
    doc["campaign"]["forces"][0]["reconstitution"] = {
        "replacements_per_month": 30.4375, "source": "test",  # one a day
    }  # fmt: skip
    t = run_campaign(load(doc), expected=True).table
    assert t.column("launchers_returned").to_pylist() == [1.0, 1.0, 1.0]
    assert t.column("launchers_alive").to_pylist() == [1.0, 1.0, 1.0]
    assert t.column("launchers_destroyed").to_pylist() == [4.0, 1.0, 1.0]
