"""Named SPARQL queries: the catalog of ``queries/*.rq``, their headers, typed parameters bound as RDF
terms, and the renderers of their results.

A query file starts with a header of ``# key: value`` lines (see ``docs/queries.md``)::

    # title: Coauthors of a person
    # description: Everyone who shares a work with the person, with the number of joint works.
    #   A line indented by two or more spaces continues the field above it.
    # counting: works (fabio:Work), not versions
    # param: person (person, required) whose coauthors: a name, IRI, ORCID iD or slug
    # param: min_works (int, default 1) leave out coauthors with fewer joint works
    # example: person=Max Zimmer; min_works=2

Parameters are written ``$name`` in the query and must be in its SELECT projection. Their values are
RDF terms, written by pyoxigraph into an inline VALUES block, so a value can never change the shape of
a query. A list of
persons is given to the query as its set of named graphs and enumerated with ``GRAPH $name { }``; such
a query reads only the default graph otherwise. Every prefix of the project's prefix table is declared
for every query. Parameter columns are left out of the result, which holds only what the query found.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    QuerySolutions,
    Store,
    Triple,
    Variable,
)

from . import identifiers as idmod
from .errors import AmbiguousParameterError, QueryError
from .graph.namespaces import OWL, PREFIXES, RDF, SCHEMA, XSD
from .graph.remote import lateral_or_portable
from .graph.sparqltext import bind_values, portable_forms
from .text import fold

if TYPE_CHECKING:
    from .graph.remote import RemoteStore

Term = NamedNode | BlankNode | Literal | Triple
ParamValue = str | list[str]
# The embedded store, or a SPARQL server that answers the same calls.
StoreLike = Union[Store, "RemoteStore"]

# The packaged copy of the top-level queries/ folder: in a checkout, a link to it; in an installed
# package, the files themselves (package data).
PACKAGE_DIR = "queries.d"
REPO_DIR = Path(__file__).resolve().parents[1] / "queries"

HEADER_KEYS = ("title", "description", "counting", "paging", "param", "example", "binding")
BINDINGS = ("inline", "substitutions")  # how parameter values reach the engine; see _query
_HEADER_LINE = re.compile(r"^#\s?([a-z]+):\s*(.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(\S.*)$")
_PARAM_SPEC = re.compile(
    r"^(?P<name>[a-z][a-z0-9_]*)\s+\((?P<type>[a-z]+)"
    r"(?:,\s*(?P<mode>required|optional|default\s+(?P<default>[^)]*)))?\)\s*(?P<desc>.*)$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_LIST_SEPARATOR = re.compile(r"\s*[;\n]\s*")


# ----------------------------------------------------------------------------------------------
# Catalog

@dataclass
class Param:
    """One declared parameter of a named query."""

    name: str
    type: str
    required: bool = False
    default: str | None = None
    description: str = ""

    @property
    def is_list(self) -> bool:
        return PARAM_TYPES[self.type].is_list


@dataclass
class NamedQuery:
    """A query file: its name (the file name without ``.rq``), header and text."""

    name: str
    title: str
    description: str
    params: list[Param] = field(default_factory=list)
    counting: str = ""
    paging: str = ""  # how the limit and offset parameters page the rows, where the query has them
    example: dict[str, ParamValue] = field(default_factory=dict)
    text: str = ""
    path: str = ""
    binding: str = "inline"
    # Where the SPARQL 1.1 form of a query that uses LATERAL is (queries/portable/NAME.rq, or its
    # stages NAME.1.rq, NAME.2.rq, ...), for engines that refuse LATERAL; read only when one does.
    portable_paths: tuple[Traversable, ...] = ()

    @property
    def portable_stages(self) -> list[str]:
        """The texts of the SPARQL 1.1 form: one query, or stages run in order until one finds a
        row."""
        return [p.read_text(encoding="utf-8") for p in self.portable_paths]

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise QueryError(f"{self.name}: no parameter {name!r}; parameters: "
                         f"{', '.join(p.name for p in self.params) or 'none'}")


def queries_dir() -> Traversable:
    """Where the named queries are: the package's copy, else the repository's queries/ folder."""
    packaged = resources.files(__package__) / PACKAGE_DIR
    if packaged.is_dir():
        return packaged
    return REPO_DIR  # a checkout whose link was not kept (e.g. a copy without symbolic links)


def catalog(directory: str | Path | Traversable | None = None) -> dict[str, NamedQuery]:
    """Every named query, by name, from ``directory`` (default: :func:`queries_dir`)."""
    folder = queries_dir() if directory is None else (
        Path(directory) if isinstance(directory, str) else directory)
    if not folder.is_dir():
        raise QueryError(f"{folder}: no such folder of queries")
    found: dict[str, NamedQuery] = {}
    portable = portable_forms(folder)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq") and not entry.name.startswith("."):
            name = entry.name[:-3]
            found[name] = parse(entry.read_text(encoding="utf-8"), name=name, path=str(entry))
            found[name].portable_paths = portable.get(name, ())
    return found


def load(name_or_path: str | Path, *, directory: str | Path | None = None) -> NamedQuery:
    """A named query by name, or a query file by path (anything ending in ``.rq`` or naming a file)."""
    text = str(name_or_path)
    path = Path(text)
    if text.endswith(".rq") or (path.suffix and path.is_file()):
        try:
            source = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise QueryError(f"{path}: cannot read the query: {exc.strerror or exc}") from None
        return parse(source, name=path.stem, path=str(path))
    queries = catalog(directory)
    try:
        return queries[text]
    except KeyError:
        raise QueryError(f"no query named {text!r}; `kg query --list` shows them: "
                         f"{', '.join(queries)}") from None


def parse(text: str, *, name: str, path: str = "") -> NamedQuery:
    """Read a query file's header; errors name the file and line."""
    where = path or name
    fields: dict[str, list[str]] = {k: [] for k in HEADER_KEYS}
    lines: dict[str, list[int]] = {k: [] for k in HEADER_KEYS}
    last: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        if not line[1:].strip():
            last = None
            continue
        cont = _CONTINUATION.match(line)
        if cont and last is not None:
            fields[last][-1] += " " + cont.group(1).strip()
            continue
        m = _HEADER_LINE.match(line)
        if not m or m.group(1) not in HEADER_KEYS:
            raise QueryError(f"{where}:{number}: not a header line; write '# key: value' with key "
                             f"one of {', '.join(HEADER_KEYS)}, or end the header with a blank line")
        last = m.group(1)
        fields[last].append(m.group(2).strip())
        lines[last].append(number)
    for key in ("title", "description"):
        if len(fields[key]) != 1 or not fields[key][0]:
            raise QueryError(f"{where}: the header needs exactly one '# {key}:' line")
    params = [_param(spec, where=f"{where}:{number}")
              for spec, number in zip(fields["param"], lines["param"])]
    _check_params(params, text, where=where)
    # '# binding: substitutions (why)': the first word is the value, the rest its reason.
    binding = (fields["binding"][-1].split() or [""])[0] if fields["binding"] else "inline"
    if binding not in BINDINGS:
        raise QueryError(f"{where}:{lines['binding'][-1]}: binding {binding!r} is not one of "
                         f"{', '.join(BINDINGS)}")
    query = NamedQuery(name=name, title=fields["title"][0], description=fields["description"][0],
                       params=params, counting=" ".join(fields["counting"]),
                       paging=" ".join(fields["paging"]), text=text, path=path,
                       binding=binding)
    if fields["example"]:
        query.example = _example(" ; ".join(fields["example"]), query, where=where)
    return query


