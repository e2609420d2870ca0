"""Curation: a small human-edited file of decisions that override the automatic ones.

``data/curation.toml`` holds ``[[same]]`` and ``[[not_same]]`` statements about records (``source#key``
or ``source:line``), ``[[same_venue]]`` and ``[[not_same_venue]]`` statements about venue series (a name
or acronym as the records print it), and ``[[prefer]]`` statements choosing a field's value for a work or
person. Each needs a ``reason``. Statements are applied in a fixed order, so the result is deterministic.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..records import Record
from ..text import fold
from .venues import analyse


@dataclass(frozen=True)
class Prefer:
    entity: str  # a work or person path ('work/sparse-model-soups') or a record reference
    field: str
    value: str
    reason: str
    line: int


@dataclass
class Curation:
    path: Path | None = None
    same: list[tuple[list[str], str, int]] = field(default_factory=list)
    not_same: list[tuple[list[str], str, int]] = field(default_factory=list)
    same_venue: list[tuple[list[str], str, int]] = field(default_factory=list)
    not_same_venue: list[tuple[list[str], str, int]] = field(default_factory=list)
    prefer: list[Prefer] = field(default_factory=list)

    def pairs(self, records: dict[str, Record], which: str) -> list[tuple[str, str]]:
        """Record-uid pairs of the 'same' or 'not_same' statements (references resolved)."""
        statements = self.same if which == "same" else self.not_same
        by_line = {f"{r.source}:{r.line}": uid for uid, r in records.items()}
        out = []
        for refs, _, line in statements:
            uids = []
            for ref in refs:
                uid = ref if ref in records else by_line.get(ref)
                if uid is None:
                    raise ConfigError(f"{self.path}:{line}: no record {ref!r} "
                                      "(use 'source#key' or 'source:line')")
                uids.append(uid)
            out += [(uids[0], u) for u in uids[1:]]
            if which == "not_same":
                out += [(a, b) for i, a in enumerate(uids) for b in uids[i + 1:]]
        return sorted(set(out))

    def venue_groups(self, which: str, series: dict[str, tuple[set[str], set[str]]]
                     ) -> list[list[set[str]]]:
        """Per 'same_venue' or 'not_same_venue' statement, per venue it names, the series keys that
        venue is: ``series`` maps each series key to the names printed for it and its acronyms
        (folded). A venue is named by a name a record prints, an acronym, or a name of the same
        series key ('Proceedings of ICLR 2023' names the ICLR series)."""
        statements = getattr(self, which)
        if not statements:
            return []
        by_name: dict[str, set[str]] = {}
        for key, (names, acronyms) in series.items():
            for n in {fold(x) for x in names} | acronyms | {key}:
                by_name.setdefault(n, set()).add(key)
        out = []
        for refs, _, line in statements:
            groups = []
            for ref in refs:
                keys = by_name.get(fold(ref), set()) | by_name.get(analyse(ref).series_key, set())
                if not keys:
                    raise ConfigError(f"{self.path}:{line}: no venue {ref!r} (use a name or an "
                                      "acronym that a record prints)")
                groups.append(keys)
            out.append(groups)
        return out


def load(path: str | Path) -> Curation:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        doc = tomllib.loads(text)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read curation file: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    lines = text.splitlines()

    def line_of(table: str, n: int) -> int:
        hits = [i + 1 for i, s in enumerate(lines) if s.strip() == f"[[{table}]]"]
        return hits[n] if n < len(hits) else 0

    cur = Curation(path=path)
    for table in ("same", "not_same", "same_venue", "not_same_venue"):
        what = "venues" if table.endswith("venue") else "records"
        for n, stmt in enumerate(doc.get(table, [])):
            line = line_of(table, n)
            refs = stmt.get(what)
            if not isinstance(refs, list) or len(refs) < 2:
                raise ConfigError(f"{path}:{line}: [[{table}]] needs '{what}' with two or more entries")
            if not stmt.get("reason"):
                raise ConfigError(f"{path}:{line}: [[{table}]] needs a 'reason'")
            getattr(cur, table).append(([str(r) for r in refs], str(stmt["reason"]), line))
    for n, stmt in enumerate(doc.get("prefer", [])):
        line = line_of("prefer", n)
        missing = [k for k in ("entity", "field", "value", "reason") if not stmt.get(k)]
        if missing:
            raise ConfigError(f"{path}:{line}: [[prefer]] is missing {', '.join(missing)}")
        cur.prefer.append(Prefer(entity=str(stmt["entity"]), field=str(stmt["field"]),
                                 value=str(stmt["value"]), reason=str(stmt["reason"]), line=line))
    unknown = set(doc) - {"same", "not_same", "same_venue", "not_same_venue", "prefer"}
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}; expected "
                          "[[same]], [[not_same]], [[same_venue]], [[not_same_venue]], [[prefer]]")
    return cur
