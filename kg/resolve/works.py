"""Clustering records into works: shared identifiers first, then equal or near-equal titles with author and
year evidence, compared only inside blocks so the cost stays near-linear. Identifier conflicts and
likely-same pairs are found on the way and reported instead of merged."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from rapidfuzz import fuzz

from ..identifiers import ArxivId, arxiv_of_doi
from ..names import family_key
from ..progress import Progress, Ticker
from ..records import Kind, Record
from ..text import fold, main_title_key, title_key
from .model import Candidate, IdentifierConflict

# Identifiers that name one paper (a version, or the work): records sharing one are one work. The
# databases' own record ids (PubMed, PubMed Central, Web of Science, Scopus, OpenAlex) join the
# exports of one database, and PMIDs the databases that print them (Web of Science, OpenAlex).
ID_SCHEMES = ("doi", "arxiv", "openreview", "acl", "dblp", "pmid", "pmcid", "wos", "scopus-eid",
              "openalex")
_STOPWORDS = set("""a an and are as at be by for from in into is it its of on or the to via with
without using towards toward through over under under based new study approach method methods
learning neural networks network deep model models""".split())
_NUMBER = re.compile(r"\d+")
_ONE_PER_WORK = ("doi", "arxiv")  # a work has one of each; title matches never join two
MAX_BLOCK = 400  # a blocking key shared by more records than this is too common to compare on


class UnionFind:
    """Disjoint sets over 0..n-1 with the smallest index as representative (deterministic)."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        lo, hi = min(ra, rb), max(ra, rb)
        self.parent[hi] = lo
        return lo

    def groups(self) -> dict[int, list[int]]:
        out: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.parent)):
            out[self.find(i)].append(i)
        return out


@dataclass(slots=True)
class Features:
    """What clustering compares, computed once per record."""

    title: str
    main: str
    families: list[str]
    initials: list[str]  # first letter of each author's given name ('' when none is printed)
    year: int | None
    ids: dict[str, str] = field(default_factory=dict)
    numbers: tuple[str, ...] = ()  # the numbers in the title, in order
    genre: str = ""  # 'paper', 'dataset' or 'software'; '' when the record does not say (see genre)


_ARTEFACTS = {Kind.DATASET: "dataset", Kind.SOFTWARE: "software"}
_GENRE_CODES = {"": 0, "paper": 1, "dataset": 2, "software": 3}


def genre(kind: Kind) -> str:
    """What a record's kind says it is: a data set, a program, or a paper (a preprint, an article,
    a book, ...); '' for 'other' and 'unknown', which say neither. A data set or a program is a
    work of its own beside the paper that describes it, however alike their titles."""
    if kind in (Kind.OTHER, Kind.UNKNOWN):
        return ""
    return _ARTEFACTS.get(kind, "paper")


def _one_per_work(record: Record, scheme: str) -> list[str]:
    """A record's values of a scheme a work has one of. A DOI of arXiv's own (10.48550) is the
    preprint's, beside the DOI of the published paper: it stands for its arXiv id here."""
    values = record.ids(scheme)
    return [v for v in values if not arxiv_of_doi(v)] if scheme == "doi" else values


def _first_id(record: Record, scheme: str) -> str | None:
    values = _one_per_work(record, scheme)
    return values[0] if values else None


def features(record: Record) -> Features:
    names = record.authors
    title = title_key(record.title or "")
    return Features(
        title=title,
        main=main_title_key(record.title or ""),
        families=[family_key(a) for a in names],
        initials=[fold(a.given)[:1] for a in names],
        year=record.date.year if record.date and "year" not in record.date.inferred else
        (record.date.year if record.date else None),
        ids={s: v for s in ID_SCHEMES if (v := _first_id(record, s))},
        numbers=tuple(_NUMBER.findall(title)),
        genre=genre(record.kind),
    )


def authors_agree(a: Features, b: Features, *, require: bool = False) -> bool:
    """Do two author lists plausibly describe one paper? Empty lists agree unless ``require``.

    An author counts as shared when the family name is the same and the given names do not begin
    with different letters ('S. Li' is not 'Gerard Li'); at least half of the shorter list must be
    shared, and when two lists of several authors share only one, the first author too."""
    if not a.families or not b.families:
        return not require
    ia, ib = _initials_by_family(a), _initials_by_family(b)
    shared = sum(1 for fam, xs in ia.items() if fam in ib and _initials_fit(xs, ib[fam]))
    if shared == 1 and len(ia) >= 2 and len(ib) >= 2 and a.families[0] != b.families[0]:
        return False  # one coauthor in common, other first authors: two papers of a group
    return shared >= 1 and shared >= 0.5 * min(len(ia), len(ib))


