"""Mutated scenario files and what kamae must make of them (issue 23's fuzzing suite).

A mutation takes a bundled scenario, changes one thing, and gives the file's bytes: a value
(numbers to extremes, negatives, .inf, .nan, text, huge; wrong types), a key (deleted, unknown,
repeated), a list item (dropped, repeated: duplicate ids), a name (rich markup, escape and
control characters, unicode), or the text itself (explicit tags, anchors and aliases,
recursive aliases, merge keys, a "billion laughs", deep nesting, control bytes, cut lines, a
second document, text that is not UTF-8, a file over the size limit).

`outcome` says what kamae made of a file, as the user would meet it: a refusal (every line a
`ScenarioError` naming the file and a field, or a `WorkloadError` naming the file), or a
world that passes its checks and, when asked, a short run whose outputs are all finite.
Anything else (a traceback) is raised as it comes: it is a bug to fix, never a case to skip.
Shared by tests/scenario/test_fuzz.py and bench/bench_hostile.py.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa

from kamae.errors import ScenarioError, ScenarioErrors
from kamae.scenario import bundled_scenarios
from kamae.scenario.base import PathKey
from kamae.scenario.loader import load_scenario_text
from kamae.scenario.safe_yaml import MAX_FILE_BYTES, dump_yaml, read_yaml
from kamae.workload import WorkloadError, check_workload, estimate
from kamae.world import check_world

NUMBERS: tuple[Any, ...] = (
    0,
    -0.0,
    -1,
    1,
    -1e-9,
    1e-300,
    1e-6,
    0.5,
    1e6,
    1e9,
    1e308,
    -1e308,
    2**31,
    2**63,
    -(2**63),
    10**30,
    10**400,
    math.inf,
    -math.inf,
    math.nan,
)
NAMES: tuple[str, ...] = (
    "",
    " ",
    "[/bold]",
    "[link=file:///etc/passwd]click[/link]",
    "[bold red]alarm",
    "\x1b[2J\x1b[31mred\x1b[0m",
    "\x1b]8;;file:///etc/passwd\x07link\x1b]8;;\x07",
    "a\x00b",
    "tab\there\rcarriage\x7f",
    "東京\u202eevil\u200b",
    "🚀" * 40,
    "<script>alert(1)</script>",
    "x" * 5000,
    "../../etc/passwd",
)
TEXTS: tuple[str, ...] = ("abc", "1e3", "yes", "no", "2001-12-14", "0x1F", ".inf", "null")
STRUCTURES: tuple[Any, ...] = (None, True, False, [], {}, [1, 2], {"x": 1}, [[[]]], {"": None})
TAGS = ("!!int", "!!float", "!!bool", "!!timestamp", "!!str", "!!python/object:os.system", "!x")


@cache
def bundled_data() -> dict[str, Any]:
    """Every bundled scenario's data, as the loader reads it."""
    return {
        name: read_yaml(path.read_text(encoding="utf-8"), name)[0]
        for name, path in bundled_scenarios().items()
    }


# -- where: paths into the data ----------------------------------------------------------------


