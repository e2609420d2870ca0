"""`kg check`: the graph built from data/ passes; broken graphs are caught, naming the node at fault.

A check costs about a second whatever the graph's size (pyshacl parses its queries anew each run), so
the breakages below go into one broken copy of the small test graph, each on a node of its own, and
each test reads the violations about its node.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Store

from kg.build import build
from kg.cli import main
from kg.graph import store as store_mod
from kg.graph.check import CheckError, CheckReport, check_quads, check_store
from kg.graph.namespaces import FABIO, KG, OWL, PRO, RDF, SCHEMA, XSD
from kg.manifest import from_files, load
from kg.queries import resolve_person

from .conftest import DATA, TESTDATA

BASE = "http://kg.test/"
DG = DefaultGraph()


def iri(path: str) -> NamedNode:
    return NamedNode(BASE + path)


SOUPS = iri("work/sparse-model-soups")
COLORINGS = iri("work/extending-the-continuum-of-six-colorings")
TILES = iri("work/compressed-sparse-tiles-for-memory-efficient-unstructured-and")
RETRAINING = iri("work/how-i-learned-to-stop-worrying-and-love")
REGRESSION = iri("work/neural-parameter-regression-for-explicit-representations-of-pde")
PERP = iri("work/perp-rethinking-the-prune-retrain-paradigm-in-the")
SMALL = iri("source/small")


def slot(work: NamedNode, n: int) -> NamedNode:
    return NamedNode(f"{work.value}/author/{n}")


def record(key: str) -> NamedNode:
    return iri(f"source/small/record/{key}")


def position(work: NamedNode, n: int, value: Literal | None = None) -> Quad:
    return Quad(slot(work, n), SCHEMA.position, value or Literal(str(n), datatype=XSD.integer), DG)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> list[Quad]:
    """The quads of the small test graph, built by `kg build`'s own code."""
    path = tmp_path_factory.mktemp("small") / "store"
    build(load(TESTDATA / "graph" / "sources.toml"), store=path, base=BASE)
    return list(store_mod.open_store(path).quads_for_pattern(None, None, None, None))


def value_of(quads: list[Quad], s: NamedNode, p: NamedNode, g=DG) -> Quad:
    found = [q for q in quads if q.subject == s and q.predicate == p and q.graph_name == g]
    assert len(found) == 1, f"the test graph should have one {p} on {s}: {found}"
    return found[0]


def breakages(quads: list[Quad]) -> tuple[list[Quad], list[Quad]]:
    """(quads to remove, quads to add): one breakage per node."""
    remove = [
        value_of(quads, SOUPS, SCHEMA.name),  # a work without title
        position(COLORINGS, 4),  # positions 1, 2, 3, 5: a gap
        position(TILES, 3),  # positions 1, 2, 2: a duplicate
        position(RETRAINING, 1),  # positions 4, 2, 3: no first author
        position(REGRESSION, 1),  # a string position
        position(PERP, 1),  # position 0
        position(PERP, 2),  # an authorship with neither position nor kg:implied
        value_of(quads, record("zimmer2023sparse"), SCHEMA.datePublished, SMALL),
        value_of(quads, record("lasby2025compressed"), KG.authorListComplete, SMALL),
    ]
    add = [
        position(COLORINGS, 4, Literal("5", datatype=XSD.integer)),
        position(TILES, 3, Literal("2", datatype=XSD.integer)),
        position(RETRAINING, 1, Literal("4", datatype=XSD.integer)),
        position(REGRESSION, 1, Literal("1")),
        position(PERP, 1, Literal("0", datatype=XSD.integer)),
        Quad(record("zimmer2023sparse"), SCHEMA.datePublished,
             Literal("2023-13", datatype=XSD.gYearMonth), SMALL),
        Quad(record("lasby2025compressed"), KG.authorListComplete, Literal("yes"), SMALL),
        # Terms nobody defined.
        Quad(iri("person/max-zimmer"), NamedNode(SCHEMA.iri + "titel"), Literal("Dr."), DG),
        Quad(iri("person/sebastian-pokutta"), NamedNode(KG.iri + "mood"), Literal("busy"), DG),
        Quad(iri("person/christoph-spiegel"), NamedNode(PRO.iri + "holds"), Literal("x"), DG),
        Quad(iri("person/konrad-mundinger"), NamedNode("http://example.org/vocab#p"), Literal("x"),
             DG),
        Quad(iri("work/sparse-model-soups/preprint"), RDF.type, NamedNode(FABIO.iri + "Paper"), DG),
        Quad(slot(COLORINGS, 1), PRO.withRole, NamedNode(PRO.iri + "autor"), DG),
    ]
    return remove, add


@pytest.fixture(scope="module")
def broken(small, tmp_path_factory) -> CheckReport:
    remove, add = breakages(small)
    assert set(remove) <= set(small), "a quad to remove is not in the test graph"
    store = Store(str(tmp_path_factory.mktemp("broken") / "store"))
    store.bulk_extend([q for q in small if q not in set(remove)] + add)
    return check_store(store)


