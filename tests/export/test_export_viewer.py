"""The offline CZML viewer (issue 21) in a headless Chromium: the page, served from this
machine (127.0.0.1) beside a local Cesium build (the npm package `cesium`, found by
KAMAE_CESIUM), loads every packet, plays (the clock advances over the run's span), logs no
error and asks nothing of any other host.

Skipped where Playwright, Chromium or a Cesium build is missing (Cesium is not a Python
dependency: `npm install cesium`, then KAMAE_CESIUM=node_modules/cesium)."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from export_fixtures import REPLICATION, small_run
from typer.testing import CliRunner

from kamae.cli import app
from kamae.report.png import find_chromium

runner = CliRunner()


def test_the_page_plays_offline(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    cesium = os.environ.get("KAMAE_CESIUM")
    if not cesium:
        pytest.skip("no Cesium build (npm install cesium; KAMAE_CESIUM=node_modules/cesium)")
    executable = find_chromium()
    if executable is None:
        pytest.skip("no Chromium executable")
    run = small_run(tmp_path / "runs")
    out = tmp_path / "view" / "r.czml"
    out.parent.mkdir()
    (out.parent / "cesium").symlink_to(Path(cesium).resolve(), target_is_directory=True)
    args = ["export", "czml", str(run), "--replication", str(REPLICATION), "-o", str(out)]
    result = runner.invoke(app, [*args, "--viewer", str(out.parent / "cesium")])
    assert result.exit_code == 0, result.output
    packets = len(json.loads(out.read_text(encoding="utf-8")))
    handler = partial(SimpleHTTPRequestHandler, directory=str(out.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    local = f"http://127.0.0.1:{server.server_address[1]}/"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable, headless=True,
            args=["--use-gl=swiftshader", "--enable-unsafe-swiftshader", "--ignore-gpu-blocklist"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 800, "height": 600})
        errors: list[str] = []
        remote: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on(
            "request",
            lambda r: None if r.url.startswith((local, "data:", "blob:")) else remote.append(r.url),
        )
        page.goto(local + "r.html")
        page.wait_for_selector("html[data-ready=yes]", timeout=60_000)
        entities = int(page.evaluate("document.documentElement.dataset.entities"))
        clock = (
            "Cesium.JulianDate.secondsDifference(viewer.clock.currentTime, viewer.clock.startTime)"
        )
        first = page.evaluate(clock)
        page.wait_for_function(f"{clock} > {first} + 5", timeout=60_000)  # it plays
        later = page.evaluate(clock)
        span = page.evaluate(
            "Cesium.JulianDate.secondsDifference(viewer.clock.stopTime, viewer.clock.startTime)"
        )
        browser.close()
    server.shutdown()
    server.server_close()
    assert entities == packets - 1  # every packet but the document's
    assert later > first  # it plays
    start, end = (
        dt.datetime.fromisoformat(x.replace("Z", "+00:00"))
        for x in json.loads(out.read_text())[0]["clock"]["interval"].split("/")
    )
    assert span == pytest.approx((end - start).total_seconds())  # the run's time span
    assert not errors and not remote, (errors, remote)
