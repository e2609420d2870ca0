"""People: author slots of works linked into persons on evidence, never on a name alone.

A *slot* is one author position of one work, holding every printed form the work's records gave it.
Slots are compared only inside blocks of one family name and first initial (and, for persons compared
as wholes, blocks joining forms one name rule apart: see kg.resolve.blocking), so the cost grows with
the number of slots, not with its square. Two slots can be one
person only when their names are compatible: the same family name (accents, case, particles, hyphens,
transliterated umlauts, pinyin 'v' for 'ü' and generational suffixes folded) and given names that can
be the same ('M.' ~ 'Max', 'Jun-ichi' ~ 'Junichi', 'Chew Lim' ~ 'Chew-Lim', a missing middle name),
never two different spelled-out names ('Max' ~ 'Moritz', 'Ting' ~ 'Ting-Wei'). They are linked when
the evidence a person leaves says so, strongest first:

1. the same person identifier, or the same declared profile owner;
2. shared coauthors: one coauthor whose name is rare, or more whose names are common or printed
   with initials (a namesake of a common name needs more than a namesake of a rare one);
3. persons formed so far, compared as wholes: shared coauthors again; for a name that is not common,
   the odds from the rarest venue series and title words they share and from publishing in the same
   years ('Jaime G. Carbonell' and 'Jaime Carbonell', 'X. Halkortal' and 'Xin Halkortal'); for a
   very rare name, publishing in the same years. Otherwise only when they share many coauthors:
   a short form of a given name ('Dan' ~ 'Daniel', 'Alex' ~ 'Alexander', and the short forms a
   data set records: 'Bill' ~ 'William', met in a block of the long form's initial), a given or
   family name printed with a letter added, dropped, changed or doubled ('Phillippe' ~
   'Philippe', 'Bhattacharya' ~ 'Bhattacharyya'), a leading given name some papers leave out
   ('W. Detmar' ~ 'Detmar'), or a family name of several words printed with some left out
   ('Montes-y-Gómez' ~ 'Montes'); a short form or a leading name left out also links on venue,
   topic and year odds with a higher bar, when the family name with its first initial is rare
   ('Fred Jelinek' ~ 'Frederick Jelinek'). A name split differently into given and family names
   ('Marta R. | Costa-jussà', 'Marta | R. Costa-jussà') is compared by its whole spelling.

How common a name is comes from the collection itself: the number of distinct names that share its
family name times the number that share its first given name (or its initial; or, with more given
names, all of them: 'H. Andrew'), over all distinct names -- the expected number of people who would
carry it by chance. A name printed alone ('Mausam') is drawn from the names printed alone. A link is
refused when it would put two slots of one work, two incompatible given names, or two different
identifiers of one scheme into one person.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from ..names import fullness
from ..progress import Progress, Share, Ticker
from ..records import PersonName
from ..text import fold
from .blocking import person_blocks
from .model import Mention
from .namecompare import (
    NameParts, family_part_dropped, given_compatible, initials_only, leading_name_dropped,
    name_parts, names_compatible, near_spelling, nickname_compatible, spelling_compatible,
)
from .works import UnionFind

# Evidence weights and thresholds (tuned on the ACL Anthology and checked on synthetic sets; see
# bench/acl_people.py and bench/resolve.py). A shared coauthor whose name is rare counts 1, one whose
# name is common or printed with initials 0.5; two slots or persons link at `LINK_RARE` when their
# name is rare (fewer than `RARE` chance namesakes), at `LINK_COMMON` otherwise.
RARE = 0.1
LINK_RARE = 1.0
LINK_COMMON = 1.5
NICKNAME_LINK = 3.0  # a short form of a given name needs this much shared-coauthor weight
NICKNAME_SHARE = 0.2  # ... and that share of the smaller person's coauthor keys
NAME_OF_ITS_OWN = 5  # a given name carried with this many family names is a name of its own
# Venues, topics and years decide only for names with fewer than `COMMON` chance namesakes: the odds
# (in natural log units) are the name's own, -log(namesakes), plus for the rarest shared series and the
# two rarest shared title words -log(share of works) less what one person's two groups of papers
# would share anyway, plus `YEAR_CLOSE` when they published within `YEAR_GAP` years of each other.
COMMON = 0.3
PROFILE_ODDS = 3.0
SERIES_SHARE = 0.7
WORD_SHARE = 1.0
YEAR_GAP = 3  # a gap of three years between papers is ordinary in a career
YEAR_CLOSE = 1.0
RARE_ODDS = 4.0  # a name this rare (odds of a chance namesake below e^-4, 2%) links on close years alone
LOOSE_ODDS = 7.0  # a short form or a leading name left out, linked on venues, topics and years
PRIOR_NAMES = 2000  # see _name_statistics
HUB = 60  # a coauthor or feature shared by more holders than this is too common to pair them on

GivenFit = Callable[[tuple[str, ...], tuple[str, ...]], bool]


@dataclass(slots=True)
class Slot:
    work: int
    position: int | None
    names: list[PersonName] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    # Records that imply this author (a profile's owner), owner identities (folded names) this slot
    # is, and person identifiers printed with the names; most slots have none of them, so each is
    # made by the first add (an empty set per slot was the largest part of the memory resolution
    # needs, and an empty list per slot is kept with every authorship of the result).
    implied_by: list[str] | tuple[()] = ()
    owners: set[str] | tuple[()] = ()
    ids: set[str] | tuple[()] = ()

    def add_implied(self, uid: str) -> None:
        if not self.implied_by:
            self.implied_by = []
        self.implied_by.append(uid)  # type: ignore[union-attr]

    def add_owner(self, owner: str) -> None:
        if not self.owners:
            self.owners = set()
        self.owners.add(owner)  # type: ignore[union-attr]

    def add_id(self, identifier: str) -> None:
        if not self.ids:
            self.ids = set()
        self.ids.add(identifier)  # type: ignore[union-attr]


@dataclass(frozen=True)
class WorkContext:
    """What a work tells about its authors besides their names: when and where it appeared."""

    year: int | None = None
    series: tuple[str, ...] = ()  # the venue series of its versions (a repository is no evidence)
    words: tuple[str, ...] = ()  # the title's content words (folded), for the topic a person works on


def another_of_scheme(ids: Iterable[str], identifier: str) -> bool:
    """Whether ``ids`` hold an identifier of the scheme of ``identifier`` ('orcid:…') other than it:
    two people, whatever else they share."""
    scheme = identifier.split(":", 1)[0] + ":"
    return any(v.startswith(scheme) and v != identifier for v in ids)


def slots_compatible(a: Slot, b: Slot) -> bool:
    return any(names_compatible(x, y) for x in a.names for y in b.names)


class PersonClusterer:
    """Groups slots into persons. Deterministic: the result depends on the slots' order only through
    their indices, which the resolver derives from sorted work keys.

    Memory stays proportional to the slots: coauthor keys are small integers, a slot's coauthors
    are read from its work when a block needs them, and per-person state exists only for slots
    that took part in a merge."""

    def __init__(self, slots: list[Slot], *, contexts: list[WorkContext] | None = None,
                 progress: Progress | None = None) -> None:
        self.slots = slots
        self.progress = progress
        # Units: a slot's forms parsed, then its ambiguity and coauthor keys, then its blocks (3),
        # then its share of the works' venue and topic statistics.
        self._index = Ticker(progress, "index people", 6 * len(slots))
        self.contexts = contexts
        self.uf = UnionFind(len(slots))
        self.work_of = [s.work for s in slots]
        self.work_slots: dict[int, list[int]] = defaultdict(list)
        for i, w in enumerate(self.work_of):
            self.work_slots[w].append(i)
        # Per slot: its distinct name forms (shared NameParts tuples, so repeated names cost little).
        self.forms: list[tuple[NameParts, ...]] = []
        distinct: dict[tuple[NameParts, ...], tuple[NameParts, ...]] = {}
        for s in slots:
            forms = tuple(dict.fromkeys(name_parts(n) for n in s.names))
            self.forms.append(distinct.setdefault(forms, forms))
            self._index.tick()
        self._ambiguity = self._name_statistics(list(distinct))
        self._keys: dict[str, int] = {}
        self._adjust: list[float] = []  # per coauthor key: what sharing it adds to a score
        self.amb: list[float] = []
        self.own: list[tuple[int, ...]] = []
        for forms in self.forms:
            self.amb.append(min((self._ambiguity(p) for p in forms), default=math.inf))
            self.own.append(self._own_keys(forms))
            self._index.tick()
        # Per cluster root, created on its first merge: works, given names, identifiers, reasons.
        self.works: dict[int, set[int]] = {}
        self.given: dict[int, list[tuple[str, ...]]] = {}
        self.ids: dict[int, set[str]] = {}
        self.evidence: dict[int, Counter[str]] = {}
        self._stats: _FeatureStats | None = None

    # -- how common a name is ----------------------------------------------------------------------
    def _name_statistics(self, distinct: list[tuple[NameParts, ...]]
                         ) -> Callable[[NameParts], float]:
        """How common each name is, from the slots' ``distinct`` sets of forms."""
        names = {(p.family, p.first) for forms in distinct for p in forms if p.key}
        by_family = Counter(f for f, _ in names)
        by_given = Counter(g for _, g in names)
        by_initial = Counter(g[0] for _, g in names)
        # A name with more given names, one of them spelled out ('William Yang', 'H. Andrew'), is
        # as common as the number of family names carried with all of them.
        full = {(p.family, p.given) for forms in distinct for p in forms
                if len(p.given) > 1 and not all(map(initials_only, p.given))}
        by_full = Counter(g for _, g in full)
        # A name printed alone ('Mausam') is one of the names printed alone.
        alone = len({p.family for forms in distinct for p in forms
                     if p.family and not p.given})
        self._given_names = {g for g, n in by_given.items() if n >= NAME_OF_ITS_OWN}
        self._by_given = by_given
        # Given names seen written in two parts ('Anne-Marie', 'Xiao Ming'): a long form made of
        # such parts is a name of two.
        self._split: set[tuple[str, str]] = set()
        for forms in distinct:
            for p in forms:
                u = p.given
                if len(u) >= 2 and not initials_only(u[0]) and not initials_only(u[1]):
                    self._split.add((u[0].replace("-", ""), u[1].replace("-", "")))
                for x in u:
                    if x.count("-") == 1 and not initials_only(x):
                        a, b = x.split("-")
                        self._split.add((a, b))
        # A small collection says little about how common a name is: the counts are taken against
        # at least a few thousand names, so a name seen twice among ten is not called common.
        total = len(names) + PRIOR_NAMES

        @lru_cache(maxsize=1 << 18)
        def ambiguity(p: NameParts) -> float:
            """Expected number of people who would carry this name by chance. An initial stands
            for every given name it begins; a name printed alone is drawn from the names printed
            alone."""
            if not p.family:
                return math.inf
            if not p.given:
                return max(1, by_family[p.family]) * max(1, alone) / total
            given = by_given[p.first] if p.key else by_initial[p.initial]
            if len(p.given) > 1 and p.given in by_full:
                given = min(given, by_full[p.given])
            return max(1, by_family[p.family]) * max(1, given) / total

        return ambiguity

    def ambiguity(self, i: int) -> float:
        """How common slot i's name is: its least ambiguous form."""
        return self.amb[i]

    def _nickname(self, ta: tuple[str, ...], tb: tuple[str, ...]) -> bool:
        """Given names a short form, a variant spelling or a leading name left out may join (on
        strong evidence only)."""
        return self._short_form(ta, tb) or spelling_compatible(ta, tb)

    def _short_form(self, ta: tuple[str, ...], tb: tuple[str, ...]) -> bool:
        """Given names a short form or a leading name left out may join, not a variant spelling
        (which venues and years cannot tell from another person's name: 'Kalina' and 'Katina')."""
        return (nickname_compatible(ta, tb, compound=self._compound)
                or leading_name_dropped(ta, tb))

    def _compound(self, start: str, rest: str) -> bool:
        """Is ``start + rest`` a given name made of two? When ``rest`` is a given name of its own
        and the two are seen written apart ('Anne-Marie'), or the whole is rare as a given name
        ('Yuewei'): a whole carried by many people ('Alexander', 'Christian') is a name of its own,
        whose start is its short form ('Alex', 'Chris')."""
        return rest in self._given_names and (
            (start, rest) in self._split or self._by_given[start + rest] < NAME_OF_ITS_OWN)

    # -- coauthor keys ----------------------------------------------------------------------------
    def _key(self, text: str, adjust: float) -> int:
        k = self._keys.get(text)
        if k is None:
            k = self._keys[text] = len(self._adjust)
            self._adjust.append(adjust)
        return k

    def _own_keys(self, forms: tuple[NameParts, ...]) -> tuple[int, ...]:
        """How a slot is known as somebody's coauthor: by family name and initial (worth 0.5 when
        shared), and when spelled out also by its whole name (worth 1 in all when the name is rare,
        0.5 when common; the initial key is always shared along with it, hence the 0.5 less)."""
        keys = []
        for p in forms:
            if p.family:
                keys.append(self._key(p.block, 0.5))
                if p.key:
                    keys.append(self._key(p.key, 0.5 if self._ambiguity(p) < RARE else 0.0))
        return tuple(dict.fromkeys(keys))

    def _coauthors(self, i: int) -> set[int]:
        """The coauthor keys of slot i, read from the other slots of its work."""
        out: set[int] = set()
        for t in self.work_slots[self.work_of[i]]:
            if t != i:
                out.update(self.own[t])
        return out

    # -- unions under constraints -----------------------------------------------------------------
    def _state(self, r: int) -> None:
        if r not in self.works:
            self.works[r] = {self.work_of[r]}
            self.given[r] = list(dict.fromkeys(p.given for p in self.forms[r]))
            self.ids[r] = set(self.slots[r].ids)
            self.evidence[r] = Counter()

    def _try_union(self, a: int, b: int, why: str, *, fits: GivenFit = given_compatible) -> bool:
        """Merge the persons of slots a and b unless that would put two slots of one work, given
        names that do not ``fits`` each other, or two identifiers of one scheme into one person."""
        ra, rb = self.uf.find(a), self.uf.find(b)
        if ra == rb:
            return True
        self._state(ra)
        self._state(rb)
        if self.works[ra] & self.works[rb]:
            return False  # one work cannot list one person in two positions
        if not _all_fit(self.given[ra], self.given[rb], fits):
            return False
        if any(another_of_scheme(self.ids[rb], v) for v in self.ids[ra]):
            return False  # two different identifiers of one scheme: two people
        root = self.uf.union(ra, rb)
        other = rb if root == ra else ra
        self.works[root] |= self.works.pop(other)
        merged = self.given[root]
        merged += [g for g in self.given.pop(other) if g not in merged]
        self.ids[root] |= self.ids.pop(other)
        self.evidence[root].update(self.evidence.pop(other))
        self.evidence[root][why] += 1
        return True

    def _apply(self, links: list[tuple[float, int, int, str]], *,
               fits: GivenFit = given_compatible, part: Share | None = None) -> None:
        """The links, strongest first; ``part`` hears of each."""
        links.sort(key=lambda t: (-t[0], t[1], t[2]))
        for _, a, b, why in links:
            self._try_union(a, b, why, fits=fits)
            if part is not None:
                part.tick()
        if part is not None:
            part.finish()

    def reasons(self, root: int) -> list[str]:
        """Why the slots of a person were merged: each kind of evidence with how often it decided."""
        return [f"{why} ({n})" for why, n in sorted(self.evidence.get(root, Counter()).items())]

    # -- evidence ----------------------------------------------------------------------------------
    def run(self) -> list[list[int]]:
        """The persons, as lists of slot indices; the progress given hears 'index people' end and
        'resolve people' count the blocks compared (slot by slot, then twice as persons)."""
        self._identity_links()
        blocks, joined = person_blocks(self.forms, self._index)
        if self.contexts is not None:
            self._stats = self._feature_statistics(self._index.share(len(self.slots),
                                                                     len(self.contexts)))
        self._index.finish()
        order, joined_order = sorted(blocks), sorted(joined)
        # Units: each slot of each block compared slot by slot, one per slot for the links that
        # comparison found, and each slot of each block compared as persons, in two rounds.
        ticker = Ticker(self.progress, "resolve people",
                        sum(len(m) for m in blocks.values()) + len(self.slots) +
                        2 * sum(len(m) for m in joined.values()))
        self._coauthor_links(blocks, order, ticker)
        for _ in range(2):  # a second round compares the persons the first one grew
            self._cluster_links(joined, joined_order, ticker)
        groups = sorted(self.uf.groups().values(), key=lambda g: g[0])
        ticker.finish()
        return groups

    def _identity_links(self) -> None:
        """The same person identifier; the same declared profile owner."""
        links: list[tuple[float, int, int, str]] = []
        by_id: dict[str, list[int]] = defaultdict(list)
        by_owner: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(self.slots):
            for v in s.ids:
                by_id[v].append(i)
            for o in s.owners:
                by_owner[o].append(i)
        for members in by_id.values():
            links += [(5, members[0], j, "same person identifier") for j in members[1:]]
        for members in by_owner.values():
            links += [(4, members[0], j, "the declared owner of a source") for j in members[1:]]
        self._apply(links)

    def _shared_scores(self, holders_by_key: dict[int, list[int]], *, chain_hubs: bool
                       ) -> dict[tuple[int, int], float]:
        """Pairs of holders (slots or persons) sharing coauthor keys, with the summed weight. A key
        held by more than `HUB` of them is a prolific coauthor: its holders are linked in a chain
        (slots), or it is passed over (persons, who have other coauthors to go by)."""
        scores: dict[tuple[int, int], float] = defaultdict(float)
        adjust = self._adjust
        for c, holders in holders_by_key.items():
            if len(holders) < 2:
                continue
            a = adjust[c]
            if not a:
                continue
            if len(holders) > HUB:
                if not chain_hubs:
                    continue
                pairs: Iterable[tuple[int, int]] = pairwise(holders)
            else:
                pairs = ((x, y) for n, x in enumerate(holders) for y in holders[n + 1:])
            for pair in pairs:
                scores[pair] += a
        return scores

    def _coauthor_links(self, blocks: dict[str, list[int]], order: list[str], ticker: Ticker
                        ) -> None:
        links: list[tuple[float, int, int, str]] = []
        for members in _to_compare(blocks, order, ticker):
            inverted: dict[int, list[int]] = defaultdict(list)
            for i in members:
                for c in self._coauthors(i):
                    inverted[c].append(i)
            for (i, j), score in self._shared_scores(inverted, chain_hubs=True).items():
                need = LINK_RARE if min(self.amb[i], self.amb[j]) < RARE else LINK_COMMON
                if score >= need and self.work_of[i] != self.work_of[j] and self._names_fit(i, j):
                    links.append((1 + score, i, j, "shared coauthors"))
        self._apply(links, part=ticker.share(len(self.slots), len(links)))

    def _names_fit(self, i: int, j: int, *, nickname: bool = False) -> bool:
        """Could slots (or persons) i and j carry one name? With ``nickname``, also a short form or
        a variant spelling of the given name, or a variant spelling of the family name with
        compatible given names -- never both at once."""
        fits = self._nickname if nickname else given_compatible
        return any(fits(a.given, b.given) if a.family == b.family or (a.key and a.key == b.key)
                   else nickname and (near_spelling(a.family, b.family)
                                      or family_part_dropped(a, b)) and
                   given_compatible(a.given, b.given)
                   for a in self.forms[i] for b in self.forms[j])

    def _loose_reason(self, i: int, j: int, evidence: str = "shared coauthors") -> str:
        """Why i and j fit only loosely (a short form, a leading name left out, or a spelling),
        and on what ``evidence`` they were linked."""
        pairs = [(a, b) for a in self.forms[i] for b in self.forms[j] if a.family == b.family]
        if any(nickname_compatible(a.given, b.given, compound=self._compound) for a, b in pairs):
            return f"short form of a name; {evidence}"
        if any(leading_name_dropped(a.given, b.given) for a, b in pairs):
            return f"a leading given name left out; {evidence}"
        if any(family_part_dropped(a, b) for a in self.forms[i] for b in self.forms[j]):
            return f"a family name printed with words left out; {evidence}"
        return f"variant spelling of a name; {evidence}"

    def _givens_fit(self, x: int, y: int) -> bool:
        """Can persons x and y (roots) merge as far as all their given names go? ('A. Waibel' fits
        'Alexander Waibel', but not once it is one person with 'Alex Waibel': only the evidence a
        short form needs links those.)"""
        return _all_fit(self.given.get(x) or [p.given for p in self.forms[x]],
                        self.given.get(y) or [p.given for p in self.forms[y]], given_compatible)

    def _cluster_links(self, blocks: dict[str, list[int]], order: list[str], ticker: Ticker
                       ) -> None:
        """Persons formed so far, compared as wholes inside each block: the union of their
        coauthors, and for a name that is not common, where and when they published and on what.

        Two persons whose names are compatible merge when they share coauthors (as slots do), or
        when they carry the same name (first given name and family name; middle names may differ)
        and the odds that they are one person reach `PROFILE_ODDS`: the name's own odds (how rarely
        it occurs by chance) plus, for the rarest venue series they share, the rarest two title
        words they share and publishing within `YEAR_GAP` years of each other, the log of how
        unlikely each would be by chance. Without a shared series or title word, only a name whose
        own odds reach `RARE_ODDS` links, and only on close years."""
        for members in _to_compare(blocks, order, ticker):
            clusters: dict[int, list[int]] = defaultdict(list)
            for i in members:
                clusters[self.uf.find(i)].append(i)
            if len(clusters) < 2:
                continue
            roots = sorted(clusters)
            coauthors = {r: set().union(*(self._coauthors(i) for i in clusters[r])) for r in roots}
            inverted: dict[int, list[int]] = defaultdict(list)
            for r in roots:
                for c in coauthors[r]:
                    inverted[c].append(r)
            links: list[tuple[float, int, int, str]] = []
            nicknames: list[tuple[float, int, int, str]] = []
            for (x, y), score in self._shared_scores(inverted, chain_hubs=False).items():
                if score < LINK_RARE:
                    continue
                if self._names_fit(x, y) and self._givens_fit(x, y):
                    rare = min(self.amb[x], self.amb[y]) < RARE
                    if score >= (LINK_RARE if rare else LINK_COMMON):
                        links.append((10 + score, x, y, "shared coauthors"))
                elif score >= NICKNAME_LINK and self._names_fit(x, y, nickname=True):
                    shared = len(coauthors[x] & coauthors[y])
                    if shared >= NICKNAME_SHARE * min(len(coauthors[x]), len(coauthors[y])):
                        nicknames.append((score, x, y, self._loose_reason(x, y)))
            loose: list[tuple[float, int, int, str]] = []
            if self._stats is not None:
                bases = {r: self._bases(clusters[r]) for r in roots}
                profiles: dict[int, _Profile] = {}
                links += self._profile_links(roots, clusters, self._stats, bases, profiles)
                loose = self._loose_profile_links(roots, clusters, self._stats, bases, profiles)
            self._apply(links)
            self._apply(nicknames, fits=self._nickname)
            self._apply(loose, fits=self._short_form)

    def _profile_links(self, roots: list[int], clusters: dict[int, list[int]],
                       stats: _FeatureStats, bases: dict[int, dict[str, float]],
                       profiles: dict[int, _Profile]) -> list[tuple[float, int, int, str]]:
        """Same-name persons with the odds of being one person from venues, topics and years
        (``bases``: each root's :meth:`_bases`; ``profiles``: each root's :meth:`_profile`, made
        here on first use)."""
        by_name: dict[str, list[int]] = defaultdict(list)
        for r in roots:
            for b, amb in bases[r].items():
                if amb < COMMON:  # a common name: only coauthors tell its bearers apart
                    by_name[b].append(r)
        links: list[tuple[float, int, int, str]] = []
        seen: set[tuple[int, int]] = set()
        for base in sorted(by_name):
            group = by_name[base]
            if len(group) < 2:
                continue
            prior = -math.log(max(max(bases[r][base] for r in group), 1e-9))
            candidates = self._sharing_features(group, clusters, profiles)
            if prior >= RARE_ODDS and len(group) <= HUB:
                candidates.update((x, y) for n, x in enumerate(group) for y in group[n + 1:])
            for x, y in sorted(candidates - seen):
                seen.add((x, y))
                gain, close = _shared_odds(profiles[x], profiles[y], stats)
                if gain is None:
                    # A very rare name in the same years: the odds of a namesake publishing
                    # in this collection at the same time are below e^-RARE_ODDS.
                    if close and prior >= RARE_ODDS and self._names_fit(x, y):
                        links.append((prior, x, y, "same rare name; same years"))
                    continue
                odds = prior + gain + (YEAR_CLOSE if close else 0.0)
                if odds >= PROFILE_ODDS and self._names_fit(x, y):
                    links.append((odds, x, y, "same name; venue, topic and years"))
        return links

    def _loose_profile_links(self, roots: list[int], clusters: dict[int, list[int]],
                             stats: _FeatureStats, bases: dict[int, dict[str, float]],
                             profiles: dict[int, _Profile]) -> list[tuple[float, int, int, str]]:
        """Persons whose names fit only as a short form or with a leading given name left out
        ('Fred Jelinek' and 'Frederick Jelinek', 'W. Detmar Meurers' and 'Detmar Meurers'), with
        the odds of being one person from the venue series and title words they share and their
        years, as for one name. A loose fit admits more namesakes than one name does, so the
        name's own odds are those of its family name with its first initial, whatever the given
        names (how many people of that family name and initial the collection holds), and they
        must not be common; at least one series or title word must be shared, and the odds must
        reach `LOOSE_ODDS`. Variant spellings are not linked here: 'Kalina' and 'Katina'
        Bontcheva, one letter apart, publish in the same venues on the same topics and are two
        people."""
        amb: dict[int, float] = {}
        for r in roots:
            initials = [a for b, a in bases[r].items() if b.startswith("i:")]
            amb[r] = max(initials) if initials else math.inf
        rare = [r for r in roots if amb[r] < COMMON]
        if len(rare) < 2:
            return []
        links: list[tuple[float, int, int, str]] = []
        for x, y in sorted(self._sharing_features(rare, clusters, profiles)):
            if self._names_fit(x, y) and self._givens_fit(x, y):
                continue  # one name: compared as such in _profile_links
            if not any(self._short_form(a.given, b.given) for a in self.forms[x]
                       for b in self.forms[y] if a.family == b.family or (a.key and a.key == b.key)):
                continue
            gain, close = _shared_odds(profiles[x], profiles[y], stats)
            odds = -math.log(max(amb[x], amb[y], 1e-9)) + (gain or 0.0)
            if close:
                odds += YEAR_CLOSE
            if odds >= LOOSE_ODDS:
                links.append((odds, x, y, self._loose_reason(x, y, "venue, topic and years")))
        return links

    def _sharing_features(self, group: list[int], clusters: dict[int, list[int]],
                          profiles: dict[int, _Profile]) -> set[tuple[int, int]]:
        """The pairs of persons of ``group`` (roots) that share a venue series or a title word
        held by at most `HUB` of them; ``profiles`` gets each one's profile on first use."""
        inverted: dict[int, list[int]] = defaultdict(list)
        for r in group:
            if r not in profiles:
                profiles[r] = self._profile(clusters[r])
            for f in profiles[r].features:
                inverted[f].append(r)
        pairs: set[tuple[int, int]] = set()
        for holders in inverted.values():
            if 2 <= len(holders) <= HUB:
                pairs.update((x, y) for n, x in enumerate(holders) for y in holders[n + 1:])
        return pairs

    def _bases(self, members: list[int]) -> dict[str, float]:
        """The name keys a person is compared under, with how common each is: the first given
        name with the family name, the whole name ('Jun-ichi' and 'Junichi' meet there), the
        initial with the family name ('X. Halkortal' meets 'Xin Halkortal' there), the given names
        as printed when the first is an initial ('H. Andrew'), and a name printed alone."""
        bases: dict[str, float] = {}

        def put(key: str, amb: float) -> None:
            # Under a key several forms meet ('David A. Smith' and 'David Smith' under 'David
            # Smith'): the person is as common there as its commonest form, whatever their order.
            bases[key] = max(amb, bases.get(key, 0.0))

        for forms in {self.forms[i] for i in members}:
            for p in forms:
                if not p.family:
                    continue
                if p.key:
                    amb = self._ambiguity(p)
                    put(p.key, amb)
                    put(f"{p.first}|{p.family}", amb)
                elif len(p.given) > 1:
                    put("g:" + " ".join(p.given) + "|" + p.family, self._ambiguity(p))
                if p.initial:
                    put("i:" + p.block, self._ambiguity(p._replace(given=(p.initial,), key="")))
                else:
                    put("alone:" + p.family, self._ambiguity(p))
        return bases

    def _feature_statistics(self, part: Share) -> _FeatureStats:
        """Venue series and title words as small integers, with -log of the share of works that
        have each; ``part`` hears of each work."""
        ids: dict[str, int] = {}
        counts: Counter[int] = Counter()
        is_series: list[bool] = []
        works: list[tuple[tuple[int, ...], tuple[int, ...], int | None]] = []
        for c in self.contexts or []:
            part.tick()
            row = []
            for prefix, values in (("s:", c.series), ("w:", c.words)):
                out = []
                for v in values:
                    k = ids.get(prefix + v)
                    if k is None:
                        k = ids[prefix + v] = len(is_series)
                        is_series.append(prefix == "s:")
                    out.append(k)
                counts.update(out)
                row.append(tuple(out))
            works.append((row[0], row[1], c.year))
        n = max(1, len(works))
        weight = [math.log(n / counts[k]) if counts[k] else 0.0 for k in range(len(is_series))]
        return _FeatureStats(works=works, weight=weight,
                             series={k: w for k, w in enumerate(weight) if is_series[k]},
                             words={k: w for k, w in enumerate(weight) if not is_series[k]})

    def _profile(self, members: list[int]) -> _Profile:
        series: set[int] = set()
        words: set[int] = set()
        years: set[int] = set()
        assert self._stats is not None
        works = self._stats.works
        for i in members:
            s, w, y = works[self.work_of[i]]
            series.update(s)
            words.update(w)
            if y is not None:
                years.add(y)
        return _Profile(series=series, words=words, years=years,
                        features=list(series) + list(words))


