"""Pictures that associate what reaches them without true identities (`kamae.tracking.picture`):
association by position alone, one track per object seen by two sensors at once, duplicates
held aside and merged, late plots retrodicted or dropped, the corroboration rule, a lost track
superseded, and displaced reports believed inside the gate and refused outside it."""

from __future__ import annotations

import numpy as np

from kamae.tracking.filter_bank import KF, Manoeuvre
from kamae.tracking.picture import (
    SLOT_COAST_S,
    SUPERSEDE_S,
    PictureTracks,
    Reports,
)

R_M = 100.0
V = np.array([2000.0, 500.0, 0.0])
START = np.array([[6.4e6, 0.0, 0.0], [6.4e6, 1e5, 0.0], [6.4e6, 2e5, 0.0]])


def _picture(rule: str = "any", late: float = 10.0, q: float = 1.0) -> PictureTracks:
    return PictureTracks(
        1, 1, 3, q, 3000.0, np.ones(3, dtype=bool), np.full((1, 3), KF),
        Manoeuvre(2500.0, (60.0, 10.0)), start_rule=rule, late_window_s=late,
    )  # fmt: skip


def _reports(
    z: np.ndarray,
    t: float,
    origin: list[int],
    sensor: int = 0,
    organic: bool = True,
    source: int | None = None,
    deceptive: bool = False,
) -> Reports:
    m = z.shape[0]
    return Reports(
        picture=np.zeros(m, np.int64), rep=np.zeros(m, np.int64), time=np.full(m, t),
        sensor=np.full(m, sensor), source=np.full(m, sensor if source is None else source),
        organic=np.full(m, organic), origin=np.array(origin), z=z,
        cov=np.tile(np.eye(3) * R_M**2, (m, 1, 1)), polar=None, state=np.full((m, 6), np.nan),
        state_cov=np.full((m, 6, 6), np.nan), deceptive=np.full(m, deceptive),
    )  # fmt: skip


def _truth(t: float) -> np.ndarray:
    return START + t * V


def _fly(pic: PictureTracks, steps: range, rng: np.random.Generator, **kw: object) -> None:
    for k in steps:
        z = _truth(k) + rng.normal(size=(3, 3)) * R_M
        pic.take(_reports(z, float(k), [0, 1, 2], **kw), float(k))  # type: ignore[arg-type]


def test_reports_are_associated_by_position_never_by_origin() -> None:
    """Once the three tracks exist, reports carrying wrong origins (a rotation of the labels)
    still update the track at their position: each slot keeps following its own object's
    position; only `follows` (what resolution reads) records whose reports they were."""
    rng = np.random.default_rng(0)
    pic = _picture()
    _fly(pic, range(5), rng)
    for k in range(5, 10):
        z = _truth(k) + rng.normal(size=(3, 3)) * R_M
        pic.take(_reports(z, float(k), [1, 2, 0]), float(k))
    err = np.linalg.norm(pic.bank.state[:, :3] - _truth(9), axis=1)
    assert np.all(err < 5 * R_M)
    assert pic.follows.tolist() == [1, 2, 0]
    assert pic.bank.updates.tolist() == [10, 10, 10]
    assert pic.extra.rep.size == 0


def test_two_sensors_seeing_one_new_object_at_once_start_one_track() -> None:
    rng = np.random.default_rng(1)
    pic = _picture()
    z = _truth(0.0)[:1]
    both = Reports.concatenate(
        [_reports(z + rng.normal(size=(1, 3)) * R_M, 0.0, [0], sensor=s) for s in (0, 1)]
    )
    pic.take(both, 0.0)
    assert pic.bank.updates.tolist() == [2, 0, 0]
    assert pic.extra.rep.size == 0


def test_a_remote_report_far_outside_the_gate_is_held_aside_and_counted() -> None:
    """Once the tracks are established, a second sensor biased by 3 km (30 sigma) reports
    object 0: its report starts a duplicate held aside (SIAP ambiguity), never merged while
    the two disagree, and the slot keeps its object."""
    rng = np.random.default_rng(2)
    pic = _picture()
    _fly(pic, range(4), rng)
    for k in range(4, 10):
        z = _truth(k) + rng.normal(size=(3, 3)) * R_M
        far = _truth(k)[:1] + np.array([3000.0, 0.0, 0.0])
        remote = _reports(far, k, [0], sensor=1, organic=False)
        pic.take(Reports.concatenate([_reports(z, k, [0, 1, 2]), remote]), k)
    assert pic.counts["duplicates"][0] >= 1
    assert np.count_nonzero(pic.extra.store == 0) >= 1
    assert pic.counts["merged"][0] == 0
    err = np.linalg.norm(pic.bank.state[:, :3] - _truth(pic.bank.time[0]), axis=1)
    assert np.all(err < 5 * R_M)  # the slots kept their own objects


