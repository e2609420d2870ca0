"""`kg check`: validate a built graph against the project's SHACL shapes and vocabularies.

Two checks over the union of every graph in the store (default, quality, derived and source graphs, so
that links between them are checked too):

- shapes: ``ontology/shapes.ttl`` with pyshacl (cardinalities, datatypes, author positions 1..n);
- terms: every predicate, class, datatype and vocabulary IRI used is defined in schema.org or FaBiO
  (the subsets vendored in ``ontology/vendor/``), in the project ontology ``ontology/kg.ttl``, or in the
  closed term lists of :mod:`kg.graph.namespaces` for the other standard vocabularies.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from pyshacl import validate
from rdflib import RDF as RDFLIB_RDF
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from ..errors import KGError
from .export import StoreLike, all_quads
from .namespaces import FABIO, KG, NAMESPACES, PREFIXES, SCHEMA, XSD, ClosedNamespace

ONTOLOGY_DIR = Path(__file__).resolve().parents[2] / "ontology"
XSD_STRING = XSD.string.value
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
DEFAULT_GRAPH_NAME = "default graph"

# Where the definitions of each vocabulary come from; the rest use their closed namespace lists.
VENDORED = {SCHEMA.iri: ("schema.org", "vendor/schemaorg-subset.ttl"),
            FABIO.iri: ("FaBiO", "vendor/fabio-subset.ttl"),
            KG.iri: ("the kg ontology", "kg.ttl")}


class CheckError(KGError):
    """The ontology or shapes needed for checking are missing or broken."""


@dataclass(frozen=True)
class Violation:
    """One problem: the node it is about, the property (path) concerned, and what is wrong."""

    focus: str  # the node, in N-Triples form (<iri>, "literal", _:b)
    path: str | None  # the property or path, with prefixes where known
    message: str
    graphs: tuple[str, ...] = ()  # the graphs the focus node is described in
    value: str | None = None  # the offending value, when there is one
    shape: str | None = None
    kind: str = "shape"  # 'shape' or 'term'

    def __str__(self) -> str:
        text = f"{self.focus}"
        if self.path:
            text += f" {self.path}"
        text += f": {self.message}"
        if self.value is not None:
            text += f" (value {self.value})"
        if self.graphs:
            text += f" [in {', '.join(self.graphs)}]"
        return text


@dataclass
class CheckReport:
    violations: list[Violation] = field(default_factory=list)
    quads: int = 0
    graphs: int = 0
    shapes: int = 0
    terms: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.violations


# --------------------------------------------------------------------------------------------------
# Ontology files

def _parse(path: Path) -> Graph:
    try:
        return Graph().parse(path, format="turtle")
    except FileNotFoundError:
        raise CheckError(f"{path}: not found; kg check needs the project's ontology/ folder") from None
    except Exception as exc:  # rdflib raises a variety of parser errors
        raise CheckError(f"{path}: cannot be parsed: {exc}") from exc


def load_shapes(ontology: Path = ONTOLOGY_DIR) -> Graph:
    # Parsed afresh each time (a few ms): pyshacl may add to the shapes graph it is given.
    return _parse(ontology / "shapes.ttl")


@lru_cache(maxsize=4)
def defined_terms(ontology: Path = ONTOLOGY_DIR) -> frozenset[str]:
    """Every term the graph may use: vendored and project definitions, and the closed namespaces."""
    terms: set[str] = set()
    for ns_iri, (_, rel) in VENDORED.items():
        g = _parse(ontology / rel)
        terms.update(str(s) for s in g.subjects(RDFLIB_RDF.type, None)
                     if isinstance(s, URIRef) and str(s).startswith(ns_iri))
    for ns in NAMESPACES:
        if ns.iri not in VENDORED:
            terms.update(t.value for t in ns.terms().values())
    terms.add(RDF_LANGSTRING)
    return frozenset(terms)


def _namespace_of(iri: str) -> ClosedNamespace | None:
    for ns in NAMESPACES:
        if iri.startswith(ns.iri):
            return ns
    return None


def compact(iri: str) -> str:
    """A prefixed name for an IRI in a known namespace, else the IRI in angle brackets."""
    for prefix, ns_iri in PREFIXES.items():
        if iri.startswith(ns_iri) and iri != ns_iri:
            return f"{prefix}:{iri[len(ns_iri):]}"
    return f"<{iri}>"


# --------------------------------------------------------------------------------------------------
# From the store to rdflib

def _to_rdflib(term) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        # A plain literal, as the shapes write strings, so that sh:in and sh:hasValue compare equal.
        if term.datatype.value == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise CheckError(f"cannot check a term of type {type(term).__name__}")


class _PreparedQueryGraph(Graph):
    """An in-memory graph that keeps the SPARQL queries it was asked as prepared queries.

    pyshacl runs a SPARQL constraint once per focus node, passing its text each time, and rdflib
    parses the text anew; parsing took most of a check's time (0.05-0.15 s a query).
    """

    def __init__(self) -> None:
        super().__init__()
        self._prepared: dict[str, Query] = {}

    def query(self, query_object, *args, **kwargs):  # type: ignore[override]
        if isinstance(query_object, str):
            prepared = self._prepared.get(query_object)
            if prepared is None:
                prepared = self._prepared[query_object] = prepareQuery(query_object)
            query_object = prepared
        return super().query(query_object, *args, **kwargs)


def union_graph(quads: Iterable[ox.Quad]) -> tuple[Graph, dict[Node, set[str]], int]:
    """All quads as one rdflib graph, for each subject the graphs that describe it, and how many
    quads were read (from an iterator, without a copy)."""
    g = _PreparedQueryGraph()
    where: dict[Node, set[str]] = defaultdict(set)
    count = 0
    for q in quads:
        s, p, o = _to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)
        g.add((s, p, o))
        name = DEFAULT_GRAPH_NAME if isinstance(q.graph_name, ox.DefaultGraph) \
            else f"<{q.graph_name.value}>"
        where[s].add(name)
        count += 1
    return g, where, count


def _graphs(where: dict[Node, set[str]], focus: Node | None) -> tuple[str, ...]:
    """The graphs describing a node, the default graph first."""
    names = where.get(focus, set()) if focus is not None else set()
    return tuple(sorted(names, key=lambda n: (n != DEFAULT_GRAPH_NAME, n)))


def _n3(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        text = node.n3()
        # Datatype IRIs with prefixes keep messages short: "x"^^xsd:string.
        if node.datatype is not None:
            text = f"{Literal(str(node)).n3()}^^{compact(str(node.datatype))}"
        return text
    return node.n3()


def _path_text(results: Graph, path: Node | None) -> str | None:
    """A SHACL path as text: p, ^p, p/q."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return compact(str(path))
    inverse = results.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + (_path_text(results, inverse) or "?")
    if results.value(path, RDFLIB_RDF.first) is not None:
        items = list(results.items(path))
        return "/".join(_path_text(results, i) or "?" for i in items)
    return str(path)


