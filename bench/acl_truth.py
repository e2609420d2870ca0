"""Person ground truth of the ACL Anthology, and pairwise precision/recall of author clusterings.

Run ``python bench/acl_truth.py`` for the corpus read figures and the plain name-string baseline.
"""

from __future__ import annotations

import argparse
import re
import resource
import time
import unicodedata
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kg.records import ParseReport, PersonName, Record
from kg.resolve.evaluate import PairScores, pairwise
from kg.sources.acl import iter_corpus

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "acl-anthology"


def anthology_slug(text: str) -> str:
    """The Anthology's default person id for a name: 'Yang Liu' -> 'yang-liu'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@dataclass(frozen=True)
class NameTable:
    """name_variants.yaml as a lookup: (first, last) -> the person key of its entry."""

    by_name: Mapping[tuple[str, str], str]
    entries: int

    def person(self, author: PersonName) -> str:
        """The Anthology's person for one author occurrence: its id; else its listed name; else its name."""
        if author.identifier:
            return "id:" + author.identifier.removeprefix("acl:")
        key = self.by_name.get((author.given, author.family))
        return key if key is not None else "name:" + author.printed


def _entry_key(entry: Mapping[str, object]) -> str:
    if entry.get("id"):
        return f"id:{entry['id']}"
    canonical = entry["canonical"]
    assert isinstance(canonical, dict)
    return "name:" + f"{canonical.get('first') or ''} {canonical['last']}".strip()


def load_names(path: str | Path = CORPUS / "name_variants.yaml") -> NameTable:
    """Read name_variants.yaml (a list of entries: canonical name, variants, optional id)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml reads it ten times faster
    with open(path, encoding="utf-8") as f:
        entries = yaml.load(f, Loader=loader)
    candidates: dict[tuple[str, str], list[str]] = {}
    for entry in entries:
        key = _entry_key(entry)
        for name in [entry["canonical"], *entry.get("variants", [])]:
            pair = (str(name.get("first") or ""), str(name["last"]))
            candidates.setdefault(pair, []).append(key)
    by_name: dict[tuple[str, str], str] = {}
    for (first, last), keys in candidates.items():
        # A name several people share ('Yang Liu') goes, without an explicit id, to the entry with the
        # Anthology's default id for that name: the one kept for 'may refer to several people'.
        default = "id:" + anthology_slug(f"{first} {last}")
        by_name[(first, last)] = default if default in keys else keys[0]
    return NameTable(by_name=by_name, entries=len(entries))


@lru_cache(maxsize=1)
def default_names() -> NameTable:
    return load_names()


def truth_person(author: PersonName, names: NameTable | None = None) -> str:
    """The person key of one author occurrence under the Anthology's rule (see :class:`NameTable`)."""
    return (names or default_names()).person(author)


def pairwise_scores(predicted: Mapping[Any, Hashable], truth: Mapping[Any, Hashable]
                    ) -> PairScores:
    """Pairwise precision and recall of a clustering (occurrence -> cluster) against the truth.

    Both must cover the same occurrences: scoring only the overlap would hide a clustering that
    lost some.
    """
    missing = predicted.keys() ^ truth.keys()
    if missing:
        raise ValueError(f"{len(missing)} occurrences are in only one of the two clusterings, "
                         f"e.g. {next(iter(missing))!r}")
    return pairwise(predicted, truth)


Occurrence = tuple[str, int]  # (record uid, author position)


def baseline(records: Iterable[Record], names: NameTable
             ) -> tuple[dict[Occurrence, str], dict[Occurrence, str]]:
    """The plain name-string clustering (one cluster per exact printed name) and the truth."""
    predicted: dict[Occurrence, str] = {}
    truth: dict[Occurrence, str] = {}
    for record in records:
        for i, author in enumerate(record.authors):
            predicted[(record.uid, i)] = author.printed
            truth[(record.uid, i)] = names.person(author)
    return predicted, truth


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the acl-anthology corpus folder")
    parser.add_argument("--read-only", action="store_true",
                        help="only read the corpus and report count, time and peak memory")
    args = parser.parse_args()

    xml_dir = args.corpus / "xml"
    reports: list[ParseReport] = []
    start = time.perf_counter()
    if args.read_only:
        count = authors = 0
        for record in iter_corpus(xml_dir, reports=reports):
            count += 1
            authors += len(record.authors)
        seconds = time.perf_counter() - start
        print(f"read {count} records ({authors} author occurrences) from {len(reports)} files "
              f"in {seconds:.1f} s ({count / seconds:.0f} records/s); "
              f"set aside {sum(r.set_aside for r in reports)}, "
              f"issues {sum(len(r.issues) for r in reports)}; peak RSS {_peak_rss_mb():.0f} MB")
        return

    names = load_names(args.corpus / "name_variants.yaml")
    counted = _Counted(iter_corpus(xml_dir, reports=reports))
    predicted, truth = baseline(counted, names)
    seconds = time.perf_counter() - start
    with_id = sum(1 for t in truth.values() if t.startswith("id:"))
    s = pairwise_scores(predicted, truth)
    print(f"{counted.count} records, {len(truth)} author occurrences, "
          f"{len(set(predicted.values()))} printed names, {len(set(truth.values()))} true persons "
          f"({names.entries} name_variants entries); read in {seconds:.1f} s")
    print(f"occurrences whose person has an id (explicit or listed): {with_id}")
    print(f"plain name-string baseline: precision {s.precision:.4f}  recall {s.recall:.4f}  "
          f"F1 {s.f1:.4f}  (correct pairs {s.correct_pairs}, predicted {s.predicted_pairs}, "
          f"true {s.true_pairs})")


class _Counted:
    """An iterable of records that counts what passed through it."""

    def __init__(self, records: Iterable[Record]) -> None:
        self.records = records
        self.count = 0

    def __iter__(self) -> Iterator[Record]:
        for record in self.records:
            self.count += 1
            yield record


if __name__ == "__main__":
    main()
