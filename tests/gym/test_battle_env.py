"""kamae.gym: the battle-manager environment passes Gymnasium's checker, its built-in-doctrine
policy reproduces the engine's replications (`kamae run`: same streams, same results), its
masks and observation agree with the offer, and its reward is the stated sum."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import one_layer_scenario, write_scenario
from gymnasium.utils.env_checker import check_env

from kamae.engine import simulate_many
from kamae.gym import DoctrinePolicy, KamaeBattleEnv, RandomPolicy, run_episode
from kamae.streams import replication_seeds
from kamae.world import load_world

JAPAN = "japan-2027"


def engine_replications(env: KamaeBattleEnv, count: int) -> list:
    """Replications 0 .. count - 1 as `kamae run` makes them (`simulate_many` on the run's
    streams), one batch."""
    seeds = list(enumerate(replication_seeds(env.master_seed, count)))
    return [result for _, result in simulate_many(env.world, seeds)]


def assert_doctrine_reproduces_engine(count: int) -> None:
    env = KamaeBattleEnv(JAPAN)
    policy = DoctrinePolicy(env)
    for i, expected in enumerate(engine_replications(env, count)):
        _, info = run_episode(env, policy, seed=i)
        got = info["result"]
        assert info["leakers"] == expected.metrics["threats_leaked"], i
        assert info["interceptors_fired"] == expected.metrics["interceptors_fired"], i
        assert dict(got.metrics) == dict(expected.metrics), i  # every metric, bit for bit
        assert got.events == expected.events, i  # and every event of the replication


def test_doctrine_policy_reproduces_the_engine_on_three_seeds() -> None:
    """The default suite's share (about 10 s of CPU); the hundred seeds run with -m slow."""
    assert_doctrine_reproduces_engine(3)


@pytest.mark.slow  # 100 episodes + 100 replications of japan-2027: ~7 min of CPU
def test_doctrine_policy_reproduces_the_engine_on_a_hundred_seeds() -> None:
    assert_doctrine_reproduces_engine(100)


def test_passes_gymnasiums_environment_checker() -> None:
    env = KamaeBattleEnv(JAPAN)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning either (bounds, dtypes, seeding)
        check_env(env, skip_render_check=True)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """Six MRBMs at one city, one unit: episodes of a few decisions."""
    return write_scenario(tmp_path, one_layer_scenario(count=6, replications=4))


def test_same_seed_same_episode(small: Path) -> None:
    def episode() -> tuple[list[float], list[np.ndarray]]:
        env = KamaeBattleEnv(small)
        policy = RandomPolicy(env, seed=3)
        obs, info = env.reset(seed=2)
        rewards, seen, done = [], [obs["shot_pk"]], False
        while not done:
            obs, reward, done, _, info = env.step(policy(obs, info))
            rewards.append(reward)
            seen.append(obs["shot_pk"])
        return rewards, seen

    (r1, o1), (r2, o2) = episode(), episode()
    assert r1 == r2
    assert all(np.array_equal(a, b) for a, b in zip(o1, o2, strict=True))


def test_mask_and_observation_describe_the_offer(small: Path) -> None:
    env = KamaeBattleEnv(small)
    obs, info = env.reset(seed=0)
    assert env.observation_space.contains(obs)
    offer = env.offer
    assert offer is not None and offer.feasible.any()
    mask = info["action_mask"].reshape(env.slots, env.units + 1)
    assert np.array_equal(mask, env.action_masks().reshape(mask.shape))
    assert mask[:, 0].all()  # holding is always allowed
    assert np.array_equal(mask[:, 1:], obs["shot_feasible"].astype(bool))
    for row, n in enumerate(offer.threats):
        assert obs["threat_candidate"][n] == 1
        for c, j in enumerate(offer.units.tolist()):
            if offer.feasible[row, c]:
                assert obs["shot_pk"][n, j] == np.float32(offer.pk[row, c])
                assert 0.0 < obs["shot_pk"][n, j] <= 0.7  # the scenario's SSPK
                assert obs["fire_control"][j, n] == 1  # only fire-control tracks are offered
                assert obs["track_held"][j, n] == 1
                assert obs["shot_intercept_s"][n, j] > obs["time_s"][0]
    candidates = obs["threat_candidate"].astype(bool)
    assert not mask[~candidates, 1:].any()  # only candidates can be fired at
    # The unit's picture is the engine's (its track states, here updated at this step),
    # and each candidate's track follows its threat.
    world, t = env.world, float(obs["time_s"][0])
    k = int(np.searchsorted(world.times, t))
    bank = env.simulation.pictures.bank_of(0)
    for n in offer.threats:
        assert bank.time[n] == t
        assert np.array_equal(obs["track_position_m"][0, n], bank.state[n, :3].astype(np.float32))
        assert np.array_equal(obs["track_velocity_mps"][0, n], bank.state[n, 3:].astype(np.float32))
        assert np.linalg.norm(obs["track_position_m"][0, n] - world.trajectory.position[n, k]) < 1e3


