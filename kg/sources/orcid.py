"""ORCID API v3.0 works in JSON: a full record, an /activities or /works response, one work, a bulk.

A work summary (in a record or /works) lists no contributors: the record's owner (``person.name`` with
its iD, else the source's owner) is its implied author. Every summary is a record, also when a group
holds several for one work (each is a separate claim; ``extra["orcid_group"]`` says which belong
together). Only ``self`` external ids identify the work; ``part-of`` ids (a journal's ISSN) and
``version-of`` ids (another version's DOI) go to ``extra``. Contributors are authors unless their role
is editor (the venue's editors) or chair-or-translator (``extra``). The XML forms of the same documents
are read by turning them into the JSON shape first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from xml.parsers import expat

from .. import identifiers as ids
from ..names import parse_name
from ..records import Identifier, Kind, PartialDate, PersonName, Record, Venue
from ..text import clean_whitespace
from . import SourceContext, SourceFormat, json_value
from .csljson import LineIndex, Located, fresh_key, load_document, raw_json, shaped
from .fields import PREPRINT_VENUE, WORKSHOP

_KIND_BY_TYPE = {
    "journal-article": Kind.JOURNAL, "magazine-article": Kind.OTHER,
    "conference-paper": Kind.CONFERENCE, "conference-abstract": Kind.CONFERENCE,
    "conference-poster": Kind.CONFERENCE, "conference-proceedings": Kind.PROCEEDINGS,
    "preprint": Kind.PREPRINT, "working-paper": Kind.PREPRINT,
    "book": Kind.BOOK, "edited-book": Kind.BOOK, "book-chapter": Kind.CHAPTER,
    "dictionary-entry": Kind.CHAPTER, "encyclopedia-entry": Kind.CHAPTER,
    "dissertation": Kind.THESIS, "dissertation-thesis": Kind.THESIS,
    "supervised-student-publication": Kind.THESIS, "report": Kind.REPORT,
    "data-set": Kind.DATASET, "software": Kind.SOFTWARE,
}
_SCHEMES = {"pmc": "pmcid", "uri": "url", "other-id": "other"}
_EDITOR_ROLES = {"editor"}
_NOT_AUTHOR_ROLES = {"editor", "chair-or-translator"}
# Keys that only ORCID's work and record documents have.
_ORCID_KEYS = {"activities-summary", "orcid-identifier", "work-summary", "put-code", "journal-title",
               "external-ids", "bulk", "short-description", "contributors"}


def _value(obj: Any, *path: str) -> str | None:
    """Follow keys ('title', 'title', 'value'); ORCID wraps most strings in {'value': ...}."""
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    if isinstance(obj, dict) and "value" in obj:
        obj = obj["value"]
    if isinstance(obj, (int, float)) and not isinstance(obj, bool):
        obj = str(obj)
    return clean_whitespace(obj) or None if isinstance(obj, str) else None


def _list(obj: Any, *path: str) -> list[Any]:
    for key in path:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj if isinstance(obj, list) else []


def record_owner(doc: dict[str, Any], ctx: SourceContext) -> PersonName | None:
    """The person whose record this is: person.name with the record's iD, or the source's owner."""
    iD = ids.orcid(_value(doc, "orcid-identifier", "path") or "")
    if iD is None:  # a /works response names its owner only in its path: '/0000-.../works'
        m = re.match(r"^/?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", str(doc.get("path", "")))
        iD = ids.orcid(m.group(1)) if m else None
    iD = ids.person_id("orcid", iD)
    name = doc.get("person", {}).get("name") if isinstance(doc.get("person"), dict) else None
    printed = _value(name, "credit-name")
    given, family = _value(name, "given-names") or "", _value(name, "family-name") or ""
    if given or family:
        owner = PersonName(printed=printed or " ".join(p for p in (given, family) if p),
                           given=given, family=family, identifier=iD)
    elif printed:
        owner = parse_name(printed, latex=False).model_copy(update={"identifier": iD})
    elif ctx.owner is not None:
        owner = ctx.owner if ctx.owner.identifier or not iD else ctx.owner.model_copy(
            update={"identifier": iD})
    else:
        return None
    return owner


def _works(doc: dict[str, Any]) -> Iterator[tuple[Any, str, int | None]]:
    """The work objects of a document: each with what it is ('summary', 'work' or 'error') and the
    number of its group (summaries of one work)."""
    if isinstance(doc.get("bulk"), list):
        for item in doc["bulk"]:
            if isinstance(item, dict) and "error" in item:
                yield item, "error", None
            else:
                yield (item.get("work") if isinstance(item, dict) else item), "work", None
        return
    holder = doc["activities-summary"] if isinstance(doc.get("activities-summary"), dict) else doc
    works = holder["works"] if isinstance(holder.get("works"), dict) else holder
    if "group" in works:
        for n, group in enumerate(_list(works, "group"), start=1):
            for summary in _list(group, "work-summary"):
                yield summary, "summary", n
    elif _is_work(doc):
        yield doc, "work", None


def _is_work(doc: dict[str, Any]) -> bool:
    """A work's title is an object that holds the title itself (ORCID's two-level title)."""
    return isinstance(doc.get("title"), dict) and "title" in doc["title"]


def _date(work: dict[str, Any], ctx: SourceContext, line: int, key: str) -> PartialDate | None:
    date = work.get("publication-date")
    year, month, day = (_value(date, p) for p in ("year", "month", "day"))
    if not year:
        return None
    try:
        return PartialDate(year=int(year), month=int(month) if month else None,
                           day=int(day) if day and month else None)
    except ValueError:  # not numbers, or a month or day out of range
        printed = "-".join(p for p in (year, month, day) if p)
        usable = year.isdecimal()
        ctx.warn(line, f"work {key}: publication date {printed!r} is not a date; "
                       + ("read to the year" if usable else "ignored"))
        return PartialDate(year=int(year)) if usable else None


def _external_ids(record: Record, work: dict[str, Any], ctx: SourceContext, line: int,
                  lines: LineIndex | None) -> None:
    for ext in _list(work, "external-ids", "external-id"):
        at = lines.line(ext.offset) if lines and isinstance(ext, Located) else line
        scheme = str(ext.get("external-id-type") or "").strip().lower()
        value = _value(ext, "external-id-value") or _value(ext, "external-id-normalized")
        relation = str(ext.get("external-id-relationship") or "self").lower()
        if not scheme or not value:
            continue
        normalized: str | None = value
        version = None
        if scheme == "doi":
            normalized = ids.doi(value)
        elif scheme == "arxiv":
            a = ids.arxiv(value)
            normalized, version = (str(a), a.version) if a else (None, None)
        if normalized is None:
            ctx.warn(at, f"work {record.key}: {scheme} {value!r} is not a valid {scheme}; ignored")
            record.warnings.append(f"{scheme} {value!r} is not valid")
            continue
        scheme = _SCHEMES.get(scheme, scheme)
        if relation == "self":
            record.add_identifier(scheme, normalized, version)
        else:
            key = relation.replace("-", "_")  # part_of, version_of, funded_by
            record.extra.setdefault(key, []).append([scheme, normalized])
            if relation == "version-of":
                record.other_versions += (Identifier(scheme=scheme, value=normalized),)


def _contributors(work: dict[str, Any], warn: Callable[[str], None]
                  ) -> tuple[list[PersonName], list[PersonName], list[str]]:
    """Authors (first-sequence first), editors, and others as 'name (role)'; ``warn`` hears of an
    ORCID iD that is not valid (the name is read without it)."""
    people: list[tuple[int, PersonName, str]] = []
    for c in _list(work, "contributors", "contributor"):
        name = _value(c, "credit-name")
        printed = _value(c, "contributor-orcid", "path")
        iD = ids.orcid(printed or "")
        if printed and iD is None:
            warn(f"contributor {name or '(no name)'!r}: ORCID iD {printed!r} is not valid "
                 "(format or check digit); ignored")
        if not name and not iD:
            continue
        person = (parse_name(name, latex=False) if name else PersonName(printed=iD or ""))
        person = person.model_copy(update={"identifier": ids.person_id("orcid", iD)})
        attributes = c.get("contributor-attributes") or {}
        role = str(attributes.get("contributor-role") or "author").lower()
        first = 0 if str(attributes.get("contributor-sequence") or "").lower() == "first" else 1
        people.append((first, person, role))
    people.sort(key=lambda p: p[0])  # stable: 'first' before 'additional', order kept otherwise
    authors = [p for _, p, role in people if role not in _NOT_AUTHOR_ROLES]
    editors = [p for _, p, role in people if role in _EDITOR_ROLES]
    others = [f"{p.printed} ({role})" for _, p, role in people
              if role in _NOT_AUTHOR_ROLES - _EDITOR_ROLES]
    return authors, editors, others


def _kind(work_type: str, venue: str, record: Record) -> Kind:
    kind = _KIND_BY_TYPE.get(work_type, Kind.OTHER)
    if kind in (Kind.OTHER, Kind.JOURNAL) and (PREPRINT_VENUE.search(venue) or (
            kind == Kind.OTHER and record.first_id("arxiv"))):
        return Kind.PREPRINT
    if kind == Kind.CONFERENCE and WORKSHOP.search(venue):
        return Kind.WORKSHOP
    return kind


def work_to_record(work: Any, key: str, line: int, ctx: SourceContext, owner: PersonName | None,
                   *, raw: str = "", group: int | None = None, lines: LineIndex | None = None
                   ) -> Record | None:
    """One work or work summary as a record; one without a title is set aside."""
    if not isinstance(work, dict):
        ctx.error(line, f"work {key} is not a JSON object; set aside")
        return None
    title = _value(work, "title", "title")
    if not title:
        ctx.error(line, f"work {key} has no title; set aside")
        return None
    subtitle = _value(work, "title", "subtitle")
    full_title = f"{title}: {subtitle}" if subtitle else title
    authors, editors, others = _contributors(work, lambda msg: ctx.warn(line, f"work {key}: {msg}"))
    venue_name = _value(work, "journal-title")
    record = Record(
        source=ctx.source, key=key, line=line, raw=raw, title=full_title, title_printed=full_title,
        authors=authors, implied_authors=[owner] if owner and not authors else [],
        venue=Venue(name=venue_name, editors=tuple(editors)) if venue_name else None,
        date=_date(work, ctx, line, key), abstract=_value(work, "short-description"),
        entry_type=str(work.get("type") or ""),
    )
    _external_ids(record, work, ctx, line, lines)
    url = _value(work, "url")
    if url and url.startswith(("http://", "https://")):
        found = ids.classify_url(url)
        if found:
            record.add_identifier(*found)
        record.add_identifier("url", url)
    record.kind = _kind(record.entry_type or "", venue_name or "", record)
    extras = {"translated_title": _value(work, "title", "translated-title"),
              "orcid_source": _value(work, "source", "source-name"),
              "orcid_path": _value(work, "path"), "citation": _value(work, "citation", "citation-value"),
              "citation_type": _value(work, "citation", "citation-type"),
              "language": _value(work, "language-code"), "country": _value(work, "country")}
    record.extra.update({k: v for k, v in extras.items() if v})
    if group is not None:
        record.extra["orcid_group"] = group
    if others:
        record.extra["other_contributors"] = others
    return record


# Elements that repeat, and so are lists in the JSON shape even when the XML holds one.
_XML_LISTS = {"group", "work-summary", "external-id", "contributor"}
_XML_NS = "http://www.orcid.org/ns/"


def xml_to_shape(text: str) -> Located:
    """ORCID XML as the JSON API's shape: local names as keys, text leaves as strings, attributes
    (put-code, path) as keys; each object remembers the offset of its element's line."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    stack: list[tuple[str, Located, list[str]]] = [("", Located(), [])]
    parser = expat.ParserCreate(namespace_separator="|")

    def start(name: str, attributes: dict[str, str]) -> None:
        obj = Located({k.split("|")[-1]: v for k, v in attributes.items()})
        obj.offset = starts[parser.CurrentLineNumber - 1]
        stack.append((name.split("|")[-1], obj, []))

    def end(_: str) -> None:
        local, obj, texts = stack.pop()
        # The element's text runs to the end of its closing line (of the document, on the last).
        obj.end = starts[parser.CurrentLineNumber] if parser.CurrentLineNumber < len(starts) \
            else len(text)
        content = clean_whitespace("".join(texts)) or None
        if obj and content:
            obj["value"] = content  # text beside attributes: <translated-title language-code="en">
        value: Any = obj if obj else content
        parent = stack[-1][1]
        if local in _XML_LISTS:
            parent.setdefault(local, []).append(value)
        else:
            parent[local] = value

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = lambda data: stack[-1][2].append(data)
    parser.Parse(text, True)
    ((_, root),) = stack[0][1].items()  # the document element, as the JSON's top object
    return root if isinstance(root, Located) else Located()


