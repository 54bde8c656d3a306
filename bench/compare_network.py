"""The paired comparisons of docs/network.md (issue 15): prints figures; not a test.

`japan-2027-networked` (A) against the bundled `japan-2027-national` and `japan-2027-jammed`
and against variants of A with one change (track sharing at 12 s; the early-warning site
`ew-okinawa` compromised from 100 to 500 s as in `japan-2027-jammed`, but lying: its reports
displaced, or each given a false twin). A runs once and every B is paired with it: the same
master seed and replication count, so each line equals `kamae compare A B -n N --seed S`
(common random numbers; paired-t 95% intervals, `kamae.compare.metric_differences`).
Replication tables are written to --out as parquet for further reading.

    python bench/compare_network.py [-n 100] [--seed 2027] [--workers 2] [--out DIR]
        [--only LABEL ...] [--reuse-a]
"""

from __future__ import annotations

import argparse
import copy
import json
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from kamae.compare import metric_differences
from kamae.montecarlo import run_montecarlo
from kamae.scenario import bundled_scenarios
from kamae.scenario.loader import load_scenario

SHOWN = ("threats_leaked", "p_no_leak", "interceptors_fired", "threats_engaged",
         "picture_completeness", "picture_ambiguity", "picture_spuriousness",
         "picture_position_error_m", "picture_decision_error_m", "track_plots_stale",
         "track_plots_late",
         "deceptive_believed", "deceptive_rejected", "track_messages_lost")  # fmt: skip
COMPROMISE = {"kind": "node_compromised", "node": "ew-okinawa", "start_s": 100, "end_s": 500}
VARIANTS = {
    "tracks-12s": {"network": {"track_reports": "tracks"}},
    "deceived-displaced-10km": {
        "event": dict(COMPROMISE, deception="displaced", displacement_km=10)
    },
    "deceived-false-tracks-10km": {
        "event": dict(COMPROMISE, deception="false_tracks", displacement_km=10)
    },
}


def variant(folder: Path, label: str, change: dict) -> Path:
    """`japan-2027-networked` with one change, written to `folder`."""
    doc = yaml.safe_load(Path(bundled_scenarios()["japan-2027-networked"]).read_text())
    doc = copy.deepcopy(doc)
    doc["name"] = f"japan-2027-networked-{label}"
    doc["network"].update(change.get("network", {}))
    if "event" in change:
        doc["network"].setdefault("events", []).append(change["event"])
    path = folder / f"{doc['name']}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=tempfile.mkdtemp(prefix="compare-network-"))
    parser.add_argument("--only", nargs="*", help="run only these B labels")
    parser.add_argument("--reuse-a", action="store_true", help="A's table from --out if there")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    bs = {"national": "japan-2027-national", "jammed": "japan-2027-jammed"}
    bs |= {label: str(variant(out, label, ch)) for label, ch in VARIANTS.items()}
    if args.only:
        bs = {k: v for k, v in bs.items() if k in args.only}

    def run(name: str, scenario: str):
        t0 = time.time()
        table = run_montecarlo(load_scenario(scenario), args.n, args.seed, args.workers)
        pq.write_table(table.replications, out / f"{name}.parquet")
        print(f"# {name}: {args.n} replications in {time.time() - t0:.0f} s", flush=True)
        return table.replications

    def table_a():  # noqa: ANN202
        saved = out / "networked.parquet"
        if args.reuse_a and saved.exists() and pq.read_metadata(saved).num_rows >= args.n:
            # replication i draws from child i of the master seed whatever n is: A's first
            # n rows pair with a run of n replications of B
            return pq.read_table(saved).slice(0, args.n)
        return run("networked", "japan-2027-networked")

    a = None if args.reuse_a else table_a()
    for label, scenario in bs.items():
        b = run(label, scenario)
        a = table_a() if a is None else a
        diffs = {d.metric: d for d in metric_differences(a, b)}
        print(f"## networked -> {label} (B - A, n={args.n}, seed {args.seed})")
        rows = {}
        for m in SHOWN:
            if m in diffs:
                d = diffs[m]
                i = d.difference
                rows[m] = [d.mean_a, d.mean_b, i.estimate, i.low, i.high]
                print(f"{m}: A {d.mean_a:.3f} B {d.mean_b:.3f} "
                      f"d {i.estimate:+.3f} [{i.low:+.3f}, {i.high:+.3f}]", flush=True)  # fmt: skip
        (out / f"{label}.json").write_text(json.dumps(rows))


if __name__ == "__main__":
    main()
