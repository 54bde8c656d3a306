"""The batch's discrimination declarations: each look of a discriminating radar at an object
of a threat complex adds evidence (`kamae.sensors.discrimination`), and every plot carries
its object's declaration as of the step's looks.

The evidence of every radar's looks is combined for each object (one sum of log-likelihood
ratios per replication and object: the system's discrimination), so a plot from any sensor,
a space layer's included, carries the same declaration. A warhead without a complex (nothing
released with it) is always declared a warhead: it is the only object there. Looks count
from the complex's separation; until the doctrine's discrimination delay has passed since
then, the complex's objects are undecided and carry no warhead declaration (they are not
engaged: the defense waits for evidence).
"""

from __future__ import annotations

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.kinematics.threat_complex import OBJECT_WARHEAD
from kamae.sensors.discrimination import Evidence, look_detectability
from kamae.world import World


class Declarations:
    """Discrimination evidence and declarations of `reps` replications × the world's objects."""

    def __init__(self, world: World, reps: int) -> None:
        self.objects = n = world.trajectory.count
        self.active = world.discriminates
        self.evidence = Evidence.empty(reps * n if self.active else 0, max(1, len(world.radars)))
        self.threshold = world.discrimination_threshold
        self.delay = world.discrimination_delay_s
        self.release = world.object_release_s
        self.in_complex = np.isfinite(world.object_release_s)
        self.warhead = world.object_kind == OBJECT_WARHEAD
        self.mismatch = world.object_length_mismatch_m
        self.decorrelation = world.object_decorrelation_s
        rfs = world.radar_rf
        self.bandwidth = np.array([rf.discrimination_bandwidth_hz or 0.0 for rf in rfs])
        self.energy = np.array([rf.discrimination_energy for rf in rfs])
        self.snr: FloatArray | None = None
        if self.active and world.views:
            self.snr = np.stack(
                [np.zeros_like(v.pd) if v.snr is None else v.snr for v in world.views]
            )

    def look(
        self, t: float, k: int, rep: IntArray, obj: IntArray, sensor: IntArray, normal: FloatArray
    ) -> None:
        """Step k's detections (one row each) add their evidence."""
        if self.snr is None:
            return
        ok = self.in_complex[obj] & (t >= self.release[obj] - 1e-9) & (self.bandwidth[sensor] > 0)
        if not np.any(ok):
            return
        rep, obj, sensor, normal = rep[ok], obj[ok], sensor[ok], normal[ok]
        snr = self.snr[sensor, obj, k] * self.energy[sensor]
        d = look_detectability(snr, self.bandwidth[sensor], self.mismatch[obj])
        slot = rep * self.objects + obj
        self.evidence.add(slot, sensor, d, self.warhead[obj], normal, t, self.decorrelation[obj])

    def of(self, t: float, rep: IntArray, obj: IntArray) -> BoolArray:
        """Whether each (replication, object) is declared a warhead at time t (True for a
        false plot, origin -1, and for objects outside any complex; False while undecided)."""
        out = np.ones(rep.size, dtype=bool)
        if not self.active:
            return out
        real = obj >= 0
        mine = np.flatnonzero(real)[self.in_complex[obj[real]]]
        if mine.size:
            slot = rep[mine] * self.objects + obj[mine]
            decided = t >= self.release[obj[mine]] + self.delay - 1e-9
            out[mine] = decided & self.evidence.declared_warhead(slot, self.threshold)
        return out
