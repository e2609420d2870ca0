"""Text captures of personal-website publication pages (the al-folio theme and its look-alikes).

Each entry starts with a line '- ' holding what the page rendered (title, authors, a badge such as
'Preprint' or 'ICLR25', the venue and the year, glued together where the page used separate elements),
followed by the abstract and, in one layout, the entry's BibTeX on a line starting with '@'.

Two formats share this module: ``website-bibtex`` reads the BibTeX as the primary record and uses the
rendered line as corroboration (badge, venue tag, abbreviated author names); ``website-text`` has only
the rendered line and splits it by the evidence of its shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .. import identifiers as ids
from ..names import is_particle, parse_name
from ..records import Kind, PartialDate, Record, Venue
from ..text import clean_whitespace, fold, latex_to_unicode
from . import SourceContext, SourceFormat
from .bibtex import entry_to_record, read_entries

# al-folio prints a type badge ('abbr') before the venue; these are the generic publication-type words
# such badges use. A badge names a kind; anything else in that place is a venue tag like 'ICLR25'.
_BADGES = {
    "preprint": Kind.PREPRINT, "journal": Kind.JOURNAL, "workshop": Kind.WORKSHOP,
    "conference": Kind.CONFERENCE, "book": Kind.BOOK, "chapter": Kind.CHAPTER,
    "thesis": Kind.THESIS, "report": Kind.REPORT, "poster": Kind.CONFERENCE,
}
_BADGE = re.compile(r"^(Preprint|Journal|Workshop|Conference|Book|Chapter|Thesis|Report|Poster)"
                    r"(?=\s|[A-Za-z])(?!\s+(?:on|of|for|in|and)\b)")  # not 'Journal of ...'
# A venue tag: an acronym and a two-digit year ('ICLR25', 'NeurIPS23'), followed by a space.
_TAG = re.compile(r"^([A-Z][A-Za-z&\-]*[A-Za-z])'?(\d{2})(?=\s|$)")
# The year ends the line, after a comma or a space, or glued to the last author when no venue is
# printed ('A. Einstein1905').
_YEAR_END = re.compile(r"(?:^|,\s*|\s+|(?<=[^\W\d_]))((?:1[6-9]|20)\d{2})\s*$")
# Used with match(text, pos): no '^' anchor, which would only match at the start of the text.
_MORE = re.compile(r"\s*,?\s*(?:and\s+)?(\d+)\s+more\s+authors?", re.I)
_SEP = re.compile(r"\s*(?:,\s*and\s+|,\s*|\s+and\s+)")
# Names of preprint servers written in camel case: no element boundary inside them.
_CAMEL_WORDS = re.compile(r"arXiv|bioRxiv|medRxiv|chemRxiv|ChemRxiv|SocArXiv|PsyArXiv|EarthArXiv")
_ENTRY_START = re.compile(r"^-(?:\s|$)")


@dataclass
class Block:
    """One entry of the page: its rendered line, abstract lines and BibTeX lines, with line numbers."""

    line: int
    rendered: str
    abstract: list[tuple[int, str]] = field(default_factory=list)
    bibtex: list[tuple[int, str]] = field(default_factory=list)

    @property
    def end_line(self) -> int:
        last = [n for n, _ in self.abstract + self.bibtex]
        return max(last, default=self.line)

    def raw(self) -> str:
        lines = [(self.line, "- " + self.rendered)] + self.abstract + self.bibtex
        return "\n".join(t for _, t in sorted(lines))


def split_blocks(text: str) -> tuple[list[Block], list[tuple[int, str]]]:
    """Cut a page into entries; returns the entries and the page's preamble lines."""
    blocks: list[Block] = []
    preamble: list[tuple[int, str]] = []
    in_bibtex = False
    for n, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if _ENTRY_START.match(stripped):
            blocks.append(Block(line=n, rendered=stripped[1:].strip()))
            in_bibtex = False
            continue
        if not stripped:
            continue
        if not blocks:
            preamble.append((n, stripped))
        elif stripped.startswith("@") or in_bibtex:
            blocks[-1].bibtex.append((n, line))
            in_bibtex = stripped.count("{") > stripped.count("}") if stripped.startswith("@") \
                else in_bibtex
        else:
            blocks[-1].abstract.append((n, stripped))
    return blocks, preamble


