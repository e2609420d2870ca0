"""Progress of long steps: every long step of a build reports, in order and up to its total; the
command line draws bars with a rate and the time left on a terminal and nothing on a pipe."""

from __future__ import annotations

import io
from collections import defaultdict

from rich.console import Console

from kg.build import build
from kg.cli.progress import BuildProgress
from kg.progress import Ticker

LONG_STEPS = ["read sources", "cluster works", "resolve works", "resolve people", "load quads",
              "optimize store"]


def test_every_long_step_of_a_build_reports_up_to_its_total(manifest, tmp_path):
    heard: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
    order: list[str] = []

    def progress(step: str, done: int, total: int | None) -> None:
        if step not in heard:
            order.append(step)
        heard[step].append((done, total))

    build(manifest, store=tmp_path / "store", base="http://example.org/", progress=progress)
    assert [s for s in order if s in LONG_STEPS] == LONG_STEPS
    for step in LONG_STEPS[:-1]:  # optimizing has no units to count
        done = [d for d, _ in heard[step]]
        assert done == sorted(done), step  # never goes back
        last, total = heard[step][-1]
        assert total is not None and last == total > 0, step


def test_ticker_reports_at_most_every_interval_and_always_the_end():
    heard: list[int] = []
    ticker = Ticker(lambda _s, done, _t: heard.append(done), "step", 1000, interval=3600)
    for _ in range(1000):
        ticker.tick()
    ticker.finish()
    assert heard == [0, 1, 1000]  # the start, the first tick, the end


def _draw(terminal: bool) -> str:
    out = io.StringIO()
    console = Console(file=out, force_terminal=terminal, width=120, color_system=None)
    with BuildProgress(console) as bars:
        for n in range(0, 101, 10):
            bars.report("resolve people", n, 100)
        bars.report("load quads", 5, 5)
    return out.getvalue()


def test_bars_show_steps_rate_and_time_left_on_a_terminal():
    text = _draw(terminal=True)
    assert "resolve people" in text and "load quads" in text
    assert "100/100" in text and "left" in text and "slots/s" in text


def test_nothing_is_drawn_on_a_pipe():
    assert _draw(terminal=False) == ""
