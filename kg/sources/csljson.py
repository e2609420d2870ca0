"""CSL-JSON (citeproc JSON): a list of items, one item, or a DOI-keyed map of items (citation-js, Crossref).

Crossref's flavour is read too: its type names ('journal-article', 'posted-content' with subtype
'preprint'), list-valued titles, dates under 'published-print'/'posted', publishers as objects,
and its ``relation`` object: the other versions a record names ('is-preprint-of', 'has-preprint',
'is-version-of', ...) and the works it supplements or is supplemented by.
Each record's line is the line of its item's opening brace.
"""

from __future__ import annotations

import html
import json
import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator
from json.decoder import JSONArray, JSONObject  # type: ignore[attr-defined]
from json.scanner import py_make_scanner  # type: ignore[attr-defined]
from typing import Any

from .. import identifiers as ids
from ..records import Identifier, Kind, PartialDate, PersonName, Record, Venue
from ..text import clean_whitespace
from . import SourceContext, SourceFormat, json_value
from .fields import PREPRINT_VENUE, WORKSHOP, add_doi, add_standard_numbers


class Located(dict):  # type: ignore[type-arg]
    """A JSON object that knows the offset of its opening brace in the document (and, when it was
    made from XML, where its element ends)."""

    offset: int = 0
    end: int | None = None


class LocatedList(list):  # type: ignore[type-arg]
    """A JSON array that knows where each of its elements starts."""

    offsets: list[int]


class _LocatingDecoder(json.JSONDecoder):
    """The standard decoder, with every object recording where it starts (the pure-Python scanner
    calls ``parse_object`` with the brace position; the C scanner offers no such hook)."""

    def __init__(self) -> None:
        super().__init__()

        def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[Located, int]:
            pairs, end = JSONObject(s_and_end, *args)
            obj = Located(pairs)
            obj.offset = s_and_end[1] - 1
            return obj, end

        def parse_array(s_and_end: tuple[str, int], scan_once: Any) -> tuple[LocatedList, int]:
            offsets: list[int] = []

            def scan(text: str, idx: int) -> Any:
                offsets.append(idx)  # JSONArray scans each element from its first character
                return scan_once(text, idx)

            values, end = JSONArray(s_and_end, scan)
            located = LocatedList(values)
            located.offsets = offsets
            return located, end

        self.parse_object = parse_object
        self.parse_array = parse_array
        self.scan_once = py_make_scanner(self)


class LineIndex:
    """Offsets to 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self._starts = [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect_right(self._starts, offset) + 1


def load_document(text: str, ctx: SourceContext) -> tuple[Any, LineIndex] | None:
    """The document's JSON with positions and a line index, or None once invalid JSON is reported."""
    try:
        return load_located(text), LineIndex(text)
    except json.JSONDecodeError as exc:
        ctx.error(exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno}); nothing read")
        return None
    except RecursionError:
        line, depth = deepest_nesting(text)
        ctx.error(line, f"JSON nested {depth} arrays or objects deep, more than the reader follows; "
                        "nothing read")
        return None


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def deepest_nesting(text: str) -> tuple[int, int]:
    """The line where JSON text reaches its deepest nesting of arrays and objects, and that depth
    (strings skipped)."""
    depth = best = offset = 0
    for m in _JSON_TOKEN.finditer(text):
        c = m.group()
        if c in "[{":
            depth += 1
            if depth > best:
                best, offset = depth, m.start()
        elif c in "]}":
            depth -= 1
    return LineIndex(text).line(offset), best


def unique_key(key: str, seen: set[str]) -> str:
    """The first of 'key~2', 'key~3', ... not yet used (as BibTeX keys are disambiguated)."""
    n = 2
    while f"{key}~{n}" in seen:
        n += 1
    return f"{key}~{n}"


def fresh_key(key: str, seen: set[str], ctx: SourceContext, line: int, said: str) -> str:
    """``key``, or the first of 'key~2', 'key~3', ... not yet used when an earlier record of the
    document has it (reported at ``line`` as ``said``, with ``{key}`` and ``{again}`` filled in);
    either way it joins ``seen``."""
    if key in seen:
        again = unique_key(key, seen)
        ctx.warn(line, said.format(key=key, again=again))
        key = again
    seen.add(key)
    return key


