"""The CSL-JSON reader: a golden file, item lines, detection, the corpus's CSL files, the CSL schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import pytest

from kg.sources import SourceContext, detect, get, read
from kg.sources import csljson as csl

from .test_bibtex import assert_golden

DATA = Path(__file__).parent / "data" / "csljson"
CORPUS = Path(__file__).parents[2] / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the repo")


def test_golden() -> None:
    records, report = read(DATA / "items.csl.json")
    assert report.format == "csljson"
    assert_golden(records, report, DATA / "items.expected.json")


def _read_text(tmp_path: Path, text: str) -> tuple[list[Any], Any]:
    path = tmp_path / "in.json"
    path.write_text(text, encoding="utf-8")
    return read(path, format="csljson", ctx=SourceContext(source="t", filename=str(path)))


def test_invalid_json_is_reported_at_its_line(tmp_path: Path) -> None:
    records, report = _read_text(tmp_path, '[\n  {"id": "a", "type": "book", "title": "A"},\n'
                                           '  {"id": oops}\n]\n')
    assert records == []
    assert [str(i) for i in report.errors] == [
        f"{tmp_path / 'in.json'}:3: not valid JSON: Expecting value (column 10); nothing read"]


def test_json_nested_too_deep_is_reported_not_raised(tmp_path: Path) -> None:
    # Python's JSON reader recurses per level; a document nested deeper than the recursion limit
    # is a reported problem at the line where the nesting peaks, and detection passes it over.
    text = '[\n  {"id": "a", "title": "[[[ in a string"},\n  ' + "[" * 50_000 + "\n"
    records, report = _read_text(tmp_path, text)
    assert records == []
    assert [str(i) for i in report.errors] == [
        (f"{tmp_path / 'in.json'}:3: JSON nested 50001 arrays or objects deep, more than the reader "
         "follows; nothing read")]
    assert csl.detect(text) == 0.0 and get("orcid").detect("{" + '"a":' * 50_000) == 0.0


def test_json_that_is_not_csl_reads_nothing(tmp_path: Path) -> None:
    _, report = _read_text(tmp_path, '{"status": "ok", "items": 3}')
    assert report.set_aside == 1
    assert report.errors[0].message.startswith("no CSL items")


def test_registered_with_aliases() -> None:
    assert get("csl-json") is get("csljson")
    assert ".json" in get("csljson").suffixes


@pytest.mark.parametrize(("text", "expected"), [
    ('[{"type": "article-journal", "title": "T"}]', 0.9),
    ('{"type": "post-weblog", "title": "T", "author": []}', 0.6),
    ('{"title": {"title": {"value": "T"}}, "type": "journal-article"}', 0.0),  # an ORCID work
    ('{"type": "book"}', 0.0),
    ("@article{k, title={T}}", 0.0),
    ("[1, 2", 0.0),
])
def test_detection_scores(text: str, expected: float) -> None:
    assert csl.detect(text) == expected


def test_lines_of_items_in_a_list_a_map_and_alone() -> None:
    text = ('{\n  "10.1/A": [\n    {"type": "book", "title": "A"}\n  ],\n'
            '  "10.1/B": [{"type": "book", "title": "B"},\n     {"type": "book", "title": "C"}]\n}')
    ctx = SourceContext(source="m", filename="m.json")
    records = list(csl.parse(text, ctx))
    assert [(r.key, r.line) for r in records] == [("10.1/A", 3), ("10.1/B", 5), ("10.1/B~2", 6)]
    assert json.loads(records[2].raw) == {"type": "book", "title": "C"}


# --- the shared corpus ----------------------------------------------------------------------------


def _corpus(name: str) -> Path:
    return CORPUS / name


@needs_corpus
@pytest.mark.parametrize(("name", "count"), [
    ("commonmeta/csl-list.json", 17), ("commonmeta/citeproc.json", 1),
    ("citation-js/doi-csl.json", 4), ("citation-js/mapping-bibtex-csl.json", 16),
    ("citation-js/mapping-biblatex-csl.json", 28),
])
def test_corpus_files_are_detected_and_read_whole(name: str, count: int) -> None:
    path = _corpus(name)
    text = path.read_text(encoding="utf-8")
    assert detect(text, str(path)).name == "csljson"
    records, report = read(path)
    assert (report.records, report.set_aside) == (count, 0)
    lines = text.split("\n")
    for r in records:  # each record's line is its item's opening brace
        assert lines[r.line - 1].strip().startswith(("{", "[{", "[")), (r.key, r.line)
        assert json.loads(r.raw).get("title")


@needs_corpus
def test_zotero_list_marks_arxiv_items_as_preprints() -> None:
    records, _ = read(_corpus("commonmeta/csl-list.json"))
    by_key = {r.key: r for r in records}
    paper = by_key["asoreyExposiciTempranaNativos2015"]
    assert paper.kind.value == "preprint" and paper.first_id("arxiv") == "1501.04916"
    plos = by_key["tenopirChangesDataSharing2015"]
    assert plos.kind.value == "journal" and plos.first_id("doi") == "10.1371/journal.pone.0134826"
    assert plos.date is not None and plos.date.isoformat() == "2015-08-26"


@needs_corpus
def test_doi_keyed_crossref_items() -> None:
    records, _ = read(_corpus("citation-js/doi-csl.json"))
    by_doi = {r.first_id("doi"): r for r in records}
    hall = by_doi["10.1021/ja01577a030"]
    assert hall.title == "Correlation of the Base Strengths of Amines"  # footnote mark dropped
    assert (hall.authors[0].family, hall.authors[0].suffix) == ("Hall", "Jr.")
    assert hall.date is not None and hall.date.precision == "month"
    medrxiv = by_doi["10.1101/2021.08.15.21262067"]
    assert medrxiv.kind.value == "preprint" and medrxiv.venue is not None
    assert medrxiv.venue.name == "medRxiv"
    assert medrxiv.authors[0].identifier == "orcid:0000-0001-5503-7888"


@needs_corpus
def test_citeproc_single_item_with_publisher_object() -> None:
    (record,), _ = read(_corpus("commonmeta/citeproc.json"))
    assert record.venue is not None and record.venue.publisher == "DataCite"
    assert record.first_id("doi") == "10.5438/4k3m-nyvg"
    assert "Malaria" in record.subjects


@needs_corpus
def test_agrees_with_the_bibtex_reader_on_citation_js_mapping() -> None:
    """citation-js turned mapping-bibtex-input.bib into mapping-bibtex-csl.json: both readers agree."""
    from_bib, _ = read(_corpus("citation-js/mapping-bibtex-input.bib"), format="bibtex")
    from_csl, _ = read(_corpus("citation-js/mapping-bibtex-csl.json"))
    bib = {r.key: r for r in from_bib}
    assert len(from_csl) == len(bib)
    for r in from_csl:
        b = bib[r.key]
        assert (r.title, r.date, [a.family for a in r.authors]) == (
            b.title, b.date, [a.family for a in b.authors]), r.key


# --- the CSL schema -------------------------------------------------------------------------------

SCHEMA = CORPUS / "csl-schema" / "csl-data.json"
needs_schema = pytest.mark.skipif(not SCHEMA.is_file(), reason="CSL schema absent")


def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


@needs_schema
def test_type_names_are_csl_or_declared_crossref_names() -> None:
    csl_types = set(_schema()["items"]["properties"]["type"]["enum"])
    mapped = set(csl._KIND_BY_TYPE) | csl._MAYBE_PREPRINT
    assert mapped - csl_types == csl.CROSSREF_TYPES & mapped


class _Recording(dict):  # type: ignore[type-arg]
    """An item that remembers which fields were read from it."""

    read: ClassVar[set[str]] = set()

    def get(self, key: str, default: Any = None) -> Any:
        _Recording.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        _Recording.read.add(key)
        return super().__getitem__(key)


# Fields read that CSL does not define: Crossref's, commonmeta's and ORCID-style name ids.
NOT_CSL = {"subtitle", "institution", "subtype", "posted", "published-print", "published-online",
           "published", "group-title", "subject", "name", "ORCID", "orcid", "relation"}


@needs_schema
def test_fields_the_reader_consults_are_csl_fields() -> None:
    schema = _schema()
    item_fields = set(schema["items"]["properties"])
    name_fields = set(schema["definitions"]["name-variable"]["anyOf"][0]["properties"])
    date_fields = set(schema["definitions"]["date-variable"]["anyOf"][0]["properties"])
    _Recording.read = set()
    items = json.loads((DATA / "items.csl.json").read_text(encoding="utf-8"))
    ctx = SourceContext(source="s", filename="s.json")
    for n, item in enumerate(items):
        if isinstance(item, dict):
            item = _Recording(item)
            item["author"] = [_Recording(a) for a in item.get("author", [])]
            for k in ("issued", "posted"):
                if k in item:
                    item[k] = _Recording(item[k])
            csl.item_to_record(item, f"i{n}", 1, ctx)
    assert _Recording.read - item_fields - name_fields - date_fields <= NOT_CSL
    assert {"title", "DOI", "container-title", "issued", "family", "date-parts"} <= _Recording.read


@needs_schema
@pytest.mark.parametrize(("name", "deviations"), [
    ("citation-js/mapping-bibtex-csl.json", set()), ("citation-js/mapping-biblatex-csl.json", set()),
    # Zotero adds 'license'; commonmeta writes the publisher as an object. The reader takes both.
    ("commonmeta/csl-list.json", {"license"}), ("commonmeta/citeproc.json", {"publisher"}),
])
def test_corpus_csl_files_against_the_schema(name: str, deviations: set[str]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    doc = json.loads(_corpus(name).read_text(encoding="utf-8"))
    schema = _schema()
    found: set[str] = set()
    for e in jsonschema.Draft7Validator(schema).iter_errors(doc if isinstance(doc, list) else [doc]):
        if e.validator == "additionalProperties":
            found |= set(e.instance) - set(schema["items"]["properties"])
        else:
            found.add(str(e.path[-1]))
    assert found == deviations


def test_an_invalid_orcid_id_with_a_name_is_reported_and_the_name_kept(tmp_path: Path) -> None:
    records, report = _read_text(tmp_path, json.dumps([{
        "id": "a", "type": "article-journal", "title": "T",
        "author": [{"given": "Ada", "family": "Lovelace", "ORCID": "https://orcid.org/0000-0002-1825-0098"},
                   {"given": "Alan", "family": "Turing", "ORCID": "0000-0002-1825-0097"}]}]))
    (record,) = records
    assert [(a.family, a.identifier) for a in record.authors] == [
        ("Lovelace", None), ("Turing", "orcid:0000-0002-1825-0097")]
    assert [str(i) for i in report.warnings] == [
        (f"{tmp_path / 'in.json'}:1: item 'a': author 1: ORCID iD "
         "'https://orcid.org/0000-0002-1825-0098' is not valid (format or check digit); ignored")]
