"""The work and memory a run implies, estimated when the scenario is loaded, before anything
big is built: a scenario with a tiny time step, raids days apart, ten thousand threats or ten
million replications is refused (or asks for `--force`) with the estimate, as one line,
instead of running for hours or ending in a MemoryError.

Work is counted in *object-steps*: the time grid's steps (the span from time 0 to the last
nominal impact, over the time step) times the objects flown times the replications; a
campaign adds each step's salvo, run by the engine once per campaign replication, and the
fast path's calibration runs. `MAX_OBJECT_STEPS` is the stated limit (10⁹: about 300 times
the bundled japan-2027 run of 200 replications, an hour or more of CPU time).

Memory is estimated from measured coefficients (bench/bench_workload.py, docs/reliability.md):
the world holds (N objects × T steps) arrays of trajectories and of each sensor's view, and an
engine batch of 16 replications holds per-object-step state and per-pair work over the objects
in flight at once, K (association and assignment): bytes ≈ N·T·(W0 + W1·S) + N·T·B0 + N·B1
+ K²·B2, the world once more and a batch per extra worker process. It is compared with the
memory this machine has available (`available_memory`) before the run.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from kamae.batching import batch_size
from kamae.errors import KamaeError
from kamae.scenario.loader import LoadedScenario
from kamae.world.checks import raid_problems, refuse
from kamae.world.flights import raid_flights

MAX_OBJECT_STEPS = 1_000_000_000
"""Largest work (objects × steps × replications, campaign runs included) run without
`--force`."""
BATCH = 16
"""Replications of the engine batch the per-batch figures below were measured at; a run's
batch (`kamae.batching.batch_size`) scales its per-batch memory in proportion."""

WORLD_BYTES_PER_OBJECT_STEP = 320.0
"""Trajectories and the flight generators' work arrays, bytes per object and step."""
WORLD_BYTES_PER_OBJECT_STEP_SENSOR = 45.0
"""Each sensor's precomputed view, bytes per object, step and sensor."""
BATCH_BYTES_PER_OBJECT_STEP = 450.0
"""An engine batch's per-object, per-step state (visible looks, draws), bytes."""
BATCH_BYTES_PER_OBJECT = 300_000.0
"""An engine batch's per-object state (tracks, pictures, assignments), bytes."""
BATCH_BYTES_PER_PAIR = 2_500.0
"""An engine batch's work over pairs of objects in flight at once, bytes per pair."""
BASE_BYTES = 150 * 2**20
"""A Python process with kamae imported."""
CPU_SECONDS_PER_BATCH_STEP = (3.0e-4, 1.5e-6)
"""CPU time of a batch step with K objects in flight, (a, b): a·K + b·K² seconds per step at
12 sensors, scaled by (sensors + 1) / 12: a rough figure for the message (measured within a
factor of about 3)."""


class WorkloadError(KamaeError):
    """A run refused for the work or memory it implies (one line, with the estimate)."""


@dataclass(frozen=True)
class Workload:
    """The work a run implies."""

    objects: int
    """Objects flown (missiles of every raid)."""
    steps: int
    """Steps of the time grid."""
    in_flight: int
    """Most objects in flight at one time (nominal flight times)."""
    sensors: int
    replications: int
    workers: int = 1
    extra_object_steps: int = 0
    """Further engine work: a campaign's salvo runs and calibrations, a sweep's other points."""
    batch_of: int = 0
    """Replications of the largest run of one world, whose batches size the memory (0: the
    `replications`; a campaign's calibration, confirmation or engine-defense runs)."""

    @property
    def object_steps(self) -> int:
        """Objects × steps × replications, and the extra work."""
        return self.objects * self.steps * self.replications + self.extra_object_steps

    @property
    def memory_bytes(self) -> float:
        """Estimated peak memory of the run, bytes (all its processes)."""
        ns = float(self.objects) * self.steps
        per_step = WORLD_BYTES_PER_OBJECT_STEP + WORLD_BYTES_PER_OBJECT_STEP_SENSOR * self.sensors
        world = ns * per_step
        batch = (
            ns * BATCH_BYTES_PER_OBJECT_STEP
            + self.objects * BATCH_BYTES_PER_OBJECT
            + float(self.in_flight) ** 2 * BATCH_BYTES_PER_PAIR
        )
        if self.sensors == 0:
            batch = 0.0  # nothing is seen: no tracks, no looks
        batch *= self.batch / BATCH
        if self.workers <= 1:
            return BASE_BYTES + world + batch
        return (1 + self.workers) * BASE_BYTES + (1 + self.workers) * world + self.workers * batch

    @property
    def batch(self) -> int:
        """Replications per engine batch of the run (one task slot in this process, two per
        worker of a pool: `kamae.runners.local`)."""
        slots = 1 if self.workers <= 1 else 2 * self.workers
        return batch_size(self.batch_of or self.replications, slots)

    @property
    def cpu_seconds(self) -> float:
        """A rough CPU time of the replications (not the world, not the extra work), s."""
        a, b = CPU_SECONDS_PER_BATCH_STEP
        k = float(self.in_flight)
        per_step = (a * k + b * k * k) * (self.sensors + 1) / 12
        return per_step * self.steps * math.ceil(self.replications / BATCH)

    def describe(self) -> str:
        """The estimate in one phrase."""
        memory = f"about {_bytes(self.memory_bytes)} of memory"
        if self.replications == 0:
            return (
                f"a campaign of {_count(self.object_steps)} object-steps (salvos of up to "
                f"{self.objects} objects over {self.steps} steps), {memory}"
            )
        extra = f" + {_count(self.extra_object_steps)}" if self.extra_object_steps else ""
        return (
            f"{self.objects} objects × {self.steps} steps × {self.replications} replications"
            f"{extra} = {_count(self.object_steps)} object-steps, {memory}"
        )


