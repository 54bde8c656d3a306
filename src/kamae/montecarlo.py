"""Monte Carlo replications: seeding, execution on a runner, and the run's statistics.

Seeding (DESIGN.md): one `numpy.random.SeedSequence(seed)`; replication i draws from the i-th
child of `spawn(replications)` (`kamae.streams.replication_seeds`), so each replication's
numbers depend only on (seed, i) and never on how replications are spread across workers.
The replications run through `kamae.runners.replication` on a local process pool or on Dask.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from kamae.arrays import FloatArray
from kamae.engine import EventLog, ReplicationResult
from kamae.engine.records import EVENT_COLUMNS
from kamae.results.cost_exchange import ThreatCost, cost_range, engaged_by_type, ratio_of_totals
from kamae.results.events import EVENT_SCHEMA, with_event_fields
from kamae.results.metrics import FIRED, MetricColumns
from kamae.results.statistics import Interval, mean_interval, wilson_interval
from kamae.results.why_not import why_not_summary
from kamae.runners import Backend, LocalBackend, Progress, replicate
from kamae.scenario.loader import LoadedScenario
from kamae.streams import replication_seeds
from kamae.world import World, build_world

Steps = Callable[[str], None]
"""Told each step of a run as it begins: 'world' (building the deterministic world), then
'replications' (the Monte Carlo; `Progress` counts them)."""


@dataclass(frozen=True)
class MonteCarloResult:
    """All replications of one scenario, in replication order."""

    scenario: str
    seed: int
    replications: pa.Table
    """One row of metrics per replication."""
    events: pa.Table
    """The event log of every replication."""
    baskets_km: dict[str, float | None] = field(default_factory=dict)
    """Per interceptor type of the scenario's fire units: its handover basket, km (None:
    prediction taken as perfect)."""
    warhead_types: dict[str, str] = field(default_factory=dict)
    """Threat type of each warhead by id (decoys and debris left out)."""
    threat_costs: dict[str, ThreatCost] = field(default_factory=dict)
    """Unit-cost range of each priced threat type of the scenario's raids."""
    interceptor_costs: dict[str, dict[str, object]] = field(default_factory=dict)
    """Unit cost (million USD) and cost basis of each interceptor type of the fire units."""
    world: World | None = field(default=None, repr=False, compare=False)
    """The world the replications ran in (the report reuses it rather than build it again)."""

    def _fired_range(self, central: npt.ArrayLike) -> tuple[FloatArray, FloatArray] | None:
        """The interceptor cost fired per replication at every type's low and at its high
        cost (None when the types' costs are not known by type)."""
        if not self.interceptor_costs:
            return None
        at_central = fired_at(self.replications, self.interceptor_costs, "unit_cost_musd")
        if not np.allclose(at_central, np.asarray(central, dtype=float)):
            return None  # a type fired that the fire units' list lacks: keep the central
        return (
            fired_at(self.replications, self.interceptor_costs, "low_musd"),
            fired_at(self.replications, self.interceptor_costs, "high_musd"),
        )

    def summary(self) -> dict[str, object]:
        """summary.json: every metric as a mean with its 95% interval (Wilson for P(no leak)),
        and the why-not records counted by reason (`kamae.results.why_not.why_not_summary`)."""
        ids = self.replications.column("replication").to_pylist()
        doc = summarise(self.scenario, self.seed, self.replications)
        if "cost_exchange" in doc:  # the range needs the engaged threats by type: the events
            engaged = engaged_by_type(self.events, self.warhead_types, ids)
            fired = np.asarray(self.replications.column("interceptor_cost_musd").to_numpy())
            doc["cost_exchange_range"] = {
                **cost_range(
                    fired.astype(float), engaged, self.threat_costs, self._fired_range(fired)
                ),
                "interceptor_unit_costs_musd": self.interceptor_costs,
            }
        return {
            **doc,
            "kill_probability_at_launch": launch_kill_probability(self.events, self.baskets_km),
            "why_not": why_not_summary(self.events, ids),
        }


