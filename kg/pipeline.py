"""The pipeline's first stages wired together: manifest -> sources -> records -> resolution."""

from __future__ import annotations

from pathlib import Path

from . import sources
from .errors import ParseError
from .manifest import Manifest, SourceSpec
from .progress import Progress
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
    try:
        records, report = sources.read(spec.path, format=spec.format, ctx=ctx)
    except ParseError:
        raise
    info = SourceInfo(
        id=spec.id, filename=ctx.filename, format=report.format, trust=spec.trust,
        origin=spec.origin, captured=spec.captured,
        owner=spec.owner.full if spec.owner else None, records=report.records,
        set_aside=report.set_aside, issues=[str(i) for i in report.issues],
        absorbed=report.absorbed,
    )
    return SourceRecords(info=info, records=records)


def read_all(manifest: Manifest, *, strict: bool = False,
             progress: Progress | None = None) -> list[SourceRecords]:
    """Every source of the manifest, in order; ``progress`` hears of each source read."""
    out = []
    total = len(manifest.sources)
    for n, spec in enumerate(manifest.sources, start=1):
        out.append(read_source(spec, strict=strict))
        if progress:
            progress("read sources", n, total)
    return out


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