@dataclass
class Rendered:
    """What a rendered line says, split into its parts."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    more_authors: int | None = None
    badge: str | None = None
    tag: str | None = None
    venue: str | None = None
    year: int | None = None


def split_tail(tail: str) -> Rendered:
    """Split '[badge][tag ]venue[,] year' (whatever follows the authors)."""
    r = Rendered()
    tail = tail.strip()
    m = _YEAR_END.search(tail)
    if m:
        r.year = int(m.group(1))
        tail = tail[: m.start()].strip()
    m = _BADGE.match(tail)
    if m:
        r.badge = m.group(1)
        tail = tail[m.end():].strip()
    m = _TAG.match(tail)
    if m and not re.match(r"^(?:In|The|On|Of|A|An)$", m.group(1)):
        r.tag = m.group(0)
        tail = tail[m.end():].strip()
    tail = re.sub(r"^In\s+", "", tail)
    r.venue = tail.strip(" ,") or None
    return r


def _match_family(text: str, pos: int, family: str) -> tuple[int, int] | None:
    """Where a known family name occurs at or after pos within the next name's reach."""
    window = text[pos: pos + 80 + len(family)]
    for cand in {family, family.upper()}:
        i = window.find(cand)
        if i >= 0:
            return pos + i, pos + i + len(cand)
    folded_family = fold(family)
    # Accents and case may differ between the rendered line and the BibTeX ('Waldchen').
    for m in re.finditer(r"[\w'’\-]+(?:\s[\w'’\-]+)?", window):
        if fold(m.group(0)) == folded_family:
            return pos + m.start(), pos + m.end()
    return None


def authors_by_anchor(line: str, families: list[str]) -> tuple[list[str], int | None, int]:
    """Read the rendered authors at the start of ``line``, anchored on the known family names.

    Returns the printed names, the 'N more authors' count if any, and where the authors end.
    """
    pos = 0
    printed: list[str] = []
    for family in families:
        sep = _SEP.match(line, pos) if printed else None
        start = sep.end() if sep else pos
        more = _MORE.match(line, pos)
        if more and printed:
            return printed, int(more.group(1)), more.end()
        hit = _match_family(line, start, family)
        if hit is None:
            break
        given = line[start: hit[0]]
        # Only given names and initials may stand between the separator and the family name.
        if len(given) > 40 or re.search(r"[,;:()]|\band\b", given):
            break
        printed.append(clean_whitespace(line[start: hit[1]]))
        pos = hit[1]
    more = _MORE.match(line, pos)
    if more and printed:
        return printed, int(more.group(1)), more.end()
    return printed, None, pos


# --- website-bibtex -------------------------------------------------------------------------------


def parse_with_bibtex(text: str, ctx: SourceContext) -> Iterator[Record]:
    blocks, _ = split_blocks(text)
    if not blocks:
        ctx.error(1, "no entries found (an entry starts with a line '- ')")
        return
    for n, block in enumerate(blocks, start=1):
        if not block.bibtex:
            record = _from_rendered(block, ctx, n)
            if record is not None:
                record.warnings.append("no BibTeX for this entry; read from the rendered line")
                ctx.warn(block.line, "entry has no BibTeX; read from the rendered line only")
                yield record
            continue
        bib_text = "\n".join(t for _, t in block.bibtex)
        entries = list(read_entries(bib_text, ctx, line_offset=block.bibtex[0][0] - 1))
        if not entries:
            continue  # read_entries reported the broken BibTeX at its line
        record = entry_to_record(entries[0], ctx)
        if record is None:
            continue
        if len(entries) > 1:
            ctx.warn(block.line, f"{len(entries)} BibTeX entries under one item; the first is read")
        record.line, record.end_line, record.raw = block.line, block.end_line, block.raw()
        if block.abstract and not record.abstract:
            record.abstract = clean_whitespace(" ".join(t for _, t in block.abstract))
        _corroborate(record, block, ctx)
        yield record


def _corroborate(record: Record, block: Block, ctx: SourceContext) -> None:
    """Add what the rendered line says beside the BibTeX: badge, tag, printed names, year check."""
    line = block.rendered
    if record.title and fold(line).startswith(fold(record.title)) and record.title:
        line = _strip_title(line, record.title)
    families = [a.family for a in record.authors]
    printed, more, end = authors_by_anchor(line, families)
    if printed:
        record.printed_authors = [[p] for p in printed]
        if more is not None and len(printed) + more != len(record.authors):
            ctx.warn(block.line, f"rendered line shows {len(printed)} authors and {more} more, "
                                 f"the BibTeX lists {len(record.authors)}")
    tail = split_tail(line[end:])
    if tail.year and record.date and tail.year != record.date.year:
        ctx.warn(block.line, f"rendered year {tail.year} differs from the BibTeX year "
                             f"{record.date.year}")
    if record.date is None and tail.year:
        record.date = PartialDate(year=tail.year)
    badge_kind = _BADGES.get((tail.badge or "").lower())
    if badge_kind is not None and badge_kind != record.kind:
        # The page's own badge is the author's statement of what kind of paper this is.
        record.extra["kind_from_badge"] = badge_kind.value
        if not (badge_kind == Kind.JOURNAL and record.kind == Kind.PREPRINT):
            record.kind = badge_kind
    elif tail.tag and record.kind in (Kind.OTHER, Kind.UNKNOWN):
        record.kind = Kind.CONFERENCE
    if tail.badge:
        record.extra["badge"] = tail.badge
    if record.venue is not None or tail.venue:
        venue = record.venue or Venue(name=tail.venue or "")
        printed_forms = tuple(v for v in [tail.venue] if v and v != venue.name)
        host = venue.host
        if record.kind == Kind.WORKSHOP and tail.tag:
            host = tail.tag  # a workshop's tag names the conference it was held at
        record.venue = venue.model_copy(update={
            "tag": tail.tag or venue.tag, "host": host, "printed": venue.printed + printed_forms})
    arxiv = ids.arxiv(tail.venue or "") if tail.venue and "arxiv" in tail.venue.lower() else None
    if arxiv and str(arxiv) not in record.ids("arxiv"):
        record.add_identifier("arxiv", str(arxiv), arxiv.version)


