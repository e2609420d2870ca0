"""`kg export`: the format table, every writer round-tripped, bibliographies re-read by kg itself."""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyld import jsonld
from pyoxigraph import (
    CanonicalizationAlgorithm,
    Dataset,
    DefaultGraph,
    RdfFormat,
    Store,
    parse,
)
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.build import build
from kg.cli import main
from kg.errors import UnknownFormatError
from kg.graph import export as export_mod
from kg.graph import store as store_mod
from kg.graph.check import check_store
from kg.graph.export import cited_works, export, jsonld_document
from kg.graph.formats import FORMATS, by_media_type, by_suffix, get
from kg.graph.jsonld import context
from kg.manifest import from_files, load
from kg.pipeline import resolve_manifest
from kg.records import Kind
from kg.sources import read

from .conftest import CORPUS, DATA, TESTDATA

BASE = "http://localhost:8080/"


@pytest.fixture(scope="module")
def data_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "store"
    build(load(DATA / "sources.toml"), store=path, base=BASE)
    return path


@pytest.fixture(scope="module")
def store(data_path) -> Store:
    return store_mod.open_store(data_path)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Store:
    path = tmp_path_factory.mktemp("small") / "store"
    build(load(TESTDATA / "graph" / "sources.toml"), store=path, base=BASE)
    return store_mod.open_store(path)


def exported(store: Store, name: str) -> bytes:
    out = io.BytesIO()
    export(store, out, format=name)
    return out.getvalue()


