"""Other services' restatements of the seed papers (tests/data/restatements: dblp, Google Scholar,
Semantic Scholar, doi.org's BibTeX, CSL-JSON, RIS) join the works, versions, people and venues of the
seeds."""

from __future__ import annotations

import pytest

from kg.manifest import Manifest, SourceSpec
from kg.pipeline import resolve_manifest

from .conftest import TESTDATA

RESTATEMENTS = TESTDATA / "restatements"
# The ECCV and PAMI papers of the dblp file, which the seeds do not have.
INVENTED = {"DBLP:conf/eccv/DoeR20", "DBLP:conf/eccv/LiK20", "DBLP:journals/pami/LiD21"}


@pytest.fixture(scope="module")
def together(manifest):
    owner = manifest.sources[0].owner  # an ORCID /works response does not name its owner
    extra = tuple(SourceSpec(id=p.stem, path=p, format="bibtex", trust=0.6)
                  for p in sorted(RESTATEMENTS.glob("*.bib")))
    extra += (SourceSpec(id="orcid-works", path=RESTATEMENTS / "orcid-works.json", format="orcid",
                         owner=owner, trust=0.6),)
    extra += tuple(SourceSpec(id=p.name.split(".")[0] + "-csl", path=p, format="csljson", trust=0.6)
                   for p in sorted(RESTATEMENTS.glob("*.csl.json")))
    extra += tuple(SourceSpec(id=p.stem + "-ris", path=p, format="ris", trust=0.6)
                   for p in sorted(RESTATEMENTS.glob("*.ris")))
    return resolve_manifest(Manifest(path=None, sources=manifest.sources + extra))


def _record(res, key: str):
    return next(r for r in res.records.values() if r.key == key)


def _work_of(res, source: str, key: str):
    for w in res.works:
        for uid in w.records:
            r = res.records[uid]
            if r.source == source and r.key == key:
                return w
    raise AssertionError(f"no record {source}#{key}")


def _version_of(res, source: str, key: str):
    w = _work_of(res, source, key)
    return next(v for v in w.versions for uid in v.records
                if res.records[uid].source == source and res.records[uid].key == key)


def test_every_restated_seed_paper_joins_a_seed_work(resolution, together):
    assert len(together.works) == len(resolution.works) + len(INVENTED)
    for w in together.works:
        if {together.records[u].key for u in w.records} <= INVENTED:
            continue
        assert {together.records[u].source for u in w.records} & set(resolution.sources), w.path
    assert len(together.persons) == len(resolution.persons) + 5  # Jane Doe, two Wei Lis, Roe, Diaz


def test_dblp_booktitles_with_acronym_place_and_dates_join_the_seed_editions(resolution, together):
    seeds = {e.path for e in resolution.editions}
    assert seeds <= {e.path for e in together.editions}
    new = {e.path for e in together.editions} - seeds
    assert all("eccv" in p or "pattern" in p for p in new), new
    for key, seed_key in [("DBLP:conf/iclr/ZimmerSP23", "Zimmer2023"),
                          ("DBLP:conf/iclr/ZimmerSP24", "zimmer2023sparse"),
                          ("DBLP:conf/icml/PaulsZKSSCPBG24", "pauls2024estimating"),
                          ("DBLP:conf/aistats/WaldchenSTZP24", "waldchen2024interpretability")]:
        dblp = _version_of(together, "dblp", key)
        assert dblp is _version_of(together, "website-current", seed_key), key
    eccv = {_version_of(together, "dblp", k).edition
            for k in ("DBLP:conf/eccv/DoeR20", "DBLP:conf/eccv/LiK20")}
    assert len(eccv) == 1  # two parts of one proceedings: one edition
    assert len(together.series) == len(resolution.series) + 2


def test_proceedings_and_publishers_own_exports_join_the_seed_versions(together):
    for source, key, seed_key in [
            ("pmlr", "pmlr-v238-waldchen24a", "waldchen2024interpretability"),
            ("openreview", "zimmer2023how", "Zimmer2023"),
            ("openreview", "pauls2024estimating", "pauls2024estimating"),
            ("arxiv", "zimmer2023perp", "zimmer2023perp"),
            ("elsevier", "ZIEMKE2021123", "ziemke2021flows"),
            ("ads-mendeley", "2023arXiv231215230Z", "zimmer2023perp"),
            ("ads-mendeley", "Zimmer2023m", "zimmer2023perp"),
            ("zotero-csl", "http://zotero.org/users/1/items/ABCD1234", "Zimmer2023"),
            ("zotero-csl", "http://zotero.org/users/1/items/EFGH5678", "zimmer2023perp"),
            ("zotero-csl", "ziemke2021", "ziemke2021flows"),
            ("orcid-works", "101", "zimmer2023perp"),
            ("orcid-works", "102", "Zimmer2023"),
            ("orcid-works", "103", "ziemke2021flows"),
            ("doi-org-csl", "Ziemke_2021", "ziemke2021flows"),
            ("doi-org-csl", "https://doi.org/10.48550/arxiv.2312.15230", "zimmer2023perp"),
            ("zotero-ris", "entry-1", "Zimmer2023"),
            ("zotero-ris", "entry-2", "zimmer2023perp"),
            ("zotero-ris", "entry-3", "ziemke2021flows")]:
        assert _version_of(together, source, key) is _version_of(together, "website-current", seed_key)


