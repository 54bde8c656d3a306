"""A progress bar for sweeps (rich): replications done, rate, time elapsed and left.

    with RichProgress("japan-2027 sweep") as bar:
        run_sweep(..., progress=bar)

Replications already on disk when a sweep resumes count as done but not in the rate.
"""

from __future__ import annotations

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
    """Replications per second."""

    def render(self, task: Task) -> Text:
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

    def __enter__(self) -> RichProgress:
        self._bar.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._bar.stop()

    def start(self, total: int, done: int) -> None:
        self._task = self._bar.add_task(self._description, total=total, completed=done)

    def advance(self, replications: int) -> None:
        if self._task is not None:
            self._bar.advance(self._task, replications)
