"""Why a fire unit did not fire at a threat: the battle manager's reasons and its records.

At every step the battle manager decides, for each threat it believes alive and each fire
unit, either to fire or which check stopped it: the first check that fails, in the order of
its decision chain (reasons: `kamae.results.why_not.REASONS`). `WhyNot` keeps the step's
reasons (`note`, written by `kamae.engine.battle.Battle.engage`) and, per (replication,
threat, unit), the last reason seen while the unit still had an intercept opportunity against
the threat at some launch time to come (`outside_envelope` until its first one): the reason a
window closed on is kept after it closed, so that a leaker is explained by what stopped the
unit while it could still have fired, not by the window being over.

Records (events of kind `why_not`, the reason in the `reason` column):
- per leaker, at its impact: one record per fire unit (`scope=leaker`) and one for the threat
  (`scope=threat`, the reason closest to a shot, the latest in the chain among its units);
- at the end of the replication, per fire unit that has rounds left (`scope=unit`): the reason
  it held fire most often over the threats it had an opportunity against and never fired at,
  with the count of each reason.

Why a summary rather than a record per step or per reason change: a pair's reason changes a
few times in its window (no track, launch time later, kill assessment pending, ...), so
reason-change records would be ~10 per pair and ~2,000 per replication of japan-2027, most of
them about threats that were killed; what an analyst asks is why a leaker got through and
why a unit kept rounds, which the last reason answers in ~30 records per replication.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import numpy.typing as npt

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.engine.records import EventLog
from kamae.results.why_not import CODE, KIND, NAMES, UNDECIDED
from kamae.world import World

UNSET = CODE[UNDECIDED]
OUTSIDE = CODE["outside_envelope"]


class WhyNot:
    """The reasons of a batch of replications, (replication, threat, unit) arrays."""

    def __init__(self, world: World, reps: int) -> None:
        self.world = world
        windows = world.windows
        with np.errstate(invalid="ignore"):
            self.last_launch: FloatArray = np.where(
                windows.feasible, windows.launch_time, -np.inf
            ).max(axis=-1, initial=-np.inf)
        """(N, F) latest launch time of a feasible intercept (-inf: none)."""
        shape = (reps, world.trajectory.count, len(world.fire_units.ids))
        self.reason = np.full(shape, OUTSIDE, dtype=np.int8)
        """Per pair: the last reason kept (codes of `kamae.results.why_not.NAMES`)."""
        self.since = np.zeros(shape)
        """Per pair: when that reason last applied, s."""
        self.had_opportunity = np.zeros(shape, dtype=bool)
        self.fired = np.zeros(shape, dtype=np.int64)
        """Per pair: interceptors the unit fired at the threat."""
        self.step = np.full(shape, UNSET, dtype=np.int8)
        """This step's reasons (UNSET until a check decides)."""

    def start(self) -> None:
        """A new decision step: no reason yet."""
        self.step.fill(UNSET)

    def note(self, where: BoolArray, reason: str) -> None:
        """Pairs (a mask broadcastable to (R, N, F)) stopped by `reason`, unless an earlier
        check already stopped them."""
        _note_first(self.step, where, reason)

    def note_units(self, r: int, n: int, units: npt.ArrayLike, reason: str) -> None:
        """Units of replication r stopped by `reason` at threat n (unless already stopped)."""
        row = self.step[r, n]
        units = np.asarray(units, dtype=np.int64)
        undecided = units[row[units] == UNSET]
        row[undecided] = CODE[reason]

    def note_pairs(self, reps: IntArray, threats: IntArray, notes: PairNotes) -> None:
        """The reasons of (replication, threat) pairs (each at most once), noted in a
        `PairNotes` in the order of the checks, as if each had been noted here in that order
        (`note_units`: a pair's units already stopped keep their reason)."""
        rows = self.step[reps, threats]
        write = (rows == UNSET) & (notes.codes != UNSET)
        rows[write] = notes.codes[write]
        self.step[reps, threats] = rows

    def launched(self, r: int, n: int, j: int, count: int) -> None:
        self.fired[r, n, j] += count

    def close(self, t: float, believed_alive: BoolArray) -> None:
        """Keep the step's reasons of the pairs that still have an opportunity (or never had
        one: their reason is `outside_envelope`)."""
        opportunity = (self.last_launch >= t - 1e-9)[None, :, :]
        live = believed_alive[:, :, None]
        step = np.where(opportunity, self.step, np.int8(OUTSIDE))
        write = live & (opportunity | ~self.had_opportunity)
        self.reason[write] = step[write]
        self.since[write] = t
        self.had_opportunity |= live & opportunity

    def leaker(self, r: int, n: int, t: float, inventory: IntArray, log: EventLog) -> None:
        """The records of threat n leaking in replication r at time t."""
        world, fu = self.world, self.world.fire_units
        codes = self.reason[r, n]
        decided = codes[codes != UNSET]
        closest = int(decided.max()) if decided.size else UNSET
        log.add(
            t, KIND, world.threat_ids[n],
            detail=f"scope=threat fire_units={codes.size} fired={int(self.fired[r, n].sum())}",
            reason=NAMES[closest],
        )  # fmt: skip
        for j, code in enumerate(codes.tolist()):
            log.add(
                t, KIND, world.threat_ids[n], None, fu.ids[j], fu.interceptor[j],
                f"scope=leaker last_s={self.since[r, n, j]:.0f} fired={self.fired[r, n, j]}"
                f" rounds_left={int(inventory[j])}",
                reason=NAMES[code],
            )  # fmt: skip

    def units_holding_fire(self, t: float, inventory: IntArray, logs: list[EventLog]) -> None:
        """At the end: a record per fire unit with rounds left (inventory (R, F))."""
        fu = self.world.fire_units
        for r, log in enumerate(logs):
            for j in np.flatnonzero(inventory[r] > 0).tolist():
                held = self.had_opportunity[r, :, j] & (self.fired[r, :, j] == 0)
                counts = Counter(self.reason[r, held, j].tolist())
                if counts:
                    top = max(counts.values())
                    reason = max(c for c, k in counts.items() if k == top)
                else:
                    reason = OUTSIDE  # nothing ever came within its reach
                listed = " ".join(f"{NAMES[c]}={counts[c]}" for c in sorted(counts))
                log.add(
                    t, KIND, None, None, fu.ids[j], fu.interceptor[j],
                    f"scope=unit rounds_left={int(inventory[r, j])}"
                    f" fired={int(self.fired[r, :, j].sum())} threats={int(held.sum())}"
                    + (f" {listed}" if listed else ""),
                    reason=NAMES[reason],
                )  # fmt: skip


class PairNotes:
    """The reasons of one check chain run on many (replication, threat) pairs at once: (P, F)
    codes, first reason wins, merged into a step's by `WhyNot.note_pairs`."""

    def __init__(self, pairs: int, units: int) -> None:
        self.codes = np.full((pairs, units), UNSET, dtype=np.int8)

    def note(self, where: BoolArray, reason: str) -> None:
        """Pair-units (a mask broadcastable to (P, F)) stopped by `reason`, unless an earlier
        check already stopped them."""
        _note_first(self.codes, where, reason)


def _note_first(codes: npt.NDArray[np.int8], where: BoolArray, reason: str) -> None:
    """Write `reason` into the codes where the mask (broadcastable to them) is set and no
    earlier check decided (first reason wins)."""
    mask = np.broadcast_to(where, codes.shape) & (codes == UNSET)
    codes[mask] = CODE[reason]
