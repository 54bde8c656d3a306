"""`KamaeBattleEnv`: a Gymnasium environment in which the agent is the engine's battle manager.

One episode is one replication of a scenario. The engine runs (`kamae.engine.loop.
Simulation`) until its battle manager has candidate salvos with at least one feasible shot
(`kamae.engine.offers.Offer`); the agent sees the fire units' pictures and the offer
(`kamae.gym.observation`) and answers, per track slot, which fire unit fires at it (0:
hold); the chosen salvos launch and the engine runs on to the next such decision or to the
end of the replication. Offers without a feasible shot are committed empty without asking
(the doctrine fires nothing there either).

Action: `MultiDiscrete([F + 1] * N)`, entry n the unit (1 + its index) that fires at track
slot n, 0 to hold. The salvo's size is not chosen: it is the doctrine's wanted salvo for the
threat (`Offer.want`: fixed or magazine-aware, 0 where preferential defense gives it up),
capped by the rounds the unit has left, slots in the offer's priority order
(`kamae.engine.offers.salvos_of`, the rule the built-in assignment fires by). A pick the
mask forbids (not a candidate, no feasible shot) holds and is counted in
`info["invalid_picks"]`.

Reward: the defended value surviving less the interceptors' cost, weighted. Each step pays
`-value_weight` × the value of the assets first struck since the previous decision (an
effective leaker: a warhead reaching its aim point alive within its lethal radius, aimed at
a defended asset), `-cost_weight` × the cost (million USD) of the rounds launched, and
`-leak_weight` × the leaking warheads; the last step adds `value_weight` × the total asset
value, so an episode's return is value_weight·(value surviving) - cost_weight·(cost) -
leak_weight·(leakers).

Seeds: `reset(seed=i)` runs replication i of `kamae run SCENARIO --seed S` (stream key
`(i,)` of master seed S: `kamae.streams.replication_seed`), so with the doctrine's choices
(`doctrine_action`) an episode reproduces that replication's results; `reset()` without a
seed runs the next replication.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gymnasium
import numpy as np
from gymnasium import spaces

from kamae.arrays import BoolArray, IntArray
from kamae.engine.loop import Simulation
from kamae.engine.offers import Choice, Offer, salvos_of
from kamae.engine.records import ReplicationResult
from kamae.gym.observation import observation_space, observe
from kamae.scenario import load_scenario
from kamae.streams import replication_seed
from kamae.world import World, build_world


class KamaeBattleEnv(gymnasium.Env[dict[str, Any], np.ndarray]):
    """The battle manager of one replication of a scenario (module docstring)."""

    metadata: dict[str, Any] = {"render_modes": []}

    def __init__(
        self,
        scenario: str | Path | World,
        seed: int | None = None,
        *,
        value_weight: float = 1.0,
        cost_weight: float = 0.1,
        leak_weight: float = 0.0,
    ) -> None:
        """`scenario`: a bundled name, a scenario file or a built world; `seed`: the master
        seed (default: the scenario file's; required with a world). Weights: per unit of
        asset value (the scenario's notional weights), per million USD of interceptors, per
        leaking warhead."""
        if isinstance(scenario, World):
            if seed is None:
                raise ValueError("a master seed is required with a built world")
            self.world, self.master_seed = scenario, seed
        else:
            loaded = load_scenario(scenario)
            self.world = build_world(loaded)
            self.master_seed = loaded.scenario.seed if seed is None else seed
        self.value_weight, self.cost_weight = float(value_weight), float(cost_weight)
        self.leak_weight = float(leak_weight)
        fu = self.world.fire_units
        self.units, self.slots = len(fu.ids), self.world.trajectory.count
        self.action_space = spaces.MultiDiscrete(np.full(self.slots, self.units + 1))
        self.observation_space = observation_space(self.world)
        self.replication = -1
        """The replication of the current episode (-1 before the first reset)."""
        self.simulation: Simulation | None = None
        self.offer: Offer | None = None
        self._struck = np.zeros(len(self.world.asset_ids), dtype=bool)
        self._paid = (0.0, 0)
        self._ended = False

    # -- Gymnasium API ---------------------------------------------------------------------

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """Start replication `seed` (default: the one after the last)."""
        super().reset(seed=seed)
        self.replication = self.replication + 1 if seed is None else int(seed)
        generator = np.random.default_rng(replication_seed(self.master_seed, self.replication))
        self.simulation = Simulation(self.world, [generator])
        self._struck[:] = False
        self._paid = (0.0, 0)  # leaks before the first decision are paid at the first step
        self._ended = False
        self._run_on()
        return self._observation(), self._info()

    def step(
        self, action: np.ndarray
    ) -> tuple[dict[str, np.ndarray], float, bool, bool, dict[str, Any]]:
        """Commit the salvos of `action` and run on to the next decision."""
        simulation = self.simulation
        if simulation is None or self._ended:
            raise RuntimeError("no episode running: call reset()")
        invalid = 0
        if self.offer is not None:
            chosen, invalid = self._decode(np.asarray(action, dtype=np.int64))
            simulation.commit([chosen])
            self._run_on()
        reward = self._tally()
        terminated = self.offer is None
        if terminated:
            reward += self.value_weight * float(self.world.asset_value.sum())
            self._ended = True
        info = self._info()
        info["invalid_picks"] = invalid
        if terminated:
            info["result"] = self.result()
        return self._observation(), reward, terminated, False, info

    def action_masks(self) -> BoolArray:
        """The allowed entries of each action dimension, flat: (N·(F + 1),), reshaped
        (N, F + 1): entry [n, 0] (hold) always, [n, 1 + j] where unit j has a feasible shot
        at track slot n now (the layout sb3-contrib's MaskablePPO expects)."""
        mask = np.zeros((self.slots, self.units + 1), dtype=bool)
        mask[:, 0] = True
        offer = self.offer
        if offer is not None:
            for row, n in enumerate(offer.threats):
                mask[n, 1 + offer.units[offer.feasible[row]]] = True
        return mask.ravel()

    # -- the built-in doctrine -------------------------------------------------------------

    def doctrine_action(self) -> IntArray:
        """The action that takes the built-in doctrine's salvos from the pending offer (all
        zeros when none is pending): its unit per threat; the salvo sizes follow from the
        offer (exactly the doctrine's with `assignment: step`; with `assignment: dynamic` the
        plan may fire other sizes, docs/interop.md)."""
        action = np.zeros(self.slots, dtype=np.int64)
        if self.offer is None or self.simulation is None:
            return action
        for row, c, _ in self.simulation.doctrine_choice(self.offer):
            action[self.offer.rows[row][0]] = 1 + int(self.offer.units[c])
        return action

    def result(self) -> ReplicationResult:
        """The finished replication's metrics and events, as `kamae run` records them."""
        if self.simulation is None or not self.simulation.done:
            raise RuntimeError("the episode has not ended")
        return self.simulation.results()[0]

    # -- internals -------------------------------------------------------------------------

    def _run_on(self) -> None:
        """Run until an offer with a feasible shot is pending (`self.offer`) or the end."""
        simulation = self.simulation
        assert simulation is not None
        while offers := simulation.advance():
            if offers[0].feasible.any():
                self.offer = offers[0]
                return
            simulation.commit([[]])
        self.offer = None

    def _decode(self, action: IntArray) -> tuple[Choice, int]:
        """The salvos of an action from the pending offer, and the picks the mask forbids."""
        offer = self.offer
        assert offer is not None
        if action.shape != (self.slots,):
            raise ValueError(f"action of shape ({self.slots},) expected, got {action.shape}")
        allowed = self.action_masks().reshape(self.slots, self.units + 1)
        picks = np.clip(action, 0, self.units)
        invalid = int(np.count_nonzero(~allowed[np.arange(self.slots), picks]))
        column = {int(j): c for c, j in enumerate(offer.units)}
        row_picks = [column.get(int(picks[n]) - 1, -1) for n in offer.threats]
        return salvos_of(offer, row_picks), invalid

    def _tally(self) -> float:
        """The reward earned since the last tally (leaks, rounds launched)."""
        simulation = self.simulation
        assert simulation is not None
        battle, world = simulation.battle, self.world
        fu = world.fire_units
        effective = battle.leaked[0] & (battle.miss_m[0] <= world.threat_lethal_radius_m)
        struck = np.zeros_like(self._struck)
        target = world.threat_target[effective]
        struck[target[target >= 0]] = True
        new = struck & ~self._struck
        self._struck |= struck
        cost = float(battle.fired[0] @ fu.unit_cost_musd) if self.units else 0.0
        leaks = int(battle.leaked[0].sum())
        paid_cost, paid_leaks = self._paid
        self._paid = (cost, leaks)
        return -(
            self.value_weight * float(world.asset_value[new].sum())
            + self.cost_weight * (cost - paid_cost)
            + self.leak_weight * (leaks - paid_leaks)
        )

    def _observation(self) -> dict[str, np.ndarray]:
        assert self.simulation is not None
        return observe(self.simulation, self.offer)

    def _info(self) -> dict[str, Any]:
        simulation = self.simulation
        assert simulation is not None
        battle = simulation.battle
        return {
            "action_mask": self.action_masks(),
            "replication": self.replication,
            "time_s": simulation.times[min(simulation.k, len(simulation.times) - 1)],
            "leakers": int(battle.leaked[0].sum()),
            "interceptors_fired": int(battle.fired[0].sum()),
        }
