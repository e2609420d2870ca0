"""Venue names: series vs edition, ordinals, tags like 'ICLR24', workshops held at a conference, repositories.

A printed venue is analysed into a :class:`VenueKey`: the series it belongs to (a key that is equal for
'The Twelfth International Conference on Learning Representations' and 'In International Conference on
Learning Representations, 2024'), its acronym where the data shows one, and what identifies the edition.
:func:`join_series` then joins the keys that name one series (an acronym printed alone, a shared
ISSN, an ISO 4 abbreviation, the curation file's venue statements).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..records import Kind, Record
from ..text import clean_whitespace, fold, latex_to_unicode, strip_accents

if TYPE_CHECKING:  # the curation module reads venue names with analyse(): no import at run time
    from .curation import Curation

_UNITS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
          "eighth": 8, "ninth": 9}
_TEENS = {"tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
          "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19}
_TENS_ORD = {"twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50, "sixtieth": 60,
             "seventieth": 70, "eightieth": 80, "ninetieth": 90}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_ORDINAL_WORD = (
    r"(?:(?:" + "|".join(_TENS) + r")[-\s]?(?:" + "|".join(_UNITS) + r")|"
    + "|".join(list(_TEENS) + list(_TENS_ORD) + list(_UNITS)) + r")"
)
_ORDINAL = re.compile(
    r"^(?:the\s+)?(?:(?P<num>\d{1,3})(?:st|nd|rd|th)|(?P<word>" + _ORDINAL_WORD + r"))\b[\s.]*",
    re.IGNORECASE,
)
# 'In Proceedings of the', 'In: Proc. of', 'Proc. ICLR', 'Proceedings 4th International ...'.
_PROCEEDINGS = re.compile(r"^(?:in:?\s+)?(?:(?:the\s+)?proc(?:eedings|\.)?(?:\s+of\s+(?:the\s+)?"
                          r"|\s+(?-i:(?=[A-Z0-9]))))?", re.IGNORECASE)
# How a paper was presented, printed after the venue: 'ICLR (Poster)', 'ICLR 2023 oral'.
_PRESENTATION = re.compile(r"[\s,]*[(\[]?\b(?:poster|oral|spotlight|notable[\w\s%-]*|highlight)"
                           r"(?:\s+(?:paper|presentation|track))?[)\]]?\s*$", re.IGNORECASE)
_LEADING_YEAR = re.compile(r"^(?:(?:19|20)\d{2})\s+")
_TRAILING_YEAR = re.compile(r"(?:[\s,]+(?:'\d{2}|(?:19|20)\d{2})|(?<=[A-Za-z])'\d{2})\s*$")  # "ICLR'23"
# 'Advances in Neural Information Processing Systems 33': a trailing number is the edition's volume.
_TRAILING_NUMBER = re.compile(r"(?<=[A-Za-z])\s+(\d{1,3})\s*$")
_ACRONYM_PAREN = re.compile(r"\s*\(\s*([A-Z][A-Za-z&\-]*[A-Z][A-Za-z]*)\s*(?:'?\d{2}|\d{4})?\s*\)")
_LEADING_TAG = re.compile(r"^([A-Z][A-Za-z&\-]*[A-Z][A-Za-z]*)\s?('\d{2}|(?:19|20)\d{2}):\s+")
# A proceedings title numbered by volume, a subtitle after it.
_NUMBERED_TITLE = re.compile(r"^(?P<title>[^()]*?[^\W\d_]{2,})\s+(?P<number>\d{1,3}):\s+\S.*$")
# Lecture Notes' titles: a topic, a dash and the edition's tag, then perhaps its subtitle.
_INNER_TAG = re.compile(r"^(?P<title>\S.*?)(?:\s+-\s+|\s*(?:--|–|—)\s*)(?P<acronym>[A-Z][A-Za-z0-9&/+\-]*[A-Z]"
                        r"[A-Za-z0-9]*)\s?(?P<year>(?:19|20)\d{2})(?:\s*(?::|--?|–|—)\s*(?P<rest>\S.*))?$")
_PART_WORD = re.compile(r"\b(?:volume|vol|no|number|part|issue|preprint|\d+)\s*\.?$", re.IGNORECASE)
_TAG = re.compile(r"^([A-Z][A-Za-z&\-]*[A-Za-z])\s?'?(\d{2}|\d{4})$")
_HOSTED_PREFIX = re.compile(
    r"^(?P<host>[A-Z][A-Za-z&\-]*[A-Z][A-Za-z]*)\s?'?(?P<year>\d{4}|\d{2})\s+(?P<rest>.*\bworkshops?\b.*)$",
    re.IGNORECASE)
_HOSTED_SUFFIX = re.compile(
    r"^(?P<rest>.*\bworkshops?\b.*?)\s+(?:at|@|co-located with)\s+(?P<host>[A-Z][A-Za-z&\-]+)\s?'?"
    r"(?P<year>\d{4}|\d{2})?$", re.IGNORECASE)
_WORKSHOP_ON = re.compile(r"^(?:the\s+)?(?:\d+(?:st|nd|rd|th)\s+)?(?:international\s+)?workshops?\s+on\s+"
                          r"(?:the\s+)?", re.IGNORECASE)
# Bibliographic databases print a proceedings' title with the edition's particulars after it, one
# comma-separated part each: 'The Eleventh International Conference on Learning Representations, ICLR
# 2023, Kigali, Rwanda, May 1-5, 2023' (dblp, ACM). The first part that is an acronym with its year
# or a date starts them; what follows is where and when the edition met.
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAYS = r"\d{1,2}(?:st|nd|rd|th)?(?:\s*[-–]+\s*(?:" + _MONTH + r"\s+)?\d{1,2}(?:st|nd|rd|th)?)?"
_DATE_PART = re.compile(
    r"(?:" + _DAYS + r"\s+" + _MONTH + r"(?:\s*[-–]+\s*" + _DAYS + r"\s+" + _MONTH + r")?"
    r"|" + _MONTH + r"\s+" + _DAYS + r"|" + _MONTH + r")"
    r"(?:,?\s+(?:19|20)\d{2})?|(?:19|20)\d{2}", re.IGNORECASE)
_ONLINE_PART = re.compile(r"(?:virtual|online)(?:\s+(?:event|conference|only))?", re.IGNORECASE)
# A place is printed as a few capitalised words: 'Glasgow', 'UK', 'Las Vegas', 'Palau de Congressos'.
_PLACE_PART = re.compile(r"[^\W\d][\w.'’-]*(?:\s+(?:(?:de|del|di|la|le|du|am|an|da)\s+)?"
                         r"[^\W\d][\w.'’-]*){0,2}")
_NOT_A_PLACE = re.compile(r"\b(?:conference|workshop|symposium|proceedings|meeting|congress|"
                          r"colloquium|forum|school|seminar|summit|session|track|papers?|volume|"
                          r"part|international|annual|national|joint|journal|society|association|"
                          r"systems?|science|sciences|learning|research|computing|engineering|"
                          r"language|technology|technologies)\b", re.IGNORECASE)
_VOLUME_PART = re.compile(r"(?:(?:revised\s+)?(?:selected\s+)?(?:papers|proceedings)[.,]?\s*)?"
                          r"(?:part\s+[ivxlcd\d]+|vol(?:ume|\.)?\s*\d+)|(?:revised\s+)?(?:selected\s+)?"
                          r"(?:papers|proceedings)", re.IGNORECASE)
_ACRONYM_YEAR_PART = re.compile(
    r"\(?(?P<acronym>[A-Z][A-Za-z0-9&/+\-]*[A-Z][A-Za-z0-9]*)\s?(?P<year>'\d{2}|(?:19|20)\d{2})\)?")


_TOP_LEVEL_COMMA = re.compile(r",(?![^()]*\))")  # not inside '(Depling, SyntaxFest 2019)'


def split_particulars(text: str) -> tuple[str, str | None, int | None]:
    """A proceedings' title without the edition's acronym, place and dates printed after it, with
    the acronym and the year they give.

    >>> split_particulars("The Eleventh International Conference on Learning Representations, "
    ...                   "ICLR 2023, Kigali, Rwanda, May 1-5, 2023")
    ('The Eleventh International Conference on Learning Representations', 'ICLR', 2023)
    >>> split_particulars("International Conference on Artificial Intelligence and Statistics, "
    ...                   "2-4 May 2024, Palau de Congressos, Valencia, Spain")
    ('International Conference on Artificial Intelligence and Statistics', None, 2024)
    >>> split_particulars("Computer Vision - ECCV 2020 - 16th European Conference, Glasgow, UK, "
    ...                   "August 23-28, 2020, Proceedings, Part I")
    ('Computer Vision - ECCV 2020 - 16th European Conference', None, 2020)
    >>> split_particulars("Lab. for Computer Science, M.I.T.")
    ('Lab. for Computer Science, M.I.T.', None, None)
    """
    parts = [p.strip() for p in _TOP_LEVEL_COMMA.split(text)]
    for i in range(1, len(parts)):
        part = parts[i]
        acronym = None
        m = _ACRONYM_YEAR_PART.fullmatch(part)
        if m:
            acronym = m.group("acronym")
        elif _VOLUME_PART.fullmatch(part):
            pass
        elif _DATE_PART.fullmatch(part) or _ONLINE_PART.fullmatch(part):
            # Where the edition met is printed before when: 'Glasgow, UK, August 23-28, 2020'.
            while i > 1 and _PLACE_PART.fullmatch(parts[i - 1]) and not _NOT_A_PLACE.search(parts[i - 1]):
                i -= 1
        else:
            continue
        head = ", ".join(parts[:i])
        if len(head.split()) < 2 or any(re.search(r"\bworkshops?\b", p, re.IGNORECASE) for p in parts[i:]):
            return text, None, None  # a conference's workshop track is a venue of its own
        y = re.search(r"\b(?:19|20)\d{2}\b", ", ".join(parts[i:]))
        if y:
            return head, acronym, int(y.group(0))
        return head, acronym, expand_year(m.group("year")[1:]) if m else None
    return text, None, None


_REPOSITORIES = [
    (re.compile(r"\barxiv\b|\bcorr\b", re.IGNORECASE), "arXiv"),
    (re.compile(r"\bbiorxiv\b", re.IGNORECASE), "bioRxiv"),
    (re.compile(r"\bmedrxiv\b", re.IGNORECASE), "medRxiv"),
    (re.compile(r"\bssrn\b", re.IGNORECASE), "SSRN"),
]


def ordinal_value(text: str) -> int | None:
    """'Twelfth' -> 12, 'Forty-first' -> 41, '33rd' -> 33."""
    m = _ORDINAL.match(text.strip())
    if not m:
        return None
    if m.group("num"):
        return int(m.group("num"))
    word = m.group("word").lower().replace(" ", "-")
    for table in (_UNITS, _TEENS, _TENS_ORD):
        if word in table:
            return table[word]
    tens, _, unit = word.partition("-")
    if not unit:  # 'fortyfirst'
        for t in _TENS:
            if word.startswith(t):
                tens, unit = t, word[len(t):]
    return _TENS.get(tens, 0) + _UNITS.get(unit, 0) or None


def expand_year(text: str) -> int:
    """'24' -> 2024, '98' -> 1998, '2023' -> 2023 (two-digit years pivot at 50)."""
    y = int(text)
    if y >= 100:
        return y
    return 2000 + y if y < 50 else 1900 + y


@dataclass(frozen=True)
class Tag:
    acronym: str
    year: int | None


def parse_tag(text: str | None) -> Tag | None:
    """'ICLR24' -> Tag('ICLR', 2024); 'ICLR 2024' -> the same."""
    if not text:
        return None
    m = _TAG.match(text.strip())
    if not m:
        return None
    return Tag(m.group(1), expand_year(m.group(2)))


@dataclass(frozen=True)
class VenueKey:
    """What a printed venue tells about its series and edition."""

    series_key: str  # equal for every printed form of one series
    series_name: str  # the series' name without ordinal, year and 'Proceedings of'
    kind: str  # 'conference', 'workshop', 'journal', 'repository', 'book', 'other'
    acronym: str | None = None
    ordinal: int | None = None
    year: int | None = None  # the edition's year when the name or tag carries it
    host: Tag | None = None  # the conference a workshop was held at
    edition_name: str | None = None  # the full printed name of the edition


_KIND_NAMES = {Kind.CONFERENCE: "conference", Kind.WORKSHOP: "workshop", Kind.JOURNAL: "journal",
               Kind.PREPRINT: "repository", Kind.BOOK: "book", Kind.CHAPTER: "book",
               Kind.PROCEEDINGS: "conference", Kind.THESIS: "school", Kind.REPORT: "institution",
               # the repository that holds a data set or a program stands as its own edition
               Kind.DATASET: "repository", Kind.SOFTWARE: "repository"}


def analyse(name: str, *, kind: Kind = Kind.UNKNOWN, tag: str | None = None,
            host: str | None = None) -> VenueKey:
    """Analyse a printed venue name (plus the tag and host printed beside it, if any).

    >>> v = analyse("The Twelfth International Conference on Learning Representations", tag="ICLR24")
    >>> (v.series_key, v.acronym, v.ordinal, v.year)
    ('international conference on learning representations', 'ICLR', 12, 2024)
    >>> analyse("In International Conference on Learning Representations, 2023").series_key
    'international conference on learning representations'
    >>> v = analyse("ICLR 2024 Workshop on AI4DifferentialEquations In Science", kind=Kind.WORKSHOP)
    >>> (v.series_key, v.host, v.kind)
    ('ai4differentialequations in science', Tag(acronym='ICLR', year=2024), 'workshop')
    >>> analyse("arXiv preprint arXiv:2306.16788").series_key
    'arxiv'
    """
    text = clean_whitespace(latex_to_unicode(name))
    edition_name = text
    for pattern, repo in _REPOSITORIES:
        if pattern.search(text) and (kind in (Kind.PREPRINT, Kind.UNKNOWN, Kind.OTHER, Kind.JOURNAL)
                                     or re.search(r"preprint|e-?print", text, re.IGNORECASE)):
            return VenueKey(series_key=fold(repo), series_name=repo, kind="repository",
                            acronym=None, edition_name=repo)
    tag_info = parse_tag(tag)
    host_info = parse_tag(host)
    lead = _LEADING_TAG.match(text)  # ACM: "KDD '19: Proceedings of the 25th ACM SIGKDD ..."
    if lead and len(text) > lead.end():
        tag_info = tag_info or Tag(lead.group(1), expand_year(lead.group(2).lstrip("'")))
        text = text[lead.end():]
    if kind != Kind.JOURNAL:
        text = _PRESENTATION.sub("", text) or text
    proceedings = _PROCEEDINGS.match(text)
    # 'Proceedings of the London Mathematical Society' is a journal's name: the series key goes
    # without the words, as a conference's does, but the name keeps them.
    kept = re.sub(r"^in\s+", "", proceedings.group(0), flags=re.IGNORECASE) if kind == Kind.JOURNAL else ""
    text = text[proceedings.end():].strip()
    printed_acronym = printed_year = printed_volume = None
    if kind not in (Kind.JOURNAL, Kind.PREPRINT):
        text, printed_acronym, printed_year = split_particulars(text)
        im = _INNER_TAG.match(text)
        if im:  # Springer's 'Computer Vision – ECCV 2020: 16th European Conference'
            text = f"{im.group('title')} – {im.group('acronym')}"
            printed_acronym = printed_acronym or im.group("acronym")
            printed_year = printed_year or int(im.group("year"))
            if im.group("rest") and _ORDINAL.match(im.group("rest")):
                printed_volume = ordinal_value(im.group("rest"))
        nm = _NUMBERED_TITLE.match(text)
        if nm and len(nm.group("title").split()) >= 2 and not _PART_WORD.search(nm.group("title")):  # 'Advances in Neural Information Processing Systems 36: Annual Conference on ...'
            text, printed_volume = nm.group("title"), int(nm.group("number"))
    m = _HOSTED_PREFIX.match(text)
    if m:
        host_info = host_info or Tag(m.group("host"), expand_year(m.group("year")))
        text = m.group("rest")
    else:
        m = _HOSTED_SUFFIX.match(text)
        if m:
            yr = m.group("year")
            host_info = host_info or Tag(m.group("host"), expand_year(yr) if yr else None)
            text = m.group("rest")
    ordinal = None
    year = None
    for _ in range(3):  # 'The 2024 Twelfth ...', 'Twelfth ... 2024': strip in any order
        changed = False
        om = _ORDINAL.match(text)
        if om and len(text) > om.end():
            ordinal = ordinal or ordinal_value(text)
            text = text[om.end():].strip()
            changed = True
        ym = _LEADING_YEAR.match(text)
        if ym:
            year = year or int(ym.group(0))
            text = text[ym.end():].strip()
            changed = True
        ty = _TRAILING_YEAR.search(text)
        if ty and ty.start() >= 2:
            year = year or expand_year(ty.group(0).strip(" ,'"))
            text = text[: ty.start()].strip()
            changed = True
        tn = _TRAILING_NUMBER.search(text)
        if tn and len(text.split()) >= 3:
            ordinal = ordinal or int(tn.group(1))
            text = text[: tn.start()].strip()
            changed = True
        if not changed:
            break
    year = year or printed_year
    ordinal = ordinal or printed_volume
    acronym = None
    am = _ACRONYM_PAREN.search(text)
    if am:
        acronym = am.group(1)
    acronym = acronym or printed_acronym
    vkind = _KIND_NAMES.get(kind, "other")
    if re.search(r"\bworkshops?\b", text, re.IGNORECASE):
        vkind = "workshop"
    elif vkind in ("other",) and re.search(r"\bconference\b|\bsymposium\b|\bcongress\b", text, re.IGNORECASE):
        vkind = "conference"
    series_name = text
    if vkind == "workshop":
        # A workshop's name carries the year's theme after a colon; the series is the part before it.
        series_name = re.split(r":\s+", series_name, maxsplit=1)[0]
    key_text = _ACRONYM_PAREN.sub(" ", series_name)
    if vkind == "workshop":
        key_text = _WORKSHOP_ON.sub("", key_text)
    series_key = re.sub(r"^the ", "", fold(key_text))
    if acronym is None and re.fullmatch(r"[A-Z][A-Za-z&\-]*[A-Z][A-Za-z]*", series_name.strip()):
        acronym = series_name.strip()  # the venue is printed by its acronym alone ('NeurIPS 2020')
    if tag_info:
        if vkind == "workshop" and host_info is None:
            host_info = tag_info
        elif vkind != "workshop":
            acronym = acronym or tag_info.acronym
            year = year or tag_info.year
    if not series_key:
        series_key = fold(acronym or name)
    return VenueKey(series_key=series_key, series_name=kept + _series_name(series_name), kind=vkind,
                    acronym=acronym, ordinal=ordinal, year=year, host=host_info,
                    edition_name=edition_name)


_ABBREVIATED = re.compile(r"[^\W\d]\.(?=[\s,;:)]|[^\W\d])")  # 'Ann. ', 'M.I', not '2.0'


def _series_name(text: str) -> str:
    """A series name without the punctuation it ends on, but for the dot of an abbreviated name
    ('Math. Ann.', 'Lab. for Computer Science, M.I.T.'), where it is part of the last word.

    >>> _series_name("Proceedings of the Annual Meeting.")
    'Proceedings of the Annual Meeting'
    >>> _series_name("Math. Ann.")
    'Math. Ann.'
    >>> _series_name("J. Comb. Theory, Ser. B,")
    'J. Comb. Theory, Ser. B'
    >>> _series_name("Web 2.0 Conference.")
    'Web 2.0 Conference'
    """
    name = text.strip(" ,.;")
    if text.rstrip(" ,;").endswith(".") and _ABBREVIATED.search(name):
        return name + "."
    return name


# Words an abbreviation leaves out (ISO 4, NLM): articles, prepositions, conjunctions. A capital
# single letter is kept: it is 'Series A', not the article.
_GLUE_WORDS = frozenset({"a", "an", "and", "at", "de", "der", "des", "di", "die", "du", "et", "for", "fur",
                         "in", "la", "le", "of", "on", "the", "to", "und"})
_NAME_WORD = re.compile(r"([^\W_]+)(\.?)")
_NUMBERED_WORD = re.compile(r"\d|^[ivxlc]+$")  # a number, or a Roman numeral


def name_words(name: str) -> tuple[tuple[str, bool], ...]:
    """The words a series name is compared on when one printing may abbreviate another: folded,
    without 'Proceedings of' and glue words, each with whether it was printed with a dot.

    >>> name_words("J.~Mach. Learn. Res.")
    (('j', True), ('mach', True), ('learn', True), ('res', True))
    >>> name_words("Journal of Combinatorial Theory, Series A")
    (('journal', False), ('combinatorial', False), ('theory', False), ('series', False), ('a', False))
    """
    text = strip_accents(clean_whitespace(latex_to_unicode(name)))
    text = text[_PROCEEDINGS.match(text).end():]
    words = []
    for m in _NAME_WORD.finditer(text):
        word, dotted = m.group(1), bool(m.group(2))
        low = word.lower()
        if low in _GLUE_WORDS and not dotted and (word.islower() or len(word) > 1):
            continue
        words.append((low, dotted))
    return tuple(words)


def _contraction(short: str, word: str) -> bool:
    """'natl' of 'national', 'mgmt' of 'management': first and last letters kept, the rest in order."""
    if len(short) < 3 or short[0] != word[0] or short[-1] != word[-1]:
        return False
    rest = iter(word[1:-1])
    return all(c in rest for c in short[1:-1])


def abbreviates(short: tuple[tuple[str, bool], ...], full: tuple[tuple[str, bool], ...]) -> bool:
    """Whether the words of ``short`` abbreviate those of ``full`` word by word, as ISO 4 and NLM
    abbreviate journal and conference names: each word equal, or printed with a dot and cut short
    ('Comput.' of 'Computing') or contracted ('Natl.' of 'National'), or a plural's singular; at least
    one of them shortened; two words at least; numbers and Roman numerals only equal.

    >>> abbreviates(name_words("IEEE Trans. Pattern Anal. Mach. Intell."),
    ...             name_words("IEEE Transactions on Pattern Analysis and Machine Intelligence"))
    True
    >>> abbreviates(name_words("J. Comb. Theory, Ser. A"), name_words("Journal of Combinatorial Theory, Series B"))
    False
    """
    if len(short) != len(full) or len(short) < 2:
        return False
    shortened = False
    for (a, dotted), (w, _) in zip(short, full):
        if a == w:
            continue
        if _NUMBERED_WORD.search(a) or _NUMBERED_WORD.search(w):
            return False  # 'Part I' and 'Part II', 'Summit XII' and 'Summit XIII' are not one name
        if dotted:
            if not (w.startswith(a) or _contraction(a, w)):
                return False
        elif w not in (a + "s", a + "es"):  # without a dot, a word is only inflected, not cut
            return False
        shortened = True
    return shortened


_ACRONYM = re.compile(r"^[A-Z][A-Za-z&]{1,9}$")


def initials(name: str) -> str:
    """The initials of a name's words, glue words and 'Proceedings of' left out.

    >>> initials("Journal of Machine Learning Research")
    'jmlr'
    """
    return "".join(w[0] for w, _ in name_words(name))


def printings_fit(names: set[str], others: set[str]) -> bool:
    """Whether one of ``names`` stands for one of ``others`` or the other way round: an acronym of
    capitals ('JMLR', 'TACL') that is the initials of the other name's words (three at least), or an
    abbreviation of it word by word (see :func:`abbreviates`)."""
    for xs, ys in ((names, others), (others, names)):
        for x in xs:
            short = x.strip()
            acronym = _ACRONYM.match(short) and sum(c.isupper() for c in short) >= 2
            for y in ys:
                full = name_words(y)
                if acronym and len(full) >= 3 and short.lower() == initials(y):
                    return True
                if abbreviates(name_words(x), full):
                    return True
    return False


def abbreviation_aliases(series: dict[str, tuple[set[str], str, set[str]]]) -> dict[str, str]:
    """Series key -> the key of the one series its printed names abbreviate.

    ``series`` maps each series key to its printed names, its kind and its acronyms. A series is
    taken for another's abbreviation only when exactly one other series fits, of a compatible kind
    and without a different acronym; chains ('Comput. Sci.' of 'Comput. Science' of 'Computer
    Science') end at the full name.
    """
    words = {key: {w for n in names if (w := name_words(n))} for key, (names, _, _) in series.items()}
    by_initials: dict[tuple[str, ...], set[str]] = {}
    for key, ws in words.items():
        for w in ws:
            by_initials.setdefault(tuple(x[0][0] for x in w), set()).add(key)
    fits: dict[str, set[str]] = {}
    for key, ws in words.items():
        _, kind, acronyms = series[key]
        for w in ws:
            for other in by_initials.get(tuple(x[0][0] for x in w), ()):
                if other == key or other in fits.get(key, ()):
                    continue
                _, okind, oacronyms = series[other]
                if kind != okind and "other" not in (kind, okind):
                    continue
                if acronyms and oacronyms and not acronyms & oacronyms:
                    continue
                if any(abbreviates(w, ow) for ow in words[other]):
                    fits.setdefault(key, set()).add(other)
    alias: dict[str, str] = {}
    for key, found in fits.items():
        # 'IEEE Trans. Evol. Comput.' fits 'IEEE Trans. Evolutionary Computation' and the full name,
        # which the first abbreviates in turn: one series, printed three ways.
        fullest = {f for f in found if not fits.get(f, set()) & found}
        if len(fullest) == 1:
            alias[key] = fullest.pop()
    for key in list(alias):  # follow chains to the full name (each step lengthens a word: no cycles)
        target = alias[key]
        while target in alias:
            target = alias[target]
        alias[key] = target
    return alias


def join_series(by_series: dict[str, list[tuple[Record, VenueKey]]], curation: Curation) -> None:
    """Join, in place, the series keys that name one series: a series printed only by its acronym,
    journals that share an ISSN, the venues printed by records of one DOI where one printing is the
    other's initials or abbreviation, a name abbreviated the ISO 4 way, and what ``curation`` says
    (``same_venue`` joins, ``not_same_venue`` keeps apart from every rule). ``by_series`` maps each
    series key to the records that print it, with their venue keys.
    """
    # What the curation file says of venues, read against the series keys as printed.
    printed_as = {skey: ({k.series_name for _, k in items} | {r.venue.name for r, _ in items if r.venue},
                         {fold(k.acronym) for _, k in items if k.acronym})
                  for skey, items in by_series.items()}
    apart = {frozenset((x, y)) for groups in curation.venue_groups("not_same_venue", printed_as)
             for i, a in enumerate(groups) for b in groups[i + 1:] for x in a for y in b if x != y}
    members = {skey: {skey} for skey in by_series}  # series key -> the printed keys joined in it
    group_of = {skey: skey for skey in by_series}

    def join(a: str, target: str) -> None:
        a, target = group_of[a], group_of[target]
        if a == target or any(frozenset((x, y)) in apart for x in members[a] for y in members[target]):
            return
        by_series[target] += by_series.pop(a)
        for m in members[a]:
            group_of[m] = target
        members[target] |= members.pop(a)

    # Merge series printed only by acronym into the series that acronym abbreviates.
    acronyms: dict[str, set[str]] = defaultdict(set)
    for skey, items in by_series.items():
        for _, k in items:
            if k.acronym:
                acronyms[fold(k.acronym)].add(skey)
    alias: dict[str, str] = {}
    for skey in list(by_series):
        named = {s for s in acronyms.get(skey, set()) if s != skey}
        if len(named) == 1:  # 'neurips' printed alone, and one series whose acronym is NeurIPS
            alias[skey] = named.pop()
    for a, target in alias.items():
        join(a, target)
    # Journals that share an ISSN are one journal, however differently their names are printed.
    by_issn: dict[str, set[str]] = defaultdict(set)
    for skey, items in by_series.items():
        for r, k in items:
            if k.kind == "journal":
                for value in r.ids("issn"):
                    by_issn[value].add(skey)
    for _, skeys in sorted(by_issn.items()):
        target, *rest = sorted(skeys)
        for other in rest:
            join(other, target)
    # Records that share a DOI are one version: the series they print are one series where one
    # printing fits the other, as the initials of its words ('JMLR') or an abbreviation of it.
    by_doi: dict[tuple[str, str], set[str]] = defaultdict(set)
    for skey, items in by_series.items():
        for r, k in items:
            if k.kind in ("journal", "conference", "workshop"):
                for value in r.ids("doi"):
                    by_doi[(value, k.kind)].add(skey)
    for _, skeys in sorted(by_doi.items()):
        keys = sorted({group_of[s] for s in skeys})
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                if group_of[a] != group_of[b] and printings_fit(
                        set().union(*(printed_as[m][0] for m in members[group_of[a]])),
                        set().union(*(printed_as[m][0] for m in members[group_of[b]]))):
                    join(b, a)
    # Merge series printed abbreviated ('J. Mach. Learn. Res.') into the one series they abbreviate.
    printed = {}
    for skey, items in by_series.items():
        kind = Counter(k.kind for _, k in items).most_common(1)[0][0]
        names = set().union(*(printed_as[m][0] for m in members[skey]))
        printed[skey] = (names, kind, {fold(k.acronym) for _, k in items if k.acronym})
    for a, target in abbreviation_aliases(printed).items():
        join(a, target)
    # A curated 'same_venue' joins what no rule could (a renamed conference: NIPS and NeurIPS).
    for groups in curation.venue_groups("same_venue", printed_as):
        target, *rest = sorted({group_of[k] for keys in groups for k in keys})
        for g in rest:
            join(g, target)


def record_venue(record: Record) -> VenueKey | None:
    """The venue key of a record, or None when the record names no venue."""
    v = record.venue
    if v is None or not v.name.strip():
        if record.kind == Kind.PREPRINT and record.first_id("arxiv"):
            return VenueKey(series_key="arxiv", series_name="arXiv", kind="repository",
                            edition_name="arXiv")
        return None
    key = analyse(v.name, kind=record.kind, tag=v.tag, host=v.host)
    if key.acronym is None and v.series and re.fullmatch(r"[A-Z][A-Za-z&\-]*[A-Z]", v.series.strip()):
        key = VenueKey(**{**key.__dict__, "acronym": v.series.strip()})
    for alt in v.printed:  # another printed form in the same record may carry the acronym
        other = analyse(alt, kind=record.kind, tag=v.tag, host=v.host)
        if key.acronym is None and other.acronym:
            key = VenueKey(**{**key.__dict__, "acronym": other.acronym})
    return key
