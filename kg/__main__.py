"""`python -m kg`: the same as the `kg` command."""

from __future__ import annotations

from .cli import main

main()
