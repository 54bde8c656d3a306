"""Catalog overrides: a scenario's `catalog:` entry named like a built-in one changes only the
fields it gives (a deep merge onto the built-in entry), so that one figure (a threat's
`unit_cost_musd`, an interceptor's `sspk.mrbm`) can be changed without copying the entry.

Rules: mappings merge key by key, at any depth (`marv`, `countermeasures`, `infrared`,
`sspk`); any other value (a number, a string, a list) replaces the built-in one; an override
giving another `kind:` than the built-in entry's replaces the entry whole (the other kind's
fields would not apply). A name that is not built in is a new entry and must be complete; one
that gives neither `kind` nor `source` (an override, by its shape) is refused in one line
naming the closest built-in names. The merged entry is then validated like any other, so a
field of the wrong type is named by the loader with its file and line.
"""

from __future__ import annotations

import difflib
from importlib import resources
from typing import Any

import yaml

from kamae.scenario.base import Problem

CATALOG_KINDS = ("threats", "sensors", "interceptors")
"""The catalog sections a scenario may override, each a file `data/catalogs/<kind>.yaml`."""

_NEW_ENTRY_MARKS = {"threats": "kind", "sensors": "kind", "interceptors": "tier"}
"""A field every complete entry of the section gives (with `source`)."""


def builtin_entries(kind: str) -> dict[str, Any]:
    """The built-in catalog section `kind` as plain YAML data, by entry name."""
    root = resources.files("kamae.scenario") / "data" / "catalogs"
    doc = yaml.safe_load((root / f"{kind}.yaml").read_text(encoding="utf-8"))
    return dict(doc or {})


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`base` with `override`'s keys: mappings merged recursively, other values replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def merge_catalog_overrides(data: dict[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Scenario data with each `catalog.<kind>.<name>` that names a built-in entry merged onto
    it (see the module's rules), and the problems found (an override of no built-in entry,
    an entry that is not a mapping). Data without a `catalog:` mapping is returned as is."""
    catalog = data.get("catalog")
    if not isinstance(catalog, dict):
        return data, []
    problems: list[Problem] = []
    merged_catalog = dict(catalog)
    for kind in CATALOG_KINDS:
        section = catalog.get(kind)
        if not isinstance(section, dict):
            continue
        builtin = builtin_entries(kind)
        merged: dict[str, Any] = {}
        for name, entry in section.items():
            path = ("catalog", kind, name)
            if not isinstance(entry, dict):
                problems.append((path, "expected a mapping of the entry's fields", entry))
                merged[name] = entry
            elif name in builtin:
                base = builtin[name]
                same_kind = entry.get("kind", base.get("kind")) == base.get("kind")
                merged[name] = deep_merge(base, entry) if same_kind else entry
            elif "source" not in entry and _NEW_ENTRY_MARKS[kind] not in entry:
                problems.append((path, _no_such_entry(kind, str(name), builtin), None))
                merged[name] = entry
            else:
                merged[name] = entry
        merged_catalog[kind] = merged
    return {**data, "catalog": merged_catalog}, problems


def _no_such_entry(kind: str, name: str, builtin: dict[str, Any]) -> str:
    close = difflib.get_close_matches(name, list(builtin), n=3, cutoff=0.5)
    hint = f" (closest: {', '.join(close)})" if close else ""
    return (
        f"no built-in {kind} entry named {name!r} to override{hint}; a new entry must give "
        f"every required field, {_NEW_ENTRY_MARKS[kind]} and source included"
    )