def _param(spec: str, *, where: str) -> Param:
    m = _PARAM_SPEC.match(spec)
    if not m:
        raise QueryError(f"{where}: a parameter is written 'NAME (TYPE, required|optional|default "
                         f"VALUE) description', not {spec!r}")
    ptype = m.group("type")
    if ptype not in PARAM_TYPES:
        raise QueryError(f"{where}: unknown parameter type {ptype!r}; types: "
                         f"{', '.join(PARAM_TYPES)}")
    mode = m.group("mode") or ""
    default = m.group("default").strip() if m.group("default") is not None else None
    param = Param(name=m.group("name"), type=ptype, required=mode == "required", default=default,
                  description=m.group("desc").strip())
    if default is not None and not param.is_list and not PARAM_TYPES[ptype].needs_store:
        # A default must be a valid value of its type; terms that need the store are checked on use.
        try:
            PARAM_TYPES[ptype].convert(default, param.name)
        except QueryError as exc:
            raise QueryError(f"{where}: the default is wrong: {exc}") from None
    if param.is_list and not param.required:
        raise QueryError(f"{where}: a list parameter must be required")
    return param


def _check_params(params: list[Param], text: str, *, where: str) -> None:
    """The header declares exactly the parameters the query uses as ``$name``."""
    used = dollar_variables(text)
    declared = [p.name for p in params]
    dupes = sorted({n for n in declared if declared.count(n) > 1})
    if dupes:
        raise QueryError(f"{where}: parameter {dupes[0]!r} is declared twice")
    undeclared = sorted(used - set(declared))
    if undeclared:
        raise QueryError(f"{where}: ${undeclared[0]} is used but not declared; add "
                         f"'# param: {undeclared[0]} (TYPE, ...)' to the header")
    unused = sorted(set(declared) - used)
    if unused:
        raise QueryError(f"{where}: parameter {unused[0]!r} is declared but the query never uses "
                         f"${unused[0]}")
    if sum(p.is_list for p in params) > 1:
        raise QueryError(f"{where}: a query takes at most one list parameter")


