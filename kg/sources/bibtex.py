"""BibTeX and biblatex files: macros, month names, crossref/xdata inheritance, LaTeX, eprints and DOIs.

Splitting into blocks is bibtexparser's (with failed blocks), a piece of the text at a time; lines are
counted here from where each block is; field values are evaluated here by BibTeX's own rules
(brace/quote literals, numbers, macros joined with '#'), so an undefined macro or a broken entry is
reported at its line instead of silently kept or dropped.

Decisions, so that every entry of a file is accounted for (records + set aside + absorbed):

- Set aside, each with a ``file:line:`` message: entries without a title (after inheritance; biber's
  name and field test files are mostly such entries), blocks bibtexparser cannot split (unbalanced braces),
  style-control entries (``@IEEEtranBSTCTL``) and ``@xdata`` entries nothing refers to.
- Absorbed (read as part of other entries, not as records): crossref parents that are containers
  (``@proceedings``, ``@book``, ``@collection``, ``@periodical``, the ``@mv*`` types) or have no title of
  their own (BibTeX's whole-journal ``@article``), ``@xdata`` entries that are used, and ``@set`` entries
  (their members are records and name the set in ``extra["set"]``).
- Inheritance follows biblatex's defaults: a parent's title becomes ``booktitle`` (book-like parent of an
  ``in*`` child), ``maintitle`` (``@mv*`` parent) or ``journaltitle`` (``@periodical``); a parent's own
  ``booktitle`` wins (classic BibTeX proceedings carry both); a child with any date part inherits none;
  ``ids``, ``crossref``, ``options`` and the like are never inherited; ``ids`` aliases resolve references.
  ``xref`` links without inheriting. Cycles and missing parents are warnings at the child's line.
- Dates: biblatex ``date`` (ISO 8601 / EDTF, a range's start) before ``year``/``month``/``day``; month
  macros, names, numbers and forms like ``10~January``. Venue from ``journal``, ``journaltitle`` or
  ``booktitle``; ``eprint`` with ``eprinttype``/``archiveprefix`` arXiv (or none) is an arXiv id.
- Keys compare case-insensitively, as in BibTeX; a repeated key's later entry is read as ``key~2``.
  A repeated ``@string`` redefines the macro (a self-reference reads the earlier value).
- Lines starting ``%@`` are commented-out entries (biber's reading, not classic BibTeX's); YAML front
  matter (al-folio's ``---`` lines) is skipped.
- al-folio fields (``abbr``, ``selected``, ``preview``, ``pdf`` ...) go to ``extra``; ``abbr`` is also the
  venue's tag. Author footnote marks (``Einstein*†``) are dropped from names and kept in
  ``extra["author_marks"]``. EndNote notes listing ``Orcid:`` lines give those authors their iD.
- Several files read as one bibliography (IRIDIA's abbrev/journals/authors macro files and crossref.bib):
  source options ``macros`` and ``crossrefs`` (lists of paths, relative to the .bib file's folder), or
  :func:`read_bibliography`. Problems in those files are reported as warnings under their own names.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from pathlib import Path

import bibtexparser
from bibtexparser import model as bm
from bibtexparser.middlewares.names import split_multiple_persons_names
from pylatexenc.latex2text import get_default_latex_context_db

from .. import identifiers as ids
from ..errors import ParseError
from ..names import family_key, parse_name
from ..records import Kind, ParseReport, PartialDate, PersonName, Record, Venue
from ..text import clean_whitespace, fold, latex_to_unicode
from . import SourceContext, SourceFormat, decode, read
from .bibtex_inheritance import PARENT_TYPES, refs, resolve_crossrefs
from .fields import MONTH_NAMES, MONTHS, PREPRINT_VENUE, WORKSHOP, add_doi, add_standard_numbers

logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

_MONTH_NAMES = {**MONTHS, **{m: i + 1 for i, m in enumerate(MONTH_NAMES)}, "sept": 9}
# BibTeX's predefined macros: the month abbreviations expand to full month names.
PREDEFINED = {m[:3]: m.capitalize() for m in MONTH_NAMES}

_KIND_BY_TYPE = {
    "article": Kind.JOURNAL, "inproceedings": Kind.CONFERENCE, "conference": Kind.CONFERENCE,
    "proceedings": Kind.PROCEEDINGS, "book": Kind.BOOK, "mvbook": Kind.BOOK, "booklet": Kind.BOOK,
    "inbook": Kind.CHAPTER, "incollection": Kind.CHAPTER, "bookinbook": Kind.CHAPTER,
    "suppbook": Kind.CHAPTER, "suppcollection": Kind.CHAPTER, "inreference": Kind.CHAPTER,
    "phdthesis": Kind.THESIS, "mastersthesis": Kind.THESIS, "thesis": Kind.THESIS,
    "techreport": Kind.REPORT, "report": Kind.REPORT, "unpublished": Kind.PREPRINT,
    "online": Kind.OTHER, "misc": Kind.OTHER, "manual": Kind.OTHER, "patent": Kind.OTHER,
    "collection": Kind.BOOK, "mvcollection": Kind.BOOK, "reference": Kind.BOOK,
    "mvproceedings": Kind.PROCEEDINGS, "periodical": Kind.JOURNAL, "suppperiodical": Kind.JOURNAL,
    # biblatex's data sets and programs, and biblatex-software's types (as Software Heritage and
    # Zenodo export them)
    "dataset": Kind.DATASET, "software": Kind.SOFTWARE, "softwareversion": Kind.SOFTWARE,
    "softwaremodule": Kind.SOFTWARE, "codefragment": Kind.SOFTWARE,
}
_CONTROL_TYPES = {"ieeetranbstctl"}

# Fields the al-folio Jekyll theme reads; kept in ``extra`` (flags as booleans).
_ALFOLIO_FIELDS = ("abbr", "selected", "preview", "bibtex_show", "pdf", "html", "code", "website",
                   "poster", "slides", "video", "blog", "supp", "award", "award_name", "altmetric",
                   "dimensions", "google_scholar_id", "inspirehep_id", "annotation",
                   "additional_info")
_FLAGS = {"selected", "bibtex_show"}
_AUTHOR_MARKS = re.compile(r"(?<=\S)[*†‡§¶]+(?=\s*(?:,|$))")
_EXTENDED_NAME = re.compile(r"^\s*(?:given|family|prefix|suffix|id)\s*=", re.IGNORECASE)
_ORCID_LINE = re.compile(r"^\s*orcid\s*:\s*(\S+)\s*$", re.IGNORECASE)
_COMMENTED_ENTRY = re.compile(r"^[ \t]*%[ \t]*@")
_BIBTEX_NAME = re.compile(r"[^\s#{}\"=,%()']+")


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
    commands: dict[str, tuple[int, str]] = field(default_factory=dict)  # @preamble LaTeX macros


# --- values ---------------------------------------------------------------------------------------


# A backslash-escaped brace ('\{', '\}') is a literal character, not a group (as biber reads it).
_BRACES = re.compile(r"(?<!\\)[{}]")
_BRACES_QUOTE = re.compile(r'(?<!\\)[{}"]')


def _close_brace(value: str, start: int) -> int:
    """Index of the '}' closing the '{' at ``start``, or -1 (only brace characters are visited)."""
    depth = 0
    for m in _BRACES.finditer(value, start):
        if m.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.start()
    return -1


def _close_quote(value: str, start: int) -> int:
    """Index of the '"' closing the one at ``start`` (quotes inside braces do not count), or -1."""
    depth = 0
    for m in _BRACES_QUOTE.finditer(value, start + 1):
        ch = m.group()
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif depth <= 0:
            return m.start()
    return -1


def evaluate(value: str, macros: dict[str, str], *, on_undefined: Callable[[str], None] | None = None,
             on_malformed: Callable[[str], None] | None = None) -> str:
    """Evaluate a raw BibTeX value: literals, numbers and macro names joined by '#'.

    >>> evaluate('jacm # " 12"', {"jacm": "J. ACM"})
    'J. ACM 12'
    >>> evaluate('{A {B} c}', {})
    'A {B} c'
    >>> evaluate('jan # "~10"', {})
    'January~10'
    """
    out: list[str] = []
    i, n = 0, len(value)

    def problem(message: str) -> None:
        if on_malformed:
            on_malformed(message)

    while True:
        while i < n and value[i].isspace():
            i += 1
        if i >= n:
            if out:
                problem("the value ends with '#'")
            break
        ch = value[i]
        if ch in "{\"":
            end = _close_brace(value, i) if ch == "{" else _close_quote(value, i)
            if end < 0:
                problem("unbalanced braces or quotes")
                out.append(value[i + 1:])
                break
            out.append(value[i + 1:end])
            i = end + 1
        else:
            m = _BIBTEX_NAME.match(value, i)
            if not m:
                problem(f"unexpected {ch!r} in the value")
                out.append(value[i:])
                break
            piece = m.group(0)
            i = m.end()
            name = piece.lower()
            if piece.isdecimal():
                out.append(piece)
            elif name in macros:
                out.append(macros[name])
            elif name in PREDEFINED:
                out.append(PREDEFINED[name])
            else:
                if on_undefined:
                    on_undefined(piece)
                out.append(piece)
        while i < n and value[i].isspace():
            i += 1
        if i >= n:
            break
        if value[i] != "#":
            problem(f"text after the value ({clean_whitespace(value[i:])[:40]!r}; a missing comma?)")
            break
        i += 1
    return "".join(out)


def _balanced(text: str) -> bool:
    if "{" not in text and "}" not in text:
        return True
    depth = 0
    for m in _BRACES.finditer(text):
        depth += 1 if m.group() == "{" else -1
        if depth < 0:
            return False
    return depth == 0


# --- splitting ------------------------------------------------------------------------------------


def _prepare(text: str) -> str:
    """Blank out YAML front matter and commented-out entries, keeping line numbers."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                lines[: i + 1] = [""] * (i + 1)
                break
    commented = False
    for i, line in enumerate(lines):
        if _COMMENTED_ENTRY.match(line):
            commented = True
        elif commented and not line.lstrip().startswith("%"):
            commented = False
        if commented:
            lines[i] = ""
    return "\n".join(lines)


