"""Output formats of the web app, and content negotiation over them.

RDF formats are the rows of the project's output table (:mod:`kg.graph.formats`), so that
``kg export --format``, ``?format=`` and ``Accept`` read the same rows; the web adds the names other
clients use for them, the SPARQL result formats and HTML.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import QueryResultsFormat, RdfFormat
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ..graph.formats import FORMATS


@dataclass(frozen=True)
class WebFormat:
    """One output format: its name for ``?format=``, media type, file suffix and serializer."""

    name: str
    media_type: str
    suffix: str
    rdf_format: RdfFormat | None = None  # an RDF serialization
    results_format: QueryResultsFormat | None = None  # a SPARQL results serialization
    quads: bool = False  # holds named graphs
    aliases: tuple[str, ...] = ()  # other names and media types that ask for it
    text: bool = True

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset=utf-8" if self.text else self.media_type

    def names(self) -> tuple[str, ...]:
        return (self.name, self.suffix, self.media_type, *self.aliases)


# Names other tools use for the same formats (SPARQLWrapper sends 'json-ld', 'n3', 'rdf+xml', 'xml').
_RDF_ALIASES: dict[RdfFormat, tuple[str, ...]] = {
    RdfFormat.JSON_LD: ("json-ld", "json", "application/json"),
    RdfFormat.TURTLE: ("ttl", "n3", "text/n3", "application/x-turtle"),
    RdfFormat.N_TRIPLES: ("nt", "n-triples", "text/plain"),
    RdfFormat.N_QUADS: ("nq", "n-quads"),
    RdfFormat.RDF_XML: ("rdf+xml", "xml", "rdf", "owl", "application/xml", "text/xml"),
}


def _rdf_rows() -> list[tuple[str, str, str, RdfFormat, bool, tuple[str, ...]]]:
    """(name, media type, suffix, serializer, quads, aliases) of each RDF format of the export table."""
    rows = []
    for f in FORMATS.values():
        rdf_format = f.rdf_format
        if rdf_format is None and f.media_type == "application/ld+json":
            rdf_format = RdfFormat.JSON_LD  # compacted by kg itself; the marker picks that writer
        if rdf_format is not None:
            rows.append((f.name, f.media_type, f.suffix.lstrip("."), rdf_format, f.quads, f.aliases))
    return rows


RDF_FORMATS: tuple[WebFormat, ...] = tuple(
    WebFormat(name, media, suffix, rdf_format=rdf, quads=quads,
              aliases=tuple(dict.fromkeys((*aliases, *_RDF_ALIASES.get(rdf, ())))))
    for name, media, suffix, rdf, quads, aliases in _rdf_rows()
    # N3 is an export concern; the web serves the formats linked-data clients ask for.
    if rdf != RdfFormat.N3
)
RESULTS_FORMATS: tuple[WebFormat, ...] = (
    WebFormat("json", "application/sparql-results+json", "srj", results_format=QueryResultsFormat.JSON,
              aliases=("application/json", "srj")),
    WebFormat("xml", "application/sparql-results+xml", "srx", results_format=QueryResultsFormat.XML,
              aliases=("application/xml", "text/xml", "srx")),
    WebFormat("csv", "text/csv", "csv", results_format=QueryResultsFormat.CSV),
    WebFormat("tsv", "text/tab-separated-values", "tsv", results_format=QueryResultsFormat.TSV),
)
HTML = WebFormat("html", "text/html", "html", aliases=("application/xhtml+xml",))
JSON = WebFormat("json", "application/json", "json")

# What an entity IRI can be served as, in the server's order of preference for `*/*`.
ENTITY_FORMATS: tuple[WebFormat, ...] = (HTML, *RDF_FORMATS)


def by_name(name: str) -> WebFormat | None:
    """The RDF format with this name, suffix, media type or alias."""
    return lookup(name, RDF_FORMATS)


def lookup(name: str, formats: Iterable[WebFormat]) -> WebFormat | None:
    key = name.strip().lower()
    formats = list(formats)
    # Own names win over aliases: 'xml' is SPARQL XML among result formats, RDF/XML among graphs.
    for f in formats:
        if key in (f.name, f.suffix, f.media_type):
            return f
    for f in formats:
        if key in f.aliases:
            return f
    return None


@dataclass
class NotAcceptable(Exception):
    """No format both the client and the resource accept."""

    offered: Sequence[WebFormat]
    asked: str = ""
    unknown_name: bool = field(default=False)

    def __str__(self) -> str:
        names = ", ".join(f"{f.name} ({f.media_type})" for f in self.offered)
        if self.unknown_name:
            return f"unknown format {self.asked!r}; this resource is available as: {names}"
        return f"none of the requested types ({self.asked}) is available; available: {names}"


def choose(formats: Sequence[WebFormat], *, format_param: str | None, accept: str | None,
           default: WebFormat | None = None) -> WebFormat:
    """The format to answer in: ``?format=`` first, then ``Accept`` (q-values, wildcards), else the first.

    >>> choose(ENTITY_FORMATS, format_param=None, accept="text/turtle;q=0.5, application/ld+json").name
    'jsonld'
    >>> choose(ENTITY_FORMATS, format_param="ttl", accept="text/html").media_type
    'text/turtle'
    """
    if format_param:
        found = lookup(format_param, formats)
        if found is None:
            raise NotAcceptable(formats, format_param, unknown_name=True)
        return found
    if not accept or not accept.strip():
        return default or formats[0]
    parsed = parse_accept_header(accept, MIMEAccept)
    offered: dict[str, WebFormat] = {}
    for f in formats:
        offered.setdefault(f.media_type, f)
    for f in formats:
        for alias in f.aliases:
            if "/" in alias:
                offered.setdefault(alias, f)
    best = parsed.best_match(list(offered))
    if best is None:
        raise NotAcceptable(formats, accept)
    return offered[best]


def preferred(formats: Sequence[WebFormat], accept: str | None) -> WebFormat | None:
    """Like :func:`choose` on ``Accept`` only, with None instead of an error."""
    try:
        return choose(formats, format_param=None, accept=accept)
    except NotAcceptable:
        return None


def describe(formats: Iterable[WebFormat]) -> list[dict[str, Any]]:
    return [{"name": f.name, "media_type": f.media_type, "suffix": f.suffix} for f in formats]
