"""The Web of Science reader: a golden file, detection, and a record joining another source's."""

from __future__ import annotations

import pytest

from kg.manifest import Manifest, SourceSpec
from kg.pipeline import resolve_manifest
from kg.sources import detect, get, read, wos

from .conftest import TESTDATA
from .test_bibtex import assert_golden

DATA = TESTDATA / "wos"


def test_web_of_science_shapes_and_broken_input_read_as_the_golden_file_says() -> None:
    records, report = read(DATA / "savedrecs.txt")
    assert report.format == "wos"
    assert_golden(records, report, DATA / "savedrecs.expected.json")
    assert records[0].raw.startswith("PT J\nAU Doe, J") and records[0].raw.endswith("\nER")


@pytest.mark.parametrize(("text", "expected"), [
    ("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\n", 0.95),
    ("\ufeffFN Thomson Reuters Web of Science\nVR 1.0\n", 0.95),
    ("PT J\nAU Doe, J\nTI T\nER\n", 0.95),
    ("TY  - JOUR\nER  - \n", 0.0),
    ("PMID- 1\n", 0.0),
])
def test_detection_scores(text: str, expected: float) -> None:
    assert wos.detect(text) == expected


def test_detected_and_registered() -> None:
    assert detect((DATA / "savedrecs.txt").read_text(encoding="utf-8"), "savedrecs.txt").name == "wos"
    assert get("web-of-science") is get("wos")


def test_a_record_joins_another_sources_and_its_journal_keeps_a_name_not_in_capitals(tmp_path) -> None:
    bib = tmp_path / "doe.bib"
    bib.write_text("@article{doe, title = {Journal Names in Full and in Short, as a Citation Index Prints "
                   "Them}, author = {Doe, Jane and Roe, Richard A.}, journal = {Journal of Machine Learning "
                   "Research}, year = 2021, doi = {10.5555/kg-wos.1}}\n", encoding="utf-8")
    res = resolve_manifest(Manifest(path=None, sources=(
        SourceSpec(id="wos", path=DATA / "savedrecs.txt", format="wos"),
        SourceSpec(id="bib", path=bib, format="bibtex"))))
    work = next(w for w in res.works if "bib#doe" in w.records)
    assert "wos#WOS:000900000000001" in work.records and len(work.versions) == 1
    series = next(s for s in res.series if s.issns == ["1532-4435", "1533-7928"])
    assert series.name == "Journal of Machine Learning Research"
    assert "JOURNAL OF MACHINE LEARNING RESEARCH" in series.names
    doe = next(p for p in res.persons if p.family == "Doe")
    assert doe.identifiers.get("orcid") == ["0000-0002-1825-0097"]


def test_a_year_of_superscript_digits_is_no_year(tmp_path) -> None:
    # str.isdigit() holds for '²019', which int() refuses: found by fuzzing.
    path = tmp_path / "savedrecs.txt"
    path.write_text("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAF Roe, Richard\nTI A Title\n"
                    "SO JOURNAL OF EXAMPLES\nPY ²019\nER\n\nEF\n", encoding="utf-8")
    (record,), report = read(path)
    assert record.date is None
    assert [i.message for i in report.warnings] == ["record line-3: PY '²019' is not a year"]