def _initials_by_family(f: Features) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for fam, ini in zip(f.families, f.initials, strict=True):
        out[fam].add(ini)
    return out


def _initials_fit(xs: set[str], ys: set[str]) -> bool:
    return "" in xs or "" in ys or bool(xs & ys)


def years_agree(a: Features, b: Features, *, window: int = 3) -> bool:
    return a.year is None or b.year is None or abs(a.year - b.year) <= window


def titles_match(a: Features, b: Features) -> bool:
    if not a.title or not b.title:
        return False
    if a.title == b.title:
        return True
    # Titles that differ in a number are different papers, however alike the rest ('Findings of
    # the 2009 Workshop on ...' and 'Findings of the 2010 Workshop on ...').
    if a.numbers != b.numbers:
        return False
    if not fuzz.ratio(a.title, b.title, score_cutoff=93):  # 0 below the cutoff
        return False
    return not replaced_words(a.title, b.title)


def replaced_words(a: str, b: str) -> list[tuple[str, str]]:
    """Words of one title put in place of different words in the other: 'a study of *fair*
    program synthesis' and 'a study of *neural* program synthesis' are two papers, however alike
    the strings. Spelling variants ('optimisation'), hyphenation ('self-supervised') and plurals are
    not replacements."""
    wa, wb = a.split(), b.split()
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if op == "replace":
            x, y = "".join(wa[i1:i2]), "".join(wb[j1:j2])
            if fuzz.ratio(x, y) < 80:
                out.append((" ".join(wa[i1:i2]), " ".join(wb[j1:j2])))
    return out


