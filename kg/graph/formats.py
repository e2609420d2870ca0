"""Output formats in one table: name, media type and file suffix.

``kg export --format``, the web app's content negotiation and ``?format=`` all read :data:`FORMATS`.
RDF formats that pyoxigraph writes carry its :class:`~pyoxigraph.RdfFormat`; ``quads`` says whether
the format holds named graphs (the source, quality and derived graphs) or only the default graph.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import RdfFormat

from ..errors import UnknownFormatError


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    suffix: str  # with the dot: '.ttl'
    rdf_format: RdfFormat | None  # None: written by kg itself (JSON-LD, BibTeX, CSL-JSON, RIS)
    quads: bool  # holds every graph, not only the default graph
    description: str = ""
    aliases: tuple[str, ...] = ()  # other media types that name the same format

    @property
    def is_rdf(self) -> bool:
        return self.rdf_format is not None or self.name == "jsonld"


_ALL = (
    Format("turtle", "text/turtle", ".ttl", RdfFormat.TURTLE, False,
           "Turtle: the default graph (the merged view)", ("application/x-turtle",)),
    Format("ntriples", "application/n-triples", ".nt", RdfFormat.N_TRIPLES, False,
           "N-Triples: the default graph, one triple per line"),
    Format("nquads", "application/n-quads", ".nq", RdfFormat.N_QUADS, True,
           "N-Quads: every graph (merged view, sources, quality, derived)"),
    Format("trig", "application/trig", ".trig", RdfFormat.TRIG, True,
           "TriG: every graph, readable"),
    Format("rdfxml", "application/rdf+xml", ".rdf", RdfFormat.RDF_XML, False,
           "RDF/XML: the default graph"),
    Format("jsonld", "application/ld+json", ".jsonld", None, False,
           "JSON-LD: the default graph, compacted with the project's context"),
    Format("bibtex", "application/x-bibtex", ".bib", None, False,
           "BibTeX: one entry per work", ("text/x-bibtex",)),
    Format("csljson", "application/vnd.citationstyles.csl+json", ".json", None, False,
           "CSL-JSON: one item per work"),
    Format("ris", "application/x-research-info-systems", ".ris", None, False,
           "RIS: one entry per work (EndNote, Zotero, Mendeley, Citavi)"),
)
FORMATS: dict[str, Format] = {f.name: f for f in _ALL}
_BY_MEDIA_TYPE = {mt: f for f in _ALL for mt in (f.media_type, *f.aliases)}
_BY_SUFFIX = {f.suffix: f for f in _ALL}


def get(name: str) -> Format:
    """A format by name; an unknown name lists the valid ones."""
    try:
        return FORMATS[name.strip().lower()]
    except KeyError:
        raise UnknownFormatError(
            f"unknown output format {name!r}; known formats: {', '.join(FORMATS)}") from None


def by_media_type(media_type: str) -> Format | None:
    """The format of a media type (parameters such as ``; charset=utf-8`` are ignored).

    >>> by_media_type("text/turtle; charset=utf-8").name
    'turtle'
    """
    return _BY_MEDIA_TYPE.get(media_type.split(";", 1)[0].strip().lower())


def by_suffix(suffix: str) -> Format | None:
    """The format of a file suffix or file name ('.ttl', 'ttl', 'graph.ttl').

    >>> by_suffix("works.bib").name
    'bibtex'
    """
    text = suffix.strip().lower()
    if "." in text:
        text = text[text.rindex("."):]
    else:
        text = "." + text
    return _BY_SUFFIX.get(text)
