"""`kg export`: the built graph in one of the formats of :mod:`kg.graph.formats`.

RDF formats are written by pyoxigraph (Turtle, N-Triples and RDF/XML hold the default graph; N-Quads
and TriG every graph). JSON-LD is the default graph compacted with the project's context by pyld, with
each work's authors in position order, read, compacted and written a batch of entities at a time.
BibTeX and CSL-JSON hold one entry per merged work, described by
its published version where it has one (a journal article before a conference paper before a workshop
paper before a preprint), with its identifiers and its authors in order; from a local store they
are read entity by entity rather than from a copy of the whole default graph.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
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


class _Triples:
    """The default graph by subject. From a local store each look-up reads the store, so walking
    the graph entity by entity holds one entity at a time; a remote store's default graph is read
    in one request and held (one request per look-up would be millions)."""

    def __init__(self, store: StoreLike) -> None:
        self._store = store if isinstance(store, Store) else None
        self._held: dict | None = None
        if self._store is None:
            self._held = defaultdict(list)
            for q in default_graph(store):
                self._held[q.subject].append(q)

    def about(self, s) -> list[Quad]:
        """The triples of subject ``s``, in the store's order."""
        if self._held is not None:
            return self._held.get(s, [])
        return list(self._store.quads_for_pattern(s, None, None, DefaultGraph()))

    def all(self, s, p) -> list:
        if self._held is not None:
            found = [q.object for q in self._held.get(s, ()) if q.predicate == p]
        else:
            found = [q.object for q in self._store.quads_for_pattern(s, p, None, DefaultGraph())]
        return sorted(found, key=str)

    def one(self, s, p):
        values = self.all(s, p)
        return values[0] if values else None

    def text(self, s, p) -> str | None:
        v = self.one(s, p)
        return v.value if v is not None else None

    def subjects(self) -> list:
        """Every subject, in the order of its JSON-LD ``@id``."""
        if self._held is not None:
            found = list(self._held)
        else:
            found = [row[0] for row in self._store.query(_SUBJECTS)]
        return sorted(found, key=_node_id)

    def subjects_of_type(self, cls: NamedNode) -> list:
        if self._held is not None:
            found = {s for s, quads in self._held.items()
                     if any(q.predicate == RDF.type and q.object == cls for q in quads)}
        else:
            found = {q.subject for q in self._store.quads_for_pattern(None, RDF.type, cls,
                                                                      DefaultGraph())}
        return sorted(found, key=str)


_SUBJECTS = "SELECT DISTINCT ?s WHERE { ?s ?p ?o }"
# Nodes compacted per call: pyld's cost per call is paid once for this many.
_JSONLD_BATCH = 500


def jsonld_nodes(store: StoreLike) -> Iterator[dict]:
    """The default graph as compacted JSON-LD nodes (without the context), one per subject, in the
    order of their ``@id``, with each work's authorships and authors in position order and every
    other property's values sorted (JSON-LD arrays are unordered in RDF, so the order is a courtesy
    to readers, and the same on every store; the positions stay in the data). Each node is compacted
    on its own, as in a whole compacted document; from a local store they are read and compacted a
    batch at a time, so memory does not grow with the graph."""
    graph = _Triples(store)
    ctx = context()
    batch: list[dict] = []
    for s in graph.subjects():
        node = expanded_jsonld(graph.about(s))[0]
        for key, values in node.items():
            if key != "@id":  # values in one order, whatever order a store gives them in
                values.sort(key=_value_order)
        _order_authors(node, graph)
        batch.append(node)
        if len(batch) == _JSONLD_BATCH:
            yield from _compacted(batch, ctx)
            batch = []
    if batch:
        yield from _compacted(batch, ctx)


def _value_order(value: str | dict) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _compacted(nodes: list[dict], ctx: dict) -> list[dict]:
    doc = jsonld.compact(nodes, ctx, {"graph": True, "skipExpansion": True})
    out = doc.get("@graph", [])
    out.sort(key=lambda n: n.get("@id", ""))
    for n in out:
        # A work's authorships and authors are lists even when there is one of each.
        if "isDocumentContextFor" in n:
            n["isDocumentContextFor"] = _as_list(n["isDocumentContextFor"])
            n["author"] = _as_list(n.get("author"))
    return out


