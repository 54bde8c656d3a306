"""Satellite orbits from classical elements: two-body propagation and ECI -> ECEF.

- Classical (Keplerian) elements a, e, i, Ω, ω, M0 at an epoch give the perifocal unit vectors
  P and Q in the inertial frame through the 3-1-3 rotation R3(-Ω)·R1(-i)·R3(-ω) (Vallado,
  Fundamentals of Astrodynamics and Applications, 4th ed., 2013, algorithm 10 "COE2RV"). The
  position at time t follows from Kepler's equation, solved by `kamae.kinematics.kepler`.
- Inertial to Earth-fixed by the Earth rotation angle only: θ(t) = θ0 + ω_E·t with the WGS84
  rate ω_E = 7.292115e-5 rad/s (NIMA TR8350.2, 2000); r_ECEF = R3(θ)·r_ECI. θ0 is the angle of
  the Greenwich meridian from the inertial x axis at scenario time 0 (a free parameter: the
  inertial frame here is a pseudo-inertial frame aligned with ECEF at t = 0 when θ0 = 0).
- Ready-made orbits: geostationary (a from ω_E, so the satellite is fixed over its longitude),
  Molniya-like (half a sidereal day, critical inclination 63.43°, apogee over the north) and a
  Walker delta pattern i:t/p/f (Walker, J. Br. Interplanet. Soc. 37, 1984).

Neglected: precession, nutation and polar motion (the ECI frame is a frame rotating rigidly
with the Earth's spin axis), J2 and higher harmonics (no nodal regression or apsidal drift),
drag, luni-solar perturbations and station keeping. Over a few hours of a scenario the J2
drift of a Molniya orbit (~0.1°/day in Ω) is negligible for visibility.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray
from kamae.geo import WGS84_A
from kamae.kinematics.kepler import MU_EARTH, Orbit, solve_kepler, state_at_eccentric

EARTH_ROTATION_RATE = 7.292115e-5
"""WGS84 angular velocity of the Earth (sidereal), rad/s (NIMA TR8350.2)."""
SIDEREAL_DAY_S = 2.0 * np.pi / EARTH_ROTATION_RATE
"""One sidereal rotation, s (≈ 86164.1 s)."""
CRITICAL_INCLINATION = float(np.arcsin(np.sqrt(0.8)))
"""Inclination (rad, 63.435°) at which J2 does not turn the line of apsides."""
ELEMENT_FIELDS = (
    "semi_major_axis_m",
    "eccentricity",
    "inclination",
    "raan",
    "argument_of_perigee",
    "mean_anomaly",
)


@dataclass(frozen=True)
class OrbitalElements:
    """A batch of K elliptic orbits by classical elements at a common epoch (arrays (K,))."""

    semi_major_axis_m: FloatArray
    eccentricity: FloatArray
    inclination: FloatArray
    """rad."""
    raan: FloatArray
    """Right ascension of the ascending node Ω, rad, from the inertial x axis."""
    argument_of_perigee: FloatArray
    """ω, rad."""
    mean_anomaly: FloatArray
    """M0 at the epoch, rad."""
    epoch_s: float = 0.0
    """Scenario time of the elements, s."""

    def __post_init__(self) -> None:
        arrays = [np.atleast_1d(np.asarray(getattr(self, f), dtype=float)) for f in ELEMENT_FIELDS]
        try:
            arrays = list(np.broadcast_arrays(*arrays))
        except ValueError as exc:
            raise ValueError(f"orbital elements must have one common shape: {exc}") from None
        if not all(np.all(np.isfinite(x)) for x in arrays):
            raise ValueError("orbital elements must be finite")
        a, e = arrays[0], arrays[1]
        if np.any((e < 0.0) | (e >= 1.0)):
            raise ValueError(f"eccentricity must be in [0, 1) (got {e.tolist()})")
        if np.any(a * (1.0 - e) <= WGS84_A):
            raise ValueError("semi_major_axis_m: perigee a·(1 - e) must be above the Earth")
        for name, value in zip(ELEMENT_FIELDS, arrays, strict=True):
            object.__setattr__(self, name, np.array(value, dtype=float))

    @property
    def count(self) -> int:
        return int(self.semi_major_axis_m.shape[0])

    @property
    def mean_motion(self) -> FloatArray:
        """n = sqrt(μ/a³), rad/s."""
        return np.sqrt(MU_EARTH / self.semi_major_axis_m**3)

    @property
    def period_s(self) -> FloatArray:
        """Two-body period 2π·sqrt(a³/μ), s."""
        return 2.0 * np.pi / self.mean_motion

    def perifocal_axes(self) -> tuple[FloatArray, FloatArray]:
        """Unit vectors P (to perigee) and Q (90° ahead in the orbit plane), ECI (K, 3) each."""
        so, co = np.sin(self.raan), np.cos(self.raan)
        si, ci = np.sin(self.inclination), np.cos(self.inclination)
        sw, cw = np.sin(self.argument_of_perigee), np.cos(self.argument_of_perigee)
        p_hat = np.stack([co * cw - so * sw * ci, so * cw + co * sw * ci, sw * si], axis=-1)
        q_hat = np.stack([-co * sw - so * cw * ci, -so * sw + co * cw * ci, cw * si], axis=-1)
        return p_hat, q_hat

    def to_orbit(self) -> Orbit:
        p_hat, q_hat = self.perifocal_axes()
        return Orbit(
            a=self.semi_major_axis_m,
            e=self.eccentricity,
            p_hat=p_hat,
            q_hat=q_hat,
            n=self.mean_motion,
        )


def concatenate_elements(*parts: OrbitalElements) -> OrbitalElements:
    """One batch from several batches of elements sharing an epoch."""
    epochs = {p.epoch_s for p in parts}
    if len(epochs) != 1:
        raise ValueError("elements to concatenate must share one epoch_s")
    arrays = {f: np.concatenate([getattr(p, f) for p in parts]) for f in ELEMENT_FIELDS}
    return OrbitalElements(**arrays, epoch_s=epochs.pop())


def eci_states(elements: OrbitalElements, times: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Inertial positions and velocities (K, T, 3) at scenario times (T,), two-body."""
    t = np.atleast_1d(np.asarray(times, dtype=float))
    mean = elements.mean_anomaly[:, None] + elements.mean_motion[:, None] * (
        t[None, :] - elements.epoch_s
    )
    big_e = solve_kepler(mean, elements.eccentricity[:, None])
    return state_at_eccentric(elements.to_orbit(), big_e)


