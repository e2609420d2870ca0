"""``/api/queries``: the project's named queries as a small JSON API, run with the endpoint's time and
result limits."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from . import queries
from .app import graph, pool, setting
from .errors import Problem
from .pool import PoolError
from .sparql import STATUS

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.after_request
def _cors(resp: Response) -> Response:
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return resp


@bp.route("/queries")
def list_queries() -> Response:
    root = request.script_root
    return jsonify({"queries": [
        {"name": q.name, "title": q.title, "description": q.description, "parameters": q.params,
         "href": f"{root}/api/queries/{q.name}"}
        for q in sorted(queries.catalog().values(), key=lambda q: q.name)]})


@bp.route("/queries/<name>")
def run_query(name: str) -> Response:
    if name not in queries.catalog():
        raise Problem(404, f"no named query {name!r}; GET /api/queries lists them", code="not-found")
    snap = graph()
    params = {k: v for k, v in request.args.items() if k != "format"}
    job = {"op": "named", "directory": snap.location, "base": snap.base, "name": name, "params": params,
           "limit": setting("result_limit")}
    try:
        status, kind, media, body = pool().run(job, timeout=setting("query_timeout"))
    except PoolError as exc:
        raise Problem(503, str(exc), code=exc.code) from None
    if status != "ok":
        raise Problem(STATUS.get(kind, 500), media, code=kind)
    return Response(body, content_type="application/json; charset=utf-8")
