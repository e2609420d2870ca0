"""Progress bars for the long steps of a command: one bar per step, with its rate and time left."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

# What each step counts, for the rate column.
UNITS = {"read sources": "kB", "cluster works": "rec", "group venues": "rec",
         "resolve works": "works", "index people": "slots", "resolve people": "slots",
         "load quads": "ent", "optimize store": "ms"}
TIMED = "ms"  # a step that counts milliseconds against an estimate of its duration, not items


class CountColumn(MofNCompleteColumn):
    """Items done of all; for a timed step, while it runs, the duration it is expected to take
    (the time it took shows beside)."""

    def render(self, task: Task) -> Text:
        if task.fields.get("unit") == TIMED:
            if task.total is None or task.finished:
                return Text("")
            return Text(f"~{task.total / 1000:,.0f} s", style="progress.download")
        return super().render(task)


class RateColumn(ProgressColumn):
    """Items per second of a step, in the step's unit."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if speed is None or task.fields.get("unit") == TIMED:
            return Text("")
        return Text(f"{speed:,.0f} {task.fields.get('unit', '')}/s", style="progress.data.speed",
                    no_wrap=True)


class BuildProgress:
    """A callback for :mod:`kg.progress` that draws the steps of a build on a console (stderr).
    A step that starts finishes the one before it. Nothing is drawn when the console is not a
    terminal (a log or a pipe gets the result and the problems only)."""

    def __init__(self, console: Console) -> None:
        self.bars = Progress(SpinnerColumn(), TextColumn("{task.description:<15}"), BarColumn(),
                             CountColumn(), RateColumn(), TimeElapsedColumn(),
                             TextColumn("left"), TimeRemainingColumn(), console=console,
                             transient=False, disable=not console.is_terminal)
        self.tasks: dict[str, TaskID] = {}
        self.current: str | None = None

    def report(self, step: str, done: int, total: int | None = None) -> None:
        task = self.tasks.get(step)
        if task is None:
            self._finish_current()
            task = self.tasks[step] = self.bars.add_task(step, total=total,
                                                         unit=UNITS.get(step, "items"))
            self.current = step
        self.bars.update(task, completed=done, total=total)

    def _finish_current(self) -> None:
        if self.current is not None:
            task = self.tasks[self.current]
            t = self.bars.tasks[task]
            self.bars.update(task, total=t.total if t.total is not None else max(t.completed, 1),
                             completed=t.total if t.total is not None else max(t.completed, 1))
            self.bars.stop_task(task)

    def __enter__(self) -> BuildProgress:  # noqa: PYI034 - a final class
        self.bars.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self._finish_current()
        self.bars.stop()
