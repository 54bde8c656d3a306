"""Message delivery: routes, policy, queues, events, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from net_fixtures import allied_section, chain_section, network_of

from kamae.errors import KamaeError
from kamae.network import (
    EARLY_WARNING,
    TRACKS,
    fifo_service_start,
    fully_connected,
)


def _chain(**kw):
    return network_of(chain_section(**kw), sensor_ids=["radar"], fire_unit_ids=["unit"])


def _allied(**changes):
    section = allied_section()
    section.update(changes)
    return network_of(section, sensor_ids=["tpy2", "mpq65"], fire_unit_ids=["pac3"])


def test_route_prefers_least_delay_and_adds_relay_processing() -> None:
    net = _allied()
    nodes = net.topology.node_ids
    src, dst = nodes.index("us-radar"), nodes.index("battery")
    # via us-c2 (100 + 100 proc + 300 + 200 proc + 50) beats the satellite (120 + 900 + 200 + 50)
    assert net.routes.hops[0, src, dst] == 3
    assert net.routes.mean_delay_s[0, src, dst] == pytest.approx(0.75)
    d = net.deliver(np.array([10.0]), src, dst, TRACKS, np.random.default_rng(0))
    assert d.arrival_s[0] == pytest.approx(10.75)


def test_sharing_policy_refuses_unreleased_kinds() -> None:
    net = _allied()
    nodes = net.topology.node_ids
    src, dst = nodes.index("us-radar"), nodes.index("battery")
    d = net.deliver(
        np.zeros(2), src, dst, np.array([TRACKS, EARLY_WARNING]), np.random.default_rng(0)
    )
    assert np.isfinite(d.arrival_s[0]) and np.isinf(d.arrival_s[1])
    assert list(d.refused) == [False, True]
    # the other way round nothing is released to the US
    back = net.deliver(np.zeros(1), dst, src, TRACKS, np.random.default_rng(0))
    assert np.isinf(back.arrival_s[0]) and back.refused[0]


def test_picture_modes_and_latency() -> None:
    net = _allied()
    p = net.picture(0.0)
    assert p.reachable.tolist() == [[True, True]]
    assert p.organic.tolist() == [[False, True]]
    assert p.latency_s[0, 0] == pytest.approx(0.75) and p.latency_s[0, 1] == 0.0
    # launch on remote: may launch on the US radar's track, must engage on its own radar
    assert p.launch.tolist() == [[True, True]] and p.engage.tolist() == [[False, True]]
    organic = _allied(engagement_modes={"pac3": "organic"}).picture(0.0)
    assert organic.launch.tolist() == [[False, True]]
    remote = _allied(engagement_modes={"pac3": "engage_on_remote"}).picture(0.0)
    assert remote.engage.tolist() == [[True, True]]
    closed = _allied(sharing=[]).picture(0.0)
    assert closed.reachable.tolist() == [[False, True]]


def test_events_reroute_cut_and_blind() -> None:
    events = [
        {"kind": "link_cut", "links": ["us-jp"], "start_s": 100.0, "end_s": 200.0},
        {"kind": "satellite_lost", "node": "sat", "start_s": 150.0, "end_s": None},
        {"kind": "node_compromised", "node": "us-radar", "start_s": 300.0, "end_s": 400.0},
    ]
    net = _allied(events=events)
    assert list(net.epochs.starts) == [-np.inf, 100.0, 150.0, 200.0, 300.0, 400.0]
    # cut: re-routed over the satellite (120 + 900 + 200 + 50 ms)
    assert net.picture(120.0).latency_s[0, 0] == pytest.approx(1.27)
    # cut and satellite lost: no route from the US radar
    assert not net.picture(170.0).reachable[0, 0]
    assert net.picture(250.0).latency_s[0, 0] == pytest.approx(0.75)
    assert not net.picture(350.0).reachable[0, 0]
    assert net.picture(450.0).reachable[0, 0]
    nodes = net.topology.node_ids
    d = net.deliver(
        np.array([50.0, 120.0, 170.0, 350.0]),
        nodes.index("us-radar"),
        nodes.index("battery"),
        TRACKS,
        np.random.default_rng(0),
    )
    assert d.arrival_s[0] == pytest.approx(50.75) and d.arrival_s[1] == pytest.approx(121.27)
    assert np.isinf(d.arrival_s[2:]).all() and d.refused[3] and not d.refused[2]


def test_satellite_lost_blinds_hosted_sensors() -> None:
    section = allied_section()
    section["nodes"][3]["kind"] = "sensor"
    section["nodes"][3]["sensors"] = ["ir"]
    section["events"] = [{"kind": "satellite_lost", "node": "sat", "start_s": 10.0}]
    net = network_of(section, sensor_ids=["tpy2", "mpq65", "ir"], fire_unit_ids=["pac3"])
    assert net.sensors_blind(5.0).tolist() == [False, False, False]
    assert net.sensors_blind(10.0).tolist() == [False, False, True]
    assert not net.picture(20.0).reachable[0, 2]


def test_fixed_route_overrides_and_falls_back() -> None:
    route = {"path": ["us-radar", "sat", "jp-c2", "battery"]}
    events = [{"kind": "link_cut", "links": ["sat-jp"], "start_s": 100.0}]
    net = _allied(routes=[route], events=events)
    assert net.picture(0.0).latency_s[0, 0] == pytest.approx(1.27)
    assert net.picture(100.0).latency_s[0, 0] == pytest.approx(0.75)


def test_link_degradation_scales_delay_loss_capacity() -> None:
    events = [
        {
            "kind": "link_degraded",
            "links": ["l0"],
            "latency_factor": 4.0,
            "added_loss_probability": 0.25,
            "capacity_factor": 0.5,
            "start_s": 10.0,
            "end_s": 20.0,
        }
    ]
    net = network_of(
        chain_section(hops=1, latency_ms=100, loss=0.1, capacity=10.0, events=events),
        sensor_ids=["radar"],
        fire_unit_ids=["unit"],
    )
    e = int(net.epochs.index(15.0))
    assert net.epochs.arc_latency_s[e, 0] == pytest.approx(0.4)
    assert net.epochs.arc_loss[e, 0] == pytest.approx(0.35)
    assert net.epochs.arc_capacity[e, 0] == pytest.approx(5.0)
    assert net.routes.success[e, 0, 1] == pytest.approx(0.65)
    assert net.epochs.arc_loss[int(net.epochs.index(25.0)), 0] == pytest.approx(0.1)


def test_burst_queues_at_capacity() -> None:
    """D/D/1: ten messages at once through a 5 msg/s link leave 0.2 s apart."""
    net = _chain(hops=1, latency_ms=100, capacity=5.0)
    q = net.new_queues()
    d = net.deliver(np.zeros(10), 0, 1, TRACKS, np.random.default_rng(0), q)
    np.testing.assert_allclose(d.arrival_s, 0.1 + 0.2 * np.arange(10))
    np.testing.assert_allclose(d.queued_s, 0.2 * np.arange(10))
    # the queue persists into the next call of the replication
    later = net.deliver(np.array([1.0]), 0, 1, TRACKS, np.random.default_rng(0), q)
    assert later.arrival_s[0] == pytest.approx(2.0 + 0.1)
    # without queues: unlimited capacity
    free = net.deliver(np.zeros(10), 0, 1, TRACKS, np.random.default_rng(0))
    np.testing.assert_allclose(free.arrival_s, 0.1)


def test_fifo_matches_lindley_recursion() -> None:
    rng = np.random.default_rng(3)
    arrival = np.sort(rng.uniform(0, 10, 200))
    server = rng.integers(0, 3, 200)
    service = np.array([0.05, 0.2, 0.5])
    free = np.array([-np.inf, 4.0, -np.inf])
    got = fifo_service_start(arrival, server, service, free.copy())
    expect = np.empty_like(arrival)
    busy = free.copy()
    for k in range(arrival.size):  # Lindley, one message at a time
        g = server[k]
        expect[k] = max(arrival[k], busy[g])
        busy[g] = expect[k] + service[g]
    np.testing.assert_allclose(got, expect, rtol=0, atol=1e-9)
    updated = free.copy()
    fifo_service_start(arrival, server, service, updated)
    np.testing.assert_allclose(updated, busy, atol=1e-9)


def test_same_generator_same_delivery_and_fixed_draw_count() -> None:
    net = _allied(events=[{"kind": "link_cut", "links": ["us-jp"], "start_s": 5.0}])
    net_jit = network_of(
        chain_section(hops=2, jitter_ms=20, loss=0.3), sensor_ids=["radar"], fire_unit_ids=["unit"]
    )
    a = net_jit.deliver(np.arange(50.0), 0, 2, TRACKS, np.random.default_rng(9))
    b = net_jit.deliver(np.arange(50.0), 0, 2, TRACKS, np.random.default_rng(9))
    np.testing.assert_array_equal(a.arrival_s, b.arrival_s)
    nodes = net.topology.node_ids
    r1, r2 = np.random.default_rng(4), np.random.default_rng(4)
    net.deliver(np.zeros(7), nodes.index("us-radar"), nodes.index("battery"), TRACKS, r1)
    net.deliver(np.full(7, 9.0), nodes.index("battery"), nodes.index("us-radar"), TRACKS, r2)
    assert r1.random() == r2.random()  # same number of draws whatever happened


def test_fully_connected_reaches_everyone_at_once() -> None:
    net = fully_connected(["a", "b"], ["x", "y", "z"])
    p = net.picture(0.0)
    assert p.reachable.all() and p.engage.all() and (p.latency_s == 0).all()


def test_bad_topology_raises() -> None:
    section = chain_section()
    section["links"][0]["between"] = ["n0", "nowhere"]
    with pytest.raises(KamaeError, match="unknown node 'nowhere'"):
        network_of(section, sensor_ids=["radar"], fire_unit_ids=["unit"])
    with pytest.raises(KamaeError, match="on no node: other"):
        network_of(chain_section(), sensor_ids=["radar", "other"], fire_unit_ids=["unit"])


def test_batch_delivery_equals_one_call_per_replication() -> None:
    net = network_of(
        chain_section(hops=2, jitter_ms=30, loss=0.2, capacity=4.0),
        sensor_ids=["radar"],
        fire_unit_ids=["unit"],
    )
    sends = [np.sort(np.random.default_rng(r).uniform(0, 3, 12)) for r in range(3)]
    single = []
    for r, send in enumerate(sends):
        q = net.new_queues()
        single.append(net.deliver(send, 0, 2, TRACKS, np.random.default_rng(50 + r), q))
    uniforms = np.vstack(
        [net.message_uniforms(np.random.default_rng(50 + r), s.size) for r, s in enumerate(sends)]
    )
    replication = np.repeat(np.arange(3), 12)
    batch = net.deliver_batch(
        np.concatenate(sends), 0, 2, TRACKS, uniforms, replication, net.new_queues(3)
    )
    np.testing.assert_array_equal(batch.arrival_s, np.concatenate([d.arrival_s for d in single]))
    assert np.isfinite(batch.arrival_s).any() and (batch.queued_s > 0).any()
