"""The project ontology, the SHACL shapes and the vendored vocabularies agree with kg/graph/namespaces.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.compare import isomorphic

from kg.graph.check import ONTOLOGY_DIR, defined_terms, load_shapes
from kg.graph.namespaces import FABIO, KG, NAMESPACES, SCHEMA

from .conftest import CORPUS


@pytest.fixture(scope="module")
def kg_ttl() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "kg.ttl", format="turtle")


def kg_subjects(g: Graph) -> set[str]:
    return {str(s) for s in g.subjects(RDF.type, None) if str(s).startswith(KG.iri)}


def test_every_kg_term_is_defined_with_label_and_comment(kg_ttl):
    for name, term in KG.terms().items():
        iri = URIRef(term.value)
        types = set(kg_ttl.objects(iri, RDF.type))
        assert types & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, f"kg:{name} has no type"
        assert kg_ttl.value(iri, RDFS.label) is not None, f"kg:{name} has no rdfs:label"
        assert kg_ttl.value(iri, RDFS.comment) is not None, f"kg:{name} has no rdfs:comment"


def test_ontology_defines_only_terms_the_code_knows(kg_ttl):
    # A term defined here but missing from namespaces.py could never be written by the mapping.
    assert kg_subjects(kg_ttl) == {t.value for t in KG.terms().values()}


def test_domains_and_ranges_are_defined_terms(kg_ttl):
    defined = defined_terms()
    for prop in (RDFS.domain, RDFS.range, RDFS.subClassOf,
                 URIRef(SCHEMA.iri + "domainIncludes")):
        for _, target in kg_ttl.subject_objects(prop):
            assert str(target) in defined, f"{target} ({prop}) is not a defined term"


@pytest.mark.parametrize("ns,filename", [(SCHEMA, "schemaorg-subset.ttl"),
                                         (FABIO, "fabio-subset.ttl")])
def test_vendored_subsets_define_every_term_used(ns, filename):
    g = Graph().parse(ONTOLOGY_DIR / "vendor" / filename, format="turtle")
    missing = [name for name, t in ns.terms().items() if (URIRef(t.value), RDF.type, None) not in g]
    assert not missing, f"{ns.prefix} terms missing from {filename}: {missing}"


def test_vendored_subsets_are_what_the_script_makes_from_the_originals(tmp_path):
    if not (CORPUS / "schemaorg").is_dir() or not (CORPUS / "fabio").is_dir():
        pytest.skip("the full schema.org and FaBiO files are not here")
    spec = importlib.util.spec_from_file_location("make_subsets",
                                                  ONTOLOGY_DIR / "vendor" / "make_subsets.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    made = {"schemaorg-subset.ttl": mod.schema_subset(
                CORPUS / "schemaorg" / "schemaorg-current-https.ttl"),
            "fabio-subset.ttl": mod.fabio_subset(CORPUS / "fabio" / "fabio.ttl")}
    for filename, graph in made.items():
        vendored = Graph().parse(ONTOLOGY_DIR / "vendor" / filename, format="turtle")
        assert isomorphic(graph, vendored), f"{filename} differs from its original: rerun the script"


def test_vendor_readme_names_origin_and_licences():
    text = (ONTOLOGY_DIR / "vendor" / "README.md").read_text(encoding="utf-8")
    for needle in ("schemaorg/schemaorg", "SPAROntologies/fabio", "CC BY-SA 3.0", "CC BY 4.0"):
        assert needle in text


def test_shapes_load():
    # pyshacl builds every shape and constraint before validating, and fails on a malformed one.
    # (Validating the shapes against SHACL-SHACL too, meta_shacl=True, takes ten seconds.)
    conforms, _, text = validate(Graph(), shacl_graph=load_shapes(), advanced=True)
    assert conforms, text


def test_shapes_use_only_defined_terms():
    shapes = load_shapes()
    vocab = tuple(ns.iri for ns in NAMESPACES)
    defined = defined_terms()
    # RDF lists and the ontology header are the shapes file's own machinery, not graph terms.
    machinery = {str(RDF.first), str(RDF.rest), str(RDF.nil), str(OWL.Ontology)}
    used = {str(t) for triple in shapes for t in triple
            if isinstance(t, URIRef) and str(t).startswith(vocab)} - machinery
    assert len(used) > 50, "too few vocabulary terms found in the shapes"
    assert sorted(used - defined) == []


def test_ontology_files_are_where_check_looks():
    assert Path(ONTOLOGY_DIR / "kg.ttl").is_file()
    assert Path(ONTOLOGY_DIR / "shapes.ttl").is_file()