def estimate(
    loaded: LoadedScenario,
    *,
    replications: int | None = None,
    workers: int = 1,
    campaign: bool = False,
    campaign_replications: int | None = None,
    campaign_defense: str | None = None,
) -> Workload:
    """The work of running `loaded` (its replications, or `replications`) on `workers` local
    processes; with `campaign`, of its campaign study (`campaign_replications` of them, the
    defense `campaign_defense`: default the scenario's). Raises the scenario's raid problems
    (`ScenarioErrors`) when a raid cannot be flown at all."""
    s = loaded.scenario
    refuse(loaded, raid_problems(loaded, trial_flights=False))
    flights = raid_flights(loaded)
    starts = [f.launch_time_s for f in flights]
    ends = [f.launch_time_s + f.nominal_flight_time_s() for f in flights]
    end = max(float(e.max()) for e in ends)
    steps = int(math.floor(end / s.time.step_s)) + 2
    objects = sum(len(t) for t in starts)
    n = s.replications if replications is None else replications
    extra, batch_of = 0, 0
    if campaign and s.campaign is not None:
        extra = _campaign_object_steps(
            loaded, steps, objects, campaign_replications, campaign_defense
        )
        batch_of = _campaign_largest_run(loaded, campaign_replications)
        n = 0  # the campaign's own runs are the extra work
    return Workload(
        objects=objects,
        steps=steps,
        in_flight=most_in_flight(np.concatenate(starts), np.concatenate(ends)),
        sensors=len(s.sensors) + len(s.space_sensors),
        replications=n,
        workers=max(1, workers),
        extra_object_steps=extra,
        batch_of=batch_of,
    )


def _campaign_largest_run(loaded: LoadedScenario, replications: int | None) -> int:
    """Replications of a campaign study's largest run of one world: its calibration runs, its
    attack confirmation's or its replications (the engine defense's states share at most all
    of them)."""
    c = loaded.scenario.campaign
    assert c is not None
    rules = c.counterstrike.rules if c.counterstrike is not None else None
    confirmation = rules.confirmation_replications if rules is not None else 0
    n = c.replications if replications is None else replications
    return max(c.calibration_replications, confirmation, n)


def _campaign_object_steps(
    loaded: LoadedScenario,
    steps: int,
    objects: int,
    replications: int | None,
    defense: str | None,
) -> int:
    """A campaign study's engine work: the fast path's calibration runs (per force and
    layer, alone and behind the earlier layers: at most 2 × layers runs of the scenario per
    force), with the engine defense each step's salvo (at most every force's launchers firing
    a full salvo, never more missiles than the forces hold) run once per campaign replication
    on the scenario's time grid, and the attack confirmation's runs."""
    c = loaded.scenario.campaign
    assert c is not None
    n = c.replications if replications is None else replications
    per_step = sum(f.launchers * f.rounds_per_salvo * max(f.salvos_per_step, 1) for f in c.forces)
    held = sum(f.launchers * f.missiles_per_launcher for f in c.forces)
    missiles = min(c.steps * per_step, held)
    layers = len(loaded.scenario.doctrine.layer_order)
    work = c.calibration_replications * len(c.forces) * 2 * layers * objects * steps
    if (defense or c.defense) == "engine":
        work += n * missiles * steps
    rules = c.counterstrike.rules if c.counterstrike is not None else None
    confirmation = rules.confirmation_replications if rules is not None else 0
    return work + confirmation * objects * steps


