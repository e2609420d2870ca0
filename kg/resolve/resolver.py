"""Resolution: records in, works/versions/people/venues out, with the evidence and the disagreements.

Field policy (when sources disagree, the merged view shows one value and keeps all):
- titles, abstracts, venue names: the value of the most trusted source; among equally trusted ones the
  value most sources give; all-caps or all-lower-case forms lose to mixed case;
- dates: the most trusted source's value, refined by a more precise value that agrees with it (a day from
  an aggregator completes a year from a BibTeX entry); a work's date is its earliest version's;
- author lists: the most trusted complete list; truncated lists are prefixes that must agree with it;
- identifiers: all values, except an identifier in conflict, which goes only to the work that owns it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein

from .. import collector
from ..names import display, family_key, given_compatible
from ..progress import Progress, Ticker
from ..records import Kind, PartialDate, PersonName, Record
from ..text import fold, latex_to_unicode, slugify
from .curation import Curation
from .model import (
    Authorship, Disagreement, Edition, Mention, Person, Resolution, Series, SourceInfo, Value,
    Version, Work,
)
from .people import PersonClusterer, Slot, WorkContext, another_of_scheme, preferred
from .venues import Tag, VenueKey, join_series, parse_tag, record_venue
from .works import _STOPWORDS, WorkClusterer

_VERSION_ORDER = {Kind.PREPRINT: 0, Kind.WORKSHOP: 1, Kind.CONFERENCE: 2, Kind.JOURNAL: 3,
                  Kind.CHAPTER: 4, Kind.BOOK: 5, Kind.THESIS: 6, Kind.REPORT: 7,
                  Kind.PROCEEDINGS: 8, Kind.DATASET: 9, Kind.SOFTWARE: 10, Kind.OTHER: 11,
                  Kind.UNKNOWN: 12}
_PUBLISHED = {Kind.CONFERENCE, Kind.WORKSHOP, Kind.JOURNAL, Kind.CHAPTER, Kind.BOOK}
# What a repository holds beside preprints: a record of one there is a version of its own kind.
_DEPOSITS = {Kind.DATASET, Kind.SOFTWARE}
_DEPOSIT_GROUPS = tuple(f"{k.value}|" for k in sorted(_DEPOSITS))  # their version groups' keys


@dataclass
class SourceRecords:
    """What one source contributed: its description and its records."""

    info: SourceInfo
    records: list[Record]


def _case_penalty(text: str) -> int:
    # isupper/islower are False for text without cased letters, so no letter scan is needed.
    return int(text.isupper() or text.islower())


class Resolver:
    def __init__(self, inputs: Iterable[SourceRecords], *, curation: Curation | None = None,
                 progress: Progress | None = None) -> None:
        self.progress = progress
        self.sources: dict[str, SourceInfo] = {}
        self.records: dict[str, Record] = {}
        for src in inputs:
            self.sources[src.info.id] = src.info
            for r in src.records:
                self.records[r.uid] = r
        self.curation = curation or Curation()
        self.disagreements: list[Disagreement] = []

    def trust(self, uid: str) -> float:
        info = self.sources.get(self.records[uid].source)
        return info.trust if info else 0.5

    # ------------------------------------------------------------------------------------------
    def run(self) -> Resolution:
        records = [self.records[u] for u in sorted(self.records)]
        clusterer = WorkClusterer(
            records, same=self.curation.pairs(self.records, "same"),
            not_same=self.curation.pairs(self.records, "not_same"), progress=self.progress)
        clusters = clusterer.run()
        # Units: a record's venue key, then its place in a series and edition.
        ticker = Ticker(self.progress, "group venues", 2 * len(records))
        venue_keys = _venue_keys(records, ticker)
        series, editions, edition_of = self._venues(venue_keys, ticker)
        ticker.finish()
        self._edition_series = {e.path: e.series for e in editions}
        excluded = self._excluded_ids(clusterer)
        # Units: a cluster made a work, then the work given its path.
        ticker = Ticker(self.progress, "resolve works", 2 * len(clusters))
        works = []
        contexts = []  # per work, in the order of self._slots_by_work
        for c in clusters:
            work = self._work(c, venue_keys, edition_of, excluded)
            works.append(work)
            contexts.append(self._context(work))
            ticker.tick()
        self._assign_work_paths(works, ticker)
        ticker.finish()
        persons = self._people(contexts)
        wo = {uid: w.path for w in works for uid in w.records}  # once: conflicts can be many
        for conflict in clusterer.conflicts:
            conflict.works = [wo[c[0]] for c in conflict.claimants]
            if conflict.owner is not None:
                conflict.owner = wo[conflict.owner]
        for cand in clusterer.candidates:
            cand.a, cand.b = sorted([wo[cand.a], wo[cand.b]])
        self._apply_preferences(works, persons)
        _link_supplements(works, self.records)
        series, editions = _venues_in_use(series, editions, works)
        return Resolution(
            records=self.records, sources=self.sources, works=works, persons=persons,
            series=series, editions=editions, conflicts=clusterer.conflicts,
            candidates=sorted(clusterer.candidates, key=lambda c: (-c.score, c.a, c.b)),
            disagreements=self.disagreements,
            curation_applied=[f"{t}: {reason}" for t in ("same", "not_same", "same_venue", "not_same_venue")
                              for _, reason, _ in getattr(self.curation, t)]
            + [f"prefer {p.entity} {p.field}: {p.reason}" for p in self.curation.prefer],
        )

    # -- identifiers in conflict -----------------------------------------------------------------
    def _excluded_ids(self, clusterer: WorkClusterer) -> dict[str, set[tuple[str, str]]]:
        """Per record uid: identifiers it must not contribute to the merged view."""
        out: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for c in clusterer.conflicts:
            for paper in c.claimants:
                if c.owner is not None and c.owner in paper:
                    continue
                for uid in paper:
                    out[uid].add((c.scheme, c.value))
        return out

    # -- venues ----------------------------------------------------------------------------------
    def _venues(self, keys: dict[str, VenueKey | None], ticker: Ticker
                ) -> tuple[list[Series], list[Edition], dict[str, str]]:
        """Group venue keys into series and editions; returns record uid -> edition (or series) path.
        ``ticker`` hears of each record placed (records without a venue at once)."""
        by_series: dict[str, list[tuple[Record, VenueKey]]] = defaultdict(list)
        for uid in sorted(keys):
            k = keys[uid]
            if k is not None:
                by_series[k.series_key].append((self.records[uid], k))
            else:
                ticker.tick()  # a record without a venue is placed nowhere
        join_series(by_series, self.curation)
        series_list: list[Series] = []
        editions: dict[str, Edition] = {}
        edition_of: dict[str, str] = {}
        used_slugs: set[str] = set()
        pending_hosts: list[tuple[Edition, Tag]] = []
        for skey in sorted(by_series):
            items = by_series[skey]
            kinds = Counter(k.kind for _, k in items)
            kind = kinds.most_common(1)[0][0]
            acr = Counter(k.acronym for _, k in items if k.acronym).most_common(1)
            acronym = acr[0][0] if acr else None
            name = self._pick([(k.series_name, r.uid) for r, k in items], prefer_long=True)
            slug = fold(acronym).replace(" ", "-") if acronym else slugify(name, max_words=7)
            if kind == "repository":
                slug = slugify(name)
            base, n = slug, 2
            while slug in used_slugs:
                slug, n = f"{base}-{n}", n + 1
            used_slugs.add(slug)
            s = Series(path=f"venue/{slug}", name=name, kind=kind, acronym=acronym,
                       names=sorted({k.series_name for _, k in items} - {name}),
                       issns=sorted({v for r, _ in items if r.kind == Kind.JOURNAL for v in r.ids("issn")})
                       if kind == "journal" else [])
            series_list.append(s)
            if kind == "repository":
                for r, _ in items:
                    edition_of[r.uid] = s.path
                    ticker.tick()
                continue
            # Journals: a record without a volume belongs to the volume edition of its year.
            volume_of_year: dict[int, set[str]] = defaultdict(set)
            if kind == "journal":
                for r, k in items:
                    if r.venue and r.venue.volume and r.date:
                        volume_of_year[r.date.year].add(r.venue.volume)
            edition_names: dict[str, list[tuple[str, str]]] = defaultdict(list)
            for r, k in items:
                ticker.tick()
                year = k.year or (r.date.year if r.date else None)
                volume = r.venue.volume if r.venue else None
                if kind == "journal" and not volume and year and len(volume_of_year[year]) == 1:
                    volume = next(iter(volume_of_year[year]))
                if kind == "journal":
                    ed_slug = slugify(volume) if volume else (str(year) if year else "unknown")
                else:
                    ed_slug = str(year) if year else "unknown"
                path = f"{s.path}/{ed_slug}"
                ed = editions.get(path)
                if ed is None:
                    ed = Edition(path=path, series=s.path, name=k.edition_name or name,
                                 kind=kind, year=year, ordinal=k.ordinal,
                                 volume=volume if kind == "journal" else None)
                    editions[path] = ed
                    s.editions.append(path)
                edition_names[path].append((k.edition_name or name, r.uid))
                if r.kind not in _WHOLE_BOOKS:
                    ed.isbns += [v for v in r.ids("isbn") if v not in ed.isbns]
                ed.ordinal = ed.ordinal or k.ordinal
                edition_of[r.uid] = path
                if k.host and not ed.host:
                    pending_hosts.append((ed, k.host))
            for path, named in edition_names.items():
                ed = editions[path]
                ed.name = self._pick(named, prefer_long=True)
                ed.names = sorted({n_ for n_, _ in named} - {ed.name})
        # A workshop points to the edition of the conference it was held at.
        by_acronym = {fold(s.acronym): s for s in series_list if s.acronym and s.kind != "workshop"}
        for ed, host in pending_hosts:
            hs = by_acronym.get(fold(host.acronym))
            if hs is None:
                slug = fold(host.acronym).replace(" ", "-")
                if slug in used_slugs:
                    continue
                used_slugs.add(slug)
                hs = Series(path=f"venue/{slug}", name=host.acronym, kind="conference",
                            acronym=host.acronym)
                series_list.append(hs)
                by_acronym[fold(host.acronym)] = hs
            year = host.year or ed.year
            path = f"{hs.path}/{year}"
            if path not in editions:
                editions[path] = Edition(path=path, series=hs.path, name=f"{hs.acronym} {year}",
                                         kind="conference", year=year)
                hs.editions.append(path)
            ed.host = path
        for s in series_list:
            s.editions.sort()
        return sorted(series_list, key=lambda s: s.path), sorted(editions.values(),
                                                                   key=lambda e: e.path), edition_of

    # -- field policy ----------------------------------------------------------------------------
    def _pick(self, values: list[tuple[str, str]], *, prefer_long: bool = False) -> str:
        """Choose among (value, record uid) by trust, support, case and (optionally) length."""
        if len(values) == 1:
            return values[0][0]
        support: Counter[str] = Counter(v for v, _ in values)
        trust: dict[str, float] = defaultdict(float)
        for v, uid in values:
            trust[v] = max(trust[v], self.trust(uid) if uid in self.records else 0.5)
        return max(support, key=lambda v: (-_case_penalty(v), trust[v], len(v) if prefer_long else 0,
                                           support[v], v))

    def _choose(self, entity: str, field: str, values: list[tuple[str, str]], *,
                prefer_long: bool = False, similar: float = 0.0) -> str | None:
        values = [(v, u) for v, u in values if v]
        if not values:
            return None
        if len(values) == 1:  # one value: nothing to choose or to disagree on
            return values[0][0]
        chosen = self._pick(values, prefer_long=prefer_long)
        grouped: dict[str, list[str]] = defaultdict(list)
        for v, u in values:
            grouped[v].append(u)
        if len(grouped) > 1:
            folded = {fold(v) for v in grouped}
            minor = len(folded) == 1
            if not minor and similar:
                minor = all(fuzz.ratio(fold(v), fold(chosen)) >= similar for v in grouped)
            self.disagreements.append(Disagreement(
                entity=entity, field=field, chosen=chosen, minor=minor,
                values=[Value(v, sorted(us)) for v, us in sorted(grouped.items())],
                policy="most trusted source; then most sources; mixed case over all-caps"))
        return chosen

    def _choose_date(self, entity: str, field: str, values: list[tuple[PartialDate, str]]
                     ) -> PartialDate | None:
        if not values:
            return None
        ranked = sorted(values, key=lambda t: (-self.trust(t[1]), len(t[0].inferred),
                                               -len(t[0].precision), t[1]))
        best = ranked[0][0]
        for d, _ in sorted(values, key=lambda t: (-t[0].sort_key()[1] - t[0].sort_key()[2], t[1])):
            agrees = d.year == best.year and (best.month is None or d.month == best.month)
            if agrees and len(d.precision) and _more_precise(d, best):
                best = d
        years = defaultdict(list)
        for d, u in values:
            years[d.year].append(u)
        if len(years) > 1:
            self.disagreements.append(Disagreement(
                entity=entity, field=field, chosen=best.isoformat(),
                values=[Value(str(y), sorted(us)) for y, us in sorted(years.items())],
                policy="most trusted source, refined by a more precise agreeing value"))
        return best

    # -- works -----------------------------------------------------------------------------------
    def _work(self, cluster: list[Record], venue_keys: dict[str, VenueKey | None],
              edition_of: dict[str, str], excluded: dict[str, set[tuple[str, str]]]) -> Work:
        uids = [r.uid for r in cluster]
        provisional = f"work/{len(uids)}:{uids[0]}"
        title = self._choose(provisional, "title", [(r.title or "", r.uid) for r in cluster]) or ""
        work = Work(path=provisional, title=title, records=uids)
        groups: dict[str, list[Record]] = defaultdict(list)
        for r in cluster:
            k = venue_keys[r.uid]
            if r.kind == Kind.PREPRINT or (k is not None and k.kind == "repository"
                                           and r.kind not in _DEPOSITS):
                groups["preprint"].append(r)
            elif r.kind in (Kind.UNKNOWN,) and k is None:
                work.unplaced.append(r.uid)
            else:
                target = edition_of.get(r.uid)
                series = target.rsplit("/", 1)[0] if target and target.count("/") >= 2 else target
                groups[f"{r.kind.value}|{series or ''}"].append(r)
        _split_releases(groups)
        if not groups:  # no record says which version it is: one version of unknown kind
            groups["unknown|"] = [self.records[u] for u in work.unplaced]
            work.unplaced = []
        for gkey in sorted(groups, key=lambda g: (_VERSION_ORDER[_group_kind(g, groups)], g)):
            members = groups[gkey]
            work.versions.append(self._version(work, gkey, members, edition_of, excluded))
        dates = [v.date for v in work.versions if v.date]
        if dates:
            # First appearance: the earliest year; within it, the most precise date known.
            first_year = min(d.year for d in dates)
            same_year = [d for d in dates if d.year == first_year]
            precise = max(len(d.precision) if d.precision != "year" else 0 for d in same_year)
            work.date = min((d for d in same_year if (len(d.precision) if d.precision != "year"
                                                      else 0) == precise), key=lambda d: d.sort_key())
        work.abstract = self._choose(provisional, "abstract",
                                     [(r.abstract or "", r.uid) for r in cluster], similar=85)
        for v in work.versions:
            for scheme, values in v.identifiers.items():
                work.identifiers.setdefault(scheme, [])
                work.identifiers[scheme] += [x for x in values if x not in work.identifiers[scheme]]
        work.subjects = sorted({s for r in cluster for s in r.subjects})
        self._authors(work, cluster)
        return work

    def _version(self, work: Work, gkey: str, members: list[Record], edition_of: dict[str, str],
                 excluded: dict[str, set[tuple[str, str]]]) -> Version:
        kind = _group_kind(gkey, {gkey: members})
        edition = None
        for r in sorted(members, key=lambda r: (-self.trust(r.uid), r.uid)):
            if r.uid in edition_of:
                edition = edition_of[r.uid]
                break
        title = self._choose(f"{work.path}|{gkey}", "title", [(r.title or "", r.uid) for r in members])
        if kind == Kind.PREPRINT:
            # A preprint's date is its first appearance: the earliest of the agreeing dates.
            dated = [(r.date, r.uid) for r in members if r.date]
            date = self._choose_date(f"{work.path}|{gkey}", "date", dated)
        else:
            date = self._choose_date(f"{work.path}|{gkey}", "date",
                                     [(r.date, r.uid) for r in members if r.date])
        ids: dict[str, list[str]] = {}
        for r in sorted(members, key=lambda r: (-self.trust(r.uid), r.uid)):
            for i in r.identifiers:
                if (i.scheme, i.value) in excluded.get(r.uid, set()) or not _identifies_version(i.scheme, r):
                    continue
                ids.setdefault(i.scheme, [])
                if i.value not in ids[i.scheme]:
                    ids[i.scheme].append(i.value)
        for scheme in ("arxiv", "doi"):
            if len(ids.get(scheme, [])) > 1:
                self.disagreements.append(Disagreement(
                    entity=f"{work.path}|{gkey}", field=scheme, chosen=ids[scheme][0],
                    values=[Value(v, sorted(r.uid for r in members if v in r.ids(scheme)))
                            for v in ids[scheme]], policy="most trusted source first"))

        def venue_attr(name: str) -> str | None:
            vals = [(getattr(r.venue, name) or "", r.uid) for r in members if r.venue]
            return self._choose(f"{work.path}|{gkey}", name, vals)

        release = self._choose(f"{work.path}|{gkey}", "release",
                               [(r.release or "", r.uid) for r in members if r.release])
        return Version(
            path=gkey, kind=kind, records=[r.uid for r in members], title=title or work.title,
            date=date, edition=edition, identifiers=ids, volume=venue_attr("volume"),
            issue=venue_attr("issue"), pages=venue_attr("pages"), publisher=venue_attr("publisher"),
            abstract=None, release=release or None,
        )

    # -- authors ---------------------------------------------------------------------------------
    def _authors(self, work: Work, cluster: list[Record]) -> None:
        """The work's ordered author list, and every record's names aligned to its positions."""
        with_authors = [r for r in cluster if r.authors]
        complete = [r for r in with_authors if not r.authors_truncated]
        pool = complete or with_authors
        work.authors_complete = bool(complete)
        canonical: list[PersonName] = []
        if pool:
            best = max(pool, key=lambda r: (self.trust(r.uid), len(r.authors), r.uid))
            canonical = list(best.authors)
        slots = [Slot(work=-1, position=i + 1) for i in range(len(canonical))]
        order = sorted(with_authors, key=lambda r: (r.authors_truncated, -self.trust(r.uid), r.uid))
        disagree = False
        for r in order:
            aligned = self._align(canonical, r.authors)
            mismatched = [i for i, pos in enumerate(aligned) if pos != i]
            if r.authors_truncated:  # a known prefix: it disagrees only where it is out of place
                disagree = disagree or bool(mismatched)
            elif len(r.authors) != len(canonical) or (
                    mismatched and any(p is not None for p in aligned)):
                disagree = True
            for i, pos in enumerate(aligned):
                if pos is None:
                    continue
                name = r.authors[i]
                slots[pos].names.append(name)
                slots[pos].mentions.append(_mention(r, i))
                if name.identifier:
                    slots[pos].add_id(name.identifier)
            # A name no position fits strictly ('Kojilna' printed for 'Kojima', 'Doug' for
            # 'Douglas') is still the author at its own position when the names are near: the
            # mention joins that slot, so the occurrence has a person. Its name stays out of the
            # slot's names (which decide who the slot may be merged with), and the lists
            # disagreement above stays reported.
            for i, pos in _near_at_position(canonical, r.authors, aligned):
                slots[pos].mentions.append(_mention(r, i))
        # Authors a source implies (a profile's owner): aligned with a printed name if one fits.
        for r in cluster:
            owner = self._owner(r)
            for name in r.implied_authors:
                match = next((s for s in slots if any(
                    family_key(n) == family_key(name) and given_compatible(n, name)
                    for n in s.names) and not (name.identifier and s.ids and another_of_scheme(
                        s.ids, name.identifier))), None)
                if match is None:
                    match = Slot(work=-1, position=None, names=[name])
                    slots.append(match)
                match.add_implied(r.uid)
                if name.identifier:  # an ORCID record's owner: its iD is the person's
                    match.add_id(name.identifier)
                if owner is not None:
                    match.add_owner(owner)
            if owner is not None:
                # On its owner's own page, the printed name that fits the owner is the owner.
                owner_name = self._owner_name(r)
                for s in slots:
                    if any(m.record == r.uid for m in s.mentions) and owner_name is not None and any(
                            family_key(n) == family_key(owner_name) and given_compatible(n, owner_name)
                            for n in s.names):
                        s.add_owner(owner)
        if disagree:
            self._order_disagreement(work, with_authors, canonical)
        self._slots_by_work.append((work, slots))

    def _owner(self, r: Record) -> str | None:
        info = self.sources.get(r.source)
        return fold(info.owner) if info and info.owner else None

    def _owner_name(self, r: Record) -> PersonName | None:
        from ..names import parse_name
        info = self.sources.get(r.source)
        return parse_name(info.owner) if info and info.owner else None

    def _align(self, canonical: list[PersonName], names: list[PersonName]) -> list[int | None]:
        """For each name, the canonical position it is (same index preferred), or None."""
        if names == canonical:  # the record the canonical list came from (most works have one)
            return list(range(len(names)))
        out: list[int | None] = []
        taken: set[int] = set()
        keys = [_family_key(c) for c in canonical]
        for i, n in enumerate(names):
            key = _family_key(n)
            fits = [j for j, c in enumerate(canonical) if j not in taken and
                    keys[j] == key and given_compatible(c, n)]
            if not fits:
                fits = [j for j, c in enumerate(canonical) if j not in taken and
                        fold(c.family).split()[-1:] == fold(n.family).split()[-1:] and
                        given_compatible(c, n)]
            pos = i if i in fits else (fits[0] if fits else None)
            if pos is not None:
                taken.add(pos)
            out.append(pos)
        return out

    def _order_disagreement(self, work: Work, records: list[Record],
                            canonical: list[PersonName]) -> None:
        """The author lists of a work's records disagree (in order, length or names): one
        disagreement with every list stated and the records that state it, the chosen one among
        them."""
        grouped: dict[str, list[str]] = defaultdict(list)
        for r in records:
            listed = "; ".join(display(n) for n in r.authors)
            grouped[listed + (" et al." if r.authors_truncated else "")].append(r.uid)
        if len(grouped) < 2:
            return
        self.disagreements.append(Disagreement(
            entity=work.path, field="authors",
            chosen="; ".join(display(n) for n in canonical),
            values=[Value(v, sorted(us)) for v, us in sorted(grouped.items())],
            policy="most trusted complete author list; others must agree in order"))

    # -- paths -----------------------------------------------------------------------------------
    def _assign_work_paths(self, works: list[Work], ticker: Ticker) -> None:
        """Paths from titles (see :func:`_version_slug` for versions); ``ticker`` hears of each
        work given its path."""
        def base_slug(w: Work) -> str:
            title = w.title
            main = re.split(r":\s+", title, maxsplit=1)[0]
            return slugify(main if len(main.split()) >= 3 else title, max_words=8)

        slugs: dict[str, list[Work]] = defaultdict(list)
        for w in works:
            slugs[base_slug(w)].append(w)
        # The people are not resolved yet: a work's first author is its first slot's printed name.
        first_slot = {id(w): slots[0] for w, slots in self._slots_by_work if slots}
        renames: dict[str, str] = {}
        for slug, group in slugs.items():
            if len(group) == 1:
                final = {id(group[0]): slug}
            else:
                final = {}
                for w in group:
                    slot = first_slot.get(id(w))
                    first = slot.mentions[0].printed if slot is not None and slot.mentions else ""
                    fam = slugify(first.split(",")[0].split()[-1]) if first else "anon"
                    year = w.date.year if w.date else "nd"
                    final[id(w)] = f"{slug}-{fam}-{year}"
                seen: Counter[str] = Counter()
                for w in sorted(group, key=lambda w: w.records[0]):
                    s = final[id(w)]
                    seen[s] += 1
                    if seen[s] > 1:
                        final[id(w)] = f"{s}-{seen[s]}"
            for w in group:
                renames[w.path] = f"work/{final[id(w)]}"
        by_entity: dict[str, list[Disagreement]] = defaultdict(list)
        for d in self.disagreements:
            by_entity[d.entity].append(d)
        for w in works:
            ticker.tick()
            old = w.path
            w.path = renames[old]
            used: set[str] = set()
            for v in w.versions:
                vs = _version_slug(v)
                base, n = vs, 2
                while vs in used:
                    vs, n = f"{base}-{n}", n + 1
                used.add(vs)
                v_old = f"{old}|{v.path}"
                v.path = f"{w.path}/{vs}"
                for d in by_entity.get(v_old, []):
                    d.entity = v.path
            for d in by_entity.get(old, []):
                d.entity = w.path
        works.sort(key=lambda w: w.path)

    # -- people ----------------------------------------------------------------------------------
    _slots_by_work: list[tuple[Work, list[Slot]]]
    _edition_series: dict[str, str]

    def _people(self, contexts: list[WorkContext]) -> list[Person]:
        """The persons of every work's author slots; ``contexts``: each work's context, in the
        order of ``self._slots_by_work``."""
        all_slots: list[Slot] = []
        owners: list[Work] = []
        for wi, (work, slots) in enumerate(self._slots_by_work):
            for s in slots:
                s.work = wi
                all_slots.append(s)
            owners.append(work)
        index_of = {id(s): i for i, s in enumerate(all_slots)}
        clusterer = PersonClusterer(all_slots, contexts=contexts, progress=self.progress)
        groups = clusterer.run()
        # Units: a slot's names counted, a person made of its slots, a work given its authors.
        ticker = Ticker(self.progress, "name people",
                        len(all_slots) + len(groups) + len(self._slots_by_work))
        persons: list[Person] = []
        person_of: dict[int, Person] = {}
        counts: Counter[str] = Counter()
        for s in all_slots:
            ticker.tick()
            for n in s.names:
                counts[n.full] += 1
        # Printed forms repeat across a person's works; decoding each once saves most of the LaTeX
        # parsing (the shared cache also holds every title, so names fall out of it).
        decoded: dict[str, str] = {}

        def decode(printed: str) -> str:
            text = decoded.get(printed)
            if text is None:
                text = decoded[printed] = latex_to_unicode(printed)
            return text

        for g in groups:
            ticker.tick()
            # A parsed name is shared by its occurrences: each object is weighed once, in order of
            # first appearance, which gives the preferred form that every occurrence gives.
            names = list({id(n): n for i in g for n in all_slots[i].names}.values())
            if not names:
                continue
            best = preferred(names, counts)
            variants = set()
            for i in g:
                for m in all_slots[i].mentions:
                    variants.add(decode(m.printed))
                    variants.update(m.forms)
            for n in names:
                variants.add(display(n))
                variants.add(decode(n.printed))
            ids: dict[str, list[str]] = defaultdict(list)
            for i in g:
                for v in sorted(all_slots[i].ids):
                    scheme, _, value = v.partition(":")
                    if value not in ids[scheme]:
                        ids[scheme].append(value)
            p = Person(path="", name=display(best), given=best.given,
                       family=" ".join(x for x in (best.particle, best.family) if x),
                       suffix=best.suffix,
                       variants=sorted(variants - {display(best)}),
                       works=sorted({owners[all_slots[i].work].path for i in g}),
                       identifiers=dict(ids), evidence=clusterer.reasons(clusterer.uf.find(g[0])))
            persons.append(p)
            for i in g:
                person_of[i] = p
        _assign_person_paths(persons)
        for wi, (work, slots) in enumerate(self._slots_by_work):
            ticker.tick()
            positioned = sorted((s for s in slots if s.position is not None),
                                key=lambda s: s.position)
            work.authors = []
            for s in positioned + [s for s in slots if s.position is None]:
                person = person_of.get(index_of[id(s)])
                if person is None:
                    continue
                work.authors.append(Authorship(position=s.position, person=person.path,
                                               mentions=s.mentions, implied_by=s.implied_by))
        # What only resolving people needed goes now, as part of this step (freeing a million
        # slots and the clusterer's tables takes seconds).
        self._slots_by_work = []
        del clusterer, all_slots, index_of, person_of, groups
        persons.sort(key=lambda p: p.path)
        ticker.finish()
        return persons

    def _context(self, work: Work) -> WorkContext:
        """When and where a work appeared, as evidence about its authors. A repository (arXiv)
        says nothing about who its authors are, so only published versions name a series."""
        found = {self._edition_series.get(v.edition, v.edition) for v in work.versions
                 if v.edition and v.kind != Kind.PREPRINT}
        # The series a published record prints (the Anthology's 'NAACL' for the long, short and
        # demo volumes alike; BibTeX's series field) or the acronym of its tag: a coarser series
        # that persons who publish there share.
        for uid in work.records:
            r = self.records.get(uid)
            if r is not None and r.venue is not None and r.kind != Kind.PREPRINT:
                named = r.venue.series or (t.acronym if (t := parse_tag(r.venue.tag)) else None)
                if named:
                    found.add("printed:" + fold(named))
        series = sorted(found)
        words = tuple(sorted({w for w in fold(work.title).split()
                              if len(w) >= 4 and w not in _STOPWORDS}))
        return WorkContext(year=work.date.year if work.date else None, series=tuple(series),
                           words=words)

    def _apply_preferences(self, works: list[Work], persons: list[Person]) -> None:
        by_path = {w.path: w for w in works}
        people = {p.path: p for p in persons}
        for pref in self.curation.prefer:
            target = by_path.get(pref.entity) or people.get(pref.entity)
            if target is None or not hasattr(target, pref.field):
                from ..errors import ConfigError
                raise ConfigError(f"{self.curation.path}:{pref.line}: no {pref.entity!r} with a "
                                  f"field {pref.field!r}")
            setattr(target, pref.field, pref.value)


_family_key = lru_cache(maxsize=1 << 16)(family_key)  # names recur across records


def _mention(r: Record, i: int) -> Mention:
    """The record's i-th author as printed there (with its other printed forms)."""
    return Mention(printed=r.authors[i].printed, record=r.uid, index=i,
                   forms=r.printed_authors[i] if i < len(r.printed_authors) else ())


