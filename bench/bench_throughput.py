"""Engine CPU per replication against an earlier engine, every bundled scenario (issue 22).

Prints figures; not a test. For each case, one batch of replications (seed 1) runs in a fresh
subprocess on each side — this tree's ``src`` and the earlier tree named by ``--before``
(e.g. ``git archive <rev> src | tar -x -C /tmp/before`` then ``--before /tmp/before/src``) —
alternated, ``--repeat`` times; each side reports its own process CPU time of the batch (the
world build and one untimed replication before it excluded: one-time costs, such as loading
the compiled kernels, belong to `bench_start_up.py`), and the ratio after / before of the
best of each is printed. Both sides run in one session on the same machine, so the ratios are
the figures to trust on a shared machine; the absolute times are pessimistic.

``--batch`` sets the engine batch of this tree's side; ``--before-batch`` that of the earlier
side (default: the same), so that a change of the default batch is measured as a user sees
it (e.g. ``--before-batch 16 --batch 64``).

    python bench/bench_throughput.py --before SRC [--cases japan-2027,...] [--batch 16]
        [--before-batch 16] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

CHILD = """
import sys, time, json
from kamae.engine import simulate_many
from kamae.streams import replication_seeds
from kamae.world import load_world
name, batch = sys.argv[1], int(sys.argv[2])
world = load_world(name)
seeds = list(enumerate(replication_seeds(1, batch)))
simulate_many(world, seeds[:1])  # untimed: one-time costs (compiled kernels' load) excluded
t0 = time.process_time()
simulate_many(world, seeds)
print(json.dumps(time.process_time() - t0))
"""

HERE = Path(__file__).resolve().parent.parent / "src"


def batch_cpu(src: Path, name: str, batch: int) -> float:
    """Process CPU seconds of one batch of `name` on the engine in `src`."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, name, str(batch)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    from kamae.scenario import bundled_scenarios

    parser = argparse.ArgumentParser()
    parser.add_argument("--before", required=True, type=Path)
    parser.add_argument("--cases", default=",".join(bundled_scenarios()))
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--before-batch", type=int)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    before_batch = args.before_batch or args.batch
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"load {os.getloadavg()[0]:.1f}; python {platform.python_version()}, "
        f"numpy {metadata.version('numpy')}, scipy {metadata.version('scipy')}"
    )
    print(f"| case | after, s CPU/rep (batch {args.batch}) | before (batch {before_batch}) "
          "| after / before |")  # fmt: skip
    print("|---|---:|---:|---:|")
    for name in [c for c in args.cases.split(",") if c]:
        after, before = [], []
        for _ in range(max(1, args.repeat)):
            before.append(batch_cpu(args.before, name, before_batch) / before_batch)
            after.append(batch_cpu(HERE, name, args.batch) / args.batch)
        ratio = min(after) / min(before)
        print(f"| `{name}` | {min(after):.3f} | {min(before):.3f} | {ratio:.2f} |", flush=True)


if __name__ == "__main__":
    main()
