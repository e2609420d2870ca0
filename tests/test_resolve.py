"""Resolution of the seed documents, scored against a hand-made expected resolution (tests/data)."""

from __future__ import annotations

import random
import re
import tomllib

import pytest

from kg.pipeline import read_all
from kg.records import Kind
from kg.resolve import resolve
from kg.resolve.evaluate import pairwise
from kg.resolve.venues import analyse
from kg.text import latex_to_unicode

from .conftest import TESTDATA

EXPECTED = tomllib.loads((TESTDATA / "seed-resolution.toml").read_text(encoding="utf-8"))


def ref(resolution, uid: str) -> str:
    r = resolution.records[uid]
    return f"{r.source}:{r.line}"


def work_scores(resolution):
    truth = {rec: name for name, recs in EXPECTED["works"].items() for rec in recs}
    predicted = {ref(resolution, uid): w.path for w in resolution.works for uid in w.records}
    assert set(truth) == set(predicted), "every record is in the expected resolution"
    return pairwise(predicted, truth)


def test_every_record_is_resolved_exactly_once(resolution):
    uids = [u for w in resolution.works for u in w.records]
    assert sorted(uids) == sorted(resolution.records)
    assert len(resolution.records) == 16 + 11 + 10 + 24 + 6


def test_works_precision_is_perfect(resolution):
    scores = work_scores(resolution)
    assert scores.precision == 1.0
    # Only the retitled Merlin-Arthur paper is missed (3 of its 6 pairs): listed as a candidate instead.
    assert scores.true_pairs - scores.correct_pairs == 3
    assert len(resolution.works) == EXPECTED["facts"]["works"] + 1


def test_versions_group_preprints_and_published_papers(resolution):
    by_record = {ref(resolution, u): (w, v) for w in resolution.works for v in w.versions
                 for u in v.records}
    for name, groups in EXPECTED["versions"].items():
        versions = [{by_record[r][1].path for r in group} for group in groups]
        assert all(len(v) == 1 for v in versions), name
        assert len({next(iter(v)) for v in versions}) == len(groups), name
        works = {by_record[r][0].path for group in groups for r in group}
        assert len(works) == 1, name


def test_people_precision_is_perfect(resolution):
    form_to_person = {latex_to_unicode(f): p for p, forms in EXPECTED["people"].items()
                      for f in forms}
    predicted, truth = {}, {}
    for w in resolution.works:
        for a in w.authors:
            for m in a.mentions:
                key = (m.record, m.printed)
                predicted[key] = a.person
                truth[key] = form_to_person[latex_to_unicode(m.printed)]
    scores = pairwise(predicted, truth)
    assert scores.precision == 1.0
    assert scores.recall == 1.0
    assert len(resolution.persons) == EXPECTED["facts"]["people"]


def test_venue_series(resolution):
    truth = {rec: s for s, recs in EXPECTED["series"].items() for rec in recs}
    edition_series = {e.path: e.series for e in resolution.editions}
    predicted = {}
    for w in resolution.works:
        for v in w.versions:
            for uid in v.records:
                r = ref(resolution, uid)
                if r in truth and v.edition:
                    predicted[r] = edition_series.get(v.edition, v.edition)
    assert set(predicted) == set(truth)
    scores = pairwise(predicted, truth)
    assert (scores.precision, scores.recall) == (1.0, 1.0)


@pytest.mark.parametrize(("printed", "series"), [
    ("Math. Ann.", "Math. Ann."),  # the dot of an abbreviation is the name's
    ("Lab. for Computer Science, M.I.T.", "Lab. for Computer Science, M.I.T."),
    ("Annual Meeting of the Cognitive Science Society.",
     "Annual Meeting of the Cognitive Science Society"),
    ("Web 2.0 Conference.", "Web 2.0 Conference"),
    ("J. Comb. Theory, Ser. B,", "J. Comb. Theory, Ser. B"),
    ("Proceedings of the London Mathematical Society", "Proceedings of the London Mathematical Society"),
    ("In Proc. of the National Academy of Sciences", "Proc. of the National Academy of Sciences"),
])
def test_a_series_name_ends_without_punctuation_but_an_abbreviations_dot(printed, series):
    assert analyse(printed, kind=Kind.JOURNAL).series_name == series


_DBLP_ICLR = ("The Eleventh International Conference on Learning Representations, {ICLR} 2023, "
              "Kigali, Rwanda, May 1-5, 2023")
_DBLP_AISTATS = ("International Conference on Artificial Intelligence and Statistics, 2-4 May 2024, "
                 "Palau de Congressos, Valencia, Spain")
