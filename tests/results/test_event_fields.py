"""The event table's typed columns: every field the engine writes in `detail` has its column,
parsed to the right value and type, null where an event has no such field; an older table
(text only) gets the same columns when read."""

from __future__ import annotations

import math

import pyarrow as pa
import pytest
from conftest import one_layer_scenario, write_scenario

from kamae.montecarlo import run_montecarlo
from kamae.results.events import EVENT_FIELDS, EVENT_SCHEMA, with_event_fields
from kamae.scenario import load_scenario

# One detail text of each form the engine writes (kamae.engine: looks, battle, why_not,
# threat_effects, pictures), with the columns it must give.
DETAILS = [
    ("detection", "range_km=612", {"range_km": 612.0}),
    (
        "detection",
        "launch_report launch_time_s=-3 heading_deg=87",
        {"tag": "launch_report", "launch_time_s": -3.0, "heading_deg": 87.0},
    ),
    ("detection", "space_track", {"tag": "space_track"}),
    ("track", "fire_control_quality", {"tag": "fire_control_quality"}),
    (
        "launch",
        "intercept_at_s=345 pk=0.750 sigma_m=812.5 basket_m=2000",
        {"intercept_at_s": 345.0, "pk": 0.75, "sigma_m": 812.5, "basket_m": 2000.0},
    ),
    ("launch", "intercept_at_s=346 pk=0.612", {"intercept_at_s": 346.0, "pk": 0.612}),
    ("intercept", "hit", {"tag": "hit"}),
    ("intercept", "no_object", {"tag": "no_object"}),
    ("leak", "miss_m=2842", {"miss_m": 2842.0}),
    ("attack_confirmed", "declared_by=jadgc", {"declared_by": "jadgc"}),
    ("destroyed", "fire_unit", {"tag": "fire_unit"}),
    (
        "why_not",
        "scope=threat fire_units=4 fired=2",
        {"scope": "threat", "fire_units": 4, "fired": 2},
    ),
    (
        "why_not",
        "scope=leaker last_s=310 fired=0 rounds_left=14",
        {"scope": "leaker", "last_s": 310.0, "fired": 0, "rounds_left": 14},
    ),
    (
        "why_not",
        "scope=unit rounds_left=6 fired=2 threats=3 no_rounds=1 outside_envelope=2",
        {"scope": "unit", "rounds_left": 6, "fired": 2, "threats": 3},
    ),
    ("kill", None, {}),
]


def test_every_detail_form_gives_its_typed_columns_and_nulls_elsewhere() -> None:
    table = pa.table(
        {"kind": [k for k, _, _ in DETAILS], "detail": pa.array([d for _, d, _ in DETAILS])}
    )
    typed = with_event_fields(table)
    for name, (kind, _) in EVENT_FIELDS.items():
        assert typed.schema.field(name).type == kind, name
    rows = typed.to_pylist()
    for row, (_, detail, expected) in zip(rows, DETAILS, strict=True):
        for name in EVENT_FIELDS:
            assert row[name] == expected.get(name), (detail, name, row[name])


def test_a_value_that_does_not_parse_is_null_not_an_error() -> None:
    table = pa.table({"kind": ["launch"], "detail": ["intercept_at_s=soon pk=0.5"]})
    row = with_event_fields(table).to_pylist()[0]
    assert row["intercept_at_s"] is None and row["pk"] == 0.5


def test_the_engine_tables_columns_equal_their_detail_texts(tmp_path) -> None:
    path = write_scenario(tmp_path, one_layer_scenario(count=6, sspk=0.6, replications=3))
    events = run_montecarlo(load_scenario(path), 3, 11).events
    assert events.schema == EVENT_SCHEMA
    rows = events.to_pylist()
    kinds = {r["kind"] for r in rows}
    assert {"launch", "intercept", "detection"} <= kinds
    for row in rows:  # each column against its own reading of the text
        words = (row["detail"] or "").split()
        fields = dict(w.split("=", 1) for w in words if "=" in w)
        for name, (kind, _) in EVENT_FIELDS.items():
            if name == "tag":
                bare = words[0] if words and "=" not in words[0] else None
                assert row["tag"] == bare
            elif name not in fields:
                assert row[name] is None, (row["detail"], name)
            elif pa.types.is_floating(kind):
                assert row[name] == pytest.approx(float(fields[name])), (row["detail"], name)
            else:
                assert str(row[name]) == fields[name], (row["detail"], name)
    launches = [r for r in rows if r["kind"] == "launch"]
    assert launches and all(
        0 < r["pk"] <= 1 and math.isfinite(r["intercept_at_s"]) for r in launches
    )
    assert {r["tag"] for r in rows if r["kind"] == "intercept"} <= {"hit", "miss"}


def test_a_table_with_the_columns_is_returned_as_it_is() -> None:
    table = with_event_fields(pa.table({"kind": ["leak"], "detail": ["miss_m=5"]}))
    assert with_event_fields(table) is table


def test_docs_list_every_column_with_its_type() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "results.md").read_text("utf-8")
    for name, (kind, _) in EVENT_FIELDS.items():
        written = str(kind).replace("double", "float64")
        assert f"| `{name}` | {written} |" in text, name
    for name in EVENT_SCHEMA.names:
        assert f"| `{name}` |" in text, name
