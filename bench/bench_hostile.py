"""Hostile input: the time and memory of each refusal, and the counts of a fuzzing run (prints
figures; not a test). Feeds docs/reliability.md.

Refusals: each hand-made hostile file (a billion laughs, deep nesting, a file over 1 MiB, a
FIFO, /dev/zero, tags, merge keys, a 0.9 MiB value, a time step of 1 microsecond, twenty
missiles a day apart...) is refused as `kamae validate` and `kamae run` would (load, checks,
work estimate), `--repeat` times: the worst CPU time, and the peak of Python's allocations
during one refusal (tracemalloc, a separate pass so that it does not slow the timing).

Counts: `--cases` mutated bundled scenarios (tests/scenario/scenario_mutations.py, seeded)
classified by outcome; `--runs` of the accepted ones run for one replication with every
output checked finite. A traceback is counted and printed, never hidden.

    python bench/bench_hostile.py [--repeat 5] [--cases 10000] [--runs 20] [--seed 23]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import sys
import tempfile
import time
import traceback
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "scenario"))

from scenario_mutations import KINDS, bundled_data, mutate, outcome  # noqa: E402

from kamae.errors import KamaeError  # noqa: E402
from kamae.scenario import bundled_scenarios, load_scenario  # noqa: E402
from kamae.workload import check_workload, estimate  # noqa: E402
from kamae.world import check_world  # noqa: E402

MIB = 2**20


def _base() -> str:
    return bundled_scenarios()["japan-2027"].read_text(encoding="utf-8")


def _laughs(levels: int) -> str:
    rows = ['lol0: &a0 "lol"']
    for i in range(1, levels + 1):
        rows.append(f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "version: 1\nname: x\n" + "\n".join(rows) + "\n"


def _with(**changes: object) -> str:
    doc = yaml.safe_load(_base())
    for dotted, value in changes.items():
        node = doc
        *parts, last = dotted.split("__")
        for part in parts:
            node = node[int(part)] if part.isdigit() else node[part]
        node[last] = value
    return yaml.safe_dump(doc, sort_keys=False)


def _day_apart() -> str:
    doc = yaml.safe_load(_base())
    doc["raids"] = [{**doc["raids"][0], "count": 20, "interval_s": 86400}]
    return yaml.safe_dump(doc, sort_keys=False)


FILES: dict[str, Callable[[], str | bytes]] = {
    "billion laughs (9 levels, 1e9 values)": lambda: _laughs(9),
    "billion laughs (30 levels)": lambda: _laughs(30),
    "many aliases (1001)": lambda: "v: &v 1\nmany: [" + ", ".join(["*v"] * 1001) + "]\n",
    "recursive alias": lambda: "version: 1\nname: &n [x, *n]\n",
    "deep flow nesting (100,000)": lambda: "name: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "deep block nesting (40)": lambda: "".join("  " * i + f"k{i}:\n" for i in range(40)) + "  v\n",
    "explicit tag (!!python/object)": lambda: "version: 1\nname: !!python/object:os.system x\n",
    "explicit tag (!!float abc)": lambda: "version: 1\nseed: !!float abc\n",
    "merge key": lambda: "d: &d {a: 1}\ntime: {<<: *d}\n",
    "file over 1 MiB": lambda: _base() + "#" + "x" * MIB + "\n",
    "value of 0.9 MiB": lambda: _base().replace("name: japan-2027", "name: " + "x" * 900_000),
    "number of 100,000 digits": lambda: "version: 1\nseed: " + "9" * 100_000 + "\n",
    "not UTF-8": lambda: _base().encode() + b"\xff\xfe",
    ".nan as the time step": lambda: _with(time={"step_s": float("nan")}),
    ".inf as a raid's count": lambda: _with(raids__0__count=float("inf")),
    "time step 1e-6 s (workload)": lambda: _with(time={"step_s": 1e-6}),
    "twenty missiles a day apart (workload)": _day_apart,
    "10,000 threats at once (workload)": lambda: _with(raids__0__count=10_000),
}


def _refuse(path: str) -> str:
    """Refuse a file as `kamae run` would; the refusal's line (a KamaeError's text)."""
    try:
        loaded = load_scenario(path)
        check_world(loaded)
        check_workload(estimate(loaded), path)
    except KamaeError as exc:
        return str(exc).splitlines()[0]
    return "ACCEPTED (not refused)"


def _special(name: str) -> str:
    if name == "FIFO":
        folder = tempfile.mkdtemp()
        path = os.path.join(folder, "fifo.yaml")
        os.mkfifo(path)
        return path
    return "/dev/zero"


def refusals(repeat: int) -> None:
    print("refusal | worst CPU ms | peak Python allocations MiB | line")
    folder = Path(tempfile.mkdtemp())
    cases: dict[str, str] = {}
    for i, (name, make) in enumerate(FILES.items()):
        content = make()
        path = folder / f"case{i}.yaml"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        cases[name] = str(path)
    cases["FIFO as the scenario"] = _special("FIFO")
    cases["/dev/zero as the scenario"] = _special("zero")
    worst_ms = worst_mib = 0.0
    for name, path in cases.items():
        cpu = []
        for _ in range(repeat):
            start = time.process_time()
            line = _refuse(path)
            cpu.append(time.process_time() - start)
        tracemalloc.start()
        _refuse(path)
        peak = tracemalloc.get_traced_memory()[1] / MIB
        tracemalloc.stop()
        worst_ms, worst_mib = max(worst_ms, max(cpu) * 1e3), max(worst_mib, peak)
        shown = line if len(line) <= 150 else f"{line[:150]}... ({len(line)} characters)"
        print(f"{name} | {max(cpu) * 1e3:.1f} | {peak:.1f} | {shown}")
    print(f"worst refusal: {worst_ms:.0f} ms CPU, {worst_mib:.1f} MiB of Python allocations")


def counts(cases: int, runs: int, seed: int) -> None:
    rng = random.Random(seed)
    names = list(bundled_data())
    tally: Counter[tuple[str, str]] = Counter()
    tracebacks = ran = 0
    accepted: list[bytes] = []
    start = time.process_time()
    for _ in range(cases):
        raw = mutate(rng.choice(names), rng.choice(KINDS), rng, rng.randint(1, 3))
        try:
            result = outcome(raw)
        except Exception:  # counted and printed: the figure the docs report
            tracebacks += 1
            traceback.print_exc()
            continue
        tally[(result.stage, result.reason)] += 1
        if result.stage == "accepted":
            accepted.append(raw)
    load_cpu = time.process_time() - start
    for raw in accepted[:runs]:
        try:
            ran += outcome(raw, run=1).stage == "ran"
        except Exception:
            tracebacks += 1
            traceback.print_exc()
    print(f"cases {cases} (seed {seed}), {load_cpu:.0f} s CPU; tracebacks {tracebacks}")
    for (stage, reason), n in sorted(tally.items(), key=lambda kv: -kv[1]):
        print(f"  {stage} | {reason or '-'} | {n}")
    print(
        f"accepted {len(accepted)}; run for one replication {min(runs, len(accepted))}, "
        f"all outputs finite {ran}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cpus")
    refusals(args.repeat)
    if args.cases:
        counts(args.cases, args.runs, args.seed)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process (all of the above): {rss:.0f} MiB")


if __name__ == "__main__":
    main()
