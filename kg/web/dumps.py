"""``/dump/kg.<suffix>``: the whole graph in each RDF format of the export table, written by
``kg export``'s writers as the response is sent.

Formats that hold named graphs (N-Quads, TriG) carry the whole dataset, provenance and derived graphs
included; the others carry the merged view (the default graph). From a local store every writer
streams (JSON-LD is compacted a batch of entities at a time); a remote store's default graph is read
in one request for JSON-LD.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import IO, cast

from flask import Blueprint, Response, jsonify, request, stream_with_context
from pyoxigraph import Store

from ..graph.export import export
from . import negotiate
from .app import graph
from .errors import Problem
from .negotiate import WebFormat

bp = Blueprint("dumps", __name__, url_prefix="/dump")

CHUNK = 1 << 16


@bp.route("/")
def index() -> Response:
    root = request.script_root
    return jsonify({"dumps": [
        {"href": f"{root}/dump/kg.{f.suffix}", "media_type": f.media_type, "name": f.name,
         "graphs": "all" if f.quads else "default (merged view)"} for f in negotiate.RDF_FORMATS]})


@bp.route("/kg.<suffix>")
def dump(suffix: str) -> Response:
    fmt = next((f for f in negotiate.RDF_FORMATS if f.suffix == suffix), None)
    if fmt is None:
        raise Problem(404, f"no dump kg.{suffix}; available: "
                      + ", ".join(f"kg.{f.suffix}" for f in negotiate.RDF_FORMATS), code="not-found")
    snap = graph()
    resp = Response(stream_with_context(_stream(snap.store, fmt)), content_type=fmt.content_type)
    resp.headers["Content-Disposition"] = f'attachment; filename="kg.{fmt.suffix}"'
    resp.headers["Access-Control-Allow-Origin"] = "*"
    resp.set_etag(snap.etag("dump", fmt.name))
    resp.headers["Last-Modified"] = snap.last_modified
    resp.make_conditional(request)
    return resp


class _QueueWriter:
    """A binary file for ``Store.dump`` that hands its chunks to the response as they come."""

    def __init__(self, q: queue.Queue[bytes | BaseException | None], stop: threading.Event) -> None:
        self.q = q
        self.stop = stop
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        if self.stop.is_set():
            raise BrokenPipeError("client went away")
        self.buffer += data
        if len(self.buffer) >= CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.buffer:
            self.q.put(bytes(self.buffer))
            self.buffer.clear()


def _stream(store: Store, fmt: WebFormat) -> Iterator[bytes]:
    # Bounded: the dump thread waits for a slow client instead of buffering the graph in memory.
    q: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=16)
    stop = threading.Event()

    def produce() -> None:
        writer = _QueueWriter(q, stop)
        try:
            export(store, cast(IO[bytes], writer), format=fmt.name)  # write() is all it needs
            writer.flush()
            q.put(None)
        except BaseException as exc:  # noqa: BLE001 - handed to the response, which ends the stream
            q.put(exc)

    threading.Thread(target=produce, daemon=True, name="kg-dump").start()
    try:
        while True:
            item = q.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                return
            yield item
    finally:
        stop.set()
        while not q.empty():  # unblock the producer if it waits on a full queue
            q.get_nowait()
