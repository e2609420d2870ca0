"""ACL Anthology XML: ids, papers to records, venues and kinds, streaming and recovery from broken XML."""

from __future__ import annotations

import importlib.util
import random
import sys
from itertools import combinations
from pathlib import Path
from types import ModuleType

import pytest

from kg.errors import ParseError
from kg.records import Kind, ParseReport, PersonName, Record
from kg.sources import SourceContext, detect, get, read
from kg.sources.acl import anthology_id, iter_corpus, load_venues, parse_bytes, parse_collection_id

ROOT = Path(__file__).resolve().parents[1]
ACL = Path(__file__).resolve().parent / "data" / "acl"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "acl-anthology" / "xml"


def records(name: str) -> tuple[list[Record], ParseReport]:
    return read(ACL / name)


def line_of(name: str, needle: str) -> int:
    lines = (ACL / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, 1) if needle in text)


@pytest.mark.parametrize(("collection", "volume", "paper", "full"), [
    ("P19", "1", "1", "P19-1001"),
    ("W16", "34", "1", "W16-3401"),
    ("W16", "1", "12", "W16-0112"),
    ("C69", "1", "1", "C69-0101"),
    ("D19", "50", "1", "D19-5001"),
    ("D19", "1", "53", "D19-1053"),
    ("2020.acl", "main", "1", "2020.acl-main.1"),
    ("2020.acl", "main", None, "2020.acl-main"),
    ("J19", "1", None, "J19-1"),
])
def test_anthology_ids(collection: str, volume: str, paper: str | None, full: str) -> None:
    assert anthology_id(collection, volume, paper) == full


@pytest.mark.parametrize(("collection", "expected"), [
    ("C92", (1992, "C", None)),
    ("J19", (2019, "J", None)),
    ("W00", (2000, "W", None)),
    ("T75", (1975, "T", None)),
    ("2021.findings", (2021, None, "findings")),
    ("odd", (None, None, None)),
])
def test_collection_ids(collection: str, expected: tuple[object, ...]) -> None:
    assert parse_collection_id(collection) == expected


@pytest.mark.parametrize(("name", "keys"), [
    ("2020.acl.xml", ["2020.acl-main.1", "2020.acl-main.2", "2020.acl-main.644"]),
    ("P19.xml", ["P19-1001", "P19-1130"]),
    ("W16.xml", ["W16-0101", "W16-3401", "W16-3402"]),
    ("W19.xml", ["W19-0101"]),
    ("Q19.xml", ["Q19-1001"]),
    ("J19.xml", ["J19-1001"]),
])
def test_every_excerpt_reads_cleanly(name: str, keys: list[str]) -> None:
    recs, report = records(name)
    assert [r.key for r in recs] == keys
    assert [r.first_id("acl") for r in recs] == keys
    assert report.format == "acl-anthology"
    assert (report.records, report.set_aside, report.issues) == (len(keys), 0, [])
    # A volume's front matter is read into the venue, not as a paper.
    assert report.absorbed == (ACL / name).read_text(encoding="utf-8").count("<frontmatter>")
    text = (ACL / name).read_text(encoding="utf-8")
    for r in recs:
        assert r.raw.startswith("<paper id=") and r.raw.endswith("</paper>")
        at = text.index(r.raw)
        assert (r.line, r.end_line) == (text.count("\n", 0, at) + 1, text.count("\n", 0, at + len(r.raw)) + 1)


def test_new_style_paper() -> None:
    recs, _ = records("2020.acl.xml")
    r = recs[0]
    assert r.source == "2020.acl" and r.key == "2020.acl-main.1"
    assert (r.line, r.end_line) == (line_of("2020.acl.xml", '<paper id="1">'), 32)
    assert r.title == "Learning to Understand Child-directed and Adult-directed Speech"
    assert [a.printed for a in r.authors] == ["Lieke Gelderloos", "Grzegorz Chrupała", "Afra Alishahi"]
    assert (r.authors[1].given, r.authors[1].family, r.authors[1].identifier) == ("Grzegorz", "Chrupała",
                                                                                 None)
    assert r.kind == Kind.CONFERENCE
    assert r.venue is not None
    assert r.venue.name == ("Proceedings of the 58th Annual Meeting of the Association for "
                            "Computational Linguistics")
    assert (r.venue.series, r.venue.pages) == ("ACL", "1–6")
    assert r.venue.publisher == "Association for Computational Linguistics"
    assert [e.printed for e in r.venue.editors] == ["Dan Jurafsky", "Joyce Chai", "Natalie Schluter",
                                                     "Joel Tetreault"]
    assert r.date is not None and r.date.isoformat() == "2020-07" and r.date.inferred == ()
    assert r.first_id("doi") == "10.18653/v1/2020.acl-main.1"
    assert r.first_id("url") == "https://aclanthology.org/2020.acl-main.1"
    assert r.abstract is not None and r.abstract.startswith("Speech directed to children differs")
    assert r.extra["bibkey"] == "gelderloos-etal-2020-learning"
    assert r.extra["volume"] == "2020.acl-main"


