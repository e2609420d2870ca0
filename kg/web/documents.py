"""The document of each entity: which triples describe it, and those triples as compact JSON-LD.

An entity's kind follows from its IRI's path (``MODEL.md`` fixes the patterns), and each kind has a
CONSTRUCT query in ``kg/web/sparql/describe-<kind>.rq`` that gathers its document: the entity's own
triples, its hash-IRI identifiers and the names of what it points to, so that a client needs one request
to show it. JSON-LD is compacted with the project context by pyld and then assembled into one tree:
authors as person nodes in author-position order (framing does not order them), versions with their
edition and series, identifiers in place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from pyld import jsonld
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Store, Triple, serialize

from ..graph.jsonld import context
from ..graph.namespaces import PREFIXES
from . import queries

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# (path pattern, kind, describe query): first match wins.
KINDS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple(
    (re.compile(p), kind, q) for p, kind, q in (
        (r"^work/[^/]+$", "work", "describe-work"),
        (r"^work/[^/]+/author/[^/]+$", "authorship", "describe-node"),
        (r"^work/[^/]+/[^/]+$", "version", "describe-version"),
        (r"^person/[^/]+$", "person", "describe-person"),
        (r"^venue/[^/]+$", "series", "describe-venue"),
        (r"^venue/[^/]+/[^/]+$", "edition", "describe-venue"),
        (r"^source/[^/]+$", "source", "describe-source"),
        (r"^source/[^/]+/record/[^/]+$", "record", "describe-record"),
        (r"^(source|quality|derived|link)/.+$", "node", "describe-node"),
    )
)
# Properties whose objects are embedded as nodes in the JSON-LD tree, in this order, each node once.
EMBED = ("author", "identifier", "workExample", "isDocumentContextFor", "isPartOf", "hasPart",
         "heldAt", "exampleOfWork", "frbr:supplementOf", "frbr:supplement")


@dataclass
class Entity:
    iri: str
    path: str
    kind: str
    triples: list[Triple]

    @property
    def exists(self) -> bool:
        return bool(self.triples)


def classify(path: str) -> tuple[str, str] | None:
    for pattern, kind, query_name in KINDS:
        if pattern.match(path):
            return kind, query_name
    return None


def candidate_iris(base: str, path: str) -> list[str]:
    """IRIs a request path may stand for: minted path segments are percent-encoded with nothing safe
    (``quote(value, safe='')``), and the server hands the path over decoded."""
    encoded = "/".join(quote(segment, safe="") for segment in path.split("/"))
    return list(dict.fromkeys((base + encoded, base + quote(path, safe="/:@!$&'()*+,;=~"))))


def load(store: Store, base: str, path: str) -> Entity | None:
    """The entity at ``path`` (relative to the base), or None if the path names no entity kind."""
    found = classify(path)
    if found is None:
        return None
    kind, query_name = found
    entity = None
    for iri in candidate_iris(base, path):
        try:
            node = NamedNode(iri)
        except ValueError:
            continue
        triples = queries.construct(store, query_name, entity=node)
        entity = Entity(iri=iri, path=path, kind=kind, triples=triples)
        if triples:
            break
    return entity


def serialize_rdf(triples: list[Triple], rdf_format: RdfFormat) -> bytes:
    if rdf_format == RdfFormat.JSON_LD:
        raise ValueError("JSON-LD is written by to_jsonld")
    return serialize(sorted(triples, key=str), format=rdf_format,
                     prefixes=PREFIXES if rdf_format in (RdfFormat.TURTLE, RdfFormat.TRIG,
                                                         RdfFormat.RDF_XML) else None) or b""


def to_jsonld(entity: Entity) -> dict[str, Any]:
    """The entity's document as compact JSON-LD with the project context, one tree rooted at it."""
    ctx = context()
    # The input is already expanded JSON-LD: skipping pyld's second expansion halves the time.
    compacted = jsonld.compact(expand(entity.triples), ctx, {"skipExpansion": True})
    compacted.pop("@context", None)
    graph = compacted.pop("@graph", None)
    nodes_list = graph if graph is not None else ([compacted] if compacted else [])
    nodes = {n["@id"]: n for n in nodes_list if isinstance(n, dict) and "@id" in n}
    root = nodes.pop(entity.iri, {"@id": entity.iri})
    positions = _author_positions(nodes)
    done = {entity.iri}
    _embed(root, nodes, done)
    if entity.kind == "work":
        _order_authors(root, positions)
    rest = [n for i, n in nodes.items() if i not in done]
    doc: dict[str, Any] = {"@context": ctx["@context"]}
    if rest:
        doc["@graph"] = [root, *sorted(rest, key=lambda n: n["@id"])]
    else:
        doc.update(root)
    return doc


