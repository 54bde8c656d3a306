"""`kamae explain`: why threats leaked and fire units held fire in a run (why-not records)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from kamae.cli.app import print_json, user_errors


@user_errors
def explain(
    folder: Annotated[Path, typer.Argument(help="A run folder written by `kamae run`.")],
    threat: Annotated[
        str | None, typer.Option("--threat", help="One threat id (e.g. north-tokyo#3).")
    ] = None,
    replication: Annotated[
        int | None, typer.Option(min=0, help="Also list this replication's records.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Why threats leaked and fire units held fire: the run's why-not records by reason."""
    from kamae.results.why_not import explain_run

    doc = explain_run(folder, threat, replication)
    if as_json:
        print_json(doc)
        return
    for line in explanation_lines(doc):
        typer.echo(line)


def _by_count(counts: dict[str, int]) -> list[tuple[str, int]]:
    """Reasons by count, most frequent first (ties in chain order)."""
    return sorted(counts.items(), key=lambda item: -item[1])


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in _by_count(counts)) or "none"


def explanation_lines(doc: dict[str, Any]) -> list[str]:
    """The text `kamae explain` prints for `kamae.results.why_not.explain_run`'s answer."""
    about = doc["descriptions"]
    n = doc.get("replications")
    lines = [f"{doc.get('scenario') or 'run'}: {doc['run']} ({n} replications)"]
    if "threat" in doc:
        lines.append(
            f"{doc['threat']} leaked in {doc['replications_leaked']} replications; the reason "
            f"closest to a shot: {_counts(doc['reasons'])}"
        )
        lines.append("per fire unit (its last reason while it could still fire):")
        for unit, counts in doc["fire_units"].items():
            lines.append(f"  {unit}: {_counts(counts)}")
    else:
        leakers = doc["leakers"]
        total = sum(x["replications_leaked"] for x in leakers.values())
        lines.append(f"{total} leaks; why (the reason closest to a shot, over the fire units):")
        for name, count in _by_count(doc["reasons"]):
            lines.append(f"  {name:<24} {count:>6}  {about.get(name, '')}")
        lines.append("per leaking threat:")
        for tid, x in leakers.items():
            lines.append(f"  {tid}: {x['replications_leaked']} leaks: {_counts(x['reasons'])}")
        lines.append("fire units ending with rounds, by the reason they held fire most often:")
        for unit, counts in doc["fire_units_holding_fire"].items():
            lines.append(f"  {unit}: {_counts(counts)}")
    for row in doc.get("records", []):
        where = row["fire_unit"] or row["threat"] or ""
        fields = " ".join(f"{k}={v}" for k, v in row["detail"].items() if k != "scope")
        lines.append(
            f"  t={row['time_s']:.0f} s {row['scope']:<6} {where:<24} {row['reason']} {fields}"
        )
    used = _reasons_in(doc)
    if used:
        lines.append("reasons:")
        lines.extend(f"  {name}: {about[name]}" for name in about if name in used)
    return lines


def _reasons_in(doc: dict[str, Any]) -> set[str]:
    names = set(doc.get("reasons", {}))
    for counts in doc.get("fire_units", {}).values():
        names |= set(counts)
    for counts in doc.get("fire_units_holding_fire", {}).values():
        names |= set(counts)
    return names
