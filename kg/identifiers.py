"""Identifier recognition and normalization: arXiv, DOI, OpenReview, ORCID iD, Wikidata QID, ISSN,
ISBN, URLs.

Each normalizer returns the canonical form or None when the text is not such an identifier. ISSN and
ISBN check digits are python-stdnum's.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from stdnum import isbn as _isbn
from stdnum import issn as _issn

# arXiv identifiers: https://info.arxiv.org/help/arxiv_identifier.html
_ARXIV_NEW = re.compile(r"(?<![\d.])(\d{2})(0[1-9]|1[0-2])\.(\d{4,5})(v\d+)?(?![\d])")
_ARXIV_OLD = re.compile(
    r"(?<![\w-])([a-z]+(?:-[a-z]+)?)(\.[A-Z]{2})?/(\d{2})(0[1-9]|1[0-2])(\d{3})(v\d+)?(?!\d)"
)
_ARXIV_PREFIX = re.compile(r"^\s*(?:arxiv\s*:\s*|https?://(?:www\.)?(?:export\.)?arxiv\.org/(?:abs|pdf)/)",
                           re.IGNORECASE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>{}]+)", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^\s*(?:doi\s*:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
_ORCID = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$")
_QID = re.compile(r"^(?:https?://www\.wikidata\.org/(?:wiki|entity)/)?(Q[1-9]\d*)$")
_OPENREVIEW_ID = re.compile(r"^[A-Za-z0-9_\-]{6,20}$")


class ArxivId(str):
    """An arXiv identifier without version; ``version`` holds 'v2' etc. when one was given."""

    version: str | None

    def __new__(cls, value: str, version: str | None = None) -> ArxivId:
        obj = super().__new__(cls, value)
        obj.version = version
        return obj

    @property
    def year_month(self) -> tuple[int, int] | None:
        """The submission year and month the identifier encodes (both schemes carry YYMM)."""
        m = re.search(r"(\d{2})(\d{2})[.\d]", self) if "/" not in self else re.search(r"/(\d{2})(\d{2})", self)
        if not m:
            return None
        yy, mm = int(m.group(1)), int(m.group(2))
        if "/" in self:  # old scheme, used from 1991 to March 2007
            return (1900 + yy if yy >= 91 else 2000 + yy), mm
        return 2000 + yy, mm  # the YYMM.NNNNN scheme started in April 2007


def arxiv(text: str) -> ArxivId | None:
    """Find an arXiv identifier in text ('arXiv:2306.16788v2', an abs/pdf URL, 'hep-th/9901001').

    >>> arxiv("arXiv preprint arXiv:2306.16788")
    '2306.16788'
    >>> a = arxiv("https://arxiv.org/abs/2306.16788v3"); (a, a.version)
    ('2306.16788', 'v3')
    >>> arxiv("math.GT/0309136")
    'math/0309136'
    >>> arxiv("doi 10.1000/1234.5678") is None
    True
    """
    if not text:
        return None
    text = _ARXIV_PREFIX.sub("", text.strip())
    if _DOI.search(text) and not re.search(r"arxiv", text, re.IGNORECASE) and not re.match(r"^\d{4}\.\d", text):
        return None
    m = _ARXIV_NEW.search(text)
    if m:
        return ArxivId(f"{m.group(1)}{m.group(2)}.{m.group(3)}", m.group(4))
    m = _ARXIV_OLD.search(text)
    if m:
        return ArxivId(f"{m.group(1)}/{m.group(3)}{m.group(4)}{m.group(5)}", m.group(6))
    return None


def doi(text: str) -> str | None:
    """Normalize a DOI: lower case, no resolver prefix, no trailing punctuation.

    >>> doi("https://doi.org/10.1016/J.TRPRO.2020.12.002.")
    '10.1016/j.trpro.2020.12.002'
    >>> doi("doi:10.7554/eLife.01567")
    '10.7554/elife.01567'
    >>> doi("not a doi") is None
    True
    """
    if not text:
        return None
    text = unquote(_DOI_PREFIX.sub("", text.strip()))
    m = _DOI.search(text)
    if not m:
        return None
    value = m.group(1).rstrip(".,;:)]}'\"")
    return value.lower()


_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(\S+)$", re.IGNORECASE)


def arxiv_of_doi(value: str | None) -> str | None:
    """The arXiv id a DOI of arXiv's own names (DataCite prefix 10.48550), or None: such a DOI
    is the preprint's, and says nothing against a DOI of the published paper.

    >>> arxiv_of_doi("10.48550/arxiv.2312.15230")
    '2312.15230'
    >>> arxiv_of_doi("10.1016/j.trpro.2021.01.014") is None
    True
    """
    m = _ARXIV_DOI.match(value or "")
    return m.group(1) if m else None


_ISSN_SHAPE = re.compile(r"(?<![\w-])(\d{4})\s*[-‐–]{0,2}\s*(\d{3}[\dXx])(?![\w-])")
_ISBN_SHAPE = re.compile(r"(?<![\w-])(?:\d[\s-]?){9}(?:(?:\d[\s-]?){3})?[\dXx](?![\w-])")


def issns(text: str) -> tuple[list[str], list[str]]:
    """The ISSNs a field prints, as NNNN-NNNC, and what in it looks like one but fails the check
    digit (or, when nothing in it looks like one, the whole text).

    >>> issns("1532-0626 (print), 1532-0634 (electronic)")
    (['1532-0626', '1532-0634'], [])
    >>> issns("15324435")
    (['1532-4435'], [])
    >>> issns("2214--7160, 1234-5678")
    (['2214-7160'], ['1234-5678'])
    """
    good: list[str] = []
    bad: list[str] = []
    for m in _ISSN_SHAPE.finditer(text):
        value = f"{m.group(1)}-{m.group(2).upper()}"
        (good if _issn.is_valid(value) else bad).append(value)
    if not good and not bad and text.strip():
        bad.append(text.strip())
    return list(dict.fromkeys(good)), bad


def isbns(text: str) -> tuple[list[str], list[str]]:
    """The ISBNs a field prints, as hyphenated ISBN-13 (an ISBN-10 converted, so that both printings
    of one book compare equal), and what fails the check digit (or the whole text, as for ISSNs).

    >>> isbns("3-540-20201-3 (pbk.); 978-3-030-58452-8")
    (['978-3-540-20201-1', '978-3-030-58452-8'], [])
    >>> isbns("ISBN 978-3-030-58452-9")
    ([], ['978-3-030-58452-9'])
    """
    good: list[str] = []
    bad: list[str] = []
    for m in _ISBN_SHAPE.finditer(text):
        value = m.group(0).strip(" -")
        if _isbn.is_valid(value):
            good.append(_isbn.format(value, convert=True))
        else:
            bad.append(value)
    if not good and not bad and text.strip():
        bad.append(text.strip())
    return list(dict.fromkeys(good)), bad


def openreview(text: str) -> str | None:
    """The id of an OpenReview forum or pdf URL.

    >>> openreview("https://openreview.net/forum?id=_nF5imFKQI")
    '_nF5imFKQI'
    """
    if not text:
        return None
    parts = _split(text)
    if parts is not None and parts.netloc.endswith("openreview.net"):
        ids = parse_qs(parts.query).get("id")
        if ids and _OPENREVIEW_ID.match(ids[0]):
            return ids[0]
    return None


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 MOD 11-2 check digit of an ORCID iD.

    >>> orcid_checksum_ok("0000-0002-1825-0097")
    True
    >>> orcid_checksum_ok("0000-0002-1825-0098")
    False
    """
    digits = orcid.replace("-", "")
    if len(digits) != 16 or not digits[:15].isdecimal():
        return False
    total = 0
    for ch in digits[:15]:
        total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    check = "X" if result == 10 else str(result)
    return digits[15].upper() == check


