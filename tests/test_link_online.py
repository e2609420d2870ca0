"""Online reconciliation against a local replay of Wikidata (SPARQL endpoint and entity API) and the
ORCID public API: exact matches, ambiguous names, no match, title differences, rejections, the cache,
and the `kg link` command from the first run to the build that reads what it fetched."""

from __future__ import annotations

import copy
import json
import re
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import bibtexparser
import pytest
import requests
from click.testing import CliRunner
from pyoxigraph import Literal, NamedNode
from rdflib.plugins.sparql import prepareQuery

from kg.build import build
from kg.cli import main
from kg.errors import ConfigError, LinkError
from kg.graph.store import open_store
from kg.link import load_links
from kg.link.client import HttpClient
from kg.link.orcid import OrcidApi
from kg.link.reconcile import Reconciler
from kg.link.wikidata import Wikidata
from kg.manifest import Manifest, SourceSpec
from kg.pipeline import resolve_manifest
from kg.web import close_app, create_app

from .conftest import DATA, TESTDATA, LiveServer

REPLAY = TESTDATA / "link"
ORCID_TEST_ID = "0000-0002-1825-0097"  # ORCID's documented example iD
LINKS = f"""\
[[person]]
person = "person/max-zimmer"
orcid = "{ORCID_TEST_ID}"

[[work]]
work = "work/flows-over-time-as-continuous-limits-of-packet"
doi = "10.5555/kg-test.1"
"""
_VALUES = re.compile(r"VALUES\s+\?(\w+)\s*\{([^}]*)\}")
_TERM = re.compile(r'"((?:[^"\\]|\\.)*)"|<([^>]*)>')


class Replay:
    """Answers like Wikidata's SPARQL endpoint (/sparql), its entity API (/w/api.php) and ORCID's public
    API (/v3.0/...), from the files in tests/data/link; ``script`` queues raw answers for a path
    (status, headers, body, delay in seconds) that are served before anything else."""

    def __init__(self) -> None:
        self.hits: Counter[str] = Counter()
        self.requests: list[dict] = []
        self.script: dict[str, list[tuple[int, dict, str, float]]] = {}
        self.entities = json.loads((REPLAY / "wbgetentities.json").read_text())["entities"]
        self.search = json.loads((REPLAY / "wbsearchentities.json").read_text())
        self.sparql = json.loads((REPLAY / "sparql-bindings.json").read_text())
        self.expanded = json.loads((REPLAY / "orcid-expanded-search.json").read_text())
        self.lock = threading.Lock()

    def answer(self, method: str, path: str, params: dict[str, str], headers: dict
               ) -> tuple[int, dict, str, float]:
        with self.lock:
            self.hits[path] += 1
            self.requests.append({"method": method, "path": path, "params": params,
                                  "headers": headers})
            queued = self.script.get(path)
            if queued:
                return queued.pop(0)
        if path == "/sparql":
            return self._sparql(params.get("query", ""))
        if path == "/w/api.php":
            return self._api(params)
        m = re.fullmatch(r"/v3\.0/(\d{4}-\d{4}-\d{4}-\d{3}[\dX])/works", path)
        if m:
            file = REPLAY / f"orcid-works-{m.group(1)}.json"
            if not file.exists():
                return 404, {}, json.dumps({"response-code": 404, "developer-message": "not found"}), 0
            return 200, {"Content-Type": "application/vnd.orcid+json"}, file.read_text(), 0
        if path == "/v3.0/expanded-search/":
            family = re.search(r'family-name:"((?:[^"\\]|\\.)*)"', params.get("q", ""))
            doc = self.expanded.get(family.group(1) if family else "",
                                    {"expanded-result": None, "num-found": 0})
            return 200, {"Content-Type": "application/vnd.orcid+json"}, json.dumps(doc), 0
        return 404, {}, "not found", 0

    def _sparql(self, query: str) -> tuple[int, dict, str, float]:
        try:
            prepareQuery(query)  # what the endpoint would refuse, refuse here too
        except Exception as exc:  # noqa: BLE001 - any parse failure is a 400, as on the endpoint
            return 400, {}, f"MalformedQueryException: {exc}", 0
        title = re.search(r"^# title: (.+)$", query, re.MULTILINE).group(1)
        wanted: dict[str, set[str]] = {}
        for var, body in _VALUES.findall(query):
            wanted[var] = {json.loads(f'"{lit}"') if iri == "" else iri
                           for lit, iri in _TERM.findall(body)}
        rows = [r for r in self.sparql[title]
                if all(r.get(var, {}).get("value") in values for var, values in wanted.items())]
        variables = sorted({v for r in self.sparql[title] for v in r})
        doc = {"head": {"vars": variables}, "results": {"bindings": rows}}
        return 200, {"Content-Type": "application/sparql-results+json"}, json.dumps(doc), 0

    def _api(self, params: dict[str, str]) -> tuple[int, dict, str, float]:
        if params.get("action") == "wbsearchentities":
            doc = {"searchinfo": {"search": params["search"]},
                   "search": self.search.get(params["search"], []), "success": 1}
        elif params.get("action") == "wbgetentities":
            doc = {"entities": {q: self.entities.get(q, {"id": q, "missing": ""})
                                for q in params["ids"].split("|")}, "success": 1}
        else:
            doc = {"error": {"code": "badvalue", "info": "Unrecognized value for parameter action"}}
        return 200, {"Content-Type": "application/json; charset=utf-8"}, json.dumps(doc), 0


