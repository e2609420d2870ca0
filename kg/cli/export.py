"""`kg export`: write the built graph in an RDF or bibliography format."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from ..graph.formats import FORMATS, by_suffix, get
from ..graph.store import open_store
from . import main
from .common import console, setting_option, settings

_FORMAT_HELP = "; ".join(f"{f.name} ({f.suffix})" for f in FORMATS.values())


@main.command("export")
@setting_option("store")
@click.option("--format", "fmt", default=None, metavar="NAME",
              help=f"output format: {_FORMAT_HELP}. Default: from the --output suffix")
@click.option("--output", "-o", default=None, metavar="FILE",
              help="file to write (replaced only once complete); default: standard output")
def export_cmd(store: str | None, fmt: str | None, output: str | None) -> None:
    """Write the graph in the store in one format.

    Turtle, N-Triples, RDF/XML and JSON-LD hold the merged view (the default graph); N-Quads and TriG
    every graph (sources, quality, derived); BibTeX, CSL-JSON and RIS one entry per work.
    """
    if fmt is None:
        found = by_suffix(output) if output else None
        if found is None:
            raise click.UsageError(f"name a format with --format ({', '.join(FORMATS)})")
        chosen = found
    else:
        chosen = get(fmt)
    # Imported here: the JSON-LD and BibTeX libraries slow the start of every other command.
    from ..graph.export import export

    cfg = settings(store=store)
    db = open_store(cfg["store"])
    started = time.perf_counter()
    if output is None:
        export(db, sys.stdout.buffer, format=chosen)
        sys.stdout.buffer.flush()
        return
    target = Path(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed, so that a failed export never leaves half a file.
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        with open(tmp, "wb") as fh:
            export(db, fh, format=chosen)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    size = target.stat().st_size
    console.print(f"wrote {target} ({chosen.name}, {size:,} bytes) in "
                  f"{time.perf_counter() - started:.2f} s", markup=False)


