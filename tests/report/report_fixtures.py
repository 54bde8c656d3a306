"""Fixtures of the report tests: run folders (small, made once per session) and a headless
Chromium. Test modules import them by name (no conftest here, so that `conftest` stays the
suite's shared one).

Browser tests skip cleanly where Playwright or a Chromium executable is missing (a user's
machine); CI installs both (Debian's `chromium` package and `pip install playwright`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import one_layer_scenario

from kamae.report.png import find_chromium
from kamae.runs import run_scenario
from kamae.scenario import load_scenario

HOSTILE = {
    "description": "<script>alert(1)</script> & <b>bold</b>",
    "asset": '<img src=x onerror="alert(2)">Capital',
    "interceptor_source": '"><script>alert(3)</script>',
    "sensor_source": "</title><script>alert(4)</script>",
    "threat_source": "<svg onload=alert(5)>",
    "interceptor_key": '<img src=x onerror="alert(6)">',
    "area": "<script>alert(7)</script> area",
    "strike_source": "'><img src=y onerror=alert(8)>",
}
"""Scenario text that would run script if a report did not escape it (each payload opens a
dialog or loads an image when it is interpreted)."""


def _run(tmp: Path, doc: dict[str, Any] | None, name: str, replications: int) -> Path:
    if doc is None:
        loaded = load_scenario("japan-2027")
    else:
        path = tmp / f"{name}.yaml"
        path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        loaded = load_scenario(path)
    out = run_scenario(loaded, replications=replications, out=tmp / name)
    assert out.folder is not None
    return out.folder


@pytest.fixture(scope="session")
def default_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled default scenario, 8 replications."""
    return _run(tmp_path_factory.mktemp("default"), None, "default", 8)


@pytest.fixture(scope="session")
def no_leak_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Perfect interceptors: no replication has a leaker."""
    doc = one_layer_scenario(count=4, sspk=1.0, replications=4)
    doc["name"] = "no-leakers"
    return _run(tmp_path_factory.mktemp("noleak"), doc, "noleak", 4)


@pytest.fixture(scope="session")
def no_sensor_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """No sensors: nothing is seen, everything leaks."""
    doc = one_layer_scenario(count=3, replications=3)
    doc["name"] = "no-sensors"
    doc["sensors"] = []
    return _run(tmp_path_factory.mktemp("nosensor"), doc, "nosensor", 3)


@pytest.fixture(scope="session")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Free-text fields holding markup and script."""
    doc = one_layer_scenario(count=3, replications=3)
    doc["name"] = "hostile"
    doc["description"] = HOSTILE["description"]
    doc["assets"][0]["name"] = HOSTILE["asset"]
    doc["catalog"]["interceptors"]["test-upper"]["source"] = HOSTILE["interceptor_source"]
    doc["catalog"]["sensors"]["test-radar"]["source"] = HOSTILE["sensor_source"]
    threat = {
        "kind": "ballistic",
        "threat_class": "mrbm",
        "max_range_km": 1300,
        "rcs_m2": 0.1,
        "notional": True,
        "source": HOSTILE["threat_source"],
    }
    doc["catalog"]["threats"] = {"test-mrbm": threat}
    doc["raids"][0]["threat"] = "test-mrbm"
    _hostile_interceptor_key(doc)
    return _run(tmp_path_factory.mktemp("hostile"), doc, "hostile", 3)


def _hostile_interceptor_key(doc: dict[str, Any]) -> None:
    """Name the interceptor type (a catalog key: free text) with markup."""
    key = HOSTILE["interceptor_key"]
    doc["catalog"]["interceptors"] = {key: doc["catalog"]["interceptors"]["test-upper"]}
    doc["fire_units"][0]["interceptor"] = key


LAUNCH_AREA = [
    {"lat_deg": 38.5, "lon_deg": 126.0},
    {"lat_deg": 38.5, "lon_deg": 129.5},
    {"lat_deg": 41.5, "lon_deg": 129.5},
    {"lat_deg": 41.5, "lon_deg": 126.0},
]
"""A coarse sea-and-land box around the notional launch point (40N 128E), not a site list."""


def hostile_campaign_doc() -> dict[str, Any]:
    """A small campaign (fast defense, counterstrike) whose free text holds markup."""
    doc = one_layer_scenario(count=3, replications=4)
    doc["name"] = "hostile-campaign"
    doc["description"] = HOSTILE["description"]
    doc["catalog"]["interceptors"]["test-upper"]["source"] = HOSTILE["interceptor_source"]
    doc["fire_units"][0]["inventory"] = 10
    _hostile_interceptor_key(doc)
    doc["campaign"] = {
        "steps": 3,
        "defense": "fast",
        "replications": 4,
        "calibration_replications": 4,
        "areas": [{"id": "launch-area", "name": HOSTILE["area"], "polygon": LAUNCH_AREA}],
        "forces": [
            {
                "id": "force",
                "raids": ["raid"],
                "area": "launch-area",
                "launchers": 3,
                "missiles_per_launcher": 2,
                "p_locate": 0.5,
            }
        ],
        "strike_weapons": {
            "test-strike": {
                "range_km": 3000,
                "basing": ["ground"],
                "p_kill": 0.5,
                "source": HOSTILE["strike_source"],
                "notional": True,
            }
        },
        "counterstrike": {
            "rules": {"counterstrike": "after_confirmed_attack", "confirmation_delay_h": 1.0},
            "platforms": [
                {
                    "id": "battery",
                    "basing": "ground",
                    "weapon": "test-strike",
                    "lat_deg": 35.0,
                    "lon_deg": 135.0,
                    "inventory": 20,
                    "launches_per_step": 4,
                }
            ],
        },
    }
    return doc


@pytest.fixture(scope="session")
def hostile_campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A campaign folder (with its campaign.html) of `hostile_campaign_doc`."""
    from kamae.campaign.study import campaign_study
    from kamae.report.campaign import build_campaign_report

    tmp = tmp_path_factory.mktemp("hostile-campaign")
    path = tmp / "campaign.yaml"
    path.write_text(yaml.safe_dump(hostile_campaign_doc(), sort_keys=False), encoding="utf-8")
    study = campaign_study(load_scenario(path), sensitivity=False, out=tmp / "out")
    assert study.folder is not None
    build_campaign_report(study.folder)
    return study.folder


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Chromium through Playwright, or skip."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    executable = find_chromium()
    if executable is None:
        pytest.skip("no Chromium executable (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        try:
            instance = p.chromium.launch(executable_path=executable, headless=True)
        except sync_api.Error as exc:  # pragma: no cover - broken installs
            pytest.skip(f"Chromium does not start: {str(exc).splitlines()[0]}")
        yield instance
        instance.close()


class Page:
    """A browser page with the console errors, page errors and dialogs it produced."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

        def dialog(d: Any) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", dialog)

    def open(self, html: Path) -> Any:
        self.page.goto(html.resolve().as_uri())
        self.page.wait_for_selector("html[data-ready=yes]")
        return self.page


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    p = Page(browser)
    yield p
    p.page.close()