def dollar_variables(text: str) -> set[str]:
    """The variables a query writes as ``$name``, outside comments, IRIs and string literals."""
    found: set[str] = set()
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", text[i:]):
            i = text.index(">", i) + 1
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
        elif c == "$":
            m = re.match(r"\$([A-Za-z0-9_]+)", text[i:])
            if m:
                found.add(m.group(1))
                i += len(m.group(0))
            else:
                i += 1
        else:
            i += 1
    return found


def _example(spec: str, query: NamedQuery, *, where: str) -> dict[str, ParamValue]:
    values: dict[str, ParamValue] = {}
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep:
            raise QueryError(f"{where}: an example is 'name=value; name=value', not {part!r}")
        param = query.param(name)
        if param.is_list:
            listed = values.setdefault(name, [])
            assert isinstance(listed, list)
            listed.append(value.strip())
        else:
            values[name] = value.strip()
    return values


# ----------------------------------------------------------------------------------------------
# Parameter types

@dataclass(frozen=True)
class ParamType:
    """How a parameter value becomes an RDF term."""

    name: str
    help: str
    convert: Callable[..., Any]
    needs_store: bool = False  # resolved against the graph (persons, venues)
    is_list: bool = False


def _int(value: str, name: str) -> Literal:
    try:
        number = int(value.strip())
    except ValueError:
        raise QueryError(f"parameter {name!r} must be a whole number, not {value!r}") from None
    return Literal(str(number), datatype=XSD.integer)


def _year(value: str, name: str) -> Literal:
    if not re.fullmatch(r"\s*\d{4}\s*", value):
        raise QueryError(f"parameter {name!r} must be a year (four digits), not {value!r}")
    return Literal(str(int(value)), datatype=XSD.integer)


def _string(value: str, name: str) -> Literal:
    return Literal(value)


