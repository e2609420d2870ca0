"""A bounded loopback load of mixed JSON-LD, HTML and SPARQL requests: no errors; throughput and p99
latency are reported (printed and written to tests/artifacts/load.txt), never asserted."""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path

import requests

CLIENTS = 8
REQUESTS_PER_CLIENT = 60
TIME_BUDGET = 60.0  # seconds; the load stops early rather than run longer

MIX = [
    ("/work/sparse-model-soups", {"Accept": "application/ld+json"}, None),
    ("/person/max-zimmer", {"Accept": "text/html"}, None),
    ("/venue/iclr", {"Accept": "text/turtle"}, None),
    ("/sparql", {"Accept": "application/sparql-results+json"},
     {"query": "SELECT ?w ?t WHERE { ?w a <http://purl.org/spar/fabio/Work> ; "
               "<http://schema.org/name> ?t } LIMIT 50"}),
    ("/work/how-i-learned-to-stop-worrying-and-love", {"Accept": "text/html"}, None),
    ("/api/queries/coauthors", {}, {"person": "Max Zimmer"}),
]


def test_mixed_load_has_no_errors(live_server):
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + TIME_BUDGET

    def client(offset: int) -> None:
        session = requests.Session()
        for i in range(REQUESTS_PER_CLIENT):
            if time.monotonic() > deadline:
                return
            path, headers, params = MIX[(offset + i) % len(MIX)]
            started = time.perf_counter()
            try:
                resp = session.get(live_server + path, headers=headers, params=params, timeout=30)
                ok = resp.status_code == 200
                detail = f"{path}: HTTP {resp.status_code}"
            except requests.RequestException as exc:
                ok, detail = False, f"{path}: {exc}"
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors.append(detail)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIME_BUDGET + 30)
    wall = time.perf_counter() - started
    assert not errors, errors[:5]
    assert len(latencies) >= len(MIX)
    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) >= 100 else max(latencies)
    line = (f"mixed load: {len(latencies)} requests from {CLIENTS} clients in {wall:.1f} s = "
            f"{len(latencies) / wall:.0f} req/s; median {statistics.median(latencies) * 1000:.1f} ms, "
            f"p99 {p99 * 1000:.1f} ms; 0 errors")
    print(line)
    out = Path(__file__).parent / "artifacts"
    out.mkdir(exist_ok=True)
    (out / "load.txt").write_text(line + "\n", encoding="utf-8")
