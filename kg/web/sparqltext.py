"""What a SPARQL request asks for, read from its tokens (strings, IRIs and comments skipped) before it is
run: whether it is an update, and whether it calls other endpoints with ``SERVICE``.

The endpoint is read-only and the query parser rejects updates anyway, but with a syntax error; naming
the operation lets the client read "updates are not accepted" instead.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7-\uffff]+)
  | (?P<word>[A-Za-z_\u00c0-\uffff][\w.\-\u00b7-\uffff]*(?::[\w.:%\-\u00b7-\uffff]*)?|:[\w.:%\-]*)
  | (?P<other>\S)
''', re.VERBOSE | re.DOTALL)

UPDATE_OPERATIONS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE",
                               "ADD", "WITH"})
# Words no query can contain outside strings and IRIs.
UPDATE_ONLY = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE"})


def keywords(text: str) -> list[str]:
    """Bare words of a query in upper case: keywords and function names (not prefixed names)."""
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group("word")
        if word and ":" not in word:
            out.append(word.upper())
    return out


def operation(text: str) -> str | None:
    """The first operation keyword after the prologue (``SELECT``, ``INSERT``, …)."""
    words = keywords(text)
    for w in words:
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
