"""ACL Anthology metadata XML: one file per collection, volumes with their metadata, and their papers.

Read as a stream (ElementTree's pull parser, fed in chunks): each paper is mapped and dropped as soon as
its end tag is read, so memory stays bounded whatever the file size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, cast
from xml.etree.ElementTree import Element, XMLPullParser
from xml.etree.ElementTree import ParseError as XMLParseError
from xml.sax.saxutils import quoteattr

from .. import identifiers as ids
from ..errors import ParseError
from ..records import Kind, ParseReport, PartialDate, PersonName, Record, Venue
from . import SourceContext, SourceFormat, decode, parse_text

ANTHOLOGY = "https://aclanthology.org/"
# Old-style collection ids: a letter and a two-digit year ('P19', 'W16', 'C92'); anything after the
# year is part of the id but carries nothing we read.
_OLD_ID = re.compile(r"^([A-Z])(\d{2})(.*)$")
_NEW_ID = re.compile(r"^(\d{4})\.([A-Za-z0-9]+)(.*)$")
# The acronyms of the venues behind the old-style letters (the Anthology's venues.yaml
# 'oldstyle_letter'), so a single file read without that table still names its series. 'W' is left out:
# it holds every workshop, so the letter names no one venue.
_OLD_LETTERS = {
    "A": "ANLP", "C": "COLING", "D": "EMNLP", "E": "EACL", "F": "JEP/TALN/RECITAL", "H": "HLT",
    "I": "IJCNLP", "J": "CL", "K": "CoNLL", "L": "LREC", "M": "MUC", "N": "NAACL", "O": "ROCLING",
    "P": "ACL", "Q": "TACL", "R": "RANLP", "S": "SemEval", "T": "TINLAP", "U": "ALTA", "X": "TIPSTER",
    "Y": "PACLIC",
}
_JOURNAL_LETTERS = {"J", "Q"}  # Computational Linguistics, TACL
_JOURNAL_SLUGS = {"cl", "tacl", "ijclclp", "lilt", "tal"}
_WORKSHOP = re.compile(r"\bworkshops?\b", re.IGNORECASE)
_JOURNAL_TITLE = re.compile(r"\bjournal\b|^transactions\b", re.IGNORECASE)
# 'Computational Linguistics, Volume 45, Issue 1 - March 2019': journal name, volume and issue.
_JOURNAL_VOLUME = re.compile(r"^(?P<name>.+?),\s*Volume\s+(?P<volume>\d+)(?:,\s*(?:Issue|Number)\s+"
                             r"(?P<issue>[\w-]+))?", re.IGNORECASE)
_MONTHS = {name: i + 1 for i, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"])}
_MONTH_WORD = re.compile(r"[A-Za-z]+")
_CHUNK = 1 << 16
# Start tags whose lines records and messages cite. The pull parser gives no positions, so the tags are
# found in the bytes and paired with the parser's start events in document order.
_LOCATED = re.compile(rb"<(paper|volume|meta)[\s>/]")
_RESUME = re.compile(rb"<(paper|volume)[\s>/]")
_KNOWN = {"collection", "volume", "meta", "frontmatter", "paper"}


def parse_collection_id(collection_id: str) -> tuple[int | None, str | None, str | None]:
    """The year, old-style letter and new-style venue slug a collection id encodes.

    >>> parse_collection_id("C92")
    (1992, 'C', None)
    >>> parse_collection_id("2020.acl")
    (2020, None, 'acl')
    >>> parse_collection_id("W19")
    (2019, 'W', None)
    """
    m = _NEW_ID.match(collection_id)
    if m:
        return int(m.group(1)), None, m.group(2).lower()
    m = _OLD_ID.match(collection_id)
    if m:
        yy = int(m.group(2))
        # The Anthology's old ids start in 1965 and ended with 2019: no year before 1950 or after 2049.
        return (1900 + yy if yy >= 50 else 2000 + yy), m.group(1), None
    return None, None, None


def anthology_id(collection_id: str, volume_id: str, paper_id: str | None = None) -> str:
    """The full Anthology id of a volume or paper, by the Anthology's own rules.

    >>> anthology_id("P19", "1", "1")
    'P19-1001'
    >>> anthology_id("W16", "34", "1")
    'W16-3401'
    >>> anthology_id("2020.acl", "main", "1")
    '2020.acl-main.1'
    >>> anthology_id("D19", "50", "1")
    'D19-5001'
    """
    if not _OLD_ID.match(collection_id) or not volume_id.isdecimal():
        tail = f".{paper_id}" if paper_id is not None else ""
        return f"{collection_id}-{volume_id}{tail}"
    # Workshops (and two collections that had more than nine volumes) number volumes with two digits
    # and papers with two; everything else has one volume digit and three paper digits.
    wide = (collection_id[0] == "W" or collection_id == "C69"
            or (collection_id == "D19" and int(volume_id) >= 5))
    vol, width = (f"{int(volume_id):02d}", 2) if wide else (f"{int(volume_id):d}", 3)
    if paper_id is None:
        return f"{collection_id}-{vol}"
    if not paper_id.isdecimal():
        return f"{collection_id}-{vol}{paper_id}"
    return f"{collection_id}-{vol}{int(paper_id):0{width}d}"


def _ws(text: str | None) -> str:
    # XML 1.0 admits no control characters besides tab and newlines, so splitting on white space is
    # all the cleaning text from a well-formed document needs (and much faster than regexes).
    return " ".join(text.split()) if text else ""


def markup_text(el: Element | None, *, printed: bool = False) -> str:
    """The text of a title, booktitle or abstract with its inline markup dropped.

    With ``printed`` the markup is kept the way the Anthology's BibTeX export shows it: fixed-case
    spans in braces and TeX math between dollars.
    """
    if el is None:
        return ""
    if not len(el):
        return _ws(el.text)
    parts: list[str] = []
    # Depth first without recursion (markup may nest deeper than Python recurses): the stack holds
    # elements still to walk and text to emit, the next one on top.
    stack: list[Element | str] = [el]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            parts.append(node)
            continue
        if node.text:
            parts.append(node.text)
        todo: list[Element | str] = []
        for child in node:
            if printed and child.tag == "fixed-case":
                todo += ["{", child, "}"]
            elif printed and child.tag == "tex-math":
                todo.append("$" + "".join(child.itertext()) + "$")
            else:
                todo.append(child)
            if child.tail:
                todo.append(child.tail)
        stack.extend(reversed(todo))
    return _ws("".join(parts))


@lru_cache(maxsize=4096)
def _person(first: str, last: str, pid: str | None) -> PersonName:
    # Names recur across papers; the model is frozen, so one instance per spelling can be shared.
    return PersonName(printed=f"{first} {last}".strip(), given=first, family=last,
                      identifier=ids.person_id("acl", (pid or "").strip()))


def person(el: Element) -> PersonName | None:
    """An <author> or <editor>: given and family names as the Anthology split them, and its id."""
    first, last = _ws(el.findtext("first")), _ws(el.findtext("last"))
    if not first and not last:
        return None
    return _person(first, last, el.get("id"))


def _month(text: str) -> int | None:
    """The first month a meta <month> names: 'June', '6', 'October 31-November 4'."""
    text = text.strip()
    if text.isdecimal():
        return int(text) if 1 <= int(text) <= 12 else None
    for word in _MONTH_WORD.findall(text):
        w = word.lower()
        for name, number in _MONTHS.items():
            if len(w) >= 3 and name.startswith(w):
                return number
    return None


@dataclass(frozen=True)
class Volume:
    """A volume's <meta> and what its ids imply; every paper of the volume shares it."""

    full_id: str
    booktitle: str = ""
    venue_name: str = ""
    volume: str | None = None
    issue: str | None = None
    editors: tuple[PersonName, ...] = ()
    publisher: str | None = None
    address: str | None = None
    series: str | None = None
    kind: Kind = Kind.CONFERENCE
    date: PartialDate | None = None
    isbns: tuple[str, ...] = ()  # of the printed proceedings volume


