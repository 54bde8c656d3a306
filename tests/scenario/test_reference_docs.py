"""The committed scenario reference page is the one generated from the declarations."""

from __future__ import annotations

from pathlib import Path

from kamae.scenario.reference import markdown_reference

PAGE = Path(__file__).resolve().parents[2] / "docs" / "scenario-reference.md"


def test_reference_page_is_current() -> None:
    assert PAGE.read_text(encoding="utf-8") == markdown_reference(), (
        "docs/scenario-reference.md is stale: run "
        "`python -m kamae.scenario.reference > docs/scenario-reference.md`"
    )


def test_every_field_is_documented() -> None:
    page = markdown_reference()
    rows = [line for line in page.splitlines() if line.startswith("| `")]
    assert rows and all(not line.rstrip().endswith("|  |") for line in rows)
