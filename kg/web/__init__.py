"""The web endpoint: every entity as linked data (JSON-LD, Turtle, N-Triples, RDF/XML and HTML pages
that embed their JSON-LD), a read-only SPARQL 1.1 endpoint, named queries as JSON, dumps and VoID."""

from __future__ import annotations

from typing import Any

__all__ = ["close_app", "create_app", "init_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so that SPARQL worker processes (kg.web.worker) do not load Flask.
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(name)
