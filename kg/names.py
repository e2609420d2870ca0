"""Personal names: splitting printed names into parts, and the keys and tests people are matched on.

Splitting follows BibTeX's rules ("First von Last", "von Last, First", "von Last, Jr, First"), which
also read "Last, First" listings and plain "First Last" text correctly.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bibtexparser.middlewares.names import parse_single_name_into_parts

from .identifiers import person_id
from .records import PersonName
from .text import clean_whitespace, fold, latex_to_unicode, strip_accents

# Footnote marks that personal sites glue to names (al-folio: 'Einstein*', equal-contribution daggers).
_MARKS = re.compile(r"[*†‡§¶#\d]+$")
# dblp tells people of one name apart by a number of four digits after it ('Wei Li 0001'): the
# name with its number is that person's name in dblp.
_DBLP_NUMBER = re.compile(r"(?<=\S)\s+(\d{4})\s*(?=,|$)")
# Generational suffixes, folded: BibTeX's 'Jr' part of 'von Last, Jr, First'.
SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "2nd", "3rd", "4th"}
_PARTICLES = {"de", "del", "della", "der", "di", "da", "dos", "du", "la", "le", "van", "von", "den",
              "ter", "ten", "zu", "af", "al", "bin", "ibn", "y", "d", "l", "st"}


def _fix_case(part: str) -> str:
    """'CIAIS' -> 'Ciais', leaving mixed case ('McDonald'), initials ('M.') and short caps alone."""
    if len(part) > 2 and part.isupper() and part.replace("-", "").replace("'", "").isalpha():
        return "-".join(p.capitalize() for p in part.split("-"))
    return part


def _is_suffix(part: str) -> bool:
    """'Jr.', 'III', '3rd'; not initials such as 'I. I.', which fold to two words."""
    return fold(part) in SUFFIXES


@lru_cache(maxsize=131072)
def parse_name(printed: str, *, latex: bool = True) -> PersonName:
    """Split one printed name.

    >>> n = parse_name("Zimmer, Max"); (n.given, n.family)
    ('Max', 'Zimmer')
    >>> n = parse_name(r"W{\\"a}ldchen, Stephan"); (n.given, n.family)
    ('Stephan', 'Wäldchen')
    >>> n = parse_name("Philippe CIAIS"); (n.given, n.family, n.printed)
    ('Philippe', 'Ciais', 'Philippe CIAIS')
    >>> n = parse_name("Ludwig van Beethoven"); (n.given, n.particle, n.family)
    ('Ludwig', 'van', 'Beethoven')
    >>> parse_name("De Truchis, Aurelien").family
    'De Truchis'
    >>> n = parse_name("Kelleher, R. J., 3rd"); (n.given, n.family, n.suffix)
    ('R. J.', 'Kelleher', '3rd')
    >>> n = parse_name("Wei Li 0001"); (n.given, n.family, n.identifier)
    ('Wei', 'Li', 'dblp:Wei Li 0001')
    """
    printed = clean_whitespace(printed)
    text = latex_to_unicode(printed) if latex else printed
    homonym = _DBLP_NUMBER.search(text)
    if homonym:
        text = text[:homonym.start()] + text[homonym.end():]
    text = _MARKS.sub("", text).strip().rstrip(",")
    if not text:
        return PersonName(printed=printed)
    try:
        parts = parse_single_name_into_parts(text, strict=False)
        given = " ".join(parts.first)
        von = " ".join(parts.von)
        family = " ".join(parts.last)
        jr = " ".join(parts.jr)
    except Exception:  # a name the BibTeX rules cannot split is kept whole as a family name
        given, von, family, jr = "", "", text, ""
    if jr and _is_suffix(given) and not _is_suffix(jr):
        # 'Kelleher, R. J., 3rd' (as EndNote writes it): the generational suffix printed last.
        given, jr = jr, given
    elif not jr and _is_suffix(given):
        # 'Kelleher, 3rd,' (BibTeX's 'Last, Jr,' with no first name): no one's given name is '3rd'.
        given, jr = "", given
    strip = lambda s: clean_whitespace(s.replace("{", "").replace("}", ""))  # noqa: E731
    family = " ".join(_fix_case(p) for p in strip(family).split())
    given = " ".join(_fix_case(p) for p in strip(given).split())
    particle, suffix = strip(von), strip(jr)
    identifier = None
    if homonym and family:
        full = " ".join(p for p in (given, particle, family, suffix) if p)
        identifier = person_id("dblp", f"{full} {homonym.group(1)}")
    return PersonName(printed=printed, given=given, family=family, particle=particle, suffix=suffix,
                      identifier=identifier)


def family_key(name: PersonName) -> str:
    """Family name with its particle, folded and without spaces: "d'Aspremont" -> 'daspremont'."""
    return fold(f"{name.particle} {name.family}").replace(" ", "")


# A given name of two or three letters with a full stop is abbreviated ('Ch.' for Christian, 'Th.'
# for Thomas, 'Md.' for Mohammad, 'Wm.' for William), and stands, as an initial does, for any name
# it begins.
_ABBREVIATED = re.compile(r"(?<!\w)([^\W\d_])[^\W\d_]{1,2}\.")


def abbreviations_as_initials(given: str) -> str:
    """Given names with abbreviated ones written as initials.

    >>> [abbreviations_as_initials(g) for g in ("Ch.", "J.-Ph.", "Md. Anwarus", "Christian", "Bo")]
    ['C.', 'J.-P.', 'M. Anwarus', 'Christian', 'Bo']
    """
    return _ABBREVIATED.sub(r"\1.", given) if "." in given else given


def given_tokens(name: PersonName) -> list[str]:
    """Folded given-name tokens, hyphenated names split, abbreviated names as initials: 'Jean-Pierre
    M.' -> ['jean', 'pierre', 'm'], 'Ch.' -> ['c']."""
    return fold(abbreviations_as_initials(name.given)).split()