# Family names this far apart (letters added, dropped, changed, swapped) may be one name misprinted.
NEAR_FAMILY_EDITS = 2
NEAR_FAMILY_LEN = 4  # ... when both are at least this long


def _near_at_position(canonical: list[PersonName], names: list[PersonName],
                      aligned: list[int | None]) -> Iterator[tuple[int, int]]:
    """(index, position) for each name left unplaced that is a canonical name printed otherwise:
    at its own index if that position is free and holds the same family name ('E. Gabriela
    Garza' for 'Gabriela Garza') or a near one with the same first initial ('Kojilna' for
    'Kojima'); else at the one free position whose name is near it so ('Hana Skonmalovla' listed
    third for 'Hana Skoumalova' listed second)."""
    free = set(range(len(canonical))) - {p for p in aligned if p is not None}
    for i, pos in enumerate(aligned):
        if pos is not None or not free:
            continue
        n = names[i]
        if i in free and _family_key(canonical[i]) == _family_key(n):
            place: int | None = i
        else:
            near = [j for j in sorted(free) if _near_name(canonical[j], n)]
            place = i if i in near else (near[0] if len(near) == 1 else None)
        if place is not None:
            free.discard(place)
            yield i, place


def _near_name(a: PersonName, b: PersonName) -> bool:
    """One name misprinted as the other: the same first initial, and family names equal or a few
    letters apart."""
    ga, gb = fold(a.given)[:1], fold(b.given)[:1]
    if ga != gb and ga and gb:
        return False
    ka, kb = _family_key(a), _family_key(b)
    return ka == kb or (min(len(ka), len(kb)) >= NEAR_FAMILY_LEN and ka[:1] == kb[:1] and
                        DamerauLevenshtein.distance(ka, kb) <= NEAR_FAMILY_EDITS)


