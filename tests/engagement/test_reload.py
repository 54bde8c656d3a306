"""Launchers with a launch interval and magazine reloads (`kamae.engagement.reload`), and
their effect in the engine: a Patriot-like unit (c ready rounds per launcher, reload T_r)
fires L·c rounds, then its next rounds only after T_r; a VLS-like unit is unchanged."""

from __future__ import annotations

import numpy as np
import yaml
from conftest import one_layer_scenario

from kamae.engagement.reload import Launchers
from kamae.runs import run_scenario
from kamae.scenario import load_scenario_text


def _launchers(c: int, reload_s: float = 100.0, inventory: int = 10) -> Launchers:
    return Launchers(
        1, np.array([2]), np.array([inventory]), np.array([1.0]), np.array([c]),
        np.array([reload_s]),
    )  # fmt: skip


def _fire_greedily(lch: Launchers, inventory: int, until: float) -> list[float]:
    """Fire one round whenever a launcher is ready (1 s steps); the launch times."""
    times = []
    for t in np.arange(0.0, until, 1.0):
        while inventory > 0 and lch.ready(0, 0, float(t)) > 0:
            inventory -= 1
            lch.fire(0, 0, 1, float(t), inventory)
            times.append(float(t))
    return times


def test_patriot_like_launchers_fire_their_load_then_wait_for_the_reload() -> None:
    # Two launchers of 2 ready rounds, 10 in all: 4 rounds at t = 0, 1 (launch interval
    # 1 s); each empty launcher reloads 2 rounds, ready 100 s after its last launch. At 102 s
    # the first to empty takes the last 2 rounds of the magazine, the other stays empty.
    times = _fire_greedily(_launchers(2), 10, 400.0)
    assert times[:4] == [0.0, 0.0, 1.0, 1.0]
    assert times[4:8] == [101.0, 101.0, 102.0, 102.0]
    assert times[8:] == [202.0, 203.0]


def test_vls_like_launchers_only_wait_for_the_launch_interval() -> None:
    times = _fire_greedily(_launchers(0), 10, 400.0)
    assert times == [0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0, 4.0, 4.0]


def test_reloading_is_seen_and_ends() -> None:
    lch = _launchers(1, reload_s=50.0, inventory=4)
    lch.fire(0, 0, 2, 0.0, 2)
    assert not lch.ready_any(10.0)[0, 0] and lch.reloading_any(10.0)[0, 0]
    assert lch.ready_any(50.0)[0, 0] and not lch.reloading_any(50.0)[0, 0]


def _run(doc: dict):  # noqa: ANN202
    loaded = load_scenario_text(yaml.safe_dump(doc).encode(), "test.yaml")
    return run_scenario(loaded, replications=4, out=None).result


def test_reload_time_spaces_the_salvos_in_the_engine() -> None:
    # Twelve threats 5 s apart, one launcher of 2 ready rounds and a 120 s reload: salvos of
    # two go out at least 120 s apart, where a VLS-like unit fires at every threat in turn.
    doc = one_layer_scenario(count=12, shots=2, sspk=0.7, replications=4)
    doc["fire_units"][0].update(launchers=2, inventory=40, launch_interval_s=1)
    vls = _run(doc)
    doc["fire_units"][0].update(rounds_per_launcher=1, reload_s=120)
    patriot = _run(doc)

    def launch_times(result, rep: int) -> list[float]:  # noqa: ANN001
        ev = result.events.to_pylist()
        return sorted(e["time_s"] for e in ev if e["kind"] == "launch" and e["replication"] == rep)

    for rep in range(4):
        salvos = sorted(set(launch_times(patriot, rep)))
        assert all(b - a >= 120 for a, b in zip(salvos, salvos[1:], strict=False))
        assert len(launch_times(vls, rep)) > len(launch_times(patriot, rep))
