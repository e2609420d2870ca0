"""`kg check`: validate the built graph against the shapes and vocabularies in ontology/."""

from __future__ import annotations

import sys

import click

from ..graph.store import open_store
from . import main
from .common import console, setting_option, settings


@main.command("check")
@setting_option("store")
def check_cmd(store: str | None) -> None:
    """Validate the graph in the store: SHACL shapes (ontology/shapes.ttl) and defined terms.

    Prints one line per violation (focus node, property, message, graphs) and exits with code 1 if
    there is any.
    """
    # Imported here: pyshacl takes a second to import, which every other command would pay.
    from ..graph.check import check_store

    cfg = settings(store=store)
    db = open_store(cfg["store"])
    with console.status("checking the graph"):
        report = check_store(db)
    for v in report.violations:
        click.echo(str(v))
    summary = (f"{len(report.violations)} violation{'s' if len(report.violations) != 1 else ''} in "
               f"{report.quads} quads ({report.graphs} graphs; {report.shapes} shapes, "
               f"{report.terms} defined terms) in {report.seconds:.1f} s")
    console.print(summary, style="red" if report.violations else "green", markup=False)
    if report.violations:
        sys.exit(1)
