"""Track initiation, confirmation and deletion as arrays: M-of-N logic and divergence deletion.

A new track starts tentative on an unassociated detection. It is confirmed once M of its
first N scans (the initiating scan counts as the first) hold a detection, and deleted as soon
as that has become impossible (Blackman & Popoli, Design and Analysis of Modern Tracking
Systems, Artech House 1999, section 3.2; Bar-Shalom, Willett & Tian, Tracking and Data Fusion,
YBS 2011, M/N logic). A confirmed track is deleted after D consecutive missed scans. Any track
whose estimate diverged (non-finite or non-positive-definite covariance) is deleted at once
and counted: a diverged estimate is never kept.

The hit history is a bit mask per track (bit 0 = latest scan), so one scan of every track is
a handful of integer array operations.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt

from kamae.arrays import BoolArray, FloatArray, IndexArray, UIntArray
from kamae.errors import KamaeError


class TrackStatus(IntEnum):
    """Life-cycle state of a track, stored as int8 in ``TrackBook.status``."""

    TENTATIVE = 0
    CONFIRMED = 1
    DELETED = 2


def popcount(v: UIntArray) -> npt.NDArray[np.uint32]:
    """Number of set bits of uint32 values (SWAR bit count; Warren, Hacker's Delight, 5-1)."""
    v = np.asarray(v, dtype=np.uint32)
    v = v - ((v >> np.uint32(1)) & np.uint32(0x55555555))
    v = (v & np.uint32(0x33333333)) + ((v >> np.uint32(2)) & np.uint32(0x33333333))
    v = (v + (v >> np.uint32(4))) & np.uint32(0x0F0F0F0F)
    return (v * np.uint32(0x01010101)) >> np.uint32(24)


@dataclass(eq=False)
class TrackBook:
    """Life-cycle bookkeeping of T tracks, aligned row for row with their estimates.

    ``status`` (T,) int8 (TrackStatus), ``hits`` (T,) uint32 detection history (bit 0 =
    latest scan), ``age`` (T,) int32 scans since initiation (1 on the initiating scan),
    ``misses`` (T,) int32 consecutive missed scans.
    """

    status: npt.NDArray[np.int8]
    hits: UIntArray
    age: npt.NDArray[np.int32]
    misses: npt.NDArray[np.int32]

    @classmethod
    def new(cls, count: int) -> TrackBook:
        """``count`` tentative tracks, each on its initiating detection."""
        return cls(
            np.full(count, TrackStatus.TENTATIVE, dtype=np.int8),
            np.ones(count, dtype=np.uint32),
            np.ones(count, dtype=np.int32),
            np.zeros(count, dtype=np.int32),
        )

    @property
    def n(self) -> int:
        """Number of rows (tracks of any status)."""
        return int(self.status.shape[0])

    @property
    def alive(self) -> BoolArray:
        """(T,) True for tentative and confirmed tracks."""
        return self.status != TrackStatus.DELETED

    @property
    def confirmed(self) -> BoolArray:
        """(T,) True for confirmed tracks."""
        return self.status == TrackStatus.CONFIRMED

    def take(self, index: IndexArray | BoolArray) -> TrackBook:
        """The selected rows (copies): ``book.take(book.alive)`` compacts after deletions."""
        return TrackBook(self.status[index], self.hits[index], self.age[index], self.misses[index])

    def concatenate(self, other: TrackBook) -> TrackBook:
        """These rows followed by ``other``'s."""
        return TrackBook(
            np.concatenate([self.status, other.status]),
            np.concatenate([self.hits, other.hits]),
            np.concatenate([self.age, other.age]),
            np.concatenate([self.misses, other.misses]),
        )


@dataclass(frozen=True)
class ScanOutcome:
    """What one scan of M-of-N logic did."""

    book: TrackBook
    """The updated bookkeeping (deleted rows kept, status DELETED, until compacted)."""
    confirmed: BoolArray
    """(T,) confirmed on this scan."""
    deleted: BoolArray
    """(T,) deleted on this scan, for any reason."""
    diverged: BoolArray
    """(T,) deleted on this scan because the estimate diverged."""

    @property
    def n_diverged(self) -> int:
        """Number of tracks deleted for divergence on this scan."""
        return int(np.count_nonzero(self.diverged))


@dataclass(frozen=True)
class MOfN:
    """Confirm on M detections in the first N scans; delete on D consecutive misses."""

    m: int
    """Detections needed for confirmation (1 <= m <= n)."""
    n: int
    """Scans, counted from the initiating one, allowed to collect them (n <= 32)."""
    delete_after: int
    """Consecutive missed scans that delete a confirmed track (>= 1)."""

    def __post_init__(self) -> None:
        if not (1 <= self.m <= self.n <= 32):
            raise KamaeError(f"M-of-N needs 1 <= m <= n <= 32, got m={self.m}, n={self.n}")
        if self.delete_after < 1:
            raise KamaeError(f"delete_after must be >= 1 scan, got {self.delete_after}")

    def step(
        self, book: TrackBook, hit: BoolArray, diverged: BoolArray | None = None
    ) -> ScanOutcome:
        """Advance every live track by one scan given ``hit`` (T,) (a detection was associated).

        ``diverged`` (T,) marks estimates found diverged on this scan; they are deleted.
        """
        hit = np.asarray(hit, dtype=bool)
        if hit.shape != (book.n,):
            raise KamaeError(f"hit must have shape ({book.n},), got {hit.shape}")
        alive = book.alive
        window = np.uint32((1 << self.n) - 1) if self.n < 32 else np.uint32(0xFFFFFFFF)
        # Tracks whose initiating detections already make M (M = 1) are confirmed first.
        tentative = book.status == TrackStatus.TENTATIVE
        early = tentative & (popcount(book.hits & window).astype(np.int32) >= self.m)
        hits = np.where(
            alive, ((book.hits << np.uint32(1)) | hit.astype(np.uint32)) & window, book.hits
        ).astype(np.uint32)
        age = np.where(alive, book.age + 1, book.age).astype(np.int32)
        misses = np.where(alive & ~hit, book.misses + 1, np.where(alive, 0, book.misses))
        misses = misses.astype(np.int32)
        count = popcount(hits).astype(np.int32)
        confirm = early | (tentative & (count >= self.m))
        hopeless = tentative & ~confirm & (count + (self.n - age) < self.m)
        lost = ((book.status == TrackStatus.CONFIRMED) | early) & (misses >= self.delete_after)
        div = np.zeros(book.n, dtype=bool) if diverged is None else np.asarray(diverged, bool)
        div = div & alive
        status = book.status.copy()
        status[confirm] = TrackStatus.CONFIRMED
        deleted = hopeless | lost | div
        status[deleted] = TrackStatus.DELETED
        return ScanOutcome(TrackBook(status, hits, age, misses), confirm & ~deleted, deleted, div)


def two_point_differencing(
    z_first: FloatArray, z_second: FloatArray, dt: float | FloatArray, r: float | FloatArray
) -> tuple[FloatArray, FloatArray]:
    """CV tracks from two position measurements (M, 3) dt apart (Bar-Shalom 2001, 5.5):
    means (M, 6) and covariances (M, 6, 6).

    Per axis, with measurement variance r: x = [z2, (z2 - z1)/dt],
    P = [[r, r/dt], [r/dt, 2 r/dt^2]] (two-point differencing). ``r`` scalar, (M,) or (M, 3).
    """
    z1 = np.atleast_2d(np.asarray(z_first, dtype=np.float64))
    z2 = np.atleast_2d(np.asarray(z_second, dtype=np.float64))
    m = z2.shape[0]
    if z1.shape != (m, 3) or z2.shape != (m, 3):
        raise KamaeError(f"z_first and z_second must both be (M, 3), got {z1.shape}, {z2.shape}")
    d = np.broadcast_to(np.asarray(dt, dtype=np.float64), (m,))
    if np.any(d <= 0):
        raise KamaeError("two-point differencing needs dt > 0")
    ra = np.asarray(r, dtype=np.float64)
    rr = np.broadcast_to(ra if ra.ndim != 1 else ra[:, None], (m, 3))  # (M, 3)
    x = np.concatenate([z2, (z2 - z1) / d[:, None]], axis=1)
    axis = np.arange(3)
    p = np.zeros((m, 6, 6))
    p[:, axis, axis] = rr
    p[:, axis, axis + 3] = p[:, axis + 3, axis] = rr / d[:, None]
    p[:, axis + 3, axis + 3] = 2.0 * rr / (d * d)[:, None]
    return x, p