def _boolean(value: str, name: str) -> Literal:
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return Literal("true", datatype=XSD.boolean)
    if text in ("0", "false", "no", "off"):
        return Literal("false", datatype=XSD.boolean)
    raise QueryError(f"parameter {name!r} must be true or false, not {value!r}")


def _iri(value: str, name: str) -> NamedNode:
    try:
        return NamedNode(value.strip())
    except ValueError as exc:
        raise QueryError(f"parameter {name!r} is not a valid IRI ({exc}): {value!r}") from None


def _person(value: str, name: str, *, store: StoreLike, base: str) -> NamedNode:
    return resolve_person(store, value, base=base, name=name)


def _persons(values: list[str], name: str, *, store: StoreLike, base: str) -> list[NamedNode]:
    resolved: list[NamedNode] = []
    for value in values:
        iri = resolve_person(store, value, base=base, name=name)
        if iri not in resolved:
            resolved.append(iri)
    return resolved


def _venue(value: str, name: str, *, store: StoreLike, base: str) -> NamedNode:
    return resolve_venue(store, value, base=base, name=name)


PARAM_TYPES: dict[str, ParamType] = {t.name: t for t in (
    ParamType("person", "a person: name, IRI, ORCID iD or slug", _person, needs_store=True),
    ParamType("persons", "several persons, each as for person (separate them with ';')", _persons,
              needs_store=True, is_list=True),
    ParamType("venue", "a venue series: name, acronym, ISSN, IRI or slug (an edition, or its ISBN, "
              "means its series)",
              _venue, needs_store=True),
    ParamType("int", "a whole number", _int),
    ParamType("year", "a year, four digits", _year),
    ParamType("string", "text", _string),
    ParamType("iri", "an absolute IRI", _iri),
    ParamType("boolean", "true or false", _boolean),
)}


# ----------------------------------------------------------------------------------------------
# Resolving persons and venues

def _subjects(store: StoreLike, predicate: NamedNode, obj: Term) -> list[NamedNode]:
    return [q.subject for q in store.quads_for_pattern(None, predicate, obj, DefaultGraph())
            if isinstance(q.subject, NamedNode)]


def _has(store: StoreLike, subject: NamedNode, predicate: NamedNode, obj: Term | None = None
         ) -> bool:
    return next(iter(store.quads_for_pattern(subject, predicate, obj, DefaultGraph())), None) is not None


def _label(store: StoreLike, subject: NamedNode) -> str:
    for q in store.quads_for_pattern(subject, SCHEMA.name, None, DefaultGraph()):
        if isinstance(q.object, Literal):
            return q.object.value
    return subject.value


def _by_name(store: StoreLike, value: str, predicates: Iterable[NamedNode],
             keep: Callable[[NamedNode], bool]) -> list[NamedNode]:
    found: list[NamedNode] = []
    for predicate in predicates:
        for s in _subjects(store, predicate, Literal(value)):
            if s not in found and keep(s):
                found.append(s)
    return found


def _by_folded_name(store: StoreLike, value: str, predicates: Iterable[NamedNode],
                    keep: Callable[[NamedNode], bool]) -> list[NamedNode]:
    """Names equal up to case, accents and punctuation: a scan, so only the last resort."""
    key = fold(value)
    found: list[NamedNode] = []
    if not key:
        return found
    for predicate in predicates:
        for q in store.quads_for_pattern(None, predicate, None, DefaultGraph()):
            s = q.subject
            if isinstance(s, NamedNode) and isinstance(q.object, Literal) and s not in found \
                    and fold(q.object.value) == key and keep(s):
                found.append(s)
    return found


def _one(store: StoreLike, found: list[NamedNode], *, what: str, value: str, name: str
         ) -> NamedNode | None:
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        candidates = sorted(((iri.value, _label(store, iri)) for iri in found), key=lambda c: c[1])
        listed = "; ".join(f"{label} <{iri}>" for iri, label in candidates)
        raise AmbiguousParameterError(
            f"parameter {name!r}: {value!r} matches {len(found)} {what}s: {listed}; "
            f"give an IRI, ORCID iD or slug", candidates)
    return None


