"""Hostile input: every case must read without a crash or a hang, name the file and line of each
problem, still ingest the good records, and count what was set aside.

Each case runs `kg parse --jsonl` in a child process with a time limit, exactly as a user would."""

from __future__ import annotations

import codecs
import json
import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kg import sources
from kg.build import build
from kg.graph.store import open_store
from kg.manifest import from_files

from .conftest import TESTDATA

GOOD1 = "@article{good1, title={First good paper}, author={Doe, Jane and Roe, Rick}, year=2020}\n"
GOOD2 = "@article{good2, title={Second good paper}, author={Roe, Rick}, year=2021}\n"
TIME_LIMIT = 120


@dataclass
class Case:
    name: str
    content: bytes
    good: list[str]  # keys (or titles) that must come through
    messages: list[str] = field(default_factory=list)  # 'LINE: text' fragments expected on stderr
    fmt: str | None = None
    suffix: str = ".bib"
    set_aside: int | None = None


def text(s: str) -> bytes:
    return s.encode("utf-8")


def cases() -> list[Case]:
    rng = random.Random(7)
    garbage = bytes(rng.randrange(256) for _ in range(20000))
    high = bytes(rng.randrange(128, 256) for _ in range(5000))
    return [
        Case("truncated", text(GOOD1 + GOOD2 + "@article{cut, title={Trunc"), ["good1", "good2"],
             ["3: malformed entry"], set_aside=1),
        Case("binary-garbage", garbage, [], ["binary content"], set_aside=1),
        Case("high-bytes", text(GOOD1) + high + b"\n" + text(GOOD2), ["good1", "good2"],
             ["2: not valid UTF-8"]),
        Case("utf16", codecs.BOM_UTF16_LE + (GOOD1 + GOOD2).encode("utf-16-le"), ["good1", "good2"]),
        Case("latin1", (GOOD1 + "@article{cafe, title={Caf\u00e9 au lait}, year=2021}\n")
             .encode("latin-1"), ["good1", "cafe"], ["2: not valid UTF-8"]),
        Case("bom-crlf", codecs.BOM_UTF8 + text((GOOD1 + GOOD2).replace("\n", "\r\n")),
             ["good1", "good2"]),
        Case("50MB", text(GOOD1 + ("lorem ipsum dolor sit amet " * 4 + "\n") * (50 * 2 ** 20 // 109)
                          + GOOD2), ["good1", "good2"]),
        Case("100kB-title", text(GOOD1 + "@article{long, title={" + "Long " * 20000 + "}, year=2020}\n"
                                 + GOOD2), ["good1", "long", "good2"]),
        Case("5000-authors", text(GOOD1 + "@article{many, title={Many hands}, author={"
                                  + " and ".join(f"Person{i}, Given" for i in range(5000))
                                  + "}, year=2020}\n" + GOOD2), ["good1", "many", "good2"]),
        Case("nested-braces", text(GOOD1 + "@article{deep, title={" + "{" * 5000 + "x" + "}" * 5000
                                   + "}, year=2020}\n" + GOOD2), ["good1", "deep", "good2"]),
        Case("unterminated-string", text(GOOD1 + '@article{open, title="never closed, year=2020}\n'
                                         + GOOD2), ["good1", "good2"], ["2: "]),
        Case("duplicate-keys", text(GOOD1 + GOOD1.replace("First", "Other") + GOOD2),
             ["good1", "good1~2", "good2"], ["2: duplicate key 'good1'"]),
        Case("crossref-cycle", text(GOOD1 + "@inproceedings{a, title={A}, crossref={b}}\n"
                                    "@inproceedings{b, title={B}, crossref={a}}\n" + GOOD2),
             ["good1", "a", "b", "good2"], ["crossref cycle"]),
        Case("string-self-reference", text("@string{me = me # \" again\"}\n" + GOOD1
                                           + "@article{x, title={T}, journal=me, year=2020}\n"),
             ["good1", "x"], ["1: "]),
        Case("control-characters", text(GOOD1 + "@article{ctl, title={Bell\x07 and \x1b[31mred},"
                                        " year=2020}\n" + GOOD2), ["good1", "ctl", "good2"]),
        Case("html-in-title", text(GOOD1 + "@article{xss, title={</script><script>alert(1)</script>"
                                   " \"quoted\" <b>bold</b>}, year=2020}\n"), ["good1", "xss"]),
        Case("iri-in-identifiers", text(
            GOOD1 + "@article{iri, title={Odd ids}, url={http://example.org/a b\"c>d}, "
            "doi={10.1000/a b\"c}, eprint={2301.00001 \"x\"}, year=2020}\n"), ["good1", "iri"]),
        Case("unsplittable-url", text(  # urllib refuses an unbalanced '[' (an IPv6 host)
            GOOD1 + "@article{v6, title={Odd url}, url={http://[::1/paper}, year=2020}\n"),
             ["good1", "v6"]),
        Case("website-garbage", text("publications\n- \n- A Fine TitleJane Doe and John RoeIn Some "
                                     "Conference, 2020\n\x00\x01\n"), [], ["binary content"],
             fmt="website-text", suffix=".txt"),
        Case("aggregator-impossible-date", text("Some One\n\n1 papers\n\nLGJun 38, 2023\nA title\n\n"
                                                "Some One\n\nAbstract.\n"), ["A title"],
             ["5: date is not a calendar date"], fmt="aggregator-profile", suffix=".txt"),
        Case("xml-foreign-encoding-declaration", (TESTDATA / "acl" / "W19.xml").read_bytes().replace(
            b"encoding='UTF-8'", b"encoding='UTF-7'").replace(b'encoding="UTF-8"', b'encoding="UTF-7"'),
             ["W19-0101"], fmt="acl-anthology", suffix=".xml"),
        Case("orcid-wrong-shapes", text(json.dumps({"bulk": [
            {"work": {"title": {"title": {"value": "Good work"}}, "type": "journal-article"}},
            {"work": {"title": {"title": {"value": "Odd work"}},
                      "external-ids": {"external-id": ["not-an-object"]}}}]})),
             ["Good work"], ["does not have the shape of an ORCID work"], fmt="orcid", suffix=".json"),
        Case("csl-wrong-shapes", text(json.dumps([
            {"id": "a", "type": "article-journal", "title": "Good item"},
            {"id": "b", "type": "article-journal", "title": "Odd item", "author": "not a list",
             "issued": {"date-parts": "nope"}}])),
             ["Good item"], fmt="csljson", suffix=".json"),
        # Superscript digits pass str.isdigit() but not int().
        Case("superscript-digits-bibtex", text(GOOD1 + "@article{sup, title={Superscripts}, "
                                               "year=2020, month=jan, day={\u00b2}}\n"),
             ["good1", "sup"]),
        Case("superscript-digits-acl", (TESTDATA / "acl" / "W19.xml").read_bytes().replace(
            b'<paper id="1">', '<paper id="1\u00b9">'.encode(), 1).replace(
            b"</booktitle>", "</booktitle><month>\u00b9</month>".encode(), 1),
             ["W19-011\u00b9"], fmt="acl-anthology", suffix=".xml"),
        Case("superscript-digits-orcid", text(json.dumps({"bulk": [
            {"work": {"title": {"title": {"value": "Good work"}}, "type": "journal-article"}},
            {"work": {"title": {"title": {"value": "Odd date"}}, "type": "journal-article",
                      "publication-date": {"year": {"value": "\u00b2\u2070\u00b2\u2070"},
                                           "month": {"value": "13"}}}}]})),
             ["Good work", "Odd date"], ["is not a date; ignored"], fmt="orcid", suffix=".json"),
        Case("aggregator-truncated", text("Some One\n\n2 papers\n\nLGJun 29, 2023\nA good title\n\n"
                                          "Some One, Other Person\n\nAbstract.\n\nLGJan 3"),
             ["A good title"], fmt="aggregator-profile", suffix=".txt"),
    ]


def run_parse(path: Path, fmt: str | None) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "kg", "parse", "--jsonl", str(path)]
    if fmt:
        args += ["--format", fmt]
    return subprocess.run(args, capture_output=True, text=True, timeout=TIME_LIMIT)


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.name)
def test_hostile_input(case, tmp_path):
    path = tmp_path / f"{case.name}{case.suffix}"
    path.write_bytes(case.content)
    proc = run_parse(path, case.fmt)  # a hang would raise TimeoutExpired
    assert proc.returncode == 0, proc.stderr[-2000:]
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    got = [r.get("key") for r in records] + [r.get("title") for r in records]
    for good in case.good:
        assert good in got, (good, got[:10])
    for fragment in case.messages:
        assert f"{path}:{fragment}" in proc.stderr or (
            not fragment[0].isdigit() and fragment in proc.stderr), (fragment, proc.stderr[-1500:])
    if case.set_aside is not None:
        _, report = sources.read(path, format=case.fmt)
        assert report.set_aside == case.set_aside


