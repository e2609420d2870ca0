"""Every real-world .bib file in the shared corpus is read without loss: each entry is a record, set aside
with a located message, or absorbed into others. Multi-file bibliographies resolve macros and crossrefs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.manifest import Manifest, SourceSpec
from kg.pipeline import resolve_manifest
from kg.records import ParseReport, Record
from kg.sources import read
from kg.sources.bibtex import read_bibliography

CORPUS = Path(__file__).parents[2] / "shared" / "corpus"
BIB_FILES = sorted(CORPUS.rglob("*.bib")) if CORPUS.is_dir() else []
IRIDIA = CORPUS / "iridia-references"
IRIDIA_MACROS = ["abbrev.bib", "journals.bib", "authors.bib"]
BIBER = CORPUS / "biber-tdata"

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the repo")

_BLOCK = re.compile(r"(?m)^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(]")


def entries_in(path: Path) -> int:
    """Entries as a reader of the file counts them: '@type{' at a line start, not @string and kin."""
    text = path.read_text(encoding="utf-8", errors="replace")
    return sum(1 for m in _BLOCK.finditer(text)
               if m.group(1).lower() not in ("string", "comment", "preamble"))


def assert_accounted(path: Path, report: ParseReport) -> None:
    assert report.records + report.set_aside + report.absorbed == entries_in(path)
    assert all(i.line for i in report.issues), "every problem is reported at a line"


def undefined_macros(report: ParseReport) -> int:
    return sum(1 for i in report.issues if "undefined macro" in i.message)


@pytest.mark.parametrize("path", BIB_FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_every_entry_is_accounted_for(path: Path) -> None:
    _, report = read(path, format="bibtex")
    assert_accounted(path, report)


@pytest.mark.parametrize(("name", "set_aside"), [("names.bib", 38), ("biblatex-examples.bib", 28)])
def test_biber_test_files_set_aside_only_untitled_entries(name: str, set_aside: int) -> None:
    # biber's name and field tests are mostly entries without a title: nothing to make a record of.
    _, report = read(BIBER / name, format="bibtex")
    assert report.set_aside == set_aside
    assert all(i.message.endswith("has no title; set aside") for i in report.errors)


def test_biblatex_sets_and_crossrefs() -> None:
    records, report = read(BIBER / "biblatex-examples.bib", format="bibtex")
    by_key = {r.key: r for r in records}
    assert "set" not in by_key and by_key["set:aksin"].extra["set"] == "set"
    assert by_key["kant:kpv"].venue is not None  # journaltitle / booktitle from biblatex fields
    assert report.absorbed == 4  # three @set entries and one crossref parent


def _by_key(records: list[Record]) -> dict[str, Record]:
    return {r.key: r for r in records}


@pytest.mark.skipif(not IRIDIA.is_dir(), reason="IRIDIA bibliography absent")
def test_iridia_articles_with_their_macro_files() -> None:
    path = IRIDIA / "articles.bib"
    _, alone = read(path, format="bibtex")
    records, report = read_bibliography(path, macros=IRIDIA_MACROS)
    assert undefined_macros(alone) > 5000
    assert undefined_macros(report) == 0
    assert_accounted(path, report)
    paper = _by_key(records)["StuHoo2000:fgcs"]
    assert paper.venue is not None and paper.venue.name == "Future Generation Computer Systems"
    assert [a.full for a in paper.authors] == ["Thomas Stützle", "Holger H. Hoos"]
    assert paper.title is not None and paper.title.endswith("Ant System")  # a @preamble macro


@pytest.mark.skipif(not IRIDIA.is_dir(), reason="IRIDIA bibliography absent")
def test_iridia_biblio_inherits_from_crossref_file() -> None:
    path = IRIDIA / "biblio.bib"
    _, alone = read(path, format="bibtex")
    records, report = read_bibliography(path, macros=IRIDIA_MACROS, crossrefs=["crossref.bib"])
    assert undefined_macros(alone) > 4000
    assert undefined_macros(report) == 0
    assert not [i for i in report.issues if "not found" in i.message]
    assert_accounted(path, report)
    paper = _by_key(records)["Abb2002selfpde"]
    assert paper.venue is not None
    assert paper.venue.name == "Proceedings of the 2002 Congress on Evolutionary Computation (CEC'02)"
    assert paper.venue.publisher == "IEEE Press"
    assert paper.date is not None and paper.date.year == 2002
    assert [a.full for a in paper.authors] == ["Hussein A. Abbass"]


@pytest.mark.skipif(not BIBER.is_dir(), reason="biber test data absent")
def test_biber_papers_with_their_definitions() -> None:
    path = BIBER / "etc-papers.bib"
    _, alone = read(path, format="bibtex")
    records, report = read_bibliography(path, macros=["etc-definitions.bib"])
    assert undefined_macros(alone) > 1800
    assert undefined_macros(report) == 0
    assert_accounted(path, report)
    paper = _by_key(records)["AardalHLT02"]
    assert paper.venue is not None and paper.venue.name == "Operations Research"


def test_every_entry_is_read_at_the_line_it_starts_on():
    """bibtexparser's own line count falls one behind at each backslash ending a line (3,034 of
    TUGboat's 3,644 entries were reported early); an entry's line is where its '@' is."""
    start = re.compile(r"(?m)^[ \t]*@\w*[ \t]*[{(][ \t]*([^,\s]+)")
    checked = 0
    for path in BIB_FILES:
        text = path.read_text(encoding="utf-8", errors="replace")
        lines: dict[str, list[int]] = {}
        for m in start.finditer(text):
            lines.setdefault(m.group(1).lower(), []).append(text.count("\n", 0, m.start()) + 1)
        records, _ = read(path, format="bibtex")
        for r in records:
            if len(lines.get(r.key.lower(), [])) == 1:  # a key the file gives once
                assert r.line == lines[r.key.lower()][0], (path.name, r.key)
                checked += 1
    assert checked > 9000


@pytest.mark.parametrize("path", BIB_FILES + sorted((Path(__file__).parent / "data").rglob("*.bib")),
                         ids=lambda p: p.name)
def test_a_file_split_piece_by_piece_reads_as_the_whole_text_does(path, monkeypatch):
    """A large file is split a piece at a time (so its bar moves from the start): cut before every
    line that starts a block, the pieces give the same records and problems, at the same lines, as
    the whole text split at once, however messy the file."""
    from kg.sources import bibtex

    def reading(chunk: int) -> tuple[list[dict], list[tuple[int | None, str]]]:
        monkeypatch.setattr(bibtex, "SPLIT_CHUNK", chunk)
        records, report = read(path, format="bibtex")
        return ([r.model_dump() for r in records],
                [(i.line, i.message) for i in report.issues])

    whole = reading(1 << 60)
    assert reading(1) == whole


@pytest.mark.skipif(not IRIDIA.is_dir(), reason="IRIDIA bibliography absent")
def test_iridias_articles_printed_with_full_and_with_short_journal_names_share_their_series() -> None:
    # abbrevshort.bib redefines 45 journal macros by their short forms (ISO 4, from the publishers'
    # lists); read after journals.bib, the same articles print those journals abbreviated.
    def spec(name: str, macros: list[str]) -> SourceSpec:
        return SourceSpec(id=name, path=IRIDIA / "articles.bib", format="bibtex",
                          options={"macros": macros})

    full = spec("full", IRIDIA_MACROS)
    short = spec("short", ["abbrev.bib", "journals.bib", "abbrevshort.bib", "authors.bib"])
    alone = resolve_manifest(Manifest(path=None, sources=(full,)))
    both = resolve_manifest(Manifest(path=None, sources=(full, short)))
    assert len(both.works) == len(alone.works)
    # Every abbreviated journal joins its full name, but for the one macro ('tocs') that names
    # Theory of Computing Systems in journals.bib and ACM Trans. Comput. Syst. in abbrevshort.bib.
    extra = {s.path: s.name for s in both.series}.items() - {s.path: s.name for s in alone.series}.items()
    assert dict(extra) == {"venue/acm-trans-comput-syst": "ACM Trans. Comput. Syst."}
    versions = sum(len(w.versions) for w in both.works)
    assert versions - sum(len(w.versions) for w in alone.works) == 1  # that journal's one paper
    jmlr = next(s for s in both.series if s.name == "Journal of Machine Learning Research")
    assert jmlr.names == ["J. Mach. Learn. Res."]
