"""Web of Science's exports as plain text ("savedrecs.txt": Export > Plain text file, full record) and
as tab-delimited text (Export > Tab delimited file), as Clarivate documents their field tags.

The file opens with ``FN`` and ``VR`` lines and ends with ``EF``; each record runs to its ``ER`` line.
A line is a two-letter tag, a space and the value; a line that starts with three spaces continues the
tag above, as another value for the fields that hold one per line (``AU``, ``AF``, ``C1``) and as more
of the text for the others. The reader takes:

- ``UT`` (the accession number, "WOS:000123456700001": the record key and a ``wos`` identifier);
- ``TI``, ``AB``; ``AF`` authors in order (``AU`` when there is no ``AF``), with their ORCID iDs from
  ``OI`` ("Doe, Jane/0000-0002-1825-0097; ...", matched by name);
- ``SO`` (the source; Web of Science prints it in capitals), ``JI`` (the ISO 4 abbreviation), ``CT``
  (a conference's title) and ``SE`` (a book series) as other printed forms; ``VL``, ``IS``,
  ``BP``–``EP`` or ``AR``; ``PY`` with ``PD`` ("JAN 15", "JAN-FEB", "SPR");
- ``DI``, ``SN``/``EI`` (print and electronic ISSN), ``BN`` (ISBN), ``PM`` (PubMed ID), ``PT`` and ``DT``
  (journal, book, series; article, proceedings paper, book chapter, review), ``DE`` keywords, ``LA``.

The tab-delimited export has the same tags as the header of its columns ("PT", "AU", ... "UT"), one
record per line, and a field's values separated by "; " where the plain text puts one per line; it
is read into the same fields, so both exports of a search give the same records. It is saved as UTF-8
with a byte-order mark ("Win, UTF-8"), UTF-16 ("Win"), or UTF-8 ("Mac"); each is decoded by its mark.

Unknown tags are ignored; a line that is neither a tag nor a continuation, text outside a record, a
row with more values than the header has columns, a record without a title and a repeated UT are
reported with their line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import identifiers as ids
from ..names import parse_name
from ..records import Kind, PartialDate, PersonName, Record, Venue
from ..text import clean_whitespace, fold
from . import SourceContext, SourceFormat
from .csljson import fresh_key
from .fields import MONTHS, PREPRINT_VENUE, WORKSHOP, add_doi, add_standard_numbers

_LINE = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")  # 'TI Title'; a tag alone has no value
_CONTINUED = re.compile(r"^   (\S.*)$")
_START = re.compile(r"^\ufeff?\s*(?:FN [^\n]*\n\s*VR |PT [A-Z]\s*\n)")
_PER_LINE = frozenset({"AU", "AF", "C1", "CR", "BE", "BF"})  # one value per line
_HEAD_TAGS = frozenset({"FN", "VR", "EF"})
_TAB_HEADER = re.compile(r"^\ufeff?PT\t(?:[A-Z][A-Z0-9]\t)*[A-Z][A-Z0-9]\t?$", re.MULTILINE)


def _records(text: str, ctx: SourceContext) -> Iterator[tuple[int, int, dict[str, list[str]], str]]:
    """(first line, last line, values per tag, raw text) of each record, PT to ER."""
    start: int | None = None
    fields: dict[str, list[str]] = {}
    raw: list[str] = []
    tag: str | None = None
    stray: int | None = None
    for n, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip().lstrip("\ufeff")
        m = _LINE.match(line)
        if start is None:
            if m and m.group(1) in _HEAD_TAGS or not line.strip() or line == "ER":
                continue
            if m and m.group(1) == "PT":
                start, fields, raw, tag = n, {}, [], None
            else:
                if stray is None:
                    stray = n
                    ctx.warn(n, "text outside a record (not between PT and ER); skipped")
                continue
        raw.append(line)
        if line == "ER":
            yield start, n, fields, "\n".join(raw)
            start = None
            continue
        c = _CONTINUED.match(line)
        if c and tag is not None:
            if tag in _PER_LINE:
                fields[tag].append(c.group(1))
            else:
                fields[tag][-1] += " " + c.group(1)
        elif m:
            tag = m.group(1)
            fields.setdefault(tag, []).append((m.group(2) or "").strip())
        elif line.strip():
            ctx.warn(n, f"line not understood (no tag, no continuation): {line.strip()[:60]!r}; skipped")
    if start is not None:
        ctx.warn(start, "record has no ER line; read to the end of the document")
        yield start, n, fields, "\n".join(raw)


def _tab_records(text: str, ctx: SourceContext
                 ) -> Iterator[tuple[int, int, dict[str, list[str]], str]]:
    """(line, line, values per tag, the row) of each row under the tab-delimited export's header."""
    lines = text.split("\n")
    header = [c.strip() for c in lines[0].lstrip("\ufeff").split("\t")]
    while header and not header[-1]:
        header.pop()  # the export ends each line with a tab
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        values = line.rstrip("\r").split("\t")
        extra = [v for v in values[len(header):] if v.strip()]
        if extra:
            ctx.warn(n, f"row has {len(values)} values for {len(header)} columns; "
                        f"the values past the last column are ignored: {extra[0].strip()[:60]!r}")
        fields: dict[str, list[str]] = {}
        for tag, value in zip(header, values):
            value = value.strip()
            if not value:
                continue
            if tag in _PER_LINE:
                fields[tag] = [v.strip() for v in value.split(";") if v.strip()]
            else:
                fields[tag] = [value]
        yield n, n, fields, line.rstrip("\r")


