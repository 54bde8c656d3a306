"""The report file itself, without a browser: written where expected, self-contained,
escaped, small; the comparison page; PNG export's error without a browser."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from report_fixtures import (  # noqa: F401  (fixtures)
    HOSTILE,
    default_run,
    hostile_run,
    no_leak_run,
    no_sensor_run,
)

from kamae.errors import KamaeError
from kamae.report import RangeRing, build_comparison, build_report
from kamae.report import png as png_module
from kamae.report.markup import Markup, esc, json_for_script, tag
from kamae.world import load_world


def test_markup_escapes_text_and_attributes() -> None:
    out = tag("p", {"title": '"><x>'}, "<script>", Markup("<b>ok</b>"), 3, None)
    assert out == '<p title="&quot;&gt;&lt;x&gt;">&lt;script&gt;<b>ok</b>3</p>'
    assert esc(Markup("<i>")) == "<i>"


def test_json_for_script_cannot_close_the_script() -> None:
    text = json_for_script({"a": "</script><script>alert(1)</script>", "b": "\u2028&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script>", "b": "\u2028&"}


def test_report_is_written_into_the_run_folder(default_run: Path) -> None:  # noqa: F811
    out = build_report(default_run)
    assert out == default_run / "report.html"
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "japan-2027" in text
    assert 'http-equiv="Content-Security-Policy"' in text
    assert "default-src &#x27;none&#x27;" in text
    # Self-contained: nothing to fetch (namespace URIs are names, not loads).
    assert not re.search(r"""\s(src|href)=["'](https?:)?//""", text)
    assert '<link rel="stylesheet"' not in text
    assert out.stat().st_size < 2_000_000
    # Rebuilding replaces it.
    assert build_report(default_run) == out
    # `kamae run` hands its own world to the report: the same page as the folder's rebuild.
    world = load_world(str(default_run / "scenario.yaml"))
    assert build_report(default_run, world=world).read_text(encoding="utf-8") == text


def test_every_scenario_string_is_escaped(hostile_run: Path) -> None:  # noqa: F811
    text = build_report(hostile_run).read_text(encoding="utf-8")
    for payload in HOSTILE.values():
        assert payload not in text
    assert html.escape(HOSTILE["description"], quote=True) in text
    assert html.escape(HOSTILE["asset"], quote=True) in text
    # Our script and our data block are the only scripts.
    assert len(re.findall(r"<script", text)) == 2


def test_reports_of_no_leakers_and_no_sensors(no_leak_run: Path, no_sensor_run: Path) -> None:  # noqa: F811
    no_leak = build_report(no_leak_run).read_text(encoding="utf-8")
    assert json.loads((no_leak_run / "summary.json").read_text())["threats_leaked"]["mean"] == 0
    assert 'data-layer="leakers"' in no_leak
    no_sensor = build_report(no_sensor_run).read_text(encoding="utf-8")
    assert 'data-layer="sensors"' in no_sensor


def test_report_of_a_chosen_replication(default_run: Path) -> None:  # noqa: F811
    text = build_report(default_run, replication=5).read_text(encoding="utf-8")
    assert re.search(r'<option value="5" selected>replication 5: chosen', text)
    with pytest.raises(KamaeError, match="no replication 99"):
        build_report(default_run, replication=99)


def test_not_a_run_folder(tmp_path: Path) -> None:
    with pytest.raises(KamaeError, match="not a complete run folder"):
        build_report(tmp_path)
    with pytest.raises(KamaeError, match="no such directory"):
        build_report(tmp_path / "missing")


def test_online_tiles_only_when_asked(default_run: Path) -> None:  # noqa: F811
    text = build_report(default_run, tiles="https://tiles.example.org/{z}/{x}/{y}.png").read_text(
        encoding="utf-8"
    )
    assert re.search(r'<image href="https://tiles.example.org/\d+/\d+/\d+.png"', text)
    assert "img-src data: https://tiles.example.org" in text
    assert "tiles.example.org" not in build_report(default_run).read_text(encoding="utf-8")


def test_comparison_page(default_run: Path, no_leak_run: Path, tmp_path: Path) -> None:  # noqa: F811
    out = build_comparison(default_run, no_leak_run, tmp_path / "compare.html")
    text = out.read_text(encoding="utf-8")
    assert "kamae comparison: japan-2027 and no-leakers" in text
    assert "B − A [95% interval]" in text
    assert 'id="run-a"' in text and 'id="run-b"' in text
    assert build_comparison(default_run, no_leak_run, tmp_path) == tmp_path / "comparison.html"


def test_png_export_without_a_browser_says_what_to_install(
    default_run: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(png_module, "find_chromium", lambda: "/nonexistent/chromium")
    with pytest.raises(KamaeError, match="apt-get install chromium"):
        build_report(default_run, png=True)


def test_range_rings_when_present(default_run: Path, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "run"
    shutil.copytree(default_run, folder)
    ring = RangeRing("strike-1", 35.0, 136.0, 1000.0, "notional stand-off missile reach", "test")
    text = build_report(folder, rings=[ring]).read_text(encoding="utf-8")
    layer = re.search(r'<g class="layer" data-layer="rings">(.*?)</g>', text)
    assert layer is not None and layer.group(1).count('class="feature ring"') == 1
    assert 'data-layer="rings"' not in build_report(folder).read_text(encoding="utf-8")


def test_campaign_and_trade_study_tables_when_present(
    default_run: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(default_run, folder)
    pq.write_table(
        pa.table({"day": [1, 2, 3], "leakers": [2.0, 3.5, 5.0], "stock": [100, 60, 20]}),
        folder / "campaign.parquet",
    )
    pq.write_table(
        pa.table({"cost_musd": [100.0, 200.0, 300.0, 250.0], "p_no_leak": [0.2, 0.5, 0.8, 0.4]}),
        folder / "trade_study.parquet",
    )
    text = build_report(folder).read_text(encoding="utf-8")
    assert "Campaign and trade studies" in text
    assert text.count('class="series s') >= 3  # two campaign lines and the front
    assert text.count('class="point front"') == 3


def test_a_folder_written_before_the_typed_event_columns_reads_the_same(
    default_run: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """An events.parquet with the detail text only (as written before kamae.results.events)
    is read with the same typed columns, and its report draws the same intercept marks."""
    from kamae.report.run_folder import read_run_folder
    from kamae.results.events import EVENT_FIELDS

    folder = tmp_path / "old"
    shutil.copytree(default_run, folder)
    events = pq.read_table(folder / "events.parquet")
    pq.write_table(events.drop_columns(list(EVENT_FIELDS)), folder / "events.parquet")
    old, new = read_run_folder(folder), read_run_folder(default_run)
    assert old.events.equals(new.events)
    marks = re.compile(r'class="event ev-intercept (hit|miss)"')
    old_page = build_report(folder).read_text(encoding="utf-8")
    new_page = build_report(default_run).read_text(encoding="utf-8")
    assert marks.findall(old_page) == marks.findall(new_page)
    assert "hit" in marks.findall(new_page)