def _as_iri(value: str) -> NamedNode | None:
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value) and not re.match(r"^\d{4}-", value):
        try:
            return NamedNode(value)
        except ValueError:
            return None
    return None


def resolve_person(store: StoreLike, value: str, *, base: str, name: str = "person") -> NamedNode:
    """The person a value names: an IRI, an ORCID iD (bare or as IRI), a slug, or a name.

    Names are tried exactly (preferred and other printed forms), then as a family or given name, then
    up to case, accents and punctuation. More than one match raises
    :class:`AmbiguousParameterError` with the candidates.
    """
    text = value.strip()
    if not text:
        raise QueryError(f"parameter {name!r} is empty; give a name, IRI, ORCID iD or slug")

    def is_person(s: NamedNode) -> bool:
        return _has(store, s, RDF.type, SCHEMA.Person)

    orcid = idmod.orcid(text)
    if orcid:
        found = [s for p in (OWL.sameAs, SCHEMA.sameAs)
                 for s in _subjects(store, p, NamedNode(f"https://orcid.org/{orcid}"))]
        person = _one(store, list(dict.fromkeys(s for s in found if is_person(s))),
                      what="person", value=value, name=name)
        if person is None:
            raise QueryError(f"parameter {name!r}: no person has the ORCID iD {orcid}")
        return person
    iri = _as_iri(text)
    if iri is not None:
        if is_person(iri):
            return iri
        found = [s for p in (OWL.sameAs, SCHEMA.sameAs) for s in _subjects(store, p, iri)]
        person = _one(store, list(dict.fromkeys(s for s in found if is_person(s))),
                      what="person", value=value, name=name)
        if person is None:
            raise QueryError(f"parameter {name!r}: no person <{text}> in the graph")
        return person
    if re.match(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dXx]$", text):
        raise QueryError(f"parameter {name!r}: {text} is not a valid ORCID iD (check digit)")
    slug = text.removeprefix("person/")
    if _NAME.match(slug):
        candidate = NamedNode(base + "person/" + slug)
        if is_person(candidate):
            return candidate
    for stage in (
        lambda: _by_name(store, text, (SCHEMA.name, SCHEMA.alternateName), is_person),
        lambda: _by_name(store, text, (SCHEMA.familyName, SCHEMA.givenName), is_person),
        lambda: _by_folded_name(store, text, (SCHEMA.name, SCHEMA.alternateName), is_person),
    ):
        person = _one(store, stage(), what="person", value=value, name=name)
        if person is not None:
            return person
    raise QueryError(f"parameter {name!r}: no person matches {value!r}; give a name, IRI, "
                     f"ORCID iD or slug")


