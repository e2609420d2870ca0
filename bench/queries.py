"""Median latency of every named query (queries/*.rq) on a built graph.

Each query runs with its header's example parameters; where they name no one in this graph (a larger
or synthetic graph), the people and venue are picked from the graph itself: the pair with the most joint
works and that person's venue with the most works. Timings are printed, not judged.

    python bench/queries.py                       # builds the seed graph from data/ into a temporary store
    python bench/queries.py --store var/store     # an existing store
    python bench/queries.py --store big --runs 5 --only coauthors --param person=person/p20
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from kg import queries
from kg import settings as settings_mod
from kg.build import build
from kg.errors import QueryError
from kg.graph.store import build_meta, open_store
from kg.manifest import load

ROOT = Path(__file__).resolve().parents[1]


def _overrides(items: Sequence[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for item in items:
        name, _, value = item.partition("=")
        found.setdefault(name.strip(), []).append(value)
    return found


def _picked(store, base: str) -> dict[str, list[str]]:
    """Parameters taken from the graph: the strongest pair, and the first one's main venue."""
    picked: dict[str, list[str]] = {}
    try:
        top = queries.run(store, "strongest-collaborations", {"min_works": "1"}, base=base)
    except QueryError:
        return picked
    if top.rows:
        a, b = top.rows[0]["person_a"], top.rows[0]["person_b"]
        if a is not None and b is not None:
            picked = {"person": [a.value], "other": [b.value], "people": [a.value, b.value]}
            venues = queries.run(store, "person-venues", {"person": a.value}, base=base)
            if venues.rows and venues.rows[0]["venue"] is not None:
                picked["venue"] = [venues.rows[0]["venue"].value]
    return picked


def _params(query: queries.NamedQuery, overrides: dict[str, list[str]]
            ) -> dict[str, str | list[str]]:
    params: dict[str, str | list[str]] = dict(query.example)
    for p in query.params:
        if p.name in overrides:
            values = overrides[p.name]
            params[p.name] = values if p.is_list else values[-1]
    return params


def measure(store, query: queries.NamedQuery, params: dict[str, str | list[str]], *, base: str,
            runs: int) -> tuple[int, list[float]]:
    """Rows and the seconds of each run (after one warm-up run), parameters resolved every run."""
    result = queries.run(store, query, params, base=base)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = queries.run(store, query, params, base=base)
        times.append(time.perf_counter() - started)
    return len(result), times


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="a built store (default: build data/ into a temporary one)")
    parser.add_argument("--base", help="base IRI of the graph (default: the one it was built with)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per query (default 20)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="only this query (repeatable)")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                        help="a parameter for every query that takes it (repeat for a list)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        if args.store:
            store_path = args.store
        else:
            store_path = str(Path(tmp) / "store")
            base = settings_mod.load()["base"]
            build(load(ROOT / "data" / "sources.toml"), store=store_path, base=base)
        base = args.base or build_meta(store_path).get("base") or settings_mod.load()["base"]
        store = open_store(store_path)
        overrides = _overrides(args.param)
        picked: dict[str, list[str]] | None = None
        print(f"store {store_path}, {len(store)} quads, {args.runs} runs per query")
        print(f"{'query':34} {'rows':>6} {'median ms':>10} {'min ms':>9} {'max ms':>9}")
        for name, query in queries.catalog().items():
            if args.only and name not in args.only:
                continue
            params = _params(query, overrides)
            try:
                rows, times = measure(store, query, params, base=base, runs=args.runs)
            except QueryError as exc:
                # The example names people of the seed graph; pick others from this graph.
                if picked is None:
                    picked = _picked(store, base)
                try:
                    rows, times = measure(store, query, _params(query, {**picked, **overrides}),
                                          base=base, runs=args.runs)
                except QueryError:
                    print(f"{name:34} skipped: {exc}")
                    continue
            ms = [t * 1000 for t in times]
            print(f"{name:34} {rows:>6} {statistics.median(ms):>10.2f} {min(ms):>9.2f} "
                  f"{max(ms):>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