def parse(text: str, ctx: SourceContext) -> Iterator[Record]:
    seen: set[str] = set()
    found = False
    tabbed = _TAB_HEADER.match(text.split("\n", 1)[0]) is not None
    for first, last, fields, raw in (_tab_records if tabbed else _records)(text, ctx):
        found = True
        key = fresh_key(_one(fields, "UT") or f"line-{first}", seen, ctx, first,
                        "UT {key} appears again: the later record is read as key {again!r}")
        record = fields_to_record(fields, key, first, last, raw, ctx, ut=_one(fields, "UT") or "")
        if record is not None:
            yield record
    if not found:
        ctx.error(1, "no Web of Science records: expected records that start with a 'PT ' line, "
                     "or the tab-delimited export's rows under its header ('PT', tab, 'AU', ...)")


def _one(fields: dict[str, list[str]], tag: str) -> str | None:
    values = [clean_whitespace(v) for v in fields.get(tag, []) if v.strip()]
    return values[0] if values else None


def _authors(fields: dict[str, list[str]], ctx: SourceContext, line: int, key: str) -> list[PersonName]:
    """AF (else AU) names in order, each with the ORCID iD OI gives for that name."""
    orcids: dict[str, str] = {}
    for entry in " ".join(fields.get("OI", [])).split(";"):
        name, _, value = entry.strip().rpartition("/")
        if not name:
            continue
        orcid = ids.orcid(value.strip())
        if orcid is None:
            ctx.warn(line, f"record {key}: OI {entry.strip()!r} has no valid ORCID iD; ignored")
            continue
        orcids[fold(name)] = orcid
    out = []
    for value in fields.get("AF") or fields.get("AU") or []:
        value = clean_whitespace(value)
        name = parse_name(value, latex=False)
        orcid = orcids.get(fold(value))
        if orcid:
            name = name.model_copy(update={"identifier": ids.person_id("orcid", orcid)})
        if name.family or name.given:
            out.append(name)
    return out


