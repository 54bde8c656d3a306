"""Sea-skimming cruise missiles: seen at the radar horizon, against sea clutter.

- NRL sea clutter model (Gregers-Hansen & Mital, NRL/MR/5310--12-9346, 2012) against an
  independent implementation's published value: MATLAB's `seareflectivity` (Radar Toolbox
  documentation, which implements the NRL model), sea state 2, grazing 10°, 30 GHz,
  horizontal polarisation: σ0 = 2.1555e-4.
- Radar horizon (Skolnik 2001, section 8.2, 4/3 Earth): a missile at 50 m is first seen by a
  ship's radar at 20 m at sqrt(2kR·h1) + sqrt(2kR·h2), within the distance it flies in a step.
- With sea clutter the engine's Pd per look is Pd(SNR/(1 + C/N)), C/N from the NRL σ0 at
  the grazing angle sin ψ = h/R - R/(2kR_e), the pulse-limited cell R·θ_B·(c/2B)·sec ψ, the
  two-way Gaussian pattern and the Doppler improvement, all by hand here; clutter delays the
  detection beyond the horizon's.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml

from kamae.errors import ScenarioErrors
from kamae.geo import horizon_range_exact
from kamae.scenario import load_scenario_text
from kamae.sensors.detection import detection_probability, required_snr
from kamae.sensors.sea_clutter import nrl_reflectivity_db
from kamae.world import build_world

RADAR = {
    "kind": "radar",
    "reference_range_km": 60,
    "reference_rcs_m2": 0.1,
    "max_range_km": 400,
    "azimuth_width_deg": 360,
    "min_elevation_deg": -2,
    "max_elevation_deg": 90,
    "revisit_s": 1,
    "range_sigma_m": 10,
    "angle_sigma_mrad": 1,
    "frequency_ghz": 3.3,
    "beamwidth_deg": 1.7,
    "bandwidth_mhz": 5,
    "sidelobe_level_db": -30,
    "clutter_improvement_db": 10,
    "source": "test",
    "notional": True,
}


def test_nrl_model_matches_the_published_value() -> None:
    sigma0 = 10 ** (float(nrl_reflectivity_db(30.0, 2, 10.0, "H")) / 10)
    assert sigma0 == pytest.approx(2.1555e-4, rel=5e-4)
    # Rougher seas and higher grazing return more; V more than H at low grazing.
    assert nrl_reflectivity_db(10.0, 5, 1.0) > nrl_reflectivity_db(10.0, 2, 1.0)
    assert nrl_reflectivity_db(10.0, 3, 5.0) > nrl_reflectivity_db(10.0, 3, 1.0)
    assert nrl_reflectivity_db(10.0, 3, 1.0, "V") > nrl_reflectivity_db(10.0, 3, 1.0, "H")


def _doc(sea_state: int | None) -> dict:
    sensor = {"id": "ship", "type": "ship-radar", "lat_deg": 30.0, "lon_deg": 128.0,
              "altitude_m": 20}  # fmt: skip
    if sea_state is not None:
        sensor["sea_state"] = sea_state
    return {
        "version": 1,
        "name": "sea-skimmer",
        "catalog": {"sensors": {"ship-radar": RADAR}},
        "assets": [{"id": "port", "lat_deg": 30.0, "lon_deg": 128.3, "value": 1}],
        "raids": [{"id": "lacm", "threat": "lacm-cj-10-class",
                   "launch": {"lat_deg": 30.0, "lon_deg": 125.5}, "target": "port",
                   "launch_time_s": 0, "count": 1}],
        "sensors": [sensor],
    }  # fmt: skip


def _world(sea_state: int | None):
    return build_world(load_scenario_text(yaml.safe_dump(_doc(sea_state)).encode(), "s.yaml"))


def test_sea_skimmer_is_first_seen_at_the_horizon() -> None:
    world = _world(None)
    view, traj = world.views[0], world.trajectory
    k = int(np.flatnonzero(view.visible[0])[0])
    assert traj.altitude[0, k] == pytest.approx(50.0, abs=1.0)
    horizon = float(horizon_range_exact(20.0, 50.0))
    assert horizon == pytest.approx(4120 * (np.sqrt(20) + np.sqrt(50)), rel=3e-3)
    step = float(np.linalg.norm(traj.velocity[0, k])) * world.dt
    assert view.range_m[0, k] == pytest.approx(horizon, abs=step + 50.0)


def test_sea_clutter_enters_the_pd_as_the_model_says() -> None:
    clear, cluttered = _world(None), _world(5)
    view = clear.views[0]
    # Inbound, 12 km out: inside the sea surface's own horizon from 20 m (18.4 km).
    k = int(np.flatnonzero(view.visible[0] & (view.range_m[0] < 12e3))[0])
    rng = float(view.range_m[0, k])
    # By hand: grazing angle, NRL σ0, the cell, the two-way gain, the improvement factor.
    ka = 4.0 / 3.0 * 6_371_000.0
    psi = np.arcsin(20.0 / rng - rng / (2 * ka))
    assert psi > 0
    depression = np.arcsin(20.0 / rng + rng / (2 * ka))
    sigma0 = 10 ** (float(nrl_reflectivity_db(3.3, 5, np.degrees(psi), "H")) / 10)
    cell = rng * np.radians(1.7) * 299_792_458.0 / (2 * 5e6) / np.cos(psi)
    off = float(view.elevation[0, k]) + depression
    two_way = np.exp(-4 * np.log(2) * (off / np.radians(1.7)) ** 2) ** 2
    snr_ref = float(required_snr(0.9, 1e-6, 1, 1))
    cnr = snr_ref * sigma0 * cell / 0.1 * (60e3 / rng) ** 4 * two_way / 10.0
    snr = snr_ref * (60e3 / rng) ** 4  # the missile's RCS is the reference's
    expected = float(detection_probability(snr / (1 + cnr), 1e-6, 1, 1))
    assert cnr > 100.0  # clutter dominates the noise in this cell
    assert float(cluttered.views[0].pd[0, k]) == pytest.approx(expected, rel=1e-9)
    assert cluttered.views[0].pd[0, k] < view.pd[0, k]
    # Beyond the surface's horizon the sea is shadowed: the horizon's detections are clear.
    first = int(np.flatnonzero(view.visible[0])[0])
    assert view.range_m[0, first] > 40e3
    assert cluttered.views[0].pd[0, first] == view.pd[0, first]


def test_sea_clutter_needs_the_radars_parameters() -> None:
    doc = _doc(3)
    bad = copy.deepcopy(doc)
    del bad["catalog"]["sensors"]["ship-radar"]["bandwidth_mhz"]
    with pytest.raises(ScenarioErrors, match=r"sensors\[0\]\.sea_state.*needs bandwidth_mhz"):
        build_world(load_scenario_text(yaml.safe_dump(bad).encode(), "s.yaml"))
