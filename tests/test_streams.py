"""Every named stream is the seed sequence its docstring says, so moving the derivations into
kamae.streams changed no number (the keys are those the callers spawned before)."""

from __future__ import annotations

import numpy as np

from kamae import streams


def state(ss: np.random.SeedSequence) -> list[int]:
    return ss.generate_state(4).tolist()


def test_replication_and_sweep_streams_are_the_spawned_children() -> None:
    master = np.random.SeedSequence(11)
    children = master.spawn(5)
    assert [state(s) for s in streams.replication_seeds(11, 5)] == [state(c) for c in children]
    assert state(streams.sweep_seed(11, 3, 4)) == state(children[4])
    assert [state(streams.replication_seed(11, i)) for i in range(5)] == [
        state(c) for c in children
    ]
    keyed = np.random.default_rng(streams.replication_seed(11, 2))
    spawned = np.random.default_rng(children[2])
    # ... and so are its sub-streams (the network's, derived from the generator's key).
    assert streams.network_generator(keyed).random() == streams.network_generator(spawned).random()
    independent = np.random.SeedSequence(11).spawn(4)[3].spawn(5)[4]
    assert state(streams.sweep_seed(11, 3, 4, common=False)) == state(independent)


def test_campaign_step_streams_are_step_then_replication_then_two() -> None:
    step = np.random.SeedSequence(7).spawn(3)[2]
    pairs = [child.spawn(2) for child in step.spawn(4)]
    defense, strike = streams.campaign_step_seeds(7, 2, 4)
    assert [state(s) for s in defense] == [state(p[0]) for p in pairs]
    assert [state(s) for s in strike] == [state(p[1]) for p in pairs]


def test_reserved_streams_use_their_keys_and_never_meet() -> None:
    keys = {
        streams.SAMPLE_SPAWN_KEY,
        streams.CALIBRATION_SPAWN_KEY,
        streams.CONFIRMATION_SPAWN_KEY,
        streams.EPISTEMIC_SPAWN_KEY,
        streams.NETWORK_SPAWN_KEY,
    }
    assert len(keys) == 5 and all(k < 2**32 for k in keys)
    cal = np.random.SeedSequence(5, spawn_key=(streams.CALIBRATION_SPAWN_KEY, 1, 0)).spawn(3)
    assert [state(s) for s in streams.calibration_seeds(5, (1, 0), 3)] == [state(c) for c in cal]
    conf = np.random.SeedSequence(5, spawn_key=(streams.CONFIRMATION_SPAWN_KEY,)).spawn(3)
    assert [state(s) for s in streams.confirmation_seeds(5, 3)] == [state(c) for c in conf]
    sample = np.random.default_rng(np.random.SeedSequence(5, spawn_key=(2**32 - 1,)))
    assert streams.sample_generator(5).random() == sample.random()
    epistemic = np.random.default_rng(np.random.SeedSequence(5, spawn_key=(2**32 - 4,)))
    assert streams.epistemic_generator(5).random() == epistemic.random()


def test_the_network_stream_is_keyed_off_the_replication() -> None:
    child = np.random.SeedSequence(3).spawn(2)[1]
    generator = np.random.default_rng(child)
    generator.spawn(3)  # spawning from the replication's generator does not move it
    expected = np.random.SeedSequence(3, spawn_key=(1, streams.NETWORK_SPAWN_KEY))
    assert streams.network_generator(generator).random() == np.random.default_rng(expected).random()
