"""Online reconciliation: candidate Wikidata items and ORCID iDs for the graph's works and people, each
with a score from 0 to 1 and the evidence behind it.

Works are looked up by DOI (P356) and arXiv ID (P818) first, then by title (checked against year and
authors). People are looked up by ORCID iD (P496) first, then by name, and a name match only counts
with the evidence of works and coauthors in common. Journals are looked up by ISSN (P236) and checked
against their names; a venue without an ISSN (a conference series) is not looked up. A candidate at or above the threshold is accepted
when it is the only one; everything else worth a look goes to review. Candidates the user rejected are
never proposed again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from pyoxigraph import Literal
from rapidfuzz import fuzz

from .. import identifiers as idmod
from ..names import parse_name
from ..records import Record
from ..resolve.model import Person, Resolution, Series, Work
from ..resolve.namecompare import names_compatible
from ..text import fold, title_key
from .client import Response
from .curated import Link, Links
from .orcid import OrcidApi, work_identifiers
from .wikidata import Entity, Wikidata, item

THRESHOLD = 0.85  # accept on its own at or above this score, when no other candidate also reaches it
FLOOR = 0.4  # below this a candidate is not worth a reviewer's time
HUMAN = "Q5"
STEPS = ("works", "people", "venues", "orcid")


@dataclass
class Report:
    """What one reconciliation run found."""

    accepted: list[Link] = field(default_factory=list)
    review: list[Link] = field(default_factory=list)
    unmatched: dict[str, list[str]] = field(default_factory=dict)  # entity -> what was tried
    orcid_works: dict[str, Response] = field(default_factory=dict)  # ORCID iD -> works document


def title_similarity(a: str, b: str) -> float:
    return fuzz.ratio(title_key(a), title_key(b)) / 100


def name_score(ours: str, theirs: Iterable[str]) -> float:
    """1 for the same name (case, accents and punctuation aside), 0.8 for a compatible form ('M. Zimmer'),
    else 0."""
    best = 0.0
    mine = parse_name(ours)
    for name in theirs:
        if not name:
            continue
        if fold(name) == fold(ours):
            return 1.0
        if names_compatible(mine, parse_name(name)):
            best = 0.8
    return best


class Reconciler:
    """Finds candidates for the people and works of one resolution (with curated links applied)."""

    def __init__(self, res: Resolution, *, wikidata: Wikidata | None = None,
                 orcid: OrcidApi | None = None, links: Links | None = None,
                 threshold: float = THRESHOLD, decided: str = "") -> None:
        self.res = res
        self.wikidata = wikidata
        self.orcid = orcid
        self.threshold = threshold
        self.decided = decided
        resolved = links.resolve(res) if links is not None else []
        self.rejected = {x.key for x in resolved if x.status == "rejected"}
        self.works = {w.path: w for w in self.res.works}
        self.persons = {p.path: p for p in self.res.persons}
        self.series = {s.path: s for s in self.res.series}
        # Work QIDs known so far, curated or found in this run: evidence for people.
        self.work_qids: dict[str, set[str]] = {
            w.path: set(w.identifiers.get("wikidata", [])) for w in self.res.works}

    # ------------------------------------------------------------------------------------------
    def run(self, *, persons: Iterable[str] | None = None, works: Iterable[str] | None = None,
            steps: Iterable[str] = STEPS) -> Report:
        """Reconcile the given people and works (paths; default: all) and the venue series of those
        works. ``steps`` picks among 'works' (Wikidata items of works), 'people' (Wikidata items of
        people), 'venues' (Wikidata items of journals) and 'orcid' (ORCID iDs of people, and the works
        documents of people with one)."""
        report = Report()
        steps = set(steps)
        work_list = [self.works[p] for p in works] if works is not None else self.res.works
        person_list = [self.persons[p] for p in persons] if persons is not None else self.res.persons
        if "works" in steps and self.wikidata is not None:
            self._works(work_list, report)
        if "people" in steps and self.wikidata is not None:
            self._people(person_list, report)
        if "venues" in steps and self.wikidata is not None:
            self._venues(self._series_of(work_list) if works is not None else self.res.series, report)
        if "orcid" in steps and self.orcid is not None:
            self._orcid(person_list, report)
        return report

    def _candidate(self, entity: str, scheme: str, value: str, *, label: str, score: float,
                   method: str, evidence: list[str]) -> Link:
        kind = entity.split("/", 1)[0]
        return Link(kind=kind, ref=entity, entity=entity, scheme=scheme, value=value, label=label,
                    score=round(min(max(score, 0.0), 1.0), 3), method=method,
                    evidence=tuple(evidence), status="pending", decided=self.decided)

    def _decide(self, entity: str, scheme: str, candidates: list[Link], report: Report,
                tried: list[str]) -> Link | None:
        """Accept the one strong candidate, or send the plausible ones to review."""
        best: dict[str, Link] = {}
        for c in candidates:
            if c.key in self.rejected:
                continue
            old = best.get(c.value)
            if old is None:
                best[c.value] = c
            else:  # found twice (by DOI and by arXiv ID): keep the higher score, all the evidence
                top, other = (c, old) if (c.score or 0) > (old.score or 0) else (old, c)
                evidence = top.evidence + tuple(e for e in other.evidence if e not in top.evidence)
                best[c.value] = replace(top, evidence=evidence)
        ranked = sorted((c for c in best.values() if (c.score or 0) >= FLOOR),
                        key=lambda c: (-(c.score or 0), c.value))
        if not ranked:
            report.unmatched.setdefault(entity, []).extend(tried)
            return None
        strong = [c for c in ranked if (c.score or 0) >= self.threshold]
        if len(strong) == 1:
            report.accepted.append(replace(strong[0], status="accepted"))
            return strong[0]
        if len(strong) > 1:
            note = f"ambiguous: {len(strong)} candidates score {self.threshold:g} or more"
            ranked = [replace(c, evidence=(*c.evidence, note)) if c in strong else c for c in ranked]
        report.review.extend(ranked)
        return None

    # ------------------------------------------------------------------------------- works
    @staticmethod
    def _ids(w: Work, scheme: str) -> list[str]:
        values = list(w.identifiers.get(scheme, []))
        for v in w.versions:
            values += [x for x in v.identifiers.get(scheme, []) if x not in values]
        return values

    @staticmethod
    def _titles(w: Work) -> list[str]:
        return list(dict.fromkeys([w.title, *(v.title for v in w.versions)]))

    def _years(self, w: Work) -> set[int]:
        years = {w.date.year} if w.date else set()
        return years | {v.date.year for v in w.versions if v.date}

    def _works(self, works: list[Work], report: Report) -> None:
        assert self.wikidata is not None
        todo = [w for w in works if not w.identifiers.get("wikidata")]
        found: dict[str, list[Link]] = defaultdict(list)
        for scheme, query, var, prop, label in (("doi", "works-by-doi", "doi", "P356", "DOI"),
                                                 ("arxiv", "works-by-arxiv", "arxiv", "P818", "arXiv ID")):
            owner = {v: w for w in todo for v in self._ids(w, scheme)}
            terms = {form for v in owner for form in ((v.upper(), v) if scheme == "doi" else (v,))}
            rows = self.wikidata.select(query, **{var: [Literal(t) for t in sorted(terms)]})
            for row in rows:
                value = idmod.doi(row[var]) if scheme == "doi" else idmod.arxiv(row[var])
                qid = idmod.qid(row.get("item", ""))
                w = owner.get(str(value)) if value else None
                if w is None or qid is None:
                    continue
                evidence = [f"Wikidata {qid} has {label} {row[var]} ({prop}), as the work does"]
                score = 1.0
                if row.get("title"):
                    sim = max(title_similarity(t, row["title"]) for t in self._titles(w))
                    if sim < 0.5:
                        score = 0.6
                        evidence.append(f"but its title differs: {row['title']!r}")
                    elif sim < 0.8:
                        score = 0.9
                        evidence.append(f"its title is similar ({sim:.2f}): {row['title']!r}")
                    else:
                        evidence.append(f"title agrees ({sim:.2f})")
                found[w.path].append(self._candidate(
                    w.path, "wikidata", qid, label=row.get("title", ""), score=score,
                    method=f"wikidata-{scheme}", evidence=evidence))
        for w in todo:
            tried = [m for m, s in (("DOI", "doi"), ("arXiv ID", "arxiv")) if self._ids(w, s)]
            if not found.get(w.path):
                found[w.path] = self._by_title(w)
                tried.append("title search")
            accepted = self._decide(w.path, "wikidata", found[w.path], report,
                                    [f"Wikidata by {t}" for t in tried])
            if accepted is not None:
                self.work_qids[w.path].add(accepted.value)

    def _by_title(self, w: Work) -> list[Link]:
        assert self.wikidata is not None
        hits = self.wikidata.search(w.title, limit=5)
        entities = self.wikidata.entities(h.id for h in hits)
        out = []
        for e in entities.values():
            if HUMAN in e.items("P31"):
                continue
            titles = [t for t in e.strings("P1476") or [e.label] if t]
            sim = max((title_similarity(a, b) for a in self._titles(w) for b in titles), default=0.0)
            if sim < 0.6:
                continue
            evidence = [f"title {titles[0]!r} matches ({sim:.2f})"]
            score = 0.6 * sim
            year = e.year()
            years = self._years(w)
            if year is None or not years:
                score += 0.075
            elif any(abs(year - y) <= 1 for y in years):
                score += 0.15
                evidence.append(f"published {year}, as the work")
            else:
                evidence.append(f"but published {year}, the work in {sorted(years)}")
            score += 0.25 * self._author_agreement(w, e, evidence)
            score *= self._identifier_agreement(w, e, evidence)
            out.append(self._candidate(w.path, "wikidata", e.id, label=titles[0], score=score,
                                       method="wikidata-title", evidence=evidence))
        return out

    def _author_agreement(self, w: Work, e: Entity, evidence: list[str]) -> float:
        """The share of the work's authors the item also names (by item or name string)."""
        names = e.strings("P2093")
        items = set(e.items("P50"))
        if not w.authors or (not names and not items):
            return 0.5  # the item lists no authors: no evidence either way
        matched = 0
        for a in w.authors:
            p = self.persons.get(a.person)
            if p is None:
                continue
            if items & set(p.identifiers.get("wikidata", [])) or name_score(p.name, names) > 0:
                matched += 1
        share = matched / len(w.authors)
        evidence.append(f"{matched} of {len(w.authors)} authors agree")
        return share

    def _identifier_agreement(self, w: Work, e: Entity, evidence: list[str]) -> float:
        """A factor: an item with a different DOI or arXiv ID is most likely another paper."""
        factor = 1.0
        for scheme, prop, label in (("doi", "P356", "DOI"), ("arxiv", "P818", "arXiv ID")):
            ours = set(self._ids(w, scheme))
            theirs = {str(idmod.doi(v) if scheme == "doi" else idmod.arxiv(v))
                      for v in e.strings(prop)}
            if ours and theirs and not ours & theirs:
                factor = 0.5
                evidence.append(f"but its {label} differs: {', '.join(sorted(theirs))}")
        return factor

    # ------------------------------------------------------------------------------- venues
    def _series_of(self, works: list[Work]) -> list[Series]:
        editions = {e.path: e.series for e in self.res.editions}
        paths = {editions.get(v.edition, v.edition) for w in works for v in w.versions if v.edition}
        return [s for s in self.res.series if s.path in paths]

    def _venues(self, series: list[Series], report: Report) -> None:
        """Journals by ISSN: an item that has one of the series' ISSNs is a strong candidate when its
        title is one of the names the series is printed with, a weaker one otherwise."""
        assert self.wikidata is not None
        todo = [s for s in series if s.issns and not s.identifiers.get("wikidata")]
        owner = {v: s for s in todo for v in s.issns}
        rows = self.wikidata.select("venues-by-issn", issn=[Literal(v) for v in sorted(owner)])
        found: dict[str, list[Link]] = defaultdict(list)
        for row in rows:
            s = owner.get(row.get("issn", "").upper())
            qid = idmod.qid(row.get("item", ""))
            if s is None or qid is None:
                continue
            title = row.get("title") or row.get("label") or ""
            evidence = [f"Wikidata {qid} has ISSN {row['issn']} (P236), as the journal's records print"]
            score = 1.0
            if title:
                sim = max(title_similarity(n, title) for n in [s.name, *s.names])
                if sim < 0.5:
                    score = 0.6
                    evidence.append(f"but its title differs: {title!r}")
                else:
                    evidence.append(f"title agrees ({sim:.2f})")
            found[s.path].append(self._candidate(s.path, "wikidata", qid, label=title, score=score,
                                                 method="wikidata-issn", evidence=evidence))
        for s in todo:
            self._decide(s.path, "wikidata", found.get(s.path, []), report, ["Wikidata by ISSN"])

    # ------------------------------------------------------------------------------- people
    def _coauthors(self, p: Person) -> list[str]:
        names = set()
        for path in p.works:
            w = self.works.get(path)
            for a in w.authors if w else []:
                other = self.persons.get(a.person)
                if other is not None and other.path != p.path:
                    names.add(other.name)
        return sorted(names)

    def _work_keys(self, p: Person) -> dict[str, str]:
        """Everything that identifies one of the person's works -> that work's path."""
        keys: dict[str, str] = {}
        for path in p.works:
            w = self.works.get(path)
            if w is None:
                continue
            for scheme in ("doi", "arxiv"):
                for v in self._ids(w, scheme):
                    keys[f"{scheme}:{v}"] = path
            for q in self.work_qids.get(path, ()):
                keys[f"wikidata:{q}"] = path
        return keys

    def _matching_work(self, p: Person, keys: dict[str, str], *, qid: str = "", doi: str = "",
                       arxiv: str = "", title: str = "") -> str | None:
        for key in (f"wikidata:{qid}" if qid else "", f"doi:{idmod.doi(doi)}" if doi else "",
                    f"arxiv:{idmod.arxiv(arxiv)}" if arxiv else ""):
            if key and key in keys:
                return keys[key]
        if title:
            for path in p.works:
                w = self.works.get(path)
                if w and max(title_similarity(t, title) for t in self._titles(w)) >= 0.9:
                    return path
        return None

    def _people(self, persons: list[Person], report: Report) -> None:
        assert self.wikidata is not None
        todo = [p for p in persons if not p.identifiers.get("wikidata")]
        found: dict[str, list[Link]] = defaultdict(list)
        owner = {o: p for p in todo for o in p.identifiers.get("orcid", [])}
        for row in self.wikidata.select("people-by-orcid",
                                        orcid=[Literal(o) for o in sorted(owner)]):
            p = owner.get(row["orcid"].upper())
            qid = idmod.qid(row.get("item", ""))
            if p is None or qid is None:
                continue
            found[p.path].append(self._candidate(
                p.path, "wikidata", qid, label=row.get("label", ""), score=1.0,
                method="wikidata-orcid",
                evidence=[f"Wikidata {qid} has ORCID iD {row['orcid']} (P496), as the person"]))
        by_name = [p for p in todo if not found.get(p.path)]
        named = {p.path for p in by_name}
        candidates = self._name_candidates(by_name)
        works_of = self._works_of({e.id for es in candidates.values() for e in es})
        for p in todo:
            tried = ["Wikidata by ORCID iD"] if p.identifiers.get("orcid") else []
            if p.path in named:
                tried.append("Wikidata by name")
                for e in candidates.get(p.path, []):
                    c = self._score_person(p, e, works_of.get(e.id, []))
                    if c is not None:
                        found[p.path].append(c)
            self._decide(p.path, "wikidata", found[p.path], report, tried)

    def _name_candidates(self, persons: list[Person]) -> dict[str, list[Entity]]:
        assert self.wikidata is not None
        hits: dict[str, list[str]] = {}
        for p in persons:
            hits[p.path] = [h.id for h in self.wikidata.search(p.name, limit=7)]
        entities = self.wikidata.entities(q for ids in hits.values() for q in ids)
        out: dict[str, list[Entity]] = {}
        for p in persons:
            people = [entities[q] for q in hits[p.path] if q in entities]
            out[p.path] = [e for e in people if HUMAN in e.items("P31")
                           and name_score(p.name, [e.label, *e.aliases]) > 0]
        return out

    def _works_of(self, qids: set[str]) -> dict[str, list[dict[str, str]]]:
        assert self.wikidata is not None
        out: dict[str, list[dict[str, str]]] = defaultdict(list)
        ordered = sorted(qids)
        for i in range(0, len(ordered), 20):
            rows = self.wikidata.select("works-of-authors",
                                        author=[item(q) for q in ordered[i:i + 20]])
            for row in rows:
                qid = idmod.qid(row.get("author", ""))
                if qid:
                    out[qid].append(row)
        return out

    def _score_person(self, p: Person, e: Entity, rows: list[dict[str, str]]) -> Link | None:
        ours = p.identifiers.get("orcid", [])
        theirs = [o.upper() for o in e.strings("P496")]
        if ours and theirs and not set(ours) & set(theirs):
            return None  # a different ORCID iD: a different person, whatever the name
        n = name_score(p.name, [e.label, *e.aliases])
        evidence = [f"name {p.name!r} {'is' if n == 1 else 'fits'} {e.label!r}"
                    + (f" ({e.description})" if e.description else "")]
        keys = self._work_keys(p)
        common: dict[str, str] = {}
        coauthor_names: set[str] = set()
        for row in rows:
            work_qid = idmod.qid(row.get("work", "")) or ""
            path = self._matching_work(p, keys, qid=work_qid, doi=row.get("doi", ""),
                                       arxiv=row.get("arxiv", ""), title=row.get("title", ""))
            if path:
                common[path] = work_qid
            if row.get("coauthorName"):
                coauthor_names.add(row["coauthorName"])
        shared = [c for c in self._coauthors(p) if name_score(c, coauthor_names) > 0]
        if common:
            evidence.append(f"{len(common)} works in common: " + ", ".join(sorted(common)[:5]))
        if shared:
            evidence.append(f"{len(shared)} coauthors in common: " + ", ".join(shared[:5]))
        if not rows:
            evidence.append("Wikidata lists no works by this person")
        score = 0.4 * n + {0: 0.0, 1: 0.3, 2: 0.4}.get(len(common), 0.45) \
            + {0: 0.0, 1: 0.1}.get(len(shared), 0.15)
        return self._candidate(p.path, "wikidata", e.id, label=e.label, score=score,
                               method="wikidata-name", evidence=evidence)

    # ------------------------------------------------------------------------------- ORCID
    def _orcid(self, persons: list[Person], report: Report) -> None:
        assert self.orcid is not None
        for p in persons:
            known = list(p.identifiers.get("orcid", []))
            if not known:
                accepted = self._orcid_search(p, report)
                known = [accepted] if accepted else []
            for orcid in known:
                report.orcid_works[orcid] = self.orcid.works(orcid)

    def _orcid_search(self, p: Person, report: Report) -> str | None:
        assert self.orcid is not None
        name = parse_name(p.name)
        given = p.given or name.given
        family = p.family or " ".join(x for x in (name.particle, name.family) if x)
        candidates = []
        keys = self._work_keys(p)
        for hit in self.orcid.search(given, family):
            n = name_score(p.name, [hit.name, hit.credit, *hit.other_names])
            if n == 0:
                continue
            works = self.orcid.work_list(hit.orcid)
            common = sorted({path for w in works if (path := self._orcid_match(p, keys, w))})
            evidence = [f"ORCID record of {hit.name!r}"
                        + (f" ({', '.join(hit.institutions[:2])})" if hit.institutions else "")]
            if common:
                evidence.append(f"{len(common)} works in common: " + ", ".join(common[:5]))
            else:
                evidence.append(f"none of its {len(works)} works is one of the person's")
            score = 0.4 * n + {0: 0.0, 1: 0.35, 2: 0.5}.get(len(common), 0.6)
            candidates.append(self._candidate(p.path, "orcid", hit.orcid, label=hit.name,
                                              score=score, method="orcid-search",
                                              evidence=evidence))
        accepted = self._decide(p.path, "orcid", candidates, report, ["ORCID search by name"])
        return accepted.value if accepted else None

    def _orcid_match(self, p: Person, keys: dict[str, str], w: Record) -> str | None:
        for doi in work_identifiers(w, "doi"):
            if (path := self._matching_work(p, keys, doi=doi)) is not None:
                return path
        for arxiv in work_identifiers(w, "arxiv"):
            if (path := self._matching_work(p, keys, arxiv=arxiv)) is not None:
                return path
        return self._matching_work(p, keys, title=w.title) if w.title else None
