"""Scopus's CSV export (Export > CSV, with the citation and bibliographical information), one row per
document under a header of named columns.

The columns read: ``Author full names`` ("Zimmer, Max (57209876543); Spiegel, C. (57...)": each name
with its Scopus author ID, a person identifier), else ``Authors`` with ``Author(s) ID`` by position;
``Title``, ``Year``, ``Source title`` (and ``Abbreviated Source Title``, ``Conference name`` as other
printed forms), ``Volume``, ``Issue``, ``Art. No.``, ``Page start``/``Page end``, ``DOI``, ``Link``,
``Abstract``, ``Author Keywords``, ``Publisher``, ``ISSN``, ``ISBN``, ``PubMed ID``, ``Language of
Original Document``, ``Document Type`` and ``EID`` (the record key, and a ``scopus-eid`` identifier).
Other columns are ignored. A row that does not have the header's columns, and a row without a title,
are reported with their line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from .. import identifiers as ids
from ..names import parse_name
from ..records import Kind, PartialDate, PersonName, Record, Venue
from ..text import clean_whitespace
from . import SourceContext, SourceFormat
from .csljson import fresh_key
from .fields import PREPRINT_VENUE, WORKSHOP, add_doi, add_standard_numbers

_KINDS = {"article": Kind.JOURNAL, "review": Kind.JOURNAL, "letter": Kind.JOURNAL, "note": Kind.JOURNAL,
          "editorial": Kind.JOURNAL, "erratum": Kind.JOURNAL, "short survey": Kind.JOURNAL,
          "data paper": Kind.JOURNAL, "conference paper": Kind.CONFERENCE,
          "conference review": Kind.PROCEEDINGS, "book chapter": Kind.CHAPTER, "book": Kind.BOOK,
          "preprint": Kind.PREPRINT}
_REQUIRED = ("Title",)
_KNOWN = ("Authors", "Title", "Source title", "EID", "Link", "Document Type", "Year")
_FULL_NAME = re.compile(r"^(.*?)\s*\((\d+)\)$")  # 'Zimmer, Max (57209876543)'
_NO_ABSTRACT = re.compile(r"^\[no abstract available\]$", re.IGNORECASE)


def _rows(text: str, ctx: SourceContext) -> Iterator[tuple[int, int, dict[str, str]]]:
    """(first line, last line, row by column name) of each data row."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return
    except csv.Error as exc:
        ctx.error(1, f"the header is not CSV ({exc}); nothing read")
        return
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        ctx.error(1, f"the header has no column {', '.join(map(repr, missing))}; nothing read")
        return
    last = reader.line_num
    while True:
        first = last + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            ctx.error(first, f"row is not CSV ({exc}); set aside")
            last = reader.line_num
            continue
        last = reader.line_num
        if not any(v.strip() for v in row):
            continue
        if len(row) != len(header):
            ctx.warn(first, f"row has {len(row)} columns, the header {len(header)}; read by position")
        yield first, last, {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header)}


def parse(text: str, ctx: SourceContext) -> Iterator[Record]:
    seen: set[str] = set()
    found = False
    lines = text.split("\n")
    for n, (first, last, row) in enumerate(_rows(text, ctx), start=1):
        found = True
        key = fresh_key(row.get("EID") or f"row-{n}", seen, ctx, first,
                        "EID {key} appears again: the later row is read as key {again!r}")
        record = row_to_record(row, key, first, last, ctx, raw="\n".join(lines[first - 1:last]))
        if record is not None:
            yield record
    if not found and not ctx.report.errors:  # type: ignore[union-attr]
        ctx.error(1, "no rows under the header")


def _get(row: dict[str, str], name: str) -> str | None:
    value = clean_whitespace(row.get(name) or "")
    return value or None


