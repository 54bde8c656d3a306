"""The battle manager's doctrine: its SI parameter set, and the magazine-aware salvo rules.

The scenario file declares the doctrine (with analyst units, ranges and a doc line per field:
`kamae.scenario.model.Doctrine`); the world converts it once into the `Doctrine` record, so
the engine never sees the scenario's models.

Magazine-aware doctrine (`salvo_policy: magazine`): a layer's salvo at a threat is what its
share of the desired P(no leaker) over the expected raid requires (`required_salvo`: Wilkening's
relation inverted per layer), at most what the layer's remaining rounds allow when spread over
the threats it still expects (`magazine_salvo`). Preferential defense (`gives_up`) abandons
threats at lower-value assets when the rounds cannot cover the threats still expected.
Neglected: a layer's stock is pooled over its units (a unit's rounds are not tied to the
threats in its own reach), and the threats still expected are counted, not located.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kamae.analytic.wilkening import barrage_interceptors, shoot_look_shoot_interceptors
from kamae.arrays import FloatArray


@dataclass(frozen=True)
class Doctrine:
    """Firing doctrine and track thresholds (SI)."""

    engage_radius_m: float
    """A predicted impact this close to an asset makes a threat engageable, m."""
    shots_per_salvo: int
    shoot_look_shoot: bool
    kill_assessment_s: float
    kill_assessment_probability: float
    max_shots_per_threat: int
    layer_order: tuple[str, ...]
    track_confirm_updates: int
    fire_control_position_sigma_m: float
    fire_control_velocity_sigma_mps: float
    reserve_fraction: float
    tracker_process_noise: float
    """White-noise acceleration spectral density, m²/s³."""
    salvo_policy: str
    """"fixed" (shots_per_salvo) or "magazine" (`magazine_salvo`)."""
    desired_p_no_leak: float
    expected_raid_threats: int | None
    """Threats the doctrine plans for (None: the scenario's raid)."""
    preferential_defense: bool
    hold_upper_tier: bool
    min_kill_probability: float
    assignment: str
    """"step" (this step's salvos) or "dynamic" (`kamae.engagement.dynamic_wta`)."""


def layer_p_no_leak(p_no_leak: float, raid: int, layers: int) -> float:
    """The P(no leaker) one of `layers` equal layers must reach against `raid` threats for the
    defense to reach `p_no_leak`: the per-threat leakage 1 - P0^(1/N) split equally (in the
    log) between the layers, eps = (1 - P0^(1/N))^(1/m), and P0_layer = (1 - eps)^N
    (independent layers: Wilkening 2000's layered form)."""
    if p_no_leak >= 1.0:
        return 1.0
    leak = -math.expm1(math.log(p_no_leak) / raid) if p_no_leak > 0.0 else 1.0
    eps = leak ** (1.0 / max(layers, 1))
    return (1.0 - eps) ** raid


def required_salvo(
    pk: float,
    raid: int,
    layers: int,
    p_no_leak: float,
    *,
    look: bool,
    p_kill_assessment: float,
) -> int:
    """Rounds a layer's salvo at one threat needs for its share of `p_no_leak` (Wilkening's
    relation inverted per layer, `kamae.analytic.wilkening`): the barrage n = ln(1 -
    P0_layer^(1/N)) / ln(1 - Pk) rounded up, or, when a look (kill assessment, then another
    salvo) is still possible, the first salvo k1 of the shoot-look-shoot plan of least
    expected use. A kill probability of 0 or 1, or a P0 of 0, needs one round; a P0 of 1 an
    unbounded number (`UNBOUNDED`)."""
    target = layer_p_no_leak(p_no_leak, raid, layers)
    if pk <= 0.0 or pk >= 1.0 or target <= 0.0:
        return 1
    if target >= 1.0:
        return UNBOUNDED
    if look:
        plan = shoot_look_shoot_interceptors(raid, target, pk, p_kill_assessment=p_kill_assessment)
        return max(1, plan.first_salvo)
    return max(1, barrage_interceptors(raid, target, pk).shots_per_object_whole)


UNBOUNDED = 1 << 30
"""A salvo no stock can pay for (a P(no leaker) of 1)."""


def magazine_salvo(required: int, stock: int, remaining: int, cap: int) -> int:
    """The salvo the magazine allows: the rounds required, at most the layer's stock shared
    evenly over the `remaining` threats it still expects (floor(stock / remaining)), at most
    `cap`, and at least one round while any is left."""
    if stock <= 0 or cap <= 0:
        return 0
    afford = stock // max(remaining, 1)
    return max(1, min(required, afford, cap))


def gives_up(
    value: float,
    stock: int,
    higher_known: int,
    unseen: float,
    asset_values: FloatArray,
) -> bool:
    """Preferential defense: whether a layer short of rounds gives up on a threat of `value`.

    The threats still expected at higher-value assets are the known ones (`higher_known`)
    and the unseen share of the expected raid aimed above `value` (unseen threats taken as
    aimed evenly at the defended assets); the layer gives up when, after one round for each
    of them, less than one round would be left: stock - H < 1 (the preferential defense of
    Przemieniecki, "Mathematical Methods in Defense Analyses", 3rd ed., AIAA 2000, ch. 6:
    defend the most valuable assets and abandon the rest when the stock cannot cover all).
    """
    share = float(np.mean(asset_values > value)) if asset_values.size else 0.0
    return stock - (higher_known + unseen * share) < 1.0
