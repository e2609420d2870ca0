"""A SPARQL server as the store: SPARQL 1.1 Protocol for queries, Update for the switch, Graph Store
HTTP Protocol for uploads. Selected by a store setting such as ``oxigraph+http://127.0.0.1:7878/``.

It answers ``query()`` like pyoxigraph's Store (solutions, triples or a boolean), so named queries, the
web app and exports run unchanged against it. A build uploads every graph in chunks, with retries, into
graphs of its own, then replaces the live graphs in one update request; a failed upload leaves the live
graphs as they were.
"""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import parse_qs, quote, urlsplit, urlunsplit

import requests
import requests.auth
import urllib3.exceptions
from pyoxigraph import (
    DefaultGraph, Literal, NamedNode, Quad, QueryResultsFormat, QueryTriples, RdfFormat, Triple,
    Variable, parse, parse_query_results, serialize,
)

from ..errors import KGError, StoreError, UncertainUpdateError
from .namespaces import DCTERMS
from .sparqltext import bind_values, query_form

# Endpoint layouts of engines, relative to the URL given: (query, update, graph store).
ENGINES = {
    "oxigraph": ("query", "update", "store"),
    "virtuoso": ("sparql", "sparql", "sparql-graph-crud"),
    "fuseki": ("query", "update", "data"),
    "graphdb": ("", "statements", "rdf-graphs/service"),
    "qlever": ("", "", None),
    "sparql": ("", "", None),
}
SCHEMES = tuple(f"{e}+http" for e in ENGINES) + tuple(f"{e}+https" for e in ENGINES)


def is_remote(spec: str | None) -> bool:
    return bool(spec) and str(spec).split("://", 1)[0] in SCHEMES


@dataclass(frozen=True)
class Endpoints:
    query: str
    update: str | None
    store: str | None
    engine: str
    auth: tuple[str, str] | None = None
    default_graph: str | None = None  # where the default graph lives on engines that union all graphs


def endpoints(spec: str) -> Endpoints:
    """Endpoint URLs from a store setting; ``?query=…&update=…&store=…`` override the engine's layout."""
    scheme, _, rest = spec.partition("://")
    engine, _, transport = scheme.partition("+")
    parts = urlsplit(f"{transport}://{rest}")
    overrides = {k: v[0] for k, v in parse_qs(parts.query).items()}
    auth = (parts.username, parts.password or "") if parts.username else None
    netloc = parts.hostname + (f":{parts.port}" if parts.port else "") if parts.hostname else ""
    base = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/") + "/", "", ""))
    q, u, s = ENGINES[engine]
    if engine == "virtuoso" and auth:
        # Virtuoso writes through its authenticated endpoints.
        u, s = "sparql-auth", "sparql-graph-crud-auth"

    def join(path: str | None) -> str | None:
        if path is None:
            return None
        if path.startswith(("http://", "https://")):
            return path
        return base + path.lstrip("/") if path else base.rstrip("/") if parts.path.strip("/") else base

    return Endpoints(query=join(overrides.get("query", q)) or base,
                     update=join(overrides.get("update", u)),
                     store=join(overrides.get("store", s)), engine=engine, auth=auth,
                     default_graph=overrides.get("default-graph"))


T = TypeVar("T")


def lateral_or_portable(store: object, text: str, portable: Callable[[], T] | None,
                        run: Callable[[str], T]) -> T:
    """``run(text)``, a query that may use LATERAL (SPARQL 1.2 draft). A remote engine that refuses
    LATERAL gets ``portable()``, which runs the query's SPARQL 1.1 form, where there is one, and
    from then on gets it straight away. The embedded store parses LATERAL: its errors are the
    query's own."""
    if portable is not None and getattr(store, "without_lateral", False):
        return portable()
    try:
        return run(text)
    except (KGError, SyntaxError) as exc:
        if portable is None or not isinstance(store, RemoteStore) or \
                "LATERAL" not in str(exc).upper():
            raise
        store.without_lateral = True
    return portable()