def fired_at(table: pa.Table, costs: dict[str, dict[str, object]], end: str) -> FloatArray:
    """Per replication (row): the interceptors fired (`fired.<type>` columns) priced at each
    type's `end` cost (`interceptor_cost`'s keys: unit_cost_musd, low_musd, high_musd)."""
    total = np.zeros(table.num_rows)
    for name, cost in costs.items():
        column = f"{FIRED}{name}"
        if column in table.column_names:
            value = cost[end]
            assert isinstance(value, float | int)
            total = total + np.asarray(table.column(column).to_numpy(), dtype=float) * value
    return total


def run_montecarlo(
    loaded: LoadedScenario,
    replications: int,
    seed: int,
    workers: int = 1,
    progress: Progress | None = None,
    *,
    backend: Backend | None = None,
    steps: Steps | None = None,
) -> MonteCarloResult:
    """Run `replications` replications of a scenario on `workers` local processes, or on
    `backend` (e.g. `kamae.runners.DaskBackend(address)`) when given; `steps` is told when
    the world's building and the replications begin."""
    if replications < 1:
        raise ValueError("replications must be at least 1")
    seeds = list(enumerate(replication_seeds(seed, replications)))
    if steps is not None:
        steps("world")
    world = build_world(loaded)
    if steps is not None:
        steps("replications")
    with (backend or LocalBackend(workers)).open() as runner:
        results = replicate(world, seeds, runner, progress)
    fu, w = world.fire_units, world.warheads
    return MonteCarloResult(
        scenario=loaded.scenario.name,
        seed=seed,
        replications=_replication_table(results),
        events=_event_table(results),
        baskets_km={
            name: None if basket is None else basket / 1e3
            for name, basket in sorted(zip(fu.interceptor, fu.handover_basket_m, strict=True))
        },
        warhead_types=dict(zip(world.threat_ids[:w], world.threat_type[:w], strict=True)),
        threat_costs=threat_costs(loaded),
        interceptor_costs={
            name: interceptor_cost(loaded, name) for name in sorted(set(fu.interceptor))
        },
        world=world,
    )


def interceptor_cost(loaded: LoadedScenario, name: str) -> dict[str, object]:
    """An interceptor type's unit-cost range (low, central, high; million USD), basis and
    whether the central figure is verified."""
    t = loaded.interceptors[name]
    return {
        "unit_cost_musd": t.unit_cost_musd,
        "low_musd": t.unit_cost_low_musd or t.unit_cost_musd,
        "high_musd": t.unit_cost_high_musd or t.unit_cost_musd,
        "basis": t.cost_basis,
        "verified": t.cost_verified,
    }


def threat_costs(loaded: LoadedScenario) -> dict[str, ThreatCost]:
    """The unit-cost range of each priced threat type the scenario's raids launch."""
    out = {}
    for name in sorted({raid.threat for raid in loaded.scenario.raids}):
        t = loaded.threats[name]
        if t.unit_cost_musd is not None:
            out[name] = ThreatCost(
                low_musd=t.unit_cost_low_musd or t.unit_cost_musd,
                central_musd=t.unit_cost_musd,
                high_musd=t.unit_cost_high_musd or t.unit_cost_musd,
                basis=t.cost_basis,
                verified=t.cost_verified,
            )
    return out


def _replication_table(results: list[tuple[int, ReplicationResult]]) -> pa.Table:
    keys = list(results[0][1].metrics)
    columns: dict[str, list[float] | list[int]] = {"replication": [i for i, _ in results]}
    for key in keys:
        columns[key] = [r.metrics[key] for _, r in results]
    return pa.table(columns)


def _event_table(results: list[tuple[int, ReplicationResult]]) -> pa.Table:
    merged = EventLog()
    replication: list[int] = []
    for i, r in results:
        log = r.events
        replication.extend([i] * len(log))
        for name in EVENT_COLUMNS:
            getattr(merged, name).extend(getattr(log, name))
    table = pa.table(
        {
            "replication": pa.array(replication, pa.int32()),
            "time_s": pa.array(merged.time_s, pa.float64()),
            "kind": pa.array(merged.kind, pa.string()).dictionary_encode(),
            "threat": pa.array(merged.threat, pa.string()),
            "sensor": pa.array(merged.sensor, pa.string()),
            "fire_unit": pa.array(merged.fire_unit, pa.string()),
            "interceptor": pa.array(merged.interceptor, pa.string()),
            "detail": pa.array(merged.detail, pa.string()),
            "reason": pa.array(merged.reason, pa.string()).dictionary_encode(),
        }
    )
    return with_event_fields(table).cast(EVENT_SCHEMA)


