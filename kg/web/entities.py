"""Entity IRIs dereferenced at their paths: linked-data formats by content negotiation, HTML pages that
embed their JSON-LD, and a per-work embed snippet for other sites."""

from __future__ import annotations

import json
from collections import Counter, OrderedDict
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, render_template, request
from pyoxigraph import NamedNode, RdfFormat

from . import documents, negotiate, queries
from .app import graph, local_href, state
from .documents import Entity, first, text, values
from .errors import Problem
from .negotiate import ENTITY_FORMATS, HTML, WebFormat
from .state import Snapshot

bp = Blueprint("entities", __name__)

ROOTS = "work, person, venue, source, quality, derived, link"
EMBED_FORMATS = (HTML, negotiate.JSON)
VERSION_ORDER = {"journal": 0, "conference": 1, "workshop": 2, "chapter": 3, "book": 4, "thesis": 5,
                 "report": 6, "proceedings": 7, "dataset": 8, "software": 8, "other": 9, "unknown": 10,
                 "preprint": 11}


@bp.route(f"/<any({ROOTS}):root>/<path:rest>")
def entity(root: str, rest: str) -> Response:
    path = f"{root}/{rest}"
    fmt = negotiate.choose(ENTITY_FORMATS, format_param=request.args.get("format"),
                           accept=request.headers.get("Accept"))
    snap = graph()
    key = ("entity", snap.build_id, path, fmt.name)
    body = state().cached(key)
    if body is None:
        ent = _entity_or_404(snap, path, fmt)
        body = render(ent, fmt, snap)
        state().remember(key, body)
    return finish(Response(body, content_type=fmt.content_type), snap, fmt, path,
                  alternates=ENTITY_FORMATS)


@bp.route("/work/<slug>/embed")
def embed(slug: str) -> Response:
    """The JSON-LD ``<script>`` and ``citation_*`` meta tags of a work, ready to paste elsewhere."""
    fmt = negotiate.choose(EMBED_FORMATS, format_param=request.args.get("format"),
                           accept=request.headers.get("Accept"))
    snap = graph()
    path = f"work/{slug}"
    key = ("embed", snap.build_id, path, fmt.name)
    body = state().cached(key)
    if body is None:
        ent = _entity_or_404(snap, path, fmt)
        doc = documents.to_jsonld(ent)
        parts = embed_parts(doc)
        if fmt.media_type == "application/json":
            body = json.dumps(parts, ensure_ascii=False, indent=1) + "\n"
        else:
            body = parts["meta"] + "\n" + parts["script"] + "\n"
        state().remember(key, body)
    resp = Response(body, content_type=fmt.content_type)
    resp.headers["Access-Control-Allow-Origin"] = "*"
    return finish(resp, snap, fmt, path + "/embed", cors=True)


def _entity_or_404(snap: Snapshot, path: str, fmt: WebFormat) -> Entity:
    ent = documents.load(snap.store, snap.base, path)
    if ent is None or not ent.exists:
        raise Problem(404, f"there is no entity at /{path}", fmt=fmt, code="not-found")
    return ent


def finish(resp: Response, snap: Snapshot, fmt: WebFormat, path: str, *, cors: bool | None = None,
           alternates: Sequence[WebFormat] = ()) -> Response:
    """Validators from the build, alternates, CORS for data formats, then 304 if the client has it."""
    resp.set_etag(snap.etag(fmt.name))
    resp.headers["Last-Modified"] = snap.last_modified
    resp.vary.add("Accept")
    resp.headers["Cache-Control"] = "public, max-age=60"
    if cors if cors is not None else fmt is not HTML:
        resp.headers["Access-Control-Allow-Origin"] = "*"
        resp.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Link, Content-Type"
    here = request.script_root + "/" + quote(path)
    links = [f'<{here}?format={f.name}>; rel="alternate"; type="{f.media_type}"'
             for f in alternates if f is not fmt]
    if links:
        resp.headers["Link"] = ", ".join(links)
    resp.make_conditional(request)
    return resp


def render(ent: Entity, fmt: WebFormat, snap: Snapshot) -> bytes | str:
    if fmt is HTML:
        return render_page(ent, snap)
    if fmt.rdf_format == RdfFormat.JSON_LD:
        return json.dumps(documents.to_jsonld(ent), ensure_ascii=False, indent=1) + "\n"
    assert fmt.rdf_format is not None
    return documents.serialize_rdf(ent.triples, fmt.rdf_format)


