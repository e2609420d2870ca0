"""DataCite metadata as JSON: the REST API's documents (``/dois/{doi}``: ``{"data": {"type": "dois",
"attributes": {...}}}``; a search: ``{"data": [...]}``) and the bare DataCite JSON of one record or a
list of them, as Zenodo, figshare and other DataCite members export it (schema 4: ``creators``,
``titles``, ``publisher``, ``publicationYear``, ``types``).

DataCite registers the DOIs of data sets and software as well as of papers, reports and theses, so
``types.resourceTypeGeneral`` decides a record's kind ('Dataset', 'Software', 'JournalArticle',
'Preprint', ...); schema 4.3 and before say 'Text' for every document, and its free-text
``resourceType`` ('Journal article', 'Conference paper') is read then. The types the API derives for
other formats (``citeproc``, ``bibtex``, ``ris``, ``schemaOrg``) are not read: they follow from the
general type, not from the record. The reader takes:

- ``doi`` (else a DOI ``id`` or a DOI among ``identifiers``): the record key and its DOI; other
  ``identifiers``/``alternateIdentifiers`` (arXiv, ISBN, ISSN, PMID, URL) and ``url``;
- ``titles``: the one without a ``titleType``, with its ``Subtitle`` ('Title: Subtitle');
- ``creators`` in order: personal names from ``familyName``/``givenName`` (else ``name``, read as
  'Family, Given'), organizations as they are printed, ORCID iDs from ``nameIdentifiers`` (or an
  ``id`` that is an ORCID URL, as commonmeta writes it); ``contributors`` of type 'Editor' as
  editors;
- the date ``Issued`` (else ``Available``, ``Created``, then ``publicationYear``);
- where it appeared: the container (``container``, or a ``relatedItems`` entry that the record
  ``IsPublishedIn``) with its volume, issue, pages and ISSN; else, for data, software and preprints,
  the ``publisher``: the repository that holds it ('Zenodo');
- ``descriptions`` of type 'Abstract', ``subjects``, ``language``; ``version`` (the release); the
  DOIs of ``relatedIdentifiers`` kept with their relation ('IsSupplementTo', 'IsVersionOf'), and
  those that name another version of the same work ('IsVersionOf' a Zenodo concept DOI,
  'HasVersion', 'IsPreprintOf', ...) as its other versions, which join it to them, and the works
  it supplements ('IsSupplementTo': the paper a data set or code was deposited for) or that
  supplement it ('IsSupplementedBy').

A record without a title is set aside; a document that is not JSON, or holds no DataCite record, is
an error with its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .. import identifiers as ids
from ..names import parse_name
from ..records import Identifier, Kind, PartialDate, PersonName, Record, Venue
from ..text import clean_whitespace
from . import SourceContext, SourceFormat, json_value
from .csljson import Located, elements, json_records
from .fields import PREPRINT_VENUE, add_doi, add_standard_numbers

# DataCite schema 4.5's resourceTypeGeneral values that name a kind kg knows; the rest ('Image',
# 'Audiovisual', 'Model', 'Workflow', 'Collection', 'Other', ...) are 'other'.
_GENERAL = {
    "dataset": Kind.DATASET, "software": Kind.SOFTWARE, "computationalnotebook": Kind.SOFTWARE,
    "journalarticle": Kind.JOURNAL, "datapaper": Kind.JOURNAL, "conferencepaper": Kind.CONFERENCE,
    "conferenceproceeding": Kind.PROCEEDINGS, "preprint": Kind.PREPRINT, "book": Kind.BOOK,
    "bookchapter": Kind.CHAPTER, "dissertation": Kind.THESIS, "report": Kind.REPORT,
    "standard": Kind.REPORT,
}
# Free-text resource types under 'Text' (as Zenodo wrote them before schema 4.4), by their words.
_TEXT_TYPES = [
    (re.compile(r"\bpreprint\b|\bworking paper\b", re.IGNORECASE), Kind.PREPRINT),
    (re.compile(r"\bconference (?:paper|contribution)\b|\bproceedings (?:paper|article)\b",
                re.IGNORECASE), Kind.CONFERENCE),
    (re.compile(r"\b(?:journal )?article\b", re.IGNORECASE), Kind.JOURNAL),
    (re.compile(r"\bbook (?:chapter|section|part)\b", re.IGNORECASE), Kind.CHAPTER),
    (re.compile(r"^book$", re.IGNORECASE), Kind.BOOK),
    (re.compile(r"\bthesis\b|\bdissertation\b", re.IGNORECASE), Kind.THESIS),
    (re.compile(r"\breport\b|\btechnical note\b", re.IGNORECASE), Kind.REPORT),
]
_DATES = ("issued", "available", "created")
_CONTAINER_RELATIONS = {"ispublishedin"}
_RELATIONS_KEPT = {"issupplementto", "issupplementedby", "isversionof", "isnewversionof", "ispreviousversionof",
                   "isidenticalto", "isderivedfrom", "ispartof", "isdescribedby", "ispreprintof"}
# Relations that name another version of the same work: Zenodo's releases name their concept DOI
# ('IsVersionOf') and one another; a preprint names its paper.
_VERSION_RELATIONS = {"isversionof", "hasversion", "isnewversionof", "ispreviousversionof",
                      "isidenticalto", "ispreprintof", "haspreprint"}
_STANDARD_SCHEMES = {"issn": "issn", "eissn": "issn", "isbn": "isbn"}
_PLAIN_SCHEMES = {"arxiv": "arxiv", "pmid": "pmid", "pmcid": "pmcid", "url": "url"}


def _text(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, dict):  # schema 4.5: a publisher is {'name': ..., 'publisherIdentifier': ...}
        value = value.get("name")
    return clean_whitespace(value) or None if isinstance(value, str) else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def is_record(value: Any) -> bool:
    """DataCite JSON: titles and creators as lists of objects, beside a DataCite key of its own."""
    return (isinstance(value, dict) and isinstance(value.get("titles"), list)
            and isinstance(value.get("creators"), list)
            and any(k in value for k in ("publicationYear", "types", "publisher", "schemaVersion",
                                         "doi", "identifiers")))


def _records(doc: Any) -> Iterator[tuple[None, int | None, Any]]:
    """(no map key, offset, attributes) of each record: under the API's 'data' (one or a list),
    or bare."""
    if isinstance(doc, dict) and "data" in doc:
        for offset, item in elements(doc["data"]):
            attributes = item.get("attributes") if isinstance(item, dict) else None
            if isinstance(attributes, dict) and "doi" not in attributes and item.get("id"):
                attributes = Located(attributes, doi=item["id"])
            yield None, offset, attributes if attributes is not None else item
    else:
        yield from ((None, offset, item) for offset, item in elements(doc))


def _title(item: dict[str, Any]) -> tuple[str | None, str | None]:
    """The main title with its subtitle, and the main title as printed."""
    main = sub = None
    for t in _list(item.get("titles")):
        if not isinstance(t, dict):
            continue
        kind = str(t.get("titleType") or "").lower()
        if not kind and main is None:
            main = _text(t.get("title"))
        elif kind == "subtitle" and sub is None:
            sub = _text(t.get("title"))
    if main and sub and sub.lower() not in main.lower():
        return f"{main}: {sub}", main
    return main, main


def _orcid(person: dict[str, Any]) -> str | None:
    """The ORCID iD among a name's identifiers (or its ``id``, as commonmeta writes it)."""
    if "orcid.org/" in str(person.get("id") or ""):
        found = ids.orcid(str(person["id"]))
        if found:
            return found
    for n in _list(person.get("nameIdentifiers")):
        if isinstance(n, dict) and str(n.get("nameIdentifierScheme") or "").upper() == "ORCID":
            found = ids.orcid(str(n.get("nameIdentifier") or ""))
            if found:
                return found
    return None


