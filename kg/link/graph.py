"""Link decisions as data: one ``kg:LinkDecision`` node per decision (accepted, rejected or pending) in
the ``graph/links`` named graph, so that SPARQL can ask how a link was made and how sure it was.

    GRAPH <graph/links> {
      <link/person/max-zimmer/orcid/0000-0002-1825-0097> a kg:LinkDecision ;
          kg:aboutEntity <person/max-zimmer> ; kg:linkTarget <https://orcid.org/0000-0002-1825-0097> ;
          kg:identifierScheme "orcid" ; kg:identifierValue "0000-0002-1825-0097" ;
          kg:linkStatus "accepted" ; kg:linkMethod "curated" ; kg:line 3 .
    }
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Quad

from ..graph.namespaces import DCTERMS, KG, RDF, RDFS, XSD
from .curated import Link


class _Minter(Protocol):
    base: str

    def iri(self, path: str) -> NamedNode: ...


def links_graph(mapper: _Minter) -> NamedNode:
    return NamedNode(mapper.base + "graph/links")


def decision_iri(mapper: _Minter, link: Link) -> NamedNode:
    """Minted from the decision's content (entity, scheme, value), so it does not move between builds."""
    return mapper.iri(f"link/{link.entity}/{link.scheme}/{quote(link.value, safe='')}")


def decision_quads(mapper: _Minter, decisions: Iterable[Link]) -> Iterator[Quad]:
    g = links_graph(mapper)
    for link in decisions:
        if link.entity is None:
            continue
        s = decision_iri(mapper, link)
        yield Quad(s, RDF.type, KG.LinkDecision, g)
        yield Quad(s, KG.aboutEntity, mapper.iri(link.entity), g)
        yield Quad(s, KG.identifierScheme, Literal(link.scheme), g)
        yield Quad(s, KG.identifierValue, Literal(link.value), g)
        if link.iri:
            yield Quad(s, KG.linkTarget, NamedNode(link.iri), g)
        yield Quad(s, KG.linkStatus, Literal(link.status), g)
        yield Quad(s, KG.linkMethod, Literal(link.method), g)
        if link.score is not None:
            yield Quad(s, KG.score, Literal(f"{link.score:.3f}", datatype=XSD.decimal), g)
        for e in link.evidence:
            yield Quad(s, KG.evidence, Literal(e), g)
        if link.reason:
            yield Quad(s, KG.reason, Literal(link.reason), g)
        if link.label:
            yield Quad(s, RDFS.label, Literal(link.label), g)
        if link.decided:
            yield Quad(s, DCTERMS.created, Literal(link.decided), g)
        if link.line:
            yield Quad(s, KG.line, Literal(str(link.line), datatype=XSD.integer), g)
