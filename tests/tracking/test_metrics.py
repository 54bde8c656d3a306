"""OSPA, GOSPA and SIAP on hand-worked cases and their metric properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamae.errors import KamaeError
from kamae.tracking.metrics import (
    assign_tracks_to_truths,
    gospa,
    ospa,
    siap,
    siap_scan,
)

point_sets = st.lists(
    st.tuples(st.floats(-50, 50), st.floats(-50, 50)), min_size=0, max_size=5
).map(lambda pts: np.array(pts, dtype=float).reshape(-1, 2))


def test_ospa_by_hand() -> None:
    """Schuhmacher, Vo & Vo (2008), eq. 3: X = {0}, Y = {3, 20} on a line, c = 10, p = 1:
    (min(3, 10) + 10 * 1) / 2 = 6.5; with p = 2: sqrt((9 + 100) / 2)."""
    x = np.array([[0.0]])
    y = np.array([[3.0], [20.0]])
    assert ospa(x, y, c=10.0, p=1.0) == pytest.approx(6.5)
    assert ospa(x, y, c=10.0, p=2.0) == pytest.approx(np.sqrt(109.0 / 2.0))
    assert ospa(np.empty((0, 1)), y, c=10.0) == 10.0
    assert ospa(np.empty((0, 1)), np.empty((0, 1)), c=10.0) == 0.0
    assert ospa(y, y, c=10.0, p=2.0) == 0.0


def test_ospa_minimises_the_sum_of_pth_powers() -> None:
    """For p = 2 the optimal assignment minimises sum d^2, not sum d: here pairing {0, 2}
    (sum d = 2, sum d^2 = 4) loses to {1.1, 1.1} (sum d = 2.2, sum d^2 = 2.42), so
    OSPA = sqrt(2.42 / 2) = 1.1 (Schuhmacher et al. 2008, eq. 3)."""
    sin = 2.0 / 2.2
    cos = np.sqrt(1.0 - sin**2)
    x = np.array([[0.0, 0.0], [1.1 * cos, -1.1 * sin]])
    y = np.array([[0.0, 0.0], [1.1 * cos, 1.1 * sin]])
    assert np.linalg.norm(x[1] - y[1]) == pytest.approx(2.0)
    assert np.linalg.norm(x[1] - y[0]) == pytest.approx(1.1)
    assert ospa(x, y, c=10.0, p=2.0) == pytest.approx(1.1)


@settings(max_examples=150, deadline=None)
@given(point_sets, point_sets, point_sets, st.sampled_from([1.0, 2.0]))
def test_ospa_and_gospa_are_metrics(x: np.ndarray, y: np.ndarray, z: np.ndarray, p: float) -> None:
    """Symmetry, identity, bound by c (OSPA) and the triangle inequality (both are metrics
    for p >= 1: Schuhmacher et al. 2008, Rahmathullah et al. 2017, Prop. 1)."""
    c = 15.0
    assert ospa(x, y, c, p) == pytest.approx(ospa(y, x, c, p), abs=1e-9)
    assert ospa(x, x, c, p) == pytest.approx(0.0, abs=1e-9)
    assert ospa(x, y, c, p) <= c + 1e-9
    assert ospa(x, z, c, p) <= ospa(x, y, c, p) + ospa(y, z, c, p) + 1e-9
    g = gospa(x, y, c, p).distance
    assert g == pytest.approx(gospa(y, x, c, p).distance, abs=1e-9)
    assert gospa(x, z, c, p).distance <= g + gospa(y, z, c, p).distance + 1e-9


def test_gospa_by_hand() -> None:
    """Rahmathullah et al. (2017), alpha = 2, c = 10, p = 1: truths {0, 50}, estimates
    {2, 30, 31}: pair 0-2 (localisation 2), truth 50 missed (5), 30 and 31 false (5 + 5);
    30 is 20 from 50 (>= c), so assigning it costs a miss plus a false target anyway."""
    truths = np.array([[0.0], [50.0]])
    est = np.array([[2.0], [30.0], [31.0]])
    g = gospa(est, truths, c=10.0, p=1.0)
    assert g.localisation == pytest.approx(2.0)
    assert g.missed == pytest.approx(5.0)
    assert g.false == pytest.approx(10.0)
    assert g.distance == pytest.approx(17.0)
    assert g.assignment.tolist() == [0, -1]
    g2 = gospa(est, truths, c=10.0, p=2.0)
    assert g2.distance == pytest.approx(np.sqrt(4.0 + 50.0 + 100.0))


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 5), st.integers(0, 2**31 - 1), st.sampled_from([1.0, 2.0, 3.0]))
def test_gospa_equals_scaled_ospa_for_equal_cardinality(n: int, seed: int, p: float) -> None:
    """With |X| = |Y| = n, GOSPA^p = n OSPA^p (Rahmathullah et al. 2017, section III)."""
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(0, 30, (n, 2)), rng.uniform(0, 30, (n, 2))
    assert gospa(x, y, 12.0, p).distance ** p == pytest.approx(n * ospa(x, y, 12.0, p) ** p)


def test_siap_by_hand() -> None:
    """Votruba (2001) measures on two scans. Scan 1: truths A, B; tracks on A, on A (a
    duplicate), and one spurious. Scan 2: truths A, B, C; one track on B.
    Completeness (1 + 1) / (2 + 3) = 0.4; ambiguity (2 + 1) / (1 + 1) = 1.5;
    spuriousness 1 / 4; positional accuracy (3 + 4 + 5) / 3 = 4 m."""
    truths1 = np.array([[0.0, 0, 0], [1000, 0, 0]])
    tracks1 = np.array([[3.0, 0, 0], [0, 4, 0], [5000, 0, 0]])
    a1 = assign_tracks_to_truths(tracks1, truths1, threshold=100.0)
    assert a1.tolist() == [0, 0, -1]
    truths2 = np.array([[0.0, 0, 0], [1000, 0, 0], [2000, 0, 0]])
    tracks2 = np.array([[1000.0, 3, 4]])
    a2 = assign_tracks_to_truths(tracks2, truths2, threshold=100.0)
    s = siap([siap_scan(tracks1, truths1, a1), siap_scan(tracks2, truths2, a2)])
    assert s.completeness == pytest.approx(0.4)
    assert s.ambiguity == pytest.approx(1.5)
    assert s.spuriousness == pytest.approx(0.25)
    assert s.positional_accuracy == pytest.approx(4.0)


def test_siap_velocity_accuracy_and_empty_conventions() -> None:
    one = siap_scan(
        np.zeros((1, 3)), np.zeros((1, 3)), np.array([0]), np.array([[3.0, 4, 0]]), np.zeros((1, 3))
    )
    assert siap([one]).velocity_accuracy == pytest.approx(5.0)
    empty = siap([siap_scan(np.empty((0, 3)), np.empty((0, 3)), np.empty(0, dtype=int))])
    assert (empty.completeness, empty.ambiguity, empty.spuriousness) == (0.0, 1.0, 0.0)


def test_metric_parameters_are_validated() -> None:
    with pytest.raises(KamaeError):
        ospa(np.zeros((1, 2)), np.zeros((1, 2)), c=0.0)
    with pytest.raises(KamaeError):
        gospa(np.zeros((1, 2)), np.zeros((1, 2)), c=1.0, p=0.5)
    with pytest.raises(KamaeError):
        siap_scan(np.zeros((1, 3)), np.zeros((1, 3)), np.array([1]))