# ----------------------------------------------------------------------------------------------
# HTML pages

def render_page(ent: Entity, snap: Snapshot) -> str:
    doc = documents.to_jsonld(ent)
    root = doc["@graph"][0] if "@graph" in doc else doc
    view = VIEWS.get(ent.kind, generic_view)
    template, ctx = view(ent, root, snap)
    alternates = [(f.name, f.media_type) for f in ENTITY_FORMATS if f is not HTML]
    return render_template(template, entity=ent, node=root, doc=doc, alternates=alternates,
                           path=ent.path, **ctx)


def _iri(value: str) -> NamedNode:
    return NamedNode(value)


def work_view(ent: Entity, root: dict[str, Any], snap: Snapshot) -> tuple[str, dict[str, Any]]:
    store = snap.store
    held = {}
    for role in values(root, "isDocumentContextFor"):
        if isinstance(role, dict) and isinstance(role.get("isHeldBy"), str):
            held[role["isHeldBy"]] = [text(v) for v in values(role, "statedAs")]
    authors = [{"iri": a if isinstance(a, str) else a.get("@id"), "name": text(a),
                "printed": held.get(a if isinstance(a, str) else a.get("@id"), [])}
               for a in values(root, "author")]
    versions = [version_info(v) for v in values(root, "workExample") if isinstance(v, dict)]
    sources = queries.select(store, "work-sources", work=_iri(ent.iri))
    by_source: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for row in sources:
        entry = by_source.setdefault(row["source"], {"iri": row["source"], "name": row["sourceName"],
                                                     "format": row["format"],
                                                     "origin": row["origin"], "records": []})
        entry["records"].append(row)
    return "work.html", {
        "title": first(root, "name"),
        "authors": authors,
        "versions": versions,
        "sources": list(by_source.values()),
        "disagreements": group_disagreements(
            queries.select(store, "disagreements", entity=_iri(ent.iri))),
        "conflicts": queries.select(store, "identifier-conflicts", work=_iri(ent.iri)),
        "meta": citation_meta(root),
        "identifiers": list({(i["label"], i["value"]): i for i in
                             identifiers(root) + [i for v in versions for i in v["identifiers"]]
                             }.values()),
        "complete": first(root, "authorListComplete") != "false",
        "supplements": [_related(n) for n in values(root, "frbr:supplementOf")],
        "supplemented_by": [_related(n) for n in values(root, "frbr:supplement")],
    }


def _related(node: Any) -> dict[str, str]:
    """A work this one supplements or is supplemented by: its IRI, title, year and kind."""
    node = node if isinstance(node, dict) else {"@id": str(node)}
    types = {str(t) for t in values(node, "@type")}
    genre = "data set" if "Dataset" in types else "software" if "SoftwareSourceCode" in types else ""
    return {"iri": node.get("@id", ""), "name": first(node, "name") or node.get("@id", ""),
            "date": (first(node, "datePublished") or "")[:4], "genre": genre}


def version_info(v: dict[str, Any]) -> dict[str, Any]:
    edition = next((e for e in values(v, "isPartOf") if isinstance(e, dict)), None)
    series = next((s for s in values(edition, "isPartOf") if isinstance(s, dict)), None) \
        if edition else None
    return {"iri": v.get("@id", ""), "name": first(v, "name"), "kind": first(v, "kg:versionKind"),
            "date": first(v, "datePublished"), "edition": edition, "series": series,
            "pages": first(v, "pagination"), "identifiers": identifiers(v)}


def identifiers(node: dict[str, Any]) -> list[dict[str, str]]:
    same = [text(s) for s in values(node, "sameAs")]
    out = []
    for pv in values(node, "identifier"):
        if not isinstance(pv, dict):
            continue
        label, value = first(pv, "propertyID"), first(pv, "value")
        link = next((s for s in same if value and value.lower() in s.lower()), "")
        out.append({"label": label, "value": value, "link": link})
    return out