def _series(venue_ids: list[str], letter: str | None, slug: str | None, venues: dict[str, str]
            ) -> str | None:
    """The venue acronym: a <venue> the metadata names, else the one the collection id encodes."""
    if venue_ids:
        return venues.get(venue_ids[0].lower(), venue_ids[0].upper())
    if slug:
        return venues.get(slug, slug.upper())
    if letter:
        return _OLD_LETTERS.get(letter)
    return None


def _kind(letter: str | None, slug: str | None, booktitle: str) -> Kind:
    if letter in _JOURNAL_LETTERS or slug in _JOURNAL_SLUGS:
        return Kind.JOURNAL
    if letter == "W" or slug == "ws" or _WORKSHOP.search(booktitle):
        return Kind.WORKSHOP
    if _JOURNAL_TITLE.search(booktitle):
        return Kind.JOURNAL
    return Kind.CONFERENCE


def read_volume(meta: Element | None, collection: str, volume_id: str, ctx: SourceContext,
                line: int | None) -> Volume:
    """Map a volume's <meta> (None when it has none) to what its papers inherit."""
    year, letter, slug = parse_collection_id(collection)
    full_id = anthology_id(collection, volume_id)
    if meta is None:
        meta = Element("meta")
        ctx.warn(line, f"volume {full_id} has no <meta>: its papers get no venue name")

    def text(name: str) -> str | None:
        return _ws(meta.findtext(name)) or None

    booktitle = markup_text(meta.find("booktitle"))
    kind = _kind(letter, slug, booktitle)
    venue_name, volume, issue = booktitle, text("volume"), None
    if kind == Kind.JOURNAL:
        m = _JOURNAL_VOLUME.match(booktitle)
        if m:
            venue_name, volume, issue = m.group("name"), volume or m.group("volume"), m.group("issue")
    venues: dict[str, str] = ctx.options.get("venues")  # type: ignore[assignment]
    if venues is None:
        venues = ctx.options["venues"] = _venues_near(ctx.filename)
    venue_ids = [v for v in (_ws(x.text) for x in meta.findall("venue")) if v]
    editors = tuple(p for p in (person(e) for e in meta.findall("editor")) if p is not None)
    isbns: list[str] = []
    for el in meta.findall("isbn"):
        good, bad = ids.isbns(_ws(el.text))
        isbns += good
        for value in bad:
            ctx.warn(line, f"volume {full_id}: isbn {value!r} is not a valid ISBN; left out")
    return Volume(
        full_id=full_id, booktitle=booktitle, venue_name=venue_name, volume=volume, issue=issue,
        editors=editors, publisher=text("publisher"), address=text("address"),
        series=_series(venue_ids, letter, slug, venues),
        kind=kind, date=_date(text("year"), text("month"), year, ctx, line, full_id),
        isbns=tuple(isbns),
    )