def _more_precise(a: PartialDate, b: PartialDate) -> bool:
    rank = {"year": 0, "month": 1, "day": 2}
    return rank[a.precision] > rank[b.precision] and not a.inferred


def _link_supplements(works: list[Work], records: dict[str, Record]) -> None:
    """In place: each work's ``supplement_of``, the works its records say it supplements (a data
    set deposited for a paper) or that say they are supplemented by it, found by the identifiers
    the works carry; a work named that is not in the graph is left out."""
    stated = [(w, r) for w in works for uid in w.records
              if (r := records[uid]).supplements or r.supplemented_by]
    if not stated:
        return
    work_of = {(scheme, v): w for w in works for scheme, values in w.identifiers.items() for v in values}
    found: dict[str, set[str]] = defaultdict(set)
    for w, r in stated:
        for i in r.supplements:
            target = work_of.get((i.scheme, i.value))
            if target is not None and target is not w:
                found[w.path].add(target.path)
        for i in r.supplemented_by:
            source = work_of.get((i.scheme, i.value))
            if source is not None and source is not w:
                found[source.path].add(w.path)
    for w in works:
        if w.path in found:
            w.supplement_of = tuple(sorted(found[w.path]))


def _split_releases(groups: dict[str, list[Record]]) -> None:
    """In place: a data set's or a program's records of one repository, split into its releases,
    one version each, when they carry several DOIs (Zenodo gives every release its own). A record
    without a DOI, or with the concept DOI the releases name, joins the release of its label
    ('v1.2.0') where one has it, else stands for the work in a version of its own."""
    for gkey in [g for g in groups if g.startswith(_DEPOSIT_GROUPS)]:
        members = groups[gkey]
        by_doi: dict[str, list[Record]] = defaultdict(list)
        loose = []
        # A DOI the releases name as the one they are versions of (Zenodo's concept DOI) stands
        # for them all: its records are no release of their own.
        concepts = {o.value for r in members for o in r.other_versions if o.scheme == "doi"}
        for r in members:
            doi = r.first_id("doi")
            (by_doi[doi] if doi and doi not in concepts else loose).append(r)
        if len(by_doi) < 2:
            continue
        del groups[gkey]
        label_of = {doi: {r.release for r in rs if r.release} for doi, rs in by_doi.items()}
        for r in loose:
            fits = [d for d, labels in label_of.items() if r.release and r.release in labels]
            if len(fits) == 1:
                by_doi[fits[0]].append(r)
            else:
                groups.setdefault(gkey, []).append(r)
        for doi, rs in by_doi.items():
            groups[f"{gkey}|{doi}"] = rs