def expand(triples: Iterable[Triple]) -> list[dict[str, Any]]:
    """Triples as expanded JSON-LD, built from the terms (pyld's own N-Quads reader mangles
    backslashes followed by a letter, as in LaTeX: ``\\times`` comes back with a tab)."""
    nodes: dict[str, dict[str, Any]] = {}
    for t in triples:
        subject = _node_id(t.subject)
        node = nodes.setdefault(subject, {"@id": subject})
        if t.predicate.value == RDF_TYPE and not isinstance(t.object, Literal):
            node.setdefault("@type", []).append(_node_id(t.object))
            continue
        node.setdefault(t.predicate.value, []).append(_value(t.object))
    return list(nodes.values())


def _node_id(term: Any) -> str:
    return f"_:{term.value}" if isinstance(term, BlankNode) else term.value


def _value(term: Any) -> dict[str, Any]:
    if isinstance(term, Literal):
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return {"@value": term.value}
        return {"@value": term.value, "@type": term.datatype.value}
    return {"@id": _node_id(term)}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _embed(node: dict[str, Any], nodes: dict[str, dict[str, Any]], done: set[str]) -> None:
    """Replace references to nodes of the document by the nodes themselves, breadth first."""
    queue = [node]
    while queue:
        current = queue.pop(0)
        for prop in EMBED:
            if prop not in current:
                continue
            values = _as_list(current[prop])
            out = []
            for v in values:
                # IRI-coerced terms compact to strings, the others to {"@id": ...} references.
                ref = v if isinstance(v, str) else (
                    v["@id"] if isinstance(v, dict) and list(v) == ["@id"] else None)
                if ref is not None and ref in nodes and ref not in done:
                    done.add(ref)
                    out.append(nodes[ref])
                    queue.append(nodes[ref])
                else:
                    out.append(v)
            current[prop] = out if isinstance(current[prop], list) else out[0]


def _author_positions(nodes: dict[str, dict[str, Any]]) -> dict[str, float]:
    positions: dict[str, float] = {}
    for n in nodes.values():
        holder = n.get("isHeldBy")
        if not isinstance(holder, str):
            continue
        try:
            pos = float(str(n.get("position")))
        except ValueError:
            pos = float("inf")  # an implied author: after every listed one
        positions[holder] = min(pos, positions.get(holder, float("inf")))
    return positions


def _position_of(node: Any) -> float:
    try:
        return float(str(node.get("position"))) if isinstance(node, dict) else float("inf")
    except ValueError:
        return float("inf")


def _order_authors(root: dict[str, Any], positions: dict[str, float]) -> None:
    """Authors and authorships in author-position order: JSON arrays keep it, RDF does not."""
    def key_author(v: Any) -> tuple[float, str]:
        ident = v if isinstance(v, str) else v.get("@id", "")
        return positions.get(ident, float("inf")), ident

    if "author" in root:
        root["author"] = sorted(_as_list(root["author"]), key=key_author)
    if "isDocumentContextFor" in root:
        root["isDocumentContextFor"] = sorted(
            _as_list(root["isDocumentContextFor"]),
            key=lambda v: (_position_of(v), v.get("@id", "") if isinstance(v, dict) else v))
    if "workExample" in root:
        root["workExample"] = sorted(_as_list(root["workExample"]), key=_version_key)


def _version_key(v: Any) -> tuple[str, str]:
    if not isinstance(v, dict):
        return "", str(v)
    date = v.get("datePublished")
    date = date.get("@value") if isinstance(date, dict) else date
    return str(date or ""), v.get("@id", "")


def script_json(doc: Any) -> str:
    """JSON for a ``<script>`` element: ``<``, ``>`` and ``&`` (and the JavaScript line separators)
    written as escapes, so that no text in the data can close the element or open a comment."""
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# Helpers for templates that read values out of compact JSON-LD.

def values(node: Any, prop: str) -> list[Any]:
    return _as_list(node.get(prop)) if isinstance(node, dict) else []


def text(value: Any) -> str:
    if isinstance(value, dict):
        if "@value" in value:
            return str(value["@value"])
        if "name" in value:
            return text(_as_list(value["name"])[0])
        return str(value.get("@id", ""))
    return "" if value is None else str(value)


def first(node: Any, prop: str) -> str:
    vals = values(node, prop)
    return text(vals[0]) if vals else ""


def types(node: Any) -> list[str]:
    return [str(t) for t in values(node, "@type")]
