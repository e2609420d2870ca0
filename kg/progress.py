"""Progress of long steps: library code reports how far a step got, whoever called it draws it.

A step reports ``progress(step, done, total)``: a stable step name ('read sources', 'resolve people',
'load quads', ...), how many of its units are done, and how many there are (None while unknown). The
command line draws one bar per step with its rate and time left; library code never prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Progress = Callable[[str, int, "int | None"], None]


def silent(step: str, done: int, total: int | None = None) -> None:
    """A progress callback that reports nothing."""


class Ticker:
    """Reports one step's progress at most every `interval` seconds (and always at its end), so
    that a loop may tick once per item at little cost."""

    def __init__(self, progress: Progress | None, step: str, total: int | None, *,
                 interval: float = 0.2) -> None:
        self.progress = progress
        self.step = step
        self.total = total
        self.done = 0
        self.interval = interval
        self._next = 0.0
        if progress is not None:
            progress(step, 0, total)

    def tick(self, n: int = 1) -> None:
        self.done += n
        if self.progress is not None:
            now = time.monotonic()
            if now >= self._next:
                self._next = now + self.interval
                self.progress(self.step, self.done, self.total)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.step, self.done if self.total is None else self.total, self.total)
