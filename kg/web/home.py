"""The index page, the VoID description of the dataset and the JSON-LD context."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, render_template, request
from pyld import jsonld
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Triple, serialize

from ..graph.jsonld import context
from ..graph.namespaces import DCTERMS, NAMESPACES, RDF, VOID, XSD
from . import negotiate, queries
from .app import graph, state
from .documents import expand
from .entities import finish
from .negotiate import RDF_FORMATS
from .state import Snapshot

bp = Blueprint("home", __name__)

# Entity kinds the index and VoID count, from the build's own counts.
ENTITY_COUNTS = ("works", "versions", "persons", "series", "editions")
VOID_FORMATS = tuple(sorted(RDF_FORMATS, key=lambda f: f.rdf_format != RdfFormat.TURTLE))
# Namespaces that are the graph's vocabularies (not the ones VoID and XML Schema only describe it with).
VOCABULARY_PREFIXES = ("schema", "fabio", "frbr", "pro", "prism", "dcterms", "prov", "owl", "kg")


@bp.route("/")
def index() -> Response:
    snap = graph()
    key = ("index", snap.build_id)
    body = state().cached(key)
    if body is None:
        counts = snap.meta.get("counts", {})
        body = render_template(
            "index.html", counts=counts, triples=snap.meta.get("triples"),
            entity_counts=[(k, counts.get(k)) for k in ENTITY_COUNTS if k in counts],
            people=queries.select(snap.store, "people"),
            venues=queries.select(snap.store, "venues"),
            recent=queries.select(snap.store, "recent-works"),
            built=snap.meta.get("finished", ""), dumps=RDF_FORMATS)
        state().remember(key, body)
    return finish(Response(body, content_type="text/html; charset=utf-8"), snap, negotiate.HTML, "")


@bp.route("/void")
@bp.route("/.well-known/void")
def void() -> Response:
    fmt = negotiate.choose(VOID_FORMATS, format_param=request.args.get("format"),
                           accept=request.headers.get("Accept"))
    snap = graph()
    key = ("void", snap.build_id, fmt.name)
    body = state().cached(key)
    if body is None:
        quads = void_quads(snap)
        if fmt.rdf_format == RdfFormat.JSON_LD:
            body = _compact_jsonld(quads)
        else:
            assert fmt.rdf_format is not None
            body = serialize(quads, format=fmt.rdf_format,
                             prefixes={p: i for p, i in _prefixes().items()})
        state().remember(key, body)
    return finish(Response(body, content_type=fmt.content_type), snap, fmt, "void",
                  alternates=VOID_FORMATS)


@bp.route("/context.jsonld")
def context_document() -> Response:
    snap = graph()
    resp = Response(json.dumps(context(), indent=2, sort_keys=True) + "\n",
                    content_type="application/ld+json; charset=utf-8")
    return finish(resp, snap, negotiate.JSON, "context.jsonld", cors=True)


def _prefixes() -> dict[str, str]:
    return {ns.prefix: ns.iri for ns in NAMESPACES}


def void_quads(snap: Snapshot) -> list[Quad]:
    """The VoID description: size, entities, endpoint, dumps, vocabularies and class partitions."""
    base = snap.base
    ds = NamedNode(base + "void#dataset")
    counts = snap.meta.get("counts", {})

    def t(s: NamedNode, p: NamedNode, o: Any) -> Quad:
        return Quad(s, p, o)

    out = [
        t(ds, RDF.type, VOID.Dataset),
        t(ds, DCTERMS.title, Literal("kg: a linked-data knowledge graph of publications")),
        t(ds, DCTERMS.description, Literal(
            "Works, their versions, people and venues merged from publication listings, with what "
            "each source said kept in a named graph of its own.")),
        t(ds, VOID.sparqlEndpoint, NamedNode(base + "sparql")),
        t(ds, VOID.uriSpace, Literal(base)),
    ]
    if snap.meta.get("triples") is not None:
        out.append(t(ds, VOID.triples, Literal(str(snap.meta["triples"]), datatype=XSD.integer)))
    entities = sum(int(counts.get(k, 0)) for k in ENTITY_COUNTS)
    if entities:
        out.append(t(ds, VOID.entities, Literal(str(entities), datatype=XSD.integer)))
    modified = _xsd_datetime(str(snap.meta.get("finished", "")))
    if modified:
        out.append(t(ds, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    for f in RDF_FORMATS:
        out.append(t(ds, VOID.dataDump, NamedNode(f"{base}dump/kg.{f.suffix}")))
    prefixes = _prefixes()
    for p in VOCABULARY_PREFIXES:
        out.append(t(ds, VOID.vocabulary, NamedNode(prefixes[p])))
    for n, row in enumerate(queries.select(snap.store, "class-partitions"), start=1):
        part = NamedNode(f"{base}void#class-{n}")
        out += [t(ds, VOID.classPartition, part), t(part, VOID["class"], NamedNode(row["class"])),
                t(part, VOID.entities, Literal(str(row["entities"]), datatype=XSD.integer))]
    return out


def _xsd_datetime(value: str) -> str | None:
    # The build writes '%Y-%m-%dT%H:%M:%S%z' ('+0000'); xsd:dateTime wants '+00:00'.
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)([+-]\d\d)(\d\d)", value)
    return f"{m.group(1)}{m.group(2)}:{m.group(3)}" if m else None


def _compact_jsonld(quads: list[Quad]) -> str:
    triples = [Triple(q.subject, q.predicate, q.object) for q in quads]
    doc = jsonld.compact(expand(triples), context(), {"skipExpansion": True})
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


