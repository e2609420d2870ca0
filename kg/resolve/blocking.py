"""Blocking for person resolution: which author slots are compared with which.

Slots are compared only inside blocks, so the cost of person resolution grows with the number of
slots, not with its square. A slot's own blocks are its forms' family name with first initial
('meurers|d'). Persons formed so far are compared as wholes in those blocks and in blocks that join
forms one name rule apart: one whole name split differently into given and family names ('k:'),
family names one letter apart or printed with a doubled letter made single ('~'), a leading given
name left out ('2:'), a family name of several words printed with some left out ('w:'), and a
recorded short form of another initial ('n:').
"""

from __future__ import annotations

from collections import defaultdict

from ..progress import Ticker
from .namecompare import (
    DOUBLE_LEN, SPELLING_LEN, NameParts, family_runs, initials_only, near_spelling,
    recorded_short_forms, undoubled,
)


def person_blocks(forms: list[tuple[NameParts, ...]], ticker: Ticker | None = None
                  ) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """The blocks of slots (``forms``: each slot's printed forms, parsed) compared slot by slot, and
    those compared as persons: the same blocks with the ones that join forms one rule apart.
    ``ticker`` hears of each slot three times: placed in its blocks, its whole names keyed, and
    its share of the blocks that join forms one rule apart."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, slot_forms in enumerate(forms):
        for k in {p.block for p in slot_forms if p.family}:
            blocks[k].append(i)
        if ticker is not None:
            ticker.tick()
    # One name split differently ('Marta R. | Costa-jussà', 'Marta | R. Costa-jussà') lands in
    # two blocks; its whole-name key brings the persons together for the comparison as wholes.
    by_key: dict[str, set[str]] = defaultdict(set)
    members_by_key: dict[str, list[int]] = defaultdict(list)
    for i, slot_forms in enumerate(forms):
        for p in slot_forms:
            if p.key and p.family:
                by_key[p.key].add(p.family)
                members_by_key[p.key].append(i)
        if ticker is not None:
            ticker.tick()
    joined = dict(blocks)
    for k, families in by_key.items():
        if len(families) > 1:
            joined["k:" + k] = sorted(set(members_by_key[k]))
    rules = (lambda: near_family_blocks(blocks), lambda: second_name_blocks(forms, blocks),
             lambda: family_run_blocks(forms, blocks), lambda: short_form_blocks(forms, blocks))
    part = ticker.share(len(forms), len(rules)) if ticker is not None else None
    for rule in rules:
        joined.update(rule())
        if part is not None:
            part.tick()
    return dict(blocks), joined


def near_family_blocks(blocks: dict[str, list[int]]) -> dict[str, list[int]]:
    """Blocks joining family names that may be one printed two ways (:func:`near_spelling`), per
    first initial: 'bhattacharyya|p' with 'bhattacharya|p'. Candidates meet on the name with
    doubled letters made single, and on the name less any one letter (so that two names one edit
    apart share a key) -- a cost linear in the number of distinct family names."""
    families: dict[str, list[str]] = defaultdict(list)
    for block in blocks:
        family, _, initial = block.rpartition("|")
        families[initial].append(family)
    out: dict[str, list[int]] = {}
    for initial, names in families.items():
        by_key: dict[str, list[str]] = defaultdict(list)
        for f in names:
            if len(f) >= DOUBLE_LEN:
                by_key["=" + undoubled(f)].append(f)
            if len(f) >= SPELLING_LEN:
                by_key[f].append(f)
                for k in range(len(f)):
                    by_key[f[:k] + f[k + 1:]].append(f)
        groups: set[tuple[str, ...]] = set()
        for candidates in by_key.values():
            if len(candidates) < 2:
                continue
            near = {f for f in candidates for g in candidates if f != g and near_spelling(f, g)}
            if len(near) >= 2:
                groups.add(tuple(sorted(near)))
        for group in sorted(groups):
            members = sorted({i for f in group for i in blocks[f"{f}|{initial}"]})
            out["~" + "~".join(group) + "|" + initial] = members
    return out


def second_name_blocks(forms: list[tuple[NameParts, ...]], blocks: dict[str, list[int]]
                        ) -> dict[str, list[int]]:
    """Blocks where a name printed with a leading given name meets the same name without it:
    'W. Detmar Meurers' (block 'meurers|w') with 'Detmar Meurers' (block 'meurers|d')."""
    second: dict[str, set[int]] = defaultdict(set)
    for i, slot_forms in enumerate(forms):
        for p in slot_forms:
            if p.family and len(p.given) >= 2 and not initials_only(p.given[1]):
                second[f"{p.family}|{p.given[1][0]}"].add(i)
    return {"2:" + k: sorted(members.union(blocks[k])) for k, members in second.items()
            if k in blocks and not members <= set(blocks[k])}


def family_run_blocks(forms: list[tuple[NameParts, ...]], blocks: dict[str, list[int]]
                       ) -> dict[str, list[int]]:
    """Blocks where a family name of several words meets the same name printed with words left
    out: 'Manuel Montes-y-Gómez' (block 'montesygomez|m') with 'Manuel Montes' ('montes|m')."""
    runs: dict[str, set[int]] = defaultdict(set)
    for i, slot_forms in enumerate(forms):
        for p in slot_forms:
            if p.initial:
                for run in family_runs(p.family_words):
                    runs[f"{run}|{p.initial}"].add(i)
    return {"w:" + k: sorted(members.union(blocks[k])) for k, members in runs.items()
            if k in blocks and not members <= set(blocks[k])}


def short_form_blocks(forms: list[tuple[NameParts, ...]], blocks: dict[str, list[int]]
                       ) -> dict[str, list[int]]:
    """Blocks where a name printed with a recorded short form of another initial meets the long
    form ('Bill Dolan', block 'dolan|b', with 'William B. Dolan', block 'dolan|w'), and a long form
    its short forms of another initial."""
    recorded = recorded_short_forms()
    met: dict[str, set[int]] = defaultdict(set)
    for i, slot_forms in enumerate(forms):
        for p in slot_forms:
            if p.family and p.key:
                for other in recorded.get(p.given[0], ()):
                    if other[0] != p.initial:
                        met[f"{p.family}|{other[0]}"].add(i)
    return {"n:" + k: sorted(members.union(blocks[k])) for k, members in met.items()
            if k in blocks and not members <= set(blocks[k])}
