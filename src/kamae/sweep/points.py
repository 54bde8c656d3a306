"""The points of a sweep: `--set` paths and values over the scenario file, a full grid or a
Latin hypercube sample, and each point's scenario document.

A path names a field as it is written in the scenario file: keys joined by dots, list items
by position or by id in brackets, keys holding dots in quoted brackets, e.g.
`fire_units[0].inventory`, `fire_units[patriot-tokyo].launchers`, `doctrine.shots_per_salvo`,
`catalog.interceptors.sm-3-block-ib.sspk.mrbm`. Paths and values are checked against the
scenario schema before anything runs; a built-in catalog entry is copied into the point's
`catalog` before one of its fields is set. Whether a whole point is a valid scenario
(cross-field rules) is the loader's call, made per point by the sweep.

Latin hypercube (McKay, Beckman & Conover 1979, Technometrics 21): N points; each dimension's
range is cut into N equal strata, each stratum is used once, at a uniform position inside it,
and the strata are paired across dimensions by independent random permutations.
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import numpy as np
from pydantic import BaseModel, TypeAdapter, ValidationError

from kamae.errors import ScenarioError
from kamae.scenario import Scenario, builtin_catalog
from kamae.scenario.campaign import builtin_strike_weapons
from kamae.scenario.safe_yaml import dump_yaml, read_yaml
from kamae.streams import sample_generator
from kamae.sweep.errors import SweepError

RESERVED = {
    "seed": "give the sweep's seed with --seed",
    "replications": "give the replications with --replications",
}

_RANGE = re.compile(r"^\s*([-+]?[0-9][0-9_.eE+-]*)\s*:\s*([-+]?[0-9][0-9_.eE+-]*)\s*$")
_SAMPLE = re.compile(r"^latin-hypercube:([0-9]+)$")


@dataclass(frozen=True)
class ItemId:
    """A list item chosen by its `id` (`fire_units[patriot-tokyo]`)."""

    id: str


PathPart = str | int | ItemId


@dataclass(frozen=True)
class Setting:
    """One `--set`: a field path with its values (grid) or its range (Latin hypercube)."""

    path: str
    """The path as written."""
    parts: tuple[PathPart, ...]
    values: tuple[Any, ...] = ()
    """The listed values; empty for a range."""
    low: float | None = None
    high: float | None = None
    integer: bool = False
    """A range over the integers low..high (both included), for an integer field."""

    @property
    def is_range(self) -> bool:
        return self.low is not None


@dataclass(frozen=True)
class SweepPoints:
    """The points of a sweep over a base scenario document, in a fixed order."""

    base: dict[str, Any]
    settings: tuple[Setting, ...]
    values: tuple[tuple[Any, ...], ...]
    """Per point, one value per setting."""

    def __len__(self) -> int:
        return len(self.values)

    def assignments(self, point: int) -> dict[str, Any]:
        """The point's values by path."""
        return {s.path: v for s, v in zip(self.settings, self.values[point], strict=True)}

    def label(self, point: int) -> str:
        """`path=value, ...`: the point as the user would write it."""
        return ", ".join(f"{p}={format_value(v)}" for p, v in self.assignments(point).items())

    def document(self, point: int) -> dict[str, Any]:
        """The base scenario document with the point's values set."""
        doc = _copy(self.base)
        for setting, value in zip(self.settings, self.values[point], strict=True):
            assign(doc, setting.parts, value, setting.path)
        return doc

    def text(self, point: int) -> bytes:
        """The point's scenario file."""
        return dump_document(self.document(point))


def plan_points(
    base: dict[str, Any], settings: Sequence[str], sample: str | None, seed: int
) -> SweepPoints:
    """Parse and check the `--set` options; expand them into a grid or a Latin hypercube."""
    n_sample = parse_sample(sample)
    parsed: list[Setting] = []
    for text in settings:
        setting = parse_setting(text, base, allow_range=n_sample is not None)
        if any(s.path == setting.path for s in parsed):
            raise SweepError(f"--set {setting.path}: given twice")
        parsed.append(setting)
    if n_sample is None:
        return SweepPoints(base=base, settings=tuple(parsed), values=tuple(_grid(parsed)))
    values = latin_hypercube(parsed, n_sample, seed)
    return SweepPoints(base=base, settings=tuple(parsed), values=values)


