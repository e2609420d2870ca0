"""The manifest of sources (``data/sources.toml``): which documents to read, how, and how far to trust them."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .names import parse_name
from .records import PartialDate, PersonName

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@dataclass(frozen=True)
class SourceSpec:
    """One document to read."""

    id: str
    path: Path
    format: str | None = None
    owner: PersonName | None = None
    origin: str = ""
    captured: PartialDate | None = None
    trust: float = 0.5
    note: str = ""
    options: dict[str, object] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Manifest:
    path: Path | None
    sources: tuple[SourceSpec, ...]


def parse_date(text: str, *, where: str = "") -> PartialDate:
    m = _DATE.match(str(text).strip())
    if not m:
        raise ConfigError(f"{where}: date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        return PartialDate(year=int(m.group(1)), month=int(m.group(2)) if m.group(2) else None,
                           day=int(m.group(3)) if m.group(3) else None)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from exc


def load(path: str | Path) -> Manifest:
    """Read a manifest; errors name the file and the line of the offending source."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read manifest: {exc.strerror}") from exc
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    header_lines = [i + 1 for i, line in enumerate(text.splitlines())
                    if line.strip() == "[[source]]"]
    defaults = doc.get("defaults", {})
    specs: list[SourceSpec] = []
    seen: set[str] = set()
    for n, entry in enumerate(doc.get("source", [])):
        line = header_lines[n] if n < len(header_lines) else 0
        where = f"{path}:{line}"
        merged = {**defaults, **entry}
        if "file" not in merged:
            raise ConfigError(f"{where}: source has no 'file'")
        file = (path.parent / merged["file"]).resolve()
        sid = str(merged.get("id") or Path(merged["file"]).stem)
        if sid in seen:
            raise ConfigError(f"{where}: source id {sid!r} is used twice")
        seen.add(sid)
        trust = merged.get("trust", 0.5)
        if not isinstance(trust, (int, float)) or not 0 <= trust <= 1:
            raise ConfigError(f"{where}: trust must be a number from 0 to 1, not {trust!r}")
        owner = merged.get("owner")
        captured = merged.get("captured")
        known = {"id", "file", "format", "owner", "origin", "captured", "trust", "note"}
        specs.append(SourceSpec(
            id=sid, path=file, format=merged.get("format"),
            owner=parse_name(owner) if owner else None,
            origin=str(merged.get("origin", "")),
            captured=parse_date(str(captured), where=where) if captured else None,
            trust=float(trust), note=str(merged.get("note", "")),
            options={k: v for k, v in merged.items() if k not in known},
        ))
    if not specs:
        raise ConfigError(f"{path}: the manifest lists no [[source]]")
    return Manifest(path=path, sources=tuple(specs))


def from_files(paths: list[Path], *, format: str | None = None, owner: str | None = None
               ) -> Manifest:
    """A manifest for plain files given on the command line (ids from file names)."""
    specs = []
    used: set[str] = set()
    for p in paths:
        sid = p.stem
        n = 2
        while sid in used:
            sid, n = f"{p.stem}-{n}", n + 1
        used.add(sid)
        specs.append(SourceSpec(id=sid, path=p.resolve(), format=format,
                                owner=parse_name(owner) if owner else None))
    return Manifest(path=None, sources=tuple(specs))
