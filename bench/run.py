"""kg against its limits, in one run: builds, the bulk-load floor, rdflib, queries and the web endpoint.

For the ACL Anthology (../shared/corpus/acl-anthology) and synthetic DBLP-like sets of each size
(bench/synthetic.py), prints side by side:

- end-to-end `kg build` (a child process: read, resolve, map, bulk-load, optimize): wall time and
  peak RSS;
- the same quads bulk-loaded straight into pyoxigraph (the floor kg cannot beat) and parsed into
  rdflib's in-memory Dataset (the naive peer), each in a child process, with the ratios;
- median and p95 latency of every query in queries/ on the ACL graph and the largest synthetic graph
  of at most 100k records, and the same queries on rdflib for the smallest synthetic size, as ratios;
- JSON-LD and HTML latency per work, person and venue (first request and repeated), and requests
  per second of `kg serve` under a short loopback load.

Only 127.0.0.1 is contacted. Figures are printed, never judged.

    python bench/run.py                                  # ACL + 10k, 100k (about 25 minutes)
    python bench/run.py --sizes 10000 100000 1000000     # and 1M (about an hour more)
    python bench/run.py --no-acl --sizes 10000 --work /tmp/kg-bench   # keep and reuse generated sets
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.acl_truth import CORPUS
from bench.queries import _params, _picked
from bench.synthetic import Config, generate
from bench.web import free_port, start_server, timed

QUERY_BUDGET = 20.0  # seconds of timed runs per query at most (slow queries get fewer runs)
RDFLIB_QUERY_TIMEOUT = 60.0


# -- child processes -------------------------------------------------------------------------------

@dataclass
class Child:
    seconds: float  # wall clock
    peak_mb: float  # peak resident set size of the child
    output: str = ""


def child(args: Sequence[str], *, cwd: Path = ROOT) -> Child:
    """Run a command, with its wall time and its own peak RSS (os.wait4 reports the child's)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(list(args), cwd=cwd, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"{' '.join(args[:4])} ... failed ({proc.returncode}):\n"
                             f"{err.read()[-3000:]}")
        return Child(seconds=seconds, peak_mb=usage.ru_maxrss / 1024, output=out.read())


def run_child(kind: str, *args: str) -> Child:
    return child([sys.executable, str(Path(__file__).resolve()), "--child", kind, *args])


def child_main(kind: str, args: list[str]) -> None:
    """What a child process does: 'floor NQ STORE', 'rdflib NQ', 'rdflib-queries NQ JSON'."""
    if kind == "floor":
        from pyoxigraph import RdfFormat, Store

        store = Store(args[1])
        store.bulk_load(path=args[0], format=RdfFormat.N_QUADS)
        store.optimize()
        print(len(store))
    elif kind == "rdflib":
        from rdflib import Dataset

        ds = Dataset()
        ds.parse(args[0], format="nquads")
        print(sum(1 for _ in ds.quads((None, None, None, None))))
    elif kind == "rdflib-queries":
        print(json.dumps(rdflib_queries(args[0], json.loads(Path(args[1]).read_text()))))
    else:
        raise SystemExit(f"unknown child {kind!r}")


# -- building --------------------------------------------------------------------------------------

@dataclass
class BuildRow:
    name: str
    records: int
    quads: int
    kg: Child
    floor: Child | None = None
    rdflib: Child | None = None
    timings: dict[str, float] = field(default_factory=dict)


def _set_name(size: int) -> str:
    return f"synthetic {size // 1000}k" if size < 1_000_000 else f"synthetic {size // 10**6}M"


def kg_build(name: str, files: list[Path], fmt: str, store: Path) -> Child:
    print(f"[{name}] kg build of {len(files)} files ...", file=sys.stderr, flush=True)
    return child([sys.executable, "-m", "kg", "build", *map(str, files), "--format", fmt,
                  "--store", str(store)])


def dump(store: Path, nq: Path) -> int:
    from pyoxigraph import RdfFormat

    from kg.graph.store import open_store

    s = open_store(store)
    s.dump(output=str(nq), format=RdfFormat.N_QUADS)
    return len(s)


