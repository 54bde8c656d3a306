"""Reentry of a ballistic warhead: drag in an exponential atmosphere, integrated numerically.

Point-mass equations in ECEF, r̈ = -mu·r/|r|³ - ρ(h)·|v|·v/(2β) [- 2ω×v - ω×(ω×r) when the
Earth rotates], with ballistic coefficient β = m/(C_D·A) (kg/m²) and density
ρ(h) = ρ0·exp(-h/H). Defaults are Allen & Eggers' ρ0 = 0.0034 slug/ft³ = 1.752 kg/m³ and
H = 22,000 ft = 6,705.6 m (H. J. Allen and A. J. Eggers, "A study of the motion and
aerodynamic heating of ballistic missiles entering the earth's atmosphere at high supersonic
speeds", NACA Report 1381, 1958), a fit to the 20-80 km layer where reentry drag acts. Their
closed-form solution for a straight, gravity-free entry, V = V_E·exp(-ρ0·H·e^(-h/H) /
(2β·sin γ_E)), peak deceleration V_E²·sin γ_E/(2eH) at h* = H·ln(ρ0·H/(β·sin γ_E)), is given
here as the validation reference. Lift, ablation (β constant), winds and a standard
atmosphere's layering are neglected; the vehicle is a non-manoeuvring point mass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray, IntArray
from kamae.kinematics.frames import OMEGA_EARTH, ellipsoid_height
from kamae.kinematics.integrate import GridSolution, rk4_to_grid
from kamae.kinematics.kepler import MU_EARTH

INTERFACE_ALTITUDE_M = 100_000.0
"""Height where drag integration takes over from the Kepler arc."""
REENTRY_STEP_S = 0.5
"""RK4 step (s); decelerations peak over a few seconds: against 0.01 s steps, 0.5 s moves the
impact by < 1 mm (β 1,000 kg/m², 7 km/s, 20° entry)."""


@dataclass(frozen=True)
class ExponentialAtmosphere:
    """ρ(h) = ρ0·exp(-h/H); defaults from Allen & Eggers (NACA Report 1381, 1958)."""

    rho0_kg_m3: float = 1.752
    scale_height_m: float = 6705.6

    def density(self, h: npt.ArrayLike) -> FloatArray:
        """Air density (kg/m³) at heights h (m)."""
        return self.rho0_kg_m3 * np.exp(-np.asarray(h, dtype=float) / self.scale_height_m)


def allen_eggers_speed(
    h: npt.ArrayLike,
    entry_speed: float,
    entry_angle: float,
    ballistic_coefficient: float,
    atmosphere: ExponentialAtmosphere | None = None,
) -> FloatArray:
    """Speed (m/s) at height h of a straight, gravity-free ballistic entry (Allen & Eggers 1958).

    entry_angle: flight-path angle below the horizontal (rad, positive).
    """
    atm = atmosphere or ExponentialAtmosphere()
    k = atm.rho0_kg_m3 * atm.scale_height_m / (2.0 * ballistic_coefficient * np.sin(entry_angle))
    return entry_speed * np.exp(-k * np.exp(-np.asarray(h, dtype=float) / atm.scale_height_m))


def allen_eggers_peak_deceleration(
    entry_speed: float,
    entry_angle: float,
    ballistic_coefficient: float,
    atmosphere: ExponentialAtmosphere | None = None,
) -> tuple[float, float]:
    """Peak deceleration (m/s²) and its height (m): V_E² sin γ/(2eH), H ln(ρ0 H/(β sin γ))."""
    atm = atmosphere or ExponentialAtmosphere()
    s = np.sin(entry_angle)
    a_max = entry_speed**2 * s / (2.0 * np.e * atm.scale_height_m)
    h_star = atm.scale_height_m * np.log(
        atm.rho0_kg_m3 * atm.scale_height_m / (ballistic_coefficient * s)
    )
    return float(a_max), float(h_star)


def drag_acceleration(
    r: FloatArray,
    v: FloatArray,
    beta: FloatArray,
    atmosphere: ExponentialAtmosphere,
    *,
    rotating: bool = False,
    mu: float = MU_EARTH,
) -> FloatArray:
    """ECEF acceleration (M, 3): gravity, drag on the air-relative velocity, frame terms."""
    rn = np.linalg.norm(r, axis=-1, keepdims=True)
    acc = -mu * r / rn**3
    rho = atmosphere.density(ellipsoid_height(r))
    speed = np.linalg.norm(v, axis=-1, keepdims=True)
    with np.errstate(divide="ignore"):
        k = np.where(np.isfinite(beta), rho / (2.0 * beta), 0.0)
    acc = acc - k[:, None] * speed * v
    if rotating:
        w = OMEGA_EARTH
        acc[:, 0] += 2.0 * w * v[:, 1] + w * w * r[:, 0]
        acc[:, 1] += -2.0 * w * v[:, 0] + w * w * r[:, 1]
    return acc


def fly_reentry(
    r0: npt.ArrayLike,
    v0: npt.ArrayLike,
    t0: npt.ArrayLike,
    ballistic_coefficient: npt.ArrayLike,
    ground_height: npt.ArrayLike,
    times: npt.ArrayLike | None,
    *,
    atmosphere: ExponentialAtmosphere | None = None,
    rotating: bool = False,
    mu: float = MU_EARTH,
    dt: float = REENTRY_STEP_S,
) -> GridSolution:
    """Integrate ECEF states (N, 3) from t0 to the ground (ellipsoid height = ground_height).

    Returns the impact time, impact state and the grid samples on the way (state y is
    [x, y, z, vx, vy, vz]).
    """
    atm = atmosphere or ExponentialAtmosphere()
    y0 = np.concatenate([np.atleast_2d(r0), np.atleast_2d(v0)], axis=1).astype(float)
    n = y0.shape[0]
    beta = np.broadcast_to(np.asarray(ballistic_coefficient, dtype=float), (n,))
    ground = np.broadcast_to(np.asarray(ground_height, dtype=float), (n,))

    def deriv(t: FloatArray, y: FloatArray, rows: IntArray) -> FloatArray:
        acc = drag_acceleration(y[:, :3], y[:, 3:], beta[rows], atm, rotating=rotating, mu=mu)
        return np.concatenate([y[:, 3:], acc], axis=1)

    def stop(y: FloatArray, rows: IntArray) -> FloatArray:
        return ellipsoid_height(y[:, :3]) - ground[rows]

    t_start = np.broadcast_to(np.asarray(t0, dtype=float), (n,))
    return rk4_to_grid(deriv, y0, t_start, dt, times, stop)
