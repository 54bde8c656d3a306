"""Two reference policies of `KamaeBattleEnv`: the built-in doctrine and a random one.

`DoctrinePolicy` answers each decision with the built-in doctrine's choice from the pending
offer (`KamaeBattleEnv.doctrine_action`: the engine's own chooser applied to the offer's
full-precision figures, not re-derived from the float32 observation), so that its episodes
reproduce `kamae run` replication by replication. `RandomPolicy` picks, for each candidate
track slot, uniformly among holding and the units the mask allows, from its own seeded
generator: the contrast a learnt policy should beat.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from kamae.arrays import BoolArray, IntArray
from kamae.gym.env import KamaeBattleEnv


class DoctrinePolicy:
    """The built-in doctrine as a policy of `env`."""

    def __init__(self, env: KamaeBattleEnv) -> None:
        self.env = env

    def __call__(self, observation: dict[str, np.ndarray], info: dict[str, Any]) -> IntArray:
        return self.env.doctrine_action()


class RandomPolicy:
    """Uniform over each track slot's allowed picks (hold included), seeded."""

    def __init__(self, env: KamaeBattleEnv, seed: int = 0) -> None:
        self.shape = (env.slots, env.units + 1)
        self.rng = np.random.default_rng(seed)

    def __call__(self, observation: dict[str, np.ndarray], info: dict[str, Any]) -> IntArray:
        mask: BoolArray = np.asarray(info["action_mask"], dtype=bool).reshape(self.shape)
        action = np.zeros(self.shape[0], dtype=np.int64)
        for n in np.flatnonzero(observation["threat_candidate"]).tolist():
            action[n] = int(self.rng.choice(np.flatnonzero(mask[n])))
        return action


def run_episode(env: KamaeBattleEnv, policy: Any, seed: int) -> tuple[float, dict[str, Any]]:
    """One episode of `policy` (called with the observation and info) on replication `seed`:
    its return and the last step's info (with the replication's `result`)."""
    observation, info = env.reset(seed=seed)
    total, terminated = 0.0, False
    while not terminated:
        observation, reward, terminated, _, info = env.step(policy(observation, info))
        total += reward
    return total, info
