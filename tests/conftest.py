"""Shared fixtures: the repository's data/, a resolution of it, stores and apps built in tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

# CI explores the same examples every run (a failure there is reproducible); local runs explore anew.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

from kg.manifest import load
from kg.pipeline import resolve_manifest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
TESTDATA = Path(__file__).resolve().parent / "data"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def manifest():
    return load(DATA / "sources.toml")


@pytest.fixture(scope="session")
def resolution(manifest):
    return resolve_manifest(manifest)


# ---------------------------------------------------------------------------------------------
# The web app (tests/test_web*.py): a store built from data/ under a base of its own, the app on it,
# and the app under a real HTTP server (waitress) on a free loopback port.

WEB_BASE = "http://kg.test/"


@pytest.fixture(scope="session")
def web_store(tmp_path_factory, manifest):
    from kg.build import build

    path = tmp_path_factory.mktemp("web") / "store"
    build(manifest, store=path, base=WEB_BASE)
    return path


@pytest.fixture(scope="session")
def app(web_store):
    from kg.web import close_app, create_app

    application = create_app({"store": str(web_store), "query_timeout": 2.0, "result_limit": 1000,
                              "TESTING": True, "SPARQL_WORKERS": 2})
    yield application
    close_app(application)


@pytest.fixture(scope="session")
def client(app):
    return app.test_client()


class LiveServer:
    """A WSGI app served by waitress in a thread on 127.0.0.1; ``url`` has no trailing slash."""

    def __init__(self, application, *, threads: int = 8) -> None:
        import threading

        import waitress

        self.server = waitress.create_server(application, host="127.0.0.1", port=0,
                                             threads=threads, asyncore_loop_timeout=0.2)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self) -> None:
        # Closed in the server's own thread: the listening socket, open (keep-alive) connections
        # and the trigger, which leaves waitress's loop nothing to wait for.
        def shutdown() -> None:
            for channel in list(self.server._map.values()):
                channel.close()

        try:
            self.server.trigger.pull_trigger(shutdown)
        except OSError:
            # The trigger's pipe is already closed (waitress closes it when its loop ends): close
            # what is left from here.
            shutdown()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(app):
    server = LiveServer(app)
    yield server.url
    server.close()
