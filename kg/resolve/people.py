"""People: author slots of works linked into persons on evidence, never on a surname alone.

A *slot* is one author position of one work, holding every printed form the work's records gave it. Slots
of different works are linked when their names are compatible (same family name with particles folded,
given names that can be the same: 'M.' ~ 'Max', never 'Max' ~ 'Moritz') and there is evidence:
the same person identifier, the same declared profile owner, or a shared coauthor. A link is refused when
it would put two slots of one work, or two incompatible given names, into one person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..names import family_key, fullness, given_compatible, given_tokens
from ..records import PersonName
from ..text import fold
from .model import Mention
from .works import UnionFind


@dataclass
class Slot:
    work: int
    position: int | None
    names: list[PersonName] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    implied_by: list[str] = field(default_factory=list)
    owners: set[str] = field(default_factory=set)  # owner identities (folded names) this slot is
    ids: set[str] = field(default_factory=set)  # person identifiers printed with the names


def names_compatible(a: PersonName, b: PersonName) -> bool:
    fa, fb = family_key(a), family_key(b)
    if not fa or not fb:
        return False
    if fa != fb:
        # A dropped particle ('Truchis' ~ 'De Truchis') keeps the last family word equal.
        la, lb = fold(a.family).split()[-1:], fold(b.family).split()[-1:]
        if not (la and la == lb and (a.particle or b.particle or len(a.family.split()) != len(
                b.family.split()))):
            return False
    return given_compatible(a, b)


def slots_compatible(a: Slot, b: Slot) -> bool:
    return any(names_compatible(x, y) for x in a.names for y in b.names)


def _block_keys(slot: Slot) -> set[str]:
    keys = set()
    for n in slot.names:
        tokens = given_tokens(n)
        initial = tokens[0][0] if tokens else "?"
        keys.add(f"{fold(n.family).split()[-1] if n.family.strip() else family_key(n)}|{initial}")
    return keys


def _coauthor_keys(slots: list[Slot], work_slots: dict[int, list[int]], s: int) -> set[str]:
    """Name keys (family + first initial) of the other authors of the slot's work."""
    out = set()
    for t in work_slots[slots[s].work]:
        if t == s:
            continue
        for n in slots[t].names:
            tokens = given_tokens(n)
            out.add(f"{family_key(n)}|{tokens[0][0] if tokens else '?'}")
    return out


class PersonClusterer:
    def __init__(self, slots: list[Slot]) -> None:
        self.slots = slots
        self.uf = UnionFind(len(slots))
        self.works: dict[int, set[int]] = {i: {s.work} for i, s in enumerate(slots)}
        self.given: dict[int, list[PersonName]] = {i: list(s.names) for i, s in enumerate(slots)}
        self.ids: dict[int, set[str]] = {i: set(s.ids) for i, s in enumerate(slots)}
        self.evidence: dict[int, list[str]] = defaultdict(list)

    def _try_union(self, a: int, b: int, why: str) -> bool:
        ra, rb = self.uf.find(a), self.uf.find(b)
        if ra == rb:
            return True
        if self.works[ra] & self.works[rb]:
            return False  # one work cannot list one person in two positions
        if not all(given_compatible(x, y) for x in self.given[ra] for y in self.given[rb]):
            return False
        for scheme_value_a in self.ids[ra]:
            scheme = scheme_value_a.split(":", 1)[0]
            if any(v.split(":", 1)[0] == scheme and v != scheme_value_a for v in self.ids[rb]):
                return False  # two different identifiers of one scheme: two people
        root = self.uf.union(ra, rb)
        other = rb if root == ra else ra
        self.works[root] |= self.works.pop(other)
        self.given[root] = _distinct(self.given[root] + self.given.pop(other))
        self.ids[root] |= self.ids.pop(other)
        self.evidence[root] += self.evidence.pop(other, []) + [why]
        return True

    def run(self) -> list[list[int]]:
        slots = self.slots
        work_slots: dict[int, list[int]] = defaultdict(list)
        for i, s in enumerate(slots):
            work_slots[s.work].append(i)
        links: list[tuple[int, str, int, int, str]] = []  # (strength, key, a, b, why)
        # Identifiers: the same person id is the strongest evidence.
        by_id: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(slots):
            for v in s.ids:
                by_id[v].append(i)
        for v, members in by_id.items():
            for j in members[1:]:
                links.append((5, v, members[0], j, f"same identifier {v}"))
        # A declared profile owner: every slot aligned with the owner is that person.
        by_owner: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(slots):
            for o in s.owners:
                by_owner[o].append(i)
        for o, members in by_owner.items():
            for j in members[1:]:
                links.append((4, o, members[0], j, f"both are the declared owner {o!r} of a source"))
        # Shared coauthors, compared inside blocks of family name + first initial.
        blocks: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(slots):
            for k in _block_keys(s):
                blocks[k].append(i)
        coauthors: dict[int, set[str]] = {}
        for key in sorted(blocks):
            members = blocks[key]
            if len(members) < 2:
                continue
            # Inverted index: coauthor key -> slots of this block whose work has that coauthor.
            inverted: dict[str, list[int]] = defaultdict(list)
            for i in members:
                if i not in coauthors:
                    coauthors[i] = _coauthor_keys(slots, work_slots, i)
                for c in coauthors[i]:
                    inverted[c].append(i)
            pair_shared: dict[tuple[int, int], int] = defaultdict(int)
            for c, holders in inverted.items():
                if len(holders) > 200:
                    holders = holders[:200]  # a hub coauthor; 200 of its collaborators suffice here
                for x, i in enumerate(holders):
                    for j in holders[x + 1:]:
                        if slots[i].work != slots[j].work:
                            pair_shared[(min(i, j), max(i, j))] += 1
            for (i, j), n in pair_shared.items():
                if slots_compatible(slots[i], slots[j]):
                    links.append((min(3, 1 + n), key, i, j, f"{n} shared coauthor(s)"))
        links.sort(key=lambda t: (-t[0], t[1], t[2], t[3]))
        for strength, _, a, b, why in links:
            if slots_compatible(slots[a], slots[b]) or strength >= 4:
                self._try_union(a, b, why)
        groups = sorted(self.uf.groups().values(), key=lambda g: g[0])
        return groups


def _distinct(names: list[PersonName]) -> list[PersonName]:
    seen, out = set(), []
    for n in names:
        key = (fold(n.given), family_key(n))
        if key not in seen:
            seen.add(key)
            out.append(n)
    return out


def preferred(names: list[PersonName], counts: dict[str, int]) -> PersonName:
    """The fullest correct form: most spelled-out given names, then accents and proper case, then
    the form seen most often."""
    return max(names, key=lambda n: (fullness(n), counts.get(n.full, 0), n.full))
