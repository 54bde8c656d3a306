"""A progress bar for runs, sweeps and campaigns (rich): steps before the replications
(building the world) as lines of their own, then replications done, rate, time elapsed and
left (the ETA). A sweep builds one world per point as its chunks come up: a line of its own
counts the worlds built.

    with RichProgress("japan-2027 sweep") as bar:
        run_sweep(..., progress=bar)
    with RichProgress("japan-2027") as bar:
        run_scenario(..., progress=bar.advance, steps=bar.steps(200))

Replications already on disk when a sweep resumes count as done but not in the rate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RateColumn(ProgressColumn):
    """Replications per second (blank on a line that counts something else)."""

    def render(self, task: Task) -> Text:
        if not task.fields.get("replications", True):
            return Text("")
        speed = task.finished_speed or task.speed
        return Text("-- rep/s" if speed is None else f"{speed:,.1f} rep/s", style="cyan")


class RichProgress:
    """A `SweepProgress` drawn with rich on stderr (removed when done, unless `keep`)."""

    def __init__(self, description: str, console: Console | None = None, keep: bool = False):
        self._bar = Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
            transient=not keep,
        )
        self._description = description
        self._task: TaskID | None = None
        self._step: TaskID | None = None
        self._worlds: TaskID | None = None

    def __enter__(self) -> RichProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._bar.stop()

    def step(self, description: str) -> None:
        """A step of unknown length (building the world): a line of its own, its time
        counting, until the next step or `start`."""
        self._end_step()
        self._step = self._bar.add_task(description, total=None, replications=False)

    def _end_step(self) -> None:
        if self._step is not None:
            self._bar.update(self._step, total=1, completed=1)
            self._step = None

    def start(self, total: int, done: int) -> None:
        """The replications: `total` of them, `done` already (a resumed sweep)."""
        self._end_step()
        self._task = self._bar.add_task(self._description, total=total, completed=done)

    def worlds(self, built: int, total: int) -> None:
        """A sweep's worlds: `built` of `total` built (`kamae.sweep.run.SweepProgress`), on a
        line of their own under the replications'."""
        if self._worlds is None:
            self._worlds = self._bar.add_task(
                "building the worlds", total=total, completed=built, replications=False
            )
        else:
            self._bar.update(self._worlds, total=total, completed=built)

    def steps(self, total: int, label: str = "") -> Callable[[str], None]:
        """A `kamae.montecarlo.Steps` callback for one run of `total` replications: 'world'
        shows the world being built, 'replications' starts the bar (`label` names the run
        when several share the bar)."""
        prefix = f"{label}: " if label else ""

        def told(step: str) -> None:
            if step == "world":
                self.step(f"{prefix}building the world")
            else:
                self._end_step()
                self._task = self._bar.add_task(f"{prefix}{self._description}", total=total)

        return told

    def advance(self, replications: int) -> None:
        if self._task is not None:
            self._bar.advance(self._task, replications)
