"""When the attack counts as confirmed: the gate of the counterstrike rule of engagement.

The rule of engagement needs the campaign time at which the attack is confirmed; any object
with `confirmed_at_h(first_launch_h)` supplies it (`AttackConfirmation`). Two sources, chosen
by the scenario's `counterstrike.rules.confirmation`:

- `delay` (`DelayedConfirmation`): the first launch plus the scenario's
  `confirmation_delay_h`, a fixed assumption.
- `network` (`NetworkConfirmation`): the allied network's attack confirmation
  (`network.attack_confirmation`, docs/network.md). The scenario's own engagement is run in
  the engine `confirmation_replications` times; in each, the engine reports every sensor's
  first detection of a threat aimed at a defended asset to the declaring C2 node over the
  network and logs the declaration as an `attack_confirmed` event. The delay of a replication
  is that declaration time minus the first threat launch (`world.trajectory.launch_time`);
  the campaign uses the **mean** delay over the replications that confirmed, and records the
  share that did. When none confirms, the delay is infinite: counterstrike is never
  authorised, unless the rules name a fallback (`FallbackConfirmation`): `delay`
  (`fallback_delay_h` after the first launch) or `national` (the same engine study on a
  variant of the network in which every node of a nation outside `fallback_nations` is cut
  (a `node_compromised` event, silent, for the whole run) and only those nations' sensors
  confirm: Japan's own sensors when the allied feed is lost; then `fallback_delay_h`, when
  given, if that never confirms either).

The engine replications draw from `kamae.streams.confirmation_seeds`
(`SeedSequence(seed, spawn_key=(CONFIRMATION_SPAWN_KEY,))`, spawned once per replication): a
stream of its own, apart from the campaign's per-step streams (spawn keys 0 .. steps − 1) and
the fast path's calibration (`CALIBRATION_SPAWN_KEY`), so the choice of source changes no
other draw.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from kamae.arrays import FloatArray
from kamae.engine import ReplicationResult
from kamae.results.statistics import mean_interval
from kamae.runners import Runner, replicate, using
from kamae.scenario.loader import LoadedScenario
from kamae.scenario.network import NodeCompromised
from kamae.streams import confirmation_seeds
from kamae.world import World, build_world

SECONDS_PER_HOUR = 3600.0


class AttackConfirmation(Protocol):
    """Supplies the campaign time (h) at which the attack is confirmed."""

    def confirmed_at_h(self, first_launch_h: float) -> float:
        """Time the network confirms that an attack has begun, h from the campaign start."""
        ...


@dataclass(frozen=True)
class DelayedConfirmation:
    """Confirmation a fixed delay after the first launch (the scenario's
    `confirmation_delay_h`)."""

    delay_h: float

    def confirmed_at_h(self, first_launch_h: float) -> float:
        return first_launch_h + self.delay_h

    def summary(self) -> dict[str, object]:
        return {"source": "delay", "delay_h": self.delay_h}


@dataclass(frozen=True)
class NetworkConfirmation:
    """Confirmation by the allied network: the mean delay, over the engine replications that
    confirmed, from the first threat launch to the declaration (inf when none did)."""

    delay_h: float
    replications: int
    """Engine replications run."""
    confirmed_share: float
    """Share of them in which the network declared the attack."""
    delay_low_h: float = math.nan
    delay_high_h: float = math.nan
    """95% Student-t interval of the mean delay (nan when none confirmed)."""

    @property
    def confirmed(self) -> bool:
        return math.isfinite(self.delay_h)

    def confirmed_at_h(self, first_launch_h: float) -> float:
        return first_launch_h + self.delay_h

    def summary(self) -> dict[str, object]:
        """JSON-ready (an infinite delay becomes null, with `never_confirmed`)."""
        doc: dict[str, object] = {
            "source": "network",
            "delay_h": self.delay_h if self.confirmed else None,
            "delay_statistic": "mean of (declaration - first launch) over the engine "
            "replications that confirmed",
            "replications": self.replications,
            "confirmed_share": self.confirmed_share,
            "never_confirmed": not self.confirmed,
        }
        if self.confirmed:
            doc["delay_ci95_h"] = [self.delay_low_h, self.delay_high_h]
        return doc


@dataclass(frozen=True)
class FallbackConfirmation:
    """The network never confirmed: the rules' fallback gives the delay (`used`), or none
    did either (infinite delay)."""

    primary: NetworkConfirmation
    used: str
    """`national`, `delay`, or `none` (no fallback confirmed either)."""
    delay_h: float
    national: NetworkConfirmation | None = None
    """The national variant's study (fallback `national`)."""
    nations: tuple[str, ...] = ()

    @property
    def confirmed(self) -> bool:
        return math.isfinite(self.delay_h)

    def confirmed_at_h(self, first_launch_h: float) -> float:
        return first_launch_h + self.delay_h

    def summary(self) -> dict[str, object]:
        doc = self.primary.summary()
        fallback: dict[str, object] = {"used": self.used}
        if self.national is not None:
            national = self.national.summary()
            national.pop("source")
            fallback["national"] = {**national, "nations": list(self.nations)}
        doc["fallback"] = fallback
        doc["delay_h"] = self.delay_h if self.confirmed else None
        doc["delay_source"] = self.used if self.confirmed else None
        return doc