def _person(value: Any) -> PersonName | None:
    """A creator or contributor: a personal name by its parts, else its name; an organization (or
    a name of no stated type without parts) as printed."""
    if not isinstance(value, dict):
        return None
    family, given = _text(value.get("familyName")) or "", _text(value.get("givenName")) or ""
    name = _text(value.get("name")) or _text(value.get("creatorName")) or ""
    organization = str(value.get("nameType") or "").lower() == "organizational"
    if family or given:
        found = PersonName(printed=f"{given} {family}".strip(), given=given, family=family)
    elif name and not organization and ("," in name or value.get("nameType")):
        found = parse_name(name, latex=False)  # 'Fenner, Martin'
    elif name:
        found = PersonName(printed=name, family=name)
    else:
        return None
    orcid = _orcid(value)
    if orcid:
        found = found.model_copy(update={"identifier": ids.person_id("orcid", orcid)})
    return found


def _date(item: dict[str, Any], ctx: SourceContext, line: int, key: str) -> PartialDate | None:
    dates = {str(d.get("dateType") or "").lower(): _text(d.get("date"))
             for d in reversed(_list(item.get("dates"))) if isinstance(d, dict)}
    for name in _DATES:
        raw = dates.get(name)
        m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", raw or "")
        if m:
            year, month, day = (int(g) if g else None for g in m.groups())
            try:
                return PartialDate(year=year, month=month, day=day if month else None)
            except ValueError:
                ctx.warn(line, f"record {key!r}: date {raw!r} is no calendar date; read to the year")
                return PartialDate(year=year)
        if raw:
            ctx.warn(line, f"record {key!r}: {name} date {raw!r} not understood")
    year = _text(item.get("publicationYear"))
    if year and re.fullmatch(r"\d{4}", year):
        return PartialDate(year=int(year))
    if year:
        ctx.warn(line, f"record {key!r}: publicationYear {year!r} is not a year")
    return None


