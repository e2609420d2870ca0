"""Reading a manifest's sources: in the calling process, or in worker processes side by side."""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import subprocess
import sys
import weakref
from pathlib import Path

import pytest

from kg import collector, pipeline
from kg.build import build
from kg.errors import ConfigError, ParseError
from kg.graph.store import build_meta
from kg.manifest import Manifest, SourceSpec
from kg.pipeline import read_all, read_workers
from kg.progress import Ticker

from .conftest import DATA, ROOT

BAD = """@article{good1, title={Fine}, author={Doe, Jane}, year=2020}
@article{broken, title={Unbalanced, year=2021
@article{good2, title={Also fine}, author={Roe, Rick}, year=2021}
"""


def dumped(sources):
    return [(s.info, [r.model_dump() for r in s.records]) for s in sources]


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_read_the_same_records_in_manifest_order(manifest, monkeypatch, method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method on this platform")
    alone = read_all(manifest, workers=1)
    monkeypatch.setattr(pipeline, "_worker_context", lambda: multiprocessing.get_context(method))
    seen = []
    side_by_side = read_all(manifest, workers=2, progress=lambda *a: seen.append(a))
    assert [s.info.id for s in side_by_side] == [s.id for s in manifest.sources]
    assert dumped(side_by_side) == dumped(alone)
    kilobytes = sum(-(-s.path.stat().st_size // 1024) for s in manifest.sources)
    assert seen[-1] == ("read sources", kilobytes, kilobytes)
    assert [d for _, d, _ in seen] == sorted(d for _, d, _ in seen)


def test_equal_names_and_dates_read_by_different_workers_are_one_object(tmp_path):
    specs = []
    for n in range(4):
        (tmp_path / f"{n}.bib").write_text(
            f"@article{{p{n}, title={{Paper {n}}}, author={{Doe, Jane and Roe, Rick{n}}},"
            " year=2020}\n", encoding="utf-8")
        specs.append(SourceSpec(id=f"s{n}", path=tmp_path / f"{n}.bib", format="bibtex"))
    manifest = Manifest(path=None, sources=tuple(specs))
    alone = read_all(manifest, workers=1)
    got = read_all(manifest, workers=2)
    assert dumped(got) == dumped(alone)
    records = [r for s in got for r in s.records]
    assert len({id(r.authors[0]) for r in records}) == 1  # 'Jane Doe', read in four files
    assert len({id(r.authors[1]) for r in records}) == 4  # four different names stay four
    assert len({id(r.date) for r in records}) == 1
    assert all(r.model_fields_set == alone[0].records[0].model_fields_set for r in records)


def test_a_strict_error_in_a_worker_is_raised_with_its_file_and_line(tmp_path):
    specs = []
    for name in ("a.bib", "b.bib", "c.bib"):
        text = BAD if name == "b.bib" else BAD.replace(
            "@article{broken, title={Unbalanced, year=2021", "@misc{fine, title={Balanced}}")
        (tmp_path / name).write_text(text, encoding="utf-8")
        specs.append(SourceSpec(id=name, path=tmp_path / name, format="bibtex"))
    manifest = Manifest(path=None, sources=tuple(specs))
    with pytest.raises(ParseError) as err:
        read_all(manifest, strict=True, workers=2)
    assert err.value.filename.endswith("b.bib") and err.value.line == 2
    # Not strict: the problem is in the source's report and the rest is read.
    got = read_all(manifest, workers=2)
    assert [len(s.records) for s in got] == [3, 2, 3]
    assert any("b.bib:2: malformed entry" in line for line in got[1].info.issues)


def _full_collections_here() -> bool:
    return gc.get_threshold()[2] != collector.NEVER


def _full_collections(spec, *, strict=False, lines=None):
    """A reader that reads nothing and says whether its process makes full collections."""
    return _full_collections_here()


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_collect_fully_while_this_process_unpickling_their_records_does_not(
        manifest, monkeypatch, method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"no {method} start method on this platform")
    monkeypatch.setattr(pipeline, "read_source", _full_collections)
    monkeypatch.setattr(pipeline, "_worker_context", lambda: multiprocessing.get_context(method))
    before = gc.get_threshold()
    here = []
    in_workers = read_all(manifest, workers=2,
                          progress=lambda *a: here.append(_full_collections_here()))
    assert in_workers == [True] * len(manifest.sources)
    assert here and not any(here)
    assert gc.get_threshold() == before


def test_resolving_and_loading_make_no_full_collections_and_the_thresholds_come_back(
        manifest, tmp_path):
    seen: dict[str, set[bool]] = {}

    def note(step, *_):
        seen.setdefault(step, set()).add(_full_collections_here())

    before = gc.get_threshold()
    build(manifest, store=tmp_path / "store", base="https://kg.example/", progress=note, workers=1)
    assert seen["read sources"] == {True}  # parsers leave cyclic garbage, also in older objects
    assert seen["load quads"] == {False}
    assert {state for step, states in seen.items() if step.startswith("resolve")
            for state in states} == {False}
    assert gc.get_threshold() == before
    with collector.paused():
        with collector.paused():
            pass
        assert not _full_collections_here()  # an inner pause leaves the outer one in force
        assert gc.isenabled()  # young objects are still collected
    assert gc.get_threshold() == before


def test_a_cycle_made_while_full_collections_are_paused_is_collected_young():
    class Node:
        def __init__(self):
            self.me = self

    with collector.paused():
        ref = weakref.ref(Node())
        kept = [[] for _ in range(10 * gc.get_threshold()[0])]  # enough to start young collections
        assert ref() is None
        del kept


def test_how_many_workers(tmp_path, monkeypatch):
    small = [SourceSpec(id=f"s{i}", path=tmp_path / f"s{i}.bib") for i in range(3)]
    for s in small:
        s.path.write_text("@misc{x, title={T}}\n", encoding="utf-8")
    assert read_workers(small) == 1  # a few bytes: not worth a process
    assert read_workers(small, 2) == 2
    assert read_workers(small, 8) == 3  # never more than one per source
    with pytest.raises(ConfigError):
        read_workers(small, -1)
    monkeypatch.setattr(pipeline, "PARALLEL_BYTES", 1)
    assert read_workers(small) == min(os.cpu_count() or 1, 3)
    missing = [SourceSpec(id="m", path=tmp_path / "missing.bib")]
    assert read_workers(missing) == 1


def test_the_thread_free_process_forks_and_a_threaded_one_spawns():
    import threading

    assert threading.active_count() >= 1
    release = threading.Event()
    t = threading.Thread(target=release.wait)
    t.start()
    try:
        assert pipeline._worker_context().get_start_method() == "spawn"
    finally:
        release.set()
        t.join()
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        assert pipeline._worker_context().get_start_method() == "fork"


def test_build_command_with_read_workers(tmp_path):
    counts = []
    for n in ("1", "2"):
        store = tmp_path / f"store{n}"
        proc = subprocess.run([sys.executable, "-m", "kg", "build", "--store", str(store),
                               "--read-workers", n, str(DATA / "sources.toml")],
                              cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stderr
        meta = build_meta(store)
        counts.append((meta["triples"], meta["counts"]))
    assert counts[0] == counts[1]


def _big_bibtex(path: Path, entries: int) -> Path:
    path.write_text("".join(
        f"@article{{k{n}, title={{A study of thing number {n}}}, author={{Doe, Jane and Roe, Rick}},"
        f" journal={{Journal of Things}}, year={{{2000 + n % 20}}}}}\n" for n in range(entries)),
        encoding="utf-8")
    return path


def test_one_large_file_moves_the_bar_as_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setitem(Ticker.__init__.__kwdefaults__, "interval", 0.0)  # hear every report
    path = _big_bibtex(tmp_path / "big.bib", 400)
    manifest = Manifest(path=None, sources=(SourceSpec(id="big", path=path, format="bibtex"),))
    heard = []
    read_all(manifest, workers=1, progress=lambda *a: heard.append(a))
    kilobytes = -(-path.stat().st_size // 1024)
    assert {step for step, _, _ in heard} == {"read sources"}
    done = [d for _, d, _ in heard]
    assert done == sorted(done) and done[-1] == kilobytes and heard[-1][2] == kilobytes
    # Before, a file was 0 until read and 1 after: now its records move it, a line at a time.
    assert len([d for d in done if 0 < d < kilobytes]) >= kilobytes // 2


def test_a_large_bibtex_file_is_split_a_piece_at_a_time(tmp_path, monkeypatch):
    """BibTeX's first pass splits the text into blocks: the entries of each piece are heard before
    the next piece is split, so a large file's bar moves from its first entries on (the whole
    text split at once was a wait of 2 s per 20,000 entries before the first word)."""
    import bibtexparser

    from kg.sources import SourceContext, bibtex, get

    path = _big_bibtex(tmp_path / "big.bib", 3000)
    pieces: list[int] = []
    real = bibtexparser.parse_string

    def splitting(text: str, **kwargs):
        pieces.append(len(text))
        return real(text, **kwargs)

    monkeypatch.setattr(bibtexparser, "parse_string", splitting)
    heard: list[tuple[int, int, int]] = []
    ctx = SourceContext(source="big", filename=str(path),
                        progress=lambda done, total: heard.append((len(pieces), done, total)))
    assert len(list(get("bibtex").parse(path.read_text(encoding="utf-8"), ctx))) == 3000
    entry = len(path.read_text(encoding="utf-8").split("\n", 1)[0]) + 1
    assert len(pieces) >= 5 and max(pieces) <= bibtex.SPLIT_CHUNK + entry + len("@comment{}")
    first_pass = [split for split, done, total in heard if 2 * done <= total]
    assert first_pass == sorted(first_pass) and set(first_pass) == set(range(1, len(pieces) + 1))


def test_a_worker_tells_how_far_it_got_and_late_word_of_a_finished_file_is_ignored(
        tmp_path, monkeypatch):
    path = _big_bibtex(tmp_path / "big.bib", 50)
    heard: queue.Queue = queue.Queue()
    monkeypatch.setattr(pipeline, "_HEARD", heard)
    spec = SourceSpec(id="big", path=path, format="bibtex")
    got = pipeline._read_in_worker(pipeline.read_source, 3, spec)
    assert len(got.records) == 50
    first = heard.get_nowait()  # the first entry is told at once, the rest at most every 0.2 s
    lines = path.read_text(encoding="utf-8").count("\n") + 1
    assert first == (3, 1, 2 * lines)  # BibTeX reads in two passes: entries, then records
    meter = pipeline._ReadMeter([spec, spec], progress=None)
    meter.lines(0, lines // 2, lines)
    meter.finished(0)
    heard.put((0, lines // 2, lines))  # word of file 0 that came after its records
    heard.put((1, lines // 2, lines))
    meter.drain(heard)
    kb = meter.kb[0]
    assert meter.ticker.done == kb + kb // 2  # file 0 counted once, whole; file 1 half


def test_records_of_a_format_that_reads_in_one_pass_move_the_bar_by_their_lines(
        tmp_path, monkeypatch):
    monkeypatch.setitem(Ticker.__init__.__kwdefaults__, "interval", 0.0)
    path = tmp_path / "items.json"
    path.write_text("[\n" + ",\n".join(
        f'{{"id": "i{n}", "type": "article-journal", "title": "A study of thing {n}",'
        f' "author": [{{"family": "Doe", "given": "Jane"}}],'
        f' "issued": {{"date-parts": [[{2000 + n % 20}]]}}}}' for n in range(300)) + "\n]\n",
        encoding="utf-8")
    manifest = Manifest(path=None, sources=(SourceSpec(id="items", path=path, format="csl-json"),))
    heard = []
    [src] = read_all(manifest, workers=1, progress=lambda *a: heard.append(a))
    assert len(src.records) == 300
    kilobytes = -(-path.stat().st_size // 1024)
    done = [d for _, d, _ in heard]
    assert done == sorted(done) and done[-1] == kilobytes
    assert len([d for d in done if 0 < d < kilobytes]) >= kilobytes // 2
