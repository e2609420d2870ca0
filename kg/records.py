"""Typed, traceable records: what one source document says about one publication.

Every parser yields :class:`Record` objects; everything downstream (resolution, graph, exports) reads only
these. A record keeps the printed text beside the parsed values, and where it came from (source, lines, raw).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date as _date
from enum import Enum
from typing import Any

from pydantic import (
    BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator,
)


class Kind(str, Enum):
    """What kind of version a record describes, as far as the source lets us tell."""

    PREPRINT = "preprint"
    CONFERENCE = "conference"
    WORKSHOP = "workshop"
    JOURNAL = "journal"
    BOOK = "book"
    CHAPTER = "chapter"
    THESIS = "thesis"
    REPORT = "report"
    PROCEEDINGS = "proceedings"
    DATASET = "dataset"  # a data set: a work of its own, never the paper that uses it
    SOFTWARE = "software"  # a program or a release of one
    OTHER = "other"
    UNKNOWN = "unknown"


_FIELD_SETS: dict[frozenset[str], set[str]] = {}


class _Compact(BaseModel):
    """Pydantic keeps, per instance, the set of fields that were given; instances given the same
    fields share one set here (with a set per instance, those sets were the largest part of a
    record held in memory). An instance that changes a field gets a set of its own first."""

    def model_post_init(self, context: Any, /) -> None:
        given = self.__pydantic_fields_set__
        shared = _FIELD_SETS.setdefault(frozenset(given), given)
        if shared is not given:
            object.__setattr__(self, "__pydantic_fields_set__", shared)

    def __setattr__(self, name: str, value: Any) -> None:
        given = self.__pydantic_fields_set__
        if _FIELD_SETS.get(frozenset(given)) is given:
            object.__setattr__(self, "__pydantic_fields_set__", set(given))
        super().__setattr__(name, value)

    def __reduce__(self) -> tuple[Any, ...]:
        # Records come back from the processes that read sources in parallel by pickle. Pydantic's
        # own state gave each restored instance a set of given fields of its own, undoing the
        # sharing above (40 MB of the 527 MB left by reading 100k synthetic records).
        return _restore, (type(self), self.__dict__, self.__pydantic_fields_set__)


# While records come back from the processes that read them: author names and dates by content.
_SHARED: dict[tuple[Any, ...], _Compact] | None = None


@contextmanager
def sharing_values() -> Iterator[None]:
    """Inside the block, an author name or a date unpickled equal to one unpickled before is that
    same object. Each pickle has its own copy of a value, so a name printed in fifty source files
    read by worker processes came back as fifty objects (about 360 bytes each), and every record
    with a date of its own (about 290 bytes; a collection has a few hundred distinct dates). They
    are frozen, so sharing them changes nothing but memory, as :func:`kg.names.parse_name`'s cache
    already shares the names one process parses. The table is dropped on leaving the block."""
    global _SHARED
    outer, _SHARED = _SHARED, {}
    try:
        yield
    finally:
        _SHARED = outer


def _restore(cls: type[_Compact], values: dict[str, Any], given: set[str]) -> _Compact:
    """An instance as pickled by `_Compact.__reduce__`: its field values as they were (validated
    when first made), and the shared set of the fields that were given; inside
    :func:`sharing_values`, a name or date equal to one restored before is that one."""
    shared = _SHARED
    if shared is None or cls not in _SHAREABLE:
        return _new(cls, values, given)
    key = (cls, *values.values())
    found = shared.get(key)
    if found is None or found.__pydantic_fields_set__ != given:
        found = shared[key] = _new(cls, values, given)
    return found


def _new(cls: type[_Compact], values: dict[str, Any], given: set[str]) -> _Compact:
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__",
                       _FIELD_SETS.setdefault(frozenset(given), given))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


class _Frozen(_Compact):
    """An immutable value."""

    model_config = ConfigDict(frozen=True)


_PERSON_ID = re.compile(r"(?!https?:)[a-z][a-z0-9]*:\S(?:.*\S)?", re.DOTALL)


class PersonName(_Frozen):
    """One printed author name and its parts. ``printed`` is exactly what the source showed.

    ``identifier`` is a person identifier the source gave with the name, as ``scheme:value``
    ('orcid:0000-0002-1825-0097', 'acl:jane-doe'; see :func:`kg.identifiers.person_id`): the
    resolution links and keeps apart persons by it, and the graph says its scheme.
    """

    printed: str
    given: str = ""
    family: str = ""
    particle: str = ""
    suffix: str = ""
    identifier: str | None = None

    @field_validator("identifier")
    @classmethod
    def _scheme_value(cls, v: str | None) -> str | None:
        if v is not None and not _PERSON_ID.fullmatch(v):
            raise ValueError(f"person identifier {v!r} is not 'scheme:value'")
        return v

    @property
    def full(self) -> str:
        """Given names, particle, family name and suffix in reading order."""
        parts = [self.given, self.particle, self.family]
        text = " ".join(p for p in parts if p)
        return f"{text}, {self.suffix}" if self.suffix else text


class PartialDate(_Frozen):
    """A date known to year, month or day precision. ``inferred`` names parts that were not printed."""

    year: int
    month: int | None = None
    day: int | None = None
    inferred: tuple[str, ...] = ()

    @field_validator("month")
    @classmethod
    def _month(cls, v: int | None) -> int | None:
        if v is not None and not 1 <= v <= 12:
            raise ValueError(f"month {v} out of range")
        return v

    @field_validator("day")
    @classmethod
    def _day(cls, v: int | None) -> int | None:
        if v is not None and not 1 <= v <= 31:
            raise ValueError(f"day {v} out of range")
        return v

    @model_validator(mode="after")
    def _calendar(self) -> PartialDate:
        if self.day is not None:
            if self.month is None:
                raise ValueError("a day needs a month")
            try:
                _date(self.year if 1 <= self.year <= 9999 else 2000, self.month, self.day)
            except ValueError as exc:
                raise ValueError(f"{self.year}-{self.month:02d}-{self.day:02d}: {exc}") from None
        return self

    @classmethod
    def lenient(cls, year: int, month: int | None = None, day: int | None = None,
                inferred: tuple[str, ...] = ()) -> tuple[PartialDate, str | None]:
        """The most precise valid date from the parts, and what was wrong if a part had to go."""
        try:
            return cls(year=year, month=month, day=day, inferred=inferred), None
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"].removeprefix("Value error, ")
        try:
            return cls(year=year, month=month, inferred=inferred), problem
        except ValueError:
            return cls(year=year, inferred=inferred), problem

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def isoformat(self) -> str:
        if self.day and self.month:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)


class Identifier(_Frozen):
    """A normalized identifier: scheme ('arxiv', 'doi', 'openreview', 'url', ...) and value."""

    scheme: str
    value: str
    version: str | None = None  # e.g. arXiv 'v2'


_PAGE_RANGE = re.compile(r"\s*([A-Za-z]{0,2}\d+[A-Za-z]?)\s*(?:-{1,3}|[‐‑‒–—])\s*([A-Za-z]{0,2}\d+[A-Za-z]?)\s*")


class Venue(_Frozen):
    """A venue as printed, with whatever structure the source made explicit."""

    name: str
    tag: str | None = None  # a short label printed beside it, e.g. 'ICLR24'
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    publisher: str | None = None
    series: str | None = None  # e.g. a BibTeX 'series' or an ACL venue acronym
    host: str | None = None  # the event a workshop was held at, as printed ('ICLR25', 'ICLR 2024')
    printed: tuple[str, ...] = ()  # other printed forms of this venue seen in the same record
    editors: tuple[PersonName, ...] = ()

    @field_validator("pages")
    @classmethod
    def _page_range(cls, v: str | None) -> str | None:
        """A range of pages with an en dash, as BibTeX's '--' prints: CSL-JSON, publishers' and
        the sites' '123-130' is the same range ('e1-e12', 'S5-S9' too)."""
        if v is None:
            return v
        m = _PAGE_RANGE.fullmatch(v)
        return f"{m.group(1)}–{m.group(2)}" if m else v


