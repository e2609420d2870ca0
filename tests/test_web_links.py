"""Curated links served over HTTP: the person's JSON-LD carries sameAs, the decision IRI dereferences."""

from __future__ import annotations

import json

import requests

from kg.build import build
from kg.link import load_links
from kg.web import close_app, create_app

from .conftest import LiveServer

ORCID_TEST_ID = "0000-0002-1825-0097"  # ORCID's documented test iD
BASE = "http://kg.test/"


def test_link_decisions_and_same_as_are_served(manifest, tmp_path):
    links_file = tmp_path / "links.toml"
    links_file.write_text(f'[[person]]\nperson = "person/max-zimmer"\norcid = "{ORCID_TEST_ID}"\n'
                          'reason = "the owner\'s own record"\n', encoding="utf-8")
    build(manifest, store=tmp_path / "store", base=BASE, links=load_links(links_file))
    app = create_app({"store": str(tmp_path / "store"), "TESTING": True, "SPARQL_WORKERS": 1})
    server = LiveServer(app)
    try:
        person = requests.get(f"{server.url}/person/max-zimmer",
                              headers={"Accept": "application/ld+json"}, timeout=30)
        doc = json.loads(person.text)
        assert f"https://orcid.org/{ORCID_TEST_ID}" in json.dumps(doc)
        decision = requests.get(f"{server.url}/link/person/max-zimmer/orcid/{ORCID_TEST_ID}",
                                headers={"Accept": "text/turtle"}, timeout=30)
        assert decision.status_code == 200, decision.text[:300]
        assert "LinkDecision" in decision.text and "curated" in decision.text
    finally:
        server.close()
        close_app(app)
