"""Curated links: a small human-edited TOML file that ties people, works and venue series to ORCID iDs,
Wikidata items and DOIs, applied on every build without any network access.

``data/links.toml``::

    [[person]]
    person = "person/max-zimmer"      # an entity path, or: name = "Max Zimmer"
    orcid = "0000-0002-1825-0097"
    wikidata = "Q42"

    [[work]]
    work = "work/sparse-model-soups"  # an entity path, or: title = "Sparse Model Soups: ..."
    wikidata = "Q42"
    doi = "10.1234/example"

    [[venue]]
    venue = "venue/jmlr"              # a series path, or: venue_name = "Journal of Machine Learning Research"
    wikidata = "Q44"

    [[rejected]]                      # a candidate turned down: never proposed again
    person = "person/max-zimmer"
    wikidata = "Q42"
    reason = "another researcher of the same name"

Values are checked when the file is read (ORCID iD format and ISO 7064 MOD 11-2 check digit, QID and
DOI syntax); references to people, works and venues are checked against the resolution when the links are
applied. Every error names the file and the line. Entries written by ``kg link`` when a candidate is
accepted also carry ``method``, ``score``, ``evidence`` and ``decided``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .. import identifiers as idmod
from ..errors import ConfigError
from ..resolve.model import Resolution
from ..text import fold, title_key

# Which entity a table's entries refer to, and the keys that may name it (a path, or a name/title).
REFERENCES = {"person": ("person", "name"), "work": ("work", "title"), "venue": ("venue", "venue_name")}
# The identifier schemes a link may carry, per kind of entity.
SCHEMES = {"person": ("orcid", "wikidata"), "work": ("wikidata", "doi"), "venue": ("wikidata",)}
PROVENANCE_KEYS = ("method", "score", "evidence", "decided", "reason", "note", "label")
_NORMALIZE = {"orcid": idmod.orcid, "wikidata": idmod.qid, "doi": idmod.doi}
_EXPECTED = {
    "orcid": "an ORCID iD like 0000-0002-1825-0097",
    "wikidata": "a Wikidata item id like Q42",
    "doi": "a DOI like 10.1234/abc",
}
_ORCID_SHAPE = re.compile(r"^(?:https?://orcid\.org/)?\d{4}-\d{4}-\d{4}-\d{3}[\dXx]$")
_DOI_WHOLE = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
_HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]")
_TABLE = re.compile(r"^\s*\[")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True)
class Link:
    """One decision about one identifier of one person or work."""

    kind: str  # 'person', 'work' or 'venue' (a venue series)
    ref: str  # as written: an entity path, a name or a title
    scheme: str  # 'orcid', 'wikidata' or 'doi'
    value: str  # normalized
    line: int = 0  # where the value stands in its file
    source: str = ""  # the file it was read from
    status: str = "accepted"  # 'accepted' or 'rejected' (curated file), 'pending' (review file)
    method: str = "curated"
    score: float | None = None
    evidence: tuple[str, ...] = ()
    reason: str = ""
    decided: str = ""
    label: str = ""  # what the identifier names, as the service called it (for a human reviewer)
    n: int | None = None  # the number of a pending candidate in the review file
    entity: str | None = None  # the entity path, once resolved against a resolution

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.entity or self.ref, self.scheme, self.value)

    @property
    def iri(self) -> str | None:
        return idmod.resolvable(self.scheme, self.value)


@dataclass
class Links:
    """The curated links of one file (accepted and rejected), with the pending candidates of its review
    file, ready to be applied to a resolution."""

    path: Path | None = None
    links: list[Link] = field(default_factory=list)

    @property
    def accepted(self) -> list[Link]:
        return [x for x in self.links if x.status == "accepted"]

    @property
    def rejected(self) -> list[Link]:
        return [x for x in self.links if x.status == "rejected"]

    @property
    def pending(self) -> list[Link]:
        return [x for x in self.links if x.status == "pending"]

    def resolve(self, res: Resolution) -> list[Link]:
        """Every link with its entity path filled in. Curated links that name no entity of the
        resolution are errors; pending candidates whose entity is gone are dropped (they were written
        by a program against an older build)."""
        if not self.links:
            return []  # nothing to find: the index of every entity is not worth building
        index = _EntityIndex(res)
        out: list[Link] = []
        for link in self.links:
            entity = index.find(link)
            if entity is None:
                continue
            out.append(replace(link, entity=entity))
        _check_consistent(out)
        # A candidate still in the review file that the curated file has since decided is moot.
        decided = {x.key for x in out if x.status != "pending"}
        return [x for x in out if x.status != "pending" or x.key not in decided]

    def apply(self, res: Resolution) -> list[Link]:
        """Add the accepted identifiers to the resolution's people and works, and attach every decision
        (accepted, rejected, pending) as ``res.link_decisions`` for the graph's links graph."""
        resolved = self.resolve(res)
        targets = {"person": {p.path: p for p in res.persons}, "work": {w.path: w for w in res.works},
                   "venue": {s.path: s for s in res.series}}
        for link in resolved:
            if link.status != "accepted" or link.entity is None:
                continue
            target = targets[link.kind][link.entity]
            values = target.identifiers.setdefault(link.scheme, [])
            if link.value not in values:
                values.append(link.value)
        res.link_decisions = resolved
        return resolved