class _Handler(BaseHTTPRequestHandler):
    replay: Replay

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if method == "POST":
            length = int(self.headers.get("Content-Length", 0))
            params.update({k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()})
        status, headers, body, delay = self.server.replay.answer(  # type: ignore[attr-defined]
            method, parts.path, params, dict(self.headers))
        if delay:
            threading.Event().wait(delay)
        data = body.encode("utf-8")
        try:
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (the timeout tests)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def replay():
    """The replay server on 127.0.0.1 and a free port; yields (Replay, base URL)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.replay = Replay()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.replay, f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def services(base: str, cache: Path | None, **client_options):
    client = HttpClient(contact="mailto:tests@example.org", cache_dir=cache, backoff=0.01,
                        **client_options)
    wikidata = Wikidata(client, sparql_url=f"{base}/sparql", api_url=f"{base}/w/api.php")
    return client, wikidata, OrcidApi(client, api_url=f"{base}/v3.0")


@pytest.fixture
def linked(resolution, tmp_path):
    """The seed resolution with the test's curated links applied, and those links."""
    path = tmp_path / "links.toml"
    path.write_text(LINKS, encoding="utf-8")
    res = copy.deepcopy(resolution)
    links = load_links(path)
    links.apply(res)
    return res, links, path


def summary(links) -> list[tuple]:
    return sorted((c.entity, c.scheme, c.value, c.method, c.score) for c in links)


EXPECTED_ACCEPTED = [
    ("person/christoph-spiegel", "orcid", "0000-0003-0000-0011", "orcid-search", 0.9),
    ("person/christoph-spiegel", "wikidata", "Q990201", "wikidata-name", 0.95),
    ("person/max-zimmer", "wikidata", "Q990401", "wikidata-orcid", 1.0),
    ("work/flows-over-time-as-continuous-limits-of-packet", "wikidata", "Q990501", "wikidata-doi", 1.0),
    ("work/how-i-learned-to-stop-worrying-and-love", "wikidata", "Q990101", "wikidata-title", 1.0),
    ("work/sparse-model-soups", "wikidata", "Q990502", "wikidata-arxiv", 1.0),
]