def test_title_markup_is_stripped_and_kept_in_the_printed_form() -> None:
    recs, _ = records("2020.acl.xml")
    r = recs[2]
    assert r.title == ("Refer360^{\\circ}: A Referring Expression Recognition Dataset in 360^{\\circ} "
                       "Images")
    assert r.title_printed is not None and r.title_printed.startswith("Refer360$^{\\circ}$:")
    p19, _ = records("P19.xml")
    assert p19[1].title.startswith("Exploiting Entity BIO Tag Embeddings")
    assert p19[1].title_printed is not None
    assert p19[1].title_printed.startswith("Exploiting Entity {BIO} Tag")


def test_author_ids_and_name_parts_come_from_the_xml() -> None:
    recs, _ = records("P19.xml")
    bo = recs[1].authors[1]
    assert (bo.printed, bo.given, bo.family, bo.identifier) == ("Bo Li", "Bo", "Li", "acl:bo-li")
    # <first>/<last> are taken as given: a particle stays in the family name, a suffix too.
    w19, _ = records("W19.xml")
    marten = w19[0].authors[0]
    assert (marten.given, marten.family, marten.particle) == ("Marten", "van Schijndel", "")
    w16, _ = records("W16.xml")
    assert w16[0].venue is not None and w16[0].venue.editors[3].family == "Daumé III"
    # White space between <first> and <last> (W16) does not leak into the names.
    assert w16[0].authors[0].printed == "Charley Beller"


def test_workshops_and_journals_inside_workshop_volumes() -> None:
    recs, _ = records("W16.xml")
    ws, baltic = recs[0], recs[1]
    assert ws.kind == Kind.WORKSHOP
    assert ws.venue is not None and ws.venue.series is None  # 'W' names no single venue
    assert baltic.kind == Kind.JOURNAL
    assert baltic.venue is not None
    assert (baltic.venue.name, baltic.venue.issue, baltic.venue.pages) == (
        "Baltic Journal of Modern Computing", "2", "106–114")  # the range as BibTeX prints it


def test_year_from_the_collection_id_is_marked_inferred() -> None:
    recs, _ = records("W19.xml")
    assert recs[0].date is not None
    assert (recs[0].date.year, recs[0].date.month, recs[0].date.inferred) == (2019, None, ("year",))
    assert recs[0].kind == Kind.WORKSHOP


@pytest.mark.parametrize(("name", "venue", "volume", "issue", "series", "month"), [
    ("Q19.xml", "Transactions of the Association for Computational Linguistics", "7", None, "TACL", 3),
    ("J19.xml", "Computational Linguistics", "45", "1", "CL", 3),
])
def test_journals(name: str, venue: str, volume: str, issue: str | None, series: str,
                  month: int) -> None:
    recs, _ = records(name)
    r = recs[0]
    assert r.kind == Kind.JOURNAL
    assert r.venue is not None
    assert (r.venue.name, r.venue.volume, r.venue.issue, r.venue.series) == (venue, volume, issue, series)
    assert r.date is not None and r.date.month == month