_DBLP_KDD = ("Proceedings of the 25th ACM SIGKDD International Conference on Knowledge Discovery "
             "{\\&} Data Mining, {KDD} 2019, Anchorage, AK, USA, August 4-8, 2019")
_KDD = ("Proceedings of the 25th ACM SIGKDD International Conference on Knowledge Discovery & Data "
        "Mining")
_DBLP_NEURIPS = ("Advances in Neural Information Processing Systems 36: Annual Conference on Neural "
                 "Information Processing Systems 2023, NeurIPS 2023, New Orleans, LA, USA, "
                 "December 10 - 16, 2023")
_DBLP_ECCV = ("Computer Vision - {ECCV} 2020 - 16th European Conference, Glasgow, UK, August 23-28, "
              "2020, Proceedings, Part {XXX}")
_SPRINGER_ECCV = ("Computer Vision – ECCV 2020: 16th European Conference, Glasgow, UK, August 23–28, "
                  "2020, Proceedings, Part XXX")
_ACM_SIGIR = ("SIGIR '20: Proceedings of the 43rd International ACM SIGIR Conference on Research and "
              "Development in Information Retrieval, Virtual Event, China, July 25-30, 2020")
_SIGIR = ("Proceedings of the 43rd International ACM SIGIR Conference on Research and Development "
          "in Information Retrieval")


@pytest.mark.parametrize("printed,plain,acronym,year", [
    # dblp: the edition's acronym, place and dates after the title
    (_DBLP_ICLR, "The Eleventh International Conference on Learning Representations", "ICLR", 2023),
    (_DBLP_AISTATS, "International Conference on Artificial Intelligence and Statistics", None, 2024),
    (_DBLP_KDD, _KDD, "KDD", 2019),
    (_DBLP_NEURIPS, "Advances in Neural Information Processing Systems", "NeurIPS", 2023),
    # Springer's Lecture Notes: a topic, a dash and the tag; dblp's and Springer's BibTeX of one book
    (_DBLP_ECCV, "Computer Vision -- ECCV 2020", "ECCV", 2020),
    (_SPRINGER_ECCV, "Computer Vision–ECCV 2020", "ECCV", 2020),
    # ACM: the acronym and year before the title
    (_ACM_SIGIR, _SIGIR, "SIGIR", 2020),
])
def test_an_edition_printed_with_its_acronym_place_and_dates_is_of_the_plain_series(
        printed, plain, acronym, year):
    full = analyse(latex_to_unicode(printed), kind=Kind.CONFERENCE)
    assert full.series_key == analyse(plain, kind=Kind.CONFERENCE).series_key
    assert (full.acronym, full.year) == (acronym, year)
    assert full.edition_name == latex_to_unicode(printed)  # the edition keeps what was printed


@pytest.mark.parametrize("printed", [
    "Lab. for Computer Science, M.I.T.",  # no acronym with a year, no date: nothing to take off
    "Proceedings of the Joint Conference JEP-TALN-RECITAL 2012, volume 1: JEP",
    # a comma inside parentheses does not part a name
    "Proceedings of the Fifth International Conference on Dependency Linguistics (Depling, SyntaxFest 2019)",
])
def test_a_name_without_particulars_after_a_comma_keeps_its_parts(printed):
    from kg.resolve.venues import split_particulars
    assert split_particulars(printed) == (printed, None, None)


@pytest.mark.parametrize("printed", [
    "ICLR", "ICLR 2023", "Proc. ICLR", "Proc. of ICLR 2023", "In: Proceedings of ICLR'23", "ICLR '23",
    "In ICLR, 2023", "ICLR (Poster)", "ICLR 2023 (oral)", "ICLR 2023 notable top 5%",
])
def test_a_venue_printed_by_its_acronym_however_abbreviated_is_one_series(printed):
    v = analyse(printed, kind=Kind.CONFERENCE)
    assert (v.series_key, v.acronym) == ("iclr", "ICLR")
    assert v.year in (None, 2023)


def test_proceedings_without_of_and_a_glued_short_year():
    v = analyse("Proceedings 4th International Conference on Fun with Algorithms, FUN 2007")
    assert (v.series_key, v.ordinal, v.acronym, v.year) == (
        "international conference on fun with algorithms", 4, "FUN", 2007)
    assert analyse("SIGIR'20").year == 2020
    # a journal keeps the word in its name
    assert analyse("Proc Natl Acad Sci U S A", kind=Kind.JOURNAL).series_name == "Proc Natl Acad Sci U S A"