def _as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def jsonld_document(store: StoreLike) -> dict:
    """The default graph as one compacted JSON-LD document (see :func:`jsonld_nodes`)."""
    return {"@context": context()["@context"], "@graph": list(jsonld_nodes(store))}


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


def _order_authors(node: dict, graph: _Triples) -> None:
    """Put an expanded node's authorships in position order (those without a position, implied
    authors, last) and its authors in the order of the authorships they hold, then the rest."""
    slots = node.get(PRO.isDocumentContextFor.value)
    if not slots:
        return
    keyed = []
    for value in slots:
        slot = _term(value["@id"])
        pos = graph.one(slot, SCHEMA.position)
        keyed.append((int(pos.value) if pos is not None else 1 << 30, value["@id"], slot, value))
    keyed.sort(key=lambda k: k[:2])
    node[PRO.isDocumentContextFor.value] = [k[3] for k in keyed]
    held: list[str] = []
    for k in keyed:
        for person in graph.all(k[2], PRO.isHeldBy):
            if person.value not in held:
                held.append(person.value)
    authors = node.get(SCHEMA.author.value)
    if authors:
        ids = [a["@id"] for a in authors]
        first = [{"@id": p} for p in held if p in ids]
        node[SCHEMA.author.value] = first + [a for a in authors if a["@id"] not in held]


def _term(node_id: str) -> NamedNode | BlankNode:
    return BlankNode(node_id[2:]) if node_id.startswith("_:") else NamedNode(node_id)


def _write_jsonld(store: StoreLike, output: IO[bytes]) -> None:
    """The document of :func:`jsonld_document`, byte for byte as ``json.dumps(..., indent=2)``
    writes it, written a node at a time."""
    def dumps(value: object, depth: int) -> bytes:
        text = json.dumps(value, ensure_ascii=False, indent=2)
        return text.replace("\n", "\n" + "  " * depth).encode("utf-8")

    output.write(b'{\n  "@context": ' + dumps(context()["@context"], 1) + b',\n  "@graph": [')
    first = True
    for node in jsonld_nodes(store):
        output.write((b"\n    " if first else b",\n    ") + dumps(node, 2))
        first = False
    output.write(b"]\n}\n" if first else b"\n  ]\n}\n")


# --------------------------------------------------------------------------------------------------
# Merged works for bibliographies

# Which version describes a work in a bibliography: the published one first.
_PREFERENCE = [FABIO.JournalArticle, FABIO.ConferencePaper, FABIO.BookChapter, FABIO.Book,
               FABIO.WorkshopPaper, FABIO.AcademicProceedings, FABIO.Thesis, FABIO.ReportDocument,
               FABIO.DataFile, FABIO.ComputerProgram, FABIO.Expression, FABIO.Preprint]


@dataclass
class Author:
    name: str
    given: str = ""
    family: str = ""
    suffix: str = ""


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
    issn: str | None = None  # the journal's ISSNs, joined by ', '
    isbn: str | None = None  # the book's, or the proceedings' a paper is in
    release: str | None = None  # a data set's or a program's release ('v1.2.0')


def _date(term: Literal | None) -> tuple[int, ...]:
    if term is None:
        return ()
    return tuple(int(p) for p in re.findall(r"\d+", term.value)[:3])


def _pick_version(ix: _Triples, work) -> object | None:
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


def _authors(ix: _Triples, work) -> list[Author]:
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
                          family=ix.text(person, SCHEMA.familyName) or "",
                          suffix=ix.text(person, SCHEMA.honorificSuffix) or ""))
    return out


