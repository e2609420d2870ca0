"""Updates against a SPARQL server that answers late or not at all: an update that may have run is
never sent again, and a build whose switch has an unknown outcome leaves the server's graphs alone.

A real HTTP server on 127.0.0.1 plays the engine: it answers the SPARQL Protocol and the Graph Store
Protocol the way an engine does, and delays or refuses updates as each test asks.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from kg.errors import StoreError, UncertainUpdateError
from kg.graph.remote import RemoteStore
from tests.engines import free_port

BASE = "https://example.org/kg/"
EMPTY_RESULTS = (b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                 b"<head><variable name=\"g\"/></head><results></results></sparql>")


class Engine:
    """What the server does with updates (``answers``: a status per update, or 'late' to answer
    after ``late_seconds``), and every request it saw."""

    def __init__(self, answers: list[int | str], late_seconds: float = 3.0) -> None:
        self.answers = list(answers)
        self.late_seconds = late_seconds
        self.updates: list[str] = []
        self.uploads = 0
        self.lock = threading.Lock()


@pytest.fixture
def engine_server():
    servers = []

    def start(engine: Engine) -> str:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _reply(self, status: int, body: bytes = b"", ctype: str = "text/plain") -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/store"):
                    with engine.lock:
                        engine.uploads += 1
                    return self._reply(204)
                form = parse_qs(body.decode())
                if self.path.startswith("/query"):
                    return self._reply(200, EMPTY_RESULTS, "application/sparql-results+xml")
                with engine.lock:
                    engine.updates.append(form["update"][0])
                    answer = engine.answers.pop(0) if engine.answers else 204
                if answer == "late":
                    time.sleep(engine.late_seconds)
                    answer = 204
                self._reply(int(answer))

            def do_PUT(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._reply(204)

        server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"oxigraph+http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_an_update_without_an_answer_is_not_sent_again(engine_server):
    engine = Engine(["late"])
    store = RemoteStore(engine_server(engine), base=BASE, timeout=0.5, update_timeout=0.5)
    with pytest.raises(UncertainUpdateError, match="not sent again"):
        store.update("DROP SILENT GRAPH <https://example.org/kg/graph/x>")
    time.sleep(engine.late_seconds)
    assert len(engine.updates) == 1


def test_an_update_refused_before_running_is_sent_again(engine_server):
    engine = Engine([503, 429, 204])
    RemoteStore(engine_server(engine), base=BASE).update("CLEAR SILENT DEFAULT")
    assert len(engine.updates) == 3


def test_an_update_that_failed_on_the_server_is_not_sent_again(engine_server):
    engine = Engine([500, 204])
    with pytest.raises(StoreError, match="HTTP 500"):
        RemoteStore(engine_server(engine), base=BASE).update("CLEAR SILENT DEFAULT")
    assert len(engine.updates) == 1


def test_an_update_to_a_closed_port_is_retried_then_reported():
    store = RemoteStore(f"oxigraph+http://127.0.0.1:{free_port()}/", base=BASE, retries=1)
    with pytest.raises(StoreError, match="cannot reach") as caught:
        store.update("CLEAR SILENT DEFAULT")
    assert not isinstance(caught.value, UncertainUpdateError)


def test_a_switch_without_an_answer_leaves_the_uploaded_graphs(engine_server):
    """The switch may still be moving the new graphs into place: dropping them (the clean-up of
    a failed upload) could empty the live graphs, so the build stops and names them."""
    engine = Engine(["late"])
    store = RemoteStore(engine_server(engine), base=BASE, chunk_triples=2, update_timeout=0.5)
    quads = [Quad(NamedNode(f"{BASE}work/w{i}"), NamedNode("http://schema.org/name"),
                  Literal(f"Work {i}")) for i in range(5)]
    with pytest.raises(UncertainUpdateError, match="left in place") as caught:
        store.build(quads, base=BASE)
    time.sleep(engine.late_seconds)
    assert engine.uploads == 3
    assert len(engine.updates) == 1 and "MOVE" in engine.updates[0]
    assert f"{BASE}graph/staging/" in str(caught.value)


def test_a_failed_switch_whose_clean_up_fails_names_the_graphs_left(engine_server):
    """The server refuses the switch, then the removal of the uploaded graphs (a large graph can
    exceed a transaction limit twice): the error says which graphs are still there."""
    engine = Engine([500, 500])
    store = RemoteStore(engine_server(engine), base=BASE, chunk_triples=2)
    quads = [Quad(NamedNode(f"{BASE}work/w{i}"), NamedNode("http://schema.org/name"),
                  Literal(f"Work {i}")) for i in range(3)]
    with pytest.raises(StoreError, match="HTTP 500") as caught:
        store.build(quads, base=BASE)
    assert len(engine.updates) == 2 and "DROP" in engine.updates[1]
    notes = " ".join(getattr(caught.value, "__notes__", []))
    assert "could not be removed" in notes and f"{BASE}graph/staging/" in notes


def test_the_command_line_shows_what_an_error_adds():
    import click
    from click.testing import CliRunner

    from kg.cli import KGGroup

    @click.group(cls=KGGroup)
    def cli() -> None:
        pass

    @cli.command()
    def switch() -> None:
        exc = StoreError("the switch was refused")
        exc.add_note("graphs left: <https://example.org/kg/graph/staging/x/default>")
        raise exc

    result = CliRunner().invoke(cli, ["switch"])
    assert result.exit_code == 1
    assert "kg: error: the switch was refused" in result.output
    assert "kg: graphs left: <https://example.org/kg/graph/staging/x/default>" in result.output
