"""`kg export`: the built graph in one of the formats of :mod:`kg.graph.formats`.

RDF formats are written by pyoxigraph (Turtle, N-Triples and RDF/XML hold the default graph; N-Quads
and TriG every graph). JSON-LD is the default graph compacted with the project's context by pyld, with
each work's authors in position order. BibTeX and CSL-JSON hold one entry per merged work, described by
its published version where it has one (a journal article before a conference paper before a workshop
paper before a preprint), with its identifiers and its authors in order.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import IO

import bibtexparser
from bibtexparser.model import Block, Entry
from bibtexparser.model import Field as BibField
from bibtexparser.writer import BibtexFormat
from pyld import jsonld
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    RdfFormat,
    Store,
    parse,
    serialize,
)

from .. import identifiers as idmod
from ..text import fold
from .formats import Format, get
from .jsonld import context
from .namespaces import FABIO, KG, PREFIXES, PRISM, PRO, RDF, SCHEMA, XSD
from .remote import RemoteStore

StoreLike = Store | RemoteStore
Writer = Callable[[StoreLike, IO[bytes]], None]


def all_quads(store: StoreLike, graph_name: DefaultGraph | NamedNode | None = None) -> list[Quad]:
    """Every quad of a local or remote store, or those of one graph."""
    if isinstance(store, Store):
        return list(store.quads_for_pattern(None, None, None, graph_name))
    data = store.dump(format=RdfFormat.N_QUADS, from_graph=graph_name)
    return list(parse(data, format=RdfFormat.N_QUADS))


def export(store: StoreLike, output: IO[bytes], *, format: str | Format) -> None:
    """Write the store to a binary stream in the named format."""
    fmt = get(format) if isinstance(format, str) else format
    writer = WRITERS.get(fmt.name)
    if writer is None:
        writer = _rdf_writer(fmt)
    writer(store, output)


# --------------------------------------------------------------------------------------------------
# RDF

def _rdf_writer(fmt: Format) -> Writer:
    assert fmt.rdf_format is not None, fmt.name

    rdf_format = fmt.rdf_format
    # Absolute IRIs throughout: with a base IRI pyoxigraph also shortens the prefix IRIs to
    # scheme-relative references ('//schema.org/').
    prefixes = PREFIXES if rdf_format is not RdfFormat.N_TRIPLES else None

    def write(store: StoreLike, output: IO[bytes]) -> None:
        graph = None if fmt.quads else DefaultGraph()
        if isinstance(store, Store):  # streamed from the store
            store.dump(output, rdf_format, from_graph=graph, prefixes=prefixes)
            return
        quads = all_quads(store, graph)
        serialize(quads if fmt.quads else [q.triple for q in quads], output, rdf_format,
                  prefixes=prefixes)
    return write


def default_graph(store: StoreLike) -> list[Quad]:
    return all_quads(store, DefaultGraph())


def jsonld_document(store: StoreLike) -> dict:
    """The default graph as a compacted JSON-LD document: one node per subject, sorted by IRI, with
    each work's authorships and authors in position order (JSON-LD arrays are unordered in RDF, so the
    order is a courtesy to readers; the positions stay in the data)."""
    expanded = expanded_jsonld(default_graph(store))
    ctx = context()
    doc = jsonld.compact(expanded, ctx, {"graph": True})
    nodes = doc.get("@graph", [])
    nodes.sort(key=lambda n: n.get("@id", ""))
    _order_authors(nodes)
    return {"@context": ctx["@context"], "@graph": nodes}


def _node_id(term: object) -> str:
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    raise ValueError(f"JSON-LD export cannot write {term!r} as a node")


def _jsonld_value(term: object) -> dict[str, str]:
    if isinstance(term, Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype == XSD.string:
            return {"@value": term.value}
        return {"@value": term.value, "@type": term.datatype.value}
    return {"@id": _node_id(term)}


def expanded_jsonld(triples: Iterable[Quad]) -> list[dict]:
    """Triples as expanded JSON-LD (the RDF-to-JSON-LD algorithm without native types), built from
    the terms directly: pyld's own N-Quads reader is about ten times slower than the compaction."""
    nodes: dict[str, dict] = {}
    for q in triples:
        key = _node_id(q.subject)
        node = nodes.setdefault(key, {"@id": key})
        if q.predicate == RDF.type and not isinstance(q.object, Literal):
            node.setdefault("@type", []).append(_node_id(q.object))
        else:
            node.setdefault(q.predicate.value, []).append(_jsonld_value(q.object))
    return list(nodes.values())


