"""The polite HTTP client against the local replay server: retries on 429 and 5xx honouring
Retry-After, timeouts, malformed answers, the on-disk cache, and the User-Agent."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from kg.errors import LinkError
from kg.link.client import HttpClient, HttpError, user_agent

from .test_link_online import replay  # noqa: F401 - the replay server fixture

OK = (200, {"Content-Type": "application/json"}, '{"ok": true}', 0)


def client(tmp_path, **options) -> HttpClient:
    options.setdefault("backoff", 0.01)
    return HttpClient(contact="mailto:tests@example.org", cache_dir=tmp_path / "cache", **options)


def test_429_then_success_waits_as_told(replay, tmp_path):  # noqa: F811
    server, base = replay
    server.script["/flaky"] = [(429, {"Retry-After": "1"}, "slow down", 0), OK]
    started = time.monotonic()
    assert client(tmp_path).get_json(f"{base}/flaky") == {"ok": True}
    assert time.monotonic() - started >= 1.0  # Retry-After, not the 0.01 s backoff
    assert server.hits["/flaky"] == 2


def test_retry_after_as_an_http_date(replay, tmp_path):  # noqa: F811
    server, base = replay
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=1), usegmt=True)
    server.script["/flaky"] = [(503, {"Retry-After": when}, "maintenance", 0), OK]
    waits: list[float] = []
    c = client(tmp_path, sleep=waits.append)
    assert c.get_json(f"{base}/flaky") == {"ok": True}
    assert len(waits) == 1 and 0 < waits[0] <= 1.0


def test_5xx_backs_off_exponentially_then_gives_up(replay, tmp_path):  # noqa: F811
    server, base = replay
    server.script["/down"] = [(502, {}, "bad gateway", 0)] * 4
    waits: list[float] = []
    c = client(tmp_path, retries=3, backoff=0.5, sleep=waits.append)
    with pytest.raises(LinkError, match=r"/down: HTTP 502 Bad Gateway \(gave up after 4 attempts\)"):
        c.get_json(f"{base}/down")
    assert waits == [0.5, 1.0, 2.0]
    assert server.hits["/down"] == 4


def test_a_wait_longer_than_allowed_is_not_waited(replay, tmp_path):  # noqa: F811
    server, base = replay
    server.script["/busy"] = [(429, {"Retry-After": "3600"}, "come back in an hour", 0)]
    with pytest.raises(HttpError, match="asked to wait 3600 s, more than the 60 s allowed") as err:
        client(tmp_path, max_wait=60).get_json(f"{base}/busy")
    assert err.value.status == 429
    assert server.hits["/busy"] == 1


def test_other_client_errors_are_not_retried(replay, tmp_path):  # noqa: F811
    server, base = replay
    with pytest.raises(HttpError, match=r"/nowhere: HTTP 404") as err:
        client(tmp_path).get_json(f"{base}/nowhere")
    assert err.value.status == 404 and server.hits["/nowhere"] == 1


def test_a_timeout_is_retried_then_reported(replay, tmp_path):  # noqa: F811
    server, base = replay
    server.script["/slow"] = [(200, {}, "{}", 1.0), (200, {}, "{}", 1.0)]
    started = time.monotonic()
    with pytest.raises(LinkError, match=r"^127\.0\.0\.1:\d+ did not answer within 0\.2 s "
                                        r"\(gave up after 2 attempts\)$"):
        client(tmp_path, timeout=0.2, retries=1).get_json(f"{base}/slow")
    assert time.monotonic() - started < 1.5
    assert server.hits["/slow"] == 2


def test_a_timeout_then_an_answer(replay, tmp_path):  # noqa: F811
    server, base = replay
    server.script["/slow"] = [(200, {}, "{}", 1.0), OK]
    assert client(tmp_path, timeout=0.2).get_json(f"{base}/slow") == {"ok": True}
    assert server.hits["/slow"] == 2


def test_malformed_json_is_an_error_and_not_cached(replay, tmp_path):  # noqa: F811
    server, base = replay
    server.script["/broken"] = [(200, {"Content-Type": "application/json"}, '{"a": 1,}', 0), OK]
    c = client(tmp_path)
    with pytest.raises(LinkError, match=r"/broken: the response is not valid JSON \(Expecting "
                                        r"property name enclosed in double quotes at line 1, "
                                        r"column 9\)"):
        c.get_json(f"{base}/broken")
    assert c.get_json(f"{base}/broken") == {"ok": True}
    assert server.hits["/broken"] == 2


def test_the_cache_prevents_a_second_request(replay, tmp_path):  # noqa: F811
    server, base = replay
    server.script["/once"] = [(200, {"Content-Type": "application/json"}, '{"n": 1}', 0),
                              (200, {"Content-Type": "application/json"}, '{"n": 2}', 0)]
    first = client(tmp_path)
    assert first.get_json(f"{base}/once", params={"q": "x"}) == {"n": 1}
    # A new client (a new run) with the same cache directory.
    again = client(tmp_path)
    assert again.get_json(f"{base}/once", params={"q": "x"}) == {"n": 1}
    assert server.hits["/once"] == 1
    assert (again.network_requests, again.cache_hits) == (0, 1)
    # Other parameters are another question; --refresh asks again.
    assert again.get_json(f"{base}/once", params={"q": "y"}) == {"n": 2}
    assert server.hits["/once"] == 2
    server.script["/once"] = [(200, {}, '{"n": 3}', 0)]
    assert client(tmp_path, refresh=True).get_json(f"{base}/once", params={"q": "x"}) == {"n": 3}
    # The cache holds what was fetched, and when.
    entries = list((tmp_path / "cache" / "http").glob("*/*.json"))
    assert len(entries) == 2
    assert {json.loads(p.read_text())["text"] for p in entries} == {'{"n": 3}', '{"n": 2}'}


def test_user_agent_names_kg_and_the_contact(replay, tmp_path):  # noqa: F811
    server, base = replay
    server.script["/ua"] = [OK]
    client(tmp_path).get_json(f"{base}/ua")
    agent = server.requests[-1]["headers"]["User-Agent"]
    assert agent.startswith("kg/") and "(mailto:tests@example.org)" in agent
    assert "(no contact configured)" in user_agent("")
