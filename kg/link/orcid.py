"""The ORCID public API v3.0 as kg reads it: a person's works (kept as a source document of the
graph), and people found by name (``expanded-search``).

A works document is stored exactly as fetched, as ``<orcid dir>/<ORCID iD>.json``, and read like any
other source through the ``orcid`` format; :func:`manifest_entry` writes the ``[[source]]`` entry that
records where and when it was fetched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .. import identifiers as idmod
from ..errors import LinkError
from ..records import Record
from ..sources import SourceContext
from ..sources.orcid import parse as parse_orcid
from .client import HttpClient, Response
from .curated import toml_string

ACCEPT = "application/vnd.orcid+json"
_SOLR_SPECIAL = re.compile(r'(["\\])')


@dataclass
class OrcidPerson:
    """One hit of an expanded search."""

    orcid: str
    given: str = ""
    family: str = ""
    credit: str = ""
    other_names: list[str] = field(default_factory=list)
    institutions: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.given, self.family) if p) or self.credit


def read_works(response: Response) -> list[Record]:
    """The works of a fetched ORCID document, read by the project's ``orcid`` source reader (the same
    reading the build gives the stored document). Problems in single works are the build's to report;
    here a work that cannot be read just does not count as evidence."""
    return list(parse_orcid(response.text, SourceContext(source="orcid", filename=response.url)))


def work_identifiers(record: Record, scheme: str) -> list[str]:
    """A work's identifiers of one scheme, those of its other versions (ORCID 'version-of') included:
    any of them recognizes the work."""
    values = record.ids(scheme)
    for other_scheme, value in record.extra.get("version_of", []):
        if other_scheme == scheme and value not in values:
            values.append(value)
    return values


def solr_phrase(text: str) -> str:
    """A quoted phrase for ORCID's Solr query syntax, with quotes and backslashes escaped.

    >>> solr_phrase('O"Neil')
    '"O\\\\"Neil"'
    """
    return '"' + _SOLR_SPECIAL.sub(r"\\\1", text) + '"'


class OrcidApi:
    """Reads from one ORCID public API (or a replay of it)."""

    def __init__(self, client: HttpClient, *, api_url: str) -> None:
        self.client = client
        self.api_url = api_url.rstrip("/")
        self._works: dict[str, Response] = {}  # a run asks for one record's works only once

    def works_url(self, orcid: str) -> str:
        return f"{self.api_url}/{quote(orcid)}/works"

    def works(self, orcid: str) -> Response:
        """The ``/works`` document of an ORCID iD, as fetched (checked to be a works document)."""
        if orcid not in self._works:
            response = self.client.get(self.works_url(orcid), accept=ACCEPT)
            doc = response.data
            if not isinstance(doc, dict) or not isinstance(doc.get("group"), list):
                raise LinkError(f"{response.url}: not an ORCID works document (no 'group' list)")
            self._works[orcid] = response
        return self._works[orcid]

    def work_list(self, orcid: str) -> list[Record]:
        return read_works(self.works(orcid))

    def search(self, given: str, family: str, *, rows: int = 5) -> list[OrcidPerson]:
        """People whose given and family names match (expanded search), as ORCID ranks them."""
        terms = []
        if family:
            terms.append(f"family-name:{solr_phrase(family)}")
        if given:
            terms.append(f"given-names:{solr_phrase(given)}")
        if not terms:
            return []
        response = self.client.get(f"{self.api_url}/expanded-search/",
                                   params={"q": " AND ".join(terms), "rows": str(rows)},
                                   accept=ACCEPT)
        doc = response.data
        if not isinstance(doc, dict) or "num-found" not in doc:
            raise LinkError(f"{response.url}: not an ORCID expanded-search answer")
        out = []
        for hit in doc.get("expanded-result") or []:
            orcid = idmod.orcid(str(hit.get("orcid-id", "")))
            if orcid is None:
                continue
            out.append(OrcidPerson(
                orcid=orcid, given=str(hit.get("given-names") or ""),
                family=str(hit.get("family-names") or ""), credit=str(hit.get("credit-name") or ""),
                other_names=[str(n) for n in hit.get("other-name") or []],
                institutions=[str(n) for n in hit.get("institution-name") or []]))
        return out


def save_works(directory: str | Path, orcid: str, response: Response) -> Path:
    """Write a fetched works document as ``<directory>/<orcid>.json``, byte for byte as received."""
    path = Path(directory) / f"{orcid}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(response.text, encoding="utf-8")
    return path


def manifest_entry(*, orcid: str, file: str, owner: str, response: Response,
                   trust: float = 0.8) -> str:
    """The manifest ``[[source]]`` entry for a stored works document: the ORCID record's owner is
    implied as an author of every work it lists, and origin and capture date record the fetch."""
    lines = [
        "[[source]]",
        f"id = {toml_string('orcid-' + orcid)}",
        f"file = {toml_string(file)}",
        'format = "orcid"',
        f"owner = {toml_string(owner)}",
        f"origin = {toml_string('ORCID public API v3.0, ' + response.url)}",
        f"captured = {toml_string(response.fetched[:10])}",
        f"trust = {trust}",
    ]
    return "\n".join(lines) + "\n"
