"""Institutional-repository listings captured as text: the owner's name on the first line, then per item a
title line, an author line in 'Last, First, Last, First' form, and an abstract line. No venues, no years.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..names import is_particle, parse_name
from ..records import Kind, PersonName, Record
from ..text import clean_whitespace, latex_to_unicode
from . import SourceContext, SourceFormat

_NAME_PART = re.compile(r"^(?:[A-Z][\w'’\-]*\.?|[A-Z]\.(?:-?[A-Z]\.)*|[a-z]{1,3}['’][A-Z][\w\-]*)$")


def _name_part(text: str, *, max_tokens: int = 4) -> bool:
    tokens = text.split()
    if not 1 <= len(tokens) <= max_tokens:
        return False
    return all(_NAME_PART.match(t) or is_particle(t) for t in tokens)


def inverted_names(line: str) -> list[PersonName] | None:
    """'Fayad, Ibrahim, Zimmer, Max' -> names; None when the line is not such a list.

    >>> [n.full for n in inverted_names("Koch, Laura Vargas, De Truchis, Aurelien")]
    ['Laura Vargas Koch', 'Aurelien De Truchis']
    """
    parts = [p.strip() for p in line.split(",")]
    if len(parts) < 2 or len(parts) % 2 or any(not p for p in parts):
        return None
    names = []
    for family, given in zip(parts[::2], parts[1::2]):
        if not _name_part(family, max_tokens=3) or not _name_part(given):
            return None
        names.append(parse_name(f"{family}, {given}", latex=False))
    return names


def _is_prose(line: str) -> bool:
    words = line.split()
    return len(words) >= 25 or (len(words) >= 12 and line.rstrip().endswith("."))


def parse(text: str, ctx: SourceContext) -> Iterator[Record]:
    lines = [(n, clean_whitespace(t)) for n, t in enumerate(text.split("\n"), start=1)]
    lines = [(n, t) for n, t in lines if t]
    if not lines:
        return
    owner = ctx.owner
    first_n, first = lines[0]
    owner_names = inverted_names(first)
    if owner_names and len(owner_names) == 1:
        owner = owner or owner_names[0]
        lines = lines[1:]
    elif _name_part(first) and len(first.split()) <= 4 and not _is_prose(first):
        owner = owner or parse_name(first, latex=False)
        lines = lines[1:]
    items: list[dict] = []
    for k, (n, line) in enumerate(lines):
        names = inverted_names(line)
        if names is not None and items and "authors" not in items[-1] and "abstract" not in items[-1]:
            items[-1]["authors"] = names
            items[-1]["end"] = n
        elif items and "abstract" not in items[-1] and (_is_prose(line) or (
                # A short abstract ('This is the abstract text.') after the author line: a
                # sentence, and not a title, which an author line would follow.
                "authors" in items[-1] and len(line.split()) >= 3 and line.endswith((".", "!"))
                and (k + 1 == len(lines) or inverted_names(lines[k + 1][1]) is None))):
            items[-1]["abstract"] = line
            items[-1]["end"] = n
        else:
            items.append({"line": n, "title": line, "end": n})
    for i, item in enumerate(items, start=1):
        title = item["title"]
        if _is_prose(title):
            ctx.error(item["line"], "a long prose line where an item's title was expected; set aside")
            continue
        record = Record(
            source=ctx.source, key=f"item-{i}", line=item["line"], end_line=item["end"],
            raw="\n".join(t for n, t in lines if item["line"] <= n <= item["end"]),
            title=latex_to_unicode(title), title_printed=title,
            authors=item.get("authors", []), kind=Kind.UNKNOWN, abstract=item.get("abstract"),
        )
        if not record.authors:
            ctx.warn(item["line"], f"item {title[:60]!r} has no author line")
            if owner is not None:
                record.implied_authors.append(owner)
        yield record


def detect(text: str) -> float:
    lines = [t.strip() for t in text[:30000].split("\n") if t.strip()]
    if len(lines) < 3:
        return 0.0
    author_lines = sum(1 for t in lines[1:] if inverted_names(t) is not None)
    first_is_name = inverted_names(lines[0]) is not None
    return 0.85 if first_is_name and author_lines >= max(1, (len(lines) - 1) // 4) else 0.0


FORMAT = SourceFormat(
    name="repository-listing",
    parse=parse,
    description="institutional-repository listing captured as text: owner line, then title / "
                "'Last, First, ...' authors / abstract per item",
    suffixes=(".txt",),
    aliases=("repository",),
    detect=detect,
)
