"""System tracks of ballistic threats: a batched converted-measurement Kalman filter.

State per track: ECEF position and velocity (6). Prediction is the constant-velocity model
with central gravity, evaluated at the step's predicted midpoint, as a known input, and
white-noise acceleration of spectral density q (the discretised continuous white-noise
acceleration model, Bar-Shalom, Li & Kirubarajan, Estimation with Applications to Tracking and
Navigation, 2001, section 6.2.2). Updates take Cartesian position measurements with their
converted covariances (see `kamae.sensors.radar.measure`), in Joseph form. All tracks live in
arrays; there is no object per track.

Simplifications, stated in docs/models.md: the gravity-gradient Jacobian is left out of the
covariance propagation; initialisation at the first measurement with zero
velocity and a broad velocity prior. With q = 0 the filter is consistent on drag-free flight
(NEES test in tests/tracking/test_converted_filter.py); q > 0 makes it conservative.
"""

from __future__ import annotations

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.arrays import f64 as _f64
from kamae.errors import KamaeError
from kamae.tracking.base import position_sigma, sigma_of_variances, velocity_sigma
from kamae.tracking.kernels import position_update
from kamae.tracking.motion import coast_or_level_predict, cv_predicted_variances


class BallisticTrackBank:
    """N track slots (one per threat), updated in place by batched predict and update; a
    `kamae.tracking.base.TrackBank`."""

    def __init__(
        self,
        count: int,
        process_noise: float,
        initial_velocity_sigma_mps: float,
        level: BoolArray | None = None,
        joseph: bool = True,
    ) -> None:
        self.joseph = joseph
        """Joseph-form covariance update (guaranteed symmetric positive semi-definite); False:
        the standard form P − K·H·P, symmetrised, about three times cheaper."""
        self.level = np.zeros(count, dtype=bool) if level is None else np.asarray(level, bool)
        """Per slot: a threat held up by lift (cruise, glide), predicted without the gravity
        input (its lift balances gravity: the constant-velocity model)."""
        self.state = np.full((count, 6), np.nan)
        self.covariance = np.full((count, 6, 6), np.nan)
        self.time = np.full(count, np.nan)
        self.updates = np.zeros(count, dtype=np.int64)
        if not (np.isfinite(process_noise) and process_noise >= 0.0):
            raise KamaeError(f"process noise must be finite and >= 0 m²/s³, got {process_noise!r}")
        self.q = float(process_noise)
        """DCWNA spectral density of the motion model, m²/s³."""
        self.initial_velocity_var = float(initial_velocity_sigma_mps) ** 2

    @property
    def initialised(self) -> BoolArray:
        return self.updates > 0

    def predict(self, index: IntArray, t: float | FloatArray) -> None:
        """Advance the listed tracks to time t (one, or one per track; gravity as a known
        input)."""
        if index.size == 0:
            return
        x, p = self._predict(index, t - self.time[index])
        self.state[index] = x
        self.covariance[index] = p
        self.time[index] = t

    def update(
        self,
        index: IntArray,
        z: FloatArray,
        r: FloatArray,
        t: float | FloatArray,
        *,
        predicted: bool = False,
    ) -> None:
        """Fold position measurements z (M, 3) with covariances r (M, 3, 3) taken at time t.

        Slots not yet initialised start from the measurement. A slot listed twice (two
        sensors in one step) must be passed in separate calls. `t` may be one time per
        measurement (M,). ``predicted``: the caller has already predicted the initialised
        slots to t (`predict`), so they are updated as they are.
        """
        times = np.broadcast_to(np.asarray(t, dtype=float), np.shape(index))
        if index.size == 0:
            return
        new = ~self.initialised[index]
        if np.any(new):
            idx = index[new]
            self.state[idx, :3] = z[new]
            self.state[idx, 3:] = 0.0
            cov = np.zeros((idx.size, 6, 6))
            cov[:, :3, :3] = r[new]
            cov[:, 3:, 3:] = self.initial_velocity_var * np.eye(3)
            self.covariance[idx] = cov
            self.time[idx] = times[new]
            self.updates[idx] = 1
        old = ~new
        if np.any(old):
            idx = index[old]
            if not predicted:
                self.predict(idx, times[old])
            # K = P H^T S^-1, S = H P H^T + R with H = [I 0]; Joseph form or P - K H P,
            # symmetrised (`kernels.position_update`).
            x, p = position_update(
                self.state[idx], self.covariance[idx], _f64(z[old]), _f64(r[old]), self.joseph
            )
            self.state[idx], self.covariance[idx] = x, p
            self.updates[idx] += 1

    def position_sigma(self) -> FloatArray:
        """RMS per-axis position standard deviation sqrt(trace(P_pos)/3), m (NaN if empty)."""
        return position_sigma(self.covariance)

    def velocity_sigma(self) -> FloatArray:
        """RMS per-axis velocity standard deviation, m/s (NaN if empty)."""
        return velocity_sigma(self.covariance)

    def predicted_position_sigma(
        self, index: IntArray, horizon_s: float | FloatArray
    ) -> FloatArray:
        """RMS per-axis position standard deviation (m) of the listed tracks predicted
        `horizon_s` (one, or one per track) ahead of their last update time (the tracks
        themselves are unchanged; each track's the floats of its own prediction)."""
        return self._predicted_sigmas(index, np.full(index.size, horizon_s))[0]

    def predicted_sigmas(self, index: IntArray, t: float) -> tuple[FloatArray, FloatArray]:
        """Position and velocity sigma of the listed tracks' covariance predicted to time t
        (the tracks are unchanged)."""
        return self._predicted_sigmas(index, t - self.time[index])

    def _predicted_sigmas(self, index: IntArray, dt: FloatArray) -> tuple[FloatArray, FloatArray]:
        """`position_sigma` and `velocity_sigma` of `_predict`'s covariance, the same floats,
        from its diagonal alone (the mean does not change the covariance)."""
        pos, vel = cv_predicted_variances(self.covariance[index], dt, self.q)
        return sigma_of_variances(pos), sigma_of_variances(vel)

    def _predict(self, index: IntArray, dt: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Ballistic prediction, gravity input zeroed for level-flight slots."""
        return coast_or_level_predict(
            self.state[index], self.covariance[index], dt, self.q, self.level[index]
        )

    def drop(self, index: IntArray) -> None:
        """Delete tracks (threat destroyed or impacted)."""
        self.state[index] = np.nan
        self.covariance[index] = np.nan
        self.time[index] = np.nan
        self.updates[index] = 0

    @property
    def count(self) -> int:
        """Number of slots."""
        return int(self.state.shape[0])

    def extend(self, count: int) -> IntArray:
        """Add `count` empty slots at the end; returns their indices."""
        start = self.count
        self.state = np.concatenate([self.state, np.full((count, 6), np.nan)])
        self.covariance = np.concatenate([self.covariance, np.full((count, 6, 6), np.nan)])
        self.time = np.concatenate([self.time, np.full(count, np.nan)])
        self.updates = np.concatenate([self.updates, np.zeros(count, dtype=np.int64)])
        self.level = np.concatenate([self.level, np.zeros(count, dtype=bool)])
        return np.arange(start, start + count, dtype=np.int64)

    def keep(self, index: IntArray | BoolArray) -> None:
        """Keep only the listed slots (in that order): compacts after deletions."""
        self.state = self.state[index]
        self.covariance = self.covariance[index]
        self.time = self.time[index]
        self.updates = self.updates[index]
        self.level = self.level[index]

    def predicted(self, index: IntArray, t: float | FloatArray) -> tuple[FloatArray, FloatArray]:
        """Mean (M, 6) and covariance (M, 6, 6) of the listed tracks predicted to time t (one,
        or one per track; the tracks themselves are unchanged)."""
        return self._predict(index, t - self.time[index])