def national_variant(loaded: LoadedScenario, nations: list[str]) -> LoadedScenario:
    """The scenario with every network node of a nation outside `nations` cut for the whole
    run (a silent `node_compromised` event from 0 s) and only `nations` confirming."""
    s = loaded.scenario
    net = s.network
    assert net is not None and net.attack_confirmation is not None
    cut = [
        NodeCompromised(kind="node_compromised", node=n.id, start_s=0.0)
        for n in net.nodes
        if n.nation not in nations
    ]
    rule = net.attack_confirmation.model_copy(update={"confirming_nations": list(nations)})
    network = net.model_copy(update={"events": [*net.events, *cut], "attack_confirmation": rule})
    return dataclasses.replace(loaded, scenario=s.model_copy(update={"network": network}))


def confirmation_summary(confirmation: object) -> dict[str, object]:
    """What a campaign reports about its confirmation source."""
    summary = getattr(confirmation, "summary", None)
    if callable(summary):
        return dict(summary())
    return {"source": type(confirmation).__name__}


def describe_confirmation(doc: dict[str, object]) -> str:
    """One line of text for a confirmation summary (CLI, report)."""
    source = doc.get("source")
    if source == "delay":
        return f"attack confirmation: fixed delay, {doc['delay_h']:g} h after the first launch"
    if source == "network":
        fallback = doc.get("fallback")
        if isinstance(fallback, dict) and doc.get("delay_h") is not None:
            used = fallback["used"]
            how = (
                f"national network ({', '.join(fallback['national']['nations'])} nodes only)"
                if used == "national"
                else "fixed delay"
            )
            return (
                f"attack confirmation: network never confirmed in {doc['replications']} engine "
                f"replications; fallback {how}, delay {float(doc['delay_h']) * 60.0:.2f} min "  # type: ignore[arg-type]
                "after the first launch"
            )
        if doc.get("never_confirmed"):
            either = " (nor did the fallback)" if isinstance(fallback, dict) else ""
            return (
                f"attack confirmation: network, never confirmed in {doc['replications']} "
                f"engine replications{either}: counterstrike never authorised"
            )
        return (
            f"attack confirmation: network, mean delay {float(doc['delay_h']) * 60.0:.2f} min "  # type: ignore[arg-type]
            f"after the first launch (confirmed in {float(doc['confirmed_share']):.0%} of "  # type: ignore[arg-type]
            f"{doc['replications']} engine replications)"
        )
    if source == "unused":
        return "attack confirmation: not used (no counterstrike under these rules)"
    return f"attack confirmation: {source}"