def test_reconcile_finds_exact_matches_and_sends_doubtful_ones_to_review(replay, linked, tmp_path):
    server, base = replay
    res, links, _ = linked
    client, wikidata, orcid = services(base, tmp_path / "cache")
    report = Reconciler(res, wikidata=wikidata, orcid=orcid, links=links).run()

    assert summary(report.accepted) == EXPECTED_ACCEPTED
    assert all(c.status == "accepted" for c in report.accepted)
    # An arXiv match whose title differs, and two Wikidata items with the same evidence.
    assert summary(report.review) == [
        ("person/sebastian-pokutta", "wikidata", "Q990301", "wikidata-name", 0.95),
        ("person/sebastian-pokutta", "wikidata", "Q990302", "wikidata-name", 0.95),
        ("work/perp-rethinking-the-prune-retrain-paradigm-in-the", "wikidata", "Q990503",
         "wikidata-arxiv", 0.6),
    ]
    pokutta = [c for c in report.review if c.entity == "person/sebastian-pokutta"]
    assert all("ambiguous: 2 candidates score 0.85 or more" in c.evidence for c in pokutta)
    perp = next(c for c in report.review if c.entity.startswith("work/perp"))
    assert any("title differs" in e for e in perp.evidence)
    by = {c.entity + " " + c.scheme: c for c in report.accepted}
    spiegel = by["person/christoph-spiegel wikidata"]
    assert spiegel.label == "Christoph Spiegel"
    assert spiegel.evidence[1].startswith("2 works in common: work/deep-neural-network-training")
    assert spiegel.evidence[2].startswith("2 coauthors in common")
    assert by["work/how-i-learned-to-stop-worrying-and-love wikidata"].evidence == (
        "title 'How I Learned To Stop Worrying And Love Retraining' matches (1.00)",
        "published 2021, as the work", "3 of 3 authors agree")

    # No match: nothing on either service.
    assert report.unmatched["person/megi-andoni"] == ["Wikidata by name", "ORCID search by name"]
    assert report.unmatched["work/a-free-lunch-in-llm-compression"] == ["Wikidata by title search"]
    assert "person/christoph-spiegel" not in report.unmatched
    # The works of everyone with an ORCID iD, found or curated, are fetched to become a source.
    assert sorted(report.orcid_works) == [ORCID_TEST_ID, "0000-0003-0000-0011"]
    assert json.loads(report.orcid_works[ORCID_TEST_ID].text)["path"] == f"/{ORCID_TEST_ID}/works"

    # Polite: batched SPARQL (one query per kind), an identifying User-Agent on every request.
    assert server.hits["/sparql"] == 4
    agents = {r["headers"]["User-Agent"] for r in server.requests}
    assert len(agents) == 1 and re.match(r"kg/\S+ \(mailto:tests@example.org\) python-requests/",
                                         agents.pop())
    assert client.network_requests == sum(server.hits.values())


def test_a_second_run_is_answered_from_the_cache(replay, linked, tmp_path):
    server, base = replay
    res, links, _ = linked
    first = Reconciler(res, wikidata=services(base, tmp_path / "cache")[1],
                       orcid=services(base, tmp_path / "cache")[2], links=links).run()
    asked = sum(server.hits.values())
    assert asked > 50
    client, wikidata, orcid = services(base, tmp_path / "cache")
    again = Reconciler(res, wikidata=wikidata, orcid=orcid, links=links).run()
    assert sum(server.hits.values()) == asked  # not one more request reached the server
    assert client.network_requests == 0 and client.cache_hits > 50
    assert summary(again.accepted) == summary(first.accepted)
    assert summary(again.review) == summary(first.review)
    # --refresh asks again.
    client, wikidata, orcid = services(base, tmp_path / "cache", refresh=True)
    Reconciler(res, wikidata=wikidata, orcid=orcid, links=links).run(steps=["works"])
    assert sum(server.hits.values()) > asked


def test_a_rejected_candidate_is_not_proposed_again(replay, linked, tmp_path):
    _, base = replay
    res, _, path = linked
    path.write_text(LINKS + '\n[[rejected]]\nperson = "person/sebastian-pokutta"\n'
                            'wikidata = "Q990302"\nreason = "duplicate item, to be merged"\n',
                    encoding="utf-8")
    links = load_links(path)
    _, wikidata, orcid = services(base, None)
    report = Reconciler(res, wikidata=wikidata, orcid=orcid, links=links).run(
        persons=["person/sebastian-pokutta"], steps=["people"])
    assert summary(report.accepted) == [
        ("person/sebastian-pokutta", "wikidata", "Q990301", "wikidata-name", 0.95)]
    assert report.review == []


def test_a_threshold_above_every_score_sends_everything_to_review(replay, linked):
    _, base = replay
    res, links, _ = linked
    _, wikidata, orcid = services(base, None)
    report = Reconciler(res, wikidata=wikidata, orcid=orcid, links=links, threshold=1.0).run(
        persons=["person/christoph-spiegel"], works=[], steps=["people"])
    assert report.accepted == []
    # The composer shares no work: named, but with a name-only score.
    assert summary(report.review) == [
        ("person/christoph-spiegel", "wikidata", "Q990201", "wikidata-name", 0.95),
        ("person/christoph-spiegel", "wikidata", "Q990202", "wikidata-name", 0.4)]
    composer = next(c for c in report.review if c.value == "Q990202")
    assert composer.evidence == ("name 'Christoph Spiegel' is 'Christoph Spiegel' (German composer)",
                                 "Wikidata lists no works by this person")