def _as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _order_authors(nodes: list[dict]) -> None:
    by_id = {n["@id"]: n for n in nodes if "@id" in n}

    def position(authorship_id: str) -> tuple[int, str]:
        node = by_id.get(authorship_id, {})
        pos = node.get("position")
        # Authorships without a position (implied authors) come last.
        return (int(pos) if pos is not None else 1 << 30, authorship_id)

    for n in nodes:
        slots = _as_list(n.get("isDocumentContextFor"))
        if not slots:
            continue
        slots.sort(key=position)
        n["isDocumentContextFor"] = slots
        held = []
        for slot in slots:
            for person in _as_list(by_id.get(slot, {}).get("isHeldBy")):
                if person not in held:
                    held.append(person)
        authors = _as_list(n.get("author"))
        n["author"] = [p for p in held if p in authors] + [p for p in authors if p not in held]


def _write_jsonld(store: StoreLike, output: IO[bytes]) -> None:
    output.write(json.dumps(jsonld_document(store), ensure_ascii=False, indent=2).encode("utf-8"))
    output.write(b"\n")


# --------------------------------------------------------------------------------------------------
# Merged works for bibliographies

# Which version describes a work in a bibliography: the published one first.
_PREFERENCE = [FABIO.JournalArticle, FABIO.ConferencePaper, FABIO.BookChapter, FABIO.Book,
               FABIO.WorkshopPaper, FABIO.AcademicProceedings, FABIO.Thesis, FABIO.ReportDocument,
               FABIO.Expression, FABIO.Preprint]


@dataclass
class Author:
    name: str
    given: str = ""
    family: str = ""


@dataclass
class CitedWork:
    """What a bibliography entry says about one work."""

    iri: str
    title: str
    kind: str  # the kg version kind of the version that describes it
    authors: list[Author] = field(default_factory=list)
    complete: bool = True
    date: tuple[int, ...] = ()  # (year,), (year, month) or (year, month, day)
    container: str | None = None  # proceedings or journal name
    container_short: str | None = None  # the series acronym
    volume: str | None = None
    pages: str | None = None
    publisher: str | None = None
    doi: str | None = None
    arxiv: str | None = None
    url: str | None = None
    abstract: str | None = None


class _Index:
    """The default graph as subject -> predicate -> objects, for walking entities by term."""

    def __init__(self, quads: Iterable[Quad]) -> None:
        self._data: dict = defaultdict(lambda: defaultdict(list))
        for q in quads:
            self._data[q.subject][q.predicate].append(q.object)

    def all(self, s, p) -> list:
        return sorted(self._data.get(s, {}).get(p, []), key=str)

    def one(self, s, p):
        values = self.all(s, p)
        return values[0] if values else None

    def text(self, s, p) -> str | None:
        v = self.one(s, p)
        return v.value if v is not None else None

    def subjects_of_type(self, cls: NamedNode) -> list:
        return sorted((s for s, po in self._data.items() if cls in po.get(RDF.type, [])), key=str)


def _date(term: Literal | None) -> tuple[int, ...]:
    if term is None:
        return ()
    return tuple(int(p) for p in re.findall(r"\d+", term.value)[:3])


def _pick_version(ix: _Index, work) -> object | None:
    versions = ix.all(work, SCHEMA.workExample)
    if not versions:
        return None

    def rank(v) -> tuple:
        types = ix.all(v, RDF.type)
        kind = min((_PREFERENCE.index(t) for t in types if t in _PREFERENCE), default=len(_PREFERENCE))
        # Among equals, the one with a venue, then the latest.
        date = _date(ix.one(v, SCHEMA.datePublished))
        return (kind, ix.one(v, SCHEMA.isPartOf) is None, tuple(-d for d in date), v.value)

    return min(versions, key=rank)


def _authors(ix: _Index, work) -> list[Author]:
    slots = ix.all(work, PRO.isDocumentContextFor)

    def position(slot) -> tuple[int, str]:
        pos = ix.one(slot, SCHEMA.position)
        return (int(pos.value) if pos is not None else 1 << 30, slot.value)

    out = []
    for slot in sorted(slots, key=position):
        person = ix.one(slot, PRO.isHeldBy)
        if person is None:
            continue
        out.append(Author(name=ix.text(person, SCHEMA.name) or "",
                          given=ix.text(person, SCHEMA.givenName) or "",
                          family=ix.text(person, SCHEMA.familyName) or ""))
    return out


