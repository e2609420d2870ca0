"""The RIS reader: a golden file of exporters' shapes and broken input, detection, and the same paper
read from RIS, Crossref's JSON and BibTeX becoming one work."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.manifest import Manifest, SourceSpec
from kg.pipeline import resolve_manifest
from kg.sources import ParseError, SourceContext, detect, get, read, ris

from .conftest import CORPUS, TESTDATA
from .test_bibtex import assert_golden

DATA = TESTDATA / "ris"


def test_exporters_shapes_and_broken_input_read_as_the_golden_file_says() -> None:
    records, report = read(DATA / "exports.ris")
    assert (report.format, report.filename) == ("ris", str(DATA / "exports.ris"))
    assert_golden(records, report, DATA / "exports.expected.json")


def test_a_record_keeps_its_lines_and_raw_text() -> None:
    records, _ = read(DATA / "exports.ris")
    first = records[0]
    assert (first.line, first.end_line) == (5, 24)
    assert first.raw.startswith("TY  - JOUR\nTI  - Journal Names") and first.raw.endswith("ER  - ")


@pytest.mark.parametrize(("text", "expected"), [
    ("TY  - JOUR\nTI  - T\nER  - \n", 0.95),
    ("\ufeffTY  - BOOK\nER  - \n", 0.95),
    ("TY - CONF\nTI - T\nER - \n", 0.95),
    ("Provider: Clarivate\nDatabase: Web of Science Core Collection\n\nTY  - JOUR\nER  - \n", 0.95),
    ("Some notes\nTY  - JOUR\nER  - \n", 0.0),
    ("@article{k, title={TY  - JOUR}}", 0.0),
    ('[{"type": "article-journal", "title": "T"}]', 0.0),
])
def test_detection_scores(text: str, expected: float) -> None:
    assert ris.detect(text) == expected


def test_detected_and_registered() -> None:
    assert detect((DATA / "exports.ris").read_text(encoding="utf-8"), "x.txt").name == "ris"
    assert get("refman") is get("ris") and ".ris" in get("ris").suffixes


def test_a_document_without_entries_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.ris"
    path.write_text("just some text\n", encoding="utf-8")
    records, report = read(path, format="ris")
    assert records == []
    assert [(i.line, i.message) for i in report.errors] == [
        (1, "no RIS entries: expected lines 'TY  - JOUR' ... 'ER  - '")]
    with pytest.raises(ParseError, match="text outside an entry"):
        read(path, format="ris", ctx=SourceContext(source="s", filename=str(path), strict=True))


def test_windows_line_ends_and_latin1_are_read(tmp_path: Path) -> None:
    path = tmp_path / "endnote.ris"
    path.write_bytes("TY  - JOUR\r\nTI  - Caf\xe9 Networks\r\nAU  - M\xfcller, J\xf6rg\r\nPY  - 2020\r\n"
                     "ER  - \r\n".encode("cp1252"))
    records, report = read(path)
    assert report.format == "ris" and records[0].title == "Café Networks"
    assert records[0].authors[0].family == "Müller"
    assert [i.message for i in report.warnings] == ["not valid UTF-8 (byte 0xe9); read as Windows-1252"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the repo")
def test_one_paper_from_ris_crossref_json_and_bibtex_is_one_work() -> None:
    sources = (SourceSpec(id="ris", path=DATA / "crossref.ris", format="ris"),
               SourceSpec(id="json", path=CORPUS / "commonmeta" / "crossref.json", format="csljson"),
               SourceSpec(id="bib", path=CORPUS / "commonmeta" / "crossref.bib", format="bibtex"))
    res = resolve_manifest(Manifest(path=None, sources=sources))
    assert len(res.works) == 1 and len(res.works[0].versions) == 1
    (work,) = res.works
    assert len(work.records) == 3 and len(work.authors) == 5
    assert [s.name for s in res.series] == ["eLife"] and res.series[0].issns == ["2050-084X"]
