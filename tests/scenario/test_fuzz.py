"""Fuzzing the scenario reader (issue 23): mutated bundled scenarios and hypothesis-made values.

Every case ends in one of two ways: a refusal whose every line is a `ScenarioError` naming
the file and a field (or the workload's one line naming the file), or a world that passes
`kamae validate`'s checks; for a sample of those, a short run whose every output is finite
(`scenario_mutations.outcome`). Nothing is caught here: a traceback fails the case, and
hypothesis shrinks it to the smallest file that shows it. The default run tries about 340
cases; `-m slow` more than 10,000 (the counts of one run are in docs/reliability.md, from
bench/bench_hostile.py). Cases are derandomized: the same in every run.
"""

from __future__ import annotations

import copy
import random

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scenario_mutations import KINDS, bundled_data, mutate, outcome, paths

from kamae.scenario.safe_yaml import dump_yaml

FAST = settings(
    max_examples=200,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW = settings(FAST, max_examples=8_000)
NAMES = tuple(bundled_data())
STAGES = {"refused", "refused-physics", "refused-workload", "accepted"}

mutations = {
    "name": st.sampled_from(NAMES),
    "kind": st.sampled_from(KINDS),
    "rng": st.randoms(use_true_random=False),
    "changes": st.integers(1, 3),
}


def _mutated(name: str, kind: str, rng: random.Random, changes: int) -> None:
    result = outcome(mutate(name, kind, rng, changes))
    event(f"{result.stage}: {result.reason or '-'}")
    assert result.stage in STAGES


@FAST
@given(**mutations)
def test_mutated_bundled_scenarios(name: str, kind: str, rng: random.Random, changes: int) -> None:
    _mutated(name, kind, rng, changes)


@pytest.mark.slow
@SLOW
@given(**mutations)
def test_mutated_bundled_scenarios_many(
    name: str, kind: str, rng: random.Random, changes: int
) -> None:
    _mutated(name, kind, rng, changes)


leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)


def _any_value(name: str, where: int, value: object) -> None:
    doc = copy.deepcopy(bundled_data()[name])
    found = [p for p, _ in paths(doc) if p]
    path = found[where % len(found)]
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    text = dump_yaml(doc, sort_keys=False, allow_unicode=True)
    result = outcome(text.encode("utf-8", "surrogatepass"))
    event(f"{result.stage}: {result.reason or '-'}")
    assert result.stage in STAGES


@settings(FAST, max_examples=80)
@given(name=st.sampled_from(NAMES), where=st.integers(0, 10**6), value=values)
def test_any_value_in_any_field(name: str, where: int, value: object) -> None:
    _any_value(name, where, value)


@pytest.mark.slow
@settings(FAST, max_examples=1_500)
@given(name=st.sampled_from(NAMES), where=st.integers(0, 10**6), value=values)
def test_any_value_in_any_field_many(name: str, where: int, value: object) -> None:
    _any_value(name, where, value)


def _any_text(name: str, where: int, text: str) -> None:
    raw = bundled_scenarios_text(name)
    at = where % (len(raw) + 1)
    result = outcome((raw[:at] + text + raw[at:]).encode("utf-8", "surrogatepass"), world=False)
    assert result.stage in STAGES


def bundled_scenarios_text(name: str) -> str:
    return dump_yaml(bundled_data()[name], sort_keys=False)


@settings(FAST, max_examples=60)
@given(name=st.sampled_from(NAMES), where=st.integers(0, 10**6), text=st.text(max_size=12))
def test_any_text_anywhere(name: str, where: int, text: str) -> None:
    _any_text(name, where, text)


@pytest.mark.slow
@settings(FAST, max_examples=1_000)
@given(name=st.sampled_from(NAMES), where=st.integers(0, 10**6), text=st.text(max_size=12))
def test_any_text_anywhere_many(name: str, where: int, text: str) -> None:
    _any_text(name, where, text)


# -- accepted files run, and their outputs are finite ------------------------------------------

RUN_KINDS = ("number", "name", "swap", "list-item", "delete-key", "value")


def _run_one(seed: int, names: tuple[str, ...]) -> None:
    """The first of a seeded series of mutations (1-2 changes) that passes every check, run
    for one replication; every output must be finite (`outcome`). Those refused on the way
    are checked too."""
    rng = random.Random(seed)
    for _ in range(200):
        raw = mutate(rng.choice(names), rng.choice(RUN_KINDS), rng, rng.randint(1, 2))
        if outcome(raw).stage == "accepted":
            assert outcome(raw, run=1).stage == "ran"
            return
    pytest.fail(f"seed {seed}: no mutation of 200 passed the checks")


@pytest.mark.parametrize("seed", range(2))
def test_accepted_mutations_run_with_finite_outputs(seed: int) -> None:
    _run_one(seed, ("japan-2027",))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(2, 26))
def test_accepted_mutations_run_with_finite_outputs_many(seed: int) -> None:
    _run_one(seed, NAMES)
