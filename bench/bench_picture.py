"""What the allied picture costs per replication (issue 15): prints figures; not a test.

Runs one batch of replications (seed 1) of each case and prints the process CPU time per
replication, best of ``--repeat``, alternating with the engine before issue 15 when
``--before SRC`` names its source tree (e.g. `git archive ad3f56c src | tar -x -C /tmp/base`
then ``--before /tmp/base/src``): that side runs in a subprocess on the same cases that exist
there, and reports its own process CPU time, so both sides are measured in one run (the
machine is shared; the ratios are the figures to trust).

Cases: the bundled networked scenarios (plot forwarding, the default), `japan-2027-mixed`
(the IMM for its glide and quasi-ballistic threats, the stated default change), and variants
of `japan-2027-networked` with one field changed: track sharing (12 s and 2 s reports),
every fire unit's picture on the IMM, a deceiving node; each variant is compared with the
bundled scenario it derives from on the engine before.

    python bench/bench_picture.py [--batch 16] [--repeat 2] [--before SRC]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

BUNDLED = ("japan-2027", "japan-2027-mixed", "japan-2027-national", "japan-2027-networked",
           "japan-2027-jammed")  # fmt: skip
VARIANTS = {
    "networked, track sharing 12 s": {"network": {"track_reports": "tracks"}},
    "networked, track sharing 2 s": {
        "network": {"track_reports": "tracks", "track_report_interval_s": 2}
    },
    "networked, IMM pictures": {"node_filter": "imm"},
    "networked, displaced reports": {
        "event": {
            "kind": "node_compromised",
            "node": "xband-north",
            "start_s": 0,
            "deception": "displaced",
            "displacement_km": 5,
        }  # fmt: skip
    },
}

CHILD = """
import sys, time, json
from kamae.engine import simulate_many
from kamae.streams import replication_seeds
from kamae.world import load_world
name, batch = sys.argv[1], int(sys.argv[2])
world = load_world(name)
seeds = list(enumerate(replication_seeds(1, batch)))
t0 = time.process_time()
simulate_many(world, seeds)
print(json.dumps(time.process_time() - t0))
"""


def variant_file(folder: Path, label: str, change: dict) -> Path:
    """`japan-2027-networked` with one change, written to `folder`."""
    from kamae.scenario import bundled_scenarios

    doc = yaml.safe_load(Path(bundled_scenarios()["japan-2027-networked"]).read_text())
    doc = copy.deepcopy(doc)
    doc["name"] = "bench-" + "".join(c if c.isalnum() else "-" for c in label)
    if "network" in change:
        doc["network"].update(change["network"])
    if "node_filter" in change:
        for node in doc["network"]["nodes"]:
            if node["kind"] == "fire_unit":
                node["tracker_filter"] = change["node_filter"]
    if "event" in change:
        doc["network"].setdefault("events", []).append(change["event"])
    path = folder / f"{doc['name']}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def after_cpu(name: str, batch: int) -> float:
    from kamae.engine import simulate_many
    from kamae.streams import replication_seeds
    from kamae.world import load_world

    world = load_world(name)
    seeds = list(enumerate(replication_seeds(1, batch)))
    t0 = time.process_time()
    simulate_many(world, seeds)
    return time.process_time() - t0


def before_cpu(src: str, name: str, batch: int) -> float:
    env = dict(os.environ, PYTHONPATH=src)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, name, str(batch)], env=env, check=True,
        capture_output=True, text=True, cwd=tempfile.gettempdir(),
    )  # fmt: skip
    return float(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--before")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-picture-"))
    cases = [(n, n, n) for n in BUNDLED]
    cases += [(label, str(variant_file(folder, label, ch)), "japan-2027-networked")
              for label, ch in VARIANTS.items()]  # fmt: skip
    print(f"batch {args.batch}, seed 1, process CPU per replication, best of {args.repeat}")
    print("| case | after, s | before, s | after / before |")
    print("|---|---:|---:|---:|")
    for label, scenario, base in cases:
        after, before = [], []
        for _ in range(max(1, args.repeat)):
            after.append(after_cpu(scenario, args.batch) / args.batch)
            if args.before:
                before.append(before_cpu(args.before, base, args.batch) / args.batch)
        b = f"{min(before):.3f}" if before else "-"
        ratio = f"{min(after) / min(before):.2f}" if before else "-"
        print(f"| {label} | {min(after):.3f} | {b} | {ratio} |", flush=True)


if __name__ == "__main__":
    main()
