"""What a track picture offers its user: the `TrackBank` protocol and its quality measures.

A bank is a batch of track slots held as arrays (ECEF state [x, y, z, vx, vy, vz] and
covariance per slot), predicted and deleted by slot index. The engine's battle manager reads
every fire unit's picture through this protocol: the tracker's own threat slots
(`converted.BallisticTrackBank`) or a picture group's window of the network's combined bank
(`kamae.engine.pictures.GroupBank`).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray


def position_sigma(covariance: FloatArray) -> FloatArray:
    """RMS per-axis position standard deviation sqrt(trace(P_pos)/3), m, of covariances
    (..., 6, 6) (NaN for an empty slot)."""
    return np.sqrt(np.trace(covariance[..., :3, :3], axis1=-2, axis2=-1) / 3.0)


def velocity_sigma(covariance: FloatArray) -> FloatArray:
    """RMS per-axis velocity standard deviation sqrt(trace(P_vel)/3), m/s (NaN if empty)."""
    return np.sqrt(np.trace(covariance[..., 3:, 3:], axis1=-2, axis2=-1) / 3.0)


def sigma_of_variances(variance: FloatArray) -> FloatArray:
    """`position_sigma` (or `velocity_sigma`) from the block's diagonal (..., 3) alone: the
    trace summed in `np.trace`'s order, the same floats."""
    return np.sqrt((variance[..., 0] + variance[..., 1] + variance[..., 2]) / 3.0)


@runtime_checkable
class TrackBank(Protocol):
    """Track slots a battle manager decides on."""

    state: FloatArray
    """(N, 6) ECEF position and velocity per slot (NaN when empty)."""
    covariance: FloatArray
    """(N, 6, 6)."""
    time: FloatArray
    """(N,) time of each slot's state, s."""
    updates: IntArray
    """(N,) measurement updates folded into each slot (0: empty)."""

    @property
    def initialised(self) -> BoolArray:
        """(N,) slots that hold a track."""
        ...

    def position_sigma(self) -> FloatArray:
        """(N,) RMS per-axis position standard deviation, m (`position_sigma`)."""
        ...

    def velocity_sigma(self) -> FloatArray:
        """(N,) RMS per-axis velocity standard deviation, m/s (`velocity_sigma`)."""
        ...

    def predict(self, index: IntArray, t: float) -> None:
        """Advance the listed slots to time t."""
        ...

    def predicted_position_sigma(
        self, index: IntArray, horizon_s: float | FloatArray
    ) -> FloatArray:
        """Position sigma of the listed slots `horizon_s` (one, or one per slot) after their
        last update (the slots are unchanged)."""
        ...

    def predicted(self, index: IntArray, t: float | FloatArray) -> tuple[FloatArray, FloatArray]:
        """Mean (M, 6) and covariance (M, 6, 6) of the listed slots predicted to time t (the
        slots are unchanged)."""
        ...

    def predicted_sigmas(self, index: IntArray, t: float) -> tuple[FloatArray, FloatArray]:
        """Position and velocity sigma (`position_sigma`, `velocity_sigma`) of the listed
        slots' covariance predicted to time t (the slots are unchanged)."""
        ...

    def drop(self, index: IntArray) -> None:
        """Delete the listed tracks."""
        ...


def sigmas_at(bank: TrackBank, t: float) -> tuple[FloatArray, FloatArray]:
    """(N,) position and velocity sigma of every slot at time t (NaN if empty): a slot whose
    state is older than t is predicted to it, so a track that coasts without reports grows
    its uncertainty instead of keeping the one of its last update."""
    pos, vel = bank.position_sigma(), bank.velocity_sigma()
    stale = np.flatnonzero(bank.initialised & (bank.time < t))
    if stale.size:
        pos[stale], vel[stale] = bank.predicted_sigmas(stale, t)
    return pos, vel
