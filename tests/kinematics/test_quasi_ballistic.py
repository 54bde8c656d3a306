"""KN-23-like quasi-ballistic flight: low apogee, pull-up, a ballistic prediction that misses."""

from __future__ import annotations

import numpy as np
import pytest

from kamae.geo import geodetic_to_ecef
from kamae.kinematics.ballistic import predicted_impact
from kamae.kinematics.quasi_ballistic import quasi_ballistic_trajectory
from kamae.kinematics.trajectory import PHASE_BOOST, PHASE_TERMINAL

PAD = geodetic_to_ecef(np.radians([39.0]), np.radians([125.0]), 0.0)
AIM = geodetic_to_ecef(np.radians([35.0]), np.radians([129.0]), 0.0)
KW = dict(
    apogee_m=50e3,
    burn_time_s=60.0,
    burnout_altitude_m=25e3,
    pullup_altitude_m=20e3,
    pullup_range_m=60e3,
    dive_angle_rad=np.radians(60.0),
)


def test_low_apogee_pull_up_and_dive() -> None:
    times = np.arange(0.0, 400.0, 0.5)
    tr = quasi_ballistic_trajectory(PAD, AIM, np.zeros(1), times, **KW)
    f = tr.in_flight[0]
    alt = tr.altitude[0][f]
    assert alt.max() == pytest.approx(50e3, abs=2e3)
    ph = tr.phase[0][f]
    assert ph[0] == PHASE_BOOST and ph[-1] == PHASE_TERMINAL
    # After apogee the height stops falling near the pull-up altitude, rises, then dives.
    down = alt[np.argmax(alt) :]
    rise = max(down[j:].max() - down[j] for j in range(down.size))
    trough = down[int(np.argmax([down[j:].max() - down[j] for j in range(down.size)]))]
    assert rise > 1000.0 and trough == pytest.approx(20e3, abs=1500.0)
    # Ends on the target, steeply.
    last_v = tr.velocity[0][f][-1]
    up = AIM[0] / np.linalg.norm(AIM[0])
    assert np.degrees(np.arcsin(-last_v @ up / np.linalg.norm(last_v))) == pytest.approx(
        60.0, abs=3.0
    )
    assert np.linalg.norm(tr.position[0][f][-1] - AIM[0]) < 0.5 * np.linalg.norm(last_v) + 1.0


def test_ballistic_extrapolation_does_not_predict_the_impact() -> None:
    times = np.arange(0.0, 400.0, 1.0)
    tr = quasi_ballistic_trajectory(PAD, AIM, np.zeros(1), times, **KW)
    k = int(np.flatnonzero(tr.in_flight[0])[0] + 120)  # mid-arc, after burnout
    hit, ttg = predicted_impact(tr.position[:, k], tr.velocity[:, k], np.linalg.norm(AIM, axis=1))
    assert np.linalg.norm(hit[0] - AIM[0]) > 3e3
    assert ttg[0] > 0.0
