"""The web endpoint's entities: every RDF format read back by rdflib, JSON-LD by pyld, pages by extruct,
content negotiation, validators and CORS, over a real HTTP server."""

from __future__ import annotations

import json
import re
from pathlib import Path

import extruct
import pytest
import rdflib
import requests
from pyld import jsonld
from pyoxigraph import NamedNode, Variable
from rdflib.compare import isomorphic

from kg.graph.store import open_store
from kg.web import queries as page_queries

from .conftest import WEB_BASE

WORK = "work/sparse-model-soups"
ENTITIES = [WORK, f"{WORK}/iclr-2024", f"{WORK}/preprint", f"{WORK}/author/1", "person/max-zimmer",
            "venue/iclr", "venue/iclr/2024", "source/aggregator", "source/aggregator/record/paper-3"]
RDF_TYPES = {"text/turtle": "turtle", "application/n-triples": "nt", "application/rdf+xml": "xml",
             "application/ld+json": "json-ld"}


def get(url: str, accept: str | None = None, **kwargs) -> requests.Response:
    headers = kwargs.pop("headers", {})
    if accept:
        headers["Accept"] = accept
    return requests.get(url, headers=headers, timeout=30, **kwargs)


def graph_of(resp: requests.Response, media: str) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(data=resp.content, format=RDF_TYPES[media], publicID=WEB_BASE)
    return g


def authors_in_graph(web_store, work_iri: str) -> list[str]:
    """Author names in position order, straight from the store."""
    store = open_store(web_store)
    rows = store.query(
        "PREFIX schema: <http://schema.org/> PREFIX pro: <http://purl.org/spar/pro/> "
        "SELECT ?work ?name ?pos WHERE { ?work pro:isDocumentContextFor ?r . "
        "?r pro:isHeldBy ?p ; schema:position ?pos . ?p schema:name ?name } ORDER BY ?pos",
        substitutions={Variable("work"): NamedNode(work_iri)})
    return [r["name"].value for r in rows]


@pytest.mark.parametrize("path", ENTITIES)
def test_every_rdf_format_of_an_entity_is_the_same_graph(live_server, path):
    graphs = {}
    for media in RDF_TYPES:
        resp = get(f"{live_server}/{path}", media)
        assert resp.status_code == 200, (media, resp.text[:300])
        assert resp.headers["Content-Type"].startswith(media)
        graphs[media] = graph_of(resp, media)
    turtle = graphs["text/turtle"]
    assert len(turtle) > 0
    assert rdflib.URIRef(WEB_BASE + path) in set(turtle.subjects())
    for media, g in graphs.items():
        assert isomorphic(g, turtle), f"{media} differs from Turtle for {path}"


def test_work_jsonld_is_compact_with_ordered_authors_and_links(live_server, web_store):
    resp = get(f"{live_server}/{WORK}", "application/ld+json")
    assert resp.status_code == 200
    doc = resp.json()
    assert doc["@context"]["@vocab"] == "http://schema.org/"
    assert doc["@id"] == WEB_BASE + WORK and "@graph" not in doc
    assert "fabio:Work" in doc["@type"] and "ScholarlyArticle" in doc["@type"]
    names = [a["name"] for a in doc["author"]]
    assert names == authors_in_graph(web_store, WEB_BASE + WORK)
    assert names[0] == "Max Zimmer"
    positions = [int(r["position"]) for r in doc["isDocumentContextFor"]]
    assert positions == sorted(positions)
    assert "https://arxiv.org/abs/2306.16788" in doc["sameAs"]
    versions = {v["@id"]: v for v in doc["workExample"]}
    conf = versions[WEB_BASE + WORK + "/iclr-2024"]
    assert conf["isPartOf"]["name"] == "The Twelfth International Conference on Learning Representations"
    assert conf["isPartOf"]["isPartOf"]["alternateName"] == "ICLR"


def test_pyld_expands_the_jsonld_to_the_same_graph_as_ntriples(live_server):
    doc = get(f"{live_server}/{WORK}", "application/ld+json").json()
    expanded = jsonld.expand(doc)
    node = next(n for n in expanded if n["@id"] == WEB_BASE + WORK)
    assert node["http://schema.org/name"][0]["@value"].startswith("Sparse Model Soups")
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    from_pyld = rdflib.Graph().parse(data=nquads, format="nt")
    nt = graph_of(get(f"{live_server}/{WORK}", "application/n-triples"), "application/n-triples")
    assert isomorphic(from_pyld, nt)


def test_work_page_embeds_jsonld_and_citation_tags_that_match_the_graph(live_server, web_store):
    resp = get(f"{live_server}/{WORK}", "text/html")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/html")
    data = extruct.extract(resp.text, base_url=WEB_BASE + WORK, syntaxes=["json-ld"])
    (doc,) = data["json-ld"]
    names = authors_in_graph(web_store, WEB_BASE + WORK)
    assert doc["name"] == "Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging"
    assert [a["name"] for a in doc["author"]] == names
    assert doc["datePublished"]["@value"] == "2023-06-29"
    meta = _meta_tags(resp.text)
    assert meta["citation_title"] == [doc["name"]]
    assert meta["citation_author"] == names
    assert meta["citation_publication_date"] == ["2023/06/29"]
    assert meta["citation_arxiv_id"] == ["2306.16788"]
    assert meta["citation_conference_title"] == [
        "The Twelfth International Conference on Learning Representations"]
    assert meta["citation_pdf_url"] == ["https://arxiv.org/pdf/2306.16788"]
    # Versions, sources and their records are on the page.
    assert "iclr-2024" in resp.text and "website-with-bibtex-current.txt" in resp.text


