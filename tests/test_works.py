"""Work clustering rules: what title and author evidence may and may not merge."""

from __future__ import annotations

import pytest

from kg.names import parse_name
from kg.records import Identifier, Kind, PartialDate, Record
from kg.resolve.works import WorkClusterer, replaced_words
from kg.text import title_key


def rec(key: str, title: str, authors: list[str], year: int, *ids: tuple[str, str]) -> Record:
    return Record(source="s", key=key, line=1, title=title, authors=[parse_name(a) for a in authors],
                  kind=Kind.PREPRINT if any(s == "arxiv" for s, _ in ids) else Kind.CONFERENCE,
                  date=PartialDate(year=year),
                  identifiers=[Identifier(scheme=s, value=v) for s, v in ids])


def works(*records: Record) -> list[set[str]]:
    return [{r.key for r in group} for group in WorkClusterer(list(records)).run()]


@pytest.mark.parametrize(("a", "b", "replaced"), [
    ("A study of fair program synthesis", "A study of neural program synthesis", True),
    ("Scalable speech recognition in edge devices", "Causal speech recognition in edge devices", True),
    ("Self-supervised motion planning", "Unsupervised motion planning", True),
    ("Lona: learning from contracts", "Linze: learning from contracts", True),
    ("Optimisation of sparse networks", "Optimization of sparse networks", False),
    ("Self-supervised motion planning", "Selfsupervised motion planning", False),
    ("Sparse network pruning", "Sparse networks pruning", False),
])
def test_replaced_words(a, b, replaced):
    assert bool(replaced_words(title_key(a), title_key(b))) is replaced


def test_a_word_put_in_place_of_another_makes_another_paper():
    assert works(rec("a", "A Study of Fair Program Synthesis in Relational Databases",
                     ["Hélène Wang", "Giulia Kebel"], 2016),
                 rec("b", "A Study of Neural Program Synthesis in Relational Databases",
                     ["Hélène Wang", "Giulia Kebel"], 2015)) == [{"a"}, {"b"}]


def test_spelling_variants_of_a_title_are_one_paper():
    assert works(rec("a", "Optimisation of sparse networks under memory limits",
                     ["Hélène Wang", "Giulia Kebel"], 2016),
                 rec("b", "Optimization of sparse networks under memory limits",
                     ["Hélène Wang", "Giulia Kebel"], 2016)) == [{"a", "b"}]


def test_title_matches_never_join_works_with_two_arxiv_ids_or_two_dois():
    # Each published paper is joined to its preprint by the title; the two works stay apart although
    # their titles are equal, because joining them would give one work two arXiv ids.
    found = works(
        rec("p1", "Bayesian machine translation made simple", ["Mark Talbel", "Jörg Wenha"], 2023,
            ("arxiv", "2307.00009"), ("doi", "10.1016/ovs.2024.4301")),
        rec("j1", "Bayesian machine translation made simple", ["Mark Talbel", "Jörg Wenha"], 2024,
            ("doi", "10.1016/ovs.2024.4301")),
        rec("p2", "Bayesian machine translation made simple", ["Elizabeth Wang", "Jörg Wenha"], 2022,
            ("arxiv", "2203.00012")))
    assert sorted(found, key=len) == [{"p2"}, {"p1", "j1"}]


def test_a_doi_of_arxiv_does_not_part_a_preprint_from_its_published_paper():
    # arXiv's own DOIs (10.48550) name the preprint; Crossref, DataCite and dblp print them.
    preprint = rec("p", "Bayesian machine translation made simple", ["Mark Talbel", "Jörg Wenha"],
                   2023, ("arxiv", "2307.00009"), ("doi", "10.48550/arxiv.2307.00009"))
    published = rec("j", "Bayesian machine translation made simple", ["Mark Talbel", "Jörg Wenha"],
                    2024, ("doi", "10.1016/ovs.2024.4301"))
    assert works(preprint, published) == [{"p", "j"}]
    other = rec("q", "Bayesian machine translation made simple", ["Mark Talbel", "Jörg Wenha"],
                2023, ("doi", "10.48550/arxiv.2203.00012"), ("arxiv", "2203.00012"))
    assert sorted(works(preprint, other)) == [{"p"}, {"q"}]  # two arXiv ids still part two works


