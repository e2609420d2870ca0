"""The review file: candidate links that online reconciliation found but did not accept on its own,
numbered so that ``kg link --accept N`` and ``kg link --reject N`` can move them into the curated links.

``data/links-review.toml`` is written by ``kg link``; each ``[[candidate]]`` has the fields of a curated
entry (entity, one identifier, method, score, evidence) and its number ``n``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from ..errors import ConfigError
from .curated import Link, append_links, format_entry, parse_entry, read_toml

HEADER = """\
# Candidate links `kg link --online` found but did not accept on its own: the score was below the
# threshold, or more than one candidate fits. `kg link --accept N` moves candidate N into the curated
# links; `kg link --reject N` records it there as rejected so that it is not proposed again.
# kg link rewrites this file; edit the curated links file instead.
"""


def review_path(links_path: str | Path) -> Path:
    """``links.toml`` -> ``links-review.toml`` beside it."""
    links_path = Path(links_path)
    return links_path.with_name(f"{links_path.stem}-review.toml")


def load_review(path: str | Path) -> list[Link]:
    """The pending candidates of a review file, in file order."""
    path = Path(path)
    doc, layout = read_toml(path)
    unknown = sorted(set(doc) - {"candidate"})
    if unknown:
        raise ConfigError(f"{path}: unknown section(s) {', '.join(unknown)}; expected [[candidate]]")
    out: list[Link] = []
    seen: dict[int, int] = {}
    for i, entry in enumerate(doc.get("candidate", [])):
        header, keys = layout["candidate"][i] if i < len(layout["candidate"]) else (0, {})
        n = entry.get("n")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ConfigError(f"{path}:{keys.get('n', header)}: a candidate needs a number n >= 1")
        if n in seen:
            raise ConfigError(f"{path}:{header}: candidate number {n} is used twice "
                              f"(also line {seen[n]})")
        seen[n] = header
        links = parse_entry(entry, table="candidate", header=header, keys=keys, path=path,
                            status="pending", extra=("n",))
        out += [replace(link, n=n) for link in links]
    return out


def merge(existing: Iterable[Link], found: Iterable[Link]) -> list[Link]:
    """Pending candidates after a new run: a candidate found again keeps its number and takes the new
    score and evidence; new candidates get the next free numbers."""
    by_key = {c.key: c for c in existing}
    numbers = [c.n for c in by_key.values() if c.n is not None]
    next_n = max(numbers, default=0) + 1
    for c in found:
        old = by_key.get(c.key)
        if old is not None:
            by_key[c.key] = replace(c, n=old.n, status="pending")
        else:
            by_key[c.key] = replace(c, n=next_n, status="pending")
            next_n += 1
    return sorted(by_key.values(), key=lambda c: c.n or 0)


def write_review(path: str | Path, candidates: Iterable[Link]) -> None:
    """Rewrite the review file with these candidates (an empty list leaves only the header)."""
    path = Path(path)
    blocks = [format_entry(c, table="candidate", extra={"n": c.n}) for c in candidates]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + "".join("\n" + b for b in blocks), encoding="utf-8")


def decide(links_path: str | Path, *, accept: Iterable[int] = (), reject: Iterable[int] = (),
           decided: str = "", reason: str = "") -> tuple[list[Link], list[Link]]:
    """Move candidates from the review file into the curated links: accepted ones as links, rejected
    ones as ``[[rejected]]``. Accepting a person's or work's ORCID iD or Wikidata item also rejects the
    other candidates for the same slot (one person has one Wikidata item). Returns what was accepted
    and what was rejected."""
    links_path = Path(links_path)
    path = review_path(links_path)
    if not path.exists():
        raise ConfigError(f"{path}: no review file; `kg link --online` writes one")
    pending = load_review(path)
    by_n: dict[int, Link] = {c.n: c for c in pending if c.n is not None}
    accept, reject = list(accept), list(reject)
    for n in accept + reject:
        if n not in by_n:
            raise ConfigError(f"{path}: there is no candidate {n} (`kg link --review` lists them)")
    both = sorted(set(accept) & set(reject))
    if both:
        raise ConfigError(f"candidate {both[0]} cannot be both accepted and rejected")
    accepted = [replace(by_n[n], status="accepted", decided=decided, n=None) for n in accept]
    rejected = [replace(by_n[n], status="rejected", decided=decided, reason=reason, n=None)
                for n in reject]
    taken = {(c.ref, c.scheme) for c in accepted if c.scheme in ("orcid", "wikidata")}
    for c in pending:
        if c.n in accept or c.n in reject or (c.ref, c.scheme) not in taken:
            continue
        rejected.append(replace(c, status="rejected", decided=decided, n=None,
                                reason="another candidate was accepted for the same "
                                       f"{c.kind} and {c.scheme}"))
    append_links(links_path, accepted + rejected)
    gone = {c.key for c in accepted + rejected}
    write_review(path, [c for c in pending if c.key not in gone])
    return accepted, rejected
