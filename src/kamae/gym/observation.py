"""What the agent sees at a decision: the fire units' pictures and the pending offer, as a
`gymnasium.spaces.Dict` of fixed-shape `Box` arrays (docs/interop.md, Gymnasium).

Shapes come from the world: F fire units (the scenario's order), N track slots (one per
object of the raid: warheads, then decoys and debris, `World.threat_ids`), in the engine's
frame and SI units: ECEF metres and metres per second, seconds since the raid's start.
Every array is float32 (ECEF positions to about 0.5 m) or int8/int32 flags and counts, within
finite bounds (track estimates clipped to them);
"none" is 0 in the float arrays, with a flag array saying which entries hold something,
and -1 in the index and time arrays that say "none" there.
"""

from __future__ import annotations

import numpy as np
from gymnasium import spaces

from kamae.arrays import FloatArray
from kamae.engine.loop import Simulation
from kamae.engine.offers import Offer
from kamae.world import World

_FLOAT = np.float32
POSITION_BOUND_M = 1.0e8
"""Bound of the observed ECEF coordinates, m: far beyond any threat's flight (a diverging
false track's estimate is clipped to it)."""
VELOCITY_BOUND_MPS = 1.0e5
"""Bound of the observed velocity components, m/s (clipped likewise)."""
SIGMA_BOUND = 1.0e8
"""Bound of the observed position (m) and velocity (m/s) sigmas (clipped likewise)."""


def observation_space(world: World) -> spaces.Dict:
    """The observation space of a world (module docstring; keys in docs/interop.md)."""
    fu = world.fire_units
    f, n = len(fu.ids), world.trajectory.count
    t_end = float(world.times[-1]) + world.dt
    stock = int(max(fu.inventory.max(initial=0), 1))
    launchers = int(max(fu.launchers.max(initial=0), 1))
    layers = len(world.doctrine.layer_order)
    shots = int(world.doctrine.max_shots_per_threat)

    def box(shape: tuple[int, ...], low: float, high: float, dtype: type = _FLOAT) -> spaces.Box:
        return spaces.Box(low=low, high=high, shape=shape, dtype=dtype)

    return spaces.Dict(
        {
            "time_s": box((1,), 0.0, t_end),
            "track_held": box((f, n), 0, 1, np.int8),
            "track_position_m": box((f, n, 3), -POSITION_BOUND_M, POSITION_BOUND_M),
            "track_velocity_mps": box((f, n, 3), -VELOCITY_BOUND_MPS, VELOCITY_BOUND_MPS),
            "track_sigma": box((f, n, 2), 0.0, SIGMA_BOUND),
            "fire_control": box((f, n), 0, 1, np.int8),
            "unit_alive": box((f,), 0, 1, np.int8),
            "unit_layer": box((f,), -1, max(layers - 1, 0), np.int32),
            "unit_rounds": box((f,), 0, stock, np.int32),
            "unit_reserve": box((f,), 0, stock, np.int32),
            "unit_ready_launchers": box((f,), 0, launchers, np.int32),
            "unit_rounds_now": box((f,), 0, stock, np.int32),
            "threat_candidate": box((n,), 0, 1, np.int8),
            "threat_value": box((n,), 0.0, float(max(world.asset_value.max(initial=0.0), 1.0))),
            "threat_layer": box((n,), -1, max(layers - 1, 0), np.int32),
            "threat_salvo": box((n,), 0, shots, np.int32),
            "threat_shots": box((n,), 0, shots, np.int32),
            "shot_feasible": box((n, f), 0, 1, np.int8),
            "shot_pk": box((n, f), 0.0, 1.0),
            "shot_intercept_s": box((n, f), -1.0, t_end),
            "window_launch_s": box((n, f), -1.0, t_end),
            "window_intercept_s": box((n, f), -1.0, t_end),
        }
    )


def observe(simulation: Simulation, offer: Offer | None) -> dict[str, np.ndarray]:
    """The observation of replication 0 of a simulation at its step in progress, with the
    pending offer (None: nothing to decide, e.g. at the end)."""
    world, battle = simulation.world, simulation.battle
    fu = world.fire_units
    f, n = len(fu.ids), world.trajectory.count
    k = min(simulation.k, len(simulation.times) - 1)
    t = simulation.times[k]
    obs: dict[str, np.ndarray] = {"time_s": np.array([t], dtype=_FLOAT)}
    obs.update(_pictures(simulation, t))
    ready = np.array([battle.launchers.ready(0, j, t) for j in range(f)], dtype=np.int32)
    stock = battle.inventory[0].astype(np.int32)
    obs.update(
        fire_control=battle.unit_quality[0].T.astype(np.int8),
        unit_alive=battle.unit_alive[0].astype(np.int8),
        unit_layer=battle.unit_tier.astype(np.int32),
        unit_rounds=stock,
        unit_reserve=fu.reserve.astype(np.int32),
        unit_ready_launchers=ready,
        unit_rounds_now=np.clip(np.minimum(ready, stock - fu.reserve), 0, None).astype(np.int32),
        threat_shots=np.minimum(battle.shots[0], world.doctrine.max_shots_per_threat).astype(
            np.int32
        ),
    )
    obs.update(_offer_arrays(world, offer, f, n))
    return obs