def earth_rotation_angle(times: npt.ArrayLike, angle_at_zero: float = 0.0) -> FloatArray:
    """θ(t) = θ0 + ω_E·t, rad: Greenwich meridian from the inertial x axis."""
    return angle_at_zero + EARTH_ROTATION_RATE * np.asarray(times, dtype=float)


def eci_to_ecef(
    position: npt.ArrayLike,
    times: npt.ArrayLike,
    angle_at_zero: float = 0.0,
    velocity: npt.ArrayLike | None = None,
) -> tuple[FloatArray, FloatArray | None]:
    """Rotate inertial states (..., T, 3) into ECEF: r' = R3(θ)·r, v' = R3(θ)·v - ω×r'."""
    r = np.asarray(position, dtype=float)
    theta = earth_rotation_angle(times, angle_at_zero)
    c, s = np.cos(theta), np.sin(theta)
    x = c * r[..., 0] + s * r[..., 1]
    y = -s * r[..., 0] + c * r[..., 1]
    r_ecef = np.stack([x, y, r[..., 2]], axis=-1)
    if velocity is None:
        return r_ecef, None
    v = np.asarray(velocity, dtype=float)
    vx = c * v[..., 0] + s * v[..., 1] + EARTH_ROTATION_RATE * y
    vy = -s * v[..., 0] + c * v[..., 1] - EARTH_ROTATION_RATE * x
    return r_ecef, np.stack([vx, vy, v[..., 2]], axis=-1)


