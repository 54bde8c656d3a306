"""The campaign against hand computation and against its own difference equations.

- With every probability 0 or 1 the campaign is deterministic: it must reproduce a table
  computed by hand, step by step (launchers, salvos, stocks, strikes), through the engine and
  through the fast path, and its expected-value version must give the same table.
- Conservation in a stochastic run: interceptors fired never exceed the stock held, launchers
  never go negative, rounds only fall.
- In the limit of large numbers the stochastic campaign's mean trajectory matches the
  deterministic difference equations it implies (the law of large numbers; every count is a
  binomial or multinomial thinning whose mean is the expected version's value), within
  Student-t intervals corrected for the number of comparisons (Bonferroni, family-wise 95%).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "campaign"))
from campaign_scenarios import campaign_doc, load  # noqa: E402

from kamae.campaign import run_campaign  # noqa: E402

COLUMNS = (
    "missiles_launched",
    "leakers",
    "interceptors_fired",
    "stock.test-upper",
    "launchers_alive",
    "launchers_destroyed",
    "strike_missiles_fired",
    "missiles_left.force",
)
# Hand computation, 4 launchers × 3 rounds, 1 round per salvo and one salvo a day, 10
# interceptors that always kill with one shot, confirmation 1 h after the first launch, one
# strike missile a day that always kills a located launcher, every launcher located:
# day 0: 4 fired, 4 intercepted, stock 6; strikes authorised at 1 h: floor(1 × 23/24) = 0.
# day 1: 4 fired (1 round left each), stock 2; 1 launcher killed (and its round).
# day 2: 3 fired, 2 intercepted, 1 leaks, stock 0; 1 killed, no rounds left.
# day 3: nothing fired; 1 more (empty) launcher killed.
HAND = [
    (4, 0, 4, 6, 4, 0, 0, 8),
    (4, 0, 4, 2, 3, 1, 1, 3),
    (3, 1, 2, 0, 2, 1, 1, 0),
    (0, 0, 0, 0, 1, 1, 1, 0),
]
# The same with production of one interceptor a day (30.4375 a month), added at each day's end.
HAND_PRODUCTION = [
    (4, 0, 4, 7, 4, 0, 0, 8),
    (4, 0, 4, 4, 3, 1, 1, 3),
    (3, 0, 3, 2, 2, 1, 1, 0),
    (0, 0, 0, 3, 1, 1, 1, 0),
]


def _rows(result, replication=0):
    t = result.table
    reps = np.asarray(t.column("replication").to_numpy())
    return [
        tuple(int(round(x)) for x in row)
        for row in zip(
            *(np.asarray(t.column(c).to_numpy())[reps == replication] for c in COLUMNS),
            strict=True,
        )
    ]


@pytest.mark.parametrize("defense", ["fast", "engine"])
@pytest.mark.parametrize(
    ("production", "expected_table"), [(0.0, HAND), (30.4375, HAND_PRODUCTION)]
)
def test_zero_one_campaign_reproduces_the_hand_table(defense, production, expected_table):
    doc = campaign_doc(defense=defense, launches_per_step=1, production_per_month=production)
    result = run_campaign(load(doc), replications=2)
    assert _rows(result, 0) == expected_table
    assert _rows(result, 1) == expected_table
    assert _rows(run_campaign(load(doc), expected=True)) == expected_table


def test_decision_delay_holds_strikes_back():
    """Confirmation 1 h + decision 30 h: authorised at 31 h, so day 1 keeps (48 − 31)/24 of
    its 2 launches, floor(1.42) = 1, and day 0 none."""
    doc = campaign_doc(launches_per_step=2, decision_delay_h=30.0)
    fired = _rows(run_campaign(load(doc), expected=True))
    assert [r[6] for r in fired] == [0, 1, 2, 1]  # day 3: one launcher left to strike


def test_never_rule_means_no_counterstrike():
    doc = campaign_doc()
    doc["campaign"]["counterstrike"]["rules"]["counterstrike"] = "never"
    rows = _rows(run_campaign(load(doc), expected=True))
    assert all(r[5] == 0 and r[6] == 0 for r in rows)
    assert [r[4] for r in rows] == [4, 4, 4, 4]


def test_conservation_every_step():
    doc = campaign_doc(
        sspk=0.6, shots=2, inventory=14, launchers=6, p_locate=0.5, p_kill=0.7,
        reliability=0.9, launches_per_step=3, steps=5, production_per_month=20,
    )  # fmt: skip
    result = run_campaign(load(doc), replications=30, seed=3)
    t = result.table.to_pylist()
    by_rep: dict[int, list[dict]] = {}
    for row in t:
        by_rep.setdefault(row["replication"], []).append(row)
    for rows in by_rep.values():
        stock, alive, left = 14.0, 6.0, 6.0 * 3
        for k, row in enumerate(rows):
            assert row["interceptors_fired"] <= stock
            assert row["missiles_launched"] <= left
            assert 0 <= row["leakers"] <= row["missiles_launched"]
            assert 0 <= row["launchers_alive"] <= alive
            assert row["launchers_destroyed"] == alive - row["launchers_alive"]
            produced = int(np.floor(20 / 30.4375 * (k + 1) + 1e-9)) - int(
                np.floor(20 / 30.4375 * k + 1e-9)
            )
            assert row["stock.test-upper"] == stock - row["interceptors_fired"] + produced
            assert row["missiles_left.force"] <= left - row["missiles_launched"]
            stock, alive, left = (
                row["stock.test-upper"], row["launchers_alive"], row["missiles_left.force"]
            )  # fmt: skip


def test_mean_trajectory_matches_the_difference_equations():
    doc = campaign_doc(
        sspk=0.7, shots=1, inventory=100_000, launchers=3000, missiles_per_launcher=3,
        p_locate=0.3, p_kill=0.6, reliability=0.9, launches_per_step=100_000,
        strike_inventory=100_000, steps=4,
    )  # fmt: skip
    doc["fire_units"][0]["launchers"] = 8
    loaded = load(doc)
    from kamae.campaign.defense import calibrate
    from kamae.campaign.plan import build_plan

    plan = build_plan(loaded)
    cal = calibrate(plan, 1, 8)
    n = 200
    mc = run_campaign(loaded, replications=n, seed=11, plan=plan, calibration=cal)
    ex = run_campaign(loaded, expected=True, plan=plan, calibration=cal)
    names = ("missiles_launched", "leakers", "launchers_alive", "stock.test-upper",
             "strike_missiles_fired")  # fmt: skip
    checks = len(names) * plan.steps
    t_crit = stats.t.ppf(1 - 0.05 / (2 * checks), n - 1)
    steps = np.asarray(mc.table.column("step").to_numpy())
    for name in names:
        values = np.asarray(mc.table.column(name).to_numpy())
        expected = np.asarray(ex.table.column(name).to_numpy())
        for k in range(plan.steps):
            v = values[steps == k]
            half = t_crit * v.std(ddof=1) / np.sqrt(n)
            assert abs(v.mean() - expected[k]) <= max(half, 1e-9), (name, k)
    # Not vacuous: the strikes and the leakers moved the trajectory.
    assert ex.table.column("launchers_alive").to_pylist()[-1] < 3000 * 0.8
    assert sum(ex.table.column("leakers").to_pylist()) > 100
