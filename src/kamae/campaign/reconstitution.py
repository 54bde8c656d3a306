"""Adversary reconstitution: destroyed launchers repaired, and new launchers delivered.

A launcher destroyed enters repair with probability `repairable_share` (the rest are total
losses) and leaves repair after an exponential time of mean `repair_mean_h`, so a launcher
in repair at the start of a step returns within it with q = 1 − exp(−step_h /
repair_mean_h) (memoryless; a launcher destroyed in a step can return from the next step
on). New launchers arrive at `replacements_per_month` (whole launchers at the end of each
step, accumulated like interceptor production, `kamae.campaign.plan`). In the expected
version each count is its mean, so the repair pool follows the difference equations

    R[k+1] = (1 − q)·R[k] + s·D[k],   returned[k] = q·R[k],

with D[k] the launchers destroyed in step k and s the repairable share: the geometric
(discrete-time exponential) repair queue with infinitely many servers.

Every figure is notional (no public data on an adversary's repair of mobile launchers);
the model and its parameters are stated in docs/campaign.md. A returned or new launcher is
loaded like the force's surviving launchers: the adversary's missiles are taken not to be
the limit (the force is launcher-limited), a stated simplification.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamae.arrays import FloatArray
from kamae.campaign.plan import CampaignPlan


@dataclass(frozen=True)
class Reconstituted:
    returned: FloatArray
    """(forces,) launchers back from repair this step."""
    added: FloatArray
    """(forces,) new launchers delivered this step."""
    in_repair: FloatArray
    """(forces,) launchers in repair after the step."""


def reconstitute(
    plan: CampaignPlan,
    step: int,
    in_repair: FloatArray,
    destroyed: FloatArray,
    rng: np.random.Generator | None,
) -> Reconstituted:
    """One step of repair and replacement (`rng` None: expected values)."""
    assert plan.repair_p is not None and plan.repairable_share is not None
    assert plan.replacements is not None
    q, share = plan.repair_p, plan.repairable_share
    if rng is None:
        returned = in_repair * q
        entering = destroyed * share
    else:
        returned = rng.binomial(in_repair.astype(np.int64), q).astype(float)
        entering = rng.binomial(destroyed.astype(np.int64), share).astype(float)
    added = plan.replacements[step].astype(float)
    return Reconstituted(returned, added, in_repair - returned + entering)
