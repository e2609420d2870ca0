"""The SPARQL endpoint through SPARQLWrapper and plain HTTP, the named-query API, VoID and the dumps."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
import rdflib
import requests
from SPARQLWrapper import CONSTRUCT, CSV, JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.graph.store import build_meta

from .conftest import WEB_BASE

SCHEMA = "http://schema.org/"
WORKS = """PREFIX schema: <http://schema.org/>
PREFIX fabio: <http://purl.org/spar/fabio/>
SELECT ?work ?title WHERE { ?work a fabio:Work ; schema:name ?title } ORDER BY ?title"""
# Three unconstrained patterns: ~10^11 combinations to count.
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def wrapper(live_server: str, fmt: str) -> SPARQLWrapper:
    sw = SPARQLWrapper(f"{live_server}/sparql")
    sw.setReturnFormat(fmt)
    return sw


def test_select_json_xml_and_csv_agree(live_server):
    sw = wrapper(live_server, JSON)
    sw.setQuery(WORKS)
    rows = sw.queryAndConvert()["results"]["bindings"]
    titles = [r["title"]["value"] for r in rows]
    assert len(titles) == 28 and "Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging" in titles
    assert all(r["work"]["value"].startswith(WEB_BASE + "work/") for r in rows)

    sw = wrapper(live_server, XML)
    sw.setQuery(WORKS)
    doc = sw.queryAndConvert()  # an xml.dom document
    xml_titles = [b.getElementsByTagName("literal")[0].firstChild.data
                  for b in doc.getElementsByTagName("binding") if b.getAttribute("name") == "title"]
    assert xml_titles == titles

    sw = wrapper(live_server, CSV)
    sw.setQuery(WORKS)
    table = list(csv.DictReader(io.StringIO(sw.queryAndConvert().decode("utf-8"))))
    assert [r["title"] for r in table] == titles


def test_ask_and_post(live_server):
    sw = wrapper(live_server, JSON)
    sw.setQuery("ASK { ?p a <http://schema.org/Person> ; <http://schema.org/name> 'Max Zimmer' }")
    assert sw.queryAndConvert()["boolean"] is True
    sw.setMethod(POST)
    sw.setQuery("ASK { ?p <http://schema.org/name> 'Nobody At All' }")
    assert sw.queryAndConvert()["boolean"] is False
    direct = requests.post(f"{live_server}/sparql", data=WORKS.encode("utf-8"), timeout=30,
                           headers={"Content-Type": "application/sparql-query",
                                    "Accept": "text/tab-separated-values"})
    assert direct.status_code == 200 and direct.headers["Content-Type"].startswith(
        "text/tab-separated-values")
    assert direct.text.splitlines()[0] == "?work\t?title"


def test_construct_as_turtle_and_rdfxml(live_server):
    query = """PREFIX schema: <http://schema.org/>
    CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }"""
    for fmt in (TURTLE, XML):
        sw = wrapper(live_server, fmt)
        sw.setQuery(query)
        assert sw.queryType == CONSTRUCT
        g = sw.queryAndConvert()
        if fmt == TURTLE:  # SPARQLWrapper hands Turtle over unparsed
            g = rdflib.Graph().parse(data=g, format="turtle")
        assert isinstance(g, rdflib.Graph)
        assert len(g) == 46
        assert (rdflib.URIRef(WEB_BASE + "person/max-zimmer"), rdflib.URIRef(SCHEMA + "name"),
                rdflib.Literal("Max Zimmer")) in g


def test_default_graph_and_named_graphs_parameters(live_server):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    def count(**params):
        resp = requests.get(f"{live_server}/sparql", params={"query": query, **params}, timeout=30,
                            headers={"Accept": "application/sparql-results+json"})
        return int(resp.json()["results"]["bindings"][0]["n"]["value"])
    merged = count()
    source = count(**{"default-graph-uri": WEB_BASE + "source/aggregator"})
    assert merged > 0 and source > 0 and source != merged


@pytest.mark.parametrize("request_kwargs", [
    {"params": {"update": "INSERT DATA { <http://a> <http://b> <http://c> }"}},
    {"data": {"update": "DELETE WHERE { ?s ?p ?o }"}},
    {"data": b"INSERT DATA { <http://a> <http://b> <http://c> }",
     "headers": {"Content-Type": "application/sparql-update"}},
    {"params": {"query": "PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }"}},
    {"params": {"query": "LOAD <http://example.org/data.ttl>"}},
    {"params": {"query": "CLEAR ALL"}},
])
def test_updates_are_refused(live_server, request_kwargs):
    method = requests.post if ("data" in request_kwargs) else requests.get
    resp = method(f"{live_server}/sparql", timeout=30, **request_kwargs)
    assert resp.status_code == 403
    assert "read-only" in resp.json()["error"]["message"]


def test_service_is_refused_unless_allowed(live_server):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    resp = requests.get(f"{live_server}/sparql", params={"query": query}, timeout=30)
    assert resp.status_code == 403
    assert "allow_service" in resp.json()["error"]["message"]
    # The word in a string is not a SERVICE call.
    ok = requests.get(f"{live_server}/sparql", timeout=30,
                      params={"query": 'SELECT * WHERE { ?s ?p "SERVICE" }'})
    assert ok.status_code == 200


def test_syntax_error_is_400_with_position(live_server):
    sw = wrapper(live_server, JSON)
    sw.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed) as info:
        sw.queryAndConvert()
    assert "not valid SPARQL" in str(info.value) and "1:" in str(info.value)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000,
    "ASK { FILTER(" + "!" * 20000 + "true) }",
])
def test_query_nested_past_the_parser_is_400_and_the_endpoint_stays_up(live_server, query):
    # Nested this deep, the engine's parser would exhaust its stack and take its process down.
    resp = requests.post(f"{live_server}/sparql", data={"query": query}, timeout=30)
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "too-deep"
    assert "at most 256" in resp.json()["error"]["message"]
    # A string or an IRI full of braces is not nesting.
    ok = requests.get(f"{live_server}/sparql", timeout=30,
                      params={"query": 'ASK { ?s ?p "' + "{" * 5000 + '" }'})
    assert ok.status_code == 200 and ok.json()["boolean"] is False


def test_cartesian_product_times_out_within_the_limit(live_server, app):
    limit = app.config["KG"]["query_timeout"]
    started = time.monotonic()
    resp = requests.get(f"{live_server}/sparql", params={"query": CARTESIAN}, timeout=60)
    elapsed = time.monotonic() - started
    assert resp.status_code == 503
    error = resp.json()["error"]
    assert error["code"] == "timeout" and "time limit" in error["message"]
    assert limit <= elapsed < limit + 3
    # The endpoint still answers afterwards (the killed worker was replaced).
    after = requests.get(f"{live_server}/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
    assert after.status_code == 200 and after.json()["boolean"] is True


def test_result_limit_is_a_clear_error(live_server, app):
    resp = requests.get(f"{live_server}/sparql", timeout=30,
                        params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert error["code"] == "limit"
    assert str(app.config["KG"]["result_limit"]) in error["message"]


def test_results_negotiation(live_server):
    url = f"{live_server}/sparql"
    query = {"query": "SELECT ?s WHERE { ?s a <http://schema.org/Person> } LIMIT 2"}
    assert requests.get(url, params=query, headers={"Accept": "image/png"},
                        timeout=30).status_code == 406
    assert requests.get(url, params={**query, "format": "csv"},
                        timeout=30).headers["Content-Type"].startswith("text/csv")
    construct = {"query": "CONSTRUCT WHERE { ?s a <http://schema.org/Person> }"}
    resp = requests.get(url, params=construct, headers={"Accept": "application/n-triples"},
                        timeout=30)
    assert resp.headers["Content-Type"].startswith("application/n-triples")
    assert len(rdflib.Graph().parse(data=resp.text, format="nt")) == 46
    assert requests.get(url, params=construct, headers={"Accept": "text/csv"},
                        timeout=30).status_code == 406
    form = requests.get(url, headers={"Accept": "text/html"}, timeout=30)
    assert form.status_code == 200 and "<textarea" in form.text


def test_named_query_api(live_server):
    listing = requests.get(f"{live_server}/api/queries", timeout=30).json()["queries"]
    names = {q["name"] for q in listing}
    # The project's catalog (queries/) where installed, else the pages' own SELECT queries.
    name, column = ("coauthors", "coauthor") if "coauthors" in names else ("person-coauthors",
                                                                          "coauthor")
    assert name in names and all(q["title"] and q["href"] for q in listing)
    resp = requests.get(f"{live_server}/api/queries/{name}", timeout=30,
                        params={"person": "person/max-zimmer"})
    assert resp.status_code == 200, resp.text
    result = resp.json()
    rows = [dict(zip(result["columns"], r)) for r in result["rows"]]
    assert len(rows) == 45
    assert WEB_BASE + "person/sebastian-pokutta" in {r[column] for r in rows}
    missing = requests.get(f"{live_server}/api/queries/{name}", timeout=30)
    assert missing.status_code == 400 and "person" in missing.json()["error"]["message"]
    assert requests.get(f"{live_server}/api/queries/no-such-query", timeout=30).status_code == 404


def test_void_description(live_server, web_store):
    meta = build_meta(web_store)
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        resp = requests.get(f"{live_server}/.well-known/void", headers={"Accept": accept}, timeout=30)
        assert resp.status_code == 200 and resp.headers["Content-Type"].startswith(accept)
        g = rdflib.Graph().parse(data=resp.text, format=fmt)
        void = rdflib.Namespace("http://rdfs.org/ns/void#")
        ds = rdflib.URIRef(WEB_BASE + "void#dataset")
        assert (ds, rdflib.RDF.type, void.Dataset) in g
        assert int(g.value(ds, void.triples)) == meta["triples"]
        assert g.value(ds, void.sparqlEndpoint) == rdflib.URIRef(WEB_BASE + "sparql")
        dumps = set(g.objects(ds, void.dataDump))
        assert rdflib.URIRef(WEB_BASE + "dump/kg.nq") in dumps
        assert rdflib.URIRef("http://schema.org/") in set(g.objects(ds, void.vocabulary))
    assert requests.get(f"{live_server}/void", timeout=30).status_code == 200


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_dumps_stream_the_whole_graph(live_server, web_store):
    meta = build_meta(web_store)
    resp = requests.get(f"{live_server}/dump/kg.nq", timeout=60, stream=True)
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"] == 'attachment; filename="kg.nq"'
    ds = rdflib.Dataset()
    ds.parse(data=resp.content, format="nquads")
    assert len(list(ds.quads((None, None, None, None)))) == meta["triples"]
    ttl = requests.get(f"{live_server}/dump/kg.ttl", timeout=60)
    merged = rdflib.Graph().parse(data=ttl.text, format="turtle")
    assert 0 < len(merged) < meta["triples"]
    listing = requests.get(f"{live_server}/dump/", timeout=30).json()["dumps"]
    assert {d["href"].rsplit("/", 1)[1] for d in listing} >= {"kg.nq", "kg.ttl", "kg.jsonld"}
    assert requests.get(f"{live_server}/dump/kg.docx", timeout=30).status_code == 404


def test_rate_limit(tmp_path, web_store):
    from kg.web import close_app, create_app

    from .conftest import LiveServer

    limited = create_app({"store": str(web_store), "rate_limit": 2, "SPARQL_WORKERS": 1})
    server = LiveServer(limited)
    try:
        url = f"{server.url}/sparql"
        codes = [requests.get(url, params={"query": "ASK {}"}, timeout=30).status_code
                 for _ in range(3)]
        assert codes == [200, 200, 429]
        last = requests.get(url, params={"query": "ASK {}"}, timeout=30)
        assert int(last.headers["Retry-After"]) > 0
        assert "slow down" in json.loads(last.text)["error"]["message"]
    finally:
        server.close()
        close_app(limited)


def test_request_body_limit_and_media_type(live_server, app):
    limit = app.config["KG"]["max_request_bytes"]
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * limit
    resp = requests.post(f"{live_server}/sparql", data=big.encode(), timeout=30,
                         headers={"Content-Type": "application/sparql-query"})
    assert resp.status_code == 413
    assert "larger than this server accepts" in resp.json()["error"]["message"]
    odd = requests.post(f"{live_server}/sparql", data=b"{}", timeout=30,
                        headers={"Content-Type": "application/json"})
    assert odd.status_code == 415 and "application/sparql-query" in odd.json()["error"]["message"]
