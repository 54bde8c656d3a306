"""A command's fixed cost: `kamae calc` and a one-replication `kamae run` (prints figures; not a
test; issue 22).

Each command runs as a fresh process (`python -m kamae.cli ...`) on this tree's ``src`` and, with
``--before SRC``, on an earlier tree's, alternated, ``--repeat`` times; the figure is the child
process's CPU time (user + system, from `resource.getrusage(RUSAGE_CHILDREN)`), best of the
repeats, and its wall time. The run's fixed cost is its CPU time less that of its one
replication run alone in a process of its own (`simulate_many` on the built world, timed
around a second call: the first loads the compiled kernels, a fixed cost), so what is left
is start-up, imports, loading the compiled kernels, checks, the world build, the results
folder and the report.

    python bench/bench_start_up.py [--before SRC] [--repeat 3]
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

HERE = Path(__file__).resolve().parent.parent / "src"

ONE_REPLICATION = """
import json, sys, time
from kamae.engine import simulate_many
from kamae.streams import replication_seeds
from kamae.world import load_world
world = load_world("japan-2027")
seeds = list(enumerate(replication_seeds(1, 1)))
simulate_many(world, seeds)  # untimed: the compiled kernels' load is a fixed cost
t0 = time.process_time()
simulate_many(world, seeds)
print(json.dumps(time.process_time() - t0))
"""


def child_cpu(src: Path, args: list[str]) -> tuple[float, float, str]:
    """CPU seconds (user + system) and wall seconds of one child process, and its stdout."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    clock = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - clock
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, done.stdout


def measure(src: Path, out: Path) -> dict[str, float]:
    """One round of figures for the tree at `src`."""
    calc_cpu, calc_wall, _ = child_cpu(
        src,
        ["-m", "kamae.cli", "calc", "horizon", "--radar-height-m", "30",
         "--target-altitude-km", "10"],
    )  # fmt: skip
    run_cpu, run_wall, _ = child_cpu(
        src,
        ["-m", "kamae.cli", "run", "japan-2027", "--replications", "1", "--workers", "1",
         "--out", str(out)],
    )  # fmt: skip
    _, _, text = child_cpu(src, ["-c", ONE_REPLICATION])
    replication = float(json.loads(text.strip().splitlines()[-1]))
    return {
        "calc_cpu": calc_cpu,
        "calc_wall": calc_wall,
        "run_cpu": run_cpu,
        "run_wall": run_wall,
        "fixed_cpu": run_cpu - replication,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}; python {platform.python_version()}, "
        f"numpy {metadata.version('numpy')}, scipy {metadata.version('scipy')}"
    )
    trees = {"this tree": HERE}
    if args.before is not None:
        trees["before"] = args.before
    best: dict[str, dict[str, float]] = {name: {} for name in trees}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(max(1, args.repeat)):
            for name, src in trees.items():
                figures = measure(src, Path(tmp) / name.replace(" ", "-"))
                for key, value in figures.items():
                    best[name][key] = min(best[name].get(key, float("inf")), value)
    print("| tree | `kamae calc horizon` CPU (wall), s | `kamae run -n 1` CPU (wall), s "
          "| run's fixed CPU, s |")  # fmt: skip
    print("|---|---:|---:|---:|")
    for name, f in best.items():
        print(
            f"| {name} | {f['calc_cpu']:.2f} ({f['calc_wall']:.2f}) "
            f"| {f['run_cpu']:.2f} ({f['run_wall']:.2f}) | {f['fixed_cpu']:.2f} |"
        )


if __name__ == "__main__":
    main()
