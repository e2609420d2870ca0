"""Text normalization shared by parsers and resolvers: LaTeX to Unicode, whitespace, dashes, keys, slugs."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

_LATEX = LatexNodes2Text(math_mode="verbatim", keep_comments=True, strict_latex_spaces=True)
# A percent sign not escaped as \% would start a LaTeX comment and swallow the rest of the field;
# in bibliographic text it is almost always a literal percent.
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_LATEX_HINT = re.compile(r"[\\{}~]|--|``|''")
_LATEX_MARKUP = re.compile(r"[\\~$%^_&#]")
_WS = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-"})


def clean_whitespace(text: str) -> str:
    """Collapse runs of white space (including non-breaking spaces) and drop control characters.

    >>> clean_whitespace("  Sparse\\u00a0Model \\n Soups ")
    'Sparse Model Soups'
    """
    text = _CONTROL.sub("", text)
    return _WS.sub(" ", text.replace("\u00a0", " ")).strip()


def normalize_dashes(text: str) -> str:
    """Map the typographic hyphen variants to ASCII '-' (en and em dashes are kept)."""
    return text.translate(_DASHES)


@lru_cache(maxsize=65536)
def latex_to_unicode(text: str) -> str:
    """Decode LaTeX markup (accents, braces, dashes, escapes) into plain Unicode text.

    >>> latex_to_unicode(r'W{\\"a}ldchen')
    'Wäldchen'
    >>> latex_to_unicode('{H}ow {I} {L}earned')
    'How I Learned'
    >>> latex_to_unicode('pages 123--130')
    'pages 123–130'
    """
    if not _LATEX_HINT.search(text):
        return clean_whitespace(text)
    if not _LATEX_MARKUP.search(text):
        # Only grouping braces and dashes: their meaning needs no LaTeX parser.
        # Dashes first: '-{}-' is how BibTeX writes two literal hyphens.
        plain = text.replace("---", "\u2014").replace("--", "\u2013")
        plain = plain.replace("``", "\u201c").replace("''", "\u201d").replace("{", "").replace("}", "")
        return normalize_dashes(clean_whitespace(plain))
    prepared = _BARE_PERCENT.sub(r"\\%", text)
    prepared = prepared.replace("---", "\u2014").replace("--", "\u2013")
    # pylatexenc gives the modifier letter 'ˆ' for \textasciicircum; the text character is '^'.
    prepared = re.sub(r"\\textasciicircum(?:\{\}|(?![A-Za-z]))", "\uE000", prepared)
    try:
        decoded = _LATEX.latex_to_text(prepared).replace("\uE000", "^")
    except Exception:  # pylatexenc is lenient; this guards against pathological input only
        decoded = prepared.replace("{", "").replace("}", "")
    return normalize_dashes(clean_whitespace(decoded))


def strip_accents(text: str) -> str:
    """'Wäldchen' -> 'Waldchen' (also folds ß and ø, which have no decomposition)."""
    if text.isascii():  # most text: nothing to fold, and the character scan below is slow
        return text
    text = text.replace("ß", "ss").replace("ø", "o").replace("Ø", "O").replace("ł", "l")
    text = text.replace("Ł", "L").replace("đ", "d").replace("ı", "i").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """A comparison key: no accents, lower case, punctuation and spacing folded to single spaces.

    >>> fold("How I Learned to Stop Worrying  and Love Retraining!")
    'how i learned to stop worrying and love retraining'
    """
    return _NON_ALNUM.sub(" ", strip_accents(text).lower()).strip()


def title_key(title: str) -> str:
    """The key works are blocked on: the folded title without LaTeX.

    >>> title_key("{H}ow {I} {L}earned {T}o {S}top")
    'how i learned to stop'
    """
    return fold(latex_to_unicode(title))


_SUBTITLE = re.compile(r"\s*[:?!.]\s+|\s+[-\u2013\u2014]\s+")


def main_title_key(title: str) -> str:
    """The folded title before a subtitle separator (':' or ' - '), for retitled versions."""
    text = latex_to_unicode(title)
    head = _SUBTITLE.split(text, maxsplit=1)[0]
    return fold(head)


def slugify(text: str, *, max_words: int = 8, max_length: int = 80) -> str:
    """A readable, stable IRI path segment.

    >>> slugify("Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging")
    'sparse-model-soups-a-recipe-for-improved-pruning'
    >>> slugify("Wäldchen")
    'waldchen'
    """
    words = fold(text).split()[:max_words]
    slug = "-".join(words)[:max_length].strip("-")
    return slug or "untitled"


def smart_title_case_equal(a: str, b: str) -> bool:
    """True when two titles differ only in case, accents and punctuation."""
    return fold(a) == fold(b)