def parse_sample(text: str | None) -> int | None:
    """The N of `latin-hypercube:N`, or None for a full grid."""
    if text is None:
        return None
    match = _SAMPLE.match(text.strip())
    if not match or int(match.group(1)) < 1:
        raise SweepError(f"--sample {text}: expected latin-hypercube:N with N a positive integer")
    return int(match.group(1))


def parse_setting(text: str, base: dict[str, Any], *, allow_range: bool) -> Setting:
    """Parse `path=v1,v2,...` (or `path=low:high` for a sample) and check it on the schema."""
    if "=" not in text:
        raise SweepError(f"--set {text}: expected path=value[,value...]")
    path, _, rhs = text.partition("=")
    path = path.strip()
    parts = parse_path(path)
    if len(parts) == 1 and parts[0] in RESERVED:
        raise SweepError(f"--set {path}: {RESERVED[str(parts[0])]}")
    annotation = field_annotation(parts, path)
    assign(_copy(base), parts, None, path)  # the path exists (or can be made) in the file
    adapter = TypeAdapter(annotation)
    where = f"--set {path}={rhs.strip()}"
    match = _RANGE.match(rhs)
    if match:
        if not allow_range:
            raise SweepError(f"{where}: a range needs --sample latin-hypercube:N")
        kind = _scalar_kind(annotation)
        if kind is None:
            raise SweepError(f"{where}: a range needs a numeric field")
        low, high = (_number(match.group(k), where) for k in (1, 2))
        if kind is int and not (float(low).is_integer() and float(high).is_integer()):
            raise SweepError(f"{where}: {path} holds integers; give integer bounds")
        for bound in (low, high):
            _check_value(adapter, int(bound) if kind is int else bound, where)
        if not low < high:
            raise SweepError(f"{where}: the range's low end must be below its high end")
        return Setting(path, parts, low=float(low), high=float(high), integer=kind is int)
    values = []
    for token in split_values(rhs, where):
        try:
            value = read_yaml(token, where)[0]
        except ScenarioError:
            raise SweepError(f"{where}: cannot read the value {token!r}") from None
        _check_value(adapter, value, where)
        values.append(value)
    return Setting(path, parts, values=tuple(values))


def parse_path(path: str) -> tuple[PathPart, ...]:
    """`a.b[0].c[name]["x.y"]` as keys, indexes and item ids."""
    parts: list[PathPart] = []
    i, n = 0, len(path)
    if not path:
        raise SweepError("--set: empty field path")
    while i < n:
        if path[i] == "[":
            end = path.find("]", i)
            if end < 0:
                raise SweepError(f"--set {path}: unclosed '['")
            inner = path[i + 1 : end].strip()
            if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"":
                parts.append(inner[1:-1])
            elif re.fullmatch(r"-?[0-9]+", inner):
                parts.append(int(inner))
            elif inner:
                parts.append(ItemId(inner))
            else:
                raise SweepError(f"--set {path}: empty brackets")
            i = end + 1
            if i < n and path[i] == ".":
                i += 1
                if i == n:
                    raise SweepError(f"--set {path}: the path ends with '.'")
            continue
        match = re.match(r"[^.\[\]]+", path[i:])
        if not match:
            raise SweepError(f"--set {path}: empty key at position {i + 1}")
        parts.append(match.group(0).strip())
        i += match.end()
        if i < n and path[i] == ".":
            i += 1
            if i == n:
                raise SweepError(f"--set {path}: the path ends with '.'")
    return tuple(parts)


def split_values(text: str, where: str, sep: str = ",") -> list[str]:
    """Comma-separated values (or `sep`-separated); a separator inside brackets, braces or
    quotes does not split."""
    tokens: list[str] = []
    depth, quote = 0, ""
    current: list[str] = []
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == sep and depth == 0:
            tokens.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    tokens.append("".join(current).strip())
    if quote or depth:
        raise SweepError(f"{where}: unbalanced quotes or brackets")
    if any(t == "" for t in tokens):
        raise SweepError(f"{where}: empty value")
    return tokens


