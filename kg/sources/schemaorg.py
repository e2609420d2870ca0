"""schema.org descriptions of publications as JSON-LD: a document of its own (one item, a list, or
an ``@graph``), or the ``<script type="application/ld+json">`` blocks of an HTML page, as
repositories (Zenodo, figshare, DSpace), publishers' and lab sites embed them (and as kg's own
pages do).

The document's vocabulary must be schema.org (an ``@context`` of ``http(s)://schema.org``, or one
whose ``@vocab`` it is); terms are read bare ('name'), prefixed ('schema:name') or as full IRIs. Each
item of a creative-work type is a record (nested ones are what it is part of, cited, or about):

- the type decides the kind: ``ScholarlyArticle``/``Article`` (a journal article when it is part of
  a ``Periodical``, ``PublicationVolume`` or ``PublicationIssue``), ``Report``, ``Thesis``,
  ``Book``, ``Chapter``, ``Dataset``, ``SoftwareSourceCode``/``SoftwareApplication``; other creative
  works are 'other';
- ``name`` (else ``headline``); ``author`` (else ``creator``) in the order printed, persons by
  ``givenName``/``familyName`` (else ``name``), ORCID iDs from their ``@id``, ``sameAs`` or
  ``identifier``; organizations as printed;
- ``datePublished`` (else ``dateCreated``); ``@id``, ``identifier`` (text or ``PropertyValue``),
  ``sameAs`` and ``url``: DOIs, arXiv ids, the page;
- where it appeared: the ``isPartOf`` chain (issue, volume, periodical with its ISSN), a data set's
  ``includedInDataCatalog``, else its ``publisher`` for data, software, reports and theses;
  ``pagination``/``pageStart``–``pageEnd``;
- ``abstract`` (else ``description``), ``keywords``, ``version`` (the release), ``inLanguage``.

A flattened document (an ``@graph`` whose nodes name one another by IRI) is read through those
references. kg's own graph is such a document: its versions (typed with FaBiO's expression types,
``fabio:ConferencePaper``) are the records, their authors those of their work's authorships in
order (an authorship without a position is implied), and the works themselves are counted as
absorbed; read back, kg's JSON-LD export resolves to the graph it was exported from.

A document in another vocabulary, an item without a title and JSON that does not parse are
reported with their line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextvars import ContextVar
from html.parser import HTMLParser
from typing import Any

from .. import identifiers as ids
from ..names import parse_name
from ..records import Kind, PartialDate, PersonName, Record, Venue
from ..text import clean_whitespace
from . import SourceContext, SourceFormat, json_value
from .csljson import LineIndex, Located, LocatedList, fresh_key, load_located, raw_json, shaped
from .fields import PREPRINT_VENUE, add_doi, add_standard_numbers

_SCHEMA = re.compile(r"^https?://schema\.org/?$")
_IRI = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$", re.IGNORECASE)
_ACRONYM = re.compile(r"[A-Z][A-Za-z&\-]*[A-Z]")  # 'ICLR', 'NeurIPS': a series' short name
_KINDS = {
    "report": Kind.REPORT, "thesis": Kind.THESIS, "book": Kind.BOOK, "chapter": Kind.CHAPTER,
    "dataset": Kind.DATASET, "softwaresourcecode": Kind.SOFTWARE, "softwareapplication": Kind.SOFTWARE,
}
_ARTICLES = {"scholarlyarticle", "article", "medicalscholarlyarticle"}
# The creative works read as records; others (a person, a web site, an issue) are not publications.
_WORKS = _ARTICLES | set(_KINDS) | {"creativework", "blogposting", "techarticle", "newsarticle",
                                    "presentationdigitaldocument", "collection"}
_IN_JOURNAL = {"periodical", "publicationvolume", "publicationissue"}
# FaBiO's expression types, as kg's own graph and exports type versions ('fabio:ConferencePaper').
_FABIO = re.compile(r"^(?:fabio:|https?://purl\.org/spar/fabio/)(\w+)$", re.IGNORECASE)
_FABIO_KINDS = {
    "journalarticle": Kind.JOURNAL, "conferencepaper": Kind.CONFERENCE, "workshoppaper": Kind.WORKSHOP,
    "preprint": Kind.PREPRINT, "bookchapter": Kind.CHAPTER, "book": Kind.BOOK, "thesis": Kind.THESIS,
    "reportdocument": Kind.REPORT, "academicproceedings": Kind.PROCEEDINGS, "datafile": Kind.DATASET,
    "computerprogram": Kind.SOFTWARE, "expression": Kind.OTHER,
}
# The nodes of the document being read, by @id: a flattened document (an @graph whose nodes refer
# to one another by IRI, as kg's export is) is read through its references.
_INDEX: ContextVar[dict[str, dict[str, Any]] | None] = ContextVar("schemaorg_index", default=None)


def _term(key: str) -> str:
    """'name', 'schema:name' and 'http://schema.org/name' all give 'name'."""
    for prefix in ("schema:", "http://schema.org/", "https://schema.org/"):
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


def _deref(value: Any) -> Any:
    """The node a reference names ('http://…', or {'@id': 'http://…'}) where the document has it."""
    index = _INDEX.get() or {}
    if isinstance(value, str) and value in index:
        return index[value]
    if isinstance(value, dict) and set(value) == {"@id"} and str(value["@id"]) in index:
        return index[str(value["@id"])]
    return value


def _node(value: Any) -> dict[str, Any]:
    """A JSON-LD object with its keys as schema.org terms (keywords such as '@id' kept); a
    reference to a node of the document is that node."""
    value = _deref(value)
    if not isinstance(value, dict):
        return {}
    out = {(_term(k) if not k.startswith("@") else k): v for k, v in value.items()}
    if "@type" not in out and "type" in out:  # schema.org's own examples sometimes drop the '@'
        out["@type"] = out["type"]
    return out


def _all(value: Any) -> list[Any]:
    if isinstance(value, dict) and "@list" in value:
        value = value["@list"]
    return value if isinstance(value, list) else [] if value is None else [value]


def _text(value: Any) -> str | None:
    for v in _all(value):
        if isinstance(v, dict):
            v = v.get("@value", v.get("name"))
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            v = str(v)
        if isinstance(v, str) and v.strip():
            return clean_whitespace(v)
    return None


def _types(node: dict[str, Any]) -> set[str]:
    """The node's types, folded: schema.org's by their names ('scholarlyarticle'), FaBiO's as
    'fabio:conferencepaper'."""
    out = set()
    for t in _all(node.get("@type")):
        m = _FABIO.match(str(t))
        out.add(f"fabio:{m.group(1).lower()}" if m else _term(str(t)).lower())
    return out


def _vocabulary_ok(context: Any) -> bool:
    """Whether a document's @context makes bare terms schema.org's."""
    for c in _all(context):
        if isinstance(c, str) and _SCHEMA.match(c.strip()):
            return True
        if isinstance(c, dict) and _SCHEMA.match(str(c.get("@vocab", "")).strip()):
            return True
    return False


class _Scripts(HTMLParser):
    """The JSON-LD script blocks of an HTML page, with the line each starts on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[tuple[int, str]] = []
        self._open: tuple[int, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and (dict(attrs).get("type") or "").strip().lower() == "application/ld+json":
            self._open = (self.getpos()[0], [])

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.blocks.append((self._open[0], "".join(self._open[1])))
            self._open = None


def _documents(text: str, ctx: SourceContext) -> Iterator[tuple[int, str]]:
    """(first line, JSON text) of each JSON-LD document: the text itself, or a page's blocks."""
    if text.lstrip()[:1] != "<":
        yield 1, text
        return
    parser = _Scripts()
    try:
        parser.feed(text)
        parser.close()
    except AssertionError as exc:  # the standard library's parser gives up on some broken markup
        ctx.error(parser.getpos()[0], f"HTML not understood past this line ({exc}); the JSON-LD "
                                      "blocks before it are read")
    if not parser.blocks:
        ctx.error(1, "an HTML page without JSON-LD (no <script type=\"application/ld+json\">)")
    yield from parser.blocks


def _described(doc: Any) -> dict[str, dict[str, Any]]:
    """Every node of the document that says more than its @id, by @id, however deeply nested (the
    first description of a node wins)."""
    index: dict[str, dict[str, Any]] = {}
    todo = [doc]
    while todo:
        value = todo.pop()
        if isinstance(value, list):
            todo.extend(reversed(value))
        elif isinstance(value, dict):
            key = value.get("@id")
            if isinstance(key, str) and len(value) > 1:
                index.setdefault(key, value)
            todo.extend(v for v in value.values() if isinstance(v, (dict, list)))
    return index


def _items(doc: Any, offset_of: Any) -> Iterator[tuple[int | None, dict[str, Any]]]:
    """(offset, node) of each top-level item: the document, its list, or its @graph."""
    tops = list(zip(doc.offsets, doc)) if isinstance(doc, LocatedList) else [(offset_of(doc), doc)]
    for offset, top in tops:
        if isinstance(top, dict) and "@graph" in top:
            graph = top["@graph"]
            yield from (zip(graph.offsets, graph) if isinstance(graph, LocatedList) else (
                (offset_of(g), g) for g in _all(graph)))
        else:
            yield offset, top


def _orcid_of(node: dict[str, Any]) -> str | None:
    for value in [node.get("@id"), *_all(node.get("sameAs")), *_all(node.get("identifier"))]:
        text = _text(value) if not isinstance(value, dict) else _text(_node(value).get("value"))
        if text and ("orcid" in text.lower() or re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", text)):
            found = ids.orcid(text)
            if found:
                return found
    return None


def _person(value: Any) -> PersonName | None:
    value = _deref(value)
    if isinstance(value, str):  # a name as text; an IRI the document does not describe is none
        return parse_name(value, latex=False) if value.strip() and not _IRI.match(value) else None
    node = _node(value)
    family, given = _text(node.get("familyName")) or "", _text(node.get("givenName")) or ""
    name = _text(node.get("name")) or ""
    if family or given:
        found = PersonName(printed=name or f"{given} {family}".strip(), given=given, family=family)
    elif name and "organization" in _types(node):
        found = PersonName(printed=name, family=name)
    elif name:
        found = parse_name(name, latex=False)
    else:
        return None
    orcid = _orcid_of(node)
    return found.model_copy(update={"identifier": ids.person_id("orcid", orcid)}) if orcid else found


def _date(node: dict[str, Any], ctx: SourceContext, line: int, key: str) -> PartialDate | None:
    for name in ("datePublished", "dateCreated", "copyrightYear"):
        raw = _text(node.get(name))
        if not raw:
            continue
        m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", raw)
        if not m:
            ctx.warn(line, f"item {key!r}: {name} {raw!r} is not a date")
            continue
        year, month, day = (int(g) if g else None for g in m.groups())
        try:
            return PartialDate(year=year, month=month, day=day if month else None)
        except ValueError:
            ctx.warn(line, f"item {key!r}: {name} {raw!r} is no calendar date; read to the year")
            return PartialDate(year=year)
    return None


def _identifiers(node: dict[str, Any], record: Record) -> None:
    values: list[str] = []
    for value in [node.get("@id"), *_all(node.get("identifier")), *_all(node.get("sameAs")),
                  *_all(node.get("doi"))]:  # 'doi': prism:doi in kg's own context and others'
        if isinstance(value, dict):
            pv = _node(value)
            scheme = (_text(pv.get("propertyID")) or "").lower()
            text = _text(pv.get("value")) or _text(pv.get("@id")) or ""
            if scheme == "doi" or text.lower().startswith(("10.", "doi:")):
                add_doi(record, text)
            elif scheme in ("issn", "isbn"):
                add_standard_numbers(record, scheme, text)
            elif scheme == "arxiv" and ids.arxiv(text):
                a = ids.arxiv(text)
                record.add_identifier("arxiv", str(a), a.version if a else None)
            continue
        text = _text(value)
        if text:
            values.append(text)
    for text in (_text(node.get("fabio:hasArXivId")), _text(node.get("hasArXivId"))):
        a = ids.arxiv(text) if text else None  # FaBiO's property, as kg's graph gives it
        if a:
            record.add_identifier("arxiv", str(a), a.version)
    for text in values:
        if "doi.org/10." in text or text.lower().startswith(("doi:", "10.")):
            add_doi(record, text)
        elif "arxiv.org/abs/" in text:
            a = ids.arxiv(text)
            if a:
                record.add_identifier("arxiv", str(a), a.version)
    url = _text(node.get("url"))
    if url and url.startswith(("http://", "https://")):
        record.add_identifier("url", url)


def _venue(node: dict[str, Any], kind: Kind, record: Record) -> tuple[Venue | None, bool]:
    """Where the item appeared, and whether that is a journal (an issue, volume or periodical):
    the chain of what it is part of, each part giving what it says (an issue its number, a volume
    its number, a proceedings volume or a journal its name, a series its acronym)."""
    volume = issue = name = acronym = None
    in_journal = False
    part = _node(next(iter(_all(node.get("isPartOf"))), None))
    seen = 0
    while part and seen < 4:  # issue -> volume -> periodical
        seen += 1
        types = _types(part)
        in_journal = in_journal or bool(types & _IN_JOURNAL) or any(
            t in types for t in ("fabio:journal", "fabio:journalvolume", "fabio:journalissue"))
        issue = issue or _text(part.get("issueNumber"))
        volume = volume or _text(part.get("volumeNumber"))
        if not types & {"publicationissue", "publicationvolume"}:
            name = name or _text(part.get("name"))
            for issn in _all(part.get("issn")):
                add_standard_numbers(record, "issn", _text(issn))
            acronym = acronym or next((a for a in map(_text, _all(part.get("alternateName")))
                                       if a and _ACRONYM.fullmatch(a)), None)
        part = _node(next(iter(_all(part.get("isPartOf"))), None))
    publisher = _text(_node(next(iter(_all(node.get("publisher"))), None)).get("name")) or _text(
        node.get("publisher") if isinstance(node.get("publisher"), str) else None)
    if not name and kind == Kind.DATASET:
        name = _text(_node(next(iter(_all(node.get("includedInDataCatalog"))), None)).get("name"))
    if not name and kind in (Kind.DATASET, Kind.SOFTWARE, Kind.REPORT, Kind.THESIS):
        name = publisher
    if not name:
        return None, in_journal
    first, last = _text(node.get("pageStart")), _text(node.get("pageEnd"))
    pages = _text(node.get("pagination")) or (f"{first}–{last}" if first and last and first != last
                                               else first)
    return Venue(name=name, volume=volume or _text(node.get("volumeNumber")), issue=issue,
                 pages=pages, publisher=publisher, series=acronym), in_journal


def _authors(node: dict[str, Any]) -> tuple[list[PersonName], list[PersonName]]:
    """The item's authors (else creators) in order, and those it only implies: by the positions
    of its authorships where the document gives them (pro:RoleInTime with schema:position, as kg's
    graph does; an authorship without one is implied, kg:implied), else as listed."""
    roles = [_node(r) for r in _all(node.get("pro:isDocumentContextFor") or node.get("isDocumentContextFor"))]
    placed, implied = [], []
    for role in roles:
        position = _text(role.get("position"))
        held = role.get("pro:isHeldBy") or role.get("isHeldBy")
        if held is None:
            continue
        if position and position.isdecimal():
            placed.append((int(position), held))
        else:
            implied.append(held)
    listed = [held for _, held in sorted(placed, key=lambda p: p[0])] if placed or implied else (
        _all(node.get("author")) or _all(node.get("creator")))
    return [p for p in map(_person, listed) if p], [p for p in map(_person, implied) if p]


def _is_described_by_versions(node: dict[str, Any]) -> bool:
    """A work whose versions the document holds (kg's graph: a fabio:Work and its workExample
    nodes): the versions are the records, so the work is not read again."""
    return "fabio:work" in _types(node) and any(
        isinstance(_deref(v), dict) and _deref(v) is not v
        for v in _all(node.get("workExample")) + _all(node.get("frbr:realization")))


def item_to_record(node: dict[str, Any], key: str, line: int, ctx: SourceContext, raw: str = ""
                   ) -> Record | None:
    """One creative work as a record; one without a title is set aside."""
    title = _text(node.get("name")) or _text(node.get("headline"))
    if not title:
        ctx.error(line, f"item {key!r} has no name or headline; set aside")
        return None
    types = _types(node)
    kind = next((_FABIO_KINDS[t[6:]] for t in sorted(types) if t[6:] in _FABIO_KINDS
                 and t.startswith("fabio:")), None) or next(
        (_KINDS[t] for t in sorted(types) if t in _KINDS), Kind.OTHER)
    authors, implied = _authors(node)
    work = _node(next(iter(_all(node.get("exampleOfWork"))), None))
    if not authors and not implied and work:  # a version (kg's graph): the authors are its work's
        authors, implied = _authors(work)
    keywords = node.get("keywords")
    subjects = [s.strip() for k in _all(keywords) for s in (re.split(r"\s*,\s*", k) if isinstance(
        k, str) else [_text(k) or ""]) if s and s.strip()]
    record = Record(source=ctx.source, key=key, line=line, raw=raw, title=title, title_printed=title,
                    authors=authors, implied_authors=implied, date=_date(node, ctx, line, key),
                    abstract=_text(node.get("abstract")) or _text(node.get("description"))
                    or _text(work.get("abstract")),
                    entry_type=", ".join(sorted(_term(str(t)) for t in _all(node.get("@type")))) or None,
                    subjects=list(dict.fromkeys(subjects)), release=_text(node.get("version")))
    noted = len(record.warnings)
    _identifiers(node, record)
    venue, in_journal = _venue(node, kind, record)
    ctx.left_out(line, f"item {key!r}", record.warnings[noted:])
    if types & _ARTICLES and in_journal:
        kind = Kind.JOURNAL
    if venue is not None and PREPRINT_VENUE.search(venue.name) and kind in (Kind.OTHER, Kind.JOURNAL):
        kind = Kind.PREPRINT
    record.kind, record.venue = kind, venue
    language = node.get("inLanguage")
    language = _text(_node(language).get("alternateName")) if isinstance(language, dict) else _text(language)
    if language:
        record.extra["language"] = language
    if not authors:
        record.warnings.append("no authors")
    return record


def parse(text: str, ctx: SourceContext) -> Iterator[Record]:
    seen: set[str] = set()
    n = 0
    for first_line, block in _documents(text, ctx):
        try:
            doc = load_located(block)
        except json.JSONDecodeError as exc:
            ctx.error(first_line + exc.lineno - 1, f"not valid JSON: {exc.msg} (column {exc.colno}); "
                                                   "nothing of this document read")
            continue
        except RecursionError:
            ctx.error(first_line, "JSON nested more deeply than the reader follows; nothing read")
            continue
        lines = LineIndex(block)

        def offset_of(value: Any) -> int | None:
            return value.offset if isinstance(value, Located) else None

        tops = doc if isinstance(doc, list) else [doc]
        if not any(isinstance(t, dict) and _vocabulary_ok(t.get("@context")) for t in tops):
            ctx.error(first_line, "not schema.org JSON-LD: the @context does not make schema.org the "
                                  "vocabulary; nothing of this document read")
            continue
        items = list(_items(doc, offset_of))
        _INDEX.set(_described(doc))
        for offset, item in items:
            node = _node(item)
            if not _types(node) & _WORKS:
                continue  # a person, an organization, a web site: no publication
            if _is_described_by_versions(node):
                ctx.report.absorbed += 1  # type: ignore[union-attr]
                continue
            n += 1
            line = first_line + (lines.line(offset) - 1 if offset is not None else 0)
            own = next((d for d in (ids.doi(_text(node.get("@id")) or ""),) if d), None)
            key = fresh_key(own or _text(node.get("@id")) or f"item-{n}", seen, ctx, line,
                            "item {key!r} appears again: the later one is read as key {again!r}")
            record = shaped(ctx, line, f"item {key!r} does not have the shape of a schema.org item",
                            item_to_record, node, key, line, ctx, raw=raw_json(block, offset))
            if record is not None:
                yield record
        _INDEX.set(None)  # the document read: its nodes are not kept
    if n == 0 and not ctx.report.errors:  # type: ignore[union-attr]
        ctx.error(1, "no schema.org creative works (ScholarlyArticle, Dataset, ...) in the document")


def detect(text: str) -> float:
    """High for schema.org JSON-LD whose item is a creative work, and for an HTML page that embeds
    such JSON-LD."""
    head = text.lstrip()
    if head[:1] == "<":
        return 0.9 if re.search(r"application/ld\+json", text[:200_000], re.IGNORECASE) and re.search(
            r"schema\.org", text[:200_000]) else 0.0
    if head[:1] not in ("{", "["):
        return 0.0
    try:
        doc = json_value(text)
    except (ValueError, RecursionError):
        return 0.0
    first = doc[0] if isinstance(doc, list) and doc else doc
    if not isinstance(first, dict) or not _vocabulary_ok(first.get("@context")):
        return 0.0
    nodes = _all(first.get("@graph")) or [first]
    return 0.95 if any(_types(_node(n)) & _WORKS for n in nodes) else 0.0


FORMAT = SourceFormat(
    name="schema-org",
    parse=parse,
    description="schema.org JSON-LD (ScholarlyArticle, Dataset, SoftwareSourceCode, ...): a document, "
                "or the JSON-LD blocks of an HTML page",
    suffixes=(".jsonld", ".json", ".html", ".htm"),
    aliases=("schemaorg", "json-ld", "jsonld"),
    detect=detect,
)