def shaped(ctx: SourceContext, line: int, what: str, convert: Callable[..., Record | None],
           *args: Any, **kwargs: Any) -> Record | None:
    """``convert(*args, **kwargs)``, or None once a value of the wrong JSON type (a string where
    an object belongs) is reported: ``what`` names the item and the shape it lacks."""
    try:
        return convert(*args, **kwargs)
    except (AttributeError, TypeError, KeyError, ValueError, IndexError) as exc:
        ctx.error(line, f"{what} ({type(exc).__name__}: {exc}); set aside")
        return None


def load_located(text: str) -> Any:
    """JSON text to Python values whose objects are :class:`Located` (raises json.JSONDecodeError)."""
    return _LocatingDecoder().decode(text)


def elements(value: Any) -> Iterator[tuple[int | None, Any]]:
    """A list's elements with their offsets (a lone value stands for a list of one)."""
    if isinstance(value, LocatedList):
        yield from zip(value.offsets, value)
    elif isinstance(value, list):
        yield from ((None, v) for v in value)
    else:
        yield (value.offset if isinstance(value, Located) else None), value


_KIND_BY_TYPE = {
    # CSL 1.0.2 types
    "article-journal": Kind.JOURNAL, "paper-conference": Kind.CONFERENCE, "book": Kind.BOOK,
    "chapter": Kind.CHAPTER, "entry": Kind.CHAPTER, "entry-dictionary": Kind.CHAPTER,
    "entry-encyclopedia": Kind.CHAPTER, "thesis": Kind.THESIS, "report": Kind.REPORT,
    "standard": Kind.REPORT, "manuscript": Kind.PREPRINT, "collection": Kind.BOOK,
    "classic": Kind.BOOK, "periodical": Kind.JOURNAL, "dataset": Kind.DATASET, "software": Kind.SOFTWARE,
    # Crossref's type names, which its CSL output and citation-js pass through
    "journal-article": Kind.JOURNAL, "proceedings-article": Kind.CONFERENCE,
    "book-chapter": Kind.CHAPTER, "book-section": Kind.CHAPTER, "book-part": Kind.CHAPTER,
    "reference-entry": Kind.CHAPTER, "monograph": Kind.BOOK, "edited-book": Kind.BOOK,
    "reference-book": Kind.BOOK, "proceedings": Kind.PROCEEDINGS, "dissertation": Kind.THESIS,
    "report-component": Kind.REPORT,
}
CROSSREF_TYPES = {"journal-article", "proceedings-article", "book-chapter", "book-section",
                  "book-part", "reference-entry", "monograph", "edited-book", "reference-book",
                  "proceedings", "dissertation", "report-component", "posted-content"}
# Types whose items are preprints when they show a preprint server ('article' is CSL's working paper).
_MAYBE_PREPRINT = {"article", "posted-content"}
# What marks a JSON object as a CSL item: a type and one of these.
_ITEM_KEYS = ("title", "author", "issued", "container-title", "DOI")
_TAG = re.compile(r"<[^>]+>")
_FOOTNOTE_MARK = re.compile(r"<sup>\s*[\d*†‡,]+\s*</sup>")  # 'Amines<sup>1</sup>'
_ET_AL = re.compile(r"\s*\bet\s+al\.?$", re.IGNORECASE)
_ORCID_KEYS = ("put-code", "journal-title", "external-ids", "work-summary", "contributors")