def format_value(value: Any) -> str:
    """A value as it would be written on the command line."""
    if isinstance(value, str | int | float | bool) or value is None:
        return dump_yaml(value, default_flow_style=True).removesuffix("\n...\n").strip()
    return dump_yaml(value, default_flow_style=True, width=10**6).strip()


# -- Schema ---------------------------------------------------------------------------------


def field_annotation(parts: Sequence[PathPart], path: str) -> Any:
    """The declared type (with its range constraints) of the field a path names."""
    annotation: Any = Scenario
    walked = ""
    for part in parts:
        base = _union_member(_unwrap(annotation)[0], part)
        name = _format_part(part, walked)
        if isinstance(base, type) and issubclass(base, BaseModel):
            key = part.id if isinstance(part, ItemId) else part
            field = base.model_fields.get(key) if isinstance(key, str) else None
            if field is None:
                known = ", ".join(base.model_fields)
                where = walked or "the scenario"
                raise SweepError(f"--set {path}: {where} has no field {key!r} (fields: {known})")
            annotation = field.annotation
            if field.metadata:
                annotation = Annotated[(annotation, *field.metadata)]
        elif get_origin(base) is dict:
            key_type, annotation = get_args(base)
            key = part.id if isinstance(part, ItemId) else part
            try:
                TypeAdapter(key_type).validate_python(key)
            except ValidationError:
                options = get_args(_unwrap(key_type)[0])
                expected = f" (expected one of {', '.join(map(str, options))})" if options else ""
                raise SweepError(f"--set {path}: {walked}: no key {key!r}{expected}") from None
        elif get_origin(base) is list:
            if isinstance(part, str):
                raise SweepError(
                    f"--set {path}: {walked} is a list; choose an item as [index] or [id]"
                )
            annotation = get_args(base)[0]
        else:
            raise SweepError(f"--set {path}: {walked} is a single value, it has no {name!r}")
        walked = walked + name
    return annotation


def _union_member(base: Any, part: PathPart) -> Any:
    """A union of models (threat types by `kind`, sensor types): the first member with the
    field (the loader checks the field against the entry's own kind)."""
    if get_origin(base) not in (Union, types.UnionType) or not isinstance(part, str):
        return base
    for member in get_args(base):
        member = _unwrap(member)[0]
        model = isinstance(member, type) and issubclass(member, BaseModel)
        if model and part in member.model_fields:
            return member
    return base


def _unwrap(annotation: Any) -> tuple[Any, tuple[Any, ...]]:
    """Strip Annotated (keeping its metadata) and Optional."""
    metadata: tuple[Any, ...] = ()
    while get_origin(annotation) is Annotated:
        args = get_args(annotation)
        annotation, metadata = args[0], metadata + tuple(args[1:])
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0])[0], metadata
    return annotation, metadata


def _scalar_kind(annotation: Any) -> type | None:
    base, _ = _unwrap(annotation)
    if base is bool or get_origin(base) is Literal:
        return None
    return base if base in (int, float) else None


def _check_value(adapter: TypeAdapter[Any], value: Any, where: str) -> None:
    try:
        adapter.validate_python(value)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        message = error["msg"].removeprefix("Value error, ")
        loc = ".".join(str(p) for p in error["loc"])
        raise SweepError(
            f"{where}: {format_value(value)}: {message}{f' (at {loc})' if loc else ''}"
        ) from None