# --------------------------------------------------------------------------------------------------
# The checks

def check_shapes(data: Graph, *, shapes: Graph, where: dict[Node, set[str]] | None = None
                 ) -> list[Violation]:
    """Validate ``data`` against ``shapes``; one violation per SHACL result.

    ``data`` is validated in place (no copy): the shapes have no rules, so nothing is added to it.
    """
    # advanced: the SPARQL-based target of the edition shape.
    _conforms, results, _text = validate(
        data, shacl_graph=shapes, advanced=True, inference="none", inplace=True,
        allow_warnings=False, allow_infos=False)
    where = where or {}
    out: list[Violation] = []
    # The report's own results; the nested ones (sh:detail) explain them and would repeat them.
    for r in results.objects(None, SH.result):
        focus = results.value(r, SH.focusNode)
        messages = sorted(str(m) for m in results.objects(r, SH.resultMessage))
        shape = results.value(r, SH.sourceShape)
        value = results.value(r, SH.value)
        # SPARQL constraints put the value in their message; node-level results repeat the focus.
        if value == focus or results.value(r, SH.sourceConstraintComponent) == SH.SPARQLConstraintComponent:
            value = None
        out.append(Violation(
            focus=_n3(focus) or "?",
            path=_path_text(results, results.value(r, SH.resultPath)),
            message="; ".join(messages) or "does not conform",
            graphs=_graphs(where, focus),
            value=_n3(value),
            shape=compact(str(shape)) if isinstance(shape, URIRef) else None,
        ))
    # One line per problem: a value can fail two constraints of a property shape with one message
    # (a string position is neither an xsd:integer nor 1 or more).
    unique = {(v.focus, v.path, v.message, v.value): v for v in out}
    return sorted(unique.values(), key=lambda v: (v.focus, v.path or "", v.message))


