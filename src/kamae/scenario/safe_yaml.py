"""Reading a user's YAML safely: plain YAML 1.2 core-schema data, with limits, in one pass.

A scenario file is shared between analysts, so it is read as hostile input:

- the file must be a regular file of at most `MAX_FILE_BYTES` (a FIFO, a device such as
  /dev/zero or a folder is refused before a byte is read; `read_input_file`);
- only the YAML 1.2 core schema's types (YAML 1.2.2, section 10.3.2): null, booleans
  (`true`/`false`), integers (decimal, `0o` octal, `0x` hex), floats (with `.inf`, `.nan`)
  and strings. YAML 1.1's extras are plain strings: `yes`, `on`, `1:30` (a sexagesimal 90 in
  1.1), `2001-12-14` (a timestamp in 1.1), `010` (an octal 8 in 1.1: 10 here);
- an explicit tag (`!!int`, `!!python/object`, `!custom`) and a merge key (`<<`) are refused
  with the line; so is a second document;
- nesting is at most `MAX_DEPTH` collections deep, checked as each one opens (no recursion:
  the reader is a loop over the parser's events, so a deep document cannot exhaust the stack);
- aliases are at most `MAX_ALIASES`, never recursive (an alias inside its own anchor), and the
  document, aliases expanded, holds at most `MAX_VALUES` values: a "billion laughs" file is
  refused by the count, before any expansion is built.

Events come from libyaml when PyYAML has it (fast), else from PyYAML's own parser; the data
is built from the events directly, with the line of every field path, so that errors can name
lines. Each refusal is a `ScenarioError` naming the file, the line and the field path.
"""

from __future__ import annotations

import copy
import json
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any

import yaml

from kamae.errors import ScenarioError
from kamae.scenario.base import PathKey

MAX_FILE_BYTES = 1024 * 1024
"""Largest input file read, bytes (the bundled scenarios are 4-12 kB)."""
MAX_DEPTH = 32
"""Deepest nesting of mappings and lists (the scenario format needs 6)."""
MAX_ALIASES = 1000
"""Most aliases (`*name`) in one file."""
MAX_VALUES = 200_000
"""Most values (scalars, mappings, lists) in the document with its aliases expanded."""
MAX_DIGITS = 400
"""Longest integer, in digits (a bigger number is no physical quantity)."""

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CORE = re.compile(
    r"(?P<null>~|null|Null|NULL|)"
    r"|(?P<true>true|True|TRUE)"
    r"|(?P<false>false|False|FALSE)"
    r"|(?P<int10>[-+]?[0-9]+)"
    r"|(?P<int8>0o[0-7]+)"
    r"|(?P<int16>0x[0-9a-fA-F]+)"
    r"|(?P<float>[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)"
    r"|(?P<inf>[-+]?(?:\.inf|\.Inf|\.INF))"
    r"|(?P<nan>\.nan|\.NaN|\.NAN)"
)
"""The YAML 1.2 core schema's plain scalars (YAML 1.2.2, section 10.3.2); anything else is
text."""


def read_input_file(path: os.PathLike[str] | str, label: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a user's input file: a regular file of at most `limit` bytes.

    The file is opened without blocking and checked on the open descriptor (`fstat`), so a
    FIFO, a device or a folder is refused without reading, whatever the path was when it was
    named; a file that grows while it is read is cut at `limit` + 1 bytes and refused."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise ScenarioError(
            label, "file", f"cannot be read: {exc.strerror}", show_value=False
        ) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise ScenarioError(label, "file", f"is {what}: give a regular file", show_value=False)
        if info.st_size > limit:
            raise ScenarioError(label, "file", too_big(info.st_size, limit), show_value=False)
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise ScenarioError(
            label, "file", f"cannot be read: {exc.strerror}", show_value=False
        ) from None
    finally:
        os.close(fd)
    if size > limit:
        raise ScenarioError(label, "file", too_big(size, limit), show_value=False)
    return b"".join(chunks)


def too_big(size: int, limit: int = MAX_FILE_BYTES) -> str:
    """Why a file is refused for its size."""
    return (
        f"is too large ({size / 2**20:.1f} MiB or more; an input file holds at most "
        f"{limit / 2**20:.0f} MiB)"
    )


@dataclass
class _Open:
    """A mapping or list being read."""

    value: dict[Any, Any] | list[Any]
    path: PathKey
    anchor: str | None
    log_start: int
    is_map: bool
    key: Any = None
    has_key: bool = False
    values: int = 1
    """Values in it so far (itself included), aliases expanded."""