def test_a_topic_with_another_tag_is_another_series():
    eccv, accv = (analyse(f"Computer Vision – {t} 2020", kind=Kind.CONFERENCE) for t in ("ECCV", "ACCV"))
    assert eccv.series_key != accv.series_key
    # a hyphen inside an acronym is no dash before a tag
    assert analyse("Companion Volume of the Proceedings of HLT-NAACL 2003 - Short Papers").acronym is None


def test_a_workshop_track_of_a_conference_stays_a_venue_of_its_own():
    iclr = "6th International Conference on Learning Representations, ICLR 2018"
    track = analyse(f"{iclr}, Workshop Track Proceedings", kind=Kind.CONFERENCE)
    main = analyse(f"{iclr}, Conference Track Proceedings", kind=Kind.CONFERENCE)
    assert track.kind == "workshop" and main.kind == "conference"
    assert track.series_key != main.series_key == "international conference on learning representations"


def test_a_journal_keeps_proceedings_in_its_name_and_its_key_goes_without():
    journal = analyse("Proceedings of the London Mathematical Society", kind=Kind.JOURNAL)
    conference = analyse("Proceedings of the London Mathematical Society", kind=Kind.CONFERENCE)
    assert journal.series_key == conference.series_key == "london mathematical society"
    assert conference.series_name == "London Mathematical Society"


@pytest.mark.parametrize("short, full", [
    ("IEEE Trans. Pattern Anal. Mach. Intell.", "IEEE Transactions on Pattern Analysis and Machine Intelligence"),
    ("Int. Conf. Learn. Represent.", "International Conference on Learning Representations"),
    ("Proc. Natl. Acad. Sci. U.S.A.", "Proceedings of the National Academy of Sciences of the United States of America"),
    ("J.~Mach.\\@ Learn.\\@ Res.", "Journal of Machine Learning Research"),
    ("Ann. Phys.", "Annalen der Physik"),
    ("Workshop on Semantic Evaluation", "Workshop on Semantic Evaluations"),
])
def test_an_abbreviated_name_abbreviates_the_full_one(short, full):
    from kg.resolve.venues import abbreviates, name_words
    assert abbreviates(name_words(short), name_words(full))
    assert not abbreviates(name_words(full), name_words(short))


@pytest.mark.parametrize("short, full", [
    ("J. Comb. Theory, Ser. A", "Journal of Combinatorial Theory, Series B"),
    ("Machine Translation Summit XII", "Machine Translation Summit XIII"),
    ("PPSN 2012, Part I", "PPSN 2012, Part II"),
    ("Workshop on Argument Mining", "Workshop on Argumentation Mining"),  # no dot: not cut short
    ("Evol. Comput.", "IEEE Transactions on Evolutionary Computation"),
    ("Nat.", "Nature"),  # one word is too little to go on
])
def test_names_that_do_not_abbreviate_one_another(short, full):
    from kg.resolve.venues import abbreviates, name_words
    assert not abbreviates(name_words(short), name_words(full))


def test_an_abbreviation_goes_to_the_one_series_it_fits_and_nowhere_when_several_fit():
    from kg.resolve.venues import abbreviation_aliases
    series = {"evol comput": ({"Evol. Comput."}, "journal", set()),
              "evolutionary computation": ({"Evolutionary Computation"}, "journal", set()),
              "ieee trans evol comput": ({"IEEE Trans. Evol. Comput."}, "journal", set()),
              "ieee trans evolutionary computation": (
                  {"IEEE Trans. Evolutionary Computation"}, "journal", set()),
              "ieee transactions on evolutionary computation": (
                  {"IEEE Transactions on Evolutionary Computation"}, "journal", set()),
              "neural comput": ({"Neural Comput."}, "journal", set()),
              "neural computation": ({"Neural Computation"}, "journal", set()),
              "neural computing": ({"Neural Computing"}, "journal", set()),
              "int conf learn represent": ({"Int. Conf. Learn. Represent."}, "conference", {"iclr"}),
              "international conference on learning representations": (
                  {"International Conference on Learning Representations"}, "journal", set()),
              "int conf mach learn": ({"Int. Conf. Mach. Learn."}, "conference", {"icml"}),
              "international conference on machine learning": (
                  {"International Conference on Machine Learning"}, "conference", {"icmla"})}
    assert abbreviation_aliases(series) == {
        "evol comput": "evolutionary computation",
        # a chain ends at the full name
        "ieee trans evol comput": "ieee transactions on evolutionary computation",
        "ieee trans evolutionary computation": "ieee transactions on evolutionary computation"}
    # 'Neural Comput.' fits two series; ICLR's abbreviation is no journal; ICML is not ICMLA


