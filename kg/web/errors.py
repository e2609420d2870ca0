"""One error shape for the whole app: ``{"error": {"status", "title", "message"}}`` in JSON, the same
fields on an HTML page, or (for RDF formats) an empty document of the requested format with the message
as a comment. Responses never carry stack traces or file paths: unexpected errors are logged and
answered with a generic message."""

from __future__ import annotations

import json
import logging
import re
from http import HTTPStatus

from flask import Flask, Response, render_template, request
from pyoxigraph import RdfFormat, serialize
from werkzeug.exceptions import HTTPException

from ..errors import KGError, QueryError, StoreError
from . import negotiate
from .negotiate import WebFormat

log = logging.getLogger(__name__)


class Problem(Exception):
    """An error with its HTTP status, optionally to be written in a given format."""

    def __init__(self, status: int, message: str, *, fmt: WebFormat | None = None,
                 code: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.fmt = fmt
        self.code = code
        self.headers = headers or {}


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _clean(message: str) -> str:
    # Library messages may name files: keep the reason, drop anything that looks like a path.
    return re.sub(r"(?<![\w:])/(?:[\w.+-]+/)+[\w.+-]*", "<path>", message)


def error_response(status: int, message: str, *, fmt: WebFormat | None = None,
                   code: str | None = None, headers: dict[str, str] | None = None) -> Response:
    message = _clean(message)
    fmt = fmt or _format_for_error()
    title = _title(status)
    body: bytes | str
    if fmt.rdf_format is not None and fmt.rdf_format != RdfFormat.JSON_LD:
        body = _rdf_error(fmt.rdf_format, status, title, message)
        content_type = fmt.content_type
    elif fmt.media_type == "text/html":
        body = render_template("error.html", status=status, title=title, message=message)
        content_type = "text/html; charset=utf-8"
    elif fmt.results_format is not None and fmt.media_type in ("text/csv", "text/tab-separated-values"):
        body = f"error\n{status} {title}: {message}\n".replace("\t", " ")
        content_type = fmt.content_type
    else:
        payload: dict[str, object] = {"status": status, "title": title, "message": message}
        if code:
            payload["code"] = code
        body = json.dumps({"error": payload}, ensure_ascii=False, indent=1) + "\n"
        content_type = ("application/ld+json; charset=utf-8" if fmt.rdf_format == RdfFormat.JSON_LD
                        else "application/json; charset=utf-8")
    resp = Response(body, status=status, content_type=content_type)
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    resp.headers.setdefault("Access-Control-Allow-Origin", "*")
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _rdf_error(rdf_format: RdfFormat, status: int, title: str, message: str) -> bytes:
    """An empty graph in the requested format, saying what went wrong in a comment."""
    empty = serialize([], format=rdf_format) or b""
    line = f"{status} {title}: {message}".replace("\n", " ")
    if rdf_format == RdfFormat.RDF_XML:
        comment = "<!-- " + line.replace("--", "- -").replace(">", "&gt;") + " -->\n"
        head, sep, tail = empty.decode("utf-8").partition("?>")
        return (head + sep + "\n" + comment + tail.lstrip("\n")).encode("utf-8") if sep else (
            comment.encode("utf-8") + empty)
    return ("# " + line + "\n").encode("utf-8") + empty


def _format_for_error() -> WebFormat:
    """HTML for browsers, JSON for everyone else."""
    accept = request.headers.get("Accept", "")
    best = negotiate.preferred((negotiate.JSON, negotiate.HTML), accept) if accept else None
    if best is not None and best.media_type == "text/html" and "text/html" in accept:
        return negotiate.HTML
    return negotiate.JSON


def register(app: Flask) -> None:
    @app.errorhandler(Problem)
    def _problem(exc: Problem) -> Response:
        return error_response(exc.status, exc.message, fmt=exc.fmt, code=exc.code,
                              headers=exc.headers)

    @app.errorhandler(negotiate.NotAcceptable)
    def _not_acceptable(exc: negotiate.NotAcceptable) -> Response:
        return error_response(406, str(exc), fmt=negotiate.JSON, code="not-acceptable")

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        message = exc.description or _title(status)
        if status == 413:
            message = "the request body is larger than this server accepts"
        resp = error_response(status, message)
        if status == 405 and exc.get_response().headers.get("Allow"):
            resp.headers["Allow"] = exc.get_response().headers["Allow"]
        return resp

    @app.errorhandler(QueryError)
    def _query(exc: QueryError) -> Response:
        return error_response(400, str(exc), code="query")

    @app.errorhandler(StoreError)
    def _store(exc: StoreError) -> Response:
        log.error("store error: %s", exc)
        return error_response(503, "the graph is not available: " + str(exc), code="store")

    @app.errorhandler(KGError)
    def _kg(exc: KGError) -> Response:
        return error_response(400, str(exc))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s", request.path)
        return error_response(500, "the server could not answer this request")