def _date(fields: dict[str, list[str]], ctx: SourceContext, line: int, key: str) -> PartialDate | None:
    year = _one(fields, "PY")
    if not year:
        return None
    if not year.isdecimal() or len(year) != 4:
        ctx.warn(line, f"record {key}: PY {year!r} is not a year")
        return None
    m = re.match(r"^([A-Za-z]{3})[A-Za-z]*(?:\s+(\d{1,2}))?", _one(fields, "PD") or "")
    month = MONTHS.get(m.group(1).lower()) if m else None  # 'SPR', 'WIN': the year alone
    day = int(m.group(2)) if m and m.group(2) and month else None
    try:
        return PartialDate(year=int(year), month=month, day=day)
    except ValueError:
        return PartialDate(year=int(year))


def fields_to_record(fields: dict[str, list[str]], key: str, line: int, end_line: int, raw: str,
                     ctx: SourceContext, *, ut: str = "") -> Record | None:
    """One Web of Science record; a record without a title is set aside."""
    title = _one(fields, "TI")
    if not title:
        ctx.error(line, f"record {key} has no title (TI); set aside")
        return None
    pt, dt = (_one(fields, "PT") or "").upper(), (_one(fields, "DT") or "").lower()
    source = _one(fields, "SO")
    if "proceedings paper" in dt or _one(fields, "CT"):
        kind = Kind.CONFERENCE
    elif "book chapter" in dt:
        kind = Kind.CHAPTER
    elif pt == "B" and dt.startswith("book"):
        kind = Kind.BOOK
    else:
        kind = Kind.JOURNAL
    if source and PREPRINT_VENUE.search(source) and kind == Kind.JOURNAL:
        kind = Kind.PREPRINT
    elif kind == Kind.CONFERENCE and source and WORKSHOP.search(source):
        kind = Kind.WORKSHOP
    venue = None
    if source:
        first, last = _one(fields, "BP"), _one(fields, "EP")
        pages = f"{first}–{last}" if first and last and first != last else first or _one(fields, "AR")
        others = [v for v in (_one(fields, "JI"), _one(fields, "CT"), _one(fields, "J9")) if v and v != source]
        venue = Venue(name=source, volume=_one(fields, "VL"), issue=_one(fields, "IS"), pages=pages,
                      publisher=_one(fields, "PU"), series=_one(fields, "SE"),
                      printed=tuple(dict.fromkeys(others)))
    record = Record(
        source=ctx.source, key=key, line=line, end_line=end_line, raw=raw, title=title,
        title_printed=title, authors=_authors(fields, ctx, line, key), venue=venue,
        date=_date(fields, ctx, line, key), kind=kind, entry_type=_one(fields, "DT"),
        abstract=_one(fields, "AB"),
        subjects=[s.strip() for s in (_one(fields, "DE") or "").split(";") if s.strip()],
    )
    noted = len(record.warnings)
    add_doi(record, _one(fields, "DI"))
    for tag in ("SN", "EI"):
        add_standard_numbers(record, "issn", _one(fields, tag))
    add_standard_numbers(record, "isbn", _one(fields, "BN"))
    pubmed = _one(fields, "PM")
    if pubmed and pubmed.isdigit():
        record.add_identifier("pmid", pubmed)
    if ut.upper().startswith("WOS:"):
        record.add_identifier("wos", ut)
    ctx.left_out(line, f"record {key}", record.warnings[noted:])
    if _one(fields, "LA"):
        record.extra["LA"] = _one(fields, "LA") or ""
    if not record.authors:
        record.warnings.append("no authors")
    return record


def detect(text: str) -> float:
    """High when the document opens as Web of Science's exports do: FN and VR lines, or a PT line;
    or the tab-delimited export's header of tags, with a title and an accession number among them."""
    if _START.match(text[:300]):
        return 0.95
    head = text[:2000].split("\n", 1)[0]
    if _TAB_HEADER.match(head) and {"TI", "UT"} <= set(head.split("\t")):
        return 0.95
    return 0.0


FORMAT = SourceFormat(
    name="wos",
    parse=parse,
    description="Web of Science export, plain text or tab-delimited (savedrecs.txt): AF, TI, SO, JI, PY, "
                "DI, SN, OI, UT",
    suffixes=(".wos",),
    aliases=("web-of-science", "isi"),
    detect=detect,
)
