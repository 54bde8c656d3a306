"""Hostile YAML: every class a tester tried gets one line naming the file, line and field,
fast and small, never a traceback (issue 23). Time is measured in bench/bench_hostile.py;
here each refusal's memory is bounded with tracemalloc (deterministic, not a timing)."""

from __future__ import annotations

import os
import threading
import tracemalloc
from pathlib import Path

import pytest
import yaml
from conftest import one_layer_scenario

from kamae.errors import ScenarioError, ScenarioErrors
from kamae.scenario import load_scenario
from kamae.scenario.safe_yaml import (
    MAX_ALIASES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_VALUES,
    core_scalar,
    read_yaml,
)

MB = 2**20


def _base() -> str:
    return yaml.safe_dump(one_layer_scenario(), sort_keys=False)


def _refusal(tmp_path: Path, text: str) -> ScenarioError:
    """The one error of a scenario file holding `text`, its tracemalloc peak under 100 MB."""
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    tracemalloc.start()
    try:
        with pytest.raises((ScenarioError, ScenarioErrors)) as info:
            load_scenario(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 100 * MB, f"{peak / MB:.0f} MB"
    exc = info.value
    errors = exc.errors if isinstance(exc, ScenarioErrors) else [exc]
    assert len(errors) == 1, [str(e) for e in errors]
    (err,) = errors
    assert err.file == str(path)
    assert "\n" not in str(err) and len(str(err)) < 400
    return err


def billion_laughs(levels: int = 9) -> str:
    lines = ['lol0: &a0 "lol"']
    for i in range(1, levels + 1):
        lines.append(f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return "version: 1\nname: x\n" + "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_by_the_expanded_size(tmp_path: Path) -> None:
    err = _refusal(tmp_path, billion_laughs())
    assert f"more than {MAX_VALUES} values" in err.problem
    assert err.line is not None and 3 <= err.line <= 12
    assert err.field.startswith("lol")


def test_many_aliases_are_refused(tmp_path: Path) -> None:
    items = ", ".join(["*v"] * (MAX_ALIASES + 1))
    err = _refusal(tmp_path, f"version: 1\nname: x\nv: &v 1\nmany: [{items}]\n")
    assert f"more than {MAX_ALIASES} aliases" in err.problem
    assert err.line == 4


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\nname: &n [x, *n]\n",
        "version: 1\nname: &n {a: *n}\n",
        "version: 1\nname: &n\n  - a\n  - [b, *n]\n",
    ],
)
def test_recursive_alias_is_refused(tmp_path: Path, text: str) -> None:
    err = _refusal(tmp_path, text)
    assert "recursive alias *n" in err.problem
    assert err.field.startswith("name")


def test_undefined_alias_names_the_line(tmp_path: Path) -> None:
    err = _refusal(tmp_path, "version: 1\nname: x\nseed: *nothing\n")
    assert err.line == 3


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 200, 100_000])
def test_deep_flow_nesting_is_refused(tmp_path: Path, depth: int) -> None:
    err = _refusal(tmp_path, "version: 1\nname: " + "[" * depth + "]" * depth + "\n")
    assert "nest" in err.problem and err.line == 2


def test_deep_block_nesting_is_refused(tmp_path: Path) -> None:
    body = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5)) + "  " * 40 + "v: 1\n"
    err = _refusal(tmp_path, "version: 1\nname: x\n" + body)
    assert f"nested more than {MAX_DEPTH}" in err.problem
    assert err.line == MAX_DEPTH + 3
    assert err.field.startswith("k0.k1.k2")


def test_nesting_at_the_limit_is_read() -> None:
    depth = MAX_DEPTH - 1
    data, _ = read_yaml("x: " + "[" * depth + "1" + "]" * depth + "\n", "f")
    node = data["x"]
    for _ in range(depth - 1):
        node = node[0]
    assert node == [1]


@pytest.mark.parametrize(
    ("line", "field", "tag"),
    [
        ("seed: !!int abc", "seed", "int"),
        ("seed: !!float abc", "seed", "float"),
        ("notional: !!bool maybe", "notional", "bool"),
        ("description: !!timestamp x", "description", "timestamp"),
        ("description: !!python/object/apply:os.system [ls]", "description", "python/object"),
        ("description: !custom x", "description", "!custom"),
        ("description: ! x", "description", "!"),
        ("assets: !!seq []", "assets", "seq"),
        ("doctrine: !!map {}", "doctrine", "map"),
    ],
)
def test_explicit_tags_are_refused_with_the_line(
    tmp_path: Path, line: str, field: str, tag: str
) -> None:
    text = "version: 1\nname: x\n" + line + "\n"
    err = _refusal(tmp_path, text)
    assert err.line == 3 and err.field == field
    assert "explicit YAML tags" in err.problem and tag in err.problem


def test_tag_on_a_key_is_refused(tmp_path: Path) -> None:
    err = _refusal(tmp_path, "version: 1\nname: x\n!!str seed: 1\n")
    assert err.line == 3 and "tags" in err.problem


def test_merge_key_is_refused_with_the_line(tmp_path: Path) -> None:
    doc = _base().replace("raids:\n- id: raid\n", "raids:\n- <<: {count: 3}\n  id: raid\n")
    assert "<<" in doc
    line = doc.splitlines().index("- <<: {count: 3}") + 1
    err = _refusal(tmp_path, doc)
    assert err.line == line and err.field == "raids[0].<<"
    assert "merge keys" in err.problem