_SHAREABLE = (PersonName, PartialDate)


class Record(_Compact):
    """What one source says about one publication (one version of a work)."""

    source: str  # the source document's id (manifest id or file name)
    key: str  # a key unique within the source: a BibTeX key, or an ordinal
    line: int  # first line of the record in the source document (1-based)
    end_line: int | None = None
    raw: str = ""  # the record's text as it stood in the document

    title: str | None = None  # decoded Unicode
    title_printed: str | None = None  # as printed, LaTeX included
    authors: list[PersonName] = Field(default_factory=list)
    authors_truncated: bool = False  # 'A, B, C et al.' or 'and 1 more author'
    authors_missing: int | None = None  # how many were cut, when the source says ('1 more author')
    implied_authors: list[PersonName] = Field(default_factory=list)  # e.g. a profile's owner
    # Other printed forms of the same authors in the same record, by position (e.g. 'M. Zimmer' in a
    # rendered line beside 'Zimmer, Max' in its BibTeX).
    printed_authors: list[list[str]] = Field(default_factory=list)
    kind: Kind = Kind.UNKNOWN
    venue: Venue | None = None
    date: PartialDate | None = None
    identifiers: list[Identifier] = Field(default_factory=list)
    # Identifiers of other versions of the same work that the record names (ORCID's 'version-of',
    # DataCite's 'IsVersionOf', 'HasPreprint', ...): records that carry or name one are one work.
    other_versions: tuple[Identifier, ...] = ()
    # Identifiers of works this one supplements (a data set or code deposited for a paper:
    # DataCite's 'IsSupplementTo'), and of works that supplement it ('IsSupplementedBy').
    supplements: tuple[Identifier, ...] = ()
    supplemented_by: tuple[Identifier, ...] = ()
    release: str | None = None  # a data set's or a program's release ('v1.2.0'), as printed
    abstract: str | None = None
    subjects: list[str] = Field(default_factory=list)
    entry_type: str | None = None  # the source's own type name (BibTeX '@inproceedings', CSL 'paper-conference')
    extra: dict[str, Any] = Field(default_factory=dict)  # source-specific facts (scores, flags, tags)
    warnings: list[str] = Field(default_factory=list)

    @property
    def uid(self) -> str:
        """Globally unique record id: source and key. Interned: the resolution refers to a record
        by its uid many times over (versions, authorships, mentions), all holding this one string."""
        return sys.intern(f"{self.source}#{self.key}")

    def ids(self, scheme: str) -> list[str]:
        return [i.value for i in self.identifiers if i.scheme == scheme]

    def first_id(self, scheme: str) -> str | None:
        found = self.ids(scheme)
        return found[0] if found else None

    def add_identifier(self, scheme: str, value: str | None, version: str | None = None) -> None:
        if value and not any(i.scheme == scheme and i.value == value for i in self.identifiers):
            self.identifiers.append(Identifier(scheme=scheme, value=value, version=version))


class Issue(BaseModel):
    """A problem found while reading a source: where it is and what is wrong."""

    source: str
    filename: str
    line: int | None
    message: str
    severity: str = "warning"  # 'warning': record kept; 'error': record set aside

    def __str__(self) -> str:
        where = f"{self.filename}:{self.line}" if self.line else self.filename
        return f"{where}: {self.message}"


class ParseReport(BaseModel):
    """What came in from one source and what happened to it."""

    source: str
    filename: str
    format: str
    records: int = 0
    set_aside: int = 0
    absorbed: int = 0  # entries read as part of others (e.g. BibTeX crossref parents), not as records
    issues: list[Issue] = Field(default_factory=list)

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]
