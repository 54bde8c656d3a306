"""HTML and SVG markup with escaping by construction.

Every string that reaches the page goes through `tag` (attributes and text children are
escaped) unless it is already `Markup`, the type of markup this module built. Scenario text
(descriptions, asset names, catalog sources) is free text and may hold `<script>`: it is only
ever passed as a plain `str`, so it always renders as text.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable


class Markup(str):
    """A string of markup that is safe to insert as is (built by this module)."""

    __slots__ = ()


Child = "Markup | str | int | float | None | Iterable[Markup | str | int | float | None]"


def esc(value: object) -> Markup:
    """Text escaped for HTML text and quoted attribute values; `Markup` passes through."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(str(value), quote=True))


def number(x: float, digits: int = 1) -> str:
    """A coordinate or length written compactly (no trailing zeros, no '-0')."""
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def tag(name: str, attrs: dict[str, object] | None = None, *children: object) -> Markup:
    """`<name attrs>children</name>`; attribute values and text children are escaped.

    Attributes whose value is None or False are left out; True writes the bare attribute.
    Children may be strings, numbers, Markup, None (skipped) or iterables of those.
    """
    parts = [f"<{name}"]
    for key, value in (attrs or {}).items():
        if value is None or value is False:
            continue
        if value is True:
            parts.append(f" {key}")
        else:
            parts.append(f' {key}="{esc(value)}"')
    parts.append(">")
    parts.extend(_children(children))
    parts.append(f"</{name}>")
    return Markup("".join(parts))


def void(name: str, attrs: dict[str, object] | None = None) -> Markup:
    """A void element (`<meta>`, `<input>`, `<br>`): no children, no closing tag."""
    return Markup(tag(name, attrs).removesuffix(f"</{name}>"))


def join(items: Iterable[object]) -> Markup:
    """Concatenate children (escaping plain strings)."""
    return Markup("".join(_children((items,))))


def _children(children: Iterable[object]) -> Iterable[str]:
    for child in children:
        if child is None:
            continue
        if isinstance(child, str | int | float):
            yield esc(child)
        else:
            yield from _children(child)  # type: ignore[arg-type]


def json_for_script(doc: object) -> str:
    """JSON safe inside a `<script>` element: '<', '>', '&' and line separators escaped."""
    text = json.dumps(doc, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
