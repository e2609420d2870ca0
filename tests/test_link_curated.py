"""Curated links: validation with file and line, application to the resolution, and the round trip into
the graph (owl:sameAs / schema:sameAs in the entity's JSON-LD, decisions in the links graph)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, NamedNode, Store
from rdflib import Graph

from kg.errors import ConfigError
from kg.graph.jsonld import context
from kg.graph.mapping import Mapper
from kg.link import load_links
from kg.link.curated import append_links
from kg.link.review import decide, load_review, merge, review_path, write_review

from .conftest import DATA

ORCID_TEST_ID = "0000-0002-1825-0097"  # ORCID's documented example iD (Josiah Carberry)
BASE = "http://example.org/kg/"


@pytest.fixture
def res(resolution):
    """A private copy: applying links changes the resolution."""
    return copy.deepcopy(resolution)


def write(tmp_path: Path, text: str, name: str = "links.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = f"""\
# people
[[person]]
person = "person/max-zimmer"
orcid = "https://orcid.org/{ORCID_TEST_ID}"
wikidata = "Q4115189"

[[work]]
title = "Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging"
wikidata = "http://www.wikidata.org/entity/Q4115190"
doi = "https://doi.org/10.48550/ARXIV.2306.16788"

[[rejected]]
name = "Christoph Spiegel"
wikidata = "Q4115191"
reason = "a namesake"
"""


def entity_jsonld(quads, iri: str) -> dict:
    """The compacted JSON-LD document of one entity's triples in the merged view."""
    g = Graph()
    nt = "".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in quads
                 if q.graph_name == DefaultGraph() and q.subject == NamedNode(iri))
    g.parse(data=nt, format="nt")
    return json.loads(g.serialize(format="json-ld", context=context()["@context"]))


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def test_links_round_trip_into_jsonld_same_as(tmp_path, res):
    links = load_links(write(tmp_path, GOOD))
    links.apply(res)
    person = next(p for p in res.persons if p.path == "person/max-zimmer")
    assert person.identifiers["orcid"] == [ORCID_TEST_ID]
    assert person.identifiers["wikidata"] == ["Q4115189"]
    work = next(w for w in res.works if w.path == "work/sparse-model-soups")
    assert work.identifiers["wikidata"] == ["Q4115190"]
    assert work.identifiers["doi"] == ["10.48550/arxiv.2306.16788"]

    quads = list(Mapper(BASE).quads(res))
    doc = entity_jsonld(quads, BASE + "person/max-zimmer")
    assert doc["@id"] == BASE + "person/max-zimmer"
    assert set(as_list(doc["sameAs"])) == {f"https://orcid.org/{ORCID_TEST_ID}",
                                           "http://www.wikidata.org/entity/Q4115189"}
    assert set(as_list(doc["owlSameAs"])) == {f"https://orcid.org/{ORCID_TEST_ID}",
                                              "http://www.wikidata.org/entity/Q4115189"}
    doc = entity_jsonld(quads, BASE + "work/sparse-model-soups")
    assert {"http://www.wikidata.org/entity/Q4115190",
            "https://doi.org/10.48550/arxiv.2306.16788"} <= set(as_list(doc["sameAs"]))
    assert doc["doi"] == "10.48550/arxiv.2306.16788"


def test_decisions_are_queryable_in_the_links_graph(tmp_path, res):
    load_links(write(tmp_path, GOOD)).apply(res)
    store = Store()
    store.extend(Mapper(BASE).quads(res))
    rows = store.query("""
        PREFIX kg: <https://w3id.org/kg/ns#>
        SELECT ?entity ?scheme ?value ?status ?method ?line WHERE {
          GRAPH <http://example.org/kg/graph/links> {
            ?d a kg:LinkDecision ; kg:aboutEntity ?entity ; kg:identifierScheme ?scheme ;
               kg:identifierValue ?value ; kg:linkStatus ?status ; kg:linkMethod ?method ;
               kg:line ?line .
          }
        } ORDER BY ?line""")
    got = [(r["entity"].value.removeprefix(BASE), r["scheme"].value, r["value"].value,
            r["status"].value, r["method"].value, int(r["line"].value)) for r in rows]
    assert got == [
        ("person/max-zimmer", "orcid", ORCID_TEST_ID, "accepted", "curated", 4),
        ("person/max-zimmer", "wikidata", "Q4115189", "accepted", "curated", 5),
        ("work/sparse-model-soups", "wikidata", "Q4115190", "accepted", "curated", 9),
        ("work/sparse-model-soups", "doi", "10.48550/arxiv.2306.16788", "accepted", "curated", 10),
        ("person/christoph-spiegel", "wikidata", "Q4115191", "rejected", "curated", 14),
    ]
    # A rejected identifier never becomes a sameAs.
    spiegel = next(p for p in res.persons if p.path == "person/christoph-spiegel")
    assert "wikidata" not in spiegel.identifiers


