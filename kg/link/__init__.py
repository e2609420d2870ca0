"""Links from the graph's people and works to ORCID and Wikidata.

Curated links (``data/links.toml``) are applied on every build without network access
(:mod:`kg.link.curated`); online reconciliation (:mod:`kg.link.reconcile`) proposes new ones, which are
accepted above a score threshold or left in a review file; :mod:`kg.link.propose` writes what the graph
knows back out in forms Wikidata and ORCID can import.
"""

from __future__ import annotations

from .curated import Link, Links, load_links

__all__ = ["Link", "Links", "load_links"]
