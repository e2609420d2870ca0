"""The store under stress: builds killed midway, two builds at once, and IRIs that stay put when a
source is removed."""

from __future__ import annotations

import os
import random
import signal
import string
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, Quad

from kg.graph import store as store_mod
from kg.graph.mapping import Mapper
from kg.graph.namespaces import FABIO, PROV, RDF
from kg.manifest import Manifest, load

from .conftest import DATA, ROOT

BASE = "http://localhost:8080/"
SOURCE_IDS = [s.id for s in load(DATA / "sources.toml").sources]


def kg_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from kg.cli import main; main()", *args]


def env() -> dict[str, str]:
    # The subprocess imports kg from this checkout, whatever the working directory.
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def wait_for(condition: Callable[[], bool], *, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"the build ended (code {proc.returncode}) before the kill point")
        if time.monotonic() > deadline:
            raise AssertionError("the kill point was not reached in time")
        time.sleep(0.01)


def partials(path: Path) -> list[Path]:
    root = store_mod.builds_dir(path)
    return [d for d in root.iterdir() if d.name.endswith(".partial")] if root.exists() else []


def synthetic_bibtex(path: Path, n: int) -> Path:
    """``n`` papers of random words by random people: nothing for the resolver to match, so reading
    and resolving are quick, while the graph is large enough that loading takes seconds."""
    rnd = random.Random(7)

    def word() -> str:
        return "".join(rnd.choice(string.ascii_lowercase) for _ in range(rnd.randint(4, 10)))

    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            title = " ".join(word() for _ in range(7)).title()
            authors = " and ".join(f"{word().title()}, {word().title()}"
                                   for _ in range(rnd.randint(1, 6)))
            abstract = " ".join(word() for _ in range(150))
            f.write(f"@inproceedings{{k{i},\n  title = {{{title}}},\n  author = {{{authors}}},\n"
                    f"  booktitle = {{Proceedings of Workshop {i % 50}}},\n"
                    f"  year = {{{2000 + i % 25}}},\n  abstract = {{{abstract}}}\n}}\n\n")
    return path


def snapshot(path: Path) -> set[Quad]:
    return set(store_mod.open_store(path).quads_for_pattern(None, None, None, None))


@pytest.fixture
def previous(tmp_path, resolution) -> Path:
    """A store holding the graph of data/: the build that a failed build must leave in place."""
    path = tmp_path / "store"
    store_mod.build(path, Mapper(BASE).quads(resolution), meta={"base": BASE})
    return path


# --------------------------------------------------------------------------------------------------
# Killed builds