def _authors(row: dict[str, str]) -> list[PersonName]:
    """Names with their Scopus author IDs: from 'Author full names', else 'Authors' and 'Author(s) ID'."""
    out: list[PersonName] = []
    full = _get(row, "Author full names")
    if full:
        for part in full.split(";"):
            part = part.strip()
            m = _FULL_NAME.match(part)
            name = parse_name(m.group(1) if m else part, latex=False)
            if m:
                name = name.model_copy(update={"identifier": ids.person_id("scopus", m.group(2))})
            if name.family or name.given:
                out.append(name)
        return out
    short = _get(row, "Authors") or ""
    if not short or short.lower() == "[no author name available]":
        return out
    # 'Zimmer M.; Spiegel C.' (since 2023), or 'Zimmer M., Spiegel C.' before.
    parts = short.split(";") if ";" in short else re.split(r"(?<=\.),\s+", short)
    author_ids = [v.strip() for v in (_get(row, "Author(s) ID") or "").split(";") if v.strip()]
    for i, part in enumerate(p.strip() for p in parts):
        m = re.match(r"^(.*\S)\s+((?:[A-Z]\.-?)+)$", part)  # 'Roe R.A.' = 'Roe, R. A.'
        name = parse_name(f"{m.group(1)}, {m.group(2)}" if m else part, latex=False)
        if i < len(author_ids) and author_ids[i].isdigit() and len(author_ids) == len(parts):
            name = name.model_copy(update={"identifier": ids.person_id("scopus", author_ids[i])})
        if name.family or name.given:
            out.append(name)
    return out


def row_to_record(row: dict[str, str], key: str, line: int, end_line: int,
                  ctx: SourceContext, *, raw: str = "") -> Record | None:
    """One Scopus row as a record; a row without a title is set aside."""
    title = _get(row, "Title")
    if not title:
        ctx.error(line, f"row {key} has no title; set aside")
        return None
    doc_type = _get(row, "Document Type") or ""
    kind = _KINDS.get(doc_type.lower(), Kind.OTHER)
    source = _get(row, "Source title")
    if kind == Kind.CONFERENCE and source and WORKSHOP.search(source):
        kind = Kind.WORKSHOP
    if kind in (Kind.JOURNAL, Kind.OTHER) and source and PREPRINT_VENUE.search(source):
        kind = Kind.PREPRINT
    venue = None
    if source:
        start, end = _get(row, "Page start"), _get(row, "Page end")
        pages = f"{start}–{end}" if start and end and start != end else start or _get(row, "Art. No.")
        others = [v for v in (_get(row, "Abbreviated Source Title"), _get(row, "Conference name"))
                  if v and v != source]
        venue = Venue(name=source, volume=_get(row, "Volume"), issue=_get(row, "Issue"), pages=pages,
                      publisher=_get(row, "Publisher"), printed=tuple(dict.fromkeys(others)))
    year = _get(row, "Year")
    date = None
    if year and year.isdecimal():
        date = PartialDate(year=int(year))
    elif year:
        ctx.warn(line, f"row {key}: Year {year!r} is not a year")
    abstract = _get(row, "Abstract")
    record = Record(
        source=ctx.source, key=key, line=line, end_line=end_line, title=title, title_printed=title,
        authors=_authors(row), venue=venue, date=date, kind=kind, entry_type=doc_type or None,
        abstract=None if abstract and _NO_ABSTRACT.match(abstract) else abstract,
        subjects=[s.strip() for s in (_get(row, "Author Keywords") or "").split(";") if s.strip()],
        raw=raw,
    )
    noted = len(record.warnings)
    add_doi(record, _get(row, "DOI"))
    for scheme, column in (("issn", "ISSN"), ("isbn", "ISBN")):
        for value in (_get(row, column) or "").split(";"):
            if value.strip():
                add_standard_numbers(record, scheme, value)
    pubmed = _get(row, "PubMed ID")
    if pubmed and pubmed.isdigit():
        record.add_identifier("pmid", pubmed)
    if key.startswith("2-s2.0-"):
        record.add_identifier("scopus-eid", key)
    link = _get(row, "Link")
    if link and link.startswith(("http://", "https://")):
        record.add_identifier("url", link)
    ctx.left_out(line, f"row {key}", record.warnings[noted:])
    language = _get(row, "Language of Original Document")
    if language:
        record.extra["language"] = language
    if not record.authors:
        record.warnings.append("no authors")
    return record


def detect(text: str) -> float:
    """High for CSV whose header names Scopus's columns: Title and at least three more of Authors,
    Source title, EID, Link, Document Type, Year."""
    head = text.lstrip("\ufeff").split("\n", 1)[0]
    if "," not in head:
        return 0.0
    try:
        columns = {c.strip() for c in next(csv.reader([head]))}
    except (csv.Error, StopIteration):
        return 0.0
    known = sum(1 for c in _KNOWN if c in columns)
    return 0.95 if "Title" in columns and known >= 4 else 0.0


FORMAT = SourceFormat(
    name="scopus-csv",
    parse=parse,
    description="Scopus CSV export: authors with Scopus author IDs, title, source, year, DOI, ISSN, EID",
    suffixes=(".csv",),
    aliases=("scopus",),
    detect=detect,
)