def test_iridias_abbreviated_journal_names_find_their_full_names():
    # IRIDIA's bibliography defines each journal's full name and its ISO 4 short form under one macro.
    from kg.resolve.venues import abbreviation_aliases

    def macros(name: str) -> dict[str, str]:
        text = (TESTDATA / "venues" / name).read_text(encoding="utf-8")
        return {m.group(1).lower(): m.group(2) for m in re.finditer(r'@string\{\s*([\w-]+)\s*=\s*"([^"]*)"', text)}
    full, short = macros("journals.bib"), macros("abbrevshort.bib")
    series: dict = {}
    for name in [*full.values(), *short.values()]:
        v = analyse(name, kind=Kind.JOURNAL)
        series.setdefault(v.series_key, ({name, v.series_name}, "journal", set()))[0].add(name)
    truth = {analyse(short[m], kind=Kind.JOURNAL).series_key: analyse(full[m], kind=Kind.JOURNAL).series_key
             for m in short.keys() & full.keys()}
    truth = {s: f for s, f in truth.items() if s != f}  # some full names are printed abbreviated
    aliases = abbreviation_aliases(series)
    right = {s for s, f in truth.items() if aliases.get(s) == f}
    wrong = {s for s in aliases if s in truth and aliases[s] != truth[s]} | (aliases.keys() - truth.keys())
    assert len(truth) == 38
    assert len(right) == 37 and not wrong  # the one miss: 'tocs' names two journals in the two files
    assert "acm trans comput syst" in truth.keys() - right


def test_workshops_are_their_own_series_held_at_the_conference(resolution):
    editions = {e.path: e for e in resolution.editions}
    workshops = [e for e in resolution.editions if e.kind == "workshop"]
    assert len(workshops) == 2
    assert sorted(e.host for e in workshops) == ["venue/iclr/2024", "venue/iclr/2025"]
    assert all(editions[e.host].series == "venue/iclr" for e in workshops)
    iclr = next(s for s in resolution.series if s.path == "venue/iclr")
    assert iclr.acronym == "ICLR" and iclr.name == "International Conference on Learning Representations"
    assert [editions[p].ordinal for p in iclr.editions] == [11, 12, 13]


def test_arxiv_conflict_is_reported_and_not_merged(resolution):
    (conflict,) = resolution.conflicts
    assert (conflict.scheme, conflict.value) == ("arxiv", "2501.19328")
    assert len(set(conflict.works)) == 2
    assert conflict.owner is not None and "capturing-temporal-dynamics" in conflict.owner
    assert any("not in the month" in e for e in conflict.evidence)
    owner = next(w for w in resolution.works if w.path == conflict.owner)
    loser = next(w for w in resolution.works if w.path in conflict.works and w.path != conflict.owner)
    assert owner.identifiers.get("arxiv") == ["2501.19328"]
    assert "arxiv" not in loser.identifiers


def test_retitled_version_is_a_candidate_with_reasons(resolution):
    (cand,) = resolution.candidates
    assert "merlin-arthur" in cand.a and "merlin-arthur" in cand.b
    assert any("grown author list" in r for r in cand.reasons)
    assert any("month of arXiv:2206.00759" in r for r in cand.reasons)


def test_truncated_lists_are_prefixes_and_owner_is_implied(resolution):
    works = {w.path: w for w in resolution.works}
    echosat = next(w for p, w in works.items() if "echosat" in p)
    assert not echosat.authors_complete
    assert [a.position for a in echosat.authors] == [1, 2, 3, None]
    assert echosat.authors[-1].person == "person/max-zimmer"
    sms = next(w for p, w in works.items() if p.endswith("sparse-model-soups"))
    assert sms.authors_complete and len(sms.authors) == 3
    # The aggregator's truncated DUNIA list was completed by the fuller sources.
    dunia = next(w for p, w in works.items() if "dunia" in p)
    assert dunia.authors_complete and len(dunia.authors) == 9


def test_preferred_names_are_the_fullest_forms(resolution):
    names = {p.path: p for p in resolution.persons}
    assert names["person/philippe-ciais"].name == "Philippe Ciais"
    assert "Philippe CIAIS" in names["person/philippe-ciais"].variants
    assert names["person/laura-vargas-koch"].name == "Laura Vargas Koch"
    assert "L. V. Koch" in names["person/laura-vargas-koch"].variants
    assert names["person/stephan-waldchen"].name == "Stephan Wäldchen"
    assert {"M. Zimmer", "Zimmer, Max"} <= set(names["person/max-zimmer"].variants)