def _first(value: Any) -> Any:
    """Crossref gives many single values as lists ('title': ['...'])."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _string(value: Any) -> str | None:
    value = _first(value)
    if isinstance(value, dict):  # commonmeta writes {'name': ...} for publishers
        value = value.get("name")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = _TAG.sub("", _FOOTNOTE_MARK.sub("", value))
    return clean_whitespace(html.unescape(value)) or None


def is_item(value: Any) -> bool:
    """A CSL item: a type and a title or the like; a title is text (ORCID's are objects)."""
    if not isinstance(value, dict) or not isinstance(value.get("type"), str):
        return False
    if any(k in value for k in _ORCID_KEYS) or isinstance(value.get("title"), dict):
        return False
    return any(k in value for k in _ITEM_KEYS)


def _items(doc: Any) -> Iterator[tuple[str | None, int | None, Any]]:
    """The items of a document with the map key each was found under (DOI-keyed maps) and the
    offset where it starts."""
    if isinstance(doc, list) or is_item(doc):
        for offset, item in elements(doc):
            yield None, offset, item
    elif isinstance(doc, dict) and doc and all(
            is_item(v) or (isinstance(v, list) and v and all(map(is_item, v)))
            for v in doc.values()):
        for key, value in doc.items():
            for offset, item in elements(value):
                yield key, offset, item


def people(values: Any, warn: Callable[[str], None] | None = None
           ) -> tuple[list[PersonName], bool]:
    """CSL names, and whether the list was cut short ('et al.' glued to the last name); ``warn``
    hears of an ORCID iD that is not valid (the name is read without it), after its place."""
    found, truncated = [], False
    for place, value in enumerate(values if isinstance(values, list) else [], 1):
        if isinstance(value, dict) and any(_ET_AL.search(str(value.get(k, "")))
                                           for k in ("given", "family", "literal")):
            truncated = True
            value = {k: _ET_AL.sub("", v) if isinstance(v, str) else v for k, v in value.items()}
        p = person(value)
        printed = (value.get("ORCID") or value.get("orcid")) if isinstance(value, dict) else None
        if warn and printed and (p is None or p.identifier is None):
            warn(f"{place}: ORCID iD {printed!r} is not valid (format or check digit); ignored")
        if p:
            found.append(p)
    return found, truncated


def person(value: Any) -> PersonName | None:
    """A CSL name object: family/given with particles and suffix, or a literal (institutional) name."""
    if not isinstance(value, dict):
        return None
    family = _string(value.get("family")) or ""
    given = _string(value.get("given")) or ""
    particle = " ".join(p for p in (_string(value.get("dropping-particle")),
                                    _string(value.get("non-dropping-particle"))) if p)
    suffix = _string(value.get("suffix")) or ""
    iD = ids.person_id("orcid", ids.orcid(str(value.get("ORCID") or value.get("orcid") or "")))
    if family or given:
        printed = " ".join(p for p in (given, particle, family) if p)
        printed = f"{printed}, {suffix}" if suffix else printed
        return PersonName(printed=printed, given=given, family=family, particle=particle,
                          suffix=suffix, identifier=iD)
    literal = _string(value.get("literal")) or _string(value.get("name"))
    if literal:  # CSL prints a literal name as it stands: often an organization
        return PersonName(printed=literal, family=literal, identifier=iD)
    return None


def _date(item: dict[str, Any], ctx: SourceContext, line: int, key: str) -> PartialDate | None:
    for name in ("issued", "published-print", "published-online", "published", "posted"):
        value = item.get(name)
        if not isinstance(value, dict):
            continue
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            try:
                numbers = [int(p) for p in parts[0][:3]]
            except (TypeError, ValueError):
                ctx.warn(line, f"item {key!r}: {name} date-parts {parts[0]!r} are not numbers")
                continue
            try:
                month = numbers[1] if len(numbers) > 1 else None
                day = numbers[2] if len(numbers) > 2 else None
                return PartialDate(year=numbers[0], month=month, day=day)
            except ValueError as exc:
                ctx.warn(line, f"item {key!r}: bad {name} date: {exc}")
                return PartialDate(year=numbers[0])
        raw = _string(value.get("raw") or value.get("literal"))
        m = re.match(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", raw or "")
        if m:
            return PartialDate(year=int(m.group(1)), month=int(m.group(2)) if m.group(2) else None,
                               day=int(m.group(3)) if m.group(3) else None)
        if raw:
            ctx.warn(line, f"item {key!r}: {name} date {raw!r} not understood")
    return None


def _kind(item: dict[str, Any], venue: str, record: Record) -> Kind:
    csl_type = str(item.get("type", ""))
    kind = _KIND_BY_TYPE.get(csl_type, Kind.OTHER)
    servers = " ".join(s for s in (venue, _string(item.get("publisher")), _string(item.get("archive")))
                       if s)
    if csl_type in _MAYBE_PREPRINT and (
            item.get("subtype") == "preprint" or record.first_id("arxiv")
            or PREPRINT_VENUE.search(servers)):
        return Kind.PREPRINT
    if kind in (Kind.JOURNAL, Kind.OTHER) and PREPRINT_VENUE.search(venue):
        return Kind.PREPRINT  # a journal article 'in' arXiv, as Zotero exports them
    if kind == Kind.CONFERENCE and WORKSHOP.search(venue):
        return Kind.WORKSHOP
    return kind


def _venue(item: dict[str, Any], warn: Callable[[str], None] | None = None) -> Venue | None:
    name = _string(item.get("container-title"))
    institution = item.get("institution")
    if not name and isinstance(institution, list) and institution:
        name = _string(institution[0])  # Crossref posted content: the preprint server
    if not name and item.get("type") in ("book", "report", "thesis"):
        name = _string(item.get("collection-title")) or _string(item.get("publisher"))
    if not name and item.get("type") in ("dataset", "software"):
        name = _string(item.get("publisher"))  # the repository that holds it ('Zenodo')
    if not name:
        return None
    # Other printed forms: the short title, and the event ('ICLR 2023', as Zotero has it).
    short = [s for s in (_string(item.get("container-title-short")),
                         _string(item.get("journalAbbreviation")), _string(item.get("event-title")),
                         _string(item.get("event"))) if s and s != name]
    editors = people(item.get("editor"), warn and (lambda msg: warn(f"editor {msg}")))[0]
    return Venue(name=name, volume=_string(item.get("volume")), issue=_string(item.get("issue")),
                 pages=_string(item.get("page")), publisher=_string(item.get("publisher")),
                 series=_string(item.get("collection-title")), printed=tuple(dict.fromkeys(short)),
                 editors=tuple(editors))


def _identifiers(record: Record, item: dict[str, Any]) -> None:
    doi = _string(item.get("DOI"))
    add_doi(record, doi)
    # arXiv: 'archive' + 'number', an arxiv.org URL or its own DOIs (10.48550/arXiv.ID); the first
    # two may carry the version.
    url = _string(item.get("URL")) or ""
    from_archive = str(item.get("archive", "")).lower() == "arxiv"
    for text in (_string(item.get("number")) if from_archive else None,
                 url if "arxiv.org" in url else None, ids.arxiv_of_doi(doi)):
        a = ids.arxiv(text) if text else None
        if a:
            record.add_identifier("arxiv", str(a), a.version)
            break
    if url.startswith(("http://", "https://")):
        found = ids.classify_url(url)
        if found:
            record.add_identifier(*found)
        record.add_identifier("url", url)
    for name, scheme in (("PMID", "pmid"), ("PMCID", "pmcid"), ("ISBN", "isbn"), ("ISSN", "issn")):
        given = item.get(name)
        for value in given if isinstance(given, list) else [given]:
            if scheme in ("isbn", "issn"):  # Zotero joins several in one string: '1006-4982, 1995-8196'
                add_standard_numbers(record, scheme, _string(value))
                continue
            for text in re.split(r"[,;\s]+", _string(value) or ""):
                if text:
                    record.add_identifier(scheme, text)


# Crossref's relations (its "relation" object) that name another version of the same work, and
# those between a work and its supplements (a data set deposited for a paper).
_VERSION_RELATIONS = {"is-preprint-of", "has-preprint", "is-version-of", "has-version",
                      "is-identical-to", "is-manifestation-of", "has-manifestation"}
_SUPPLEMENT_RELATIONS = {"is-supplement-to": "supplements", "is-supplemented-by": "supplemented_by"}


def _relations(record: Record, item: dict[str, Any]) -> None:
    """Crossref's ``relation``: {'is-preprint-of': [{'id-type': 'doi', 'id': '10…'}], ...}."""
    relation = item.get("relation")
    if not isinstance(relation, dict):
        return
    own = set(record.ids("doi"))
    named: dict[str, list[Identifier]] = defaultdict(list)
    for kind, targets in sorted(relation.items()):
        for t in targets if isinstance(targets, list) else [targets]:
            if not isinstance(t, dict) or str(t.get("id-type", "")).lower() != "doi":
                continue
            doi = ids.doi(str(t.get("id") or ""))
            if not doi or doi in own:
                continue
            if kind in _VERSION_RELATIONS:
                named["other_versions"].append(Identifier(scheme="doi", value=doi))
            elif kind in _SUPPLEMENT_RELATIONS:
                named[_SUPPLEMENT_RELATIONS[kind]].append(Identifier(scheme="doi", value=doi))
    for field_name, found in named.items():
        setattr(record, field_name, tuple(dict.fromkeys(found)))


def item_to_record(item: Any, key: str, line: int, ctx: SourceContext, raw: str = ""
                   ) -> Record | None:
    """One CSL item as a record; an item that is not an object, or has no title, is set aside."""
    if not isinstance(item, dict):
        ctx.error(line, f"item {key!r} is not a JSON object; set aside")
        return None
    title = _string(item.get("title"))
    if not title:
        ctx.error(line, f"item {key!r} has no title; set aside")
        return None
    subtitle = _string(item.get("subtitle"))
    if subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    def warn(msg: str) -> None:
        ctx.warn(line, f"item {key!r}: {msg}")

    authors, truncated = people(item.get("author"), lambda msg: warn(f"author {msg}"))
    venue = _venue(item, warn)
    record = Record(
        source=ctx.source, key=key, line=line, raw=raw, title=title,
        title_printed=_first(item.get("title")) if isinstance(_first(item.get("title")), str) else title,
        authors=authors, authors_truncated=truncated, venue=venue, date=_date(item, ctx, line, key),
        abstract=_string(item.get("abstract")), entry_type=str(item.get("type")),
        subjects=_subjects(item), release=_string(item.get("version")),
    )
    noted = len(record.warnings)
    _identifiers(record, item)
    _relations(record, item)
    ctx.left_out(line, f"item {key!r}", record.warnings[noted:])
    record.kind = _kind(item, venue.name if venue else "", record)
    for name in ("event-title", "event", "note", "language", "genre", "subtype", "group-title"):
        text = _string(item.get(name))
        if text:
            record.extra[name] = text
    if not authors:
        record.warnings.append("no authors")
    return record


def _subjects(item: dict[str, Any]) -> list[str]:
    values: list[str] = []
    keyword = item.get("keyword")
    if isinstance(keyword, str):
        values += re.split(r"\s*[,;]\s*", keyword)
    for name in ("categories", "subject"):
        if isinstance(item.get(name), list):
            values += [s for s in map(_string, item[name]) if s]
    return [v for v in dict.fromkeys(clean_whitespace(v) for v in values) if v]


Found = tuple[str | None, int | None, Any]  # the map key an item came under, its offset, the item


def json_records(text: str, ctx: SourceContext, items: Callable[[Any], Iterator[Found]],
                 key_of: Callable[[Any, str | None, int], str], convert: Callable[..., Record | None],
                 *, noun: str, again: str, shape: str, nothing: str) -> Iterator[Record]:
    """The records of a JSON document: each item ``items`` finds, under the key ``key_of(item,
    map key, n)`` gives, made unique (``again`` reports a repeat), as ``convert(item, key, line,
    ctx, raw=...)`` makes it; an item of the wrong shape (a ``noun`` that is no ``shape``) and a
    document with no item (``nothing``) are reported."""
    loaded = load_document(text, ctx)
    if loaded is None:
        return
    doc, lines = loaded
    seen: set[str] = set()
    found = False
    for n, (map_key, offset, item) in enumerate(items(doc), start=1):
        found = True
        line = lines.line(offset) if offset is not None else 1
        key = fresh_key(key_of(item, map_key, n), seen, ctx, line, again)
        record = shaped(ctx, line, f"{noun} {key!r} does not have the shape of {shape}", convert,
                        item, key, line, ctx, raw=raw_json(text, offset))
        if record is not None:
            yield record
    if not found:
        ctx.error(1, nothing)


def _key(item: Any, map_key: str | None, n: int) -> str:
    """An item's own id, else its DOI, else the key of the map it came in (a DOI-keyed map)."""
    named = (item.get("id") or _string(item.get("DOI"))) if isinstance(item, dict) else None
    return str(named or map_key or f"item-{n}")


def parse(text: str, ctx: SourceContext) -> Iterator[Record]:
    yield from json_records(text, ctx, _items, _key, item_to_record, noun="item", shape="a CSL-JSON item",
                            again="duplicate id {key!r}: the later item is read as key {again!r}",
                            nothing="no CSL items: expected a list of items, an item, or a map of items")


def raw_json(text: str, offset: int | None) -> str:
    """An item's JSON as it stood in the document (re-scanned from its first character)."""
    if offset is None:
        return ""
    _, end = json.JSONDecoder().raw_decode(text, offset)
    return text[offset:end]


def detect(text: str) -> float:
    """High only for JSON whose (first) item looks like CSL: a type beside a title, author or date."""
    head = text.lstrip()[:1]
    if head not in ("[", "{"):
        return 0.0
    try:
        doc = json_value(text)
    except (ValueError, RecursionError):
        return 0.0
    first = next((item for _, _, item in _items(doc)), None)
    if not is_item(first):
        return 0.0
    assert isinstance(first, dict)
    if first["type"] in _KIND_BY_TYPE or first["type"] in CROSSREF_TYPES or "container-title" in first:
        return 0.9
    return 0.6


FORMAT = SourceFormat(
    name="csljson",
    parse=parse,
    description="CSL-JSON (citeproc JSON): a list, one item, or a DOI-keyed map; Crossref's flavour too",
    suffixes=(".json", ".csl.json"),
    aliases=("csl-json", "csl", "citeproc-json"),
    detect=detect,
)
