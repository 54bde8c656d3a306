"""Launchers of a batch of replications: launch interval, ready rounds and magazine reloads.

Model. A fire unit has L launchers; a launcher fires one round at a time and then needs the
launch interval before its next launch. Two kinds of unit:

- VLS-like (no `rounds_per_launcher`): every launcher draws on the unit's whole inventory,
  so only the launch interval limits the rate of fire (a ship's vertical launch cells fed by
  one fire-control channel per launcher);
- Patriot-like (`rounds_per_launcher` c, `reload_s` T_r): a launcher holds at most c ready
  rounds (its canisters); the inventory beyond the loaded rounds is the magazine (the
  battery's reloads on transporters). When a launcher fires its last ready round and the
  magazine holds rounds, it is reloaded with min(c, magazine) rounds and is ready again T_r
  after that launch (the reload crew's time, which replaces the launch interval); with an
  empty magazine it stays empty.

Launchers are loaded in order at the start (each with min(c, rounds left)). Neglected: a
partial reload of a launcher that still holds rounds, reload crews shared between launchers
(every launcher reloads at once), and launcher or reload failures. The figures of c and T_r
belong to the scenario (notional where estimated: see docs/models.md).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from kamae.arrays import FloatArray, IntArray

UNLIMITED = np.iinfo(np.int64).max // 4
"""Ready rounds of a launcher that draws on the whole inventory (VLS-like)."""


class Launchers:
    """The launchers of F fire units in R replications: (R, F, L) arrays."""

    def __init__(
        self,
        reps: int,
        launchers: IntArray,
        inventory: IntArray,
        launch_interval_s: FloatArray,
        rounds_per_launcher: IntArray,
        reload_s: FloatArray,
    ) -> None:
        units = launchers.size
        most = int(launchers.max()) if units else 0
        self.launch_interval_s = launch_interval_s
        self.rounds_per_launcher = rounds_per_launcher
        self.reload_s = reload_s
        self.free = np.full((reps, units, most), np.inf)
        """When each launcher can launch next, s (inf: no such launcher)."""
        self.loaded = np.zeros((reps, units, most), dtype=np.int64)
        """Ready rounds of each launcher."""
        self.reloading = np.zeros((reps, units, most), dtype=bool)
        """The launcher's next launch waits for a reload (not the launch interval)."""
        for j in range(units):
            self.free[:, j, : launchers[j]] = 0.0
            c = int(rounds_per_launcher[j])
            if c <= 0:
                self.loaded[:, j, : launchers[j]] = UNLIMITED
                continue
            left = int(inventory[j])
            for k in range(int(launchers[j])):
                self.loaded[:, j, k] = min(c, left)
                left -= min(c, left)

    def ready(self, r: int, j: int, t: float) -> int:
        """Launchers of unit j (replication r) that can launch at time t."""
        return int(np.count_nonzero((self.free[r, j] <= t + 1e-9) & (self.loaded[r, j] > 0)))

    def ready_any(self, t: float) -> npt.NDArray[np.bool_]:
        """(R, F) whether some launcher of the unit can launch at time t."""
        return np.any((self.free <= t + 1e-9) & (self.loaded > 0), axis=2)

    def reloading_any(self, t: float) -> npt.NDArray[np.bool_]:
        """(R, F) whether some launcher of the unit is being reloaded at time t."""
        return np.any(self.reloading & (self.free > t + 1e-9), axis=2)

    def fire(self, r: int, j: int, count: int, t: float, inventory_after: int) -> None:
        """Launch `count` rounds from unit j's ready launchers (in order) at time t; the unit's
        inventory holds `inventory_after` rounds after these launches."""
        ready = np.flatnonzero((self.free[r, j] <= t + 1e-9) & (self.loaded[r, j] > 0))
        used = ready[:count]
        self.loaded[r, j, used] -= 1
        self.free[r, j, used] = t + self.launch_interval_s[j]
        self.reloading[r, j, used] = False
        c = int(self.rounds_per_launcher[j])
        if c <= 0:
            return
        for k in used[self.loaded[r, j, used] == 0].tolist():
            magazine = inventory_after - int(self.loaded[r, j].sum())
            if magazine <= 0:
                continue  # nothing left to reload: the launcher stays empty
            self.loaded[r, j, k] = min(c, magazine)
            self.free[r, j, k] = t + self.reload_s[j]
            self.reloading[r, j, k] = True
