"""The embedded on-disk store: built beside the current one, then switched in atomically.

``<store>`` is a symbolic link to one build directory under ``<store>.d/``. A build writes a new
directory, bulk-loads it and only then replaces the link (``os.replace`` of a link is atomic), so a build
that fails or is killed leaves the previous graph intact and servable. A lock file keeps two builds from
running at once. Readers open the directory the link points to when they open, and can notice a newer
build by the link's target changing.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Quad, Store

from ..errors import BuildLockedError, StoreError
from ..progress import INTERVAL, Progress
from .remote import RemoteStore, is_remote

DEFAULT_STORE = Path("var") / "store"
META_FILE = "kg-build.json"


def store_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The store location: the argument, else ``KG_STORE``, else ``var/store``."""
    if path:
        return Path(path)
    env = os.environ.get("KG_STORE")
    return Path(env) if env else DEFAULT_STORE


def store_spec(path: str | os.PathLike[str] | None = None) -> str:
    """The store setting as given: a remote spec ('oxigraph+http://…') is kept as text."""
    if path and is_remote(str(path)):
        return str(path)
    env = os.environ.get("KG_STORE")
    if not path and env and is_remote(env):
        return env
    return str(store_path(path))


def builds_dir(path: Path) -> Path:
    return path.parent / (path.name + ".d")


def current_build(path: Path) -> Path | None:
    """The build directory the store link points to, or None if there is no store yet."""
    if path.is_symlink():
        target = path.parent / os.readlink(path)
        return target if target.is_dir() else None
    if path.is_dir() and (path / META_FILE).exists():
        return path
    return None


def exists(path: Path) -> bool:
    return current_build(path) is not None


@contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """Hold the store's build lock; a second build fails at once with a clear message."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.parent / (path.name + ".lock")
    fh = open(lock_path, "a+")
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise BuildLockedError(
                f"{path}: another build is running ({holder}); wait for it to finish") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M:%S')}")
        fh.flush()
        yield
    finally:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        fh.close()


@dataclass
class BuildInfo:
    path: Path
    directory: Path
    triples: int
    seconds: float
    meta: dict


def build(path: str | os.PathLike[str], quads: Iterable[Quad], *, meta: dict | None = None,
          keep: int = 2, progress: Progress | None = None) -> BuildInfo:
    """Load quads into a new build directory and switch the store link to it.

    ``keep`` is how many build directories to keep (the new one and the previous one by default).
    ``progress`` hears of 'optimize store' from the last quad on: the loader writes its last
    batches, then the store is compacted. A rebuild reports milliseconds against the time the
    previous build took, a first build against its tables' bytes at a typical rate (see
    :func:`optimize_estimate`). A remote store (``oxigraph+http://…``)
    is built by :meth:`RemoteStore.build` instead.
    """
    ended: list[float] = []

    def announced() -> Iterator[Quad]:
        yield from quads
        ended.append(time.perf_counter())
        if progress:
            progress("optimize store", 0, None)

    if is_remote(str(path)):
        started = time.perf_counter()
        base = (meta or {}).get("base")
        result = RemoteStore(str(path), base=base).build(announced(), base=base or "")
        return BuildInfo(path=Path(str(path)), directory=Path(str(path)), triples=result["triples"],
                         seconds=time.perf_counter() - started, meta={**(meta or {}), **result})
    path = Path(path)
    with build_lock(path):
        root = builds_dir(path)
        root.mkdir(parents=True, exist_ok=True)
        _adopt_plain_directory(path, root)
        # Sortable by time; the random part keeps two builds in one second apart.
        build_id = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        target = root / build_id
        partial = root / (build_id + ".partial")
        started = time.perf_counter()
        previous = build_meta(path).get("optimize")
        try:
            store = Store(str(partial))
            store.bulk_extend(announced())
            loaded = _table_bytes(partial)
            last = ended[0] if ended else time.perf_counter()
            with _optimizing(progress, optimize_estimate(previous, loaded), since=last):
                store.optimize()
            optimized = {"seconds": round(time.perf_counter() - last, 3), "bytes": loaded}
            store.flush()
            triples = len(store)
            del store
            info = {**(meta or {}), "triples": triples, "build": build_id,
                    "seconds": round(time.perf_counter() - started, 3), "optimize": optimized,
                    "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
            (partial / META_FILE).write_text(json.dumps(info, indent=2), encoding="utf-8")
            os.rename(partial, target)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        link_tmp = path.parent / (path.name + ".link-" + build_id)
        os.symlink(os.path.relpath(target, path.parent), link_tmp)
        os.replace(link_tmp, path)  # the switch: atomic on POSIX
        _prune(root, keep=keep, current=target)
        return BuildInfo(path=path, directory=target, triples=triples,
                         seconds=time.perf_counter() - started, meta=info)


def _table_bytes(directory: Path) -> int:
    """The bytes of the store's sorted tables (what optimizing reads and rewrites)."""
    total = 0
    for entry in os.scandir(directory):
        if entry.name.endswith(".sst"):
            try:
                total += entry.stat().st_size
            except FileNotFoundError:  # compacted away meanwhile
                pass
    return total


# Seconds per byte of tables from the last quad to an optimized store, for a first build: builds
# of the ACL Anthology (1.4 GB of tables) took 16 to 23 ns a byte on a 2-CPU machine.
FIRST_BUILD_SECONDS_PER_BYTE = 20e-9


def optimize_estimate(previous: object, loaded: int) -> float | None:
    """Seconds from the last quad to an optimized store (the loader's last batches, then the
    compaction) expected when the loader wrote ``loaded`` bytes of tables: what the previous build
    of the same store took, scaled by the bytes (what the loader and the compaction work through);
    for a first build, or when the previous build did not say, the bytes at a typical rate
    (:data:`FIRST_BUILD_SECONDS_PER_BYTE`). None when no table was written.

    >>> optimize_estimate({"seconds": 12.0, "bytes": 1_000}, 1_500)
    18.0
    >>> optimize_estimate(None, 1_500_000_000)
    30.0
    >>> optimize_estimate(None, 0) is None
    True
    """
    if loaded <= 0:
        return None
    seconds, size = (previous.get("seconds"), previous.get("bytes")) if isinstance(previous, dict) \
        else (None, None)
    if not isinstance(seconds, int | float) or not isinstance(size, int) or size <= 0:
        return loaded * FIRST_BUILD_SECONDS_PER_BYTE
    return max(float(seconds), 0.001) * loaded / size


@contextmanager
def _optimizing(progress: Progress | None, expected: float | None, *, since: float
                ) -> Iterator[None]:
    """Report 'optimize store' while the block runs: milliseconds since ``since`` (a
    ``perf_counter`` time: the last quad) against the milliseconds expected, never past 99% of them
    until it is done. The store releases the interpreter while it compacts, so a thread can report
    meanwhile (the loader's last batches hold it: no report is possible then). Without an
    estimate, the step was announced and that is all."""
    if progress is None or expected is None:
        yield
        return
    step, total = "optimize store", max(1, round(expected * 1000))
    done = threading.Event()

    def elapsed() -> int:
        return min(round((time.perf_counter() - since) * 1000), total * 99 // 100)

    def report() -> None:
        while not done.wait(INTERVAL):
            progress(step, elapsed(), total)

    progress(step, elapsed(), total)
    reporter = threading.Thread(target=report, name="kg-optimize-progress", daemon=True)
    reporter.start()
    try:
        yield
    finally:
        done.set()
        reporter.join()
    progress(step, total, total)


def _adopt_plain_directory(path: Path, root: Path) -> None:
    if path.exists() and not path.is_symlink():
        if path.is_dir() and (path / META_FILE).exists():
            dest = root / ("adopted-" + time.strftime("%Y%m%dT%H%M%S"))
            os.rename(path, dest)
            os.symlink(os.path.relpath(dest, path.parent), path)
        else:
            raise StoreError(f"{path} exists and is not a kg store; choose another --store path")


def _prune(root: Path, *, keep: int, current: Path) -> None:
    builds = sorted((d for d in root.iterdir() if d.is_dir() and not d.name.endswith(".partial")),
                    key=lambda d: d.name)
    for d in builds[:-keep] if keep > 0 else []:
        if d != current:
            shutil.rmtree(d, ignore_errors=True)
    # Leftovers of builds that were killed before they finished.
    for d in root.iterdir():
        if d.name.endswith(".partial") and d != current:
            try:
                age = time.time() - d.stat().st_mtime
            except OSError:
                continue
            if age > 60:
                shutil.rmtree(d, ignore_errors=True)


def open_store(path: str | os.PathLike[str] | None = None, *, read_only: bool = True
               ) -> Store | RemoteStore:
    """Open the current build of the store (read-only by default, so a server never writes).

    A remote spec gives a :class:`RemoteStore`, which answers queries the same way.
    """
    spec = store_spec(path)
    if is_remote(spec):
        return RemoteStore(spec)
    p = store_path(path)
    directory = current_build(p)
    if directory is None:
        raise StoreError(f"{p}: no graph has been built here yet; run 'kg build' first")
    try:
        return Store.read_only(str(directory)) if read_only else Store(str(directory))
    except OSError as exc:
        raise StoreError(f"{p}: cannot open the store: {exc}") from exc


def build_meta(path: str | os.PathLike[str] | None = None) -> dict:
    spec = store_spec(path)
    if is_remote(spec):
        return RemoteStore(spec).meta()
    directory = current_build(store_path(path))
    if directory is None:
        return {}
    try:
        return json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
