"""ISSNs and ISBNs: read in their printed forms, checked, and put on what they identify (a journal,
a proceedings volume or a book), never on a paper."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from pyoxigraph import Literal, NamedNode

from kg import queries
from kg.build import build
from kg.errors import QueryError
from kg.graph import store as store_mod
from kg.graph.check import check_store
from kg.graph.export import bibtex_text, cited_works, csl_items
from kg.manifest import Manifest, SourceSpec
from kg.sources import read

from .conftest import LiveServer

BASE = "http://localhost:8080/"
SCHEMA = "http://schema.org/"

BIB = r"""
@article{doe2020,
  title = {Sparse Models in Practice},
  author = {Doe, Jane},
  journal = {Journal of Machine Learning Research},
  volume = {21}, year = {2020},
  issn = {1532-4435 (print), 1533-7928 (electronic)}
}
@article{roe2020,
  title = {Dense Models in Practice},
  author = {Roe, Richard},
  journal = {JMLR},
  volume = {21}, year = {2020},
  issn = {15337928}
}
@inproceedings{doe2020eccv,
  title = {Seeing Things},
  author = {Doe, Jane},
  booktitle = {Computer Vision -- ECCV 2020},
  series = {Lecture Notes in Computer Science}, volume = {12346},
  year = {2020}, publisher = {Springer},
  issn = {0302-9743}, isbn = {978-3-030-58451-1}
}
@inproceedings{roe2020miccai,
  title = {Segmenting Things},
  author = {Roe, Richard},
  booktitle = {Medical Image Computing and Computer Assisted Intervention -- MICCAI 2020},
  series = {Lecture Notes in Computer Science},
  year = {2020}, publisher = {Springer},
  issn = {0302-9743}, isbn = {9783030597108}
}
@book{diaz2019,
  title = {A Book of Things},
  author = {Diaz, Carla},
  publisher = {Springer}, year = {2019},
  isbn = {3-540-20201-3}
}
@article{diaz2021,
  title = {Numbers That Fail Their Check},
  author = {Diaz, Carla},
  journal = {Journal of Examples}, year = {2021},
  issn = {1234-5678}, isbn = {n/a}, doi = {not a doi}
}
"""

# Crossref's CSL-JSON for a chapter in a Lecture Notes volume: ISSN and ISBN as arrays.
CSL = [{
    "id": "https://doi.org/10.1007/978-3-030-58452-8_13", "type": "chapter",
    "title": "Seeing More Things", "author": [{"family": "Doe", "given": "Jane"}],
    "container-title": "Computer Vision – ECCV 2020", "collection-title": "Lecture Notes in Computer Science",
    "ISSN": ["0302-9743", "1611-3349"], "ISBN": ["9783030584511", "9783030584528"],
    "issued": {"date-parts": [[2020]]}, "DOI": "10.1007/978-3-030-58452-8_13",
}]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    d = tmp_path_factory.mktemp("numbers")
    (d / "papers.bib").write_text(BIB, encoding="utf-8")
    (d / "crossref.json").write_text(json.dumps(CSL), encoding="utf-8")
    manifest = Manifest(path=None, sources=(
        SourceSpec(id="papers", path=d / "papers.bib", format="bibtex"),
        SourceSpec(id="crossref", path=d / "crossref.json", format="csljson")))
    result = build(manifest, store=d / "store", base=BASE)
    return result.resolution, d / "store"


def _version(res, key: str):
    return next(v for w in res.works for v in w.versions if key in v.records)


def test_printed_forms_are_read_into_normal_form_and_bad_ones_reported(tmp_path):
    (tmp_path / "papers.bib").write_text(BIB, encoding="utf-8")
    records, report = read(tmp_path / "papers.bib", format="bibtex")
    by_key = {r.key: r for r in records}
    assert by_key["doe2020"].ids("issn") == ["1532-4435", "1533-7928"]
    assert by_key["roe2020"].ids("issn") == ["1533-7928"]
    assert by_key["doe2020eccv"].ids("isbn") == ["978-3-030-58451-1"]
    assert by_key["diaz2019"].ids("isbn") == ["978-3-540-20201-1"]  # an ISBN-10 as ISBN-13
    assert not by_key["diaz2021"].ids("issn") and not by_key["diaz2021"].ids("isbn")
    line = by_key["diaz2021"].line
    assert [(i.line, i.message) for i in report.warnings] == [
        (line, "entry 'diaz2021': doi 'not a doi' is not a DOI; left out"),
        (line, "entry 'diaz2021': isbn 'n/a' is not a valid ISBN; left out"),
        (line, "entry 'diaz2021': issn '1234-5678' is not a valid ISSN; left out")]
    assert len(records) == 6  # the record itself is kept


def test_an_issn_goes_to_the_journal_and_joins_its_printings(built):
    res, _ = built
    jmlr, acronym = _version(res, "papers#doe2020"), _version(res, "papers#roe2020")
    assert jmlr.edition == acronym.edition  # 'JMLR' alone shares the electronic ISSN
    series = {s.path: s for s in res.series}[jmlr.edition.rsplit("/", 1)[0]]
    assert series.issns == ["1532-4435", "1533-7928"]
    assert "issn" not in jmlr.identifiers and "issn" not in acronym.identifiers


def test_a_book_series_issn_joins_no_conferences_and_an_isbn_goes_to_the_proceedings(built):
    res, _ = built
    eccv, miccai = _version(res, "papers#doe2020eccv"), _version(res, "papers#roe2020miccai")
    assert eccv.edition.rsplit("/", 1)[0] != miccai.edition.rsplit("/", 1)[0]
    assert not any(s.issns for s in res.series if s.kind != "journal")
    editions = {e.path: e for e in res.editions}
    chapter = _version(res, "crossref#https://doi.org/10.1007/978-3-030-58452-8_13")
    assert chapter.edition == eccv.edition
    assert editions[eccv.edition].isbns == ["978-3-030-58451-1", "978-3-030-58452-8"]
    assert editions[miccai.edition].isbns == ["978-3-030-59710-8"]
    assert "isbn" not in eccv.identifiers and "isbn" not in chapter.identifiers
    book = _version(res, "papers#diaz2019")
    assert book.identifiers["isbn"] == ["978-3-540-20201-1"]  # a book's ISBN is its own


def test_the_graph_and_the_bibliographies_carry_them(built):
    res, path = built
    store = store_mod.open_store(path)
    jmlr = _version(res, "papers#doe2020")
    series = NamedNode(BASE + jmlr.edition.rsplit("/", 1)[0])
    issns = {q.object for q in store.quads_for_pattern(series, NamedNode(SCHEMA + "issn"), None)}
    assert issns == {Literal("1532-4435"), Literal("1533-7928")}
    assert check_store(store).violations == []  # the shapes' ISSN and ISBN patterns hold
    works = {w.title: w for w in cited_works(store)}
    assert works["Sparse Models in Practice"].issn == "1532-4435, 1533-7928"
    assert works["Seeing Things"].isbn == "978-3-030-58451-1, 978-3-030-58452-8"
    assert works["A Book of Things"].isbn == "978-3-540-20201-1"
    text = bibtex_text(list(works.values()))
    assert "issn = {1532-4435, 1533-7928}" in text and "isbn = {978-3-540-20201-1}" in text
    items = {i["title"]: i for i in csl_items(list(works.values()))}
    assert items["Seeing Things"]["ISBN"] == "978-3-030-58451-1, 978-3-030-58452-8"
    # re-read by kg, the exported numbers are the same
    out = Path(path).parent / "export.bib"
    out.write_text(text, encoding="utf-8")
    again = {r.title: r for r in read(out, format="bibtex")[0]}
    assert again["Sparse Models in Practice"].ids("issn") == ["1532-4435", "1533-7928"]


def test_pages_show_them_and_tag_them_for_reference_managers(built):
    from kg.web import close_app, create_app

    from .test_web import _meta_tags

    res, path = built
    app = create_app({"store": str(path), "TESTING": True})
    server = LiveServer(app)
    try:
        work = next(w for w in res.works if "papers#doe2020" in w.records)
        page = requests.get(f"{server.url}/{work.path}", timeout=10)
        meta = _meta_tags(page.text)
        assert meta["citation_issn"] == ["1532-4435", "1533-7928"]
        assert meta["citation_volume"] == ["21"]
        eccv = next(w for w in res.works if "papers#doe2020eccv" in w.records)
        meta = _meta_tags(requests.get(f"{server.url}/{eccv.path}", timeout=10).text)
        assert meta["citation_isbn"] == ["978-3-030-58451-1", "978-3-030-58452-8"]
        series = _version(res, "papers#doe2020").edition.rsplit("/", 1)[0]
        venue = requests.get(f"{server.url}/{series}", timeout=10).text
        assert "ISSN 1532-4435" in venue and "ISSN 1533-7928" in venue
    finally:
        server.close()
        close_app(app)


@pytest.mark.parametrize("value, key", [
    ("1533-7928", "papers#doe2020"), ("15324435", "papers#roe2020"),
    ("978-3-030-58451-1", "papers#doe2020eccv"), ("9783030597108", "papers#roe2020miccai"),
])
def test_a_venue_parameter_may_be_an_issn_or_an_isbn(built, value, key):
    res, path = built
    store = store_mod.open_store(path)
    series = _version(res, key).edition.rsplit("/", 1)[0]
    assert queries.resolve_venue(store, value, base=BASE) == NamedNode(BASE + series)
    result = queries.run(store, "venue-works-by-year", {"venue": value}, base=BASE)
    works = {w.path for w in res.works for v in w.versions if (v.edition or "").startswith(series + "/")}
    assert {r["work"].value for r in result.rows} == {BASE + p for p in works}


def test_a_books_own_isbn_names_no_venue(built):
    _, path = built
    with pytest.raises(QueryError, match="no venue matches '978-3-540-20201-1'"):
        queries.resolve_venue(store_mod.open_store(path), "978-3-540-20201-1", base=BASE)

