"""Progress of long steps: library code reports how far a step got, whoever called it draws it.

A step reports ``progress(step, done, total)``: a stable step name ('read sources', 'resolve people',
'load quads', ...), how many of its units are done, and how many there are (None while unknown). The
command line draws one bar per step with its rate and time left; library code never prints.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Progress = Callable[[str, int, "int | None"], None]
INTERVAL = 0.2  # seconds: how often a step reports at most


def silent(step: str, done: int, total: int | None = None) -> None:
    """A progress callback that reports nothing."""


class Ticker:
    """Reports one step's progress at most every `interval` seconds (and always at its end), so
    that a loop may tick once per item at little cost."""

    def __init__(self, progress: Progress | None, step: str, total: int | None, *,
                 interval: float = INTERVAL) -> None:
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

    def to(self, done: int) -> None:
        """The count moved to ``done`` (never back)."""
        if done > self.done:
            self.tick(done - self.done)

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.step, self.done if self.total is None else self.total, self.total)

    def share(self, units: int, items: int) -> Share:
        """``units`` of this step spent evenly over ``items`` ticks of a part of it (a pass over
        blocks, of which there are as many as the data makes), so that the part reports as it goes."""
        return Share(self, units, items)


class Share:
    """A part of a :class:`Ticker`'s step: ``units`` of its total over ``items`` ticks.

    >>> heard = []
    >>> ticker = Ticker(lambda _s, done, _t: heard.append(done), "step", 10, interval=0)
    >>> part = ticker.share(10, 4)
    >>> for _ in range(3):
    ...     part.tick()
    >>> part.finish()
    >>> heard
    [0, 2, 5, 7, 10]
    """

    def __init__(self, ticker: Ticker, units: int, items: int) -> None:
        self.ticker, self.units, self.items = ticker, units, max(items, 1)
        self.seen = self.spent = 0

    def tick(self, n: int = 1) -> None:
        self.seen += n
        target = min(self.units, self.units * self.seen // self.items)
        if target > self.spent:
            self.ticker.tick(target - self.spent)
            self.spent = target

    def finish(self) -> None:
        """The part is done: the rest of its units (all of them when it had no items)."""
        if self.spent < self.units:
            self.ticker.tick(self.units - self.spent)
            self.spent = self.units