class RemoteStore:
    """Queries and builds over HTTP. ``retries`` applies to connection errors, 429 and 5xx; an
    update is sent again only when it cannot have reached the server (the connection was refused
    or never made, or the server answered 429 or 503), since running it twice can undo it (a second
    ``MOVE`` of a graph already moved empties its target). ``update_timeout`` bounds the wait for an
    update's answer: replacing the live graphs of a large build takes the server minutes."""

    def __init__(self, spec: str, *, timeout: float = 120.0, retries: int = 4,
                 chunk_triples: int = 50_000, auth: tuple[str, str] | None = None,
                 base: str | None = None, update_timeout: float = 3600.0) -> None:
        if not is_remote(spec):
            raise StoreError(f"{spec!r} is not a remote store (use e.g. oxigraph+http://host:port/)")
        self.spec = spec
        self.endpoints = endpoints(spec)
        self.timeout = timeout
        self.update_timeout = update_timeout
        self.retries = retries
        self.chunk_triples = chunk_triples
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "kg (publication knowledge graph)"
        auth = auth or self.endpoints.auth
        if auth:
            self.session.auth = (requests.auth.HTTPDigestAuth(*auth) if self.endpoints.engine == "virtuoso"
                                 else requests.auth.HTTPBasicAuth(*auth))
        # Engines whose default graph is the union of all graphs keep kg's default graph in a named
        # graph and name it as the default graph of every query (SPARQL Protocol default-graph-uri).
        if base is None:
            from .. import settings as settings_mod
            base = settings_mod.load()["base"]
        # kg's graphs are those under its base IRI; a server may hold others (Virtuoso's own, say).
        self.base = base if base.endswith("/") else base + "/"
        self.default_graph = self.endpoints.default_graph
        if self.endpoints.engine == "virtuoso" and not self.default_graph:
            self.default_graph = self.base + "graph/default"
        # Set once the engine has refused LATERAL (see lateral_or_portable).
        self.without_lateral = False

    # -- HTTP ------------------------------------------------------------------------------------
    def _request(self, method: str, url: str, *, once: bool = False,
                 timeout: float | None = None, **kwargs) -> requests.Response:
        """``once``: a request that must not run twice (an update), retried only when it cannot
        have reached the server."""
        delay = 0.5
        timeout = timeout or self.timeout
        for attempt in range(self.retries + 1):
            try:
                resp = self.session.request(method, url, timeout=timeout, **kwargs)
            except requests.RequestException as exc:
                if once and not _never_sent(exc):
                    raise UncertainUpdateError(
                        f"{url}: the update was sent but no answer came back ({exc}); it may have "
                        f"run or still be running on the server, so it was not sent again") from exc
                if attempt == self.retries:
                    raise StoreError(f"{url}: cannot reach the SPARQL server: {exc}") from exc
            else:
                if resp.status_code < 400:
                    return resp
                retry = (429, 503) if once else (429, 500, 502, 503, 504)
                if resp.status_code not in retry or attempt == self.retries:
                    detail = resp.text.strip().splitlines()[0][:300] if resp.text.strip() else ""
                    raise StoreError(f"{url}: HTTP {resp.status_code} {detail}".rstrip())
                retry_after = resp.headers.get("Retry-After", "")
                if retry_after.isdecimal():
                    delay = max(delay, float(retry_after))
            time.sleep(delay)
            delay = min(delay * 2, 30)
        raise StoreError(f"{url}: giving up")  # pragma: no cover - the loop returns or raises

    # -- queries ---------------------------------------------------------------------------------
    def query(self, query: str, *, substitutions: dict | None = None,
              use_default_graph_as_union: bool = False, default_graph=None, named_graphs=None,
              **_ignored):
        """Run a query; the answer has the shape pyoxigraph's ``Store.query`` gives.

        ``default_graph`` and ``named_graphs`` (lists of graph names) become the protocol's
        ``default-graph-uri`` and ``named-graph-uri``; kg's own default graph is named ``DefaultGraph()``.
        """
        if substitutions:
            query = bind_values(query, {Variable(k.value if isinstance(k, Variable) else str(k)): v
                                        for k, v in substitutions.items()})
        form = query_form(query)
        if form == "UPDATE":
            raise StoreError("updates are not run through query()")
        accept = ("application/n-triples" if form in ("CONSTRUCT", "DESCRIBE")
                  else "application/sparql-results+xml")
        data: dict[str, object] = {"query": query}
        if default_graph:
            names = [self.default_graph if isinstance(g, DefaultGraph) else g.value
                     for g in default_graph]
            data["default-graph-uri"] = [n for n in names if n]
        elif self.default_graph:
            data["default-graph-uri"] = self.default_graph
        if named_graphs:
            data["named-graph-uri"] = [g.value for g in named_graphs]
        resp = self._request("POST", self.endpoints.query, data=data, headers={"Accept": accept})
        ctype = resp.headers.get("Content-Type", "").split(";")[0].strip()
        if form in ("CONSTRUCT", "DESCRIBE"):
            fmt = RdfFormat.from_media_type(ctype) or RdfFormat.N_TRIPLES
            return RemoteTriples(q.triple for q in parse(resp.content, fmt))
        fmt = QueryResultsFormat.from_media_type(ctype) or QueryResultsFormat.XML
        return parse_query_results(resp.content, fmt)

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None
                          ) -> Iterator[Quad]:
        """Quads matching a pattern, like pyoxigraph's method (None matches anything)."""
        bound = {Variable(n): t for n, t in (("s", subject), ("p", predicate), ("o", object))
                 if t is not None}
        if graph_name is None or isinstance(graph_name, DefaultGraph):
            rows = self.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", substitutions=bound)
            graphs = [(DefaultGraph(), rows)]
            if graph_name is None:
                named = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
                                   substitutions=bound)
                graphs.append((None, named))
        else:
            rows = self.query("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
                              substitutions={**bound, Variable("g"): graph_name})
            graphs = [(graph_name, rows)]
        for g, rows in graphs:
            for row in rows:
                name = row["g"] if g is None else g
                if g is None and (name.value == self.default_graph
                                  or not name.value.startswith(self.base)):
                    continue
                yield Quad(row["s"], row["p"], row["o"], name)

    def update(self, update: str) -> None:
        if self.endpoints.update is None:
            raise StoreError(f"{self.spec}: no update endpoint configured (add ?update=...)")
        self._request("POST", self.endpoints.update, data={"update": update}, once=True,
                      timeout=self.update_timeout)

    def __len__(self) -> int:
        res = self.query("SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
        return int(next(iter(res))["n"].value)

    def named_graphs(self) -> Iterator[NamedNode]:
        for row in self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"):
            g = row["g"].value
            if g != self.default_graph and g.startswith(self.base) and "/graph/staging/" not in g \
                    and g != self.base + "graph/build":
                yield row["g"]

    # -- graph store -----------------------------------------------------------------------------
    def _graph_url(self, graph: NamedNode | None) -> str:
        if self.endpoints.store is None:
            raise StoreError(f"{self.spec}: no Graph Store endpoint configured (add ?store=...)")
        param = "default" if graph is None else "graph=" + quote(graph.value, safe="")
        sep = "&" if "?" in self.endpoints.store else "?"
        return f"{self.endpoints.store}{sep}{param}"

    def post_triples(self, graph: NamedNode | None, triples: list[Triple]) -> None:
        body = serialize(triples, format=RdfFormat.N_TRIPLES)
        self._request("POST", self._graph_url(graph), data=body,
                      headers={"Content-Type": "application/n-triples"})

    def dump(self, output=None, format: RdfFormat = RdfFormat.N_QUADS, *, from_graph=None):
        """The whole dataset (or one graph), fetched by queries, serialized by pyoxigraph."""
        quads: list[Quad] = []
        graphs = [from_graph] if from_graph is not None else [DefaultGraph(), *self.named_graphs()]
        for g in graphs:
            if isinstance(g, DefaultGraph):
                res = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
            else:
                res = self.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
                                 substitutions={Variable("g"): g})
            quads += [Quad(t.subject, t.predicate, t.object, g) for t in res]
        data = serialize(quads if format.supports_datasets else [q.triple for q in quads],
                         format=format)
        if output is None:
            return data
        output.write(data)
        return None

    # -- builds ----------------------------------------------------------------------------------
    def build(self, quads: Iterable[Quad], *, base: str, progress=None) -> dict:
        """Upload into fresh graphs, then switch the live graphs to them in one update request."""
        build_id = uuid.uuid4().hex[:12]
        staging = lambda g: NamedNode(  # noqa: E731
            f"{base}graph/staging/{build_id}/" + ("default" if g is None else quote(g.value, safe="")))
        chunks: dict[str | None, list[Triple]] = defaultdict(list)
        counts: dict[str | None, int] = defaultdict(int)
        graph_nodes: dict[str | None, NamedNode | None] = {None: None}

        def uploaded() -> str:
            return ", ".join(str(staging(g)) for g in graph_nodes.values())

        started = time.perf_counter()
        try:
            for quad in quads:
                key = None if isinstance(quad.graph_name, DefaultGraph) else quad.graph_name.value
                if key is not None:
                    graph_nodes[key] = quad.graph_name
                chunks[key].append(quad.triple)
                if len(chunks[key]) >= self.chunk_triples:
                    self.post_triples(staging(graph_nodes[key]), chunks.pop(key))
                    counts[key] += self.chunk_triples
                    if progress:
                        progress(sum(counts.values()))
            for key, triples in chunks.items():
                if triples:
                    self.post_triples(staging(graph_nodes[key]), triples)
                    counts[key] += len(triples)
            old = {g.value for g in self.named_graphs()}
            old.discard(self.default_graph or "")
            old.discard(self.base + "graph/build")
            try:
                self.update(_switch_update(graph_nodes, staging, old, self.default_graph))
            except UncertainUpdateError as exc:
                # The switch may be running: dropping the staging graphs now could empty the live
                # ones. Leave them, and say which they are.
                raise UncertainUpdateError(
                    f"{exc}. Check the server's graphs before building again; the uploaded "
                    f"graphs {uploaded()} are left in place") from exc
        except UncertainUpdateError:
            raise
        except BaseException as exc:
            # The live graphs were not touched; remove what this build uploaded.
            try:
                self.update(" ".join(f"DROP SILENT GRAPH {staging(g)} ;" for g in graph_nodes.values())
                            .rstrip(" ;"))
            except StoreError as cleanup:
                exc.add_note(f"The uploaded graphs could not be removed ({cleanup}); they are "
                             f"still on the server: {uploaded()}")
            raise
        finished = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        self._write_meta(build_id, finished)
        return {"triples": sum(counts.values()), "graphs": len(graph_nodes), "build": build_id,
                "seconds": round(time.perf_counter() - started, 3), "finished": finished}

    def _write_meta(self, build_id: str, finished: str) -> None:
        """Which build the server holds and when it finished, in the small graph ``<base>graph/build``
        (what a build directory's metadata file is for the embedded store)."""
        node = NamedNode(self.base + "graph/build")
        triples = [Triple(node, DCTERMS.identifier, Literal(build_id)),
                   Triple(node, DCTERMS.modified, Literal(finished))]
        body = serialize(triples, format=RdfFormat.N_TRIPLES)
        self._request("PUT", self._graph_url(node), data=body,
                      headers={"Content-Type": "application/n-triples"})

    def meta(self) -> dict:
        """The build's id and time, as recorded by :meth:`build` (empty before any build)."""
        node = NamedNode(self.base + "graph/build")
        res = self.query("SELECT ?p ?o WHERE { GRAPH ?g { ?g ?p ?o } }",
                         substitutions={Variable("g"): node})
        values = {row["p"].value: row["o"].value for row in res}
        if DCTERMS.identifier.value not in values:
            return {}
        return {"build": values[DCTERMS.identifier.value], "finished": values.get(DCTERMS.modified.value),
                "base": self.base}


