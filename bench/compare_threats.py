"""Paired comparisons (common random numbers) of the threat scenarios with and without each
capability: prints a markdown table of the differences with their 95% intervals and each run's
CPU time per replication (the tables in docs/threats.md come from this script; not a test).

Each variant is its scenario file with one change (the early-warning satellites removed,
the tracking layer removed, the jammers removed, the decoys removed or added, no
discrimination, a discrimination improvement); it runs with the scenario's seed and the same
replication streams as the base (`kamae.compare`: paired-t intervals of the per-replication
differences B - A).

    python bench/compare_threats.py [--replications 100] [--only decoy-mrbm-raid] [--workers 1]
        [--variants jammers,decoys]   (only the variants whose label contains one of these)
"""

from __future__ import annotations

import argparse
import copy
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import yaml

from kamae.compare import metric_differences
from kamae.montecarlo import run_montecarlo
from kamae.scenario import load_scenario_text
from kamae.scenario.loader import resolve_scenario_path

Doc = dict[str, Any]
METRICS = (
    "threats_leaked",
    "no_leak",
    "threats_intercepted",
    "interceptors_fired",
    "objects_engaged",
    "decoys_engaged",
    "interceptors_at_decoys_and_debris",
    "sensors_destroyed",
    "fire_units_destroyed",
    "siap_completeness",
)


def without_space(role_type: str) -> Callable[[Doc], Doc]:
    def change(doc: Doc) -> Doc:
        doc["space_sensors"] = [x for x in doc["space_sensors"] if x["type"] != role_type]
        return doc

    return change


def without_jammers(doc: Doc) -> Doc:
    doc["jammers"] = []
    return doc


def _override(doc: Doc, section: str, name: str, **changes: Any) -> Doc:
    """The built-in catalog entry `name` of `section` (threats, sensors) with `changes` as
    the scenario's own catalog entry (nested dicts are updated, not replaced)."""
    catalogs = resolve_scenario_path("japan-2027").parent.parent / "catalogs"
    entry = copy.deepcopy(yaml.safe_load((catalogs / f"{section}.yaml").read_text())[name])
    for key, value in changes.items():
        if isinstance(value, dict):
            entry[key].update(value)
        else:
            entry[key] = value
    doc.setdefault("catalog", {}).setdefault(section, {})[name] = entry
    return doc


def without_decoys(doc: Doc) -> Doc:
    """The raid's type without its decoys (its debris kept)."""
    return _override(doc, "threats", "mrbm-nodong-penaid-class", countermeasures={"decoys": 0})


def with_decoys(doc: Doc) -> Doc:
    """The Nodong-class raids as the catalog's penetration-aid variant of the same missile
    (`mrbm-nodong-penaid-class`: four decoys and the spent stage each, nothing else changed)."""
    for raid in doc["raids"]:
        if raid["threat"] == "mrbm-nodong-class":
            raid["threat"] = "mrbm-nodong-penaid-class"
    return doc


def without_discrimination(doc: Doc) -> Doc:
    """No radar with a wideband discrimination waveform (AN/TPY-2 and SPY-1D without their
    `discrimination_bandwidth_mhz`): every object of a complex is declared a warhead."""
    catalogs = resolve_scenario_path("japan-2027").parent.parent / "catalogs"
    entries = yaml.safe_load((catalogs / "sensors.yaml").read_text())
    for name in ("an-tpy-2", "spy-1d"):
        entry = copy.deepcopy(entries[name])
        entry.pop("discrimination_bandwidth_mhz", None)
        entry.pop("discrimination_dwell_ms", None)
        doc.setdefault("catalog", {}).setdefault("sensors", {})[name] = entry
    return doc


def wideband_aegis(doc: Doc) -> Doc:
    """The destroyers' S-band radars with a 500 MHz discrimination waveform (100 MHz in the
    catalog): a discrimination improvement of the kind a newer S-band array brings."""
    return _override(doc, "sensors", "spy-1d", discrimination_bandwidth_mhz=500)


def longer_xband_dwell(doc: Doc) -> Doc:
    """The AN/TPY-2's discrimination looks at 80 ms (its track dwell is 20 ms): 4x the SNR."""
    return _override(doc, "sensors", "an-tpy-2", discrimination_dwell_ms=80)


VARIANTS: dict[str, list[tuple[str, Callable[[Doc], Doc]]]] = {
    "tot-saturation-tokyo": [
        ("without the early-warning satellites", without_space("sbirs-like-ew")),
        ("without the space tracking layer", without_space("tracking-layer-leo")),
        ("with decoys on the Nodong-class raids", with_decoys),
    ],
    "southwest-kyushu-nansei": [
        ("without the early-warning satellites", without_space("sbirs-like-ew")),
        ("without the space tracking layer", without_space("tracking-layer-leo")),
        ("without the jammers", without_jammers),
    ],
    "decoy-mrbm-raid": [
        ("without the decoys", without_decoys),
        ("without discrimination (no wideband waveform)", without_discrimination),
        ("Aegis discrimination 100 -> 500 MHz", wideband_aegis),
        ("AN/TPY-2 discrimination dwell 20 -> 80 ms", longer_xband_dwell),
        ("without the early-warning satellites", without_space("sbirs-like-ew")),
        ("without the space tracking layer", without_space("tracking-layer-leo")),
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--only", default="")
    parser.add_argument("--variants", default="")
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"python {platform.python_version()}, numpy {np.__version__}; "
        f"{args.replications} paired replications per comparison"
    )
    for name, variants in VARIANTS.items():
        if args.only and name not in args.only.split(","):
            continue
        if args.variants:
            wanted = args.variants.split(",")
            variants = [v for v in variants if any(w in v[0] for w in wanted)]
        text = resolve_scenario_path(name).read_text()
        base_doc = yaml.safe_load(text)
        seed = base_doc["seed"]
        t0 = time.process_time()
        base = run_montecarlo(load_scenario_text(text.encode(), f"{name}.yaml"),
                              args.replications, seed, workers=args.workers)  # fmt: skip
        base_cpu = time.process_time() - t0
        print(f"\n### {name} (seed {seed}; base run {base_cpu:.0f} s CPU)\n")
        print("| variant (B) against the scenario (A) | metric | A | B | B - A [95% interval] |")
        print("|---|---|---|---|---|")
        cpu: dict[str, float] = {}
        for label, change in variants:
            doc = change(copy.deepcopy(base_doc))
            loaded = load_scenario_text(yaml.safe_dump(doc, sort_keys=False).encode(), "b.yaml")
            t1 = time.process_time()
            other = run_montecarlo(loaded, args.replications, seed, workers=args.workers)
            cpu[label] = time.process_time() - t1
            diffs = {d.metric: d for d in metric_differences(base.replications, other.replications)}
            for metric in METRICS:
                key = "p_no_leak" if metric == "no_leak" else metric
                d = diffs.get(key)
                if d is None:
                    continue
                iv = d.difference
                print(
                    f"| {label} | {d.label} | {d.mean_a:.3g} | {d.mean_b:.3g} | "
                    f"{iv.estimate:+.3g} [{iv.low:+.3g}, {iv.high:+.3g}] |"
                )
                label = ""
        print(f"\nCPU per replication: the scenario {base_cpu / args.replications:.3g} s", end="")
        for label, seconds in cpu.items():
            print(f"; {label} {seconds / args.replications:.3g} s", end="")
        print()


if __name__ == "__main__":
    main()