def cited_works(store: StoreLike) -> list[CitedWork]:
    """Every work of the default graph, described for a bibliography, sorted by IRI."""
    ix = _Triples(store)
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
        issns = sorted(t.value for t in ix.all(series, SCHEMA.issn)) if series is not None else []
        isbns = sorted(t.value for t in ix.all(venue, SCHEMA.isbn)) if venue is not None else []
        isbns = isbns or sorted(ix.text(pv, SCHEMA.value) or "" for pv in ix.all(described, SCHEMA.identifier)
                                if ix.text(pv, SCHEMA.propertyID) == idmod.LABELS["isbn"])
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
            issn=", ".join(issns) or None,
            isbn=", ".join(isbns) or None,
            release=ix.text(described, SCHEMA.version),
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
                 "thesis": "phdthesis", "report": "techreport",
                 # biblatex's types; BibTeX's standard styles print an unknown type as @misc
                 "dataset": "dataset", "software": "software"}
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
    if a.family:  # BibTeX's 'von Last, Jr, First' ('Last, Jr,' with no first name)
        if a.given:
            name = ", ".join(p for p in (a.family, a.suffix, a.given) if p)
        else:
            name = f"{a.family}, {a.suffix}," if a.suffix else a.family
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
        fields += _bibtex_venue(etype, w)
        fields += [
            ("volume", w.volume if etype == "article" else None),
            ("pages", w.pages.replace("-", "--").replace("----", "--") if w.pages else None),
            ("year", str(w.date[0]) if w.date else None),
            ("month", str(w.date[1]) if len(w.date) > 1 else None),
            ("issn", w.issn if etype == "article" else None),
            ("isbn", w.isbn if etype != "article" else None),
            ("version", w.release),
            ("doi", w.doi),
            ("eprint", w.arxiv),
            ("archiveprefix", "arXiv" if w.arxiv else None),
            ("url", w.url),
            ("abstract", bibtex_escape(w.abstract) if w.abstract else None),
        ]
        entries.append(Entry(etype, keys[w.iri],
                             [BibField(k, v) for k, v in fields if k and v]))
    return entries


def _bibtex_venue(etype: str, w: CitedWork) -> list[tuple[str, str | None]]:
    """The fields that say where a work appeared, by entry type: the journal, the proceedings or
    book it is in, the institution of a report and the school of a thesis (its venue where no
    publisher is given: the reader takes them as the venue), a book's series, and how a
    miscellaneous work was published."""
    container = bibtex_escape(w.container) if w.container else None
    publisher = bibtex_escape(w.publisher) if w.publisher else None
    if etype == "article":
        return [("journal", container), ("publisher", publisher)]
    if etype in ("inproceedings", "incollection"):
        return [("booktitle", container), ("publisher", publisher)]
    if etype == "techreport":
        return [("institution", publisher or container)]
    if etype == "phdthesis":
        return [("school", publisher or container)]
    if etype in ("dataset", "software"):
        return [("publisher", publisher or container)]  # the repository that holds it
    if etype in ("book", "proceedings"):
        return [("series", container if container != publisher else None),
                ("publisher", publisher)]
    return [("howpublished", container), ("publisher", publisher)]


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
              "book": "book", "thesis": "thesis", "report": "report", "preprint": "article",
              "dataset": "dataset", "software": "software"}


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
                names.append({"family": a.family, **({"given": a.given} if a.given else {}),
                              **({"suffix": a.suffix} if a.suffix else {})})
            else:
                names.append({"literal": a.name})
        if names:
            item["author"] = names
        if w.date:
            item["issued"] = {"date-parts": [list(w.date)]}
        optional = {**_csl_venue(item["type"], w), "volume": w.volume, "page": w.pages,
                    "DOI": w.doi, "URL": w.url, "abstract": w.abstract, "ISSN": w.issn, "ISBN": w.isbn,
                    "version": w.release}
        if w.arxiv:
            if w.kind == "preprint":
                optional.update({"publisher": w.publisher or "arXiv", "number": f"arXiv:{w.arxiv}"})
            else:
                optional["note"] = f"arXiv:{w.arxiv}"
        item.update({k: v for k, v in optional.items() if v})
        items.append(item)
    return items