def check_terms(data: Graph, *, defined: frozenset[str],
                where: dict[Node, set[str]] | None = None) -> list[Violation]:
    """One violation per undefined term: a predicate, class, datatype or vocabulary IRI."""
    where = where or {}
    # (term, role) -> the (subject, predicate) pairs that use it
    uses: dict[tuple[str, str], list[tuple[Node, Node]]] = defaultdict(list)

    def see(iri: str, role: str, s: Node, p: Node, *, vocabulary_only: bool) -> None:
        if iri in defined:
            return
        if vocabulary_only and _namespace_of(iri) is None:
            return  # an entity IRI (a work, an ORCID iD), not a vocabulary term
        uses[(iri, role)].append((s, p))

    for s, p, o in data:
        see(str(p), "property", s, p, vocabulary_only=False)
        if isinstance(o, URIRef):
            see(str(o), "class" if p == RDFLIB_RDF.type else "value", s, p,
                vocabulary_only=p != RDFLIB_RDF.type)
        elif isinstance(o, Literal) and o.datatype is not None:
            see(str(o.datatype), "datatype", s, p, vocabulary_only=False)
    out = []
    for (iri, role), places in uses.items():
        ns = _namespace_of(iri)
        if ns is None:
            origin = "any vocabulary the graph may use (see kg/graph/namespaces.py)"
        elif ns.iri in VENDORED:
            name, rel = VENDORED[ns.iri]
            origin = f"{name} (ontology/{rel})"
        else:
            origin = f"the {ns.prefix} terms the graph may use (kg/graph/namespaces.py)"
        focus, prop = min(places, key=lambda sp: (str(sp[0]), str(sp[1])))
        out.append(Violation(
            focus=_n3(focus) or "?",
            path=None if role == "property" else compact(str(prop)),
            message=f"{role} {compact(iri)} is not defined in {origin}"
                    + (f"; used {len(places)} times" if len(places) > 1 else ""),
            graphs=_graphs(where, focus), kind="term"))
    return sorted(out, key=lambda v: (v.message, v.focus))


def check_quads(quads: Iterable[ox.Quad], *, ontology: Path = ONTOLOGY_DIR) -> CheckReport:
    """Both checks over a set of quads (all graphs)."""
    started = time.perf_counter()
    shapes = load_shapes(ontology)
    defined = defined_terms(ontology)
    data, where, count = union_graph(quads)
    violations = check_terms(data, defined=defined, where=where)
    violations += check_shapes(data, shapes=shapes, where=where)
    graph_names = set().union(*where.values()) if where else set()
    node_shapes = set(shapes.subjects(RDFLIB_RDF.type, SH.NodeShape))
    return CheckReport(violations=violations, quads=count, graphs=len(graph_names),
                       shapes=len(node_shapes), terms=len(defined),
                       seconds=time.perf_counter() - started)


def check_store(store: StoreLike, *, ontology: Path = ONTOLOGY_DIR) -> CheckReport:
    """Check every graph of a store (local or remote)."""
    if isinstance(store, ox.Store):  # read as it is checked, not copied first
        return check_quads(store.quads_for_pattern(None, None, None, None), ontology=ontology)
    return check_quads(all_quads(store), ontology=ontology)