def _date(year_text: str | None, month_text: str | None, id_year: int | None, ctx: SourceContext,
          line: int | None, volume: str) -> PartialDate | None:
    year: int | None = None
    inferred: tuple[str, ...] = ()
    if year_text:
        m = re.search(r"\d{4}", year_text)
        if m:
            year = int(m.group(0))
        else:
            ctx.warn(line, f"volume {volume}: year {year_text!r} is not a year")
    if year is None and id_year is not None:
        # Old collections print no year; their id carries it.
        year, inferred = id_year, ("year",)
    if year is None:
        ctx.warn(line, f"volume {volume}: no year")
        return None
    month = None
    if month_text:
        month = _month(month_text)
        if month is None:
            ctx.warn(line, f"volume {volume}: month {month_text!r} not understood")
    return PartialDate(year=year, month=month, inferred=inferred)


def read_paper(el: Element, vol: Volume, key: str, ctx: SourceContext, *, line: int,
               end_line: int | None = None, raw: str = "") -> Record | None:
    """Map one <paper> of a volume to a record; a paper without a title is set aside."""
    title = markup_text(el.find("title"))
    if not title:
        ctx.error(line, f"paper {key} has no title; set aside")
        return None
    authors: list[PersonName] = []
    for a in el.findall("author"):
        p = person(a)
        if p is None:
            ctx.warn(line, f"paper {key}: an empty <author> skipped")
        else:
            authors.append(p)
    paper_editors = tuple(p for p in (person(e) for e in el.findall("editor")) if p is not None)

    # A paper can name its own journal (a journal issue hosted inside a workshop volume).
    journal = _ws(el.findtext("journal")) or None
    venue = None
    if journal or vol.venue_name:
        venue = Venue(
            name=journal or vol.venue_name,
            volume=_ws(el.findtext("volume")) or (None if journal else vol.volume),
            issue=_ws(el.findtext("issue")) or (None if journal else vol.issue),
            pages=_ws(el.findtext("pages")).replace("--", "–") or None,
            publisher=vol.publisher, series=None if journal else vol.series,
            editors=paper_editors or vol.editors,
        )
    record = Record(
        source=ctx.source, key=key, line=line, end_line=end_line, raw=raw,
        title=title, title_printed=markup_text(el.find("title"), printed=True),
        authors=authors, kind=Kind.JOURNAL if journal else vol.kind, venue=venue, date=vol.date,
        abstract=markup_text(el.find("abstract")) or None,
        entry_type="paper", extra=_extra(el, vol),
    )
    for value in vol.isbns:  # the proceedings volume's: resolution puts it on the edition
        record.add_identifier("isbn", value)
    doi = el.findtext("doi")
    if doi:
        normalized = ids.doi(doi)
        if normalized:
            record.add_identifier("doi", normalized)
        else:
            record.warnings.append(f"doi {doi!r} is not a DOI")
            ctx.warn(line, f"paper {key}: doi {doi!r} is not a DOI; left out")
    url = _ws(el.findtext("url"))
    if url.startswith(("http://", "https://")):
        found = ids.classify_url(url)
        if found:
            record.add_identifier(*found)
        record.add_identifier("url", url)
    elif url:
        record.add_identifier("url", ANTHOLOGY + url)
    record.add_identifier("acl", key)
    if not authors and not paper_editors:
        record.warnings.append("no authors")
    return record