@pytest.mark.parametrize("body, line, message", [
    ('[[person]]\nperson = "person/max-zimmer"\n\norcid = "0000-0002-1825-0098"\n', 4,
     "ORCID iD '0000-0002-1825-0098' has a wrong check digit"),
    ('[[person]]\nperson = "person/max-zimmer"\norcid = "0000-0002-1825"\n', 3,
     "'0000-0002-1825' is not an ORCID iD like 0000-0002-1825-0097"),
    ('# a comment\n[[person]]\nname = "Max Zimmer"\nwikidata = "Q0"\n', 4,
     "'Q0' is not a Wikidata item id like Q42"),
    ('[[work]]\nwork = "work/sparse-model-soups"\nwikidata = "P356"\n', 3,
     "'P356' is not a Wikidata item id like Q42"),
    ('[[work]]\nwork = "work/sparse-model-soups"\ndoi = "11.1/x"\n', 3,
     "'11.1/x' is not a DOI like 10.1234/abc"),
    ('[[person]]\nperson = "person/max-zimmer"\nemail = "x@y"\n', 3, "unknown key 'email'"),
    ('[[person]]\nperson = "person/max-zimmer"\n', 1, "links no identifier"),
    ('[[person]]\nperson = "person/max-zimmer"\norcid = "0000-0002-1825-0097"\nscore = 3\n', 4,
     "score must be a number from 0 to 1"),
    ('[[person]]\nperson = "person/max-zimmer"\norcid = 1234\n', 3, "orcid must be a string"),
])
def test_bad_values_are_errors_with_file_and_line(tmp_path, body, line, message):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as err:
        load_links(path)
    assert str(err.value).startswith(f"{path}:{line}")
    assert message in str(err.value)


@pytest.mark.parametrize("body, line, message", [
    ('[[person]]\nperson = "person/nobody"\nwikidata = "Q1"\n', 3,
     "no person 'person/nobody' in the graph"),
    ('\n[[work]]\ntitle = "A Paper Nobody Wrote"\nwikidata = "Q1"\n', 4,
     "no work with the title 'A Paper Nobody Wrote' in the graph"),
    (('[[person]]\nperson = "person/max-zimmer"\nwikidata = "Q1"\n\n'
      '[[person]]\nperson = "person/christoph-spiegel"\nwikidata = "Q1"\n'), 7,
     "wikidata Q1 is already linked to person/max-zimmer"),
    (('[[person]]\nperson = "person/max-zimmer"\nwikidata = "Q1"\n\n'
      '[[rejected]]\nperson = "person/max-zimmer"\nwikidata = "Q1"\n'), 7,
     "both accepted and rejected"),
    (('[[person]]\nperson = "person/max-zimmer"\nwikidata = "Q1"\n\n'
      '[[person]]\nname = "Max Zimmer"\nwikidata = "Q1"\n'), 7,
     "wikidata Q1 of person/max-zimmer is listed twice (also "),
])
def test_unknown_or_inconsistent_references_are_errors_when_applied(tmp_path, res, body, line,
                                                                     message):
    path = write(tmp_path, body)
    links = load_links(path)
    with pytest.raises(ConfigError) as err:
        links.apply(res)
    assert str(err.value).startswith(f"{path}:{line}: ")
    assert message in str(err.value)


def test_toml_syntax_error_names_line_and_column(tmp_path):
    path = write(tmp_path, '[[person]]\nperson = "person/max-zimmer"\norcid = \n')
    with pytest.raises(ConfigError, match=rf"^{path}:3:\d+: "):
        load_links(path)


def test_missing_file(tmp_path):
    assert load_links(tmp_path / "none.toml", missing_ok=True).links == []
    with pytest.raises(ConfigError, match="no such links file"):
        load_links(tmp_path / "none.toml")


def test_the_shipped_links_file_holds_no_invented_identifiers(res):
    links = load_links(DATA / "links.toml")
    assert links.links == []
    assert links.apply(res) == []


