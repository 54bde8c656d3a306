"""Why-not records: the reasons a fire unit did not fire at a threat, and their summaries.

The battle manager (`kamae.engine.why_not`) writes events of kind `why_not`, each with one of
the reasons below in the event's `reason` column and `key=value` fields in `detail` (typed
columns of the event table as well, `kamae.results.events`; a unit's reason counts only there):

- `scope=leaker`, one per (leaking threat, fire unit): the unit's last reason while it still
  had an intercept opportunity against the threat (`outside_envelope` when it never had one);
- `scope=threat`, one per leaking threat (no fire unit): the reason that came closest to a
  shot, the latest in the order below among its units;
- `scope=unit`, one per fire unit that ended the replication with rounds: the reason it held
  fire most often over the threats it had an opportunity against and never fired at, with
  the count of each reason in `detail`.

This module holds the vocabulary (one place: the engine, `kamae explain`, the report and
summary.json read it from here) and the summaries of an event table.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kamae.errors import KamaeError
from kamae.results.events import detail_fields
from kamae.results.statistics import mean_interval

KIND = "why_not"
"""Event kind of a why-not record."""

REASONS: dict[str, str] = {
    "unit_destroyed": "it had been destroyed by a warhead aimed at the defense",
    "cannot_kill_class": "its interceptor has no kill probability against this threat class",
    "outside_envelope": "no intercept inside its envelope at any launch time still to come",
    "layer_not_in_order": "its layer is not in the doctrine's layer_order",
    "asset_not_defended": "the threatened asset is not one it defends (fire unit `defends`)",
    "no_fire_control_track": "no firm, fire-control-quality track of the threat in its picture",
    "no_defended_asset": "threat evaluation: the predicted impact threatens no defended asset",
    "no_rounds": "it had no rounds left",
    "reserve_held": "its remaining rounds are its reserve (doctrine reserve_fraction)",
    "asset_given_up": "preferential defense: its layer's rounds are kept for higher-value threats",
    "upper_tier_held": "the upper tier is held for threats only it can engage (hold_upper_tier)",
    "higher_layer_holds": "a higher layer still has an opportunity (doctrine layer_order)",
    "layer_fired": "its layer already fired its salvo (no shoot-look-shoot)",
    "shot_cap": "max_shots_per_threat interceptors were already fired at the threat",
    "kill_assessment_pending": "a salvo at the threat was in flight or awaiting kill assessment",
    "launch_time_later": "the launch time of its earliest intercept was still to come",
    "another_unit_first": "another unit of its layer had the earlier intercept",
    "no_predicted_intercept": "on the predicted track no intercept point let it launch now",
    "no_guidance": "its picture could not guide an interceptor to the intercept (remote track)",
    "reloading": "every launcher was reloading from the magazine",
    "no_launcher_free": "every launcher was busy (launch interval) or empty",
    "predicted_miss": "the predicted kill probability was below the doctrine's minimum",
    "assigned_elsewhere": "the assignment gave its rounds to other threats, or this threat to "
    "another unit",
    "held_by_plan": "the dynamic WTA plan kept its rounds for other threats or a later shot",
    "engaged": "it fired at the threat (at its last opportunity), which survived",
}
"""Every reason, in the order of the decision chain: the later a reason, the closer the unit
came to firing. A leaker's `scope=threat` record takes the latest reason of its units."""

UNDECIDED = "undecided"
"""A pair the battle manager left without a reason (a gap in its bookkeeping: never expected)."""

NAMES: tuple[str, ...] = (*REASONS, UNDECIDED)
"""Reason names by code (the engine stores codes; `UNDECIDED` is the last)."""
CODE: dict[str, int] = {name: i for i, name in enumerate(NAMES)}


@dataclass(frozen=True)
class WhyNotRecords:
    """The why-not records of an event table, as plain columns."""

    replication: list[int]
    time_s: list[float]
    threat: list[str | None]
    fire_unit: list[str | None]
    reason: list[str]
    scope: list[str]
    detail: list[dict[str, str]]

    @classmethod
    def of(cls, events: pa.Table) -> WhyNotRecords:
        """The why-not records of an events table (events.parquet); none in an older one."""
        if "reason" not in events.column_names:
            return cls([], [], [], [], [], [], [])
        rows = events.filter(pc.equal(events.column("kind"), KIND))
        details = [detail_fields(d) for d in rows.column("detail").to_pylist()]
        return cls(
            replication=rows.column("replication").to_pylist(),
            time_s=rows.column("time_s").to_pylist(),
            threat=rows.column("threat").to_pylist(),
            fire_unit=rows.column("fire_unit").to_pylist(),
            reason=[str(x) for x in rows.column("reason").to_pylist()],
            scope=[d.get("scope", "") for d in details],
            detail=details,
        )

    def where(self, scope: str, threat: str | None = None) -> list[int]:
        """Row numbers of one scope (and one threat)."""
        return [
            i
            for i, s in enumerate(self.scope)
            if s == scope and (threat is None or self.threat[i] == threat)
        ]


def reason_counts(records: WhyNotRecords, rows: Iterable[int]) -> dict[str, int]:
    """How often each reason occurs among the given rows, in chain order."""
    counts = Counter(records.reason[i] for i in rows)
    return {name: counts[name] for name in NAMES if counts[name]}