def group_disagreements(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    grouped: OrderedDict[str, dict[str, Any]] = OrderedDict()
    for row in rows:
        d = grouped.setdefault(row["disagreement"], {
            "about": row["about"], "field": row["field"], "chosen": row["chosen"],
            "minor": row["minor"] == "true", "policy": row["policy"], "values": OrderedDict()})
        stated = d["values"].setdefault(row["value"], [])
        if row["source"] and (row["source"], row["sourceName"]) not in stated:
            stated.append((row["source"], row["sourceName"]))
    return list(grouped.values())


# Where a version appeared, in the Highwire tag for its kind (Google Scholar's and Zotero's); a data
# set's or a program's repository, a book's series and anything else are its publisher.
_CITATION_VENUE_TAGS = {
    "conference": "citation_conference_title", "workshop": "citation_conference_title",
    "proceedings": "citation_conference_title", "chapter": "citation_inbook_title",
    "thesis": "citation_dissertation_institution",
    "report": "citation_technical_report_institution",
}


def citation_meta(root: dict[str, Any]) -> list[tuple[str, str]]:
    """Highwire Press ``citation_*`` tags, read by Google Scholar and reference managers."""
    tags = [("citation_title", first(root, "name"))]
    tags += [("citation_author", text(a)) for a in values(root, "author")]
    date = first(root, "datePublished")
    if date:
        tags.append(("citation_publication_date", date.replace("-", "/")))
    versions = sorted((v for v in values(root, "workExample") if isinstance(v, dict)),
                      key=lambda v: VERSION_ORDER.get(first(v, "kg:versionKind"), 9))
    for v in versions:
        info = version_info(v)
        if info["kind"] == "preprint" or not info["edition"]:
            continue
        edition, series = info["edition"], info["series"]
        if info["kind"] == "journal":
            tags.append(("citation_journal_title", first(series, "name") if series
                         else first(edition, "name")))
            if first(edition, "volumeNumber"):
                tags.append(("citation_volume", first(edition, "volumeNumber")))
            tags += [("citation_issn", i) for i in sorted(text(v) for v in values(series, "issn"))]
        else:
            name = first(edition, "name") or (first(series, "name") if series else "")
            tags.append((_CITATION_VENUE_TAGS.get(info["kind"], "citation_publisher"), name))
        tags += [("citation_isbn", i) for i in sorted(text(v) for v in values(edition, "isbn"))]
        if info["pages"] and "-" in info["pages"]:
            start, _, end = info["pages"].replace("--", "-").partition("-")
            tags += [("citation_firstpage", start.strip()), ("citation_lastpage", end.strip())]
        break
    nodes = [root, *versions]
    arxiv = next((first(n, "hasArXivId") for n in nodes if first(n, "hasArXivId")), "")
    doi = next((first(n, "doi") for n in nodes if first(n, "doi")), "")
    if doi:
        tags.append(("citation_doi", doi))
    if arxiv:
        tags.append(("citation_arxiv_id", arxiv))
        tags.append(("citation_pdf_url", f"https://arxiv.org/pdf/{arxiv}"))
    return [(k, v) for k, v in tags if v]


def embed_parts(doc: dict[str, Any]) -> dict[str, str]:
    """The ``<script type="application/ld+json">`` block and the meta tags, as HTML text."""
    root = doc["@graph"][0] if "@graph" in doc else doc
    script = render_template("embed_script.html", doc=doc)
    meta = render_template("embed_meta.html", meta=citation_meta(root))
    return {"script": script.strip(), "meta": meta.strip()}


def person_view(ent: Entity, root: dict[str, Any], snap: Snapshot) -> tuple[str, dict[str, Any]]:
    store = snap.store
    person = _iri(ent.iri)
    works = queries.select(store, "person-works", person=person)
    # The project's named query where it is installed, else the page's own (same numbers: both
    # count works, not versions).
    coauthors = queries.project_rows(
        store, "coauthors", {"person": ent.iri}, base=snap.base,
        columns={"coauthor": "coauthor", "name": "name", "joint_works": "works",
                 "first_year": "first", "last_year": "last"},
    ) or queries.select(store, "person-coauthors", person=person)
    edges = queries.select(store, "person-network", person=person)
    years = Counter(int(w["date"][:4]) for w in works if w["date"] and w["date"][:4].isdecimal())
    network = {
        "center": {"id": ent.iri, "name": first(root, "name"), "href": local_href(ent.iri, snap)},
        "nodes": [{"id": c["coauthor"], "name": c["name"] or c["coauthor"], "works": c["works"],
                   "href": local_href(c["coauthor"], snap)} for c in coauthors],
        "links": [{"source": e["a"], "target": e["b"], "works": e["works"]} for e in edges],
    }
    return "person.html", {
        "title": first(root, "name"),
        "works": works,
        "coauthors": coauthors,
        "chart": year_chart(years),
        "network": network,
        "same_as": sorted({text(s) for s in values(root, "sameAs") + values(root, "owlSameAs")}),
        "alternate": sorted(text(a) for a in values(root, "alternateName")),
        "identifiers": identifiers(root),
    }


def year_chart(years: Counter[int], *, width: int = 560, height: int = 180) -> dict[str, Any]:
    """Bars of works per year, laid out here so that the page draws them as plain SVG."""
    if not years:
        return {"bars": [], "width": width, "height": height, "ticks": []}
    first_year, last_year = min(years), max(years)
    span = list(range(first_year, last_year + 1))
    top = max(years.values())
    pad_left, pad_bottom, pad_top = 28, 22, 10
    plot_h = height - pad_bottom - pad_top
    slot = (width - pad_left) / len(span)
    bars = []
    for i, year in enumerate(span):
        n = years.get(year, 0)
        h = plot_h * n / top
        bars.append({"year": year, "count": n, "x": round(pad_left + i * slot + slot * 0.15, 1),
                     "width": round(slot * 0.7, 1), "y": round(pad_top + plot_h - h, 1),
                     "height": round(h, 1), "label_x": round(pad_left + i * slot + slot / 2, 1)})
    ticks = [{"value": v, "y": round(pad_top + plot_h - plot_h * v / top, 1)}
             for v in sorted({0, top, (top + 1) // 2})]
    return {"bars": bars, "width": width, "height": height, "ticks": ticks,
            "baseline": pad_top + plot_h, "left": pad_left}


def venue_view(ent: Entity, root: dict[str, Any], snap: Snapshot) -> tuple[str, dict[str, Any]]:
    store = snap.store
    venue = _iri(ent.iri)
    ctx: dict[str, Any] = {
        "title": first(root, "name"),
        "alternate": sorted({text(a) for a in values(root, "alternateName")}),
        "numbers": [{"label": "ISSN", "value": v, "link": ""}
                    for v in sorted(text(x) for x in values(root, "issn"))]
        + [{"label": "ISBN", "value": v, "link": ""} for v in sorted(text(x) for x in values(root, "isbn"))]
        + identifiers(root),
        "works": queries.select(store, "venue-works", venue=venue),
        "is_series": ent.kind == "series",
        # A repository (arXiv, Zenodo) stands as its own edition: its works are part of it directly.
        "is_repository": "fabio:Repository" in {str(t) for t in values(root, "@type")},
    }
    if ent.kind == "series":
        ctx["editions"] = queries.select(store, "series-editions", series=venue)
    else:
        ctx["series"] = next((s for s in values(root, "isPartOf") if isinstance(s, dict)), None)
        ctx["host"] = next((h for h in values(root, "heldAt") if isinstance(h, dict)), None)
        graph_nodes = values(documents.to_jsonld(ent), "@graph")
        ctx["workshops"] = [n for n in graph_nodes if isinstance(n, dict)
                            and ent.iri in [text(h) for h in values(n, "heldAt")]]
    return "venue.html", ctx


def source_view(ent: Entity, root: dict[str, Any], snap: Snapshot) -> tuple[str, dict[str, Any]]:
    return "source.html", {
        "title": first(root, "name") or ent.path,
        "records": queries.select(snap.store, "source-records", source=_iri(ent.iri)),
        "meta": snap.meta.get("sources", {}),
    }


def generic_view(ent: Entity, root: dict[str, Any], snap: Snapshot) -> tuple[str, dict[str, Any]]:
    rows: list[tuple[str, str, bool]] = []
    for t in sorted(ent.triples, key=lambda t: (t.predicate.value, str(t.object))):
        if not isinstance(t.subject, NamedNode) or t.subject.value != ent.iri:
            continue
        is_iri = isinstance(t.object, NamedNode)
        rows.append((t.predicate.value, getattr(t.object, "value", str(t.object)), is_iri))
    ctx: dict[str, Any] = {"title": first(root, "name") or ent.path, "rows": rows}
    if ent.kind in ("version", "record"):
        ctx["sources"] = queries.select(snap.store, "work-sources", work=_iri(ent.iri)) \
            if ent.kind == "version" else []
    return "entity.html", ctx


VIEWS = {"work": work_view, "person": person_view, "series": venue_view, "edition": venue_view,
         "source": source_view}