def test_an_arxiv_id_printed_as_pages_or_as_mendeleys_arxivid_is_no_page(together):
    ads = _record(together, "2023arXiv231215230Z")
    mendeley = _record(together, "Zimmer2023m")
    assert ads.venue.pages is None and ads.ids("arxiv") == ["2312.15230"]
    assert mendeley.kind.value == "preprint" and mendeley.ids("arxiv") == ["2312.15230"]


def test_a_page_range_is_one_value_however_its_dash_is_printed(together):
    # ScienceDirect prints '123-130', BibTeX '123--130', doi.org's BibTeX '123–130'.
    v = _version_of(together, "elsevier", "ZIEMKE2021123")
    assert {together.records[u].venue.pages for u in v.records} - {None} == {"123–130"}
    assert not [d for d in together.disagreements if d.field == "pages"]


def test_an_edition_only_an_outvoted_record_printed_is_not_published(together):
    # Semantic Scholar dates the ICLR 2023 paper 2022; the version is ICLR 2023's, and no
    # 'ICLR 2022' edition without papers is made.
    v = _version_of(together, "semantic-scholar", "Zimmer2022HowIL")
    assert v.edition == "venue/iclr/2023"
    used = {v.edition for w in together.works for v in w.versions}
    hosts = {e.host for e in together.editions if e.host}
    assert all(e.path in used | hosts for e in together.editions)
    assert {e for s in together.series for e in s.editions} == {e.path for e in together.editions}


def test_a_doi_of_arxiv_is_the_preprints_and_does_not_part_it_from_the_paper(together):
    published = _work_of(together, "crossref", "Ziemke_2021")
    preprint = _work_of(together, "crossref", "https://doi.org/10.48550/arxiv.2010.09999")
    assert preprint is published
    assert preprint is _work_of(together, "website-current", "ziemke2021flows")
    v = _version_of(together, "crossref", "https://doi.org/10.48550/arxiv.2010.09999")
    assert v.identifiers["arxiv"] == ["2010.09999"]
    assert "10.48550/arxiv.2010.09999" in v.identifiers["doi"]
    perp = _work_of(together, "crossref", "https://doi.org/10.48550/arxiv.2312.15230")
    assert perp is _work_of(together, "website-current", "zimmer2023perp")


def test_identifiers_escaped_for_tex_and_arxiv_ids_in_a_corr_volume(together):
    eccv = _version_of(together, "dblp", "DBLP:conf/eccv/DoeR20")
    assert eccv.identifiers["doi"] == ["10.1007/978-3-030-58452-8_13"]
    iclr = _work_of(together, "dblp", "DBLP:conf/iclr/ZimmerSP23")
    assert iclr.identifiers["openreview"] == ["_nF5imFKQI"]
    semantic = _record(together, "Zimmer2023PERPRT")
    assert semantic.ids("arxiv") == ["2312.15230"]


def test_dblp_record_keys_are_identifiers_that_resolve_to_dblp(together):
    from kg.identifiers import resolvable
    w = _work_of(together, "dblp", "DBLP:conf/iclr/ZimmerSP24")
    assert w.identifiers["dblp"] == ["conf/iclr/ZimmerSP24"]
    assert resolvable("dblp", "conf/iclr/ZimmerSP24") == "https://dblp.org/rec/conf/iclr/ZimmerSP24"


def test_dblp_homonym_numbers_tell_people_apart_and_join_them(together):
    def person_of(key: str, printed: str):
        w = _work_of(together, "dblp", key)
        return next(a.person for a in w.authors for m in a.mentions if m.printed == printed)

    first = person_of("DBLP:conf/eccv/DoeR20", "Wei Li 0001")
    # The same dblp person on a paper that shares no coauthor with the first.
    assert person_of("DBLP:journals/pami/LiD21", "Wei Li 0001") == first
    # Another Wei Li who shares a coauthor (Richard Roe) with the first is still another person.
    second = person_of("DBLP:conf/eccv/LiK20", "Wei Li 0002")
    assert second != first
    persons = {p.path: p for p in together.persons}
    assert persons[first].name == persons[second].name == "Wei Li"
    assert persons[first].identifiers["dblp"] == ["Wei Li 0001"]
    assert persons[second].identifiers["dblp"] == ["Wei Li 0002"]


