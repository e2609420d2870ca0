"""The schema.org JSON-LD reader: golden files (a JSON-LD document, an @graph, a repository's
record page), detection, kg's own pages read back, and records joining other sources'."""

from __future__ import annotations

import json

import pytest

from kg.build import build
from kg.manifest import Manifest, SourceSpec, from_files
from kg.pipeline import resolve_manifest
from kg.sources import detect, get, read, schemaorg

from .conftest import DATA as SEEDS
from .conftest import TESTDATA
from .test_bibtex import assert_golden

DATA = TESTDATA / "schemaorg"


@pytest.mark.parametrize("name", ["blogposting.json", "record.html", "graph.jsonld"])
def test_golden(name: str) -> None:
    records, report = read(DATA / name)
    assert report.format == "schema-org"
    stem = name.split(".")[0]
    assert_golden(records, report, DATA / f"{stem}.expected.json")


def test_another_vocabulary_is_refused_with_its_line() -> None:
    records, report = read(DATA / "other-vocabulary.jsonld", format="schema-org")
    assert records == [] and report.errors[0].line == 1
    assert "not schema.org JSON-LD" in report.errors[0].message


ARTICLE = {"@context": "https://schema.org", "@type": "ScholarlyArticle", "name": "T"}


@pytest.mark.parametrize(("text", "expected"), [
    (json.dumps(ARTICLE), 0.95),
    (json.dumps({"@context": {"@vocab": "http://schema.org/"}, "@graph": [ARTICLE]}), 0.95),
    (json.dumps({"@context": "https://schema.org", "@type": "Person", "name": "Jane"}), 0.0),
    (json.dumps({"@context": "https://example.org/", "@type": "ScholarlyArticle"}), 0.0),
    (json.dumps([{"id": "x", "type": "article-journal", "title": "T"}]), 0.0),  # CSL-JSON
    ('<html><script type="application/ld+json">{"@context": "https://schema.org"}</script></html>', 0.9),
    ("<html><body>no data</body></html>", 0.0),
])
def test_detection_scores(text: str, expected: float) -> None:
    assert schemaorg.detect(text) == expected


def test_the_other_json_formats_are_not_taken_for_schema_org() -> None:
    for path in [TESTDATA / "csljson" / "items.csl.json", TESTDATA / "orcid" / "record.orcid.json",
                 TESTDATA / "datacite" / "dois.json", TESTDATA / "openalex" / "works.json"]:
        assert detect(path.read_text(encoding="utf-8"), path.name).name != "schema-org"
    assert get("json-ld") is get("schema-org")


def test_kgs_own_work_page_reads_back_as_the_work(tmp_path) -> None:
    from kg.web.app import create_app

    store = tmp_path / "store"
    res = build(from_files(sorted(SEEDS.glob("*.txt"))), store=store, base="http://kg.test/").resolution
    work = next(w for w in res.works if w.path == "work/sparse-model-soups")
    app = create_app({"store": str(store), "base": "http://kg.test/", "TESTING": True})
    page = tmp_path / "page.html"
    page.write_text(app.test_client().get(f"/{work.path}", headers={"Accept": "text/html"})
                    .get_data(as_text=True), encoding="utf-8")
    (record,), report = read(page)
    assert report.format == "schema-org" and record.title == work.title
    assert [a.family for a in record.authors] == ["Zimmer", "Spiegel", "Pokutta"]
    assert record.first_id("arxiv") == "2306.16788"


def test_records_join_other_sources(tmp_path) -> None:
    res = resolve_manifest(Manifest(path=None, sources=(
        SourceSpec(id="page", path=DATA / "blogposting.json"),
        SourceSpec(id="datacite", path=TESTDATA / "datacite" / "datacite.json"))))
    (work,) = res.works
    assert sorted(work.records) == ["datacite#10.5438/4k3m-nyvg", "page#10.5438/4k3m-nyvg"]
    (person,) = res.persons
    assert person.identifiers.get("orcid") == ["0000-0003-1419-2405"]


def test_markup_the_html_parser_gives_up_on_is_reported_and_the_blocks_before_it_read(tmp_path):
    # Found by fuzzing: html.parser raises AssertionError on '<![' followed by no name.
    page = tmp_path / "page.html"
    page.write_text('<html><script type="application/ld+json">{"@context": "https://schema.org", '
                    '"@type": "Dataset", "name": "Before"}</script>\n<!["broken"\n</html>',
                    encoding="utf-8")
    records, report = read(page, format="schema-org")
    assert [r.title for r in records] == ["Before"]
    assert report.errors[0].line == 2 and "HTML not understood" in report.errors[0].message


def test_kgs_json_ld_export_reads_back_as_the_same_graph(tmp_path) -> None:
    # The export is flattened: versions, works, people and venues are nodes that name one
    # another by IRI. Its versions are the records (their works' authorships give the authors,
    # in order); the works are not read again. Resolved, they are the graph they came from.
    import io

    from kg.graph import store as store_mod
    from kg.graph.export import export
    from kg.manifest import load

    store = tmp_path / "store"
    original = build(load(SEEDS / "sources.toml"), store=store, base="http://kg.test/").resolution
    out = io.BytesIO()
    export(store_mod.open_store(store), out, format="jsonld")
    dump = tmp_path / "export.jsonld"
    dump.write_bytes(out.getvalue())
    _records, report = read(dump)
    assert report.format == "schema-org" and report.set_aside == 0
    assert (report.records, report.absorbed) == (len(original.records and [
        v for w in original.works for v in w.versions]), len(original.works))
    again = resolve_manifest(Manifest(path=None, sources=(SourceSpec(id="export", path=dump),)))
    for attr in ("works", "series", "editions"):
        assert {x.path for x in getattr(again, attr)} == {x.path for x in getattr(original, attr)}, attr
    assert len(again.persons) == len(original.persons)
    assert {w.path: [a.person for a in w.authors] for w in again.works} == {
        w.path: [a.person for a in w.authors] for w in original.works}