def _meta_tags(html: str) -> dict[str, list[str]]:
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    out: dict[str, list[str]] = {}
    for m in tree.iter("meta"):
        if m.get("name", "").startswith("citation_"):
            out.setdefault(m.get("name"), []).append(m.get("content"))
    return out


@pytest.mark.parametrize("path,needle", [
    ("person/max-zimmer", "Sebastian Pokutta"),
    ("venue/iclr", "The Twelfth International Conference on Learning Representations"),
    ("venue/iclr/2024", "Sparse Model Soups"),
    ("source/aggregator", "paper-3"),
    (f"{WORK}/iclr-2024", "exampleOfWork"),
    ("", "Recent works"),
])
def test_pages_render(live_server, path, needle):
    resp = get(f"{live_server}/{path}", "text/html,application/xhtml+xml,*/*;q=0.8")
    assert resp.status_code == 200
    assert needle in resp.text


def test_person_page_has_chart_network_and_coauthor_counts(live_server):
    html = get(f"{live_server}/person/max-zimmer", "text/html").text
    assert html.count('class="bar"') >= 3
    data = html.split('id="network-data">', 1)[1].split("</script>", 1)[0]
    network = json.loads(data)
    pokutta = next(n for n in network["nodes"] if n["name"] == "Sebastian Pokutta")
    assert pokutta["works"] >= 10 and network["links"]
    assert "/static/network.js" in html
    assert get(f"{live_server}/static/network.js").status_code == 200


@pytest.mark.parametrize("accept,expected", [
    ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
    ("application/ld+json;q=0.2, text/turtle;q=0.9", "text/turtle"),
    ("application/rdf+xml", "application/rdf+xml"),
    ("application/n-triples, */*;q=0.1", "application/n-triples"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("*/*", "text/html"),
])
def test_accept_header_with_q_values(live_server, accept, expected):
    resp = get(f"{live_server}/{WORK}", accept)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].split(";")[0] == expected
    assert "Accept" in resp.headers["Vary"]


@pytest.mark.parametrize("name,expected", [("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                                           ("nt", "application/n-triples"),
                                           ("rdfxml", "application/rdf+xml"), ("html", "text/html")])
def test_format_parameter_overrides_accept(live_server, name, expected):
    resp = get(f"{live_server}/{WORK}?format={name}", "text/html")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].split(";")[0] == expected


def test_unacceptable_format_is_406_with_the_offered_types(live_server):
    resp = get(f"{live_server}/{WORK}", "image/png")
    assert resp.status_code == 406
    assert "text/turtle" in resp.json()["error"]["message"]
    resp = get(f"{live_server}/{WORK}?format=docx")
    assert resp.status_code == 406
    assert "unknown format 'docx'" in resp.json()["error"]["message"]


def test_unknown_entity_is_404_in_the_requested_format(live_server):
    url = f"{live_server}/work/no-such-work"
    resp = get(url, "text/turtle")
    assert resp.status_code == 404 and resp.headers["Content-Type"].startswith("text/turtle")
    assert len(graph_of(resp, "text/turtle")) == 0 and "no entity" in resp.text
    resp = get(url, "application/ld+json")
    assert resp.status_code == 404
    assert resp.json()["error"]["status"] == 404
    resp = get(url, "application/rdf+xml")
    assert resp.status_code == 404 and len(graph_of(resp, "application/rdf+xml")) == 0
    resp = get(url, "text/html")
    assert resp.status_code == 404 and "<h1" in resp.text and "no entity" in resp.text
    resp = get(f"{live_server}/nothing/here", "application/json")
    assert resp.status_code == 404 and set(resp.json()["error"]) >= {"status", "title", "message"}