def _csl_venue(csl_type: object, w: CitedWork) -> dict[str, str | None]:
    """Where a work appeared, in CSL's variables: a report's institution and a thesis's school
    are its publisher, as is the repository of a data set or a program; a book's series is its
    collection title, else the container it is in."""
    if csl_type in ("report", "thesis", "dataset", "software"):
        return {"publisher": w.publisher or w.container}
    if csl_type == "book":
        return {"collection-title": w.container if w.container != w.publisher else None,
                "publisher": w.publisher}
    return {"container-title": w.container,
            "container-title-short": w.container_short if w.container else None,
            "publisher": w.publisher}


def _write_csljson(store: StoreLike, output: IO[bytes]) -> None:
    text = json.dumps(csl_items(cited_works(store)), ensure_ascii=False, indent=2)
    output.write(text.encode("utf-8") + b"\n")


# --------------------------------------------------------------------------------------------------
# RIS

_RIS_TYPES = {"journal": "JOUR", "conference": "CONF", "workshop": "CONF", "proceedings": "EDBOOK",
              "chapter": "CHAP", "book": "BOOK", "thesis": "THES", "report": "RPRT", "preprint": "UNPB",
              "dataset": "DATA", "software": "COMP"}


def _ris_name(a: Author) -> str:
    """RIS's 'Last, First, Suffix' (the suffix last, unlike BibTeX), or the name as printed."""
    if not a.family:
        return a.name
    if not a.given and not a.suffix:
        return a.family
    return ", ".join([a.family, a.given, *([a.suffix] if a.suffix else [])])


def ris_entries(works: list[CitedWork]) -> list[list[tuple[str, str]]]:
    """Per work, its RIS lines as (tag, value): the type, then the tags reference managers read."""
    keys = citation_keys(works)
    entries = []
    for w in works:
        ty = _RIS_TYPES.get(w.kind, "GEN")
        tags: list[tuple[str, str | None]] = [("TY", ty), ("ID", keys[w.iri]), ("TI", w.title)]
        tags += [("AU", _ris_name(a)) for a in w.authors]
        tags += [("PY", str(w.date[0]) if w.date else None),
                 ("DA", "/".join(f"{d:02d}" if i else str(d) for i, d in enumerate(w.date)) + "/"
                  if len(w.date) > 1 else None)]
        tags += _ris_venue(ty, w)
        first, _, last = (w.pages or "").replace("--", "–").replace("-", "–").partition("–")
        tags += [("VL", w.volume), ("SP", first or None), ("EP", last or None)]
        tags += [("ET", w.release)]  # RIS's edition: a program's or a data set's version
        tags += [("SN", v) for v in (w.issn or "").split(", ") + (w.isbn or "").split(", ") if v]
        tags += [("DO", w.doi), ("UR", w.url), ("N1", f"arXiv:{w.arxiv}" if w.arxiv else None),
                 ("AB", w.abstract)]
        # One line per tag: a line break inside a value would read as a continuation of its text.
        entries.append([(t, " ".join(v.split())) for t, v in tags if v and v.strip()])
    return entries


def _ris_venue(ty: str, w: CitedWork) -> list[tuple[str, str | None]]:
    """Where a work appeared, in the tags each RIS type reads it from (as kg's RIS reader does)."""
    if ty in ("THES", "RPRT", "DATA", "COMP"):
        return [("PB", w.publisher or w.container)]
    if ty in ("BOOK", "EDBOOK"):
        return [("T3", w.container if w.container != w.publisher else None), ("PB", w.publisher)]
    short = w.container_short if ty == "JOUR" and w.container_short != w.container else None
    return [("T2", w.container), ("J2", short), ("PB", w.publisher)]


def ris_text(works: list[CitedWork]) -> str:
    return "\n".join("".join(f"{tag}  - {value}\n" for tag, value in entry) + "ER  - \n"
                     for entry in ris_entries(works))


def _write_ris(store: StoreLike, output: IO[bytes]) -> None:
    output.write(ris_text(cited_works(store)).encode("utf-8"))


WRITERS: dict[str, Writer] = {"jsonld": _write_jsonld, "bibtex": _write_bibtex,
                              "csljson": _write_csljson, "ris": _write_ris}