def resolve_venue(store: StoreLike, value: str, *, base: str, name: str = "venue") -> NamedNode:
    """The venue series a value names: an IRI or slug of a series or one of its editions, a name,
    an acronym, a journal's ISSN or a proceedings volume's ISBN. An edition stands for its series."""
    text = value.strip()
    if not text:
        raise QueryError(f"parameter {name!r} is empty; give a venue name, acronym, IRI or slug")
    prefix = base + "venue/"

    def series_of(s: NamedNode) -> NamedNode | None:
        if not s.value.startswith(prefix):
            return None
        for q in store.quads_for_pattern(s, SCHEMA.isPartOf, None, DefaultGraph()):
            if isinstance(q.object, NamedNode) and q.object.value.startswith(prefix):
                return q.object
        if next(iter(store.quads_for_pattern(s, RDF.type, None, DefaultGraph())), None) is None:
            return None
        return s

    def series(found: list[NamedNode]) -> list[NamedNode]:
        out: list[NamedNode] = []
        for s in found:
            top = series_of(s)
            if top is not None and top not in out:
                out.append(top)
        return out

    iri = _as_iri(text)
    if iri is not None:
        top = series_of(iri)
        if top is None:
            raise QueryError(f"parameter {name!r}: no venue <{text}> in the graph")
        return top
    slug = text.removeprefix("venue/")
    if re.match(r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)?$", slug):
        top = series_of(NamedNode(prefix + slug))
        if top is not None:
            return top
    def everything(s: NamedNode) -> bool:
        return True

    # An ISSN (a journal's) or ISBN (a proceedings volume's), in any printed form.
    numbers = [*idmod.issns(text)[0], *idmod.isbns(text)[0]] if re.fullmatch(r"[\dXx\s-]+", text) else []
    for stage in (
        lambda: series([s for v in numbers for s in _by_name(store, v, (SCHEMA.issn, SCHEMA.isbn),
                                                                everything)]),
        lambda: series(_by_name(store, text, (SCHEMA.name, SCHEMA.alternateName), everything)),
        lambda: series(_by_folded_name(store, text, (SCHEMA.name, SCHEMA.alternateName),
                                       lambda s: s.value.startswith(prefix))),
    ):
        venue = _one(store, stage(), what="venue", value=value, name=name)
        if venue is not None:
            return venue
    raise QueryError(f"parameter {name!r}: no venue matches {value!r}; give a name, acronym, "
                     f"ISSN, IRI or slug")


# ----------------------------------------------------------------------------------------------
# Running

@dataclass
class Binding:
    """A query's parameters as terms: single values by variable, a list as the named graphs."""

    substitutions: dict[Variable, Term] = field(default_factory=dict)
    named_graphs: list[NamedNode | BlankNode] | None = None
    values: dict[str, Any] = field(default_factory=dict)  # by parameter name, for display


def bind(store: StoreLike, query: NamedQuery, params: Mapping[str, ParamValue] | None = None, *,
         base: str) -> Binding:
    """Check and convert parameter values (given, else the default) to RDF terms."""
    params = dict(params or {})
    known = {p.name for p in query.params}
    unknown = sorted(set(params) - known)
    if unknown:
        raise QueryError(f"{query.name}: unknown parameter {unknown[0]!r}; parameters: "
                         f"{', '.join(sorted(known)) or 'none'}")
    binding = Binding()
    for p in query.params:
        ptype = PARAM_TYPES[p.type]
        raw = params.get(p.name)
        if raw is None or raw == "" or raw == []:
            if p.default is not None:
                raw = p.default
            elif p.required:
                raise QueryError(f"{query.name}: parameter {p.name!r} is required "
                                 f"({ptype.help})")
            else:
                continue
        kwargs = {"store": store, "base": base} if ptype.needs_store else {}
        if p.is_list:
            items = raw if isinstance(raw, list) else _LIST_SEPARATOR.split(str(raw))
            items = [str(i).strip() for i in items if str(i).strip()]
            if not items:
                raise QueryError(f"{query.name}: parameter {p.name!r} is required ({ptype.help})")
            terms = ptype.convert(items, p.name, **kwargs)
            binding.named_graphs = terms
            binding.values[p.name] = terms
        else:
            if isinstance(raw, list):
                if len(raw) != 1:
                    raise QueryError(f"{query.name}: parameter {p.name!r} takes one value, "
                                     f"not {len(raw)}")
                raw = raw[0]
            term = ptype.convert(str(raw), p.name, **kwargs)
            binding.substitutions[Variable(p.name)] = term
            binding.values[p.name] = term
    return binding