def test_etag_and_last_modified_give_304(live_server):
    first = get(f"{live_server}/{WORK}", "text/turtle")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and modified
    again = get(f"{live_server}/{WORK}", "text/turtle", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    since = get(f"{live_server}/{WORK}", "text/turtle", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    other = get(f"{live_server}/{WORK}", "application/ld+json", headers={"If-None-Match": etag})
    assert other.status_code == 200  # another representation has another tag


def test_cors_on_data_formats(live_server):
    resp = get(f"{live_server}/{WORK}", "application/ld+json",
               headers={"Origin": "https://elsewhere.example"})
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in resp.headers["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Origin" not in get(f"{live_server}/{WORK}", "text/html").headers


def test_embed_snippet_as_html_and_json(live_server):
    fragment = get(f"{live_server}/{WORK}/embed", "text/html")
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<meta name="citation_title"')
    assert '<script type="application/ld+json">' in fragment.text
    parts = get(f"{live_server}/{WORK}/embed?format=json").json()
    assert set(parts) == {"script", "meta"}
    doc = extruct.extract("<html><head>" + parts["meta"] + parts["script"] + "</head></html>",
                          syntaxes=["json-ld"])["json-ld"][0]
    assert doc["@id"] == WEB_BASE + WORK
    assert parts["meta"].count('name="citation_author"') == len(doc["author"])


def test_context_and_errors_carry_no_internals(live_server):
    ctx = get(f"{live_server}/context.jsonld").json()
    assert ctx["@context"]["@vocab"] == "http://schema.org/"
    resp = get(f"{live_server}/work/x/y/z/w", "application/json")
    assert resp.status_code == 404
    assert "Traceback" not in resp.text and "/tmp" not in resp.text


def test_every_route_and_web_setting_is_documented(app):
    docs = (Path(__file__).resolve().parents[1] / "docs" / "web.md").read_text(encoding="utf-8")
    for rule in app.url_map.iter_rules():
        shown = re.sub(r"<any\([^)]*\):root>/<path:rest>", "", rule.rule)
        shown = re.sub(r"<(?!path:)[^>]*>", "<", shown).split("<")[0] if shown else ""
        if shown:
            assert f"`{shown}" in docs, f"route {rule.rule} is not in docs/web.md"
    for name in ("host", "port", "store", "base", "threads", "query_timeout", "result_limit",
                 "max_request_bytes", "rate_limit", "allow_service"):
        assert f"| `{name}` |" in docs, f"setting {name} is not in docs/web.md"


def test_cors_preflight(live_server):
    resp = requests.options(f"{live_server}/{WORK}", timeout=30, headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "If-None-Match"})
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in resp.headers["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("module", ["kg.web.negotiate", "kg.graph.sparqltext"])
def test_docstring_examples(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


SAMPLES = {"work": WORK, "person": "person/max-zimmer", "series": "venue/iclr", "venue": "venue/iclr",
           "source": "source/aggregator"}
DESCRIBED = {"describe-work": WORK, "describe-version": f"{WORK}/iclr-2024",
             "describe-person": "person/max-zimmer", "describe-venue": "venue/iclr/2024",
             "describe-source": "source/aggregator",
             "describe-record": "source/aggregator/record/paper-3",
             "describe-node": f"{WORK}/author/1",
             "disagreements": "work/capturing-temporal-dynamics-in-large-scale-canopy-tree"}


def test_every_page_query_runs_and_finds_something(web_store):
    from kg.web import queries

    store = open_store(web_store)
    for name, q in queries.local_queries().items():
        params = {p.name: NamedNode(WEB_BASE + (DESCRIBED[name] if p.name == "entity"
                                                else SAMPLES[p.name])) for p in q.params}
        found = (queries.construct(store, name, **params) if q.form == "construct"
                 else queries.select(store, name, **params))
        if name != "identifier-conflicts":  # the sample work claims no disputed identifier
            assert found, f"{name} found nothing"
        assert q.title and q.description, f"{name} lacks a header"


# ----------------------------------------------------------------------------------------------
# The page queries' SPARQL 1.1 forms (kg/web/sparql/portable/, for engines without LATERAL) ask the
# same questions as their LATERAL forms.

def _portable_params(store, name: str) -> dict[str, NamedNode]:
    def first(text: str) -> NamedNode:
        return next(iter(store.query(text)))[0]
    kg_ns = "https://w3id.org/kg/ns#"
    # A work the sources disagree on, or one with an identifier conflict for that page query.
    kind = "IdentifierConflict" if name == "identifier-conflicts" else "Disagreement"
    link = "claimedBy" if name == "identifier-conflicts" else "aboutEntity"
    work = first(f"SELECT ?w WHERE {{ GRAPH ?q {{ ?d a <{kg_ns}{kind}> ; <{kg_ns}{link}> ?w }} "
                 "?w a <http://purl.org/spar/fabio/Work> } ORDER BY ?w LIMIT 1")
    return {"person": NamedNode(WEB_BASE + "person/max-zimmer"), "work": work, "entity": work,
            "venue": first("SELECT ?s WHERE { ?s a <http://purl.org/spar/fabio/Series> } "
                           "ORDER BY ?s LIMIT 1"),
            "source": NamedNode(WEB_BASE + "source/aggregator")}


PORTABLE = sorted(n for n, q in page_queries.local_queries().items() if q.portable)


@pytest.mark.parametrize("name", PORTABLE)
def test_portable_page_query_gives_the_same_rows(web_store, name):
    store = open_store(web_store)
    q = page_queries.query(name)
    wanted = {p.name for p in q.params}
    subs = {Variable(k): v for k, v in _portable_params(store, name).items() if k in wanted}

    def rows(text: str) -> list[tuple]:
        return sorted(tuple(str(v) for v in r) for r in store.query(text, substitutions=subs))

    lateral, portable = rows(q.text), rows(q.portable)
    assert lateral == portable
    assert lateral, f"{name}: no rows to compare"
