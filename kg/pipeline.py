"""The pipeline's first stages wired together: manifest -> sources -> records -> resolution."""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, nullcontext
from functools import partial
from pathlib import Path

from . import collector, sources
from .errors import ConfigError
from .manifest import Manifest, SourceSpec
from .progress import Progress
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


def read_source(spec: SourceSpec, *, strict: bool = False) -> SourceRecords:
    """Read one source document; problems are in the returned report unless ``strict``."""
    ctx = context_for(spec, strict=strict)
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
    """Every source of the manifest, in order; ``progress`` hears of each source read.

    ``workers`` (see :func:`read_workers`): with more than one, the sources are read in that many
    processes side by side (each source by one of them) and come back in manifest order, so the
    result is the same as reading them one after the other. A :class:`~kg.errors.ParseError` of a strict read
    is raised here as it would be in the calling process."""
    specs = manifest.sources
    read = partial(read_source, strict=strict)
    n_workers = read_workers(specs, workers)
    # The workers parse, and collect as usual (a forked one is given back the thresholds of before
    # the pause in `_from_workers`).
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=_worker_context(),
                               initializer=gc.set_threshold, initargs=gc.get_threshold()
                               ) if n_workers > 1 else None
    out = []
    try:
        with _from_workers() if pool else nullcontext():
            for n, src in enumerate(pool.map(read, specs) if pool else map(read, specs), start=1):
                out.append(src)
                if progress:
                    progress("read sources", n, len(specs))
    finally:
        if pool:
            pool.shutdown(wait=True, cancel_futures=True)
    return out


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