@dataclass
class _Profile:
    """Where, on what and when a person formed so far published."""

    series: set[int]
    words: set[int]
    years: set[int]
    features: list[int]


@dataclass
class _FeatureStats:
    works: list[tuple[tuple[int, ...], tuple[int, ...], int | None]]  # per work: series, words, year
    weight: list[float]  # per feature: -log of the share of works that have it
    series: dict[int, float]
    words: dict[int, float]


def _all_fit(ga: list[tuple[str, ...]], gb: list[tuple[str, ...]],
             fits: GivenFit) -> bool:
    """Can two persons with these given names be one? Every name of one must fit every name of
    the other, except a name both already carry: the evidence that merged each person vouches for
    the names it holds ('Ken' joins a person known as 'Ken' and 'Kenneth' as it would join a
    'Ken' alone, though 'Ken' ~ 'Kenneth' alone needs the evidence of a short form).

    >>> ken = [("kenneth", "ward"), ("ken",), ("kenneth",)]
    >>> _all_fit([("ken",)], ken, given_compatible), _all_fit([("k",)], ken, given_compatible)
    (True, True)
    >>> _all_fit([("ken", "w")], ken, given_compatible)
    False
    """
    held = set(ga) & set(gb)
    return all(fits(x, y) for x in ga if x not in held for y in gb if y not in held)


