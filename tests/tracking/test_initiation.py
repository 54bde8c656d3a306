"""M-of-N track confirmation and deletion, divergence deletion, two-point initiation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamae.errors import KamaeError
from kamae.tracking.initiation import (
    MOfN,
    TrackBook,
    TrackStatus,
    popcount,
    two_point_differencing,
)
from kamae.tracking.kalman import kalman_update, position_matrix
from kamae.tracking.motion import cv_predict

T, C, D = TrackStatus.TENTATIVE, TrackStatus.CONFIRMED, TrackStatus.DELETED


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=50))
def test_popcount(values: list[int]) -> None:
    got = popcount(np.array(values, dtype=np.uint32))
    assert got.tolist() == [bin(v).count("1") for v in values]


def _run(logic: MOfN, hits: list[list[bool]]) -> list[list[int]]:
    """Status of each track after each scan; hits[k][i] for scan k + 1 (scan 0 initiates)."""
    book = TrackBook.new(len(hits[0]))
    out = []
    for h in hits:
        book = logic.step(book, np.array(h)).book
        out.append(book.status.tolist())
    return out


def test_two_of_three_by_hand() -> None:
    """2/3 logic (Blackman & Popoli 1999, 3.2): hit on scan 2 confirms; miss-hit confirms on
    scan 3; miss-miss deletes on scan 3."""
    logic = MOfN(2, 3, delete_after=3)
    got = _run(logic, [[True, False, False], [False, True, False]])
    assert got == [[C, T, T], [C, C, D]]


def test_three_of_five_deletes_as_soon_as_hopeless() -> None:
    """3/5: after initiation plus three misses only one scan is left, so 3 is unreachable on
    scan 4 (not scan 5)."""
    logic = MOfN(3, 5, delete_after=2)
    got = _run(logic, [[False, True], [False, True], [False, False], [False, False]])
    assert got == [[T, T], [T, C], [D, C], [D, D]]


def test_confirmed_track_deleted_after_consecutive_misses_only() -> None:
    """A confirmed track survives scattered misses and dies on D consecutive ones."""
    logic = MOfN(1, 1, delete_after=3)
    seq = [False, False, True, False, False, True, False, False, False]
    got = [s[0] for s in _run(logic, [[h] for h in seq])]
    assert got == [C, C, C, C, C, C, C, C, D]


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 6), st.integers(0, 6), st.lists(st.booleans(), min_size=1, max_size=12))
def test_m_of_n_matches_its_definition(m: int, extra: int, seq: list[bool]) -> None:
    """Confirmed on the first scan where the detections so far (initiation included) reach M
    within the first N scans; deleted on the first scan where M became unreachable."""
    n = m + extra
    logic = MOfN(m, n, delete_after=100)
    statuses = [s[0] for s in _run(logic, [[h] for h in seq])]
    count, expected, state = 1, [], T
    for k, h in enumerate(seq, start=2):  # scan number, the initiating scan is 1
        if state == T:
            count += h
            if count >= m and k <= n:
                state = C
            elif count + (n - k) < m:
                state = D
        expected.append(state)
    if m == 1:  # confirmed by the initiating detection itself on the first step
        expected = [C] * len(seq)
    assert statuses == expected


def test_diverged_tracks_are_deleted_and_counted() -> None:
    """A diverged estimate is deleted on the scan it is found, whatever its status, and
    counted; already deleted rows are not counted again."""
    logic = MOfN(2, 3, delete_after=5)
    book = TrackBook.new(4)
    book = logic.step(book, np.array([True, True, False, True])).book  # C, C, T, C
    book.status[3] = TrackStatus.DELETED
    out = logic.step(book, np.ones(4, bool), diverged=np.array([True, False, True, True]))
    assert out.book.status.tolist() == [D, C, D, D]
    assert out.n_diverged == 2
    assert out.deleted.tolist() == [True, False, True, False]
    assert out.book.take(out.book.alive).n == 1


def test_deleted_rows_stay_deleted() -> None:
    logic = MOfN(1, 2, delete_after=1)
    book = TrackBook.new(1)
    book = logic.step(book, np.array([False])).book
    assert book.status[0] == D
    for _ in range(3):
        book = logic.step(book, np.array([True])).book
    assert book.status[0] == D


def test_logic_parameters_are_validated() -> None:
    with pytest.raises(KamaeError):
        MOfN(3, 2, delete_after=1)
    with pytest.raises(KamaeError):
        MOfN(1, 33, delete_after=1)
    with pytest.raises(KamaeError):
        MOfN(1, 2, delete_after=0)
    with pytest.raises(KamaeError):
        MOfN(2, 3, delete_after=2).step(TrackBook.new(2), np.ones(3, bool))


def test_two_point_differencing_equals_filter_with_flat_prior() -> None:
    """Two-point differencing (Bar-Shalom 2001, 5.5) is the Kalman filter started from an
    uninformative prior after two measurements (q = 0): same mean and covariance to 1e-6
    (the prior of 1e9 m^2 leaves O(r / 1e9) of its own)."""
    rng = np.random.default_rng(9)
    z1 = rng.normal(size=(5, 3)) * 1e3
    z2 = z1 + rng.normal(size=(5, 3)) * 300
    r = rng.uniform(10, 100, size=(5, 3))
    x, p = two_point_differencing(z1, z2, 2.0, r)
    h = position_matrix()
    rm = np.einsum("ni,ij->nij", r, np.eye(3))
    flat = kalman_update(np.zeros((5, 6)), np.tile(1e9 * np.eye(6), (5, 1, 1)), z1, h, rm)
    xf, pf = cv_predict(flat.x, flat.p, 2.0, 0.0)
    second = kalman_update(xf, pf, z2, h, rm)
    np.testing.assert_allclose(x, second.x, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(p, second.p, rtol=1e-6, atol=1e-9 * np.abs(p).max())
    assert p[0, 3, 3] == pytest.approx(2 * r[0, 0] / 4.0)
    assert p[0, 0, 3] == pytest.approx(r[0, 0] / 2.0)
