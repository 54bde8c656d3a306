"""Speed and size of the HTML report (prints figures; not a test).

Runs the bundled default scenario (1,000 replications unless told otherwise, or reuses a run
folder given with --folder), then measures `build_report` on it: reading the folder and
rebuilding the world, building the page, writing it; the file's size; and, where headless
Chromium is available, the PNG export.

    python bench/bench_report.py [--replications N] [--folder RUN_FOLDER] [--repeat K]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import tempfile
import time
from importlib import metadata
from pathlib import Path

from kamae.errors import KamaeError
from kamae.report import build_report
from kamae.report.png import export_figures, find_chromium
from kamae.report.run_folder import read_run_folder
from kamae.report.run_report import report_html
from kamae.runs import run_scenario


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replications", type=int, default=1000)
    parser.add_argument("--scenario", default="japan-2027")
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder
        if folder is None:
            t0 = time.perf_counter()
            out = run_scenario(
                args.scenario,
                replications=args.replications,
                workers=os.cpu_count() or 1,
                out=Path(tmp),
            )
            assert out.folder is not None
            folder = out.folder
            print(f"run: {args.replications} replications in {time.perf_counter() - t0:.1f} s")
        reps = read_run_folder(folder).replications.num_rows
        events = (folder / "events.parquet").stat().st_size

        read_s, page_s, total_s = [], [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            run = read_run_folder(folder)
            t1 = time.perf_counter()
            report_html(run)
            t2 = time.perf_counter()
            path = build_report(folder)
            t3 = time.perf_counter()
            read_s.append(t1 - t0)
            page_s.append(t2 - t1)
            total_s.append(t3 - t2)
        size = path.stat().st_size

        print(
            f"scenario {args.scenario}: {reps} replications, events.parquet {events / 1e3:.0f} kB"
        )
        print(f"read folder + rebuild world: {statistics.median(read_s):.2f} s (median)")
        print(f"build page:                  {statistics.median(page_s):.2f} s (median)")
        print(f"build_report (all, written): {statistics.median(total_s):.2f} s (median)")
        print(f"report.html: {size / 1e6:.2f} MB")

        chromium = find_chromium()
        if chromium is None:
            print("PNG export: skipped (no Chromium)")
        else:
            try:
                t0 = time.perf_counter()
                figures = export_figures(path, Path(tmp) / "figures")
                print(
                    f"PNG export: {len(figures)} figures in {time.perf_counter() - t0:.2f} s, "
                    f"{sum(f.stat().st_size for f in figures) / 1e6:.2f} MB"
                )
            except KamaeError as exc:
                print(f"PNG export: failed ({exc})")

    browser = "none"
    if chromium:
        try:
            browser = subprocess.run(
                [chromium, "--version"], capture_output=True, text=True, timeout=30
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            browser = chromium
    print(
        f"machine: {os.cpu_count()} cores, {platform.platform()}; Python "
        f"{platform.python_version()}; numpy {_version('numpy')}, pyarrow {_version('pyarrow')}, "
        f"pyproj {_version('pyproj')}, basemap-data {_version('basemap-data')}, "
        f"playwright {_version('playwright')}; {browser}"
    )


if __name__ == "__main__":
    main()
