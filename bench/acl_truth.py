"""Person ground truth of the ACL Anthology, and pairwise precision/recall of author clusterings.

Run ``python bench/acl_truth.py`` for the corpus read figures and the plain name-string baseline.
"""

from __future__ import annotations

import argparse
import re
import resource
import time
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from kg.records import ParseReport, PersonName
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


@dataclass(frozen=True)
class Scores:
    """Pairwise scores: a pair of occurrences is a positive when both are put in one cluster."""

    precision: float
    recall: float
    true_pairs: int
    predicted_pairs: int
    truth_pairs: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def scores_from_contingency(cells: Mapping[tuple[Any, Any], int]) -> Scores:
    """Scores from counts of occurrences per (predicted cluster, true cluster).

    Pairs are counted by cluster sizes, never enumerated: true pairs are the pairs inside each cell,
    predicted pairs those inside each predicted cluster, truth pairs those inside each true one.
    """
    pred: Counter[Hashable] = Counter()
    truth: Counter[Hashable] = Counter()
    tp = 0
    for (p, t), n in cells.items():
        pred[p] += n
        truth[t] += n
        tp += _pairs(n)
    pp = sum(_pairs(n) for n in pred.values())
    tt = sum(_pairs(n) for n in truth.values())
    return Scores(precision=tp / pp if pp else 1.0, recall=tp / tt if tt else 1.0,
                  true_pairs=tp, predicted_pairs=pp, truth_pairs=tt)


def pairwise_scores(predicted: Mapping[Hashable, Hashable], truth: Mapping[Hashable, Hashable]
                    ) -> Scores:
    """Pairwise precision and recall of a clustering (occurrence -> cluster) against the truth."""
    missing = predicted.keys() ^ truth.keys()
    if missing:
        raise ValueError(f"{len(missing)} occurrences are in only one of the two clusterings, "
                         f"e.g. {next(iter(missing))!r}")
    return scores_from_contingency(Counter((predicted[o], truth[o]) for o in truth))


def baseline_cells(authors: Iterable[PersonName], names: NameTable) -> Counter[tuple[str, str]]:
    """Contingency of the plain name-string clustering: one cluster per exact printed name."""
    return Counter((a.printed, names.person(a)) for a in authors)


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
    cells: Counter[tuple[str, str]] = Counter()
    count = 0
    for record in iter_corpus(xml_dir, reports=reports):
        count += 1
        cells.update(baseline_cells(record.authors, names))
    seconds = time.perf_counter() - start
    occurrences = sum(cells.values())
    persons = len({t for _, t in cells})
    printed = len({p for p, _ in cells})
    with_id = sum(n for (_, t), n in cells.items() if t.startswith("id:"))
    s = scores_from_contingency(cells)
    print(f"{count} records, {occurrences} author occurrences, {printed} printed names, "
          f"{persons} true persons ({names.entries} name_variants entries); read in {seconds:.1f} s")
    print(f"occurrences whose person has an id (explicit or listed): {with_id}")
    print(f"plain name-string baseline: precision {s.precision:.4f}  recall {s.recall:.4f}  "
          f"F1 {s.f1:.4f}  (true pairs {s.true_pairs}, predicted {s.predicted_pairs}, "
          f"truth {s.truth_pairs})")


if __name__ == "__main__":
    main()