def _group_kind(gkey: str, groups: dict[str, list[Record]]) -> Kind:
    if gkey == "preprint":
        return Kind.PREPRINT
    return Kind(gkey.split("|", 1)[0])


def _version_slug(v: Version) -> str:
    if v.kind == Kind.PREPRINT:
        return "preprint"
    if v.edition:
        parts = v.edition.split("/")
        series = parts[1] if len(parts) > 1 else "venue"
        if v.kind == Kind.JOURNAL:
            year = v.date.year if v.date else (parts[2] if len(parts) > 2 else "")
            return f"{series}-{year}".strip("-")
        if v.kind in _DEPOSITS and v.release:
            return "-".join([*parts[1:], slugify(v.release)])
        return "-".join(parts[1:])
    return v.kind.value if v.kind != Kind.UNKNOWN else "version"


# An ISBN names the book a paper is in, unless the record is the book itself.
_WHOLE_BOOKS = frozenset({Kind.BOOK, Kind.PROCEEDINGS, Kind.THESIS, Kind.REPORT, Kind.OTHER, Kind.UNKNOWN})


def _identifies_version(scheme: str, record: Record) -> bool:
    """Whether a record's identifier of this scheme names the version itself: an ISSN names the
    journal (it goes to the series), an ISBN of a paper the proceedings or book (it goes to the
    edition)."""
    return scheme != "issn" and (scheme != "isbn" or record.kind in _WHOLE_BOOKS)


