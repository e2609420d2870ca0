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
    ("\ufeffPT\tAU\tAF\tTI\tSO\tPY\tUT\t\nJ\tDoe, J\tDoe, Jane\tT\tS\t2020\tWOS:1\t\n", 0.95),
    ("PT\tAU\tTI\tSO\nJ\tDoe\tT\tS\n", 0.0),  # tags, but no accession number: not known as WoS's
    ("PT\tAuthors\tTI\tUT\n", 0.0),
])
def test_detection_scores(text: str, expected: float) -> None:
    assert wos.detect(text) == expected


def _comparable(record) -> dict:
    """A record's fields apart from where it stands in its document and how the document printed it."""
    return record.model_dump(exclude={"source", "line", "end_line", "raw"})


def test_the_tab_delimited_export_of_the_same_search_gives_the_same_records() -> None:
    # savedrecs-tab.txt is savedrecs.txt as the tab-delimited export (Win, UTF-8) writes it: a BOM,
    # CRLF, the export's 71 columns, "; " between authors; plus a row with a value past the last
    # column. The one broken input the rows cannot hold, a stray line between records, is not in it.
    plain, plain_report = read(DATA / "savedrecs.txt")
    tabbed, report = read(DATA / "savedrecs-tab.txt")
    assert report.format == "wos"
    assert [r.key for r in tabbed] == [r.key for r in plain] + ["WOS:000900000000005"]
    for a, b in zip(plain, tabbed):
        assert _comparable(a) == _comparable(b), a.key
    assert tabbed[0].raw.startswith("J\tDoe, J; Roe, RA\t") and tabbed[0].line == 2
    assert (report.records, report.set_aside) == (5, 1)
    messages = sorted(i.message for i in report.issues)
    stray = "text outside a record (not between PT and ER); skipped"
    past = ("row has 73 values for 71 columns; the values past the last column are ignored: "
            "'past the last column'")
    assert messages == sorted([m.message for m in plain_report.issues if m.message != stray] + [past])
    assert {i.line for i in report.issues} == {2, 4, 6, 8}


def test_a_tab_delimited_export_saved_as_utf16_reads_as_well(tmp_path) -> None:
    path = tmp_path / "savedrecs.txt"
    text = (DATA / "savedrecs-tab.txt").read_text(encoding="utf-8-sig")
    path.write_bytes(text.encode("utf-16"))  # 'Tab-delimited (Win)': UTF-16 with its BOM
    records, report = read(path)
    assert report.format == "wos"
    assert [_comparable(r) for r in records] == [_comparable(r) for r in read(DATA / "savedrecs-tab.txt")[0]]


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
