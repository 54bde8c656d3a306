"""Reentry drag against the Allen-Eggers closed-form ballistic entry.

Source: H. J. Allen and A. J. Eggers, "A study of the motion and aerodynamic heating of
ballistic missiles entering the earth's atmosphere at high supersonic speeds", NACA Report 1381
(1958): for a straight entry with gravity neglected in an exponential atmosphere
ρ = ρ0·exp(-h/H), V = V_E·exp(-ρ0·H·e^(-h/H)/(2β·sin γ_E)); the peak deceleration is
V_E²·sin γ_E/(2eH) at h* = H·ln(ρ0·H/(β·sin γ_E)). The same relations are in Regan &
Anandakrishnan, Dynamics of Atmospheric Re-Entry (AIAA 1993), ch. 6.
"""

from __future__ import annotations

import numpy as np
import pytest

from kamae.geo import WGS84_A
from kamae.kinematics.reentry import (
    ExponentialAtmosphere,
    allen_eggers_peak_deceleration,
    allen_eggers_speed,
    drag_acceleration,
    fly_reentry,
)

ATM = ExponentialAtmosphere()


def _vertical_entry(v_entry: float, beta: float, mu: float, dt: float):
    r0 = np.array([[WGS84_A + 100e3, 0.0, 0.0]])  # on the equator: height = r - a exactly
    v0 = np.array([[-v_entry, 0.0, 0.0]])
    times = np.arange(0.0, 200.0, 0.02)
    sol = fly_reentry(r0, v0, 0.0, beta, 0.0, times, mu=mu, dt=dt)
    h = sol.y[:, 0] - WGS84_A
    v = -sol.y[:, 3]
    return h, v, sol


@pytest.mark.parametrize("beta", [2000.0, 10000.0, 50000.0])
def test_gravity_free_vertical_entry_is_the_allen_eggers_solution(beta: float) -> None:
    h, v, _ = _vertical_entry(6000.0, beta, mu=0.0, dt=0.01)
    ref = allen_eggers_speed(h, 6000.0, np.pi / 2, beta)
    assert np.max(np.abs(v / ref - 1.0)) < 1e-6
    # Peak deceleration and its height.
    a = np.abs(
        drag_acceleration(
            np.stack([WGS84_A + h, 0 * h, 0 * h], 1),
            np.stack([-v, 0 * v, 0 * v], 1),
            np.full(h.size, beta),
            ATM,
            mu=0.0,
        )[:, 0]
    )
    a_max, h_star = allen_eggers_peak_deceleration(6000.0, np.pi / 2, beta)
    if h_star > 0:
        assert a.max() == pytest.approx(a_max, rel=1e-3)
        assert h[np.argmax(a)] == pytest.approx(h_star, abs=150.0)


def test_steep_entry_with_gravity_stays_close_to_allen_eggers() -> None:
    """Gravity adds a few per cent at these speeds: the closed form is a good approximation."""
    gamma = np.radians(45.0)
    v_e, beta = 5000.0, 8000.0
    r0 = np.array([[WGS84_A + 100e3, 0.0, 0.0]])
    v0 = v_e * np.array([[-np.sin(gamma), np.cos(gamma), 0.0]])
    sol = fly_reentry(r0, v0, 0.0, beta, 0.0, np.arange(0.0, 200.0, 0.05))
    h = np.linalg.norm(sol.y[:, :3], axis=1) - WGS84_A
    v = np.linalg.norm(sol.y[:, 3:], axis=1)
    sel = h > 5e3
    ref = allen_eggers_speed(h[sel], v_e, gamma, beta)
    assert np.max(np.abs(v[sel] / ref - 1.0)) < 0.05
    assert sol.t_stop[0] > 0 and abs(np.linalg.norm(sol.y_stop[0, :3]) - WGS84_A) < 1.0