def orcid(text: str) -> str | None:
    """A valid ORCID iD in its bare form, or None (bad format or check digit)."""
    if not text:
        return None
    m = _ORCID.match(text.strip())
    if not m or not orcid_checksum_ok(m.group(1)):
        return None
    return m.group(1).upper()


def person_id(scheme: str, value: str | None) -> str | None:
    """A person identifier as a name carries it (``PersonName.identifier``): 'scheme:value', or
    None without a value.

    >>> person_id("orcid", orcid("https://orcid.org/0000-0002-1825-0097"))
    'orcid:0000-0002-1825-0097'
    >>> person_id("orcid", orcid("0000-0002-1825-0098")) is None
    True
    """
    return f"{scheme}:{value}" if value else None


def qid(text: str) -> str | None:
    """A Wikidata item id ('Q42'), from the bare id or an entity/wiki URL.

    >>> qid("http://www.wikidata.org/entity/Q42")
    'Q42'
    >>> qid("Q0") is None
    True
    """
    if not text:
        return None
    m = _QID.match(text.strip())
    return m.group(1) if m else None


def _split(url: str) -> SplitResult | None:
    """The parts of a URL; None for text urllib cannot split (an unbalanced '[' of an IPv6 host)."""
    try:
        return urlsplit(url.strip())
    except ValueError:
        return None


def classify_url(url: str) -> tuple[str, str] | None:
    """Recognize a URL as an identifier: ('arxiv', id), ('doi', doi), ('openreview', id) or None."""
    parts = _split(url)
    if parts is None:
        return None
    host = parts.netloc.lower()
    if host.endswith("arxiv.org"):
        a = arxiv(url)
        return ("arxiv", str(a)) if a else None
    if host.endswith("doi.org"):
        d = doi(url)
        return ("doi", d) if d else None
    if host.endswith("openreview.net"):
        o = openreview(url)
        return ("openreview", o) if o else None
    return None


RESOLVERS = {
    "arxiv": "https://arxiv.org/abs/{}",
    "doi": "https://doi.org/{}",
    "openreview": "https://openreview.net/forum?id={}",
    "orcid": "https://orcid.org/{}",
    "wikidata": "http://www.wikidata.org/entity/{}",
    "dblp": "https://dblp.org/rec/{}",
    "pmid": "https://pubmed.ncbi.nlm.nih.gov/{}/",
    "pmcid": "https://www.ncbi.nlm.nih.gov/pmc/articles/{}/",
    "openalex": "https://openalex.org/{}",  # works (W…) and authors (A…) alike
}

LABELS = {"arxiv": "arXiv", "doi": "DOI", "openreview": "OpenReview", "orcid": "ORCID",
          "wikidata": "Wikidata", "url": "URL", "isbn": "ISBN", "issn": "ISSN",
          "acl": "ACL Anthology", "pmid": "PMID", "pmcid": "PMCID", "dblp": "DBLP",
          "scopus": "Scopus Author ID", "scopus-eid": "Scopus EID", "wos": "Web of Science",
          "openalex": "OpenAlex"}


def resolvable(scheme: str, value: str) -> str | None:
    """The IRI that resolves an identifier, where the scheme has a resolver."""
    template = RESOLVERS.get(scheme)
    return template.format(value) if template else None
