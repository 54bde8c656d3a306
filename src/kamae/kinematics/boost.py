"""Boost phase: a kinematic path from the launch pad to the burnout state.

The powered flight is the cubic Hermite curve in ECEF that leaves the pad at rest (relative to
the Earth) at the launch time and reaches the burnout position with the burnout velocity at
the end of the burn. When the burnout point is placed at the ground distance a constant
acceleration from rest would cover, sqrt((v·T/2)² - h²) for burnout speed v, burn time T and
burnout height h, the Hermite speed grows nearly linearly with time, as a constant-thrust
motor's would. This is kinematics, not rocket dynamics: thrust, mass flow, staging, drag and
the gravity turn are not modelled; the samples exist so that space-based infrared sensors see
a burning motor (phase PHASE_BOOST) for the right time at the right place.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray
from kamae.errors import InfeasibleThreat


def boost_ground_distance(
    burnout_speed: npt.ArrayLike,
    burn_time: npt.ArrayLike,
    burnout_height: npt.ArrayLike,
    *,
    strict: bool = True,
) -> FloatArray:
    """Ground distance (m) of burnout from the pad: sqrt((v·T/2)² - h²) (constant acceleration).

    Raises InfeasibleThreat when the mean speed v/2 cannot climb to the burnout height (with
    `strict`; otherwise the burnout is put straight above the pad, as targeting iterates).
    """
    v, t, h = (np.asarray(x, dtype=float) for x in (burnout_speed, burn_time, burnout_height))
    path = 0.5 * v * t
    bad = (t > 0.0) & (path <= h)
    if strict and np.any(bad):
        raise InfeasibleThreat(
            "burn_time_s",
            "is too short to climb to the burnout altitude at half the burnout speed",
            float(np.atleast_1d(t)[np.argmax(np.atleast_1d(bad))]),
        )
    return np.where(t > 0.0, np.sqrt(np.maximum(path * path - h * h, 0.0)), 0.0)


def boost_state(
    pad: FloatArray,
    burnout: FloatArray,
    burnout_velocity: FloatArray,
    t_launch: FloatArray,
    t_burnout: FloatArray,
    t: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """ECEF position and velocity (S, 3) on the Hermite boost curve at times t (S,).

    pad, burnout, burnout_velocity: (S, 3) rows already gathered for each sample.
    """
    dur = (t_burnout - t_launch)[:, None]
    tau = np.clip((t - t_launch)[:, None] / dur, 0.0, 1.0)
    t2, t3 = tau * tau, tau * tau * tau
    pos = (
        (2 * t3 - 3 * t2 + 1) * pad
        + (3 * t2 - 2 * t3) * burnout
        + (t3 - t2) * dur * burnout_velocity
    )
    vel = ((6 * t2 - 6 * tau) * (pad - burnout)) / dur + (3 * t2 - 2 * tau) * burnout_velocity
    return pos, vel
