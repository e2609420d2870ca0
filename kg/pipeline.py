"""The pipeline's first stages wired together: manifest -> sources -> records -> resolution."""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.queues
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from . import collector, sources
from .errors import ConfigError
from .manifest import Manifest, SourceSpec
from .progress import INTERVAL, Progress, Ticker
from .records import sharing_values
from .resolve import Curation, Resolution, SourceRecords, load_curation, resolve
from .resolve.model import SourceInfo
from .sources import SourceContext


def context_for(spec: SourceSpec, *, strict: bool = False) -> SourceContext:
    filename = str(spec.path)
    try:
        filename = str(spec.path.relative_to(Path.cwd()))
    except ValueError:
        pass
    return SourceContext(source=spec.id, filename=filename, owner=spec.owner,
                         captured=spec.captured, strict=strict, options=dict(spec.options))


def read_source(spec: SourceSpec, *, strict: bool = False,
                lines: LinesRead | None = None) -> SourceRecords:
    """Read one source document; problems are in the returned report unless ``strict``;
    ``lines`` hears how far into the document the records read so far reach."""
    ctx = context_for(spec, strict=strict)
    ctx.progress = lines
    records, report = sources.read(spec.path, format=spec.format, ctx=ctx)
    info = SourceInfo(
        id=spec.id, filename=ctx.filename, format=report.format, trust=spec.trust,
        origin=spec.origin, captured=spec.captured,
        owner=spec.owner.full if spec.owner else None, records=report.records,
        set_aside=report.set_aside, issues=[str(i) for i in report.issues],
        absorbed=report.absorbed,
    )
    return SourceRecords(info=info, records=records)


# Below this much source text, reading in the calling process is faster than starting workers
# (each imports kg, about half a second).
PARALLEL_BYTES = 16 * 2**20


def read_workers(specs: tuple[SourceSpec, ...] | list[SourceSpec], requested: int = 0) -> int:
    """How many processes read ``specs``: ``requested`` if above 0 (at most one per source), else
    one per CPU when the files add up to `PARALLEL_BYTES` or more, else one (the calling process)."""
    if requested < 0:
        raise ConfigError(f"read_workers must be 0 (automatic) or more, not {requested}")
    if requested:
        return max(1, min(requested, len(specs)))
    size = 0
    for spec in specs:
        try:
            size += os.path.getsize(spec.path)
        except OSError:
            pass  # a missing file is reported by its reader
    if size < PARALLEL_BYTES:
        return 1
    return max(1, min(os.cpu_count() or 1, len(specs)))


