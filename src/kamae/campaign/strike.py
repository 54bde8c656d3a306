"""Counterstrike against mobile launchers: find, fix, finish, for one campaign step.

Find and fix: each surviving launcher is located with probability p_locate (a notional
parameter of the force). A located launcher lies in a part of its force's area, chosen with
that part's share of the area (launchers dispersed uniformly); the platforms that reach the
part may strike it (`kamae.campaign.coverage`). Finish: platforms are taken in scenario
order, each firing `missiles_per_target` missiles at each located launcher it reaches while
its launches of the step and its inventory last; each missile kills independently with
p = reliability × (1 − P_intercept by the adversary's air defense) × p_kill, so a launcher
engaged with k missiles is destroyed with probability 1 − (1 − p)^k.

The stochastic version draws binomial and multinomial counts; the expected version (the
campaign's difference equations) replaces each count by its mean. Neglected: a launcher
located twice, strikes on launchers that have not yet fired, battle-damage assessment,
re-striking misses within the step, and time of flight (strikes land within the step).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamae.arrays import FloatArray
from kamae.campaign.plan import CampaignPlan


@dataclass(frozen=True)
class StrikeOutcome:
    located: FloatArray
    """(forces,) launchers located."""
    engaged: FloatArray
    """(forces,) located launchers fired at."""
    killed: FloatArray
    """(forces,) launchers destroyed."""
    fired: FloatArray
    """(platforms,) strike missiles fired."""


def strike_capacity(plan: CampaignPlan, inventory: FloatArray, window: float) -> FloatArray:
    """Missiles each platform can fire this step: its launches per step over the part of the
    step after authorisation (whole missiles), capped by its inventory."""
    launches = np.floor(plan.platform_launches * window + 1e-9)
    return np.minimum(inventory, launches)


def strike_step(
    plan: CampaignPlan,
    alive: FloatArray,
    inventory: FloatArray,
    window: float,
    rng: np.random.Generator | None,
    locate_scale: float = 1.0,
) -> StrikeOutcome:
    """One step of counterstrike (`rng` None: expected values)."""
    n_forces = len(plan.forces)
    located = np.zeros(n_forces)
    engaged = np.zeros(n_forces)
    killed = np.zeros(n_forces)
    fired = np.zeros(len(plan.platforms))
    if window <= 0.0 or not plan.platforms:
        return StrikeOutcome(located, engaged, killed, fired)
    capacity = strike_capacity(plan, inventory, window).astype(float)
    k = plan.missiles_per_target
    for f, force in enumerate(plan.forces):
        p_loc = min(1.0, force.p_locate * locate_scale)
        geo = plan.geometry[f]
        if rng is None:
            found = alive[f] * p_loc
            parts = found * geo.fractions
        else:
            found = float(rng.binomial(int(alive[f]), p_loc))
            parts = rng.multinomial(int(found), geo.fractions).astype(float)
        located[f] = found
        for s, targets in enumerate(parts):
            left = float(targets)
            for j in np.flatnonzero(geo.masks[s]):
                if left <= 0.0:
                    break
                salvos = capacity[j] / k if rng is None else float(capacity[j] // k)
                hit = min(left, salvos)
                if hit <= 0.0:
                    continue
                capacity[j] -= hit * k
                fired[j] += hit * k
                left -= hit
                engaged[f] += hit
                pk = 1.0 - (1.0 - plan.p_kill[f, j]) ** k
                killed[f] += hit * pk if rng is None else float(rng.binomial(int(hit), pk))
    return StrikeOutcome(located, engaged, killed, fired)