def _kind(item: dict[str, Any]) -> Kind:
    types = item.get("types") if isinstance(item.get("types"), dict) else {}
    general = re.sub(r"[\s_-]", "", str(types.get("resourceTypeGeneral") or "")).lower()
    if general in _GENERAL:
        return _GENERAL[general]
    if general in ("text", ""):
        specific = _text(types.get("resourceType")) or ""
        for pattern, kind in _TEXT_TYPES:
            if pattern.search(specific):
                return kind
    return Kind.OTHER


def _container(item: dict[str, Any]) -> dict[str, Any] | None:
    """Where the record was published: the API's 'container', or the related item it is published in."""
    for related in _list(item.get("relatedItems")):
        if isinstance(related, dict) and str(related.get("relationType") or "").lower() \
                in _CONTAINER_RELATIONS:
            titles = [t for t in _list(related.get("titles")) if isinstance(t, dict)]
            ident = related.get("relatedItemIdentifier")
            ident = ident if isinstance(ident, dict) else {}
            return {"title": _text(titles[0].get("title")) if titles else None,
                    "type": related.get("relatedItemType"),
                    "identifier": ident.get("relatedItemIdentifier"),
                    "identifierType": ident.get("relatedItemIdentifierType"),
                    **{k: related.get(k) for k in ("volume", "issue", "firstPage", "lastPage",
                                                   "publisher")}}
    container = item.get("container")
    return container if isinstance(container, dict) and container.get("title") else None


def _venue(item: dict[str, Any], kind: Kind, record: Record) -> Venue | None:
    publisher = _text(item.get("publisher"))
    container = _container(item)
    if container and _text(container.get("title")):
        first, last = _text(container.get("firstPage")), _text(container.get("lastPage"))
        scheme = str(container.get("identifierType") or "").lower()
        if scheme in _STANDARD_SCHEMES:
            add_standard_numbers(record, _STANDARD_SCHEMES[scheme], _text(container.get("identifier")))
        return Venue(name=_text(container["title"]) or "", volume=_text(container.get("volume")),
                     issue=_text(container.get("issue")),
                     pages=f"{first}–{last}" if first and last and first != last else first,
                     publisher=_text(container.get("publisher")) or publisher)
    if publisher and kind in (Kind.DATASET, Kind.SOFTWARE, Kind.PREPRINT, Kind.REPORT, Kind.THESIS,
                              Kind.OTHER):
        return Venue(name=publisher, publisher=publisher)  # the repository, institution or school
    return None


def _identifiers(record: Record, item: dict[str, Any], doi: str | None) -> None:
    add_doi(record, doi)
    for entry in _list(item.get("identifiers")) + _list(item.get("alternateIdentifiers")):
        if not isinstance(entry, dict):
            continue
        scheme = str(entry.get("identifierType") or entry.get("alternateIdentifierType") or "").lower()
        value = _text(entry.get("identifier") or entry.get("alternateIdentifier"))
        if not value or scheme == "doi":
            continue
        if scheme in _STANDARD_SCHEMES:
            add_standard_numbers(record, _STANDARD_SCHEMES[scheme], value)
        elif scheme == "arxiv":
            a = ids.arxiv(value)
            if a:
                record.add_identifier("arxiv", str(a), a.version)
        elif scheme in _PLAIN_SCHEMES:
            record.add_identifier(_PLAIN_SCHEMES[scheme], value)
    url = _text(item.get("url"))
    if url and url.startswith(("http://", "https://")):
        record.add_identifier("url", url)
    if doi:
        a = ids.arxiv(ids.arxiv_of_doi(doi) or "") if ids.arxiv_of_doi(doi) else None
        if a:
            record.add_identifier("arxiv", str(a), a.version)


def _doi(item: dict[str, Any]) -> str | None:
    for value in (item.get("doi"), item.get("id")):
        text = _text(value)
        if text and ids.doi(text):
            return text
    for entry in _list(item.get("identifiers")):
        if isinstance(entry, dict) and str(entry.get("identifierType") or "").lower() == "doi":
            text = _text(entry.get("identifier"))
            if text and ids.doi(text):
                return text
    return None


