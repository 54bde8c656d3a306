"""Validation of kamae.analytic.wilkening against Wilkening's published examples.

Source: D. Wilkening, "A Simple Model for Calculating Ballistic Missile Defense Effectiveness",
Science & Global Security 8(2), 1999/2000. The example figures are read secondarily in
S. Yusufov, "Missile Defense is NP-Complete" (2026), which cites Wilkening for them:
20 warheads, P_track 0.99, SSPK 0.7, P0 0.8 need 113 interceptors in a barrage, and 10 warheads
with 10 undiscriminated decoys need 73.

Rounding: the published totals are the continuous total W* n rounded to the nearest interceptor
(113.07 -> 113, 73.21 -> 73; truncation gives the same). Rounding up gives 114 and 74; a whole
number of shots at every object gives 120 and 80; the least whole total that still reaches
P0 = 0.8 when spread evenly is 116 for the first example (113 spread evenly gives 0.7965).

The shoot-look-shoot figure quoted secondarily (47) is not asserted: it could not be traced to
the original. This model gives 47.24 expected interceptors (k1 = 2, continuous k2 = 3.654) and
47.93 with a whole second salvo (k2 = 4); see docs/analytic.md.
"""

from __future__ import annotations

import pytest

from kamae.analytic import (
    barrage_interceptors,
    fewest_whole_interceptors,
    p_no_leakers,
    shoot_look_shoot_interceptors,
)


def test_barrage_20_warheads_needs_113() -> None:
    r = barrage_interceptors(20, p0=0.8, sspk=0.7, p_track=0.99)
    assert r.shots_per_object == pytest.approx(5.65361, abs=1e-5)
    assert r.interceptors == pytest.approx(113.072, abs=1e-3)
    assert r.interceptors_rounded == 113
    assert r.interceptors_whole == 120


def test_barrage_10_warheads_10_decoys_needs_73() -> None:
    # Undiscriminated decoys: every decoy is taken for a warhead (P_dw = 1, P_ww = 1).
    r = barrage_interceptors(10, p0=0.8, sspk=0.7, p_track=0.99, decoys=10, p_ww=1.0, p_dw=1.0)
    assert r.objects_engaged == 20
    assert r.shots_per_object == pytest.approx(3.66056, abs=1e-5)
    assert r.interceptors == pytest.approx(73.211, abs=1e-3)
    assert r.interceptors_rounded == 73
    assert r.interceptors_whole == 80


def test_the_published_totals_are_rounded_not_whole_allocations() -> None:
    # 113 interceptors spread as evenly as possible (13 warheads x 6, 7 x 5) fall short of 0.8.
    assert p_no_leakers([6] * 13 + [5] * 7, 0.7, 0.99) == pytest.approx(0.79651, abs=1e-5)
    assert fewest_whole_interceptors(20, 0.8, 0.7, 0.99) == 116


def test_shoot_look_shoot_model_value_documented_not_the_quoted_47() -> None:
    # Regression on this model's own value, documented in docs/analytic.md; not a validation.
    r = shoot_look_shoot_interceptors(20, p0=0.8, sspk=0.7, p_track=0.99)
    assert r.first_salvo == 2
    assert r.expected_interceptors == pytest.approx(47.2415, abs=1e-4)
    assert r.expected_interceptors_whole == pytest.approx(47.928, abs=1e-6)
