"""A small pool of SPARQL worker processes with a time limit per query.

Workers are forked from a fork server (started once, with pyoxigraph already imported), so replacing a
worker killed at the time limit costs a few milliseconds and no request waits for it: the replacement
is started in the background. The pool starts on its first query, so an app that never runs SPARQL
never forks.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from . import worker

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
        self._ctx = multiprocessing.get_context("forkserver")

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=worker.main, args=(child,), daemon=True,
                                 name="kg-sparql-worker")
        proc.start()
        child.close()
        w = _Worker(proc, parent)
        with self._lock:
            self._all.add(w)
        return w

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        self._ctx.set_forkserver_preload(["kg.web.worker"])
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
        except (OSError, AttributeError):
            pass
        with self._lock:
            self._all.discard(w)

        def respawn() -> None:
            try:
                w.process.join(timeout=5)
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
                w.process.join(timeout=2)
                w.conn.close()
            except (OSError, AttributeError, ValueError):
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