def _pictures(simulation: Simulation, t: float) -> dict[str, np.ndarray]:
    """Each unit's picture of every track slot, predicted to time t (the slots unchanged)."""
    pictures = simulation.pictures
    f = len(simulation.world.fire_units.ids)
    n = simulation.world.trajectory.count
    held = np.zeros((f, n), dtype=np.int8)
    position = np.zeros((f, n, 3), dtype=_FLOAT)
    velocity = np.zeros((f, n, 3), dtype=_FLOAT)
    sigma = np.zeros((f, n, 2), dtype=_FLOAT)
    for g in np.unique(pictures.unit_group).tolist():
        bank = pictures.banks[g]
        slots = np.flatnonzero(bank.initialised[:n])  # replication 0's slots come first
        units = np.flatnonzero(pictures.unit_group == g)
        if slots.size == 0:
            continue
        mean, cov = bank.predicted(slots, t)
        pos_sigma = np.sqrt(np.trace(cov[:, :3, :3], axis1=-2, axis2=-1) / 3.0)
        vel_sigma = np.sqrt(np.trace(cov[:, 3:, 3:], axis1=-2, axis2=-1) / 3.0)
        for j in units.tolist():
            held[j, slots] = 1
            position[j, slots] = np.clip(mean[:, :3], -POSITION_BOUND_M, POSITION_BOUND_M)
            velocity[j, slots] = np.clip(mean[:, 3:], -VELOCITY_BOUND_MPS, VELOCITY_BOUND_MPS)
            sigma[j, slots, 0] = np.clip(pos_sigma, 0.0, SIGMA_BOUND)
            sigma[j, slots, 1] = np.clip(vel_sigma, 0.0, SIGMA_BOUND)
    return {
        "track_held": held,
        "track_position_m": position,
        "track_velocity_mps": velocity,
        "track_sigma": sigma,
    }


def _offer_arrays(world: World, offer: Offer | None, f: int, n: int) -> dict[str, np.ndarray]:
    """The pending offer per (track slot, unit), and the engagement windows' next
    opportunities the step found."""
    candidate = np.zeros(n, dtype=np.int8)
    value = np.zeros(n, dtype=_FLOAT)
    layer = np.full(n, -1, dtype=np.int32)
    salvo = np.zeros(n, dtype=np.int32)
    feasible = np.zeros((n, f), dtype=np.int8)
    pk = np.zeros((n, f), dtype=_FLOAT)
    intercept = np.full((n, f), -1.0, dtype=_FLOAT)
    launch = np.full((n, f), -1.0, dtype=_FLOAT)
    window = np.full((n, f), -1.0, dtype=_FLOAT)
    if offer is not None:
        for row, (threat, tier_index, _) in enumerate(offer.rows):
            candidate[threat], layer[threat] = 1, tier_index
            value[threat], salvo[threat] = offer.row_value[row], offer.want[row]
            ok = offer.feasible[row]
            feasible[threat, offer.units[ok]] = 1
            pk[threat, offer.units[ok]] = offer.pk[row, ok]
            for j in offer.units[ok].tolist():
                intercept[threat, j] = world.times[offer.intercept[(threat, j)]]
        steps, launch_all = offer.step.steps_all, offer.step.launch_all
        has = steps >= 0
        window[has] = world.times[steps[has]]
        launch[has] = _clip(launch_all[has], float(world.times[-1]) + world.dt)
    return {
        "threat_candidate": candidate,
        "threat_value": value,
        "threat_layer": layer,
        "threat_salvo": salvo,
        "shot_feasible": feasible,
        "shot_pk": pk,
        "shot_intercept_s": intercept,
        "window_launch_s": launch,
        "window_intercept_s": window,
    }


def _clip(times: FloatArray, high: float) -> FloatArray:
    """Launch times as observed, within the space's bounds [0, high]."""
    return np.clip(np.nan_to_num(times, nan=-1.0), 0.0, high)
