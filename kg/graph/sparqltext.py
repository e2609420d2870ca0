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

from pyoxigraph import BlankNode, Literal, NamedNode, Variable

from ..errors import QueryError

_TOKEN = re.compile(
    r'(?P<comment>\#[^\n]*)'
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\s]*>)'
    r'|(?P<var>[?$][A-Za-z_0-9\u00b7-\uffff]+)'
    r'|(?P<word>[A-Za-z_][A-Za-z_0-9-]*(?::[^\s{}()<>,;]*)?)'
    r'|(?P<punct>[{}()])'
    r'|(?P<other>\S)',
    re.S,
)


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


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT, DESCRIBE, or UPDATE for an update request."""
    for t in tokens(query):
        if t.kind == "word":
            word = t.text.upper()
            if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                return word
            if word in ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                        "WITH"):
                return "UPDATE"
    raise QueryError("not a SPARQL query: no SELECT, ASK, CONSTRUCT or DESCRIBE")


def uses_keyword(query: str, keyword: str) -> bool:
    """Whether a keyword occurs as a keyword (not inside a string, IRI or comment)."""
    keyword = keyword.upper()
    return any(t.kind == "word" and t.text.upper() == keyword for t in tokens(query))


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
    toks = list(tokens(query))
    inserts: list[int] = []
    for i, t in enumerate(toks):
        if t.kind == "word" and t.text.upper() == "WHERE":
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
    out, last = [], 0
    for pos in inserts:
        out.append(query[last:pos])
        out.append(" " + header + " ")
        last = pos
    out.append(query[last:])
    return "".join(out)
