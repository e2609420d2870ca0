"""Progress of long steps: every long step of a build reports, in order and up to its total; the
command line draws bars with a rate and the time left on a terminal and nothing on a pipe."""

from __future__ import annotations

import io
import itertools
import time
from collections import defaultdict

from rich.console import Console

from kg.build import build
from kg.cli.progress import BuildProgress
from kg.graph.store import build_meta
from kg.pipeline import read_all
from kg.progress import Ticker
from kg.resolve import resolve

LONG_STEPS = ["read sources", "cluster works", "group venues", "resolve works", "index people",
              "resolve people", "name people", "load quads", "optimize store"]


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
        assert all(t is None or d <= t for d, t in heard[step]), step  # nor beyond its total
        last, total = heard[step][-1]
        assert total is not None and last == total > 0, step


def test_optimizing_reports_against_the_time_the_previous_build_took(manifest, tmp_path,
                                                                     monkeypatch):
    """Compacting the store has no items to count: a first build can say only that it runs; a
    rebuild expects the time the previous build took, scaled by the bytes loaded, and moves its
    bar against it (milliseconds; never full before it is done)."""
    import doctest

    from kg.graph import store as store_mod

    assert doctest.testmod(store_mod).failed == 0
    monkeypatch.setattr(store_mod, "INTERVAL", 0.001)
    real = store_mod.Store

    class SlowStore:  # the on-disk store, whose compaction takes long enough to be heard
        def __init__(self, path: str) -> None:
            self.store = real(path)

        def __getattr__(self, name: str):
            return getattr(self.store, name)

        def __len__(self) -> int:
            return len(self.store)

        def optimize(self) -> None:
            time.sleep(0.05)
            self.store.optimize()

    monkeypatch.setattr(store_mod, "Store", SlowStore)
    path = tmp_path / "store"

    def optimizing() -> list[tuple[int, int | None]]:
        heard: list[tuple[int, int | None]] = []
        build(manifest, store=path, base="http://example.org/",
              progress=lambda step, done, total: step == "optimize store"
              and heard.append((done, total)))
        return heard

    first = optimizing()
    took = build_meta(path)["optimize"]
    # Announced, then against the tables' bytes at the typical rate: no previous build to go by.
    assert first[0] == (0, None)
    expected = max(1, round(1000 * took["bytes"] * store_mod.FIRST_BUILD_SECONDS_PER_BYTE))
    assert {t for _, t in first[1:]} == {expected} and first[-1] == (expected, expected)
    assert took["seconds"] >= 0.05 and took["bytes"] > 0
    second = optimizing()
    totals = {t for _, t in second[1:]}
    assert len(totals) == 1 and None not in totals
    total = totals.pop()
    assert total == round(1000 * took["seconds"] * build_meta(path)["optimize"]["bytes"]
                          / took["bytes"])
    done = [d for d, _ in second[1:]]
    assert done == sorted(done) and done[-1] == total  # from the last quad (the loader's tail) on
    assert len(done) > 2 and all(d <= total * 99 // 100 for d in done[:-1])


def test_resolution_reports_every_stage_and_each_stage_its_parts(manifest, monkeypatch):
    """Resolution is all steps, one after the other: no stretch of it runs between two of them,
    and each step's parts (the features and passes of work clustering, the name statistics and
    blocks of people, the links found and then applied) move its bar as they go."""
    monkeypatch.setitem(Ticker.__init__.__kwdefaults__, "interval", 0.0)  # hear every tick
    heard: list[tuple[str, int, int | None]] = []
    resolve(read_all(manifest), progress=lambda step, done, total: heard.append((step, done, total)))
    steps = [s for s, _ in itertools.groupby(step for step, _, _ in heard)]
    assert steps == LONG_STEPS[1:7]  # each once, in order, one finished before the next
    for step in steps:
        done = [d for s, d, _ in heard if s == step]
        total = next(t for s, _, t in heard if s == step)
        assert done[0] == 0 and done[-1] == total > 0, step
        # No part of a step is silent: no report moves the bar by more than a tenth of it (a
        # whole pass of work clustering is a fifth; applying the links people share, a quarter).
        assert max(b - a for a, b in itertools.pairwise(done)) <= total / 10, step


def test_a_share_spends_its_units_evenly_and_exactly():
    import doctest

    from kg import progress

    assert doctest.testmod(progress).failed == 0
    heard: list[int] = []
    ticker = Ticker(lambda _s, done, _t: heard.append(done), "step", 7, interval=0)
    part = ticker.share(7, 3)
    for _ in range(5):  # more ticks than items: never beyond its units
        part.tick()
    part.finish()
    assert heard == [0, 2, 4, 7]
    empty = ticker.share(3, 0)
    empty.finish()  # a part without items spends its units at its end
    assert ticker.done == 10


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
        bars.report("optimize store", 0, None)
        bars.report("optimize store", 6_000, 12_000)
        bars.bars.refresh()  # drawn while it runs (its expected duration goes once it is done)
    return out.getvalue()


def test_bars_show_steps_rate_and_time_left_on_a_terminal():
    text = _draw(terminal=True)
    assert "resolve people" in text and "load quads" in text
    assert "100/100" in text and "left" in text and "slots/s" in text
    assert "~12 s" in text and "ms/s" not in text  # a timed step: its expected duration, no rate


def test_nothing_is_drawn_on_a_pipe():
    assert _draw(terminal=False) == ""
