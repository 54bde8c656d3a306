"""The scenario format's reference tables, generated from the same declarations as the schema.

`python -m kamae.scenario.reference > docs/scenario-reference.md` rewrites the page; a test
keeps the committed page equal to this output.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic.types import AllowInfNan

from kamae.scenario.campaign import (
    AreaOfInterest,
    Campaign,
    Counterstrike,
    Delivery,
    InterceptorSupply,
    LauncherForce,
    RulesOfEngagement,
    StrikePlatform,
    StrikeWeaponType,
)
from kamae.scenario.campaign_realism import ReconnaissanceAsset, Reconstitution
from kamae.scenario.countermeasures import Countermeasures, InfraredSignature, TerminalManoeuvre
from kamae.scenario.jammers import SelfScreeningJammer, StandOffJammer
from kamae.scenario.model import (
    Asset,
    Catalog,
    Doctrine,
    FireUnit,
    InterceptorType,
    Point,
    Raid,
    Scenario,
    Sensor,
    SensorType,
    SpaceInfraredType,
    SpaceSensor,
    TimeSettings,
)
from kamae.scenario.network import REFERENCE_SECTIONS as NETWORK_SECTIONS
from kamae.scenario.threats import THREAT_KINDS

SECTIONS: list[tuple[str, type[BaseModel]]] = [
    ("Scenario (top level)", Scenario),
    ("time", TimeSettings),
    ("assets[]", Asset),
    ("raids[]", Raid),
    ("raids[].launch, raids[].aim", Point),
    ("sensors[]", Sensor),
    ("space_sensors[]", SpaceSensor),
    ("fire_units[]", FireUnit),
    ("doctrine", Doctrine),
    ("catalog", Catalog),
    *((f"catalog.threats.<name> (kind: {kind})", model) for kind, model in THREAT_KINDS.items()),
    ("catalog.threats.<name>.countermeasures (kind: ballistic)", Countermeasures),
    ("catalog.threats.<name>.marv (kind: ballistic)", TerminalManoeuvre),
    ("catalog.threats.<name>.infrared", InfraredSignature),
    ("catalog.sensors.<name> (kind: radar)", SensorType),
    ("catalog.sensors.<name> (kind: space_ir)", SpaceInfraredType),
    ("catalog.interceptors.<name>", InterceptorType),
]
SECTIONS += NETWORK_SECTIONS
SECTIONS += [
    ("jammers[] (kind: stand_off)", StandOffJammer),
    ("jammers[] (kind: self_screening)", SelfScreeningJammer),
]
SECTIONS += [
    ("campaign", Campaign),
    ("campaign.areas[]", AreaOfInterest),
    ("campaign.forces[]", LauncherForce),
    ("campaign.forces[].reconstitution", Reconstitution),
    ("campaign.reconnaissance[]", ReconnaissanceAsset),
    ("campaign.supply[]", InterceptorSupply),
    ("campaign.supply[].deliveries[]", Delivery),
    ("campaign.counterstrike", Counterstrike),
    ("campaign.counterstrike.rules", RulesOfEngagement),
    ("campaign.counterstrike.platforms[]", StrikePlatform),
    ("strike weapon types (strike_weapons.yaml, catalog)", StrikeWeaponType),
]


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin is typing.Literal:
        return " \\| ".join(repr(a) for a in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"map {_type_name(args[0])} → {_type_name(args[1])}"
    if annotation is type(None):
        return "null"
    if isinstance(annotation, type):
        return annotation.__name__
    return str(annotation)


def _constraints(info: FieldInfo) -> str:
    parts = []
    if _may_be_infinite(info.metadata) or _may_be_infinite([info.annotation]):
        parts.append("may be infinite")
    for meta in info.metadata:
        for attr, sym in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            value = getattr(meta, attr, None)
            if value is not None:
                parts.append(f"{sym} {value}")
        for attr, label in (("min_length", "min length"), ("max_length", "max length")):
            value = getattr(meta, attr, None)
            if value is not None:
                parts.append(f"{label} {value}")
    return ", ".join(parts)


def _may_be_infinite(items: list[Any]) -> bool:
    """Whether a field's metadata or type holds `MayBeInfinite` (alone or in a union)."""
    for item in items:
        if isinstance(item, AllowInfNan) and item.allow_inf_nan:
            return True
        if _may_be_infinite(list(typing.get_args(item))):
            return True
        if typing.get_origin(item) is typing.Annotated and _may_be_infinite(
            list(getattr(item, "__metadata__", ()))
        ):
            return True
    return False


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
        return (
            "(empty)"
            if value in ([], {})
            else f"`{value}`"
            if not isinstance(value, BaseModel)
            else "(defaults)"
        )
    return f"`{info.default}`"


def markdown_reference() -> str:
    """The reference page (Markdown) of every scenario field."""
    out = [
        "# Scenario format reference (version 1)",
        "",
        "Generated from `kamae.scenario.model` by `python -m kamae.scenario.reference`; do not",
        "edit by hand. Units are in the field names. `kamae schema` prints the same declarations",
        "as JSON Schema. Every number is finite (`.inf` and `.nan` are refused) unless its",
        "constraints say *may be infinite*; NaN is never accepted.",
        "",
    ]
    for title, model in SECTIONS:
        out += [f"## {title}", "", (model.__doc__ or "").strip().splitlines()[0], ""]
        out += ["| field | type | constraints | default | meaning |", "|---|---|---|---|---|"]
        for name, info in model.model_fields.items():
            annotation = info.annotation
            out.append(
                f"| `{name}` | {_type_name(annotation)} | {_constraints(info)} | "
                f"{_default(info)} | {info.description or ''} |"
            )
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown_reference(), end="")
