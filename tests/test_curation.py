"""The curation file: human decisions about records and venues that override the automatic ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import ConfigError
from kg.manifest import Manifest, SourceSpec
from kg.pipeline import resolve_manifest
from kg.resolve.curation import load as load_curation

BIB = r"""
@inproceedings{zhang2016,
  title = {Sparse Coding for Streams},
  author = {Zhang, Wei and Roe, Richard},
  booktitle = {NIPS 2016},
  year = {2016}
}
@inproceedings{zhang2019,
  title = {Sparse Coding for Streams, Extended},
  author = {Zhang, Wei and Roe, Richard},
  booktitle = {Advances in Neural Information Processing Systems 32},
  year = {2019}
}
@article{roe2020,
  title = {A Study of Examples},
  author = {Roe, Richard},
  journal = {Neural Comput.},
  volume = {32},
  year = {2020}
}
@article{roe2020b,
  title = {Another Study of Examples},
  author = {Roe, Richard and Doe, Jane},
  journal = {Neural Computation},
  volume = {32},
  year = {2020}
}
@misc{doe2021,
  title = {Introduction},
  author = {Doe, Jane},
  year = {2021}
}
@misc{doe2021b,
  title = {Introduction},
  author = {Doe, Jane},
  year = {2021}
}
"""


def _resolve(tmp_path: Path, curation: str | None):
    bib = tmp_path / "papers.bib"
    bib.write_text(BIB, encoding="utf-8")
    cur = None
    if curation is not None:
        (tmp_path / "curation.toml").write_text(curation, encoding="utf-8")
        cur = load_curation(tmp_path / "curation.toml")
    manifest = Manifest(path=None, sources=(SourceSpec(id="papers", path=bib, format="bibtex"),))
    return resolve_manifest(manifest, curation=cur)


def _work(res, key: str):
    return next(w for w in res.works if f"papers#{key}" in w.records)


def _series_of(res, key: str) -> str:
    version = next(v for w in res.works for v in w.versions if f"papers#{key}" in v.records)
    editions = {e.path: e for e in res.editions}
    return editions[version.edition].series if version.edition in editions else version.edition


def test_without_curation_the_automatic_decisions_stand(tmp_path):
    res = _resolve(tmp_path, None)
    assert _work(res, "zhang2016") is not _work(res, "zhang2019")  # another title
    assert _work(res, "doe2021") is _work(res, "doe2021b")  # one title, author and year
    assert _series_of(res, "zhang2016") != _series_of(res, "zhang2019")  # NIPS, renamed
    assert _series_of(res, "roe2020") == _series_of(res, "roe2020b")  # 'Neural Comput.' abbreviates
    assert res.curation_applied == []


def test_same_and_not_same_join_and_part_records(tmp_path):
    res = _resolve(tmp_path, """
[[same]]
records = ["papers#zhang2016", "papers#zhang2019"]
reason = "the extended paper is a version of the first"

[[not_same]]
records = ["papers#doe2021", "papers#doe2021b"]
reason = "two lectures of one title"
""")
    assert _work(res, "zhang2016") is _work(res, "zhang2019")
    assert _work(res, "doe2021") is not _work(res, "doe2021b")
    assert res.curation_applied == ["same: the extended paper is a version of the first",
                                    "not_same: two lectures of one title"]


def test_prefer_sets_a_works_field(tmp_path):
    path = _work(_resolve(tmp_path, None), "roe2020").path
    res = _resolve(tmp_path, f"""
[[prefer]]
entity = "{path}"
field = "title"
value = "A Study of Examples (Corrected)"
reason = "the erratum's title"
""")
    assert _work(res, "roe2020").title == "A Study of Examples (Corrected)"


def test_same_venue_joins_a_renamed_conference_named_by_acronym_or_printed_name(tmp_path):
    for names in (["NIPS", "Advances in Neural Information Processing Systems"],
                  ["NIPS 2016", "Advances in Neural Information Processing Systems 32"]):
        res = _resolve(tmp_path, f"""
[[same_venue]]
venues = {names!r}
reason = "NIPS was renamed NeurIPS in 2018"
""".replace("'", '"'))
        series = _series_of(res, "zhang2016")
        assert series == _series_of(res, "zhang2019")
        s = next(s for s in res.series if s.path == series)
        assert s.name == "Advances in Neural Information Processing Systems" and "NIPS" in s.names
        assert sorted(e.year for e in res.editions if e.series == series) == [2016, 2019]


def test_not_same_venue_keeps_apart_what_a_rule_would_join(tmp_path):
    res = _resolve(tmp_path, """
[[not_same_venue]]
venues = ["Neural Comput.", "Neural Computation"]
reason = "here 'Neural Comput.' is Neural Computing, as its publisher prints it"
""")
    assert _series_of(res, "roe2020") != _series_of(res, "roe2020b")


@pytest.mark.parametrize("text, message", [
    ('[[same]]\nrecords = ["papers#zhang2016", "papers#nope"]\nreason = "x"\n',
     r"curation.toml:1: no record 'papers#nope'"),
    ('\n[[same_venue]]\nvenues = ["NIPS", "Some Unknown Symposium"]\nreason = "x"\n',
     r"curation.toml:2: no venue 'Some Unknown Symposium'"),
    ('[[not_same_venue]]\nvenues = ["NIPS"]\nreason = "x"\n',
     r"curation.toml:1: \[\[not_same_venue\]\] needs 'venues' with two or more entries"),
    ('[[same]]\nrecords = ["papers#zhang2016", "papers#zhang2019"]\n',
     r"curation.toml:1: \[\[same\]\] needs a 'reason'"),
    ('[[merge]]\nrecords = []\n', r"unknown section\(s\) merge"),
    ('[[same]\n', r"curation.toml"),
])
def test_a_wrong_statement_is_an_error_naming_file_and_line(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        _resolve(tmp_path, text)
