"""Counterstrike against mobile launchers: find, fix, finish, for one campaign step.

Find and fix: each surviving launcher is located with probability p_locate (a notional
parameter of the force). A located launcher lies in a part of its force's area, chosen with
that part's share of the area (launchers dispersed uniformly); the platforms that reach the
part may strike it (`kamae.campaign.coverage`). Finish: platforms are taken in scenario
order, each firing `missiles_per_target` missiles at each located launcher it reaches while
its launches of the step and its inventory last; each missile kills independently with
p = reliability × (1 − P_intercept by the adversary's air defense) × p_kill, so a launcher
engaged with k missiles is destroyed with probability 1 − (1 − p)^k.

Optional realism (each off by default, and then no draw is made for it):
- p_locate per force and step from reconnaissance (`kamae.campaign.reconnaissance`) instead
  of the bare parameter.
- Time of flight and shoot-and-scoot: a launcher located is still there when a platform's
  missiles arrive with the plan's `stay` probability (exponential dwell of mean
  relocation_mean_h against latency + distance / speed); if it has gone, every missile
  fired at it misses: P(destroyed | k missiles) = stay × [1 − (1 − p)^k].
- Battle-damage assessment: a launcher destroyed is seen destroyed with probability p_bda;
  otherwise its wreck stays on the target list ("wrecks"), is located with the same
  probability as a live launcher, and draws a strike like one (the shooter cannot tell them
  apart: the launchers engaged in a part are drawn without replacement, hypergeometric,
  from the live launchers and wrecks located there). A wreck struck is assessed again with
  p_bda.

The stochastic version draws binomial, multinomial and hypergeometric counts; the expected
version (the campaign's difference equations) replaces each count by its mean. Neglected: a
launcher located twice, strikes on launchers that have not yet fired, re-striking misses
within the step, and strikes landing after the step's end (the time of flight only lets the
launcher move).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamae.arrays import FloatArray
from kamae.campaign.plan import CampaignPlan


@dataclass(frozen=True)
class StrikeOutcome:
    located: FloatArray
    """(forces,) launchers located (live ones)."""
    engaged: FloatArray
    """(forces,) located launchers fired at (live ones)."""
    killed: FloatArray
    """(forces,) launchers destroyed."""
    fired: FloatArray
    """(platforms,) strike missiles fired."""
    wrecks_struck: FloatArray | None = None
    """(forces,) unassessed wrecks fired at (None: battle-damage assessment perfect)."""
    wrecks_added: FloatArray | None = None
    """(forces,) launchers destroyed this step but not assessed destroyed."""
    wrecks_cleared: FloatArray | None = None
    """(forces,) wrecks struck this step and now assessed destroyed."""


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
    *,
    p_locate: FloatArray | None = None,
    wrecks: FloatArray | None = None,
) -> StrikeOutcome:
    """One step of counterstrike (`rng` None: expected values). `p_locate` (forces,) replaces
    each force's p_locate (reconnaissance); `wrecks` (forces,) are the unassessed wrecks on
    the target list (used when the plan's p_bda < 1)."""
    n_forces = len(plan.forces)
    located = np.zeros(n_forces)
    engaged = np.zeros(n_forces)
    killed = np.zeros(n_forces)
    fired = np.zeros(len(plan.platforms))
    bda = plan.p_bda < 1.0
    w_struck, w_added, w_cleared = (np.zeros(n_forces) for _ in range(3))
    if window <= 0.0 or not plan.platforms:
        return _outcome(located, engaged, killed, fired, bda, w_struck, w_added, w_cleared)
    capacity = strike_capacity(plan, inventory, window).astype(float)
    k = plan.missiles_per_target
    for f, force in enumerate(plan.forces):
        base = force.p_locate if p_locate is None else float(p_locate[f])
        p_loc = min(1.0, base * locate_scale)
        geo = plan.geometry[f]
        if rng is None:
            found = alive[f] * p_loc
            parts = found * geo.fractions
        else:
            found = float(rng.binomial(int(alive[f]), p_loc))
            parts = rng.multinomial(int(found), geo.fractions).astype(float)
        located[f] = found
        wrecks_found = np.zeros(len(parts))
        w_here = 0.0 if wrecks is None or not bda else float(wrecks[f])
        if w_here > 0.0:
            if rng is None:
                wrecks_found = w_here * p_loc * geo.fractions
            else:
                wrecks_found = rng.multinomial(
                    int(rng.binomial(int(w_here), p_loc)), geo.fractions
                ).astype(float)
        stay = plan.stay[f] if plan.stay else None
        for s, targets in enumerate(parts):
            left, left_w = float(targets), float(wrecks_found[s])
            for j in np.flatnonzero(geo.masks[s]):
                if left + left_w <= 0.0:
                    break
                salvos = capacity[j] / k if rng is None else float(capacity[j] // k)
                hit = min(left + left_w, salvos)
                if hit <= 0.0:
                    continue
                capacity[j] -= hit * k
                fired[j] += hit * k
                live = _live_share(hit, left, left_w, rng)
                hit_w = hit - live
                left -= live
                left_w -= hit_w
                engaged[f] += live
                pk = 1.0 - (1.0 - plan.p_kill[f, j]) ** k
                if stay is not None:
                    pk *= float(stay[s, j])
                kills = live * pk if rng is None else float(rng.binomial(int(live), pk))
                killed[f] += kills
                if bda:
                    w_struck[f] += hit_w
                    w_added[f] += _thin(kills, 1.0 - plan.p_bda, rng)
                    w_cleared[f] += _thin(hit_w, plan.p_bda, rng)
    return _outcome(located, engaged, killed, fired, bda, w_struck, w_added, w_cleared)


def _live_share(hit: float, live: float, wrecks: float, rng: np.random.Generator | None) -> float:
    """Live launchers among `hit` targets drawn without replacement from `live` launchers
    and `wrecks` (all live when there are no wrecks: no draw)."""
    if wrecks <= 0.0:
        return hit
    if rng is None:
        return hit * live / (live + wrecks)
    return float(rng.hypergeometric(int(live), int(wrecks), int(hit)))


def _thin(count: float, p: float, rng: np.random.Generator | None) -> float:
    """A binomial thinning of `count` (its mean without `rng`)."""
    if count <= 0.0:
        return 0.0
    return count * p if rng is None else float(rng.binomial(int(count), p))


def _outcome(
    located: FloatArray,
    engaged: FloatArray,
    killed: FloatArray,
    fired: FloatArray,
    bda: bool,
    w_struck: FloatArray,
    w_added: FloatArray,
    w_cleared: FloatArray,
) -> StrikeOutcome:
    if not bda:
        return StrikeOutcome(located, engaged, killed, fired)
    return StrikeOutcome(located, engaged, killed, fired, w_struck, w_added, w_cleared)