def as_list(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def canonical(quads) -> Dataset:
    dataset = Dataset(quads)
    dataset.canonicalize(CanonicalizationAlgorithm.UNSTABLE)
    return dataset


# --------------------------------------------------------------------------------------------------
# The table

@pytest.mark.parametrize("fmt", FORMATS.values(), ids=list(FORMATS))
def test_format_is_found_by_name_media_type_and_suffix(fmt):
    assert get(fmt.name.upper()) is fmt
    assert by_media_type(fmt.media_type + "; charset=utf-8") is fmt
    assert by_suffix(fmt.suffix) is fmt and by_suffix("out" + fmt.suffix) is fmt
    if fmt.rdf_format is not None:
        # The table agrees with pyoxigraph's own idea of each RDF format.
        assert RdfFormat.from_media_type(fmt.media_type) == fmt.rdf_format
        assert fmt.quads == fmt.rdf_format.supports_datasets


def test_unknown_format_names_the_known_ones():
    with pytest.raises(UnknownFormatError, match=r"unknown output format 'n3'; known formats: "
                                                 r"turtle, ntriples, nquads, trig, rdfxml, jsonld"):
        get("n3")
    assert by_media_type("text/html") is None and by_suffix(".html") is None


# --------------------------------------------------------------------------------------------------
# RDF: each writer's output parses back to the graphs it holds

@pytest.mark.parametrize("name", [f.name for f in FORMATS.values() if f.rdf_format is not None])
def test_rdf_writer_round_trips(store, name):
    fmt = FORMATS[name]
    assert fmt.rdf_format is not None
    data = exported(store, name)
    back = list(parse(data, format=fmt.rdf_format))
    if fmt.quads:
        expected = list(store.quads_for_pattern(None, None, None, None))
    else:
        expected = list(store.quads_for_pattern(None, None, None, DefaultGraph()))
    assert len(expected) > 2000
    assert canonical(back) == canonical(expected)


def test_nquads_loaded_into_a_fresh_store_is_the_same_dataset(store, tmp_path):
    fresh = Store(str(tmp_path / "fresh"))
    fresh.bulk_load(exported(store, "nquads"), RdfFormat.N_QUADS)
    assert len(fresh) == len(store)
    mine = canonical(store.quads_for_pattern(None, None, None, None))
    theirs = canonical(fresh.quads_for_pattern(None, None, None, None))
    assert mine == theirs
    # Named graphs survive: the sources, quality and derived graphs.
    names = {g.value for g in fresh.named_graphs()}
    assert {BASE + "graph/quality", BASE + "graph/derived", BASE + "source/website-current"} <= names


def test_turtle_uses_the_project_prefixes(store):
    text = exported(store, "turtle").decode("utf-8")
    assert "@prefix schema: <http://schema.org/> ." in text
    assert "@prefix fabio: <http://purl.org/spar/fabio/> ." in text
    assert "@base" not in text  # absolute IRIs: no scheme-relative prefix IRIs


# --------------------------------------------------------------------------------------------------
# JSON-LD

@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_jsonld_is_the_default_graph(store):
    data = exported(store, "jsonld")
    parsed = Graph().parse(data=data, format="json-ld")
    reference = Graph().parse(data=exported(store, "ntriples"), format="nt")
    assert len(parsed) == len(reference) > 2000
    assert isomorphic(parsed, reference)


def test_jsonld_is_compacted_with_the_project_context(store):
    doc = jsonld_document(store)
    assert doc["@context"]["@vocab"] == "http://schema.org/"
    work = next(n for n in doc["@graph"] if n["@id"] == BASE + "work/sparse-model-soups")
    assert work["name"] == "Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging"
    assert "fabio:Work" in work["@type"] and "ScholarlyArticle" in work["@type"]
    assert work["author"] == [BASE + "person/max-zimmer", BASE + "person/christoph-spiegel",
                              BASE + "person/sebastian-pokutta"]


def test_jsonld_orders_every_works_authors_by_position(store):
    doc = jsonld_document(store)
    nodes = {n["@id"]: n for n in doc["@graph"]}
    works = [n for n in doc["@graph"] if "fabio:Work" in as_list(n.get("@type"))]
    assert len(works) == 28
    for work in works:
        slots = as_list(work["isDocumentContextFor"])
        positions = [int(nodes[s]["position"]) for s in slots if "position" in nodes[s]]
        assert positions == list(range(1, len(positions) + 1)), work["@id"]
        # Authors without a position (implied by a source) come last.
        assert all("position" not in nodes[s] for s in slots[len(positions):])
        holders = [nodes[s]["isHeldBy"] for s in slots]
        assert as_list(work["author"]) == list(dict.fromkeys(holders))


def test_jsonld_compacted_in_batches_is_one_whole_compaction(store, monkeypatch):
    """Nodes are compacted a batch at a time and written one by one; the document is the one a
    single compaction of the whole default graph gives, written by json.dumps."""
    monkeypatch.setattr(export_mod, "_JSONLD_BATCH", 7)  # many batches, and a short last one
    streamed = exported(store, "jsonld")
    doc = jsonld_document(store)
    assert streamed == (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    whole = jsonld.compact(export_mod.expanded_jsonld(export_mod.default_graph(store)),
                           context(), {"graph": True})["@graph"]

    def unordered(node: dict) -> dict:
        return {k: sorted(v, key=json.dumps) if isinstance(v, list) else v
                for k, v in node.items()}

    assert [n["@id"] for n in doc["@graph"]] == sorted(n["@id"] for n in whole)
    assert len(doc["@graph"]) > 7 * 30
    by_id = {n["@id"]: unordered(n) for n in whole}
    assert all(unordered(n) == by_id[n["@id"]] for n in doc["@graph"])


# --------------------------------------------------------------------------------------------------
# BibTeX and CSL-JSON

@pytest.mark.parametrize("fmt", ["bibtex", "ris"])
def test_a_bibliography_reread_by_kg_gives_the_same_works(store, tmp_path, fmt):
    path = tmp_path / f"works.{fmt}"
    path.write_bytes(exported(store, fmt))
    again = resolve_manifest(from_files([path], format=fmt))
    assert sum(s.records for s in again.sources.values()) == 28
    assert not [i for s in again.sources.values() for i in s.issues]
    names = {p.path: p.name for p in again.persons}
    reread = {w.title: [names[a.person] for a in w.authors] for w in again.works}
    original = {w.title: [a.name for a in w.authors] for w in cited_works(store)}
    assert len(again.works) == len(original) == 28
    assert reread == original


def test_ris_describes_a_work_by_its_published_version(store):
    text = exported(store, "ris").decode("utf-8")
    entries = [dict(re.findall(r"^(\w\w)  - (.*)$", e, re.MULTILINE)) for e in text.split("ER  - ")]
    sms = next(e for e in entries if e.get("ID") == "zimmer2024sparse")
    assert sms["TY"] == "CONF"
    assert sms["T2"] == "The Twelfth International Conference on Learning Representations"
    assert (sms["PY"], sms["N1"], sms["UR"]) == ("2024", "arXiv:2306.16788", "https://arxiv.org/abs/2306.16788")
    assert re.findall(r"^AU  - (.*)$", text.split("ID  - zimmer2024sparse")[1].split("ER  - ")[0],
                      re.MULTILINE) == ["Zimmer, Max", "Spiegel, Christoph", "Pokutta, Sebastian"]
    assert all(e.get("TY") for e in entries[:-1]) and not entries[-1]
    assert len(entries) - 1 == 28


def test_bibtex_describes_a_work_by_its_published_version(store):
    text = exported(store, "bibtex").decode("utf-8")
    entry = re.search(r"@inproceedings\{zimmer2024sparse,\n(.*?)\n\}", text, re.DOTALL)
    assert entry, "the ICLR 2024 version of Sparse Model Soups is missing"
    fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", entry.group(1), re.MULTILINE))
    assert fields["title"] == "Sparse Model Soups: A Recipe for Improved Pruning via Model Averaging"
    assert fields["author"] == "Zimmer, Max and Spiegel, Christoph and Pokutta, Sebastian"
    assert fields["booktitle"] == "The Twelfth International Conference on Learning Representations"
    assert fields["year"] == "2024"
    assert (fields["eprint"], fields["archiveprefix"]) == ("2306.16788", "arXiv")
    assert fields["url"] == "https://arxiv.org/abs/2306.16788"


def test_bibtex_keys_are_unique_and_stable(store, small):
    first = exported(store, "bibtex").decode("utf-8")
    keys = re.findall(r"^@\w+\{([^,]+),$", first, re.MULTILINE)
    assert len(keys) == len(set(keys)) == 28
    assert all(re.fullmatch(r"[a-z]+\d{4}[a-z0-9]+", k) for k in keys), keys
    assert exported(store, "bibtex").decode("utf-8") == first


def test_bibtex_marks_a_truncated_author_list_and_protects_capitals(small):
    text = exported(small, "bibtex").decode("utf-8")
    assert "author = {Lasby, Mike and Zimmer, Max and Pokutta, Sebastian and others}" in text
    assert "title = {{PERP}: Rethinking the {Prune-Retrain} Paradigm in the Era of {LLMs}}" in text
    assert "journal = {Geombinatorics Quarterly}" in text and "volume = {XXXIV}" in text


VENUES_BIB = r"""
@techreport{tr, title = {Finding Cuts in the Traveling Salesman Problem}, author = {Cook, William},
  institution = {Center for Discrete Mathematics and Theoretical Computer Science}, year = 1995}
@phdthesis{phd, title = {Evolution Strategies for Technical Systems}, author = {Rechenberg, Ingo},
  school = {Technical University of Berlin}, year = 1971}
@book{book, title = {Tuning Metaheuristics}, author = {Birattari, Mauro},
  series = {Studies in Computational Intelligence}, publisher = {Springer}, year = 2009}
@book{plain, title = {Introduction to Algorithms}, author = {Cormen, Thomas H.},
  publisher = {MIT Press}, year = 2009}
@misc{misc, title = {Artifact Review and Badging}, author = {{ACM}},
  howpublished = {Association for Computing Machinery policy}, year = 2020}
@misc{tool, title = {SMAC3: A Versatile Bayesian Optimization Package}, author = {Lindauer, Marius},
  howpublished = {\url{https://github.com/automl/SMAC3}}, year = 2022}
@inproceedings{conf, title = {Sequential Model-Based Configuration}, author = {Hutter, Frank},
  booktitle = {Learning and Intelligent Optimization}, publisher = {Springer}, year = 2011}
@article{art, title = {The irace package}, author = {L{\'o}pez-Ib{\'a}{\~n}ez, Manuel},
  journal = {Oper. Res. Perspect.}, year = 2016}
"""


def _venues(path: Path, fmt: str) -> dict[str, tuple]:
    records, report = read(path, format=fmt)
    assert not report.issues
    return {r.title: (r.kind, r.venue.name if r.venue else None, r.first_id("url"),
                      r.venue.publisher if r.venue and r.kind in (Kind.BOOK, Kind.CONFERENCE)
                      else None)
            for r in records}


SUFFIX = {"bibtex": ".bib", "csljson": ".json", "ris": ".ris"}


@pytest.mark.parametrize("fmt", ["bibtex", "csljson", "ris"])
def test_where_a_work_appeared_is_exported_so_that_it_reads_back(tmp_path, fmt):
    """A report's institution, a thesis's school, a book's series and publisher and how a
    miscellaneous work was published come back when the export is read again."""
    bib = tmp_path / "venues.bib"
    bib.write_text(VENUES_BIB, encoding="utf-8")
    built = build(from_files([bib]), store=tmp_path / "store", base="http://localhost:8080/")
    assert built.resolution.counts()["works"] == 8
    out = tmp_path / f"again{SUFFIX[fmt]}"
    with out.open("wb") as fh:
        export(store_mod.open_store(tmp_path / "store"), fh, format=fmt)
    original = _venues(bib, "bibtex")
    assert original["SMAC3: A Versatile Bayesian Optimization Package"][1:3] == (
        None, "https://github.com/automl/SMAC3")  # a link is no venue
    assert original["Tuning Metaheuristics"][1::2] == ("Studies in Computational Intelligence",
                                                        "Springer")
    assert _venues(out, fmt) == original


@pytest.mark.parametrize("fmt", ["bibtex", "csljson", "ris"])
def test_a_generational_suffix_is_the_persons_and_is_exported(tmp_path, fmt):
    bib = tmp_path / "suffix.bib"
    bib.write_text("@article{a, title = {Xist RNA and X reactivation}, journal = {Nature},\n"
                   "  author = {Carrette, L. L. G. and Kelleher, R. J., 3rd}, year = 2019}\n",
                   encoding="utf-8")
    built = build(from_files([bib]), store=tmp_path / "store", base="http://localhost:8080/")
    (kelleher,) = [p for p in built.resolution.persons if p.family == "Kelleher"]
    assert (kelleher.name, kelleher.given, kelleher.suffix) == ("R. J. Kelleher, 3rd", "R. J.", "3rd")
    store = store_mod.open_store(tmp_path / "store")
    assert check_store(store).violations == []
    out = tmp_path / f"again{SUFFIX[fmt]}"
    with out.open("wb") as fh:
        export(store, fh, format=fmt)
    text = out.read_text(encoding="utf-8")
    assert {"bibtex": "Kelleher, 3rd, R. J.", "csljson": '"suffix": "3rd"',
            "ris": "AU  - Kelleher, R. J., 3rd"}[fmt] in text
    (record,), _ = read(out, format=fmt)
    assert [(a.given, a.family, a.suffix) for a in record.authors] == [
        ("L. L. G.", "Carrette", ""), ("R. J.", "Kelleher", "3rd")]


@pytest.mark.parametrize("fmt", ["bibtex", "csljson", "ris"])
def test_a_suffix_without_a_given_name_is_exported_and_read_back(tmp_path, fmt):
    bib = tmp_path / "suffix.bib"
    bib.write_text("@article{a, title = {A Paper}, journal = {Nature}, year = 2019,\n"
                   "  author = {Carrette, L. L. G. and Kelleher, 3rd,}}\n", encoding="utf-8")
    build(from_files([bib]), store=tmp_path / "store", base="http://localhost:8080/")
    out = tmp_path / f"again{SUFFIX[fmt]}"
    with out.open("wb") as fh:
        export(store_mod.open_store(tmp_path / "store"), fh, format=fmt)
    assert {"bibtex": "Kelleher, 3rd,}", "csljson": '"suffix": "3rd"',
            "ris": "AU  - Kelleher, , 3rd"}[fmt] in out.read_text(encoding="utf-8")
    (record,), _ = read(out, format=fmt)
    assert [(a.given, a.family, a.suffix) for a in record.authors] == [
        ("L. L. G.", "Carrette", ""), ("", "Kelleher", "3rd")]


def test_csljson_is_valid_against_the_csl_schema(store):
    jsonschema = pytest.importorskip("jsonschema")
    schema_path = CORPUS / "csl-schema" / "csl-data.json"
    if not schema_path.exists():
        pytest.skip("the CSL schema is not here")
    items = json.loads(exported(store, "csljson"))
    jsonschema.validate(items, json.loads(schema_path.read_text(encoding="utf-8")))
    assert len(items) == len({i["id"] for i in items}) == 28


def test_csljson_items(small):
    items = {i["id"]: i for i in json.loads(exported(small, "csljson"))}
    soups = items["zimmer2024sparse"]
    assert soups["type"] == "paper-conference"
    assert soups["container-title"] == "The Twelfth International Conference on Learning " \
                                       "Representations"
    assert [a["family"] for a in soups["author"]] == ["Zimmer", "Spiegel", "Pokutta"]
    assert soups["issued"] == {"date-parts": [[2024]]}
    assert soups["note"] == "arXiv:2306.16788"
    perp = items["zimmer2023perp"]
    assert (perp["type"], perp["publisher"], perp["number"]) == ("article", "arXiv",
                                                                 "arXiv:2312.15230")


# --------------------------------------------------------------------------------------------------
# The command

def test_cli_export_to_a_file_by_suffix(data_path, tmp_path):
    out = tmp_path / "out" / "graph.nq"
    result = CliRunner().invoke(main, ["export", "--store", str(data_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "nquads" in result.output and out.stat().st_size > 100_000
    assert [p.name for p in out.parent.iterdir()] == ["graph.nq"]  # no temporary file left
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # an ordinary file, not a private one


def test_cli_export_to_stdout(data_path):
    result = CliRunner().invoke(main, ["export", "--store", str(data_path), "--format", "csljson"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == 28


@pytest.mark.parametrize("args,message", [
    (["--format", "n3"], "kg: error: unknown output format 'n3'; known formats: turtle,"),
    ([], "name a format with --format (turtle, ntriples,"),
    (["-o", "out.html"], "name a format with --format (turtle, ntriples,"),
])
def test_cli_export_format_errors(data_path, args, message):
    result = CliRunner().invoke(main, ["export", "--store", str(data_path), *args])
    assert result.exit_code != 0
    assert message in result.output