def test_people_sharing_an_initial_and_surname_stay_apart():
    from kg.records import Record
    from kg.names import parse_name
    from kg.resolve.model import SourceInfo
    from kg.resolve import SourceRecords

    def rec(key, title, authors):
        return Record(source="s", key=key, line=1, title=title,
                      authors=[parse_name(a) for a in authors])

    records = [
        rec("a", "A first paper on graphs", ["Max Zimmer", "Ann Other"]),
        rec("b", "A second paper on sets", ["Moritz Zimmer", "Ann Other"]),
        rec("c", "A third paper on maps", ["M. Zimmer", "Ann Other"]),
    ]
    res = resolve([SourceRecords(SourceInfo(id="s", filename="s", format="x", trust=0.5), records)])
    zimmers = [p for p in res.persons if p.family == "Zimmer"]
    assert len(zimmers) == 2  # 'M. Zimmer' joins one of them; Max and Moritz never merge
    assert {p.name for p in zimmers} == {"Max Zimmer", "Moritz Zimmer"}


def test_no_merge_on_surname_alone():
    from kg.names import parse_name
    from kg.records import Record
    from kg.resolve import SourceRecords
    from kg.resolve.model import SourceInfo

    records = [
        Record(source="s", key="a", line=1, title="Alpha", authors=[parse_name("J. Smith")]),
        Record(source="s", key="b", line=2, title="Beta", authors=[parse_name("John Smith")]),
    ]
    res = resolve([SourceRecords(SourceInfo(id="s", filename="s", format="x", trust=0.5), records)])
    assert len([p for p in res.persons if p.family == "Smith"]) == 2


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_resolution_is_independent_of_order_and_repeatable(manifest, resolution, seed):
    inputs = read_all(manifest)
    random.Random(seed).shuffle(inputs)
    for src in inputs:
        random.Random(seed).shuffle(src.records)
    again = resolve(inputs)
    assert [(w.path, sorted(w.records), [v.path for v in w.versions],
             [(a.position, a.person) for a in w.authors]) for w in again.works] == \
           [(w.path, sorted(w.records), [v.path for v in w.versions],
             [(a.position, a.person) for a in w.authors]) for w in resolution.works]
    assert [(p.path, p.name) for p in again.persons] == [(p.path, p.name) for p in resolution.persons]
    assert [e.path for e in again.editions] == [e.path for e in resolution.editions]


@pytest.mark.parametrize(("names", "others", "fit"), [
    ({"JMLR"}, {"Journal of Machine Learning Research"}, True),
    ({"TACL"}, {"Transactions of the Association for Computational Linguistics"}, True),
    ({"J. Mach. Learn. Res."}, {"Journal of Machine Learning Research"}, True),
    ({"Journal of Machine Learning Research"}, {"JMLR"}, True),  # either way round
    ({"ML"}, {"Machine Learning"}, False),  # two words: initials say too little
    ({"jmlr"}, {"Journal of Machine Learning Research"}, False),  # not printed as an acronym
    ({"JAIR"}, {"Journal of Machine Learning Research"}, False),
])
def test_printings_that_fit_one_another(names, others, fit):
    from kg.resolve.venues import printings_fit
    assert printings_fit(names, others) is fit


def _two_printings(tmp_path, second_doi: str):
    from kg.manifest import Manifest, SourceSpec
    from kg.pipeline import resolve_manifest

    a, b = tmp_path / "a.bib", tmp_path / "b.bib"
    a.write_text("@article{x, title = {Curves of Pruned Models}, author = {Roe, Richard}, year = 2023,"
                 " journal = {JMLR}, doi = {10.5555/kg.1}}\n", encoding="utf-8")
    b.write_text("@article{y, title = {Curves of Pruned Models}, author = {Roe, Richard},"
                 " year = 2023, journal = {Journal of Machine Learning Research},"
                 f" doi = {{{second_doi}}}}}\n", encoding="utf-8")
    return resolve_manifest(Manifest(path=None, sources=(SourceSpec(id="a", path=a),
                                                         SourceSpec(id="b", path=b))))


def test_records_of_one_doi_join_the_journal_printed_by_its_acronym_and_by_its_name(tmp_path):
    res = _two_printings(tmp_path, "10.5555/kg.1")
    assert len(res.works) == 1 and len(res.series) == 1
    assert len(res.works[0].versions) == 1
    # Two DOIs (two papers of one title): nothing says JMLR is that journal; initials alone are
    # no evidence.
    res = _two_printings(tmp_path, "10.5555/kg.2")
    assert len(res.works) == 2 and len(res.series) == 2