def record_from(item: Any, key: str, line: int, ctx: SourceContext, raw: str = "") -> Record | None:
    """One DataCite record; one that is not an object, or has no title, is set aside."""
    if not isinstance(item, dict):
        ctx.error(line, f"record {key!r} is not a JSON object; set aside")
        return None
    title, printed = _title(item)
    if not title:
        ctx.error(line, f"record {key!r} has no title (titles without a titleType); set aside")
        return None
    authors = [p for p in map(_person, _list(item.get("creators"))) if p]
    editors = [p for c in _list(item.get("contributors"))
               if isinstance(c, dict) and str(c.get("contributorType") or "").lower() == "editor"
               for p in [_person(c)] if p]
    kind = _kind(item)
    record = Record(source=ctx.source, key=key, line=line, raw=raw, title=title,
                    title_printed=printed or title, authors=authors, date=_date(item, ctx, line, key),
                    kind=kind, entry_type=_type_name(item),
                    abstract=next((_text(d.get("description")) for d in _list(item.get("descriptions"))
                                   if isinstance(d, dict)
                                   and str(d.get("descriptionType") or "").lower() == "abstract"
                                   and _text(d.get("description"))), None),
                    subjects=list(dict.fromkeys(
                        s for s in (_text(x.get("subject")) if isinstance(x, dict) else _text(x)
                                    for x in _list(item.get("subjects"))) if s)))
    noted = len(record.warnings)
    _identifiers(record, item, _doi(item))
    venue = _venue(item, kind, record)
    ctx.left_out(line, f"record {key!r}", record.warnings[noted:])
    if venue is not None:
        record.venue = venue.model_copy(update={"editors": tuple(editors)}) if editors else venue
        if kind == Kind.OTHER and PREPRINT_VENUE.search(venue.name):
            record.kind = Kind.PREPRINT
    if _text(item.get("language")):
        record.extra["language"] = _text(item.get("language"))
    record.release = _text(item.get("version"))
    related = [[str(r.get("relationType")), _text(r.get("relatedIdentifier"))]
               for r in _list(item.get("relatedIdentifiers")) if isinstance(r, dict)
               and str(r.get("relatedIdentifierType") or "").upper() == "DOI"
               and _text(r.get("relatedIdentifier"))]
    kept = [r for r in related if r[0].lower() in _RELATIONS_KEPT | _VERSION_RELATIONS]
    if kept:
        record.extra["related"] = kept
    def named(relations: set[str]) -> tuple[Identifier, ...]:
        return tuple(dict.fromkeys(
            Identifier(scheme="doi", value=doi) for relation, value in related
            if relation.lower() in relations and (doi := ids.doi(value or "")) and doi not in
            record.ids("doi")))

    record.other_versions = named(_VERSION_RELATIONS)
    record.supplements = named({"issupplementto"})
    record.supplemented_by = named({"issupplementedby"})
    if not authors:
        record.warnings.append("no authors")
    return record


def _type_name(item: dict[str, Any]) -> str | None:
    types = item.get("types") if isinstance(item.get("types"), dict) else {}
    names = [n for n in (_text(types.get("resourceTypeGeneral")), _text(types.get("resourceType")))
             if n]
    return " / ".join(dict.fromkeys(names)) or None


def _key(item: Any, _map_key: None, n: int) -> str:
    doi = _doi(item) if isinstance(item, dict) else None
    return (ids.doi(doi) or doi) if doi else f"record-{n}"


def parse(text: str, ctx: SourceContext) -> Iterator[Record]:
    yield from json_records(text, ctx, _records, _key, record_from, noun="record",
                            shape="a DataCite record",
                            again="DOI {key} appears again: the later record is read as key {again!r}",
                            nothing="no DataCite records: expected DataCite JSON (creators, titles, ...) "
                                    "or the REST API's {'data': ...}")


def detect(text: str) -> float:
    """High for DataCite JSON or a DataCite REST API document."""
    if text.lstrip()[:1] not in ("[", "{"):
        return 0.0
    try:
        doc = json_value(text)
    except (ValueError, RecursionError):
        return 0.0
    if isinstance(doc, dict) and "data" in doc:
        data = doc["data"]
        first = data[0] if isinstance(data, list) and data else data
        if isinstance(first, dict) and first.get("type") == "dois" and isinstance(
                first.get("attributes"), dict):
            return 0.95
        return 0.0
    first = doc[0] if isinstance(doc, list) and doc else doc
    return 0.95 if is_record(first) else 0.0


FORMAT = SourceFormat(
    name="datacite",
    parse=parse,
    description="DataCite JSON (Zenodo, figshare, the DataCite REST API): data sets, software and "
                "papers by DOI",
    suffixes=(".json",),
    aliases=("datacite-json", "zenodo"),
    detect=detect,
)