# Where a line starts a block ('@type' then '{' or '('). bibtexparser's splitter starts a block at
# every such line, aborting one still open there; so a text cut before these lines splits into the
# same blocks piece by piece.
_LINE_BLOCK_START = re.compile(r"(?m)^[ \t]*@\w*[ \t]*[{(]")
SPLIT_CHUNK = 1 << 16  # characters the splitter takes at a time (at least; up to a block's line)
# After a piece that is not the text's last: a block the piece leaves open is aborted by the next
# block's start, as in the whole text (with the same reason). A comment: the reader skips it.
_NEXT_BLOCK = "@comment{}"


def _chunks(text: str, size: int) -> Iterator[tuple[int, int]]:
    """(start, end) of the pieces of ``text``: ``size`` characters or more, each after the first
    starting at a line that starts a block."""
    start = 0
    while len(text) - start > size:
        m = _LINE_BLOCK_START.search(text, start + size)
        if m is None:
            break
        yield start, m.start()
        start = m.start()
    yield start, len(text)


def _split(text: str) -> Iterator[tuple[bm.Block, int]]:
    """Blocks, each with the line of ``text`` (from 0) it starts on, a piece of the text at a time:
    reading a large file tells how far it got from its first entries on, not once it is split."""
    lines = 0
    for a, b in _chunks(text, SPLIT_CHUNK):
        piece = text[a:b]
        try:
            blocks = [(blk, 0) for blk in bibtexparser.parse_string(
                piece if b == len(text) else piece + _NEXT_BLOCK, parse_stack=[]).blocks]
        except Exception:  # noqa: BLE001 - the splitter gave up on the piece: retry block by block
            blocks = _parse_piecewise(piece)
        for block, line in _located(piece, blocks):
            yield block, lines + line
        lines += piece.count("\n")


