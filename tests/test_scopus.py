"""The Scopus CSV reader: a golden file, detection, and Scopus author IDs as person identifiers."""

from __future__ import annotations

import pytest

from kg.manifest import Manifest, SourceSpec
from kg.pipeline import resolve_manifest
from kg.sources import detect, get, read, scopus

from .conftest import TESTDATA
from .test_bibtex import assert_golden

DATA = TESTDATA / "scopus"


def test_scopus_shapes_and_broken_rows_read_as_the_golden_file_says() -> None:
    records, report = read(DATA / "scopus.csv")
    assert report.format == "scopus-csv"
    assert_golden(records, report, DATA / "scopus.expected.json")
    first = records[0]
    assert (first.line, first.end_line) == (2, 3) and first.raw.count("\n") == 1


@pytest.mark.parametrize(("text", "expected"), [
    ('"Authors","Author full names","Title","Year","Source title","EID"\n', 0.95),
    ("\ufeffAuthors,Title,Year,Source title,Link\n", 0.95),
    ("name,title,year\n", 0.0),
    ("Authors;Title;Year;Source title;EID\n", 0.0),
    ("@article{k, title={Authors,Title,Year,Source title,EID}}", 0.0),
])
def test_detection_scores(text: str, expected: float) -> None:
    assert scopus.detect(text) == expected


def test_detected_and_registered() -> None:
    assert detect((DATA / "scopus.csv").read_text(encoding="utf-8-sig"), "export.csv").name == "scopus-csv"
    assert get("scopus") is get("scopus-csv")


def test_a_csv_without_a_title_column_reads_nothing_and_says_why(tmp_path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("Authors,Year,Source title,EID\nDoe J.,2020,X,2-s2.0-1\n", encoding="utf-8")
    records, report = read(path, format="scopus-csv")
    assert records == [] and [(i.line, i.message) for i in report.errors] == [
        (1, "the header has no column 'Title'; nothing read")]


def test_a_scopus_author_id_is_one_person_across_rows_and_with_their_orcid_elsewhere(tmp_path) -> None:
    bib = tmp_path / "doe.bib"
    bib.write_text("@article{doe, title = {Journal Names in Full and in Short}, author = {Doe, Jane and "
                   "Roe, Richard A.}, journal = {J. Mach. Learn. Res.}, year = 2021, "
                   "doi = {10.5555/kg-scopus.1}}\n", encoding="utf-8")
    res = resolve_manifest(Manifest(path=None, sources=(
        SourceSpec(id="scopus", path=DATA / "scopus.csv", format="scopus-csv"),
        SourceSpec(id="bib", path=bib, format="bibtex"))))
    does = [p for p in res.persons if p.family == "Doe"]
    assert len(does) == 1 and does[0].identifiers == {"scopus": ["57000000001"]}
    assert len(does[0].works) == 4  # the four Scopus rows that name her; the BibTeX paper is the first
    work = next(w for w in res.works if "bib#doe" in w.records)
    assert "scopus#2-s2.0-85000000001" in work.records


def test_a_year_of_superscript_digits_is_no_year(tmp_path) -> None:
    path = tmp_path / "scopus.csv"
    path.write_text('"Authors","Title","Year","Source title","EID"\n"Doe J.","A Title","²019","X",'
                    '"2-s2.0-1"\n', encoding="utf-8")
    (record,), report = read(path)
    assert record.date is None
    assert [i.message for i in report.warnings] == ["row 2-s2.0-1: Year '²019' is not a year"]
