"""The graph a running app answers from: the current build of the store, reopened after a rebuild.

``kg build`` writes a new build directory and then switches the store link to it. The app reads the link
on every request (one ``readlink``); while it points to the same build the open store is reused, and
when it changes the new build is opened and answers the following requests. Requests already running
keep their snapshot, so nothing is answered from a half-switched graph, and the old build directory is
kept by the store until the next build but one.
"""

from __future__ import annotations

import email.utils
import json
import os
import threading
import time
from datetime import datetime
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import Store

from ..errors import StoreError
from ..graph import store as store_mod
from ..graph.remote import RemoteStore, is_remote


@dataclass
class Snapshot:
    """One build of the graph, open read-only, with what responses need to know about it."""

    store: Store | RemoteStore
    directory: Path | None  # the build directory; None for a remote store
    meta: dict[str, Any]
    base: str
    location: str = ""  # what a SPARQL worker opens: the build directory or the remote store setting

    @property
    def build_id(self) -> str:
        return str(self.meta.get("build") or (self.directory.name if self.directory else "remote"))

    @property
    def last_modified(self) -> str:
        """The build's time as an HTTP date (the build directory's mtime if the metadata lacks it)."""
        if self.directory is None:
            finished = self.meta.get("finished")
            try:
                stamp = datetime.strptime(finished, "%Y-%m-%dT%H:%M:%S%z").timestamp() if finished \
                    else time.time()
            except ValueError:
                stamp = time.time()
            return email.utils.formatdate(stamp, usegmt=True)
        mtime = os.stat(self.directory / store_mod.META_FILE).st_mtime if (
            self.directory / store_mod.META_FILE).exists() else os.stat(self.directory).st_mtime
        return email.utils.formatdate(mtime, usegmt=True)

    def etag(self, *parts: str) -> str:
        return "-".join((self.build_id, *parts)).replace('"', "")

    def path_of(self, iri: str) -> str | None:
        """The IRI's path relative to the base, if it is one of this graph's IRIs."""
        return iri[len(self.base):] if iri.startswith(self.base) else None


@dataclass
class GraphState:
    """Holds the open snapshot and a small cache of rendered responses keyed by build."""

    path: Path | str  # the store setting: a local store's path or a remote store's spec
    base: str | None = None  # only used when the build does not record its base
    remote_check_seconds: float = 5.0  # how often a remote store is asked which build it holds
    cache_size: int = 512
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _snapshot: Snapshot | None = None
    _target: str | None = None
    _cache: OrderedDict[tuple, Any] = field(default_factory=OrderedDict)
    _checked: float = 0.0

    def _link_target(self) -> str | None:
        assert isinstance(self.path, Path)
        try:
            return os.readlink(self.path)
        except OSError:
            # A plain build directory (not a link) or nothing: fall back to the store's own lookup.
            directory = store_mod.current_build(self.path)
            return str(directory) if directory else None

    def _remote(self) -> Snapshot:
        """A remote store: asked at most every few seconds which build it holds."""
        now = time.monotonic()
        snap = self._snapshot
        if snap is not None and now - self._checked < self.remote_check_seconds:
            return snap
        with self._lock:
            store = snap.store if snap is not None else RemoteStore(str(self.path), base=self.base)
            meta = store.meta()  # type: ignore[union-attr]
            self._checked = now
            if snap is not None and meta.get("build") == snap.meta.get("build"):
                return snap
            base = meta.get("base") or self.base or "http://localhost:8080/"
            self._snapshot = Snapshot(store=store, directory=None, meta=meta,
                                      base=base if base.endswith("/") else base + "/",
                                      location=str(self.path))
            self._cache.clear()
            return self._snapshot

    def current(self) -> Snapshot:
        if is_remote(str(self.path)):
            return self._remote()
        target = self._link_target()
        snap = self._snapshot
        if snap is not None and target == self._target:
            return snap
        with self._lock:
            if self._snapshot is not None and target == self._target:
                return self._snapshot
            directory = store_mod.current_build(self.path)
            if directory is None:
                raise StoreError("no graph has been built yet")
            try:
                store = Store.read_only(str(directory))
            except OSError:
                raise StoreError("the graph store cannot be opened") from None
            meta = _read_meta(directory)
            base = meta.get("base") or self.base or "http://localhost:8080/"
            if not base.endswith("/"):
                base += "/"
            self._snapshot = Snapshot(store=store, directory=directory, meta=meta, base=base,
                                      location=str(directory))
            self._target = target
            self._cache.clear()
            return self._snapshot

    def cached(self, key: tuple) -> Any:
        with self._lock:
            value = self._cache.get(key)
            if value is not None:
                self._cache.move_to_end(key)
            return value

    def remember(self, key: tuple, value: Any) -> None:
        with self._lock:
            self._cache[key] = value
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)


def _read_meta(directory: Path) -> dict[str, Any]:
    try:
        return json.loads((directory / store_mod.META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