def _located(text: str, blocks: Iterable[tuple[bm.Block, int]]) -> Iterator[tuple[bm.Block, int]]:
    """Each block with the line it starts on, counted here from where its text is. bibtexparser
    counts lines by the newlines it meets and meets none right after a backslash (TeX's control
    space at a line's end, common in TUGboat's bibliographies), so its lines fall one behind at
    each. ``blocks`` come with the lines before the text they were split from."""
    cursor = line = 0
    for block, offset in blocks:
        raw = block.raw
        pos = text.find(raw, cursor) if raw else -1
        if pos < 0:  # not a piece of the text as given: as bibtexparser counted
            yield block, (block.start_line or 0) + offset
            continue
        line += text.count("\n", cursor, pos)
        yield block, line
        line += raw.count("\n")
        cursor = pos + len(raw)


def _counted_line(raw: str, counted: int) -> int:
    """The line (from 0) of a block's text that bibtexparser counted as its ``counted``-th: it
    counts no newline right after a backslash.

    >>> raw = '@misc{k,|title = "a \\\\TeX\\\\|b",|year = 1999}'.replace('|', chr(10))
    >>> _counted_line(raw, 2)  # the year: after the title's second line
    3
    """
    if counted <= 0 or "\\\n" not in raw:
        return counted
    seen = line = 0
    for m in re.finditer("\n", raw):
        line += 1
        if raw[m.start() - 1] != "\\":
            seen += 1
            if seen == counted:
                break
    return line


def _parse_piecewise(text: str) -> list[tuple[bm.Block, int]]:
    """Parse each '@'-started chunk on its own, so one pathological block cannot sink the file."""
    blocks: list[tuple[bm.Block, int]] = []
    starts = [m.start() for m in re.finditer(r"(?m)^[ \t]*@", text)] or [0]
    starts.append(len(text))
    for a, b in pairwise(starts):
        chunk = text[a:b]
        offset = text.count("\n", 0, a)
        try:
            blocks += [(blk, offset) for blk in bibtexparser.parse_string(chunk, parse_stack=[]).blocks]
        except Exception as exc:  # noqa: BLE001 - reported as a failed block
            blocks.append((bm.ParsingFailedBlock(start_line=0, raw=chunk, error=exc), offset))
    return blocks


def _unwrap(block: bm.Block) -> bm.Block:
    """bibtexparser wraps repeated keys in error blocks; repeats are judged here, case-insensitively."""
    while isinstance(block, (bm.DuplicateBlockKeyBlock, bm.DuplicateFieldKeyBlock)):
        if block.ignore_error_block is None:
            break
        block = block.ignore_error_block
    return block


def _failure_reason(block: bm.ParsingFailedBlock) -> str:
    reason = getattr(block.error, "abort_reason", None) or str(block.error) or "syntax error"
    reason = clean_whitespace(reason.split("\n")[0])
    if reason.startswith("Unexpected block start"):
        return "entry not closed before the next '@' (unbalanced braces?)"
    if "end of file" in reason.lower():
        return "entry not closed before the end of the file (unbalanced braces?)"
    return reason


