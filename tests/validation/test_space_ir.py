"""Satellite orbits and Earth-limb visibility against closed forms.

- Geostationary orbit: a = (μ/ω_E²)^(1/3) = 42 164.17 km with μ = 3.986004418e14 m³/s² and
  ω_E = 7.292115e-5 rad/s (WGS84, NIMA TR8350.2); the satellite must stay fixed in ECEF.
- Molniya orbit: period half a sidereal day, 43 082.0 s; a = (μ·(P/2π)²)^(1/3) = 26 562 km;
  with e = 0.74, apogee altitude a(1+e) - R_E ≈ 39 840 km and perigee ≈ 528 km; apogee
  sub-satellite latitude equal to the inclination 63.43° when ω = 270° (Vallado, Fundamentals
  of Astrodynamics and Applications, 4th ed., 2013, sections 2.2 and 11.4).
- Earth limb: in the equatorial plane the shell of altitude h is a circle of radius a + h;
  a line from radius r_s to radius r_t clears it up to the central angle
  arccos(ρ/r_s) + arccos(ρ/r_t), ρ = a + h (two tangent segments).
"""

from __future__ import annotations

import numpy as np
import pytest

from kamae import geo
from kamae.sensors import orbits, space_ir

MU = 3.986004418e14
OMEGA = 7.292115e-5


def test_geostationary_fixed_in_ecef_over_a_day() -> None:
    lon = np.radians([-105.0, 75.0, 140.0])
    elements = orbits.geostationary(lon, angle_at_zero=0.7)
    times = np.linspace(0.0, 86_400.0, 1441)
    r = orbits.satellite_ecef(elements, times, angle_at_zero=0.7)
    drift = np.linalg.norm(r - r[:, :1], axis=-1)
    assert np.max(drift) < 1.0  # metres over a day
    a = (MU / OMEGA**2) ** (1 / 3)
    assert a == pytest.approx(42_164_170.0, abs=50.0)
    lat, lon_out, h = geo.ecef_to_geodetic(r[:, 0])
    np.testing.assert_allclose(lat, 0.0, atol=1e-12)
    np.testing.assert_allclose(lon_out, lon, atol=1e-12)
    np.testing.assert_allclose(h, a - geo.WGS84_A, atol=1e-3)  # ≈ 35 786 km


def test_molniya_period_apogee_and_perigee() -> None:
    el = orbits.molniya(raan=[0.3], mean_anomaly=[0.0])
    period = float(el.period_s[0])
    assert period == pytest.approx(np.pi / OMEGA, rel=1e-12)
    assert period == pytest.approx(43_082.0, abs=0.1)
    a = float(el.semi_major_axis_m[0])
    assert a == pytest.approx((MU * (period / (2 * np.pi)) ** 2) ** (1 / 3), rel=1e-12)
    assert a == pytest.approx(26_562e3, abs=1e3)
    assert a * 1.74 - geo.WGS84_A == pytest.approx(39_840e3, abs=5e3)
    assert a * 0.26 - geo.WGS84_A == pytest.approx(528e3, abs=5e3)
    # Propagated: the radius peaks at a(1+e) half a period after perigee, and repeats.
    times = np.linspace(0.0, 2 * period, 40_001)
    pos, _ = orbits.eci_states(el, times)
    radius = np.linalg.norm(pos[0], axis=-1)
    assert radius.max() == pytest.approx(a * 1.74, rel=1e-7)
    assert radius.min() == pytest.approx(a * 0.26, rel=1e-7)
    peaks = times[np.argsort(radius)[-1]]
    assert peaks % period == pytest.approx(period / 2, abs=2 * (times[1] - times[0]))
    # Apogee over the north at geocentric latitude = inclination (63.43°).
    apogee = pos[0, np.argmax(radius)]
    lat_c = np.degrees(np.arcsin(apogee[2] / np.linalg.norm(apogee)))
    assert lat_c == pytest.approx(np.degrees(orbits.CRITICAL_INCLINATION), abs=0.01)
    assert np.degrees(orbits.CRITICAL_INCLINATION) == pytest.approx(63.435, abs=1e-3)


@pytest.mark.parametrize("shell_km", [0.0, 10.0, 50.0])
@pytest.mark.parametrize("target_alt_km", [60.0, 300.0, 1000.0])
def test_earth_limb_against_tangent_geometry(shell_km: float, target_alt_km: float) -> None:
    """GEO satellite over 0°E and targets on the equator: visible up to the tangent angle."""
    a = geo.WGS84_A
    r_s = (MU / OMEGA**2) ** (1 / 3)
    r_t = a + target_alt_km * 1e3
    rho = a + shell_km * 1e3
    gamma_max = np.arccos(rho / r_s) + np.arccos(rho / r_t)
    sat = np.array([r_s, 0.0, 0.0])
    eps = np.radians(0.01)
    for gamma, expected in ((gamma_max - eps, True), (gamma_max + eps, False)):
        target = r_t * np.array([np.cos(gamma), np.sin(gamma), 0.0])
        assert bool(space_ir.shell_clear(sat, target, shell_km * 1e3)) is expected
    # arccos(6388/42164) + arccos(6388/6678) = 81.29° + 16.94° for 300 km over a 10 km shell.
    if shell_km == 10.0 and target_alt_km == 300.0:
        assert np.degrees(gamma_max) == pytest.approx(98.23, abs=0.01)


def test_target_below_shell_seen_only_from_above_its_horizon() -> None:
    """A target inside the shell (e.g. a glide vehicle at 30 km under a 50 km shell) is seen
    while the satellite is above its local horizon: cos γ ≥ r_t/r_s."""
    a = geo.WGS84_A
    r_s, r_t = a + 1_000e3, a + 30e3
    gamma_h = np.arccos(r_t / r_s)
    sat = np.array([r_s, 0.0, 0.0])
    for gamma, expected in ((gamma_h - 1e-4, True), (gamma_h + 1e-4, False)):
        target = r_t * np.array([np.cos(gamma), np.sin(gamma), 0.0])
        assert bool(space_ir.shell_clear(sat, target, 50e3)) is expected


def test_polar_geometry_uses_the_ellipsoid() -> None:
    """A horizontal line of sight passing 5 km over the North Pole (polar radius b) clears a
    4 km shell and is blocked by a 6 km one; a sphere of any mean radius would block both."""
    z = geo.WGS84_B + 5e3
    sat = np.array([3_000e3, 0.0, z])
    target = np.array([-500e3, 0.0, z])
    assert bool(space_ir.shell_clear(sat, target, 4e3))
    assert not bool(space_ir.shell_clear(sat, target, 6e3))
