"""The project's JSON-LD context, generated from the one prefix table; ``ontology/context.jsonld`` is its
published copy (a test keeps the two equal)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from .namespaces import PREFIXES, SCHEMA

# Properties whose values are IRIs: coerced so that compacted documents show plain strings.
IRI_VALUED = ("author", "sameAs", "workExample", "exampleOfWork", "isPartOf", "hasPart", "url")
EXTRA_TERMS = {
    "realization": {"@id": "frbr:realization", "@type": "@id"},
    "realizationOf": {"@id": "frbr:realizationOf", "@type": "@id"},
    "partOf": {"@id": "frbr:partOf", "@type": "@id"},
    "hasArXivId": "fabio:hasArXivId",
    "doi": "prism:doi",
    "heldAt": {"@id": "kg:heldAt", "@type": "@id"},
    "statedAs": "kg:statedAs",
    "authorListComplete": {"@id": "kg:authorListComplete", "@type": "xsd:boolean"},
    "editionNumber": {"@id": "kg:editionNumber", "@type": "xsd:integer"},
    "isDocumentContextFor": {"@id": "pro:isDocumentContextFor", "@type": "@id"},
    "isHeldBy": {"@id": "pro:isHeldBy", "@type": "@id"},
    "withRole": {"@id": "pro:withRole", "@type": "@id"},
    "relatesToDocument": {"@id": "pro:relatesToDocument", "@type": "@id"},
    "wasDerivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
    "owlSameAs": {"@id": "owl:sameAs", "@type": "@id"},
}


@lru_cache(maxsize=1)
def context() -> dict:
    """The JSON-LD context: schema.org as the vocabulary, every project prefix, IRI-valued terms."""
    ctx: dict[str, object] = {"@vocab": SCHEMA.iri}
    ctx.update({p: iri for p, iri in PREFIXES.items() if p != "schema"})
    ctx["schema"] = SCHEMA.iri
    for term in IRI_VALUED:
        ctx[term] = {"@id": f"schema:{term}", "@type": "@id"}
    ctx["position"] = {"@id": "schema:position", "@type": "xsd:integer"}
    ctx.update(EXTRA_TERMS)
    return {"@context": ctx}


def context_json() -> str:
    return json.dumps(context(), indent=2, sort_keys=True) + "\n"


def write_context(path: str | Path) -> None:
    Path(path).write_text(context_json(), encoding="utf-8")