def build_row(name: str, records: int, files: list[Path], fmt: str, work: Path, *,
              rdflib_max: int) -> tuple[BuildRow, Path, Path]:
    store = work / f"store-{name}"
    built = kg_build(name, files, fmt, store)
    nq = work / f"{name}.nq"
    quads = dump(store, nq)
    print(f"[{name}] {quads} quads; pyoxigraph bulk load ...", file=sys.stderr, flush=True)
    floor_store = work / f"floor-{name}"
    floor = run_child("floor", str(nq), str(floor_store))
    _rmtree(floor_store)
    row = BuildRow(name=name, records=records, quads=quads, kg=built, floor=floor)
    if quads <= rdflib_max:
        print(f"[{name}] rdflib parse ...", file=sys.stderr, flush=True)
        row.rdflib = run_child("rdflib", str(nq))
    print(f"[{name}] {json.dumps(asdict(row))}", file=sys.stderr, flush=True)
    return row, store, nq


def _rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


# -- queries ---------------------------------------------------------------------------------------

@dataclass
class QueryRow:
    name: str
    rows: int | None = None
    median_ms: float | None = None
    p95_ms: float | None = None
    runs: int = 0
    note: str = ""
    text: str | None = None  # the query with its parameters inlined, for rdflib


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def time_queries(store_path: Path, runs: int) -> list[QueryRow]:
    """Every named query on a built store: one warm-up run, then up to ``runs`` timed runs within
    QUERY_BUDGET seconds. Parameters: the query's example, else picked from the graph."""
    from kg import queries
    from kg.errors import QueryError
    from kg.graph.sparqltext import bind_values
    from kg.graph.store import build_meta, open_store

    store = open_store(store_path)
    base = build_meta(store_path)["base"]
    picked = _picked(store, base)
    out = []
    for name, query in queries.catalog().items():
        row = QueryRow(name)
        params = _params(query, {})
        try:
            binding = queries.bind(store, query, params, base=base)
        except QueryError:
            params = _params(query, picked)
            try:
                binding = queries.bind(store, query, params, base=base)
            except QueryError as exc:
                row.note = f"no parameters: {exc}"
                out.append(row)
                continue
        started = time.perf_counter()
        result = queries.execute(store, query, binding, base=base)
        first = time.perf_counter() - started
        n = max(3, min(runs, int(QUERY_BUDGET / max(first, 1e-4))))
        times = []
        for _ in range(n):
            started = time.perf_counter()
            queries.execute(store, query, binding, base=base)
            times.append((time.perf_counter() - started) * 1000)
        row.rows, row.runs = len(result), n
        row.median_ms, row.p95_ms = statistics.median(times), p95(times)
        if binding.named_graphs:
            row.note = "list parameter (named graphs): not run on rdflib"
        elif "LATERAL" in query.text:
            row.note = "LATERAL (SPARQL 1.2 draft): rdflib cannot parse it"
        else:
            prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in queries.PREFIXES.items())
            row.text = prologue + bind_values(query.text, dict(binding.substitutions))
        out.append(row)
        print(f"  {name}: {row.median_ms:.1f} ms median", file=sys.stderr, flush=True)
    return out


def rdflib_queries(nq: str, texts: dict[str, str]) -> dict[str, dict]:
    """Each query on an rdflib Dataset holding the quads, in a forked process with a time limit."""
    import multiprocessing as mp

    from rdflib import Dataset

    ds = Dataset()
    ds.parse(nq, format="nquads")
    ctx = mp.get_context("fork")
    results: dict[str, dict] = {}

    def one(text: str, conn) -> None:
        try:
            times, rows = [], 0
            deadline = time.perf_counter() + QUERY_BUDGET
            while not times or (time.perf_counter() < deadline and len(times) < 5):
                started = time.perf_counter()
                rows = len(list(ds.query(text)))
                times.append((time.perf_counter() - started) * 1000)
            conn.send({"median_ms": statistics.median(times), "rows": rows, "runs": len(times)})
        except Exception as exc:  # noqa: BLE001 - rdflib's failures are figures here
            conn.send({"error": f"{type(exc).__name__}: {str(exc)[:120]}"})

    for name, text in texts.items():
        parent, kid = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=one, args=(text, kid))
        proc.start()
        if parent.poll(RDFLIB_QUERY_TIMEOUT):
            results[name] = parent.recv()
        else:
            results[name] = {"error": f"no answer within {RDFLIB_QUERY_TIMEOUT:.0f} s"}
        proc.kill()
        proc.join()
    return results


