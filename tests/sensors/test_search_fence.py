"""The unaided search fence: beam positions, search energy and the Pd of a search look
(search radar equation, Skolnik 2001 ch. 2: SNR ∝ T_f/Ω)."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from conftest import one_layer_scenario

from kamae.scenario import load_scenario_text
from kamae.sensors.detection import detection_probability
from kamae.sensors.search import beam_positions, fence_solid_angle, search_energy_factor
from kamae.world import build_world


def test_fence_solid_angle_and_beam_positions() -> None:
    az, lo, ext, bw = np.radians(120.0), np.radians(0.5), np.radians(5.0), np.radians(0.8)
    omega = az * (np.sin(lo + ext) - np.sin(lo))
    assert fence_solid_angle(az, lo, ext) == pytest.approx(omega)
    assert beam_positions(az, lo, ext, bw) == pytest.approx(omega / bw**2)
    # The whole sphere's upper half tiled by 1° beams: about 2π/(π/180)² = 20,600.
    assert beam_positions(2 * np.pi, 0.0, np.pi / 2, np.radians(1.0)) == pytest.approx(
        2 * np.pi / np.radians(1.0) ** 2
    )
    # Twice the frame time, twice the energy per look; twice the volume, half.
    assert search_energy_factor(20.0, 1000.0, 0.01) == pytest.approx(2.0)
    assert search_energy_factor(10.0, 2000.0, 0.01) == pytest.approx(0.5)


def _fenced_world(fence_deg: float):
    doc = one_layer_scenario(count=2)
    radar = doc["catalog"]["sensors"]["test-radar"]
    del radar["pd_per_look"]
    radar.update({"detection": "swerling1", "reference_range_km": 900, "azimuth_width_deg": 120,
                  "min_elevation_deg": 0.5, "search_revisit_s": 10, "track_dwell_ms": 20,
                  "beamwidth_deg": 1.0})  # fmt: skip
    doc["sensors"][0]["boresight_deg"] = 270
    doc["sensors"][0]["search_fence_deg"] = fence_deg
    return build_world(load_scenario_text(yaml.safe_dump(doc).encode(), "f.yaml"))


def test_search_looks_have_the_fence_energy_inside_the_fence_only() -> None:
    world = _fenced_world(5.0)
    radar, view = world.radars[0], world.views[0]
    assert view.search_pd is not None
    positions = np.radians(120.0) * (np.sin(np.radians(5.5)) - np.sin(np.radians(0.5)))
    positions /= np.radians(1.0) ** 2
    factor = 10.0 / positions / 0.020
    inside = view.visible & (view.elevation <= np.radians(5.5))
    assert inside.any() and (view.visible & ~inside).any()
    track_snr = _track_snr(world)
    expected = detection_probability(track_snr[inside] * factor, radar.pfa, 1, 1)
    np.testing.assert_allclose(view.search_pd[inside], expected, rtol=1e-10)
    assert np.all(view.search_pd[view.visible & ~inside] == 0.0)
    assert np.all(view.search_pd <= view.pd + 1e-15)


def _track_snr(world) -> np.ndarray:
    """The track look's SNR from its Pd (Swerling 1, one pulse: Pd = Pfa^(1/(1+SNR)))."""
    pd = np.clip(world.views[0].pd, 1e-300, 1 - 1e-16)
    with np.errstate(divide="ignore"):
        return np.log(world.radars[0].pfa) / np.log(pd) - 1.0
