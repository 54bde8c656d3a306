"""The event table (events.parquet): the engine's event logs with their details as columns.

The engine keeps its event log cheap (`kamae.engine.records.EventLog`: one short `detail`
text per event, `key=value` fields and at most one bare word). Written out, each field the
engine writes becomes a typed column of its own (`EVENT_FIELDS`, null where an event has no
such field), parsed once from the text with Arrow's vectorised regular expressions; the
`detail` text stays beside them. The values are the text's: as rounded as the engine wrote
them (pk to 3 decimals, times and distances mostly to whole units).

`with_event_fields` adds the columns to a table without them (a run folder written before
they existed), so readers (the report, the CZML and DIS exports, summary.json's kill
probability at launch) read the columns and never the text. The schema is documented in
docs/interop.md ("The event table").
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["EVENT_FIELDS", "EVENT_SCHEMA", "detail_fields", "with_event_fields"]

EVENT_FIELDS: dict[str, tuple[pa.DataType, str]] = {
    "tag": (
        pa.string(),
        "the detail's bare word: intercept hit, miss, already_destroyed (a salvo at a kill "
        "not recognised) or no_object (a track on false reports); destroyed sensor or "
        "fire_unit; detection launch_report (early warning) or space_track; track "
        "fire_control_quality",
    ),
    "range_km": (pa.float64(), "detection by a radar: its range to the threat, km"),
    "launch_time_s": (pa.float64(), "detection, launch_report: the launch time reported, s"),
    "heading_deg": (pa.float64(), "detection, launch_report: the heading reported, degrees"),
    "intercept_at_s": (pa.float64(), "launch: the planned intercept time, s"),
    "pk": (pa.float64(), "launch: the predicted kill probability of each interceptor"),
    "sigma_m": (
        pa.float64(),
        "launch with a handover basket: the predicted position error at handover, m",
    ),
    "basket_m": (pa.float64(), "launch with a handover basket: the basket's radius, m"),
    "miss_m": (pa.float64(), "leak: the impact's distance from the aim point, m"),
    "declared_by": (pa.string(), "attack_confirmed: the C2 node that declared the attack"),
    "scope": (pa.string(), "why_not: threat, leaker or unit (kamae.results.why_not)"),
    "fire_units": (pa.int32(), "why_not, scope threat: the fire units it was weighed by"),
    "fired": (pa.int32(), "why_not: interceptors fired (at the threat; by the unit)"),
    "last_s": (pa.float64(), "why_not, scope leaker: when the unit's last reason was set, s"),
    "rounds_left": (pa.int32(), "why_not, scopes leaker and unit: the unit's rounds left"),
    "threats": (
        pa.int32(),
        "why_not, scope unit: threats it had an opportunity against and never fired at",
    ),
}
"""Each typed column of the event table: Arrow type and what it holds for which events. A
why_not record of scope unit also counts each reason (`<reason>=<count>`); those counts stay
in `detail` only (their names are the reasons, `kamae.results.why_not.REASONS`)."""

EVENT_SCHEMA = pa.schema(
    [
        ("replication", pa.int32()),
        ("time_s", pa.float64()),
        ("kind", pa.dictionary(pa.int8(), pa.string())),
        ("threat", pa.string()),
        ("sensor", pa.string()),
        ("fire_unit", pa.string()),
        ("interceptor", pa.string()),
        ("detail", pa.string()),
        ("reason", pa.dictionary(pa.int8(), pa.string())),
        *((name, kind) for name, (kind, _) in EVENT_FIELDS.items()),
    ]
)
"""events.parquet as `kamae run` writes it."""

_TAG = r"^(?P<v>[^= ]+)(?: |$)"
"""The bare word: a first token without `=`."""


def _field(detail: pa.ChunkedArray | pa.Array, name: str) -> pa.ChunkedArray | pa.Array:
    """One field of every detail, as text (null where absent)."""
    pattern = _TAG if name == "tag" else rf"(?:^| ){name}=(?P<v>[^ ]*)"
    return pc.struct_field(pc.extract_regex(detail, pattern), [0])


def with_event_fields(events: pa.Table) -> pa.Table:
    """`events` with every column of `EVENT_FIELDS` it lacks, parsed from its `detail`
    (a table already holding them is returned as it is)."""
    missing = [name for name in EVENT_FIELDS if name not in events.column_names]
    if not missing or "detail" not in events.column_names:
        return events
    detail = events.column("detail")
    if detail.type != pa.string():
        detail = detail.cast(pa.string())
    for name in missing:
        kind = EVENT_FIELDS[name][0]
        events = events.append_column(pa.field(name, kind), _typed(_field(detail, name), kind))
    return events


def _typed(text: pa.ChunkedArray | pa.Array, kind: pa.DataType) -> pa.ChunkedArray | pa.Array:
    """Text values as `kind`; one that does not parse (a folder edited by hand) is null."""
    try:
        return pc.cast(text, kind)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        convert = int if pa.types.is_integer(kind) else float
        values = []
        for value in text.to_pylist():
            try:
                values.append(None if value is None else convert(value))
            except ValueError:
                values.append(None)
        return pa.array(values, kind)


def detail_fields(detail: str | None) -> dict[str, str]:
    """The `key=value` fields of one event's detail text (what the columns do not hold:
    a why_not unit record's reason counts)."""
    if not detail:
        return {}
    return dict(item.split("=", 1) for item in detail.split() if "=" in item)