def test_values_are_bound_as_escaped_literals(replay, resolution, tmp_path):
    """Values reach the endpoint as valid, correctly escaped literals, whatever they hold."""
    server, base = replay
    _, wikidata, _ = services(base, None)
    hostile = '10.5555/KG-TEST.1" } ?item ?p ?o . { "'
    assert wikidata.select("works-by-doi", doi=[Literal(hostile)]) == []
    query = server.requests[-1]["params"]["query"]
    assert 'VALUES ?doi { "10.5555/KG-TEST.1\\" } ?item ?p ?o . { \\"" }' in query
    assert hostile in str(prepareQuery(query).algebra)  # one literal, nothing injected
    # Through the reconciler: a curated DOI with a backslash, bound in both letter cases.
    path = tmp_path / "links.toml"
    path.write_text('[[work]]\nwork = "work/sparse-model-soups"\ndoi = "10.5555/a\\\\b"\n',
                    encoding="utf-8")
    res = copy.deepcopy(resolution)
    load_links(path).apply(res)
    Reconciler(res, wikidata=wikidata).run(works=["work/sparse-model-soups"], steps=["works"])
    queries = [r["params"]["query"] for r in server.requests if r["path"] == "/sparql"]
    doi_query = next(q for q in queries[1:] if "# title: Wikidata works by DOI" in q)
    assert 'VALUES ?doi { "10.5555/A\\\\B" "10.5555/a\\\\b" }' in doi_query


def test_malformed_answers_and_unreachable_services_are_link_errors(replay, linked, tmp_path):
    server, base = replay
    res, links, _ = linked
    # Valid JSON, but not a SPARQL result.
    server.script["/sparql"] = [(200, {"Content-Type": "application/json"}, '{"head": {}}', 0)]
    _, wikidata, _ = services(base, tmp_path / "cache")
    with pytest.raises(LinkError, match=r"/sparql\?query=.*: not a SPARQL JSON result"):
        Reconciler(res, wikidata=wikidata, links=links).run(steps=["works"])
    # Truncated JSON from the entity API.
    server.script["/w/api.php"] = [(200, {"Content-Type": "application/json"}, '{"search": [', 0)]
    with pytest.raises(LinkError, match=r"api\.php\?.*: the response is not valid JSON "
                                        r"\(Expecting value at line 1, column 13\)"):
        wikidata.search("Christoph Spiegel")
    # A broken answer is not cached: asking again reaches the service and gets a good one.
    asked = server.hits["/w/api.php"]
    assert [e.id for e in wikidata.search("Christoph Spiegel")] == ["Q990201", "Q990202"]
    assert server.hits["/w/api.php"] == asked + 1
    # An API error answer.
    with pytest.raises(LinkError, match="badvalue: Unrecognized value for parameter action"):
        wikidata._api({"action": "nonsense"})
    # ORCID: an iD the registry does not know.
    _, _, orcid = services(base, None, retries=0)
    with pytest.raises(LinkError, match=r"/v3.0/0000-0003-0000-0038/works: HTTP 404"):
        orcid.works("0000-0003-0000-0038")
    # Nothing listening: offline.
    port = server_port_closed()
    _, wikidata, _ = services(f"http://127.0.0.1:{port}", None)
    with pytest.raises(LinkError, match=rf"cannot reach 127.0.0.1:{port} \(connection refused\); "
                                        "linking online needs network access"):
        Reconciler(res, wikidata=wikidata, links=links).run(steps=["works"])