def test_format_is_registered_and_detected() -> None:
    assert get("acl").name == "acl-anthology"
    text = (ACL / "P19.xml").read_text(encoding="utf-8")
    assert detect(text, "P19.xml").name == "acl-anthology"
    assert detect(text, "noname").name == "acl-anthology"
    assert get("acl").detect is not None and get("acl").detect("<root/>") == 0.0


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = (ACL / "2020.acl.xml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "2020.acl.xml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_broken_paper_is_set_aside_and_the_rest_read(tmp_path: Path) -> None:
    path = broken(tmp_path, "<pages>7–18</pages>", "<pages>7–18</page>")
    recs, report = read(path)
    assert [r.key for r in recs] == ["2020.acl-main.1", "2020.acl-main.644"]
    assert report.set_aside == 1
    line = path.read_text(encoding="utf-8").splitlines().index("      <pages>7–18</page>") + 1
    paper_line = line_of("2020.acl.xml", '<paper id="2">')
    assert [str(i) for i in report.issues] == [
        f"{path}:{line}: XML not well-formed: mismatched tag; the paper at line {paper_line} is set aside"]
    # After the restart, lines, the volume's metadata and raw text are still right.
    last = recs[1]
    assert last.line == line_of("2020.acl.xml", '<paper id="644">')
    assert last.venue is not None and last.venue.series == "ACL" and last.date is not None
    assert last.raw.startswith('<paper id="644">')


def test_a_volumes_isbn_is_its_papers_and_a_wrong_one_is_reported(tmp_path: Path) -> None:
    # 1993.eamt.xml prints <isbn>3-540-59040-4</isbn>: an ISBN-10, written as ISBN-13.
    meta = "<publisher>Association for Computational Linguistics</publisher>"
    path = broken(tmp_path, meta, meta + "<isbn>3-540-59040-4</isbn><isbn>978-1-23456-789-0</isbn>")
    recs, report = read(path)
    assert {tuple(r.ids("isbn")) for r in recs} == {("978-3-540-59040-8",)}
    assert [i.message for i in report.warnings] == [
        "volume 2020.acl-main: isbn '978-1-23456-789-0' is not a valid ISBN; left out"]


def test_truncated_file_keeps_what_was_complete(tmp_path: Path) -> None:
    text = (ACL / "2020.acl.xml").read_text(encoding="utf-8")
    cut = text.index("<abstract>Accurately")
    path = tmp_path / "2020.acl.xml"
    path.write_text(text[:cut], encoding="utf-8")
    recs, report = read(path)
    assert [r.key for r in recs] == ["2020.acl-main.1"]
    assert report.set_aside == 1
    assert "the paper at line 33 is set aside" in report.issues[0].message


def test_strict_mode_stops_at_the_error(tmp_path: Path) -> None:
    path = broken(tmp_path, "<pages>7–18</pages>", "<pages>7–18</page>")
    ctx = SourceContext(source="x", filename=str(path), strict=True)
    with pytest.raises(ParseError) as info:
        read(path, ctx=ctx)
    text = path.read_text(encoding="utf-8")
    assert info.value.line == text.count("\n", 0, text.index("<pages>7–18</page>")) + 1
    assert "mismatched tag" in info.value.message


def test_paper_without_title_is_set_aside(tmp_path: Path) -> None:
    path = broken(tmp_path, "<title>Predicting Depression in Screening Interviews from Latent "
                  "Categorization of Interview Prompts</title>", "")
    recs, report = read(path)
    assert len(recs) == 2
    line = line_of("2020.acl.xml", '<paper id="2">')
    assert [str(i) for i in report.errors] == [f"{path}:{line}: paper 2020.acl-main.2 has no title; set aside"]


def test_markup_nested_deeper_than_python_recurses_still_reads() -> None:
    depth = 5 * sys.getrecursionlimit()
    data = (b'<collection id="X20"><volume id="1"><meta><booktitle>B</booktitle><year>2020</year>'
            b'</meta><paper id="1"><title>' + b"<fixed-case>" * depth + b"Deep" +
            b"</fixed-case>" * depth + b" title</title><author><first>A.</first><last>Bee</last>"
            b"</author></paper></volume></collection>")
    ctx = SourceContext(source="s", filename="s.xml")
    [r] = parse_bytes(data, ctx)
    assert r.title == "Deep title"
    assert r.title_printed == "{" * depth + "Deep" + "}" * depth + " title"


def test_records_stream_before_the_file_is_finished() -> None:
    data = (ACL / "2020.acl.xml").read_bytes()
    data = data[: data.index(b"</collection>")] + b"<paper>" * 1000 + b"&broken;"
    ctx = SourceContext(source="s", filename="s.xml")
    stream = parse_bytes(data, ctx)
    first = next(stream)
    assert first.key == "2020.acl-main.1"
    assert ctx.report is not None and ctx.report.issues == []  # the broken tail is not read yet
    rest = list(stream)
    assert len(rest) == 2 and ctx.report.issues


def test_iter_corpus_reads_each_file_with_its_own_report(tmp_path: Path) -> None:
    for name in ("P19.xml", "2020.acl.xml"):
        (tmp_path / name).write_bytes((ACL / name).read_bytes())
    (tmp_path / "venues.yaml").write_text(
        "acl:\n  acronym: ACL-venue\n  name: Annual Meeting\n  oldstyle_letter: P\n"
        "starsem:\n  acronym: '*SEM'\n", encoding="utf-8")
    assert load_venues(tmp_path / "venues.yaml") == {"acl": "ACL-venue", "starsem": "*SEM"}
    reports: list[ParseReport] = []
    recs = list(iter_corpus(tmp_path, reports=reports))
    assert [r.source for r in recs] == ["2020.acl"] * 3 + ["P19"] * 2
    assert [(rep.filename, rep.records) for rep in reports] == [
        (str(tmp_path / "2020.acl.xml"), 3), (str(tmp_path / "P19.xml"), 2)]
    assert recs[0].venue is not None and recs[0].venue.series == "ACL-venue"  # from the venue table
    assert recs[3].venue is not None and recs[3].venue.series == "ACL"  # old-style letter


def test_a_collection_file_read_alone_finds_the_venue_table_above_it(tmp_path: Path) -> None:
    (tmp_path / "xml").mkdir()
    (tmp_path / "xml" / "2020.acl.xml").write_bytes((ACL / "2020.acl.xml").read_bytes())
    (tmp_path / "venues.yaml").write_text("acl:\n  acronym: ACL-venue\n", encoding="utf-8")
    recs, _ = read(tmp_path / "xml" / "2020.acl.xml")
    assert recs[0].venue is not None and recs[0].venue.series == "ACL-venue"


@pytest.mark.skipif(not (CORPUS / "2020.acl.xml").is_file(), reason="ACL Anthology corpus not present")
def test_a_whole_real_collection() -> None:
    recs, report = read(CORPUS / "2020.acl.xml")
    assert (report.records, report.set_aside, len(report.issues)) == (871, 0, 0)
    assert len({r.key for r in recs}) == 871
    assert all(r.title and r.date and r.date.year == 2020 for r in recs)


def bench_module(name: str) -> ModuleType:
    """A bench script imported as a module (bench/ is not a package)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_pairwise_scores_match_counting_every_pair() -> None:
    truth_mod = bench_module("acl_truth")
    rng = random.Random(7)
    for _ in range(20):
        n = rng.randint(0, 40)
        predicted = {i: rng.randint(0, 6) for i in range(n)}
        truth = {i: rng.randint(0, 4) for i in range(n)}
        pairs = list(combinations(range(n), 2))
        same_p = {pair for pair in pairs if predicted[pair[0]] == predicted[pair[1]]}
        same_t = {pair for pair in pairs if truth[pair[0]] == truth[pair[1]]}
        s = truth_mod.pairwise_scores(predicted, truth)
        assert (s.correct_pairs, s.predicted_pairs, s.true_pairs) == (
            len(same_p & same_t), len(same_p), len(same_t))
        if same_p:
            assert s.precision == pytest.approx(len(same_p & same_t) / len(same_p))
        if same_t:
            assert s.recall == pytest.approx(len(same_p & same_t) / len(same_t))
    with pytest.raises(ValueError, match="only one of the two"):
        truth_mod.pairwise_scores({1: "a"}, {2: "a"})


def test_person_truth_rule(tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    truth_mod = bench_module("acl_truth")
    path = tmp_path / "name_variants.yaml"
    path.write_text(
        "- canonical: {first: Steven, last: Abney}\n"
        "  id: steven-abney\n"
        "  variants:\n"
        "  - {first: Steve, last: Abney}\n"
        "- canonical: {first: Ramzi, last: Abbès}\n"
        "  variants:\n"
        "  - {first: Ramzi, last: Abbes}\n"
        "- canonical: {first: Bo, last: Li}\n"
        "  id: bo-li-nus\n"
        "- canonical: {first: Bo, last: Li}\n"
        "  id: bo-li\n"
        "  comment: May refer to several people\n", encoding="utf-8")
    names = truth_mod.load_names(path)

    def who(first: str, last: str, pid: str | None = None) -> str:
        name = PersonName(printed=f"{first} {last}", given=first, family=last,
                          identifier=f"acl:{pid}" if pid else None)
        return truth_mod.truth_person(name, names)

    assert who("Steve", "Abney") == who("Steven", "Abney") == "id:steven-abney"
    assert who("Ramzi", "Abbes") == who("Ramzi", "Abbès") == "name:Ramzi Abbès"
    assert who("Bo", "Li", "bo-li-nus") == "id:bo-li-nus"  # an explicit id wins
    assert who("Bo", "Li") == "id:bo-li"  # a shared name without id: the catch-all entry
    assert who("Ann", "Other") == "name:Ann Other"
    # The baseline clusters by printed string: it fuses the two Bo Lis and splits Steve/Steven.
    authors = [PersonName(printed="Bo Li", given="Bo", family="Li", identifier="acl:bo-li-nus"),
               PersonName(printed="Bo Li", given="Bo", family="Li"),
               PersonName(printed="Steve Abney", given="Steve", family="Abney"),
               PersonName(printed="Steven Abney", given="Steven", family="Abney"),
               PersonName(printed="Ramzi Abbes", given="Ramzi", family="Abbes")]
    papers = [Record(source="s", key=str(i), line=1, title="t", authors=[a]) for i, a in enumerate(authors)]
    predicted, truth = truth_mod.baseline(papers, names)
    assert predicted[("s#4", 0)] == "Ramzi Abbes" and truth[("s#4", 0)] == "name:Ramzi Abbès"
    s = truth_mod.pairwise_scores(predicted, truth)
    assert (s.precision, s.recall) == (0.0, 0.0)