def _venues_in_use(series: list[Series], editions: list[Edition], works: list[Work]
                   ) -> tuple[list[Series], list[Edition]]:
    """The series and editions a version appeared in, and the conferences their workshops were held
    at. A record that printed another edition (another year) for a version that a more trusted
    source places elsewhere leaves that edition without papers: it is not published."""
    used = {v.edition for w in works for v in w.versions if v.edition}
    kept = [e for e in editions if e.path in used]
    hosts = {e.host for e in kept if e.host}
    kept += [e for e in editions if e.path in hosts and e.path not in used]
    kept.sort(key=lambda e: e.path)
    in_use = {e.path for e in kept}
    wanted = used | {e.series for e in kept}
    out = []
    for s in series:
        if s.path in wanted:
            s.editions = [p for p in s.editions if p in in_use]
            out.append(s)
    return out, kept


def _venue_keys(records: list[Record], ticker: Ticker) -> dict[str, VenueKey | None]:
    """Record uid -> venue key. Records of one proceedings print one venue the same way, so each
    distinct (venue, kind) is analysed once. ``ticker`` hears of each record."""
    memo: dict[tuple, VenueKey | None] = {}
    out: dict[str, VenueKey | None] = {}
    for r in records:
        ticker.tick()
        v = r.venue
        if v is None or not v.name.strip():
            out[r.uid] = record_venue(r)
            continue
        k = (v.name, v.tag, v.host, v.series, v.printed, r.kind)  # what record_venue reads
        if k not in memo:
            memo[k] = record_venue(r)
        out[r.uid] = memo[k]
    return out


