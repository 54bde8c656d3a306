"""The report's why-not section: why threats leaked and why fire units held fire.

Reads the run's why-not records (`kamae.results.why_not`): the leakers by the reason closest
to a shot, the threats that leaked most often with their reasons, and the fire units that
ended replications with rounds, by the reason they held fire most often.
"""

from __future__ import annotations

from typing import Any, cast

from kamae.report.markup import Markup, tag
from kamae.report.run_folder import RunFolder
from kamae.results.why_not import REASONS, WhyNotRecords, run_explanation

MOST_LEAKED = 10
"""Threats listed in the per-threat table (those that leaked most often)."""


def _table(head: tuple[str, ...], rows: list[tuple[object, ...]]) -> Markup:
    return tag(
        "table",
        {"class": "summary"},
        tag("thead", {}, tag("tr", {}, (tag("th", {}, h) for h in head))),
        tag(
            "tbody",
            {},
            (
                tag(
                    "tr",
                    {},
                    (tag("td", {"class": "num"} if isinstance(c, int) else {}, c) for c in row),
                )
                for row in rows
            ),
        ),
    )


def _listed(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))


def why_not_section(run: RunFolder) -> Markup | None:
    """The section, or None for a run folder written before why-not records existed."""
    if "reason" not in run.events.column_names:
        return None
    doc = run_explanation(WhyNotRecords.of(run.events))
    n = run.replications.num_rows
    counts = cast(dict[str, int], doc["reasons"])
    leaks = sum(counts.values())
    reasons = sorted(counts.items(), key=lambda kv: -kv[1])
    leakers = cast(dict[str, dict[str, Any]], doc["leakers"])
    most = sorted(leakers.values(), key=lambda x: -int(x["replications_leaked"]))[:MOST_LEAKED]
    units = cast(dict[str, dict[str, int]], doc["fire_units_holding_fire"])
    return tag(
        "section",
        {"id": "why-not"},
        tag("h2", {}, "Why threats leaked and fire units held fire"),
        tag(
            "p",
            {},
            f"{leaks} leaks over {n} replications. For each leaker, every fire unit's last "
            "reason while it could still have fired is recorded; the leaker's reason is the one "
            "that came closest to a shot (`kamae explain RUN --threat ID` lists them per unit).",
        ),
        _table(
            ("reason", "leaks", "share", "meaning"),
            [(k, v, f"{v / max(leaks, 1):.0%}", REASONS.get(k, "")) for k, v in reasons],
        )
        if reasons
        else tag("p", {}, "No threat leaked."),
        tag("h3", {}, "Threats that leaked most often"),
        _table(
            ("threat", "leaks", "reasons (closest to a shot)"),
            [(x["threat"], x["replications_leaked"], _listed(x["reasons"])) for x in most],
        )
        if most
        else None,
        tag("h3", {}, "Fire units ending with rounds"),
        _table(
            ("fire unit", "replications", "reason it held fire most often"),
            [(u, sum(c.values()), _listed(c)) for u, c in units.items()],
        )
        if units
        else tag("p", {}, "Every fire unit fired its last round."),
    )
