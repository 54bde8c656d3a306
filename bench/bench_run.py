"""Speed of `kamae run` on the bundled default scenario (prints figures; not a test).

Measures: the world build (once per run); time per replication run one at a time (batch of
1) and in the engine's batches; replications per second with 1 and 2 worker processes.

    python bench/bench_run.py [--replications N]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from importlib import metadata

import numpy as np

from kamae.engine import simulate_many
from kamae.montecarlo import run_montecarlo
from kamae.scenario import load_scenario
from kamae.streams import replication_seeds
from kamae.world import build_world


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=128)
    parser.add_argument("--scenario", default="japan-2027")
    args = parser.parse_args()
    loaded = load_scenario(args.scenario)
    n = args.replications

    t0 = time.perf_counter()
    world = build_world(loaded)
    t_world = time.perf_counter() - t0

    seeds = list(enumerate(replication_seeds(1, 8)))
    t0 = time.perf_counter()
    for item in seeds:
        simulate_many(world, [item])
    t_solo = (time.perf_counter() - t0) / len(seeds)

    seeds = list(enumerate(replication_seeds(1, 16)))
    t0 = time.perf_counter()
    simulate_many(world, seeds)
    t_batch = (time.perf_counter() - t0) / len(seeds)

    rates = {}
    for workers in (1, 2):
        t0 = time.perf_counter()
        run_montecarlo(loaded, n, 1, workers=workers)
        rates[workers] = n / (time.perf_counter() - t0)

    print(
        f"scenario {args.scenario}: {world.trajectory.count} threats, "
        f"{len(world.radars)} radars, {len(world.fire_units.ids)} fire units, "
        f"{world.times.size} steps"
    )
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"scipy {metadata.version('scipy')}, pyproj {metadata.version('pyproj')}"
    )
    print(f"world build: {t_world * 1e3:.0f} ms (once per run)")
    print(f"per replication, one at a time: {t_solo * 1e3:.1f} ms")
    print(
        f"per replication, batch of 16:   {t_batch * 1e3:.1f} ms ({t_solo / t_batch:.1f}x faster)"
    )
    for workers, rate in rates.items():
        print(
            f"{workers} worker(s), {n} replications: {rate:.1f} replications/s "
            f"({1e3 / rate:.1f} ms each, world build and process start included)"
        )
    print(f"speed-up 1 -> 2 workers: {rates[2] / rates[1]:.2f}x")


if __name__ == "__main__":
    main()