def _assign_person_paths(persons: list[Person]) -> None:
    """Paths: the preferred name's slug; namesakes get the slug of their earliest work appended (of
    a later work if an earlier namesake took that one: two namesakes can share a work), and a
    number if every one is taken."""
    by_slug: dict[str, list[Person]] = defaultdict(list)
    for p in persons:
        by_slug[slugify(p.name, max_words=6)].append(p)
    taken = set(by_slug)
    for slug, group in sorted(by_slug.items()):
        group.sort(key=lambda p: p.works[0] if p.works else "")
        group[0].path = f"person/{slug}"
        for p in group[1:]:
            tried = (f"{slug}-{w.split('/', 1)[1][:30].rstrip('-')}" for w in p.works)
            path = next((t for t in tried if t not in taken), None)
            if path is None:
                n = 2
                while f"{slug}-{n}" in taken:
                    n += 1
                path = f"{slug}-{n}"
            taken.add(path)
            p.path = f"person/{path}"


def resolve(inputs: Iterable[SourceRecords], *, curation: Curation | None = None,
            progress: Progress | None = None) -> Resolution:
    """Resolve the records of several sources into one set of works, people and venues;
    ``progress`` hears how far each step got."""
    with collector.paused():
        resolver = Resolver(inputs, curation=curation, progress=progress)
        resolver._slots_by_work = []
        resolver._edition_series = {}
        return resolver.run()
