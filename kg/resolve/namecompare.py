"""How printed names compare: folded keys of a name, and which given and family names can be one
person's -- strictly (initials, a missing middle name, one name hyphenated or not), or loosely, for
what only strong evidence may link (a short form, a misspelling, a leading name left out).

:mod:`kg.resolve.people` decides on evidence which slots carrying such names are one person.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import NamedTuple

from nicknames import NickNamer
from rapidfuzz.distance import DamerauLevenshtein

from ..names import SUFFIXES, abbreviations_as_initials
from ..records import PersonName
from ..text import fold, strip_accents

# A name at least this long may be printed with one letter added, dropped, changed or two swapped
# ('Eiichro' for 'Eiichiro', 'Bhattacharya' for 'Bhattacharyya'); with doubled letters made single,
# one at least `DOUBLE_LEN` long ('Haris' for 'Harris'). Only the evidence a short form needs links them.
SPELLING_LEN = 6
DOUBLE_LEN = 4
_NON_WORD = re.compile(r"[\W_]+")
_UMLAUT = re.compile(r"([aou])e")
_DOUBLE = re.compile(r"(\w)\1+")
# A 'j' before 'a', 'e' or 'o' inside a name is how German, Scandinavian and Slavic spellings write
# the 'y' of English transliterations ('Anja' ~ 'Anya', 'Maja' ~ 'Maya'); pinyin's 'j' comes only
# before 'i' or 'u' ('Minju' and 'Minyu', 'Jing' and 'Ying' are two names). Like any variant
# spelling, it links only on the evidence a misspelling needs.
_J_Y = re.compile(r"(?<=\w)j(?=[aeo])")
_PINYIN_V = re.compile(r"^([ln])v(e?)$")  # the syllables of 'ü' after l and n: lü, nü, lüe, nüe


def _ufold(text: str) -> str:
    """Like :func:`kg.text.fold`, but letters of every script are kept (a family name written in
    Chinese characters or Cyrillic must not fold to nothing)."""
    return _NON_WORD.sub(" ", strip_accents(text).lower()).strip()


class NameParts(NamedTuple):
    """The comparison keys of one printed name."""

    family: str  # folded family name with particle, no spaces or hyphens, suffixes dropped
    given: tuple[str, ...]  # folded given names, one per name; the parts of a hyphenated name
    # stay together ('Jean-Pierre M.' -> ('jean-pierre', 'm'); "Jun'ichi" -> ('jun-ichi',))
    initial: str  # the first given initial ('' without a given name)
    key: str  # the whole spelled name as one string of letters ('' when the first given name is an
    # initial): equal for 'Jun'ichi Tsujii' and 'Junichi Tsujii', and for 'Marta R. | Costa-jussà'
    # and 'Marta | R. Costa-jussà' (the same name split differently)
    family_words: tuple[str, ...] = ()  # the folded words of the family name, particle included
    # ('Montes-y-Gómez' -> ('montes', 'y', 'gomez'))

    @property
    def block(self) -> str:
        return f"{self.family}|{self.initial}"

    @property
    def first(self) -> str:
        """The first given name in one piece ('jun-ichi' -> 'junichi')."""
        return self.given[0].replace("-", "") if self.given else ""


_BOUND = re.compile(r"\.?\s*[-\u2010\u2011'\u2019`]+\s*")  # hyphens and apostrophes bind name parts
_UNIT_SPLIT = re.compile(r"[^\w-]+")


def given_units(given: str) -> tuple[str, ...]:
    """Folded given names: 'J.-P. Martin' style initials, hyphens and apostrophes kept as '-'.

    >>> given_units("Jean-Pierre M."), given_units("J.-Ph."), given_units("Jun’ichi")
    (('jean-pierre', 'm'), ('j-p',), ('jun-ichi',))
    >>> given_units("Ch. R."), given_units("Md. Anwarus")
    (('c', 'r'), ('m', 'anwarus'))
    """
    text = _BOUND.sub("-", strip_accents(abbreviations_as_initials(given)).lower())
    units = (u.strip("-") for u in _UNIT_SPLIT.split(text))
    return tuple(u for u in units if u)


@lru_cache(maxsize=1 << 18)
def _parts(given: str, particle: str, family: str) -> NameParts:
    # 'Schuetze' is how 'Schütze' is written without the umlaut: both fold to 'schutze'.
    fam = [_UMLAUT.sub(r"\1", w) if len(w) >= 5 else w  # not pinyin 'Xue', 'Yue'
           for w in _ufold(f"{particle} {family}").split()]
    # Pinyin written without diacritics puts 'v' for 'ü' ('Lv' for 'Lü'), which folds to 'u'.
    fam = [_PINYIN_V.sub(r"\1u\2", w) for w in fam]
    while len(fam) > 1 and fam[-1] in SUFFIXES:
        fam.pop()
    units = given_units(given)
    spelled = bool(units) and not initials_only(units[0])
    fkey = "".join(fam)
    return NameParts(family=fkey, given=units, initial=units[0][0] if units else "",
                     key=("".join(units).replace("-", "") + fkey) if spelled and fkey else "",
                     family_words=tuple(fam))


def name_parts(name: PersonName) -> NameParts:
    return _parts(name.given, name.particle, name.family)


def initials_only(unit: str) -> bool:
    """Is this folded given name only initials ('j', 'j-p')?"""
    return all(len(p) == 1 for p in unit.split("-"))


def _unit_match(x: str, y: str) -> bool:
    """One given name against another: equal when written in one piece; initials match the names
    they abbreviate ('j' ~ 'jean-pierre', 'j-p' ~ 'jean-pierre'); a name never matches another name,
    nor the first part of a hyphenated one ('ting' !~ 'ting-wei')."""
    if x == y or x.replace("-", "") == y.replace("-", ""):
        return True
    px, py = x.split("-"), y.split("-")
    if initials_only(x) or initials_only(y):
        a, b = "".join(p[0] for p in px), "".join(p[0] for p in py)
        return a.startswith(b) or b.startswith(a)
    return len(px) == len(py) and all(
        a == b or (len(a) == 1 or len(b) == 1) and a[0] == b[0] for a, b in zip(px, py))


@lru_cache(maxsize=1 << 16)
def given_compatible(ta: tuple[str, ...], tb: tuple[str, ...]) -> bool:
    """Could these folded given names (:func:`given_units`) belong to one person? Initials match
    names, a missing middle name is allowed, a name written in one piece matches its hyphenated
    form; two different spelled-out names never match.

    >>> given_compatible(("m",), ("max",)), given_compatible(("max",), ("moritz",))
    (True, False)
    >>> given_compatible(("jun-ichi",), ("junichi",)), given_compatible(("una",), ("una", "m"))
    (True, True)
    >>> given_compatible(("ting",), ("ting-wei",)), given_compatible(("chew", "lim"), ("chew-lim",))
    (False, True)
    """
    if not ta or not tb or ta == tb:
        return True
    if "".join(ta).replace("-", "") == "".join(tb).replace("-", ""):
        return True  # one name written in one piece, hyphenated or in two ('Chew Lim', 'Chew-Lim')
    if not _unit_match(ta[0], tb[0]):
        return False
    # The other names of the shorter list must each match, in order, a name of the longer one.
    short, long_ = sorted((ta[1:], tb[1:]), key=len)
    rest = iter(long_)
    return all(any(_unit_match(name, other) for other in rest) for name in short)


def nickname_compatible(ta: tuple[str, ...], tb: tuple[str, ...], *,
                        compound: Callable[[str, str], bool] | None = None) -> bool:
    """Given names that may be one name and its short form: the same, first names of which one
    is the start of the other, at least two letters longer, or with a diminutive ending ('Dan' ~
    'Daniel', 'Kathy' ~ 'Kathleen'), or of which one is the first part of the other, hyphenated
    ('Ionut' ~ 'Ionut-Teodor'), the rest compatible; or a recorded short form of the other
    (:func:`recorded_short_forms`: 'Bill' ~ 'William', 'Bill' ~ 'W. B.', 'Liz' ~ 'Elizabeth').
    Only strong evidence links such names.
    When ``compound(start, rest)`` says the long form is a name made of two ('Yue' and 'Wei' in
    'Yuewei', 'Anne' and 'Marie' in 'Annemarie'), it is not a longer form of the short one.

    >>> nickname_compatible(("dan",), ("daniel",)), nickname_compatible(("kathy",), ("kathleen",))
    (True, True)
    >>> nickname_compatible(("max",), ("moritz",)), nickname_compatible(("yan",), ("yang",))
    (False, False)
    >>> nickname_compatible(("ionut",), ("ionut-teodor",)), nickname_compatible(("io",), ("ionut",))
    (True, False)
    >>> nickname_compatible(("yue",), ("yuewei",), compound=lambda start, rest: rest == "wei")
    False
    >>> nickname_compatible(("bill",), ("w", "b")), nickname_compatible(("bill",), ("walter",))
    (True, False)
    >>> nickname_compatible(("william",), ("bill",)), nickname_compatible(("william",), ("b",))
    (True, False)
    """
    if given_compatible(ta, tb):
        return True
    if ta and tb and _first_part(ta[0], tb[0]):
        return given_compatible(ta[1:], tb[1:])
    if ta and tb and (_recorded_fit(ta, tb) or _recorded_fit(tb, ta)):
        return True
    if not ta or not tb or "-" in ta[0] + tb[0] or len(ta[0]) < 3 or len(tb[0]) < 3:
        return False
    short, long_ = sorted((ta[0], tb[0]), key=len)
    n = 0
    while n < len(short) and short[n] == long_[n]:
        n += 1
    if n < 3 or short[n:] not in ("", "y", "ie") or len(long_) - n < 2 or (
            compound is not None and compound(long_[:n], long_[n:])):
        return False
    return given_compatible((long_,) + ta[1:], (long_,) + tb[1:])


@lru_cache(maxsize=1)
def recorded_short_forms() -> dict[str, frozenset[str]]:
    """Folded given name -> the names it is recorded with as a short or a long form ('bill' ->
    'william', 'willie', ...; 'william' -> 'bill', 'will', ...), from the hand-curated English data
    set of the `nicknames` package. Short forms that share no start with their name ('Bill',
    'Liz', 'Bob', 'Ted') cannot be found by their letters. Its names are folded as given names
    are (:func:`given_units`); entries that are initials ('k.c.') or several names are left out."""

    def unit(name: str) -> str | None:
        units = given_units(name)
        return units[0] if len(units) == 1 and not initials_only(units[0]) else None

    out: dict[str, set[str]] = {}
    for name, shorts in NickNamer().nickname_lookup.items():
        long_ = unit(name)
        for short in map(unit, shorts):
            if long_ and short and short != long_:
                out.setdefault(short, set()).add(long_)
                out.setdefault(long_, set()).add(short)
    return {k: frozenset(v) for k, v in out.items()}


def _recorded_fit(ta: tuple[str, ...], tb: tuple[str, ...]) -> bool:
    """Does the first given name of ``ta``, read as a name it is recorded with, fit ``tb``? Against
    a spelled-out name, any recorded form ('Bill' ~ 'William B.', 'William' ~ 'Bill'); against an
    initial, only a longer one, as an initial abbreviates the full name ('Bill' ~ 'W. B.', not
    'William' ~ 'B.')."""
    if initials_only(ta[0]):
        return False
    initial = initials_only(tb[0])
    return any(given_compatible((other,) + ta[1:], tb)
               for other in recorded_short_forms().get(ta[0], ())
               if not initial or len(other) > len(ta[0]))


def _first_part(x: str, y: str) -> bool:
    """Is one given name the first part of the other, hyphenated ('marie' of 'marie-helene')?"""
    for a, b in ((x, y), (y, x)):
        if "-" in b and "-" not in a and not initials_only(a) and b.split("-", 1)[0] == a:
            return True
    return False


def undoubled(text: str) -> str:
    """The text with every doubled letter made single: 'phillippe' -> 'philipe'."""
    return _DOUBLE.sub(r"\1", text)


def near_spelling(x: str, y: str) -> bool:
    """Two folded names that may be one name printed two ways: the same with doubled letters made
    single ('phillippe' ~ 'philippe'), an umlaut written out ('joerg' for 'Jörg' ~ 'jorg') or a
    'j' written 'y' ('anja' ~ 'anya', not 'minju' ~ 'minyu'), or,
    both at least `SPELLING_LEN` letters long, one letter added, dropped or changed, or two swapped
    ('eiichro' ~ 'eiichiro', 'guenter' ~ 'gunter'). The first letter is never in question.

    >>> near_spelling("harris", "haris"), near_spelling("bhattacharya", "bhattacharyya")
    (True, True)
    >>> near_spelling("joerg", "jorg"), near_spelling("jorg", "jurg")
    (True, False)
    >>> near_spelling("anja", "anya"), near_spelling("minju", "minyu"), near_spelling("jana", "yana")
    (True, False, False)
    >>> near_spelling("eiichro", "eiichiro"), near_spelling("yang", "yan"), near_spelling("lee", "le")
    (True, False, False)
    """
    x, y = x.replace("-", ""), y.replace("-", "")
    if x == y:
        return True
    if x[:1] != y[:1]:
        return False
    short = min(len(x), len(y))
    if short >= DOUBLE_LEN and (undoubled(x) == undoubled(y)
                                or _UMLAUT.sub(r"\1", x) == _UMLAUT.sub(r"\1", y)
                                or ("j" in x or "j" in y) and _J_Y.sub("y", x) == _J_Y.sub("y", y)):
        return True
    return short >= SPELLING_LEN and DamerauLevenshtein.distance(x, y, score_cutoff=1) <= 1


def spelling_compatible(ta: tuple[str, ...], tb: tuple[str, ...]) -> bool:
    """Given names of which one may be the other misspelt: first names near in spelling
    (:func:`near_spelling`), the rest compatible.

    >>> spelling_compatible(("phillippe",), ("philippe",)), spelling_compatible(("max",), ("mux",))
    (True, False)
    """
    if not ta or not tb or initials_only(ta[0]) or initials_only(tb[0]) or not near_spelling(ta[0], tb[0]):
        return False
    return given_compatible((ta[0],) + ta[1:], (ta[0],) + tb[1:])


def leading_name_dropped(ta: tuple[str, ...], tb: tuple[str, ...]) -> bool:
    """One person's given names printed once with and once without a leading name or initial
    that the person does not go by: ('w', 'detmar') ~ ('detmar',), ('gary', 'geunbae') ~
    ('geunbae',). The name that stays must be spelled out in both.

    >>> leading_name_dropped(("w", "detmar"), ("detmar",)), leading_name_dropped(("w", "d"), ("d",))
    (True, False)
    """
    for a, b in ((ta, tb), (tb, ta)):
        if len(a) >= 2 and b and not initials_only(a[1]) and not initials_only(b[0]) and \
                given_compatible(a[1:], b):
            return True
    return False


def family_runs(words: tuple[str, ...]) -> Iterator[str]:
    """The family names a family name of several words may be printed as with words left out: its
    leading and its trailing runs of words, of at least `DOUBLE_LEN` letters ('Montes-y-Gómez' ->
    'montes', 'montesy', 'ygomez', 'gomez')."""
    for k in range(1, len(words)):
        for run in (words[:k], words[k:]):
            joined = "".join(run)
            if len(joined) >= DOUBLE_LEN:
                yield joined


def family_part_dropped(a: NameParts, b: NameParts) -> bool:
    """One family name printed once whole and once with words left out, as double family names and
    hyphenated married names are ('Montes-y-Gómez' ~ 'Montes', 'Ruiz Costa-jussà' ~ 'Costa-jussà',
    'Eshkol-Taravella' ~ 'Eshkol'). The words kept must be a leading or trailing run.

    >>> w = lambda f: NameParts(f.replace(" ", ""), (), "", "", tuple(f.split()))
    >>> family_part_dropped(w("montes y gomez"), w("montes")), family_part_dropped(w("li"), w("li wang"))
    (True, False)
    """
    for long, short in ((a, b), (b, a)):
        if len(long.family_words) > len(short.family_words) and short.family in family_runs(
                long.family_words):
            return True
    return False


def names_compatible(a: PersonName, b: PersonName) -> bool:
    """Could two printed names be one person's? The same family name (a dropped particle allowed:
    'Truchis' ~ 'De Truchis') and compatible given names."""
    pa, pb = name_parts(a), name_parts(b)
    if not pa.family or not pb.family:
        return False
    if pa.family != pb.family:
        la, lb = fold(a.family).split()[-1:], fold(b.family).split()[-1:]
        if not (la and la == lb and (a.particle or b.particle or len(a.family.split()) != len(
                b.family.split()))):
            return False
    return given_compatible(pa.given, pb.given)