def _number(text: str, where: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise SweepError(f"{where}: {text!r} is not a number") from None


def _format_part(part: PathPart, walked: str) -> str:
    if isinstance(part, int):
        return f"[{part}]"
    if isinstance(part, ItemId):
        return f"[{part.id}]"
    return f".{part}" if walked else part


# -- The document ---------------------------------------------------------------------------


def assign(doc: dict[str, Any], parts: Sequence[PathPart], value: Any, path: str) -> None:
    """Set the field a path names in a scenario document, making the mappings on the way
    and copying a built-in catalog entry into the document's catalog when a field of it is
    set."""
    node: Any = doc
    walked = ""
    for k, part in enumerate(parts):
        last = k == len(parts) - 1
        name = _format_part(part, walked)
        if isinstance(node, list):
            index = _list_index(node, part, walked, path)
            if last:
                node[index] = value
                return
            node = node[index]
        elif isinstance(node, dict):
            key = part.id if isinstance(part, ItemId) else part
            if last:
                node[key] = value
                return
            if key not in node or node[key] is None:
                node[key] = _missing(parts[: k + 1], walked + name, path)
            node = node[key]
        else:
            raise SweepError(f"--set {path}: {walked} is not a mapping or a list")
        walked = walked + name


def _list_index(node: list[Any], part: PathPart, walked: str, path: str) -> int:
    if isinstance(part, int):
        if not -len(node) <= part < len(node):
            raise SweepError(
                f"--set {path}: index {part} is out of range ({walked} has {len(node)} items)"
            )
        return part % len(node)
    if isinstance(part, ItemId):
        for i, item in enumerate(node):
            if isinstance(item, dict) and item.get("id") == part.id:
                return i
        ids = ", ".join(str(item.get("id")) for item in node if isinstance(item, dict))
        raise SweepError(f"--set {path}: no item with id {part.id!r} in {walked} (ids: {ids})")
    raise SweepError(f"--set {path}: {walked} is a list; choose an item as [index] or [id]")


def _missing(parts: Sequence[PathPart], walked: str, path: str) -> dict[str, Any]:
    """What stands in for a mapping the file leaves out: a built-in catalog entry's copy (of
    the scenario catalog, or of the campaign's strike weapons), or an empty mapping
    (defaults apply to the fields not set)."""
    weapons = len(parts) == 3 and tuple(parts[:2]) == ("campaign", "strike_weapons")
    if (len(parts) == 3 and parts[0] == "catalog") or weapons:
        kind, name = str(parts[1]), parts[2]
        name = name.id if isinstance(name, ItemId) else name
        entries: dict[str, Any] = (
            builtin_strike_weapons() if weapons else getattr(builtin_catalog(), kind)
        )
        if name not in entries:
            raise SweepError(
                f"--set {path}: no {kind} entry {name!r} in the scenario's catalog or the "
                f"built-in one (built-in: {', '.join(sorted(entries))})"
            )
        dumped: dict[str, Any] = entries[name].model_dump(mode="json", exclude_none=True)
        return dumped
    return {}


def _copy(node: Any) -> Any:
    """A deep copy of plain YAML data that shares nothing (YAML aliases become copies)."""
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node


def dump_document(doc: dict[str, Any]) -> bytes:
    """A scenario document as a YAML file (keys in their order, no aliases)."""
    text = dump_yaml(doc, sort_keys=False, allow_unicode=True, width=100)
    return text.encode("utf-8")


# -- Designs --------------------------------------------------------------------------------


def _grid(settings: Sequence[Setting]) -> Iterator[tuple[Any, ...]]:
    """The full factorial grid; the last setting varies fastest."""
    if not settings:
        yield ()
        return
    head, *rest = settings
    for value in head.values:
        for tail in _grid(rest):
            yield (value, *tail)


def latin_hypercube(settings: Sequence[Setting], n: int, seed: int) -> tuple[tuple[Any, ...], ...]:
    """N points: a range is sampled in N strata, a list of values in N strata of its
    positions; a single value is held. Deterministic in `seed` (`streams.sample_generator`)."""
    rng = sample_generator(seed)
    columns: list[list[Any]] = []
    for s in settings:
        u = (rng.permutation(n) + rng.random(n)) / n
        if s.is_range:
            assert s.low is not None and s.high is not None
            if s.integer:
                width = int(s.high) - int(s.low) + 1
                picks = np.minimum(np.floor(u * width).astype(np.int64), width - 1)
                columns.append([int(s.low) + int(k) for k in picks])
            else:
                columns.append([float(s.low + x * (s.high - s.low)) for x in u])
        else:
            k = len(s.values)
            picks = np.minimum(np.floor(u * k).astype(np.int64), k - 1)
            columns.append([s.values[int(j)] for j in picks])
    return tuple(tuple(col[i] for col in columns) for i in range(n))
