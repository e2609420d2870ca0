"""The DataCite reader: golden files (the REST API's shape and commonmeta's DataCite JSON),
detection beside the other JSON formats, and records joining other sources' records."""

from __future__ import annotations

import json

import pytest

from kg.manifest import Manifest, SourceSpec
from kg.pipeline import resolve_manifest
from kg.records import Kind
from kg.sources import datacite, detect, get, read

from .conftest import TESTDATA
from .test_bibtex import assert_golden

DATA = TESTDATA / "datacite"


@pytest.mark.parametrize("name", ["dois", "datacite"])
def test_golden(name: str) -> None:
    records, report = read(DATA / f"{name}.json")
    assert report.format == "datacite"
    assert_golden(records, report, DATA / f"{name}.expected.json")


def test_a_record_keeps_its_json_as_raw_text() -> None:
    records, _ = read(DATA / "dois.json")
    raw = json.loads(records[0].raw)
    assert raw["type"] == "dois" and raw["attributes"]["doi"] == records[0].key


BARE = {"doi": "10.5281/zenodo.1", "creators": [{"name": "Doe, Jane"}], "titles": [{"title": "T"}],
        "publisher": "Zenodo", "publicationYear": "2020", "types": {"resourceTypeGeneral": "Dataset"}}


@pytest.mark.parametrize(("doc", "expected"), [
    ({"data": {"id": "10.5281/zenodo.1", "type": "dois", "attributes": BARE}}, 0.95),
    ({"data": [{"id": "10.5281/zenodo.1", "type": "dois", "attributes": BARE}], "meta": {}}, 0.95),
    (BARE, 0.95),
    ([BARE, BARE], 0.95),
    ({"data": [{"id": "x", "type": "works"}]}, 0.0),  # some other API's 'data'
    ([{"id": "x", "type": "dataset", "title": "T", "author": [{"family": "Doe"}]}], 0.0),  # CSL-JSON
    ({"titles": [{"title": "T"}]}, 0.0),  # titles alone: no creators
])
def test_detection_scores(doc, expected: float) -> None:
    assert datacite.detect(json.dumps(doc)) == expected


def test_the_other_json_formats_are_not_taken_for_datacite() -> None:
    for path in [TESTDATA / "csljson" / "items.csl.json", TESTDATA / "orcid" / "record.orcid.json"]:
        assert detect(path.read_text(encoding="utf-8"), path.name).name != "datacite"
    assert detect(json.dumps(BARE), "zenodo.json").name == "datacite"
    assert get("zenodo") is get("datacite")


def test_the_api_item_id_stands_for_a_missing_doi(tmp_path) -> None:
    attributes = {k: v for k, v in BARE.items() if k != "doi"}
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"data": {"id": "10.5281/ZENODO.7", "type": "dois",
                                         "attributes": attributes}}), encoding="utf-8")
    (record,), _report = read(path)
    assert record.key == "10.5281/zenodo.7" and record.ids("doi") == ["10.5281/zenodo.7"]
    assert record.kind == Kind.DATASET and record.venue and record.venue.name == "Zenodo"
    assert record.authors[0].family == "Doe" and record.authors[0].given == "Jane"


def test_invalid_json_and_documents_without_records_are_errors(tmp_path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"data": [\n  {"type": "dois",\n', encoding="utf-8")
    records, report = read(bad, format="datacite")
    assert records == [] and report.errors[0].line == 3
    empty = tmp_path / "empty.json"
    empty.write_text('{"data": []}', encoding="utf-8")
    records, report = read(empty, format="datacite")
    assert records == [] and "no DataCite records" in report.errors[0].message


def test_records_join_other_sources_and_a_deposit_stays_beside_its_paper(tmp_path) -> None:
    bib = tmp_path / "lab.bib"
    bib.write_text(
        "@article{roe23, title = {Sparse Training Curves}, author = {Roe, Richard}, year = 2023,\n"
        "  journal = {J. Mach. Learn. Res.}, doi = {10.5555/KG-PAPER.1}}\n"
        "@software{curves, title = {sparse-curves: Training Curves of Pruned Models},\n"
        "  author = {Roe, Richard and D{\\'i}az, Carla}, publisher = {Zenodo}, year = 2023}\n"
        "@dataset{measure, title = {Sparse Training Curves}, author = {Roe, Richard}, year = 2022,\n"
        "  publisher = {Dryad}}\n", encoding="utf-8")
    res = resolve_manifest(Manifest(path=None, sources=(
        SourceSpec(id="datacite", path=DATA / "dois.json", format="datacite"),
        SourceSpec(id="bib", path=bib, format="bibtex"))))
    work_of = {uid: w for w in res.works for uid in w.records}
    # The article by its DOI, the program by its title (both are software).
    assert work_of["bib#roe23"] is work_of["datacite#10.5555/kg-paper.1"]
    assert work_of["bib#curves"] is work_of["datacite#10.5281/zenodo.9990001"]
    # The data set titled as the paper is a work of its own; the program says it supplements the
    # paper (IsSupplementTo its DOI).
    assert work_of["bib#measure"] is not work_of["bib#roe23"]
    assert work_of["bib#curves"].supplement_of == (work_of["bib#roe23"].path,)
    roe = {p.path for p in res.persons if p.family == "Roe"}
    assert len(roe) == 1
    journal = next(s for s in res.series if "1532-4435" in s.issns)
    assert "J. Mach. Learn. Res." in journal.names
