"""Text normalization: LaTeX, whitespace, folding and slugs."""

from __future__ import annotations

import pytest

from kg.text import fold, latex_to_unicode, main_title_key, slugify, title_key


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r'W{\"a}ldchen', "Wäldchen"),
        ("{H}ow {I} {L}earned {T}o {S}top", "How I Learned To Stop"),
        (r"Hern\'{a}n E.", "Hernán E."),
        ("50% of it", "50% of it"),
        (r"50\% of it", "50% of it"),
        ("123--130", "123–130"),
        ("a---b", "a—b"),
        (r"{\"{O}}zt{\"u}rk", "Öztürk"),
        ("  many \n  spaces ", "many spaces"),
        ("unbalanced {brace", "unbalanced brace"),
    ],
)
def test_latex_to_unicode(latex: str, text: str) -> None:
    assert latex_to_unicode(latex) == text


def test_title_keys_ignore_case_and_latex() -> None:
    assert title_key("{H}ow {I} {L}earned To Stop") == title_key("How I learned to stop")
    assert fold("Don't Be Greedy, Just Relax!") == "don t be greedy just relax"
    assert main_title_key("DUNIA: Pixel-Sized Embeddings") == "dunia"


def test_slug_is_stable_and_ascii() -> None:
    assert slugify("Öztürk's   Ünïcode Title") == "ozturk-s-unicode-title"
    assert slugify("") == "untitled"
