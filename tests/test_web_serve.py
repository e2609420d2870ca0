"""The web app on graphs built here: text from sources that tries to break out of the page, a rebuild
picked up by a running server, and `kg serve` building its store on first start."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import extruct
import pytest
import requests

from kg.build import build
from kg.manifest import from_files

from .conftest import ROOT, LiveServer

BASE = "http://pubs.example/"
EVIL = """</script><script>alert(1)</script> and "Quoted" & 'Apostrophes' <b>bold</b>"""
TINY = """@inproceedings{evil2023,
  author = {O'Brien, Anna and M{\\"u}ller, Bert and Chen, Li},
  title = {TITLE},
  booktitle = {Proceedings of the Fortieth International Conference on Machine Learning},
  year = {2023},
  eprint = {2301.01234},
  archivePrefix = {arXiv},
}
""".replace("TITLE", EVIL)
PLAIN = """@article{plain2021,
  author = {Chen, Li and O'Brien, Anna},
  title = {A Plain Title},
  journal = {Journal of Testing},
  volume = {3},
  pages = {10--20},
  year = {2021},
  doi = {10.1234/jt.2021.3},
}
"""


def _build(tmp_path: Path, text: str, store: Path) -> None:
    bib = tmp_path / "works.bib"
    bib.write_text(text, encoding="utf-8")
    build(from_files([bib], format="bibtex"), store=store, base=BASE)


@pytest.fixture()
def tiny(tmp_path):
    from kg.web import close_app, create_app

    store = tmp_path / "store"
    _build(tmp_path, TINY, store)
    application = create_app({"store": str(store), "SPARQL_WORKERS": 1})
    server = LiveServer(application)
    yield server.url, store, tmp_path
    server.close()
    close_app(application)


def _work_path(url: str, title: str) -> str:
    resp = requests.get(f"{url}/sparql", timeout=30, params={
        "query": "SELECT ?w WHERE { ?w a <http://purl.org/spar/fabio/Work> ; "
                 "<http://schema.org/name> ?t }"})
    rows = resp.json()["results"]["bindings"]
    paths = [r["w"]["value"][len(BASE):] for r in rows]
    titles = requests.get(f"{url}/{paths[0]}?format=jsonld", timeout=30).json()["name"]
    assert titles == title or len(paths) > 1
    for p in paths:
        if requests.get(f"{url}/{p}?format=jsonld", timeout=30).json()["name"] == title:
            return p
    raise AssertionError(f"no work titled {title!r}")


def test_title_with_script_and_quotes_round_trips_safely(tiny):
    url, _, _ = tiny
    path = _work_path(url, EVIL)
    html = requests.get(f"{url}/{path}", headers={"Accept": "text/html"}, timeout=30).text
    # Nothing from the title closes or opens an element.
    assert "</script><script>alert(1)" not in html
    assert "<b>bold</b>" not in html
    assert html.count("<script") == html.count("</script>")
    data = extruct.extract(html, base_url=BASE + path, syntaxes=["json-ld"])
    (doc,) = data["json-ld"]
    assert doc["name"] == EVIL
    assert [a["name"] for a in doc["author"]] == ["Anna O'Brien", "Bert Müller", "Li Chen"]
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    assert tree.xpath("//meta[@name='citation_title']/@content") == [EVIL]
    assert tree.xpath("//h1/text()") == [EVIL]
    assert not tree.xpath("//b")
    # The embed snippet is as safe, in both forms.
    fragment = requests.get(f"{url}/{path}/embed", timeout=30).text
    assert "</script><script>alert(1)" not in fragment
    parts = requests.get(f"{url}/{path}/embed?format=json", timeout=30).json()
    assert "</script><script>" not in parts["script"]
    embedded = json.loads(parts["script"].split(">", 1)[1].rsplit("</script>", 1)[0])
    assert embedded["name"] == EVIL


def test_a_rebuild_is_served_without_restart(tiny):
    url, store, tmp_path = tiny
    before = requests.get(f"{url}/void", timeout=30)
    assert requests.get(f"{url}/work/a-plain-title", timeout=30).status_code == 404
    _build(tmp_path, TINY + PLAIN, store)
    resp = requests.get(f"{url}/work/a-plain-title?format=jsonld", timeout=30)
    assert resp.status_code == 200 and resp.json()["name"] == "A Plain Title"
    after = requests.get(f"{url}/void", timeout=30)
    assert after.headers["ETag"] != before.headers["ETag"]
    # SPARQL workers follow the switch too.
    count = requests.get(f"{url}/sparql", timeout=30, params={
        "query": "SELECT (COUNT(?w) AS ?n) WHERE { ?w a <http://purl.org/spar/fabio/Work> }"})
    assert count.json()["results"]["bindings"][0]["n"]["value"] == "2"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("rebuild", [False, True], ids=["first-run", "rebuild"])
def test_kg_serve_builds_the_store_first_and_serves(tmp_path, rebuild):
    port = _free_port()
    store = tmp_path / "store"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KG_")}
    before = None
    if rebuild:
        from kg.build import build
        from kg.manifest import load

        build(load(ROOT / "data" / "sources.toml"), store=store, base="http://localhost:8080/")
        before = os.readlink(store)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", str(port), "--store", str(store),
         "--base", "http://localhost:8080/"] + (["--rebuild"] if rebuild else []),
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                resp = requests.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except requests.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(proc.stdout.read().decode() if proc.stdout else "")
                time.sleep(0.2)
        assert resp.status_code == 200 and "Publications graph" in resp.text
        assert store.is_symlink()
        if rebuild:
            assert os.readlink(store) != before  # a new build was switched in before serving
        work = requests.get(f"http://127.0.0.1:{port}/work/sparse-model-soups",
                            headers={"Accept": "application/ld+json"}, timeout=30)
        assert work.json()["@id"] == "http://localhost:8080/work/sparse-model-soups"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