class _Reader:
    """Reads blocks in order, keeping the macros defined so far and the keys seen so far."""

    def __init__(self, ctx: SourceContext, macros: dict[str, str] | None = None,
                 line_offset: int = 0) -> None:
        self.ctx = ctx
        self.macros = dict(macros or {})
        self.line_offset = line_offset
        self.seen: set[str] = set()
        self.commands: dict[str, tuple[int, str]] = {}
        self.external: list[Entry] = []  # crossref targets read from other files

    def entries(self, text: str) -> Iterator[Entry]:
        for wrapped, start in _split(_prepare(text)):
            block = _unwrap(wrapped)
            line = start + 1 + self.line_offset
            if isinstance(block, bm.String):
                self._define(block, line)
            elif isinstance(block, bm.Preamble):
                self.commands.update(preamble_commands(evaluate(str(block.value), self.macros)))
            elif isinstance(block, bm.ParsingFailedBlock):
                self._failed(block, line)
            elif isinstance(block, bm.Entry):
                yield self._entry(block, line)

    def _define(self, block: bm.String, line: int) -> None:
        name = block.key.lower()

        def undefined(macro: str) -> None:
            if macro.lower() == name:
                self.ctx.warn(line, f"@string {block.key} refers to itself before it is defined")
            else:
                self.ctx.warn(line, f"@string {block.key}: undefined macro {macro!r}")

        def malformed(message: str) -> None:
            self.ctx.warn(line, f"@string {block.key}: {message}")

        value = evaluate(str(block.value), self.macros, on_undefined=undefined, on_malformed=malformed)
        old = self.macros.get(name)
        if old is not None and old != value and not macro_refers(str(block.value), name):
            self.ctx.warn(line, f"@string {block.key} redefined; the later value is used")
        self.macros[name] = value

    def _failed(self, block: bm.ParsingFailedBlock, line: int) -> None:
        raw = block.raw or ""
        head = raw.split("\n", 1)[0][:60]
        message = f"malformed entry {head!r}: {_failure_reason(block)}; set aside"
        if re.match(r"\s*@\s*(string|preamble|comment)\b", raw, re.IGNORECASE):
            # Not an entry: nothing is set aside, but the definition is lost.
            self.ctx.warn(line, message.replace("entry", "block", 1).replace("; set aside", "; ignored"))
        else:
            self.ctx.error(line, message)

    def _entry(self, block: bm.Entry, line: int) -> Entry:
        key = block.key.strip()
        if not key:
            key = f"line-{line}"
            self.ctx.warn(line, f"entry has no key; read as key {key!r}")
        if key.lower() in self.seen:
            n = 2
            while f"{key}~{n}".lower() in self.seen:
                n += 1
            self.ctx.warn(line, f"duplicate key {key!r}: the later entry is read as key '{key}~{n}'")
            key = f"{key}~{n}"
        self.seen.add(key.lower())
        values: dict[str, str] = {}
        lines: dict[str, int] = {}
        raw = block.raw or ""
        for f in block.fields:
            name = f.key.lower().strip()
            fline = line if f.start_line is None else \
                line + _counted_line(raw, f.start_line - (block.start_line or 0))

            def undefined(macro: str, _f: str = name, _l: int = fline) -> None:
                self.ctx.warn(_l, f"entry {key!r}, field {_f!r}: undefined macro {macro!r}, kept as text")

            def malformed(message: str, _f: str = name, _l: int = fline) -> None:
                self.ctx.warn(_l, f"entry {key!r}, field {_f!r}: {message}")

            value = evaluate(str(f.value), self.macros, on_undefined=undefined, on_malformed=malformed)
            if not _balanced(value):
                malformed("unbalanced braces")
                value = value.replace("{", "").replace("}", "")
            if name in values:
                self.ctx.warn(fline, f"entry {key!r}: field {name!r} given twice; the first is kept")
                continue
            values[name] = value
            lines[name] = fline
        return Entry(key=key, entry_type=block.entry_type.lower(), line=line,
                     end_line=line + raw.count("\n"), raw=raw, fields=values, field_lines=lines,
                     commands=self.commands)


def macro_refers(value: str, name: str) -> bool:
    """Does a raw @string value use the macro ``name`` (a self-reference extends, not redefines)?"""
    return any(m.group(0).lower() == name for m in _BIBTEX_NAME.finditer(
        re.sub(r"\{[^{}]*\}|\"[^\"]*\"", " ", value)))


def read_entries(text: str, ctx: SourceContext, *, macros: dict[str, str] | None = None,
                 line_offset: int = 0) -> Iterator[Entry]:
    """Split a BibTeX text into evaluated entries, reporting broken blocks, duplicates and macros."""
    yield from _Reader(ctx, macros, line_offset).entries(text)


def read_macros(text: str, ctx: SourceContext, *, macros: dict[str, str] | None = None
                ) -> dict[str, str]:
    """The @string definitions of a macro file (IRIDIA's abbrev.bib, biber's definitions.bib).

    ``macros`` are those defined before (a macro file may build on an earlier one)."""
    reader = _Reader(ctx, macros)
    for _ in reader.entries(text):
        pass
    return reader.macros


_NEWCOMMAND = re.compile(r"\\(?:(?:provide|new|renew)command\*?\s*\{?\s*\\([A-Za-z]+)\s*\}?"
                         r"(\s*\[\d\])?|def\s*\\([A-Za-z]+))\s*\{")


def preamble_commands(preamble: str) -> dict[str, tuple[int, str]]:
    r"""The macros a @preamble defines, as (number of arguments, body).

    >>> preamble_commands(r"\providecommand{\ACO}{{Ant} {Colony}} \newcommand{\noopsort}[1]{}")
    {'ACO': (0, '{Ant} {Colony}'), 'noopsort': (1, '')}
    """
    found: dict[str, tuple[int, str]] = {}
    for m in _NEWCOMMAND.finditer(preamble):
        end = _close_brace(preamble, m.end() - 1)
        if end > 0:
            nargs = int(re.sub(r"\D", "", m.group(2))) if m.group(2) else 0
            found[m.group(1) or m.group(3)] = (nargs, preamble[m.end():end])
    return found


