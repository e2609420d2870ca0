"""Data sets and programs: their own kinds from every format that names them, works of their own
beside the papers that describe them, typed as schema.org and FaBiO type them, checked by the
shapes, and written back in each export format's own type."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from kg.build import build
from kg.graph import store as store_mod
from kg.graph.check import check_store
from kg.graph.export import export
from kg.manifest import Manifest, SourceSpec, from_files
from kg.pipeline import resolve_manifest
from kg.records import Kind
from kg.sources import read

BASE = "http://kg.test/"
TITLE = "Sparse Training Curves of Pruned Language Models"

BIB = f"""
@article{{paper, title = {{{TITLE}}}, author = {{Roe, Richard and Diaz, Carla}},
  journal = {{Journal of Examples}}, year = 2023, doi = {{10.5555/kg-paper.1}}}}
@dataset{{data, title = {{{TITLE}}}, author = {{Roe, Richard and Diaz, Carla}},
  publisher = {{Zenodo}}, year = 2023, version = {{1.0}}}}
@software{{code, title = {{{TITLE}}}, author = {{Roe, Richard and Diaz, Carla}},
  publisher = {{Zenodo}}, year = 2023}}
@misc{{again, title = {{{TITLE}}}, author = {{Roe, Richard and Diaz, Carla}}, year = 2023}}
"""
CSL = [{"id": "d", "type": "dataset", "title": TITLE, "publisher": "Zenodo",
        "author": [{"family": "Roe", "given": "Richard"}, {"family": "Diaz", "given": "Carla"}],
        "issued": {"date-parts": [[2023, 6]]}}]
RIS = f"""TY  - COMP
TI  - {TITLE}
AU  - Roe, Richard
AU  - Diaz, Carla
PY  - 2023
PB  - Zenodo
ET  - 2.0
ER  - 
"""


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> list[Path]:
    d = tmp_path_factory.mktemp("artefacts")
    (d / "lab.bib").write_text(BIB, encoding="utf-8")
    (d / "zotero.json").write_text(json.dumps(CSL), encoding="utf-8")
    (d / "endnote.ris").write_text(RIS, encoding="utf-8")
    return [d / "lab.bib", d / "zotero.json", d / "endnote.ris"]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("store") / "store"


@pytest.fixture(scope="module")
def built(sources, store_path):
    result = build(from_files(sources), store=store_path, base=BASE)
    return result, store_mod.open_store(store_path)


@pytest.mark.parametrize(("name", "text", "kind"), [
    ("a.bib", "@dataset{d, title = {T}, publisher = {Zenodo}}", Kind.DATASET),
    ("a.bib", "@software{s, title = {T}}", Kind.SOFTWARE),
    ("a.bib", "@softwareversion{s, title = {T}}", Kind.SOFTWARE),
    ("a.json", json.dumps([{"id": "x", "type": "software", "title": "T"}]), Kind.SOFTWARE),
    ("a.ris", "TY  - DATA\nTI  - T\nER  - \n", Kind.DATASET),
    ("a.json", json.dumps({"type": "data-set", "title": {"title": {"value": "T"}}, "put-code": 1}),
     Kind.DATASET),
    ("a.nbib", "PMID- 1\nTI  - T\nPT  - Dataset\nJT  - Scientific data\n", Kind.DATASET),
])
def test_each_format_that_names_data_or_programs_gives_their_kind(tmp_path, name, text, kind) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (record,), _report = read(path)
    assert record.kind == kind


def test_the_repository_is_where_a_data_set_appeared(tmp_path) -> None:
    path = tmp_path / "a.bib"
    path.write_text("@dataset{d, title = {T}, publisher = {Zenodo}, year = 2020}", encoding="utf-8")
    (record,), _ = read(path)
    assert record.venue is not None and record.venue.name == "Zenodo"


def test_a_data_set_and_a_program_are_works_of_their_own_beside_the_paper(built) -> None:
    result, _store = built
    works = {w.path: w for w in result.resolution.works}
    by_kind = {frozenset(v.kind for v in w.versions) - {Kind.OTHER}: w for w in works.values()}
    assert set(by_kind) == {frozenset({Kind.JOURNAL}), frozenset({Kind.DATASET}),
                            frozenset({Kind.SOFTWARE})}, sorted(works)
    paper = by_kind[frozenset({Kind.JOURNAL})]
    data = by_kind[frozenset({Kind.DATASET})]
    code = by_kind[frozenset({Kind.SOFTWARE})]
    # The @misc says neither data nor program: it joins one of the works that share its title
    # (not a fourth work), as a record of unknown kind does.
    assert sorted(len(w.records) for w in (paper, data, code)) == [1, 2, 3]
    assert "zotero#d" in data.records and "lab#data" in data.records
    assert any(r.startswith("endnote#") for r in code.records) and "lab#code" in code.records
    assert "lab#paper" in paper.records and "lab#data" not in paper.records
    # One person each, across the three works.
    assert len({a.person for w in (paper, data, code) for a in w.authors}) == 2


def _types(store, path: str) -> set[str]:
    rows = store.query(f"SELECT ?t WHERE {{ <{BASE}{path}> a ?t }}")
    return {row["t"].value.rsplit("/", 1)[-1] for row in rows}


def test_works_and_versions_take_schema_org_and_fabio_types(built) -> None:
    result, store = built
    for w in result.resolution.works:
        kinds = {v.kind for v in w.versions} - {Kind.OTHER}
        types = _types(store, w.path)
        if kinds == {Kind.DATASET}:
            assert {"Work", "Dataset"} <= types and "ScholarlyArticle" not in types
        elif kinds == {Kind.SOFTWARE}:
            assert {"Work", "Software", "SoftwareSourceCode"} <= types
            assert "ScholarlyArticle" not in types
        else:
            assert {"Work", "ScholarlyArticle"} <= types and not {"Dataset", "Software"} & types
        for v in w.versions:
            vt = _types(store, v.path)
            expected = {Kind.DATASET: {"DataFile", "Dataset"},
                        Kind.SOFTWARE: {"ComputerProgram", "SoftwareSourceCode"},
                        Kind.OTHER: {"Expression", "ScholarlyArticle"}}.get(
                v.kind, {"JournalArticle", "ScholarlyArticle"})
            assert expected <= vt, (v.path, vt)


def test_the_graph_passes_the_shapes(built) -> None:
    _result, store = built
    report = check_store(store)
    assert report.ok, [(v.focus, v.message) for v in report.violations[:5]]


def test_exports_write_each_formats_own_types_and_read_back(built, tmp_path) -> None:
    _result, store = built

    def text(fmt: str) -> str:
        out = io.BytesIO()
        export(store, out, format=fmt)
        return out.getvalue().decode("utf-8")

    bib = text("bibtex")
    assert bib.count("@dataset{") == 1 and bib.count("@software{") == 1 and bib.count("@article{") == 1
    path = tmp_path / "again.bib"
    path.write_text(bib, encoding="utf-8")
    records, _ = read(path)
    assert sorted(r.kind.value for r in records) == ["dataset", "journal", "software"]
    assert {r.venue.name for r in records if r.kind != Kind.JOURNAL and r.venue} == {"Zenodo"}
    items = json.loads(text("csljson"))
    by_type = {i["type"]: i for i in items}
    assert set(by_type) == {"article-journal", "dataset", "software"}
    assert by_type["dataset"]["publisher"] == "Zenodo" and "container-title" not in by_type["dataset"]
    ris = text("ris")
    assert "TY  - DATA" in ris and "TY  - COMP" in ris and "PB  - Zenodo" in ris
    # The program's release (RIS's ET) is written back in each format's own field.
    assert "ET  - 2.0" in ris and by_type["software"]["version"] == "2.0"
    assert next(r for r in records if r.kind == Kind.SOFTWARE).release == "2.0"


@pytest.mark.parametrize(("kind", "tag"), [
    ("dataset", "citation_publisher"), ("software", "citation_publisher"),
    ("conference", "citation_conference_title"), ("chapter", "citation_inbook_title"),
    ("thesis", "citation_dissertation_institution"),
    ("report", "citation_technical_report_institution"), ("journal", "citation_journal_title"),
])
def test_a_page_names_where_a_version_appeared_in_the_highwire_tag_for_its_kind(kind, tag) -> None:
    from kg.web.entities import citation_meta

    venue = {"@id": "v/1", "name": "Zenodo", "isPartOf": [{"@id": "v", "name": "Zenodo"}]}
    root = {"name": TITLE, "workExample": [{"@id": "w/1", "kg:versionKind": kind, "isPartOf": [venue]}]}
    tags = dict(citation_meta(root))
    assert tags[tag] == "Zenodo"
    others = {"citation_publisher", "citation_conference_title", "citation_inbook_title",
              "citation_dissertation_institution", "citation_technical_report_institution",
              "citation_journal_title"} - {tag}
    assert not others & set(tags)


def test_a_data_set_page_embeds_schema_org_dataset_json_ld(built, store_path) -> None:
    import re

    from kg.web.app import create_app

    result, _store = built
    data = next(w for w in result.resolution.works if {v.kind for v in w.versions} == {Kind.DATASET})
    app = create_app({"store": str(store_path), "base": BASE, "TESTING": True})
    html = app.test_client().get(f"/{data.path}", headers={"Accept": "text/html"}).get_data(as_text=True)
    (script,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    doc = json.loads(script)
    assert "Dataset" in doc["@type"] and "ScholarlyArticle" not in doc["@type"]
    assert '<meta name="citation_publisher" content="Zenodo">' in html


def test_the_repository_that_holds_them_is_their_venue_as_arxiv_is_a_preprints(built) -> None:
    _result, store = built
    rows = list(store.query(
        "SELECT DISTINCT ?kind ?venue WHERE { ?v <https://w3id.org/kg/ns#versionKind> ?kind ; "
        "<http://schema.org/isPartOf> ?venue }"))
    by_kind = {r["kind"].value: r["venue"].value for r in rows}
    assert by_kind["dataset"] == by_kind["software"] == f"{BASE}venue/zenodo"
    assert _types(store, "venue/zenodo") == {"Repository", "CreativeWorkSeries"}
    # A repository stands as its own edition: no yearly 'proceedings' of Zenodo.
    editions = store.query(f"ASK {{ ?e a ?t ; <http://schema.org/isPartOf> <{BASE}venue/zenodo> . "
                           "FILTER(?t IN (<http://purl.org/spar/fabio/AcademicProceedings>, "
                           "<http://purl.org/spar/fabio/ConferenceProceedings>)) }")
    assert not bool(editions)


def _release(n: int, version: str) -> dict:
    return {"id": f"10.5281/zenodo.99901{n}", "type": "dois", "attributes": {
        "doi": f"10.5281/zenodo.99901{n}", "titles": [{"title": f"example/curves: {version}"}],
        "creators": [{"name": "Roe, Richard", "nameType": "Personal"}], "publisher": "Zenodo",
        "publicationYear": f"202{n}", "types": {"resourceTypeGeneral": "Software"}, "version": version,
        "relatedIdentifiers": [{"relationType": "IsVersionOf", "relatedIdentifierType": "DOI",
                                "relatedIdentifier": "10.5281/zenodo.999100"}]}}


def test_a_programs_releases_are_versions_of_one_work(tmp_path) -> None:
    # Zenodo mints a DOI per release, each naming the concept DOI it is a version of; titles
    # carry the release. A BibTeX entry citing the concept DOI, and one naming a release by its
    # label, join the same work.
    datacite = tmp_path / "zenodo.json"
    datacite.write_text(json.dumps({"data": [_release(1, "v1.0.0"), _release(2, "v1.1.0")]}),
                        encoding="utf-8")
    bib = tmp_path / "lab.bib"
    bib.write_text("@software{curves, title = {Curves}, author = {Roe, Richard}, year = 2022,\n"
                   "  publisher = {Zenodo}, doi = {10.5281/zenodo.999100}}\n"
                   "@software{curves11, title = {example/curves: v1.1.0}, author = {Roe, Richard},\n"
                   "  year = 2022, publisher = {Zenodo}, version = {v1.1.0}}\n", encoding="utf-8")
    path = tmp_path / "store"
    result = build(from_files([datacite, bib]), store=path, base=BASE)
    (work,) = result.resolution.works
    releases = {v.release: v for v in work.versions}
    assert set(releases) == {"v1.0.0", "v1.1.0", None}
    assert sorted(releases["v1.1.0"].records) == ["lab#curves11", "zenodo#10.5281/zenodo.999012"]
    assert releases[None].records == ["lab#curves"]  # the concept: the work, no release of it
    assert {v.path.rsplit("/", 1)[1] for v in work.versions} == {
        "zenodo-v1-0-0", "zenodo-v1-1-0", "zenodo"}
    store = store_mod.open_store(path)
    rows = store.query(f"SELECT ?r WHERE {{ <{BASE}{releases['v1.0.0'].path}> "
                       "<http://schema.org/version> ?r }")
    assert [r["r"].value for r in rows] == ["v1.0.0"]
    assert check_store(store).ok


def test_a_persons_page_marks_the_data_sets_and_programs_among_the_works(built, store_path) -> None:
    from lxml import html as lxml_html

    from kg.web.app import create_app

    result, _store = built
    roe = next(p for p in result.resolution.persons if p.family == "Roe")
    app = create_app({"store": str(store_path), "base": BASE, "TESTING": True})
    page = app.test_client().get(f"/{roe.path}", headers={"Accept": "text/html"}).get_data(as_text=True)
    items = lxml_html.fromstring(page).xpath("//section[@class='works']//li")
    labels = sorted(item.xpath("string(span[@class='kind'])") for item in items)
    assert labels == ["", "data set", "software"]


def test_the_outputs_query_counts_papers_data_sets_and_programs_apart(built) -> None:
    from kg import queries

    _result, store = built
    rows = queries.run(store, "person-outputs-by-type", {"person": "Richard Roe"}, base=BASE).rows
    assert sorted((r["type"].value, int(r["year"].value), int(r["works"].value)) for r in rows) == [
        ("dataset", 2023, 1), ("paper", 2023, 1), ("software", 2023, 1)]


def test_a_deposit_names_the_paper_it_supplements_and_the_paper_lists_it(tmp_path) -> None:
    # DataCite's IsSupplementTo (the code deposited for a paper) and IsSupplementedBy (a paper
    # naming its data): works linked by frbr:supplementOf and frbr:supplement, both ways.
    from kg.web.app import create_app

    def deposit(doi: str, title: str, general: str, relation: str, other: str) -> dict:
        return {"id": doi, "type": "dois", "attributes": {
            "doi": doi, "titles": [{"title": title}], "creators": [{"name": "Roe, Richard"}],
            "publisher": "Zenodo", "publicationYear": "2023", "types": {"resourceTypeGeneral": general},
            "relatedIdentifiers": [{"relationType": relation, "relatedIdentifierType": "DOI",
                                    "relatedIdentifier": other}]}}

    datacite = tmp_path / "zenodo.json"
    datacite.write_text(json.dumps({"data": [
        deposit("10.5281/zenodo.777", "curves-code", "Software", "IsSupplementTo", "10.5555/kg-paper.7"),
        deposit("10.5555/kg-paper.8", "Another Paper", "JournalArticle", "IsSupplementedBy",
                "10.5281/zenodo.778"),
        deposit("10.5281/zenodo.778", "Curves Data", "Dataset", "References", "10.5555/x"),
    ]}), encoding="utf-8")
    bib = tmp_path / "lab.bib"
    bib.write_text("@article{p7, title = {Sparse Training Curves}, author = {Roe, Richard},\n"
                   "  journal = {Journal of Examples}, year = 2023, doi = {10.5555/KG-PAPER.7}}\n",
                   encoding="utf-8")
    path = tmp_path / "store"
    res = build(from_files([datacite, bib]), store=path, base=BASE).resolution
    work_of = {uid: w for w in res.works for uid in w.records}
    code, paper = work_of["zenodo#10.5281/zenodo.777"], work_of["lab#p7"]
    data, other = work_of["zenodo#10.5281/zenodo.778"], work_of["zenodo#10.5555/kg-paper.8"]
    assert code.supplement_of == (paper.path,) and data.supplement_of == (other.path,)
    assert paper.supplement_of == () and other.supplement_of == ()
    store = store_mod.open_store(path)
    assert bool(store.query(f"ASK {{ <{BASE}{paper.path}> <http://purl.org/vocab/frbr/core#supplement> "
                            f"<{BASE}{code.path}> . <{BASE}{code.path}> "
                            f"<http://purl.org/vocab/frbr/core#supplementOf> <{BASE}{paper.path}> }}"))
    assert check_store(store).ok
    app = create_app({"store": str(path), "base": BASE, "TESTING": True})
    page = app.test_client().get(f"/{paper.path}", headers={"Accept": "text/html"}).get_data(as_text=True)
    section = page[page.index('<section class="supplements">'):]
    assert "Supplemented by" in section and "curves-code" in section and "software" in section


def test_crossref_relations_link_a_paper_to_its_data_and_a_preprint_to_its_article(tmp_path) -> None:
    # Crossref's own record of an eLife article says it is supplemented by a Dryad data set
    # (the corpus's sample); a bioRxiv preprint's record says it is the preprint of an article
    # printed under another title.
    from .conftest import TESTDATA

    dryad = tmp_path / "dryad.json"
    dryad.write_text(json.dumps({"doi": "10.5061/dryad.b835k", "titles": [{"title": "Data from: the article"}],
                                 "creators": [{"name": "Sankaran, Sheela"}], "publisher": "Dryad",
                                 "publicationYear": "2014", "types": {"resourceTypeGeneral": "Dataset"}}),
                     encoding="utf-8")
    preprint = tmp_path / "biorxiv.json"
    preprint.write_text(json.dumps([
        {"id": "p", "type": "posted-content", "subtype": "preprint", "DOI": "10.1101/2020.01.01.000001",
         "title": "Curves of pruned models", "author": [{"family": "Roe", "given": "Richard"}],
         "issued": {"date-parts": [[2020]]}, "institution": [{"name": "bioRxiv"}],
         "relation": {"is-preprint-of": [{"id-type": "doi", "id": "10.5555/KG-ARTICLE.1",
                                          "asserted-by": "subject"}]}},
        {"id": "a", "type": "journal-article", "DOI": "10.5555/kg-article.1",
         "title": "Pruned models learn curves", "author": [{"family": "Roe", "given": "Richard"}],
         "issued": {"date-parts": [[2021]]}, "container-title": "Journal of Examples"}]),
        encoding="utf-8")
    res = resolve_manifest(Manifest(path=None, sources=(
        SourceSpec(id="crossref", path=TESTDATA / "csljson" / "crossref-elife.json"),
        SourceSpec(id="dryad", path=dryad), SourceSpec(id="biorxiv", path=preprint))))
    work_of = {uid: w for w in res.works for uid in w.records}
    paper, data = work_of["crossref#10.7554/elife.01567"], work_of["dryad#10.5061/dryad.b835k"]
    assert data.supplement_of == (paper.path,)
    assert work_of["biorxiv#p"] is work_of["biorxiv#a"]
    assert sorted(v.kind.value for v in work_of["biorxiv#a"].versions) == ["journal", "preprint"]


def test_a_repositorys_page_says_it_has_no_editions_rather_than_listing_none(built, store_path) -> None:
    from kg.web.app import create_app

    app = create_app({"store": str(store_path), "base": BASE, "TESTING": True})
    page = app.test_client().get("/venue/zenodo", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "A repository: its works are part of it directly" in page
    assert '<section class="editions">' not in page and TITLE in page