def paths(node: Any, at: PathKey = ()) -> Iterator[tuple[PathKey, Any]]:
    """Every field path of `node` (itself first) with its value."""
    yield at, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, (*at, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from paths(value, (*at, i))


def _pick(rng: random.Random, doc: Any, keep: Callable[[Any], bool]) -> PathKey | None:
    found = [p for p, v in paths(doc) if p and keep(v)]
    return rng.choice(found) if found else None


def _set(doc: Any, path: PathKey, value: Any) -> None:
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _get(doc: Any, path: PathKey) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# -- data mutations: one change to the data, then written as YAML ----------------------------


def _number(rng: random.Random, doc: Any) -> None:
    path = _pick(rng, doc, _is_number)
    if path is None:
        return
    old = _get(doc, path)
    choice = rng.random()
    if choice < 0.4:
        new = rng.choice(NUMBERS)
    elif choice < 0.7:
        new = old * 10.0 ** rng.randint(-12, 12)
    elif choice < 0.85:
        new = -old if old else -1
    else:
        new = old + rng.choice((-1, 1)) * rng.random() * max(abs(old), 1)
    _set(doc, path, new)


def _value(rng: random.Random, doc: Any) -> None:
    path = _pick(rng, doc, lambda v: True)
    if path is not None:
        pool = (NUMBERS, NAMES, TEXTS, STRUCTURES)[rng.randrange(4)]
        _set(doc, path, copy.deepcopy(rng.choice(pool)))


def _name(rng: random.Random, doc: Any) -> None:
    path = _pick(rng, doc, lambda v: isinstance(v, str))
    if path is None:
        return
    old = _get(doc, path)
    cut = rng.randint(0, len(old))
    _set(doc, path, old[:cut] + rng.choice(NAMES) + old[cut:])


def _delete(rng: random.Random, doc: Any) -> None:
    path = _pick(rng, doc, lambda v: isinstance(v, dict) and bool(v))
    node = _get(doc, path) if path is not None else doc
    del node[rng.choice(list(node))]


def _extra(rng: random.Random, doc: Any) -> None:
    path = _pick(rng, doc, lambda v: isinstance(v, dict))
    node = _get(doc, path) if path is not None else doc
    node[rng.choice(("extra_field", "Name", "name_", rng.choice(NAMES) or "k"))] = rng.choice(
        NUMBERS
    )


def _rename_key(rng: random.Random, doc: Any) -> None:
    path = _pick(rng, doc, lambda v: isinstance(v, dict) and bool(v))
    node = _get(doc, path) if path is not None else doc
    key = rng.choice(list(node))
    suffix = rng.choice(("_m", "\u200b", " ", "é"))
    node[f"{key}{suffix}"] = node.pop(key)


def _list_item(rng: random.Random, doc: Any) -> None:
    path = _pick(rng, doc, lambda v: isinstance(v, list) and bool(v))
    if path is None:
        return
    items = _get(doc, path)
    i = rng.randrange(len(items))
    if rng.random() < 0.5:
        items.append(copy.deepcopy(items[i]))  # a repeated id, most often
    else:
        del items[i]


def _swap(rng: random.Random, doc: Any) -> None:
    found = [p for p, v in paths(doc) if p and not isinstance(v, dict | list)]
    if len(found) >= 2:
        a, b = rng.sample(found, 2)
        va, vb = _get(doc, a), _get(doc, b)
        _set(doc, a, vb)
        _set(doc, b, va)


DATA_MUTATIONS: dict[str, Callable[[random.Random, Any], None]] = {
    "number": _number,
    "value": _value,
    "name": _name,
    "delete-key": _delete,
    "unknown-key": _extra,
    "rename-key": _rename_key,
    "list-item": _list_item,
    "swap": _swap,
}


# -- text mutations: one change to the YAML text -----------------------------------------------


def _value_lines(lines: list[str]) -> list[int]:
    """Lines `key: value` with a plain value after the colon."""
    found = []
    for i, line in enumerate(lines):
        head, sep, tail = line.partition(": ")
        if sep and tail.strip() and not head.lstrip().startswith("#"):
            found.append(i)
    return found


def _at_value(rng: random.Random, text: str, change: Callable[[str, str], str]) -> str:
    lines = text.split("\n")
    found = _value_lines(lines)
    if not found:
        return text
    i = rng.choice(found)
    head, _, tail = lines[i].partition(": ")
    lines[i] = f"{head}: {change(head, tail)}"
    return "\n".join(lines)


def _tag(rng: random.Random, text: str) -> str:
    return _at_value(rng, text, lambda head, tail: f"{rng.choice(TAGS)} {tail}")


def _alias(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    found = _value_lines(lines)
    if len(found) < 2:
        return text
    a, b = sorted(rng.sample(found, 2))
    head, _, tail = lines[a].partition(": ")
    lines[a] = f"{head}: &v {tail}"
    head, _, _ = lines[b].partition(": ")
    lines[b] = f"{head}: *v"
    return "\n".join(lines)


def _merge(rng: random.Random, text: str) -> str:
    return "defaults: &d {step_s: 1}\n" + _at_value(rng, text, lambda h, t: "{<<: *d}")


def _recursive(rng: random.Random, text: str) -> str:
    return _at_value(rng, text, lambda h, t: rng.choice(("&r [*r]", "&r {a: *r}", "&r [1, [*r]]")))


def _laughs(rng: random.Random, text: str) -> str:
    levels = rng.randint(3, 12)
    rows = ['lol0: &a0 "lol"']
    for i in range(1, levels + 1):
        rows.append(f"lol{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    return text + "\n".join(rows) + "\n"


def _deep(rng: random.Random, text: str) -> str:
    depth = rng.choice((5, 31, 33, 200, 5000, 100_000))
    opener, closer = rng.choice((("[", "]"), ("{a: ", "}")))
    return _at_value(rng, text, lambda h, t: opener * depth + "1" + closer * depth)


def _duplicate_line(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    lines.insert(i, lines[i])
    return "\n".join(lines)


def _control(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text) + 1)
    char = rng.choice(("\x00", "\x1b", "\x07", "\t", "\r", "\ufeff", "\u2028", "\x85", "\ud7ff"))
    return text[:at] + char + text[at:]


def _truncate(rng: random.Random, text: str) -> str:
    return text[: rng.randrange(len(text) + 1)]


def _indent(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    i = rng.randrange(len(lines))
    lines[i] = rng.choice((" ", "  ", "\t", "")) + lines[i].lstrip(" ")
    return "\n".join(lines)


def _documents(rng: random.Random, text: str) -> str:
    return text + rng.choice(("---\n{}\n", "...\n---\nversion: 1\n", "--- !x\n"))


def _flow_chaos(rng: random.Random, text: str) -> str:
    at = rng.randrange(len(text) + 1)
    return (
        text[:at]
        + rng.choice(("{", "]", ": :", "? ", "- ", "&", "*", "|", ">", "'", '"'))
        + text[at:]
    )


TEXT_MUTATIONS: dict[str, Callable[[random.Random, str], str]] = {
    "tag": _tag,
    "alias": _alias,
    "merge-key": _merge,
    "recursive-alias": _recursive,
    "billion-laughs": _laughs,
    "deep-nesting": _deep,
    "duplicate-line": _duplicate_line,
    "control-character": _control,
    "truncate": _truncate,
    "indent": _indent,
    "documents": _documents,
    "syntax": _flow_chaos,
}


def _not_utf8(rng: random.Random, raw: bytes) -> bytes:
    at = rng.randrange(len(raw) + 1)
    return raw[:at] + rng.choice((b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80abc")) + raw[at:]


def _oversize(rng: random.Random, raw: bytes) -> bytes:
    room = MAX_FILE_BYTES - len(raw)
    fill = room + rng.choice((1, 1000, -1000))  # just over the limit, or just under it
    return raw + b"\n#" + b"x" * max(fill - 2, 0) + b"\n"


BYTE_MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "not-utf8": _not_utf8,
    "oversize": _oversize,
}
KINDS: tuple[str, ...] = (*DATA_MUTATIONS, *TEXT_MUTATIONS, *BYTE_MUTATIONS)


def mutate(name: str, kind: str, rng: random.Random, changes: int = 1) -> bytes:
    """A bundled scenario's file with `changes` mutations of `kind`."""
    doc = copy.deepcopy(bundled_data()[name])
    for _ in range(changes if kind in DATA_MUTATIONS else 0):
        DATA_MUTATIONS[kind](rng, doc)
    text = dump_yaml(doc, sort_keys=False, allow_unicode=rng.random() < 0.5)
    for _ in range(changes if kind in TEXT_MUTATIONS else 0):
        text = TEXT_MUTATIONS[kind](rng, text)
    raw = text.encode("utf-8", "surrogatepass")
    if kind in BYTE_MUTATIONS:
        raw = BYTE_MUTATIONS[kind](rng, raw)
    return raw


# -- what kamae makes of a file ----------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a file came to: `stage` is `refused` (load), `refused-physics` (the world's
    checks), `refused-workload`, `accepted` (passed every check) or `ran` (a short run, all
    outputs finite); `reason` is the class of the first refusal."""

    stage: str
    reason: str = ""
    message: str = ""


REASONS: tuple[tuple[str, str], ...] = (
    ("explicit YAML tags", "tag"),
    ("merge keys", "merge key"),
    ("values with its aliases expanded", "alias expansion"),
    ("alias", "alias"),
    ("nested more than", "nesting"),
    ("duplicate key", "duplicate key"),
    ("is too large", "file size"),
    ("not UTF-8", "encoding"),
    ("malformed YAML", "YAML syntax"),
    ("one document", "YAML syntax"),
    ("mapping keys must be text", "YAML syntax"),
    ("the file is empty", "YAML syntax"),
    ("a number of more than", "huge number"),
    ("finite", "non-finite number"),
    ("unknown field", "unknown field"),
    ("required", "missing field"),
    ("greater than", "out of range"),
    ("less than", "out of range"),
    ("should match pattern", "bad identifier"),
    ("should be", "wrong type"),
    ("expected a mapping", "wrong type"),
)


def reason_of(problem: str) -> str:
    """The class of a refusal, from its text."""
    for needle, reason in REASONS:
        if needle in problem:
            return reason
    return "cross-check"


def _refusal(stage: str, exc: ScenarioError | ScenarioErrors, label: str) -> Outcome:
    errors = exc.errors if isinstance(exc, ScenarioErrors) else [exc]
    assert errors, "a ScenarioErrors with no error"
    for err in errors:
        line = str(err)
        assert "\n" not in line and len(line) < 1200, line[:2000]
        assert err.file == label, line
        assert err.field and err.field.strip(), line
        assert line.startswith(label), line
    first = errors[0]
    return Outcome(stage, reason_of(first.problem), str(first))


def outcome(
    raw: bytes, label: str = "mutated.yaml", *, world: bool = True, run: int = 0
) -> Outcome:
    """What kamae makes of a scenario file's bytes: loaded, then (with `world`) checked as
    `kamae validate` does and its work estimated as `kamae run` does, then (with `run` > 0) run
    for `run` replications, every output checked finite. A traceback is raised as it is."""
    try:
        loaded = load_scenario_text(raw, label)
    except (ScenarioError, ScenarioErrors) as exc:
        return _refusal("refused", exc, label)
    if not world:
        return Outcome("accepted")
    try:
        check_world(loaded)
    except (ScenarioError, ScenarioErrors) as exc:
        return Outcome("refused-physics", "physics", _refusal("", exc, label).message)
    try:
        check_workload(estimate(loaded, replications=max(run, 1)), label)
    except WorkloadError as exc:
        line = str(exc)
        assert "\n" not in line and line.startswith(label), line
        return Outcome("refused-workload", "workload", line)
    if run <= 0:
        return Outcome("accepted")
    from kamae.runs import run_scenario

    output = run_scenario(loaded, replications=run, out=None)
    bad = list(non_finite(output.summary, "summary"))
    for table_name in ("replications", "events"):
        bad += list(non_finite_table(getattr(output.result, table_name), table_name))
    assert not bad, f"non-finite outputs: {bad[:10]}"
    return Outcome("ran")


def non_finite(node: Any, where: str) -> Iterator[str]:
    """Paths of the NaN and infinite numbers in a JSON-like document."""
    if isinstance(node, float) and not math.isfinite(node):
        yield where
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from non_finite(value, f"{where}.{key}")
    elif isinstance(node, list | tuple):
        for i, value in enumerate(node):
            yield from non_finite(value, f"{where}[{i}]")


def non_finite_table(table: pa.Table, where: str) -> Iterator[str]:
    """Columns of a results table holding NaN or infinite floats (nulls are no numbers)."""
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_floating(column.type):
            values = column.drop_null().to_numpy()
            if not np.all(np.isfinite(values)):
                yield f"{where}.{name}"