def cited_works(store: StoreLike) -> list[CitedWork]:
    """Every work of the default graph, described for a bibliography, sorted by IRI."""
    ix = _Index(default_graph(store))
    out = []
    for work in ix.subjects_of_type(FABIO.Work):
        version = _pick_version(ix, work)
        described = version if version is not None else work
        venue = ix.one(described, SCHEMA.isPartOf)
        series = ix.one(venue, SCHEMA.isPartOf) if venue is not None else None
        kind = ix.text(described, KG.versionKind) or "unknown"
        container = None
        if venue is not None:
            journal = series is not None and FABIO.Journal in ix.all(series, RDF.type)
            container = ix.text(series if journal else venue, SCHEMA.name)
        arxiv = ix.text(work, FABIO.hasArXivId) or next(
            (ix.text(v, FABIO.hasArXivId) for v in ix.all(work, SCHEMA.workExample)
             if ix.one(v, FABIO.hasArXivId) is not None), None)
        openreview = ix.text(described, KG.openReviewId)
        url = ix.text(described, SCHEMA.url) or ix.text(work, SCHEMA.url) \
            or (idmod.resolvable("openreview", openreview) if openreview else None) \
            or (idmod.resolvable("arxiv", arxiv) if arxiv else None)
        complete = ix.one(work, KG.authorListComplete)
        out.append(CitedWork(
            iri=work.value,
            title=ix.text(work, SCHEMA.name) or ix.text(described, SCHEMA.name) or "",
            kind=kind,
            authors=_authors(ix, work),
            complete=complete is None or complete.value == "true",
            date=_date(ix.one(described, SCHEMA.datePublished) or ix.one(work, SCHEMA.datePublished)),
            container=container if kind != "preprint" else None,
            container_short=ix.text(series, SCHEMA.alternateName) if series is not None else None,
            volume=ix.text(venue, SCHEMA.volumeNumber) if venue is not None else None,
            pages=ix.text(described, SCHEMA.pagination),
            publisher=ix.text(described, SCHEMA.publisher),
            doi=ix.text(described, PRISM.doi) or ix.text(work, PRISM.doi),
            arxiv=arxiv,
            url=url,
            abstract=ix.text(work, SCHEMA.abstract),
        ))
    return out


_STOPWORDS = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "via", "how", "is",
              "are", "do", "from", "by", "at", "towards", "toward"}


def _ascii_word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def citation_keys(works: list[CitedWork]) -> dict[str, str]:
    """Work IRI -> citation key: first author's family name, year, first significant title word
    ('zimmer2024sparse'). Keys that would clash get a, b, c... in the order of the works' IRIs, so
    that a key only changes when the works it clashes with change."""
    base: dict[str, str] = {}
    for w in works:
        first = w.authors[0] if w.authors else None
        family = _ascii_word(first.family or first.name.split()[-1]) if first and first.name else ""
        words = [_ascii_word(t) for t in fold(w.title).split()]
        word = next((t for t in words if t and t not in _STOPWORDS), words[0] if words else "")
        year = str(w.date[0]) if w.date else ""
        base[w.iri] = f"{family or 'anon'}{year}{word}"
    groups: dict[str, list[str]] = defaultdict(list)
    for iri, key in base.items():
        groups[key].append(iri)
    keys = {}
    for key, iris in groups.items():
        if len(iris) == 1:
            keys[iris[0]] = key
        else:
            for n, iri in enumerate(sorted(iris)):
                keys[iri] = key + _letters(n)
    return keys


def _letters(n: int) -> str:
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(ord("a") + r) + out
    return out


# --------------------------------------------------------------------------------------------------
# BibTeX

_BIBTEX_TYPES = {"journal": "article", "conference": "inproceedings", "workshop": "inproceedings",
                 "proceedings": "proceedings", "chapter": "incollection", "book": "book",
                 "thesis": "phdthesis", "report": "techreport"}
_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])|(\\)|(~)|(\^)")


def bibtex_escape(text: str) -> str:
    """Text for a braced BibTeX value: LaTeX's special characters escaped, Unicode kept (biber and
    modern BibTeX read UTF-8).

    >>> bibtex_escape("Q&A: 50% of {x}")
    'Q\\\\&A: 50\\\\% of \\\\{x\\\\}'
    """
    def repl(m: re.Match[str]) -> str:
        if m.group(1):
            return "\\" + m.group(1)
        if m.group(2):
            return "\\textbackslash{}"
        if m.group(3):
            return "\\textasciitilde{}"
        return "\\textasciicircum{}"
    # LaTeX reads '--' and '---' as dashes and '``' and "''" as quotation marks: literal pairs are split.
    escaped = _BIBTEX_SPECIAL.sub(repl, text)
    for pair, split in (("--", "-{}-"), ("``", "`{}`"), ("''", "'{}'")):
        escaped = escaped.replace(pair, split).replace(pair, split)
    return escaped