def _to_compare(blocks: dict[str, list[int]], order: list[str], ticker: Ticker
                ) -> Iterator[list[int]]:
    """The blocks with something to compare, in order; the ticker hears of every block."""
    for key in order:
        members = blocks[key]
        ticker.tick(len(members))
        if len(members) >= 2:
            yield members


def _shared_odds(px: _Profile, py: _Profile, stats: _FeatureStats) -> tuple[float | None, bool]:
    """What two persons' shared venue series and title words add to the odds that they are one
    (None when they share neither): for the rarest series and the two rarest words, -log of their
    share of works less what one person's two groups of papers would share anyway; and whether
    they published within `YEAR_GAP` years of each other."""
    close = bool(px.years and py.years and _gap(px.years, py.years) <= YEAR_GAP)
    series = [stats.series[s] for s in px.series & py.series]
    words = sorted((stats.words[w] for w in px.words & py.words), reverse=True)
    if not series and not words:
        return None, close
    gain = max(series) - SERIES_SHARE if series else 0.0
    return gain + sum(max(0.0, w - WORD_SHARE) for w in words[:2]), close


def _gap(a: set[int], b: set[int]) -> int:
    """The smallest distance between a year of one set and a year of the other."""
    xs, ys = sorted(a), sorted(b)
    i = j = 0
    best = abs(xs[0] - ys[0])
    while i < len(xs) and j < len(ys):
        best = min(best, abs(xs[i] - ys[j]))
        if xs[i] < ys[j]:
            i += 1
        else:
            j += 1
    return best


def _distinct(names: list[PersonName]) -> list[PersonName]:
    seen, out = set(), []
    for n in names:
        key = (fold(n.given), name_parts(n).family)
        if key not in seen:
            seen.add(key)
            out.append(n)
    return out


def preferred(names: list[PersonName], counts: dict[str, int]) -> PersonName:
    """The fullest correct form: most spelled-out given names, then accents and proper case, then
    the form seen most often."""
    return max(names, key=lambda n: (fullness(n), counts.get(n.full, 0), n.full))