def _per_replication(
    records: WhyNotRecords, rows: list[int], replications: int
) -> dict[str, dict[str, object]]:
    """Per reason: mean records per replication with its 95% interval."""
    out: dict[str, dict[str, object]] = {}
    for name in reason_counts(records, rows):
        per = np.zeros(replications)
        for i in rows:
            if records.reason[i] == name and 0 <= records.replication[i] < replications:
                per[records.replication[i]] += 1
        out[name] = mean_interval(per, support=(0.0, np.inf)).as_dict()
    return out


def why_not_summary(events: pa.Table, replication_ids: Iterable[int]) -> dict[str, object]:
    """summary.json's `why_not` section: the records counted by reason.

    `leakers`: leaking threats per replication by the reason closest to a shot (`scope=threat`);
    `fire_units_at_leakers`: (leaker, fire unit) pairs per replication by the unit's reason;
    `fire_units_holding_fire`: fire units ending a replication with rounds, by the reason they
    held fire most often. Each a mean per replication with its 95% interval, and `total`.
    """
    records = WhyNotRecords.of(events)
    ids = sorted(set(replication_ids))
    index = {rep: i for i, rep in enumerate(ids)}
    local = WhyNotRecords(
        [index.get(r, -1) for r in records.replication], records.time_s, records.threat,
        records.fire_unit, records.reason, records.scope, records.detail,
    )  # fmt: skip
    n = max(len(ids), 1)
    doc: dict[str, object] = {}
    for key, scope in (
        ("leakers", "threat"),
        ("fire_units_at_leakers", "leaker"),
        ("fire_units_holding_fire", "unit"),
    ):
        rows = local.where(scope)
        doc[key] = {
            "total": reason_counts(local, rows),
            "per_replication": _per_replication(local, rows, n),
        }
    doc["reasons"] = dict(REASONS)
    return doc


def threat_explanation(records: WhyNotRecords, threat: str) -> dict[str, object]:
    """Why one threat leaked: in how many replications, the reasons closest to a shot, and per
    fire unit the count of each of its reasons (`kamae explain RUN --threat ID`)."""
    rows = records.where("threat", threat)
    per_unit: dict[str, Counter[str]] = {}
    for i in records.where("leaker", threat):
        per_unit.setdefault(str(records.fire_unit[i]), Counter())[records.reason[i]] += 1
    return {
        "threat": threat,
        "replications_leaked": len({records.replication[i] for i in rows}),
        "reasons": reason_counts(records, rows),
        "fire_units": {
            unit: {name: counts[name] for name in NAMES if counts[name]}
            for unit, counts in sorted(per_unit.items())
        },
    }


def run_explanation(records: WhyNotRecords) -> dict[str, object]:
    """Why threats leaked and fire units held fire, over a whole run (`kamae explain RUN`)."""
    threats = sorted({str(records.threat[i]) for i in records.where("threat")})
    units: dict[str, Counter[str]] = {}
    for i in records.where("unit"):
        units.setdefault(str(records.fire_unit[i]), Counter())[records.reason[i]] += 1
    return {
        "leakers": {t: threat_explanation(records, t) for t in threats},
        "reasons": reason_counts(records, records.where("threat")),
        "fire_units_holding_fire": {
            unit: {name: c[name] for name in NAMES if c[name]} for unit, c in sorted(units.items())
        },
    }


def describe(reason: str, reasons: Mapping[str, str] = REASONS) -> str:
    """A reason's one-line description."""
    return reasons.get(reason, "no decision recorded")


def replication_records(records: WhyNotRecords, replication: int) -> list[dict[str, object]]:
    """The why-not records of one replication, in order, as plain rows."""
    return [
        {
            "time_s": records.time_s[i],
            "scope": records.scope[i],
            "threat": records.threat[i],
            "fire_unit": records.fire_unit[i],
            "reason": records.reason[i],
            "detail": records.detail[i],
        }
        for i, rep in enumerate(records.replication)
        if rep == replication
    ]


def explain_run(
    folder: Path, threat: str | None = None, replication: int | None = None
) -> dict[str, object]:
    """What `kamae explain` shows of a run folder: why its threats leaked and its fire units
    held fire (`run_explanation`), or one threat's (`threat_explanation`); with
    `replication`, that replication's records as well."""
    folder = Path(folder)
    events_file = folder / "events.parquet"
    if not events_file.is_file():
        raise KamaeError(f"{folder}: not a run folder (no events.parquet)")
    events = pq.read_table(events_file)
    if "reason" not in events.column_names:
        raise KamaeError(
            f"{events_file}: written before why-not records existed (no reason column); "
            "run the scenario again"
        )
    records = WhyNotRecords.of(events)
    summary_file = folder / "summary.json"
    summary = json.loads(summary_file.read_text()) if summary_file.is_file() else {}
    doc: dict[str, object] = {
        "run": str(folder),
        "scenario": summary.get("scenario"),
        "replications": summary.get("replications"),
    }
    if threat is not None:
        known = set(events.column("threat").to_pylist())
        if threat not in known:
            raise KamaeError(f"--threat: no threat {threat!r} in {events_file}")
        doc.update(threat_explanation(records, threat))
    else:
        doc.update(run_explanation(records))
    if replication is not None:
        rows = replication_records(records, replication)
        doc["records"] = [x for x in rows if threat is None or x["threat"] in (threat, None)]
    doc["descriptions"] = dict(REASONS)
    return doc
