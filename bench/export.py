"""`kg export` of a built store in every format: wall time, peak memory and size of each file.

    kg build --store /tmp/acl --format acl-anthology ../shared/corpus/acl-anthology/xml/*.xml
    python bench/export.py --store /tmp/acl
    python bench/export.py --store /tmp/acl --formats jsonld bibtex

Each export runs as its own `kg export` process (its peak RSS is its own), writing to a temporary
folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import child
from kg.graph.formats import FORMATS


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="a store built by `kg build`")
    parser.add_argument("--formats", nargs="+", default=list(FORMATS), choices=list(FORMATS))
    args = parser.parse_args(argv)
    print("| format | seconds | peak RSS MB | bytes |")
    print("|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="kg-bench-export-") as tmp:
        for name in args.formats:
            out = Path(tmp) / f"kg.{FORMATS[name].suffix}"
            run = child([sys.executable, "-m", "kg", "export", "--store", args.store,
                         "--format", name, "--output", str(out)])
            print(f"| {name} | {run.seconds:.1f} | {run.peak_mb:.0f} | {out.stat().st_size:,} |",
                  flush=True)
            out.unlink()


if __name__ == "__main__":
    main()