class WorkClusterer:
    """Clusters records into works. Records are processed in uid order, so the result does not depend
    on the order sources were given in. ``progress`` hears the step 'cluster works', from reading
    the records' features to the last pass."""

    def __init__(self, records: list[Record], *, not_same: Iterable[tuple[str, str]] = (),
                 same: Iterable[tuple[str, str]] = (), progress: Progress | None = None) -> None:
        # Units: one per record for its features, then one per record for each pass and for the
        # constraints and candidates after them.
        self._ticker = Ticker(progress, "cluster works", (len(self.PASSES) + 2) * len(records))
        self.records = sorted(records, key=lambda r: r.uid)
        self.index = {r.uid: i for i, r in enumerate(self.records)}
        self.feats = []
        for r in self.records:
            self.feats.append(features(r))
            self._ticker.tick()
        self.uf = UnionFind(len(self.records))
        self.conflicts: list[IdentifierConflict] = []
        self.candidates: list[Candidate] = []
        self.excluded_ids: dict[int, set[tuple[str, str]]] = defaultdict(set)
        self._ids: dict[int, dict[str, frozenset[str]]] | None = None  # see _cluster_ids
        self._not_same = [(self.index[a], self.index[b]) for a, b in not_same
                          if a in self.index and b in self.index]
        # Per cluster root: its records that print authors (title matches check them all).
        self._authored: dict[int, list[int]] = {i: [i] for i, f in enumerate(self.feats)
                                                if f.families}
        # Per cluster root: the genre its records state (0 where none does; title matches keep
        # it), a byte per record.
        self._genre = bytearray(_GENRE_CODES[f.genre] for f in self.feats)
        self._same = [(self.index[a], self.index[b]) for a, b in same
                      if a in self.index and b in self.index]

    # -- constraints ---------------------------------------------------------------------------
    def _allowed(self, a: int, b: int) -> bool:
        ra, rb = self.uf.find(a), self.uf.find(b)
        if ra == rb:
            return True
        for x, y in self._not_same:
            rx, ry = self.uf.find(x), self.uf.find(y)
            if {rx, ry} == {ra, rb}:
                return False
        return True

    def _authors_fit(self, ra: int, rb: int) -> bool:
        """Do the author lists of two clusters agree record by record? A title match must not join
        two papers through a record that prints no authors (a yearly report of one title, by
        different people each year, and a year whose entry names nobody)."""
        ys = self._authored.get(rb, ())
        return all(authors_agree(self.feats[i], self.feats[j])
                   for i in self._authored.get(ra, ()) for j in ys)

    def _union(self, a: int, b: int, *, by_title: bool = False) -> None:
        """Join the clusters of a and b unless a constraint forbids it; ``by_title``: joined on a
        title match, which every pair of their author lists must agree with and which never joins
        a data set or a program to a paper, or a data set to a program."""
        if not self._allowed(a, b):
            return
        ra, rb = self.uf.find(a), self.uf.find(b)
        ga, gb = self._genre[ra], self._genre[rb]
        if ra == rb or by_title and (ga and gb and ga != gb or not self._authors_fit(ra, rb)):
            return
        if self._ids is not None:
            ia, ib = self._ids.get(ra, {}), self._ids.get(rb, {})
            if any(ia.get(s) and ib.get(s) and ia[s] != ib[s] for s in _ONE_PER_WORK):
                return  # the two would be one work with two DOIs or two arXiv ids
            root = self.uf.union(ra, rb)
            merged = {s: ia.get(s, frozenset()) | ib.get(s, frozenset()) for s in _ONE_PER_WORK}
            self._ids.pop(ra, None)
            self._ids.pop(rb, None)
            if any(merged.values()):
                self._ids[root] = merged
        else:
            root = self.uf.union(ra, rb)
        authored = self._authored.pop(ra, []) + self._authored.pop(rb, [])
        if authored:
            self._authored[root] = authored
        self._genre[root] = ga or gb

    def _cluster_ids(self) -> dict[int, dict[str, frozenset[str]]]:
        """Per cluster formed by identifiers: its DOIs and arXiv ids, without those in conflict.
        Matching by title never joins two clusters that carry different ones."""
        found: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for i, r in enumerate(self.records):
            for scheme in _ONE_PER_WORK:
                for v in _one_per_work(r, scheme):
                    if (scheme, v) not in self.excluded_ids[i]:
                        found[self.uf.find(i)][scheme].add(v)
        return {root: {s: frozenset(v) for s, v in by.items()} for root, by in found.items()}

    # -- passes --------------------------------------------------------------------------------
    PASSES = ("_by_identifiers", "_by_equal_titles", "_by_near_titles")

    def run(self) -> list[list[Record]]:
        n = len(self.records)
        for name in self.PASSES:
            getattr(self, name)(n)
        for a, b in self._same:
            self.uf.union(a, b)  # a curated 'same' overrides the automatic decision
        self._members = self.uf.groups()
        self._resolve_conflict_owners()
        self._find_candidates(n)
        # No union since _members was taken: its groups are the clusters.
        groups = sorted(self._members.values(), key=lambda g: self.records[g[0]].uid)
        self.feats, self._ids = [], None  # needed only while clustering: at a million records, GBs
        self._members = {}
        clusters = [[self.records[i] for i in g] for g in groups]
        self._ticker.finish()
        return clusters

    def _by_identifiers(self, units: int) -> None:
        """``units``: this pass's part of the step, reported scheme by scheme and value by value."""
        for k, scheme in enumerate(ID_SCHEMES):
            groups: dict[str, list[int]] = defaultdict(list)
            for i, f in enumerate(self.feats):
                for value in self.records[i].ids(scheme):
                    groups[value].append(i)
            part = self._ticker.share(units * (k + 1) // len(ID_SCHEMES)
                                      - units * k // len(ID_SCHEMES), len(groups))
            for value in sorted(groups):
                part.tick()
                members = groups[value]
                if len(members) < 2:
                    continue
                # Split the claimants into papers: records that agree on title (or authors and year).
                papers: list[list[int]] = []
                for i in members:
                    for paper in papers:
                        j = paper[0]
                        if titles_match(self.feats[i], self.feats[j]) or (
                            self.feats[i].main and self.feats[i].main == self.feats[j].main
                            and authors_agree(self.feats[i], self.feats[j], require=True)
                        ):
                            paper.append(i)
                            break
                    else:
                        papers.append([i])
                for paper in papers:
                    for j in paper[1:]:
                        self._union(paper[0], j)
                if len(papers) > 1:
                    self.conflicts.append(IdentifierConflict(
                        scheme=scheme, value=value,
                        claimants=[[self.records[i].uid for i in p] for p in papers]))
                    for i in members:
                        self.excluded_ids[i].add((scheme, value))
            part.finish()
        self._by_named_versions()
        self._ids = self._cluster_ids()  # from here on, title matches respect them

    def _by_named_versions(self) -> None:
        """A record that names another version's identifier (ORCID's 'version-of', DataCite's
        'IsVersionOf' a Zenodo concept DOI, 'IsPreprintOf') is one work with the records that
        carry that identifier and with those that name it too, whatever their titles."""
        named: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, r in enumerate(self.records):
            for o in r.other_versions:
                if o.scheme in ID_SCHEMES:
                    named[(o.scheme, o.value)].append(i)
        if not named:
            return
        for i, r in enumerate(self.records):
            for ident in r.identifiers:
                key = (ident.scheme, ident.value)
                if key in named and key not in self.excluded_ids.get(i, ()):
                    named[key].append(i)
        for key in sorted(named):
            first, *rest = named[key]
            for j in rest:
                self._union(first, j)

    def _by_equal_titles(self, units: int) -> None:
        groups: dict[str, list[int]] = defaultdict(list)
        for i, f in enumerate(self.feats):
            if f.title:
                groups[f.title].append(i)
        part = self._ticker.share(units, len(groups))
        for key in sorted(groups):
            part.tick()
            members = groups[key]
            # A very short generic title ('Introduction') needs author evidence to merge.
            generic = len(key.split()) < 3
            for x, i in enumerate(members):
                for j in members[x + 1:]:
                    fi, fj = self.feats[i], self.feats[j]
                    if self._id_mismatch(i, j):
                        continue
                    if authors_agree(fi, fj, require=generic) and years_agree(fi, fj):
                        self._union(i, j, by_title=True)
        part.finish()

    def _id_mismatch(self, i: int, j: int) -> bool:
        """Two records carrying different values of one identifier scheme are different papers
        (a DOI or an arXiv id names one paper), unless that id is itself in conflict."""
        a, b = self.feats[i].ids, self.feats[j].ids
        for scheme in ("doi", "arxiv"):
            if scheme in a and scheme in b and a[scheme] != b[scheme]:
                if (scheme, a[scheme]) in self.excluded_ids[i] or \
                        (scheme, b[scheme]) in self.excluded_ids[j]:
                    continue
                return True
        return False

    def _blocks(self, keyfn) -> dict[str, list[int]]:
        blocks: dict[str, list[int]] = defaultdict(list)
        for i, f in enumerate(self.feats):
            for k in keyfn(f):
                blocks[k].append(i)
        return blocks

    def _by_near_titles(self, units: int) -> None:
        def keys(f: Features) -> list[str]:
            words = f.title.split()
            if len(words) < 4:
                return []
            return ["p:" + " ".join(words[:4]), "s:" + " ".join(words[-4:])]

        blocks = self._blocks(keys)
        part = self._ticker.share(units, len(blocks))
        for key, members in sorted(blocks.items()):
            part.tick()
            if len(members) < 2 or len(members) > MAX_BLOCK:
                continue
            for x, i in enumerate(members):
                for j in members[x + 1:]:
                    if self.uf.find(i) == self.uf.find(j):
                        continue
                    fi, fj = self.feats[i], self.feats[j]
                    # the cheapest test first; none has side effects
                    if years_agree(fi, fj) and fi.title != fj.title and titles_match(fi, fj) \
                            and authors_agree(fi, fj, require=True) and not self._id_mismatch(i, j):
                        self._union(i, j, by_title=True)
        part.finish()

    def _resolve_conflict_owners(self) -> None:
        """Weigh the evidence for which paper owns a conflicting identifier."""
        for conflict in self.conflicts:
            scores = []
            for paper in conflict.claimants:
                idx = [self.index[u] for u in paper]
                members = self._members[self.uf.find(idx[0])]
                score, notes = 0, []
                sources = {self.records[i].source for i in members
                           if conflict.value in self.records[i].ids(conflict.scheme)}
                title = self.records[idx[0]].title or ""
                if conflict.scheme == "arxiv":
                    ym = ArxivId(conflict.value).year_month
                    dates = [self.records[i].date for i in members
                             if self.records[i].kind == Kind.PREPRINT and self.records[i].date
                             and self.records[i].date.month and not self.records[i].date.inferred]
                    if ym and dates:
                        first = min(dates, key=lambda d: d.sort_key())
                        if (first.year, first.month) == ym:
                            score += 2
                            notes.append(f"{title!r}: first preprint date {first.isoformat()} is in "
                                         f"the month the identifier encodes ({ym[0]}-{ym[1]:02d})")
                        else:
                            score -= 2
                            notes.append(f"{title!r}: first preprint date {first.isoformat()} is not "
                                         f"in the month the identifier encodes ({ym[0]}-{ym[1]:02d})")
                notes.append(f"{title!r}: claimed by {len(sources)} source(s): "
                             f"{', '.join(sorted(sources))}")
                score += len(sources)
                scores.append((score, paper[0], notes))
            conflict.evidence = [n for _, _, notes in scores for n in notes]
            ranked = sorted(scores, key=lambda s: -s[0])
            if len(ranked) > 1 and ranked[0][0] > ranked[1][0]:
                conflict.owner = ranked[0][1]  # a record uid; mapped to a work path later

    def _find_candidates(self, units: int) -> None:
        """Pairs of works sharing rare title words and authors, not merged: listed with reasons."""
        df: Counter[str] = Counter()
        tokens = []
        for f in self.feats:
            toks = {t for t in f.title.split() if len(t) >= 4 and t not in _STOPWORDS}
            tokens.append(toks)
            df.update(toks)
        blocks: dict[str, list[int]] = defaultdict(list)
        for i, toks in enumerate(tokens):
            for t in toks:
                if 1 < df[t] <= 50:
                    blocks[t].append(i)
        seen: set[tuple[int, int]] = set()
        part = self._ticker.share(units, len(blocks))
        for t in sorted(blocks):
            part.tick()
            members = blocks[t]
            for x, i in enumerate(members):
                for j in members[x + 1:]:
                    ri, rj = self.uf.find(i), self.uf.find(j)
                    if ri == rj or (min(ri, rj), max(ri, rj)) in seen:
                        continue
                    shared = tokens[i] & tokens[j]
                    if len(shared) < 2:
                        continue
                    fi, fj = self.feats[i], self.feats[j]
                    gi, gj = self._genre[ri], self._genre[rj]
                    if gi and gj and gi != gj:
                        continue  # a data set or a program beside its paper: two works
                    tsr = fuzz.token_set_ratio(fi.title, fj.title)
                    if tsr < 80 or not authors_agree(fi, fj, require=True):
                        continue
                    seen.add((min(ri, rj), max(ri, rj)))
                    self.candidates.append(self._candidate(ri, rj, tsr, shared))

    def _candidate(self, ri: int, rj: int, tsr: float, shared: set[str]) -> Candidate:
        mi, mj = self._members[ri], self._members[rj]
        fa = set().union(*(self.feats[i].families for i in mi))
        fb = set().union(*(self.feats[i].families for i in mj))
        reasons = [f"titles share {len(shared)} distinctive words ({', '.join(sorted(shared))}); "
                   f"token-set similarity {tsr:.0f}/100"]
        common = fa & fb
        reasons.append(f"{len(common)} shared author family names of {len(fa)} and {len(fb)}")
        if fa != fb and (fa < fb or fb < fa):
            reasons.append("one author list extends the other (a grown author list)")
        score = round(0.6 * tsr / 100 + 0.4 * len(common) / max(1, min(len(fa), len(fb))), 3)
        # An arXiv id of one side whose month matches a preprint date of the other side.
        for side, other in ((mi, mj), (mj, mi)):
            for i in side:
                a = self.records[i].first_id("arxiv")
                ym = ArxivId(a).year_month if a else None
                for j in other:
                    d = self.records[j].date
                    if ym and d and d.month and self.records[j].kind == Kind.PREPRINT \
                            and not d.inferred and (d.year, d.month) == ym \
                            and not self.records[j].first_id("arxiv"):
                        reasons.append(f"preprint date {d.isoformat()} ({self.records[j].uid}) is in the "
                                       f"month of arXiv:{a} ({self.records[i].uid})")
                        score = round(min(1.0, score + 0.1), 3)
                        break
        a_uid, b_uid = sorted([self.records[ri].uid, self.records[rj].uid])
        return Candidate(a=a_uid, b=b_uid, score=score, reasons=list(dict.fromkeys(reasons)))


def fold_equal(a: str, b: str) -> bool:
    return fold(a) == fold(b)