def _extra(el: Element, vol: Volume) -> dict[str, Any]:
    extra: dict[str, Any] = {"volume": vol.full_id}
    for name in ("bibkey", "language", "note"):
        value = _ws(el.findtext(name))
        if value:
            extra[name] = value
    if vol.address:
        extra["address"] = vol.address
    awards = [_ws(a.text) for a in el.findall("award")]
    if awards:
        extra["awards"] = awards
    for name in ("retracted", "removed"):
        found = el.find(name)
        if found is not None:
            extra[name] = {"date": found.get("date"), "note": _ws(found.text)}
    return extra


@dataclass
class _State:
    """What survives a restart after an XML error: the collection, the volume and its metadata."""

    ctx: SourceContext
    data: bytes
    collection: str | None = None
    volume_id: str | None = None
    volume_line: int | None = None  # of the volume's <meta> (else <volume>): where its messages point
    volume: Volume | None = None
    open_paper: int | None = None  # the line of a paper begun and not yet ended
    warned: set[str] = field(default_factory=set)


class _Locator:
    """Lines and byte offsets of the located start tags, matched to start events in document order."""

    def __init__(self, data: bytes, base: int) -> None:
        self.data = data
        self.matches = _LOCATED.finditer(data, base)
        self.pos = base
        self.line = data.count(b"\n", 0, base) + 1

    def find(self, tag: str, ident: str | None) -> tuple[int, int] | None:
        want = tag.encode()
        for m in self.matches:
            if m.group(1) != want:
                continue
            if ident is not None:
                head = self.data[m.start():self.data.find(b">", m.start())]
                # A tag-like string in a comment would shift every later line; the id check skips it.
                if f'"{ident}"'.encode() not in head and f"'{ident}'".encode() not in head:
                    continue
            self.line += self.data.count(b"\n", self.pos, m.start())
            self.pos = m.start()
            return self.pos, self.line
        return None


