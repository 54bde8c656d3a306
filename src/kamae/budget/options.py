"""The trade study's options file (YAML): the budget, the objective, and the options that
money can buy. Problems are reported as one line naming file:line and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, model_validator

from kamae.budget.yaml_file import field_error, read_text, validated
from kamae.errors import ScenarioErrors
from kamae.scenario.base import Strict as _Strict
from kamae.scenario.loader import LoadedScenario, PathKey
from kamae.scenario.model import Identifier, Sensor

__all__ = ["LoadedOptions", "TradeOptions", "load_options", "load_options_text"]


class _Steps(_Strict):
    name: Identifier = Field(description="Name of the option in reports")
    max_batches: int = Field(ge=1, le=1000, description="Most purchase steps of this option")


class InterceptorsOption(_Steps):
    """More rounds of an interceptor, added to fire units that already fire it."""

    kind: Literal["interceptors"]
    interceptor: str = Field(description="Name in the scenario's interceptor catalog")
    fire_units: list[str] = Field(
        default_factory=list,
        description="Fire units that receive the rounds, split evenly (default: every unit "
        "firing this interceptor)",
    )
    batch: int = Field(default=1, ge=1, le=100000, description="Rounds bought per step")
    unit_cost_musd: float | None = Field(
        default=None,
        gt=0,
        le=100_000,
        description="Cost per round, million USD (default: the catalog's)",
    )


class FireUnitOption(_Steps):
    """Another fire unit (battery or ship) like an existing one, with its rounds."""

    kind: Literal["fire_unit"]
    like: str = Field(description="Id of the fire unit copied (place, launchers, interceptor)")
    inventory: int | None = Field(
        default=None, ge=0, le=100000, description="Rounds of each new unit (default: like's)"
    )
    unit_cost_musd: float = Field(
        gt=0, le=100_000, description="Cost of one unit without its rounds"
    )


class SensorOption(_Steps):
    """Another radar placed as given."""

    kind: Literal["sensor"]
    sensor: dict[str, Any] = Field(
        description="A scenario sensor entry (id, type, lat_deg, lon_deg, boresight_deg, ...)"
    )
    unit_cost_musd: float = Field(gt=0, le=100_000, description="Cost of one radar, million USD")


class CounterstrikeOption(_Steps):
    """Stand-off missiles fired at launchers before the raid: each removes on average
    `threats_removed_per_missile` threats from the targeted raids (a user assumption)."""

    kind: Literal["counterstrike"]
    batch: int = Field(default=1, ge=1, le=100000, description="Missiles bought per step")
    unit_cost_musd: float = Field(gt=0, le=100_000, description="Cost per missile, million USD")
    threats_removed_per_missile: float = Field(
        gt=0, le=10, description="Expected threats removed before launch per missile"
    )
    raids: list[str] = Field(
        default_factory=list, description="Raid ids it attacks (default: all, by raid size)"
    )


Option = Annotated[
    InterceptorsOption | FireUnitOption | SensorOption | CounterstrikeOption,
    Field(discriminator="kind"),
]


class BudgetFromPath(_Strict):
    """The trade's budget as a slice of a share-of-GDP budget path."""

    share: (
        str
        | Annotated[float, Field(ge=0, le=100)]
        | dict[int, Annotated[float, Field(ge=0, le=100)]]
    ) = Field(description="Named path, share of GDP in percent, or {fiscal year: percent}")
    first_fiscal_year: int = Field(ge=2015, le=2100)
    last_fiscal_year: int = Field(ge=2015, le=2100)
    fraction_pct: float = Field(
        gt=0, le=100, description="Percent of the path's total spent on these options"
    )
    yen_per_usd: float | None = Field(
        default=None, gt=0, le=100_000, description="Exchange rate, yen per US dollar"
    )
    gdp_base: Literal["2015", "2020"] = Field(default="2020", description="GDP series base")

    @model_validator(mode="after")
    def _check(self) -> BudgetFromPath:
        if isinstance(self.share, float) and not 0.0 <= self.share <= 100.0:
            raise ValueError(f"share: expected a share of GDP in [0, 100] %, got {self.share}")
        if self.last_fiscal_year < self.first_fiscal_year:
            raise ValueError("last_fiscal_year must not be before first_fiscal_year")
        return self