@dataclass
class QueryResult:
    """What a named query found: column names and one dict per row (``None`` where unbound)."""

    columns: list[str]
    rows: list[dict[str, Term | None]]
    query: NamedQuery | None = None
    params: dict[str, Any] = field(default_factory=dict)
    base: str = ""

    def __len__(self) -> int:
        return len(self.rows)

    def values(self, column: str) -> list[Term | None]:
        return [row[column] for row in self.rows]

    def to_table(self, *, title: str | None = None) -> Any:
        """A rich Table; IRIs under the base shown by their path, others by prefixed name."""
        from rich.table import Table

        table = Table(title=title, box=None, header_style="bold")
        for c in self.columns:
            table.add_column(c, overflow="fold")
        for row in self.rows:
            table.add_row(*(display(row[c], base=self.base) for c in self.columns))
        return table

    def to_csv(self) -> str:
        """SPARQL 1.1 CSV results: IRIs and literal values as plain text."""
        return self._delimited(",", _csv_term)

    def to_tsv(self) -> str:
        """SPARQL 1.1 TSV results: terms in their N-Triples form."""
        buf = io.StringIO()
        buf.write("\t".join("?" + c for c in self.columns) + "\n")
        for row in self.rows:
            buf.write("\t".join(_tsv_term(row[c]) for c in self.columns))
            buf.write("\n")
        return buf.getvalue()

    def to_json(self) -> str:
        """SPARQL 1.1 JSON results."""
        bindings = [{c: _json_term(t) for c in self.columns if (t := row[c]) is not None}
                    for row in self.rows]
        return json.dumps({"head": {"vars": self.columns}, "results": {"bindings": bindings}},
                          ensure_ascii=False, indent=1)

    def _delimited(self, sep: str, cell: Callable[[Term | None], str]) -> str:
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=sep, lineterminator="\r\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([cell(row[c]) for c in self.columns])
        return buf.getvalue()


def _csv_term(term: Term | None) -> str:
    if term is None:
        return ""
    return str(term) if isinstance(term, Triple) else term.value


def _tsv_term(term: Term | None) -> str:
    if term is None:
        return ""
    text = str(term)
    # Integers and booleans may be written bare, which keeps numeric columns readable.
    if isinstance(term, Literal) and term.datatype in (XSD.integer, XSD.boolean):
        return term.value
    return text.replace("\t", "\\t").replace("\n", "\\n")


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype != XSD.string:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def display(term: Term | None, *, base: str = "") -> str:
    """A term as a person reads it: literal values bare, IRIs by their path under the base or by a
    prefixed name."""
    if term is None:
        return ""
    if isinstance(term, Literal):
        return term.value
    if isinstance(term, NamedNode):
        iri = term.value
        if base and iri.startswith(base):
            return iri[len(base):]
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and re.fullmatch(r"[A-Za-z_][\w-]*", iri[len(ns):]):
                return f"{prefix}:{iri[len(ns):]}"
        return iri
    return str(term)


@dataclass(frozen=True)
class Format:
    """An output format: name, media type, file suffix and renderer (text)."""

    name: str
    media_type: str
    suffix: str
    render: Callable[[QueryResult], str]


def _render_table(result: QueryResult) -> str:
    from rich.console import Console

    console = Console(file=io.StringIO(), width=160, highlight=False, soft_wrap=False)
    console.print(result.to_table())
    out = console.file
    assert isinstance(out, io.StringIO)
    return out.getvalue()


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("table", "text/plain", ".txt", _render_table),
    Format("csv", "text/csv", ".csv", QueryResult.to_csv),
    Format("tsv", "text/tab-separated-values", ".tsv", QueryResult.to_tsv),
    Format("json", "application/sparql-results+json", ".srj", QueryResult.to_json),
)}


