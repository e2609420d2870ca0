"""`python -m kg.cli`: the same as the `kg` command."""

from __future__ import annotations

from . import main

main()
