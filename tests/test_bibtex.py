"""The BibTeX reader: golden files, problems at their lines, strict mode, several files read as one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kg.errors import ParseError
from kg.records import ParseReport, PersonName, Record
from kg.sources import SourceContext, detect, get, read
from kg.sources.bibtex import (
    decode_latex,
    evaluate,
    preamble_commands,
    read_bibliography,
    split_authors,
)

DATA = Path(__file__).parent / "data" / "bibtex"


def _person(p: PersonName) -> dict[str, Any]:
    return {"printed": p.printed, "given": p.given, "family": p.family, "particle": p.particle,
            "suffix": p.suffix, "identifier": p.identifier}


def view(record: Record) -> dict[str, Any]:
    """A record as plain data, in the shape the golden JSON files use."""
    v = record.venue
    venue = None if v is None else {
        "name": v.name, "tag": v.tag, "volume": v.volume, "issue": v.issue, "pages": v.pages,
        "publisher": v.publisher, "series": v.series, "host": v.host, "printed": list(v.printed),
        "editors": [_person(e) for e in v.editors]}
    return {
        "key": record.key, "line": record.line, "entry_type": record.entry_type,
        "kind": record.kind.value, "title": record.title, "title_printed": record.title_printed,
        "abstract": record.abstract, "release": record.release,
        "other_versions": [[i.scheme, i.value] for i in record.other_versions],
        "supplements": [[i.scheme, i.value] for i in record.supplements],
        "authors": [_person(a) for a in record.authors], "authors_truncated": record.authors_truncated,
        "implied_authors": [_person(a) for a in record.implied_authors],
        "venue": venue, "date": record.date.isoformat() if record.date else None,
        "date_precision": record.date.precision if record.date else None,
        "identifiers": [[i.scheme, i.value, i.version] for i in record.identifiers],
        "subjects": record.subjects, "extra": record.extra,
    }


def _same(actual: Any, expected: Any, where: str) -> None:
    """Compare what the expected side names: dicts key by key (a subset), lists item by item."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for k, v in expected.items():
            assert k in actual, f"{where}.{k}: missing"
            _same(actual[k], v, f"{where}.{k}")
    elif isinstance(expected, list) and isinstance(actual, list):
        assert len(actual) == len(expected), f"{where}: {actual!r} != {expected!r}"
        for n, (a, e) in enumerate(zip(actual, expected)):
            _same(a, e, f"{where}[{n}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def assert_golden(records: list[Record], report: ParseReport, expected_path: Path) -> None:
    """Records and report against a hand-written JSON file: counts, issues, then field by field."""
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    counts = expected["report"]
    assert (report.records, report.set_aside, report.absorbed) == (
        counts["records"], counts["set_aside"], counts["absorbed"])
    assert sorted([i.line, i.severity, i.message] for i in report.issues) == sorted(counts["issues"])
    by_key = {r.key: r for r in records}
    assert [r.key for r in records] == [e["key"] for e in expected["records"]]
    for e in expected["records"]:
        _same(view(by_key[e["key"]]), e, e["key"])


@pytest.mark.parametrize("bib", sorted(DATA.glob("*.bib")), ids=lambda p: p.stem)
def test_golden(bib: Path) -> None:
    records, report = read(bib, format="bibtex")
    assert_golden(records, report, bib.with_suffix(".json"))


def test_every_golden_input_has_its_expectation() -> None:
    inputs = sorted(DATA.glob("*.bib"))
    assert len(inputs) >= 5
    assert all(p.with_suffix(".json").is_file() for p in inputs)


def _read_text(tmp_path: Path, text: str, *, strict: bool = False, name: str = "in.bib"
               ) -> tuple[list[Record], ParseReport]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    ctx = SourceContext(source="t", filename=str(path), strict=strict)
    return read(path, format="bibtex", ctx=ctx)


def test_howpublished_that_is_only_a_link_is_the_works_url_not_a_venue(tmp_path: Path) -> None:
    records, report = _read_text(tmp_path, r"""
@misc{tool, title = {SMAC3}, author = {Lindauer, Marius}, year = 2022,
  howpublished = {\url{https://github.com/automl/SMAC3}}}
@misc{page, title = {Concorde TSP Solver}, author = {Cook, William}, year = 2003,
  howpublished = "https://www.math.uwaterloo.ca/tsp/concorde.html"}
@misc{arx, title = {A Preprint}, author = {Doe, Jane}, year = 2020,
  howpublished = {\url{https://arxiv.org/abs/2001.00001}}}
@misc{both, title = {Spear}, author = {Babic, Domagoj}, year = 2008,
  howpublished = {Software, \url{https://www.domagoj-babic.com/}}}
""")
    assert not report.issues
    by_key = {r.key: r for r in records}
    assert [(k, by_key[k].venue, by_key[k].first_id("url")) for k in ("tool", "page")] == [
        ("tool", None, "https://github.com/automl/SMAC3"),
        ("page", None, "https://www.math.uwaterloo.ca/tsp/concorde.html")]
    assert (by_key["arx"].venue, by_key["arx"].first_id("arxiv")) == (None, "2001.00001")
    assert by_key["both"].venue is not None  # text beside the link is how it was published


@pytest.mark.parametrize(("value", "names"), [
    ("Born, L. et al.", ["Born, L."]),
    ("Smith, John and Doe, Jane, et al", ["Smith, John", "Doe, Jane"]),
    ("Smith, John and others", ["Smith, John"]),
])
def test_et_al_glued_to_the_last_name_marks_the_list_truncated(value, names) -> None:
    assert split_authors(value) == (names, True)
    assert split_authors("Etal, Jo and {Alet et al. Group}") == (["Etal, Jo", "{Alet et al. Group}"],
                                                                  False)


def test_strict_mode_raises_at_the_first_problem() -> None:
    path = DATA / "broken.bib"
    with pytest.raises(ParseError) as info:
        read(path, format="bibtex", ctx=SourceContext(source="b", filename=str(path), strict=True))
    assert info.value.line == 12
    assert str(info.value) == (f"{path}:12: malformed entry '@article{{unbalanced,': entry not "
                               "closed before the next '@' (unbalanced braces?); set aside")


def test_issues_print_as_file_line_message() -> None:
    path = DATA / "broken.bib"
    _, report = read(path, format="bibtex")
    assert f"{path}:22: entry 'notitle' has no title; set aside" in [str(i) for i in report.errors]


def test_entry_open_at_end_of_file(tmp_path: Path) -> None:
    records, report = _read_text(tmp_path, "@misc{ok, title={Fine}}\n\n@article{a,\n title={A},\n")
    assert [r.key for r in records] == ["ok"]
    assert [(i.line, i.message) for i in report.errors] == [
        (3, ("malformed entry '@article{a,': entry not closed before the end of the file "
             "(unbalanced braces?); set aside"))]


def test_identifiers_lose_the_escapes_tex_needs(tmp_path: Path) -> None:
    # dblp writes '\\_' in DOIs and URLs; a DOI of arXiv's own names the arXiv id; dblp and
    # Semantic Scholar print an arXiv preprint as journal 'CoRR' or 'ArXiv' with volume 'abs/<id>'.
    text = (r"@inproceedings{a, title={T}, author={A. B}, booktitle={C}, year={2020},"
            r" doi={10.1007/978-3-030-58452-8\_13}, url={https://openreview.net/pdf?id={\_}nF5imFKQI}}"
            "\n@misc{b, title={T}, author={A. B}, year={2023}, doi={10.48550/ARXIV.2312.15230}}"
            "\n@article{c, title={T}, author={A. B}, journal={ArXiv}, volume={abs/2312.15230}, year={2023}}"
            "\n@article{d, title={T}, author={A. B}, journal={Nature}, volume={abs/2312.15230}, year={2023}}")
    a, b, c, d = _read_text(tmp_path, text)[0]
    assert a.ids("doi") == ["10.1007/978-3-030-58452-8_13"]
    assert a.ids("openreview") == ["_nF5imFKQI"]
    assert a.ids("url") == ["https://openreview.net/pdf?id=_nF5imFKQI"]
    assert b.ids("arxiv") == c.ids("arxiv") == ["2312.15230"]
    assert d.ids("arxiv") == []


def test_string_self_reference(tmp_path: Path) -> None:
    text = ('@string{pub = pub # " Press"}\n@string{acm = "ACM"}\n@string{acm = acm # " Press"}\n'
            "@book{k, title = {T}, publisher = acm # {, } # pub}\n")
    records, report = _read_text(tmp_path, text)
    assert records[0].extra == {}
    assert [(i.line, i.message) for i in report.warnings] == [
        (1, "@string pub refers to itself before it is defined")]
    assert records[0].venue is not None and records[0].venue.publisher == "ACM Press, pub Press"


def test_lines_stay_right_after_a_backslash_at_a_line_end(tmp_path: Path) -> None:
    """A backslash ending a line (TeX's control space, as in TUGboat's bibliography) is text: the
    lines after it, of the same entry and of every entry after, are where they are in the file."""
    text = ('@article{a,\n  title = "{Update: \\MF\\ settings for \\TeX\\\n'
            '                 output devices}",\n  journal = j-TUGboat,\n  year = 1987,\n}\n\n'
            '@misc{b,\n  title = {B},\n  year = jann,\n}\n')
    records, report = _read_text(tmp_path, text)
    assert [(r.key, r.line, r.end_line) for r in records] == [("a", 1, 6), ("b", 8, 11)]
    assert [(i.line, i.message) for i in report.warnings] == [
        (4, "entry 'a', field 'journal': undefined macro 'j-TUGboat', kept as text"),
        (10, "entry 'b', field 'year': undefined macro 'jann', kept as text"),
        (10, "entry 'b': year 'jann' is not a year")]
    assert records[0].title == "Update: MF settings for TeX output devices"


def test_keys_repeat_case_insensitively(tmp_path: Path) -> None:
    text = "@misc{Key, title={One}}\n@misc{key, title={Two}}\n@misc{KEY, title={Three}}\n"
    records, report = _read_text(tmp_path, text)
    assert [r.key for r in records] == ["Key", "key~2", "KEY~3"]
    assert [i.line for i in report.warnings] == [2, 3]


def test_field_given_twice_keeps_the_first(tmp_path: Path) -> None:
    records, report = _read_text(tmp_path, "@misc{k,\n title={One},\n title={Two}\n}\n")
    assert records[0].title == "One"
    assert [(i.line, i.message) for i in report.warnings] == [
        (3, "entry 'k': field 'title' given twice; the first is kept")]


def test_style_control_entry_is_set_aside(tmp_path: Path) -> None:
    _, report = _read_text(tmp_path, '@IEEEtranBSTCTL{ctl,\n  CTLuse_url = "yes"\n}\n')
    assert report.set_aside == 1
    assert "style-control entry" in report.errors[0].message


@pytest.mark.parametrize(("month", "expected"), [
    ("jul", "1999-07"), ("{July}", "1999-07"), ("{7}", "1999-07"), ("{10~January}", "1999-01-10"),
    ("{2 sep}", "1999-09-02"), ('"May" # " 5"', "1999-05-05"), ("{Sept.}", "1999-09"),
])
def test_month_forms(tmp_path: Path, month: str, expected: str) -> None:
    records, report = _read_text(tmp_path, f"@misc{{k, title={{T}}, year=1999, month={month}}}\n")
    assert records[0].date is not None and records[0].date.isoformat() == expected
    assert not report.issues


def test_evaluate_reports_malformed_values() -> None:
    problems: list[str] = []
    assert evaluate('"a" # ', {}, on_malformed=problems.append) == "a"
    assert evaluate("{a} b", {}, on_malformed=problems.append) == "a"
    assert problems == ["the value ends with '#'", "text after the value ('b'; a missing comma?)"]
    assert evaluate('JACM # " 1"', {"jacm": "J. ACM"}) == "J. ACM 1"


def test_preamble_macros_and_logos() -> None:
    commands = preamble_commands(r'\providecommand{\MMAS}{{$\cal MAX$--$\cal MIN$} {Ant} {System}}'
                                 r'\newcommand{\noopsort}[1]{} \newcommand{\pkg}[2]{#2 (#1)}')
    assert decode_latex(r"{\MMAS} for the {\TSP}", commands) == "$\\cal MAX$–$\\cal MIN$ Ant System for the TSP"
    assert decode_latex(r"The \TeX{}book, {\it in italics}") == "The TeXbook, in italics"
    assert decode_latex(r"\emph{Emphasis} and \noopsort{b}text", commands) == "Emphasis and text"
    assert decode_latex(r"\pkg{R}{irace} \pkg{R}", commands) == r"irace (R) R"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def bibliography(tmp_path: Path) -> Path:
    """A bibliography split like IRIDIA's: macro files, a crossref file and the main file."""
    macros = tmp_path / "strings"
    macros.mkdir()
    _write(macros, "journals.bib", '@string{jcs = "Journal of Computer Science"}\n')
    _write(macros, "authors.bib", '@string{and = " and "}\n@string{Doe = "Doe, Jane"}\n'
                                  '@string{Roe = "Roe, Richard"}\n@string{broken = undefinedthing}\n'
                                  '@preamble{"\\providecommand{\\ACO}{{Ant} {Colony} {Optimization}}"}\n')
    _write(tmp_path, "crossref.bib", "@proceedings{conf2020,\n  title = {Proceedings of Conf 2020},\n"
                                     "  booktitle = {Proc. Conf 2020},\n  editor = Roe,\n  year = 2020,\n"
                                     "  month = sep,\n}\n")
    return _write(tmp_path, "main.bib", "@article{a1,\n  author = Doe #and# Roe,\n"
                                        "  title = {{\\ACO} Revisited},\n  journal = jcs,\n  year = 2019,\n}\n\n"
                                        "@inproceedings{p1,\n  author = Doe,\n  title = {A Paper},\n"
                                        "  crossref = {conf2020},\n  pages = {1--2},\n}\n")


def _check_bibliography(records: list[Record], report: ParseReport, folder: Path) -> None:
    a1, p1 = records
    assert a1.venue is not None and a1.venue.name == "Journal of Computer Science"
    assert [a.full for a in a1.authors] == ["Jane Doe", "Richard Roe"]
    assert a1.title == "Ant Colony Optimization Revisited"
    assert p1.venue is not None and p1.venue.name == "Proc. Conf 2020"
    assert [e.full for e in p1.venue.editors] == ["Richard Roe"]
    assert p1.date is not None and p1.date.isoformat() == "2020-09"
    assert (report.records, report.set_aside, report.absorbed) == (2, 0, 0)
    # A problem in a macro file is a warning under that file's name, at its line.
    assert [str(i) for i in report.issues] == [
        f"{folder / 'strings' / 'authors.bib'}:4: @string broken: undefined macro 'undefinedthing'"]
    assert report.issues[0].severity == "warning"


def test_several_files_through_source_options(bibliography: Path) -> None:
    ctx = SourceContext(source="main", filename=str(bibliography), options={
        "macros": ["strings/journals.bib", "strings/authors.bib"], "crossrefs": ["crossref.bib"]})
    records, report = read(bibliography, format="bibtex", ctx=ctx)
    _check_bibliography(records, report, bibliography.parent)


def test_several_files_through_the_helper(bibliography: Path) -> None:
    folder = bibliography.parent
    records, report = read_bibliography(
        bibliography, macros=[folder / "strings/journals.bib", folder / "strings/authors.bib"],
        crossrefs=[folder / "crossref.bib"])
    _check_bibliography(records, report, folder)


def test_without_its_macro_files_a_file_warns_and_keeps_macro_names(bibliography: Path) -> None:
    records, report = read(bibliography, format="bibtex")
    assert records[0].venue is not None and records[0].venue.name == "jcs"
    undefined = [i for i in report.warnings if "undefined macro" in i.message]
    assert [(i.line, i.message) for i in undefined][:1] == [
        (2, "entry 'a1', field 'author': undefined macro 'Doe', kept as text")]
    assert any(i.message == "entry 'p1': crossref 'conf2020' not found" for i in report.warnings)


def test_a_missing_macro_file_is_an_error_naming_it(bibliography: Path) -> None:
    with pytest.raises(ParseError) as info:
        read_bibliography(bibliography, macros=["nowhere.bib"])
    assert info.value.filename == str(bibliography.parent / "nowhere.bib")


def test_registered_by_name_alias_and_content() -> None:
    fmt = get("biblatex")
    assert fmt.name == "bibtex" and ".bib" in fmt.suffixes
    assert detect((DATA / "macros.bib").read_text(encoding="utf-8"), "x.txt").name == "bibtex"


def test_a_block_the_splitter_chokes_on_is_set_aside_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import bibtexparser

    real = bibtexparser.parse_string

    def choking(text: str, **kwargs: Any) -> Any:
        if "bad" in text:  # the whole text, then the bad block alone
            raise RuntimeError("splitter failure")
        return real(text, **kwargs)

    monkeypatch.setattr(bibtexparser, "parse_string", choking)
    ctx = SourceContext(source="x", filename="x.bib")
    text = "@misc{a, title={A}}\n\n@misc{bad, title={B}}\n\n@misc{c,\n title={C}, year=jann}\n"
    report = ctx.report
    records = list(get("bibtex").parse(text, ctx))
    assert [(r.key, r.line) for r in records] == [("a", 1), ("c", 5)]
    assert report is not None and [str(i) for i in report.issues] == [
        "x.bib:3: malformed entry '@misc{bad, title={B}}': splitter failure; set aside",
        "x.bib:6: entry 'c', field 'year': undefined macro 'jann', kept as text",
        "x.bib:6: entry 'c': year 'jann' is not a year"]