def _strip_title(line: str, title: str) -> str:
    """Remove the rendered title from the start of a line (case and accents may differ)."""
    target = fold(title)
    for i in range(len(title) - 5, min(len(line), len(title) + 40) + 1):
        if fold(line[:i]) == target:
            return line[i:]
    return line


# --- website-text ---------------------------------------------------------------------------------

_NAME_TOKEN = re.compile(r"^(?:[A-Z][\w'’\-]*\.?|[A-Z]\.(?:-?[A-Z]\.)*|[a-z]{1,3}['’][A-Z][\w\-]*)$")


def _looks_like_name(name: str) -> bool:
    tokens = name.split()
    if not 2 <= len(tokens) <= 5:
        return False
    if not _NAME_TOKEN.match(tokens[-1]) and not is_particle(tokens[-1]):
        return False
    ok = all(_NAME_TOKEN.match(t) or is_particle(t) for t in tokens)
    return ok and tokens[0][0].isupper()


def _split_names(text: str) -> list[str] | None:
    """'A B, C D, and E F' -> names, or None if the text is not a list of personal names."""
    parts = re.split(r",\s*and\s+|,\s*|\s+and\s+", text.strip())
    names = [p.strip() for p in parts if p.strip()]
    if not names or not all(_looks_like_name(n) for n in names):
        return None
    return names


def _split_points(line: str) -> list[int]:
    """Where two rendered elements were glued: 'ScaleJan', 'PokuttaarXiv', 'ClassifiersIn '."""
    points = set()
    for m in re.finditer(r"(?<=[a-z0-9?!)\]’'])(?=[A-Z])", line):
        points.add(m.start())
    # After a word in capitals: 'LiDARXinyu Cai', 'by CLIPRunnan Chen', 'DNAL. L. Carrette'.
    for m in re.finditer(r"(?<=[A-Z]{2})(?=[A-Z](?:[a-z]|\.\s))", line):
        points.add(m.start())
    inside = set()
    for m in _CAMEL_WORDS.finditer(line):
        inside.update(range(m.start() + 1, m.end()))
        if m.start() > 0 and line[m.start() - 1].isalpha():
            points.add(m.start())
    return sorted(points - inside)


def split_glued(line: str) -> tuple[str, list[str], str]:
    """Split 'TitleAuthorsVenue' into title, author names and venue by the shape of each part."""
    points = _split_points(line)
    best: tuple[int, int, int, int] | None = None  # (names, -glued, -i, j)
    for a, i in enumerate(points):
        for j in points[a + 1:]:
            names = _split_names(line[i:j])
            if names is None:
                continue
            # A glue point inside the names ('DetectionYeqi Bai' from '3D Object DetectionYeqi
            # Bai') says the title reaches into them; 'McDonald' counts alike in every reading.
            glued = sum(1 for p in points[a + 1:] if p < j and line[p - 1].isalnum())
            score = (len(names), -glued, -i, j)
            if best is None or score > best:
                best = score
    if best is None:
        # No venue printed after the names: they run to the end ('...moving bodiesA. Einstein'),
        # when they are several or show an initial; 'Geombinatorics Quarterly' alone is a venue.
        ends = [i for i in points if (names := _split_names(line[i:])) is not None
                and (len(names) > 1 or re.search(r"\b[A-Z]\.", names[0]))]
        if ends:
            best = (0, 0, -ends[0], len(line))
    if best is not None:
        i, j = -best[2], best[3]
        return line[:i].strip(), _split_names(line[i:j]) or [], line[j:].strip()
    # No authors printed: the venue starts at the last glue point that can start a venue.
    for p in reversed(points):
        rest = line[p:]
        if re.match(r"^(?:In\s|arXiv|Proceedings|Journal|Transactions)", rest) or p > len(line) / 3:
            return line[:p].strip(), [], rest.strip()
    return line.strip(), [], ""