def test_quoted_merge_key_is_an_unknown_field(tmp_path: Path) -> None:
    err = _refusal(tmp_path, _base() + "'<<': 1\n")
    assert err.field == "<<" and "unknown field" in err.problem


def test_second_document_is_refused(tmp_path: Path) -> None:
    err = _refusal(tmp_path, _base() + "---\nversion: 1\n")
    assert "one document" in err.problem and err.line is not None


def test_a_few_aliases_are_read_with_lines(tmp_path: Path) -> None:
    doc = one_layer_scenario()
    second = {**doc["raids"][0], "id": "raid2", "count": 2}
    doc["raids"].append(second)
    text = yaml.safe_dump(doc, sort_keys=False)  # PyYAML writes the shared launch as an alias
    assert "launch: &id001" in text and "launch: *id001" in text
    path = tmp_path / "aliases.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_scenario(path)
    raids = loaded.scenario.raids
    assert [r.id for r in raids] == ["raid", "raid2"]
    assert raids[1].launch == raids[0].launch
    lines = text.splitlines()
    alias = next(i for i, x in enumerate(lines) if "launch: *id001" in x) + 1
    anchor = next(i for i, x in enumerate(lines) if "launch: &id001" in x) + 1
    assert loaded.lines[("raids", 1, "launch")] == alias
    assert loaded.lines[("raids", 1, "launch", "lat_deg")] == anchor + 1
    assert loaded.lines[("raids", 0, "launch", "lat_deg")] == anchor + 1


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1:30", "1:30"),  # YAML 1.1: sexagesimal 90
        ("010", 10),  # YAML 1.1: octal 8
        ("0o10", 8),
        ("0x1F", 31),
        ("yes", "yes"),  # YAML 1.1: true
        ("off", "off"),
        ("True", True),
        ("FALSE", False),
        ("~", None),
        ("", None),
        ("2001-12-14", "2001-12-14"),  # YAML 1.1: a date
        ("1e3", 1000.0),  # YAML 1.1: text
        ("-.inf", float("-inf")),
        ("1_000", "1_000"),
        ("=", "="),
    ],
)
def test_only_core_schema_types(text: str, value: object) -> None:
    assert core_scalar(text) == value and type(core_scalar(text)) is type(value)


def test_nan_reads_as_a_float_and_is_refused_by_the_schema(tmp_path: Path) -> None:
    assert core_scalar(".nan") != core_scalar(".nan")
    err = _refusal(tmp_path, _base().replace("interval_s: 5", "interval_s: .nan"))
    assert err.field == "raids[0].interval_s" and "finite" in err.problem


def test_sexagesimal_time_is_not_read_as_a_number(tmp_path: Path) -> None:
    err = _refusal(tmp_path, _base().replace("interval_s: 5", "interval_s: 1:30"))
    assert err.field == "raids[0].interval_s" and "'1:30'" in str(err)


def test_huge_integer_is_refused_in_one_line(tmp_path: Path) -> None:
    err = _refusal(tmp_path, _base().replace("seed: 7", "seed: " + "9" * 5000))
    assert err.field == "seed" and "characters" in err.problem


def test_non_text_keys_are_refused(tmp_path: Path) -> None:
    for key in ("null", "true", "1.5", "[a, b]", "{a: 1}"):
        err = _refusal(tmp_path, f"version: 1\nname: x\n? {key}\n: 1\n")
        assert "keys must be text" in err.problem, key


def test_duplicate_key_names_the_field(tmp_path: Path) -> None:
    err = _refusal(tmp_path, "version: 1\nname: x\nseed: 1\nseed: 2\n")
    assert err.field == "seed" and err.line == 4 and "duplicate" in err.problem


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    err = _refusal(tmp_path, _base() + "# " + "x" * MAX_FILE_BYTES + "\n")
    assert err.field == "file" and "too large" in err.problem and "1 MiB" in err.problem


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def load() -> None:
        try:
            load_scenario(fifo)
        except BaseException as exc:  # reported to the test thread below
            outcome.append(exc)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # unblock the reader so the thread ends, then fail
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    (exc,) = outcome
    assert isinstance(exc, ScenarioError)
    assert exc.field == "file" and "not a regular file" in exc.problem


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_refused(device: str) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    with pytest.raises(ScenarioError, match="not a regular file"):
        load_scenario(device)


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="is a folder"):
        load_scenario(str(tmp_path))


def test_long_value_is_cut_in_the_error_line(tmp_path: Path) -> None:
    long_name = "n" * (MAX_FILE_BYTES // 2)
    text = _base().replace("name: one-layer", f"name: {long_name}")
    path = tmp_path / "long.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioErrors) as info:
        load_scenario(path)
    (err,) = info.value.errors
    assert err.field == "name" and len(str(err)) < 400
    assert f"({len(long_name) + 2} characters)" in str(err)  # the repr's quotes counted


def test_a_key_with_a_newline_is_named_escaped_on_one_line(tmp_path: Path) -> None:
    """Found by the fuzzing suite: an unknown key "\\n" printed raw split the error line."""
    doc = one_layer_scenario()
    doc["doctrine"]["\n"] = None
    err = _refusal(tmp_path, yaml.safe_dump(doc, sort_keys=False))
    assert err.field == 'doctrine["\\n"]'