def lines_about(report: CheckReport, focus: NamedNode) -> list[str]:
    return [str(v) for v in report.violations if v.focus == f"<{focus.value}>"]


def test_small_graph_passes(tmp_path, small):
    store = Store(str(tmp_path / "store"))
    store.bulk_extend(small)
    report = check_store(store)
    assert report.violations == []
    assert report.quads == len(small) and report.graphs == 3


def test_broken_graph_violations_are_all_explained(broken):
    # Every violation is about one of the broken nodes (or the works whose positions they break).
    broken_nodes = {SOUPS, COLORINGS, TILES, RETRAINING, REGRESSION, PERP, slot(REGRESSION, 1),
                    slot(PERP, 1), slot(PERP, 2), slot(COLORINGS, 1), record("zimmer2023sparse"),
                    record("lasby2025compressed"), iri("person/max-zimmer"),
                    iri("person/sebastian-pokutta"), iri("person/christoph-spiegel"),
                    iri("person/konrad-mundinger"), iri("work/sparse-model-soups/preprint")}
    assert {v.focus for v in broken.violations} == {f"<{n.value}>" for n in broken_nodes}


IN_DEFAULT = "[in default graph]"
# A work is also described in the derived graph (its source count and rank).
IN_DEFAULT_AND_DERIVED = f"[in default graph, <{BASE}graph/derived>]"
# A record of a work that one source lists is also ranked in the derived graph.
IN_SOURCE = f"[in <{BASE}graph/derived>, <{SMALL.value}>]"


@pytest.mark.parametrize("node,line", [
    pytest.param(SOUPS, "schema:name: a work has exactly one title (schema:name, a non-empty "
                        f"string) {IN_DEFAULT_AND_DERIVED}", id="missing title"),
    pytest.param(COLORINGS, ": author positions have a gap: no author at the position before 5 "
                            f"{IN_DEFAULT_AND_DERIVED}", id="position gap"),
    pytest.param(TILES, ": author position 2 is held by more than one authorship "
                        f"{IN_DEFAULT_AND_DERIVED}", id="duplicate position"),
    pytest.param(RETRAINING, ": author positions have a gap: no author at the position before 2 "
                             f"{IN_DEFAULT_AND_DERIVED}", id="no first author"),
    pytest.param(slot(REGRESSION, 1), "schema:position: an author position is one xsd:integer, 1 "
                                      f"or more (value \"1\") {IN_DEFAULT}", id="string position"),
    pytest.param(slot(PERP, 1), "schema:position: an author position is one xsd:integer, 1 or more "
                                f"(value \"0\"^^xsd:integer) {IN_DEFAULT}", id="position zero"),
    pytest.param(slot(PERP, 2), ": an authorship has either a schema:position or kg:implied true, "
                                f"not both {IN_DEFAULT}", id="neither position nor implied"),
    pytest.param(record("zimmer2023sparse"),
                 "schema:datePublished: a source record has at most one schema:datePublished, an "
                 "xsd:date, xsd:gYearMonth or xsd:gYear (value \"2023-13\"^^xsd:gYearMonth) "
                 f"{IN_SOURCE}", id="ill-formed date"),
    pytest.param(record("lasby2025compressed"),
                 "kg:authorListComplete: a source record says once whether its author list is "
                 f"complete (kg:authorListComplete) (value \"yes\") {IN_SOURCE}",
                 id="string boolean"),
])
def test_broken_node_is_named_with_what_is_wrong(broken, node, line):
    sep = "" if line.startswith(":") else " "
    assert lines_about(broken, node) == [f"<{node.value}>{sep}{line}"]


@pytest.mark.parametrize("person,line", [
    ("max-zimmer", ("property schema:titel is not defined in schema.org "
                   "(ontology/vendor/schemaorg-subset.ttl)")),
    ("sebastian-pokutta", "property kg:mood is not defined in the kg ontology (ontology/kg.ttl)"),
    ("christoph-spiegel", ("property pro:holds is not defined in the pro terms the graph may use "
                          "(kg/graph/namespaces.py)")),
    ("konrad-mundinger", ("property <http://example.org/vocab#p> is not defined in any vocabulary "
                         "the graph may use (see kg/graph/namespaces.py)")),
])
def test_unknown_property(broken, person, line):
    node = iri(f"person/{person}")
    # A person is described in the default graph, and counted in the derived graph.
    assert lines_about(broken, node) == [
        f"<{node.value}>: {line} [in default graph, <{BASE}graph/derived>]"]


def test_unknown_class(broken):
    node = iri("work/sparse-model-soups/preprint")
    assert lines_about(broken, node) == [
        (f"<{node.value}> rdf:type: class fabio:Paper is not defined in FaBiO "
        f"(ontology/vendor/fabio-subset.ttl) [in default graph, <{BASE}graph/derived>]")]