def _run(st: _State, base: int, prefix: bytes) -> Iterator[Record]:
    """Parse ``data[base:]`` behind a prefix that reopens the elements enclosing ``base``."""
    ctx, data = st.ctx, st.data
    parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
    locate = _Locator(data, base)
    depth = 0
    paper_at = (0, 0)
    parser.feed(prefix)
    for _ in parser.read_events():  # the reopened elements: the state already holds what they say
        depth += 1
    for i in range(base, len(data) + _CHUNK, _CHUNK):
        if i < len(data):
            parser.feed(data[i:i + _CHUNK])
        else:
            parser.close()
        # Only start and end events were asked for: every event carries an element.
        for event, el in cast("Iterator[tuple[str, Element]]", parser.read_events()):
            tag = el.tag
            if event == "start":
                depth += 1
                if tag == "paper":
                    found = locate.find("paper", el.get("id"))
                    paper_at = found or (0, st.volume_line or 0)
                    st.open_paper = paper_at[1]
                elif tag == "volume" and depth == 2:
                    found = locate.find("volume", el.get("id"))
                    st.volume_id, st.volume = el.get("id") or "", None
                    st.volume_line = found[1] if found else None
                elif tag == "meta" and depth == 3:
                    found = locate.find("meta", None)
                    st.volume_line = found[1] if found else st.volume_line
                elif tag == "collection" and depth == 1:
                    st.collection = el.get("id")
                    if not st.collection:
                        ctx.warn(1, "<collection> without an id")
                elif depth <= 3 and tag not in _KNOWN and tag not in st.warned:
                    st.warned.add(tag)
                    ctx.warn(st.volume_line, f"unexpected element <{tag}> ignored")
                continue
            depth -= 1
            if tag == "paper":
                yield from _end_paper(st, el, paper_at)
                el.clear()
            elif tag == "meta" and depth == 2 and st.collection is not None:
                st.volume = read_volume(el, st.collection, st.volume_id or "", ctx, st.volume_line)
                el.clear()
            elif tag == "frontmatter":
                # The volume's front matter is not a paper; its facts are in the volume's <meta>.
                assert ctx.report is not None
                ctx.report.absorbed += 1
                el.clear()
            elif tag == "volume":
                el.clear()


def _end_paper(st: _State, el: Element, at: tuple[int, int]) -> Iterator[Record]:
    ctx, data = st.ctx, st.data
    start, line = at
    st.open_paper = None
    if st.collection is None or st.volume_id is None:
        ctx.error(line, "<paper> outside a collection's <volume>; set aside")
        return
    paper_id = el.get("id")
    if not paper_id:
        ctx.error(line, "<paper> without an id; set aside")
        return
    if st.volume is None:
        st.volume = read_volume(None, st.collection, st.volume_id, ctx, st.volume_line)
    end = data.find(b"</paper>", start)
    end = len(data) if end < 0 else end + len(b"</paper>")
    raw = data[start:end].decode("utf-8", errors="replace") if start else ""
    key = anthology_id(st.collection, st.volume_id, paper_id)
    record = read_paper(el, st.volume, key, ctx, line=line,
                        end_line=line + data.count(b"\n", start, end) if start else None, raw=raw)
    if record is not None:
        yield record


def parse_bytes(data: bytes, ctx: SourceContext) -> Iterator[Record]:
    """Read one collection file's UTF-8 bytes into records, paper by paper.

    XML that is not well-formed stops the parser for good; the paper it broke is set aside with the
    error's line, and reading starts again at the next ``<paper`` or ``<volume`` with the collection,
    volume and volume metadata read so far.
    """
    st = _State(ctx=ctx, data=data)
    base, prefix = 0, b""
    while True:
        try:
            yield from _run(st, base, prefix)
            return
        except XMLParseError as exc:
            err_line, column = exc.position
            line = err_line + data.count(b"\n", 0, base)
            at = _line_start(data, line) + max(0, column - (len(prefix) if err_line == 1 else 0))
            message = f"XML not well-formed: {str(exc).split(':')[0]}"
            if st.open_paper is not None:
                ctx.error(line, f"{message}; the paper at line {st.open_paper} is set aside")
            else:
                ctx.warn(line, f"{message}; read on from the next paper")
            st.open_paper = None
            m = _RESUME.search(data, max(at, base + 1))
            if m is None:
                return
            base = m.start()
            prefix = b"<collection id=%s>" % quoteattr(st.collection or "").encode()
            if m.group(1) == b"paper" and st.volume_id is not None:
                prefix += b"<volume id=%s>" % quoteattr(st.volume_id).encode()


