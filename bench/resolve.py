"""Resolution at scale: time and pairwise precision/recall of works and people on synthetic sets.

Generates synthetic DBLP-like BibTeX sets (bench/synthetic.py) of each size, reads them, resolves them
and scores the works (record -> work) and the people (author occurrence -> person) against the
generator's truth. Prints one row per size and the growth of resolution time from one size to the next
(10x the records should take about 10x the time if resolution is near-linear).

    python bench/resolve.py                      # 10k and 100k records
    python bench/resolve.py --sizes 10000 --dir /tmp/synthetic   # reuse generated sets
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synthetic import Config, generate, load_truth
from kg.resolve import SourceRecords, resolve
from kg.resolve.evaluate import PairScores, pairwise
from kg.resolve.model import Resolution, SourceInfo
from kg.sources import SourceContext, read


@dataclass
class Row:
    records: int
    read_s: float
    resolve_s: float
    works: PairScores
    people: PairScores
    persons: int
    peak_mb: float
    silence_s: float  # the longest stretch of resolution without a progress report
    silence_after: str  # the step last heard before it ('start': none yet)


def read_set(folder: Path) -> list[SourceRecords]:
    """Every synthetic*.bib file of a folder as one source each, without the raw text (resolution
    does not read it)."""
    inputs = []
    for path in sorted(folder.glob("synthetic*.bib")):
        ctx = SourceContext(source=path.stem, filename=path.name)
        records, report = read(path, format="bibtex", ctx=ctx)
        for r in records:
            r.raw = ""
        inputs.append(SourceRecords(info=SourceInfo(id=path.stem, filename=path.name,
                                                    format=report.format, trust=0.5),
                                    records=records))
    return inputs


def score(res: Resolution, folder: Path) -> tuple[PairScores, PairScores]:
    """Works and people against the truth; an occurrence no person holds counts as a person alone."""
    truth = load_truth(folder / "synthetic.truth.jsonl")
    work_pred = {uid.split("#", 1)[1]: w.path for w in res.works for uid in w.records}
    person_pred: dict[tuple[str, int], str] = {}
    for w in res.works:
        for a in w.authors:
            for m in a.mentions:
                if m.index is not None:
                    person_pred[(m.record.split("#", 1)[1], m.index)] = a.person
    for occ in truth.person_of:
        person_pred.setdefault(occ, f"unresolved:{occ[0]}#{occ[1]}")
    return pairwise(work_pred, truth.work_of), pairwise(person_pred, truth.person_of)


class Silences:
    """A progress callback that keeps the longest wall-clock stretch without a report, from
    :meth:`start` to :meth:`stop`, and the step heard last before it: what a user watching the
    progress bars of ``kg build`` sees standing still."""

    def __init__(self) -> None:
        self.last, self.step = 0.0, "start"
        self.longest, self.after = 0.0, "start"

    def start(self) -> None:
        self.last = time.perf_counter()

    def __call__(self, step: str, done: int, total: int | None) -> None:
        self._heard(step)

    def stop(self) -> None:
        self._heard("end")

    def _heard(self, step: str) -> None:
        now = time.perf_counter()
        if now - self.last > self.longest:
            self.longest, self.after = now - self.last, self.step
        self.last, self.step = now, step


def measure(records: int, folder: Path) -> Row:
    started = time.process_time()
    inputs = read_set(folder)
    read_s = time.process_time() - started
    silences = Silences()
    started = time.process_time()
    silences.start()
    res = resolve(inputs, progress=silences)
    silences.stop()
    resolve_s = time.process_time() - started
    works, people = score(res, folder)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Row(records, read_s, resolve_s, works, people, len(res.persons), peak,
               silences.longest, silences.after)


def table(rows: Sequence[Row]) -> str:
    lines = [("| records | read s | resolve s | growth | works P | works R | people P | people R "
              "| persons | peak RSS MB | longest silence |"),
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    previous: Row | None = None
    for r in rows:
        growth = "" if previous is None else \
            f"{r.resolve_s / previous.resolve_s:.1f}x for {r.records / previous.records:.0f}x"
        lines.append(f"| {r.records} | {r.read_s:.1f} | {r.resolve_s:.1f} | {growth} "
                     f"| {r.works.precision:.4f} | {r.works.recall:.4f} | {r.people.precision:.4f} "
                     f"| {r.people.recall:.4f} | {r.persons} | {r.peak_mb:.0f} "
                     f"| {r.silence_s:.1f} s after {r.silence_after} |")
        previous = r
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--dir", type=Path, default=None,
                        help="generate into (or reuse) DIR/<size>/ instead of a temporary folder")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-resolve-") as tmp:
        base = args.dir or Path(tmp)
        for size in sorted(args.sizes):
            folder = base / str(size)
            if not (folder / "synthetic.truth.jsonl").exists():
                generate(Config(records=size, seed=args.seed, per_file=20_000), folder)
            rows.append(measure(size, folder))
            print(f"{size} records: resolved in {rows[-1].resolve_s:.1f} s CPU", file=sys.stderr)
    print("CPU seconds (time.process_time); one process per run, sizes in increasing order. "
          "Longest silence: the longest wall-clock stretch of resolution without a progress report, "
          "after the step named.")
    print(table(rows))


if __name__ == "__main__":
    main()