def execute(store: StoreLike, query: NamedQuery, binding: Binding, *, base: str = "",
            portable: bool = False) -> QueryResult:
    """Run a query with bound parameters; ``portable``: its SPARQL 1.1 form, the one an engine
    without LATERAL answers (the query itself if it has none)."""
    try:
        if portable and query.portable_paths:
            solutions = run_portable(store, query, binding)
        else:
            solutions = _query(store, query, binding)
    except SyntaxError as exc:
        raise QueryError(f"{query.path or query.name}: SPARQL syntax error: {exc}") from None
    except RuntimeError as exc:
        message = str(exc)
        if "SELECT projection" in message:
            message += " (a parameter must be in the query's SELECT projection)"
        raise QueryError(f"{query.path or query.name}: {message}") from None
    except OSError as exc:
        raise QueryError(f"{query.name}: cannot read the store: {exc}") from None
    if not isinstance(solutions, QuerySolutions | FoundRows):
        raise QueryError(f"{query.path or query.name}: a named query must return solutions "
                         "(a table)")
    hidden = {p.name for p in query.params}
    variables = [v.value for v in solutions.variables]
    columns = [v for v in variables if v not in hidden]
    try:
        # By position: a solution looked up by variable name costs a search of its variables.
        at = [(c, variables.index(c)) for c in columns]
        rows = [{c: solution[i] for c, i in at} for solution in solutions]
    except OSError as exc:
        raise QueryError(f"{query.name}: cannot read the store: {exc}") from None
    except RuntimeError as exc:
        raise QueryError(f"{query.path or query.name}: {exc}") from None
    return QueryResult(columns=columns, rows=rows, query=query, params=binding.values, base=base)


@dataclass
class FoundRows:
    """The rows of a stage of a query's SPARQL 1.1 form, read to learn that there were some."""

    variables: list[Variable]
    rows: list[Any]

    def __iter__(self):
        return iter(self.rows)


def _query(store: StoreLike, query: NamedQuery, binding: Binding) -> Any:
    """The query, or its SPARQL 1.1 form on an engine that refuses LATERAL."""
    portable = (lambda: run_portable(store, query, binding)) if query.portable_paths else None
    return lateral_or_portable(store, query.text, portable,
                               lambda text: _query_text(store, text, query, binding))


def run_portable(store: StoreLike, query: NamedQuery, binding: Binding) -> Any:
    """The query's SPARQL 1.1 form: its one query, or its stages in order, up to the first that
    finds a row (the last one's answer, rows or none, otherwise)."""
    *earlier, last = query.portable_paths  # each stage is read only when it runs
    for path in earlier:
        solutions = _query_text(store, path.read_text(encoding="utf-8"), query, binding)
        if not isinstance(solutions, QuerySolutions):
            return solutions
        rows = list(solutions)
        if rows:
            return FoundRows(variables=list(solutions.variables), rows=rows)
    return _query_text(store, last.read_text(encoding="utf-8"), query, binding)


def _query_text(store: StoreLike, text: str, query: NamedQuery, binding: Binding) -> Any:
    """The values go into the text as an inline VALUES block of terms pyoxigraph serialized: the
    planner then starts from them, where with ``substitutions`` it plans without them (9x slower
    for a prolific person's coauthors on the ACL Anthology). A query whose header says
    ``# binding: substitutions`` (one that the planner handles better without the constants), and
    one whose inlined form the embedded parser refuses, run with ``substitutions``."""
    subs = dict(binding.substitutions)
    if subs and query.binding == "inline":
        try:
            return store.query(bind_values(text, subs), prefixes=dict(PREFIXES),
                               named_graphs=binding.named_graphs)
        except SyntaxError:
            if not isinstance(store, Store):
                raise
    return store.query(text, prefixes=dict(PREFIXES), substitutions=subs or None,
                       named_graphs=binding.named_graphs)


def run(store: StoreLike, name_or_path: str | Path | NamedQuery,
        params: Mapping[str, ParamValue] | None = None, *, base: str) -> QueryResult:
    """Run a named query (or a query file) with parameters given as text.

    ``base`` is the base IRI the graph was built under; person and venue slugs are read against it.
    """
    query = name_or_path if isinstance(name_or_path, NamedQuery) else load(name_or_path)
    base = base if base.endswith("/") else base + "/"
    return execute(store, query, bind(store, query, params, base=base), base=base)
