"""A decision step's offer and its choice: the candidate salvos of one replication, and the
salvos a chooser commits (the built-in doctrine is one chooser, a Gymnasium agent another).

At each step the battle manager (`kamae.engine.battle.Battle.engage`) evaluates threats and
builds, per replication with something to decide, an `Offer`: its candidate threats (rows, in
priority order) with the layer holding each and the units of that layer that can launch at
its predicted intercept now (columns), the single-shot Pk each unit predicts (NaN: no shot:
outside the units' options, below the doctrine's minimum Pk, or the threat given up), the
preference rank among equal scores (earlier intercept first), the rounds each unit can fire
now, the rounds each threat should receive (`want`, the doctrine's salvo) and the value of
the asset it threatens. A choice is a list of (row, column, rounds) salvos, at most one per
row (`Battle.commit` launches them).

`static_choice` is the built-in step assignment (`kamae.engagement.salvo_assignment`);
`salvos_of` turns a pick of one unit (or none) per row into salvos by the rule that
assignment fires by: rows in priority order, each salvo the row's `want` capped by the rounds
its unit has left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.engagement.doctrine import Doctrine
from kamae.engagement.salvo_assignment import assign_salvos

Choice = list[tuple[int, int, int]]
"""Salvos chosen from an offer: (row, column, rounds fired), at most one per row."""


class Rows(list[tuple[int, int, IntArray]]):
    """A step's candidate salvos: (threat, layer index, units in order of preference), and
    `kept`, the index of each row's threat in the step's threat list."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: list[int] = []


@dataclass(frozen=True)
class DecisionStep:
    """One replication's decision step: its threats in priority order, with the value and
    index of the asset each threatens, and the engagement windows' next opportunities
    ((threat, unit) intercept step, -1 for none, and launch time, s)."""

    threats: IntArray
    values: FloatArray
    assets: IntArray
    k: int
    t: float
    steps_all: IntArray
    launch_all: FloatArray


@dataclass(frozen=True)
class Offer:
    """The candidate salvos of replication `r` at one decision step (module docstring)."""

    r: int
    step: DecisionStep
    rows: Rows
    intercept: dict[tuple[int, int], int]
    """Predicted intercept step per (threat, unit) of the rows' options."""
    units: IntArray
    """(U,) the fire units of the columns."""
    rounds: IntArray
    """(U,) rounds each can fire now (ready launchers, at most its stock above reserve)."""
    pk: FloatArray
    """(T, U) predicted single-shot Pk, NaN where there is no shot."""
    rank: IntArray
    """(T, U) preference among equal scores, lower first (U where no option)."""
    want: IntArray
    """(T,) rounds the doctrine would fire at each row's threat now."""
    row_value: FloatArray
    """(T,) value of the asset each row's threat is evaluated as aimed at."""

    @property
    def threats(self) -> list[int]:
        """The rows' threats (track slots within the replication)."""
        return [n for n, _, _ in self.rows]

    @property
    def feasible(self) -> BoolArray:
        """(T, U) the shots a chooser may take."""
        return np.isfinite(self.pk)


def static_choice(offer: Offer, doctrine: Doctrine) -> Choice:
    """The step assignment's salvos (`assignment: step`): the linear assignment maximising
    the expected value destroyed, with salvo slots of the doctrine's size."""
    want = offer.want
    salvo = int(want[want > 0].min()) if np.any(want > 0) else 1
    salvo = doctrine.shots_per_salvo if doctrine.salvo_policy == "fixed" else salvo
    return assign_salvos(offer.row_value, offer.pk, offer.rounds, want, salvo, rank=offer.rank)


def salvos_of(offer: Offer, picks: npt.ArrayLike) -> Choice:
    """The salvos of a pick per row (the column of the unit that fires, -1: hold): rows in
    priority order, each firing min(want, rounds its unit has left); a pick of no shot
    (`feasible` False) or of a unit with no round left holds."""
    pick = np.asarray(picks, dtype=np.int64)
    if pick.shape != (len(offer.rows),):
        raise ValueError(f"one pick per row expected, {len(offer.rows)} rows")
    left = np.maximum(offer.rounds, 0).copy()
    feasible = offer.feasible
    out: Choice = []
    for row, c in enumerate(pick.tolist()):
        if c < 0 or c >= offer.units.size or not feasible[row, c]:
            continue
        fired = int(min(offer.want[row], left[c]))
        if fired <= 0:
            continue
        left[c] -= fired
        out.append((row, c, fired))
    return out
