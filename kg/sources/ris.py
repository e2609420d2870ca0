"""RIS, the tagged format reference managers and databases export (EndNote, Zotero, Mendeley, Scopus,
Web of Science, IEEE Xplore, PubMed's RIS).

Each entry runs from its ``TY  -`` line to its ``ER  -`` line; kg finds the entries and their lines
itself (so that every problem names a line), and rispy reads the tags of each entry: repeated tags
as lists, lines without a tag as the continuation of the one above. The mapping follows the RIS
specification and what the exporters write where it is loose:

- title ``TI`` (or ``T1``); authors ``AU`` (or ``A1``), "Last, First" or "Last, First, Suffix";
  editors ``A2``/``ED`` for a chapter's or paper's book;
- venue: a journal's ``T2``, ``JF``, ``JO``, ``JA``, ``J2`` (the first is its name, the others its
  abbreviations), a paper's or chapter's ``T2``, ``BT`` or ``C3``; the series ``T3``; a thesis's or
  report's ``PB``;
- ``PY``/``Y1``/``DA`` ("2020", "2020/05/03/", "2020///"); ``VL``, ``IS``, ``SP``–``EP``, ``PB``;
- ``DO``, ``UR`` (arXiv and DOI links recognised), ``SN`` (an ISSN or an ISBN, by its shape), arXiv
  ids in ``N1``/``M1`` ("arXiv: 2306.16788"), ``AB``/``N2``, ``KW``, ``ID`` as the record key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import rispy

from .. import identifiers as ids
from ..names import parse_name
from ..records import Kind, PartialDate, PersonName, Record, Venue
from ..text import clean_whitespace
from . import SourceContext, SourceFormat
from .csljson import fresh_key
from .fields import PREPRINT_VENUE, WORKSHOP, add_doi, add_standard_numbers

_TAG = re.compile(r"^([A-Z][A-Z0-9])  ?-(?: (.*))?$")  # 'TY  - JOUR'; some exporters write one space
_START = re.compile(r"^\ufeff?\s*TY  ?- \S")
# The header lines some databases write before the first entry (Web of Science, ProQuest, EBSCO).
_HEADER = re.compile(r"^\ufeff?(?:(?:Provider|Database|Content)\s*:.*|Record\s+\d+\s+of\s+\d+\s*)$",
                     re.IGNORECASE)
_KINDS = {
    **dict.fromkeys(("JOUR", "JFULL", "EJOUR", "MGZN", "NEWS", "INPR"), Kind.JOURNAL),
    **dict.fromkeys(("CONF", "CPAPER"), Kind.CONFERENCE),
    **dict.fromkeys(("CHAP", "ECHAP"), Kind.CHAPTER),
    **dict.fromkeys(("BOOK", "EBOOK", "EDBOOK"), Kind.BOOK),
    "THES": Kind.THESIS, "RPRT": Kind.REPORT, "DATA": Kind.DATASET, "COMP": Kind.SOFTWARE,
}
_JOURNAL_TITLES = ("secondary_title", "alternate_title3", "journal_name", "alternate_title2",
                   "alternate_title1")  # T2, JF, JO, JA, J2
_ET_AL = re.compile(r"^et\.? al\.?$", re.IGNORECASE)
_ARXIV_NOTE = re.compile(r"arxiv\s*:?\s*(\S+)", re.IGNORECASE)


def _entries(text: str, ctx: SourceContext) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, its lines) of each entry, TY to ER; text between entries is reported."""
    start: int | None = None
    lines: list[str] = []
    stray: int | None = None  # the first line of a run of text outside any entry
    n = 0
    for n, line in enumerate(text.split("\n"), start=1):
        m = _TAG.match(line.rstrip().lstrip("\ufeff"))
        tag = m.group(1) if m else None
        if tag == "TY":
            if stray is not None:
                ctx.warn(stray, "text outside an entry (not between TY and ER); skipped")
                stray = None
            if start is not None:
                ctx.warn(start, "entry has no ER line before the next TY; read up to it")
                yield start, n - 1, lines
            start, lines = n, [line.lstrip("\ufeff")]
        elif start is None:
            if line.strip() and stray is None and not _HEADER.match(line):
                stray = n
        else:
            lines.append(line)
            if tag == "ER":
                yield start, n, lines
                start, lines = None, []
    if stray is not None:
        ctx.warn(stray, "text outside an entry (not between TY and ER); skipped")
    if start is not None:
        ctx.warn(start, "entry has no ER line; read to the end of the document")
        yield start, n, lines


