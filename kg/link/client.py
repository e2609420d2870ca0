"""A polite HTTP client for the public services kg links to (Wikidata, ORCID).

Polite means: a User-Agent that names kg and a contact (Wikimedia's policy asks for one), a timeout on
every request, retries with exponential backoff on 429 and 5xx that honour ``Retry-After``, and an
on-disk cache so that a second run asks nothing the first run already asked. Failures become one
:class:`~kg.errors.LinkError` that says what could not be reached and why.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from ..errors import LinkError

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class HttpError(LinkError):
    """A service answered with an error status (after any retries)."""

    def __init__(self, message: str, *, url: str, status: int) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


def _kg_version() -> str:
    try:
        return version("kg")
    except PackageNotFoundError:
        return "0"


def user_agent(contact: str = "") -> str:
    """'kg/0.1.0 (mailto:me@example.org) python-requests/2.x' — a contact lets a service's operators
    reach the user instead of blocking the client."""
    who = contact.strip() or "no contact configured"
    return f"kg/{_kg_version()} ({who}) python-requests/{requests.__version__}"


@dataclass
class Response:
    """What a request returned, from the network or from the cache."""

    url: str
    status: int
    text: str
    content_type: str
    fetched: str  # ISO timestamp of the network request
    from_cache: bool

    @cached_property
    def data(self) -> Any:
        """The parsed JSON body; a body that does not parse is a LinkError naming the URL."""
        try:
            return json.loads(self.text)
        except json.JSONDecodeError as exc:
            raise LinkError(f"{self.url}: the response is not valid JSON ({exc.msg} at line "
                            f"{exc.lineno}, column {exc.colno})") from None


class HttpClient:
    """GET and POST of JSON documents with timeouts, retries, backoff and a cache keyed by the whole
    request."""

    def __init__(self, *, contact: str = "", cache_dir: str | Path | None = None,
                 timeout: float = 30.0, retries: int = 4, backoff: float = 1.0,
                 max_wait: float = 120.0, refresh: bool = False,
                 session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.cache_dir = Path(cache_dir) / "http" if cache_dir is not None else None
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_wait = max_wait
        self.refresh = refresh  # ignore cached answers (they are still written)
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent(contact)
        self.sleep = sleep
        self.network_requests = 0
        self.cache_hits = 0

    # ------------------------------------------------------------------------------------------
    def get(self, url: str, *, params: Mapping[str, str] | None = None,
            accept: str = "application/json") -> Response:
        return self.request("GET", url, params=params, accept=accept)

    def post(self, url: str, *, data: Mapping[str, str], accept: str = "application/json"
             ) -> Response:
        """A POST that reads (a long SPARQL query): cached like a GET."""
        return self.request("POST", url, data=data, accept=accept)

    def get_json(self, url: str, *, params: Mapping[str, str] | None = None,
                 accept: str = "application/json") -> Any:
        return self.get(url, params=params, accept=accept).data

    def request(self, method: str, url: str, *, params: Mapping[str, str] | None = None,
                data: Mapping[str, str] | None = None, accept: str = "application/json"
                ) -> Response:
        key = self._key(method, url, params, data, accept)
        if not self.refresh:
            cached = self._read_cache(key)
            if cached is not None:
                self.cache_hits += 1
                return cached
        response = self._fetch(method, url, params=params, data=data, accept=accept)
        response.data  # noqa: B018 - only an answer that parses is cached; a broken one is asked again
        self._write_cache(key, response)
        return response

    # ------------------------------------------------------------------------------------------
    def _fetch(self, method: str, url: str, *, params: Mapping[str, str] | None,
               data: Mapping[str, str] | None, accept: str) -> Response:
        host = urlsplit(url).netloc or url
        attempt = 0
        while True:
            self.network_requests += 1
            try:
                r = self.session.request(method, url, params=params, data=data,
                                         headers={"Accept": accept},
                                         timeout=(self.timeout, self.timeout))
            except requests.Timeout:
                problem = f"{host} did not answer within {self.timeout:g} s"
                wait = self.backoff * 2 ** attempt
            except requests.ConnectionError as exc:
                # Refused or unresolvable: offline, or a wrong URL. Retrying will not help.
                raise LinkError(f"cannot reach {host} ({_reason(exc)}); linking online needs "
                                "network access (the graph builds without it)") from None
            except requests.RequestException as exc:
                raise LinkError(f"{url}: {exc}") from None
            else:
                if r.status_code < 400:
                    return Response(url=r.url, status=r.status_code,
                                    text=r.content.decode("utf-8", errors="replace"),
                                    content_type=r.headers.get("Content-Type", ""),
                                    fetched=datetime.now(UTC).isoformat(timespec="seconds"),
                                    from_cache=False)
                problem = f"{r.url}: HTTP {r.status_code} {r.reason}"
                if r.status_code not in RETRY_STATUS:
                    raise HttpError(problem, url=r.url, status=r.status_code)
                retry_after = _retry_after(r.headers.get("Retry-After"))
                wait = retry_after if retry_after is not None else self.backoff * 2 ** attempt
                if wait > self.max_wait:
                    raise HttpError(f"{problem}; asked to wait {wait:g} s, more than the "
                                    f"{self.max_wait:g} s allowed", url=r.url, status=r.status_code)
            if attempt >= self.retries:
                raise LinkError(f"{problem} (gave up after {attempt + 1} attempts)")
            attempt += 1
            self.sleep(min(wait, self.max_wait))

    # ------------------------------------------------------------------------------------------
    @staticmethod
    def _key(method: str, url: str, params: Mapping[str, str] | None,
             data: Mapping[str, str] | None, accept: str) -> str:
        blob = json.dumps([method, url, sorted((params or {}).items()), sorted((data or {}).items()),
                           accept])
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def _cache_file(self, key: str) -> Path | None:
        return self.cache_dir / key[:2] / f"{key}.json" if self.cache_dir is not None else None

    def _read_cache(self, key: str) -> Response | None:
        path = self._cache_file(key)
        if path is None or not path.exists():
            return None
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            return Response(url=doc["url"], status=doc["status"], text=doc["text"],
                            content_type=doc.get("content_type", ""), fetched=doc["fetched"],
                            from_cache=True)
        except (OSError, ValueError, KeyError):
            return None  # a damaged cache entry is simply fetched again

    def _write_cache(self, key: str, response: Response) -> None:
        path = self._cache_file(key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"url": response.url, "status": response.status,
                                   "content_type": response.content_type,
                                   "fetched": response.fetched, "text": response.text}),
                       encoding="utf-8")
        tmp.replace(path)


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdecimal():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _reason(exc: requests.ConnectionError) -> str:
    text = str(exc)
    hints = ("Connection refused", "Name or service not known", "Network is unreachable",
             "Temporary failure in name resolution", "No route to host")
    for hint in hints:
        if hint in text:
            return hint.lower()
    return "connection failed"
