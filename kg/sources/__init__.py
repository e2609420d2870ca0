"""Source formats: one module per format, all behind one registry.

A format is a :class:`SourceFormat` (name, aliases, suffixes, a content detector and a parser). Built-in
formats register through the ``kg.sources`` entry-point group, the same seam a user's extension uses.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from ..errors import ParseError, UnknownFormatError
from ..records import Issue, ParseReport, PartialDate, PersonName, Record


@dataclass
class SourceContext:
    """Everything a parser knows about the document it reads, and where it reports problems."""

    source: str  # the source id records are attributed to
    filename: str  # for messages: the path as the user gave it
    owner: PersonName | None = None  # the profile owner a listing implies as an author
    captured: PartialDate | None = None  # when the document was captured (completes dates without year)
    strict: bool = False
    options: dict[str, object] = field(default_factory=dict)
    report: ParseReport | None = None
    # Hears (the last line the records so far reach, the document's lines) after each record.
    progress: Callable[[int, int], None] | None = None

    def __post_init__(self) -> None:
        if self.report is None:
            self.report = ParseReport(source=self.source, filename=self.filename, format="")

    def warn(self, line: int | None, message: str) -> None:
        """A problem that does not stop the record (it is kept, the message is counted)."""
        self._issue(line, message, "warning")

    def left_out(self, line: int | None, what: str, notes: list[str]) -> None:
        """Report each value a reader noted on a record and left out (a DOI that is none, an ISSN
        whose check digit fails): ``what`` names the record ("entry 'doe2020'")."""
        for note in notes:
            self.warn(line, f"{what}: {note}; left out")

    def error(self, line: int | None, message: str) -> None:
        """A problem that sets a record aside. In strict mode it stops the whole parse."""
        assert self.report is not None
        self.report.set_aside += 1
        self._issue(line, message, "error")

    def _issue(self, line: int | None, message: str, severity: str) -> None:
        assert self.report is not None
        if self.strict:
            raise ParseError(message, self.filename, line)
        self.report.issues.append(
            Issue(source=self.source, filename=self.filename, line=line, message=message,
                  severity=severity)
        )


Parser = Callable[[str, SourceContext], Iterator[Record]]
Detector = Callable[[str], float]


@dataclass(frozen=True)
class SourceFormat:
    """A readable format. ``detect`` scores a document's text from 0 (surely not) to 1 (surely)."""

    name: str
    parse: Parser
    description: str
    suffixes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    detect: Detector | None = None
    # The parser tells ``ctx.progress`` how far it got itself (one that reads the whole document
    # before its first record); else each record it yields tells the lines it reaches.
    reports_progress: bool = False


_REGISTRY: dict[str, SourceFormat] = {}
_LOADED = False


def register(fmt: SourceFormat) -> SourceFormat:
    """Add a format to the registry (a later registration of the same name replaces the earlier)."""
    _REGISTRY[fmt.name] = fmt
    return fmt


LOAD_ERRORS: list[str] = []


def _load() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for ep in entry_points(group="kg.sources"):
        try:
            obj = ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken extension must not disable the others
            LOAD_ERRORS.append(f"format {ep.name!r} ({ep.value}) could not be loaded: {exc}")
            continue
        if isinstance(obj, SourceFormat):
            register(obj)


def formats() -> dict[str, SourceFormat]:
    _load()
    return dict(sorted(_REGISTRY.items()))


def get(name: str) -> SourceFormat:
    """A format by name or alias; an unknown name lists the valid ones."""
    table = formats()
    key = name.strip().lower()
    if key in table:
        return table[key]
    for fmt in table.values():
        if key in fmt.aliases:
            return fmt
    valid = ", ".join(sorted(table))
    raise UnknownFormatError(f"unknown format {name!r}; known formats: {valid}")


@lru_cache(maxsize=1)
def _parsed_json(text: str) -> tuple[Any, ValueError | RecursionError | None]:
    try:
        return json.loads(text), None
    except (ValueError, RecursionError) as exc:
        return None, exc


def json_value(text: str) -> Any:
    """The text parsed as JSON, for the detectors of the JSON formats: they all look at one
    document in turn, and it is parsed once for them (:func:`detect` lets it go when they are
    done). Raises what ``json.loads`` raises."""
    value, error = _parsed_json(text)
    if error is not None:
        raise error
    return value


def detect(text: str, filename: str = "") -> SourceFormat:
    """Pick a format by content; the file suffix breaks ties and is the fallback."""
    table = formats()
    suffix = Path(filename).suffix.lower()
    scored: list[tuple[float, int, str]] = []
    try:
        for fmt in table.values():
            score = fmt.detect(text) if fmt.detect else 0.0
            by_suffix = int(bool(suffix) and suffix in fmt.suffixes)
            scored.append((score, by_suffix, fmt.name))
    finally:
        _parsed_json.cache_clear()  # the parsed document is not kept beside the one the parser reads
    scored.sort(reverse=True)
    best_score, best_suffix, best_name = scored[0]
    if best_score >= 0.5:
        return table[best_name]
    by_suffix_only = [name for _, by_suffix, name in scored if by_suffix]
    if len(by_suffix_only) == 1:  # a suffix only decides when a single format claims it
        return table[by_suffix_only[0]]
    valid = ", ".join(sorted(table))
    raise UnknownFormatError(
        f"{filename or '<input>'}: cannot tell the format of this document; "
        f"name one with --format (known formats: {valid})"
    )


_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode(data: bytes, ctx: SourceContext) -> str:
    """Bytes to text: a BOM decides; else UTF-8; else Windows-1252 with a warning at the first bad line.

    Binary content (NUL bytes without a UTF-16/32 BOM) is an error: nothing sensible can be read.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    if b"\x00" in data[:65536]:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ParseError("binary content (NUL bytes): not a text document", ctx.filename, line)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        ctx.warn(line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); read as Windows-1252")
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_text(text: str, fmt: SourceFormat, ctx: SourceContext) -> Iterator[Record]:
    """Run a format's parser, counting what comes out in the context's report."""
    assert ctx.report is not None
    ctx.report.format = fmt.name
    if not text.strip():
        ctx.error(1, "empty document: no records")
        return
    told = None if fmt.reports_progress else ctx.progress
    lines = text.count("\n") + 1 if told is not None else 0
    reached = 0
    for record in fmt.parse(text, ctx):
        ctx.report.records += 1
        if told is not None:
            reached = max(reached, record.end_line or record.line)
            told(min(reached, lines), lines)
        yield record


def read(path: str | Path, *, format: str | None = None, ctx: SourceContext | None = None
         ) -> tuple[list[Record], ParseReport]:
    """Read one file into records and a report. ``format`` overrides detection."""
    path = Path(path)
    ctx = ctx or SourceContext(source=path.stem, filename=str(path))
    assert ctx.report is not None
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read file: {exc.strerror}", str(path)) from exc
    try:
        text = decode(data, ctx)
    except ParseError as exc:
        if ctx.strict:
            raise
        ctx.error(exc.line, exc.message)
        return [], ctx.report
    fmt = get(format) if format else detect(text, str(path))
    records = list(parse_text(text, fmt, ctx))
    return records, ctx.report
