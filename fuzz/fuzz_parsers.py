"""Coverage-guided fuzzing of every registered source parser with atheris.

    python fuzz/fuzz_parsers.py FORMAT [atheris/libFuzzer options]
    python fuzz/fuzz_parsers.py bibtex -max_total_time=600 fuzz/corpus/bibtex   # a longer run

The target feeds the fuzzer's bytes through the same path a file takes (decoding, the format's parser,
the report) and fails only on an exception that is not a ParseError: a crash is a bug, a reported
problem is the expected outcome for bad input.
"""

from __future__ import annotations

import sys

import atheris

# Coverage is collected on kg's own code (instrumenting every library would slow start-up tenfold).
with atheris.instrument_imports(include=["kg"]):
    from kg import sources
    from kg.errors import ParseError
    from kg.records import PartialDate
    from kg.names import parse_name
    from kg.sources import SourceContext


def target_for(fmt_name: str):
    fmt = sources.get(fmt_name)

    def one_input(data: bytes) -> None:
        ctx = SourceContext(source="fuzz", filename="fuzz-input", owner=parse_name("Ann Owner"),
                            captured=PartialDate(year=2026, month=6))
        try:
            text = sources.decode(data, ctx)
            for _ in sources.parse_text(text, fmt, ctx):
                pass
        except ParseError:
            pass  # bad input reported as such

    return one_input


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1].startswith("-"):
        names = ", ".join(sources.formats())
        raise SystemExit(f"usage: fuzz_parsers.py FORMAT [libFuzzer options]; formats: {names}")
    fmt_name = argv[1]
    atheris.Setup([argv[0], *argv[2:]], target_for(fmt_name))
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
