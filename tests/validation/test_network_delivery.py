"""Message delivery against closed forms.

- Fixed latency, no loss: arrival = send + sum of the link latencies on the route (exact).
- Independent loss p per link: the delivered fraction over h hops is (1-p)^h (a product of
  independent Bernoulli survivals); checked with the Wilson 95% interval.
- Queueing: Poisson arrivals at rate λ on a link serving μ messages/s (deterministic service)
  form an M/D/1 queue, whose mean wait in queue is the Pollaczek-Khinchine value
  Wq = ρ / (2 μ (1 - ρ)), ρ = λ/μ (Kleinrock, Queueing Systems Vol. 1, Wiley 1975, section 5.7;
  Gross & Harris, Fundamentals of Queueing Theory, 4th ed. 2008, section 5.1.2); checked with
  a batch-means 95% interval (waits are autocorrelated).
- Jitter: per-hop delays have the link's mean and standard deviation.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "network"))
from net_fixtures import allied_section, chain_section, network_of  # noqa: E402

from kamae.network import TRACKS  # noqa: E402
from kamae.results.statistics import mean_interval, wilson_interval  # noqa: E402


def _chain_with(latencies_ms: list[float], loss: float = 0.0, capacity=None):
    section = chain_section(hops=len(latencies_ms), loss=loss, capacity=capacity)
    for link, lat in zip(section["links"], latencies_ms, strict=True):
        link["latency_ms"] = lat
    return network_of(section, sensor_ids=["radar"], fire_unit_ids=["unit"])


@pytest.mark.parametrize("latencies", [[40.0], [10.0, 250.0, 3.5], [1.0, 2.0, 3.0, 4.0, 500.0]])
def test_fixed_latency_sums_along_route(latencies: list[float]) -> None:
    net = _chain_with(latencies)
    send = np.random.default_rng(0).uniform(0.0, 1000.0, 100)
    d = net.deliver(send, 0, len(latencies), TRACKS, np.random.default_rng(1))
    np.testing.assert_allclose(d.arrival_s - send, sum(latencies) / 1000.0, rtol=0, atol=1e-9)
    assert (d.hops == len(latencies)).all()


def test_fixed_latency_on_a_routed_graph() -> None:
    section = allied_section()
    for node in section["nodes"]:
        node["processing_ms"] = 0.0
    net = network_of(section, sensor_ids=["tpy2", "mpq65"], fire_unit_ids=["pac3"])
    nodes = net.topology.node_ids
    send = np.linspace(0.0, 60.0, 13)
    d = net.deliver(
        send, nodes.index("us-radar"), nodes.index("battery"), TRACKS, np.random.default_rng(0)
    )
    np.testing.assert_allclose(d.arrival_s, send + (100 + 300 + 50) / 1000.0, atol=1e-12)


@pytest.mark.parametrize(("hops", "p"), [(1, 0.1), (3, 0.1), (5, 0.2)])
def test_delivery_fraction_is_product_of_link_survivals(hops: int, p: float) -> None:
    net = _chain_with([20.0] * hops, loss=p)
    n = 20000
    d = net.deliver(np.zeros(n), 0, hops, TRACKS, np.random.default_rng(100 + hops))
    delivered = int(np.isfinite(d.arrival_s).sum())
    ci = wilson_interval(delivered, n)
    assert ci.low <= (1 - p) ** hops <= ci.high
    assert net.routes.success[0, 0, hops] == pytest.approx((1 - p) ** hops)


def _md1_waits(rate: float, capacity: float, n: int, step_s: float | None, seed: int):
    net = _chain_with([10.0], capacity=capacity)
    rng = np.random.default_rng(seed)
    send = np.cumsum(rng.exponential(1.0 / rate, n))
    queues = net.new_queues()
    if step_s is None:
        return net.deliver(send, 0, 1, TRACKS, rng, queues).queued_s
    waits = np.empty(n)
    edges = np.searchsorted(send, np.arange(0.0, send[-1] + step_s, step_s))
    for a, b in zip(edges[:-1], edges[1:], strict=True):  # one call per engine step
        waits[a:b] = net.deliver(send[a:b], 0, 1, TRACKS, rng, queues).queued_s
    return waits


@pytest.mark.parametrize("step_s", [None, 1.0])
def test_md1_mean_wait_is_pollaczek_khinchine(step_s: float | None) -> None:
    lam, mu = 80.0, 100.0  # 80 messages per engine step of 1 s
    rho = lam / mu
    expected = rho / (2.0 * mu * (1.0 - rho))  # 0.02 s
    waits = _md1_waits(lam, mu, 200_000, step_s, seed=11)[2000:]
    batches = waits[: waits.size // 50 * 50].reshape(50, -1).mean(axis=1)
    ci = mean_interval(batches)
    assert ci.low <= expected <= ci.high, (ci, expected)


def test_jitter_gives_the_links_mean_and_deviation() -> None:
    section = chain_section(hops=1, latency_ms=200.0, jitter_ms=60.0)
    net = network_of(section, sensor_ids=["radar"], fire_unit_ids=["unit"])
    n = 20000
    delay = net.deliver(np.zeros(n), 0, 1, TRACKS, np.random.default_rng(5)).arrival_s
    ci = mean_interval(delay)
    assert ci.low <= 0.2 <= ci.high
    var = float(np.var(delay, ddof=1))
    # normal-theory interval for the variance is too narrow for a skewed gamma: use the
    # gamma's kurtosis (excess 6/k, k = (mean/sd)^2) in the variance of s^2
    k = (0.2 / 0.06) ** 2
    se = np.sqrt((2.0 + 6.0 / k) / (n - 1)) * 0.06**2
    z = stats.norm.ppf(0.975)
    assert abs(var - 0.06**2) <= z * se
    assert (delay > 0).all()


def test_jitter_quantiles_against_the_exact_gamma() -> None:
    """The delay quantile: exact (scipy's gamma) below shape 16, Wilson & Hilferty's (1931)
    cube-root approximation above, within 1 % on u in [0.001, 0.999]."""
    from kamae.network.delivery import _gamma_delay

    u = np.linspace(0.001, 0.999, 999)
    for k in (2.0, 11.1, 16.0, 25.0, 576.0):
        mean = np.full(u.size, 0.5)
        q = _gamma_delay(mean, mean / np.sqrt(k), u)
        exact = stats.gamma.ppf(u, k, scale=0.5 / k)
        tolerance = 1e-9 if k < 16 else 1e-2
        assert np.max(np.abs(q / exact - 1.0)) <= tolerance, k
