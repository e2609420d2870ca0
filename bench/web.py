"""Latency and throughput of `kg serve` on loopback.

Builds the repository's data/ into a temporary store (or uses --store), starts `kg serve` on a free
port of 127.0.0.1 and measures:

- median latency of a work's JSON-LD and of its HTML page: first request of each work (rendered) and
  repeated requests (answered from the per-build response cache);
- requests per second under a short concurrent load (bounded by --requests and --seconds);
- what running SPARQL in worker processes costs: a trivial query through the pool and in process, and
  how long past the time limit a Cartesian-product query takes to be stopped.

Only 127.0.0.1 is ever contacted. Run: python bench/web.py [--clients 16] [--seconds 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path, port: int, timeout: float) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    env["KG_QUERY_TIMEOUT"] = str(timeout)
    proc = subprocess.Popen([sys.executable, "-m", "kg", "serve", "--host", "127.0.0.1",
                             "--port", str(port), "--store", str(store)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/void", timeout=2)
            return proc
        except requests.ConnectionError:
            if proc.poll() is not None:
                raise SystemExit(proc.stderr.read().decode() if proc.stderr else "server failed")
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start within 120 s")


def timed(session: requests.Session, url: str, accept: str) -> float:
    t = time.perf_counter()
    resp = session.get(url, headers={"Accept": accept}, timeout=60)
    elapsed = time.perf_counter() - t
    resp.raise_for_status()
    return elapsed


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", help="an existing store (default: build data/ into a temporary one)")
    ap.add_argument("--clients", type=int, default=16, help="concurrent clients of the load test")
    ap.add_argument("--seconds", type=float, default=5.0, help="longest duration of the load test")
    ap.add_argument("--requests", type=int, default=5000, help="most requests of the load test")
    ap.add_argument("--repeat", type=int, default=100, help="repeated requests per latency figure")
    ap.add_argument("--timeout", type=float, default=2.0, help="query time limit of the server")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="kg-bench-web-") as tmp:
        if args.store:
            store = Path(args.store)
        else:
            from kg.build import build
            from kg.manifest import load

            store = Path(tmp) / "store"
            build(load(ROOT / "data" / "sources.toml"), store=store, base="http://localhost:8080/")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = start_server(store, port, args.timeout)
        try:
            run(url, store, args)
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def run(url: str, store: Path, args: argparse.Namespace) -> None:
    session = requests.Session()
    found = session.get(f"{url}/sparql", timeout=60, params={
        "query": "SELECT ?w WHERE { ?w a <http://purl.org/spar/fabio/Work> }"},
        headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    from kg.graph.store import build_meta

    base_iri = build_meta(store)["base"]
    paths = [b["w"]["value"][len(base_iri):] for b in found]
    print(f"graph: {len(paths)} works; server {url}")

    for label, accept in (("JSON-LD", "application/ld+json"), ("HTML", "text/html")):
        first = [timed(session, f"{url}/{p}", accept) for p in paths]
        again = [timed(session, f"{url}/{paths[i % len(paths)]}", accept)
                 for i in range(args.repeat)]
        print(f"{label:8} median latency: first request {ms(statistics.median(first))}, "
              f"repeated {ms(statistics.median(again))} "
              f"(p90 first {ms(sorted(first)[int(len(first) * 0.9)])})")

    # Load: every client walks the works, alternating JSON-LD and HTML, until the budget is spent.
    urls = [(f"{url}/{p}", a) for p in paths for a in ("application/ld+json", "text/html")]
    done = 0
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + args.seconds

    def client(offset: int) -> None:
        nonlocal done, errors
        s = requests.Session()
        i = offset
        while time.monotonic() < stop_at:
            with lock:
                if done >= args.requests:
                    return
                done += 1
            u, accept = urls[i % len(urls)]
            i += 1
            try:
                s.get(u, headers={"Accept": accept}, timeout=60).raise_for_status()
            except requests.RequestException:
                with lock:
                    errors += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n * 7,)) for n in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    print(f"load: {done} requests from {args.clients} clients in {elapsed:.1f} s: "
          f"{done / elapsed:.0f} requests/s ({errors} errors)")

    # SPARQL in worker processes.
    ask = [timed(session, f"{url}/sparql?query=ASK%7B%7D", "application/sparql-results+json")
           for _ in range(args.repeat)]
    print(f"SPARQL ASK over HTTP median {ms(statistics.median(ask))}")
    from kg.graph.store import current_build
    from kg.web.pool import QueryPool, measure_overhead

    pool = QueryPool(1)
    try:
        figures = measure_overhead(pool, str(current_build(store)))
    finally:
        pool.close()
    print(f"worker pool: trivial query {ms(figures['pool'])} through a worker, "
          f"{ms(figures['direct'])} in process (overhead {ms(figures['pool'] - figures['direct'])})")
    t = time.perf_counter()
    resp = session.get(f"{url}/sparql", params={"query": CARTESIAN}, timeout=120)
    elapsed = time.perf_counter() - t
    print(f"Cartesian product: HTTP {resp.status_code} after {elapsed:.2f} s "
          f"(limit {args.timeout:g} s, overshoot {ms(elapsed - args.timeout)})")


if __name__ == "__main__":
    main()
