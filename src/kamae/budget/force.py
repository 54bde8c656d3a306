"""Changes a purchase makes to a scenario document: rounds added to fire units, new fire units
and sensors copied from an existing one, raids thinned by counterstrike before launch.

Works on the plain scenario document (the YAML mapping), so the result is an ordinary
scenario file that the loader validates and any run can reproduce.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from typing import Any

from kamae.errors import KamaeError

__all__ = [
    "add_fire_units",
    "add_rounds",
    "add_sensors",
    "grown",
    "grown_count",
    "remove_threats",
    "set_platform_inventory",
    "split_evenly",
]

Doc = dict[str, Any]


def split_evenly(total: int, parts: int) -> list[int]:
    """`total` in `parts` whole shares differing by at most one (larger shares first)."""
    low, extra = divmod(total, parts)
    return [low + (1 if i < extra else 0) for i in range(parts)]


def _by_id(items: Sequence[Mapping[str, Any]], ident: str, section: str) -> Mapping[str, Any]:
    for item in items:
        if item.get("id") == ident:
            return item
    known = ", ".join(str(i.get("id")) for i in items) or "(none)"
    raise KamaeError(f"{section}: no item with id {ident!r} (known: {known})")


def add_rounds(doc: Doc, fire_units: Sequence[str], rounds: int) -> Doc:
    """Add `rounds` interceptors to the named fire units, split evenly."""
    out = copy.deepcopy(doc)
    for ident, extra in zip(fire_units, split_evenly(rounds, len(fire_units)), strict=True):
        unit = _by_id(out.get("fire_units", []), ident, "fire_units")
        assert isinstance(unit, dict)
        unit["inventory"] = int(unit["inventory"]) + extra
    return out


def set_platform_inventory(doc: Doc, platforms: Sequence[str], weapon: str, rounds: int) -> Doc:
    """The campaign's counterstrike platforms named hold `rounds` missiles of `weapon` in all,
    split evenly (their inventory replaced: what procurement delivered is the stock); each
    platform must fire `weapon`."""
    out = copy.deepcopy(doc)
    strike = (out.get("campaign") or {}).get("counterstrike") or {}
    section = "campaign.counterstrike.platforms"
    units = strike.get("platforms", [])
    for ident, share in zip(platforms, split_evenly(rounds, len(platforms)), strict=True):
        unit = _by_id(units, ident, section)
        assert isinstance(unit, dict)
        if unit.get("weapon") != weapon:
            raise KamaeError(f"{section}: {ident} fires {unit.get('weapon')}, not {weapon}")
        unit["inventory"] = share
    return out


def add_fire_units(doc: Doc, like: str, copies: int, inventory: int | None, tag: str) -> Doc:
    """Add `copies` fire units copied from fire unit `like` (same place, launchers and
    interceptor), each with `inventory` rounds (None: the original's), and a copy of the
    sensor with the same id if there is one (a ship's or battery's own radar)."""
    out = copy.deepcopy(doc)
    units = out.setdefault("fire_units", [])
    template = dict(_by_id(units, like, "fire_units"))
    sensors = out.setdefault("sensors", [])
    radar = next((dict(s) for s in sensors if s.get("id") == like), None)
    for k in range(copies):
        ident = f"{like}.{tag}{k + 1}"
        unit = {**template, "id": ident}
        if inventory is not None:
            unit["inventory"] = inventory
        units.append(unit)
        if radar is not None:
            sensors.append({**radar, "id": ident})
    return out


def add_sensors(doc: Doc, sensor: Mapping[str, Any], copies: int, tag: str) -> Doc:
    """Add `copies` sensors placed as `sensor` (type, lat_deg, lon_deg, ...), ids tagged."""
    out = copy.deepcopy(doc)
    sensors = out.setdefault("sensors", [])
    for k in range(copies):
        sensors.append({**sensor, "id": f"{sensor.get('id', 'sensor')}.{tag}{k + 1}"})
    return out


def remove_threats(doc: Doc, removed: Mapping[str, float]) -> Doc:
    """Raids with their expected losses before launch removed, rounded to whole missiles by
    largest remainder (the total rounded to nearest); a raid left empty is dropped."""
    out = copy.deepcopy(doc)
    raids = out["raids"]
    want = {r["id"]: min(float(removed.get(r["id"], 0.0)), float(r["count"])) for r in raids}
    total = round(sum(want.values()))
    whole = {k: int(v) for k, v in want.items()}
    order = sorted(want, key=lambda k: (-(want[k] - whole[k]), k))
    for k in order[: max(0, total - sum(whole.values()))]:
        whole[k] += 1
    kept = []
    for r in raids:
        count = int(r["count"]) - whole[r["id"]]
        if count > 0:
            kept.append({**r, "count": count})
    out["raids"] = kept
    return out


def grown_count(count: int, pct_per_year: float, years: int) -> int:
    """`count` grown `years` years at `pct_per_year` compound, to the nearest whole number
    (halves up; never below 0): round(count * (1 + pct/100) ** years)."""
    return max(0, math.floor(count * (1.0 + pct_per_year / 100.0) ** years + 0.5))


def grown(doc: Doc, section: str, rates: Mapping[str, float], years: int) -> Doc:
    """The adversary `years` years on: each campaign force named in `rates` (section
    "forces") with its launchers grown, or each raid (section "raids") with its missile
    count grown (`grown_count`); a force or raid grown to 0 is dropped."""
    out = copy.deepcopy(doc)
    if section == "forces":
        campaign = out.get("campaign") or {}
        forces = []
        for force in campaign.get("forces", []):
            if force.get("id") in rates:
                force["launchers"] = grown_count(int(force["launchers"]), rates[force["id"]], years)
            if int(force.get("launchers", 1)) > 0:
                forces.append(force)
        if "forces" in campaign:
            campaign["forces"] = forces
        return out
    kept = []
    for raid in out.get("raids", []):
        if raid.get("id") in rates:
            raid["count"] = grown_count(int(raid["count"]), rates[raid["id"]], years)
        if int(raid.get("count", 1)) > 0:
            kept.append(raid)
    out["raids"] = kept
    return out
