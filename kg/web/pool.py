"""A small pool of SPARQL worker processes with a time limit per query.

Each worker is a fresh interpreter (``python -m kg.web.worker``) talking over a socket pair: unlike
``fork`` this is safe from a threaded server, and unlike multiprocessing's spawn and forkserver it does
not re-import the server's main module in every worker. A worker starts in about a tenth of a second;
one killed at the time limit is replaced in the background, so no request waits for it. The pool starts
on its first query, so an app that never runs SPARQL starts no process.
"""

from __future__ import annotations

import logging
import queue
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)


class PoolError(Exception):
    """The pool could not run a query: ``code`` is 'timeout', 'busy' or 'crashed'."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: Connection


class QueryPool:
    def __init__(self, size: int = 2) -> None:
        self.size = max(1, size)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._started = False
        self._closed = False

    def _spawn(self) -> _Worker:
        ours, theirs = socket.socketpair()
        try:
            proc = subprocess.Popen(
                [sys.executable, "-m", "kg.web.worker", str(theirs.fileno())],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, close_fds=True)
        finally:
            theirs.close()
        w = _Worker(proc, Connection(ours.detach()))
        with self._lock:
            self._all.add(w)
        return w

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        for _ in range(self.size):
            self._idle.put(self._spawn())

    def run(self, job: dict[str, Any], *, timeout: float) -> tuple[Any, ...]:
        """Run a job in a worker; kill the worker if it takes longer than ``timeout`` seconds."""
        if self._closed:
            raise PoolError("crashed", "the query service is shutting down")
        self.start()
        try:
            w = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise PoolError("busy", f"every query worker stayed busy for {timeout:g} s; "
                                    "try again later") from None
        try:
            w.conn.send(job)
            if w.conn.poll(timeout):
                answer = w.conn.recv()
                self._idle.put(w)
                return answer
        except (EOFError, OSError):
            self._replace(w)
            raise PoolError("crashed", "the query worker stopped unexpectedly") from None
        self._replace(w)
        raise PoolError("timeout", f"the query ran longer than the time limit of {timeout:g} s "
                                   "and was stopped")

    def _replace(self, w: _Worker) -> None:
        """Kill a worker and start another one without making the caller wait."""
        try:
            w.process.kill()
        except OSError:
            pass
        with self._lock:
            self._all.discard(w)

        def respawn() -> None:
            try:
                w.process.wait(timeout=5)
                w.conn.close()
                if not self._closed:
                    self._idle.put(self._spawn())
            except Exception:  # the pool shrinks by one rather than failing a request
                log.exception("could not start a SPARQL worker")

        threading.Thread(target=respawn, daemon=True).start()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            try:
                w.process.kill()
                w.process.wait(timeout=2)
                w.conn.close()
            except (OSError, ValueError, subprocess.TimeoutExpired):
                pass


def measure_overhead(pool: QueryPool, directory: str, *, runs: int = 50) -> dict[str, float]:
    """Median seconds of a trivial ASK through the pool and in process (for the bench)."""
    from pyoxigraph import Store

    job = {"op": "query", "directory": directory, "query": "ASK { ?s ?p ?o }", "limit": 10,
           "results_format": "application/sparql-results+json"}
    pool.run(job, timeout=30)
    through = []
    for _ in range(runs):
        t = time.perf_counter()
        pool.run(job, timeout=30)
        through.append(time.perf_counter() - t)
    store = Store.read_only(directory)
    direct = []
    for _ in range(runs):
        t = time.perf_counter()
        store.query("ASK { ?s ?p ?o }")
        direct.append(time.perf_counter() - t)
    through.sort()
    direct.sort()
    return {"pool": through[len(through) // 2], "direct": direct[len(direct) // 2]}