# -- web -------------------------------------------------------------------------------------------

def web(store: Path, *, samples: int, clients: int, seconds: float) -> dict[str, object]:
    import requests
    from pyoxigraph import DefaultGraph, NamedNode

    from kg.graph.store import build_meta, open_store

    base = build_meta(store)["base"]
    # The entities to request, read from the store before the server opens it (the endpoint's
    # result limit would cut a listing of every work of a large graph).
    paths: dict[str, list[str]] = {}
    rng = random.Random(1)
    graph = open_store(store)
    for kind, cls in (("work", "http://purl.org/spar/fabio/Work"),
                      ("person", "http://schema.org/Person"),
                      ("venue", "http://purl.org/spar/fabio/Series")):
        iris = sorted(str(q.subject.value) for q in graph.quads_for_pattern(
            None, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), NamedNode(cls),
            DefaultGraph()) if isinstance(q.subject, NamedNode) and q.subject.value.startswith(base))
        paths[kind] = [i[len(base):] for i in rng.sample(iris, min(samples, len(iris)))]
    del graph
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start_server(store, port, 10.0)
    try:
        session = requests.Session()
        figures: dict[str, object] = {}
        for kind, ps in paths.items():
            for label, accept in (("JSON-LD", "application/ld+json"), ("HTML", "text/html")):
                if not ps:
                    continue
                first = [timed(session, f"{url}/{p}", accept) * 1000 for p in ps]
                again = [timed(session, f"{url}/{p}", accept) * 1000 for p in ps]
                figures[f"{kind} {label}"] = {
                    "n": len(ps), "first_median_ms": statistics.median(first),
                    "first_p95_ms": p95(first), "repeated_median_ms": statistics.median(again)}
        urls = [(f"{url}/{p}", a) for ps in paths.values() for p in ps
                for a in ("application/ld+json", "text/html")]
        figures["load"] = load(urls, clients=clients, seconds=seconds)
        return figures
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def load(urls: list[tuple[str, str]], *, clients: int, seconds: float) -> dict[str, float]:
    import requests

    done = errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        nonlocal done, errors
        s = requests.Session()
        i = offset
        while time.monotonic() < stop_at:
            u, accept = urls[i % len(urls)]
            i += 1
            try:
                s.get(u, headers={"Accept": accept}, timeout=60).raise_for_status()
                with lock:
                    done += 1
            except requests.RequestException:
                with lock:
                    errors += 1

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n * 7,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    return {"requests": done, "errors": errors, "seconds": elapsed, "clients": clients,
            "per_second": done / elapsed}


# -- report ----------------------------------------------------------------------------------------

def ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.1f}x" if a and b else "n/a"