class Confirm(_Strict):
    candidates: int = Field(default=3, ge=0, le=20, description="Best allocations run in MC")
    replications: int = Field(default=64, ge=1, le=100000, description="Replications each")


class TradeOptions(_Strict):
    """A trade study: what may be bought, and what counts as better."""

    version: Literal[1] = Field(description="Options format version")
    budget_musd: float | None = Field(default=None, gt=0, le=1e8, description="Budget, million USD")
    budget: BudgetFromPath | None = Field(default=None, description="Budget from a GDP path")
    objective: Literal["expected_leakers", "p_no_leakers", "days_of_stock"] = Field(
        default="expected_leakers", description="What the search optimises"
    )
    search: Literal["auto", "enumerate", "branch-and-bound", "greedy"] = Field(
        default="auto", description="Search method (auto: enumerate if small, else B&B)"
    )
    coverage: Literal["geometry", "all"] = Field(
        default="geometry",
        description="Which fire units reach which threats: engagement windows and radar "
        "views of the world (geometry), or every unit reaches every threat (all)",
    )
    salvos_per_layer: int = Field(
        default=1, ge=1, le=8, description="Analytic model: salvos a layer fires with SLS"
    )
    confirm: Confirm = Field(default_factory=Confirm, description="Monte Carlo confirmation")
    options: list[Option] = Field(min_length=1, description="What money can buy")


class LoadedOptions:
    """Validated options with their file label and field lines."""

    def __init__(self, options: TradeOptions, label: str, lines: dict[PathKey, int]) -> None:
        self.options = options
        self.label = label
        self.lines = lines


def load_options(path: str | Path, loaded: LoadedScenario) -> LoadedOptions:
    """Read an options file and check it against the scenario."""
    return load_options_text(read_text(path), str(path), loaded)


def load_options_text(text: str, label: str, loaded: LoadedScenario) -> LoadedOptions:
    options, lines = validated(TradeOptions, text, label)
    problems = []
    s = loaded.scenario
    units = {u.id: u for u in s.fire_units}
    raids = {r.id for r in s.raids}
    seen: set[str] = set()
    for i, opt in enumerate(options.options):

        def fail(
            field: str | tuple[str | int, ...], problem: str, value: object = None, i: int = i
        ) -> None:
            tail = field if isinstance(field, tuple) else (field,)
            problems.append(field_error(label, lines, ("options", i, *tail), problem, value))

        if opt.name in seen:
            fail("name", "duplicate option name", opt.name)
        seen.add(opt.name)
        if isinstance(opt, InterceptorsOption):
            if opt.interceptor not in loaded.interceptors:
                fail(
                    "interceptor",
                    "unknown interceptor; expected one of "
                    + ", ".join(sorted(loaded.interceptors)),
                    opt.interceptor,
                )
                continue
            for k, ident in enumerate(opt.fire_units):
                if ident not in units:
                    fail(("fire_units", k), "unknown fire unit in the scenario", ident)
                elif units[ident].interceptor != opt.interceptor:
                    fail(
                        ("fire_units", k),
                        f"fire unit {ident} fires {units[ident].interceptor}, "
                        f"not {opt.interceptor}",
                    )
            if not opt.fire_units and not any(
                u.interceptor == opt.interceptor for u in s.fire_units
            ):
                fail(
                    "fire_units",
                    f"no fire unit of the scenario fires {opt.interceptor}; name the units",
                )
        elif isinstance(opt, FireUnitOption):
            if opt.like not in units:
                fail("like", "unknown fire unit in the scenario", opt.like)
        elif isinstance(opt, SensorOption):
            kind = opt.sensor.get("type")
            if kind not in loaded.sensors:
                fail(("sensor", "type"), "unknown sensor type", kind)
            try:
                Sensor.model_validate({"id": opt.name, **opt.sensor})
            except ValidationError as exc:
                first = exc.errors(include_url=False)[0]
                where = tuple(str(p) for p in first["loc"])
                fail(("sensor", *where), first["msg"], first.get("input"))
        else:
            for k, ident in enumerate(opt.raids):
                if ident not in raids:
                    fail(("raids", k), "unknown raid in the scenario", ident)
    if problems:
        raise ScenarioErrors(problems)
    return LoadedOptions(options, label, lines)
