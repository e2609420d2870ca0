"""A short coverage-guided fuzzing run of every parser (atheris), seeded with the project's own test
documents. The longer run is documented in fuzz/README.md."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from kg import sources

from .conftest import DATA, ROOT, TESTDATA

atheris = pytest.importorskip("atheris", reason="atheris (pip install atheris) is not installed")

SEEDS = {
    "bibtex": [TESTDATA / "bibtex"],
    "website-bibtex": [DATA / "website-with-bibtex-older.txt"],
    "website-text": [DATA / "website-without-bibtex.txt"],
    "repository-listing": [DATA / "repository-listing.txt"],
    "aggregator-profile": [DATA / "aggregator-profile.txt"],
    "csljson": [TESTDATA / "csljson" / "items.csl.json"],
    "datacite": [TESTDATA / "datacite" / "dois.json", TESTDATA / "datacite" / "datacite.json"],
    "orcid": [TESTDATA / "orcid" / "record.orcid.json", TESTDATA / "orcid" / "record.orcid.xml"],
    "acl-anthology": [TESTDATA / "acl" / "W19.xml"],
    "ris": [TESTDATA / "ris" / "exports.ris", TESTDATA / "ris" / "crossref.ris"],
    "medline": [TESTDATA / "medline" / "pubmed.nbib"],
    "openalex": [TESTDATA / "openalex" / "works.json", TESTDATA / "openalex" / "works.jsonl"],
    "schema-org": [TESTDATA / "schemaorg"],
    "scopus-csv": [TESTDATA / "scopus" / "scopus.csv"],
    "wos": [TESTDATA / "wos" / "savedrecs.txt", TESTDATA / "wos" / "savedrecs-tab.txt"],
}
SECONDS = 4


def test_every_format_has_a_fuzz_seed():
    assert set(SEEDS) == set(sources.formats())


@pytest.mark.parametrize("fmt", sorted(SEEDS))
def test_fuzz_parser(fmt, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in SEEDS[fmt]:
        for f in (sorted(seed.iterdir()) if seed.is_dir() else [seed]):
            if f.is_file() and not f.name.endswith(".json") or fmt in ("csljson", "orcid", "datacite", "openalex"):
                shutil.copy(f, corpus / f.name)
    proc = subprocess.run(
        [sys.executable, str(ROOT / "fuzz" / "fuzz_parsers.py"), fmt, f"-max_total_time={SECONDS}",
         "-rss_limit_mb=4096", "-timeout=20", "-max_len=65536", str(corpus)],
        cwd=tmp_path, capture_output=True, text=True, timeout=SECONDS + 120)
    crashes = [p.name for p in tmp_path.iterdir() if p.name.startswith(("crash-", "timeout-", "oom-"))]
    assert proc.returncode == 0 and not crashes, proc.stderr[-3000:]
    assert "Done" in proc.stderr
