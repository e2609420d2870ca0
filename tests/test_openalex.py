"""The OpenAlex reader: golden files (a page of results, JSON Lines), detection beside the other
JSON formats, and works and people joining other sources' records."""

from __future__ import annotations

import json

import pytest

from kg.manifest import Manifest, SourceSpec
from kg.pipeline import resolve_manifest
from kg.sources import detect, get, openalex, read

from .conftest import TESTDATA
from .test_bibtex import assert_golden

DATA = TESTDATA / "openalex"


@pytest.mark.parametrize(("name", "expected"), [
    ("works.json", "works.expected.json"), ("works.jsonl", "works.expected-jsonl.json")])
def test_golden(name: str, expected: str) -> None:
    records, report = read(DATA / name)
    assert report.format == "openalex"
    assert_golden(records, report, DATA / expected)


WORK = {"id": "https://openalex.org/W1", "title": "T", "authorships": []}


@pytest.mark.parametrize(("text", "expected"), [
    (json.dumps(WORK), 0.95),
    (json.dumps({"meta": {}, "results": [WORK]}), 0.95),
    (json.dumps(WORK) + "\n" + json.dumps(WORK) + "\n", 0.95),
    (json.dumps({"meta": {}, "results": [{"id": "https://openalex.org/A1"}]}), 0.0),  # authors
    (json.dumps([{"id": "W1", "type": "article-journal", "title": "T"}]), 0.0),  # CSL-JSON
])
def test_detection_scores(text: str, expected: float) -> None:
    assert openalex.detect(text) == expected


def test_the_other_json_formats_are_not_taken_for_openalex() -> None:
    for path in [TESTDATA / "csljson" / "items.csl.json", TESTDATA / "orcid" / "record.orcid.json",
                 TESTDATA / "datacite" / "dois.json"]:
        assert detect(path.read_text(encoding="utf-8"), path.name).name != "openalex"
    assert get("openalex-json") is get("openalex")


def test_invalid_json_is_an_error_with_its_line(tmp_path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"results": [\n  {"id": "https://openalex.org/W1",\n', encoding="utf-8")
    records, report = read(path, format="openalex")
    assert records == [] and report.errors[0].line == 3 and report.set_aside == 1


def test_works_and_people_join_other_sources(tmp_path) -> None:
    bib = tmp_path / "lab.bib"
    bib.write_text(
        "@article{roe23, title = {Sparse Training Curves of Pruned Language Models},\n"
        "  author = {Roe, Richard and D{\\'i}az, Carla}, journal = {JMLR}, year = 2023,\n"
        "  doi = {10.5555/KG-OPENALEX.1}}\n", encoding="utf-8")
    res = resolve_manifest(Manifest(path=None, sources=(
        SourceSpec(id="openalex", path=DATA / "works.json", format="openalex"),
        SourceSpec(id="bib", path=bib, format="bibtex"))))
    work_of = {uid: w for w in res.works for uid in w.records}
    paper = work_of["bib#roe23"]
    # The article by its DOI; its preprint as another version of the same work.
    assert paper is work_of["openalex#W4399000001"] is work_of["openalex#W4399000002"]
    # One journal version: 'JMLR' and the journal's name, printed for one DOI, are one journal. (The
    # repeated work id, a data set there, is that work by OpenAlex's id: a version of its own.)
    assert sorted(v.kind.value for v in paper.versions) == ["dataset", "journal", "preprint"]
    # 'Carla Díaz', 'C. Diaz' and 'Díaz, Carla' carry one OpenAlex author id: one person, who
    # also wrote the BibTeX entry.
    diaz = [p for p in res.persons if p.family in ("Díaz", "Diaz")]
    assert len(diaz) == 1 and diaz[0].identifiers.get("openalex") == ["A5000000002"]
    journal = next(s for s in res.series if "1532-4435" in s.issns)
    assert "JMLR" in journal.names or journal.acronym == "JMLR"


def test_the_arxiv_location_of_an_article_names_its_preprint(tmp_path) -> None:
    # OpenAlex keeps a preprint and its article as one work with two locations: the article's
    # record names the preprint's arXiv id as another version, which joins the preprint another
    # source prints under its first title; the arXiv id is not the article's own.
    works = tmp_path / "works.json"
    works.write_text(json.dumps({"id": "https://openalex.org/W1", "title": "Curves of Pruned Models",
                                 "publication_year": 2023, "type": "article",
                                 "doi": "https://doi.org/10.5555/kg.9",
                                 "primary_location": {"source": {"display_name": "Journal of Examples",
                                                                 "type": "journal"}},
                                 "locations": [{"landing_page_url": "https://arxiv.org/abs/2101.00077v1"}],
                                 "authorships": [{"author": {"display_name": "Richard Roe"}}]}),
                     encoding="utf-8")
    bib = tmp_path / "arxiv.bib"
    bib.write_text("@misc{roe21, title = {Learning Curves}, author = {Roe, Richard}, year = 2021,\n"
                   "  eprint = {2101.00077}, archiveprefix = {arXiv}}\n", encoding="utf-8")
    (record,), _ = read(works)
    assert record.ids("arxiv") == [] and [(i.scheme, i.value) for i in record.other_versions] == [
        ("arxiv", "2101.00077")]
    res = resolve_manifest(Manifest(path=None, sources=(
        SourceSpec(id="openalex", path=works), SourceSpec(id="arxiv", path=bib))))
    (work,) = res.works
    assert sorted(v.kind.value for v in work.versions) == ["journal", "preprint"]
    journal = next(v for v in work.versions if v.kind.value == "journal")
    assert "arxiv" not in journal.identifiers