def test_unknown_value_in_a_vocabulary(broken):
    node = slot(COLORINGS, 1)
    lines = lines_about(broken, node)
    assert (f"<{node.value}> pro:withRole: value pro:autor is not defined in the pro terms the graph may "
            f"use (kg/graph/namespaces.py) [in default graph]") in lines
    # The second role breaks the authorship's shape too.
    assert any("an authorship has the role pro:author" in line for line in lines)


def test_missing_ontology_is_a_clear_error(tmp_path, small):
    with pytest.raises(CheckError, match=r"shapes\.ttl: not found; kg check needs the project's "):
        check_quads(small, ontology=tmp_path)


# --------------------------------------------------------------------------------------------------
# The command

@pytest.fixture(scope="module")
def data_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "store"
    build(load(DATA / "sources.toml"), store=path, base="http://localhost:8080/")
    return path


def test_cli_check_passes_on_the_seed_data(data_store):
    result = CliRunner().invoke(main, ["check", "--store", str(data_store)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("0 violations in ")


def test_a_work_no_source_gives_an_author_passes(tmp_path):
    """Front matter, membership lists and anonymous works list no author (the ACL Anthology has
    dozens); the graph says so without breaking a shape."""
    bib = tmp_path / "front.bib"
    bib.write_text("@inproceedings{front,\n  title = {Front Matter},\n"
                   "  booktitle = {Proceedings of the Workshop on Parsing},\n  year = {1984}\n}\n"
                   "@inproceedings{parse,\n  title = {Parsing with Categorial Grammars},\n"
                   "  author = {Ada Lovelace},\n  booktitle = {Proceedings of the Workshop on "
                   "Parsing},\n  year = {1984}\n}\n", encoding="utf-8")
    built = build(from_files([bib]), store=tmp_path / "store", base="http://localhost:8080/")
    assert sorted(len(w.authors) for w in built.resolution.works) == [0, 1]
    result = CliRunner().invoke(main, ["check", "--store", str(tmp_path / "store")])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("source", ["csljson/items.csl.json", "orcid/bulk.orcid.json",
                                    "orcid/record.orcid.json", "bibtex/endnote.bib"])
def test_orcid_ids_printed_with_authors_are_the_persons_orcid_ids(tmp_path, source):
    """CSL-JSON, ORCID works and EndNote's BibTeX notes print iDs with author names: each is
    the person's ORCID iD in the graph (identifier, owl:sameAs), and finds the person by iD."""
    path = TESTDATA / source
    built = build(from_files([path]), store=tmp_path / "store", base="http://localhost:8080/")
    printed = {a.identifier for r in built.resolution.records.values()
               for a in [*r.authors, *r.implied_authors] if a.identifier}
    assert printed and all(i.startswith("orcid:") for i in printed)
    store = store_mod.open_store(tmp_path / "store")
    for iD in sorted(i.removeprefix("orcid:") for i in printed):
        orcid = NamedNode(f"https://orcid.org/{iD}")
        (person,) = {q.subject for q in store.quads_for_pattern(None, OWL.sameAs, orcid)}
        nodes = [q.object for q in store.quads_for_pattern(person, SCHEMA.identifier, None)]
        values = {(label.value, value.value) for n in nodes
                  for label in objects(store, n, SCHEMA.propertyID)
                  for value in objects(store, n, SCHEMA.value)}
        assert values == {("ORCID", iD)}
        assert resolve_person(store, iD, base="http://localhost:8080/") == person
    assert check_store(store).violations == []


def objects(store, subject, predicate) -> list:
    return [q.object for q in store.quads_for_pattern(subject, predicate, None)]


def test_cli_check_fails_and_prints_each_violation(tmp_path, small):
    path = tmp_path / "store"
    title = value_of(small, SOUPS, SCHEMA.name)
    store_mod.build(path, [q for q in small if q != title])
    result = CliRunner().invoke(main, ["check", "--store", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (f"<{SOUPS.value}> schema:name: a work has exactly one title (schema:name, "
                        f"a non-empty string) {IN_DEFAULT_AND_DERIVED}")
    assert lines[1].startswith("1 violation in ")


def test_cli_check_without_a_store(tmp_path):
    result = CliRunner().invoke(main, ["check", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "no graph has been built here yet; run 'kg build' first" in result.output


def test_small_decimals_are_written_as_valid_decimals():
    # str(0.00001) is '1e-05', which the check would reject as an ill-typed xsd:decimal.
    from rdflib import Literal as RdfLiteral
    from rdflib import URIRef

    from kg.graph.mapping import decimal_literal

    value = decimal_literal(0.00001)
    assert value.value == "0.00001"
    assert not RdfLiteral(value.value, datatype=URIRef(XSD.decimal.value)).ill_typed