@dataclass(frozen=True)
class _Anchor:
    value: Any
    values: int
    lines: tuple[tuple[PathKey, int], ...]
    """Lines of the anchored value's inner paths, relative to it."""


@dataclass
class _Reader:
    """Builds the document's data from parser events, one event at a time."""

    label: str
    lines: dict[PathKey, int] = field(default_factory=dict)
    log: list[tuple[PathKey, int]] = field(default_factory=list)
    stack: list[_Open] = field(default_factory=list)
    anchors: dict[str, _Anchor] = field(default_factory=dict)
    open_anchors: set[str] = field(default_factory=set)
    aliases: int = 0
    values: int = 0
    documents: int = 0
    root: Any = None

    def handlers(self) -> dict[type, Any]:
        """The method that takes each kind of event."""
        return {
            yaml.ScalarEvent: self.scalar,
            yaml.MappingStartEvent: self.start,
            yaml.SequenceStartEvent: self.start,
            yaml.MappingEndEvent: self.end,
            yaml.SequenceEndEvent: self.end,
            yaml.AliasEvent: self.alias,
            yaml.DocumentStartEvent: self.document,
            yaml.DocumentEndEvent: _ignore,
            yaml.StreamStartEvent: _ignore,
            yaml.StreamEndEvent: _ignore,
        }

    def refuse(self, path: PathKey, line: int, problem: str) -> ScenarioError:
        return ScenarioError(self.label, format_path(path), problem, line=line, show_value=False)

    def place(self, event: Any) -> tuple[PathKey, int] | None:
        """The path and line of the value an event starts (None: the event is a mapping key,
        taken here); checks that it has no explicit tag and counts it."""
        line = event.start_mark.line + 1
        if not self.stack:
            path: PathKey = ()
        else:
            top = self.stack[-1]
            if not top.is_map:
                path = (*top.path, len(top.value))
            elif top.has_key:
                path = (*top.path, top.key)
            else:
                self.key(top, event, line)
                return None
        if getattr(event, "tag", None) is not None:
            raise self.refuse(
                path,
                line,
                f"explicit YAML tags ({_cut(event.tag)}) are not accepted: write plain values",
            )
        self.lines[path] = line
        self.log.append((path, line))
        return path, line

    def count(self, n: int, path: PathKey, line: int) -> None:
        self.values += n
        if self.values > MAX_VALUES:
            raise self.refuse(
                path,
                line,
                f"the document holds more than {MAX_VALUES} values with its aliases expanded "
                "(aliases repeating aliases?)",
            )

    def put(self, value: Any, values: int) -> None:
        """Place a finished value in the mapping or list being read (or as the document)."""
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        top.values += values
        if top.is_map:
            top.value[top.key] = value
            top.has_key = False
        else:
            top.value.append(value)  # type: ignore[union-attr]

    def key(self, top: _Open, event: Any, line: int) -> None:
        """A mapping key: plain text (or an integer), never a merge key or a repeat."""
        if not isinstance(event, yaml.ScalarEvent):
            raise self.refuse(top.path, line, "mapping keys must be text")
        if event.tag is not None or event.anchor is not None:
            raise self.refuse(top.path, line, "tags and anchors on mapping keys are not accepted")
        plain = not event.style
        if plain and event.value == "<<":
            raise self.refuse(
                (*top.path, "<<"),
                line,
                "merge keys (<<) are not accepted: write the fields out in full",
            )
        key = core_scalar(event.value) if plain else event.value
        if isinstance(key, bool) or not isinstance(key, str | int):
            raise self.refuse(top.path, line, "mapping keys must be text")
        if key in top.value:
            raise self.refuse((*top.path, key), line, "duplicate key")
        top.key, top.has_key = key, True

    # -- events ---------------------------------------------------------------------------

    def document(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            raise self.refuse((), event.start_mark.line + 1, "a scenario file holds one document")

    def scalar(self, event: Any) -> None:
        at = self.place(event)
        if at is None:
            return
        path, line = at
        self.count(1, path, line)
        text = event.value
        if event.style:  # quoted or block: text
            value = text
        elif len(text) > MAX_DIGITS and text[-1:].isdigit():
            raise self.refuse(path, line, f"a number of more than {MAX_DIGITS} characters")
        else:
            value = core_scalar(text)
        if event.anchor is not None:
            self.anchors[event.anchor] = _Anchor(value, 1, ())
        self.put(value, 1)

    def start(self, event: Any) -> None:
        at = self.place(event)
        if at is None:
            return
        path, line = at
        if len(self.stack) >= MAX_DEPTH:
            raise self.refuse(path, line, f"nested more than {MAX_DEPTH} mappings or lists deep")
        self.count(1, path, line)
        is_map = isinstance(event, yaml.MappingStartEvent)
        if event.anchor is not None:
            self.open_anchors.add(event.anchor)
        container: dict[Any, Any] | list[Any] = {} if is_map else []
        self.stack.append(_Open(container, path, event.anchor, len(self.log), is_map))

    def end(self, event: Any) -> None:
        done = self.stack.pop()
        if done.anchor is not None:
            n = len(done.path)
            inner = tuple((p[n:], x) for p, x in self.log[done.log_start :])
            self.anchors[done.anchor] = _Anchor(done.value, done.values, inner)
            self.open_anchors.discard(done.anchor)
        self.put(done.value, done.values)

    def alias(self, event: Any) -> None:
        at = self.place(event)
        if at is None:
            return
        path, line = at
        name = event.anchor
        if name in self.open_anchors:
            raise self.refuse(path, line, f"recursive alias *{_cut(name)} (inside its own anchor)")
        anchor = self.anchors.get(name)
        if anchor is None:
            raise self.refuse(path, line, f"alias *{_cut(name)} names no anchor before it")
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise self.refuse(path, line, f"more than {MAX_ALIASES} aliases")
        self.count(anchor.values, path, line)
        for inner, inner_line in anchor.lines:
            self.lines[(*path, *inner)] = inner_line
            self.log.append(((*path, *inner), inner_line))
        self.put(copy.deepcopy(anchor.value), anchor.values)


def _ignore(event: Any) -> None:
    return None


def core_scalar(text: str) -> Any:
    """A plain scalar's value under the YAML 1.2 core schema: null, a boolean, an integer, a
    float or text."""
    match = _CORE.fullmatch(text)
    if match is None:
        return text
    kind = match.lastgroup
    if kind == "null":
        return None
    if kind in ("true", "false"):
        return kind == "true"
    if kind == "int10":
        return int(text)
    if kind in ("int8", "int16"):
        return int(text[2:], 8 if kind == "int8" else 16)
    if kind == "inf":
        return float("-inf") if text.startswith("-") else float("inf")
    if kind == "nan":
        return float("nan")
    return float(text)


def read_yaml(text: str, label: str) -> tuple[Any, dict[PathKey, int]]:
    """Python data from a YAML document (plain core-schema types), and the line of every
    field path in it. Raises `ScenarioError` naming the line for anything refused."""
    reader = _Reader(label)
    loader = _LOADER(text)
    handlers = reader.handlers()
    try:
        while loader.check_event():
            event = loader.get_event()
            handlers[type(event)](event)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ScenarioError(
            label, "(yaml)", f"malformed YAML: {_cut(str(problem))}", line=line, show_value=False
        ) from None
    finally:
        loader.dispose()
    if reader.documents == 0:
        raise ScenarioError(label, "(document)", "the file is empty", line=1, show_value=False)
    return reader.root, reader.lines


def format_path(path: PathKey) -> str:
    """A field path as the user writes it: `raids[0].launch`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not part or not part.isprintable():  # a key with a newline or control character
            text += f"[{json.dumps(part)}]"  # escaped, so the error stays one line
        else:
            text += f".{part}" if text else str(part)
    return text or "(document)"


def _cut(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


class CoreDumper(yaml.SafeDumper):
    """Writes data that `read_yaml` reads back as it was: text that the core schema (or YAML
    1.1) would read as another type is quoted (`'1e3'`, `'0o17'`, `'yes'`); no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def represent_str(self, data: str) -> yaml.ScalarNode:
        if not isinstance(core_scalar(data), str):
            return self.represent_scalar("tag:yaml.org,2002:str", data, style="'")
        return super().represent_str(data)


CoreDumper.add_representer(str, CoreDumper.represent_str)


def dump_yaml(doc: Any, **options: Any) -> str:
    """YAML text of plain data, read back identically by `read_yaml` (`CoreDumper`)."""
    return yaml.dump(doc, Dumper=CoreDumper, **options)
