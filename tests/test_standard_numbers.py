"""ISSNs and ISBNs: read in their printed forms, checked, and put on what they identify (a journal,
a proceedings volume or a book), never on a paper."""

from __future__ import annotations

from kg.sources import read

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