def test_forbidden_picks_hold(small: Path) -> None:
    """A pick the mask forbids is counted and holds: the episode equals holding."""

    def first_step(action_of):  # noqa: ANN001, ANN202
        env = KamaeBattleEnv(small)
        env.reset(seed=1)
        return env.step(action_of(env))

    held = first_step(lambda env: np.zeros(env.slots, dtype=np.int64))
    wrong = first_step(lambda env: np.where(env.action_masks().reshape(env.slots, -1)[:, 1], 0, 1))
    assert wrong[4]["invalid_picks"] > 0 and held[4]["invalid_picks"] == 0
    assert held[1] == wrong[1]
    assert held[4]["interceptors_fired"] == wrong[4]["interceptors_fired"] == 0


@pytest.mark.parametrize(
    ("weights", "lethal_radius_m"), [((1.0, 0.1, 0.0), np.inf), ((2.0, 0.5, 3.0), 1500.0)]
)
def test_return_is_value_surviving_less_cost(
    small: Path, weights: tuple, lethal_radius_m: float
) -> None:
    """Return = value_w·(asset value no effective leaker struck) - cost_w·(interceptor cost)
    - leak_w·(leakers); a leaker is effective within the lethal radius of its aim point (the
    CEP is 2 km here, so with a 1.5 km radius some are not)."""
    value_w, cost_w, leak_w = weights
    world = load_world(small)
    world = dataclasses.replace(
        world, threat_lethal_radius_m=np.full(world.trajectory.count, lethal_radius_m)
    )
    env = KamaeBattleEnv(
        world, seed=7, value_weight=value_w, cost_weight=cost_w, leak_weight=leak_w
    )

    def policy(obs: dict, info: dict) -> np.ndarray:
        """Fire at the even track slots (first allowed unit), let the odd ones leak."""
        mask = info["action_mask"].reshape(env.slots, env.units + 1)[:, 1:]
        fire = mask.any(axis=1) & (np.arange(env.slots) % 2 == 0)
        return np.where(fire, 1 + mask.argmax(axis=1), 0)

    leaked_any = False
    for seed in range(2):
        total, info = run_episode(env, policy, seed=seed)
        metrics, events = info["result"].metrics, info["result"].events
        leakers = [
            world.threat_ids.index(x)
            for x, kind in zip(events.threat, events.kind, strict=True)
            if kind == "leak"
        ]
        miss = env.simulation.battle.miss_m[0]
        struck = {int(world.threat_target[n]) for n in leakers if miss[n] <= lethal_radius_m}
        surviving = float(world.asset_value.sum()) - sum(
            float(world.asset_value[a]) for a in struck
        )
        expected = (
            value_w * surviving
            - cost_w * metrics["interceptor_cost_musd"]
            - leak_w * metrics["threats_leaked"]
        )
        assert total == pytest.approx(expected, rel=1e-12, abs=1e-9)
        assert metrics["threats_leaked"] == len(leakers)
        leaked_any |= bool(leakers)
    assert leaked_any  # the case is exercised


def test_reset_without_seed_runs_the_next_replication(small: Path) -> None:
    env = KamaeBattleEnv(small)
    env.reset(seed=2)
    env.reset()
    assert env.replication == 3
    with pytest.raises(ValueError, match="master seed"):
        KamaeBattleEnv(env.world)
