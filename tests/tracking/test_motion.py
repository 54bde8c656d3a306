"""Motion models: CV (DCWNA) prediction and the ballistic known-input model."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from kamae.errors import KamaeError
from kamae.tracking.motion import (
    GM_EARTH,
    OMEGA_EARTH,
    BallisticCoast,
    ConstantVelocity,
    ballistic_acceleration_ecef,
    central_gravity,
    cv_matrices,
    cv_predict,
)


def _random_cov(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    a = rng.normal(size=(*shape, 6, 6))
    return a @ np.swapaxes(a, -1, -2) + 0.1 * np.eye(6)


def test_blockwise_prediction_equals_f_p_ft_plus_q() -> None:
    """cv_predict is F P F^T + Q with Bar-Shalom et al. (2001) 6.2.2 matrices, batched."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 7, 6))
    p = _random_cov(rng, (2, 7))
    dt = rng.uniform(0.1, 5.0, size=(2, 7))
    q = 3.7
    xn, pn = cv_predict(x, p, dt, q)
    for i in range(2):
        for j in range(7):
            f, qm = cv_matrices(dt[i, j], q)
            np.testing.assert_allclose(xn[i, j], f @ x[i, j], rtol=1e-13, atol=1e-12)
            np.testing.assert_allclose(pn[i, j], f @ p[i, j] @ f.T + qm, rtol=1e-12, atol=1e-12)


def test_dcwna_noise_values() -> None:
    """Q = q [[dt^3/3, dt^2/2], [dt^2/2, dt]] per axis (Bar-Shalom 2001, eq. 6.2.2-12)."""
    _, qm = cv_matrices(2.0, 3.0)
    assert qm[0, 0] == pytest.approx(3.0 * 8.0 / 3.0)
    assert qm[0, 3] == pytest.approx(3.0 * 4.0 / 2.0)
    assert qm[3, 3] == pytest.approx(6.0)
    assert qm[0, 1] == 0.0 and qm[0, 4] == 0.0


@settings(max_examples=50, deadline=None)
@given(
    st.floats(0.01, 20.0),
    st.floats(0.01, 20.0),
    st.floats(0.0, 100.0),
    st.integers(0, 2**31 - 1),
)
def test_dcwna_is_an_exact_discretisation(dt1: float, dt2: float, q: float, seed: int) -> None:
    """Predicting over dt1 then dt2 equals predicting over dt1 + dt2 (exact discretisation of
    the continuous white-noise acceleration model, Bar-Shalom 2001, 6.2.2)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=6) * 100
    p = _random_cov(rng, ())
    xa, pa = cv_predict(*cv_predict(x, p, dt1, q), dt2, q)
    xb, pb = cv_predict(x, p, dt1 + dt2, q)
    np.testing.assert_allclose(xa, xb, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(pa, pb, rtol=1e-10, atol=1e-9 * np.abs(pb).max())


def test_central_gravity_at_equator() -> None:
    """|g| = GM / a^2 = 9.798 m/s^2 at the WGS84 equatorial radius, pointing to the centre."""
    a = central_gravity(np.array([6378137.0, 0.0, 0.0]))
    assert a[0] == pytest.approx(-GM_EARTH / 6378137.0**2, rel=1e-14)
    assert a[0] == pytest.approx(-9.798, abs=1e-3)
    assert a[1] == 0.0 and a[2] == 0.0


def test_ecef_acceleration_of_body_at_rest_on_equator() -> None:
    """At rest in ECEF on the equator: -GM/r^2 + w^2 r outward (centrifugal), no Coriolis."""
    r = 6378137.0 + 1000.0
    a = ballistic_acceleration_ecef(np.array([r, 0.0, 0.0]), np.zeros(3), earth_rotation=True)
    assert a[0] == pytest.approx(-GM_EARTH / r**2 + OMEGA_EARTH**2 * r, rel=1e-14)
    assert a[0] + GM_EARTH / r**2 == pytest.approx(0.03392, abs=1e-5)


@pytest.mark.parametrize(
    ("rotation", "pos_tol", "vel_tol"), [(True, 1.0e-3, 1.5e-3), (False, 1.0e-3, 2.0e-5)]
)
def test_ballistic_known_input_matches_integrated_coast(
    rotation: bool, pos_tol: float, vel_tol: float
) -> None:
    """Over dt = 1 s a 3 km/s body at 300 km altitude lands within 1 mm of an RK45
    integration (rtol 1e-12) of the same equations (Vallado 2013, 3.7). Expected: the
    midpoint input leaves dt^3 |da/dt| / 12 ~ 0.3 mm in position (|da/dt| ~ 3.3e-3 m/s^3,
    gravity gradient times speed); in velocity O(dt^3) (~4 um/s) without Earth rotation, and
    with it the Coriolis term held at the initial velocity, 2 w |g| dt^2 / 2 ~ 0.6 mm/s."""

    def rhs(_t: float, s: np.ndarray) -> np.ndarray:
        return np.r_[s[3:], ballistic_acceleration_ecef(s[:3], s[3:], rotation)]

    s0 = np.array([6678137.0 * np.cos(0.3), 0.0, 6678137.0 * np.sin(0.3), -900.0, 2800.0, 500.0])
    truth = solve_ivp(rhs, (0.0, 1.0), s0, rtol=1e-12, atol=1e-9).y[:, -1]
    x, _ = BallisticCoast(q=0.0, earth_rotation=rotation).predict(s0, np.zeros((6, 6)), 1.0)
    assert np.linalg.norm(x[:3] - truth[:3]) < pos_tol
    assert np.linalg.norm(x[3:] - truth[3:]) < vel_tol
    # Without the known input, the same step is off by g dt^2 / 2 ~ 4.5 m.
    xc, _ = ConstantVelocity(q=0.0).predict(s0, np.zeros((6, 6)), 1.0)
    assert np.linalg.norm(xc[:3] - truth[:3]) > 4.0


def test_model_parameters_are_validated() -> None:
    with pytest.raises(KamaeError):
        ConstantVelocity(q=-1.0)
    with pytest.raises(KamaeError):
        BallisticCoast(q=float("nan"))