def parse(text: str, ctx: SourceContext) -> Iterator[Record]:
    seen: set[str] = set()
    found = False
    for n, (first, last, lines) in enumerate(_entries(text, ctx), start=1):
        found = True
        # Tag lines in the specification's form ('TY  - JOUR'), whatever spacing the exporter used.
        tagged = [(m, line) for line in lines for m in [_TAG.match(line.rstrip())]]
        body = "\n".join(f"{m.group(1)}  - {m.group(2) or ''}" if m else line for m, line in tagged)
        if not tagged[-1][0] or tagged[-1][0].group(1) != "ER":
            body += "\nER  - "
        try:
            (fields,) = rispy.loads(body)
        except Exception as exc:  # noqa: BLE001 - rispy's errors are not one type; the entry is set aside
            ctx.error(first, f"entry {n} is not readable RIS ({exc}); set aside")
            continue
        key = fresh_key(str(fields.get("id") or "").strip() or f"entry-{n}", seen, ctx, first,
                        "duplicate ID {key!r}: the later entry is read as key {again!r}")
        record = entry_to_record(fields, key, first, last, "\n".join(lines), ctx)
        if record is not None:
            yield record
    if not found:
        ctx.error(1, "no RIS entries: expected lines 'TY  - JOUR' ... 'ER  - '")


def _text(fields: dict[str, Any], name: str) -> str | None:
    value = fields.get(name)
    if isinstance(value, list):
        value = next((v for v in value if str(v).strip()), None)
    value = clean_whitespace(str(value)) if value is not None else ""
    return value or None


def _all(fields: dict[str, Any], *names: str) -> list[str]:
    out: list[str] = []
    for name in names:
        value = fields.get(name)
        for v in value if isinstance(value, list) else [value] if value else []:
            v = clean_whitespace(str(v))
            if v and v not in out:
                out.append(v)
    return out


def _unknown(fields: dict[str, Any], tag: str) -> list[str]:
    return [clean_whitespace(v) for v in (fields.get("unknown_tag") or {}).get(tag, []) if v.strip()]


def _people(values: list[str]) -> tuple[list[PersonName], bool]:
    """RIS names ('Last, First', 'Last, First, Suffix', or as printed) and whether 'et al.' ended them."""
    found: list[PersonName] = []
    truncated = False
    for value in values:
        if _ET_AL.match(value):
            truncated = True
            continue
        name = parse_name(value, latex=False)  # knows RIS's suffix-last 'Last, First, Suffix' too
        if name.family or name.given:
            found.append(name)
    return found, truncated


def _date(fields: dict[str, Any], ctx: SourceContext, line: int, key: str) -> PartialDate | None:
    for name, tag in (("date", "DA"), ("year", "PY"), ("publication_year", "Y1")):
        raw = _text(fields, name)
        if not raw:
            continue
        m = re.match(r"^(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?", raw)
        if not m:
            ctx.warn(line, f"entry {key!r}: {tag} {raw!r} is not a date")
            continue
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(3) and month else None
        try:
            return PartialDate(year=int(m.group(1)), month=month, day=day)
        except ValueError:
            ctx.warn(line, f"entry {key!r}: {tag} {raw!r} is no calendar date; read to the year")
            return PartialDate(year=int(m.group(1)))
    return None


def _venue(fields: dict[str, Any], kind: Kind, ty: str) -> Venue | None:
    if kind == Kind.JOURNAL or ty == "UNPB":
        names = _all(fields, *_JOURNAL_TITLES)
    elif kind in (Kind.THESIS, Kind.REPORT, Kind.DATASET, Kind.SOFTWARE):
        names = _all(fields, "publisher")  # the school, the institution, the data's repository
    elif kind == Kind.BOOK:
        names = _all(fields, "tertiary_title", "secondary_title") or _all(fields, "publisher")
    else:
        names = [*_all(fields, "secondary_title"), *_unknown(fields, "BT"), *_all(fields, "custom3")]
    if not names:
        return None
    pages = _text(fields, "start_page")
    end = _text(fields, "end_page")
    if pages and end and end != pages:
        pages = f"{pages}–{end}"
    editors, _ = _people(_all(fields, "secondary_authors") + _unknown(fields, "ED")) \
        if kind in (Kind.CHAPTER, Kind.CONFERENCE, Kind.WORKSHOP, Kind.BOOK) else ([], False)
    return Venue(name=names[0], volume=_text(fields, "volume"), issue=_text(fields, "number"),
                 pages=pages, publisher=_text(fields, "publisher"),
                 series=_text(fields, "tertiary_title") if kind != Kind.BOOK else None,
                 printed=tuple(names[1:]), editors=tuple(editors))


