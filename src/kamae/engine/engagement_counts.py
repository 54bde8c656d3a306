"""A replication's engagement counts: threats launched, intercepted and leaked, interceptors
fired, and the cost-exchange inputs, from the battle manager's state at the end of the run."""

from __future__ import annotations

import numpy as np

from kamae.arrays import BoolArray, FloatArray, IntArray
from kamae.results.metrics import EngagementCounts
from kamae.world import World


def engagement_counts(
    world: World,
    fired: IntArray,
    shots: IntArray,
    leaked: BoolArray,
    alive: BoolArray,
    miss_m: FloatArray,
    wasted: float,
) -> EngagementCounts:
    """One replication's engagement counts, with the cost-exchange inputs: cost of the
    interceptors fired and of the threats they engaged (a threat is engaged once an
    interceptor was fired at it), million USD. Threat costs are user assumptions
    (`unit_cost_musd`); engaged threats of a type without one are counted per type
    (`engaged_without_cost`) instead of being priced. The arrays are the replication's rows:
    rounds fired per fire unit, shots per object, leaked and alive per object, the leak's
    miss distance per object; `wasted`: interceptors fired at destroyed threats."""
    fu = world.fire_units
    w = world.warheads  # leaks, kills and engaged threats count warheads only
    n_leaked = int(leaked.sum())
    fired_by_type = {}
    for name in sorted(set(fu.interceptor)):
        chosen = [i == name for i in fu.interceptor]
        fired_by_type[name] = float(fired[chosen].sum())
    engaged = shots[:w] > 0
    priced = 0.0
    unpriced: dict[str, float] = {}
    for n, name in enumerate(world.threat_type[:w]):
        cost = float(world.threat_unit_cost_musd[n])
        if np.isnan(cost):
            unpriced[name] = unpriced.get(name, 0.0) + float(engaged[n])
        elif engaged[n]:
            priced += cost
    return EngagementCounts(
        threats_launched=float(w),
        threats_intercepted=float(w - n_leaked - int(alive[:w].sum())),
        threats_leaked=float(n_leaked),
        threats_leaked_effective=float(
            np.count_nonzero(leaked & (miss_m <= world.threat_lethal_radius_m))
        ),
        no_leak=float(n_leaked == 0),
        interceptors_fired=float(fired.sum()),
        interceptors_at_destroyed=wasted,
        fired_by_type=fired_by_type,
        interceptor_cost_musd=float(fired @ fu.unit_cost_musd) if len(fu.ids) else 0.0,
        threats_engaged=float(engaged.sum()),
        threat_cost_engaged_musd=priced,
        engaged_without_cost={name: unpriced[name] for name in sorted(unpriced)},
    )