def _expand(text: str, commands: dict[str, tuple[int, str]]) -> str:
    """Replace uses of @preamble macros by their bodies (arguments in braces only)."""
    out, pos = [], 0
    for m in re.finditer(r"\\([A-Za-z]+)", text):
        if m.group(1) not in commands or m.start() < pos:
            continue
        nargs, body = commands[m.group(1)]
        end, args = m.end(), []
        for _ in range(nargs):
            while end < len(text) and text[end].isspace():
                end += 1
            close = _close_brace(text, end) if text[end:end + 1] == "{" else -1
            if close < 0:
                break
            args.append(text[end + 1:close])
            end = close + 1
        if len(args) < nargs:
            continue
        for n, arg in enumerate(args, start=1):
            body = body.replace(f"#{n}", arg)
        out += [text[pos:m.start()], body]
        pos = end
    return "".join(out) + text[pos:]


_CONTROL_WORD = re.compile(r"\\([A-Za-z]+)(?:\{\})?")
_LATEX_DB = get_default_latex_context_db()
# Declarations that only change the font or spacing print nothing; TUGboat's \Dash is a dash.
_SILENT = {"it", "tt", "sl", "bf", "rm", "sc", "em", "sf", "up", "md", "itshape", "bfseries",
           "scshape", "ttfamily", "rmfamily", "sffamily", "slshape", "upshape", "normalfont", "small",
           "large", "Large", "LARGE", "footnotesize", "scriptsize", "tiny", "normalsize", "huge", "Huge",
           "relax", "protect", "noindent", "hfill", "break", "newline", "null", "smallskip", "slnine",
           "ssf", "smc"}
_SPELLED = {"Dash": " \u2014 ", "dash": " \u2014 "}


def _logo(m: re.Match[str], text: str) -> str:
    """A control word the decoder knows, or that takes an argument, stays; another is its name."""
    name = m.group(1)
    if name in _SILENT:
        return m.group(0)
    known = _LATEX_DB.get_macro_spec(name) is not None
    takes_argument = not m.group(0).endswith("{}") and text[m.end():m.end() + 1] == "{"
    return m.group(0) if known or takes_argument else _SPELLED.get(name, name)


def decode_latex(text: str, commands: dict[str, tuple[int, str]] | None = None) -> str:
    r"""LaTeX to Unicode, expanding @preamble macros first; an unknown argumentless macro outside math
    (a logo such as ``\TUG`` or ``\TeX``, which the decoder would drop) reads as its name.

    >>> decode_latex(r"The \TeX{}book and {\ACO}", {"ACO": (0, "Ant Colony")})
    'The TeXbook and Ant Colony'
    """
    if "\\" not in text:
        return latex_to_unicode(text)
    for _ in range(3 if commands else 0):  # a macro may use another; three rounds stop a loop
        text = _expand(text, commands or {})

    parts = text.split("$")
    for i in range(0, len(parts), 2):  # even parts are outside math
        parts[i] = _CONTROL_WORD.sub(partial(_logo, text=parts[i]), parts[i])
    return latex_to_unicode("$".join(parts))


# --- entry to record ------------------------------------------------------------------------------


def split_authors(value: str) -> tuple[list[str], bool]:
    """Split a BibTeX name list on ' and ' outside braces; 'and others' marks truncation."""
    names = [clean_whitespace(n) for n in split_multiple_persons_names(value) if n.strip()]
    truncated = bool(names) and names[-1].lower() in ("others", "et al.", "et al")
    if truncated:
        names = names[:-1]
    elif names and (m := _GLUED_ET_AL.search(names[-1])) and m.start() > 0:
        names[-1], truncated = names[-1][:m.start()], True  # 'Born, L. et al.'
    return names, truncated


_GLUED_ET_AL = re.compile(r"[\s,]+et\.?\s*al\.?$", re.IGNORECASE)


def _extended_name(printed: str) -> PersonName:
    """biblatex's extended name format: 'given=Brian, prefix=de, family=Brown'."""
    parts: dict[str, str] = {}
    for item in re.split(r",\s*(?=\w+\s*=)", printed):
        k, _, v = item.partition("=")
        parts[k.strip().lower()] = latex_to_unicode(v.strip().strip("{}"))
    return PersonName(printed=printed, given=parts.get("given", ""), family=parts.get("family", ""),
                      particle=parts.get("prefix", ""), suffix=parts.get("suffix", ""))


def _person(printed: str) -> tuple[PersonName, str]:
    """A name and the footnote marks that were glued to it."""
    if _EXTENDED_NAME.match(printed):
        return _extended_name(printed), ""
    marks = "".join(_AUTHOR_MARKS.findall(printed))
    if not marks:
        return parse_name(printed), ""
    name = parse_name(_AUTHOR_MARKS.sub("", printed))
    return name.model_copy(update={"printed": printed}), marks


def _people(value: str) -> tuple[list[PersonName], list[str], bool]:
    names, truncated = split_authors(value)
    people = [_person(n) for n in names]
    return [p for p, _ in people], [m for _, m in people], truncated


def _month(text: str) -> tuple[int | None, int | None]:
    """Month and day from a month field: 'jul', 'July', '7', '10~January', '2 sep', 'May 5'."""
    words = re.findall(r"[a-z]+|\d+", latex_to_unicode(text).lower().replace("~", " "))
    month = day = None
    for w in words:
        if len(w) >= 3 and not w.isdecimal():
            month = next((i + 1 for i, m in enumerate(MONTH_NAMES) if m.startswith(w)),
                         _MONTH_NAMES.get(w))
            if month:
                break
    numbers = [int(w) for w in words if w.isdecimal()]
    if month is None and len(numbers) == 1 and 1 <= numbers[0] <= 12 and len(words) == 1:
        return numbers[0], None
    if month is not None and len(numbers) == 1 and 1 <= numbers[0] <= 31:
        day = numbers[0]
    return month, day