def _worker_context() -> multiprocessing.context.BaseContext:
    """'fork' while this process runs no other thread: workers start at once and import nothing.
    Otherwise 'spawn', a fresh interpreter per worker, so that no worker inherits a lock another
    thread (a progress display) held at the fork; as with any 'spawn', a script that calls this
    must guard its entry point with ``if __name__ == "__main__":`` (the ``kg`` command does)."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def read_all(manifest: Manifest, *, strict: bool = False, progress: Progress | None = None,
             workers: int = 0) -> list[SourceRecords]:
    """Every source of the manifest, in order; ``progress`` hears the step 'read sources' in
    kilobytes of the source files, each file counted as far as its records read so far reach (a
    single large file moves the bar as it is read).

    ``workers`` (see :func:`read_workers`): with more than one, the sources are read in that many
    processes side by side (each source by one of them) and come back in manifest order, so the
    result is the same as reading them one after the other. A :class:`~kg.errors.ParseError` of a strict read
    is raised here as it would be in the calling process."""
    specs = manifest.sources
    read = partial(read_source, strict=strict)
    n_workers = read_workers(specs, workers)
    if n_workers <= 1:
        meter = _ReadMeter(specs, progress)
        out = []
        for i, spec in enumerate(specs):
            out.append(read(spec, lines=partial(meter.lines, i) if progress else None))
            meter.finished(i)
        meter.ticker.finish()
        return out
    context = _worker_context()
    heard = context.Queue() if progress else None
    # The workers parse, and collect as usual (a forked one is given back the thresholds of before
    # the pause in `_from_workers`); they tell how far they got through ``heard``.
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=context, initializer=_start_worker,
                               initargs=(gc.get_threshold(), heard))
    out = []
    try:
        with _from_workers():
            meter = _ReadMeter(specs, progress)
            futures = [pool.submit(_read_in_worker, read, i, spec) for i, spec in enumerate(specs)]
            for i, future in enumerate(futures):
                while True:
                    try:
                        src = future.result(timeout=INTERVAL)
                        break
                    except FuturesTimeout:
                        meter.drain(heard)
                meter.drain(heard)
                out.append(src)
                meter.finished(i)
            meter.ticker.finish()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if heard is not None:
            heard.close()
            heard.join_thread()
    return out


LinesRead = Callable[[int, int], None]  # (lines the records read so far reach, lines in all)


class _ReadMeter:
    """The step 'read sources' in kilobytes: a finished file counts whole, a file being read as
    the share of its lines its records so far reach."""

    def __init__(self, specs, progress: Progress | None) -> None:
        self.kb = []
        for spec in specs:
            try:
                self.kb.append(max(1, -(-os.path.getsize(spec.path) // 1024)))
            except OSError:
                self.kb.append(1)  # a missing file is reported by its reader
        self.reading: dict[int, int] = {}
        self.closed: set[int] = set()
        self.complete = 0
        self.ticker = Ticker(progress, "read sources", sum(self.kb))

    def lines(self, i: int, done: int, total: int) -> None:
        self.reading[i] = min(self.kb[i], self.kb[i] * done // max(total, 1))
        self.ticker.to(self.complete + sum(self.reading.values()))

    def finished(self, i: int) -> None:
        self.reading.pop(i, None)
        self.closed.add(i)
        self.complete += self.kb[i]
        self.ticker.to(self.complete + sum(self.reading.values()))

    def drain(self, heard: multiprocessing.queues.Queue | None) -> None:
        """What the workers told of the files they are reading."""
        while heard is not None:
            try:
                i, done, total = heard.get_nowait()
            except queue.Empty:
                return
            if i not in self.closed:  # word of a file can come after the file itself
                self.lines(i, done, total)


_HEARD: multiprocessing.queues.Queue | None = None  # in a worker: where it tells how far it got


def _start_worker(thresholds: tuple[int, ...], heard: multiprocessing.queues.Queue | None) -> None:
    global _HEARD
    gc.set_threshold(*thresholds)
    _HEARD = heard


def _read_in_worker(read: Callable[..., SourceRecords], i: int, spec: SourceSpec) -> SourceRecords:
    """``read(spec)`` in a worker, telling the calling process how far it got at most every
    `INTERVAL` seconds."""
    heard = _HEARD
    if heard is None:
        return read(spec)
    due = [0.0]

    def lines(done: int, total: int) -> None:
        now = time.monotonic()
        if now >= due[0]:
            due[0] = now + INTERVAL
            heard.put((i, done, total))

    return read(spec, lines=lines)


@contextmanager
def _from_workers() -> Iterator[None]:
    """While what the workers read comes back by pickle: this process only unpickles it, which
    leaves no garbage, so it makes no full collections; and equal author names and dates come back
    as one object each (:func:`kg.records.sharing_values`)."""
    with collector.paused(), sharing_values():
        yield


def default_curation(manifest: Manifest) -> Curation | None:
    """``curation.toml`` beside the manifest, if there is one."""
    if manifest.path is None:
        return None
    path = manifest.path.parent / "curation.toml"
    return load_curation(path) if path.exists() else None


def resolve_manifest(manifest: Manifest, *, strict: bool = False,
                     curation: Curation | None = None) -> Resolution:
    inputs = read_all(manifest, strict=strict)
    return resolve(inputs, curation=curation if curation is not None else default_curation(manifest))
