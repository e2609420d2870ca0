"""The SPARQL the pages run, kept as ``.rq`` files in ``kg/web/sparql/`` and found by file name.

Each file starts with a comment header (``# title:``, ``# description:``, ``# parameters:``). Parameters
are bound as RDF terms with pyoxigraph's ``substitutions``, never formatted into the text, so a title or
a name from a source can never change a query. Named queries of the project (:mod:`kg.queries`) are
reached through :func:`catalog` and :func:`run_named`, which fall back on the SELECT queries here while
that module is not installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QuerySolutions,
    Store,
    Triple,
    Variable,
)

from ..graph.remote import TRIPLE_RESULTS, lateral_or_portable

from ..errors import KGError, QueryError
from ..graph.namespaces import XSD
from ..graph.sparqltext import portable_forms

_HEADER = re.compile(r"^#\s*(\w+)\s*:\s*(.*)$")
_PARAM = re.compile(r"(\w+)\s*(?:\(([^)]*)\))?")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str = "iri"  # iri, literal, integer
    help: str = ""


@dataclass(frozen=True)
class LocalQuery:
    name: str
    text: str
    title: str = ""
    description: str = ""
    params: tuple[Param, ...] = ()
    form: str = "select"
    portable: str | None = None  # the SPARQL 1.1 form (sparql/portable/), for engines without LATERAL


def _parse(name: str, text: str) -> LocalQuery:
    header: dict[str, str] = {}
    last = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if m:
            last = m.group(1).lower()
            header[last] = m.group(2).strip()
        elif last:  # a continued header line
            header[last] += " " + line.lstrip("# ").strip()
    params = []
    for part in filter(None, (p.strip() for p in header.get("parameters", "").split(";"))):
        m = _PARAM.match(part)
        if m:
            spec = (m.group(2) or "iri").split(",")[0].strip().lower()
            kind = "integer" if "integer" in spec else "literal" if ("literal" in spec or "text" in spec
                                                                     ) else "iri"
            params.append(Param(m.group(1), kind, part))
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    form = "construct" if re.search(r"\bCONSTRUCT\b", body, re.IGNORECASE) else "select"
    return LocalQuery(name=name, text=text, title=header.get("title", name),
                      description=header.get("description", ""), params=tuple(params), form=form)


@cache
def local_queries() -> dict[str, LocalQuery]:
    folder = resources.files(__package__) / "sparql"
    portable = portable_forms(folder)
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[:-3]
            q = _parse(name, entry.read_text(encoding="utf-8"))
            if name in portable:
                if len(portable[name]) > 1:
                    raise QueryError(f"{name}: page queries have a single portable form")
                q = replace(q, portable=portable[name][0].read_text(encoding="utf-8"))
            found[name] = q
    return found


def query(name: str) -> LocalQuery:
    try:
        return local_queries()[name]
    except KeyError:
        raise QueryError(f"no page query named {name!r}") from None


def _query(store: Store, q: LocalQuery, subs: dict) -> Any:
    """The query, or its SPARQL 1.1 form on an engine that refuses LATERAL."""
    portable = q.portable
    return lateral_or_portable(
        store, q.text,
        None if portable is None else (lambda: store.query(portable, substitutions=subs)),
        lambda text: store.query(text, substitutions=subs))


def select(store: Store, name: str, **params: NamedNode | Literal) -> list[dict[str, Any]]:
    """Run a page query and give each row as a dict of Python values (IRIs and literals as str,
    integers as int, unbound as None)."""
    q = query(name)
    subs: dict[Variable, NamedNode | BlankNode | Literal | Triple] = {
        Variable(k): v for k, v in params.items()}
    result = _query(store, q, subs)
    if not isinstance(result, QuerySolutions):
        raise QueryError(f"{name} is not a SELECT query")
    variables = [v.value for v in result.variables]
    return [{v: py(row[v]) for v in variables} for row in result]


def construct(store: Store, name: str, **params: NamedNode | Literal) -> list:
    q = query(name)
    subs: dict[Variable, NamedNode | BlankNode | Literal | Triple] = {
        Variable(k): v for k, v in params.items()}
    result = _query(store, q, subs)
    if not isinstance(result, TRIPLE_RESULTS):
        raise QueryError(f"{name} is not a CONSTRUCT query")
    return list(result)


_INTEGERS = {XSD.integer.value, "http://www.w3.org/2001/XMLSchema#int",
             "http://www.w3.org/2001/XMLSchema#long"}


def py(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, Literal) and term.datatype.value in _INTEGERS:
        try:
            return int(term.value)
        except ValueError:
            return term.value
    return getattr(term, "value", str(term))


# ----------------------------------------------------------------------------------------------
# Named queries: the project's catalog when installed, else the SELECT page queries above.

@dataclass
class NamedInfo:
    name: str
    title: str
    description: str
    params: list[dict[str, str]] = field(default_factory=list)


def _project_queries() -> Any:
    try:
        from .. import queries as project_queries  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    return project_queries if hasattr(project_queries, "catalog") else None


def catalog() -> dict[str, NamedInfo]:
    mod = _project_queries()
    if mod is not None:
        out = {}
        for name, nq in mod.catalog().items():
            params = []
            for p in getattr(nq, "params", None) or getattr(nq, "parameters", None) or []:
                if isinstance(p, str):
                    params.append({"name": p})
                else:
                    params.append({k: str(v) for k, v in vars(p).items() if not k.startswith("_")}
                                  if hasattr(p, "__dict__") else {"name": str(p)})
            out[name] = NamedInfo(name, str(getattr(nq, "title", "") or name),
                                  str(getattr(nq, "description", "") or ""), params)
        return out
    return {q.name: NamedInfo(q.name, q.title, q.description,
                              [{"name": p.name, "type": p.kind, "help": p.help} for p in q.params])
            for q in local_queries().values() if q.form == "select"}


def project_rows(store: Store, name: str, params: dict[str, str], *, base: str,
                 columns: dict[str, str]) -> list[dict[str, Any]] | None:
    """Rows of a project named query with its columns renamed (``columns``: theirs -> ours), or
    None when the query, or one of the columns the page needs, is not there; the page then runs its
    own query."""
    mod = _project_queries()
    if mod is None or name not in mod.catalog():
        return None
    try:
        result = mod.run(store, name, params, base=base)
    except KGError:
        return None
    if not set(columns) <= set(result.columns):
        return None
    return [{ours: py(row[theirs]) for theirs, ours in columns.items()} for row in result.rows]


def run_named(store: Store, name: str, params: dict[str, str], *, base: str
              ) -> tuple[list[str], list[list[Any]]]:
    """Columns and rows (plain JSON values) of a named query."""
    mod = _project_queries()
    if mod is not None:
        result = mod.run(store, name, params, base=base)
        columns = [str(c) for c in result.columns]
        rows = []
        for row in result.rows:
            values = [row.get(c) for c in columns] if isinstance(row, dict) else list(row)
            rows.append([_jsonable(v) for v in values])
        return columns, rows
    if name not in catalog():
        raise QueryError(f"no named query {name!r}; known: {', '.join(sorted(catalog()))}")
    q = query(name)
    known = {p.name: p for p in q.params}
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise QueryError(f"{name}: unknown parameter {unknown[0]!r}; "
                         f"parameters: {', '.join(known) or 'none'}")
    subs: dict[str, NamedNode | Literal] = {}
    for p in q.params:
        if p.name not in params:
            raise QueryError(f"{name}: missing parameter {p.name!r}")
        subs[p.name] = term_for(params[p.name], p.kind, base=base, name=p.name)
    rows_d = select(store, name, **subs)
    columns = list(rows_d[0]) if rows_d else [v for v in _projection(q.text)]
    return columns, [[r.get(c) for c in columns] for r in rows_d]


def _projection(text: str) -> list[str]:
    m = re.search(r"SELECT\s+(?:DISTINCT\s+)?(.*?)\s*WHERE", text, re.DOTALL | re.IGNORECASE)
    if not m:
        return []
    return [a or b for a, b in re.findall(r"AS\s+\?(\w+)\s*\)|\?(\w+)", m.group(1))]


def term_for(value: str, kind: str, *, base: str, name: str) -> NamedNode | Literal:
    """A parameter value as a term: IRIs may be given relative to the base ('person/max-zimmer')."""
    if kind == "integer":
        try:
            return Literal(str(int(value)), datatype=XSD.integer)
        except ValueError:
            raise QueryError(f"parameter {name!r} must be an integer, not {value!r}") from None
    if kind == "literal":
        return Literal(value)
    iri = value if re.match(r"^[a-z][a-z0-9+.-]*:", value, re.IGNORECASE) else base + value.lstrip("/")
    try:
        return NamedNode(iri)
    except ValueError:
        raise QueryError(f"parameter {name!r} is not a valid IRI: {value!r}") from None


def _jsonable(v: Any) -> Any:
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, Literal):
        return py(v)
    return getattr(v, "value", str(v))