def test_killed_build_leaves_the_previous_store(previous, tmp_path):
    # Enough entries that the load lasts well beyond the half second the last kill waits.
    big = synthetic_bibtex(tmp_path / "big.bib", 2000)
    before_dir = store_mod.current_build(previous)
    before = snapshot(previous)
    assert len(before) > 6000

    def kill_at(point: str, reached: Callable[[subprocess.Popen, set[Path]], None]) -> None:
        left_before = set(partials(previous))
        proc = subprocess.Popen(kg_command("build", "--store", str(previous), "--format", "bibtex",
                                           str(big)),
                                cwd=tmp_path, env=env(), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            reached(proc, left_before)
            assert proc.poll() is None, f"{point}: the build finished before it could be killed"
            proc.send_signal(signal.SIGKILL)
            assert proc.wait(timeout=30) == -signal.SIGKILL
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        # The link still points to the previous build, which reads as it did.
        assert store_mod.current_build(previous) == before_dir, point
        assert snapshot(previous) == before, point

    def loading(proc: subprocess.Popen, left_before: set[Path]) -> None:
        wait_for(lambda: bool(set(partials(previous)) - left_before), proc=proc)

    def later(proc: subprocess.Popen, left_before: set[Path]) -> None:
        loading(proc, left_before)
        time.sleep(0.5)

    # While reading and resolving the sources: the store is not touched yet.
    kill_at("reading", lambda proc, left_before: time.sleep(0.5))
    # As soon as loading into a new build directory has begun.
    kill_at("loading starts", loading)
    # Later in the load (bulk loading, or compacting the new store).
    kill_at("loading", later)

    assert partials(previous), "a killed load leaves its partial directory behind"
    # The next build is not disturbed by what the killed ones left, and replaces the store.
    small_quads = sorted(before, key=str)[:100]
    info = store_mod.build(previous, small_quads)
    assert store_mod.current_build(previous) == info.directory != before_dir
    assert snapshot(previous) == set(small_quads)


def test_failed_build_leaves_the_previous_store_and_no_partial_directory(previous, resolution):
    before = snapshot(previous)

    def failing() -> Iterator[Quad]:
        for n, q in enumerate(Mapper(BASE).quads(resolution)):
            if n == 1000:
                raise RuntimeError("the source went away")
            yield q

    with pytest.raises(RuntimeError, match="the source went away"):
        store_mod.build(previous, failing())
    assert snapshot(previous) == before
    assert partials(previous) == []


# --------------------------------------------------------------------------------------------------
# Two builds at once

def test_second_build_fails_with_the_lock_message(tmp_path, resolution):
    path = tmp_path / "store"
    second: dict[str, subprocess.CompletedProcess] = {}

    def quads_starting_a_second_build() -> Iterator[Quad]:
        for n, q in enumerate(Mapper(BASE).quads(resolution)):
            if n == 500:  # this build holds the lock now: start another one on the same store
                second["run"] = subprocess.run(  # noqa: PLW1510 (the return code is asserted)
                    kg_command("build", "--store", str(path), str(DATA / "sources.toml")),
                    cwd=tmp_path, env=env(), capture_output=True, text=True, timeout=120)
            yield q

    info = store_mod.build(path, quads_starting_a_second_build())
    run = second["run"]
    assert run.returncode == 1, run.stderr
    assert run.stderr.startswith(f"kg: error: {path}: another build is running (pid {os.getpid()} "
                                 f"since ")
    assert run.stderr.rstrip().endswith("); wait for it to finish")
    # The first build went on and is the store now.
    assert store_mod.current_build(path) == info.directory
    assert len(store_mod.open_store(path)) == info.triples > 6000


# --------------------------------------------------------------------------------------------------
# IRIs stay put

def work_records(path: Path) -> dict[str, set[str]]:
    """Work IRI -> the IRIs of the source records it was derived from."""
    store = store_mod.open_store(path)
    works = {q.subject for q in store.quads_for_pattern(None, RDF.type, FABIO.Work, DefaultGraph())}
    out: dict[str, set[str]] = defaultdict(set)
    for q in store.quads_for_pattern(None, PROV.wasDerivedFrom, None, DefaultGraph()):
        if q.subject in works:
            out[q.subject.value].add(q.object.value)
    assert set(out) == {w.value for w in works}
    return out


@pytest.fixture(scope="module")
def full_build(tmp_path_factory) -> dict[str, set[str]]:
    from kg.build import build

    path = tmp_path_factory.mktemp("full") / "store"
    build(load(DATA / "sources.toml"), store=path, base=BASE)
    return work_records(path)


@pytest.mark.parametrize("removed", SOURCE_IDS)
def test_removing_a_source_moves_no_other_work(tmp_path, full_build, removed):
    from kg.build import build

    manifest = load(DATA / "sources.toml")
    reduced = Manifest(path=manifest.path,
                       sources=tuple(s for s in manifest.sources if s.id != removed))
    path = tmp_path / "store"
    build(reduced, store=path, base=BASE)
    after = work_records(path)
    gone = f"{BASE}source/{removed}/record/"
    # Works that keep a record from another source keep their IRI; the others disappear.
    survivors = {w for w, records in full_build.items()
                 if any(not r.startswith(gone) for r in records)}
    assert set(after) == survivors
    for work, records in after.items():
        assert records <= full_build[work], f"{work} now names other records"