def test_hostile_titles_keep_their_text(tmp_path):
    path = tmp_path / "xss.bib"
    path.write_bytes(text("@article{xss, title={</script><script>alert(1)</script> \"q\"}, year=2020}\n"
                          "@article{ctl, title={Bell\x07 and \x1b[31mred}, year=2020}\n"))
    records, _ = sources.read(path)
    assert records[0].title == '</script><script>alert(1)</script> "q"'
    assert records[1].title == "Bell and [31mred"  # control characters dropped, the rest kept


def test_hostile_identifiers_never_become_broken_iris(tmp_path):
    """A build from hostile records succeeds: no identifier turns into an invalid IRI."""
    path = tmp_path / "odd.bib"
    path.write_bytes(text(
        GOOD1 + "@article{iri, title={Odd ids}, author={Doe, Jane}, url={http://example.org/a b\"c>d}, "
        "doi={10.1000/a b\"c}, eprint={2301.00001v2 \"x\"}, year=2020}\n"
        "@article{xss, title={</script><script>alert(1)</script>}, author={Roe, Rick}, year=2020}\n"))
    result = build(from_files([path]), store=tmp_path / "store", base="http://localhost:8080/")
    assert result.resolution.counts()["works"] == 3
    store = open_store(tmp_path / "store")
    dois = [r["d"].value for r in store.query(
        "SELECT ?d WHERE { ?w <http://prismstandard.org/namespaces/basic/2.0/doi> ?d }")]
    assert set(dois) == {"10.1000/a"}  # the DOI grammar stops at the space
    titles = {r["t"].value for r in store.query(
        "SELECT ?t WHERE { ?w a <http://purl.org/spar/fabio/Work> ; <http://schema.org/name> ?t }")}
    assert "</script><script>alert(1)</script>" in titles
