"""biblatex's crossref and xdata inheritance among BibTeX entries (biblatex manual, section 2.4.1
and appendix B): which fields a child takes from its parent, under which names; chains followed,
cycles and missing parents reported at the child's line."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import SourceContext
    from .bibtex import Entry

# biblatex's default inheritance (biblatex manual, appendix B), by parent and child type.
_MV_PARENTS = {"mvbook", "mvcollection", "mvproceedings", "mvreference"}
_BOOK_PARENTS = {"book", "collection", "proceedings", "reference"}
PARENT_TYPES = _MV_PARENTS | _BOOK_PARENTS | {"periodical"}
_BOOKISH_CHILDREN = {"book", "inbook", "bookinbook", "suppbook", "collection", "incollection",
                     "suppcollection", "proceedings", "inproceedings", "reference", "inreference"}
_IN_CHILDREN = {"inbook", "bookinbook", "suppbook", "incollection", "suppcollection",
                "inproceedings", "inreference"}
_NOT_INHERITED = {"ids", "crossref", "xref", "xdata", "entryset", "entrysubtype", "execute", "label",
                  "options", "presort", "related", "relatedoptions", "relatedstring", "relatedtype",
                  "shorthand", "shorthandintro", "sortkey"}
_TITLE_PARTS = ("title", "subtitle", "titleaddon")
_UNSHARED_TITLES = ("shorttitle", "sorttitle", "indextitle", "indexsorttitle")
_DATE_PREFIXES = ("", "orig", "event", "url")


def _renames(parent_type: str, child_type: str) -> dict[str, str | None]:
    """Where a parent's title fields land in a child (None: not inherited)."""
    unshared: dict[str, str | None] = {name: None for name in _UNSHARED_TITLES}
    if parent_type in _MV_PARENTS and child_type in _BOOKISH_CHILDREN:
        return {**unshared, **{p: f"main{p}" for p in _TITLE_PARTS}}
    if parent_type in _BOOK_PARENTS and child_type in _IN_CHILDREN:
        return {**unshared, **{p: f"book{p}" for p in _TITLE_PARTS}}
    if parent_type == "periodical" and child_type in ("article", "suppperiodical"):
        return {**unshared, "title": "journaltitle", "subtitle": "journalsubtitle"}
    return {}


def _blocked_dates(child: dict[str, str]) -> set[str]:
    """Date fields a child does not inherit: any date part of its own blocks the parent's."""
    blocked: set[str] = set()
    for prefix in _DATE_PREFIXES:
        own = f"{prefix}date" in child or (not prefix and "year" in child)
        if own:
            blocked.add(f"{prefix}date")
            if not prefix:
                blocked |= {"year", "month", "day"}
    return blocked


def refs(value: str) -> list[str]:
    """The keys of a comma-separated list of references, lower-cased."""
    return [r.strip().lower() for r in value.split(",") if r.strip()]


class _Inheritance:
    """Resolves crossref and xdata references among entries (the file's, then external ones)."""

    def __init__(self, entries: list[Entry], external: Iterable[Entry], ctx: SourceContext) -> None:
        self.ctx = ctx
        self.by_key: dict[str, Entry] = {}
        for e in [*entries, *external]:
            self.by_key.setdefault(e.key.lower(), e)
        self.alias: dict[str, str] = {}
        for e in self.by_key.values():
            for alias in refs(e.fields.get("ids", "")):
                self.alias.setdefault(alias, e.key.lower())
        self.crossref_parents: set[str] = set()
        self.xdata_parents: set[str] = set()

    def lookup(self, ref: str) -> Entry | None:
        return self.by_key.get(ref) or self.by_key.get(self.alias.get(ref, ""))

    def resolve(self, entry: Entry) -> dict[str, str]:
        problems: list[str] = []
        fields = self._fields(entry, [entry.key.lower()], problems, top=True)
        for message in dict.fromkeys(problems):
            self.ctx.warn(entry.line, f"entry {entry.key!r}: {message}")
        return fields

    def _fields(self, entry: Entry, path: list[str], problems: list[str], top: bool
                ) -> dict[str, str]:
        fields = dict(entry.fields)
        parents = [("xdata", r) for r in refs(entry.fields.get("xdata", ""))]
        parents += [("crossref", r) for r in refs(entry.fields.get("crossref", ""))[:1]]
        for how, ref in parents:
            parent = self.lookup(ref)
            if parent is None:
                if top:
                    problems.append(f"{how} {ref!r} not found")
                continue
            pkey = parent.key.lower()
            if pkey in path:
                chain = " -> ".join([*path, pkey])
                problems.append(f"{how} cycle {chain}; inheritance stopped there")
                continue
            inherited = self._fields(parent, [*path, pkey], problems, top=False)
            (self.xdata_parents if how == "xdata" else self.crossref_parents).add(pkey)
            renames = _renames(parent.entry_type, entry.entry_type) if how == "crossref" else {}
            blocked = _NOT_INHERITED | _blocked_dates(fields)
            # Fields the parent names itself come first: a classic BibTeX @proceedings carries its
            # own booktitle, which beats the title renamed to booktitle.
            ordered = sorted(inherited.items(), key=lambda kv: kv[0] in renames)
            for name, value in ordered:
                if name in blocked:
                    continue
                target = renames.get(name, name)
                if target is not None and target not in fields:
                    fields[target] = value
        return fields


def resolve_crossrefs(entries: list[Entry], ctx: SourceContext, *, external: Iterable[Entry] = ()
                      ) -> tuple[list[Entry], set[str]]:
    """Fill fields from crossref parents (chains followed, cycles reported) and xdata entries.

    ``external`` entries (another file's crossref targets) can be parents but are not returned.
    Returns the entries and the lower-cased keys of the parents that were inherited from.
    """
    inheritance = _Inheritance(entries, external, ctx)
    resolved = [inheritance.resolve(e) for e in entries]
    for entry, fields in zip(entries, resolved):
        entry.fields = fields
    return entries, inheritance.crossref_parents | inheritance.xdata_parents
