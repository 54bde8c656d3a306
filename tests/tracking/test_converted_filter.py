"""The skeleton's ballistic track filter: consistency (NEES) and convergence on a true
minimum-energy trajectory, measured by a radar with Gaussian range and angle errors.

Consistency test: the average normalised estimation error squared over M independent runs,
M·NEES ~ chi-square with 6M degrees of freedom for a consistent filter (Bar-Shalom, Li &
Kirubarajan 2001, §5.4.2); its two-sided 99% bounds must hold at each checked time. With
process noise above the truth's (zero here) the filter is conservative instead: the NEES
falls below the bound, which the second test checks.
"""

from __future__ import annotations

import numpy as np
from conftest import FIXED_LOOKS
from scipy import stats

from kamae.geo import ecef_to_enu, enu_to_range_azimuth_elevation, geodetic_to_ecef
from kamae.kinematics.ballistic import minimum_energy_trajectory
from kamae.sensors.radar import Radar, measure
from kamae.tracking.converted import BallisticTrackBank

RADAR = Radar(
    lat=np.radians(38.0), lon=np.radians(134.0), height_m=20.0,
    reference_range_m=3e6, reference_rcs_m2=0.1, max_range_m=3e6,
    boresight_azimuth=0.0, azimuth_width=2 * np.pi, min_elevation=0.0,
    max_elevation=np.pi / 2, revisit_s=1.0, pd_per_look=1.0,
    range_sigma_m=30.0, angle_sigma=0.5e-3, **FIXED_LOOKS,
)  # fmt: skip


def _track(runs: int, q: float, seed: int, checks: tuple[int, ...]) -> dict[int, tuple]:
    """Filter `runs` independent noisy measurement sequences from step 60; return per checked
    step the NEES of each run and its position error."""
    launch = geodetic_to_ecef(np.radians(40.0), np.radians(128.0), 0.0)
    aim = geodetic_to_ecef(np.radians(35.68), np.radians(139.77), 0.0)
    times = np.arange(0.0, 500.0, 1.0)
    truth = minimum_energy_trajectory(launch[None], aim[None], [0.0], times)
    enu = ecef_to_enu(truth.position[0], RADAR.lat, RADAR.lon, RADAR.height_m)
    rng_, az, el = enu_to_range_azimuth_elevation(enu)
    bank = BallisticTrackBank(runs, process_noise=q, initial_velocity_sigma_mps=3000.0)
    generator = np.random.default_rng(seed)
    out = {}
    for k in range(60, max(checks) + 1):
        z, cov = measure(
            np.tile(RADAR.ecef, (runs, 1)),
            np.tile(RADAR.enu_rotation, (runs, 1, 1)),
            np.full(runs, RADAR.range_sigma_m),
            np.full(runs, RADAR.angle_sigma),
            np.full(runs, rng_[k]),
            np.full(runs, az[k]),
            np.full(runs, el[k]),
            generator.standard_normal((runs, 3)),
        )
        bank.update(np.arange(runs), z, cov, times[k])
        if k in checks:
            err = bank.state - np.concatenate([truth.position[0, k], truth.velocity[0, k]])
            nees = np.einsum("ni,nij,nj->n", err, np.linalg.inv(bank.covariance), err)
            out[k] = (nees, np.linalg.norm(err[:, :3], axis=1), rng_[k])
    return out


def test_nees_is_consistent_and_error_shrinks() -> None:
    runs = 200
    # The truth is drag-free Kepler flight, so the matched model has no process noise.
    result = _track(runs, q=0.0, seed=20240, checks=(100, 200, 300, 400))
    low = stats.chi2.ppf(0.005, 6 * runs) / runs
    high = stats.chi2.ppf(0.995, 6 * runs) / runs
    for k, (nees, _, _) in result.items():
        assert low <= nees.mean() <= high, (k, nees.mean(), low, high)
    # Position error well below the measurement's cross-range error, and shrinking.
    _, err_late, range_late = result[400]
    assert np.median(err_late) < np.median(result[100][1])
    assert np.median(err_late) < 0.5 * range_late * RADAR.angle_sigma


def test_process_noise_makes_the_filter_conservative_not_overconfident() -> None:
    runs = 100
    nees, _, _ = _track(runs, q=1.0, seed=7, checks=(299,))[299]
    assert nees.mean() < stats.chi2.ppf(0.005, 6 * runs) / runs
