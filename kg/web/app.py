"""The application factory: settings, the store attached in :func:`init_app`, one blueprint per concern."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, request
from markupsafe import Markup

from .. import settings as settings_mod
from ..graph import store as store_mod
from ..graph.remote import is_remote
from . import documents, errors
from .pool import QueryPool
from .state import GraphState, Snapshot


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """A Flask app serving the graph.

    ``config`` may hold kg settings by name (``store``, ``base``, ``query_timeout``, ``result_limit``,
    ``allow_service``, …; anything not given comes from the environment, ``kg.toml`` and the
    defaults, as for the CLI) and Flask keys in upper case (``TESTING``, ``SPARQL_WORKERS``).
    """
    config = dict(config or {})
    overrides = {k: config.pop(k) for k in list(config) if k in settings_mod.BY_NAME}
    cfg = settings_mod.load(overrides)
    app = Flask(__name__)
    app.config.update(
        KG=cfg,
        MAX_CONTENT_LENGTH=cfg["max_request_bytes"],
        SPARQL_WORKERS=max(1, min(4, cfg["threads"])),
    )
    app.config.update(config)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    init_app(app)

    from . import api, dumps, entities, home, sparql

    app.register_blueprint(home.bp)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(dumps.bp)
    app.register_blueprint(entities.bp)
    errors.register(app)
    _template_helpers(app)
    app.after_request(_preflight)
    app.after_request(_security_headers)
    return app


# Pages load only the app's own script and stylesheet; JSON-LD and network data sit in non-executable
# <script type="application/…"> blocks, which a CSP does not need to allow.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def _security_headers(resp: Response) -> Response:
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if resp.mimetype == "text/html":
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers.setdefault("X-Frame-Options", "DENY")
    return resp


def _preflight(resp: Response) -> Response:
    """CORS preflight answers (Flask answers OPTIONS itself) for the data every route serves."""
    if request.method == "OPTIONS":
        resp.headers.setdefault("Access-Control-Allow-Origin", "*")
        resp.headers.setdefault("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        resp.headers.setdefault("Access-Control-Allow-Headers",
                                "Accept, Content-Type, If-None-Match, If-Modified-Since")
        resp.headers.setdefault("Access-Control-Max-Age", "86400")
    return resp


def init_app(app: Flask) -> None:
    """Attach the store (reopened after each rebuild), the SPARQL worker pool and the rate limiter."""
    cfg = app.config["KG"]
    spec = store_mod.store_spec(cfg["store"])
    location = spec if is_remote(spec) else store_mod.store_path(cfg["store"])
    app.extensions["kg"] = GraphState(path=location, base=cfg["base"])
    app.extensions["kg.pool"] = QueryPool(app.config["SPARQL_WORKERS"])
    app.extensions["kg.rate"] = RateLimiter(cfg["rate_limit"])


def close_app(app: Flask) -> None:
    """Stop the app's worker processes (a server calls this when it shuts down)."""
    app.extensions["kg.pool"].close()


def graph() -> Snapshot:
    return current_app.extensions["kg"].current()


def state() -> GraphState:
    return current_app.extensions["kg"]


def pool() -> QueryPool:
    return current_app.extensions["kg.pool"]


def setting(name: str) -> Any:
    return current_app.config["KG"][name]


def local_href(iri: str, snap: Snapshot | None = None) -> str:
    """A link to an IRI: within this app for the graph's own IRIs (so that a copy served elsewhere
    still links to itself), unchanged for others."""
    snap = snap or graph()
    path = snap.path_of(iri)
    if path is None:
        return iri
    return (request.script_root if request else "") + "/" + path


class RateLimiter:
    """At most ``per_minute`` requests per client address in any sliding minute (0: no limit)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, client: str) -> float | None:
        """None if the request may go on, else the seconds until it may."""
        if self.per_minute <= 0:
            return None
        now = time.monotonic()
        with self._lock:
            hits = self._hits[client]
            while hits and now - hits[0] >= 60:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return 60 - (now - hits[0])
            hits.append(now)
            if len(self._hits) > 10000:  # forget idle clients rather than grow without bound
                for key in [k for k, v in self._hits.items() if not v]:
                    del self._hits[key]
            return None


def _template_helpers(app: Flask) -> None:
    app.jinja_env.globals.update(
        href=lambda iri: local_href(iri),
        first=documents.first,
        values=documents.values,
        text=documents.text,
        types=documents.types,
    )
    app.jinja_env.filters["script_json"] = lambda doc: Markup(documents.script_json(doc))
