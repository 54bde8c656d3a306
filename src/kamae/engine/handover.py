"""The kill probability of a shot against its handover basket, predicted at launch and met at
the intercept (issue 17's basket, issue 15's in-flight target updates).

Pk = SSPK·F_chi2_3(b²/σ²) (`kill_probability_with_prediction_error`: the Maxwell distribution
of a 3-D isotropic Gaussian error of per-axis σ against a basket of radius b), with SSPK
degraded by a manoeuvring reentry vehicle (`manoeuvre_kill_factor`). σ is the firing unit's
track's position error:

- without in-flight target updates, predicted from the track's latest update over the whole
  flight to the intercept, both at launch and at the intercept (the interceptor flies its
  launch-time prediction);
- with them (`in_flight_updates`), the interceptor is guided to handover on the unit's track:
  at launch the unit expects to hold its track, so σ is the track's now (predicted from its
  latest update to the decision time); at the intercept σ is the track's then (predicted
  from its latest update to the intercept: a coasting track's has grown); a track deleted in
  flight leaves the interceptor on its launch-time prediction over the whole flight.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kamae.engagement.envelope import kill_probability_with_prediction_error
from kamae.kinematics.marv import manoeuvre_kill_factor
from kamae.tracking.base import TrackBank
from kamae.world import World

if TYPE_CHECKING:
    from kamae.engine.pictures import Pictures

Shot = tuple[int, int, int, int]
"""A shot a unit considers: (replication, threat, unit, intercept step)."""


def shot_sspk(world: World, n: int, j: int, intercept_step: int) -> float:
    """SSPK of unit j's interceptor at threat n, with the manoeuvre kill factor."""
    fu = world.fire_units
    return float(fu.sspk[j, world.threat_class[n]]) * manoeuvre_kill_factor(
        float(fu.max_acceleration_mps2[j]), float(world.threat_manoeuvre_mps2[n]),
        float(world.times[intercept_step]), float(world.threat_manoeuvre_start_s[n]),
    )  # fmt: skip


def prediction_horizon(
    world: World, bank: TrackBank, slot: int, j: int, intercept_step: int, t: float, blind: bool
) -> float:
    """How far unit j's track `slot` is predicted for a shot decided at time t (s): from its
    latest update to t with in-flight target updates (not `blind`), else from t over the
    whole flight to the intercept."""
    if world.fire_units.in_flight_updates[j] and not blind:
        return max(t - float(bank.time[slot]), 0.0)
    return max(float(world.times[intercept_step]) - t, 0.0)


def predicted_kill_probability(
    world: World, bank: TrackBank, slot: int, n: int, j: int, intercept_step: int, t: float,
    blind: bool, sigma: float | None = None,
) -> tuple[float, float | None]:  # fmt: skip
    """Pk of one shot of unit j at threat n (track `slot` of the unit's bank), as the unit
    predicts it at time t, and the σ it used (None without a basket). `blind`: as if the
    track were lost in flight (the whole flight's prediction, with or without updates).
    ``sigma``: that σ when already predicted (`prediction_horizon`'s, of a batch)."""
    sspk = shot_sspk(world, n, j, intercept_step)
    fu = world.fire_units
    basket = fu.handover_basket_m[j]
    if basket is None:
        return sspk, None
    if sigma is None:
        horizon = prediction_horizon(world, bank, slot, j, intercept_step, t, blind)
        sigma = float(bank.predicted_position_sigma(np.array([slot]), horizon)[0])
    return float(kill_probability_with_prediction_error(sspk, sigma, basket)), sigma


def prediction_sigmas(
    world: World, tracks: Pictures, shots: list[Shot], t: float
) -> dict[tuple[int, int, int], float]:
    """The σ `predicted_kill_probability` (not blind) uses for each of many shots decided at
    time t, per (replication, threat, unit): one prediction per picture's bank of every
    shot with a basket, each the floats of its own."""
    fu, threats = world.fire_units, world.trajectory.count
    by_bank: dict[int, tuple[list[tuple[int, int, int]], list[int], list[float]]] = {}
    for r, n, j, step in shots:
        if fu.handover_basket_m[j] is None:
            continue
        g = int(tracks.unit_group[j])
        keys, slots, horizons = by_bank.setdefault(g, ([], [], []))
        slot = r * threats + n
        keys.append((r, n, j))
        slots.append(slot)
        horizons.append(prediction_horizon(world, tracks.banks[g], slot, j, step, t, False))
    out: dict[tuple[int, int, int], float] = {}
    for g, (keys, slots, horizons) in by_bank.items():
        sigma = tracks.banks[g].predicted_position_sigma(np.array(slots), np.array(horizons))
        out.update(zip(keys, sigma.tolist(), strict=True))
    return out


def arrival_kill_probability(
    world: World, bank: TrackBank, slot: int, n: int, j: int, k: int, t: float, p_kill: float,
    p_lost: float,
) -> float:  # fmt: skip
    """Pk per shot of a salvo of unit j arriving at threat n at step k (time t), guided on
    track `slot` of the unit's bank: with in-flight target updates, SSPK degraded by that
    track's error predicted from its latest update to t, or `p_lost` when the unit holds no
    track of the slot any more; without updates, the launch-time `p_kill`."""
    fu = world.fire_units
    basket = fu.handover_basket_m[j]
    if basket is None or not fu.in_flight_updates[j]:
        return p_kill
    if not bool(bank.initialised[slot]):
        return p_lost
    horizon = max(t - float(bank.time[slot]), 0.0)
    sigma = bank.predicted_position_sigma(np.array([slot]), horizon)[0]
    return float(kill_probability_with_prediction_error(shot_sspk(world, n, j, k), sigma, basket))