def _from_rendered(block: Block, ctx: SourceContext, n: int) -> Record | None:
    line = block.rendered
    if not line:
        ctx.error(block.line, "entry has neither a rendered line nor BibTeX; set aside")
        return None
    year_m = _YEAR_END.search(line)
    body = line[: year_m.start()] if year_m else line
    title, names, venue_text = split_glued(body)
    if not title:
        ctx.error(block.line, "cannot find a title in the rendered line; set aside")
        return None
    tail = split_tail(venue_text + (f", {year_m.group(1)}" if year_m else ""))
    kind = _BADGES.get((tail.badge or "").lower()) or _kind_from_venue(venue_text)
    venue = None
    if tail.venue:
        host = None
        if kind == Kind.WORKSHOP and tail.tag:
            host = tail.tag
        venue = Venue(name=tail.venue, tag=tail.tag, host=host)
    record = Record(
        source=ctx.source, key=f"entry-{n}", line=block.line, end_line=block.end_line,
        raw=block.raw(), title=latex_to_unicode(title), title_printed=title,
        authors=[parse_name(a, latex=False) for a in names],
        kind=kind, venue=venue,
        date=PartialDate(year=tail.year) if tail.year else None,
        abstract=clean_whitespace(" ".join(t for _, t in block.abstract)) or None,
    )
    if not names:
        record.warnings.append("no authors printed")
        if ctx.owner is not None:
            # A personal page lists its owner's papers; the owner is an author even when not printed.
            record.implied_authors.append(ctx.owner)
    arxiv = ids.arxiv(venue_text) if "arxiv" in venue_text.lower() else None
    if arxiv:
        record.add_identifier("arxiv", str(arxiv), arxiv.version)
    return record


def _kind_from_venue(venue: str) -> Kind:
    if re.search(r"\barxiv\b|\bpreprint\b|\bcorr\b", venue, re.I):
        return Kind.PREPRINT
    if re.search(r"\bworkshops?\b", venue, re.I):
        return Kind.WORKSHOP
    if re.match(r"^In\s", venue) or re.search(r"\bconference\b|\bproceedings\b|\bsymposium\b",
                                              venue, re.I):
        return Kind.CONFERENCE
    return Kind.JOURNAL if venue.strip() else Kind.UNKNOWN


def parse_text_only(text: str, ctx: SourceContext) -> Iterator[Record]:
    blocks, _ = split_blocks(text)
    if not blocks:
        ctx.error(1, "no entries found (an entry starts with a line '- ')")
        return
    for n, block in enumerate(blocks, start=1):
        record = _from_rendered(block, ctx, n)
        if record is not None:
            yield record


_DATED_LINE = re.compile(r"\b(?:19|20)\d{2}\W{0,3}$")  # a rendered entry's line ends on its year


def _entry_lines(text: str) -> tuple[int, int, int]:
    """Lines that open an entry ('- '), of those the ones that end on a year, and BibTeX entry lines."""
    lines = text[:50000].split("\n")
    starts = [line.strip() for line in lines if _ENTRY_START.match(line.strip())]
    dated = sum(1 for line in starts if _DATED_LINE.search(line))
    bib = sum(1 for line in lines if re.match(r"^\s*@[A-Za-z]+\s*\{", line))
    return len(starts), dated, bib


def detect_with_bibtex(text: str) -> float:
    entries, _, bib = _entry_lines(text)
    return 0.95 if entries >= 1 and bib >= max(1, entries // 2) else 0.0


def detect_text_only(text: str) -> float:
    """A list whose items end on a year, as a rendered publications page's do; a README's bullet
    list is not one."""
    entries, dated, bib = _entry_lines(text)
    return 0.8 if entries >= 1 and bib == 0 and 2 * dated >= entries else 0.0


FORMAT_BIBTEX = SourceFormat(
    name="website-bibtex",
    parse=parse_with_bibtex,
    description="personal-website publications page (al-folio) captured as text, with each entry's BibTeX",
    suffixes=(".txt",),
    aliases=("alfolio", "al-folio", "website"),
    detect=detect_with_bibtex,
)

FORMAT_TEXT = SourceFormat(
    name="website-text",
    parse=parse_text_only,
    description="personal-website publications page captured as text, without BibTeX "
                "(title, authors, venue and year glued on one line)",
    suffixes=(".txt",),
    aliases=("alfolio-text",),
    detect=detect_text_only,
)
