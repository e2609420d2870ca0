"""The MEDLINE reader (PubMed's export): a golden file, page ranges, detection, and a PubMed record
joining the CSL-JSON of the same paper."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.manifest import Manifest, SourceSpec
from kg.pipeline import resolve_manifest
from kg.sources import detect, get, medline, read

from .conftest import TESTDATA
from .test_bibtex import assert_golden

DATA = TESTDATA / "medline"


def test_pubmeds_shapes_and_broken_input_read_as_the_golden_file_says() -> None:
    records, report = read(DATA / "pubmed.nbib")
    assert report.format == "medline"
    assert_golden(records, report, DATA / "pubmed.expected.json")


@pytest.mark.parametrize(("printed", "expected"), [
    ("123-30", "123–130"), ("1123-30", "1123–1130"), ("99-101", "99–101"), ("e1001-e1010", "e1001–e1010"),
    ("95", "95"), (None, None),
])
def test_an_end_page_printed_short_gets_its_leading_digits_back(printed, expected) -> None:
    assert medline.pages(printed) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("PMID- 39990001\nTI  - T\n", 0.95),
    ("\ufeffPMID- 1\n", 0.95),
    ("TY  - JOUR\nER  - \n", 0.0),
    ("Some notes\nPMID- 1\n", 0.0),
])
def test_detection_scores(text: str, expected: float) -> None:
    assert medline.detect(text) == expected


def test_detected_and_registered() -> None:
    assert detect("PMID- 39990001\nTI  - A title.\n", "export.txt").name == "medline"
    assert get("pubmed") is get("medline") and ".nbib" in get("nbib").suffixes


def test_a_pubmed_record_and_crossrefs_csl_of_one_paper_are_one_work_in_one_journal(tmp_path: Path) -> None:
    csl = [{"id": "x", "type": "article-journal", "DOI": "10.5555/KG-MEDLINE.1",
            "title": "Incentive salience drives escalation in heterogeneous stock rats: a record "
                     "invented for these tests",
            "author": [{"family": "Doe", "given": "Jane"}, {"family": "Roe", "given": "Richard A."}],
            "container-title": "Neuropsychopharmacology", "ISSN": ["0893-133X", "1740-634X"],
            "issued": {"date-parts": [[2026, 1, 17]]}}]
    path = tmp_path / "crossref.json"
    path.write_text(json.dumps(csl), encoding="utf-8")
    res = resolve_manifest(Manifest(path=None, sources=(
        SourceSpec(id="pubmed", path=DATA / "pubmed.nbib", format="medline"),
        SourceSpec(id="crossref", path=path, format="csljson"))))
    work = next(w for w in res.works if "crossref#x" in w.records)
    assert "pubmed#39990001" in work.records and len(work.versions) == 1
    series = {s.path: s for s in res.series}
    edition = {e.path: e for e in res.editions}[work.versions[0].edition]
    assert series[edition.series].name == "Neuropsychopharmacology"
    assert series[edition.series].issns == ["0893-133X", "1740-634X"]
    doe = next(p for p in res.persons if p.family == "Doe" and p.path in {a.person for a in work.authors})
    assert doe.identifiers.get("orcid") == ["0000-0002-1825-0097"]
