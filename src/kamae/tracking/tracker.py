"""A multi-target tracker on arrays: one scan = predict, gate, GNN, update, M-of-N, initiate.

Composes the parts of this package for 3-D position measurements (a sensor's Cartesian
reports, or converted radar measurements whose noise is close to diagonal in the track
frame): the axis-decoupled CV Kalman filter (``kalman.AxisKalmanFilter``), chi-square gates
of probability P_G with per-pair innovation variances p_track + r_measurement, global
nearest neighbour assignment (``association.gnn_assign``), M-of-N confirmation and deletion
with divergence deletion (``initiation.MOfN``), and single-point initiation of a tentative
track on every unassigned measurement (Blackman & Popoli, Design and Analysis of Modern
Tracking Systems, Artech House 1999, chapters 3 and 6). Deleted rows are dropped at the end
of each scan; each track keeps a unique integer id for the records.

Neglected: clutter-density-aware initiation and track scores (SPRT), and track-to-track
fusion across sensors (one measurement set per scan).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.errors import KamaeError
from kamae.tracking.association import Assignment, chi2_gate, gnn_assign
from kamae.tracking.initiation import MOfN, TrackBook
from kamae.tracking.kalman import AxisKalmanFilter, AxisTracks

FloatArray = npt.NDArray[np.float64]
IdArray = npt.NDArray[np.int64]


@dataclass(eq=False)
class TrackTable:
    """All live tracks of one tracker: estimates, life-cycle bookkeeping and ids, row-aligned."""

    tracks: AxisTracks
    book: TrackBook
    ids: IdArray
    """(T,) unique track ids (int64), assigned in order of initiation."""
    next_id: int = 0
    """The id the next initiated track will get."""

    @classmethod
    def empty(cls) -> TrackTable:
        """No tracks yet."""
        return cls(AxisTracks.empty(), TrackBook.new(0), np.empty(0, dtype=np.int64), 0)

    @property
    def n(self) -> int:
        """Number of tracks (tentative and confirmed)."""
        return self.tracks.n


@dataclass(frozen=True)
class ScanResult:
    """What one scan did; ``table`` is the tracker's new state."""

    table: TrackTable
    assignment: Assignment
    """Measurement-to-track assignment over the tracks as they were before this scan."""
    confirmed_ids: IdArray
    """Ids of tracks confirmed on this scan."""
    deleted_ids: IdArray
    """Ids of tracks deleted on this scan (lost, hopeless or diverged)."""
    diverged_ids: IdArray
    """Ids of tracks deleted on this scan because their estimate diverged."""
    initiated_ids: IdArray
    """Ids of the tentative tracks started on this scan's unassigned measurements."""


class GnnTracker:
    """GNN tracker with CV (DCWNA) tracks and M-of-N logic, for 3-D position measurements."""

    def __init__(
        self,
        q: float,
        logic: MOfN,
        initial_velocity_var: float,
        gate_probability: float = 0.999,
    ) -> None:
        if not (np.isfinite(initial_velocity_var) and initial_velocity_var > 0):
            raise KamaeError(
                f"initial_velocity_var must be finite and > 0 m^2/s^2, got {initial_velocity_var}"
            )
        self.filter = AxisKalmanFilter(q)
        """The CV filter (q: white-noise acceleration density, m^2/s^3)."""
        self.logic = logic
        """Confirmation and deletion rule."""
        self.initial_velocity_var = float(initial_velocity_var)
        """Prior velocity variance of a new track on each axis, m^2/s^2."""
        self.gate = chi2_gate(3, gate_probability)
        """Gate on the normalised squared distance (3 dof)."""

    def step(
        self, table: TrackTable, dt: float, z: FloatArray, r: float | FloatArray
    ) -> ScanResult:
        """One scan: measurements z (M, 3) with variances r (scalar, (M,) or (M, 3)), m^2,
        taken dt seconds after the previous scan. ``table`` is consumed (updated in place)."""
        z = np.asarray(z, dtype=np.float64).reshape(-1, 3)
        m = z.shape[0]
        ra = np.asarray(r, dtype=np.float64)
        if ra.ndim == 0:
            r_rows = np.full((m, 3), float(ra))
        elif ra.shape == (m,):
            r_rows = np.repeat(ra[:, None], 3, axis=1)
        elif ra.shape == (m, 3):
            r_rows = ra
        else:
            raise KamaeError(f"r must be a scalar, (M,) or (M, 3) with M={m}, got {ra.shape}")
        tracks, book = table.tracks, table.book
        self.filter.predict(tracks, dt)
        y = z[None, :, :] - tracks.position[:, None, :]  # (T, M, 3)
        s = tracks.position_var[:, None, :] + r_rows[None, :, :]
        d2 = np.sum(y * y / s, axis=2)
        assignment = gnn_assign(d2, self.gate)
        t2m = assignment.track_to_measurement
        hit = t2m >= 0
        if hit.any():
            pick = np.maximum(t2m, 0)
            self.filter.update(tracks, z[pick], r_rows[pick], mask=hit)
        outcome = self.logic.step(book, hit, diverged=tracks.diverged())
        fresh = np.flatnonzero(assignment.measurement_to_track < 0)
        new_ids = table.next_id + np.arange(fresh.size, dtype=np.int64)
        keep = outcome.book.alive
        new_tracks = AxisTracks.from_positions(z[fresh], r_rows[fresh], self.initial_velocity_var)
        new_table = TrackTable(
            tracks.take(keep).concatenate(new_tracks),
            outcome.book.take(keep).concatenate(TrackBook.new(fresh.size)),
            np.concatenate([table.ids[keep], new_ids]),
            table.next_id + int(fresh.size),
        )
        return ScanResult(
            new_table,
            assignment,
            table.ids[outcome.confirmed],
            table.ids[outcome.deleted],
            table.ids[outcome.diverged],
            new_ids,
        )
