"""OpenAlex works as its API and snapshot give them: one work (``/works/W…``), a page of a search
(``{"meta": ..., "results": [...]}``), or JSON Lines (the snapshot's files, one work per line).

The reader takes, per work:

- ``id`` ('https://openalex.org/W2741809807'): the record key and an ``openalex`` identifier; ``doi``
  and ``ids`` (``pmid``, ``pmcid``); an arXiv id from the primary location's landing page or arXiv's
  DOI, or, from another location (OpenAlex keeps a preprint and its article as one work), as
  another version the record names;
- ``title`` (else ``display_name``); ``publication_date`` (else ``publication_year``);
- ``authorships`` in order: the name as the work printed it (``raw_author_name``, else the author's
  ``display_name``), with the author's ORCID iD when OpenAlex gives one, else the OpenAlex author id
  (``openalex:A…``), which links and keeps apart persons as a Scopus author ID does: it is OpenAlex's
  own disambiguation; ``is_authors_truncated`` marks a list OpenAlex cut short;
- ``type`` (with ``type_crossref`` and the source's type): the kind; ``primary_location.source``
  (``display_name``, ``issn``, ``host_organization_name``) and ``biblio`` (volume, issue, pages):
  the venue;
- the abstract, rebuilt from ``abstract_inverted_index``; ``keywords``; ``language``; retraction.

A work without a title is set aside; a line of JSON Lines that is not JSON is reported with its
line and the other lines are read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from .. import identifiers as ids
from ..names import parse_name
from ..records import Identifier, Kind, PartialDate, Record, Venue
from ..text import clean_whitespace
from . import SourceContext, SourceFormat, json_value
from .csljson import LineIndex, Located, LocatedList, fresh_key, load_located, raw_json, shaped
from .fields import PREPRINT_VENUE, WORKSHOP, add_doi, add_standard_numbers

_WORK_ID = re.compile(r"^https?://openalex\.org/(W\d+)$", re.IGNORECASE)
_AUTHOR_ID = re.compile(r"^(?:https?://openalex\.org/)?(A\d+)$", re.IGNORECASE)
_KINDS = {
    "preprint": Kind.PREPRINT, "book-chapter": Kind.CHAPTER, "reference-entry": Kind.CHAPTER,
    "book": Kind.BOOK, "dissertation": Kind.THESIS, "report": Kind.REPORT, "standard": Kind.REPORT,
    "dataset": Kind.DATASET, "software": Kind.SOFTWARE,
}
_HOSTED = re.compile(r"^(.*\S)\s+\([^()]+\)$")
# Items a journal prints beside its articles: journal items when the source is a journal.
_JOURNAL_ITEMS = {"article", "review", "letter", "editorial", "erratum"}


def _text(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return clean_whitespace(value) or None if isinstance(value, str) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def is_work(value: Any) -> bool:
    return isinstance(value, dict) and bool(_WORK_ID.match(str(value.get("id") or "")))


def _abstract(index: Any) -> str | None:
    """The text of an inverted index ({'word': [positions]}), words in their places."""
    if not isinstance(index, dict) or not index:
        return None
    placed: dict[int, str] = {}
    for word, positions in index.items():
        for p in _list(positions):
            if isinstance(p, int) and not isinstance(p, bool) and 0 <= p < 1_000_000:
                placed[p] = word
    return clean_whitespace(" ".join(placed[p] for p in sorted(placed))) or None


def _date(work: dict[str, Any], ctx: SourceContext, line: int, key: str) -> PartialDate | None:
    raw = _text(work.get("publication_date"))
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", raw or "")
    if m:
        try:
            return PartialDate(year=int(m.group(1)), month=int(m.group(2)), day=int(m.group(3)))
        except ValueError:
            ctx.warn(line, f"work {key}: publication_date {raw!r} is no calendar date; read to the year")
            return PartialDate(year=int(m.group(1)))
    if raw:
        ctx.warn(line, f"work {key}: publication_date {raw!r} not understood")
    year = _text(work.get("publication_year"))
    return PartialDate(year=int(year)) if year and re.fullmatch(r"\d{4}", year) else None


def _authors(work: dict[str, Any]) -> list:
    out = []
    for a in _list(work.get("authorships")):
        if not isinstance(a, dict):
            continue
        author = _dict(a.get("author"))
        printed = _text(a.get("raw_author_name")) or _text(author.get("display_name"))
        if not printed:
            continue
        name = parse_name(printed, latex=False)
        orcid = ids.orcid(str(author.get("orcid") or ""))
        own = _AUTHOR_ID.match(str(author.get("id") or ""))
        identifier = ids.person_id("orcid", orcid) if orcid else (
            ids.person_id("openalex", own.group(1).upper()) if own else None)
        if identifier:
            name = name.model_copy(update={"identifier": identifier})
        if name.family or name.given:
            out.append(name)
    return out


def _kind(work: dict[str, Any], source: dict[str, Any]) -> Kind:
    oa_type = str(work.get("type") or "").lower()
    crossref = str(work.get("type_crossref") or "").lower()
    source_type = str(source.get("type") or "").lower()
    name = _text(source.get("display_name")) or ""
    if oa_type in _KINDS:
        kind = _KINDS[oa_type]
    elif crossref == "proceedings-article" or source_type == "conference":
        kind = Kind.CONFERENCE
    elif crossref == "posted-content" or (oa_type == "article" and source_type == "repository"
                                          and PREPRINT_VENUE.search(name)):
        kind = Kind.PREPRINT
    elif oa_type in _JOURNAL_ITEMS and source_type in ("journal", ""):
        kind = Kind.JOURNAL
    else:
        kind = Kind.OTHER
    if kind == Kind.CONFERENCE and WORKSHOP.search(name):
        return Kind.WORKSHOP
    return kind


def _venue(work: dict[str, Any], source: dict[str, Any], record: Record) -> Venue | None:
    name = _text(source.get("display_name"))
    for issn in _list(source.get("issn")) or [source.get("issn_l")]:
        add_standard_numbers(record, "issn", _text(issn))
    if not name:
        return None
    printed: tuple[str, ...] = ()
    host = _HOSTED.match(name) if str(source.get("type") or "").lower() == "repository" else None
    if host:  # OpenAlex names a repository with its host: 'Zenodo (CERN European Organization ...)'
        name, printed = host.group(1), (name,)
    biblio = _dict(work.get("biblio"))
    first, last = _text(biblio.get("first_page")), _text(biblio.get("last_page"))
    return Venue(name=name, volume=_text(biblio.get("volume")), issue=_text(biblio.get("issue")),
                 pages=f"{first}–{last}" if first and last and first != last else first,
                 publisher=_text(source.get("host_organization_name")), printed=printed)


def _identifiers(work: dict[str, Any], record: Record) -> None:
    given = _dict(work.get("ids"))
    doi = _text(work.get("doi")) or _text(given.get("doi"))
    add_doi(record, doi)
    own = _WORK_ID.match(str(work.get("id") or ""))
    if own:
        record.add_identifier("openalex", own.group(1).upper())
    pmid = re.search(r"(\d+)/?$", _text(given.get("pmid")) or "")
    if pmid:
        record.add_identifier("pmid", pmid.group(1))
    pmcid = re.search(r"(PMC\d+)/?$", _text(given.get("pmcid")) or "", re.IGNORECASE)
    if pmcid:
        record.add_identifier("pmcid", pmcid.group(1).upper())
    primary = _text(_dict(work.get("primary_location")).get("landing_page_url"))
    others = [_text(_dict(loc).get("landing_page_url")) for loc in _list(work.get("locations"))]
    # The arXiv id of the version this record describes (its primary location, or arXiv's DOI)...
    for text in [primary if primary and "arxiv.org/" in primary else None, ids.arxiv_of_doi(doi or "")]:
        a = ids.arxiv(text) if text else None
        if a:
            record.add_identifier("arxiv", str(a), a.version)
            break
    # ... and that of another version among the work's other locations (OpenAlex keeps a
    # preprint and its journal article as one work): named, so that it joins that version.
    if not record.ids("arxiv"):
        for text in (u for u in others if u and "arxiv.org/" in u):
            a = ids.arxiv(text)
            if a:
                record.other_versions += (Identifier(scheme="arxiv", value=str(a)),)
                break
    # The page of the version described (another location's is another version's); a DOI's
    # resolver is no page of its own.
    if primary and primary.startswith(("http://", "https://")) and "doi.org/" not in primary:
        record.add_identifier("url", primary)


def work_to_record(work: Any, key: str, line: int, ctx: SourceContext, raw: str = "") -> Record | None:
    """One OpenAlex work; one that is not an object, or has no title, is set aside."""
    if not isinstance(work, dict):
        ctx.error(line, f"work {key} is not a JSON object; set aside")
        return None
    title = _text(work.get("title")) or _text(work.get("display_name"))
    if not title:
        ctx.error(line, f"work {key} has no title; set aside")
        return None
    source = _dict(_dict(work.get("primary_location")).get("source"))
    authors = _authors(work)
    if "authorships" in work and not isinstance(work["authorships"], list):
        ctx.warn(line, f"work {key}: authorships is not a list; read without authors")
    record = Record(source=ctx.source, key=key, line=line, raw=raw, title=title, title_printed=title,
                    authors=authors, authors_truncated=work.get("is_authors_truncated") is True,
                    date=_date(work, ctx, line, key), kind=_kind(work, source),
                    entry_type=_text(work.get("type")), abstract=_abstract(
                        work.get("abstract_inverted_index")),
                    subjects=list(dict.fromkeys(
                        s for s in (_text(_dict(k).get("display_name"))
                                    for k in _list(work.get("keywords"))) if s)))
    noted = len(record.warnings)
    _identifiers(work, record)
    record.venue = _venue(work, source, record)
    ctx.left_out(line, f"work {key}", record.warnings[noted:])
    if _text(work.get("language")):
        record.extra["language"] = _text(work.get("language")) or ""
    if work.get("is_retracted") is True:
        record.extra["retracted"] = "true"
    if not authors:
        record.warnings.append("no authors")
    return record


def _works(text: str, ctx: SourceContext) -> Iterator[tuple[int, Any, str]]:
    """(line, work, raw JSON) of each work: a JSON document's, or each line's of JSON Lines."""
    try:
        doc = load_located(text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            ctx.error(exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno}); nothing read")
            return
        doc = None
    except RecursionError:
        ctx.error(1, "JSON nested more deeply than the reader follows; nothing read")
        return
    if doc is None:  # JSON Lines: one work per line
        for n, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                yield n, load_located(line), line.strip()
            except (json.JSONDecodeError, RecursionError) as exc:
                ctx.error(n, f"line is not a JSON work ({getattr(exc, 'msg', 'nested too deeply')}); "
                             "set aside")
        return
    lines = LineIndex(text)
    items = doc.get("results") if isinstance(doc, dict) and "results" in doc else doc
    if isinstance(items, LocatedList):
        for offset, work in zip(items.offsets, items):
            yield lines.line(offset), work, raw_json(text, offset)
    elif isinstance(items, Located):
        yield lines.line(items.offset), items, raw_json(text, items.offset)
    elif isinstance(items, list):
        for work in items:
            yield 1, work, ""


def parse(text: str, ctx: SourceContext) -> Iterator[Record]:
    seen: set[str] = set()
    found = False
    for n, (line, work, raw) in enumerate(_works(text, ctx), start=1):
        found = True
        own = _WORK_ID.match(str(work.get("id") or "")) if isinstance(work, dict) else None
        key = fresh_key(own.group(1).upper() if own else f"work-{n}", seen, ctx, line,
                        "work {key} appears again: the later one is read as key {again!r}")
        record = shaped(ctx, line, f"work {key} does not have the shape of an OpenAlex work",
                        work_to_record, work, key, line, ctx, raw=raw)
        if record is not None:
            yield record
    if not found and not ctx.report.errors:  # type: ignore[union-attr]
        ctx.error(1, "no OpenAlex works: expected a work, a page of results or JSON Lines of works")


def detect(text: str) -> float:
    """High for an OpenAlex work, a page of them, or JSON Lines whose first line is one."""
    head = text.lstrip()
    if head[:1] not in ("[", "{"):
        return 0.0
    try:
        doc = json_value(text)
    except RecursionError:
        return 0.0
    except ValueError:
        try:
            doc = json.loads(head.split("\n", 1)[0])
        except (ValueError, RecursionError):
            return 0.0
    items = doc.get("results") if isinstance(doc, dict) and "results" in doc else doc
    first = items[0] if isinstance(items, list) and items else items
    return 0.95 if is_work(first) else 0.0


FORMAT = SourceFormat(
    name="openalex",
    parse=parse,
    description="OpenAlex works JSON (a work, a page of /works results, or the snapshot's JSON Lines): "
                "authors with OpenAlex ids and ORCID iDs, sources with ISSNs, DOIs",
    suffixes=(".json", ".jsonl"),
    aliases=("openalex-json",),
    detect=detect,
)