def _never_sent(exc: requests.RequestException) -> bool:
    """Did the request fail before any of it reached the server (refused, or no connection made
    in time)?"""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.ConnectionError) and isinstance(
        reason, urllib3.exceptions.NewConnectionError | urllib3.exceptions.ConnectTimeoutError)


def _switch_update(graph_nodes: dict, staging, old: set[str], default_graph: str | None = None
                   ) -> str:
    """One update request: every live graph replaced by its staging graph, stale graphs dropped.

    The operations are fixed text around IRIs serialized by pyoxigraph; no value is spliced in.
    """
    ops = []
    for key, node in sorted(graph_nodes.items(), key=lambda kv: kv[0] or ""):
        target = ("DEFAULT" if default_graph is None else f"GRAPH {NamedNode(default_graph)}") \
            if node is None else f"GRAPH {node}"
        ops.append(f"MOVE SILENT GRAPH {staging(node)} TO {target}")
    for iri in sorted(old - {k for k in graph_nodes if k}):
        ops.append(f"DROP SILENT GRAPH {NamedNode(iri)}")
    return " ;\n".join(ops)


class RemoteTriples(list):
    """CONSTRUCT/DESCRIBE results: an iterable of triples, like pyoxigraph's QueryTriples."""

    def serialize(self, output=None, format: RdfFormat = RdfFormat.N_TRIPLES):
        data = serialize(list(self), format=format)
        if output is None:
            return data
        output.write(data)
        return None



# What a CONSTRUCT or DESCRIBE answers with, from either kind of store (for isinstance checks).
TRIPLE_RESULTS = (QueryTriples, RemoteTriples)