def confirmation_delays_s(results: list[ReplicationResult], first_launch_s: float) -> FloatArray:
    """Per replication: its `attack_confirmed` time minus the first launch, s (inf: none)."""
    delays = np.full(len(results), np.inf)
    for r, result in enumerate(results):
        log = result.events
        declared = [t for t, k in zip(log.time_s, log.kind, strict=True) if k == "attack_confirmed"]
        if declared:
            delays[r] = min(declared) - first_launch_s
    return delays


def network_confirmation(
    world: World,
    replications: int,
    seed: int,
    *,
    workers: int = 1,
    runner: Runner | None = None,
) -> NetworkConfirmation:
    """Run `replications` engine replications of `world` (which must carry a network with an
    attack-confirmation rule) and take the mean delay from the first launch to the
    declaration over those that confirmed (inf when none did). Runs on `runner`, else on
    `workers` local processes."""
    if replications < 1:
        raise ValueError("network_confirmation: expected at least 1 replication")
    seeds = list(enumerate(confirmation_seeds(seed, replications)))
    with using(runner, workers) as chosen:
        results = [r for _, r in replicate(world, seeds, chosen)]
    first_launch_s = float(np.min(world.trajectory.launch_time))
    delays_h = confirmation_delays_s(results, first_launch_s) / SECONDS_PER_HOUR
    done = delays_h[np.isfinite(delays_h)]
    share = done.size / replications
    if done.size == 0:
        return NetworkConfirmation(math.inf, replications, 0.0)
    iv = mean_interval(done)
    return NetworkConfirmation(iv.estimate, replications, share, iv.low, iv.high)


@dataclass(frozen=True)
class UnusedConfirmation:
    """No counterstrike under the scenario's rules: the confirmation time is never asked."""

    def confirmed_at_h(self, first_launch_h: float) -> float:
        return math.inf

    def summary(self) -> dict[str, object]:
        return {"source": "unused"}


def scenario_confirmation(
    loaded: LoadedScenario, seed: int, *, workers: int = 1, runner: Runner | None = None
) -> AttackConfirmation:
    """The confirmation source the scenario's campaign rules ask for (engine replications, for
    `network`, on `runner`, else on `workers` local processes)."""
    c = loaded.scenario.campaign
    cs = c.counterstrike if c is not None else None
    if cs is None or not cs.platforms or cs.rules.counterstrike != "after_confirmed_attack":
        return UnusedConfirmation()
    if cs.rules.confirmation == "network":
        primary = network_confirmation(
            build_world(loaded),
            cs.rules.confirmation_replications,
            seed,
            workers=workers,
            runner=runner,
        )
        if primary.confirmed or cs.rules.fallback == "none":
            return primary
        return fallback_confirmation(loaded, primary, seed, workers=workers, runner=runner)
    return DelayedConfirmation(cs.rules.confirmation_delay_h)


def fallback_confirmation(
    loaded: LoadedScenario,
    primary: NetworkConfirmation,
    seed: int,
    *,
    workers: int = 1,
    runner: Runner | None = None,
) -> FallbackConfirmation:
    """The rules' fallback once the network never confirmed (`national` runs the national
    variant's engine study on the same confirmation seeds: common random numbers)."""
    c = loaded.scenario.campaign
    assert c is not None and c.counterstrike is not None
    rules = c.counterstrike.rules
    late = math.inf if rules.fallback_delay_h is None else rules.fallback_delay_h
    if rules.fallback == "delay":
        return FallbackConfirmation(primary, "delay", late)
    nations = tuple(rules.fallback_nations)
    national = network_confirmation(
        build_world(national_variant(loaded, list(nations))),
        rules.confirmation_replications,
        seed,
        workers=workers,
        runner=runner,
    )
    if national.confirmed:
        return FallbackConfirmation(primary, "national", national.delay_h, national, nations)
    used = "delay" if math.isfinite(late) else "none"
    return FallbackConfirmation(primary, used, late, national, nations)
