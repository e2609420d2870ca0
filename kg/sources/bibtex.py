"""BibTeX and biblatex files: macros, month names, crossref inheritance, LaTeX, eprints and DOIs.

Splitting into blocks is bibtexparser's (with line numbers and failed blocks); field values are evaluated
here by BibTeX's own rules (brace/quote literals, numbers, macros joined with '#'), so an undefined macro
or a broken entry is reported at its line instead of silently kept or dropped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser import model as bm
from bibtexparser.middlewares.names import split_multiple_persons_names

from .. import identifiers as ids
from ..names import parse_name
from ..records import Kind, PartialDate, PersonName, Record, Venue
from ..text import clean_whitespace, latex_to_unicode
from . import SourceContext, SourceFormat

logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_MONTH_NAMES = {
    **MONTHS, "january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
    "august": 8, "september": 9, "sept": 9, "october": 10, "november": 11, "december": 12,
}
# BibTeX's predefined macros: the month abbreviations expand to full month names.
PREDEFINED = {m: name.capitalize() for name, m in
              ((n, n[:3]) for n in ["january", "february", "march", "april", "may", "june", "july",
                                    "august", "september", "october", "november", "december"])}

_KIND_BY_TYPE = {
    "article": Kind.JOURNAL, "inproceedings": Kind.CONFERENCE, "conference": Kind.CONFERENCE,
    "proceedings": Kind.PROCEEDINGS, "book": Kind.BOOK, "mvbook": Kind.BOOK, "booklet": Kind.BOOK,
    "inbook": Kind.CHAPTER, "incollection": Kind.CHAPTER, "bookinbook": Kind.CHAPTER,
    "phdthesis": Kind.THESIS, "mastersthesis": Kind.THESIS, "thesis": Kind.THESIS,
    "techreport": Kind.REPORT, "report": Kind.REPORT, "unpublished": Kind.PREPRINT,
    "online": Kind.OTHER, "misc": Kind.OTHER, "manual": Kind.OTHER, "patent": Kind.OTHER,
    "collection": Kind.BOOK, "mvproceedings": Kind.PROCEEDINGS, "periodical": Kind.JOURNAL,
}
_PREPRINT_VENUE = re.compile(r"\barxiv\b|\bcorr\b|\bpreprint\b|\bbiorxiv\b|\bmedrxiv\b|\bssrn\b", re.I)
_WORKSHOP = re.compile(r"\bworkshops?\b", re.I)
_PARENT_TYPES = {"proceedings", "mvproceedings", "book", "mvbook", "collection", "mvcollection",
                 "periodical", "reference", "mvreference"}
_INHERIT_AS = {  # biblatex inheritance: parent title becomes the child's booktitle
    "title": "booktitle",
}
_MAX_VALUE_DEPTH = 50


@dataclass
class Entry:
    """A BibTeX entry with its fields evaluated to strings (LaTeX still in them)."""

    key: str
    entry_type: str
    line: int
    end_line: int
    raw: str
    fields: dict[str, str]
    field_lines: dict[str, int] = field(default_factory=dict)


def _split_concat(value: str) -> list[str]:
    """Split a raw field value on top-level '#' (outside braces and quotes)."""
    parts, depth, in_quote, start = [], 0, False, 0
    for i, ch in enumerate(value):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch == '"' and depth == 0:
            in_quote = not in_quote
        elif ch == "#" and depth == 0 and not in_quote:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return [p.strip() for p in parts]


def evaluate(value: str, macros: dict[str, str], *, on_undefined=None) -> str:
    """Evaluate a raw BibTeX value: literals, numbers and macro names joined by '#'.

    >>> evaluate('jacm # " 12"', {"jacm": "J. ACM"})
    'J. ACM 12'
    >>> evaluate('{A {B} c}', {})
    'A {B} c'
    """
    out = []
    for piece in _split_concat(value):
        if not piece:
            continue
        if piece[0] == "{" and piece[-1] == "}":
            out.append(piece[1:-1])
        elif piece[0] == '"' and piece[-1] == '"' and len(piece) >= 2:
            out.append(piece[1:-1])
        elif piece.isdigit():
            out.append(piece)
        else:
            name = piece.lower()
            if name in macros:
                out.append(macros[name])
            elif name in PREDEFINED:
                out.append(PREDEFINED[name])
            else:
                if on_undefined:
                    on_undefined(piece)
                out.append(piece)
    return "".join(out)


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def read_entries(text: str, ctx: SourceContext, *, macros: dict[str, str] | None = None,
                 line_offset: int = 0) -> Iterator[Entry]:
    """Split a BibTeX text into evaluated entries, reporting broken blocks, duplicates and macros."""
    macros = dict(macros or {})
    try:
        library = bibtexparser.parse_string(text, parse_stack=[])
        blocks = library.blocks
    except Exception:  # the splitter gave up on the whole text: retry block by block
        blocks = _parse_piecewise(text)
    seen: set[str] = set()
    for block in blocks:
        line = (block.start_line or 0) + 1 + line_offset
        if isinstance(block, bm.String):
            def undefined(name: str, _line: int = line, _key: str = block.key) -> None:
                ctx.warn(_line, f"@string {_key}: undefined macro {name!r}")
            macros[block.key.lower()] = evaluate(str(block.value), macros, on_undefined=undefined)
        elif isinstance(block, bm.DuplicateBlockKeyBlock):
            ctx.warn(line, f"duplicate key {block.key!r}: the later entry is read as another record")
            dup = block.ignore_error_block
            if isinstance(dup, bm.Entry):
                yield from _entry(dup, ctx, macros, line, seen, duplicate=True)
        elif isinstance(block, bm.ParsingFailedBlock):
            raw = block.raw or ""
            head = raw.split("\n", 1)[0][:60]
            reason = getattr(block.error, "abort_reason", None) or str(block.error) or "syntax error"
            reason = clean_whitespace(reason.split("\n")[0])
            if reason.startswith("Unexpected block start"):
                reason = "entry not closed before the next '@' (unbalanced braces?)"
            elif "end of file" in reason.lower():
                reason = "entry not closed before the end of the file (unbalanced braces?)"
            ctx.error(line, f"malformed entry {head!r}: {reason}; set aside")
        elif isinstance(block, bm.Entry):
            yield from _entry(block, ctx, macros, line, seen)


def _entry(block: bm.Entry, ctx: SourceContext, macros: dict[str, str], line: int, seen: set[str],
           duplicate: bool = False) -> Iterator[Entry]:
    key = block.key
    if duplicate or key in seen:
        n = 2
        while f"{key}~{n}" in seen:
            n += 1
        key = f"{key}~{n}"
    seen.add(key)
    values: dict[str, str] = {}
    for f in block.fields:
        name = f.key.lower().strip()

        def undefined(macro: str, _f: str = name) -> None:
            ctx.warn(line, f"entry {block.key!r}, field {_f!r}: undefined macro {macro!r}, kept as text")

        value = evaluate(str(f.value), macros, on_undefined=undefined)
        if not _balanced(value):
            ctx.warn(line, f"entry {block.key!r}, field {name!r}: unbalanced braces")
            value = value.replace("{", "").replace("}", "")
        if name in values:
            ctx.warn(line, f"entry {block.key!r}: field {name!r} given twice; the first is kept")
            continue
        values[name] = value
    raw = block.raw or ""
    yield Entry(key=key, entry_type=block.entry_type.lower(), line=line,
                end_line=line + raw.count("\n"), raw=raw, fields=values)


def _parse_piecewise(text: str) -> list[bm.Block]:
    """Parse each '@'-started chunk on its own, so one pathological block cannot sink the file."""
    blocks: list[bm.Block] = []
    starts = [m.start() for m in re.finditer(r"(?m)^\s*@", text)] or [0]
    starts.append(len(text))
    for a, b in zip(starts, starts[1:]):
        chunk = text[a:b]
        offset = text.count("\n", 0, a)
        try:
            for blk in bibtexparser.parse_string(chunk, parse_stack=[]).blocks:
                blk.start_line = (blk.start_line or 0) + offset
                blocks.append(blk)
        except Exception as exc:  # noqa: BLE001 - reported as a failed block
            err = bm.ParsingFailedBlock(start_line=offset, raw=chunk, error=exc)
            blocks.append(err)
    return blocks


def resolve_crossrefs(entries: list[Entry], ctx: SourceContext) -> tuple[list[Entry], set[str]]:
    """Copy fields missing in an entry from its crossref parent (chains followed, cycles reported).

    Returns the entries and the keys of the parents that were inherited from.
    """
    by_key = {e.key.lower(): e for e in entries}
    parents: set[str] = set()

    def chain(entry: Entry) -> list[Entry]:
        out, seen_keys = [], {entry.key.lower()}
        cur = entry
        while "crossref" in cur.fields or "xdata" in cur.fields:
            ref = (cur.fields.get("crossref") or cur.fields.get("xdata") or "").strip().lower()
            ref = ref.split(",")[0].strip()
            if not ref:
                break
            if ref in seen_keys:
                ctx.warn(entry.line, f"entry {entry.key!r}: crossref cycle through {ref!r}; stopped")
                break
            parent = by_key.get(ref)
            if parent is None:
                ctx.warn(entry.line, f"entry {entry.key!r}: crossref {ref!r} not found in the file")
                break
            seen_keys.add(ref)
            out.append(parent)
            cur = parent
        return out

    for entry in entries:
        for parent in chain(entry):
            parents.add(parent.key.lower())
            for name, value in parent.fields.items():
                if name in ("crossref", "xdata", "ids", "entryset"):
                    continue
                target = name
                if name in _INHERIT_AS and parent.entry_type in _PARENT_TYPES:
                    target = _INHERIT_AS[name]
                    if name == "title" and "booktitle" in parent.fields:
                        continue
                if target not in entry.fields:
                    entry.fields[target] = value
    return entries, parents


def split_authors(value: str) -> tuple[list[str], bool]:
    """Split a BibTeX name list on ' and ' outside braces; 'and others' marks truncation."""
    names = [clean_whitespace(n) for n in split_multiple_persons_names(value) if n.strip()]
    truncated = bool(names) and names[-1].lower() in ("others", "et al.", "et al")
    if truncated:
        names = names[:-1]
    return names, truncated


def _date(fields: dict[str, str], ctx: SourceContext, line: int, key: str) -> PartialDate | None:
    raw_date = fields.get("date", "")
    m = re.match(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", raw_date)
    year = month = day = None
    if m:
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(3) else None
    if year is None and fields.get("year"):
        ym = re.search(r"\d{4}", latex_to_unicode(fields["year"]))
        if ym:
            year = int(ym.group(0))
        else:
            ctx.warn(line, f"entry {key!r}: year {fields['year']!r} is not a year")
    if year is None:
        return None
    if month is None and fields.get("month"):
        mtext = latex_to_unicode(fields["month"]).strip().lower().rstrip(".")
        if mtext.isdigit() and 1 <= int(mtext) <= 12:
            month = int(mtext)
        else:
            month = _MONTH_NAMES.get(mtext) or _MONTH_NAMES.get(mtext[:3])
            if month is None:
                ctx.warn(line, f"entry {key!r}: month {fields['month']!r} not understood")
    if day is None and fields.get("day", "").strip().isdigit() and month:
        day = int(fields["day"])
    try:
        return PartialDate(year=year, month=month, day=day)
    except ValueError as exc:
        ctx.warn(line, f"entry {key!r}: bad date: {exc}")
        return PartialDate(year=year)


def _kind(entry_type: str, venue: str, fields: dict[str, str]) -> Kind:
    kind = _KIND_BY_TYPE.get(entry_type, Kind.OTHER)
    if _PREPRINT_VENUE.search(venue) and kind in (Kind.JOURNAL, Kind.OTHER, Kind.UNKNOWN):
        return Kind.PREPRINT
    if kind in (Kind.CONFERENCE, Kind.PROCEEDINGS, Kind.CHAPTER) and _WORKSHOP.search(venue):
        return Kind.WORKSHOP if kind != Kind.PROCEEDINGS else kind
    if kind == Kind.OTHER and (fields.get("eprint") or fields.get("arxiv")) and not venue:
        return Kind.PREPRINT
    return kind


def entry_to_record(entry: Entry, ctx: SourceContext) -> Record | None:
    """Map one evaluated entry to a record; an entry with no title is set aside."""
    f = entry.fields
    title_raw = f.get("title")
    if not title_raw or not latex_to_unicode(title_raw):
        ctx.error(entry.line, f"entry {entry.key!r} has no title; set aside")
        return None
    authors: list[PersonName] = []
    truncated = False
    if f.get("author"):
        names, truncated = split_authors(f["author"])
        authors = [parse_name(n) for n in names]
    editors: list[PersonName] = []
    if f.get("editor"):
        editors = [parse_name(n) for n in split_authors(f["editor"])[0]]
    venue_raw = (f.get("journal") or f.get("journaltitle") or f.get("booktitle")
                 or f.get("howpublished") or f.get("school") or f.get("institution") or "")
    venue_name = latex_to_unicode(venue_raw)
    if entry.entry_type in ("book", "proceedings", "collection") and not venue_name:
        venue_name = latex_to_unicode(f.get("series", "")) or latex_to_unicode(f.get("publisher", ""))
    venue = None
    if venue_name:
        venue = Venue(
            name=venue_name,
            volume=latex_to_unicode(f["volume"]) if f.get("volume") else None,
            issue=latex_to_unicode(f.get("number") or f.get("issue") or "") or None,
            pages=latex_to_unicode(f["pages"]).replace("--", "–") if f.get("pages") else None,
            publisher=latex_to_unicode(f["publisher"]) if f.get("publisher") else None,
            series=latex_to_unicode(f["series"]) if f.get("series") else None,
            editors=tuple(editors),
        )
    record = Record(
        source=ctx.source, key=entry.key, line=entry.line, end_line=entry.end_line, raw=entry.raw,
        title=latex_to_unicode(title_raw), title_printed=clean_whitespace(title_raw),
        authors=authors, authors_truncated=truncated,
        kind=_kind(entry.entry_type, venue_name, f), venue=venue,
        date=_date(f, ctx, entry.line, entry.key),
        abstract=latex_to_unicode(f["abstract"]) if f.get("abstract") else None,
        entry_type=entry.entry_type,
        subjects=[s.strip() for s in latex_to_unicode(f.get("keywords", "")).split(",") if s.strip()],
    )
    _identifiers(record, f, venue_raw)
    if not authors and not editors:
        record.warnings.append("no authors")
    return record


def _identifiers(record: Record, f: dict[str, str], venue_raw: str) -> None:
    if f.get("doi"):
        d = ids.doi(f["doi"])
        if d:
            record.add_identifier("doi", d)
        else:
            record.warnings.append(f"doi {f['doi']!r} is not a DOI")
    eprint_type = (f.get("archiveprefix") or f.get("eprinttype") or "").lower()
    candidates = []
    if f.get("eprint") and (eprint_type in ("arxiv", "") or "arxiv" in eprint_type):
        candidates.append(f["eprint"])
    candidates += [f.get("arxiv", ""), venue_raw if re.search(r"arxiv", venue_raw, re.I) else ""]
    for text in candidates:
        a = ids.arxiv(text) if text else None
        if a:
            record.add_identifier("arxiv", str(a), a.version)
            break
    for name in ("url", "pdf", "html", "openreview"):
        value = f.get(name)
        if not value or not value.startswith(("http://", "https://")):
            continue
        url = value.strip()
        found = ids.classify_url(url)
        if found:
            record.add_identifier(*found)
        if name == "url":
            record.add_identifier("url", url)
    for name in ("isbn", "issn"):
        if f.get(name):
            record.add_identifier(name, clean_whitespace(f[name]))


def parse(text: str, ctx: SourceContext) -> Iterator[Record]:
    """Read a .bib text. External macro files can be given as ``ctx.options['macros']`` (a dict)."""
    macros = dict(ctx.options.get("macros", {}) or {})  # type: ignore[call-overload]
    entries = list(read_entries(text, ctx, macros=macros))
    entries, parents = resolve_crossrefs(entries, ctx)
    for entry in entries:
        # A proceedings volume that papers cross-reference is their venue, not a paper of its own.
        if entry.key.lower() in parents and entry.entry_type in _PARENT_TYPES:
            if ctx.report is not None:
                ctx.report.absorbed += 1
            continue
        record = entry_to_record(entry, ctx)
        if record is not None:
            yield record


def read_macros(text: str, ctx: SourceContext) -> dict[str, str]:
    """The @string definitions of a macro file (IRIDIA's abbrev.bib, biber's definitions.bib)."""
    macros: dict[str, str] = {}
    library = bibtexparser.parse_string(text, parse_stack=[])
    for block in library.blocks:
        if isinstance(block, bm.String):
            macros[block.key.lower()] = evaluate(str(block.value), macros)
    return macros


def detect(text: str) -> float:
    head = text[:20000]
    entries = len(re.findall(r"(?m)^\s*@\s*[A-Za-z]+\s*[{(]", head))
    if entries == 0:
        return 0.0
    # Lines that are neither BibTeX nor blank: a page capture with BibTeX inside is not a .bib file.
    return 0.9 if entries >= 1 and not re.search(r"(?m)^- ", head) else 0.3


FORMAT = SourceFormat(
    name="bibtex",
    parse=parse,
    description="BibTeX / biblatex (.bib): @string macros, crossref, month macros, LaTeX, eprint, doi",
    suffixes=(".bib", ".bibtex"),
    aliases=("bib", "biblatex"),
    detect=detect,
)
