"""``/sparql``: the SPARQL 1.1 Protocol, read-only, with a time limit and a result-size limit.

Queries come as ``GET ?query=``, as an urlencoded ``POST`` or as a direct ``application/sparql-query``
body. Results are negotiated (``Accept`` or ``?format=``): JSON, XML, CSV or TSV for SELECT and ASK, any
RDF format for CONSTRUCT and DESCRIBE. Each query runs in a worker process that is killed at the time
limit (see :mod:`kg.web.pool`).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request
from pyoxigraph import NamedNode, RdfFormat

from ..graph.namespaces import PREFIXES
from ..graph import sparqltext
from . import negotiate
from .app import graph, pool, setting
from .errors import Problem
from .negotiate import RDF_FORMATS, RESULTS_FORMATS
from .pool import PoolError

bp = Blueprint("sparql", __name__)

READ_ONLY = ("this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, …) are not "
             "accepted")
MAX_NESTING = 256  # levels of nesting a query may have (the engine's parser fails near 2,000)
STATUS = {"syntax": 400, "limit": 400, "query": 400, "not-acceptable": 406, "store": 503,
          "internal": 500}
CORS = {"Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Accept, Content-Type, If-None-Match"}
EXAMPLE = """PREFIX schema: <http://schema.org/>
PREFIX fabio: <http://purl.org/spar/fabio/>

SELECT ?work ?title ?date WHERE {
  ?work a fabio:Work ; schema:name ?title .
  OPTIONAL { ?work schema:datePublished ?date }
}
ORDER BY DESC(STR(?date))
LIMIT 10"""
# Graph results default to Turtle when the client accepts anything.
GRAPH_FORMATS = tuple(sorted(RDF_FORMATS, key=lambda f: f.rdf_format != RdfFormat.TURTLE))


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    if request.method == "OPTIONS":
        return Response(status=204, headers=CORS)
    wait = current_app.extensions["kg.rate"].check(request.remote_addr or "")
    if wait is not None:
        raise Problem(429, "too many requests to the SPARQL endpoint; slow down",
                      code="rate-limit", headers={"Retry-After": str(int(wait) + 1)})
    query_text = _query_text()
    if query_text is None:
        accept = request.headers.get("Accept", "")
        if "text/html" in accept:
            return Response(render_template("sparql.html", example=EXAMPLE),
                            content_type="text/html; charset=utf-8")
        raise Problem(400, "no query: send one as ?query=, as a form field or as an "
                           "application/sparql-query body", code="no-query")
    depth = sparqltext.nesting(query_text)
    if depth > MAX_NESTING:
        # The engine's parser recurses per level; far past any real query it exhausts its stack.
        raise Problem(400, f"the query nests {depth} levels deep (groups, brackets, parentheses or "
                           f"chained operators); this endpoint reads at most {MAX_NESTING}",
                      code="too-deep")
    if sparqltext.is_update(query_text):
        raise Problem(403, READ_ONLY, code="read-only")
    if sparqltext.uses_service(query_text) and not setting("allow_service"):
        raise Problem(403, "SERVICE calls to other endpoints are disabled on this endpoint "
                           "(setting allow_service)", code="service")
    results_fmt, graph_fmt = _formats()
    snap = graph()
    job = {"op": "query", "directory": snap.location, "base": snap.base, "query": query_text,
           "limit": setting("result_limit"),
           "results_format": results_fmt.media_type if results_fmt else None,
           "graph_format": graph_fmt.media_type if graph_fmt else None,
           "prefixes": PREFIXES,
           "default_graph": _graphs("default-graph-uri"), "named_graphs": _graphs("named-graph-uri")}
    answer = _run(job)
    status, kind, media, body = answer
    if status != "ok":
        code, message = kind, media
        if code == "not-acceptable":
            offered = RESULTS_FORMATS if message in ("solutions", "boolean") else GRAPH_FORMATS
            raise negotiate.NotAcceptable(offered, request.args.get("format")
                                          or request.headers.get("Accept", ""))
        if code == "syntax":
            message = "the query is not valid SPARQL: " + message
        raise Problem(STATUS.get(code, 500), message, code=code)
    fmt = negotiate.lookup(media, (*RESULTS_FORMATS, *RDF_FORMATS))
    resp = Response(body, content_type=fmt.content_type if fmt else media, headers=CORS)
    resp.vary.add("Accept")
    resp.headers["Cache-Control"] = "no-cache"
    return resp


def _run(job: dict) -> tuple:
    try:
        return pool().run(job, timeout=setting("query_timeout"))
    except PoolError as exc:
        headers = {"Retry-After": "1"} if exc.code == "busy" else {}
        raise Problem(503, str(exc), code=exc.code, headers=headers) from None


def _query_text() -> str | None:
    """The query of the request, refusing updates sent the protocol's way."""
    if "update" in request.args or (request.mimetype == "application/x-www-form-urlencoded"
                                    and "update" in request.form):
        raise Problem(403, READ_ONLY, code="read-only")
    found: list[str] = []
    if request.method == "POST":
        if request.mimetype == "application/sparql-update":
            raise Problem(403, READ_ONLY, code="read-only")
        if request.mimetype == "application/sparql-query":
            found = [request.get_data(as_text=True)]
        elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            found = request.form.getlist("query")
        else:
            raise Problem(415, "send the query as application/sparql-query or as a form field "
                               "(application/x-www-form-urlencoded)", code="media-type")
    else:
        found = request.args.getlist("query")
    if len(found) > 1:
        raise Problem(400, "more than one query in one request", code="no-query")
    return found[0] if found and found[0].strip() else None


def _formats() -> tuple[negotiate.WebFormat | None, negotiate.WebFormat | None]:
    """The format for solutions and booleans, and the one for graphs, as the client asks."""
    name = request.values.get("format")
    accept = request.headers.get("Accept")
    if name:
        results = negotiate.lookup(name, RESULTS_FORMATS)
        graphs = negotiate.lookup(name, GRAPH_FORMATS)
        if results is None and graphs is None:
            raise negotiate.NotAcceptable((*RESULTS_FORMATS, *GRAPH_FORMATS), name,
                                          unknown_name=True)
        return results, graphs
    return negotiate.preferred(RESULTS_FORMATS, accept), negotiate.preferred(GRAPH_FORMATS, accept)


def _graphs(param: str) -> list[str] | None:
    iris = request.args.getlist(param) or (
        request.form.getlist(param) if request.mimetype == "application/x-www-form-urlencoded"
        else [])
    for iri in iris:
        try:
            NamedNode(iri)
        except ValueError:
            raise Problem(400, f"{param} is not a valid IRI: {iri!r}", code="query") from None
    return iris or None
