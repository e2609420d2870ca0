"""Wikidata as kg reads it: the SPARQL endpoint (queries in ``kg/link/sparql/*.rq``) and the entity API
(``wbsearchentities`` to find items by text, ``wbgetentities`` to read them).

Binding values into a query for a remote endpoint: pyoxigraph's ``substitutions`` only work on a local
store, so each query file holds an empty ``VALUES ?var { }`` block and :func:`bind` fills it with terms
serialized by pyoxigraph (``str(Literal(x))`` is a correctly escaped SPARQL literal,
``str(NamedNode(iri))`` a checked IRI). No value is ever formatted into the query as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode

from .. import identifiers as idmod
from ..errors import LinkError
from .client import HttpClient

QUERIES = Path(__file__).parent / "sparql"
ENTITY = "http://www.wikidata.org/entity/"
_EMPTY_VALUES = re.compile(r"VALUES\s+\?(\w+)\s*\{\s*\}")
_GET_LIMIT = 6000  # longer queries go by POST: URLs that long are refused by some proxies
_BATCH = 50  # wbgetentities takes at most 50 ids per request

Term = Literal | NamedNode


@cache
def query_text(name: str) -> str:
    """The text of ``kg/link/sparql/<name>.rq``."""
    path = QUERIES / f"{name}.rq"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in QUERIES.glob("*.rq")))
        raise LinkError(f"no Wikidata query {name!r}; known: {known}")
    return path.read_text(encoding="utf-8")


def bind(query: str, values: Mapping[str, Iterable[Term]]) -> str:
    """Fill each empty ``VALUES ?var { }`` block of a query with the given terms.

    >>> bind('SELECT ?x WHERE { VALUES ?x { } }', {"x": [Literal('say "hi"')]})
    'SELECT ?x WHERE { VALUES ?x { "say \\\\"hi\\\\"" } }'
    """
    wanted = set(_EMPTY_VALUES.findall(query))
    if wanted != set(values):
        raise LinkError(f"query parameters {sorted(wanted)} but values for {sorted(values)}")

    def fill(m: re.Match[str]) -> str:
        terms = list(values[m.group(1)])
        for t in terms:
            if not isinstance(t, (Literal, NamedNode)):
                raise TypeError(f"bind a pyoxigraph Literal or NamedNode, not {t!r}")
        return f"VALUES ?{m.group(1)} {{ {' '.join(str(t) for t in terms)} }}"

    return _EMPTY_VALUES.sub(fill, query)


def item(qid: str) -> NamedNode:
    """The IRI of a Wikidata item, for binding."""
    return NamedNode(ENTITY + qid)


@dataclass
class Entity:
    """One Wikidata item as wbgetentities returns it; claims are kept raw and read through helpers."""

    id: str
    label: str = ""
    description: str = ""
    aliases: list[str] = field(default_factory=list)
    claims: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def statements(self, prop: str) -> list[dict[str, Any]]:
        """Statements of a property that have a value, deprecated ones left out."""
        return [s for s in self.claims.get(prop, [])
                if s.get("rank") != "deprecated" and s.get("mainsnak", {}).get("snaktype") == "value"]

    def values(self, prop: str) -> list[Any]:
        return [s["mainsnak"]["datavalue"]["value"] for s in self.statements(prop)]

    def strings(self, prop: str) -> list[str]:
        out = []
        for v in self.values(prop):
            if isinstance(v, str):
                out.append(v)
            elif isinstance(v, dict) and "text" in v:  # monolingual text
                out.append(v["text"])
        return out

    def items(self, prop: str) -> list[str]:
        return [v["id"] for v in self.values(prop) if isinstance(v, dict) and "id" in v]

    def year(self, prop: str = "P577") -> int | None:
        for v in self.values(prop):
            m = re.match(r"^[+-]?(\d{4})-", v.get("time", "")) if isinstance(v, dict) else None
            if m:
                return int(m.group(1))
        return None

    def ordinals(self, prop: str) -> list[tuple[int | None, Any]]:
        """Values with their series ordinal (P1545), as authors are listed."""
        out = []
        for s in self.statements(prop):
            ordinal = None
            for q in s.get("qualifiers", {}).get("P1545", []):
                text = q.get("datavalue", {}).get("value", "")
                if isinstance(text, str) and text.isdecimal():
                    ordinal = int(text)
            value = s["mainsnak"]["datavalue"]["value"]
            out.append((ordinal, value["id"] if isinstance(value, dict) and "id" in value
                        else value))
        return out


def _entity(doc: dict[str, Any], language: str) -> Entity:
    def text(block: str) -> str:
        v = doc.get(block, {}).get(language)
        return v.get("value", "") if isinstance(v, dict) else ""

    aliases = [a.get("value", "") for a in doc.get("aliases", {}).get(language, [])]
    return Entity(id=doc["id"], label=text("labels"), description=text("descriptions"),
                  aliases=aliases, claims=doc.get("claims", {}))


class Wikidata:
    """Queries and entity look-ups against one Wikidata (or a replay of it)."""

    def __init__(self, client: HttpClient, *, sparql_url: str, api_url: str,
                 language: str = "en") -> None:
        self.client = client
        self.sparql_url = sparql_url
        self.api_url = api_url
        self.language = language

    def select(self, name: str, **values: Iterable[Term]) -> list[dict[str, str]]:
        """Run a named query; each row maps a variable to its value's lexical form (IRIs as text)."""
        bound = {k: list(v) for k, v in values.items()}
        if any(not v for v in bound.values()):
            return []  # an empty VALUES block matches nothing: no need to ask
        query = bind(query_text(name), bound)
        accept = "application/sparql-results+json"
        if len(query) < _GET_LIMIT:
            response = self.client.get(self.sparql_url, params={"query": query}, accept=accept)
        else:
            response = self.client.post(self.sparql_url, data={"query": query}, accept=accept)
        doc = response.data
        try:
            bindings = doc["results"]["bindings"]
            return [{var: term["value"] for var, term in row.items()} for row in bindings]
        except (KeyError, TypeError):
            raise LinkError(f"{response.url}: not a SPARQL JSON result (no results.bindings)"
                            ) from None

    def _api(self, params: dict[str, str]) -> dict[str, Any]:
        response = self.client.get(self.api_url, params={**params, "format": "json"})
        doc = response.data
        if not isinstance(doc, dict):
            raise LinkError(f"{response.url}: not a Wikidata API answer")
        if "error" in doc:
            error = doc["error"]
            raise LinkError(f"{self.api_url}: {error.get('code', 'error')}: {error.get('info', '')}")
        return doc

    def search(self, text: str, *, limit: int = 7) -> list[Entity]:
        """Items whose label or alias matches the text (wbsearchentities), best first."""
        doc = self._api({"action": "wbsearchentities", "search": text, "language": self.language,
                         "uselang": self.language, "type": "item", "limit": str(limit)})
        hits = doc.get("search", [])
        return [Entity(id=h["id"], label=h.get("label", ""), description=h.get("description", ""))
                for h in hits if isinstance(h, dict) and idmod.qid(h.get("id", ""))]

    def entities(self, ids: Iterable[str]) -> dict[str, Entity]:
        """Items by id (wbgetentities, in batches); ids Wikidata does not know are left out."""
        wanted = list(dict.fromkeys(ids))
        out: dict[str, Entity] = {}
        for i in range(0, len(wanted), _BATCH):
            doc = self._api({"action": "wbgetentities", "ids": "|".join(wanted[i:i + _BATCH]),
                             "props": "labels|descriptions|aliases|claims",
                             "languages": self.language})
            for qid, entity in doc.get("entities", {}).items():
                if isinstance(entity, dict) and "missing" not in entity and "id" in entity:
                    out[qid] = _entity(entity, self.language)
        return out
