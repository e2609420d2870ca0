"""Reading SPARQL text just enough to bind parameters for a remote engine, without splicing values.

pyoxigraph binds parameters as terms (``substitutions``); a remote SPARQL server cannot. There, each
parameter is bound by an inline ``VALUES`` block placed at the start of every group that follows a
``WHERE`` keyword (the query's and each subquery's), holding the term as serialized by pyoxigraph.
Joining such a block first is what substitution means, so the query's text around it is never edited
and no value is ever parsed as query syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources.abc import Traversable

from pyoxigraph import BlankNode, Literal, NamedNode, Variable

from ..errors import QueryError

_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7-\uffff]+)
  | (?P<word>[A-Za-z_\u00c0-\uffff][\w.\-\u00b7-\uffff]*(?::[\w.:%\-\u00b7-\uffff]*)?|:[\w.:%\-]*)
  | (?P<punct>[{}()])
  | (?P<other>\S)
''', re.VERBOSE | re.DOTALL)
UPDATE_OPERATIONS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE",
                               "ADD", "WITH"})
# Words no query can contain outside strings and IRIs.
UPDATE_ONLY = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE"})


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int


def tokens(query: str) -> Iterator[Token]:
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup or "other"
        yield Token(kind, m.group(0), m.start(), m.end())


def nesting(query: str) -> int:
    """How deep the query nests groups, brackets and parentheses, or chains prefix operators
    ('!', '^'), whichever is deeper; strings, IRIs and comments do not count.

    >>> nesting("SELECT * WHERE { ?s ?p ?o FILTER(!BOUND(?x)) }"), nesting("ASK { FILTER(!!!true) }")
    (3, 3)
    """
    depth = deepest = run = 0
    for t in tokens(query):
        if t.kind not in ("punct", "other"):
            run = 0
        elif t.text in "{([":
            depth, run = depth + 1, 0
            deepest = max(deepest, depth)
        elif t.text in "})]":
            depth, run = depth - 1, 0
        elif t.text in "!^":
            run += 1
            deepest = max(deepest, run)
        else:
            run = 0
    return deepest


def keywords(text: str) -> list[str]:
    """Bare words of a query in upper case: keywords and function names (not prefixed names)."""
    return [t.text.upper() for t in tokens(text) if t.kind == "word" and ":" not in t.text]


def operation(text: str) -> str | None:
    """The first operation keyword after the prologue (``SELECT``, ``INSERT``, …)."""
    for w in keywords(text):
        if w not in ("PREFIX", "BASE"):
            return w
    return None


def is_update(text: str) -> bool:
    """
    >>> is_update("PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b 'SELECT' }")
    True
    >>> is_update('SELECT * WHERE { ?s ?p "INSERT DATA" } # DELETE')
    False
    >>> is_update("LOAD <http://example.org/data.ttl>")
    True
    >>> is_update("PREFIX : <http://example.org/> SELECT * WHERE { ?s :load ?o }")
    False
    """
    op = operation(text)
    return op in UPDATE_OPERATIONS or any(w in UPDATE_ONLY for w in keywords(text))


def uses_service(text: str) -> bool:
    """
    >>> uses_service("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    True
    >>> uses_service('SELECT ?service WHERE { ?service ?p "SERVICE" }')
    False
    """
    return "SERVICE" in keywords(text)


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE, or UPDATE for an update request."""
    if is_update(query):
        return "UPDATE"
    for w in keywords(query):
        if w in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return w
    raise QueryError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")


def term_text(term: NamedNode | Literal | BlankNode) -> str:
    """The SPARQL/N-Triples form of a term, as pyoxigraph writes it (escaped by the library)."""
    if isinstance(term, BlankNode):
        raise QueryError("a blank node cannot be a query parameter")
    return str(term)


def bind_values(query: str, substitutions: dict[Variable, NamedNode | Literal]) -> str:
    """The query with one inline VALUES block for the parameters at the start of every WHERE group."""
    if not substitutions:
        return query
    names = sorted(substitutions, key=lambda v: v.value)
    header = "VALUES (" + " ".join(str(v) for v in names) + ") { (" + \
        " ".join(term_text(substitutions[v]) for v in names) + ") }"
    inserts = _where_groups(query)
    out, last = [], 0
    for pos in inserts:
        out.append(query[last:pos])
        out.append(" " + header + " ")
        last = pos
    out.append(query[last:])
    return "".join(out)


@lru_cache(maxsize=256)
def _where_groups(query: str) -> tuple[int, ...]:
    """Where each WHERE group of a query opens (just after its brace); a query is tokenized once,
    however often it runs."""
    toks = list(tokens(query))
    inserts: list[int] = []
    for i, t in enumerate(toks):
        if t.kind == "word" and t.text.upper() == "WHERE":  # 'ex:where' has a colon: not a keyword
            nxt = next((x for x in toks[i + 1:] if x.kind != "comment"), None)
            if nxt is not None and nxt.text == "{":
                inserts.append(nxt.end)
    if not inserts:
        # 'SELECT * { ... }' and 'ASK { ... }': the first group after the query form keyword.
        form_seen = False
        for t in toks:
            if t.kind == "word" and t.text.upper() in ("SELECT", "ASK", "DESCRIBE"):
                form_seen = True
            elif form_seen and t.text == "{":
                inserts.append(t.end)
                break
    if not inserts:
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    return tuple(inserts)


def portable_forms(folder: Traversable) -> dict[str, tuple[Traversable, ...]]:
    """The SPARQL 1.1 forms kept beside a folder of queries that use LATERAL, by query name:
    ``portable/NAME.rq``, or a form in stages ``portable/NAME.1.rq``, ``NAME.2.rq``, ... (run in
    that order until one finds a row: a search by increasing depth, which SPARQL 1.1 cannot stop
    early within one query)."""
    sub = folder / "portable"
    if not sub.is_dir():
        return {}
    found: dict[str, list[tuple[int, Traversable]]] = {}
    for e in sub.iterdir():
        if not e.name.endswith(".rq"):
            continue
        stem = e.name[:-3]
        name, _, stage = stem.rpartition(".")
        if name and stage.isdecimal():
            found.setdefault(name, []).append((int(stage), e))
        else:
            found.setdefault(stem, []).append((0, e))
    forms = {}
    for name, entries in found.items():
        stages = sorted(entries, key=lambda se: se[0])
        if len(stages) > 1 and stages[0][0] == 0:
            raise QueryError(f"{sub}: {name}.rq and {name}.N.rq: a portable form is one file or "
                             "numbered stages, not both")
        forms[name] = tuple(e for _, e in stages)
    return forms
