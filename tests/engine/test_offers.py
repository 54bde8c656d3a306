"""kamae.engine.offers and loop.Simulation: an offer's picks become the salvos the built-in
assignment would fire, and the stepper refuses to run past pending offers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import one_layer_scenario, write_scenario

from kamae.engagement.salvo_assignment import assign_salvos
from kamae.engine.loop import Simulation, simulate_batch
from kamae.engine.offers import DecisionStep, Offer, Rows, salvos_of
from kamae.world import load_world


def offer_of(pk: list[list[float]], rounds: list[int], want: list[int]) -> Offer:
    """A synthetic offer: rows are threats 0.., columns units 0.."""
    p = np.array(pk, dtype=float)
    rows = Rows()
    for n in range(p.shape[0]):
        rows.append((n, 0, np.flatnonzero(np.isfinite(p[n]))))
        rows.kept.append(n)
    step = DecisionStep(np.arange(p.shape[0]), np.ones(p.shape[0]), np.zeros(p.shape[0], int),
                        0, 0.0, np.zeros((0, 0), int), np.zeros((0, 0)))  # fmt: skip
    rank = np.zeros(p.shape, dtype=np.int64)
    return Offer(0, step, rows, {}, np.arange(p.shape[1]), np.array(rounds), p, rank,
                 np.array(want), np.linspace(3.0, 1.0, p.shape[0]))  # fmt: skip


def test_picks_fire_the_wanted_salvo_capped_by_rounds_in_priority_order() -> None:
    offer = offer_of([[0.8, 0.5], [0.7, np.nan], [0.6, 0.6]], rounds=[3, 2], want=[2, 2, 2])
    # Rows 0 and 1 both on unit 0 (3 rounds): row 0 gets 2, row 1 the last 1; row 2 on unit 1.
    assert salvos_of(offer, [0, 0, 1]) == [(0, 0, 2), (1, 0, 1), (2, 1, 2)]
    # A pick without a shot (row 1, unit 1) holds; -1 holds; unit 0 runs out for row 2.
    assert salvos_of(offer, [0, 1, -1]) == [(0, 0, 2)]
    assert salvos_of(offer, [0, -1, 0]) == [(0, 0, 2), (2, 0, 1)]
    with pytest.raises(ValueError, match="one pick per row"):
        salvos_of(offer, [0, 0])


def test_the_assignments_own_choice_survives_being_picked() -> None:
    """The static assignment's salvos, given back as picks, are the same salvos: what lets
    an agent's action (a unit per threat) reproduce the doctrine."""
    rng = np.random.default_rng(4)
    for _ in range(200):
        t, u = rng.integers(1, 6), rng.integers(1, 4)
        pk = np.where(rng.random((t, u)) < 0.7, rng.uniform(0.3, 0.9, (t, u)), np.nan)
        offer = offer_of(
            pk.tolist(), rng.integers(0, 5, u).tolist(), rng.integers(1, 3, t).tolist()
        )
        chosen = assign_salvos(offer.row_value, offer.pk, offer.rounds, offer.want, 2, offer.rank)
        picks = np.full(t, -1)
        for row, c, _ in chosen:
            picks[row] = c
        assert salvos_of(offer, picks) == chosen


def test_simulation_steps_to_offers_and_equals_the_batch(tmp_path: Path) -> None:
    world = load_world(write_scenario(tmp_path, one_layer_scenario(count=3)))
    generators = [np.random.default_rng(s) for s in (1, 2)]
    expected = simulate_batch(world, [np.random.default_rng(s) for s in (1, 2)])
    simulation = Simulation(world, generators)
    offers = simulation.advance()
    assert offers and all(o.feasible.any() for o in offers)
    with pytest.raises(RuntimeError, match="committed first"):
        simulation.advance()
    with pytest.raises(RuntimeError, match="not reached their end"):
        simulation.results()
    while offers:
        simulation.commit([simulation.doctrine_choice(o) for o in offers])
        offers = simulation.advance()
    got = simulation.results()
    assert [r.metrics for r in got] == [r.metrics for r in expected]
    assert [r.events for r in got] == [r.events for r in expected]