def summarise(scenario: str, seed: int, table: pa.Table) -> dict[str, object]:
    """The summary of a replication table (see `MonteCarloResult.summary`)."""
    n = table.num_rows
    col = MetricColumns(
        {
            name: np.asarray(table.column(name).to_numpy(), dtype=float)
            for name in table.column_names
        }
    )
    no_leak = int(col["no_leak"].sum())
    by_type = {
        name: _count_interval(values).as_dict() for name, values in col.fired_by_type.items()
    }
    return {
        "scenario": scenario,
        "seed": seed,
        "replications": n,
        "threats_launched": _count_interval(col["threats_launched"]).as_dict(),
        "threats_intercepted": _count_interval(col["threats_intercepted"]).as_dict(),
        "threats_leaked": _count_interval(col["threats_leaked"]).as_dict(),
        "expected_leakers": _count_interval(col["threats_leaked"]).as_dict(),
        "threats_leaked_effective": _count_interval(
            col.get("threats_leaked_effective", col["threats_leaked"])
        ).as_dict(),
        "p_no_leak": wilson_interval(no_leak, n).as_dict(),
        "interceptors_fired": _count_interval(col["interceptors_fired"]).as_dict(),
        "interceptors_fired_by_type": by_type,
        **({"cost_exchange": _cost_exchange(col)} if "interceptor_cost_musd" in col else {}),
    }


def launch_kill_probability(
    events: pa.Table, baskets_km: dict[str, float | None]
) -> dict[str, object]:
    """Per interceptor type: its handover basket (the parameter the predicted Pk depends on
    most: Pk = SSPK·F_χ²₃(b²/σ²), `kamae.engagement.envelope`) next to the mean predicted Pk
    of its launches with a 95% interval (Student-t over the launches), and the launches."""
    launches = with_event_fields(events.filter(pc.equal(events.column("kind"), "launch")))
    pks: dict[str, list[float]] = {}
    for name, pk in zip(
        launches.column("interceptor").to_pylist(), launches.column("pk").to_pylist(), strict=True
    ):
        if pk is not None:
            pks.setdefault(str(name), []).append(float(pk))
    return {
        name: {
            "handover_basket_km": basket,
            "launches": len(pks.get(name, [])),
            "pk": mean_interval(pks[name], support=(0.0, 1.0)).as_dict() if pks.get(name) else None,
        }
        for name, basket in baskets_km.items()
    }


def _cost_exchange(col: MetricColumns) -> dict[str, object]:
    """Cost of interceptors fired against cost of the threats they engaged (million USD), at
    the threats' central costs (`kamae.results.cost_exchange`; its range over the threat-cost
    range is `cost_exchange_range`, added by `MonteCarloResult.summary`, which has the
    events). Null, with the reason, when an engaged threat has no unit cost or no threat was
    engaged. Interceptor cost fired is always reported."""
    fired = col["interceptor_cost_musd"]
    unpriced = sorted(name for name, values in col.engaged_without_cost.items() if values.sum() > 0)
    doc: dict[str, object] = {
        "interceptor_cost_fired_musd": _count_interval(fired).as_dict(),
        "threat_cost_engaged_musd": None,
        "ratio": None,
        "ratio_ci95": None,
        "reason": None,
    }
    threat = col["threat_cost_engaged_musd"]
    if unpriced:
        doc["reason"] = (
            "no unit_cost_musd for engaged threat type(s) "
            f"{', '.join(unpriced)} (set catalog.threats.<name>.unit_cost_musd)"
        )
        return doc
    doc["threat_cost_engaged_musd"] = _count_interval(threat).as_dict()
    if threat.sum() <= 0:
        doc["reason"] = "no threat was engaged"
        return doc
    doc["ratio"], doc["ratio_ci95"] = ratio_of_totals(fired, threat)
    return doc


def _count_interval(values: npt.ArrayLike) -> Interval:
    """Mean of a per-replication count with its 95% interval, kept within [0, ∞)."""
    return mean_interval(values, support=(0.0, math.inf))
