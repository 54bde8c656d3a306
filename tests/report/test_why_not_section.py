"""The report's why-not section (issue 17): the leakers by reason, the threats that leaked
most often, the fire units ending with rounds; absent for a folder written before."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pyarrow.parquet as pq
from report_fixtures import default_run, no_sensor_run  # noqa: F401  (fixtures)

from kamae.report import build_report
from kamae.report.run_folder import read_run_folder
from kamae.report.why_not import why_not_section
from kamae.results.why_not import REASONS, WhyNotRecords


def test_the_section_counts_every_leak_by_reason(no_sensor_run: Path) -> None:  # noqa: F811
    run = read_run_folder(no_sensor_run)
    text = html.unescape(str(why_not_section(run)))
    leaks = run.replications.column("threats_leaked").to_pylist()
    assert f"{int(sum(leaks))} leaks over {len(leaks)} replications" in text
    # No sensor: nothing is ever tracked, so every leaker's reason is the missing track.
    assert "no_fire_control_track" in text and REASONS["no_fire_control_track"] in text


def test_the_report_holds_the_section(default_run: Path) -> None:  # noqa: F811
    page = build_report(default_run).read_text(encoding="utf-8")
    assert 'id="why-not"' in page and "Fire units ending with rounds" in page
    records = WhyNotRecords.of(read_run_folder(default_run).events)
    shown = records.where("threat") + records.where("unit")  # leakers' and units' reasons
    assert shown and all(records.reason[i] in page for i in shown)


def test_an_older_run_folder_has_no_section(default_run: Path, tmp_path: Path) -> None:  # noqa: F811
    old = tmp_path / "old"
    shutil.copytree(default_run, old)
    events = pq.read_table(old / "events.parquet")
    keep = [i for i, k in enumerate(events.column("kind").to_pylist()) if k != "why_not"]
    pq.write_table(events.take(keep).drop(["reason"]), old / "events.parquet")
    assert why_not_section(read_run_folder(old)) is None
    assert 'id="why-not"' not in build_report(old).read_text(encoding="utf-8")