class _EntityIndex:
    """Finds the person, work or venue series a link refers to: by path, by any printed name of a
    person or series (a series' acronym too), by any version title."""

    def __init__(self, res: Resolution) -> None:
        self.paths = {p.path for p in res.persons} | {w.path for w in res.works} | {s.path for s in res.series}
        self.names: dict[str, set[str]] = defaultdict(set)
        for p in res.persons:
            for name in [p.name, *p.variants]:
                self.names[fold(name)].add(p.path)
        self.titles: dict[str, set[str]] = defaultdict(set)
        for w in res.works:
            for title in [w.title, *(v.title for v in w.versions)]:
                self.titles[title_key(title)].add(w.path)
        self.venues: dict[str, set[str]] = defaultdict(set)
        for s in res.series:
            for name in [s.name, *s.names, *([s.acronym] if s.acronym else [])]:
                self.venues[fold(name)].add(s.path)

    def find(self, link: Link) -> str | None:
        if link.ref.startswith(f"{link.kind}/"):
            if link.ref in self.paths:
                return link.ref
            self._missing(link, f"no {link.kind} {link.ref!r} in the graph")
            return None
        table = {"person": self.names, "work": self.titles, "venue": self.venues}[link.kind]
        key = title_key(link.ref) if link.kind == "work" else fold(link.ref)
        hits = sorted(table.get(key, ()))
        if len(hits) == 1:
            return hits[0]
        what = "title" if link.kind == "work" else "name"
        if hits:
            raise ConfigError(f"{link.where}: the {what} {link.ref!r} fits more than one {link.kind} "
                              f"({', '.join(hits)}); name it by path instead")
        self._missing(link, f"no {link.kind} with the {what} {link.ref!r} in the graph")
        return None

    @staticmethod
    def _missing(link: Link, message: str) -> None:
        if link.status != "pending":
            raise ConfigError(f"{link.where}: {message}")


def _check_consistent(links: list[Link]) -> None:
    """One identifier accepted for two entities, one decision both accepted and rejected, or one
    decision written twice, is an error: the graph would otherwise claim that two people are one, or
    hold two answers to one question."""
    owner: dict[tuple[str, str, str], Link] = {}
    decided: dict[tuple[str, str, str], Link] = {}
    for link in links:
        if link.status == "pending":
            continue
        if link.status == "accepted" and link.scheme in ("orcid", "wikidata"):
            other = owner.setdefault((link.kind, link.scheme, link.value), link)
            if other.entity != link.entity:
                raise ConfigError(f"{link.where}: {link.scheme} {link.value} is already linked to "
                                  f"{other.entity} ({other.where})")
        other = decided.setdefault(link.key, link)
        if other is link:
            continue
        if other.status != link.status:
            raise ConfigError(f"{link.where}: {link.scheme} {link.value} of {link.entity} is both "
                              f"accepted and rejected (see {other.where})")
        raise ConfigError(f"{link.where}: {link.scheme} {link.value} of {link.entity} is listed "
                          f"twice (also {other.where})")