def _load(text: str, ctx: SourceContext) -> tuple[Any, LineIndex] | None:
    if not text.lstrip().startswith("<"):
        return load_document(text, ctx)
    try:
        return xml_to_shape(text), LineIndex(text)
    except expat.ExpatError as exc:
        ctx.error(exc.lineno, f"not well-formed XML: {expat.errors.messages[exc.code]}; nothing read")
        return None


def parse(text: str, ctx: SourceContext) -> Iterator[Record]:
    loaded = _load(text, ctx)
    if loaded is None:
        return
    doc, lines = loaded
    if not isinstance(doc, dict):
        ctx.error(1, "not an ORCID document: expected a JSON object; nothing read")
        return
    owner = record_owner(doc, ctx)
    seen: set[str] = set()
    found = False
    for n, (work, what, group) in enumerate(_works(doc), start=1):
        found = True
        line = lines.line(work.offset) if isinstance(work, Located) else 1
        if what == "error":
            message = _value(work, "error", "developer-message") or _value(
                work, "error", "user-message") or "an error"
            ctx.error(line, f"bulk item {n} is an error, not a work: {message}; set aside")
            continue
        put_code = work.get("put-code") if isinstance(work, dict) else None
        key = fresh_key(str(put_code) if put_code is not None else f"work-{n}", seen, ctx, line,
                        "put-code {key} appears twice; the later work is read as {again}")
        offset = work.offset if isinstance(work, Located) else None
        raw = text[offset:work.end] if isinstance(work, Located) and work.end else raw_json(
            text, offset)
        record = shaped(ctx, line, f"work {key!r} does not have the shape of an ORCID work",
                        work_to_record, work, key, line, ctx, owner, raw=raw, group=group, lines=lines)
        if record is not None:
            yield record
    if not found:
        ctx.error(1, "no works: expected an ORCID record, a works list, a work or a bulk of works")


def detect(text: str) -> float:
    if text.lstrip().startswith("<"):
        head = text[:3000]
        return 0.95 if _XML_NS in head and re.search(r"<(work|record|activities):", head) else 0.0
    if not text.lstrip().startswith("{"):
        return 0.0
    try:
        doc = json_value(text)
    except (ValueError, RecursionError):
        return 0.0
    if not isinstance(doc, dict):
        return 0.0
    if _ORCID_KEYS & set(doc) or _is_work(doc) or (
            "group" in doc and str(doc.get("path", "")).endswith("/works")):
        return 0.95
    return 0.0


FORMAT = SourceFormat(
    name="orcid",
    parse=parse,
    description="ORCID API v3.0 works (JSON or XML): full record, /works, one work, or a bulk",
    suffixes=(".json", ".xml"),
    aliases=("orcid-json",),
    detect=detect,
)
