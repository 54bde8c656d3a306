"""Engine speed and bit-for-bit output of a batch of replications (prints figures; not a test).

Runs one batch of replications of each case for a fixed seed, times it (process CPU time,
best of ``--repeat``), and optionally dumps every replication's metrics and event log to a
pickle (``--dump``) or compares them with such a dump (``--compare``: exits 1 on the first
difference, which it names; against a baseline from before the why-not records, events of
kind why_not and the reason column are left out of the comparison). ``--profile`` prints the
cProfile of one batch of the first case.

Cases (default): every bundled scenario; ``japan-2027-clutter``: japan-2027 with 3 false
plots per search scan on every radar, so that false tracks and contested gates are common;
``japan-2027-hold-upper`` and ``tot-saturation-tokyo-no-sls``: two doctrine branches no
bundled scenario takes (the first layer holding rounds; shoot-shoot).

    python bench/bench_engine_profile.py [--batch 16] [--seed 1] [--repeat 2]
        [--cases japan-2027,...] [--dump out.pkl | --compare baseline.pkl] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import os
import pickle
import platform
import pstats
import sys
import time
from importlib import metadata

import numpy as np

from kamae.engine import simulate_many
from kamae.scenario import bundled_scenarios
from kamae.streams import replication_seeds
from kamae.world import World, load_world

CASES = (
    *bundled_scenarios(),
    "japan-2027-clutter",
    "japan-2027-hold-upper",
    "tot-saturation-tokyo-no-sls",
)
CLUTTER_FALSE_PLOTS_PER_SCAN = 3.0
DOCTRINE_CASES = {"-hold-upper": {"hold_upper_tier": True}, "-no-sls": {"shoot_look_shoot": False}}
"""Case suffixes that change the doctrine, and how."""


def case_world(name: str) -> World:
    """The world of a case (``-clutter``: more false plots on every radar; ``-hold-upper``:
    the doctrine's ``hold_upper_tier``; ``-no-sls``: shoot-shoot, a layer that fired passes
    the threat down)."""
    for suffix, changes in DOCTRINE_CASES.items():
        if name.endswith(suffix):
            world = load_world(name.removesuffix(suffix))
            doctrine = dataclasses.replace(world.doctrine, **changes)
            return dataclasses.replace(world, doctrine=doctrine)
    if name.endswith("-clutter"):
        world = load_world(name.removesuffix("-clutter"))
        radars = [
            dataclasses.replace(r, false_alarms_per_scan=CLUTTER_FALSE_PLOTS_PER_SCAN)
            for r in world.radars
        ]
        return dataclasses.replace(world, radars=radars)
    return load_world(name)


def run_batch(world: World, seed: int, batch: int) -> list[dict]:
    """Metrics and event columns of each replication of one batch."""
    seeds = list(enumerate(replication_seeds(seed, batch)))
    out = []
    for _, result in simulate_many(world, seeds):
        out.append({"metrics": dict(result.metrics), "events": dataclasses.asdict(result.events)})
    return out


def without_why_not(out: list[dict]) -> list[dict]:
    """The outputs as a baseline from before the why-not records saw them: without events of
    kind why_not and without the reason column (both added by issue 17)."""
    stripped = []
    for rep in out:
        events = rep["events"]
        keep = [i for i, kind in enumerate(events["kind"]) if kind != "why_not"]
        columns = {k: [v[i] for i in keep] for k, v in events.items() if k != "reason"}
        stripped.append({**rep, "events": columns})
    return stripped


def first_difference(a: object, b: object, where: str = "") -> str | None:
    """Where two nested dicts/lists of plain values first differ (bit-for-bit), or None."""
    if type(a) is not type(b):
        return f"{where}: type {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, dict):
        if a.keys() != b.keys():  # type: ignore[attr-defined]
            return f"{where}: keys differ"
        for key in a:
            diff = first_difference(a[key], b[key], f"{where}/{key}")  # type: ignore[index]
            if diff:
                return diff
        return None
    if isinstance(a, list):
        if len(a) != len(b):  # type: ignore[arg-type]
            return f"{where}: length {len(a)} != {len(b)}"  # type: ignore[arg-type]
        for i, (x, y) in enumerate(zip(a, b, strict=True)):  # type: ignore[call-overload]
            diff = first_difference(x, y, f"{where}[{i}]")
            if diff:
                return diff
        return None
    if isinstance(a, float):
        same = np.float64(a).tobytes() == np.float64(b).tobytes()  # type: ignore[arg-type]
        return None if same else f"{where}: {a!r} != {b!r}"
    return None if a == b else f"{where}: {a!r} != {b!r}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--dump")
    parser.add_argument("--compare")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    names = [c for c in args.cases.split(",") if c]
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"scipy {metadata.version('scipy')}"
    )
    outputs: dict[str, list[dict]] = {}
    for name in names:
        world = case_world(name)
        times = []
        for _ in range(max(1, args.repeat)):
            t0 = time.process_time()
            outputs[name] = run_batch(world, args.seed, args.batch)
            times.append(time.process_time() - t0)
        print(
            f"{name}: batch of {args.batch}, seed {args.seed}: {min(times):.2f} s CPU "
            f"(best of {len(times)}; all {', '.join(f'{x:.2f}' for x in times)})"
        )
    if args.profile:
        world = case_world(names[0])
        profiler = cProfile.Profile()
        profiler.enable()
        run_batch(world, args.seed, args.batch)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    if args.dump:
        with open(args.dump, "wb") as f:
            pickle.dump({"seed": args.seed, "batch": args.batch, "outputs": outputs}, f)
        print(f"dumped {args.dump}")
    if args.compare:
        with open(args.compare, "rb") as f:
            baseline = pickle.load(f)["outputs"]
        failed = False
        for name, out in outputs.items():
            if name not in baseline:
                print(f"{name}: not in {args.compare}")
                continue
            if baseline[name] and "reason" not in baseline[name][0]["events"]:
                out = without_why_not(out)  # a baseline from before the why-not records
            diff = first_difference(baseline[name], out, name)
            failed |= diff is not None
            print(f"{name}: {'IDENTICAL' if diff is None else 'DIFFERS at ' + diff}")
        sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