def satellite_ecef(
    elements: OrbitalElements, times: npt.ArrayLike, angle_at_zero: float = 0.0
) -> FloatArray:
    """ECEF positions (K, T, 3) of the K satellites at scenario times (T,)."""
    pos, _ = eci_states(elements, times)
    r_ecef, _ = eci_to_ecef(pos, times, angle_at_zero)
    return r_ecef


def semi_major_axis_for_period(period_s: npt.ArrayLike) -> FloatArray:
    """Kepler's third law a = (μ·(P/2π)²)^(1/3), m."""
    p = np.asarray(period_s, dtype=float)
    if np.any(p <= 0):
        raise ValueError("period_s must be positive")
    return np.cbrt(MU_EARTH * (p / (2.0 * np.pi)) ** 2)


def geostationary(longitudes: npt.ArrayLike, angle_at_zero: float = 0.0) -> OrbitalElements:
    """Circular equatorial orbits with period one sidereal day over the given longitudes (rad).

    a = (μ/ω_E²)^(1/3) ≈ 42 164 km; the inertial angle at t = 0 is longitude + θ0, so that
    R3(θ(t)) brings the satellite back to the same longitude at every t.
    """
    lon = np.atleast_1d(np.asarray(longitudes, dtype=float))
    zero = np.zeros_like(lon)
    a = np.cbrt(MU_EARTH / EARTH_ROTATION_RATE**2) * np.ones_like(lon)
    return OrbitalElements(a, zero, zero, zero, zero, lon + angle_at_zero, 0.0)


def molniya(
    raan: npt.ArrayLike,
    mean_anomaly: npt.ArrayLike,
    eccentricity: float = 0.74,
    inclination: float = CRITICAL_INCLINATION,
    argument_of_perigee: float = 1.5 * np.pi,
) -> OrbitalElements:
    """Highly elliptical orbits with a period of half a sidereal day (≈ 11 h 58 min).

    Defaults are the classic Molniya values (e ≈ 0.74, i = 63.4°, ω = 270°: apogee at 63.4° N,
    ≈ 39 800 km altitude; perigee ≈ 500 km), as described for the Soviet Molniya satellites and
    the HEO hosts of SBIRS payloads.
    """
    raan_a = np.atleast_1d(np.asarray(raan, dtype=float))
    m0 = np.broadcast_to(np.asarray(mean_anomaly, dtype=float), raan_a.shape)
    a = semi_major_axis_for_period(0.5 * SIDEREAL_DAY_S) * np.ones_like(raan_a)
    ones = np.ones_like(raan_a)
    return OrbitalElements(
        a, eccentricity * ones, inclination * ones, raan_a, argument_of_perigee * ones, m0, 0.0
    )


def walker_delta(
    total: int, planes: int, phasing: int, altitude_m: float, inclination: float
) -> OrbitalElements:
    """Walker delta pattern i:t/p/f of circular orbits (Walker 1984).

    Plane j (0..p-1) has Ω = 2π·j/p; satellite k (0..t/p-1) in it has mean anomaly
    2π·k/(t/p) + 2π·f·j/t.
    """
    if total <= 0 or planes <= 0 or total % planes:
        raise ValueError(f"walker: total ({total}) must be a positive multiple of planes {planes}")
    if not 0 <= phasing < planes:
        raise ValueError(f"walker: phasing must be in [0, planes) (got {phasing})")
    if altitude_m <= 0:
        raise ValueError(f"walker: altitude_m must be positive (got {altitude_m})")
    per_plane = total // planes
    j, k = np.divmod(np.arange(total), per_plane)
    raan = 2.0 * np.pi * j / planes
    mean = 2.0 * np.pi * k / per_plane + 2.0 * np.pi * phasing * j / total
    ones = np.ones(total)
    return OrbitalElements(
        (WGS84_A + altitude_m) * ones,
        0.0 * ones,
        inclination * ones,
        raan,
        0.0 * ones,
        np.mod(mean, 2.0 * np.pi),
        0.0,
    )
