"""What each threat capability costs per replication (prints figures; not a test).

Base: japan-2027 (20 ballistic missiles, 11 radars, one early-warning layer). Each case adds
one capability to it, as a scenario file would, and is timed in the same run as the base:
world build CPU time and engine CPU time per replication (a batch of `--batch` replications,
best of `--repeat`), as ratios to the base. Cases:

- decoys: the twelve Nodong-class missiles carry four decoys and their spent stage (80 rows),
  without discrimination (no wideband radar) and with it (AN/TPY-2 1 GHz, SPY-1D 100 MHz);
- jammers: two stand-off jammers (L and S band) west of Kyushu;
- fences: every radar searches a fence (5° ground, 10° ships and batteries);
- sea clutter: sea state 4 around the ships' radars;
- tracking layer: the radiometric low-orbit infrared layer;
- time on target: every raid given an impact time instead of a launch time;
- aim at the defense: the Fukuoka raid aimed at the Tsushima destroyer.

    python bench/bench_threats.py [--batch 16] [--repeat 2]
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

from kamae.engine import simulate_many
from kamae.scenario import load_scenario_text
from kamae.scenario.loader import resolve_scenario_path
from kamae.streams import replication_seeds
from kamae.world import build_world

Doc = dict[str, Any]
CATALOGS = resolve_scenario_path("japan-2027").parent.parent / "catalogs"


def _sensor_entry(name: str, **changes: Any) -> dict[str, Any]:
    entry = copy.deepcopy(yaml.safe_load((CATALOGS / "sensors.yaml").read_text())[name])
    entry.update(changes)
    return entry


def decoys(doc: Doc, discriminate: bool = True) -> Doc:
    for raid in doc["raids"]:
        if raid["threat"] == "mrbm-nodong-class":
            raid["threat"] = "mrbm-nodong-penaid-class"
    if not discriminate:
        sensors = doc.setdefault("catalog", {}).setdefault("sensors", {})
        for name in ("an-tpy-2", "spy-1d"):
            entry = _sensor_entry(name)
            del entry["discrimination_bandwidth_mhz"]
            sensors[name] = entry
    return doc


def jammers(doc: Doc) -> Doc:
    doc["jammers"] = [
        {"id": f"soj-{band}", "kind": "stand_off", "lat_deg": 33.0, "lon_deg": 127.0,
         "altitude_m": 9000, "power_w": 500, "antenna_gain_dbi": 15, "band_low_ghz": lo,
         "band_high_ghz": hi}
        for band, lo, hi in (("l", 1.2, 1.4), ("s", 3.1, 3.5))
    ]  # fmt: skip
    return doc


def fences(doc: Doc) -> Doc:
    for x in doc["sensors"]:
        x["search_fence_deg"] = 5 if x["type"] in ("an-tpy-2", "j-fps-5") else 10
    return doc


def sea_clutter(doc: Doc) -> Doc:
    for x in doc["sensors"]:
        if x["type"] == "spy-1d":
            x["sea_state"] = 4
    return doc


def tracking_layer(doc: Doc) -> Doc:
    doc["space_sensors"].append({"id": "space-tracking", "type": "tracking-layer-leo"})
    return doc


def time_on_target(doc: Doc) -> Doc:
    for raid in doc["raids"]:
        raid.pop("launch_time_s")
        raid["impact_time_s"] = 1000
    return doc


def aim_at_defense(doc: Doc) -> Doc:
    for raid in doc["raids"]:
        if raid["id"] == "west-fukuoka":
            raid["target"] = "ddg-tsushima"
    return doc


CASES: list[tuple[str, Callable[[Doc], Doc]]] = [
    ("base (japan-2027)", lambda d: d),
    ("decoys, no discrimination", lambda d: decoys(d, discriminate=False)),
    ("decoys and discrimination", decoys),
    ("stand-off jammers", jammers),
    ("search fences", fences),
    ("sea clutter", sea_clutter),
    ("infrared tracking layer", tracking_layer),
    ("time on target", time_on_target),
    ("aim at the defense", aim_at_defense),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"python {platform.python_version()}, numpy {np.__version__}; batch {args.batch}, "
        f"best of {args.repeat}"
    )
    base_doc = yaml.safe_load(resolve_scenario_path("japan-2027").read_text())
    seeds = list(enumerate(replication_seeds(1, args.batch)))
    print("| case | rows | world build, s CPU | × base | engine, s CPU per replication | × base |")
    print("|---|---|---|---|---|---|")
    base_build = base_engine = 0.0
    for label, change in CASES:
        text = yaml.safe_dump(change(copy.deepcopy(base_doc)), sort_keys=False).encode()
        builds, engines = [], []
        for _ in range(max(1, args.repeat)):
            t0 = time.process_time()
            world = build_world(load_scenario_text(text, "case.yaml"))
            builds.append(time.process_time() - t0)
            t0 = time.process_time()
            simulate_many(world, seeds)
            engines.append((time.process_time() - t0) / args.batch)
        build, engine = min(builds), min(engines)
        if not base_build:
            base_build, base_engine = build, engine
        print(
            f"| {label} | {world.trajectory.count} | {build:.2f} | {build / base_build:.2f} | "
            f"{engine:.3f} | {engine / base_engine:.2f} |"
        )


if __name__ == "__main__":
    main()
