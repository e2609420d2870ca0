"""What every reader does with the values of its fields, whatever the format: DOIs, ISSNs and
ISBNs in normal form (a value that is none noted on the record, to be reported), month names, and
the names that make a venue a preprint server or a workshop."""

from __future__ import annotations

import re

from .. import identifiers as ids
from ..records import Record

MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
               "october", "november", "december"]
MONTHS = {m[:3]: i + 1 for i, m in enumerate(MONTH_NAMES)}  # 'jan' -> 1
PREPRINT_VENUE = re.compile(r"\barxiv\b|\bcorr\b|\bpreprint\b|\bbiorxiv\b|\bmedrxiv\b|\bssrn\b",
                            re.IGNORECASE)
WORKSHOP = re.compile(r"\bworkshops?\b", re.IGNORECASE)


def add_doi(record: Record, text: str | None) -> None:
    """Add a DOI in normal form; text that is not one is noted on the record, not dropped silently."""
    if text:
        d = ids.doi(text)
        if d:
            record.add_identifier("doi", d)
        else:
            record.warnings.append(f"doi {text!r} is not a DOI")


def add_standard_numbers(record: Record, scheme: str, text: str | None) -> None:
    """Add the ISSNs or ISBNs a field prints ('1532-0626 (print), 1532-0634 (electronic)'), in normal
    form; one that fails its check digit is noted on the record, not dropped silently."""
    if text and text.strip():
        good, bad = (ids.issns if scheme == "issn" else ids.isbns)(text)
        for value in good:
            record.add_identifier(scheme, value)
        for value in bad:
            record.warnings.append(f"{scheme} {value!r} is not a valid {scheme.upper()}")
