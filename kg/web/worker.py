"""A SPARQL worker process: opens builds of the store read-only, runs one query at a time, and answers
with the serialized result or an error.

pyoxigraph cannot interrupt a running query and a thread cannot be killed, so queries from the public
endpoint run here, in a process the app kills when the time limit passes. The result-size limit is
enforced here too: rows or triples are counted as they are produced, so a huge result stops early
instead of filling memory.
"""

from __future__ import annotations

import json
from multiprocessing.connection import Connection
from typing import Any

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    parse_query_results,
    serialize,
)

from ..errors import KGError
from ..graph.remote import TRIPLE_RESULTS, RemoteStore, is_remote

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class LimitExceeded(Exception):
    pass


def main(conn: Connection) -> None:
    """Serve jobs from the app until the connection closes."""
    stores: dict[str, Store] = {}
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = handle(job, stores)
        except LimitExceeded as exc:
            answer = ("error", "limit", str(exc), b"")
        except SyntaxError as exc:
            answer = ("error", "syntax", str(exc), b"")
        except OSError as exc:
            answer = ("error", "store", f"the store could not answer: {exc.strerror or exc}",
                      b"")
        except KGError as exc:
            answer = ("error", "query", str(exc), b"")
        except Exception as exc:  # noqa: BLE001 - an answer to the app, not a dead worker
            answer = ("error", "internal", str(exc), b"")
        try:
            conn.send(answer)
        except (EOFError, OSError):
            return


def _store(location: str, stores: dict[str, Any], base: str | None = None) -> Any:
    """The store a job names: a build directory opened read-only, or a remote store setting."""
    if location not in stores:
        stores.clear()  # a new build: the previous one is no longer asked for
        stores[location] = RemoteStore(location, base=base) if is_remote(location) \
            else Store.read_only(location)
    return stores[location]


def handle(job: dict[str, Any], stores: dict[str, Any]) -> tuple[Any, ...]:
    store = _store(job["directory"], stores, job.get("base"))
    if job["op"] == "ping":
        return ("ok", "ping", "text/plain", b"")
    if job["op"] == "named":
        from .queries import run_named

        columns, rows = run_named(store, job["name"], job["params"], base=job["base"])
        if len(rows) > job["limit"]:
            raise LimitExceeded(f"the result has more than {job['limit']} rows (the result limit)")
        body = json.dumps({"query": job["name"], "columns": columns, "rows": rows},
                          ensure_ascii=False).encode("utf-8")
        return ("ok", "named", "application/json", body)
    kwargs: dict[str, Any] = {}
    if job.get("default_graph"):
        kwargs["default_graph"] = [DefaultGraph() if g == "" else NamedNode(g)
                                   for g in job["default_graph"]]
    if job.get("named_graphs"):
        kwargs["named_graphs"] = [NamedNode(g) for g in job["named_graphs"]]
    result = store.query(job["query"], **kwargs)
    limit = int(job["limit"])
    if isinstance(result, QueryBoolean):
        media = job.get("results_format")
        if not media:
            return ("error", "not-acceptable", "boolean", b"")
        fmt = QueryResultsFormat.from_media_type(media)
        return ("ok", "boolean", media, result.serialize(format=fmt))
    if isinstance(result, QuerySolutions):
        media = job.get("results_format")
        if not media:
            return ("error", "not-acceptable", "solutions", b"")
        variables = [v.value for v in result.variables]
        bindings = []
        for n, row in enumerate(result):
            if n >= limit:
                raise LimitExceeded(f"the result has more than {limit} rows (the result limit); "
                                    "add a LIMIT or narrow the query")
            bindings.append({v: _term(row[v]) for v in variables if row[v] is not None})
        doc = json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}},
                         ensure_ascii=False).encode("utf-8")
        fmt = QueryResultsFormat.from_media_type(media)
        if fmt == QueryResultsFormat.JSON:
            return ("ok", "solutions", media, doc)
        parsed = parse_query_results(doc, format=QueryResultsFormat.JSON)
        return ("ok", "solutions", media, parsed.serialize(format=fmt))
    if isinstance(result, TRIPLE_RESULTS):
        media = job.get("graph_format")
        if not media:
            return ("error", "not-acceptable", "triples", b"")
        triples = []
        for n, t in enumerate(result):
            if n >= limit:
                raise LimitExceeded(f"the result has more than {limit} triples (the result limit); "
                                    "add a LIMIT or narrow the query")
            triples.append(t)
        rdf_format = RdfFormat.from_media_type(media)
        if rdf_format is None:
            return ("error", "not-acceptable", "triples", b"")
        return ("ok", "triples", media, serialize(triples, format=rdf_format,
                                                  prefixes=job.get("prefixes")))
    return ("error", "internal", "unexpected result type", b"")


def _term(term: Any) -> dict[str, Any]:
    """A term in the SPARQL 1.1 JSON results form."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (XSD_STRING, RDF_LANG_STRING):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, Triple):
        return {"type": "triple", "value": {"subject": _term(term.subject),
                                            "predicate": _term(term.predicate),
                                            "object": _term(term.object)}}
    return {"type": "literal", "value": str(term)}


if __name__ == "__main__":
    import sys

    main(Connection(int(sys.argv[1])))
