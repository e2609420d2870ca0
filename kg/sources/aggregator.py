"""Paper-aggregator profile pages captured as text (arXiv-based aggregators).

A header (owner name, subject, h-index, paper and citation counts), then per paper: a meta line with an
optional score, an arXiv subject code (LG, CV, ...), the submission date ('Mar 16' in the capture year,
'Jun 29, 2023' otherwise) and an optional 'Code' flag; the title; at most three authors, then 'et al.'
when there are more; the abstract. The owner is often not among the shown authors but is one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..names import family_key, given_compatible, parse_name
from ..records import Kind, PartialDate, Record, Venue
from ..text import clean_whitespace
from . import SourceContext, SourceFormat

_MONTHS = {m: i for i, m in enumerate(
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], start=1)}
_META = re.compile(
    r"^(?P<score>\d{1,3}(?:\.\d)?)?(?P<subject>[A-Z]{2})"
    r"(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?P<day>\d{1,2})"
    r"(?:, (?P<year>\d{4}))?(?P<code>Code)?$"
)
_ET_AL = re.compile(r",?\s*et\s+al\.?\s*$", re.I)
_COUNT = re.compile(r"^(\d+)\s*papers$", re.I)


def _date(m: re.Match[str], ctx: SourceContext, line: int) -> PartialDate | None:
    month, day = _MONTHS[m.group("month")], int(m.group("day"))
    if m.group("year"):
        return _checked(int(m.group("year")), month, day, (), ctx, line)
    captured = ctx.captured
    if captured is None:
        ctx.warn(line, "date without a year and no capture date in the manifest: date left out")
        return None
    year = captured.year
    # A month-day later than the capture date cannot be in the capture year: it is last year's.
    if captured.month and (month, day) > (captured.month, captured.day or 31):
        year -= 1
    return _checked(year, month, day, ("year",), ctx, line)


def _checked(year: int, month: int, day: int, inferred: tuple[str, ...], ctx: SourceContext,
             line: int) -> PartialDate:
    date, problem = PartialDate.lenient(year, month, day, inferred)
    if problem:
        ctx.warn(line, f"date is not a calendar date ({problem}); read as {date.isoformat()}")
    return date


def parse(text: str, ctx: SourceContext) -> Iterator[Record]:
    lines = [(n, clean_whitespace(t)) for n, t in enumerate(text.split("\n"), start=1)]
    metas = [i for i, (_, t) in enumerate(lines) if _META.match(t)]
    header = lines[: metas[0]] if metas else lines
    owner = ctx.owner
    stated_count = None
    for _, t in header:
        if owner is None and t and len(t.split()) in (2, 3) and t[0].isupper() and \
                not any(ch.isdecimal() for ch in t):
            owner = parse_name(t, latex=False)
        m = _COUNT.match(t)
        if m:
            stated_count = int(m.group(1))
    if not metas:
        ctx.error(1, "no paper entries found (expected a line like 'LGJun 29, 2023')")
        return
    produced = 0
    for k, i in enumerate(metas):
        end = metas[k + 1] if k + 1 < len(metas) else len(lines)
        body = [(n, t) for n, t in lines[i + 1: end] if t]
        line_no, meta_text = lines[i]
        m = _META.match(meta_text)
        assert m is not None
        if not body:
            ctx.error(line_no, "paper entry without a title; set aside")
            continue
        title_line, title = body[0]
        author_text = body[1][1] if len(body) > 1 else ""
        abstract = " ".join(t for _, t in body[2:]) or None
        truncated = bool(_ET_AL.search(author_text))
        names = [a.strip() for a in _ET_AL.sub("", author_text).split(",") if a.strip()]
        authors = [parse_name(a, latex=False) for a in names]
        record = Record(
            source=ctx.source, key=f"paper-{k + 1}", line=line_no, end_line=body[-1][0],
            raw="\n".join(t for _, t in lines[i:end]).strip(),
            title=title, title_printed=title, authors=authors, authors_truncated=truncated,
            kind=Kind.PREPRINT, date=_date(m, ctx, line_no), abstract=abstract,
            subjects=[m.group("subject")],
            extra={k2: v for k2, v in {
                "score": float(m.group("score")) if m.group("score") else None,
                "has_code": bool(m.group("code")),
            }.items() if v is not None},
        )
        repository = ctx.options.get("repository")
        if repository:
            # The manifest says which preprint server the aggregator lists (its subjects are that server's).
            record.venue = Venue(name=str(repository))
        if not authors:
            ctx.warn(title_line, f"paper {title[:60]!r} has no author line")
        if owner is not None and not any(
                family_key(a) == family_key(owner) and given_compatible(a, owner) for a in authors):
            if truncated or not authors:
                # The profile lists its owner's papers; when the list is cut the owner is among the rest.
                record.implied_authors.append(owner)
            else:
                ctx.warn(line_no, f"complete author list of {title[:60]!r} does not include the "
                                  "profile owner")
        produced += 1
        yield record
    if stated_count is not None and stated_count != produced:
        ctx.warn(1, f"the page states {stated_count} papers, {produced} were read")


def detect(text: str) -> float:
    lines = [t.strip() for t in text[:30000].split("\n")]
    metas = sum(1 for t in lines if _META.match(t))
    return 0.9 if metas >= 2 else 0.6 if metas == 1 else 0.0


FORMAT = SourceFormat(
    name="aggregator-profile",
    parse=parse,
    description="paper-aggregator profile page captured as text: score, arXiv subject, date, title, "
                "up to three authors 'et al.', abstract",
    suffixes=(".txt",),
    aliases=("aggregator",),
    detect=detect,
)
