"""Write-back proposals: what the graph knows and Wikidata or ORCID lack, in forms they import, for the
user to review and submit — QuickStatements (v1) for Wikidata, BibTeX for ORCID's import.

Nothing here submits anything. A proposal lists what it left out and why: a work goes to Wikidata only
when the graph knows it well enough (title, a printed date, a DOI or arXiv ID, the complete author list).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pyoxigraph import DefaultGraph, Store

from ..errors import ConfigError
from ..graph.mapping import Mapper
from ..records import PartialDate
from ..resolve.model import Person, Resolution, Work
from ..text import fold

SCHOLARLY_ARTICLE = "Q13442814"
# Wikidata time precision: 9 year, 10 month, 11 day.
_PRECISION = {"year": 9, "month": 10, "day": 11}
_BASE = "urn:kg:"  # the exported entries name no IRI; any base maps the resolution


@dataclass
class Proposal:
    """A write-back document and what went into it."""

    text: str
    included: list[str] = field(default_factory=list)  # entity paths
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (work path, why)


def find_person(res: Resolution, ref: str) -> Person:
    """A person by path or by any printed form of their name."""
    for p in res.persons:
        if ref == p.path or fold(ref) in {fold(n) for n in [p.name, *p.variants]}:
            return p
    raise ConfigError(f"no person {ref!r} in the graph (give 'person/<slug>' or a name)")


def _works(res: Resolution, person: Person | None) -> list[Work]:
    if person is None:
        return list(res.works)
    mine = set(person.works)
    return [w for w in res.works if w.path in mine]


def _ids(w: Work, scheme: str) -> list[str]:
    values = list(w.identifiers.get(scheme, []))
    for v in w.versions:
        values += [x for x in v.identifiers.get(scheme, []) if x not in values]
    return values


# ------------------------------------------------------------------------------ QuickStatements
def _qs_string(text: str) -> str | None:
    """A QuickStatements string value. v1 has no escape for a double quote, so such text cannot go."""
    text = " ".join(text.split())
    return None if '"' in text else f'"{text}"'


def _qs_time(d: PartialDate) -> str:
    return f"+{d.year:04d}-{d.month or 1:02d}-{d.day or 1:02d}T00:00:00Z/{_PRECISION[d.precision]}"


def _incomplete(w: Work, res: Resolution) -> str | None:
    """Why a work is not complete enough to create on Wikidata, or None."""
    persons = {p.path: p for p in res.persons}
    if _qs_string(w.title) is None:
        return "its title holds a double quote, which QuickStatements v1 cannot write"
    if w.date is None:
        return "no publication date"
    if w.date.inferred:
        return f"its date's {', '.join(w.date.inferred)} was inferred, not printed"
    if not _ids(w, "doi") and not _ids(w, "arxiv"):
        return "neither a DOI nor an arXiv ID"
    if not w.authors_complete:
        return "its author list is incomplete"
    if not w.authors or any(a.position is None for a in w.authors):
        return "its authors lack positions"
    for a in w.authors:
        if _qs_string(persons[a.person].name) is None:
            return f"the name of {a.person} holds a double quote"
    return None


def quickstatements(res: Resolution, *, person: str | None = None,
                    existing: Mapping[str, set[str]] | None = None) -> Proposal:
    """QuickStatements v1 commands: CREATE for works Wikidata lacks, and author statements (P50 with
    a series ordinal P1545) for works it has. ``existing`` maps a work's QID to the author QIDs Wikidata
    already records, when known (``kg link --propose ... --online``), so that those are left out."""
    who = find_person(res, person) if person else None
    persons = {p.path: p for p in res.persons}
    lines: list[str] = []
    out = Proposal(text="")
    for w in _works(res, who):
        authors = sorted((a for a in w.authors if a.position is not None),
                         key=lambda a: a.position or 0)
        qids = w.identifiers.get("wikidata", [])
        if qids:
            have = (existing or {}).get(qids[0], set())
            added = False
            for a in authors:
                for aq in persons[a.person].identifiers.get("wikidata", [])[:1]:
                    if aq not in have:
                        lines.append(f'{qids[0]}\tP50\t{aq}\tP1545\t"{a.position}"')
                        added = True
            if added:
                out.included.append(w.path)
            else:
                out.skipped.append((w.path, f"on Wikidata ({qids[0]}); no author link to add"))
            continue
        why = _incomplete(w, res)
        if why:
            out.skipped.append((w.path, why))
            continue
        assert w.date is not None
        title = _qs_string(w.title)
        lines += ["CREATE", f"LAST\tLen\t{title}", f"LAST\tP31\t{SCHOLARLY_ARTICLE}",
                  f"LAST\tP1476\ten:{title}", f"LAST\tP577\t{_qs_time(w.date)}"]
        # Wikidata writes DOIs in upper case (the property's format constraint).
        lines += [f'LAST\tP356\t"{d.upper()}"' for d in _ids(w, "doi")[:1]]
        lines += [f'LAST\tP818\t"{x}"' for x in _ids(w, "arxiv")[:1]]
        for a in authors:
            p = persons[a.person]
            author_qids = p.identifiers.get("wikidata", [])
            if author_qids:
                lines.append(f'LAST\tP50\t{author_qids[0]}\tP1545\t"{a.position}"')
            else:
                lines.append(f'LAST\tP2093\t{_qs_string(p.name)}\tP1545\t"{a.position}"')
        out.included.append(w.path)
    out.text = "".join(line + "\n" for line in lines)
    return out


# ------------------------------------------------------------------------------ BibTeX for ORCID
def orcid_bibtex(res: Resolution, *, person: str) -> Proposal:
    """A BibTeX file of one person's works for ORCID's 'Import BibTeX', written by the project's
    BibTeX exporter from the graph the resolution maps to (ORCID matches what a record already holds
    by DOI and title, so the full list is the safe thing to offer)."""
    from ..graph.export import bibtex_text, cited_works

    who = find_person(res, person)
    mapper = Mapper(_BASE)
    store = Store()
    store.extend(q for q in mapper.quads(res) if q.graph_name == DefaultGraph())
    mine = {mapper.iri(path).value for path in who.works}
    works = [w for w in cited_works(store) if w.iri in mine]
    return Proposal(text=bibtex_text(works) if works else "",
                    included=[w.iri.removeprefix(mapper.base) for w in works])