def test_accept_and_reject_move_candidates_into_the_curated_file(tmp_path, res):
    links_path = write(tmp_path, "# mine\n")
    found = load_links(write(tmp_path, (
        '[[person]]\nperson = "person/max-zimmer"\nwikidata = "Q11"\nmethod = "wikidata-name"\n'
        'score = 0.6\nevidence = ["name matches", "2 works in common"]\nlabel = "Max Zimmer"\n'
        '[[person]]\nperson = "person/max-zimmer"\nwikidata = "Q12"\nscore = 0.5\n'
        '[[work]]\nwork = "work/sparse-model-soups"\nwikidata = "Q13"\nscore = 0.7\n'), "found.toml"),
        review=tmp_path / "none.toml").links
    write_review(review_path(links_path), merge([], found))
    pending = load_review(review_path(links_path))
    assert [(c.n, c.value) for c in pending] == [(1, "Q11"), (2, "Q12"), (3, "Q13")]
    # Found again later: numbers stay, a new one is appended.
    again = merge(pending, [found[2], found[0].__class__(**{**found[0].__dict__, "value": "Q14"})])
    assert [(c.n, c.value) for c in again] == [(1, "Q11"), (2, "Q12"), (3, "Q13"), (4, "Q14")]

    with pytest.raises(ConfigError, match="there is no candidate 9"):
        decide(links_path, accept=[9])
    accepted, rejected = decide(links_path, accept=[1], reject=[3], decided="2025-01-02",
                                reason="not this paper")
    assert [c.value for c in accepted] == ["Q11"]
    # Accepting Q11 for the person turns down the other candidate for the same slot.
    assert sorted(c.value for c in rejected) == ["Q12", "Q13"]
    assert load_review(review_path(links_path)) == []
    text = links_path.read_text(encoding="utf-8")
    assert text.startswith("# mine\n")
    links = load_links(links_path)
    assert [(x.value, x.status, x.method, x.score) for x in links.links] == [
        ("Q11", "accepted", "wikidata-name", 0.6),
        ("Q13", "rejected", "curated", 0.7),
        ("Q12", "rejected", "curated", 0.5),
    ]
    assert links.links[0].evidence == ("name matches", "2 works in common")
    links.apply(res)
    person = next(p for p in res.persons if p.path == "person/max-zimmer")
    assert person.identifiers["wikidata"] == ["Q11"]


def test_the_links_graph_meets_the_shapes_and_uses_defined_terms(tmp_path, res):
    from kg.graph.check import check_quads

    links_path = write(tmp_path, GOOD)
    candidate = load_links(write(tmp_path, (
        '[[work]]\nwork = "work/sparse-model-soups"\nwikidata = "Q13"\nscore = 0.7\n'
        'method = "wikidata-title"\nevidence = ["title matches (0.93)"]\nlabel = "Sparse soups"\n'
        'decided = "2025-01-02"\n'), "c.toml"), review=tmp_path / "none.toml").links
    write_review(review_path(links_path), merge([], candidate))
    load_links(links_path).apply(res)
    graph = NamedNode(BASE + "graph/links")
    quads = [q for q in Mapper(BASE).quads(res) if q.graph_name == graph]
    assert len({q.subject for q in quads}) == 6
    report = check_quads(quads)
    assert report.violations == []


def test_a_candidate_decided_in_the_curated_file_is_no_longer_pending(tmp_path, res):
    links_path = write(tmp_path, '[[rejected]]\nwork = "work/sparse-model-soups"\nwikidata = "Q13"\n')
    candidate = load_links(write(tmp_path, (
        '[[work]]\nwork = "work/sparse-model-soups"\nwikidata = "Q13"\nscore = 0.7\n'), "c.toml"),
        review=tmp_path / "none.toml").links
    write_review(review_path(links_path), merge([], candidate))
    assert [(d.value, d.status) for d in load_links(links_path).apply(res)] == [("Q13", "rejected")]


def test_pending_candidates_are_decisions_too(tmp_path, res):
    links_path = write(tmp_path, "")
    candidate = load_links(write(tmp_path, (
        '[[work]]\nwork = "work/sparse-model-soups"\nwikidata = "Q13"\nscore = 0.7\n'
        'method = "wikidata-title"\n'), "c.toml"), review=tmp_path / "none.toml").links
    write_review(review_path(links_path), merge([], candidate))
    decisions = load_links(links_path).apply(res)
    assert [(d.entity, d.status, d.method, d.score, d.n) for d in decisions] == [
        ("work/sparse-model-soups", "pending", "wikidata-title", 0.7, 1)]
    work = next(w for w in res.works if w.path == "work/sparse-model-soups")
    assert "wikidata" not in work.identifiers


def test_append_keeps_what_the_user_wrote(tmp_path):
    path = write(tmp_path, '# my notes\n[[person]]\nperson = "person/max-zimmer"\n'
                           f'orcid = "{ORCID_TEST_ID}"  # checked by hand')
    links = load_links(path).links
    assert append_links(path, [links[0].__class__(kind="work", ref="work/x", scheme="doi",
                                                  value="10.1234/a\\b", method="wikidata-doi",
                                                  score=1.0)]) == 1
    text = path.read_text(encoding="utf-8")
    assert text.startswith('# my notes\n[[person]]\nperson = "person/max-zimmer"\n')
    assert "# checked by hand\n\n[[work]]\n" in text
    again = load_links(path).links
    assert again[1].value == "10.1234/a\\b" and again[1].line == 8
