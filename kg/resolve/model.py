"""What resolution produces: works with versions and ordered authorships, people, venue series and editions,
and the evidence behind every decision (conflicts, candidates, disagreements)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..records import Kind, PartialDate, Record


@dataclass(slots=True)
class Value:
    """One value a field took, with the records that stated it."""

    value: Any
    records: list[str]


@dataclass(slots=True)
class Disagreement:
    """Sources disagree on a field of an entity; ``chosen`` is what the merged view shows."""

    entity: str  # an entity path: 'work/<slug>', 'work/<slug>/<version>', 'person/<slug>'
    field: str
    values: list[Value]
    chosen: Any
    minor: bool = False  # differ only in case, accents or punctuation
    policy: str = ""


@dataclass(slots=True)
class IdentifierConflict:
    """One identifier claimed by records that describe different papers."""

    scheme: str
    value: str
    claimants: list[list[str]]  # record uids, one list per paper that claims it
    works: list[str] = field(default_factory=list)  # the work paths the claimants resolved to
    owner: str | None = None  # the work judged to own the identifier, if the evidence decides
    evidence: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Candidate:
    """Two works that look related but lack the evidence to be merged."""

    a: str
    b: str
    score: float
    reasons: list[str]


@dataclass(slots=True)
class Mention:
    """How one record printed one author."""

    printed: str
    record: str
    # Other printed forms in the same record (one shared empty tuple when there are none).
    forms: Sequence[str] = ()
    index: int | None = None  # the name's 0-based place in the record's author list


@dataclass(slots=True)
class Authorship:
    position: int | None  # 1-based; None for an author a source implies without a position
    person: str  # person path
    mentions: list[Mention] = field(default_factory=list)
    # Record uids that imply this author (one shared empty tuple when none does).
    implied_by: Sequence[str] = ()


@dataclass(slots=True)
class Version:
    path: str  # 'work/<slug>/<version>'
    kind: Kind
    records: list[str]
    title: str
    date: PartialDate | None = None
    edition: str | None = None  # venue path of the edition (or repository) it is part of
    identifiers: dict[str, list[str]] = field(default_factory=dict)
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    publisher: str | None = None
    abstract: str | None = None
    release: str | None = None  # a data set's or a program's release ('v1.2.0')


@dataclass(slots=True)
class Work:
    path: str  # 'work/<slug>'
    title: str
    records: list[str]
    versions: list[Version] = field(default_factory=list)
    authors: list[Authorship] = field(default_factory=list)
    authors_complete: bool = True
    date: PartialDate | None = None
    abstract: str | None = None
    identifiers: dict[str, list[str]] = field(default_factory=dict)
    unplaced: list[str] = field(default_factory=list)  # records that name no version (no venue, no kind)
    supplement_of: tuple[str, ...] = ()  # paths of the works it supplements (its paper, for data)
    subjects: list[str] = field(default_factory=list)

    @property
    def sources(self) -> set[str]:
        return {uid.split("#", 1)[0] for uid in self.records}


@dataclass(slots=True)
class Person:
    path: str  # 'person/<slug>'
    name: str
    given: str
    family: str
    suffix: str = ""  # a generational suffix of the preferred name ('Jr.', '3rd')
    variants: list[str] = field(default_factory=list)  # every other form seen
    works: list[str] = field(default_factory=list)
    identifiers: dict[str, list[str]] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)  # why the merged mentions are one person


@dataclass(slots=True)
class Edition:
    path: str  # 'venue/<series>/<edition>'
    series: str
    name: str
    kind: str
    year: int | None = None
    ordinal: int | None = None
    volume: str | None = None
    host: str | None = None  # the edition path of the conference a workshop was held at
    names: list[str] = field(default_factory=list)
    isbns: list[str] = field(default_factory=list)  # of the proceedings volume or book, ISBN-13


@dataclass(slots=True)
class Series:
    path: str  # 'venue/<series>'
    name: str
    kind: str  # conference, workshop, journal, repository, book, other
    acronym: str | None = None
    names: list[str] = field(default_factory=list)
    editions: list[str] = field(default_factory=list)
    issns: list[str] = field(default_factory=list)  # a journal's print and electronic ISSNs
    identifiers: dict[str, list[str]] = field(default_factory=dict)  # curated or accepted links


@dataclass(slots=True)
class SourceInfo:
    id: str
    filename: str
    format: str
    trust: float
    origin: str = ""
    captured: PartialDate | None = None
    owner: str | None = None
    records: int = 0
    set_aside: int = 0
    issues: list[str] = field(default_factory=list)
    absorbed: int = 0  # entries read as part of others (BibTeX crossref parents)


@dataclass(slots=True)
class Resolution:
    records: dict[str, Record]
    sources: dict[str, SourceInfo]
    works: list[Work]
    persons: list[Person]
    series: list[Series]
    editions: list[Edition]
    conflicts: list[IdentifierConflict] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    curation_applied: list[str] = field(default_factory=list)
    link_decisions: list[Any] = field(default_factory=list)  # kg.link's decisions, when applied

    def work_of(self) -> dict[str, Work]:
        """Record uid -> the work it resolved to."""
        return {uid: w for w in self.works for uid in w.records}

    @property
    def unmatched(self) -> list[Work]:
        """Works only one record knows (it matched nothing else)."""
        return [w for w in self.works if len(w.records) == 1]

    def counts(self) -> dict[str, int]:
        return {
            "sources": len(self.sources),
            "records": len(self.records),
            "set_aside": sum(s.set_aside for s in self.sources.values()),
            "works": len(self.works),
            "versions": sum(len(w.versions) for w in self.works),
            "persons": len(self.persons),
            "series": len(self.series),
            "editions": len(self.editions),
            "records_merged": len(self.records) - len(self.works),
            "unmatched_records": len(self.unmatched),
            "identifier_conflicts": len(self.conflicts),
            "candidates": len(self.candidates),
            "disagreements": len([d for d in self.disagreements if not d.minor]),
            "incomplete_author_lists": sum(1 for w in self.works if not w.authors_complete),
        }