def entry_to_record(fields: dict[str, Any], key: str, line: int, end_line: int, raw: str,
                    ctx: SourceContext) -> Record | None:
    """One RIS entry as a record; an entry without a title is set aside."""
    title = _text(fields, "title") or _text(fields, "primary_title")
    if not title:
        ctx.error(line, f"entry {key!r} has no title (TI or T1); set aside")
        return None
    ty = (_text(fields, "type_of_reference") or "").upper()
    kind = _KINDS.get(ty, Kind.OTHER)
    authors, truncated = _people(_all(fields, "authors", "first_authors"))
    venue = _venue(fields, kind, ty)
    record = Record(
        source=ctx.source, key=key, line=line, end_line=end_line, raw=raw, title=title,
        title_printed=title, authors=authors, authors_truncated=truncated, venue=venue,
        date=_date(fields, ctx, line, key),
        abstract=_text(fields, "abstract") or _text(fields, "notes_abstract"), entry_type=ty or None,
        subjects=[s for k in _all(fields, "keywords") for s in re.split(r"\s*;\s*", k) if s],
        release=_text(fields, "edition") if kind in (Kind.DATASET, Kind.SOFTWARE) else None,
    )
    noted = len(record.warnings)
    _identifiers(record, fields, kind)
    ctx.left_out(line, f"entry {key!r}", record.warnings[noted:])
    name = venue.name if venue else ""
    if record.first_id("arxiv") and (kind == Kind.OTHER or PREPRINT_VENUE.search(name)) \
            or (kind in (Kind.JOURNAL, Kind.OTHER) and PREPRINT_VENUE.search(name)):
        kind = Kind.PREPRINT
    elif kind == Kind.CONFERENCE and WORKSHOP.search(name):
        kind = Kind.WORKSHOP
    record.kind = kind
    for tag, field_name in (("LA", "language"), ("M3", "type_of_work")):
        value = _text(fields, field_name)
        if value:
            record.extra[tag] = value
    if not authors:
        record.warnings.append("no authors")
    return record


def _identifiers(record: Record, fields: dict[str, Any], kind: Kind) -> None:
    doi = _text(fields, "doi")
    add_doi(record, doi)
    for url in _all(fields, "urls"):
        if not url.startswith(("http://", "https://")):
            continue
        a = ids.arxiv(url) if "arxiv.org/" in url else None
        if a:  # with the version the link names
            record.add_identifier("arxiv", str(a), a.version)
        found = ids.classify_url(url)
        if found:
            record.add_identifier(*found)
        record.add_identifier("url", url)
    for text in [ids.arxiv_of_doi(record.first_id("doi")) or "",
                 *(m.group(1) for n in _all(fields, "notes", "note") if (m := _ARXIV_NOTE.search(n)))]:
        a = ids.arxiv(text) if text else None
        if a:
            record.add_identifier("arxiv", str(a), a.version)
            break
    for sn in _all(fields, "issn"):
        # SN holds a journal's ISSN or a book's ISBN: the shape tells which.
        if ids.isbns(sn)[0] or (kind not in (Kind.JOURNAL,) and not ids.issns(sn)[0]):
            add_standard_numbers(record, "isbn", sn)
        else:
            add_standard_numbers(record, "issn", sn)


def detect(text: str) -> float:
    """High when the document opens with a TY line, as RIS exports do, or with a database's header
    lines ('Provider: ...') and then one."""
    head = text[:2000].lstrip("\ufeff").split("\n")
    for line in head:
        if _START.match(line):
            return 0.95
        if line.strip() and not _HEADER.match(line):
            return 0.0
    return 0.0


FORMAT = SourceFormat(
    name="ris",
    parse=parse,
    description="RIS (.ris), as EndNote, Zotero, Mendeley, Scopus, Web of Science and PubMed export it",
    suffixes=(".ris",),
    aliases=("endnote-ris", "refman"),
    detect=detect,
)
