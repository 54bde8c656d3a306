"""Interacting multiple model (IMM) estimator over batched Gaussian filters (manoeuvring targets).

r motion models (e.g. constant velocity with low and high process noise) run side by side for
every target; a Markov chain with transition matrix pi[i, j] = P(mode j at k | mode i at k-1)
switches between them. One cycle (Blom & Bar-Shalom, IEEE TAC 33(8) 1988; Bar-Shalom, Li &
Kirubarajan, Estimation with Applications to Tracking and Navigation, Wiley 2001, 11.6.6):

1. interaction: c_j = sum_i pi_ij mu_i, mu_i|j = pi_ij mu_i / c_j,
   x0_j = sum_i mu_i|j x_i, P0_j = sum_i mu_i|j (P_i + (x_i - x0_j)(x_i - x0_j)^T);
2. model-matched prediction of (x0_j, P0_j) with model j;
3. model-matched update with the same measurement, likelihood L_j = N(y_j; 0, S_j);
4. mode probabilities mu_j = L_j c_j / sum_l L_l c_l (in logs, for range);
5. output by moment matching: x = sum mu_j x_j, P = sum mu_j (P_j + (x_j - x)(x_j - x)^T).

All r x N filters are one batch (r, N, 6): one update call covers every mode and target.
The transition matrix is either fixed per scan (`transition`) or given per target and call,
e.g. from mean sojourn times scaled with the interval (`sojourn_transition`: a continuous-time
Markov chain, so that a zero interval mixes nothing). All modes share the state space.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IndexArray
from kamae.errors import KamaeError
from kamae.tracking.kalman import GaussianUpdate


class MotionModel(Protocol):
    """A motion model: predicted mean (..., 6) and covariance (..., 6, 6) after dt seconds."""

    def predict(
        self, x: FloatArray, p: FloatArray, dt: float | FloatArray
    ) -> tuple[FloatArray, FloatArray]: ...


@dataclass(eq=False)
class IMMState:
    """Mode-conditioned estimates of N targets under r modes.

    ``x`` (r, N, 6), ``p`` (r, N, 6, 6), ``mu`` (N, r) mode probabilities (rows sum to 1).
    """

    x: FloatArray
    p: FloatArray
    mu: FloatArray

    @property
    def n(self) -> int:
        """Number of targets."""
        return int(self.x.shape[1])

    def estimate(self) -> tuple[FloatArray, FloatArray]:
        """Moment-matched mean (N, 6) and covariance (N, 6, 6) (Bar-Shalom 2001, 11.6.6 step 5)."""
        return _mix_moments(self.x, self.p, self.mu.T)

    def take(self, index: IndexArray | BoolArray) -> IMMState:
        """The targets selected by an index or mask (copies)."""
        return IMMState(self.x[:, index], self.p[:, index], self.mu[index])

    def put(self, index: IndexArray | BoolArray, other: IMMState) -> None:
        """Overwrite the selected targets with ``other`` (in place)."""
        self.x[:, index] = other.x
        self.p[:, index] = other.p
        self.mu[index] = other.mu


def _mix_moments(x: FloatArray, p: FloatArray, w: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Moments of the mixture sum_i w[i] N(x[i], p[i]); x (r, ..., n), w (r, ...)."""
    xm = np.einsum("i...,i...a->...a", w, x)
    dx = x - xm
    pm = np.einsum("i...,i...ab->...ab", w, p) + np.einsum("i...,i...a,i...b->...ab", w, dx, dx)
    return xm, pm


