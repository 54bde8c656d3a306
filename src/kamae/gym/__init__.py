"""A Gymnasium environment in which the agent is the engine's battle manager
(`kamae.gym.env.KamaeBattleEnv`), with the built-in doctrine and a random policy as
references (`kamae.gym.policies`); docs/interop.md states its spaces, units and reward.

The only package of kamae that imports gymnasium: the engine offers its decisions
(`kamae.engine.offers`) and is stepped by `kamae.engine.loop.Simulation` without it.
"""

from kamae.gym.env import KamaeBattleEnv
from kamae.gym.policies import DoctrinePolicy, RandomPolicy, run_episode

__all__ = ["DoctrinePolicy", "KamaeBattleEnv", "RandomPolicy", "run_episode"]
