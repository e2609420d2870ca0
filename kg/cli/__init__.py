"""The `kg` command. Each module of this package adds its commands to :data:`main`; library errors
become one clear line on stderr and a non-zero exit code here, and only here."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from ..errors import KGError


class KGGroup(click.Group):
    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except KGError as exc:
            click.echo(f"kg: error: {exc}", err=True)
            for note in getattr(exc, "__notes__", ()):
                click.echo(f"kg: {note}", err=True)
            sys.exit(1)
        except BrokenPipeError:
            sys.exit(0)


@click.group(cls=KGGroup)
@click.version_option(package_name="kg")
def main() -> None:
    """kg: a linked-data knowledge graph of publications.

    Read publication listings, merge them into one graph of works, people and venues, query it in
    SPARQL and serve it as linked data.
    """


for _mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if not _mod.startswith("_") and _mod != "common":
        importlib.import_module(f"{__name__}.{_mod}")