_CASED_WORD = re.compile(r"(?<![\w\\{])(\w[\w'-]*?[A-Z][\w'-]*)")


def _protect_case(title: str) -> str:
    """Brace words whose capitals must survive a style that lower-cases titles (acronyms, 'LLMs',
    'McDonald'), as reference managers do."""
    return _CASED_WORD.sub(r"{\1}", bibtex_escape(title))


def _bibtex_name(a: Author) -> str:
    if a.family:
        name = f"{a.family}, {a.given}" if a.given else a.family
    else:
        name = a.name
    # A name containing ' and ' would split into two people.
    return bibtex_escape(name).replace(" and ", " {and} ")


def bibtex_entries(works: list[CitedWork]) -> list[Entry]:
    keys = citation_keys(works)
    entries = []
    for w in works:
        fields: list[tuple[str, str | None]] = [
            ("title", _protect_case(w.title)),
            ("author", " and ".join([_bibtex_name(a) for a in w.authors]
                                    + ([] if w.complete else ["others"])) or None),
        ]
        etype = _BIBTEX_TYPES.get(w.kind, "misc")
        container = bibtex_escape(w.container) if w.container else None
        fields.append({"article": ("journal", container), "inproceedings": ("booktitle", container),
                       "incollection": ("booktitle", container)}.get(etype, ("series", None)))
        fields += [
            ("volume", w.volume if etype == "article" else None),
            ("pages", w.pages.replace("-", "--").replace("----", "--") if w.pages else None),
            ("publisher" if etype not in ("techreport", "phdthesis") else
             "institution" if etype == "techreport" else "school",
             bibtex_escape(w.publisher) if w.publisher else None),
            ("year", str(w.date[0]) if w.date else None),
            ("month", str(w.date[1]) if len(w.date) > 1 else None),
            ("doi", w.doi),
            ("eprint", w.arxiv),
            ("archiveprefix", "arXiv" if w.arxiv else None),
            ("url", w.url),
            ("abstract", bibtex_escape(w.abstract) if w.abstract else None),
        ]
        entries.append(Entry(etype, keys[w.iri],
                             [BibField(k, v) for k, v in fields if k and v]))
    return entries


_BIBTEX_FORMAT = BibtexFormat()
_BIBTEX_FORMAT.indent = "  "
_BIBTEX_FORMAT.block_separator = "\n"


def bibtex_text(works: list[CitedWork]) -> str:
    blocks: list[Block] = list(bibtex_entries(works))
    library = bibtexparser.Library(blocks)
    return bibtexparser.write_string(library, bibtex_format=_BIBTEX_FORMAT)


def _write_bibtex(store: StoreLike, output: IO[bytes]) -> None:
    output.write(bibtex_text(cited_works(store)).encode("utf-8"))


# --------------------------------------------------------------------------------------------------
# CSL-JSON

_CSL_TYPES = {"journal": "article-journal", "conference": "paper-conference",
              "workshop": "paper-conference", "proceedings": "book", "chapter": "chapter",
              "book": "book", "thesis": "thesis", "report": "report", "preprint": "article"}


def csl_items(works: list[CitedWork]) -> list[dict]:
    """CSL-JSON items (the input format of citeproc processors), one per work."""
    keys = citation_keys(works)
    items = []
    for w in works:
        item: dict[str, object] = {"id": keys[w.iri], "citation-key": keys[w.iri],
                                   "type": _CSL_TYPES.get(w.kind, "document"), "title": w.title}
        names = []
        for a in w.authors:
            if a.family:
                names.append({"family": a.family, **({"given": a.given} if a.given else {})})
            else:
                names.append({"literal": a.name})
        if names:
            item["author"] = names
        if w.date:
            item["issued"] = {"date-parts": [list(w.date)]}
        optional = {"container-title": w.container, "container-title-short": w.container_short
                    if w.container else None, "volume": w.volume, "page": w.pages,
                    "publisher": w.publisher, "DOI": w.doi, "URL": w.url, "abstract": w.abstract}
        if w.arxiv:
            if w.kind == "preprint":
                optional.update({"publisher": w.publisher or "arXiv", "number": f"arXiv:{w.arxiv}"})
            else:
                optional["note"] = f"arXiv:{w.arxiv}"
        item.update({k: v for k, v in optional.items() if v})
        items.append(item)
    return items


def _write_csljson(store: StoreLike, output: IO[bytes]) -> None:
    text = json.dumps(csl_items(cited_works(store)), ensure_ascii=False, indent=2)
    output.write(text.encode("utf-8") + b"\n")


WRITERS: dict[str, Writer] = {"jsonld": _write_jsonld, "bibtex": _write_bibtex,
                              "csljson": _write_csljson}
