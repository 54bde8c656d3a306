"""Unit tests of kamae.sensors.orbits: elements, frames, Walker patterns and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from kamae import geo
from kamae.kinematics.kepler import MU_EARTH
from kamae.sensors import orbits


def _one(**kw: float) -> orbits.OrbitalElements:
    base = dict(
        semi_major_axis_m=7_000e3,
        eccentricity=0.01,
        inclination=0.9,
        raan=0.3,
        argument_of_perigee=1.0,
        mean_anomaly=0.5,
    )
    base.update(kw)
    return orbits.OrbitalElements(**{k: np.array([v]) for k, v in base.items()})


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"eccentricity": 1.0}, "eccentricity"),
        ({"eccentricity": -0.1}, "eccentricity"),
        ({"semi_major_axis_m": 6_000e3}, "perigee"),
        ({"semi_major_axis_m": 8_000e3, "eccentricity": 0.3}, "perigee"),
        ({"inclination": np.nan}, "finite"),
    ],
)
def test_elements_reject_bad_values(kw: dict, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        _one(**kw)


def test_walker_rejects_bad_patterns() -> None:
    with pytest.raises(ValueError, match="multiple"):
        orbits.walker_delta(10, 3, 0, 1e6, 1.0)
    with pytest.raises(ValueError, match="phasing"):
        orbits.walker_delta(12, 3, 3, 1e6, 1.0)
    with pytest.raises(ValueError, match="altitude_m"):
        orbits.walker_delta(12, 3, 1, -1.0, 1.0)
    with pytest.raises(ValueError, match="period_s"):
        orbits.semi_major_axis_for_period(0.0)


def test_state_at_epoch_and_energy() -> None:
    """At the epoch with M0 = 0 the satellite is at perigee a(1-e) along P; vis-viva holds."""
    el = _one(mean_anomaly=0.0, eccentricity=0.1, semi_major_axis_m=8_000e3)
    pos, vel = orbits.eci_states(el, [0.0, 1234.0])
    p_hat, q_hat = el.perifocal_axes()
    np.testing.assert_allclose(pos[0, 0], 8_000e3 * 0.9 * p_hat[0], rtol=1e-12)
    np.testing.assert_allclose(np.cross(p_hat, q_hat)[0] @ pos[0, 1], 0.0, atol=1e-6)
    r = np.linalg.norm(pos[0], axis=-1)
    v2 = np.sum(vel[0] ** 2, axis=-1)
    np.testing.assert_allclose(v2, MU_EARTH * (2 / r - 1 / 8_000e3), rtol=1e-12)


def test_inclination_bounds_latitude() -> None:
    """A circular orbit of inclination i reaches |z|/r = sin i and no more."""
    el = _one(eccentricity=0.0, inclination=np.radians(53.0))
    pos, _ = orbits.eci_states(el, np.linspace(0, float(el.period_s[0]), 4001))
    ratio = np.abs(pos[0, :, 2]) / np.linalg.norm(pos[0], axis=-1)
    assert ratio.max() == pytest.approx(np.sin(np.radians(53.0)), abs=1e-6)


def test_ecef_velocity_matches_finite_difference() -> None:
    el = _one(eccentricity=0.2, semi_major_axis_m=10_000e3)
    times = np.array([100.0 - 0.01, 100.0, 100.0 + 0.01])
    pos, vel = orbits.eci_states(el, times)
    r_ecef, v_ecef = orbits.eci_to_ecef(pos, times, 0.4, vel)
    assert v_ecef is not None
    fd = (r_ecef[0, 2] - r_ecef[0, 0]) / 0.02
    np.testing.assert_allclose(v_ecef[0, 1], fd, atol=1e-4)


def test_walker_delta_pattern() -> None:
    """24/3/1 at 1000 km: 3 planes 120° apart, 8 per plane 45° apart, neighbouring planes
    shifted by 360°·f/t = 15°."""
    el = orbits.walker_delta(24, 3, 1, 1_000e3, np.radians(60.0))
    assert el.count == 24
    np.testing.assert_allclose(el.semi_major_axis_m, geo.WGS84_A + 1_000e3)
    np.testing.assert_allclose(np.degrees(el.raan[::8]), [0.0, 120.0, 240.0])
    np.testing.assert_allclose(np.degrees(np.diff(el.mean_anomaly[:8])), 45.0)
    np.testing.assert_allclose(np.degrees(el.mean_anomaly[8] - el.mean_anomaly[0]), 15.0)


def test_concatenate_elements() -> None:
    geo_el = orbits.geostationary(np.radians([10.0, 20.0]))
    heo = orbits.molniya([0.0], [np.pi])
    both = orbits.concatenate_elements(geo_el, heo)
    assert both.count == 3
    assert both.eccentricity[2] == pytest.approx(0.74)
    shifted = orbits.OrbitalElements(*(getattr(heo, f) for f in orbits.ELEMENT_FIELDS), 5.0)
    with pytest.raises(ValueError, match="epoch"):
        orbits.concatenate_elements(geo_el, shifted)
