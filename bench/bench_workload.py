"""Memory and CPU time of a run against the work its scenario implies (prints figures; not a
test). Feeds the work estimate of `kamae.workload` (docs/reliability.md).

Each case runs in a fresh process: load japan-2027 with every raid's count multiplied (N
threats) or with a shorter time step (more steps), build the world, then run one engine batch
of 16 replications. Printed per case: N, steps, peak resident memory after the world and after
the batch (MiB, over the process's memory after imports), CPU seconds of the world and of the
batch, and what `kamae.workload.estimate` predicts.

    python bench/bench_workload.py [--threats 20,80,320,640] [--at-once 80,160,320]
        [--steps 0.5,0.25]

N marked * launches every raid's missiles at once (all in flight together).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
from importlib import metadata

CHILD = r"""
import json, resource, sys, time
import yaml
from kamae.engine import simulate_many
from kamae.scenario import load_scenario_text, bundled_scenarios
from kamae.streams import replication_seeds
from kamae.world import build_world
from kamae.workload import BASE_BYTES, estimate

def rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0

factor, step, at_once = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3] == "1"
doc = yaml.safe_load(bundled_scenarios()["japan-2027"].read_text())
for raid in doc["raids"]:
    raid["count"] = max(1, round(raid["count"] * factor))
    if at_once:
        raid["interval_s"] = 0
doc.setdefault("time", {})["step_s"] = step
loaded = load_scenario_text(yaml.safe_dump(doc).encode(), "bench")
base = rss_mib()
work = estimate(loaded, replications=16)
t0 = time.process_time()
world = build_world(loaded)
t1 = time.process_time()
world_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
seeds = list(enumerate(replication_seeds(1, 16)))
for _ in simulate_many(world, seeds):
    pass
t2 = time.process_time()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({
    "threats": len(world.threat_ids), "steps": len(world.times), "base_mib": base,
    "world_mib": world_peak - base, "batch_mib": peak - base,
    "world_cpu_s": t1 - t0, "batch_cpu_s": t2 - t1,
    "estimate_steps": work.steps,
    "estimate_mib": (work.memory_bytes - BASE_BYTES) / 2**20,
    "estimate_cpu_s": work.cpu_seconds,
}))
"""


def run_case(factor: float, step: float, at_once: bool) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(factor), str(step), "1" if at_once else "0"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threats", default="20,80,320,640", help="raids' launches spread")
    parser.add_argument("--at-once", default="80,160,320", help="every raid's launches at once")
    parser.add_argument("--steps", default="0.5,0.25", help="time steps, s, at 20 threats")
    args = parser.parse_args()
    print(
        f"python {platform.python_version()}, numpy {metadata.version('numpy')}, "
        f"{platform.machine()}, {platform.platform()}"
    )
    header = (
        f"{'N':>6}  {'steps':>7} {'world MiB':>10} {'batch MiB':>10} {'est MiB':>9} "
        f"{'world s':>8} {'batch s':>8} {'est s':>8}"
    )
    print(header)
    cases = [(int(n) / 20, 1.0, False) for n in args.threats.split(",") if n]
    cases += [(int(n) / 20, 1.0, True) for n in args.at_once.split(",") if n]
    cases += [(1.0, float(s), False) for s in args.steps.split(",") if s]
    for factor, step, at_once in cases:
        r = run_case(factor, step, at_once)
        print(
            f"{r['threats']:>6.0f}{'*' if at_once else ' '}{r['steps']:>7.0f} "
            f"{r['world_mib']:>10.0f} "
            f"{r['batch_mib']:>10.0f} {r['estimate_mib']:>9.0f} {r['world_cpu_s']:>8.1f} "
            f"{r['batch_cpu_s']:>8.1f} {r['estimate_cpu_s']:>8.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