# ---------------------------------------------------------------------------------------------- reading
def read_toml(path: Path) -> tuple[dict[str, Any], dict[str, list[tuple[int, dict[str, int]]]]]:
    """A TOML file and, per array-of-tables name, each entry's header line and the line of each key
    (tomllib reports no positions, and every error here must name a line)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = _TOML_POSITION.search(message)
        if m:
            message = _TOML_POSITION.sub("", message)
            raise ConfigError(f"{path}:{m.group(1)}:{m.group(2)}: {message}") from exc
        raise ConfigError(f"{path}: {message}") from exc
    layout: dict[str, list[tuple[int, dict[str, int]]]] = defaultdict(list)
    keys: dict[str, int] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        m = _HEADER.match(line)
        if m:
            keys = {}
            layout[m.group(1)].append((number, keys))
        elif _TABLE.match(line):
            keys = None
        elif keys is not None and (m := _KEY.match(line)):
            keys.setdefault(m.group(1), number)
    return doc, layout


def parse_entry(entry: dict[str, Any], *, table: str, header: int, keys: dict[str, int], path: Path,
                status: str, extra: Iterable[str] = ()) -> list[Link]:
    """The links one ``[[person]]``, ``[[work]]``, ``[[venue]]``, ``[[rejected]]`` or review ``[[candidate]]`` entry
    states: one per identifier value."""
    where = f"{path}:{header}"
    kinds = [k for k, names in REFERENCES.items() if any(n in entry for n in names)]
    if table in REFERENCES:
        kinds = [table]
    if len(kinds) != 1:
        raise ConfigError(f"{where}: [[{table}]] must name one person (person = 'person/...' or "
                          "name = '...'), one work (work = 'work/...' or title = '...') or one venue "
                          "(venue = 'venue/...' or venue_name = '...')")
    kind = kinds[0]
    refs = [n for n in REFERENCES[kind] if n in entry]
    if len(refs) != 1:
        raise ConfigError(f"{where}: [[{table}]] needs exactly one of "
                          f"{' or '.join(REFERENCES[kind])}")
    ref_key = refs[0]
    ref = entry[ref_key]
    if not isinstance(ref, str) or not ref.strip():
        raise ConfigError(f"{path}:{keys.get(ref_key, header)}: {ref_key} must be a non-empty string")
    allowed = {*REFERENCES[kind], *SCHEMES[kind], *PROVENANCE_KEYS, *extra}
    for key in entry:
        if key not in allowed:
            raise ConfigError(f"{path}:{keys.get(key, header)}: unknown key {key!r} in [[{table}]]; "
                              f"known: {', '.join(sorted(allowed))}")
    prov = _provenance(entry, keys=keys, header=header, path=path)
    links = []
    for scheme in SCHEMES[kind]:
        if scheme not in entry:
            continue
        line = keys.get(scheme, header)
        raw = entry[scheme]
        values = raw if isinstance(raw, list) else [raw]
        for value in values:
            if not isinstance(value, str):
                raise ConfigError(f"{path}:{line}: {scheme} must be a string, not {value!r}")
            links.append(Link(kind=kind, ref=ref.strip(), scheme=scheme,
                              value=check_value(scheme, value, where=f"{path}:{line}"),
                              line=line, source=str(path), status=status, **prov))
    if not links:
        raise ConfigError(f"{where}: [[{table}]] links no identifier; give one of "
                          f"{', '.join(SCHEMES[kind])}")
    return links


def check_value(scheme: str, value: str, *, where: str) -> str:
    """The normalized identifier, or a ConfigError that says what is wrong with it."""
    normalized = _NORMALIZE[scheme](value)
    # The DOI normalizer finds a DOI inside running text; a curated value must be the DOI and nothing
    # more, or a typo would silently link a shorter DOI.
    if normalized is not None and (scheme != "doi" or _DOI_WHOLE.sub("", unquote(value.strip()))
                                   .lower().rstrip(".") == normalized):
        return normalized
    if scheme == "orcid" and _ORCID_SHAPE.match(value.strip()):
        raise ConfigError(f"{where}: ORCID iD {value!r} has a wrong check digit "
                          "(ISO 7064 MOD 11-2); check for a mistyped digit")
    raise ConfigError(f"{where}: {value!r} is not {_EXPECTED[scheme]}")


def _provenance(entry: dict[str, Any], *, keys: dict[str, int], header: int, path: Path
                ) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "method" in entry:
        out["method"] = str(entry["method"])
    if "score" in entry:
        score = entry["score"]
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 <= score <= 1:
            raise ConfigError(f"{path}:{keys.get('score', header)}: score must be a number from 0 "
                              f"to 1, not {score!r}")
        out["score"] = float(score)
    if "evidence" in entry:
        evidence = entry["evidence"]
        evidence = [evidence] if isinstance(evidence, str) else evidence
        if not isinstance(evidence, list) or not all(isinstance(e, str) for e in evidence):
            raise ConfigError(f"{path}:{keys.get('evidence', header)}: evidence must be a string or "
                              "a list of strings")
        out["evidence"] = tuple(evidence)
    for key in ("reason", "decided", "label"):
        if key in entry:
            out[key] = str(entry[key])
    return out


def load_links(path: str | Path, missing_ok: bool = False, *, review: str | Path | None = None
               ) -> Links:
    """Read a curated links file, and the pending candidates of its review file (``review``, by default
    ``<name>-review.toml`` beside it, when it exists). A missing links file is an error unless
    ``missing_ok``, when it reads as no links."""
    from .review import load_review, review_path  # the review file reuses this module's parser

    path = Path(path)
    links = Links(path=path)
    if path.exists():
        doc, layout = read_toml(path)
        unknown = sorted(set(doc) - {"person", "work", "venue", "rejected"})
        if unknown:
            raise ConfigError(f"{path}: unknown section(s) {', '.join(unknown)}; expected [[person]], "
                              "[[work]], [[venue]], [[rejected]]")
        for table in ("person", "work", "venue", "rejected"):
            entries = doc.get(table, [])
            if not isinstance(entries, list):
                raise ConfigError(f"{path}: {table} must be written [[{table}]]")
            for n, entry in enumerate(entries):
                header, keys = layout[table][n] if n < len(layout[table]) else (0, {})
                status = "rejected" if table == "rejected" else "accepted"
                links.links += parse_entry(entry, table=table, header=header, keys=keys, path=path,
                                           status=status)
    elif not missing_ok:
        raise ConfigError(f"{path}: no such links file")
    pending = Path(review) if review is not None else review_path(path)
    if pending.exists():
        links.links += load_review(pending)
    return links


# ---------------------------------------------------------------------------------------------- writing
def toml_string(value: str) -> str:
    """A TOML basic string. JSON's escapes are TOML's, except that TOML also forbids a raw DEL."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def format_entry(link: Link, *, table: str | None = None, extra: dict[str, Any] | None = None) -> str:
    """One link as a TOML table entry, the way ``kg link`` appends decisions to the curated file."""
    table = table or ("rejected" if link.status == "rejected" else link.kind)
    ref = link.entity or link.ref
    ref_key = REFERENCES[link.kind][0 if ref.startswith(f"{link.kind}/") else 1]
    lines = [f"[[{table}]]"]
    for key, value in (extra or {}).items():
        lines.append(f"{key} = {_toml_value(value)}")
    lines.append(f"{ref_key} = {toml_string(ref)}")
    lines.append(f"{link.scheme} = {toml_string(link.value)}")
    if link.label:
        lines.append(f"label = {toml_string(link.label)}")
    if link.method:
        lines.append(f"method = {toml_string(link.method)}")
    if link.score is not None:
        lines.append(f"score = {round(link.score, 3)}")
    if link.evidence:
        lines.append("evidence = [\n" + "".join(f"  {toml_string(e)},\n" for e in link.evidence) + "]")
    if link.reason:
        lines.append(f"reason = {toml_string(link.reason)}")
    if link.decided:
        lines.append(f"decided = {toml_string(link.decided)}")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return toml_string(str(value))


def append_links(path: str | Path, links: Iterable[Link]) -> int:
    """Append decisions to a curated links file, leaving what the user wrote (comments included) as it
    is. Returns how many entries were written."""
    path = Path(path)
    blocks = [format_entry(link) for link in links]
    if not blocks:
        return 0
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        if existing and not existing.endswith("\n"):
            fh.write("\n")
        for block in blocks:
            fh.write("\n" + block)
    return len(blocks)
