"""What the threats of docs/threats.md do to the battle: a warhead aimed at one of the
defense's sensors or fire units that lands within its lethal radius of the aim point (its
impact dispersion drawn from its CEP, `Battle.miss_m`) destroys it for the rest of the
replication (a ship's radar and fire unit sharing the aimed id both); and the counts of
decoys and debris engaged and of the defense destroyed, per replication.
"""

from __future__ import annotations

import numpy as np

from kamae.arrays import FloatArray, IntArray
from kamae.engine.records import EventLog
from kamae.kinematics.threat_complex import OBJECT_DEBRIS, OBJECT_DECOY, OBJECT_WARHEAD
from kamae.results.metrics import CountermeasureCounts
from kamae.world import World


class DefenseDamage:
    """Which of the defense's radars and fire units each replication still has."""

    def __init__(self, world: World, reps: int) -> None:
        self.world = world
        self.unit_alive = np.ones((reps, len(world.fire_units.ids)), dtype=bool)
        self.radar_alive = np.ones((reps, len(world.radars)), dtype=bool)
        self.warhead = world.object_kind == OBJECT_WARHEAD
        self.aimed = (world.threat_aim_sensor >= 0) | (world.threat_aim_unit >= 0)
        self.counted = bool(np.any(~self.warhead) or np.any(self.aimed))
        """Whether the replication table gets the countermeasure columns."""

    def landed(
        self, reps: IntArray, threats: IntArray, miss_m: FloatArray, t: float, logs: list[EventLog]
    ) -> None:
        """Warheads (reps, threats pairs) landing now: those aimed at the defense and within
        their lethal radius destroy what they were aimed at."""
        if not np.any(self.aimed[threats]):
            return
        world = self.world
        for r, n in zip(reps.tolist(), threats.tolist(), strict=True):
            if not self.aimed[n] or miss_m[r, n] > world.threat_lethal_radius_m[n]:
                continue
            s, j = int(world.threat_aim_sensor[n]), int(world.threat_aim_unit[n])
            if s >= 0 and self.radar_alive[r, s]:
                self.radar_alive[r, s] = False
                logs[r].add(t, "destroyed", world.threat_ids[n], world.sensor_ids[s],
                            detail="sensor")  # fmt: skip
            if j >= 0 and self.unit_alive[r, j]:
                self.unit_alive[r, j] = False
                logs[r].add(t, "destroyed", world.threat_ids[n], None, world.fire_units.ids[j],
                            world.fire_units.interceptor[j], "fire_unit")  # fmt: skip


def countermeasure_counts(
    damage: DefenseDamage, shots: IntArray, r: int
) -> CountermeasureCounts | None:
    """Replication r's countermeasure counts from its interceptors per object (`shots`)."""
    if not damage.counted:
        return None
    kind = damage.world.object_kind
    engaged = shots > 0
    decoy, debris = kind == OBJECT_DECOY, kind == OBJECT_DEBRIS
    return CountermeasureCounts(
        objects_engaged=float(engaged.sum()),
        decoys_engaged=float(engaged[decoy].sum()),
        debris_engaged=float(engaged[debris].sum()),
        interceptors_at_decoys_and_debris=float(shots[decoy | debris].sum()),
        sensors_destroyed=float((~damage.radar_alive[r]).sum()),
        fire_units_destroyed=float((~damage.unit_alive[r]).sum()),
    )
