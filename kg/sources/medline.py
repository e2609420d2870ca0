"""PubMed's MEDLINE format ('PubMed' format, .nbib or .txt: what PubMed's "Save" and "Send to:
Citation manager" write), as the NLM documents its elements
(https://www.nlm.nih.gov/bsd/mms/medlineelements.html).

Each record starts at its ``PMID-`` line; a line is a tag of up to four letters padded to four, a
hyphen and the value (``TI  - ...``, ``FAU - Doe, Jane``), and a line that starts with six spaces
continues the one above. The reader takes:

- ``PMID`` (the record key, and a ``pmid`` identifier), ``PMC`` (``pmcid``);
- ``TI`` (or a book's ``BTI``), ``AB``; ``FAU`` in order ("Last, First M"; ``AU`` when there is no
  ``FAU``), with the ``AUID`` ORCID iD that follows an author, and ``CN`` for a group author;
- ``JT`` (the journal), ``TA`` (its NLM abbreviation, another printed form), ``IS`` ("1532-4435
  (Electronic)"), ``VI``, ``IP``, ``PG`` ("123-30": PubMed leaves out the end page's leading digits,
  which are restored), ``DP`` ("2020 Jan 15", "2020 Jan-Feb", "2020 Spring", "2020");
- ``LID``/``AID`` ("10.1038/x [doi]"), ``PT`` ("Preprint" makes a preprint; ``BTI`` a book or chapter),
  ``OT`` and ``MH`` as subjects, ``LA``.

Lines that are neither a tag nor a continuation, text before the first record, a record without a
title and a repeated PMID are reported with their line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import identifiers as ids
from ..names import parse_name
from ..records import Kind, PartialDate, PersonName, Record, Venue
from ..text import clean_whitespace
from . import SourceContext, SourceFormat
from .csljson import fresh_key
from .fields import MONTHS, PREPRINT_VENUE, add_doi, add_standard_numbers

_LINE = re.compile(r"^([A-Z][A-Z0-9]{1,3}) {0,3}- ?(.*)$")  # 'PMID- 123', 'TI  - ...', 'FAU - ...'
_CONTINUED = re.compile(r"^ {6}(\S.*)$")
_START = re.compile(r"^\ufeff?\s*PMID- ?\d+")
_DATE = re.compile(r"^(\d{4})(?:\s+([A-Za-z]{3})[a-z]*(?:\s+(\d{1,2}))?)?")
_LOCATION = re.compile(r"^(\S+)\s*\[(doi|pii)\]$", re.IGNORECASE)
_SHORT_NAME = re.compile(r"^(.*\S)\s+([A-Z]{1,4})$")  # AU: 'Roe RA'
_SUBTITLE = " : "  # the NLM catalog's journal titles: 'bioRxiv : the preprint server for biology'


def _records(text: str, ctx: SourceContext) -> Iterator[tuple[int, int, list[tuple[str, str, int]], str]]:
    """(first line, last line, its (tag, value, line) fields, its raw text) of each record."""
    start: int | None = None
    fields: list[tuple[str, str, int]] = []
    raw: list[str] = []
    last = 0
    stray_at: int | None = None
    for n, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip().lstrip("\ufeff")
        m = _LINE.match(line)
        if m and m.group(1) == "PMID":
            if start is not None:
                yield start, last, fields, "\n".join(raw).strip()
            start, fields, raw = n, [], []
        if start is None:
            if line.strip() and stray_at is None:
                stray_at = n
                ctx.warn(n, "text before the first record (PMID- line); skipped")
            continue
        raw.append(line)
        if not line.strip():
            continue
        last = n
        c = _CONTINUED.match(line)
        if c and fields:
            tag, value, at = fields[-1]
            fields[-1] = (tag, f"{value} {c.group(1)}", at)
        elif m:
            fields.append((m.group(1), m.group(2).strip(), n))
        else:
            ctx.warn(n, f"line not understood (no tag, no continuation): {line.strip()[:60]!r}; skipped")
    if start is not None:
        yield start, last, fields, "\n".join(raw).strip()


def parse(text: str, ctx: SourceContext) -> Iterator[Record]:
    seen: set[str] = set()
    found = False
    for first, last, fields, raw in _records(text, ctx):
        found = True
        pmid = next((v for t, v, _ in fields if t == "PMID"), "")
        key = fresh_key(pmid or f"line-{first}", seen, ctx, first,
                        "PMID {key} appears again: the later record is read as key {again!r}")
        record = fields_to_record(fields, key, first, last, raw, ctx, pmid=pmid)
        if record is not None:
            yield record
    if not found:
        ctx.error(1, "no MEDLINE records: expected records that start with a 'PMID- ' line")


def _values(fields: list[tuple[str, str, int]], tag: str) -> list[str]:
    return [clean_whitespace(v) for t, v, _ in fields if t == tag and v.strip()]


def _first(fields: list[tuple[str, str, int]], tag: str) -> str | None:
    found = _values(fields, tag)
    return found[0] if found else None


def _authors(fields: list[tuple[str, str, int]], ctx: SourceContext, key: str) -> list[PersonName]:
    """FAU (else AU) names in order, each with the ORCID iD of the AUID line after it; CN as printed."""
    full = any(t == "FAU" for t, _, _ in fields)
    names: list[PersonName] = []
    for tag, value, line in fields:
        if tag == "CN":
            names.append(PersonName(printed=value, family=value))
        elif tag == ("FAU" if full else "AU"):
            short = _SHORT_NAME.match(value) if tag == "AU" else None
            if short:  # 'Roe RA': family name, then the initials without dots
                value = f"{short.group(1)}, {' '.join(c + '.' for c in short.group(2))}"
            names.append(parse_name(value, latex=False))
        elif tag == "AUID" and names and value.upper().startswith("ORCID"):
            orcid = ids.orcid(value.split(":", 1)[-1].strip())
            if orcid is None:
                ctx.warn(line, f"record {key}: AUID {value!r} is no valid ORCID iD; ignored")
            else:
                names[-1] = names[-1].model_copy(update={"identifier": ids.person_id("orcid", orcid)})
    return names


def pages(text: str | None) -> str | None:
    """A MEDLINE page range with the end page's leading digits restored ('123-30' is 123–130).

    >>> pages("123-30"), pages("e1001-e1010"), pages("95")
    ('123–130', 'e1001–e1010', '95')
    """
    if not text:
        return None
    first, sep, end = text.partition("-")
    if sep and first.isdigit() and end.isdigit() and len(end) < len(first):
        end = first[: len(first) - len(end)] + end
    return f"{first}–{end}" if sep else text


def _date(text: str | None, ctx: SourceContext, line: int, key: str) -> PartialDate | None:
    if not text:
        return None
    m = _DATE.match(text)
    if not m:
        ctx.warn(line, f"record {key}: DP {text!r} is not a date")
        return None
    month = MONTHS.get(m.group(2).lower()) if m.group(2) else None  # 'Spring', 'Winter': the year
    day = int(m.group(3)) if m.group(3) and month else None
    try:
        return PartialDate(year=int(m.group(1)), month=month, day=day)
    except ValueError:
        ctx.warn(line, f"record {key}: DP {text!r} is no calendar date; read to the year")
        return PartialDate(year=int(m.group(1)))


def fields_to_record(fields: list[tuple[str, str, int]], key: str, line: int, end_line: int, raw: str,
                     ctx: SourceContext, *, pmid: str = "") -> Record | None:
    """One MEDLINE record; a record without a title is set aside."""
    title = _first(fields, "TI") or _first(fields, "BTI")
    if not title:
        ctx.error(line, f"record {key} has no title (TI); set aside")
        return None
    types = {t.lower() for t in _values(fields, "PT")}
    journal = _first(fields, "JT")
    if "preprint" in types or (journal and PREPRINT_VENUE.search(journal)):
        kind = Kind.PREPRINT
    elif "dataset" in types:
        kind = Kind.DATASET
    elif _first(fields, "BTI"):
        kind = Kind.CHAPTER if _first(fields, "TI") else Kind.BOOK
    else:
        kind = Kind.JOURNAL
    venue = None
    printed = journal or (_first(fields, "BTI") if kind == Kind.CHAPTER else None)
    if printed:
        # A journal's subtitle ('... : official publication of ...') is no part of its name.
        name = printed.split(_SUBTITLE, 1)[0] if journal else printed
        others = [n for n in (printed, _first(fields, "TA")) if n and n != name]
        venue = Venue(name=name, volume=_first(fields, "VI"), issue=_first(fields, "IP"),
                      pages=pages(_first(fields, "PG")), publisher=_first(fields, "PB"),
                      printed=tuple(dict.fromkeys(others)))
    date_line = next((at for t, _, at in fields if t == "DP"), line)
    record = Record(
        source=ctx.source, key=key, line=line, end_line=end_line, raw=raw, title=title.rstrip("."),
        title_printed=title, authors=_authors(fields, ctx, key), venue=venue,
        date=_date(_first(fields, "DP"), ctx, date_line, key), abstract=_first(fields, "AB"),
        entry_type=", ".join(_values(fields, "PT")) or None, kind=kind,
        subjects=list(dict.fromkeys(_values(fields, "OT") + _values(fields, "MH"))),
    )
    if pmid.isdigit():
        record.add_identifier("pmid", pmid)
    pmc = _first(fields, "PMC")
    if pmc:
        record.add_identifier("pmcid", pmc)
    noted = len(record.warnings)
    for value in _values(fields, "LID") + _values(fields, "AID"):
        m = _LOCATION.match(value)
        if m and m.group(2).lower() == "doi" and not record.first_id("doi"):
            add_doi(record, m.group(1))
    for value in _values(fields, "IS"):  # '1532-4435 (Electronic)', '0893-133X (Linking)'
        add_standard_numbers(record, "isbn" if kind in (Kind.BOOK, Kind.CHAPTER) else "issn",
                             re.sub(r"\s*\([^)]*\)\s*$", "", value))
    ctx.left_out(line, f"record {key}", record.warnings[noted:])
    language = _first(fields, "LA")
    if language:
        record.extra["LA"] = language
    if not record.authors:
        record.warnings.append("no authors")
    return record


def detect(text: str) -> float:
    """High when the document opens with a PMID line, as every PubMed export does."""
    return 0.95 if _START.match(text[:200]) else 0.0


FORMAT = SourceFormat(
    name="medline",
    parse=parse,
    description="PubMed's MEDLINE format (.nbib, 'Send to: Citation manager'): PMID, FAU, JT, DP, LID",
    suffixes=(".nbib", ".medline"),
    aliases=("pubmed", "nbib"),
    detect=detect,
)
