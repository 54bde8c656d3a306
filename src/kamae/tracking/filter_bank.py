"""Track slots with a filter chosen per slot: the converted-measurement Kalman filter, an EKF
in the sensor's measurement space, or an IMM (ballistic / manoeuvre), batched.

One bank holds every slot's output estimate (`state`, `covariance`, as the `TrackBank`
protocol asks); slot i runs the filter `kind[i]`:

- `KF`: `converted.BallisticTrackBank`'s filter (converted Cartesian plots, gravity input),
  unchanged: a bank whose slots are all KF is that bank, bit for bit.
- `EKF`: the same motion model, updated in the sensor's measurement space (range, azimuth,
  elevation: `ekf.ekf_rae_update`, first-order EKF, Bar-Shalom, Li & Kirubarajan 2001,
  section 10.3); a plot without a polar measurement (space track, shared track) updates it
  linearly in Cartesian form.
- `IMM`: two modes run side by side (`imm.InteractingMultipleModel`, Blom & Bar-Shalom 1988):
  the ballistic coast (or the level-flight CV model) with the quiet process noise q, and the
  same model with the manoeuvre noise q_m (a manoeuvre, a pull-up, a boost: accelerations the
  model does not know). Modes switch as a continuous-time Markov chain with mean sojourn times
  (`imm.sojourn_transition`), so a zero interval mixes nothing. Each mode is updated like an
  EKF slot; the output is the moment-matched mixture. Fire-control quality is judged on that
  output covariance, as for every slot.

Late plots (measured before the slot's last update: out-of-sequence measurements) update the
slot by retrodiction (`update_late`): the measurement is predicted from the current state
back to its time with the motion model's mean and transition F(tau - t_k), and the current
state is updated with the measurement matrix H F(tau - t_k) (Bar-Shalom, "Update with
out-of-sequence measurements in tracking: exact solution", IEEE Trans. AES 38(3), 2002: its
exact solution with the process noise over the lag neglected; exact when q = 0, tested
against in-sequence processing). Shared tracks are fused by covariance intersection
(`fuse`, `kamae.tracking.track_fusion`). Neglected: the process noise over an OOSM's lag,
the gravity gradient in the transition (as in prediction), EKF second-order terms, and an
IMM's mode history over the lag (each mode is retrodicted on its own, probabilities updated
by the modes' likelihoods).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.errors import KamaeError
from kamae.tracking.base import position_sigma, velocity_sigma
from kamae.tracking.converted import BallisticTrackBank
from kamae.tracking.ekf import PolarMeasurements, rae_linearisation, wrap_angle
from kamae.tracking.imm import IMMState, InteractingMultipleModel, sojourn_transition
from kamae.tracking.kalman import GaussianUpdate, gaussian_update
from kamae.tracking.motion import coast_or_level_mean, coast_or_level_predict
from kamae.tracking.track_fusion import covariance_intersection

KF, EKF, IMM = 0, 1, 2
"""Filter codes of `FilterBank.kind`."""
FILTERS = ("kf", "ekf", "imm")
"""Filter names, indexed by code (the scenario's `doctrine.tracker_filter` values)."""


@dataclass(frozen=True)
class Manoeuvre:
    """The IMM's manoeuvre mode and how modes switch."""

    process_noise: float
    """DCWNA spectral density of the manoeuvre mode, m²/s³."""
    mean_sojourn_s: tuple[float, float]
    """Mean time spent in the quiet mode and in the manoeuvre mode, s."""

    def __post_init__(self) -> None:
        q, tau = self.process_noise, np.asarray(self.mean_sojourn_s, dtype=float)
        if not (np.isfinite(q) and q >= 0) or tau.shape != (2,) or not np.all(tau > 0):
            raise KamaeError(
                f"manoeuvre: process noise >= 0 and two sojourn times > 0 s, got {q}, {tau}"
            )

    @property
    def stationary(self) -> FloatArray:
        """Long-run mode probabilities (tau_i / sum tau): the prior of a new track."""
        tau = np.asarray(self.mean_sojourn_s, dtype=float)
        return tau / tau.sum()


MANOEUVRING_KINDS = ("glide", "quasi_ballistic")
"""Threat kinds tracked by the IMM under the `auto` filter choice: glide vehicles and pull-up
manoeuvres (the defense is taken to classify the kind, as for level flight)."""


@dataclass(frozen=True)
class TrackerSettings:
    """Which filter a tracker runs, and the IMM's manoeuvre model (SI; the scenario's
    `doctrine.tracker_*` fields)."""

    filter: str
    """`auto` (the IMM for `MANOEUVRING_KINDS`, the KF otherwise), or one of `FILTERS`."""
    manoeuvre: Manoeuvre

    def __post_init__(self) -> None:
        if self.filter != "auto" and self.filter not in FILTERS:
            raise KamaeError(f"tracker filter must be auto or one of {FILTERS}, got {self.filter}")

    def kinds(self, threat_kind: Sequence[str], choice: str | None = None) -> IntArray:
        """Filter code per threat (N,) for this choice (default: the settings' own)."""
        name = self.filter if choice is None else choice
        if name == "auto":
            fast = np.isin(np.asarray(threat_kind, dtype=object), MANOEUVRING_KINDS)
            return np.where(fast, IMM, KF).astype(np.int8)
        return np.full(len(threat_kind), FILTERS.index(name), dtype=np.int8)


@dataclass(frozen=True)
class _SlotMotion:
    """The motion model of a set of slots (coast, or level flight where ``level``)."""

    q: float
    level: BoolArray

    def predict(
        self, x: FloatArray, p: FloatArray, dt: float | FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        return coast_or_level_predict(x, p, dt, self.q, self.level)


class FilterBank(BallisticTrackBank):
    """Track slots each with its own filter (`kind`: KF, EKF or IMM); a `TrackBank`."""

    def __init__(
        self,
        count: int,
        process_noise: float,
        initial_velocity_sigma_mps: float,
        level: BoolArray | None = None,
        joseph: bool = True,
        kind: IntArray | None = None,
        manoeuvre: Manoeuvre | None = None,
    ) -> None:
        super().__init__(count, process_noise, initial_velocity_sigma_mps, level, joseph)
        self.kind = np.zeros(count, dtype=np.int8) if kind is None else np.asarray(kind, np.int8)
        """Per slot: its filter (KF, EKF, IMM)."""
        if self.kind.shape != (count,) or np.any((self.kind < KF) | (self.kind > IMM)):
            raise KamaeError(f"kind must be {count} codes in 0..2, got {self.kind}")
        if np.any(self.kind == IMM) and manoeuvre is None:
            raise KamaeError("IMM slots need a manoeuvre model")
        self.manoeuvre = manoeuvre
        self.mode_state = np.full((2, count, 6), np.nan)
        """(2, N, 6) IMM slots: each mode's estimate (quiet, manoeuvre)."""
        self.mode_covariance = np.full((2, count, 6, 6), np.nan)
        self.mode_probability = np.full((count, 2), np.nan)
        """(N, 2) IMM slots: mode probabilities."""

    @property
    def simple(self) -> bool:
        """Every slot a KF (the bank is then `BallisticTrackBank`, bit for bit)."""
        return not np.any(self.kind)

    # -- prediction ---------------------------------------------------------------------------

    def predict(self, index: IntArray, t: float | FloatArray) -> None:
        """Advance the listed slots to time t (one, or one per slot)."""
        if index.size == 0:
            return
        if self.simple:
            super().predict(index, t)
            return
        times = np.broadcast_to(np.asarray(t, dtype=float), index.shape)
        kind = self.kind[index]
        kf = kind == KF
        if np.any(kf):
            super().predict(index[kf], times[kf])
        other = ~kf & (times != self.time[index])  # a zero interval changes nothing
        if not np.any(other):
            return
        idx, tt = index[other], times[other]
        ekf = self.kind[idx] == EKF
        if np.any(ekf):
            i = idx[ekf]
            x, p = coast_or_level_predict(
                self.state[i], self.covariance[i], tt[ekf] - self.time[i], self.q, self.level[i]
            )
            self.state[i], self.covariance[i], self.time[i] = x, p, tt[ekf]
        if np.any(~ekf):
            i = idx[~ekf]
            dt = tt[~ekf] - self.time[i]
            state = self._imm(i).predict(self._modes(i), dt, self._pi(i, tt[~ekf]))
            self._put_modes(i, state)
            self.time[i] = tt[~ekf]

    def _imm(self, index: IntArray) -> InteractingMultipleModel:
        m = self.manoeuvre
        assert m is not None
        level = self.level[index]
        models = [_SlotMotion(self.q, level), _SlotMotion(m.process_noise, level)]
        return InteractingMultipleModel(models, np.eye(2))

    def _pi(self, index: IntArray, t: FloatArray) -> FloatArray:
        assert self.manoeuvre is not None
        return sojourn_transition(t - self.time[index], self.manoeuvre.mean_sojourn_s)

    def _modes(self, index: IntArray) -> IMMState:
        return IMMState(
            self.mode_state[:, index], self.mode_covariance[:, index], self.mode_probability[index]
        )

    def _put_modes(self, index: IntArray, state: IMMState) -> None:
        self.mode_state[:, index] = state.x
        self.mode_covariance[:, index] = state.p
        self.mode_probability[index] = state.mu
        x, p = state.estimate()
        self.state[index], self.covariance[index] = x, 0.5 * (p + np.swapaxes(p, -1, -2))

    def _predict(self, index: IntArray, dt: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Mean and covariance of the listed slots dt after their last update (unchanged)."""
        x, p = super()._predict(index, dt)
        imm = self.kind[index] == IMM
        if np.any(imm):
            i = index[imm]
            d = np.broadcast_to(np.asarray(dt, dtype=float), index.shape)[imm]
            assert self.manoeuvre is not None
            pi = sojourn_transition(d, self.manoeuvre.mean_sojourn_s)
            x[imm], p[imm] = self._imm(i).predict(self._modes(i), d, pi).estimate()
        return x, p

    def _predicted_sigmas(self, index: IntArray, dt: FloatArray) -> tuple[FloatArray, FloatArray]:
        """IMM slots from their full predicted mixture (its covariance is not the modes')."""
        pos, vel = super()._predicted_sigmas(index, dt)
        imm = self.kind[index] == IMM
        if np.any(imm):
            d = np.broadcast_to(np.asarray(dt, dtype=float), index.shape)[imm]
            _, p = self._predict(index[imm], d)
            pos[imm], vel[imm] = position_sigma(p), velocity_sigma(p)
        return pos, vel

    # -- measurement updates ------------------------------------------------------------------

    def update(
        self,
        index: IntArray,
        z: FloatArray,
        r: FloatArray,
        t: float | FloatArray,
        polar: PolarMeasurements | None = None,
        *,
        predicted: bool = False,
    ) -> None:
        """Fold plots (Cartesian z (M, 3), r (M, 3, 3), and, for EKF and IMM slots, their
        polar measurements where they have one) taken at time t. An empty slot starts from
        the Cartesian plot. A slot listed twice must be passed in separate calls.
        ``predicted``: the initialised slots are already at t (`predict`)."""
        if index.size == 0:
            return
        kind = self.kind[index]
        if self.simple or not np.any(kind):
            super().update(index, z, r, t, predicted=predicted)
            return
        times = np.broadcast_to(np.asarray(t, dtype=float), index.shape)
        kf = kind == KF
        if np.any(kf):
            super().update(index[kf], z[kf], r[kf], times[kf], predicted=predicted)
        rows = np.flatnonzero(~kf)
        idx = index[rows]
        new = ~self.initialised[idx]
        if np.any(new):
            self._start_on_plots(idx[new], z[rows[new]], r[rows[new]], times[rows[new]])
        rows, idx = rows[~new], idx[~new]
        if rows.size == 0:
            return
        if not predicted:
            self.predict(idx, times[rows])
        pol = None if polar is None else polar.take(rows)
        self._measure(idx, z[rows], r[rows], pol, np.zeros(rows.size))

    def update_late(
        self,
        index: IntArray,
        z: FloatArray,
        r: FloatArray,
        t: FloatArray,
        polar: PolarMeasurements | None = None,
    ) -> None:
        """Fold out-of-sequence plots, taken at times t (M,) before their slots' last update,
        by retrodiction (module docstring); the slots keep their time."""
        if index.size == 0:
            return
        self._measure(index, z, r, polar, np.asarray(t, dtype=float) - self.time[index])

    def _measure(
        self,
        index: IntArray,
        z: FloatArray,
        r: FloatArray,
        polar: PolarMeasurements | None,
        lag: FloatArray,
    ) -> None:
        """Update initialised slots with plots taken `lag` (<= 0) before the slots' time."""
        kind = self.kind[index]
        single = kind != IMM
        if np.any(single):
            i = index[single]
            pol = None if polar is None else polar.take(single)
            u = _plot_update(
                self.state[i], self.covariance[i], z[single], r[single], pol, lag[single],
                self.level[i],
            )  # fmt: skip
            self.state[i], self.covariance[i] = u.x, u.p
            self.updates[i] += 1
        if np.any(~single):
            i = index[~single]
            pol = None if polar is None else polar.take(~single)
            zz, rr, ll, lv = z[~single], r[~single], lag[~single], self.level[i]

            def update(x: FloatArray, p: FloatArray) -> GaussianUpdate:
                return _plot_update(x, p, zz, rr, pol, ll, lv)

            state, _ = self._imm(i).update(self._modes(i), update)
            self._put_modes(i, state)
            self.updates[i] += 1

    # -- starting and fusing full-state estimates ---------------------------------------------

    def _start_on_plots(self, index: IntArray, z: FloatArray, r: FloatArray, t: FloatArray) -> None:
        x = np.concatenate([z, np.zeros_like(z)], axis=1)
        p = np.zeros((index.size, 6, 6))
        p[:, :3, :3] = r
        p[:, 3:, 3:] = self.initial_velocity_var * np.eye(3)
        self.start(index, x, p, t)

    def start(self, index: IntArray, x: FloatArray, p: FloatArray, t: float | FloatArray) -> None:
        """Start the listed slots from full estimates x (M, 6), p (M, 6, 6) at time t (a shared
        track, or a plot with the velocity prior); counts as one update."""
        self.state[index], self.covariance[index] = x, p
        self.time[index] = np.broadcast_to(np.asarray(t, dtype=float), index.shape)
        self.updates[index] = 1
        imm = self.kind[index] == IMM
        if np.any(imm) and self.manoeuvre is not None:
            i = index[imm]
            self.mode_state[:, i] = x[imm]
            self.mode_covariance[:, i] = p[imm]
            self.mode_probability[i] = self.manoeuvre.stationary

    def fuse(self, index: IntArray, x: FloatArray, p: FloatArray, t: FloatArray) -> None:
        """Fuse shared track estimates x (M, 6), p (M, 6, 6) of time t (M,) into initialised
        slots by covariance intersection (Julier & Uhlmann 1997: consistent whatever their
        unknown correlation with the slot's own data). The later of the two is the common
        time: the slot is predicted to a newer estimate, an older estimate is predicted
        forward to the slot's time with the slot's quiet motion model. IMM slots fuse each mode
        with the estimate (mode probabilities kept)."""
        if index.size == 0:
            return
        t = np.asarray(t, dtype=float)
        newer = t > self.time[index]
        if np.any(newer):
            self.predict(index[newer], t[newer])
        behind = self.time[index] - t
        fwd = np.flatnonzero(behind > 0)
        x, p = np.array(x, dtype=float), np.array(p, dtype=float)
        if fwd.size:
            x[fwd], p[fwd] = coast_or_level_predict(
                x[fwd], p[fwd], behind[fwd], self.q, self.level[index[fwd]]
            )
        imm = self.kind[index] == IMM
        if np.any(~imm):
            i = index[~imm]
            fx, fp, _ = covariance_intersection(self.state[i], self.covariance[i], x[~imm], p[~imm])
            self.state[i], self.covariance[i] = fx, fp
        if np.any(imm):
            i = index[imm]
            modes = self._modes(i)
            for j in range(2):
                fx, fp, _ = covariance_intersection(modes.x[j], modes.p[j], x[imm], p[imm])
                modes.x[j], modes.p[j] = fx, fp
            self._put_modes(i, modes)
        self.updates[index] += 1

    # -- bookkeeping ----------------------------------------------------------------------------

    def copy_from(self, index: IntArray, other: FilterBank, rows: IntArray) -> None:
        """Overwrite the listed slots with rows of another bank (same filters)."""
        self.state[index], self.covariance[index] = other.state[rows], other.covariance[rows]
        self.time[index], self.updates[index] = other.time[rows], other.updates[rows]
        self.kind[index], self.level[index] = other.kind[rows], other.level[rows]
        self.mode_state[:, index] = other.mode_state[:, rows]
        self.mode_covariance[:, index] = other.mode_covariance[:, rows]
        self.mode_probability[index] = other.mode_probability[rows]

    def drop(self, index: IntArray) -> None:
        super().drop(index)
        self.mode_state[:, index] = np.nan
        self.mode_covariance[:, index] = np.nan
        self.mode_probability[index] = np.nan

    def extend(self, count: int, kind: int = KF) -> IntArray:
        """Add `count` empty slots running filter `kind`; returns their indices."""
        out = super().extend(count)
        self.kind = np.concatenate([self.kind, np.full(count, kind, dtype=np.int8)])
        self.mode_state = np.concatenate([self.mode_state, np.full((2, count, 6), np.nan)], 1)
        self.mode_covariance = np.concatenate(
            [self.mode_covariance, np.full((2, count, 6, 6), np.nan)], 1
        )
        self.mode_probability = np.concatenate([self.mode_probability, np.full((count, 2), np.nan)])
        return out

    def keep(self, index: IntArray | BoolArray) -> None:
        super().keep(index)
        self.kind = self.kind[index]
        self.mode_state = self.mode_state[:, index]
        self.mode_covariance = self.mode_covariance[:, index]
        self.mode_probability = self.mode_probability[index]


def _plot_update(
    x: FloatArray,
    p: FloatArray,
    z: FloatArray,
    r: FloatArray,
    polar: PolarMeasurements | None,
    lag: FloatArray,
    level: BoolArray,
) -> GaussianUpdate:
    """Kalman update of estimates x (..., M, 6) by plots taken `lag` (M,) (<= 0) before them:
    in measurement space where the plot has a polar measurement (the EKF of
    `ekf.ekf_rae_update`, whose linearisation and update it uses), else linearly on the
    Cartesian plot. A negative lag retrodicts: h(f(x, lag)) with the measurement matrix
    H(f(x, lag)) F(lag), F = [[I, lag I], [0, I]] the CV transition."""
    m = z.shape[0]
    lag = np.asarray(lag, dtype=float)
    back = coast_or_level_mean(x, lag, level) if np.any(lag < 0) else x
    # d(position at tau) / d(state now) = [I, lag I] (the gravity gradient neglected).
    f_pos = np.zeros((m, 3, 6))
    f_pos[:, :, :3] = np.eye(3)
    f_pos[:, :, 3:] = lag[:, None, None] * np.eye(3)
    valid = np.zeros(m, dtype=bool) if polar is None else polar.valid
    shape = x.shape[:-1]
    y = np.empty(shape + (3,))
    h = np.empty(shape + (3, 6))
    noise = np.array(r, dtype=float)
    if np.any(~valid):
        y[..., ~valid, :] = z[~valid] - back[..., ~valid, :3]
        h[..., ~valid, :, :] = f_pos[~valid]
    if np.any(valid):
        assert polar is not None
        zhat, jac = rae_linearisation(back[..., valid, :], polar.site[valid], polar.rotation[valid])
        yy = polar.rae[valid] - zhat
        yy[..., 1] = wrap_angle(yy[..., 1])
        y[..., valid, :] = yy
        h[..., valid, :, :] = jac[..., :3] @ f_pos[valid]
        noise[valid] = polar.noise[valid]
    return gaussian_update(x, p, y, h, noise)