def test_different_initials_are_different_authors():
    # Equal titles, and the one shared family name belongs to two people ('S. Li', 'Gerard Li').
    assert works(rec("a", "Causal dependency parsing made simple", ["S. Li"], 2019),
                 rec("b", "Causal dependency parsing made simple", ["Gerard Li"], 2021)
                 ) == [{"a"}, {"b"}]
    assert works(rec("a", "Causal dependency parsing made simple", ["S. Li"], 2019),
                 rec("b", "Causal dependency parsing made simple", ["Sun Li"], 2020)
                 ) == [{"a", "b"}]


def test_one_shared_coauthor_of_two_groups_is_not_one_paper():
    lists = (["Ramón López", "George Fene", "Ashley Kata"], ["Gérard Lupo", "George Fene"])
    assert works(rec("a", "Towards online cache replacement", lists[0], 1997),
                 rec("b", "Towards online cache replacement", lists[1], 1997)) == [{"a"}, {"b"}]
    # The same first author with one coauthor fewer is one paper.
    assert works(rec("a", "Towards online cache replacement", lists[0], 1997),
                 rec("b", "Towards online cache replacement", lists[0][:2], 1997)) == [{"a", "b"}]


def test_a_record_without_authors_does_not_chain_two_papers_of_one_title():
    """A yearly report of one title, by different people each year: the year whose entry prints no
    authors agrees with each, but the two authored papers disagree, so they stay two works."""
    found = works(rec("r91", "The Consortium for Lexical Research", [], 1991),
                  rec("r92", "The Consortium for Lexical Research", ["Yorick Wilkins"], 1992),
                  rec("r93", "The Consortium for Lexical Research", ["Yorick Wilkins"], 1993),
                  rec("r94", "The Consortium for Lexical Research", ["Louise Gutherson"], 1994))
    assert {"r92", "r93"} <= next(w for w in found if "r92" in w)
    assert not any({"r92", "r94"} <= w for w in found)


def test_records_of_one_pubmed_id_are_one_work_though_their_years_are_far_apart(tmp_path):
    # OpenAlex may date a digitized paper by its upload: 24 years after PubMed's date, too far for
    # a title match; the PMID both print joins them.
    import json

    from kg.manifest import Manifest, SourceSpec
    from kg.pipeline import resolve_manifest

    nbib = tmp_path / "pubmed.nbib"
    nbib.write_text("PMID- 39990042\nTI  - Curves of pruned models.\nFAU - Roe, Richard\nAU  - Roe R\n"
                    "JT  - Journal of examples\nDP  - 1995 Mar\n", encoding="utf-8")
    works = tmp_path / "openalex.json"
    works.write_text(json.dumps({"results": [
        {"id": "https://openalex.org/W4399000042", "title": "Curves of Pruned Models",
         "publication_year": 2019, "type": "article",
         "authorships": [{"author": {"display_name": "Richard Roe"}, "raw_author_name": "R. Roe"}],
         "ids": {"pmid": "https://pubmed.ncbi.nlm.nih.gov/39990042"}}]}), encoding="utf-8")
    res = resolve_manifest(Manifest(path=None, sources=(
        SourceSpec(id="pubmed", path=nbib), SourceSpec(id="openalex", path=works))))
    work_of = {uid: w for w in res.works for uid in w.records}
    assert work_of["pubmed#39990042"] is work_of["openalex#W4399000042"]


def test_a_record_naming_another_version_is_one_work_with_it_whatever_their_titles(tmp_path):
    # ORCID's 'version-of' external id: the journal article names its arXiv preprint, which
    # another source prints under its first title.
    import json

    from kg.manifest import Manifest, SourceSpec
    from kg.pipeline import resolve_manifest

    orcid = tmp_path / "works.json"
    orcid.write_text(json.dumps({"put-code": 7, "type": "journal-article",
                                 "title": {"title": {"value": "Pruned Models Learn Curves"}},
                                 "journal-title": {"value": "Journal of Examples"},
                                 "publication-date": {"year": {"value": "2022"}},
                                 "external-ids": {"external-id": [
                                     {"external-id-type": "arxiv", "external-id-value": "2101.00042",
                                      "external-id-relationship": "version-of"}]}}), encoding="utf-8")
    bib = tmp_path / "arxiv.bib"
    bib.write_text("@misc{roe21, title = {Curves of Pruned Models}, author = {Roe, Richard},\n"
                   "  year = 2021, eprint = {2101.00042}, archiveprefix = {arXiv}}\n", encoding="utf-8")
    res = resolve_manifest(Manifest(path=None, sources=(
        SourceSpec(id="orcid", path=orcid), SourceSpec(id="arxiv", path=bib))))
    (work,) = res.works
    assert sorted(v.kind.value for v in work.versions) == ["journal", "preprint"]
