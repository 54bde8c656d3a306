"""Sweep performance (prints figures; not a test).

1. Speed-up from 1 to 2 local workers: the same sweep of japan-2027 (2 points) with 1 and 2
   worker processes; wall time with the pool's start, and the steady rate (from the first
   finished chunk to the last).
2. Dask overhead per chunk of 16 replications (the default): each chunk runs here, then as a
   task on a LocalCluster of one single-threaded worker process (alternating, so that load
   from other programs hits both alike); Dask's own overhead is the task's round trip less
   its compute time measured in the worker (cluster start and the worker's first task, which
   imports kamae and receives the world, excluded). For japan-2027 and for a tiny scenario
   whose chunk takes ~40 ms.
3. Peak memory of a one-point sweep of the tiny scenario with 1,000 and 100,000 replications
   on 2 workers, each in a fresh process: peak resident set (getrusage) of the driver process,
   and of the largest worker.

    python bench/bench_sweep.py [--quick] [--skip speedup,dask,memory]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from kamae.engine import simulate_many
from kamae.scenario import load_scenario
from kamae.sweep import run_sweep
from kamae.world import World, build_world

TINY = {
    "version": 1,
    "name": "tiny",
    "time": {"step_s": 30},
    "catalog": {
        "interceptors": {
            "bench-lower": {
                "tier": "lower",
                "min_altitude_km": 1,
                "max_altitude_km": 100,
                "max_range_km": 200,
                "mean_speed_mps": 1500,
                "sspk": {"srbm": 0.7, "mrbm": 0.7, "irbm": 0.7},
                "unit_cost_musd": 1,
                "source": "bench",
                "notional": True,
            }
        }
    },
    "assets": [{"id": "city", "lat_deg": 35.68, "lon_deg": 139.77, "value": 1}],
    "raids": [
        {
            "id": "raid",
            "threat": "srbm-scud-er-class",
            "launch": {"lat_deg": 38.5, "lon_deg": 139.77},
            "target": "city",
            "launch_time_s": 0,
            "count": 1,
        }
    ],
    "sensors": [{"id": "radar", "type": "an-tpy-2", "lat_deg": 35.9, "lon_deg": 139.7}],
    "fire_units": [
        {
            "id": "battery",
            "interceptor": "bench-lower",
            "lat_deg": 35.9,
            "lon_deg": 139.7,
            "inventory": 100,
            "launchers": 4,
        }
    ],
    "doctrine": {"shots_per_salvo": 1, "shoot_look_shoot": False, "layer_order": ["lower"]},
}
"""One SRBM over 100 km, 30 s steps: a chunk of 16 replications in ~40 ms."""


class Clock:
    """A sweep progress that notes when each chunk finished."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.sizes: list[int] = []

    def start(self, total: int, done: int) -> None:
        pass

    def advance(self, replications: int) -> None:
        self.times.append(time.perf_counter())
        self.sizes.append(replications)

    def steady_rate(self, workers: int) -> float:
        """Replications per second once every worker has finished its first chunk (the pool's
        start and the workers' imports excluded)."""
        return sum(self.sizes[workers:]) / (self.times[-1] - self.times[workers - 1])


def speedup(replications: int, trials: int, tmp: Path) -> None:
    """Best of `trials` runs with 1 and 2 workers, alternating (other programs' load on the
    machine only ever slows a run down, so the best run is the closest to a quiet machine)."""
    settings = ["doctrine.shots_per_salvo=1,2"]
    walls: dict[int, list[float]] = {1: [], 2: []}
    steady: dict[int, list[float]] = {1: [], 2: []}
    for trial in range(trials):
        for workers in (1, 2):
            clock = Clock()
            t0 = time.perf_counter()
            run_sweep(
                "japan-2027",
                settings,
                replications=replications,
                seed=1,
                workers=workers,
                out=tmp / f"speedup-{workers}-{trial}",
                progress=clock,
            )
            walls[workers].append(time.perf_counter() - t0)
            steady[workers].append(clock.steady_rate(workers))
    n = 2 * replications
    print(
        f"\n## 1. local pool, japan-2027, 2 points x {replications} replications ({n} in all), "
        f"best of {trials}"
    )
    wall = {w: min(v) for w, v in walls.items()}
    rate = {w: max(v) for w, v in steady.items()}
    for workers in (1, 2):
        print(
            f"{workers} worker(s): {wall[workers]:.1f} s wall ({n / wall[workers]:.2f} rep/s "
            f"with pool start), steady {rate[workers]:.2f} rep/s "
            f"(all trials: {', '.join(f'{r:.2f}' for r in steady[workers])})"
        )
    print(
        f"speed-up 1 -> 2 workers: {wall[1] / wall[2]:.2f}x wall (pool start included), "
        f"{rate[2] / rate[1]:.2f}x steady"
    )


def timed_chunk(world: World, chunk: list) -> float:
    """Run one chunk; its compute time, measured where it ran."""
    t0 = time.perf_counter()
    simulate_many(world, chunk)
    return time.perf_counter() - t0