@dataclass(frozen=True)
class InteractingMultipleModel:
    """IMM estimator with the given motion models and per-scan Markov mode transitions."""

    models: Sequence[MotionModel]
    """The r mode-matched motion models (each with ``predict(x, p, dt)``)."""
    transition: FloatArray
    """Markov matrix (r, r): transition[i, j] = P(mode j now | mode i at the last scan)."""

    def __post_init__(self) -> None:
        pi = np.asarray(self.transition, dtype=np.float64)
        r = len(self.models)
        if r < 1:
            raise KamaeError("InteractingMultipleModel needs at least one model")
        if pi.shape != (r, r):
            raise KamaeError(f"transition must have shape ({r}, {r}), got {pi.shape}")
        if np.any(pi < 0) or not np.allclose(pi.sum(axis=1), 1.0, rtol=0, atol=1e-12):
            raise KamaeError("transition rows must be probabilities summing to 1")
        object.__setattr__(self, "transition", pi)

    @property
    def r(self) -> int:
        """Number of modes."""
        return len(self.models)

    def initial(self, x: FloatArray, p: FloatArray, mu: FloatArray | None = None) -> IMMState:
        """Every mode starts at (x (N, 6), p (N, 6, 6)); ``mu`` (r,) or (N, r), default uniform."""
        x = np.asarray(x, dtype=np.float64)
        p = np.asarray(p, dtype=np.float64)
        n = x.shape[0]
        mu_a = np.full((n, self.r), 1.0 / self.r) if mu is None else np.asarray(mu, np.float64)
        mu_a = np.broadcast_to(mu_a, (n, self.r)).copy()
        if np.any(mu_a < 0) or not np.allclose(mu_a.sum(axis=1), 1.0):
            raise KamaeError("initial mode probabilities must be >= 0 and sum to 1")
        return IMMState(
            np.broadcast_to(x, (self.r, *x.shape)).copy(),
            np.broadcast_to(p, (self.r, *p.shape)).copy(),
            mu_a,
        )

    def interact(self, state: IMMState, transition: FloatArray | None = None) -> IMMState:
        """Step 1: mixed initial conditions x0_j, P0_j; ``mu`` becomes the predicted c_j.
        ``transition`` (N, r, r) replaces the fixed matrix per target (e.g. scaled with each
        target's interval, `sojourn_transition`)."""
        pi = self.transition if transition is None else np.asarray(transition, np.float64)
        mu = state.mu  # (N, r)
        if pi.ndim == 2:
            c = mu @ pi  # (N, r_j)
            num = mu[:, :, None] * pi[None]  # (N, r_i, r_j)
        else:
            c = np.einsum("ni,nij->nj", mu, pi)
            num = mu[:, :, None] * pi
        safe = c > 0
        w = np.divide(num, c[:, None, :], out=np.zeros_like(num), where=safe[:, None, :])
        # A mode with zero predicted probability keeps its own estimate (weight 1 on itself).
        w += (~safe)[:, None, :] * np.eye(self.r)[None]
        wt = w.transpose(2, 1, 0)  # (r_j, r_i, N)
        x0 = np.einsum("jin,ina->jna", wt, state.x)
        dx = state.x[None] - x0[:, None]  # (r_j, r_i, N, 6)
        p0 = np.einsum("jin,inab->jnab", wt, state.p) + np.einsum("jin,jina,jinb->jnab", wt, dx, dx)
        return IMMState(x0, p0, c)

    def predict(
        self, state: IMMState, dt: float | FloatArray, transition: FloatArray | None = None
    ) -> IMMState:
        """Steps 1-2: interaction then mode-matched prediction over dt (s, scalar or (N,));
        ``transition`` as in `interact`."""
        mixed = self.interact(state, transition)
        xs, ps = [], []
        for j, model in enumerate(self.models):
            xj, pj = model.predict(mixed.x[j], mixed.p[j], dt)
            xs.append(xj)
            ps.append(pj)
        return IMMState(np.stack(xs), np.stack(ps), mixed.mu)

    def update(
        self, state: IMMState, update: Callable[[FloatArray, FloatArray], GaussianUpdate]
    ) -> tuple[IMMState, GaussianUpdate]:
        """Steps 3-4 for targets that have a measurement.

        ``update(x (r, N, 6), p (r, N, 6, 6))`` performs the mode-matched update, e.g.
        ``lambda x, p: kalman_update(x, p, z, H, R)`` with z (N, m), which broadcasts over the
        modes. Returns the new state and the per-mode update (log-likelihoods (r, N)).
        """
        u = update(state.x, state.p)
        logw = np.log(np.maximum(state.mu, np.finfo(np.float64).tiny)) + u.log_likelihood.T
        top = np.max(logw, axis=1, keepdims=True)
        finite = np.isfinite(top[:, 0])
        w = np.exp(logw - np.where(np.isfinite(top), top, 0.0))
        mu = np.where(finite[:, None], w / w.sum(axis=1, keepdims=True), np.nan)
        return IMMState(u.x, u.p, mu), u


def sojourn_transition(dt: FloatArray, mean_sojourn_s: Sequence[float]) -> FloatArray:
    """Mode transition matrices (N, r, r) over intervals dt (N,) of a continuous-time Markov
    chain whose mode i lasts on average ``mean_sojourn_s[i]`` and is left for the others in
    equal shares: Pi(dt) = expm(L dt), L_ii = -1/tau_i, L_ij = 1/(tau_i (r - 1)) (e.g. Kemeny &
    Snell, Finite Markov Chains, 1960; the IMM's "expected sojourn time" of Bar-Shalom, Li &
    Kirubarajan 2001, section 11.6.6). Closed form for two modes,
    p_ij = (l_ij / l)(1 - exp(-l dt)) with l = l_01 + l_10; Pi(0) = I exactly."""
    tau = np.asarray(mean_sojourn_s, dtype=np.float64)
    r = tau.size
    if r < 1 or np.any(~np.isfinite(tau)) or np.any(tau <= 0):
        raise KamaeError(f"mean sojourn times must be finite and > 0 s, got {tau}")
    d = np.atleast_1d(np.asarray(dt, dtype=np.float64))
    if r == 1:
        return np.ones((d.size, 1, 1))
    if r == 2:
        l01, l10 = 1.0 / tau[0], 1.0 / tau[1]
        lam = l01 + l10
        e = -np.expm1(-lam * d)  # 1 - exp(-l dt), exact 0 at dt = 0
        out = np.empty((d.size, 2, 2))
        out[:, 0, 1] = l01 / lam * e
        out[:, 1, 0] = l10 / lam * e
        out[:, 0, 0] = 1.0 - out[:, 0, 1]
        out[:, 1, 1] = 1.0 - out[:, 1, 0]
        return out
    from scipy.linalg import expm

    gen = np.tile((1.0 / (tau * (r - 1)))[:, None], (1, r))
    np.fill_diagonal(gen, -1.0 / tau)
    values, inverse = np.unique(d, return_inverse=True)
    mats = np.stack([expm(gen * v) for v in values])
    return mats[inverse]
