"""PNG figures of a report (the map and each chart) through headless Chromium.

Playwright's Python API drives a Chromium found on the machine (`KAMAE_CHROMIUM`, then
Debian's `chromium`, `chromium-browser`, `google-chrome`), else the browser Playwright manages
itself. Each element marked `data-figure` is screenshot at twice the CSS resolution.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kamae.errors import KamaeError

INSTALL_HINT = (
    "PNG export needs headless Chromium driven by Playwright: pip install playwright, and "
    "apt-get install chromium (or playwright install chromium)"
)
CANDIDATES = (
    "/usr/lib/chromium/chromium",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)
SCALE = 2.0
"""Device pixels per CSS pixel of the PNG files."""


def find_chromium() -> str | None:
    """Path of a Chromium executable on this machine, or None."""
    env = os.environ.get("KAMAE_CHROMIUM")
    if env:
        return env if Path(env).is_file() else shutil.which(env)
    for name in CANDIDATES:
        path = name if Path(name).is_file() else shutil.which(name)
        if path:
            return path
    return None


def export_figures(html: Path, out_dir: Path, *, width: int = 1280) -> list[Path]:
    """Screenshot each `data-figure` element of a report page into `out_dir/<name>.png`.

    The browser is driven from a worker thread, so that this also works where an asyncio
    loop is running (a Jupyter notebook), which Playwright's sync API refuses.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_export, Path(html), Path(out_dir), width).result()


def _export(html: Path, out_dir: Path, width: int) -> list[Path]:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise KamaeError(INSTALL_HINT) from None
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        with sync_playwright() as p:
            executable = find_chromium()
            try:
                browser = p.chromium.launch(executable_path=executable, headless=True)
            except PlaywrightError:
                raise KamaeError(INSTALL_HINT) from None
            try:
                page = browser.new_page(
                    viewport={"width": width, "height": 900}, device_scale_factor=SCALE
                )
                page.emulate_media(media="print")  # no controls, no hover box
                page.goto(Path(html).resolve().as_uri())
                page.wait_for_selector("html[data-ready=yes]")
                for element in page.query_selector_all("[data-figure]"):
                    name = element.get_attribute("data-figure") or "figure"
                    if not element.is_visible():
                        continue
                    target = out_dir / f"{name}.png"
                    element.screenshot(path=str(target))
                    written.append(target)
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise KamaeError(f"PNG export failed in headless Chromium: {exc}".splitlines()[0]) from None
    return written