def dask_overhead(chunks_japan: int, chunks_tiny: int) -> None:
    from kamae.runners.dask import DaskRunner, dask_client

    print("\n## 2. Dask overhead per chunk of 16 replications (LocalCluster, 1 worker process)")
    print("(chunks run one at a time, alternating here and on Dask; medians)")
    for name, loaded, count in (
        ("japan-2027", load_scenario("japan-2027"), chunks_japan),
        ("tiny", load_tiny(), chunks_tiny),
    ):
        world = build_world(loaded)
        seeds = np.random.SeedSequence(5).spawn(16 * (count + 1))
        chunks = [list(enumerate(seeds[16 * k : 16 * (k + 1)])) for k in range(count + 1)]
        here, inside, trip = [], [], []
        with dask_client(workers=1, processes=True) as client:
            runner = DaskRunner(client)
            shared = runner.share(world)
            runner.submit(timed_chunk, shared, chunks[0]).result()  # imports, world transfer
            timed_chunk(world, chunks[0])
            for part in chunks[1:]:
                here.append(timed_chunk(world, part))
                t0 = time.perf_counter()
                inside.append(runner.submit(timed_chunk, shared, part).result())
                trip.append(time.perf_counter() - t0)
            flow = [_pipelined(runner, shared, world, chunks[1:]) for _ in range(3)]
        h, i, t = (float(np.median(x)) for x in (here, inside, trip))
        ratio = float(np.median([d / s for s, d in flow]))
        print(
            f"{name}: {count} chunks; compute here {h * 1e3:.0f} ms, in the Dask worker "
            f"{i * 1e3:.0f} ms ({i / h - 1:+.1%}); round trip {t * 1e3:.0f} ms: Dask's own "
            f"overhead {(t - i) * 1e3:.1f} ms = {(t - i) / i:.1%} of the chunk; end to end "
            f"{t / h - 1:+.1%} against this process; pipelined (2 tasks in flight, as in a "
            f"sweep) {ratio - 1:+.1%} against this process"
        )


def _pipelined(runner: Any, shared: Any, world: World, chunks: list) -> tuple[float, float]:
    """Seconds for the chunks here, and on Dask with two tasks in flight."""
    from concurrent.futures import FIRST_COMPLETED, wait

    t0 = time.perf_counter()
    for part in chunks:
        simulate_many(world, part)
    here = time.perf_counter() - t0
    t0 = time.perf_counter()
    running: set = set()
    for part in chunks:
        if len(running) >= 2:
            _, running = wait(running, return_when=FIRST_COMPLETED)
        running.add(runner.submit(simulate_many, shared, part))
    wait(running)
    return here, time.perf_counter() - t0


def memory(sizes: list[int], tmp: Path) -> None:
    print("\n## 3. peak memory, tiny scenario, one point, 2 local workers")
    scenario = tmp / "tiny.yaml"
    scenario.write_text(yaml.safe_dump(TINY, sort_keys=False), encoding="utf-8")
    peaks = {}
    for n in sizes:
        out = tmp / f"memory-{n}"
        result = subprocess.run(
            [sys.executable, __file__, "--memory-child", str(n), str(scenario), str(out)],
            check=True,
            capture_output=True,
            text=True,
        )
        doc = json.loads(result.stdout.strip().splitlines()[-1])
        peaks[n] = doc["driver_mib"]
        print(
            f"{n:>7} replications: driver peak {doc['driver_mib']:.1f} MiB, largest worker "
            f"{doc['worker_mib']:.1f} MiB, {doc['wall_s']:.1f} s, {doc['chunk_files']} chunk "
            f"files, {doc['rate']:.0f} rep/s"
        )
    lo, hi = min(sizes), max(sizes)
    print(f"driver peak ratio {hi} / {lo} replications: {peaks[hi] / peaks[lo]:.3f}x")


def memory_child(n: int, scenario: str, out: str) -> None:
    t0 = time.perf_counter()
    run_sweep(scenario, [], replications=n, seed=1, workers=2, out=Path(out))
    wall = time.perf_counter() - t0
    files = sum(1 for _ in (Path(out) / "chunks").rglob("*.parquet"))
    doc = {
        "driver_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "wall_s": wall,
        "chunk_files": files,
        "rate": n / wall,
    }
    print(json.dumps(doc))


def load_tiny():
    from kamae.scenario import load_scenario_text

    return load_scenario_text(yaml.safe_dump(TINY).encode(), "tiny")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a rough look)")
    parser.add_argument("--skip", default="", help="comma-separated: speedup, dask, memory")
    parser.add_argument("--memory-child", nargs=3, metavar=("N", "SCENARIO", "OUT"))
    args = parser.parse_args()
    if args.memory_child:
        n, scenario, out = args.memory_child
        memory_child(int(n), scenario, out)
        return
    skip = set(filter(None, args.skip.split(",")))
    cpu = platform.processor() or platform.machine()
    print(
        f"machine: {cpu}, {os.cpu_count()} cores; python {platform.python_version()}, "
        f"numpy {np.__version__}, pyarrow {metadata.version('pyarrow')}, "
        f"dask {metadata.version('dask')}, distributed {metadata.version('distributed')}, "
        f"duckdb {metadata.version('duckdb')}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as name:
        tmp = Path(name)
        if "speedup" not in skip:
            speedup(48 if args.quick else 96, 1 if args.quick else 3, tmp)
        if "dask" not in skip:
            dask_overhead(2 if args.quick else 6, 20 if args.quick else 150)
        if "memory" not in skip:
            memory([1_000, 10_000] if args.quick else [1_000, 100_000], tmp)


if __name__ == "__main__":
    main()