def build_table(rows: list[BuildRow]) -> str:
    lines = [("| set | records | quads | kg build s | kg peak MB | pyoxigraph bulk load s | "
              "kg / bulk load | rdflib parse s | rdflib peak MB | rdflib / kg |"),
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        rd, fl = r.rdflib, r.floor
        lines.append(
            f"| {r.name} | {r.records} | {r.quads} | {r.kg.seconds:.1f} | {r.kg.peak_mb:.0f} "
            f"| {f'{fl.seconds:.1f}' if fl else ''} | {ratio(r.kg.seconds, fl.seconds) if fl else ''} "
            f"| {f'{rd.seconds:.1f}' if rd else 'not run'} | {f'{rd.peak_mb:.0f}' if rd else ''} "
            f"| {ratio(rd.seconds, r.kg.seconds) if rd else ''} |")
    return "\n".join(lines)


def query_table(columns: dict[str, list[QueryRow]], rdflib: dict[str, dict] | None,
                rdflib_set: str | None) -> str:
    names = list(next(iter(columns.values()))) if columns else []
    head = "| query |" + "".join(f" {c} median ms | {c} p95 ms |" for c in columns)
    sep = "|---|" + "---:|---:|" * len(columns)
    if rdflib is not None:
        head += f" rdflib on {rdflib_set} median ms | rdflib / kg |"
        sep += "---:|---:|"
    lines = [head, sep]
    by_name = {c: {r.name: r for r in rows} for c, rows in columns.items()}
    for row in names:
        cells = f"| {row.name} |"
        for c in columns:
            r = by_name[c][row.name]
            cells += (f" {r.median_ms:.1f} | {r.p95_ms:.1f} |" if r.median_ms is not None
                      else f" {r.note[:60]} | |")
        if rdflib is not None and rdflib_set is not None:
            got = rdflib.get(row.name)
            ours = by_name[rdflib_set][row.name].median_ms
            if got is None:
                cells += f" {by_name[rdflib_set][row.name].note[:60] or 'not run'} | |"
            elif "error" in got:
                cells += f" {got['error'][:60]} | |"
            else:
                cells += f" {got['median_ms']:.1f} | {ratio(got['median_ms'], ours)} |"
        lines.append(cells)
    return "\n".join(lines)


def web_table(figures: dict[str, object]) -> str:
    lines = ["| page | sampled | first request median ms | first p95 ms | repeated median ms |",
             "|---|---:|---:|---:|---:|"]
    for key, f in figures.items():
        if key == "load" or not isinstance(f, dict):
            continue
        lines.append(f"| {key} | {f['n']} | {f['first_median_ms']:.1f} | {f['first_p95_ms']:.1f} "
                     f"| {f['repeated_median_ms']:.1f} |")
    ld = figures["load"]
    assert isinstance(ld, dict)
    lines.append(f"\nload: {ld['requests']} requests from {ld['clients']} clients in "
                 f"{ld['seconds']:.1f} s: {ld['per_second']:.0f} requests/s, {ld['errors']} errors")
    return "\n".join(lines)


def machine() -> str:
    mem = ""
    try:
        meminfo = Path("/proc/meminfo").read_text().splitlines()
        kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
        mem = f", {kb / 2**20:.0f} GiB"
    except (OSError, StopIteration):
        pass
    return (f"{platform.node() or 'host'}: {os.cpu_count()} CPUs{mem}, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


# -- main ------------------------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000],
                    help="synthetic set sizes (default: 10000 100000)")
    ap.add_argument("--acl", default=str(CORPUS), help="the acl-anthology folder")
    ap.add_argument("--no-acl", action="store_true", help="leave the ACL Anthology out")
    ap.add_argument("--work", type=Path, help="keep stores, dumps and sets here (default: temporary)")
    ap.add_argument("--runs", type=int, default=20, help="timed runs per query at most")
    ap.add_argument("--rdflib-max", type=int, default=3_000_000,
                    help="parse into rdflib only sets of at most this many quads")
    ap.add_argument("--samples", type=int, default=100, help="entities of each kind per web figure")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=5.0, help="duration of the load test")
    ap.add_argument("--json", type=Path, help="also write every figure to this file")
    ap.add_argument("--rdflib-from", type=Path, metavar="JSON",
                    help="take the rdflib query figures from the --json of an earlier run on the "
                         "same sets instead of measuring them again")
    ap.add_argument("--skip-builds", action="store_true",
                    help="reuse the stores and dumps an earlier run left in --work; time only the "
                         "queries and the web endpoint")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child_main(args.child[0], args.child[1:])
        return 0

    tmp = tempfile.TemporaryDirectory(prefix="kg-bench-run-")
    work = args.work or Path(tmp.name)
    work.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    builds: list[BuildRow] = []
    stores: dict[str, tuple[Path, Path]] = {}
    acl = Path(args.acl)
    if args.skip_builds:
        if args.work is None:
            raise SystemExit("--skip-builds needs the --work folder of an earlier run")
        wanted = ([] if args.no_acl else [("ACL", 0)]) + [(_set_name(n), n) for n in sorted(args.sizes)]
        for name, records in wanted:
            store, nq = work / f"store-{name}", work / f"{name}.nq"
            if not store.exists():
                raise SystemExit(f"no store {store} from an earlier run")
            stores[name] = (store, nq)
            builds.append(BuildRow(name=name, records=records, quads=0, kg=Child(0.0, 0.0)))
    elif not args.no_acl:
        files = sorted((acl / "xml").glob("*.xml"))
        if not files:
            raise SystemExit(f"no ACL Anthology collection files in {acl / 'xml'}")
        row, store, nq = build_row("ACL", 0, files, "acl-anthology", work, rdflib_max=args.rdflib_max)
        from kg.graph.store import build_meta

        row.records = int(build_meta(store).get("counts", {}).get("records", 0))
        builds.append(row)
        stores["ACL"] = (store, nq)
    for size in [] if args.skip_builds else sorted(args.sizes):
        folder = work / f"synthetic-{size}"
        if not (folder / "synthetic.summary.json").exists():
            print(f"[{size}] generating ...", file=sys.stderr, flush=True)
            generate(Config(records=size, seed=1, per_file=20_000), folder)
        name = _set_name(size)
        row, store, nq = build_row(name, size, sorted(folder.glob("synthetic-*.bib")), "bibtex",
                                   work, rdflib_max=args.rdflib_max)
        builds.append(row)
        stores[name] = (store, nq)
        if size > 100_000:
            nq.unlink()  # the largest dumps are not queried; keep the disk free

    columns: dict[str, list[QueryRow]] = {}
    rdflib_result = None
    web_figures = None

    def save() -> None:
        """Every figure measured so far, written again after each stage."""
        if args.json:
            args.json.write_text(json.dumps({
                "started": started, "machine": machine(),
                "builds": [asdict(b) for b in builds],
                "queries": {k: [asdict(r) for r in v] for k, v in columns.items()},
                "rdflib_queries": rdflib_result, "web": web_figures}, indent=2, default=str))

    save()
    # Queries on ACL and the largest synthetic set of at most 100k records; rdflib on the smallest.
    synthetic = [b.name for b in builds if b.name.startswith("synthetic") and b.records <= 100_000]
    targets = (["ACL"] if "ACL" in stores else []) + synthetic[-1:]
    for name in targets:
        print(f"[{name}] queries ...", file=sys.stderr, flush=True)
        columns[name] = time_queries(stores[name][0], args.runs)
        save()
    rdflib_set = synthetic[0] if synthetic else None
    if rdflib_set is not None:
        if rdflib_set not in columns:
            columns[rdflib_set] = time_queries(stores[rdflib_set][0], args.runs)
        texts = {r.name: r.text for r in columns[rdflib_set] if r.text}
        spec = work / "rdflib-queries.json"
        spec.write_text(json.dumps(texts))
        if args.rdflib_from:
            rdflib_result = json.loads(args.rdflib_from.read_text())["rdflib_queries"]
        else:
            print(f"[{rdflib_set}] the same queries on rdflib ...", file=sys.stderr, flush=True)
            rdflib_result = json.loads(run_child("rdflib-queries", str(stores[rdflib_set][1]),
                                                 str(spec)).output)
        save()
    web_set = "ACL" if "ACL" in stores else (synthetic[-1] if synthetic else None)
    if web_set is not None:
        print(f"[{web_set}] web ...", file=sys.stderr, flush=True)
        try:
            web_figures = web(stores[web_set][0], samples=args.samples, clients=args.clients,
                              seconds=args.seconds)
        except Exception as exc:  # noqa: BLE001 - the other figures are still worth printing
            print(f"[{web_set}] web failed: {exc!r}", file=sys.stderr, flush=True)
        save()

    print(f"kg benchmark, {started}; {machine()}")
    if not args.skip_builds:
        print("\nBuilds (wall clock; peak RSS of each child process):\n")
        print(build_table(builds))
    if columns:
        print("\nNamed queries (milliseconds; parameters from each query's example or picked from "
              "the graph):\n")
        print(query_table(columns, rdflib_result, rdflib_set))
    if web_figures:
        print(f"\n`kg serve` on the {web_set} graph (waitress, loopback):\n")
        print(web_table(web_figures))
    save()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
