"""What the threats of docs/threats.md do to the battle: a warhead aimed at one of the
defense's sensors or fire units that lands within its lethal radius of it destroys it for
the rest of the replication, and with it every other sensor and unit of the defense within
that radius of the impact point (a ship's radars and all its fire units); the impact point is
the aim point displaced by the warhead's dispersion (its CEP's east and north draws,
`Draws.impact_offset`; a warhead without a lethal radius destroys what it was aimed at only).
Also the counts of decoys and debris engaged and of the defense destroyed, per replication.
"""

from __future__ import annotations

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.engine.records import EventLog
from kamae.geo import ecef_to_geodetic, enu_rotation
from kamae.kinematics.dispersion import cep_to_sigma
from kamae.kinematics.threat_complex import OBJECT_DEBRIS, OBJECT_DECOY, OBJECT_WARHEAD
from kamae.results.metrics import CountermeasureCounts
from kamae.world import World


class DefenseDamage:
    """Which of the defense's radars and fire units each replication still has."""

    def __init__(self, world: World, reps: int, impact_offset: FloatArray | None) -> None:
        self.world = world
        self.unit_alive = np.ones((reps, len(world.fire_units.ids)), dtype=bool)
        self.radar_alive = np.ones((reps, len(world.radars)), dtype=bool)
        self.warhead = world.object_kind == OBJECT_WARHEAD
        self.aimed = (world.threat_aim_sensor >= 0) | (world.threat_aim_unit >= 0)
        self.counted = bool(np.any(~self.warhead) or np.any(self.aimed))
        """Whether the replication table gets the countermeasure columns."""
        self.offset = impact_offset
        """(reps, rows, 2) standard normals of each impact's (east, north) dispersion."""
        self.radar_ecef = np.array([r.ecef for r in world.radars]).reshape(-1, 3)

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
            radars, units = self._within(r, n)
            s, j = int(world.threat_aim_sensor[n]), int(world.threat_aim_unit[n])
            radars[s] |= s >= 0
            units[j] |= j >= 0
            for i in np.flatnonzero(radars & self.radar_alive[r]).tolist():
                self.radar_alive[r, i] = False
                logs[r].add(t, "destroyed", world.threat_ids[n], world.sensor_ids[i],
                            detail="sensor")  # fmt: skip
            for i in np.flatnonzero(units & self.unit_alive[r]).tolist():
                self.unit_alive[r, i] = False
                logs[r].add(t, "destroyed", world.threat_ids[n], None, world.fire_units.ids[i],
                            world.fire_units.interceptor[i], "fire_unit")  # fmt: skip

    def _within(self, r: int, n: int) -> tuple[BoolArray, BoolArray]:
        """The radars and units within the warhead's (finite) lethal radius of its impact."""
        world = self.world
        radius = float(world.threat_lethal_radius_m[n])
        radars = np.zeros(len(world.radars), dtype=bool)
        units = np.zeros(len(world.fire_units.ids), dtype=bool)
        if not np.isfinite(radius):
            return radars, units
        aim = world.trajectory.impact_position[n]
        lat, lon, h = ecef_to_geodetic(aim)
        east, north, _ = enu_rotation(lat, lon)
        point = aim.copy()
        if self.offset is not None:
            sigma = float(cep_to_sigma(world.threat_cep_m[n]))
            point = aim + sigma * (self.offset[r, n, 0] * east + self.offset[r, n, 1] * north)
        radars = np.linalg.norm(self.radar_ecef - point, axis=1) <= radius
        units = np.linalg.norm(world.fire_units.ecef - point, axis=1) <= radius
        return radars, units


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