def test_a_two_word_family_name_printed_in_either_order_is_one_person(together):
    w = _work_of(together, "crossref", "Ziemke_2021")
    laura = [a for a in w.authors if any("Laura" in m.printed for m in a.mentions)]
    assert len(laura) == 1
    assert {m.printed for m in laura[0].mentions} >= {"Vargas Koch, Laura", "Koch, Laura Vargas"}


def test_the_owner_of_an_orcid_record_is_the_seeds_owner_with_the_records_id(together):
    w = _work_of(together, "orcid-works", "103")
    owner = [a for a in w.authors if any(m.record.startswith("orcid-works") for m in a.mentions)
             or a.implied_by]
    persons = {p.path: p for p in together.persons}
    zimmer = {a.person for a in owner}
    assert zimmer == {"person/max-zimmer"}
    assert persons["person/max-zimmer"].identifiers.get("orcid") == ["0000-0002-1825-0097"]


@pytest.fixture(scope="module")
def publishers():
    # Papers the seeds do not have, as ACM, IEEE Xplore and Springer print them, with dblp's file.
    files = [RESTATEMENTS / "other" / "publishers.bib", RESTATEMENTS / "dblp.bib"]
    return resolve_manifest(Manifest(path=None, sources=tuple(
        SourceSpec(id=p.stem, path=p, format="bibtex") for p in files)))


def test_publishers_and_dblps_printings_of_one_proceedings_are_one_edition(publishers):
    def edition(source: str, key: str) -> str:
        return _version_of(publishers, source, key).edition
    assert edition("publishers", "10.1145/3292500.3330701") == \
        edition("publishers", "DBLP:conf/kdd/DoeR19b") == "venue/kdd/2019"
    resnet = _work_of(publishers, "publishers", "7780459")
    assert resnet is _work_of(publishers, "publishers", "DBLP:conf/cvpr/HeZRS16")
    assert [v.edition for v in resnet.versions] == ["venue/cvpr/2016"]
    springer = _version_of(publishers, "publishers", "10.1007/978-3-030-58452-8_13")
    assert springer is _version_of(publishers, "dblp", "DBLP:conf/eccv/DoeR20")
    assert springer.edition == edition("dblp", "DBLP:conf/eccv/LiK20") == "venue/eccv/2020"
    assert len(publishers.works) == 12


def test_a_journal_printed_in_full_and_by_its_iso4_abbreviation_is_one_series(publishers):
    # IEEE Xplore prints 'IEEE Transactions on Pattern Analysis and Machine Intelligence', dblp
    # 'IEEE Trans. Pattern Anal. Mach. Intell.': two papers of one volume are in one edition.
    ieee = _version_of(publishers, "publishers", "9200001")
    assert ieee.edition == _version_of(publishers, "dblp", "DBLP:journals/pami/LiD21").edition
    series = {s.path: s for s in publishers.series}[
        {e.path: e for e in publishers.editions}[ieee.edition].series]
    assert series.name == "IEEE Transactions on Pattern Analysis and Machine Intelligence"
    assert series.names == ["IEEE Trans. Pattern Anal. Mach. Intell."]


def test_zoteros_event_title_names_the_conference_by_its_acronym(together):
    from kg.resolve.venues import record_venue
    r = _record(together, "http://zotero.org/users/1/items/ABCD1234")
    assert r.venue.printed == ("ICLR 2023",)
    assert record_venue(r).acronym == "ICLR"


def test_two_works_of_one_title_are_told_apart_by_first_author_and_year(tmp_path):
    bib = tmp_path / "two.bib"
    bib.write_text("@article{a, title={Introduction}, author={Doe, Jane and Roe, Richard}, "
                   "journal={Journal of Examples}, year={2019}}\n"
                   "@article{b, title={Introduction}, author={Diaz, Carla}, journal={Other Letters},"
                   " year={2021}}\n@article{c, title={Introduction}, journal={Third}, year={2022}}\n",
                   encoding="utf-8")
    res = resolve_manifest(Manifest(path=None, sources=(SourceSpec(id="two", path=bib),)))
    assert sorted(w.path for w in res.works) == [
        "work/introduction-anon-2022", "work/introduction-diaz-2021", "work/introduction-doe-2019"]