def server_port_closed() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------------------ CLI
@pytest.fixture
def project(tmp_path, monkeypatch):
    """A copy of the seed data with the test's curated links, as the working directory."""
    data = tmp_path / "data"
    data.mkdir()
    for f in DATA.iterdir():
        if f.is_file():
            (data / f.name).write_bytes(f.read_bytes())
    (data / "links.toml").write_text(LINKS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KG_CONFIG", raising=False)
    return tmp_path


def run(*args: str) -> tuple[str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output + result.stderr
    return result.stdout, " ".join(result.stderr.split())  # messages are wrapped to the terminal


def online_args(base: str) -> list[str]:
    return ["--wikidata-sparql", f"{base}/sparql", "--wikidata-api", f"{base}/w/api.php",
            "--orcid-api", f"{base}/v3.0", "--cache-dir", "var/cache", "--contact", "tests@example.org"]


def test_cli_online_review_accept_and_build(replay, project):
    _, base = replay
    stdout, stderr = run("link", "--online", "--add-sources", *online_args(base))
    assert "6 links accepted into data/links.toml; 3 candidates for review" in stderr
    links = load_links(project / "data/links.toml")
    assert sorted((x.ref, x.scheme, x.value, x.method, x.score) for x in links.accepted
                  if x.method != "curated") == EXPECTED_ACCEPTED
    # The fetched ORCID works are stored as fetched, and the manifest reads them from now on.
    stored = project / "data/orcid" / f"{ORCID_TEST_ID}.json"
    assert stored.read_text() == (REPLAY / f"orcid-works-{ORCID_TEST_ID}.json").read_text()
    manifest = (project / "data/sources.toml").read_text()
    assert f'id = "orcid-{ORCID_TEST_ID}"\nfile = "orcid/{ORCID_TEST_ID}.json"\nformat = "orcid"\n' \
           f'owner = "Max Zimmer"\norigin = "ORCID public API v3.0, {base}/v3.0/{ORCID_TEST_ID}/works"' \
           in manifest

    stdout, _ = run("link", "--review")
    assert re.search(r"^1  work/perp-rethinking-the-prune-retrain-paradigm-in-the  wikidata Q990503  "
                     r"A survey of bird migration in northern Europe  score 0.6  \(wikidata-arxiv\)$",
                     stdout, re.MULTILINE)
    assert re.search(r"^2  person/sebastian-pokutta  wikidata Q990301", stdout, re.MULTILINE)
    assert "ambiguous: 2 candidates score 0.85 or more" in stdout
    _, stderr = run("link", "--accept", "2")
    assert "accepted: person/sebastian-pokutta wikidata Q990301" in stderr
    assert "rejected: person/sebastian-pokutta wikidata Q990302 (another candidate was accepted" \
        in stderr
    _, stderr = run("link", "--reject", "1", "--reason", "a different paper")
    assert "rejected: work/perp-rethinking-the-prune-retrain-paradigm-in-the wikidata Q990503" in stderr
    stdout, _ = run("link", "--review")
    assert stdout == ""

    # A second online run proposes nothing already decided, and asks again only what changed with
    # the new links (batched queries over fewer values); the rest comes from the cache.
    _, stderr = run("link", "--online", *online_args(base))
    assert "0 links accepted" in stderr and "0 candidates for review" in stderr
    asked, cached = map(int, re.search(r"(\d+) requests, (\d+) answered from the cache",
                                       stderr).groups())
    assert asked <= 5 and cached > 100

    run("build", "--store", "var/store", "--base", "http://example.org/")
    store = open_store(project / "var/store")
    rows = list(store.query("""
        PREFIX kg: <https://w3id.org/kg/ns#>
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?same ?status ?method ?score WHERE {
          <http://example.org/person/christoph-spiegel> owl:sameAs ?same .
          GRAPH <http://example.org/graph/links> {
            ?d kg:aboutEntity <http://example.org/person/christoph-spiegel> ; kg:linkTarget ?same ;
               kg:linkStatus ?status ; kg:linkMethod ?method ; kg:score ?score }
        } ORDER BY ?same"""))
    assert [(r["same"].value, r["status"].value, r["method"].value, float(r["score"].value))
            for r in rows] == [
        ("http://www.wikidata.org/entity/Q990201", "accepted", "wikidata-name", 0.95),
        ("https://orcid.org/0000-0003-0000-0011", "accepted", "orcid-search", 0.9)]
    # The ORCID works document is a source of its own, with its own provenance graph.
    graphs = {g.value for g in store.named_graphs()}
    assert f"http://example.org/source/orcid-{ORCID_TEST_ID}" in graphs
    rejected = list(store.query("""
        PREFIX kg: <https://w3id.org/kg/ns#>
        SELECT ?value ?reason WHERE { GRAPH ?g { ?d kg:linkStatus "rejected" ;
          kg:identifierValue ?value ; kg:reason ?reason } } ORDER BY ?value"""))
    assert [(r["value"].value, r["reason"].value) for r in rejected] == [
        ("Q990302", "another candidate was accepted for the same person and wikidata"),
        ("Q990503", "a different paper")]

    # The web app's person and work pages carry the links, in JSON-LD and in HTML.
    from kg.web import close_app, create_app

    app = create_app({"store": str(project / "var/store"), "base": "http://example.org/",
                      "SPARQL_WORKERS": 1, "TESTING": True})
    try:
        web = app.test_client()
        doc = web.get("/person/christoph-spiegel", headers={"Accept": "application/ld+json"}).json
        same = {doc["sameAs"]} if isinstance(doc["sameAs"], str) else set(doc["sameAs"])
        assert same == {"http://www.wikidata.org/entity/Q990201",
                        "https://orcid.org/0000-0003-0000-0011"}
        page = web.get("/person/christoph-spiegel", headers={"Accept": "text/html"}).text
        assert '<a href="https://orcid.org/0000-0003-0000-0011">' in page
        doc = web.get("/work/sparse-model-soups", headers={"Accept": "application/ld+json"}).json
        assert "http://www.wikidata.org/entity/Q990502" in doc["sameAs"]
        page = web.get("/work/sparse-model-soups", headers={"Accept": "text/html"}).text
        assert "http://www.wikidata.org/entity/Q990502" in page
    finally:
        close_app(app)


def test_cli_proposals(replay, project):
    _, base = replay
    (project / "data/links.toml").write_text(
        LINKS + '\n[[person]]\nperson = "person/christoph-spiegel"\nwikidata = "Q990201"\n\n'
                '[[person]]\nperson = "person/max-zimmer"\nwikidata = "Q990401"\n\n'
                '[[work]]\nwork = "work/sparse-model-soups"\nwikidata = "Q990502"\n',
        encoding="utf-8")
    stdout, stderr = run("link", "--propose", "quickstatements", "--person", "Christoph Spiegel")
    # A work on Wikidata gets its authors' items with their position.
    assert '"\nQ990502\tP50\tQ990401\tP1545\t"1"\nQ990502\tP50\tQ990201\tP1545\t"2"\n' in stdout
    # A work Wikidata lacks is created when complete: items where known, name strings otherwise.
    deep = next(b for b in stdout.split("CREATE\n") if "Deep Neural Network training" in b)
    assert deep == ('LAST\tLen\t"Deep Neural Network training with Frank-Wolfe"\n'
                    "LAST\tP31\tQ13442814\n"
                    'LAST\tP1476\ten:"Deep Neural Network training with Frank-Wolfe"\n'
                    "LAST\tP577\t+2020-10-14T00:00:00Z/11\n"
                    'LAST\tP818\t"2010.07243"\n'
                    'LAST\tP2093\t"Sebastian Pokutta"\tP1545\t"1"\n'
                    'LAST\tP50\tQ990201\tP1545\t"2"\n'
                    'LAST\tP50\tQ990401\tP1545\t"3"\n')
    assert "left out work/how-i-learned-to-stop-worrying-and-love: neither a DOI nor an arXiv ID" \
        in stderr
    assert "left out work/flows-over-time-as-continuous-limits-of-packet" not in stderr  # not his
    # With --online, author statements Wikidata already has (Q990401 on Q990502) are left out.
    stdout, _ = run("link", "--propose", "quickstatements", "--person", "Christoph Spiegel",
                    "--online", *online_args(base))
    assert "Q990502\tP50\tQ990401" not in stdout
    assert 'Q990502\tP50\tQ990201\tP1545\t"2"\n' in stdout

    run("link", "--propose", "orcid-bibtex", "--person", "person/christoph-spiegel",
        "-o", "spiegel.bib")
    library = bibtexparser.parse_string((project / "spiegel.bib").read_text())
    assert len(library.failed_blocks) == 0
    entries = {e["title"]: e for e in library.entries}
    assert len(entries) == 8  # every work of his
    soups = entries["Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging"]
    assert soups.entry_type == "inproceedings"
    assert soups["booktitle"] == "The Twelfth International Conference on Learning Representations"
    assert soups["author"] == "Zimmer, Max and Spiegel, Christoph and Pokutta, Sebastian"
    assert (soups["eprint"], soups["archiveprefix"]) == ("2306.16788", "arXiv")
    assert entries["Deep Neural Network training with {Frank-Wolfe}"].entry_type == "misc"


JOURNALS = r"""
@article{ziemke2021, title = {Flows over Time}, author = {Ziemke, Theresa},
  journal = {Transportation Research Procedia}, volume = {52}, year = {2021}, issn = {2352-1465}}
@article{doe2020, title = {A Study of Examples}, author = {Doe, Jane},
  journal = {Journal of Examples}, volume = {3}, year = {2020}, issn = {1234-5679}}
@article{roe2020, title = {Nothing Known}, author = {Roe, Richard},
  journal = {Journal of Nothing}, year = {2020}, issn = {2345-6787}}
@inproceedings{diaz2020, title = {A Conference Paper}, author = {Diaz, Carla},
  booktitle = {Proceedings of the Conference on Examples}, year = {2020}}
"""


def test_journals_are_linked_by_issn_and_checked_against_their_names(replay, tmp_path):
    server, base = replay
    bib = tmp_path / "journals.bib"
    bib.write_text(JOURNALS, encoding="utf-8")
    res = resolve_manifest(Manifest(path=None, sources=(SourceSpec(id="j", path=bib, format="bibtex"),)))
    series = {s.name: s.path for s in res.series}
    _, wikidata, _ = services(base, tmp_path / "cache")
    report = Reconciler(res, wikidata=wikidata).run(steps=["venues"])
    trp = series["Transportation Research Procedia"]
    assert summary(report.accepted) == [(trp, "wikidata", "Q990601", "wikidata-issn", 1.0)]
    assert report.accepted[0].evidence == (
        "Wikidata Q990601 has ISSN 2352-1465 (P236), as the journal's records print",
        "title agrees (1.00)")
    # An item with the journal's ISSN but another title: a reviewer decides.
    assert summary(report.review) == [
        (series["Journal of Examples"], "wikidata", "Q990602", "wikidata-issn", 0.6)]
    assert report.unmatched == {series["Journal of Nothing"]: ["Wikidata by ISSN"]}
    # One batched query for the three ISSNs; the conference series has none and is not looked up.
    assert server.hits["/sparql"] == 1
    asked = server.requests[0]["params"]["query"]
    assert all(f'"{v}"' in asked for v in ("2352-1465", "1234-5679", "2345-6787"))


def test_a_curated_venue_link_is_the_series_identifier_in_the_graph(tmp_path):
    bib = tmp_path / "journals.bib"
    bib.write_text(JOURNALS, encoding="utf-8")
    (tmp_path / "links.toml").write_text(
        '[[venue]]\nvenue_name = "Transportation Research Procedia"\nwikidata = "Q990601"\n\n'
        '[[rejected]]\nvenue = "venue/journal-of-examples"\nwikidata = "Q990602"\n'
        'reason = "another journal that once had this ISSN"\n', encoding="utf-8")
    links = load_links(tmp_path / "links.toml")
    manifest = Manifest(path=None, sources=(SourceSpec(id="j", path=bib, format="bibtex"),))
    result = build(manifest, store=tmp_path / "store", base="http://localhost:8080/", links=links)
    trp = next(s for s in result.resolution.series if s.name == "Transportation Research Procedia")
    assert trp.identifiers == {"wikidata": ["Q990601"]}
    store = open_store(tmp_path / "store")
    same = [q.object.value for q in store.quads_for_pattern(
        NamedNode(f"http://localhost:8080/{trp.path}"), NamedNode("http://schema.org/sameAs"), None)]
    assert same == ["http://www.wikidata.org/entity/Q990601"]
    app = create_app({"store": str(tmp_path / "store"), "TESTING": True})
    server = LiveServer(app)
    try:
        page = requests.get(f"{server.url}/{trp.path}", timeout=10).text
        assert '<a href="http://www.wikidata.org/entity/Q990601">Q990601</a>' in page
        assert "ISSN 2352-1465" in page
    finally:
        server.close()
        close_app(app)
    decisions = {(d.entity, d.status) for d in result.resolution.link_decisions}
    assert decisions == {(trp.path, "accepted"), ("venue/journal-of-examples", "rejected")}
    # A venue the graph does not have is an error naming the line of the link.
    (tmp_path / "links.toml").write_text('[[venue]]\nvenue = "venue/nowhere"\nwikidata = "Q1"\n',
                                         encoding="utf-8")
    with pytest.raises(ConfigError, match=r"links.toml:3: no venue 'venue/nowhere' in the graph"):
        build(manifest, store=tmp_path / "store2", base="http://localhost:8080/",
              links=load_links(tmp_path / "links.toml"))