def is_initial(token: str) -> bool:
    return len(token) == 1


def initials(name: PersonName) -> str:
    return "".join(t[0] for t in given_tokens(name))


def given_compatible(a: PersonName, b: PersonName) -> bool:
    """Could these given names belong to one person? Initials match full names, a missing middle
    name is allowed, but two different spelled-out names never match.

    >>> given_compatible(parse_name("M. Zimmer"), parse_name("Max Zimmer"))
    True
    >>> given_compatible(parse_name("Una Kelly"), parse_name("Una M. Kelly"))
    True
    >>> given_compatible(parse_name("Max Zimmer"), parse_name("Moritz Zimmer"))
    False
    >>> given_compatible(parse_name("L. V. Koch"), parse_name("Laura Vargas Koch"))
    True
    """
    ta, tb = given_tokens(a), given_tokens(b)
    if not ta or not tb:
        return True
    if not _token_match(ta[0], tb[0]):
        return False
    # Remaining tokens: each token of the shorter list must match, in order, a token of the longer.
    rest_a, rest_b = ta[1:], tb[1:]
    short, long_ = (rest_a, rest_b) if len(rest_a) <= len(rest_b) else (rest_b, rest_a)
    i = 0
    for tok in short:
        while i < len(long_) and not _token_match(tok, long_[i]):
            i += 1
        if i == len(long_):
            return False
        i += 1
    return True


def _token_match(x: str, y: str) -> bool:
    if is_initial(x) or is_initial(y):
        return x[0] == y[0]
    return x == y


def fullness(name: PersonName) -> tuple[int, int, int, int]:
    """How complete a printed form is; the preferred name of a person maximizes this."""
    tokens = given_tokens(name)
    spelled = sum(1 for t in tokens if not is_initial(t))
    has_accents = int(strip_accents(name.full) != name.full)
    proper_case = int(not name.family.isupper() and not name.printed.isupper())
    return (spelled, len(tokens), has_accents + proper_case, len(name.full))


def display(name: PersonName) -> str:
    """The name in reading order with normalized case: 'Philippe CIAIS' -> 'Philippe Ciais'."""
    return name.full or name.printed


def is_particle(token: str) -> bool:
    return token.lower().rstrip("'’") in _PARTICLES
