"""Person resolution on the ACL Anthology: kg's own resolution against the Anthology's truth rule.

Reads every collection file (one source per file), resolves the records with kg.resolve.resolve and
scores author occurrences pairwise against the truth of bench/acl_truth.py, beside plain name-string
matching. Two modes:

- ids visible: the `<author id=...>` the Anthology prints for names it has disambiguated reaches the
  resolver (a person identifier is strong evidence for kg);
- ids hidden: the identifiers are stripped before resolving, so the figure is kg's own resolution of
  name variants and namesakes. The truth still uses them.

Wrong pairs are split by why the rule calls them wrong: two persons the Anthology tells apart, by id
or by separate entries of its name table (errors for certain); forms equal up to accents, case and
punctuation; other variant forms (initials, middle names, short forms). The last two are merges with
a form the Anthology's name table does not list, which its rule counts as a person of its own.

    python bench/acl_people.py [--mode both|ids|hidden] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.acl_truth import CORPUS, NameTable, Occurrence, load_names, pairwise_scores
from kg.records import ParseReport, Record
from kg.resolve import SourceRecords, resolve
from kg.resolve.evaluate import PairScores
from kg.resolve.model import Resolution, SourceInfo
from kg.sources.acl import iter_corpus
from kg.text import fold


@dataclass
class Row:
    method: str
    scores: PairScores
    clusters: int
    seconds: float | None = None
    certain: int = 0  # wrong pairs between persons the Anthology tells apart (ids, table)
    folded: int = 0  # wrong pairs between forms equal up to accents, case and punctuation
    variants: int = 0  # other wrong pairs (initials, middle names, short forms)
    unresolved: int = 0  # occurrences no person holds (their record did not align)


def read(corpus: Path) -> tuple[list[SourceRecords], int]:
    """One source per collection file, without the raw text and abstracts (people need neither)."""
    by_source: dict[str, list[Record]] = defaultdict(list)
    reports: list[ParseReport] = []
    count = 0
    for record in iter_corpus(corpus / "xml", reports=reports):
        record.raw = ""
        record.abstract = None
        by_source[record.source].append(record)
        count += 1
    inputs = [SourceRecords(SourceInfo(id=s, filename=f"{s}.xml", format="acl-anthology", trust=0.5),
                            records) for s, records in by_source.items()]
    return inputs, count


def occurrences(inputs: list[SourceRecords]):
    for src in inputs:
        for record in src.records:
            for i, author in enumerate(record.authors):
                yield (record.uid, i), author


def predicted(res: Resolution, truth: Mapping[Occurrence, str]) -> tuple[dict[Occurrence, str], int]:
    """Occurrence -> person; an occurrence no person holds is a person of its own."""
    out: dict[Occurrence, str] = {}
    for w in res.works:
        for a in w.authors:
            for m in a.mentions:
                if m.index is not None:
                    out[(m.record, m.index)] = a.person
    lost = 0
    for occ in truth:
        if occ not in out:
            out[occ] = f"unresolved:{occ[0]}#{occ[1]}"
            lost += 1
    return out, lost


def row(method: str, pred: Mapping[Occurrence, Hashable], truth: Mapping[Occurrence, str],
        printed: Mapping[Occurrence, str], told_apart: frozenset[str] = frozenset(),
        **kw: float) -> Row:
    """Scores, and the wrong pairs split by why the truth rule calls them wrong (``told_apart``: the
    truth keys the Anthology decided, by an id or an entry of its name table)."""
    scores = pairwise_scores(pred, truth)
    cells: dict[Hashable, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for occ, p in pred.items():
        cells[p][truth[occ]][printed[occ]] += 1
    certain = folded = variants = 0
    for by_truth in cells.values():
        keys = sorted(by_truth)
        for x, a in enumerate(keys):
            for b in keys[x + 1:]:
                for name_a, n_a in by_truth[a].items():
                    for name_b, n_b in by_truth[b].items():
                        n = n_a * n_b
                        if (a.startswith("id:") or a in told_apart) and \
                                (b.startswith("id:") or b in told_apart):
                            certain += n
                        elif fold(name_a) == fold(name_b):
                            folded += n
                        else:
                            variants += n
    return Row(method, scores, len(set(pred.values())), certain=certain, folded=folded,
               variants=variants, **kw)  # type: ignore[arg-type]


def run_kg(inputs: list[SourceRecords], truth: Mapping[Occurrence, str],
           printed: Mapping[Occurrence, str], method: str, told_apart: frozenset[str]) -> Row:
    started = time.process_time()
    res = resolve(inputs)
    seconds = time.process_time() - started
    pred, lost = predicted(res, truth)
    return row(method, pred, truth, printed, told_apart, seconds=seconds, unresolved=lost)


def table(rows: list[Row]) -> str:
    lines = [("| method | precision | recall | F1 | wrong pairs | told apart | accents/case | "
              "other variants | missed pairs | persons | resolve s |"),
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        s = r.scores
        lines.append(
            f"| {r.method} | {s.precision:.4f} | {s.recall:.4f} | {s.f1:.4f} "
            f"| {s.predicted_pairs - s.correct_pairs} | {r.certain} | {r.folded} | {r.variants} "
            f"| {s.true_pairs - s.correct_pairs} | {r.clusters} "
            f"| {'' if r.seconds is None else f'{r.seconds:.1f}'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the acl-anthology folder")
    parser.add_argument("--mode", choices=("both", "ids", "hidden"), default="both")
    args = parser.parse_args()

    started = time.process_time()
    inputs, count = read(args.corpus)
    names: NameTable = load_names(args.corpus / "name_variants.yaml")
    truth: dict[Occurrence, str] = {}
    printed: dict[Occurrence, str] = {}
    for occ, author in occurrences(inputs):
        truth[occ] = names.person(author)
        printed[occ] = author.printed
    read_s = time.process_time() - started
    told_apart = frozenset(names.by_name.values())
    rows = [row("name string (baseline)", printed, truth, printed, told_apart),
            row("folded name string", {o: fold(p) for o, p in printed.items()}, truth, printed,
                told_apart)]
    unresolved: dict[str, int] = {}
    if args.mode in ("both", "ids"):
        rows.append(run_kg(inputs, truth, printed, "kg, ids visible", told_apart))
        unresolved[rows[-1].method] = rows[-1].unresolved
    if args.mode in ("both", "hidden"):
        for src in inputs:
            for record in src.records:
                if any(a.identifier for a in record.authors):
                    record.authors = [a.model_copy(update={"identifier": None}) if a.identifier
                                      else a for a in record.authors]
        rows.append(run_kg(inputs, truth, printed, "kg, ids hidden", told_apart))
        unresolved[rows[-1].method] = rows[-1].unresolved
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with_id = sum(1 for t in truth.values() if t.startswith("id:"))
    print(f"ACL Anthology: {count} records, {len(truth)} author occurrences, "
          f"{len(set(printed.values()))} printed names, {len(set(truth.values()))} true persons, "
          f"{with_id} occurrences of persons with an id; read in {read_s:.1f} s CPU; "
          f"peak RSS {peak:.0f} MB")
    print(table(rows))
    for method, lost in unresolved.items():
        print(f"{method}: {lost} occurrences whose record did not align with its work's author "
              f"list count as persons of their own")


if __name__ == "__main__":
    main()