def most_in_flight(starts: np.ndarray, ends: np.ndarray) -> int:
    """Most intervals [start, end) open at one time."""
    if starts.size == 0:
        return 0
    times = np.concatenate([starts, ends])
    change = np.concatenate([np.ones(starts.size, np.int64), -np.ones(ends.size, np.int64)])
    order = np.lexsort((change, times))  # at a tie, an end comes before a start
    return int(np.max(np.cumsum(change[order])))


def combined(works: Sequence[Workload]) -> Workload:
    """The work of several runs made one after another: the run needing the most memory, with
    the others' object-steps added (nothing when there are none)."""
    if not works:
        return Workload(0, 0, 0, 0, 0)
    big = max(works, key=lambda w: w.memory_bytes)
    total = sum(w.object_steps for w in works)
    return replace(big, extra_object_steps=total - big.object_steps)


def check_workload(
    work: Workload, label: str, *, force: bool = False, memory: tuple[float, float] | None = None
) -> None:
    """Refuse a run beyond `MAX_OBJECT_STEPS` (unless `force`) or beyond this machine's
    memory: more than it has in all (always), or more than it has available (unless
    `force`), with the estimate in one line. `memory` is (available, total) bytes
    (default: `available_memory()`)."""
    available, total = memory if memory is not None else available_memory()
    need = work.memory_bytes
    if need > total:
        raise WorkloadError(
            f"{label}: needs {work.describe()}, more than this machine's "
            f"{_bytes(total)}: use fewer objects or replications, or a longer time.step_s"
        )
    if force:
        return
    if need > available:
        raise WorkloadError(
            f"{label}: needs {work.describe()}, and this machine has {_bytes(available)} "
            "available: free memory, use fewer workers, or pass --force to try anyway"
        )
    if work.object_steps > MAX_OBJECT_STEPS:
        raise WorkloadError(
            f"{label}: needs {work.describe()}, beyond the limit of "
            f"{_count(MAX_OBJECT_STEPS)} (about {_duration(work.cpu_seconds)} of CPU time "
            "for the replications): pass --force to run it, or use fewer objects or "
            "replications, or a longer time.step_s"
        )


def available_memory() -> tuple[float, float]:
    """(available, total) memory of this machine for this process, bytes: the kernel's
    MemAvailable and MemTotal, within the cgroup's limit where one is set."""
    available = total = math.inf
    try:
        info = Path("/proc/meminfo").read_text(encoding="ascii").splitlines()
        fields = {line.split(":")[0]: float(line.split()[1]) * 1024 for line in info if ":" in line}
        available = fields.get("MemAvailable", available)
        total = fields.get("MemTotal", total)
    except (OSError, ValueError, IndexError):
        try:
            pages = os.sysconf("SC_PHYS_PAGES")
            free = os.sysconf("SC_AVPHYS_PAGES")
            size = os.sysconf("SC_PAGE_SIZE")
            total, available = float(pages * size), float(free * size)
        except (ValueError, OSError, AttributeError):
            pass
    limit, used = _cgroup_memory()
    if limit is not None:
        total = min(total, limit)
        available = min(available, limit - (used or 0.0))
    return available, total


def _cgroup_memory() -> tuple[float | None, float | None]:
    """The cgroup v2 memory limit and use of this process, bytes (None: no limit)."""
    root = Path("/sys/fs/cgroup")
    try:
        limit = (root / "memory.max").read_text(encoding="ascii").strip()
        used = (root / "memory.current").read_text(encoding="ascii").strip()
    except OSError:
        return None, None
    if limit == "max" or not limit.isdigit():
        return None, None
    return float(limit), float(used) if used.isdigit() else None


def _count(n: float) -> str:
    return f"{n:.2g}" if n >= 1e4 else f"{n:.0f}"


def _bytes(n: float) -> str:
    if not math.isfinite(n):
        return "unknown memory"
    if n >= 2**30:
        return f"{n / 2**30:.1f} GiB"
    return f"{n / 2**20:.0f} MiB"


def _duration(seconds: float) -> str:
    if seconds >= 86400:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 60:.0f} minutes"