def _date(fields: dict[str, str], ctx: SourceContext, entry: Entry) -> PartialDate | None:
    line = entry.field_lines.get("date", entry.line)
    year = month = day = None
    raw_date = latex_to_unicode(fields.get("date", ""))
    if raw_date:
        m = re.match(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", raw_date)
        if m:
            year = int(m.group(1))
            month = int(m.group(2)) if m.group(2) else None
            day = int(m.group(3)) if m.group(3) else None
        else:
            ctx.warn(line, f"entry {entry.key!r}: date {fields['date']!r} is not an ISO 8601 date")
    if year is None and fields.get("year"):
        ym = re.search(r"\d{4}", latex_to_unicode(fields["year"]))
        if ym:
            year = int(ym.group(0))
        else:
            ctx.warn(entry.field_lines.get("year", entry.line),
                     f"entry {entry.key!r}: year {fields['year']!r} is not a year")
    if year is None:
        return None
    if month is None and fields.get("month"):
        month, day = _month(fields["month"])
        if month is None:
            ctx.warn(entry.field_lines.get("month", entry.line),
                     f"entry {entry.key!r}: month {fields['month']!r} not understood")
    if day is None and fields.get("day", "").strip().isdecimal() and month:
        day = int(fields["day"])
    try:
        return PartialDate(year=year, month=month, day=day)
    except ValueError as exc:
        ctx.warn(line, f"entry {entry.key!r}: bad date: {exc}")
        return PartialDate(year=year)


def _pages(text: str | None) -> str | None:
    """Pages, but not the arXiv id that NASA ADS prints there ('pages = {arXiv:2312.15230}')."""
    return None if text is None or re.fullmatch(r"\s*arXiv:\S+\s*", text, re.IGNORECASE) else text


def _kind(entry_type: str, venue: str, fields: dict[str, str]) -> Kind:
    kind = _KIND_BY_TYPE.get(entry_type, Kind.OTHER)
    if PREPRINT_VENUE.search(venue) and kind in (Kind.JOURNAL, Kind.OTHER, Kind.UNKNOWN):
        return Kind.PREPRINT
    if kind in (Kind.CONFERENCE, Kind.PROCEEDINGS, Kind.CHAPTER) and WORKSHOP.search(venue):
        return Kind.WORKSHOP if kind != Kind.PROCEEDINGS else kind
    arxiv = fields.get("eprint") or fields.get("arxiv") or fields.get("arxivid")
    if kind in (Kind.OTHER, Kind.JOURNAL) and arxiv and not venue:
        return Kind.PREPRINT  # Mendeley: an @article with only 'arxivId'; a @misc with 'eprint'
    return kind


def entry_to_record(entry: Entry, ctx: SourceContext) -> Record | None:
    """Map one evaluated entry to a record; an entry with no title is set aside."""
    f = entry.fields

    def text(name: str) -> str | None:
        return decode_latex(f[name], entry.commands) or None if f.get(name) else None

    if entry.entry_type in _CONTROL_TYPES:
        ctx.error(entry.line, f"entry {entry.key!r} is a @{entry.entry_type} style-control entry, "
                              "not a publication; set aside")
        return None
    title = text("title")
    if not title:
        ctx.error(entry.line, f"entry {entry.key!r} has no title; set aside")
        return None
    authors, marks, truncated = _people(f["author"]) if f.get("author") else ([], [], False)
    editors = _people(f["editor"])[0] if f.get("editor") else []
    # 'howpublished' that is only a link (software, a data set, a web page) says where the work
    # is, not a venue: the link is its URL.
    link = _only_url(f["howpublished"]) if f.get("howpublished") else None
    link = verbatim(link) if link else None
    venue_field = next((n for n in ("journal", "journaltitle", "booktitle", "howpublished", "school",
                                    "institution") if f.get(n) and not (n == "howpublished" and link)),
                       None)
    venue_raw = f[venue_field] if venue_field else ""
    venue_name = (text(venue_field) if venue_field else None) or ""
    if entry.entry_type in ("book", "proceedings", "collection") and not venue_name:
        venue_name = text("series") or text("publisher") or ""
    elif _KIND_BY_TYPE.get(entry.entry_type) in (Kind.DATASET, Kind.SOFTWARE) and not venue_name:
        venue_name = text("publisher") or ""  # the repository that holds it ('Zenodo')
    venue = None
    if venue_name:
        venue = Venue(
            name=venue_name, tag=text("abbr"), volume=text("volume"),
            issue=text("number") or text("issue"),
            pages=_pages(text("pages")), publisher=text("publisher"), series=text("series"),
            editors=tuple(editors),
        )
    record = Record(
        source=ctx.source, key=entry.key, line=entry.line, end_line=entry.end_line, raw=entry.raw,
        title=title, title_printed=clean_whitespace(f["title"]),
        authors=_endnote_orcids(authors, f.get("note", "")), authors_truncated=truncated,
        kind=_kind(entry.entry_type, venue_name, f), venue=venue,
        date=_date(f, ctx, entry), abstract=text("abstract"), entry_type=entry.entry_type,
        subjects=[s.strip() for s in (text("keywords") or "").split(",") if s.strip()],
        release=text("version"),  # biblatex's version of a program, a data set, a manual
    )
    noted = len(record.warnings)
    _identifiers(record, f, venue_raw)
    ctx.left_out(entry.line, f"entry {entry.key!r}", record.warnings[noted:])
    if link:
        found = ids.classify_url(link)
        if found:
            record.add_identifier(*found)
        record.add_identifier("url", link)
    _extra(record, f, marks)
    if not authors and not editors:
        record.warnings.append("no authors")
    return record


def _extra(record: Record, f: dict[str, str], marks: list[str]) -> None:
    for name in _ALFOLIO_FIELDS:
        if f.get(name):
            value = clean_whitespace(f[name])
            record.extra[name] = value.lower() == "true" if name in _FLAGS else value
    if any(marks):
        record.extra["author_marks"] = marks
    for name in ("note", "set"):
        if f.get(name):
            record.extra[name] = latex_to_unicode(f[name])


def _endnote_orcids(authors: list[PersonName], note: str) -> list[PersonName]:
    """EndNote exports list each author on a line of the note, an 'Orcid: ...' line after some."""
    if "orcid" not in note.lower():
        return authors
    lines = [line.strip() for line in note.split("\n")]
    found: dict[str, str] = {}
    for before, line in pairwise(lines):
        m = _ORCID_LINE.match(line)
        iD = ids.person_id("orcid", ids.orcid(m.group(1).upper())) if m else None
        if iD and "," in before:
            name = parse_name(before)
            found[f"{family_key(name)} {fold(name.given)[:1]}"] = iD
    out = []
    for a in authors:
        iD = found.get(f"{family_key(a)} {fold(a.given)[:1]}")
        out.append(a.model_copy(update={"identifier": iD}) if iD and not a.identifier else a)
    return out


_EPRINT_SCHEMES = {"pubmed": "pmid", "pmid": "pmid", "jstor": "jstor", "hdl": "handle",
                   "handle": "handle"}


_ONLY_URL = re.compile(r"\s*(?:\\url\s*\{\s*(https?://[^\s{}]+)\s*\}|<?(https?://[^\s{}<>]+)>?)\s*")


def _only_url(value: str) -> str | None:
    """The link a field holds when it holds nothing else: a bare URL or LaTeX's \\url{...}.

    >>> _only_url(r"\\url{https://github.com/automl/SMAC3}")
    'https://github.com/automl/SMAC3'
    >>> _only_url("GitHub repository, https://github.com/automl/SMAC3") is None
    True
    """
    m = _ONLY_URL.fullmatch(value)
    return (m.group(1) or m.group(2)) if m else None


_TEX_ESCAPE = re.compile(r"\{?\\([_%&#$~])(?:\{\})?\}?|\{?\\text(underscore|asciitilde)\b\s*(?:\{\})?\}?")


def verbatim(value: str) -> str:
    r"""A DOI or URL as printed in BibTeX with TeX's special characters escaped ('8\_13' in
    dblp's exports, '{\_}' in others): the characters themselves, without grouping braces.

    >>> verbatim(r"10.1007/978-3-030-58452-8\_13")
    '10.1007/978-3-030-58452-8_13'
    >>> verbatim(r"{https://openreview.net/forum?id={\_}nF5imFKQI}")
    'https://openreview.net/forum?id=_nF5imFKQI'
    >>> verbatim(r"https://example.org/\~{}user/a\%20b")
    'https://example.org/~user/a%20b'
    """
    def char(m: re.Match[str]) -> str:
        if m.group(1):
            return m.group(1)
        return "_" if m.group(2) == "underscore" else "~"
    return _TEX_ESCAPE.sub(char, value.strip()).replace("{", "").replace("}", "").strip()


def _identifiers(record: Record, f: dict[str, str], venue_raw: str) -> None:
    f = {**f, **{n: verbatim(f[n]) for n in ("doi", "url", "pdf", "html", "openreview", "eprint")
                 if f.get(n)}}
    add_doi(record, f.get("doi"))
    eprint_type = (f.get("archiveprefix") or f.get("eprinttype") or "").strip().lower()
    candidates = []
    if f.get("eprint") and (eprint_type in ("arxiv", "") or "arxiv" in eprint_type):
        candidates.append(f["eprint"])
    elif f.get("eprint") and eprint_type in _EPRINT_SCHEMES:
        record.add_identifier(_EPRINT_SCHEMES[eprint_type], clean_whitespace(f["eprint"]))
    in_arxiv = re.search(r"\barxiv\b|\bcorr\b", venue_raw, re.IGNORECASE)
    candidates += [f.get("arxiv", ""), f.get("arxivid", ""),
                   venue_raw if re.search(r"arxiv", venue_raw, re.IGNORECASE) else "",
                   ids.arxiv_of_doi(record.first_id("doi")) or ""]
    if in_arxiv and re.match(r"\s*abs/", f.get("volume", "")):
        candidates.append(f["volume"])  # dblp, Semantic Scholar: journal 'CoRR', volume 'abs/2312.15230'
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
        add_standard_numbers(record, name, f.get(name))
    key = dblp_key(record.key, f.get("biburl", ""), f.get("bibsource", ""))
    if key:
        record.add_identifier("dblp", key)


_DBLP_BIBURL = re.compile(r"https?://(?:www\.)?dblp\.(?:org|uni-trier\.de)/rec/(?:bibtex/)?"
                          r"(?P<key>[\w-]+(?:/[\w.+-]+)+)$")
_DBLP_KEY = re.compile(r"DBLP:(?P<key>(?:conf|journals|books|phd|series|reference|tr|ms|persons|"
                       r"homepages|www|data)/[\w.+-]+(?:/[\w.+-]+)*)$")


def dblp_key(key: str, biburl: str, bibsource: str) -> str | None:
    """The key of a dblp record, from the address of its BibTeX ('biburl'), or from the entry key
    dblp gives it ('DBLP:conf/iclr/ZimmerSP23') where 'bibsource' says the entry is dblp's: anyone
    may write a key in dblp's style.

    >>> dblp_key("x", "https://dblp.org/rec/journals/corr/abs-2312-15230.bib", "")
    'journals/corr/abs-2312-15230'
    >>> dblp_key("DBLP:conf/iclr/ZimmerSP23", "", "dblp computer science bibliography, https://dblp.org")
    'conf/iclr/ZimmerSP23'
    >>> dblp_key("DBLP:conf/iclr/ZimmerSP23", "", "") is None
    True
    """
    m = _DBLP_BIBURL.match(re.sub(r"\.bib$", "", verbatim(biburl))) if biburl else None
    if m is None and re.search(r"\bdblp\b", bibsource, re.IGNORECASE):
        m = _DBLP_KEY.match(key.strip())
    return m.group("key") if m else None


# --- reading --------------------------------------------------------------------------------------


def _paths(option: object) -> list[Path]:
    if option is None:
        return []
    if isinstance(option, (str, Path)):
        return [Path(option)]
    return [Path(str(p)) for p in option]  # type: ignore[attr-defined]


def _aux_text(path: Path, ctx: SourceContext) -> tuple[str, SourceContext]:
    """Read a macro or crossref file beside the main one, with a context of its own for messages."""
    aux = SourceContext(source=ctx.source, filename=str(path), strict=ctx.strict)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read file: {exc.strerror}", str(path)) from exc
    return decode(data, aux), aux


def _merge_issues(into: SourceContext, aux: SourceContext) -> None:
    """An auxiliary file's problems are the main file's warnings: none of its entries is set aside."""
    assert into.report is not None and aux.report is not None
    into.report.issues += [i.model_copy(update={"severity": "warning"}) for i in aux.report.issues]


def load_auxiliary(ctx: SourceContext) -> _Reader:
    """A reader primed with the macro files and crossref files ``ctx.options`` names.

    ``macros`` may also be a dict of macro values. Paths are relative to the main file's folder.
    """
    base = Path(ctx.filename).parent
    reader = _Reader(ctx)
    option = ctx.options.get("macros")
    if isinstance(option, dict):
        reader.macros = {str(k).lower(): str(v) for k, v in option.items()}
        option = None
    for path, crossref in [(p, False) for p in _paths(option)] + [
            (p, True) for p in _paths(ctx.options.get("crossrefs"))]:
        text, aux = _aux_text(base / path, ctx)
        # The same reader carries macros and @preamble commands from file to file, as BibTeX does.
        reader.ctx, reader.seen = aux, set()
        entries = list(reader.entries(text))
        if crossref:
            reader.external += entries
        _merge_issues(ctx, aux)
    reader.ctx, reader.seen = ctx, set()
    return reader


def parse(text: str, ctx: SourceContext) -> Iterator[Record]:
    """Read a .bib text; ``ctx.options`` may name macro and crossref files (see the module doc)."""
    reader = load_auxiliary(ctx)
    # Two passes over the text (entries, then records after crossrefs are resolved), each half of
    # what ``ctx.progress`` hears.
    told = ctx.progress or (lambda _done, _total: None)
    lines = text.count("\n") + 1 if ctx.progress is not None else 0
    entries = []
    for entry in reader.entries(text):
        entries.append(entry)
        told(min(entry.end_line, lines), 2 * lines)
    entries, parents = resolve_crossrefs(entries, ctx, external=reader.external)
    members = {m: e.key for e in entries if e.entry_type == "set"
               for m in refs(e.fields.get("entryset", ""))}
    for entry in entries:
        told(lines + min(entry.end_line, lines), 2 * lines)
        key = entry.key.lower()
        if entry.entry_type == "xdata" and key not in parents:
            ctx.error(entry.line, f"@xdata entry {entry.key!r} is used by no entry; set aside")
            continue
        # A set, an xdata entry and a container that papers cross-reference are read as part of
        # other entries, not as publications of their own.
        if entry.entry_type in ("set", "xdata") or (key in parents and (
                entry.entry_type in PARENT_TYPES or not entry.fields.get("title"))):
            assert ctx.report is not None
            ctx.report.absorbed += 1
            continue
        if key in members:
            entry.fields.setdefault("set", members[key])
        record = entry_to_record(entry, ctx)
        if record is not None:
            yield record


def read_bibliography(path: str | Path, *, macros: Iterable[str | Path] = (),
                      crossrefs: Iterable[str | Path] = (), ctx: SourceContext | None = None
                      ) -> tuple[list[Record], ParseReport]:
    """Read a .bib file as BibTeX reads ``\\bibliography{macros..., path, crossrefs...}``.

    Macro files are read in order before the file; crossref files give parents to inherit from.
    """
    path = Path(path)
    ctx = ctx or SourceContext(source=path.stem, filename=str(path))
    ctx.options = {**ctx.options, "macros": [str(p) for p in macros],
                   "crossrefs": [str(p) for p in crossrefs]}
    return read(path, format="bibtex", ctx=ctx)


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
    reports_progress=True,
)
