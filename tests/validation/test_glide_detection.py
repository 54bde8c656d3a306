"""A glide vehicle hides below the ground radars' horizon and shows in the infrared.

- Horizon geometry (Skolnik 2001, section 8.2; `geo.horizon_range_exact`, 4/3 Earth): a
  DF-17-class glider at 30-60 km is first seen by a ground radar (field of regard and
  detection range not binding) at the slant range of the horizon for its height, within the
  distance it flies in one step.
- Radiometric model (`kamae.sensors.infrared`) against independent forms: the Planck band
  radiance against the series of the blackbody fraction F(0→λT) = (15/π⁴)·Σ e^(-nx)/n·(x³ +
  3x²/n + 6x/n² + 6/n³), x = hc/(λkT) (e.g. Siegel & Howell, Thermal Radiation Heat Transfer,
  4th ed., 2002, ch. 2); Sutton & Graves' heating (NASA TR R-376, 1971) and radiative
  equilibrium by hand at one point; and the tracking layer's Pd in the world equal to
  Φ(E/NEI - Φ⁻¹(1 - Pfa)) of the glider's hand-computed intensity at that point.
- The consequence: the low-orbit infrared layer detects the glider minutes before the ground
  radar's horizon opens.
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from scipy import special

from kamae.geo import horizon_range_exact
from kamae.kinematics.reentry import ExponentialAtmosphere
from kamae.scenario import load_scenario_text
from kamae.sensors.infrared import (
    BOLTZMANN,
    LIGHT_SPEED,
    PLANCK,
    STEFAN_BOLTZMANN,
    equilibrium_temperature,
    kth_view_range,
    planck_band_radiance,
    stagnation_heat_flux,
)
from kamae.sensors.orbits import satellite_ecef
from kamae.world import build_world


def _fraction(lam_m: float, t: float, terms: int = 200) -> float:
    x = PLANCK * LIGHT_SPEED / (lam_m * BOLTZMANN * t)
    n = np.arange(1, terms + 1, dtype=float)
    return float(
        15 / np.pi**4 * np.sum(np.exp(-n * x) / n * (x**3 + 3 * x**2 / n + 6 * x / n**2 + 6 / n**3))
    )


@pytest.mark.parametrize("t", [300.0, 800.0, 1500.0, 2500.0])
@pytest.mark.parametrize(("low", "high"), [(3e-6, 5e-6), (8e-6, 12e-6), (2.7e-6, 3.0e-6)])
def test_planck_band_radiance_matches_the_fraction_series(
    t: float, low: float, high: float
) -> None:
    exact = STEFAN_BOLTZMANN * t**4 / np.pi * (_fraction(high, t) - _fraction(low, t))
    assert float(planck_band_radiance(t, low, high)) == pytest.approx(exact, rel=1e-6)


def test_heating_and_equilibrium_temperature_by_hand() -> None:
    rho, v, rn, eps = 4.0e-4, 4000.0, 0.1, 0.8
    q = 1.7415e-4 * np.sqrt(rho / rn) * v**3
    assert float(stagnation_heat_flux(rho, v, rn)) == pytest.approx(q, rel=1e-12)
    assert float(equilibrium_temperature(q, eps)) == pytest.approx(
        (q / (eps * 5.670374419e-8)) ** 0.25
    )


TRACKING = {
    "kind": "space_ir",
    "role": "tracking",
    "walker_total": 28,
    "walker_planes": 4,
    "walker_phasing": 1,
    "walker_altitude_km": 1000,
    "walker_inclination_deg": 80,
    "limb_altitude_km": 20,
    "max_range_km": 5000,
    "revisit_s": 10,
    "position_sigma_km": 1,
    "nei_w_cm2": 1e-14,
    "band_low_um": 3.0,
    "band_high_um": 5.0,
    "ir_pfa": 1e-6,
    "source": "test",
    "notional": True,
}


def _glide_world():
    doc = {
        "version": 1,
        "name": "glide-horizon",
        "catalog": {
            "sensors": {
                "wide-radar": {
                    "kind": "radar", "reference_range_km": 5000, "reference_rcs_m2": 0.1,
                    "max_range_km": 5000, "azimuth_width_deg": 360, "min_elevation_deg": -5,
                    "max_elevation_deg": 90, "revisit_s": 1, "pd_per_look": 1.0,
                    "range_sigma_m": 10, "angle_sigma_mrad": 0.1, "source": "test",
                    "notional": True,
                },
                "leo-ir": TRACKING,
            }
        },
        "assets": [{"id": "naha", "lat_deg": 26.21, "lon_deg": 127.68, "value": 1}],
        "raids": [{"id": "glide", "threat": "mrbm-df-17-hgv-class",
                   "launch": {"lat_deg": 31.0, "lon_deg": 112.5}, "target": "naha",
                   "launch_time_s": 0, "count": 1}],
        "sensors": [{"id": "ground", "type": "wide-radar", "lat_deg": 26.3, "lon_deg": 127.8,
                     "altitude_m": 50}],
        "space_sensors": [{"id": "leo", "type": "leo-ir"}],
    }  # fmt: skip
    return build_world(load_scenario_text(yaml.safe_dump(doc).encode(), "g.yaml"))


def test_ground_radar_first_sees_the_glider_at_its_horizon() -> None:
    world = _glide_world()
    view, traj = world.views[0], world.trajectory
    k = int(np.flatnonzero(view.visible[0])[0])
    height = float(traj.altitude[0, k])
    assert 25e3 < height < 65e3  # gliding, not boosting or diving
    horizon = float(horizon_range_exact(50.0, height))
    speed = float(np.linalg.norm(traj.velocity[0, k]))
    assert view.range_m[0, k] == pytest.approx(horizon, abs=speed * world.dt + 1e3)
    # Before that it was inside the radar's instrumented range, yet hidden by the Earth.
    before = np.flatnonzero(traj.in_flight[0, :k] & (traj.altitude[0, :k] > 25e3))
    assert before.size > 60 and np.all(view.range_m[0, before] < 5e6)
    assert not view.visible[0, before].any()


def test_infrared_layer_sees_the_glider_first_with_its_radiometric_pd() -> None:
    world = _glide_world()
    layer, traj = world.space_layers[0], world.trajectory
    assert layer.pd is not None
    seen_ir = np.flatnonzero(layer.pd[0] > 0.5)
    first_radar = int(np.flatnonzero(world.views[0].visible[0])[0])
    # A glide sample (after the boost) the layer sees with Pd > 0.5, well before the radar.
    glide = seen_ir[(traj.phase[0, seen_ir] == 4) & (seen_ir < first_radar - 60)]
    assert glide.size
    k = int(glide[0])
    # The same Pd by hand: Sutton-Graves, radiative equilibrium, the series' band radiance.
    sig = {"nose_radius_m": 0.1, "heated_area_m2": 0.5, "body_area_m2": 2.0, "emissivity": 0.8}
    rho = float(ExponentialAtmosphere().density(traj.altitude[0, k]))
    v = float(np.linalg.norm(traj.velocity[0, k]))
    q = 1.7415e-4 * np.sqrt(rho / sig["nose_radius_m"]) * v**3
    tw = max((q / (0.8 * STEFAN_BOLTZMANN)) ** 0.25, 300.0)

    def band(t: float) -> float:
        return STEFAN_BOLTZMANN * t**4 / np.pi * (_fraction(5e-6, t) - _fraction(3e-6, t))

    intensity = 0.8 * (band(tw) * sig["heated_area_m2"] + band(300.0) * sig["body_area_m2"])
    tl = world.space_layers[0].layer
    sat = satellite_ecef(tl.elements, world.times[k : k + 1], tl.angle_at_zero)
    rng = float(kth_view_range(sat, traj.position[:, k : k + 1], np.ones((1, 1), bool),
                               20e3, 5e6, 1)[0, 0])  # fmt: skip
    snr = intensity / rng**2 / (1e-14 * 1e4)
    assert float(layer.pd[0, k]) == pytest.approx(
        float(special.ndtr(snr - special.ndtri(1 - 1e-6))), rel=1e-5
    )
    # Cold in midcourse it would not be: 300 K over 2 m² at 2000 km is far below the NEI.
    cold = 0.8 * band(300.0) * 2.0 / (2e6) ** 2 / (1e-14 * 1e4)
    assert cold < 0.01
