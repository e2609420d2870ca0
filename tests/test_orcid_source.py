"""The ORCID works reader: golden files, owners as implied authors, detection, the ORCID samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.names import parse_name
from kg.sources import SourceContext, detect, get, orcid, read

from .test_bibtex import assert_golden, view

DATA = Path(__file__).parent / "data" / "orcid"
SAMPLES = Path(__file__).parents[2] / "shared" / "corpus" / "orcid-model"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="ORCID samples absent")


@pytest.mark.parametrize("name", ["record", "bulk"])
def test_golden(name: str) -> None:
    records, report = read(DATA / f"{name}.orcid.json")
    assert report.format == "orcid"
    assert_golden(records, report, DATA / f"{name}.expected.json")


def test_the_xml_form_reads_as_the_json_form() -> None:
    from_json, _ = read(DATA / "record.orcid.json")
    from_xml, report = read(DATA / "record.orcid.xml")
    assert report.format == "orcid"

    def unplaced(records: list) -> list[dict]:
        return [{k: v for k, v in view(r).items() if k != "line"} for r in records]

    assert unplaced(from_xml) == unplaced(from_json)
    assert [r.line for r in from_xml] == [21, 34, 64]  # each work summary's start tag
    assert sorted((i.line, i.severity, i.message) for i in report.issues) == [
        (34, "warning", "work 102: publication date '2024-13' is not a date; read to the year"),
        (51, "warning", "work 102: doi 'not-a-doi' is not a valid doi; ignored"),
        (70, "error", "work 104 has no title; set aside")]
    assert from_xml[0].raw.lstrip().startswith('<work:work-summary put-code="101">')
    assert from_xml[0].raw.rstrip().endswith("</work:work-summary>")


def test_malformed_xml_is_reported_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "works.xml"
    path.write_text('<?xml version="1.0"?>\n<work:work xmlns:work="http://www.orcid.org/ns/work">\n'
                    "<work:title>\n</work:work>\n", encoding="utf-8")
    _, report = read(path, format="orcid")
    assert [(i.line, i.message) for i in report.errors] == [
        (4, "not well-formed XML: mismatched tag; nothing read")]


def test_xml_on_one_line_reads(tmp_path: Path) -> None:
    # The last element closes on the document's last line: its text runs to the end of the document.
    text = (DATA / "record.orcid.xml").read_text(encoding="utf-8")
    path = tmp_path / "works.xml"
    path.write_text(" ".join(text.split()), encoding="utf-8")
    records, report = read(path, format="orcid")
    assert [r.title for r in records] == [r.title for r in read(DATA / "record.orcid.xml")[0]]
    assert all(r.line == 1 and r.raw.startswith("<?xml") for r in records)
    assert report.errors and all(i.line == 1 for i in report.issues)


def _read_text(tmp_path: Path, text: str, owner: str | None = None) -> tuple[list, object]:
    path = tmp_path / "works.json"
    path.write_text(text, encoding="utf-8")
    ctx = SourceContext(source="o", filename=str(path), owner=parse_name(owner) if owner else None)
    return read(path, format="orcid", ctx=ctx)


def test_works_response_takes_its_owner_from_the_source_and_the_path(tmp_path: Path) -> None:
    text = ('{"path": "/0000-0002-1825-0097/works", "group": [{"work-summary": [\n'
            '  {"put-code": 7, "title": {"title": {"value": "T"}}, "type": "journal-article"}]}]}')
    (record,), _ = _read_text(tmp_path, text, owner="Josiah Carberry")
    (owner,) = record.implied_authors
    assert (owner.family, owner.identifier) == ("Carberry", "orcid:0000-0002-1825-0097")
    assert record.line == 2


def test_invalid_json_and_non_orcid_json(tmp_path: Path) -> None:
    _, report = _read_text(tmp_path, '{\n  "bulk": [\n    {"work": }\n  ]\n}')
    assert [(i.line, i.message) for i in report.errors] == [
        (3, "not valid JSON: Expecting value (column 14); nothing read")]
    _, report = _read_text(tmp_path, '{"hello": "world"}')
    assert report.errors[0].message.startswith("no works")


@pytest.mark.parametrize(("text", "expected"), [
    ('{"title": {"title": {"value": "T"}}, "type": "journal-article"}', 0.95),
    ('{"orcid-identifier": {"path": "0000-0002-1825-0097"}}', 0.95),
    ('{"group": [], "path": "/0000-0002-1825-0097/works"}', 0.95),
    ('[{"type": "article-journal", "title": "T"}]', 0.0),
    ('{"type": "article-journal", "title": "T"}', 0.0),
    ("not json", 0.0),
    ('<?xml version="1.0"?><work:work xmlns:work="http://www.orcid.org/ns/work"/>', 0.95),
    ('<?xml version="1.0"?><collection id="2020.acl"><volume/></collection>', 0.0),
])
def test_detection_scores(text: str, expected: float) -> None:
    assert orcid.detect(text) == expected


def test_registered_with_alias() -> None:
    assert get("orcid-json") is get("orcid")


@needs_samples
@pytest.mark.parametrize(("name", "count"), [
    ("record-full-3.0.json", 1), ("work-full-3.0.json", 1), ("work-51-contributors-3.0.json", 1),
    ("bulk-works-100-works-3.0.json", 100),
])
def test_samples_are_detected_and_read(name: str, count: int) -> None:
    path = SAMPLES / name
    assert detect(path.read_text(encoding="utf-8"), str(path)).name == "orcid"
    records, report = read(path)
    assert (report.records, report.set_aside) == (count, 0)
    assert all(r.title and r.date for r in records)


@needs_samples
def test_xml_samples() -> None:
    records, report = read(SAMPLES / "works-3.0.xml")
    assert [(r.key, r.line, r.kind.value) for r in records] == [
        ("3356", 22, "conference"), ("3357", 68, "conference"), ("3358", 113, "journal")]
    assert [i.message for i in report.warnings] == [
        "work 3356: doi '123456' is not a valid doi; ignored",
        "work 3357: arxiv '123456' is not a valid arxiv; ignored"]
    (work,), _ = read(SAMPLES / "work-full-3.0.xml")
    assert work.key == "123" and work.authors[0].identifier == "orcid:8888-8888-8888-8880"


@needs_samples
def test_full_record_owner_is_the_implied_author() -> None:
    (record,), report = read(SAMPLES / "record-full-3.0.json")
    (owner,) = record.implied_authors
    assert (owner.given, owner.family, owner.identifier) == (
        "Three", "releasecandidate1", "orcid:0000-0002-7319-2192")
    assert record.extra["version_of"] == [["doi", "10.1087/20120404"]]
    assert record.first_id("doi") is None  # 'work:doi' is no DOI, and is reported at its line
    assert [i.message for i in report.warnings] == [
        "work 178602: doi 'work:doi' is not a valid doi; ignored"]


@needs_samples
def test_fifty_one_contributors() -> None:
    (record,), _ = read(SAMPLES / "work-51-contributors-3.0.json")
    assert len(record.authors) == 49  # 51 less one editor and one chair-or-translator
    assert record.authors[0].printed == "Jordan"  # the 'first' in sequence
    assert record.venue is not None and len(record.venue.editors) == 1
    assert all(a.identifier for a in record.authors)


def test_a_contributors_invalid_orcid_id_is_reported_and_the_name_kept(tmp_path: Path) -> None:
    text = ('{"put-code": 9, "title": {"title": {"value": "T"}}, "type": "journal-article",\n'
            ' "contributors": {"contributor": [\n'
            '  {"credit-name": {"value": "Ada Lovelace"},\n'
            '   "contributor-orcid": {"path": "0000-0002-1825-0098"}},\n'
            '  {"credit-name": {"value": "Alan Turing"},\n'
            '   "contributor-orcid": {"path": "0000-0002-1825-0097"}}]}}')
    (record,), report = _read_text(tmp_path, text)
    assert [(a.family, a.identifier) for a in record.authors] == [
        ("Lovelace", None), ("Turing", "orcid:0000-0002-1825-0097")]
    assert [i.message for i in report.warnings] == [
        ("work 9: contributor 'Ada Lovelace': ORCID iD '0000-0002-1825-0098' is not valid "
         "(format or check digit); ignored")]