def _line_start(data: bytes, line: int) -> int:
    pos = 0
    for _ in range(line - 1):
        pos = data.find(b"\n", pos) + 1
        if pos == 0:
            return len(data)
    return pos


_XML_DECLARATION = re.compile(r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2""")


def parse(text: str, ctx: SourceContext) -> Iterator[Record]:
    """Read one collection file's text. ``ctx.options['venues']`` maps venue ids to acronyms."""
    # The text is already decoded and is handed on as UTF-8; a declaration naming another encoding
    # (which the XML parser may not even support, e.g. UTF-7) would misread it.
    text = _XML_DECLARATION.sub(r"\1\2UTF-8\2", text, count=1)
    return parse_bytes(text.encode("utf-8"), ctx)


def detect(text: str) -> float:
    return 0.95 if re.search(r"<collection\s+id\s*=", text[:4096]) else 0.0


def load_venues(path: str | Path) -> dict[str, str]:
    """Venue id -> acronym from the Anthology's ``venues.yaml``.

    Only the top-level keys and their ``acronym:`` lines are read, which keeps a YAML library out of
    the runtime dependencies; the file's layout (one mapping per venue, two-space indent) allows it.
    """
    table: dict[str, str] = {}
    current = None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace() and line.rstrip().endswith(":"):
            current = line.rstrip()[:-1].strip("'\"")
        elif current and line.startswith("  acronym:"):
            table[current] = line.split(":", 1)[1].strip().strip("'\"")
    return table


def _venues_near(filename: str | None) -> dict[str, str]:
    """The acronyms of a ``venues.yaml`` beside or above a collection file's folder, as the
    Anthology's repository lays them out; none when there is no such file."""
    return _venues_in(Path(filename).resolve().parent) if filename else {}


@lru_cache(maxsize=8)
def _venues_in(folder: Path) -> dict[str, str]:
    """Read once per folder: every collection file of a corpus shares the table."""
    for candidate in (folder / "venues.yaml", folder.parent / "venues.yaml",
                      folder.parent / "yaml" / "venues.yaml"):
        if candidate.is_file():
            return load_venues(candidate)
    return {}


def iter_corpus(directory: str | Path, *, strict: bool = False,
                reports: list[ParseReport] | None = None) -> Iterator[Record]:
    """Every paper of every collection file in a directory (the Anthology's ``data/xml``).

    Each file is read with its own context; its report is appended to ``reports`` when given. A
    ``venues.yaml`` beside or above the directory supplies the venue acronyms.
    """
    directory = Path(directory)
    venues = _venues_in(directory.resolve())
    for path in sorted(directory.glob("*.xml")):
        ctx = SourceContext(source=path.stem, filename=str(path), strict=strict,
                            options={"venues": venues})
        assert ctx.report is not None
        if reports is not None:
            reports.append(ctx.report)
        try:
            text = decode(path.read_bytes(), ctx)
        except OSError as exc:
            if strict:
                raise ParseError(f"cannot read file: {exc.strerror}", str(path)) from exc
            ctx.error(None, f"cannot read file: {exc.strerror}")
            continue
        except ParseError as exc:
            if strict:
                raise
            ctx.error(exc.line, exc.message)
            continue
        yield from parse_text(text, FORMAT, ctx)


FORMAT = SourceFormat(
    name="acl-anthology",
    parse=parse,
    description="ACL Anthology metadata XML (one collection per file): papers, authors with ids, volumes",
    suffixes=(".xml",),
    aliases=("acl",),
    detect=detect,
)
