"""`kg build`: read the sources, resolve them, map the result to RDF and switch the store to it."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import collector
from .graph import store as store_mod
from .graph.mapping import Mapper
from .manifest import Manifest
from .pipeline import default_curation, read_all
from .progress import Progress
from .resolve import Curation, Resolution, resolve

Step = Callable[[str], None]


@dataclass
class BuildResult:
    resolution: Resolution
    store: store_mod.BuildInfo
    seconds: float
    timings: dict[str, float]

    def summary(self) -> dict[str, object]:
        counts = self.resolution.counts()
        return {**counts, "triples": self.store.triples, "seconds": round(self.seconds, 2),
                "store": str(self.store.path)}


def resolve_sources(manifest: Manifest, *, strict: bool = False, curation: Curation | None = None,
                    links=None, progress: Progress | None = None, workers: int = 0) -> Resolution:
    """Read (``workers``: see :func:`kg.pipeline.read_workers`) and resolve the manifest's sources,
    then apply the curated ``links``."""
    inputs = read_all(manifest, strict=strict, progress=progress, workers=workers)
    res = resolve(inputs, curation=curation if curation is not None else default_curation(manifest),
                  progress=progress)
    del inputs  # the resolution holds the records; the per-source lists are no longer needed
    if links is not None:
        links.apply(res)
    return res


def build(manifest: Manifest, *, store: str | Path, base: str, strict: bool = False,
          curation: Curation | None = None, links=None, step: Step | None = None,
          progress: Progress | None = None, workers: int = 0) -> BuildResult:
    """The whole pipeline; the previous store stays in place until the new one is complete.

    ``step`` hears a message as each stage starts; ``progress`` hears how far each long step got
    (reading, resolving, loading quads, optimizing the store); ``workers`` is how many processes
    read the sources (0: decided by their size; see :func:`kg.pipeline.read_workers`)."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    say = step or (lambda _msg: None)
    say("reading and resolving sources")
    t = time.perf_counter()
    res = resolve_sources(manifest, strict=strict, curation=curation, links=links,
                          progress=progress, workers=workers)
    timings["resolve"] = time.perf_counter() - t
    say("loading the graph")
    t = time.perf_counter()
    mapper = Mapper(base)
    meta = {"base": mapper.base, "counts": res.counts(),
            "sources": {s.id: s.filename for s in res.sources.values()}}
    with collector.paused():
        info = store_mod.build(store, mapper.quads(res, progress=progress), meta=meta,
                               progress=progress)
    timings["load"] = time.perf_counter() - t
    return BuildResult(resolution=res, store=info, seconds=time.perf_counter() - started,
                       timings=timings)