def test_late_plots_are_retrodicted_within_the_window_and_dropped_beyond() -> None:
    """With q = 0, plots arriving 3 s late give the estimate of in-sequence processing;
    plots older than the late window are dropped and counted."""
    rng = np.random.default_rng(3)
    z = [_truth(k) + rng.normal(size=(3, 3)) * R_M for k in range(10)]
    ordered, late = _picture(q=0.0), _picture(q=0.0)
    for k in range(10):
        ordered.take(_reports(z[k], k, [0, 1, 2]), k)
        ordered.take(_reports(z[k] + 0.5 * R_M, k, [0, 1, 2], sensor=1, organic=False), k)
    for k in range(10):
        late.take(_reports(z[k], k, [0, 1, 2]), k)
        if k >= 3:
            j = k - 3
            late.take(_reports(z[j] + 0.5 * R_M, j, [0, 1, 2], sensor=1, organic=False), k)
    for j in range(7, 10):
        late.take(_reports(z[j] + 0.5 * R_M, j, [0, 1, 2], sensor=1, organic=False), 12.0)
    assert late.counts["plots_late"][0] == 27  # the last three arrive after no newer plot
    np.testing.assert_allclose(late.bank.state, ordered.bank.state, rtol=1e-9, atol=1e-3)
    window = _picture(late=2.0)
    _fly(window, range(6), rng)
    window.take(_reports(z[1], 1.0, [0, 1, 2], sensor=1, organic=False), 6.0)
    assert window.counts["plots_stale"][0] == 3


def test_the_corroboration_rule_waits_for_a_second_source_node() -> None:
    """Under `corroborated`, a track known only from one remote node is held aside (not
    engageable); a report from a second node makes it believed and moves it into its slot.
    An organic report is believed at once."""
    rng = np.random.default_rng(4)
    pic = _picture(rule="corroborated")
    for k in range(3):
        z = _truth(k)[:1] + rng.normal(size=(1, 3)) * R_M
        pic.take(_reports(z, k, [0], sensor=5, organic=False, source=7), k)
    assert pic.bank.updates[0] == 0 and pic.extra.rep.size == 1
    assert pic.counts["unbelieved"][0] == 1
    z = _truth(3)[:1] + rng.normal(size=(1, 3)) * R_M
    pic.take(_reports(z, 3, [0], sensor=6, organic=False, source=8), 3)
    assert pic.bank.updates[0] == 4 and pic.extra.rep.size == 0
    assert pic.counts["promoted"][0] == 1
    own = _picture(rule="corroborated")
    own.take(_reports(_truth(0)[:1], 0.0, [0], organic=True), 0.0)
    assert own.bank.updates[0] == 1


def test_a_lost_track_is_superseded_then_a_silent_one_deleted() -> None:
    """The object jumps 20 km (a track lost): its reports start a held-aside track, which
    takes the slot once the old one has had no report for `SUPERSEDE_S` longer; a track with
    no report for `SLOT_COAST_S` is deleted."""
    rng = np.random.default_rng(5)
    pic = _picture()
    _fly(pic, range(4), rng)
    jump = np.array([0.0, 0.0, 2e4])
    for k in range(4, 4 + int(SUPERSEDE_S) + 3):
        z = _truth(k) + rng.normal(size=(3, 3)) * R_M
        z[0] += jump
        pic.take(_reports(z, k, [0, 1, 2]), k)
    assert pic.counts["promoted"][0] == 1 and pic.extra.rep.size == 0
    assert np.linalg.norm(pic.bank.state[0, :3] - (_truth(pic.bank.time[0]) + jump)[0]) < 1e3
    t = 30.0
    z = _truth(t)[1:] + rng.normal(size=(2, 3)) * R_M
    pic.take(_reports(z, t, [1, 2]), t + SLOT_COAST_S)
    assert pic.bank.updates[0] == 0 and pic.counts["coasted"][0] == 1


def test_a_displaced_report_is_believed_inside_the_gate_and_refused_outside() -> None:
    """A remote report displaced by 150 m (1.5 sigma of the plot) gates with the track and
    updates it (believed); one displaced by 10 km is outside the chi-square gate and is held
    aside (refused), the track unmoved."""
    for shift, believed in ((150.0, True), (1e4, False)):
        rng = np.random.default_rng(6)
        pic = _picture()
        _fly(pic, range(8), rng)
        before = pic.bank.state[0, :3].copy()
        lie = _truth(8.0)[:1] + np.array([0.0, shift, 0.0])
        pic.take(_reports(lie, 8.0, [0], sensor=3, organic=False, deceptive=True), 8.0)
        assert pic.counts["deceptive_believed"][0] == int(believed)
        assert pic.counts["deceptive_rejected"][0] == int(not believed)
        moved = pic.bank.time[0] == 8.0
        assert moved == believed
        if not believed:
            np.testing.assert_array_equal(pic.bank.state[0, :3], before)
